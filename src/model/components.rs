//! Components of nation and body entities.
//!
//! Nation entities carry [`NationIndex`] (their position in the scenario's nation order, and
//! their row of the [`Stances`](super::resources::Stances) matrix), their state
//! ([`Capability`], [`Memberships`], …) and static data ([`Groups`], [`Ties`]). Body entities
//! carry [`BodyIndex`], [`BodyConfig`] and [`BodyState`]. Systems never rely on query
//! iteration order: they place values by index.
//!
//! The components the pairwise rule watches for changes between steps ([`Ties`],
//! [`Susceptibility`], [`Memberships`]) keep bevy's summary ticks, so that a step in which
//! none changed costs one check per table rather than per nation.

use bevy_ecs::prelude::Component;

use crate::scenario::BodySpec;

/// Position of a nation in index order (named nations in file order, then the population).
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct NationIndex(pub u32);

/// AI capability c_i ≥ 0.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Capability(pub f64);

/// Openness o_i in \[0,1\]: share of capability offered to others as open source.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Openness(pub f64);

/// GDP (weights of metrics and of `members_mean` standards).
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Gdp(pub f64);

/// Per-nation overrides of the alignment defaults; `None` follows `alignment.*` at run time.
#[derive(Component, Clone, Copy, Debug, PartialEq, Default)]
#[component(summary_tick)]
pub struct Susceptibility {
    /// Own confidence radius ε_i, overriding `alignment.confidence`.
    pub confidence: Option<f64>,
    /// Own stubbornness s_i, overriding `alignment.stubbornness`.
    pub stubbornness: Option<f64>,
}

impl Susceptibility {
    /// ε_i given the current default.
    pub fn confidence_or(&self, default: f64) -> f64 {
        self.confidence.unwrap_or(default)
    }

    /// s_i given the current default.
    pub fn stubbornness_or(&self, default: f64) -> f64 {
        self.stubbornness.unwrap_or(default)
    }
}

/// Group tags of a nation (static).
#[derive(Component, Clone, Debug, PartialEq, Default)]
pub struct Groups(pub Vec<String>);

/// Bitmask of the bodies a nation belongs to (bit b = body index b; at most 64 bodies).
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[component(summary_tick)]
pub struct Memberships(pub u64);

impl Memberships {
    /// Whether the nation is a member of body `b`.
    pub fn contains(&self, b: usize) -> bool {
        b < 64 && self.0 & (1u64 << b) != 0
    }
}

/// Who a nation meets, and how strongly (undirected; static after the build).
#[derive(Component, Clone, Debug, PartialEq)]
#[component(summary_tick)]
pub enum Ties {
    /// Tied to every other nation with weight 1 (a complete network without group weights),
    /// stored without the n² list.
    Everyone,
    /// An explicit neighbour list.
    List(TieList),
}

/// Neighbours of one nation with their tie weights τ_ij > 0.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TieList {
    /// Neighbour indices, ascending.
    pub neighbours: Vec<u32>,
    /// τ_ij, parallel to `neighbours`.
    pub weights: Vec<f64>,
    /// Running sums of `weights` (for sampling a neighbour ∝ weight).
    pub cumulative: Vec<f64>,
    /// All weights are equal, so a neighbour can be drawn uniformly.
    pub uniform: bool,
}

impl TieList {
    /// Builds the list from `(neighbour, weight)` pairs sorted by neighbour; non-positive
    /// weights are dropped (such a tie never carries influence).
    pub fn new(pairs: impl IntoIterator<Item = (u32, f64)>) -> Self {
        let pairs = pairs.into_iter();
        let capacity = pairs.size_hint().0;
        let mut list = TieList {
            neighbours: Vec::with_capacity(capacity),
            weights: Vec::with_capacity(capacity),
            cumulative: Vec::with_capacity(capacity),
            uniform: false,
        };
        let mut total = 0.0;
        for (j, w) in pairs {
            if w > 0.0 && w.is_finite() {
                total += w;
                list.neighbours.push(j);
                list.weights.push(w);
                list.cumulative.push(total);
            }
        }
        list.uniform = list.weights.windows(2).all(|p| p[0] == p[1]);
        list
    }

    /// Σ_j τ_ij.
    pub fn total(&self) -> f64 {
        self.cumulative.last().copied().unwrap_or(0.0)
    }
}

impl Ties {
    /// Whether the nation meets anyone (n = total number of nations).
    pub fn has_any(&self, n: usize) -> bool {
        match self {
            Ties::Everyone => n > 1,
            Ties::List(list) => !list.neighbours.is_empty(),
        }
    }
}

/// Position of a body in the scenario's body order (its membership bit).
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct BodyIndex(pub u32);

/// A body's parameters (mutable by `set` events).
#[derive(Component, Clone, Debug, PartialEq)]
pub struct BodyConfig(pub BodySpec);

/// A body's run-time state.
#[derive(Component, Clone, Debug, PartialEq, Default)]
pub struct BodyState {
    /// Whether the founders have joined.
    pub founded: bool,
    /// The last standard S (empty until the body first has one).
    pub standard: Vec<f64>,
}

impl BodyState {
    /// Active = founded and enabled.
    pub fn active(&self, config: &BodyConfig) -> bool {
        self.founded && config.0.enabled
    }
}
