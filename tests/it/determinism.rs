//! The same inputs give the same bytes: the golden quickstart files, identical outputs
//! across thread counts (and different ones across seeds), and the ECS engine bit for bit
//! against the plain-array reference kernel.

use std::path::Path;

use accord::experiment::{EnsembleConfig, RunSource, run_ensemble, summarize};
use accord::model::{Simulation, reference};
use accord::output::{write_summary, write_timeseries};
use accord::scenario::{Scenario, parse_str};
use accord::table::TableFormat;

use crate::support::{accord, root, shipped, small_quickstart, tempdir};

// ---------------------------------------------------------------------------------------
// Golden files

/// A short seeded run pinned as a golden file. If an engine change alters it, the test
/// fails; regenerate with
/// `ACCORD_UPDATE_GOLDEN=1 cargo test --release --test it -- determinism::quickstart_short_run_matches_the_golden_files`
/// and say in the commit message why the numbers changed.
#[test]
fn quickstart_short_run_matches_the_golden_files() {
    let root = root();
    let text = std::fs::read_to_string(root.join("scenarios/quickstart.toml")).unwrap();
    let text = text.replacen("steps = 25", "steps = 5", 1);
    let scenario = parse_str(&text, &root.join("scenarios/quickstart.toml")).unwrap();
    let config = EnsembleConfig {
        runs: 3,
        ..EnsembleConfig::from_scenario(&scenario)
    };
    let ensemble = run_ensemble(&scenario, &config, &|| {}).unwrap();
    let dir = tempdir();
    write_timeseries(dir.path(), TableFormat::Csv, &ensemble).unwrap();
    write_summary(
        dir.path(),
        TableFormat::Csv,
        &ensemble.layout(),
        &summarize(&ensemble).unwrap(),
    )
    .unwrap();
    for file in ["timeseries.csv", "summary.csv"] {
        let got = std::fs::read_to_string(dir.path().join(file)).unwrap();
        let golden = root
            .join("tests/golden")
            .join(format!("quickstart_5x3_{file}"));
        if std::env::var_os("ACCORD_UPDATE_GOLDEN").is_some() {
            std::fs::write(&golden, &got).unwrap();
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        assert!(
            got == want,
            "{file} differs from {}; see this test's doc comment to regenerate",
            golden.display()
        );
    }
}

// ---------------------------------------------------------------------------------------
// Threads and seeds

#[test]
fn outputs_are_byte_identical_across_thread_counts() {
    let dir = tempdir();
    let scenario = small_quickstart(dir.path(), 6);
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
    let dir = tempdir();
    let scenario = small_quickstart(dir.path(), 6);
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

// ---------------------------------------------------------------------------------------
// The ECS engine against the plain-array reference kernel

fn deffuant(n: u32, k: usize, confidence: f64, rate: f64, steps: u32) -> Scenario {
    let dims: Vec<String> = (0..k).map(|d| format!("\"d{d}\"")).collect();
    let src = format!(
        "name = \"ref\"\nsteps = {steps}\ndimensions = [{}]\n[alignment]\nrule = \"pairwise\"\nconfidence = {confidence}\nrate = {rate}\n[metrics]\nweighting = \"equal\"\nevery = {steps}\n[population]\ncount = {n}\n",
        dims.join(", ")
    );
    parse_str(&src, Path::new("ref.toml")).expect("valid scenario")
}

#[test]
fn ecs_pairwise_is_bit_identical_to_the_plain_array_kernel() {
    for (n, k, eps, seed) in [(50, 1, 0.3, 1u64), (200, 3, 0.25, 99), (7, 2, 1.0, 5)] {
        let scenario = deffuant(n, k, eps, 0.5, 30);
        let mut sim = Simulation::new(&scenario, seed);
        sim.run_to_end();
        let ecs: Vec<f64> = sim.stances().into_iter().flatten().collect();

        let mut plain = reference::uniform_population(n as usize, k, seed);
        reference::pairwise(&mut plain, k, eps, 0.5, 30, seed);
        assert_eq!(ecs, plain, "n={n} k={k} eps={eps}");
    }
}

#[test]
fn deffuant_mu_half_pairs_meet_at_their_midpoint_and_conserve_the_mean() {
    // With μ = 0.5 every accepted meeting replaces both stances by their mean, so the
    // population mean is invariant (up to rounding) whatever the draws.
    let scenario = deffuant(300, 1, 0.2, 0.5, 50);
    let mut sim = Simulation::new(&scenario, 11);
    let before: f64 = sim.stances().iter().map(|s| s[0]).sum();
    sim.run_to_end();
    let after: f64 = sim.stances().iter().map(|s| s[0]).sum();
    assert!((before - after).abs() < 1e-9, "{before} vs {after}");
}

fn scenario_file(name: &str) -> Scenario {
    accord::scenario::load(&shipped(name)).expect("scenario loads")
}

/// The plain run and the engine agree bit for bit, on every metric of every recorded step
/// and on the final stances.
fn assert_plain_matches_engine(scenario: &Scenario, seeds: &[u64]) {
    let plain = reference::Plain::new(scenario).expect("the reference covers this scenario");
    for &seed in seeds {
        let ecs = accord::model::simulate(scenario, seed, accord::model::StatesMode::Final);
        let expected = plain.run(seed);
        assert_eq!(
            ecs.metrics, expected.metrics,
            "{} seed {seed}",
            scenario.name
        );
        let stances: Vec<f64> = ecs.states.iter().flat_map(|r| r.stance.clone()).collect();
        assert_eq!(stances, expected.stances, "{} seed {seed}", scenario.name);
    }
}

#[test]
fn plain_reference_reproduces_the_baseline_arms_of_quickstart_and_world2025() {
    let quickstart = scenario_file("quickstart.toml");
    assert_plain_matches_engine(&quickstart.for_arm(0), &[1, 20250726]);
    let world = scenario_file("world2025.toml");
    assert_plain_matches_engine(&world.for_arm(0), &[3]);
    // Bodies and diffusion are outside the reference.
    assert!(reference::Plain::new(&quickstart.for_arm(1)).is_none());
    assert!(reference::Plain::new(&world.for_arm(2)).is_none());
}

#[test]
fn plain_reference_reproduces_a_noisy_stubborn_population() {
    let src = "name = \"pop\"\nsteps = 20\ndimensions = [\"a\", \"b\", \"c\"]\n[alignment]\nconfidence = 0.3\nrate = 0.4\nstubbornness = 0.1\nnoise = 0.02\n[metrics]\nweighting = \"equal\"\ntolerance = 0.1\nmin_cluster_share = 0.05\nevery = 5\n[population]\ncount = 150\n";
    let scenario = parse_str(src, Path::new("pop.toml")).expect("valid scenario");
    assert_plain_matches_engine(&scenario, &[7, 8]);
}

#[test]
fn simulate_reusing_its_engine_matches_fresh_worlds() {
    // `simulate` keeps each thread's world between runs; interleave scenarios of different
    // shapes (bodies, diffusion, populations) and compare with worlds built from scratch.
    // `simulate` also runs only the systems of the run's plan once no event is pending;
    // `Simulation` runs them all behind their conditions. Mid-run events that switch the
    // diffusion and the body keep every system until the last of them.
    let quickstart = scenario_file("quickstart.toml");
    let pop = deffuant(40, 2, 0.3, 0.5, 10);
    let source = std::fs::read_to_string(shipped("quickstart.toml")).expect("quickstart reads");
    let switched = accord::scenario::parse_str(
        &format!(
            "{source}\n[[events]]\nstep = 4\nkind = \"set\"\npath = \"diffusion.enabled\"\nvalue = true\n\n[[events]]\nstep = 9\nkind = \"set\"\npath = \"bodies.waico.enabled\"\nvalue = false\n"
        ),
        &shipped("quickstart.toml"),
    )
    .expect("quickstart with mid-run switches is valid");
    let runs = [
        (quickstart.for_arm(2), 5u64),
        (pop.clone(), 1),
        (quickstart.for_arm(1), 5),
        (switched.for_arm(1), 5),
        (quickstart.for_arm(2), 6),
        (pop, 2),
        (switched.for_arm(0), 3),
        (quickstart.for_arm(0), 5),
    ];
    for (scenario, seed) in &runs {
        let mode = accord::model::StatesMode::All;
        let reused = accord::model::simulate(scenario, *seed, mode);
        let fresh = Simulation::with_states(scenario, *seed, mode).finish(mode);
        assert_eq!(reused, fresh, "{} seed {seed}", scenario.name);
    }
}
