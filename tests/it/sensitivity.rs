//! `sobol` and `morris` sweeps end to end: the design's rows in SALib's order,
//! `sensitivity.csv` identical across threads, shards and `accord analyze`, exact zeros for a
//! parameter the scenario does not use, and every bad design refused with a located message.

use std::path::{Path, PathBuf};

use accord::scenario::{ParamValue, SweepMethod, load};
use predicates::prelude::*;

use crate::support::{accord, shipped, tempdir, write};

const SOBOL: &str = "method = \"sobol\"\nsamples = 4\nparams = { \"bodies.waico.harmonization\" = { min = 0.0, max = 0.2 }, \"alignment.confidence\" = { min = 0.1, max = 0.4 } }\n#";

/// The shipped sweep example, short, with its grid replaced by `sweep` (TOML lines).
fn scenario(dir: &Path, sweep: &str) -> PathBuf {
    let mut text = std::fs::read_to_string(shipped("sweep_quickstart.toml")).unwrap();
    text = text.replacen("steps = 15", "steps = 4", 1);
    text = text.replacen("runs = 20 ", "runs = 3 ", 1);
    text = text.replacen("method = \"grid\"\n", sweep, 1);
    std::fs::create_dir_all(dir.join("scenarios")).unwrap();
    write(&dir.join("scenarios"), "sens.toml", text)
}

fn numbers(point: &[accord::scenario::Assignment]) -> Vec<f64> {
    point
        .iter()
        .map(|a| match a.value {
            ParamValue::Number(x) => x,
            _ => panic!("numbers only"),
        })
        .collect()
}

#[test]
fn a_sobol_design_has_n_times_d_plus_2_points_in_salib_order() {
    let dir = tempdir();
    for (second, per) in [(false, 4), (true, 6)] {
        let sweep = SOBOL.replacen(
            "samples = 4",
            &format!("samples = 8\nsecond_order = {second}"),
            1,
        );
        let s = load(&scenario(dir.path(), &sweep)).unwrap();
        let w = s.sweep.as_ref().unwrap();
        assert_eq!(w.points.len(), 8 * per);
        assert!(matches!(w.method, SweepMethod::Sobol { samples: 8, .. }));
        let rows: Vec<Vec<f64>> = w.points.iter().map(|p| numbers(p)).collect();
        for block in rows.chunks(per) {
            let (a, b) = (&block[0], &block[per - 1]);
            for j in 0..2 {
                // A_B^j: A with column j from B.
                let mut ab = a.clone();
                ab[j] = b[j];
                assert_eq!(block[1 + j], ab);
                if second {
                    // B_A^j: B with column j from A.
                    let mut ba = b.clone();
                    ba[j] = a[j];
                    assert_eq!(block[3 + j], ba);
                }
            }
            assert!((0.0..=0.2).contains(&a[0]) && (0.1..=0.4).contains(&a[1]));
        }
        // The A rows stratify each range: one point per eighth.
        let mut cells: Vec<usize> = rows
            .iter()
            .step_by(per)
            .map(|a| (a[0] / 0.2 * 8.0) as usize)
            .collect();
        cells.sort_unstable();
        assert_eq!(cells, (0..8).collect::<Vec<_>>());
    }
}

