//! Resources of the simulation world: parameters, clock, RNG, tables and the recorder.
//!
//! Systems keep their scratch buffers as their own `Local` state, not here (see
//! [`super::systems`]).

use std::collections::BTreeMap;

use bevy_ecs::prelude::{Entity, Resource};
use rand_chacha::ChaCha12Rng;

use super::StatesMode;
use crate::scenario::{Alignment, Diffusion, Event, MetricsConfig, Network, Selector};

/// Run-time parameters (mutable by `set` events).
#[derive(Resource, Clone, Debug, PartialEq)]
pub struct Params {
    /// `[alignment]`.
    pub alignment: Alignment,
    /// `[diffusion]`.
    pub diffusion: Diffusion,
    /// `[metrics]`.
    pub metrics: MetricsConfig,
}

/// The current step t (0 = initial state).
#[derive(Resource, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Step(pub u32);

/// Sizes of the world, fixed at build time.
#[derive(Resource, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// Number of nations n.
    pub nations: usize,
    /// Number of policy dimensions K.
    pub dims: usize,
    /// Number of bodies.
    pub bodies: usize,
}

/// Every nation's stance, n×K row-major in nation index order (row i = the nation whose
/// `NationIndex` is i): x_i now, and x_i(0) as built from the scenario before step-0 events
/// (the Friedkin–Johnsen anchor).
///
/// One matrix rather than a component per nation, because every rule, the noise, the
/// diffusion, the bodies and the record read all stances at once: as components each of
/// them gathered the rows into a matrix of its own and scattered them back, and the pairwise
/// rule checked every nation's change tick each step to know which rows to read again.
/// That was a third of its time on a 1,000-nation run.
#[derive(Resource, Clone, Debug, PartialEq, Default)]
pub struct Stances {
    /// K.
    dims: usize,
    /// x, n×K.
    current: Vec<f64>,
    /// x(0), n×K.
    initial: Vec<f64>,
}

impl Stances {
    /// Empties the matrix for stances of `dims` values, keeping its allocations.
    pub fn reset(&mut self, dims: usize) {
        self.dims = dims;
        self.current.clear();
        self.initial.clear();
    }

    /// Appends the next nation's stance (its x and x(0)); `row` must have K values.
    pub fn push(&mut self, row: impl IntoIterator<Item = f64>) {
        let start = self.current.len();
        self.current.extend(row);
        debug_assert_eq!(
            self.current.len() - start,
            self.dims,
            "a stance has K values"
        );
        self.initial.extend_from_slice(&self.current[start..]);
    }

    /// Whether the matrix holds `shape.nations` rows of `shape.dims` values. It always does in
    /// a world that `populate_world` built (it writes both); systems check it before indexing
    /// rows by the shape, so that a world built any other way skips a mechanism rather than
    /// panics.
    pub fn fits(&self, shape: &Shape) -> bool {
        self.dims == shape.dims && self.current.len() == shape.nations * shape.dims
    }

    /// K.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// x, n×K.
    pub fn all(&self) -> &[f64] {
        &self.current
    }

    /// x, n×K, mutably.
    pub fn all_mut(&mut self) -> &mut [f64] {
        &mut self.current
    }

    /// x(0), n×K.
    pub fn initial(&self) -> &[f64] {
        &self.initial
    }

    /// x_i (empty for a nation out of range).
    pub fn row(&self, i: usize) -> &[f64] {
        self.current
            .get(i * self.dims..(i + 1) * self.dims)
            .unwrap_or(&[])
    }

    /// x_i, mutably (empty for a nation out of range).
    pub fn row_mut(&mut self, i: usize) -> &mut [f64] {
        self.current
            .get_mut(i * self.dims..(i + 1) * self.dims)
            .unwrap_or(&mut [])
    }

    /// Replaces x by `next` (n×K), handing the old x back in `next`: a synchronous update
    /// computed into a buffer lands without a copy.
    pub fn swap(&mut self, next: &mut Vec<f64>) {
        debug_assert_eq!(next.len(), self.current.len(), "x is n×K");
        std::mem::swap(&mut self.current, next);
    }
}

/// The run's random numbers: one ChaCha12 seed, two streams.
///
/// Stream 0 (`init`) draws the population's stances and the random network; stream 1
/// (`dynamics`) drives meetings, noise and accession. Arms that change the network therefore
/// see the same dynamics draws (common random numbers).
#[derive(Resource, Clone, Debug)]
pub struct RunRng {
    /// Stream 0: initialisation.
    pub init: ChaCha12Rng,
    /// Stream 1: dynamics.
    pub dynamics: ChaCha12Rng,
}

/// Export controls e_{j→i} ∈ \[0,1\], keyed `(recipient i, provider j)` so that one
/// recipient's controls form a contiguous range. Missing pairs are 0.
#[derive(Resource, Clone, Debug, PartialEq, Default)]
pub struct ExportControls(pub BTreeMap<(u32, u32), f64>);

/// Scheduled events (sorted by step) and the position of the next one to apply.
#[derive(Resource, Clone, Debug, PartialEq, Default)]
pub struct EventQueue {
    /// All events, sorted by step (stable).
    pub events: Vec<Event>,
    /// Index of the first event not yet applied.
    pub next: usize,
}

