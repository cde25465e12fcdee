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
