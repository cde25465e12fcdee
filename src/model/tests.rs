//! Hand-computed checks of every mechanism on tiny worlds.

use super::*;
use crate::scenario::{
    AlignmentKey, Arm, Assignment, BodyKey, BodySpec, Diffusion, DiffusionKey, Event, EventKind,
    Experiment, MetricsConfig, MetricsKey, NationKey, NationSpec, Network, NetworkKind, ParamKeys,
    ParamPath, ParamValue, Population, PopulationStance, Rivalry, Rule, Selector, Standard,
    Weighting,
};

const EPS: f64 = 1e-12;

/// A scenario of named nations with the given stances (capability 1, GDP 1, openness 0),
/// a complete network, pairwise rule with ε = 1, μ = 0.5, one step, recording every step.
fn scenario(stances: &[&[f64]]) -> Scenario {
    let k = stances.first().map_or(1, |s| s.len());
    Scenario {
        name: "test".into(),
        description: String::new(),
        steps: 1,
        step_unit: "year".into(),
        dimensions: (0..k).map(|d| format!("d{d}")).collect(),
        experiment: Experiment {
            runs: 1,
            seed: 1,
            reference: 0,
            table_format: Default::default(),
        },
        arms: vec![Arm {
            name: "baseline".into(),
            set: vec![],
        }],
        alignment: AlignmentKey::defaults(),
        network: Network {
            kind: NetworkKind::Complete,
            group_weights: vec![],
        },
        rivalries: vec![],
        diffusion: DiffusionKey::defaults(),
        bodies: vec![],
        events: vec![],
        metrics: MetricsConfig {
            weighting: Weighting::Equal,
            ..MetricsKey::defaults()
        },
        nations: stances
            .iter()
            .enumerate()
            .map(|(i, s)| NationSpec {
                id: format!("n{i}"),
                name: format!("Nation {i}"),
                groups: vec![],
                gdp: 1.0,
                capability: 1.0,
                openness: 0.0,
                stance: s.to_vec(),
                confidence: None,
                stubbornness: None,
            })
            .collect(),
        population: None,
        sweep: None,
    }
}

fn body(id: &str, founders: Vec<Selector>, founded: u32, standard: Standard) -> BodySpec {
    BodySpec {
        id: id.into(),
        name: id.to_uppercase(),
        enabled: true,
        founded,
        founders,
        standard,
        ..BodyKey::defaults()
    }
}

fn set(path: ParamPath, value: ParamValue) -> EventKind {
    EventKind::Set(Assignment {
        text: String::new(),
        path,
        value,
    })
}

fn first(stances: &[Vec<f64>]) -> Vec<f64> {
    stances.iter().map(|s| s[0]).collect()
}

fn assert_close(actual: &[f64], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (a, e) in actual.iter().zip(expected) {
        assert!((a - e).abs() < EPS, "{actual:?} vs {expected:?}");
    }
}

fn after_one_step(sc: &Scenario) -> Vec<f64> {
    let mut sim = Simulation::new(sc, 7);
    sim.step();
    first(&sim.stances())
}

#[test]
fn pairwise_two_nations_meet_at_midpoint() {
    let sc = scenario(&[&[0.2], &[0.4]]);
    assert_close(&after_one_step(&sc), &[0.3, 0.3]);
}

#[test]
fn pairwise_two_meetings_per_step_with_slow_rate() {
    // Meeting 1: 0.2 + 0.25·0.2 = 0.25, 0.4 − 0.25·0.2 = 0.35.
    // Meeting 2: 0.25 + 0.25·0.1 = 0.275, 0.35 − 0.25·0.1 = 0.325.
    let mut sc = scenario(&[&[0.2], &[0.4]]);
    sc.alignment.rate = 0.25;
    assert_close(&after_one_step(&sc), &[0.275, 0.325]);
}

#[test]
fn pairwise_beyond_confidence_nothing_moves() {
    let mut sc = scenario(&[&[0.2, 0.7], &[0.4, 0.9]]);
    sc.alignment.confidence = 0.2; // d = 0.2 is not < 0.2
    let mut sim = Simulation::new(&sc, 3);
    sim.step();
    assert_eq!(sim.stances(), vec![vec![0.2, 0.7], vec![0.4, 0.9]]);
}

