//! Memory stays bounded by the work in flight, not by the length of the ensemble (issue 10:
//! 2). Not a timing test: the peak resident set of the `accord` process is compared with a
//! fixed bound.

use std::process::{Command, Stdio};

use crate::support::{quickstart, tempdir};

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
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("accord"))
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
    let mut peak = 0;
    let status = loop {
        peak = peak.max(peak_kib(child.id()).unwrap_or(0));
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(status.success());
    assert!(peak > 0, "the peak was read");
    assert!(
        peak < BOUND_KIB,
        "peak resident set {} MiB, bound {} MiB",
        peak / 1024,
        BOUND_KIB / 1024
    );
}
