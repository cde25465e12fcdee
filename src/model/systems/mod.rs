//! The systems of the simulation, one per mechanism, and the schedules that chain them.
//!
//! Stances live in one index-ordered matrix (`resources::Stances`) that systems read and
//! move in place; every other per-nation state a system needs it gathers into flat
//! index-ordered buffers, computes, and writes back, so results never depend on ECS query
//! iteration order.
//!
//! Each system owns its buffers as `Local` state. Those live in the schedule, and the engine
//! reuses its schedules from one run to the next (`model::engine`), so the buffers outlive
//! a run: every system sizes them for the run at hand with `fit` and overwrites what it
//! reads before reading it (or restores it before returning, like the averaging rule's
//! marks and diffusion's export controls), so nothing of one run reaches the next.

pub mod alignment;
pub mod bodies;
pub mod diffusion;
pub mod events;
pub mod record;

use bevy_ecs::prelude::{IntoScheduleConfigs, Query, Res, Schedule, World};
use bevy_ecs::schedule::{
    LogLevel, ScheduleBuildSettings, ScheduleConfigs, ScheduleLabel, SingleThreadedExecutor,
    SystemSet,
};
use bevy_ecs::system::ScheduleSystem;

use crate::model::components::BodyConfig;
use crate::model::resources::{BodyEntities, EventQueue, Params};
use crate::scenario::Rule;
pub use alignment::{add_noise, align_averaging, align_culture, align_pairwise, rule_is};
pub use bodies::{build_capacity, found_bodies, harmonize, update_membership};
pub use diffusion::diffuse_capabilities;
pub use events::apply_events;
pub use record::record;

/// Label of the schedule run once for step 0.
#[derive(ScheduleLabel, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InitialSchedule;

/// Label of the schedule run once per step t ≥ 1.
#[derive(ScheduleLabel, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StepSchedule;

/// A single-threaded schedule. Ambiguity detection is off here because the schedules are
/// fixed and the check costs a sixth of a small run wherever they are built (each
/// [`crate::model::Simulation`], and each thread's first run);
/// [`strict`] turns it on, and a test builds both schedules that way.
fn single_threaded_schedule(label: impl ScheduleLabel) -> Schedule {
    let mut schedule = Schedule::new(label);
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.set_build_settings(ScheduleBuildSettings {
        ambiguity_detection: LogLevel::Ignore,
        ..ScheduleBuildSettings::default()
    });
    schedule
}

/// Makes a schedule's build fail on any ambiguity (conflicting systems left unordered).
pub fn strict(mut schedule: Schedule) -> Schedule {
    schedule.set_build_settings(ScheduleBuildSettings {
        ambiguity_detection: LogLevel::Error,
        ..ScheduleBuildSettings::default()
    });
    schedule
}

/// Step 0: apply step-0 events → found bodies due at step 0 → record.
pub fn initial_schedule() -> Schedule {
    let mut schedule = single_threaded_schedule(InitialSchedule);
    schedule.add_systems((apply_events, found_bodies, record).chain());
    schedule
}

/// The stages of a step, in order: events(t) → diffusion → alignment by the rule in force
/// (pairwise, averaging or culture, see [`alignment`]) → noise → body founding → membership
/// → harmonization → capacity building → record (at recorded steps only).
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Stage {
    Events,
    Diffusion,
    Alignment,
    Noise,
    Bodies,
    Record,
}

/// A single-threaded step schedule with the [`Stage`]s chained.
fn staged_schedule() -> Schedule {
    let mut schedule = single_threaded_schedule(StepSchedule);
    schedule.configure_sets(
        (
            Stage::Events,
            Stage::Diffusion,
            Stage::Alignment,
            Stage::Noise,
            Stage::Bodies,
            Stage::Record,
        )
            .chain(),
    );
    schedule
}

/// The body stage, chained: founding → membership → harmonization → capacity building.
fn body_systems() -> ScheduleConfigs<ScheduleSystem> {
    (found_bodies, update_membership, harmonize, build_capacity).chain()
}

