//! The validated, resolved scenario: what the model is built from.
//!
//! Everything here has passed validation: ids are resolved to indices, numbers lie in their
//! ranges, stances have one value per dimension. The same type is embedded in every output
//! manifest (as JSON), so an output folder can be re-simulated without the original files.

use serde::{Deserialize, Serialize};

/// A fully validated scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Identifier, `[a-z0-9_-]+`; names the default output folder.
    pub name: String,
    /// Free text for humans.
    pub description: String,
    /// Number of simulated steps after the initial state (step 0).
    pub steps: u32,
    /// Label of one step, e.g. `year`.
    pub step_unit: String,
    /// Names of the policy dimensions, in file order.
    pub dimensions: Vec<String>,
    /// Ensemble size and master seed.
    pub experiment: Experiment,
    /// Counterfactual arms; never empty (a scenario without arms gets one `baseline`).
    pub arms: Vec<Arm>,
    /// How stances move.
    pub alignment: Alignment,
    /// Who can meet whom, and how strongly.
    pub network: Network,
    /// Pairs that repel each other when they meet.
    pub rivalries: Vec<Rivalry>,
    /// Open-source capability diffusion.
    pub diffusion: Diffusion,
    /// Cooperation bodies.
    pub bodies: Vec<BodySpec>,
    /// Scheduled events, sorted by step (stable: file order within a step).
    pub events: Vec<Event>,
    /// How fragmentation is measured.
    pub metrics: MetricsConfig,
    /// Named nations (inline and from `nations_file`), in file order.
    pub nations: Vec<NationSpec>,
    /// Anonymous nations drawn per run, appended after the named ones.
    pub population: Option<Population>,
    /// `[sweep]`: parameter points every arm is simulated at; `None` = one implicit point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<Sweep>,
}

/// `[sweep]`, resolved: every point's assignments are computed at load time, so manifests
/// and `accord replay` need nothing else.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sweep {
    /// How the points were chosen.
    pub method: SweepMethod,
    /// The swept parameter paths as written, in file order (the columns of `points.csv`).
    pub params: Vec<String>,
    /// One assignment per swept parameter (in `params` order) for every point, point order.
    pub points: Vec<Vec<Assignment>>,
}

/// Sweep designs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SweepMethod {
    /// The cartesian product of listed values, first parameter slowest.
    Grid,
    /// Latin hypercube sampling of `samples` points, drawn from the master seed only.
    LatinHypercube {
        /// Number of points (strata per parameter).
        samples: u32,
        /// `[min, max]` of each swept parameter, in `params` order.
        ranges: Vec<(f64, f64)>,
    },
}

/// `[experiment]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Experiment {
    /// Runs per arm.
    pub runs: u32,
    /// Master seed; per-run seeds derive from it and the run index only.
    pub seed: u64,
    /// Index of the arm every other arm is compared with (paired effects); default 0.
    #[serde(default)]
    pub reference: usize,
}

/// One counterfactual arm: the scenario with some parameters overridden.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Arm {
    /// Arm name, unique.
    pub name: String,
    /// Overrides, applied in order before the world is built.
    pub set: Vec<Assignment>,
}

/// `path = value`: one parameter override, in an arm or a `set` event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// The dotted path as written, for messages and descriptions.
    pub text: String,
    /// The resolved target.
    pub path: ParamPath,
    /// The new value, already checked against the path's type and range.
    pub value: ParamValue,
}

/// A value a parameter can take.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ParamValue {
    /// A number (integers are widened).
    Number(f64),
    /// A boolean switch.
    Bool(bool),
    /// An enumerated choice such as `alignment.rule`.
    Text(String),
}

impl ParamValue {
    /// The number, or 0 for other kinds (validation guarantees the kind matches the path).
    pub fn number(&self) -> f64 {
        match self {
            ParamValue::Number(x) => *x,
            ParamValue::Bool(b) => f64::from(u8::from(*b)),
            ParamValue::Text(_) => 0.0,
        }
    }