#[test]
fn pairwise_stubbornness_and_own_confidence() {
    // Nation 1 listens only within 0.1; nation 0 is half stubborn.
    // Every meeting: x0 += 0.5·(1−0.5)·(x1 − x0); x1 stays (d > 0.1 throughout).
    let mut sc = scenario(&[&[0.2], &[0.4]]);
    sc.nations[0].stubbornness = Some(0.5);
    sc.nations[1].confidence = Some(0.1);
    // 0.2 → 0.25 → 0.2875
    assert_close(&after_one_step(&sc), &[0.2875, 0.4]);
}

#[test]
fn averaging_hegselmann_krause() {
    let mut sc = scenario(&[&[0.0], &[0.1], &[0.5]]);
    sc.alignment.rule = Rule::Averaging;
    sc.alignment.confidence = 0.15;
    sc.alignment.self_weight = 1.0;
    assert_close(&after_one_step(&sc), &[0.05, 0.05, 0.5]);
}

#[test]
fn averaging_friedkin_johnsen() {
    // s = 0.5, ε = 1, w = 1: bracket = mean of all three = 0.4.
    // x0 = 0.5·0 + 0.5·0.4 = 0.2; x1 = 0.5·0.4 + 0.2 = 0.4; x2 = 0.5·0.8 + 0.2 = 0.6.
    // Step 2: bracket = 0.4 again → same values (a fixed point).
    let mut sc = scenario(&[&[0.0], &[0.4], &[0.8]]);
    sc.alignment.rule = Rule::Averaging;
    sc.alignment.stubbornness = 0.5;
    sc.steps = 2;
    let mut sim = Simulation::new(&sc, 1);
    sim.step();
    assert_close(&first(&sim.stances()), &[0.2, 0.4, 0.6]);
    sim.step();
    assert_close(&first(&sim.stances()), &[0.2, 0.4, 0.6]);
}

#[test]
fn averaging_weighted_ties_and_self_weight() {
    // Explicit ties 0–1 (weight 3), 1–2 (weight 1); w = 2; ε = 1.
    // x0 = (2·0 + 3·0.6)/5 = 0.36; x1 = (2·0.6 + 3·0 + 1·1)/6 = 2.2/6; x2 = (2·1 + 0.6)/3.
    let mut sc = scenario(&[&[0.0], &[0.6], &[1.0]]);
    sc.alignment.rule = Rule::Averaging;
    sc.alignment.self_weight = 2.0;
    sc.network.kind = NetworkKind::Explicit {
        ties: vec![(0, 1, 5.0), (2, 1, 1.0), (1, 0, 3.0), (2, 2, 9.0)],
    };
    assert_close(&after_one_step(&sc), &[0.36, 2.2 / 6.0, 2.6 / 3.0]);
}

#[test]
fn rivals_move_apart_pairwise() {
    // ρσ = 0.5. Meeting 1: 0.4 − 0.5·0.2 = 0.3, 0.6 + 0.1 = 0.7; meeting 2: 0.1, 0.9.
    let mut sc = scenario(&[&[0.4], &[0.6]]);
    sc.alignment.rivalry_rate = 0.25;
    sc.rivalries = vec![Rivalry {
        a: Selector::Nation(0),
        b: Selector::Nation(1),
        strength: 2.0,
    }];
    sc.steps = 2;
    let mut sim = Simulation::new(&sc, 5);
    sim.step();
    assert_close(&first(&sim.stances()), &[0.1, 0.9]);
    // Step 2: 0.1 − 0.4 → 0 (clamped), 0.9 + 0.4 → 1.
    sim.step();
    assert_close(&first(&sim.stances()), &[0.0, 1.0]);
}

#[test]
fn rivals_move_apart_averaging() {
    // Rivals do not listen to each other (bracket = own stance), then
    // x_i += ρ σ (x_i − x_j): 0.4 + 0.5·(−0.2) = 0.3; 0.6 + 0.1 = 0.7. Nation 2 at 0.5
    // averages with both: (0.5 + 0.4 + 0.6)/3 = 0.5.
    let mut sc = scenario(&[&[0.4], &[0.6], &[0.5]]);
    sc.alignment.rule = Rule::Averaging;
    sc.alignment.rivalry_rate = 0.5;
    sc.rivalries = vec![Rivalry {
        a: Selector::Nation(0),
        b: Selector::Nation(1),
        strength: 1.0,
    }];
    // Nation 0 listens to nation 2 (not a rival): bracket (0.4 + 0.5)/2 = 0.45, −0.1 → 0.35.
    // Nation 1: (0.6 + 0.5)/2 = 0.55, +0.1 → 0.65.
    assert_close(&after_one_step(&sc), &[0.35, 0.65, 0.5]);
}

