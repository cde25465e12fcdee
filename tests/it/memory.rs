//! Memory stays bounded by the work in flight, not by the length of the ensemble (issue 10:
//! 2). Not a timing test: the peak resident set of the `accord` process is compared with a
//! fixed bound.

use std::process::{Command, Stdio};

use crate::support::{accord, quickstart, small_quickstart, tempdir, write};

/// The high-water mark of `pid`'s resident set in KiB, while it lives (`/proc` drops it once
/// the process has exited).
#[cfg(target_os = "linux")]
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// 20,000 quickstart runs per arm (60,000 runs) peak at about 108 MB on two threads; when
/// each run's despawned nations were remembered by the reused world, the same run peaked at
/// 233 MB and grew further with every run (726 MB at 100,000 per arm).
#[cfg(target_os = "linux")]
#[test]
fn a_long_ensemble_stays_under_a_fixed_memory_bound() {
    const BOUND_KIB: u64 = 170 * 1024;
    let dir = tempdir();
    let child = Command::new(assert_cmd::cargo::cargo_bin("accord"))
        .args([
            "run",
            "--runs",
            "20000",
            "--threads",
            "2",
            "--quiet",
            "--out",
        ])
        .arg(dir.path().join("out"))
        .arg(quickstart())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (status, peak) = watch(child);
    assert!(status.success());
    assert_below(peak, BOUND_KIB);
}

/// Waits for `child`, sampling its resident high-water mark; returns its status and the peak
/// in KiB.
#[cfg(target_os = "linux")]
fn watch(mut child: std::process::Child) -> (std::process::ExitStatus, u64) {
    let mut peak = 0;
    loop {
        peak = peak.max(peak_kib(child.id()).unwrap_or(0));
        if let Some(status) = child.try_wait().unwrap() {
            return (status, peak);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[cfg(target_os = "linux")]
fn assert_below(peak: u64, bound: u64) {
    assert!(peak > 0, "the peak was read");
    assert!(
        peak < bound,
        "peak resident set {} MiB, bound {} MiB",
        peak / 1024,
        bound / 1024
    );
}

/// Issue 10 (3): memory does not grow with the recorded steps. 50,000 recorded steps × 3
/// arms peaked at about 700 MB when the summary and the charts' input were held whole; the
/// summary is now streamed to its file and the charts read only the steps they draw.
#[cfg(target_os = "linux")]
#[test]
fn a_long_run_stays_under_a_fixed_memory_bound() {
    const BOUND_KIB: u64 = 200 * 1024;
    let dir = tempdir();
    let text = std::fs::read_to_string(quickstart())
        .unwrap()
        .replacen("steps = 25", "steps = 50000", 1)
        .replacen("growth = 0.03", "growth = 0.0", 1);
    std::fs::create_dir_all(dir.path().join("s")).unwrap();
    let scenario = write(&dir.path().join("s"), "long.toml", text);
    let child = Command::new(assert_cmd::cargo::cargo_bin("accord"))
        .args(["run", "--runs", "1", "--threads", "2", "--quiet", "--out"])
        .arg(dir.path().join("out"))
        .arg(&scenario)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (status, peak) = watch(child);
    assert!(status.success());
    assert_below(peak, BOUND_KIB);
    let summary = std::fs::read_to_string(dir.path().join("out/summary.csv")).unwrap();
    // Every recorded step of every arm and metric is still in the summary.
    assert!(
        summary
            .lines()
            .any(|l| l.starts_with("baseline,50000,fragmentation,1,"))
    );
}

/// Issue 10 (3): a valid scenario that needs more memory than the budget is refused before
/// anything is simulated or written: 20,000 nations on a complete network with group weights
/// need a tie list of about 8 GB per worker.
#[test]
fn a_scenario_over_the_memory_budget_is_refused_up_front() {
    let dir = tempdir();
    let text = std::fs::read_to_string(quickstart()).unwrap() + "\n[population]\ncount = 19987\n";
    std::fs::create_dir_all(dir.path().join("s")).unwrap();
    let scenario = write(&dir.path().join("s"), "big.toml", text);
    let out = dir.path().join("out");
    accord()
        .args(["run", "--runs", "2", "-j", "2", "--max-memory", "4", "--out"])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("estimate: 6 runs"))
        .stderr(predicates::str::contains(
            "mostly the tie lists of the network, one copy per worker thread), more than the 4.0 GiB available",
        ))
        .stderr(predicates::str::contains("pass `--over-budget` to run anyway"));
    assert!(!out.exists() && !dir.path().join(".out.partial").exists());
    accord()
        .arg("validate")
        .arg(&scenario)
        .assert()
        .success()
        .stdout(predicates::str::contains("\nestimate: 600 runs, "));
}

/// Issue 10 (3): the work limit is configurable, and refuses with the way out.
#[test]
fn a_scenario_over_the_work_limit_is_refused_unless_overridden() {
    let dir = tempdir();
    let scenario = small_quickstart(dir.path(), 2);
    let out = dir.path().join("out");
    accord()
        .args(["run", "--runs", "2", "--max-work", "1000", "--out"])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "more than the work limit of 1.0e3",
        ))
        .stderr(predicates::str::contains("--shard K/N"));
    accord()
        .args([
            "run",
            "--runs",
            "2",
            "--max-work",
            "1000",
            "--over-budget",
            "-q",
            "--out",
        ])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    assert!(out.join("summary.csv").is_file());
}
