//! `accord run --shard` and `accord merge`: a chunked run writes what the in-memory ensemble
//! gives, merged shards write the same bytes as one uninterrupted run whatever their order
//! and split, and shards that do not belong together are refused with the reason.

use std::path::PathBuf;

use accord::experiment::{EnsembleConfig, RunSource, run_ensemble, summarize};
use accord::model::StatesMode;
use predicates::prelude::*;

use crate::support::{accord, assert_same_folder, run_nine, shipped, small_quickstart, tempdir};

#[test]
fn chunked_run_writes_what_the_in_memory_ensemble_gives() {
    let dir = tempdir();
    let scenario = small_quickstart(dir.path(), 6);
    let out = dir.path().join("out");
    // Chunks of 2 runs: 9 runs per arm span 5 chunks, the last one short.
    run_nine(&scenario, &out, &["--chunk-runs", "2"]);
    let s = accord::scenario::load(&scenario).unwrap();
    let config = EnsembleConfig {
        runs: 9,
        states: StatesMode::Final,
        ..EnsembleConfig::from_scenario(&s)
    };
    let e = run_ensemble(&s, &config, &|| {}).unwrap();
    let mem = dir.path().join("mem");
    std::fs::create_dir(&mem).unwrap();
    let csv = accord::table::TableFormat::Csv;
    accord::output::write_timeseries(&mem, csv, &e).unwrap();
    accord::output::write_summary(&mem, csv, &e.layout(), &summarize(&e).unwrap()).unwrap();
    accord::output::write_states(&mem, csv, &e, &s.dimensions).unwrap();
    for t in ["timeseries.csv", "summary.csv", "states.csv"] {
        assert!(
            std::fs::read(out.join(t)).unwrap() == std::fs::read(mem.join(t)).unwrap(),
            "{t} differs"
        );
    }
    assert!(!dir.path().join(".out.partial").exists(), "store removed");
}

#[test]
fn merged_shards_equal_one_run_in_any_order_and_split() {
    let dir = tempdir();
    let scenario = small_quickstart(dir.path(), 6);
    let whole = dir.path().join("whole");
    run_nine(&scenario, &whole, &[]);
    for n in [2u32, 4] {
        let shards: Vec<PathBuf> = (0..n)
            .map(|k| {
                let s = dir.path().join(format!("n{n}-shard{k}"));
                let spec = format!("{k}/{n}");
                run_nine(&scenario, &s, &["--shard", &spec, "--chunk-runs", "1"]);
                assert!(s.join("shard.json").is_file() && s.join("chunks").is_dir());
                s
            })
            .rev()
            .collect();
        let merged = dir.path().join(format!("merged{n}"));
        accord()
            .arg("merge")
            .args(&shards)
            .arg("--out")
            .arg(&merged)
            .assert()
            .success()
            .stdout(predicate::str::contains(format!("merged {n} shards")));
        assert_same_folder(&whole, &merged);
    }
}

#[test]
fn sweep_shards_merge_to_the_same_folder() {
    let dir = tempdir();
    let text = std::fs::read_to_string(shipped("sweep_quickstart.toml")).unwrap();
    std::fs::create_dir(dir.path().join("scenarios")).unwrap();
    let scenario = dir.path().join("scenarios/sweep.toml");
    std::fs::write(&scenario, text).unwrap();
    let args = ["--runs", "3", "--quiet"];
    let whole = dir.path().join("whole");
    accord()
        .arg("run")
        .args(args)
        .arg("--out")
        .arg(&whole)
        .arg(&scenario)
        .assert()
        .success();
    let shards: Vec<PathBuf> = (0..3).map(|k| dir.path().join(format!("s{k}"))).collect();
    for (k, s) in shards.iter().enumerate() {
        accord()
            .arg("run")
            .args(args)
            .args(["--shard", &format!("{k}/3"), "--out"])
            .arg(s)
            .arg(&scenario)
            .assert()
            .success();
    }
    let merged = dir.path().join("merged");
    accord()
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(&merged)
        .assert()
        .success();
    for t in [
        "timeseries.csv",
        "summary.csv",
        "effects.csv",
        "points.csv",
        "robustness.csv",
    ] {
        assert!(
            std::fs::read(whole.join(t)).unwrap() == std::fs::read(merged.join(t)).unwrap(),
            "{t} differs"
        );
    }
}

#[test]
fn merge_names_missing_duplicate_and_foreign_shards() {
    let dir = tempdir();
    let scenario = small_quickstart(dir.path(), 6);
    let shard = |k: u32, n: u32, extra: &[&str]| {
        let s = dir.path().join(format!("s{k}of{n}{}", extra.join("")));
        let spec = format!("{k}/{n}");
        let mut args = vec!["--shard", spec.as_str()];
        args.extend_from_slice(extra);
        run_nine(&scenario, &s, &args);
        s
    };
    let (s0, s1, s2) = (shard(0, 3, &[]), shard(1, 3, &[]), shard(2, 3, &[]));
    let merge = |shards: &[&PathBuf]| {
        let mut c = accord();
        c.arg("merge");
        for s in shards {
            c.arg(s);
        }
        c.arg("--out").arg(dir.path().join("merged"));
        c.assert().code(2)
    };
    merge(&[&s0, &s2]).stderr(predicate::str::contains("missing 1 of 3 shards: 1/3"));
    merge(&[&s0, &s1, &s1, &s2]).stderr(predicate::str::contains("shard 1/3 is given twice"));
    let other_seed = shard(1, 3, &["--seed", "5"]);
    merge(&[&s0, &other_seed, &s2]).stderr(predicate::str::contains(
        "not shards of the same ensemble: seed",
    ));
    let other_split = shard(1, 2, &[]);
    merge(&[&s0, &other_split]).stderr(predicate::str::contains("shard count: 3 vs 2"));
    merge(&[&s0, &dir.path().join("nowhere")])
        .stderr(predicate::str::contains("is `").and(predicate::str::contains("a shard folder")));
    // A damaged chunk is reported, not merged.
    let chunk = s2.join("chunks/chunk-000000.bin");
    let bytes = std::fs::read(&chunk).unwrap();
    std::fs::write(&chunk, &bytes[..bytes.len() / 2]).unwrap();
    merge(&[&s0, &s1, &s2]).stderr(predicate::str::contains("incomplete"));
    assert!(!dir.path().join("merged").exists());
    // Issue 10 (6): an edited shard manifest (here a parameter of its scenario, still valid
    // JSON) is refused by its checksum.
    let manifest = s1.join("shard.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(text.starts_with("{\n  \"sha256\": \""), "{text}");
    std::fs::write(
        &manifest,
        text.replacen("\"rate\": 0.1,", "\"rate\": 0.2,", 1),
    )
    .unwrap();
    merge(&[&s0, &s1, &s2]).stderr(predicate::str::contains(
        "shard.json` does not match its checksum: it was edited or damaged since accord wrote it",
    ));
    assert!(!dir.path().join("merged").exists());
}
