//! Chunked, sharded and resumed ensembles write the same bytes as one uninterrupted run, and
//! shards that do not belong together are refused with the reason.

use std::path::{Path, PathBuf};
use std::process::{Command as Std, Stdio};

use accord::experiment::{EnsembleConfig, RunSource, run_ensemble, summarize};
use accord::model::StatesMode;
use assert_cmd::Command;
use predicates::prelude::*;

fn accord() -> Command {
    Command::cargo_bin("accord").unwrap()
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// quickstart with fewer steps, written into `dir/scenarios/` (outputs may not go into a
/// scenario's own folder).
fn small(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(root().join("scenarios/quickstart.toml")).unwrap();
    std::fs::create_dir_all(dir.join("scenarios")).unwrap();
    let path = dir.join("scenarios/small.toml");
    std::fs::write(&path, text.replacen("steps = 25", "steps = 6", 1)).unwrap();
    path
}

const TABLES: [&str; 5] = [
    "timeseries.csv",
    "summary.csv",
    "effects.csv",
    "states.csv",
    "representative_states.csv",
];

/// Every CSV of `a` equals `b`'s, byte for byte, and every SVG chart too.
fn assert_same_folder(a: &Path, b: &Path) {
    for t in TABLES {
        let (x, y) = (std::fs::read(a.join(t)), std::fs::read(b.join(t)));
        assert!(x.is_ok(), "{} missing", a.join(t).display());
        assert!(x.unwrap() == y.unwrap(), "{t} differs");
    }
    for svg in ["fragmentation.svg", "effects.svg", "membership.svg"] {
        let (x, y) = (a.join("charts").join(svg), b.join("charts").join(svg));
        assert!(
            std::fs::read(x).unwrap() == std::fs::read(y).unwrap(),
            "{svg} differs"
        );
    }
}

fn run(scenario: &Path, out: &Path, extra: &[&str]) {
    accord()
        .args(["run", "--runs", "9", "--quiet", "--states", "final"])
        .args(extra)
        .arg("--out")
        .arg(out)
        .arg(scenario)
        .assert()
        .success();
}

#[test]
fn chunked_run_writes_what_the_in_memory_ensemble_gives() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = small(dir.path());
    let out = dir.path().join("out");
    // Chunks of 2 runs: 9 runs per arm span 5 chunks, the last one short.
    run(&scenario, &out, &["--chunk-runs", "2"]);
    let s = accord::scenario::load(&scenario).unwrap();
    let config = EnsembleConfig {
        runs: 9,
        states: StatesMode::Final,
        ..EnsembleConfig::from_scenario(&s)
    };
    let e = run_ensemble(&s, &config, &|| {}).unwrap();
    let mem = dir.path().join("mem");
    std::fs::create_dir(&mem).unwrap();
    accord::output::write_timeseries(&mem.join("timeseries.csv"), &e).unwrap();
    accord::output::write_summary(
        &mem.join("summary.csv"),
        &e.layout(),
        &summarize(&e).unwrap(),
    )
    .unwrap();
    accord::output::write_states(&mem.join("states.csv"), &e, &s.dimensions).unwrap();
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
    let dir = tempfile::tempdir().unwrap();
    let scenario = small(dir.path());
    let whole = dir.path().join("whole");
    run(&scenario, &whole, &[]);
    for n in [2u32, 4] {
        let shards: Vec<PathBuf> = (0..n)
            .map(|k| {
                let s = dir.path().join(format!("n{n}-shard{k}"));
                let spec = format!("{k}/{n}");
                run(&scenario, &s, &["--shard", &spec, "--chunk-runs", "1"]);
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
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("scenarios/sweep_quickstart.toml")).unwrap();
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
    for t in ["timeseries.csv", "summary.csv", "effects.csv", "points.csv"] {
        assert!(
            std::fs::read(whole.join(t)).unwrap() == std::fs::read(merged.join(t)).unwrap(),
            "{t} differs"
        );
    }
}

#[test]
fn merge_names_missing_duplicate_and_foreign_shards() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = small(dir.path());
    let shard = |k: u32, n: u32, extra: &[&str]| {
        let s = dir.path().join(format!("s{k}of{n}{}", extra.join("")));
        let spec = format!("{k}/{n}");
        let mut args = vec!["--shard", spec.as_str()];
        args.extend_from_slice(extra);
        run(&scenario, &s, &args);
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
}

/// Turns finished shard folder `shard` (of `--shard 0/1`) into the store an interrupted run of
/// `out` would have left, with only the chunks in `keep`.
fn interrupted_store(shard: &Path, out: &Path, keep: &[u32]) {
    let partial = out.with_file_name(format!(
        ".{}.partial",
        out.file_name().unwrap().to_string_lossy()
    ));
    std::fs::rename(shard, &partial).unwrap();
    let manifest = partial.join("shard.json");
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    m.as_object_mut().unwrap().remove("finished_at");
    std::fs::write(&manifest, m.to_string()).unwrap();
    for entry in std::fs::read_dir(partial.join("chunks")).unwrap() {
        let path = entry.unwrap().path();
        let c: u32 = path.file_stem().unwrap().to_string_lossy()[6..]
            .parse()
            .unwrap();
        if !keep.contains(&c) {
            std::fs::remove_file(path).unwrap();
        }
    }
}

#[test]
fn resume_continues_from_the_kept_chunks_and_refuses_a_different_run() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = small(dir.path());
    let whole = dir.path().join("whole");
    run(&scenario, &whole, &[]);
    let out = dir.path().join("out");
    let shard = dir.path().join("shard");
    run(&scenario, &shard, &["--shard", "0/1", "--chunk-runs", "2"]);
    interrupted_store(&shard, &out, &[0, 3]);
    // A chunk cut short by a power loss counts as missing.
    let partial = dir.path().join(".out.partial");
    std::fs::write(partial.join("chunks/chunk-000001.bin"), b"ACCORDC1 cut").unwrap();

    // Without --resume the interrupted run is neither lost nor silently continued.
    accord()
        .args([
            "run", "--runs", "9", "--quiet", "--states", "final", "--out",
        ])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("(2 of 5 chunks done)")
                .and(predicate::str::contains("--resume")),
        );
    // A different run cannot resume it.
    accord()
        .args([
            "run", "--runs", "9", "--seed", "3", "--quiet", "--states", "final", "--resume",
        ])
        .arg("--out")
        .arg(&out)
        .arg(&scenario)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot resume").and(predicate::str::contains("seed")));
    run(&scenario, &out, &["--resume"]);
    assert_same_folder(&whole, &out);
    assert!(
        !partial.exists(),
        "the store is removed once the folder is written"
    );
}

