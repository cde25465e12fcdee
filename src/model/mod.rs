//! The simulation: nations and bodies as bevy_ecs entities, one system per mechanism.
//!
//! [`simulate`] runs one run of an arm and returns its metric rows (and optionally nation
//! states), on a world and schedules each thread reuses from run to run (`engine`).
//! [`Simulation`] exposes the same machinery step by step for tests and inspection.
//!
//! A run is a pure function of `(scenario, seed)`: one ChaCha12 generator seeded with
//! `seed`, stream 0 for initialisation (population stances, random network) and stream 1
//! for dynamics (meeting order and partners, noise, accession), so arms that change the
//! network still share the dynamics draws. Systems gather state into index-ordered buffers,
//! so nothing depends on ECS iteration order.
//!
//! Step 0 runs [`systems::initial_schedule`] (step-0 events → founding → record); each step
//! t = 1..=steps runs [`systems::step_schedule`]: events → diffusion → alignment (by the rule
//! in force) → noise → founding → membership → harmonization → capacity building → record.

pub mod build;
pub mod components;
mod engine;
pub mod reference;
pub mod resources;
pub mod systems;

#[cfg(test)]
mod tests;

use bevy_ecs::prelude::{Schedule, World};

use crate::scenario::Scenario;
use components::{BodyState, Capability, Memberships};
pub use engine::simulate;
use engine::{Engine, StepSchedules};
use resources::{BodyEntities, NationEntities, Recorder, Shape, Step};

/// Which nation states a run returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StatesMode {
    /// None.
    #[default]
    None,
    /// Only at the final step.
    Final,
    /// At every recorded step.
    All,
}

/// What one run produced.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RunOutput {
    /// Recorded steps, ascending (= scenario.recorded_steps()).
    pub steps: Vec<u32>,
    /// metrics\[r\]\[m\]: value of metric m (order of metric_names) at recorded step r; None = undefined (e.g. south ratio without a global_south group).
    pub metrics: Vec<Vec<Option<f64>>>,
    /// Nation states at the final step (Final) or every recorded step (All), nations in index order.
    pub states: Vec<StateRow>,
}

/// The state of one nation at one step.
#[derive(Clone, Debug, PartialEq)]
pub struct StateRow {
    /// The step.
    pub step: u32,
    /// Nation id (population nations: `p0001`, …).
    pub nation: String,
    /// Capability.
    pub capability: f64,
    /// Stance, one value per dimension.
    pub stance: Vec<f64>,
}

/// One run, driven step by step: a world plus its step schedule.
///
/// Construction builds the world and runs step 0 (step-0 events, founding, first record);
/// [`Simulation::step`] advances one step; [`Simulation::finish`] runs the remaining steps
/// and returns the [`RunOutput`].
pub struct Simulation {
    world: World,
    initial_schedule: Schedule,
    step_schedules: StepSchedules,
    /// The plan the steps run, or `None` for every system behind its condition.
    plan: Option<systems::StepPlan>,
    ids: Vec<String>,
    steps: u32,
}

/// Which step schedule a [`Simulation`] runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Steps {
    /// Every system behind its run condition: right whatever is done to the world between
    /// steps (the step-by-step API, whose callers may poke at it).
    Every,
    /// The run's [`systems::StepPlan`] once step 0 has run, if no event is pending: the same
    /// bits with fewer systems, for runs nobody touches between steps.
    Planned,
}

impl Simulation {
    /// Builds the run of `(scenario, seed)` and runs step 0, keeping the states of every
    /// recorded step (so any [`StatesMode`] can be asked of [`Simulation::finish`]).
    pub fn new(scenario: &Scenario, seed: u64) -> Self {
        Self::with_states(scenario, seed, StatesMode::All)
    }

    /// Like [`Simulation::new`], keeping only the states `keep` asks for.
    pub fn with_states(scenario: &Scenario, seed: u64, keep: StatesMode) -> Self {
        let ids = build::nation_ids(scenario);
        Self::start(Engine::default(), scenario, seed, keep, ids, Steps::Every)
    }

    /// Builds the run into `engine`'s world (empty of any run) and runs step 0; `ids` are
    /// the nation ids (empty when no states will be asked for).
    fn start(
        engine: Engine,
        scenario: &Scenario,
        seed: u64,
        keep: StatesMode,
        ids: Vec<String>,
        steps: Steps,
    ) -> Self {
        let Engine {
            mut world,
            mut initial_schedule,
            step_schedules,
        } = engine;
        build::populate_world(&mut world, scenario, seed, keep);
        initial_schedule.run(&mut world);
        let plan = match steps {
            Steps::Every => None,
            Steps::Planned => systems::StepPlan::of(&world),
        };
        Simulation {
            world,
            initial_schedule,
            step_schedules,
            plan,
            ids,
            steps: scenario.steps,
        }
    }

    /// The last step run (0 right after construction).
    pub fn current_step(&self) -> u32 {
        self.world.get_resource::<Step>().map_or(0, |s| s.0)
    }

    /// Whether every step of the scenario has run.
    pub fn is_finished(&self) -> bool {
        self.current_step() >= self.steps
    }

