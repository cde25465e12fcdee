//! Parameter sweeps end to end: outputs, determinism across threads, replay, paired effects
//! per point, and that a sweep point is exactly the scenario with the point's values set.

use std::path::{Path, PathBuf};

use accord::experiment::{EnsembleConfig, run_ensemble};
use accord::scenario::{ParamValue, load, parse_str};

use crate::support::{accord, quickstart, shipped, tempdir};

fn sweep_quickstart() -> PathBuf {
    shipped("sweep_quickstart.toml")
}

/// The shipped sweep example with fewer steps and runs, so the end-to-end runs stay fast.
fn small_sweep(dir: &Path, replace: Option<(&str, &str)>) -> PathBuf {
    let mut text = std::fs::read_to_string(sweep_quickstart()).unwrap();
    text = text.replacen("steps = 15", "steps = 6", 1);
    text = text.replacen("runs = 20 ", "runs = 5 ", 1);
    if let Some((from, to)) = replace {
        assert!(text.contains(from));
        text = text.replacen(from, to, 1);
    }
    // Scenarios in a folder of their own: outputs may not go inside a scenario's folder.
    std::fs::create_dir_all(dir.join("scenarios")).unwrap();
    let path = dir.join("scenarios/sweep.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn run(scenario: &Path, out: &Path, threads: &str) {
    accord()
        .args([
            "run",
            "--quiet",
            "--states",
            "final",
            "--threads",
            threads,
            "--out",
        ])
        .arg(out)
        .arg(scenario)
        .assert()
        .success();
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

#[test]
fn the_shipped_sweep_example_validates() {
    accord()
        .arg("validate")
        .arg(sweep_quickstart())
        .assert()
        .success()
        .stdout(predicates::str::starts_with(
            "ok: 13 nations, 6 dimensions, 3 arms, 15 steps, 8 sweep points\n",
        ));
}

#[test]
fn sweep_outputs_have_point_columns_and_are_identical_across_threads() {
    let dir = tempdir();
    let scenario = small_sweep(dir.path(), None);
    let (a, b) = (dir.path().join("t1"), dir.path().join("t3"));
    run(&scenario, &a, "1");
    run(&scenario, &b, "3");
    for file in [
        "points.csv",
        "timeseries.csv",
        "summary.csv",
        "effects.csv",
        "states.csv",
        "representative_states.csv",
    ] {
        assert!(
            read(&a, file) == read(&b, file),
            "{file} differs across threads"
        );
    }
    assert_eq!(
        read(&a, "points.csv"),
        "point,bodies.waico.harmonization,alignment.confidence\n\
         0,0.0000000000,0.2000000000\n1,0.0000000000,0.3000000000\n\
         2,0.0200000000,0.2000000000\n3,0.0200000000,0.3000000000\n\
         4,0.0500000000,0.2000000000\n5,0.0500000000,0.3000000000\n\
         6,0.1000000000,0.2000000000\n7,0.1000000000,0.3000000000\n"
    );
    let ts = read(&a, "timeseries.csv");
    assert!(ts.starts_with("point,arm,run,seed,step,fragmentation,"));
    // 8 points × 3 arms × 5 runs × 7 recorded steps, in (point, arm, run, step) order.
    let rows: Vec<Vec<&str>> = ts.lines().skip(1).map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 8 * 3 * 5 * 7);
    let arms = ["baseline", "cooperation_body", "body_and_open_source"];
    for (i, r) in rows.iter().enumerate() {
        let (p, rest) = (i / (3 * 5 * 7), i % (3 * 5 * 7));
        assert_eq!(r[0], p.to_string());
        assert_eq!(r[1], arms[rest / 35]);
        assert_eq!(r[2], (rest % 35 / 7).to_string());
        assert_eq!(r[4], (rest % 7).to_string());
    }
    // Common random numbers: run r has the same seed at every point and in every arm.
    for r in &rows {
        let first = rows.iter().find(|x| x[2] == r[2]).unwrap();
        assert_eq!(r[3], first[3]);
    }
    assert!(read(&a, "summary.csv").starts_with("point,arm,step,metric,n,mean,"));
    assert!(read(&a, "states.csv").starts_with("point,arm,run,step,nation,capability,"));
    assert!(read(&a, "effects.csv").starts_with("point,arm,reference,metric,"));
    assert!(read(&a, "manifest.json").contains("\"points\": 8"));
}

#[test]
fn effects_are_paired_within_each_point() {
    let dir = tempdir();
    let scenario = small_sweep(dir.path(), None);
    let out = dir.path().join("out");
    run(&scenario, &out, "2");
    // Final-step fragmentation per (point, arm, run) from timeseries.csv.
    let ts = read(&out, "timeseries.csv");
    let frag = |point: &str, arm: &str| -> Vec<f64> {
        ts.lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|r| r[0] == point && r[1] == arm && r[4] == "6")
            .map(|r| r[5].parse().unwrap())
            .collect()
    };
    let effects = read(&out, "effects.csv");
    let mut seen = 0;
    for line in effects.lines().skip(1) {
        let r: Vec<&str> = line.split(',').collect();
        if r[3] != "fragmentation" {
            continue;
        }
        seen += 1;
        assert_eq!(r[2], "baseline");
        assert_eq!(r[4], "6");
        let arm = frag(r[0], r[1]);
        let reference = frag(r[0], "baseline");
        assert_eq!(arm.len(), 5);
        let mean = arm.iter().zip(&reference).map(|(a, b)| a - b).sum::<f64>() / 5.0;
        let written: f64 = r[6].parse().unwrap();
        assert!(
            (mean - written).abs() < 2e-10,
            "point {} arm {}: {mean} vs {written}",
            r[0],
            r[1]
        );
    }
    // One row per point × non-reference arm.
    assert_eq!(seen, 8 * 2);
    let points: Vec<&str> = effects
        .lines()
        .skip(1)
        .filter(|l| l.contains(",fragmentation,"))
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        points,
        [
            "0", "0", "1", "1", "2", "2", "3", "3", "4", "4", "5", "5", "6", "6", "7", "7"
        ]
    );
}

