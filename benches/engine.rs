//! Engine benchmarks (criterion). Declaration of what is measured:
//!
//! - `quickstart/one_run`: one run of `scenarios/quickstart.toml`, arm `body_and_open_source`
//!   (13 nations, 6 dimensions, 25 steps, metrics every step), seed = run_seed(master, 0).
//! - `quickstart/ensemble_1000`: the whole ensemble with 1,000 runs per arm (3,000 runs) on
//!   all cores; throughput is reported in runs per second.
//! - `pairwise_1000/{ecs,plain}`: 1,000 nations with uniform stances on 3 dimensions,
//!   complete network, Deffuant with ε = 0.2, μ = 0.5, 100 steps, metrics at the first and
//!   last step only. `ecs` is the engine; `plain` is `accord::model::reference`, the same
//!   kernel on flat arrays with the same draws (tests/reference.rs checks they agree bit for
//!   bit), plus the same two metric passes. Their ratio is the cost of the ECS layer.
//! - `pairwise_100/{ecs,plain}`: the same with 100 nations, where fixed costs weigh more.

use std::path::Path;

use accord::experiment::{EnsembleConfig, run_ensemble, run_seed};
use accord::model::{StatesMode, reference, simulate};
use accord::scenario::{Scenario, load, parse_str};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn quickstart() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.toml");
    load(&path).expect("quickstart loads")
}

fn pairwise_scenario(n: u32) -> Scenario {
    let src = format!(
        "name = \"bench\"\nsteps = 100\ndimensions = [\"a\", \"b\", \"c\"]\n[alignment]\nconfidence = 0.2\nrate = 0.5\n[metrics]\nweighting = \"equal\"\nevery = 100\n[population]\ncount = {n}\n"
    );
    parse_str(&src, Path::new("bench.toml")).expect("bench scenario is valid")
}

fn bench_quickstart(c: &mut Criterion) {
    let s = quickstart();
    let arm = s.for_arm(s.arms.len() - 1);
    let seed = run_seed(s.experiment.seed, 0);
    let mut g = c.benchmark_group("quickstart");
    g.bench_function("one_run", |b| {
        b.iter(|| simulate(&arm, seed, StatesMode::None))
    });
    let config = EnsembleConfig {
        runs: 1000,
        ..EnsembleConfig::from_scenario(&s)
    };
    g.sample_size(10);
    g.throughput(Throughput::Elements(1000 * s.arms.len() as u64));
    g.bench_function("ensemble_1000", |b| {
        b.iter(|| run_ensemble(&s, &config, &|| {}).expect("ensemble runs"))
    });
    g.finish();
}

fn bench_pairwise(c: &mut Criterion) {
    for n in [100u32, 1000] {
        let s = pairwise_scenario(n);
        let seed = 7;
        let mut g = c.benchmark_group(format!("pairwise_{n}"));
        if n >= 1000 {
            g.sample_size(20);
        }
        g.bench_function("ecs", |b| b.iter(|| simulate(&s, seed, StatesMode::None)));
        g.bench_function("plain", |b| {
            b.iter(|| {
                let mut x = reference::uniform_population(n as usize, 3, seed);
                let first = reference::equal_weight_metrics(&x, 3, 0.1);
                reference::pairwise(&mut x, 3, 0.2, 0.5, 100, seed);
                (first, reference::equal_weight_metrics(&x, 3, 0.1))
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench_quickstart, bench_pairwise);
criterion_main!(benches);
