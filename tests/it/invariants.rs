//! Invariants of the model and the metrics over random valid scenarios.
//!
//! Scenarios are written as TOML text and loaded through the public loader, so the cases
//! cover exactly what a user can write: 1–30 explicit nations, 1–4 dimensions, both
//! continuous rules, every network kind, optional rivalry, body, diffusion and arms.
//!
//! The dynamics draw random numbers in nation order, so reordering the nations of a whole
//! simulation changes the run; the metrics, though, are functions of a snapshot and must not
//! care about the order of its rows. That is checked on each run's simulated final states.

use std::fmt::Write as _;
use std::path::Path;

use accord::metrics::{self, metric_names_with};
use accord::model::{RunOutput, StatesMode, simulate};
use accord::scenario::{Scenario, parse_str};
use proptest::prelude::*;

const MAX_NATIONS: usize = 30;
const MAX_DIMS: usize = 4;

#[derive(Clone, Debug)]
struct Nation {
    stance: [f64; MAX_DIMS],
    gdp: f64,
    capability: f64,
    openness: f64,
    south: bool,
    own_confidence: Option<f64>,
}

#[derive(Clone, Debug)]
struct Params {
    dims: usize,
    nations: Vec<Nation>,
    averaging: bool,
    confidence: f64,
    rate: f64,
    stubbornness: f64,
    noise: f64,
    rivalry_rate: f64,
    self_weight: f64,
    /// 0 complete, 1 random, 2 explicit, 3 lattice.
    network: u8,
    p: f64,
    ties: Vec<(usize, usize, f64)>,
    rivalry: Option<f64>,
    body: Option<[f64; 6]>,
    diffusion: Option<(f64, f64, f64)>,
    arm_confidence: Option<f64>,
    steps: u32,
    every: u32,
    tolerance: f64,
    gdp_weighting: bool,
    seed: u64,
}

/// A share in [0, 1] that hits both ends often: boundary stances and rates are where
/// clamping bugs live.
fn unit() -> impl Strategy<Value = f64> {
    prop_oneof![1 => Just(0.0), 1 => Just(1.0), 6 => 0.0..=1.0f64]
}

fn nation() -> impl Strategy<Value = Nation> {
    (
        [unit(), unit(), unit(), unit()],
        0.0..50.0f64,
        0.0..2.0f64,
        unit(),
        any::<bool>(),
        proptest::option::of(unit()),
    )
        .prop_map(
            |(stance, gdp, capability, openness, south, own_confidence)| Nation {
                stance,
                gdp,
                capability,
                openness,
                south,
                own_confidence,
            },
        )
}

fn params() -> impl Strategy<Value = Params> {
    let dynamics = (
        1..=MAX_DIMS,
        prop::collection::vec(nation(), 1..=MAX_NATIONS),
        any::<bool>(),
        [unit(), unit(), unit(), unit(), unit()],
        0.0..3.0f64,
    );
    let structure = (
        0u8..4,
        unit(),
        prop::collection::vec((0..MAX_NATIONS, 0..MAX_NATIONS, 0.0..5.0f64), 0..40),
        proptest::option::of(unit()),
        proptest::option::of([unit(), unit(), unit(), unit(), unit(), unit()]),
        proptest::option::of((0.0..1.0f64, unit(), unit())),
        proptest::option::of(unit()),
    );
    let recording = (1u32..=12, 1u32..=4, unit(), any::<bool>(), any::<u64>());
    (dynamics, structure, recording).prop_map(
        |(
            (
                dims,
                nations,
                averaging,
                [confidence, rate, stubbornness, noise, rivalry_rate],
                self_weight,
            ),
            (network, p, ties, rivalry, body, diffusion, arm_confidence),
            (steps, every, tolerance, gdp_weighting, seed),
        )| {
            let mut nations = nations;
            if network == 3 {
                // A lattice needs exactly side² nations.
                let side = (nations.len() as f64).sqrt().floor() as usize;
                nations.truncate(side * side);
            }
            let n = nations.len();
            let ties = ties
                .into_iter()
                .map(|(a, b, w)| (a % n, b % n, w))
                .filter(|(a, b, _)| a != b)
                .collect();
            Params {
                dims,
                nations,
                averaging,
                confidence,
                rate,
                stubbornness,
                noise,
                rivalry_rate,
                self_weight,
                network,
                p,
                ties,
                rivalry: if n >= 2 { rivalry } else { None },
                body,
                diffusion,
                arm_confidence,
                steps,
                every,
                tolerance,
                gdp_weighting,
                seed,
            }
        },
    )
}

