//! `accord run` and `accord validate` on valid input: every output file, the refusal to
//! overwrite without `--force`, and paired effects against a configurable reference arm.
//! Their bad input is in `bad_input`, interruption in `resume`, determinism in
//! `determinism`.

use predicates::prelude::*;

use crate::support::{accord, quickstart, small_quickstart, tempdir};

#[test]
fn validate_reports_counts() {
    accord()
        .args(["validate"])
        .arg(quickstart())
        .assert()
        .success()
        .stdout(predicates::str::starts_with(
            "ok: 13 nations, 6 dimensions, 3 arms, 25 steps\n",
        ));
}

#[test]
fn run_writes_every_output_and_refuses_to_overwrite() {
    let dir = tempdir();
    let scenario = small_quickstart(dir.path(), 6);
    let out = dir.path().join("out");
    accord()
        .args([
            "run", "--runs", "8", "--quiet", "--states", "final", "--out",
        ])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success()
        .stdout(predicate::str::contains("baseline"))
        .stdout(predicate::str::contains("body_and_open_source"))
        .stdout(predicate::str::contains(format!(
            "output: {}",
            out.display()
        )));
    for file in [
        "manifest.json",
        "timeseries.csv",
        "summary.csv",
        "states.csv",
        "effects.csv",
        "charts/fragmentation.png",
        "charts/fragmentation.svg",
    ] {
        let len = std::fs::metadata(out.join(file))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(len > 0, "{file} missing or empty");
    }
    let ts = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let header = ts.lines().next().unwrap();
    assert_eq!(
        header,
        "arm,run,seed,step,fragmentation,clusters,effective_blocs,dispersion,capability_gini,south_capability_ratio,members_waico"
    );
    // 3 arms × 8 runs × 7 recorded steps, plus the header.
    assert_eq!(ts.lines().count(), 3 * 8 * 7 + 1);
    let states = std::fs::read_to_string(out.join("states.csv")).unwrap();
    assert_eq!(states.lines().count(), 3 * 8 * 13 + 1);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["runs"], 8);
    assert_eq!(manifest["scenario"]["name"], "quickstart");
    assert_eq!(manifest["scenario_sha256"].as_str().unwrap().len(), 64);

    // A second run into the same folder is refused, and the folder is untouched.
    let before = std::fs::read(out.join("timeseries.csv")).unwrap();
    accord()
        .args(["run", "--runs", "3", "--quiet", "--out"])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists; pass --force"));
    assert_eq!(std::fs::read(out.join("timeseries.csv")).unwrap(), before);

    // With --force it is replaced.
    accord()
        .args(["run", "--runs", "3", "--quiet", "--force", "--out"])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    let ts = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    assert_eq!(ts.lines().count(), 3 * 3 * 7 + 1);
    assert!(!out.join("states.csv").exists());
    // No temporary folders are left beside the output.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn identical_arms_have_exactly_zero_effects_and_reference_is_configurable() {
    let dir = tempdir();
    let text = std::fs::read_to_string(quickstart()).unwrap();
    // Two arms that set the same thing: every paired difference must be exactly zero.
    let text = text
        .replacen("steps = 25", "steps = 4", 1)
        .replace(
            "name = \"baseline\"\nset = { \"bodies.waico.enabled\" = false, \"diffusion.enabled\" = false }",
            "name = \"baseline\"\nset = { \"bodies.waico.enabled\" = true, \"diffusion.enabled\" = true }",
        )
        .replace("seed = 20250726", "seed = 20250726\nreference = \"body_and_open_source\"");
    // Scenarios in a folder of their own: outputs may not go inside a scenario's folder.
    std::fs::create_dir(dir.path().join("scenarios")).unwrap();
    let path = dir.path().join("scenarios/same.toml");
    std::fs::write(&path, text).unwrap();
    let out = dir.path().join("out");
    accord()
        .args(["run", "--runs", "6", "--quiet", "--effects", "all", "--out"])
        .arg(&out)
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("vs `body_and_open_source`"));
    let effects = std::fs::read_to_string(out.join("effects.csv")).unwrap();
    let mut rows = 0;
    for line in effects.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f[2], "body_and_open_source");
        if f[1] == "baseline" {
            rows += 1;
            assert_eq!(f[6], "0.0000000000", "{line}");
            assert_eq!(f[7], "0.0000000000", "{line}");
            assert_eq!((f[10], f[11]), ("0.0000000000", "0.0000000000"), "{line}");
        }
    }
    // 5 recorded steps × 7 metrics for the one identical arm.
    assert_eq!(rows, 5 * 7);
}

/// Issue 13: `--runs-table final|none` keeps fewer per-run rows, while summary, effects and
/// the manifest's record of the mode stay exact; replay checks what the folder holds.
#[test]
fn runs_table_modes_keep_the_statistics_exact() {
    let dir = tempdir();
    let scenario = small_quickstart(dir.path(), 4);
    let run = |mode: &str| {
        let out = dir.path().join(mode);
        accord()
            .args([
                "run",
                "--quiet",
                "--runs",
                "5",
                "--runs-table",
                mode,
                "--out",
            ])
            .arg(&out)
            .arg(&scenario)
            .assert()
            .success()
            .stdout(predicate::str::contains(match mode {
                "all" => "timeseries.csv: every recorded step of every run",
                "final" => "timeseries.csv: the final recorded step of every run",
                _ => "no timeseries.csv (--runs-table none)",
            }));
        out
    };
    let (all, last, none) = (run("all"), run("final"), run("none"));
    for file in ["summary.csv", "effects.csv"] {
        let want = std::fs::read(all.join(file)).unwrap();
        assert_eq!(std::fs::read(last.join(file)).unwrap(), want, "{file}");
        assert_eq!(std::fs::read(none.join(file)).unwrap(), want, "{file}");
    }
    // `final` holds exactly the step-4 rows of `all`, in the same order and bytes.
    let full = std::fs::read_to_string(all.join("timeseries.csv")).unwrap();
    let kept = std::fs::read_to_string(last.join("timeseries.csv")).unwrap();
    let mut lines = full.lines();
    let mut expected = format!("{}\n", lines.next().unwrap());
    for l in lines.filter(|l| l.split(',').nth(3) == Some("4")) {
        expected.push_str(l);
        expected.push('\n');
    }
    assert_eq!(kept, expected);
    assert_eq!(kept.lines().count(), 1 + 3 * 5);
    assert!(!none.join("timeseries.csv").exists());
    for (out, mode) in [(&all, "all"), (&last, "final"), (&none, "none")] {
        let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
        assert!(
            manifest.contains(&format!("\"runs_table\": \"{mode}\"")),
            "{mode}"
        );
    }
    // Replay checks the final row against `final`, and says it cannot check `none`.
    for out in [&last, &none] {
        accord()
            .args(["replay", "--arm", "cooperation_body", "--run", "2"])
            .arg(out)
            .assert()
            .success();
    }
    accord()
        .args(["replay", "--arm", "cooperation_body", "--run", "2"])
        .arg(&none)
        .assert()
        .success()
        .stderr(predicate::str::contains("not checked"));
}