/// Step t ≥ 1 with every system, for any run: events(t) → diffusion → alignment by the
/// rule in force (pairwise, averaging or culture, see [`alignment`]) → noise → body founding
/// → membership → harmonization → capacity building → record (at recorded steps only).
///
/// Systems that would do nothing this step are skipped by a run condition, because in a
/// small run dispatching a system (fetching its parameters) costs more than its work: events
/// only while some are pending ([`events_pending`]), diffusion only when enabled
/// ([`diffusion_enabled`]), and the four body systems, as one set, only while some body is
/// enabled ([`any_body_enabled`]). Each condition is exactly the case in which its systems
/// return without touching the world, so skipping them changes no bit.
pub fn step_schedule() -> Schedule {
    let mut schedule = staged_schedule();
    schedule.add_systems((
        apply_events.run_if(events_pending).in_set(Stage::Events),
        diffuse_capabilities
            .run_if(diffusion_enabled)
            .in_set(Stage::Diffusion),
        (
            align_pairwise.run_if(rule_is(Rule::Pairwise)),
            align_averaging.run_if(rule_is(Rule::Averaging)),
            align_culture.run_if(rule_is(Rule::Culture)),
        )
            .chain()
            .in_set(Stage::Alignment),
        add_noise.in_set(Stage::Noise),
        body_systems()
            .run_if(any_body_enabled)
            .in_set(Stage::Bodies),
        record.in_set(Stage::Record),
    ));
    schedule
}

/// What every remaining step of a run runs once no event is pending: the rule, and whether
/// diffusion and bodies are on. Only events change those, so from then on each run
/// condition of [`step_schedule`] gives the same answer at every step, and
/// [`fixed_step_schedule`] leaves out the systems it would skip and the conditions
/// themselves (evaluating them cost ≈ 36 k instructions of a 0.84 M quickstart run).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepPlan {
    /// The rule in force.
    pub rule: Rule,
    /// [`diffusion_enabled`].
    pub diffusion: bool,
    /// [`any_body_enabled`].
    pub bodies: bool,
}

impl StepPlan {
    /// The plan of the world's run from its current step on, or `None` while an event is
    /// pending (or the world holds no run).
    pub fn of(world: &World) -> Option<StepPlan> {
        if pending(world.get_resource::<EventQueue>()?) {
            return None;
        }
        let params = world.get_resource::<Params>()?;
        let bodies = world.get_resource::<BodyEntities>()?;
        let bodies = any_enabled(
            bodies
                .0
                .iter()
                .filter_map(|&body| world.get::<BodyConfig>(body)),
        );
        Some(StepPlan {
            rule: params.alignment.rule,
            diffusion: params.diffusion.enabled,
            bodies,
        })
    }
}

/// Step t ≥ 1 with only the systems `plan` runs, in [`step_schedule`]'s order and without
/// run conditions.
pub fn fixed_step_schedule(plan: StepPlan) -> Schedule {
    let mut schedule = staged_schedule();
    if plan.diffusion {
        schedule.add_systems(diffuse_capabilities.in_set(Stage::Diffusion));
    }
    match plan.rule {
        Rule::Pairwise => schedule.add_systems(align_pairwise.in_set(Stage::Alignment)),
        Rule::Averaging => schedule.add_systems(align_averaging.in_set(Stage::Alignment)),
        Rule::Culture => schedule.add_systems(align_culture.in_set(Stage::Alignment)),
    };
    schedule.add_systems(add_noise.in_set(Stage::Noise));
    if plan.bodies {
        schedule.add_systems(body_systems().in_set(Stage::Bodies));
    }
    schedule.add_systems(record.in_set(Stage::Record));
    schedule
}

/// Run condition: some scheduled event is not applied yet (otherwise [`apply_events`] has
/// nothing to do).
pub fn events_pending(queue: Res<EventQueue>) -> bool {
    pending(&queue)
}

/// Whether `queue` holds an event not applied yet: [`events_pending`] and [`StepPlan::of`].
fn pending(queue: &EventQueue) -> bool {
    queue.next < queue.events.len()
}

/// Run condition: diffusion is enabled (otherwise [`diffuse_capabilities`] returns at once).
pub fn diffusion_enabled(params: Res<Params>) -> bool {
    params.diffusion.enabled
}

/// Run condition: some body is enabled. A disabled body is never founded and never active,
/// so without an enabled one [`found_bodies`], [`update_membership`], [`harmonize`] and
/// [`build_capacity`] all return without a change. Read every step: a `set` event may
/// enable a body in the middle of a run.
pub fn any_body_enabled(bodies: Query<&BodyConfig>) -> bool {
    any_enabled(bodies)
}

/// Whether some of `configs` is enabled: [`any_body_enabled`] and [`StepPlan::of`].
fn any_enabled<'a>(configs: impl IntoIterator<Item = &'a BodyConfig>) -> bool {
    configs.into_iter().any(|config| config.0.enabled)
}

/// Makes `buffer` `len` long, filled with `fill` when its length changes. A buffer keeps
/// its contents otherwise (from the last step, or the last run of the same shape), so the
/// system must overwrite every element it reads.
fn fit<T: Clone>(buffer: &mut Vec<T>, len: usize, fill: T) {
    if buffer.len() != len {
        buffer.clear();
        buffer.resize(len, fill);
    }
}
