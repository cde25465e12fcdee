#!/usr/bin/env python3
"""Cross-check accord's sensitivity estimators against SALib on the same design and outputs.

Runs a small `sobol` (second order) and `morris` sweep of scenarios/sweep_quickstart.toml with
the accord binary given as the first argument, then, for every analysed outcome (arm x level or
effect x metric), feeds the per-point means accord analysed (summary.csv / effects.csv at the
final step, as written) and the design (points.csv) to SALib's `sobol.analyze` and
`morris.analyze`, and checks that every point estimate in sensitivity.csv equals SALib's to
1e-9 (the file's 10 decimals allow 5e-11 of rounding). Intervals are not compared: SALib draws
its bootstrap from NumPy, accord from its own seeded generator.

Usage: salib_check.py <path to accord> (exit 0 when every estimate agrees)
"""

import csv
import json
import pathlib
import subprocess
import sys
import tempfile
import warnings

import numpy as np
from SALib.analyze import morris as salib_morris
from SALib.analyze import sobol as salib_sobol

TOLERANCE = 1e-9
ROOT = pathlib.Path(__file__).resolve().parent.parent
PARAMS = (
    '{ "bodies.waico.harmonization" = { min = 0.0, max = 0.2 }, '
    '"alignment.confidence" = { min = 0.1, max = 0.4 }, '
    '"diffusion.norm_pull" = { min = 0.0, max = 0.5 } }'
)
DESIGNS = {
    "sobol": f'method = "sobol"\nsamples = 16\nsecond_order = true\nparams = {PARAMS}\n#',
    "morris": f'method = "morris"\ntrajectories = 12\nlevels = 6\nparams = {PARAMS}\n#',
}


def scenario(folder, design):
    text = (ROOT / "scenarios" / "sweep_quickstart.toml").read_text()
    text = text.replace("steps = 15", "steps = 8", 1).replace("runs = 20 ", "runs = 4 ", 1)
    assert 'method = "grid"\n' in text
    text = text.replace('method = "grid"\n', DESIGNS[design], 1)
    (folder / "scenarios").mkdir(exist_ok=True)
    path = folder / "scenarios" / f"{design}.toml"
    path.write_text(text)
    return path


def table(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def outcomes(out, arms, reference):
    """(arm, outcome, metric) -> per-point means, as accord analysed them."""
    summary = table(out / "summary.csv")
    last = max(int(r["step"]) for r in summary)
    series = {}

    def put(arm, outcome, metric, point, value):
        series.setdefault((arm, outcome, metric), {})[int(point)] = value

    for r in summary:
        if int(r["step"]) == last:
            put(r["arm"], "level", r["metric"], r["point"], r["mean"])
    if len(arms) > 1:
        for r in table(out / "effects.csv"):
            if int(r["step"]) == last and r["arm"] != arms[reference]:
                put(r["arm"], "effect", r["metric"], r["point"], r["mean_diff"])
    return series


def check(accord, folder, design):
    out = folder / f"out-{design}"
    subprocess.run(
        [accord, "run", "--quiet", "--out", str(out), str(scenario(folder, design))],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    manifest = json.loads((out / "manifest.json").read_text())
    sweep = manifest["scenario"]["sweep"]
    method = sweep["method"]
    params = sweep["params"]
    arms = manifest["arms"]
    reference = manifest["scenario"]["experiment"].get("reference", 0)
    points = table(out / "points.csv")
    x = np.array([[float(p[name]) for name in params] for p in points])
    problem = {
        "num_vars": len(params),
        "names": params,
        "bounds": [list(b) for b in next(iter(method.values()))["ranges"]],
    }
    ours = {}
    notes = {}
    for r in table(out / "sensitivity.csv"):
        key = (r["arm"], r["outcome"], r["metric"])
        notes[key] = r["note"]
        ours[key + (r["index"], r["param"], r["param2"])] = r["estimate"]
    compared = 0
    worst = 0.0
    for key, values in outcomes(out, arms, reference).items():
        if notes.get(key):
            continue  # constant or undefined outcomes: accord writes 0 / nothing, SALib NaN
        y = np.array([float(values[i]) for i in range(len(points))])
        expected = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if design == "sobol":
                s = salib_sobol.analyze(problem, y, calc_second_order=True, num_resamples=10, seed=1)
                for j, p in enumerate(params):
                    expected.append(("S1", p, "", s["S1"][j]))
                    expected.append(("ST", p, "", s["ST"][j]))
                    for k in range(j + 1, len(params)):
                        expected.append(("S2", p, params[k], s["S2"][j][k]))
            else:
                levels = method["Morris"]["levels"]
                s = salib_morris.analyze(problem, x, y, num_resamples=10, num_levels=levels, seed=1)
                for j, p in enumerate(params):
                    for index in ("mu", "mu_star", "sigma"):
                        expected.append((index, p, "", s[index][j]))
        for index, p, p2, value in expected:
            got = float(ours[key + (index, p, p2)])
            diff = abs(got - float(value))
            worst = max(worst, diff)
            compared += 1
            if not diff <= TOLERANCE:
                sys.exit(f"{design}: {key} {index} {p} {p2}: accord {got}, SALib {value} (|diff| {diff:.3g})")
    if compared == 0:
        sys.exit(f"{design}: nothing was compared")
    print(f"{design}: {compared} estimates equal SALib's (largest difference {worst:.2g})")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    accord = str(pathlib.Path(sys.argv[1]).resolve())
    with tempfile.TemporaryDirectory() as tmp:
        for design in DESIGNS:
            check(accord, pathlib.Path(tmp), design)


if __name__ == "__main__":
    main()
