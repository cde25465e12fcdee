//! Parquet output (`--table-format parquet`): the same bytes on any thread count, shard split
//! and resume; read back by every command as the CSV folder of the same ensemble; bad input
//! refused with exit 2 and nothing overwritten. (pyarrow reading the files is `.ci/parquet_check.py`.)

use std::path::{Path, PathBuf};

use accord::table::Rows;
use predicates::prelude::*;

use crate::support::{accord, files, lhs_sweep, run_nine, small_quickstart, tempdir, write};

const PARQUET: [&str; 2] = ["--table-format", "parquet"];

/// Every row of the table at `path`, header first, as the text readers see.
fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = Rows::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = vec![r.header().to_vec()];
    while r.advance().unwrap() {
        out.push((0..r.len()).map(|i| r.get(i).to_owned()).collect());
    }
    out
}

/// The tables of a folder by stem, so a CSV and a Parquet folder can be compared.
fn tables(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_owned();
            let stem = accord::table::stem_of(&name)?.to_owned();
            Some((stem, p))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_parquet_folder_holds_the_csv_folders_rows_and_the_same_charts_and_report() {
    let dir = tempdir();
    let s = lhs_sweep(dir.path(), 6);
    let (csv, pq) = (dir.path().join("csv"), dir.path().join("pq"));
    run_nine(&s, &csv, &[]);
    run_nine(&s, &pq, &PARQUET);
    let (a, b) = (tables(&csv), tables(&pq));
    let stems: Vec<&str> = b.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        stems,
        [
            "effects",
            "points",
            "representative_states",
            "robustness",
            "states",
            "summary",
            "timeseries"
        ]
    );
    assert_eq!(a.len(), b.len());
    for ((stem, x), (_, y)) in a.iter().zip(&b) {
        assert!(y.extension().unwrap() == "parquet", "{}", y.display());
        assert_eq!(rows(x), rows(y), "{stem}: Parquet differs from CSV");
        assert_eq!(&std::fs::read(y).unwrap()[..4], b"PAR1");
    }
    // Everything drawn from the tables is the same, the report but for its links and command.
    let (fa, fb) = (files(&csv.join("charts")), files(&pq.join("charts")));
    assert!(fa == fb, "charts differ between a CSV and a Parquet folder");
    let report = std::fs::read_to_string(pq.join("report.html")).unwrap();
    assert!(report.contains("--table-format parquet"));
    assert!(report.contains("href=\"summary.parquet\""));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pq.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["tables"]["format"], "parquet");
    assert_eq!(manifest["tables"]["schema_version"], 1);
    assert_eq!(
        manifest["tables"]["columns"]["timeseries"][3]["name"],
        "seed"
    );
    assert_eq!(
        manifest["tables"]["columns"]["timeseries"][3]["type"],
        "uint64"
    );
    // Commands that read tables accept the Parquet folder and give what they give for CSV.
    for folder in [&csv, &pq] {
        accord()
            .args(["replay", "--arm", "1", "--run", "4", "--point", "3"])
            .arg(folder)
            .assert()
            .success();
        accord().arg("plot").arg(folder).assert().success();
        accord()
            .args(["analyze", "--satisfice", "fragmentation<=0.3"])
            .arg(folder)
            .assert()
            .success();
        accord()
            .args([
                "discover",
                "--arm",
                "0",
                "--metric",
                "fragmentation",
                "--below",
                "0.3",
            ])
            .arg(folder)
            .assert()
            .success();
    }
    for (a, b) in [
        ("robustness.csv", "robustness.parquet"),
        ("discovery/trajectory.csv", "discovery/trajectory.parquet"),
        ("discovery/box.csv", "discovery/box.parquet"),
        ("discovery/cases.csv", "discovery/cases.parquet"),
    ] {
        assert_eq!(rows(&csv.join(a)), rows(&pq.join(b)), "{b}");
    }
    assert!(files(&csv.join("charts")) == files(&pq.join("charts")));
}

