//! `accord init`: every template validates and runs; existing files are kept without --force.

use predicates::prelude::*;

use crate::support::{accord, quickstart, tempdir};

#[test]
fn every_template_validates_and_runs() {
    let dir = tempdir();
    // Scenarios in a folder of their own: outputs may not go inside a scenario's folder.
    std::fs::create_dir(dir.path().join("scenarios")).unwrap();
    for (template, arms) in [("quickstart", 3), ("classic", 3), ("world", 4)] {
        let path = dir.path().join(format!("scenarios/{template}.toml"));
        accord()
            .arg("init")
            .arg(&path)
            .args(["--template", template])
            .assert()
            .success()
            .stdout(format!("wrote {}\n", path.display()));
        let s = accord::scenario::load(&path).unwrap();
        assert_eq!(s.arms.len(), arms, "{template}");
        let out = dir.path().join(format!("out-{template}"));
        accord()
            .args(["run", "--quiet", "--runs", "2", "--out"])
            .arg(&out)
            .arg(&path)
            .assert()
            .success();
        assert!(out.join("timeseries.csv").is_file(), "{template}");
    }
}

#[test]
fn default_template_is_the_quick_start() {
    let dir = tempdir();
    let path = dir.path().join("s.toml");
    accord().arg("init").arg(&path).assert().success();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        std::fs::read_to_string(quickstart()).unwrap()
    );
}

#[test]
fn existing_file_is_kept_without_force() {
    let dir = tempdir();
    let path = dir.path().join("mine.toml");
    std::fs::write(&path, "keep me").unwrap();
    accord()
        .arg("init")
        .arg(&path)
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "error: `{}` already exists; pass --force to replace it\n",
            path.display()
        ));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
    accord()
        .arg("init")
        .arg(&path)
        .args(["--template", "world", "--force"])
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("# accord starter")
    );
    accord()
        .arg("init")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a folder"));
}

#[test]
fn init_creates_missing_folders() {
    let dir = tempdir();
    let path = dir.path().join("new/study/s.toml");
    accord().arg("init").arg(&path).assert().success();
    assert!(accord::scenario::load(&path).is_ok());
}

/// The world starter is meant to show its mechanisms: at its own 100 runs per arm, the body
/// and open-source arms lower final fragmentation with a 95 % CI clear of zero.
#[test]
fn world_starter_shows_both_mechanisms() {
    let dir = tempdir();
    // The scenario in a folder of its own: outputs may not go into a scenario's folder.
    let path = dir.path().join("scenarios/w.toml");
    accord()
        .args(["init", "--template", "world"])
        .arg(&path)
        .assert()
        .success();
    let out = dir.path().join("out");
    accord()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .arg(&path)
        .assert()
        .success();
    let effects = std::fs::read_to_string(out.join("effects.csv")).unwrap();
    for arm in ["cooperation_body", "open_source"] {
        let row: Vec<&str> = effects
            .lines()
            .find(|l| l.starts_with(&format!("0,{arm},status_quo,fragmentation,")))
            .unwrap()
            .split(',')
            .collect();
        let hi: f64 = row[9].parse().unwrap();
        assert!(hi < 0.0, "{arm}: CI upper end {hi}");
    }
}
