//! The ECS engine against the plain-array reference kernel and a classic result.

use accord::model::{Simulation, reference};
use accord::scenario::{Scenario, parse_str};
use std::path::Path;

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
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    accord::scenario::load(&path).expect("scenario loads")
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
    let quickstart = scenario_file("quickstart.toml");
    let pop = deffuant(40, 2, 0.3, 0.5, 10);
    let runs = [
        (quickstart.for_arm(2), 5u64),
        (pop.clone(), 1),
        (quickstart.for_arm(1), 5),
        (quickstart.for_arm(2), 6),
        (pop, 2),
        (quickstart.for_arm(0), 5),
    ];
    for (scenario, seed) in &runs {
        let mode = accord::model::StatesMode::All;
        let reused = accord::model::simulate(scenario, *seed, mode);
        let fresh = Simulation::with_states(scenario, *seed, mode).finish(mode);
        assert_eq!(reused, fresh, "{} seed {seed}", scenario.name);
    }
}