#[test]
fn noise_keeps_stances_in_unit_interval() {
    let mut sc = scenario(&[&[0.0, 1.0], &[0.99, 0.01], &[0.5, 0.5]]);
    sc.alignment.confidence = 0.0;
    sc.alignment.noise = 0.5;
    sc.steps = 30;
    let mut sim = Simulation::new(&sc, 11);
    let before = sim.stances();
    while sim.step().is_some() {
        for x in sim.stances().iter().flatten() {
            assert!((0.0..=1.0).contains(x));
        }
    }
    assert_ne!(before, sim.stances());
}

/// A full export control from A (nation 0) to B (nation 1) at `step`.
fn a_controls_b(step: u32) -> Event {
    Event {
        step,
        kind: EventKind::ExportControl {
            from: vec![Selector::Nation(0)],
            to: vec![Selector::Nation(1)],
            strength: 1.0,
        },
    }
}

fn diffusion_scenario() -> Scenario {
    // A: capability 10, openness 0.5, stance 0.9; B: capability 1, closed, stance 0.
    let mut sc = scenario(&[&[0.9], &[0.0]]);
    sc.alignment.confidence = 0.0;
    sc.nations[0].capability = 10.0;
    sc.nations[0].openness = 0.5;
    sc.diffusion = Diffusion {
        enabled: true,
        growth: 0.1,
        absorption: 0.5,
        norm_pull: 0.3,
    };
    sc
}

#[test]
fn diffusion_one_step_by_hand() {
    // c̃ = (11, 1.1); offer to B = 0.5·11 = 5.5 > 1.1: a = 0.5·4.4 = 2.2, c_B = 3.3,
    // share = 2/3, x_B = 0 + 0.3·(2/3)·0.9 = 0.18. A's offer from B is 0: c_A = 11.
    let sc = diffusion_scenario();
    let mut sim = Simulation::new(&sc, 1);
    sim.step();
    assert_close(&sim.capabilities(), &[11.0, 3.3]);
    assert_close(&first(&sim.stances()), &[0.9, 0.18]);
}

#[test]
fn export_control_of_one_blocks_diffusion() {
    let mut sc = diffusion_scenario();
    sc.events = vec![a_controls_b(1)];
    let mut sim = Simulation::new(&sc, 1);
    sim.step();
    assert_close(&sim.capabilities(), &[11.0, 1.1]);
    assert_close(&first(&sim.stances()), &[0.9, 0.0]);
}

#[test]
fn diffusion_off_changes_nothing() {
    let mut sc = diffusion_scenario();
    sc.diffusion.enabled = false;
    let mut sim = Simulation::new(&sc, 1);
    sim.step();
    assert_close(&sim.capabilities(), &[10.0, 1.0]);
}

#[test]
fn body_founding_harmonization_and_capacity_building() {
    let mut sc = scenario(&[&[0.0], &[0.4], &[1.0]]);
    sc.alignment.confidence = 0.0;
    sc.nations[1].capability = 3.0;
    sc.nations[2].capability = 10.0;
    let mut spec = body(
        "club",
        vec![Selector::Nation(0), Selector::Nation(1)],
        1,
        Standard::Fixed(vec![0.5]),
    );
    spec.harmonization = 0.5;
    spec.capacity_building = 0.5;
    sc.bodies = vec![spec];
    let mut sim = Simulation::new(&sc, 1);
    assert!(sim.members(0).is_empty());
    assert_eq!(sim.body_state(0).map(|s| s.founded), Some(false));
    sim.step();
    assert_eq!(sim.members(0), vec![0, 1]);
    // x ← x + 0.5 (0.5 − x); c̄ = 2: c0 = 1 + 0.5·1 = 1.5, c1 stays 3.
    assert_close(&first(&sim.stances()), &[0.25, 0.45, 1.0]);
    assert_close(&sim.capabilities(), &[1.5, 3.0, 10.0]);
    let out = sim.finish(StatesMode::None);
    let members = out.metrics.iter().map(|row| row[6]).collect::<Vec<_>>();
    assert_eq!(members, vec![Some(0.0), Some(2.0)]);
}