    /// Runs the next step and returns its number, or `None` if the run is already finished.
    pub fn step(&mut self) -> Option<u32> {
        if self.is_finished() {
            return None;
        }
        let next = self.current_step() + 1;
        build::put_resource(&mut self.world, Step(next));
        self.step_schedules.get(self.plan).run(&mut self.world);
        Some(next)
    }

    /// Runs all remaining steps.
    pub fn run_to_end(&mut self) {
        while self.step().is_some() {}
    }

    /// Whether the culture rule is in force and no tied pair can interact any more
    /// (`systems::alignment::culture_absorbed`): Axelrod's stopping condition. Later steps
    /// leave stances unchanged under the culture rule and still record rows, so outputs
    /// stay rectangular.
    pub fn is_absorbed(&self) -> bool {
        let culture = self
            .world
            .get_resource::<resources::Params>()
            .is_some_and(|p| p.alignment.rule == crate::scenario::Rule::Culture);
        if !culture {
            return false;
        }
        let k = self.world.get_resource::<Shape>().map_or(0, |s| s.dims);
        let owned = self.nation_map(|world, entity| {
            world
                .get::<components::Ties>(entity)
                .cloned()
                .unwrap_or(components::Ties::Everyone)
        });
        let ties: Vec<&components::Ties> = owned.iter().collect();
        let stances = self
            .world
            .get_resource::<resources::Stances>()
            .map_or(&[][..], resources::Stances::all);
        systems::alignment::culture_absorbed(stances, k, &ties)
    }

    /// Nation ids in index order.
    pub fn nation_ids(&self) -> &[String] {
        &self.ids
    }

    /// Current stances, nations in index order.
    pub fn stances(&self) -> Vec<Vec<f64>> {
        let Some(stances) = self.world.get_resource::<resources::Stances>() else {
            return Vec::new();
        };
        let n = self.world.get_resource::<Shape>().map_or(0, |s| s.nations);
        (0..n).map(|i| stances.row(i).to_vec()).collect()
    }

    /// Current capabilities, nations in index order.
    pub fn capabilities(&self) -> Vec<f64> {
        self.nation_map(|world, entity| world.get::<Capability>(entity).map_or(0.0, |c| c.0))
    }

    /// Members of body `body` (nation indices, ascending).
    pub fn members(&self, body: usize) -> Vec<usize> {
        let masks = self.nation_map(|world, entity| {
            world
                .get::<Memberships>(entity)
                .copied()
                .unwrap_or_default()
        });
        masks
            .iter()
            .enumerate()
            .filter(|(_, m)| m.contains(body))
            .map(|(i, _)| i)
            .collect()
    }

    /// The run-time state of body `body` (founded flag and last standard).
    pub fn body_state(&self, body: usize) -> Option<BodyState> {
        let entity = *self.world.get_resource::<BodyEntities>()?.0.get(body)?;
        self.world.get::<BodyState>(entity).cloned()
    }

    /// Metric rows recorded so far (in `metrics::metric_names` order).
    pub fn metrics(&self) -> &[Vec<Option<f64>>] {
        self.world
            .get_resource::<Recorder>()
            .map_or(&[], |r| r.rows.as_slice())
    }

    /// The world, for inspection.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The world, for tests that poke at it between steps.
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// Runs the remaining steps and returns what the run produced, with the states `states`
    /// asks for (limited to those kept at construction).
    pub fn finish(self, states: StatesMode) -> RunOutput {
        self.finish_with_engine(states).0
    }

    /// [`Simulation::finish`], handing back the engine for the next run.
    fn finish_with_engine(mut self, states: StatesMode) -> (RunOutput, Engine) {
        self.run_to_end();
        let k = self.world.get_resource::<Shape>().map_or(0, |s| s.dims);
        let Some(recorder) = self.world.remove_resource::<Recorder>() else {
            return (RunOutput::default(), self.into_engine());
        };
        let mut rows = Vec::new();
        for snapshot in &recorder.snapshots {
            let wanted = match states {
                StatesMode::None => false,
                StatesMode::Final => snapshot.step == self.steps,
                StatesMode::All => true,
            };
            if !wanted {
                continue;
            }
            rows.reserve(self.ids.len());
            for (i, id) in self.ids.iter().enumerate() {
                rows.push(StateRow {
                    step: snapshot.step,
                    nation: id.clone(),
                    capability: snapshot.capabilities.get(i).copied().unwrap_or(0.0),
                    stance: snapshot
                        .stances
                        .get(i * k..(i + 1) * k)
                        .map_or_else(Vec::new, <[f64]>::to_vec),
                });
            }
        }
        let output = RunOutput {
            steps: recorder.steps,
            metrics: recorder.rows,
            states: rows,
        };
        (output, self.into_engine())
    }

    fn into_engine(self) -> Engine {
        Engine {
            world: self.world,
            initial_schedule: self.initial_schedule,
            step_schedules: self.step_schedules,
        }
    }

    fn nation_map<T>(&self, f: impl Fn(&World, bevy_ecs::entity::Entity) -> T) -> Vec<T> {
        self.world
            .get_resource::<NationEntities>()
            .map_or_else(Vec::new, |entities| {
                entities.0.iter().map(|&e| f(&self.world, e)).collect()
            })
    }
}