    /// The boolean, or `number != 0`.
    pub fn flag(&self) -> bool {
        match self {
            ParamValue::Bool(b) => *b,
            ParamValue::Number(x) => *x != 0.0,
            ParamValue::Text(_) => false,
        }
    }
}

/// Where a parameter lives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ParamPath {
    /// `alignment.<key>`
    Alignment(AlignmentKey),
    /// `diffusion.<key>`
    Diffusion(DiffusionKey),
    /// `network.p` or `network.group_weights.<tag>`; arms only, since the network is built once.
    Network(NetworkKey),
    /// `bodies.<id>.<key>`, by body index.
    Body(usize, BodyKey),
    /// `nations.<id>.<key>`, by nation index.
    Nation(usize, NationKey),
    /// `groups.<tag>.<key>`: every nation carrying the tag.
    Group(String, NationKey),
}

/// Keys under `alignment`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum AlignmentKey {
    Rule,
    Confidence,
    Rate,
    Stubbornness,
    SelfWeight,
    RivalryRate,
    Noise,
    Traits,
}

/// Keys under `diffusion`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum DiffusionKey {
    Enabled,
    Growth,
    Absorption,
    NormPull,
}

/// Keys under `network`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NetworkKey {
    /// Tie probability of a `random` network.
    P,
    /// Multiplier of ties inside a group.
    GroupWeight(String),
}

/// Keys of a body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum BodyKey {
    Enabled,
    Founded,
    Harmonization,
    AccessionThreshold,
    JoinRate,
    ExitThreshold,
    CapacityBuilding,
    Dialogue,
}

/// Keys of a nation (or of every nation in a group).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NationKey {
    /// GDP (weights of metrics and of `members_mean` standards).
    Gdp,
    /// AI capability.
    Capability,
    /// Share of capability offered to others as open source, in \[0, 1\].
    Openness,
    /// Own bounded-confidence radius.
    Confidence,
    /// Own anchoring to the initial stance.
    Stubbornness,
    /// Stance on one dimension (by dimension index).
    Stance(usize),
}

/// `[alignment]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alignment {
    /// Which update rule moves stances.
    pub rule: Rule,
    /// ε: nations only listen to those within this distance.
    pub confidence: f64,
    /// μ: share of the gap closed in a pairwise meeting.
    pub rate: f64,
    /// s: default anchoring to the initial stance.
    pub stubbornness: f64,
    /// Weight of a nation's own stance in averaging.
    pub self_weight: f64,
    /// ρ: share of the gap by which rivals are pushed apart.
    pub rivalry_rate: f64,
    /// σ of Gaussian noise per dimension per step.
    pub noise: f64,
    /// q: traits per feature under [`Rule::Culture`] (stance values t/(q−1), t = 0..q−1).
    #[serde(default = "default_traits")]
    pub traits: u32,
}

/// q when a scenario does not say (and for manifests written before the key existed).
pub fn default_traits() -> u32 {
    2
}

/// Stance update rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rule {
    /// Deffuant–Weisbuch random pairwise meetings.
    Pairwise,
    /// Synchronous weighted averaging (Hegselmann–Krause, DeGroot, Friedkin–Johnsen).
    Averaging,
    /// Axelrod's dissemination of culture: discrete traits copied with probability equal to
    /// the share of identical dimensions.
    Culture,
}

impl Rule {
    /// The name used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Pairwise => "pairwise",
            Rule::Averaging => "averaging",
            Rule::Culture => "culture",
        }
    }
}

/// `[network]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Network {
    /// Topology.
    pub kind: NetworkKind,
    /// Multipliers for ties whose two ends share a group, `(tag, factor)` in file order.
    pub group_weights: Vec<(String, f64)>,
}