#[test]
fn accession_with_members_mean_standard() {
    let mut sc = scenario(&[&[0.1], &[0.2], &[0.9]]);
    sc.alignment.confidence = 0.0;
    let mut spec = body("club", vec![Selector::Nation(0)], 0, Standard::MembersMean);
    spec.accession_threshold = 0.15;
    spec.join_rate = 1.0;
    sc.bodies = vec![spec];
    let mut sim = Simulation::new(&sc, 1);
    assert_eq!(sim.members(0), vec![0]);
    sim.step();
    // S = 0.1: nation 1 (d = 0.1) joins, nation 2 (d = 0.8) does not; S becomes 0.15.
    assert_eq!(sim.members(0), vec![0, 1]);
    let standard = sim.body_state(0).map(|s| s.standard).unwrap_or_default();
    assert_close(&standard, &[0.15]);
}

#[test]
fn members_mean_is_gdp_weighted() {
    let mut sc = scenario(&[&[0.1], &[0.5]]);
    sc.alignment.confidence = 0.0;
    sc.nations[1].gdp = 3.0;
    sc.bodies = vec![body(
        "club",
        vec![Selector::Nation(0), Selector::Nation(1)],
        0,
        Standard::MembersMean,
    )];
    let mut sim = Simulation::new(&sc, 1);
    sim.step();
    let standard = sim.body_state(0).map(|s| s.standard).unwrap_or_default();
    assert_close(&standard, &[(0.1 + 3.0 * 0.5) / 4.0]);
}

#[test]
fn exit_threshold_after_shock() {
    let mut sc = scenario(&[&[0.1], &[0.2], &[0.9]]);
    sc.alignment.confidence = 0.0;
    sc.steps = 2;
    let mut spec = body(
        "club",
        vec![Selector::Nation(0), Selector::Nation(1)],
        0,
        Standard::Fixed(vec![0.1]),
    );
    spec.exit_threshold = 0.5;
    sc.bodies = vec![spec];
    sc.events = vec![Event {
        step: 2,
        kind: EventKind::Shock {
            nations: vec![Selector::Nation(0)],
            dimension: 0,
            delta: 0.8,
        },
    }];
    let mut sim = Simulation::new(&sc, 1);
    sim.step();
    assert_eq!(sim.members(0), vec![0, 1]);
    sim.step();
    assert_eq!(sim.members(0), vec![1]);
}

#[test]
fn join_rate_between_zero_and_one_draws() {
    // With join_rate 0.5 and many eligible steps, a nation eventually joins.
    let mut sc = scenario(&[&[0.5], &[0.5]]);
    sc.alignment.confidence = 0.0;
    sc.steps = 60;
    let mut spec = body("club", vec![Selector::Nation(0)], 0, Standard::MembersMean);
    spec.accession_threshold = 0.1;
    spec.join_rate = 0.5;
    sc.bodies = vec![spec];
    let mut sim = Simulation::new(&sc, 9);
    sim.run_to_end();
    assert_eq!(sim.members(0), vec![0, 1]);
}

#[test]
fn dialogue_widens_confidence_between_members() {
    let mut sc = scenario(&[&[0.2], &[0.4]]);
    sc.alignment.confidence = 0.1;
    let mut spec = body(
        "forum",
        vec![Selector::Nation(0), Selector::Nation(1)],
        0,
        Standard::MembersMean,
    );
    spec.dialogue = 0.5;
    sc.bodies = vec![spec];
    assert_close(&after_one_step(&sc), &[0.3, 0.3]);
}

#[test]
fn events_shock_and_set_confidence() {
    let mut sc = scenario(&[&[0.2], &[0.4]]);
    sc.alignment.confidence = 0.1;
    sc.steps = 2;
    sc.events = vec![
        Event {
            step: 0,
            kind: EventKind::Shock {
                nations: vec![Selector::Nation(1)],
                dimension: 0,
                delta: 5.0,
            },
        },
        Event {
            step: 1,
            kind: set(
                ParamPath::Nation(1, NationKey::Stance(0)),
                ParamValue::Number(0.4),
            ),
        },
        Event {
            step: 2,
            kind: set(
                ParamPath::Alignment(AlignmentKey::Confidence),
                ParamValue::Number(1.0),
            ),
        },
    ];
    let mut sim = Simulation::new(&sc, 1);
    assert_close(&first(&sim.stances()), &[0.2, 1.0]); // clamped shock at step 0
    sim.step();
    assert_close(&first(&sim.stances()), &[0.2, 0.4]); // set, but ε = 0.1 < 0.2
    sim.step();
    assert_close(&first(&sim.stances()), &[0.3, 0.3]); // ε = 1 from step 2
}