#[test]
fn parquet_bytes_are_the_same_across_threads_shards_and_resume() {
    let dir = tempdir();
    let s = small_quickstart(dir.path(), 6);
    let one = dir.path().join("one");
    run_nine(&s, &one, &[&PARQUET[..], &["--threads", "1"]].concat());
    let two = dir.path().join("two");
    run_nine(&s, &two, &[&PARQUET[..], &["--threads", "2"]].concat());
    let shards: Vec<PathBuf> = (0..3).map(|k| dir.path().join(format!("s{k}"))).collect();
    for (k, out) in shards.iter().enumerate() {
        run_nine(&s, out, &["--shard", &format!("{k}/3")]);
    }
    let merged = dir.path().join("merged");
    accord()
        .arg("merge")
        .args(&shards)
        .args(PARQUET)
        .arg("--out")
        .arg(&merged)
        .assert()
        .success()
        .stdout(predicate::str::contains("timeseries.parquet"));
    // An interrupted run: a store with one chunk, resumed.
    let resumed = dir.path().join("resumed");
    let args = ["run", "--runs", "9", "--quiet", "--states", "final"];
    accord()
        .args(args)
        .args(["--chunk-runs", "3", "--shard", "0/1"])
        .arg("--out")
        .arg(dir.path().join("store"))
        .arg(&s)
        .assert()
        .success();
    let partial = dir.path().join(".resumed.partial");
    std::fs::rename(dir.path().join("store"), &partial).unwrap();
    let mut m = accord::experiment::store::read_manifest(&partial).unwrap();
    m.finished_at = None;
    m.shard = accord::experiment::Shard::WHOLE;
    accord::experiment::store::write_manifest(&partial, &m).unwrap();
    for chunk in ["chunk-000001.bin", "chunk-000002.bin"] {
        std::fs::remove_file(partial.join("chunks").join(chunk)).unwrap();
    }
    accord()
        .args(args)
        .args(["--chunk-runs", "3", "--resume"])
        .args(PARQUET)
        .arg("--out")
        .arg(&resumed)
        .arg(&s)
        .assert()
        .success();
    for t in ["timeseries", "summary", "effects", "states"] {
        let name = format!("{t}.parquet");
        let a = std::fs::read(one.join(&name)).unwrap();
        for other in [&two, &merged, &resumed] {
            assert!(
                a == std::fs::read(other.join(&name)).unwrap(),
                "{name} differs in {}",
                other.display()
            );
        }
    }
}

#[test]
fn the_scenario_key_chooses_the_format_and_the_flag_overrides_it() {
    let dir = tempdir();
    let s = small_quickstart(dir.path(), 3);
    let text = std::fs::read_to_string(&s).unwrap();
    let with_key = text.replacen(
        "[experiment]",
        "[experiment]\ntable_format = \"parquet\"",
        1,
    );
    assert_ne!(text, with_key, "quickstart has an [experiment] table");
    let keyed = write(&dir.path().join("scenarios"), "keyed.toml", with_key);
    let out = dir.path().join("keyed");
    accord()
        .args(["run", "--runs", "3", "--quiet", "--out"])
        .arg(&out)
        .arg(&keyed)
        .assert()
        .success();
    assert!(out.join("summary.parquet").is_file() && !out.join("summary.csv").exists());
    let flagged = dir.path().join("flagged");
    accord()
        .args([
            "run",
            "--runs",
            "3",
            "--quiet",
            "--table-format",
            "csv",
            "--out",
        ])
        .arg(&flagged)
        .arg(&keyed)
        .assert()
        .success();
    assert!(flagged.join("summary.csv").is_file() && !flagged.join("summary.parquet").exists());
    let bad = write(
        &dir.path().join("scenarios"),
        "bad.toml",
        text.replacen("[experiment]", "[experiment]\ntable_format = \"xlsx\"", 1),
    );
    accord()
        .args(["validate"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`experiment.table_format`: is `xlsx`, but it must be one of: `csv`, `parquet`",
        ));
}

#[test]
fn bad_table_input_is_refused_with_exit_2_and_nothing_overwritten() {
    let dir = tempdir();
    let s = small_quickstart(dir.path(), 3);
    accord()
        .args(["run", "--table-format", "xlsx"])
        .arg(&s)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("xlsx"));
    let out = dir.path().join("out");
    run_nine(&s, &out, &PARQUET);
    let before = files(&out);
    // A damaged summary: plot and report refuse it, naming the file, and change nothing.
    let summary = out.join("summary.parquet");
    let bytes = std::fs::read(&summary).unwrap();
    std::fs::write(&summary, &bytes[..bytes.len() / 2]).unwrap();
    for command in ["plot", "report"] {
        accord()
            .arg(command)
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("summary.parquet"))
            .stderr(predicate::str::contains(
                "not a Parquet table accord can read",
            ));
    }
    let mut after = files(&out);
    after.remove(Path::new("summary.parquet"));
    let mut expected = before.clone();
    expected.remove(Path::new("summary.parquet"));
    assert!(after == expected, "a refused command changed the folder");
    // A folder from a newer accord whose tables follow a newer schema.
    std::fs::write(&summary, &bytes).unwrap();
    let manifest = out.join("manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let newer = text.replacen("\"schema_version\": 1", "\"schema_version\": 99", 1);
    assert_ne!(text, newer);
    std::fs::write(&manifest, newer).unwrap();
    accord()
        .args(["replay", "--arm", "0", "--run", "0"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "schema 99, newer than this accord's 1",
        ));
    // Both formats of one table: which one is meant is not guessed.
    std::fs::write(&manifest, text).unwrap();
    std::fs::write(out.join("summary.csv"), "arm,step\n").unwrap();
    accord()
        .arg("plot")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "holds both `summary.csv` and `summary.parquet`",
        ));
}
