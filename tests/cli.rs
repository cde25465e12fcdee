//! End-to-end tests of the `accord` binary: exit codes, messages and output folders.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn accord() -> Command {
    Command::cargo_bin("accord").expect("binary builds")
}

fn quickstart() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.toml")
}

/// A copy of quickstart with fewer steps, so the end-to-end runs stay fast.
fn small_scenario(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(quickstart()).unwrap();
    let text = text.replacen("steps = 25", "steps = 6", 1);
    // Scenarios in a folder of their own: outputs may not go inside a scenario's folder.
    std::fs::create_dir_all(dir.join("scenarios")).unwrap();
    let path = dir.join("scenarios/small.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn validate_reports_counts() {
    accord()
        .args(["validate"])
        .arg(quickstart())
        .assert()
        .success()
        .stdout("ok: 13 nations, 6 dimensions, 3 arms, 25 steps\n");
}

#[test]
fn validate_names_file_line_and_key_of_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.toml");
    std::fs::write(
        &path,
        "name = \"broken\"\nsteps = 3\ndimensions = [\"a\"]\n[alignment]\nrate = 2.0\nrul = \"pairwise\"\n[[nations]]\nid = \"X\"\nstance = { a = 0.5 }\n",
    )
    .unwrap();
    accord()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "broken.toml:5:8: `alignment.rate`: is `2`, but it must lie in [0, 1]",
        ))
        .stderr(predicate::str::contains(
            "broken.toml:6:1: `alignment.rul`: unknown key (did you mean `rule`?)",
        ))
        .stderr(predicate::str::contains("2 problems found"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn missing_file_and_bad_arguments_exit_2() {
    accord()
        .args(["validate", "no/such/file.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: no/such/file.toml: cannot read the scenario file",
        ));
    accord()
        .args(["run", "x.toml", "--runs", "0"])
        .assert()
        .code(2);
    accord().args(["frobnicate"]).assert().code(2);
}

#[test]
fn run_writes_every_output_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = small_scenario(dir.path());
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
fn outputs_are_byte_identical_across_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = small_scenario(dir.path());
    let mut outs = Vec::new();
    for threads in ["1", "2", "5"] {
        let out = dir.path().join(format!("t{threads}"));
        accord()
            .args([
                "run",
                "--runs",
                "12",
                "--quiet",
                "--states",
                "all",
                "--threads",
                threads,
                "--out",
            ])
            .arg(&out)
            .arg(&scenario)
            .assert()
            .success();
        outs.push(out);
    }
    for file in [
        "timeseries.csv",
        "summary.csv",
        "states.csv",
        "charts/fragmentation.svg",
    ] {
        let first = std::fs::read(outs[0].join(file)).unwrap();
        for other in &outs[1..] {
            assert!(
                first == std::fs::read(other.join(file)).unwrap(),
                "{file} differs"
            );
        }
    }
    // The manifest differs only in its times.
    let strip = |p: &Path| {
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(p.join("manifest.json")).unwrap())
                .unwrap();
        let o = v.as_object_mut().unwrap();
        o.remove("started_at");
        o.remove("finished_at");
        // --out differs between these runs by construction.
        o.remove("command");
        v
    };
    assert_eq!(strip(&outs[0]), strip(&outs[2]));
}

#[test]
fn different_seeds_give_different_results() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = small_scenario(dir.path());
    let mut series = Vec::new();
    for seed in ["1", "2"] {
        let out = dir.path().join(format!("s{seed}"));
        accord()
            .args(["run", "--runs", "4", "--quiet", "--seed", seed, "--out"])
            .arg(&out)
            .arg(&scenario)
            .assert()
            .success();
        series.push(std::fs::read_to_string(out.join("timeseries.csv")).unwrap());
    }
    assert_ne!(series[0], series[1]);
}

#[test]
fn output_path_that_is_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = small_scenario(dir.path());
    let file = dir.path().join("afile");
    std::fs::write(&file, "keep me").unwrap();
    accord()
        .args(["run", "--runs", "2", "--quiet", "--force", "--out"])
        .arg(&file)
        .arg(&scenario)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a file"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
}

#[cfg(unix)]
#[test]
fn ctrl_c_keeps_finished_chunks_and_the_previous_folder() {
    use std::process::{Command as Std, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "previous results").unwrap();
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

#[test]
fn identical_arms_have_exactly_zero_effects_and_reference_is_configurable() {
    let dir = tempfile::tempdir().unwrap();
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