#[test]
fn set_confidence_spares_nations_with_an_override() {
    // Nation 1 keeps its own ε = 0.05: only nation 0 moves, 0.2 → 0.3 → 0.35.
    let mut sc = scenario(&[&[0.2], &[0.4]]);
    sc.alignment.confidence = 0.0;
    sc.nations[1].confidence = Some(0.05);
    sc.events = vec![Event {
        step: 1,
        kind: set(
            ParamPath::Alignment(AlignmentKey::Confidence),
            ParamValue::Number(1.0),
        ),
    }];
    assert_close(&after_one_step(&sc), &[0.35, 0.4]);
}

#[test]
fn set_rule_switches_to_averaging() {
    let mut sc = scenario(&[&[0.0], &[0.1], &[0.5]]);
    sc.alignment.confidence = 0.15;
    sc.events = vec![Event {
        step: 1,
        kind: set(
            ParamPath::Alignment(AlignmentKey::Rule),
            ParamValue::Text("averaging".into()),
        ),
    }];
    assert_close(&after_one_step(&sc), &[0.05, 0.05, 0.5]);
}

#[test]
fn join_and_leave_events() {
    let mut sc = scenario(&[&[0.2], &[0.4], &[0.6]]);
    sc.alignment.confidence = 0.0;
    sc.steps = 3;
    sc.nations[0].groups = vec!["g".into()];
    sc.nations[2].groups = vec!["g".into()];
    let mut disabled = body("off", vec![], 0, Standard::MembersMean);
    disabled.enabled = false;
    sc.bodies = vec![body("later", vec![], 100, Standard::MembersMean), disabled];
    sc.events = vec![
        Event {
            step: 1,
            kind: EventKind::Join {
                body: 0,
                nations: vec![Selector::Group("g".into()), Selector::Nation(0)],
            },
        },
        Event {
            step: 1,
            kind: EventKind::Join {
                body: 1,
                nations: vec![Selector::Nation(1)],
            },
        },
        Event {
            step: 2,
            kind: EventKind::Leave {
                body: 0,
                nations: vec![Selector::Nation(0)],
            },
        },
        Event {
            step: 3,
            kind: set(
                ParamPath::Body(0, crate::scenario::BodyKey::Enabled),
                ParamValue::Bool(false),
            ),
        },
    ];
    let mut sim = Simulation::new(&sc, 1);
    sim.step();
    assert_eq!(sim.members(0), vec![0, 2]);
    assert!(sim.members(1).is_empty());
    sim.step();
    assert_eq!(sim.members(0), vec![2]);
    sim.step();
    assert!(sim.members(0).is_empty());
}

fn population_scenario() -> Scenario {
    let mut sc = scenario(&[&[0.5, 0.5]]);
    sc.population = Some(Population {
        count: 40,
        stance: PopulationStance::Uniform,
        groups: vec!["pop".into()],
        gdp: 1.0,
        capability: 1.0,
        openness: 0.2,
        confidence: None,
        stubbornness: None,
    });
    sc.alignment.confidence = 0.3;
    sc.alignment.noise = 0.01;
    sc.network.kind = NetworkKind::Random { p: 0.3 };
    sc.steps = 15;
    sc.metrics.every = 4;
    sc
}

#[test]
fn determinism_same_seed_same_output() {
    let sc = population_scenario();
    let a = simulate(&sc, 42, StatesMode::All);
    let b = simulate(&sc, 42, StatesMode::All);
    assert_eq!(a, b);
    assert_eq!(a.steps, sc.recorded_steps());
    assert_eq!(a.steps, vec![0, 4, 8, 12, 15]);
    assert_eq!(a.states.len(), 41 * 5);
    let c = simulate(&sc, 43, StatesMode::All);
    assert_ne!(a.states, c.states);
}