/// Group tag → nations carrying it (ascending), for resolving selectors.
#[derive(Resource, Clone, Debug, PartialEq, Default)]
pub struct GroupTable {
    /// Members of each tag, ascending.
    pub tags: BTreeMap<String, Vec<u32>>,
}

impl GroupTable {
    /// Nations carrying `tag` (ascending; empty for an unknown tag).
    pub fn members(&self, tag: &str) -> &[u32] {
        self.tags.get(tag).map_or(&[], Vec::as_slice)
    }

    /// Resolves selectors into `out`: the union of the selected nations, ascending, without
    /// duplicates (so a nation selected twice is affected once).
    pub fn resolve(&self, selectors: &[Selector], out: &mut Vec<u32>) {
        out.clear();
        for selector in selectors {
            match selector {
                Selector::Nation(i) => out.push(*i as u32),
                Selector::Group(tag) => out.extend_from_slice(self.members(tag)),
            }
        }
        out.sort_unstable();
        out.dedup();
    }
}

/// Rivalries σ_ij: a symmetric pair table plus each nation's rival list.
#[derive(Resource, Clone, Debug, PartialEq, Default)]
pub struct Rivalries {
    /// `((min, max), σ)`, sorted by pair.
    pub pairs: Vec<((u32, u32), f64)>,
    /// Rivals of each nation `(j, σ_ij)`, ascending by j.
    pub by_nation: Vec<Vec<(u32, f64)>>,
}

impl Rivalries {
    /// σ_ij if i and j are rivals.
    #[inline]
    pub fn strength(&self, i: u32, j: u32) -> Option<f64> {
        if self.pairs.is_empty() {
            return None;
        }
        let key = (i.min(j), i.max(j));
        self.pairs
            .binary_search_by(|(k, _)| k.cmp(&key))
            .ok()
            .map(|p| self.pairs[p].1)
    }

    /// Rivals of nation i.
    #[inline]
    pub fn of(&self, i: usize) -> &[(u32, f64)] {
        self.by_nation.get(i).map_or(&[], Vec::as_slice)
    }
}

/// Nation entities in index order (for random access by index, e.g. from events).
#[derive(Resource, Clone, Debug, PartialEq, Default)]
pub struct NationEntities(pub Vec<Entity>);

/// Body entities in index order.
#[derive(Resource, Clone, Debug, PartialEq, Default)]
pub struct BodyEntities(pub Vec<Entity>);

/// What the ties of the last run on a reused world (`model::engine`) were built from: the
/// network and every nation's groups. Ties depend on nothing else unless the network is
/// random (drawn from the run's stream; then there is no `TieSource`), so a run whose
/// network and groups are equal (every run of an arm on a fixed network) keeps the
/// [`SpareNations`]' `Ties` instead of building them again, which for world2025's weighted
/// complete network was a tenth of a run.
#[derive(Resource, Clone, Debug, PartialEq)]
pub struct TieSource {
    /// `[network]` of the scenario the ties were built for (never a random network).
    pub network: Network,
    /// Groups of each nation, index order.
    pub groups: Vec<Vec<String>>,
}

/// The nation entities of the last run on a reused world (`model::engine`), kept by
/// [`crate::model::build::clear_run`] so that the next run overwrites their components
/// instead of despawning and spawning them again (about a tenth of a 1,000-nation run).
#[derive(Resource, Clone, Debug, PartialEq, Default)]
pub struct SpareNations(pub Vec<Entity>);

/// One metric column, resolved from its name once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// Weighted share of incompatible pairs.
    Fragmentation,
    /// Number of sizeable clusters.
    Clusters,
    /// Inverse Herfindahl of cluster weights.
    EffectiveBlocs,
    /// Mean pairwise distance.
    Dispersion,
    /// Gini of capabilities.
    CapabilityGini,
    /// Mean capability of `global_south` over the rest.
    SouthCapabilityRatio,
    /// Member count of a body.
    Members(usize),
    /// Connected regions of tied nations with identical stances (culture scenarios).
    Regions,
    /// A name this model does not know (always undefined).
    Unknown,
}

/// Nation states at one recorded step (index order).
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The step.
    pub step: u32,
    /// Capabilities, n.
    pub capabilities: Vec<f64>,
    /// Stances, n×K.
    pub stances: Vec<f64>,
}

/// Metric rows and state snapshots collected at recorded steps.
#[derive(Resource, Clone, Debug, PartialEq)]
pub struct Recorder {
    /// Steps at which to record, ascending.
    pub schedule: Vec<u32>,
    /// The last step of the run.
    pub last_step: u32,
    /// Which snapshots to keep.
    pub keep: StatesMode,
    /// Columns in `metrics::metric_names` order.
    pub columns: Vec<Column>,
    /// Membership in the `global_south` group, n.
    pub south: Vec<bool>,
    /// Steps recorded so far.
    pub steps: Vec<u32>,
    /// One row per recorded step.
    pub rows: Vec<Vec<Option<f64>>>,
    /// Kept state snapshots.
    pub snapshots: Vec<Snapshot>,
}

impl Recorder {
    /// Whether step t is recorded.
    pub fn is_recorded(&self, t: u32) -> bool {
        self.schedule.binary_search(&t).is_ok()
    }

    /// Whether the states of step t are kept.
    pub fn keeps_states(&self, t: u32) -> bool {
        match self.keep {
            StatesMode::None => false,
            StatesMode::Final => t == self.last_step,
            StatesMode::All => true,
        }
    }
}