/// Network topologies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum NetworkKind {
    /// Everyone tied to everyone with weight 1.
    Complete,
    /// Erdős–Rényi: each pair tied with probability `p`, drawn per run.
    Random {
        /// Tie probability.
        p: f64,
    },
    /// Undirected ties `(nation index, nation index, weight)`.
    Explicit {
        /// The ties.
        ties: Vec<(usize, usize, f64)>,
    },
    /// A `side`×`side` grid without wrap-around, nation i at row i / side, column i % side,
    /// tied (weight 1) to its von Neumann neighbours: Axelrod's territory.
    Lattice {
        /// L; the scenario has exactly L² nations.
        side: u32,
    },
}

/// A reference to nations: one nation or every nation carrying a group tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Selector {
    /// A named nation, by index.
    Nation(usize),
    /// `group:<tag>` (or a bare tag where only groups make sense).
    Group(String),
}

/// `[[rivalries]]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rivalry {
    /// One side.
    pub a: Selector,
    /// The other side.
    pub b: Selector,
    /// Multiplier of `alignment.rivalry_rate` for this pair.
    pub strength: f64,
}

/// `[diffusion]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Diffusion {
    /// Off unless switched on.
    pub enabled: bool,
    /// g: relative capability growth per step.
    pub growth: f64,
    /// α: share of the gap to the best open offer absorbed per step.
    pub absorption: f64,
    /// ν: stance pull toward the provider per unit share of capability absorbed.
    pub norm_pull: f64,
}

/// `[[bodies]]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BodySpec {
    /// Identifier used in paths and metric names.
    pub id: String,
    /// Display name.
    pub name: String,
    /// A disabled body never founds and has no members.
    pub enabled: bool,
    /// Step at which founders join.
    pub founded: u32,
    /// Who joins at founding.
    pub founders: Vec<Selector>,
    /// What members harmonize toward.
    pub standard: Standard,
    /// Share of the gap to the standard closed by members each step.
    pub harmonization: f64,
    /// Distance to the standard within which a non-member may join.
    pub accession_threshold: f64,
    /// Probability per step that an eligible non-member joins.
    pub join_rate: f64,
    /// Members farther than this from the standard leave.
    pub exit_threshold: f64,
    /// Share of the gap to the members' mean capability closed by weaker members.
    pub capacity_building: f64,
    /// Added to a member's confidence toward fellow members.
    pub dialogue: f64,
}

/// A body's standard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Standard {
    /// GDP-weighted mean stance of current members.
    MembersMean,
    /// A fixed stance, one value per dimension.
    Fixed(Vec<f64>),
}

/// `[[events]]`, resolved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Step at whose start the event applies (0 = before the initial record).
    pub step: u32,
    /// What happens.
    pub kind: EventKind,
}

/// Event kinds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EventKind {
    /// Set the export-control share for every (provider, recipient) pair.
    ExportControl {
        /// Providers.
        from: Vec<Selector>,
        /// Recipients.
        to: Vec<Selector>,
        /// Share of the open offer withheld, in \[0, 1\].
        strength: f64,
    },
    /// Nations join a body.
    Join {
        /// Body index.
        body: usize,
        /// Who joins.
        nations: Vec<Selector>,
    },
    /// Nations leave a body.
    Leave {
        /// Body index.
        body: usize,
        /// Who leaves.
        nations: Vec<Selector>,
    },
    /// Add `delta` to one stance dimension (clamped to [0, 1]).
    Shock {
        /// Who is shocked.
        nations: Vec<Selector>,
        /// Dimension index.
        dimension: usize,
        /// Change.
        delta: f64,
    },
    /// Set a parameter.
    Set(Assignment),
}

/// `[metrics]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricsConfig {
    /// δ: two nations are compatible when their distance is at most this.
    pub tolerance: f64,
    /// Weights of nations in fragmentation and blocs.
    pub weighting: Weighting,
    /// Clusters smaller than this share of nations are not counted.
    pub min_cluster_share: f64,
    /// Record every k steps (step 0 and the last step always).
    pub every: u32,
}