#[cfg(unix)]
#[test]
fn sigkill_mid_run_then_resume_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = small(dir.path());
    let args = ["run", "--runs", "3000", "--quiet", "--chunk-runs", "40"];
    let whole = dir.path().join("whole");
    accord()
        .args(args)
        .arg("--out")
        .arg(&whole)
        .arg(&scenario)
        .assert()
        .success();
    let out = dir.path().join("out");
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("accord"))
        .args(args)
        .arg("--out")
        .arg(&out)
        .arg(&scenario)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let chunks = dir.path().join(".out.partial/chunks");
    let first = chunks.join("chunk-000000.bin");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !first.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL: no handler runs
    let status = child.wait().unwrap();
    assert!(first.exists(), "a chunk was written before the kill");
    // 9,000 runs take far longer than one 120-run chunk, so the kill lands mid-run.
    assert!(!status.success(), "killed before finishing");
    assert!(!out.exists(), "no half-written output folder");
    let kept = std::fs::read_dir(&chunks).unwrap().count();
    assert!(
        kept < 75,
        "some of the 75 chunks are still to do ({kept} kept)"
    );
    accord()
        .args(args)
        .arg("--resume")
        .arg("--out")
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    for t in ["timeseries.csv", "summary.csv", "effects.csv"] {
        assert!(
            std::fs::read(whole.join(t)).unwrap() == std::fs::read(out.join(t)).unwrap(),
            "{t} differs"
        );
    }
}
