//! The systems of the simulation, one per mechanism, and the schedules that chain them.
//!
//! Every system gathers the state it needs into flat index-ordered scratch buffers, computes,
//! and writes back, so results never depend on ECS query iteration order.

pub mod alignment;
pub mod bodies;
pub mod diffusion;
pub mod events;
pub mod record;

use bevy_ecs::prelude::{IntoScheduleConfigs, Schedule};
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings, ScheduleLabel, SingleThreadedExecutor};

pub use alignment::{add_noise, align_stances};
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
/// fixed and built once per run, where the check costs a sixth of a small run;
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

/// Step t ≥ 1: events(t) → diffusion → alignment → noise → body founding → membership →
/// harmonization → capacity building → record (at recorded steps only).
pub fn step_schedule() -> Schedule {
    let mut schedule = single_threaded_schedule(StepSchedule);
    schedule.add_systems(
        (
            apply_events,
            diffuse_capabilities,
            align_stances,
            add_noise,
            found_bodies,
            update_membership,
            harmonize,
            build_capacity,
            record,
        )
            .chain(),
    );
    schedule
}