fn dim(d: usize) -> String {
    format!("d{d}")
}

fn id(i: usize) -> String {
    format!("N{i:02}")
}

/// The scenario file a user would write for `p`.
fn toml_text(p: &Params) -> String {
    let mut s = String::new();
    let dims: Vec<String> = (0..p.dims).map(|d| format!("\"{}\"", dim(d))).collect();
    writeln!(
        s,
        "name = \"prop\"\nsteps = {}\ndimensions = [{}]",
        p.steps,
        dims.join(", ")
    )
    .unwrap();
    writeln!(s, "[experiment]\nruns = 1\nseed = {}", p.seed).unwrap();
    writeln!(
        s,
        "[alignment]\nrule = \"{}\"\nconfidence = {:?}\nrate = {:?}\nstubbornness = {:?}\nnoise = {:?}\nrivalry_rate = {:?}\nself_weight = {:?}",
        if p.averaging { "averaging" } else { "pairwise" },
        p.confidence,
        p.rate,
        p.stubbornness,
        p.noise,
        p.rivalry_rate,
        p.self_weight
    )
    .unwrap();
    match p.network {
        // Group weights may only name groups some nation has.
        0 if p.nations.iter().any(|n| n.south) => writeln!(
            s,
            "[network]\nkind = \"complete\"\ngroup_weights = {{ south = 2.0 }}"
        ),
        0 => writeln!(s, "[network]\nkind = \"complete\""),
        1 => writeln!(s, "[network]\nkind = \"random\"\np = {:?}", p.p),
        2 => {
            let ties: Vec<String> = p
                .ties
                .iter()
                .map(|(a, b, w)| format!("[\"{}\", \"{}\", {w:?}]", id(*a), id(*b)))
                .collect();
            writeln!(
                s,
                "[network]\nkind = \"explicit\"\nties = [{}]",
                ties.join(", ")
            )
        }
        _ => writeln!(
            s,
            "[network]\nkind = \"lattice\"\nside = {}",
            (p.nations.len() as f64).sqrt() as usize
        ),
    }
    .unwrap();
    if let Some(strength) = p.rivalry {
        writeln!(
            s,
            "[[rivalries]]\na = \"{}\"\nb = \"{}\"\nstrength = {strength:?}",
            id(0),
            id(1)
        )
        .unwrap();
    }
    if let Some((growth, absorption, norm_pull)) = p.diffusion {
        writeln!(
            s,
            "[diffusion]\nenabled = true\ngrowth = {growth:?}\nabsorption = {absorption:?}\nnorm_pull = {norm_pull:?}"
        )
        .unwrap();
    }
    if let Some([harmonization, accession, join, exit, capacity, dialogue]) = p.body {
        writeln!(
            s,
            "[[bodies]]\nid = \"club\"\nfounded = {}\nfounders = [\"{}\"]\nharmonization = {harmonization:?}\naccession_threshold = {accession:?}\njoin_rate = {join:?}\nexit_threshold = {exit:?}\ncapacity_building = {capacity:?}\ndialogue = {dialogue:?}",
            p.steps / 2,
            id(0)
        )
        .unwrap();
    }
    writeln!(
        s,
        "[metrics]\ntolerance = {:?}\nweighting = \"{}\"\nevery = {}",
        p.tolerance,
        if p.gdp_weighting { "gdp" } else { "equal" },
        p.every
    )
    .unwrap();
    if let Some(c) = p.arm_confidence {
        writeln!(s, "[[arms]]\nname = \"base\"\n[[arms]]\nname = \"other\"\nset = {{ \"alignment.confidence\" = {c:?} }}").unwrap();
    }
    for (i, n) in p.nations.iter().enumerate() {
        let stance: Vec<String> = (0..p.dims)
            .map(|d| format!("{} = {:?}", dim(d), n.stance[d]))
            .collect();
        writeln!(
            s,
            "[[nations]]\nid = \"{}\"\ngroups = [{}]\ngdp = {:?}\ncapability = {:?}\nopenness = {:?}\nstance = {{ {} }}",
            id(i),
            if n.south { "\"global_south\", \"south\"" } else { "" },
            n.gdp,
            n.capability,
            n.openness,
            stance.join(", ")
        )
        .unwrap();
        if let Some(c) = n.own_confidence {
            writeln!(s, "confidence = {c:?}").unwrap();
        }
    }
    s
}

