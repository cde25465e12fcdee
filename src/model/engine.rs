//! The per-thread engine behind [`simulate`]: one world and its two schedules, reused run
//! after run.
//!
//! Building and initialising bevy schedules costs about a quarter of a small run, and an
//! ensemble calls [`simulate`] thousands of times per worker, so each thread keeps the
//! engine of its last run. What crosses from one run to the next, and why that is safe:
//!
//! - the world's entities and resources: [`build::clear_run`] despawns every body and keeps
//!   the nations as spares, and the next [`build::populate_world`] overwrites every
//!   component of the spares it reuses (despawning the rest; their `Ties` stay when
//!   `resources::TieSource` shows they were built from the same network and groups) and
//!   replaces every resource (except `build::NationWriter`, the cached query it overwrites
//!   reused nations through, which holds no run state);
//! - the schedules (the step schedule with every system, and one per [`StepPlan`] met so
//!   far), and with them each system's `Local` scratch buffers: every system sizes
//!   its buffers for the run at hand and overwrites what it reads before reading it, or
//!   restores them (e.g. marks back to false) before it returns (see [`super::systems`]).
//!
//! The golden, reference and thread-count tests check that no state leaks. A run that
//! panics never puts its engine back, so a half-used buffer is never reused.

use std::cell::RefCell;

use bevy_ecs::prelude::{Schedule, World};

use super::{RunOutput, Simulation, StatesMode, Steps, build, systems};
use crate::scenario::Scenario;
use systems::StepPlan;

/// Simulates one run of an arm. `scenario` already has the arm's overrides applied (the caller does that), so this ignores `scenario.arms`. Pure function of (scenario, seed): no I/O, deterministic.
///
/// Runs on this thread's cached engine (see the module docs): the same output as a fresh
/// [`Simulation`], without rebuilding the schedules.
pub fn simulate(scenario: &Scenario, seed: u64, states: StatesMode) -> RunOutput {
    let cached = ENGINE.with(|cell| cell.borrow_mut().take());
    // Nation ids only label state rows, so a run that keeps none skips building them.
    let ids = if states == StatesMode::None {
        Vec::new()
    } else {
        build::nation_ids(scenario)
    };
    let engine = cached.unwrap_or_default();
    let sim = Simulation::start(engine, scenario, seed, states, ids, Steps::Planned);
    let (output, mut engine) = sim.finish_with_engine(states);
    build::clear_run(&mut engine.world);
    ENGINE.with(|cell| *cell.borrow_mut() = Some(engine));
    output
}

thread_local! {
    /// The engine of this thread's last [`simulate`] call, emptied of its run.
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
}

/// A world with its schedules.
pub(super) struct Engine {
    /// The world (empty of any run between runs).
    pub(super) world: World,
    /// [`systems::initial_schedule`].
    pub(super) initial_schedule: Schedule,
    /// The step schedules.
    pub(super) step_schedules: StepSchedules,
}

impl Default for Engine {
    fn default() -> Self {
        Engine {
            world: World::new(),
            initial_schedule: systems::initial_schedule(),
            step_schedules: StepSchedules {
                every: systems::step_schedule(),
                fixed: Vec::new(),
            },
        }
    }
}

/// [`systems::step_schedule`] and each [`systems::fixed_step_schedule`] built so far (a
/// study has a few plans, one or two per arm, so a list suffices).
pub(super) struct StepSchedules {
    every: Schedule,
    fixed: Vec<(StepPlan, Schedule)>,
}

impl StepSchedules {
    /// The schedule for `plan` (`None`: every system behind its condition), built on first
    /// use.
    pub(super) fn get(&mut self, plan: Option<StepPlan>) -> &mut Schedule {
        let Some(plan) = plan else {
            return &mut self.every;
        };
        let at = match self.fixed.iter().position(|(p, _)| *p == plan) {
            Some(at) => at,
            None => {
                self.fixed.push((plan, systems::fixed_step_schedule(plan)));
                self.fixed.len() - 1
            }
        };
        &mut self.fixed[at].1
    }
}