/// Metric weighting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Weighting {
    /// GDP shares.
    Gdp,
    /// Every nation counts the same.
    Equal,
}

/// One named nation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NationSpec {
    /// Identifier (e.g. ISO3 code).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Group tags.
    pub groups: Vec<String>,
    /// GDP (any consistent unit).
    pub gdp: f64,
    /// AI capability (≥ 0).
    pub capability: f64,
    /// Openness in \[0, 1\].
    pub openness: f64,
    /// One value in \[0, 1\] per dimension.
    pub stance: Vec<f64>,
    /// Overrides `alignment.confidence`.
    pub confidence: Option<f64>,
    /// Overrides `alignment.stubbornness`.
    pub stubbornness: Option<f64>,
}

/// `[population]`: anonymous nations whose stances are drawn per run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Population {
    /// How many.
    pub count: u32,
    /// How stances are drawn.
    pub stance: PopulationStance,
    /// Tags every member carries.
    pub groups: Vec<String>,
    /// GDP of each.
    pub gdp: f64,
    /// Capability of each.
    pub capability: f64,
    /// Openness of each.
    pub openness: f64,
    /// Overrides `alignment.confidence` for each.
    pub confidence: Option<f64>,
    /// Overrides `alignment.stubbornness` for each.
    pub stubbornness: Option<f64>,
}

/// Initial stance distributions for a population.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PopulationStance {
    /// Independent U(0,1) per dimension, from the run's RNG (under `rule = "culture"`:
    /// uniform integer traits t ∈ {0..q−1}, stored as t/(q−1)).
    Uniform,
    /// Evenly spaced x_i = i/(n−1) on the single dimension (0.5 when n = 1): deterministic,
    /// no random draws, the classic Hegselmann–Krause start.
    Regular,
}

impl Scenario {
    /// Number of sweep points (1 without a sweep).
    pub fn point_count(&self) -> usize {
        self.sweep.as_ref().map_or(1, |s| s.points.len().max(1))
    }

    /// The scenario at sweep point `point`: the point's assignments applied to the base, with
    /// the sweep removed, so [`Scenario::for_arm`] then applies the arm's `set` on top. Without
    /// a sweep (or for an unknown point) the base scenario without changes.
    pub fn at_point(&self, point: usize) -> Scenario {
        let mut s = self.clone();
        s.sweep = None;
        if let Some(assignments) = self.sweep.as_ref().and_then(|w| w.points.get(point)) {
            for a in assignments {
                super::params::apply(&mut s, &a.path, &a.value);
            }
        }
        s
    }

    /// Total number of nations in every run.
    pub fn nation_count(&self) -> usize {
        self.nations.len() + self.population.as_ref().map_or(0, |p| p.count as usize)
    }

    /// Whether `rule = "culture"` can be in force in some arm (the base rule, an arm's
    /// override or a `set` event): such scenarios get the `regions` metric column.
    pub fn uses_culture(&self) -> bool {
        let culture = |a: &Assignment| {
            a.path == ParamPath::Alignment(AlignmentKey::Rule)
                && a.value == ParamValue::Text("culture".to_string())
        };
        self.alignment.rule == Rule::Culture
            || self
                .sweep
                .iter()
                .any(|w| w.points.iter().flatten().any(culture))
            || self.arms.iter().any(|arm| arm.set.iter().any(culture))
            || self.events.iter().any(|e| match &e.kind {
                EventKind::Set(a) => culture(a),
                _ => false,
            })
    }

    /// The steps at which metrics are recorded: 0, every k-th step, and the last.
    pub fn recorded_steps(&self) -> Vec<u32> {
        let every = self.metrics.every.max(1);
        let mut steps: Vec<u32> = (0..=self.steps).filter(|s| s % every == 0).collect();
        if steps.last() != Some(&self.steps) {
            steps.push(self.steps);
        }
        steps
    }
}
