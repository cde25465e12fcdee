//! Representative runs: run 0 of every arm, re-simulated to keep its final nation states,
//! which the ensemble does not keep (without `--states`) but the stance chart draws.

use crate::model::{self, StateRow, StatesMode};
use crate::scenario::Scenario;

use super::run_seed;

/// One nation's final state in an arm's representative run.
#[derive(Clone, Debug, PartialEq)]
pub struct RepresentativeState {
    /// Arm index.
    pub arm: usize,
    /// The arm's configured GDP of the nation (population nations: the population's); `set`
    /// events on GDP are not reflected, since only the final state is kept.
    pub gdp: f64,
    /// The nation's state at the final step.
    pub state: StateRow,
}

/// Run 0 of every arm (at sweep point 0 when the scenario has a sweep) at the final step,
/// re-simulated with the run's seed, so it equals run 0 of the ensemble; arms in scenario
/// order, nations in index order.
pub fn representative_states(scenario: &Scenario) -> Vec<RepresentativeState> {
    let seed = run_seed(scenario.experiment.seed, 0);
    // With a sweep, point 0, like the other per-point charts.
    let point_scenario = scenario.at_point(0);
    let mut rows = Vec::new();
    for a in 0..scenario.arms.len() {
        let arm_scenario = point_scenario.for_arm(a);
        let out = model::simulate(&arm_scenario, seed, StatesMode::Final);
        let population_gdp = arm_scenario.population.as_ref().map_or(1.0, |p| p.gdp);
        for state in out.states {
            let gdp = arm_scenario
                .nations
                .iter()
                .find(|n| n.id == state.nation)
                .map_or(population_gdp, |n| n.gdp);
            rows.push(RepresentativeState { arm: a, gdp, state });
        }
    }
    rows
}