#[test]
fn states_modes() {
    let sc = population_scenario();
    let none = simulate(&sc, 1, StatesMode::None);
    let last = simulate(&sc, 1, StatesMode::Final);
    let all = simulate(&sc, 1, StatesMode::All);
    assert!(none.states.is_empty());
    assert_eq!(last.states.len(), 41);
    assert!(last.states.iter().all(|r| r.step == 15));
    assert_eq!(last.states[0].nation, "n0");
    assert_eq!(last.states[1].nation, "p01");
    assert_eq!(last.states[40].nation, "p40");
    assert_eq!(&all.states[all.states.len() - 41..], &last.states[..]);
    assert_eq!(none.metrics, all.metrics);
    assert_eq!(none.metrics.len(), 5);
    assert!(none.metrics.iter().all(|row| row.len() == 6));
    // No global_south group: ratio undefined.
    assert!(none.metrics.iter().all(|row| row[5].is_none()));
}

#[test]
fn population_stances_are_uniform_draws_of_the_init_stream() {
    let sc = population_scenario();
    let sim = Simulation::new(&sc, 5);
    let stances = sim.stances();
    assert_eq!(stances.len(), 41);
    assert_eq!(stances[0], vec![0.5, 0.5]);
    assert!(
        stances[1..]
            .iter()
            .flatten()
            .all(|x| (0.0..1.0).contains(x))
    );
    assert_eq!(build::population_ids(9)[8], "p9");
    assert_eq!(build::population_ids(100)[0], "p001");
}

#[test]
fn network_change_keeps_dynamics_draws() {
    // Arms differing only in the network share the dynamics stream: with ε = 0 nothing
    // meets, so the noise path (drawn after the meeting draws of equal count) is identical.
    let mut a = population_scenario();
    a.alignment.confidence = 0.0;
    a.network.kind = NetworkKind::Complete;
    let mut b = a.clone();
    b.network.kind = NetworkKind::Random { p: 1.0 };
    let (x, y) = (
        simulate(&a, 3, StatesMode::Final),
        simulate(&b, 3, StatesMode::Final),
    );
    // Complete draws r ∈ 0..n−1 uniformly; a random p = 1 network draws an index into the
    // same n−1 neighbours uniformly: identical partners, identical noise.
    assert_eq!(x, y);
}

#[test]
fn metrics_row_and_south_ratio() {
    let mut sc = scenario(&[&[0.0], &[0.05], &[1.0]]);
    sc.alignment.confidence = 0.0;
    sc.nations[0].groups = vec!["global_south".into()];
    sc.nations[0].capability = 1.0;
    sc.nations[1].capability = 2.0;
    sc.nations[2].capability = 4.0;
    let out = simulate(&sc, 1, StatesMode::None);
    let row = &out.metrics[0];
    let weights = crate::metrics::weights(&[1.0; 3], Weighting::Equal);
    let pm = crate::metrics::pairwise_metrics(&[0.0, 0.05, 1.0], 1, &weights, 0.1, 0.0);
    assert_eq!(row[0], Some(pm.fragmentation));
    assert_eq!(row[1], Some(pm.clusters as f64));
    assert_eq!(row[2], Some(pm.effective_blocs));
    assert_eq!(row[3], Some(pm.dispersion));
    assert_eq!(row[4], Some(crate::metrics::gini(&[1.0, 2.0, 4.0])));
    assert_eq!(row[5], Some(1.0 / 3.0));
}

