//! Interrupted runs lose at most one chunk: Ctrl-C keeps the finished chunks and the
//! previous output folder, and `--resume` after a simulated interruption (with a chunk cut
//! short) or a real `kill -9` writes the same bytes as one uninterrupted run, while a
//! different ensemble cannot resume the store.

use std::path::Path;
use std::process::{Command as Std, Stdio};

use predicates::prelude::*;

use crate::support::{accord, assert_same_folder, quickstart, run_nine, small_quickstart, tempdir};

/// Turns finished shard folder `shard` (of `--shard 0/1`) into the store an interrupted run of
/// `out` would have left, with only the chunks in `keep`.
fn interrupted_store(shard: &Path, out: &Path, keep: &[u32]) {
    let partial = out.with_file_name(format!(
        ".{}.partial",
        out.file_name().unwrap().to_string_lossy()
    ));
    std::fs::rename(shard, &partial).unwrap();
    // Through the store's own writer, which keeps the manifest's checksum right.
    let mut m = accord::experiment::store::read_manifest(&partial).unwrap();
    m.finished_at = None;
    accord::experiment::store::write_manifest(&partial, &m).unwrap();
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
    let dir = tempdir();
    let scenario = small_quickstart(dir.path(), 6);
    let whole = dir.path().join("whole");
    run_nine(&scenario, &whole, &[]);
    let out = dir.path().join("out");
    let shard = dir.path().join("shard");
    run_nine(&scenario, &shard, &["--shard", "0/1", "--chunk-runs", "2"]);
    interrupted_store(&shard, &out, &[0, 3]);
    // A chunk cut short by a power loss counts as missing.
    let partial = dir.path().join(".out.partial");
    std::fs::write(partial.join("chunks/chunk-000001.bin"), b"ACCORDC2 cut").unwrap();

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
    run_nine(&scenario, &out, &["--resume"]);
    assert_same_folder(&whole, &out);
    assert!(
        !partial.exists(),
        "the store is removed once the folder is written"
    );
}

#[cfg(unix)]
#[test]
fn sigkill_mid_run_then_resume_gives_the_same_bytes() {
    sigkill_then_resume("csv");
}

#[cfg(unix)]
#[test]
fn sigkill_mid_run_then_resume_gives_the_same_parquet_bytes() {
    sigkill_then_resume("parquet");
}

#[cfg(unix)]
fn sigkill_then_resume(format: &str) {
    let dir = tempdir();
    let scenario = small_quickstart(dir.path(), 6);
    let args = [
        "run",
        "--runs",
        "3000",
        "--quiet",
        "--chunk-runs",
        "40",
        "--table-format",
        format,
    ];
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
    for t in ["timeseries", "summary", "effects"] {
        let t = format!("{t}.{format}");
        assert!(
            std::fs::read(whole.join(&t)).unwrap() == std::fs::read(out.join(&t)).unwrap(),
            "{t} differs"
        );
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_keeps_finished_chunks_and_the_previous_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "previous results").unwrap();
    // A previous accord folder (with its manifest), which `--force` may replace.
    std::fs::write(out.join("manifest.json"), "{}").unwrap();
    let child = Std::new(assert_cmd::cargo::cargo_bin("accord"))
        .args(["run", "--runs", "200000", "--quiet", "--force", "--out"])
        .arg(&out)
        .arg(quickstart())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    let killed = Std::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let result = child.wait_with_output().unwrap();
    assert_eq!(result.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("interrupted: ") && stderr.contains("nothing was written"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--resume"),
        "says how to continue: {stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).unwrap(),
        "previous results"
    );
    let mut entries: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    // The previous folder, and the hidden store of finished chunks that --resume continues.
    assert_eq!(entries, [".out.partial", "out"]);
}

/// Issue 10 (7): while the output folder is written, a first Ctrl-C says so and a second
/// stops cleanly (exit 1), leaving the complete store; `--resume` then only writes the folder.
#[cfg(unix)]
#[test]
fn a_second_ctrl_c_while_writing_the_folder_stops_and_keeps_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("w");
    let args = [
        "run", "--runs", "10000", "--states", "all", "--quiet", "--out",
    ];
    let child = Std::new(assert_cmd::cargo::cargo_bin("accord"))
        .args(args)
        .arg(&out)
        .arg(quickstart())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The staged folder `.w.tmp-…` appears when writing starts (every run is simulated).
    let writing = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".w.tmp-"))
    };
    while !writing() {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let int = || {
        let sent = Std::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    };
    int();
    std::thread::sleep(std::time::Duration::from_millis(300));
    int();
    let result = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("writing the output folder; press Ctrl-C again"),
        "{stderr}"
    );
    assert!(stderr.contains("chunks are complete and kept"), "{stderr}");
    assert!(!out.exists());
    assert!(!writing(), "the staged folder is removed");
    accord()
        .args(args)
        .arg(&out)
        .arg(quickstart())
        .arg("--resume")
        .assert()
        .success();
    assert!(out.join("states.csv").is_file());
}