/// The final step's snapshot of a run, nations in index order.
struct Snapshot {
    stances: Vec<f64>,
    capabilities: Vec<f64>,
    gdp: Vec<f64>,
    south: Vec<bool>,
}

fn final_snapshot(scenario: &Scenario, out: &RunOutput) -> Snapshot {
    let last = *out.steps.last().expect("every run records its last step");
    let rows: Vec<_> = out.states.iter().filter(|r| r.step == last).collect();
    assert_eq!(rows.len(), scenario.nations.len());
    Snapshot {
        stances: rows.iter().flat_map(|r| r.stance.iter().copied()).collect(),
        capabilities: rows.iter().map(|r| r.capability).collect(),
        gdp: scenario.nations.iter().map(|n| n.gdp).collect(),
        south: scenario
            .nations
            .iter()
            .map(|n| n.groups.iter().any(|g| g == "global_south"))
            .collect(),
    }
}

/// Every metric that is a function of one snapshot, as numbers (counts as f64; an
/// undefined ratio as NaN, which compares by bit pattern below).
fn snapshot_metrics(s: &Snapshot, dims: usize, scenario: &Scenario, perm: &[usize]) -> Vec<f64> {
    let stances: Vec<f64> = perm
        .iter()
        .flat_map(|&i| s.stances[i * dims..(i + 1) * dims].iter().copied())
        .collect();
    let gdp: Vec<f64> = perm.iter().map(|&i| s.gdp[i]).collect();
    let capabilities: Vec<f64> = perm.iter().map(|&i| s.capabilities[i]).collect();
    let south: Vec<bool> = perm.iter().map(|&i| s.south[i]).collect();
    // Position of original nation i in the permuted order, to carry ties along.
    let mut at = vec![0; perm.len()];
    for (pos, &i) in perm.iter().enumerate() {
        at[i] = pos;
    }
    let n = perm.len();
    let ties = (0..n).flat_map(|i| ((i + 1)..n).map(move |j| (i, j)));
    let weights = metrics::weights(&gdp, scenario.metrics.weighting);
    let m = metrics::pairwise_metrics(
        &stances,
        dims,
        &weights,
        scenario.metrics.tolerance,
        scenario.metrics.min_cluster_share,
    );
    vec![
        m.fragmentation,
        m.clusters as f64,
        m.effective_blocs,
        m.dispersion,
        metrics::gini(&capabilities),
        metrics::group_mean_ratio(&capabilities, &south).unwrap_or(f64::NAN),
        metrics::regions(&stances, dims, ties.map(|(i, j)| (at[i], at[j]))) as f64,
    ]
}

fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