fn run(scenario: &Path, out: &Path, extra: &[&str]) {
    accord()
        .args(["run", "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .arg(scenario)
        .assert()
        .success();
}

fn bytes(p: PathBuf) -> Vec<u8> {
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn sobol_sensitivity_is_the_same_across_threads_shards_and_analyze() {
    let dir = tempdir();
    let s = scenario(dir.path(), SOBOL);
    let whole = dir.path().join("whole");
    run(&s, &whole, &["--threads", "1"]);
    let four = dir.path().join("four");
    run(&s, &four, &["--threads", "4"]);
    let shards: Vec<PathBuf> = (0..3).map(|k| dir.path().join(format!("s{k}"))).collect();
    for (k, out) in shards.iter().enumerate() {
        run(&s, out, &["--shard", &format!("{k}/3")]);
    }
    let merged = dir.path().join("merged");
    accord()
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(&merged)
        .assert()
        .success();
    let files = [
        "sensitivity.csv",
        "summary.csv",
        "effects.csv",
        "points.csv",
        "timeseries.csv",
        "charts/sensitivity_fragmentation.svg",
    ];
    for f in files {
        let a = bytes(whole.join(f));
        assert!(a == bytes(four.join(f)), "{f} differs with 4 threads");
        assert!(
            a == bytes(merged.join(f)),
            "{f} differs after merging 3 shards"
        );
    }
    let text = String::from_utf8(bytes(whole.join("sensitivity.csv"))).unwrap();
    assert!(text.starts_with(
        "arm,outcome,metric,param,param2,method,index,estimate,ci95_lo,ci95_hi,conf95,noise_share,note\n"
    ));
    // 3 arms' levels and 2 arms' effects, 2 params × (S1, ST) per metric.
    let metrics = text
        .lines()
        .filter(|l| l.starts_with("baseline,level,"))
        .count()
        / 4;
    assert_eq!(text.lines().count(), 1 + 5 * metrics * 4);
    // `analyze` recomputes the file from the merged folder alone, byte for byte.
    std::fs::remove_file(merged.join("sensitivity.csv")).unwrap();
    accord()
        .arg("analyze")
        .arg(&merged)
        .assert()
        .success()
        .stdout(predicate::str::contains("sensitivity.csv"));
    assert!(bytes(merged.join("sensitivity.csv")) == bytes(whole.join("sensitivity.csv")));
    // Replay works at a design point like any sweep point.
    accord()
        .arg("replay")
        .arg(&whole)
        .args(["--point", "5", "--arm", "1", "--run", "2"])
        .assert()
        .success();
}

#[test]
fn a_parameter_the_scenario_does_not_use_gets_exactly_zero() {
    // The baseline arm disables the body, so its harmonization changes nothing: with common
    // random numbers the A and A_B rows of that parameter are identical.
    let dir = tempdir();
    let s = scenario(dir.path(), SOBOL);
    let out = dir.path().join("out");
    run(&s, &out, &[]);
    let text = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split(',').collect())
        .filter(|c: &Vec<&str>| c[0] == "baseline" && c[3] == "bodies.waico.harmonization")
        .collect();
    assert!(rows.len() >= 10, "{rows:?}");
    for c in rows {
        assert_eq!(&c[7..10], ["0.0000000000"; 3], "{c:?}");
    }
}

#[test]
fn a_morris_sweep_writes_mu_mu_star_and_sigma() {
    let dir = tempdir();
    let sweep = "method = \"morris\"\ntrajectories = 3\nlevels = 6\nparams = { \"bodies.waico.harmonization\" = { min = 0.0, max = 0.2 }, \"alignment.confidence\" = { min = 0.1, max = 0.4 } }\n#";
    let s = scenario(dir.path(), sweep);
    assert_eq!(load(&s).unwrap().point_count(), 3 * 3);
    let out = dir.path().join("out");
    run(&s, &out, &[]);
    let text = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    for index in ["mu", "mu_star", "sigma"] {
        assert!(text.contains(&format!(",morris,{index},")), "{index}");
    }
    assert!(out.join("charts/morris_fragmentation.svg").is_file());
    let before = text.clone();
    accord().arg("analyze").arg(&out).assert().success();
    assert_eq!(
        std::fs::read_to_string(out.join("sensitivity.csv")).unwrap(),
        before
    );
}

#[test]
fn analyze_refuses_a_folder_without_a_sensitivity_design() {
    let dir = tempdir();
    // A grid sweep of three arms: no indices, but robustness across the arms.
    let s = scenario(dir.path(), "method = \"grid\"\n");
    let out = dir.path().join("out");
    run(&s, &out, &[]);
    std::fs::remove_file(out.join("robustness.csv")).unwrap();
    accord()
        .arg("analyze")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("robustness.csv\n"));
    assert!(out.join("robustness.csv").is_file() && !out.join("sensitivity.csv").exists());
    // No sweep at all: nothing to analyze.
    let plain = crate::support::small_quickstart(&dir.path().join("plain"), 2);
    let out = dir.path().join("plain-out");
    run(&plain, &out, &[]);
    accord()
        .arg("analyze")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is not the output of a `sobol` or `morris` sweep",
        ));
}

/// Validates `sweep` (replacing the grid) and expects exit 2 with `message` at `line:col`.
fn refused(sweep: &str, located: &str) {
    let dir = tempdir();
    let s = scenario(dir.path(), sweep);
    accord()
        .current_dir(dir.path().join("scenarios"))
        .arg("validate")
        .arg(s.file_name().unwrap())
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(located.to_string()));
}

#[test]
fn bad_sensitivity_designs_are_located() {
    // The sweep's `method` line is line 84 of the shipped example.
    refused(
        "method = \"sobol\"\nsamples = 100\nparams = { \"alignment.confidence\" = { min = 0.1, max = 0.4 }, \"alignment.rate\" = { min = 0.1, max = 0.4 } }\n#",
        "sens.toml:85:11: `sweep.samples`: is `100`, but the base sample size of a `sobol` design must be a power of two (the Sobol' sequence is balanced only at powers of two): use 64 or 128",
    );
    refused(
        "method = \"sobol\"\nsamples = 8\nparams = { \"alignment.confidence\" = { min = 0.1, max = 0.4 } }\n#",
        "sens.toml:86:10: `sweep.params`: a `sobol` design needs at least 2 parameters, but 1 is swept",
    );
    refused(
        "method = \"morris\"\ntrajectories = 4\nparams = { \"alignment.confidence\" = { min = 0.4, max = 0.4 }, \"alignment.rate\" = { min = 0.1, max = 0.4 } }\n#",
        "sens.toml:86:37: `sweep.params.alignment.confidence`: `min` (0.4) must be less than `max` (0.4)",
    );
    refused(
        "method = \"sobol\"\nsamples = 8\nparams = { \"alignment.rule\" = { min = 0, max = 1 }, \"alignment.rate\" = { min = 0.1, max = 0.4 } }\n#",
        "`sweep.params.alignment.rule`: `alignment.rule` takes one of",
    );
    refused(
        "method = \"morris\"\ntrajectories = 4\nparams = { \"alignment.traits\" = { min = 2, max = 5 }, \"alignment.rate\" = { min = 0.1, max = 0.4 } }\n#",
        "but `morris` samples continuous numbers only; sweep it with `method = \"grid\"`",
    );
    refused(
        "method = \"morris\"\ntrajectories = 4\nlevels = 5\nparams = { \"alignment.confidence\" = { min = 0.1, max = 0.4 }, \"alignment.rate\" = { min = 0.1, max = 0.4 } }\n#",
        "sens.toml:86:10: `sweep.levels`: is `5`, but Morris levels must be even",
    );
    refused(
        "method = \"sobol\"\nsamples = 8\nlevels = 4\nparams = { \"alignment.confidence\" = { min = 0.1, max = 0.4 }, \"alignment.rate\" = { min = 0.1, max = 0.4 } }\n#",
        "sens.toml:86:10: `sweep.levels`: only applies to `method = \"morris\"`, but the method is `sobol`",
    );
}