#[test]
fn ties_and_rivalries_are_resolved() {
    use components::Ties;
    let mut sc = scenario(&[&[0.0], &[0.1], &[0.2]]);
    sc.nations[0].groups = vec!["g".into()];
    sc.nations[1].groups = vec!["g".into(), "h".into()];
    sc.nations[2].groups = vec!["h".into()];
    sc.network.group_weights = vec![("g".into(), 2.0), ("h".into(), 0.5)];
    sc.rivalries = vec![
        Rivalry {
            a: Selector::Group("g".into()),
            b: Selector::Group("h".into()),
            strength: 1.0,
        },
        Rivalry {
            a: Selector::Nation(2),
            b: Selector::Nation(1),
            strength: 3.0,
        },
    ];
    let mut world = build::build_world(&sc, 1, StatesMode::None);
    let mut ties: Vec<(u32, Ties)> = world
        .query::<(&components::NationIndex, &Ties)>()
        .iter(&world)
        .map(|(i, t)| (i.0, t.clone()))
        .collect();
    ties.sort_by_key(|(i, _)| *i);
    let Ties::List(list) = &ties[1].1 else {
        panic!("weighted complete network needs lists");
    };
    assert_eq!(list.neighbours, vec![0, 2]);
    assert_eq!(list.weights, vec![2.0, 0.5]);
    assert!(!list.uniform);
    let rivals = world.resource::<resources::Rivalries>();
    // g × h = {0,1} × {1,2} minus self pairs: (0,1), (0,2), (1,2); then (1,2) → 3.
    assert_eq!(
        rivals.pairs,
        vec![((0, 1), 1.0), ((0, 2), 1.0), ((1, 2), 3.0)]
    );
    assert_eq!(rivals.of(1), &[(0, 1.0), (2, 3.0)]);

    sc.network.group_weights.clear();
    let mut world = build::build_world(&sc, 1, StatesMode::None);
    assert!(
        world
            .query::<&Ties>()
            .iter(&world)
            .all(|t| *t == Ties::Everyone)
    );
}

#[test]
fn schedules_are_unambiguous_and_chained() {
    use bevy_ecs::prelude::IntoSystem;
    use bevy_ecs::system::System;
    use std::any::TypeId;

    fn id<M, S: IntoSystem<(), (), M>>(system: S) -> TypeId {
        IntoSystem::into_system(system).system_type()
    }
    let sc = scenario(&[&[0.2], &[0.4]]);
    let mut world = build::build_world(&sc, 1, StatesMode::None);
    let mut initial = systems::strict(systems::initial_schedule());
    let mut step = systems::strict(systems::step_schedule());
    assert!(initial.initialize(&mut world).is_ok());
    assert!(step.initialize(&mut world).is_ok());
    let order = |schedule: &bevy_ecs::schedule::Schedule| -> Vec<TypeId> {
        schedule
            .systems()
            .map(|it| it.map(|(_, s)| s.system_type()).collect())
            .unwrap_or_default()
    };
    use systems::*;
    assert_eq!(
        order(&initial),
        vec![id(apply_events), id(found_bodies), id(record)]
    );
    assert_eq!(
        order(&step),
        vec![
            id(apply_events),
            id(diffuse_capabilities),
            id(align_pairwise),
            id(align_averaging),
            id(align_culture),
            id(add_noise),
            id(found_bodies),
            id(update_membership),
            id(harmonize),
            id(build_capacity),
            id(record),
        ]
    );
    // A fixed plan's schedule is the full one without the systems its conditions skip.
    let bodies = [
        id(found_bodies),
        id(update_membership),
        id(harmonize),
        id(build_capacity),
    ];
    for rule in [Rule::Pairwise, Rule::Averaging, Rule::Culture] {
        for diffusion in [false, true] {
            for with_bodies in [false, true] {
                let plan = StepPlan {
                    rule,
                    diffusion,
                    bodies: with_bodies,
                };
                let mut fixed = systems::strict(fixed_step_schedule(plan));
                assert!(fixed.initialize(&mut world).is_ok());
                let mut expected = Vec::new();
                if diffusion {
                    expected.push(id(diffuse_capabilities));
                }
                expected.push(match rule {
                    Rule::Pairwise => id(align_pairwise),
                    Rule::Averaging => id(align_averaging),
                    Rule::Culture => id(align_culture),
                });
                expected.push(id(add_noise));
                if with_bodies {
                    expected.extend(bodies);
                }
                expected.push(id(record));
                assert_eq!(order(&fixed), expected, "{plan:?}");
            }
        }
    }
}

/// The plan of a run is read off the world once step 0 has run: none while an event is
/// pending, else the rule, diffusion and bodies in force.
#[test]
fn step_plans_follow_pending_events_and_switches() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.toml");
    let sc = crate::scenario::load(&path).expect("quickstart is valid");
    let plan = |arm: usize| {
        let sim = Simulation::new(&sc.for_arm(arm), 1);
        systems::StepPlan::of(sim.world())
    };
    // quickstart's events are all at step 0; its arms switch the body and diffusion.
    let expect = |diffusion, bodies| {
        Some(systems::StepPlan {
            rule: Rule::Pairwise,
            diffusion,
            bodies,
        })
    };
    assert_eq!(plan(0), expect(false, false));
    assert_eq!(plan(1), expect(false, true));
    assert_eq!(plan(2), expect(true, true));
    let mut later = sc.for_arm(0);
    let mut event = later.events[0].clone();
    event.step = 3;
    later.events.push(event);
    assert_eq!(
        systems::StepPlan::of(Simulation::new(&later, 1).world()),
        None
    );
}