#[test]
fn replay_reproduces_runs_at_two_points() {
    let dir = tempdir();
    let scenario = small_sweep(dir.path(), None);
    let out = dir.path().join("out");
    run(&scenario, &out, "3");
    let ts = read(&out, "timeseries.csv");
    for (point, arm, run) in [("2", "cooperation_body", "4"), ("7", "baseline", "0")] {
        let got = accord()
            .arg("replay")
            .arg(&out)
            .args(["--point", point, "--arm", arm, "--run", run])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let got = String::from_utf8(got).unwrap();
        let mut want: Vec<&str> = vec![ts.lines().next().unwrap()];
        let prefix = format!("{point},{arm},{run},");
        want.extend(ts.lines().filter(|l| l.starts_with(&prefix)));
        assert_eq!(want.len(), 1 + 7);
        assert_eq!(got, want.join("\n") + "\n");
    }
    accord()
        .arg("replay")
        .arg(&out)
        .args(["--point", "8", "--arm", "baseline", "--run", "0"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "unknown point 8: this folder's sweep has points 0..=7",
        ));
}

#[test]
fn a_sweep_point_is_the_scenario_with_the_points_values() {
    let scenario = load(&sweep_quickstart()).unwrap();
    let config = EnsembleConfig {
        runs: 3,
        ..EnsembleConfig::from_scenario(&scenario)
    };
    let swept = run_ensemble(&scenario, &config, &|| {}).unwrap();
    assert_eq!((swept.points, swept.sweep), (8, true));
    assert_eq!(swept.runs.len(), 8 * 3 * 3);
    let per_point = 3 * 3;
    for point in [0, 5] {
        let fixed = scenario.at_point(point);
        let single = run_ensemble(&fixed, &config, &|| {}).unwrap();
        assert!(!single.sweep);
        let block = &swept.runs[point * per_point..(point + 1) * per_point];
        for (a, b) in block.iter().zip(&single.runs) {
            assert_eq!(
                (a.point, a.arm, a.run, a.seed),
                (point, b.arm, b.run, b.seed)
            );
            assert_eq!(a.output, b.output);
        }
    }
}

#[test]
fn latin_hypercube_sweeps_run_and_depend_on_the_seed_only() {
    let dir = tempdir();
    let lhs = "method = \"latin_hypercube\"\nsamples = 5\nparams = { \"bodies.waico.harmonization\" = { min = 0.0, max = 0.2 }, \"alignment.confidence\" = { min = 0.1, max = 0.4 } }\n#";
    let scenario = small_sweep(dir.path(), Some(("method = \"grid\"\n", lhs)));
    let s = load(&scenario).unwrap();
    assert_eq!(s.point_count(), 5);
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run(&scenario, &a, "1");
    run(&scenario, &b, "4");
    let points = read(&a, "points.csv");
    assert_eq!(points, read(&b, "points.csv"));
    assert_eq!(read(&a, "timeseries.csv"), read(&b, "timeseries.csv"));
    let rows: Vec<Vec<f64>> = points
        .lines()
        .skip(1)
        .map(|l| l.split(',').skip(1).map(|x| x.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 5);
    // Strata of width 0.04 and 0.06: each used exactly once.
    for (j, (lo, width)) in [(0.0, 0.04), (0.1, 0.06)].into_iter().enumerate() {
        let mut strata: Vec<i64> = rows
            .iter()
            .map(|r| ((r[j] - lo) / width).floor() as i64)
            .collect();
        strata.sort_unstable();
        assert_eq!(strata, [0, 1, 2, 3, 4]);
    }
    // The values in points.csv are the ones simulated (10 decimals of the exact draws).
    let w = s.sweep.as_ref().unwrap();
    for (p, row) in w.points.iter().zip(&rows) {
        for (a, x) in p.iter().zip(row) {
            let ParamValue::Number(v) = a.value else {
                panic!("numbers only")
            };
            assert!((v - x).abs() < 1e-10);
        }
    }
    // `--seed` re-draws the hypercube from the new master seed.
    let c = dir.path().join("c");
    accord()
        .args(["run", "--quiet", "--seed", "77", "--out"])
        .arg(&c)
        .arg(&scenario)
        .assert()
        .success();
    assert_ne!(read(&c, "points.csv"), points);
    accord()
        .arg("replay")
        .arg(&c)
        .args(["--point", "3", "--arm", "1", "--run", "2"])
        .assert()
        .success();
}

#[test]
fn scenarios_without_a_sweep_keep_their_layout() {
    let text =
        std::fs::read_to_string(quickstart())
            .unwrap()
            .replacen("steps = 25", "steps = 2", 1);
    let s = parse_str(&text, Path::new("quickstart.toml")).unwrap();
    assert!(s.sweep.is_none());
    let json = serde_json::to_string(&s).unwrap();
    assert!(
        !json.contains("sweep"),
        "no `sweep` key in the manifest's scenario"
    );
}
