//! `accord replay`: re-simulating one run of an output folder reproduces its timeseries.csv
//! rows byte for byte, and a tampered file is caught.

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::support::{accord, small_quickstart, tempdir};

/// Runs quickstart with 4 steps and 3 runs per arm into `<dir>/out`.
fn quickstart_output(dir: &Path) -> PathBuf {
    let scenario = small_quickstart(dir, 4);
    let out = dir.join("out");
    accord()
        .args(["run", "--quiet", "--runs", "3", "--seed", "11", "--out"])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    out
}

/// The header and the rows of `arm`/`run` in timeseries.csv, each with its newline.
fn expected_rows(out: &Path, arm: &str, run: u32) -> String {
    let text = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let mut lines = text.lines();
    let mut expected = format!("{}\n", lines.next().unwrap());
    let prefix = format!("{arm},{run},");
    for l in lines.filter(|l| l.starts_with(&prefix)) {
        expected.push_str(l);
        expected.push('\n');
    }
    expected
}

#[test]
fn replay_reproduces_every_arm_and_run() {
    let dir = tempdir();
    let out = quickstart_output(dir.path());
    for arm in ["baseline", "cooperation_body", "body_and_open_source"] {
        for run in [0u32, 2] {
            let expected = expected_rows(&out, arm, run);
            // header + steps 0..=4
            assert_eq!(expected.lines().count(), 6, "{arm} {run}");
            accord()
                .arg("replay")
                .arg(&out)
                .args(["--arm", arm, "--run", &run.to_string()])
                .assert()
                .success()
                .stdout(expected)
                .stderr("");
        }
    }
    // An arm may also be named by its index; point 0 always exists.
    accord()
        .arg("replay")
        .arg(&out)
        .args(["--arm", "1", "--run", "1", "--point", "0"])
        .assert()
        .success()
        .stdout(expected_rows(&out, "cooperation_body", 1));
}

#[test]
fn tampered_value_is_reported_with_step_and_metric() {
    let dir = tempdir();
    let out = quickstart_output(dir.path());
    let path = out.join("timeseries.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "dispersion").unwrap();
    let prefix = "body_and_open_source,1,";
    let mut tampered = String::new();
    let mut original = String::new();
    for l in text.lines() {
        let mut fields: Vec<String> = l.split(',').map(str::to_string).collect();
        if l.starts_with(prefix) && fields[3] == "3" {
            original = fields[col].clone();
            fields[col] = "0.1234567890".to_string();
        }
        tampered.push_str(&fields.join(","));
        tampered.push('\n');
    }
    assert!(!original.is_empty());
    std::fs::write(&path, tampered).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    accord()
        .arg("replay")
        .arg(&out)
        .args(["--arm", "body_and_open_source", "--run", "1"])
        .assert()
        .code(1)
        .stderr(format!(
            "error: replay of arm `body_and_open_source` run 1 differs from timeseries.csv at step 3, \
             column `dispersion`: the file has `0.1234567890`, the replay gives `{original}` \
             (the folder and this binary are both accord {version})\n"
        ));
    // Other runs are untouched and still match.
    accord()
        .arg("replay")
        .arg(&out)
        .args(["--arm", "body_and_open_source", "--run", "0"])
        .assert()
        .success();
}

#[test]
fn unknown_arm_run_point_or_folder_is_bad_input() {
    let dir = tempdir();
    let out = quickstart_output(dir.path());
    let cases: [(&[&str], &str); 4] = [
        (
            &["--arm", "nope", "--run", "0"],
            "error: unknown arm `nope`; this folder's arms are: baseline, cooperation_body, body_and_open_source\n",
        ),
        (
            &["--arm", "baseline", "--run", "3"],
            "error: unknown run 3: this folder has runs 0..=2 per arm\n",
        ),
        (
            &["--arm", "baseline", "--run", "0", "--point", "1"],
            "error: unknown point 1: this scenario has no sweep, so only point 0 exists\n",
        ),
        (
            &["--arm", "9", "--run", "0"],
            "error: unknown arm `9`; this folder's arms are: baseline, cooperation_body, body_and_open_source\n",
        ),
    ];
    for (args, message) in cases {
        accord()
            .arg("replay")
            .arg(&out)
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(message.to_string());
    }
    let missing = dir.path().join("missing");
    accord()
        .arg("replay")
        .arg(&missing)
        .args(["--arm", "baseline", "--run", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not an output folder"));
    // A folder without a manifest.
    accord()
        .arg("replay")
        .arg(dir.path())
        .args(["--arm", "baseline", "--run", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("manifest.json"))
        .stderr(predicate::str::contains("is this an accord output folder?"));
}

/// Issue 10 (10): a hand-edited manifest is checked like a scenario file before anything is
/// simulated: `rate = 5` and 38,400 generated nations were once replayed as written.
#[test]
fn a_hand_edited_manifest_is_refused_before_simulating() {
    let dir = tempdir();
    let out = quickstart_output(dir.path());
    let path = out.join("manifest.json");
    let original = std::fs::read_to_string(&path).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&original).unwrap();
    json["scenario"]["alignment"]["rate"] = serde_json::json!(5.0);
    std::fs::write(&path, serde_json::to_string(&json).unwrap()).unwrap();
    accord()
        .arg("replay")
        .arg(&out)
        .args(["--arm", "baseline", "--run", "0"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "is not a valid accord manifest: its scenario would not load from a file: \
             `alignment.rate`: is `5`, but it must be a number in [0, 1]",
        ));
    let mut json: serde_json::Value = serde_json::from_str(&original).unwrap();
    json["scenario"]["population"] = serde_json::json!({
        "count": 38400, "stance": "Uniform", "groups": [], "gdp": 1.0, "capability": 1.0,
        "openness": 0.0, "confidence": null, "stubbornness": null
    });
    std::fs::write(&path, serde_json::to_string(&json).unwrap()).unwrap();
    accord()
        .arg("replay")
        .arg(&out)
        .args(["--arm", "baseline", "--run", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`nations`: 38413, more than the limit of 20000",
        ));
}
