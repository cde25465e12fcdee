//! Engine benchmarks (criterion), in runs per second. Declaration of what is measured:
//!
//! Three scenarios, each timed as one run (`one_run/*`, single thread) and as an ensemble of
//! a fixed number of runs on all cores (`ensemble_<runs>/*`, `accord::experiment::
//! run_ensemble`, seeds `run_seed(master, r)`); throughput is reported in runs (elements)
//! per second.
//!
//! - `quickstart`: `scenarios/quickstart.toml` (13 nations, 6 dimensions, 25 steps, metrics
//!   every step), master seed 20250726; ensembles of 1,000 runs.
//! - `world2025`: `scenarios/world2025.toml` (192 nations, 6 dimensions, 25 steps, metrics
//!   every step), master seed 20250726; ensembles of 200 runs.
//! - `pairwise_1000`: 1,000 nations with uniform stances on 3 dimensions, complete network,
//!   Deffuant with ε = 0.2, μ = 0.5, 100 steps, equal weights, metrics at the first and last
//!   step only, master seed 7; ensembles of 40 runs.
//!
//! In each scenario `ecs` is the engine (`accord::model::simulate`) on the scenario's first
//! arm, and `plain` is `accord::model::reference::Plain` on the same arm: the same kernel on
//! flat arrays with the same draws and the same metric row at every recorded step
//! (`tests/it/determinism.rs` checks they agree bit for bit). The first arm of quickstart
//! (`baseline`) and world2025 (`status_quo`) has the body disabled and diffusion off, so
//! the reference covers all of it: weighted partner draws (group weights), per-nation ε,
//! stubbornness, rivalry, noise and the metrics. It does not cover bodies (founding,
//! accession, harmonization, capacity building, dialogue) or diffusion, which the other arms
//! use; `ecs_all_arms` times the whole ensemble of every arm for those, without a reference.
//! The ratio ecs / plain is the cost of the ECS layer (world build, schedules, gathering
//! components into flat buffers and writing them back).

use std::path::Path;

use accord::experiment::{EnsembleConfig, run_ensemble, run_seed};
use accord::model::reference::Plain;
use accord::model::{StatesMode, simulate};
use accord::scenario::{Scenario, load, parse_str};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;

fn scenario_file(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    load(&path).expect("scenario loads")
}

fn pairwise_scenario(n: u32) -> Scenario {
    let src = format!(
        "name = \"bench\"\nsteps = 100\ndimensions = [\"a\", \"b\", \"c\"]\n[experiment]\nseed = 7\n[alignment]\nconfidence = 0.2\nrate = 0.5\n[metrics]\nweighting = \"equal\"\nevery = 100\n[population]\ncount = {n}\n"
    );
    parse_str(&src, Path::new("bench.toml")).expect("bench scenario is valid")
}

/// `one_run/{ecs,plain}` and `ensemble_<runs>/{ecs,plain}` on the first arm of `s`, plus
/// `ensemble_<runs>/ecs_all_arms` when `s` has several arms.
fn bench_scenario(c: &mut Criterion, group: &str, s: &Scenario, runs: u32) {
    let arm = s.for_arm(0);
    let plain = Plain::new(&arm).expect("the reference covers the first arm");
    let master = s.experiment.seed;
    let seed = run_seed(master, 0);

    let mut g = c.benchmark_group(format!("{group}/one_run"));
    g.sample_size(20);
    g.throughput(Throughput::Elements(1));
    g.bench_function("ecs", |b| b.iter(|| simulate(&arm, seed, StatesMode::None)));
    g.bench_function("plain", |b| b.iter(|| plain.run(seed)));
    g.finish();

    let mut first_arm = s.clone();
    first_arm.arms.truncate(1);
    let config = EnsembleConfig {
        runs,
        ..EnsembleConfig::from_scenario(s)
    };
    let mut g = c.benchmark_group(format!("{group}/ensemble_{runs}"));
    g.sample_size(10);
    g.throughput(Throughput::Elements(u64::from(runs)));
    g.bench_function("ecs", |b| {
        b.iter(|| run_ensemble(&first_arm, &config, &|| {}).expect("ensemble runs"))
    });
    g.bench_function("plain", |b| {
        b.iter(|| {
            (0..runs)
                .into_par_iter()
                .map(|r| plain.run(run_seed(master, u64::from(r))))
                .collect::<Vec<_>>()
        })
    });
    if s.arms.len() > 1 {
        g.throughput(Throughput::Elements(u64::from(runs) * s.arms.len() as u64));
        g.bench_function("ecs_all_arms", |b| {
            b.iter(|| run_ensemble(s, &config, &|| {}).expect("ensemble runs"))
        });
    }
    g.finish();
}

fn bench_quickstart(c: &mut Criterion) {
    bench_scenario(c, "quickstart", &scenario_file("quickstart.toml"), 1000);
}

fn bench_world2025(c: &mut Criterion) {
    bench_scenario(c, "world2025", &scenario_file("world2025.toml"), 200);
}

fn bench_pairwise(c: &mut Criterion) {
    bench_scenario(c, "pairwise_1000", &pairwise_scenario(1000), 40);
}

criterion_group!(benches, bench_quickstart, bench_world2025, bench_pairwise);
criterion_main!(benches);
