#!/usr/bin/env python3
"""Check with a real Parquet reader (pyarrow) that accord's Parquet tables hold what its CSV tables hold.

For two ensembles -- quickstart with final states (timeseries, summary, effects, states) and a small
`sobol` sweep of scenarios/sweep_quickstart.toml (points, sensitivity, robustness too) -- the accord
binary given as the first argument writes the same ensemble twice, `--table-format csv` and
`--table-format parquet`. For every table the Parquet folder's manifest lists, this loads the Parquet
file with pyarrow and the CSV with Python's csv module and checks:

- the columns' names and order equal the manifest's schema, and their Arrow types match its types
  (int64, uint64, float64, string, bool), text columns dictionary-encoded on disk;
- the row counts are equal;
- integers, text and booleans are equal; an empty CSV cell is a Parquet null;
- every float is within 5e-11 of the CSV's ten-decimal text AND formats to exactly that text
  (`%.10f`, negative zero as zero): the Parquet value is the exact f64 the CSV was rounded from.

It also times reading each Parquet folder's timeseries with pyarrow and with the csv module.

Usage: parquet_check.py <path to accord> (exit 0 when everything agrees)
"""

import csv
import json
import math
import pathlib
import subprocess
import sys
import tempfile
import time

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = pathlib.Path(__file__).resolve().parent.parent
TOLERANCE = 5e-11
ARROW_TYPES = {
    "int64": pa.int64(),
    "uint64": pa.uint64(),
    "float64": pa.float64(),
    "string": pa.string(),
    "bool": pa.bool_(),
}


def fixed(x):
    """accord's CSV float text: ten decimals, a value printing as -0.0000000000 as 0.0000000000."""
    s = "%.10f" % x
    if s.startswith("-") and set(s[1:]) <= set("0."):
        s = s[1:]
    return s


def run(accord, scenario, out, fmt, *extra):
    subprocess.run(
        [accord, "run", str(scenario), "--out", str(out), "--quiet", "--table-format", fmt, *extra],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def check_table(csv_dir, pq_dir, stem, schema):
    path = pq_dir / f"{stem}.parquet"
    table = pq.read_table(path)
    names = [c["name"] for c in schema]
    assert table.column_names == names, f"{path}: columns {table.column_names} != manifest {names}"
    for c in schema:
        got = table.schema.field(c["name"]).type
        assert got == ARROW_TYPES[c["type"]], f"{path}: `{c['name']}` is {got}, manifest says {c['type']}"
    meta = pq.ParquetFile(path).metadata
    for i, c in enumerate(schema):
        if c["type"] == "string" and meta.num_row_groups:
            encodings = meta.row_group(0).column(i).encodings
            assert any("DICTIONARY" in e for e in encodings), f"{path}: `{c['name']}` not dictionary-encoded: {encodings}"
    with open(csv_dir / f"{stem}.csv", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    assert header == names, f"{stem}.csv header {header} != {names}"
    assert table.num_rows == len(rows), f"{stem}: {table.num_rows} Parquet rows, {len(rows)} CSV rows"
    floats = 0
    for j, c in enumerate(schema):
        values = table.column(j).to_pylist()
        for i, (v, text) in enumerate(zip(values, (r[j] for r in rows))):
            where = f"{stem} row {i + 2} column `{c['name']}`"
            if c["type"] == "float64":
                if text == "":
                    assert v is None, f"{where}: CSV empty, Parquet {v!r}"
                    continue
                assert v is not None and math.isfinite(v), f"{where}: Parquet {v!r}, CSV {text}"
                # Half a unit of the tenth decimal, plus the rounding of the two binary values.
                slack = TOLERANCE + 1e-15 * max(1.0, abs(v))
                assert abs(v - float(text)) <= slack, f"{where}: {v!r} vs {text}"
                assert fixed(v) == text, f"{where}: {v!r} formats as {fixed(v)}, CSV has {text}"
                floats += 1
            elif c["type"] == "bool":
                assert str(v).lower() == text, f"{where}: {v!r} vs {text}"
            elif c["type"] in ("int64", "uint64"):
                assert v == int(text), f"{where}: {v!r} vs {text}"
            else:
                assert v == text, f"{where}: {v!r} vs {text}"
    return table.num_rows, floats


def check_folders(csv_dir, pq_dir, expected):
    manifest = json.loads((pq_dir / "manifest.json").read_text())
    tables = manifest["tables"]
    assert tables["format"] == "parquet" and tables["schema_version"] >= 1, tables
    listed = sorted(tables["columns"])
    assert listed == sorted(expected), f"manifest lists {listed}, expected {sorted(expected)}"
    csv_manifest = json.loads((csv_dir / "manifest.json").read_text())
    assert csv_manifest["tables"]["columns"] == tables["columns"], "CSV and Parquet schemas differ"
    for stem, schema in tables["columns"].items():
        assert not (pq_dir / f"{stem}.csv").exists(), f"{stem}.csv in a Parquet folder"
        rows, floats = check_table(csv_dir, pq_dir, stem, schema)
        print(f"  {stem}: {rows} rows, {len(schema)} columns, {floats} floats equal")


def timed_reads(pq_dir, csv_dir):
    t0 = time.perf_counter()
    table = pq.read_table(pq_dir / "timeseries.parquet")
    t1 = time.perf_counter()
    with open(csv_dir / "timeseries.csv", newline="") as f:
        n = sum(1 for _ in csv.reader(f)) - 1
    t2 = time.perf_counter()
    assert n == table.num_rows
    print(f"  timeseries ({n} rows): pyarrow.parquet {t1 - t0:.3f} s, csv module {t2 - t1:.3f} s")


def main():
    accord = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        quick = ROOT / "scenarios" / "quickstart.toml"
        for fmt in ("csv", "parquet"):
            run(accord, quick, tmp / f"quick-{fmt}", fmt, "--runs", "60", "--states", "final")
        print("quickstart, 60 runs per arm, final states:")
        check_folders(tmp / "quick-csv", tmp / "quick-parquet", ["timeseries", "summary", "effects", "states", "representative_states"])
        timed_reads(tmp / "quick-parquet", tmp / "quick-csv")

        text = (ROOT / "scenarios" / "sweep_quickstart.toml").read_text()
        text = text.replace("steps = 15", "steps = 6", 1).replace("runs = 20 ", "runs = 3 ", 1)
        assert 'method = "grid"\n' in text
        text = text.replace(
            'method = "grid"\n',
            'method = "sobol"\nsamples = 8\nparams = { "alignment.confidence" = { min = 0.1, max = 0.4 }, '
            '"diffusion.norm_pull" = { min = 0.0, max = 0.5 } }\n#',
            1,
        )
        (tmp / "scenarios").mkdir()
        sweep = tmp / "scenarios" / "sobol.toml"
        sweep.write_text(text)
        for fmt in ("csv", "parquet"):
            run(accord, sweep, tmp / f"sweep-{fmt}", fmt)
        print("sobol sweep of sweep_quickstart:")
        check_folders(
            tmp / "sweep-csv",
            tmp / "sweep-parquet",
            ["timeseries", "summary", "effects", "points", "representative_states", "robustness", "sensitivity"],
        )
    print("parquet check: every table agrees with its CSV")


if __name__ == "__main__":
    main()