#[test]
fn quickstart_smoke() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.toml");
    let sc = crate::scenario::load(&path).expect("quickstart is valid");
    let a = simulate(&sc, 1, StatesMode::Final);
    let b = simulate(&sc, 1, StatesMode::Final);
    assert_eq!(a, b);
    assert_eq!(a.steps, sc.recorded_steps());
    assert_eq!(a.states.len(), sc.nation_count());
    assert!(a.metrics.iter().flatten().flatten().all(|v| v.is_finite()));
}

/// Issue 10 (2): a world reused run after run must not keep the removal records of every
/// despawned nation; without `clear_trackers` the count below grows with the number of runs.
#[test]
fn a_reused_world_forgets_the_removals_of_earlier_runs() {
    use bevy_ecs::prelude::World;

    use crate::model::components::Capability;
    use crate::model::resources::NationEntities;

    let mut world = World::new();
    for _ in 0..50 {
        let entities = (0..13).map(|_| world.spawn(Capability(0.5)).id()).collect();
        world.insert_resource(NationEntities(entities));
        build::clear_run(&mut world);
    }
    let kept = world.removed::<Capability>().count();
    assert!(kept <= 2 * 13, "{kept} removal records kept after 50 runs");
}

/// The pairwise rule keeps ε_i, s_i and memberships between steps and reads again only the
/// nations whose components changed. A body founded at step 2 makes both nations members
/// without any event (so nothing else tells the rule to read everyone): at step 3 they
/// listen to each other through the body's dialogue (d = 0.2 < ε + D = 0.1 + 0.5) and meet
/// at the midpoint, which they cannot if the rule misses the change.
#[test]
fn the_pairwise_rule_sees_memberships_that_change_without_an_event() {
    let mut sc = scenario(&[&[0.2], &[0.4]]);
    sc.steps = 3;
    sc.alignment.confidence = 0.1;
    let mut spec = body(
        "forum",
        vec![Selector::Nation(0), Selector::Nation(1)],
        2,
        Standard::MembersMean,
    );
    spec.dialogue = 0.5;
    spec.harmonization = 0.0;
    sc.bodies = vec![spec];
    let mut sim = Simulation::new(&sc, 1);
    sim.step();
    sim.step();
    assert_eq!(
        first(&sim.stances()),
        vec![0.2, 0.4],
        "apart before the body"
    );
    assert_eq!(sim.members(0), vec![0, 1]);
    sim.step();
    assert_close(&first(&sim.stances()), &[0.3, 0.3]);
    // The same through `simulate`, which runs the planned step schedule.
    let out = simulate(&sc, 1, StatesMode::Final);
    let last: Vec<f64> = out.states.iter().map(|s| s.stance[0]).collect();
    assert_close(&last, &[0.3, 0.3]);
}

/// Diffusion lays the export controls out per recipient once and again only when they
/// change: a control imposed at step 2, after a step in which B absorbed A's open offer,
/// must stop the absorption from then on.
#[test]
fn an_export_control_imposed_mid_run_stops_diffusion_from_then_on() {
    let mut sc = diffusion_scenario();
    sc.steps = 2;
    sc.events = vec![a_controls_b(2)];
    let mut sim = Simulation::new(&sc, 1);
    sim.step();
    // c̃ = (11, 1.1); B absorbs 0.5 (0.5·11 − 1.1) = 2.2, a share 2/3 of its 3.3, and moves
    // 0.3 · 2/3 of the way to A's 0.9.
    assert_close(&sim.capabilities(), &[11.0, 3.3]);
    assert_close(&first(&sim.stances()), &[0.9, 0.18]);
    sim.step();
    assert_close(&sim.capabilities(), &[12.1, 3.63]);
    assert_close(&first(&sim.stances()), &[0.9, 0.18]);
}