fn check(p: &Params, perm_seed: u64) -> Result<(), TestCaseError> {
    let text = toml_text(p);
    let scenario = match parse_str(&text, Path::new("prop.toml")) {
        Ok(s) => s,
        Err(e) => return Err(TestCaseError::fail(format!("{e}\n---\n{text}"))),
    };
    let n = scenario.nations.len();
    let names = metric_names_with(&["club".to_string()], false);
    let col = |name: &str| names.iter().position(|m| m == name).expect("known metric");
    for arm in 0..scenario.arms.len().max(1) {
        let s = scenario.for_arm(arm);
        let out = simulate(&s, p.seed, StatesMode::All);
        for row in &out.states {
            for &x in &row.stance {
                prop_assert!(
                    (0.0..=1.0).contains(&x),
                    "stance {x} of {} at step {}",
                    row.nation,
                    row.step
                );
            }
        }
        for (r, values) in out.metrics.iter().enumerate() {
            let get = |name: &str| values[col(name)];
            let step = out.steps[r];
            let f = get("fragmentation").expect("fragmentation is always defined");
            prop_assert!((0.0..=1.0).contains(&f), "fragmentation {f} at step {step}");
            let c = get("clusters").expect("clusters is always defined");
            prop_assert!(
                c >= 1.0 && c <= n as f64,
                "clusters {c} of {n} at step {step}"
            );
            let b = get("effective_blocs").expect("effective_blocs is always defined");
            prop_assert!(
                b >= 1.0 - 1e-9 && b <= n as f64 + 1e-9,
                "effective_blocs {b} of {n} at step {step}"
            );
        }
        let snapshot = final_snapshot(&s, &out);
        let identity: Vec<usize> = (0..n).collect();
        let base = snapshot_metrics(&snapshot, p.dims, &s, &identity);
        // The recorder and the snapshot functions must agree on the final step.
        let recorded = out.metrics.last().expect("a recorded step");
        for (name, k) in [
            ("fragmentation", 0),
            ("clusters", 1),
            ("effective_blocs", 2),
            ("dispersion", 3),
        ] {
            let r = recorded[col(name)].unwrap_or(f64::NAN);
            prop_assert!(
                close(r, base[k]),
                "{name}: recorded {r}, from the final states {}",
                base[k]
            );
        }
        // A deterministic shuffle (Fisher–Yates on a splitmix sequence) plus the reversal.
        let mut perm = identity.clone();
        let mut x = perm_seed;
        for i in (1..n).rev() {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            perm.swap(i, ((z ^ (z >> 31)) % (i as u64 + 1)) as usize);
        }
        let reversed: Vec<usize> = identity.iter().rev().copied().collect();
        for order in [&perm, &reversed] {
            let permuted = snapshot_metrics(&snapshot, p.dims, &s, order);
            for (k, (a, b)) in base.iter().zip(&permuted).enumerate() {
                prop_assert!(
                    close(*a, *b),
                    "metric {k}: {a} in nation order, {b} permuted by {order:?}"
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_valid_scenarios_keep_the_invariants(p in params(), perm_seed in any::<u64>()) {
        check(&p, perm_seed)?;
    }
}

/// `[metrics] compute` leaves the other metrics out of every column list, and the metrics it
/// keeps have the same bits as when everything is computed.
#[test]
fn computing_some_metrics_gives_those_columns_with_the_same_values() {
    use accord::experiment::{EnsembleConfig, run_ensemble};
    let text = |compute: &str| {
        format!(
            "name = \"some\"\nsteps = 4\ndimensions = [\"a\", \"b\"]\n{compute}\n\
             [alignment]\nconfidence = 0.3\n[population]\ncount = 30\nstance = \"uniform\"\n\
             [[bodies]]\nid = \"club\"\nname = \"Club\"\n"
        )
    };
    let run = |compute: &str| {
        let s = parse_str(&text(compute), Path::new("some.toml")).unwrap();
        let config = EnsembleConfig {
            runs: 3,
            ..EnsembleConfig::from_scenario(&s)
        };
        run_ensemble(&s, &config, &|| {}).unwrap()
    };
    let all = run("");
    let some = run("[metrics]\ncompute = [\"dispersion\", \"fragmentation\"]");
    assert_eq!(
        some.metric_names,
        ["fragmentation", "dispersion", "members_club"],
        "catalogue order, whatever the order of the list"
    );
    for (a, s) in all.runs.iter().zip(&some.runs) {
        for (row_all, row_some) in a.output.metrics.iter().zip(&s.output.metrics) {
            assert_eq!(row_some, &[row_all[0], row_all[3], row_all[6]]);
        }
    }
}
