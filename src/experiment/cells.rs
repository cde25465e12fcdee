//! The scenario of each (point, arm) cell of an ensemble, built as its runs need it.

use crate::model::{RunOutput, StatesMode, simulate};
use crate::scenario::Scenario;

/// The scenario of a (point, arm) cell, with the cell.
pub(crate) type Cell = (usize, usize, Scenario);

/// The scenarios of an ensemble's (point, arm) cells: the base, then the point's values, then
/// the arm's `set`, so arms stay paired at every point.
///
/// Without a sweep there is one per arm, built up front. With one, a worker builds a cell's
/// scenario when its run needs it and keeps it while its next runs are of the same cell:
/// runs are numbered cell by cell and rayon hands each worker consecutive runs, so a point
/// is built about once per worker rather than once per run (building one copies every
/// nation of the scenario), and a large sweep never holds every point's scenario at once.
pub(crate) struct CellScenarios<'a> {
    base: &'a Scenario,
    /// Each arm's scenario when there is no sweep.
    arms: Vec<Scenario>,
}

impl<'a> CellScenarios<'a> {
    pub(crate) fn new(base: &'a Scenario) -> Self {
        let arms = if base.sweep.is_none() {
            (0..base.arms.len()).map(|a| base.for_arm(a)).collect()
        } else {
            Vec::new()
        };
        CellScenarios { base, arms }
    }

    /// Simulates run `seed` of cell (`point`, `arm`); `last` is the cell this worker built
    /// last (`None` at first), replaced when the cell differs.
    pub(crate) fn simulate(
        &self,
        last: &mut Option<Cell>,
        point: usize,
        arm: usize,
        seed: u64,
        states: StatesMode,
    ) -> RunOutput {
        if let Some(scenario) = self.arms.get(arm) {
            return simulate(scenario, seed, states);
        }
        if last
            .as_ref()
            .is_some_and(|(p, a, _)| (*p, *a) != (point, arm))
        {
            *last = None;
        }
        let (_, _, scenario) =
            last.get_or_insert_with(|| (point, arm, self.base.at_point(point).for_arm(arm)));
        simulate(scenario, seed, states)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// A worker's kept cell gives the same runs as building every run's scenario afresh,
    /// whatever order the cells come in (repeats, a new point, back to an earlier one).
    #[test]
    fn kept_cells_run_as_fresh_ones() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sweep_quickstart.toml");
        let Ok(scenario) = crate::scenario::load(&path) else {
            panic!("the bundled sweep scenario loads");
        };
        assert!(scenario.point_count() > 2 && scenario.arms.len() > 1);
        let cells = CellScenarios::new(&scenario);
        let mut last = None;
        for (point, arm, seed) in [
            (0, 0, 1),
            (0, 0, 2),
            (2, 1, 3),
            (2, 1, 3),
            (0, 0, 4),
            (1, 1, 5),
        ] {
            let kept = cells.simulate(&mut last, point, arm, seed, StatesMode::Final);
            let fresh = simulate(
                &scenario.at_point(point).for_arm(arm),
                seed,
                StatesMode::Final,
            );
            assert_eq!(kept, fresh, "point {point}, arm {arm}");
            assert!(matches!(last, Some((p, a, _)) if (p, a) == (point, arm)));
        }
    }
}
