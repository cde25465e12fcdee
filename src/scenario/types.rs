//! The validated, resolved scenario: what the model is built from.
//!
//! Everything here has passed validation: ids are resolved to indices, numbers lie in their
//! ranges, stances have one value per dimension. The same type is embedded in every output
//! manifest (as JSON), so an output folder can be re-simulated without the original files.

use serde::{Deserialize, Serialize};

use crate::table::TableFormat;

pub use super::spec::ParamValue;
use super::spec::{Dflt, NON_NEG, Named, Param, UNIT, ValueSpec, named, param_keys};

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
    /// A Saltelli design for Sobol' indices, in SALib's row order (see
    /// [`crate::scenario::sweep::saltelli_rows`]), drawn from the master seed only.
    Sobol {
        /// Base sample size N (a power of two).
        samples: u32,
        /// Whether the B_A rows for second-order indices are included.
        second_order: bool,
        /// `[min, max]` of each swept parameter, in `params` order.
        ranges: Vec<(f64, f64)>,
    },
    /// Morris elementary-effects trajectories of D + 1 points each, drawn from the master seed.
    Morris {
        /// Number of trajectories r.
        trajectories: u32,
        /// Grid levels p (even).
        levels: u32,
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
    /// The output tables' file format (`--table-format` overrides it); not part of the
    /// simulation, so a manifest without it reads as CSV and a CSV one keeps its old bytes.
    #[serde(default, skip_serializing_if = "TableFormat::is_csv")]
    pub table_format: TableFormat,
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

/// Keys under `network`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NetworkKey {
    /// Tie probability of a `random` network.
    P,
    /// Multiplier of ties inside a group.
    GroupWeight(String),
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
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
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

/// Largest q of `alignment.traits`: more traits than this never meet in any lattice
/// accord can hold, and t/(q−1) stays an exact, distinct f64 for every t.
pub const MAX_TRAITS: u64 = 1_000_000;

param_keys! {
    /// Keys of `[alignment]`, which are also its parameter paths `alignment.<key>`.
    pub enum AlignmentKey for Alignment, param Param::Yes {
        Rule = "rule": ValueSpec::Choice(Rule::NAMES), default Dflt::Text("pairwise"),
            "Update rule (default `pairwise`).",
            |a, v| a.rule = Rule::from_name(v.text()).unwrap_or_default();
        Confidence = "confidence": UNIT, default Dflt::Number(1.0),
            "Bounded-confidence radius: nations further apart ignore each other.",
            |a, v| a.confidence = v.number();
        Rate = "rate": UNIT, default Dflt::Number(0.5),
            "Share of the gap moved towards those within confidence per step.",
            |a, v| a.rate = v.number();
        Stubbornness = "stubbornness": UNIT, default Dflt::Number(0.0),
            "Anchoring to each nation's initial stance.",
            |a, v| a.stubbornness = v.number();
        SelfWeight = "self_weight": NON_NEG, default Dflt::Number(1.0),
            "Weight of a nation's own stance in averaging.",
            |a, v| a.self_weight = v.number();
        RivalryRate = "rivalry_rate": UNIT, default Dflt::Number(0.0),
            "Share of their gap (× strength) by which rivals who meet move apart.",
            |a, v| a.rivalry_rate = v.number();
        Noise = "noise": UNIT, default Dflt::Number(0.0),
            "σ of Gaussian noise per dimension per step (result clamped to [0, 1]).",
            |a, v| a.noise = v.number();
        Traits = "traits": ValueSpec::Integer(2, MAX_TRAITS), default Dflt::Integer(2),
            "Traits per dimension for the `culture` rule.",
            |a, v| a.traits = v.number().max(2.0).round() as u32;
    }
}

/// Stance update rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rule {
    /// Deffuant–Weisbuch random pairwise meetings.
    #[default]
    Pairwise,
    /// Synchronous weighted averaging (Hegselmann–Krause, DeGroot, Friedkin–Johnsen).
    Averaging,
    /// Axelrod's dissemination of culture: discrete traits copied with probability equal to
    /// the share of identical dimensions.
    Culture,
}

named!(Rule {
    Pairwise = "pairwise",
    Averaging = "averaging",
    Culture = "culture"
});

impl Rule {
    /// The name used in scenario files.
    pub fn as_str(self) -> &'static str {
        self.name()
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
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
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

param_keys! {
    /// Keys of `[diffusion]`, which are also its parameter paths `diffusion.<key>`.
    pub enum DiffusionKey for Diffusion, param Param::Yes {
        Enabled = "enabled": ValueSpec::Bool, default Dflt::Bool(false),
            "Turns open-source capability diffusion on (default false).",
            |d, v| d.enabled = v.flag();
        Growth = "growth": ValueSpec::Number(0.0, 10.0), default Dflt::Number(0.0),
            "Capability growth g per step.",
            |d, v| d.growth = v.number();
        Absorption = "absorption": UNIT, default Dflt::Number(0.0),
            "Absorption α: share of the gap to the best open offer absorbed per step.",
            |d, v| d.absorption = v.number();
        NormPull = "norm_pull": UNIT, default Dflt::Number(0.0),
            "Norm pull ν: how far absorbed technology moves stances toward the provider's.",
            |d, v| d.norm_pull = v.number();
    }
}

/// `[[bodies]]`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
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

param_keys! {
    /// The scalar keys of a `[[bodies]]` entry, which are also its parameter paths
    /// `bodies.<id>.<key>`. `founded` is further bounded by the scenario's `steps`.
    pub enum BodyKey for BodySpec, param Param::Yes {
        Enabled = "enabled": ValueSpec::Bool, default Dflt::Bool(true),
            "A disabled body never founds and has no members (default true).",
            |b, v| b.enabled = v.flag();
        Founded = "founded": ValueSpec::Integer(0, super::limits::MAX_STEPS), default Dflt::Integer(0),
            "Step at which `founders` join (at most `steps`; default 0).",
            |b, v| b.founded = v.number().max(0.0).round() as u32;
        Harmonization = "harmonization": UNIT, default Dflt::Number(0.0),
            "Members move toward the standard by this share each step.",
            |b, v| b.harmonization = v.number();
        AccessionThreshold = "accession_threshold": UNIT, default Dflt::Number(0.0),
            "A non-member within this distance of the standard may join.",
            |b, v| b.accession_threshold = v.number();
        JoinRate = "join_rate": UNIT, default Dflt::Number(0.0),
            "Probability per step that an eligible non-member joins.",
            |b, v| b.join_rate = v.number();
        ExitThreshold = "exit_threshold": UNIT, default Dflt::Number(1.0),
            "A member farther than this from the standard leaves (default 1).",
            |b, v| b.exit_threshold = v.number();
        CapacityBuilding = "capacity_building": UNIT, default Dflt::Number(0.0),
            "Members below the members' mean capability gain this share of the gap.",
            |b, v| b.capacity_building = v.number();
        Dialogue = "dialogue": UNIT, default Dflt::Number(0.0),
            "Added to a member's confidence toward fellow members.",
            |b, v| b.dialogue = v.number();
    }
}

/// A body's standard.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Standard {
    /// GDP-weighted mean stance of current members.
    #[default]
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
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricsConfig {
    /// δ: two nations are compatible when their distance is at most this.
    pub tolerance: f64,
    /// Weights of nations in fragmentation and blocs.
    pub weighting: Weighting,
    /// Clusters smaller than this share of nations are not counted.
    pub min_cluster_share: f64,
    /// Record every k steps (step 0 and the last step always).
    pub every: u32,
    /// The metrics to compute (`[metrics] compute`); `None`, the default, computes all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compute: Option<Vec<MetricName>>,
}

impl MetricsConfig {
    /// Whether `metric` is computed (and so has a column in every output).
    pub fn computes(&self, metric: MetricName) -> bool {
        self.compute.as_ref().is_none_or(|c| c.contains(&metric))
    }
}

/// A metric `[metrics] compute` may name: the metrics of the catalogue
/// (`crate::metrics::Metric`, kept in step with this list by a test there). Body
/// memberships are always recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricName {
    /// `fragmentation`.
    Fragmentation,
    /// `clusters`.
    Clusters,
    /// `effective_blocs`.
    EffectiveBlocs,
    /// `dispersion`.
    Dispersion,
    /// `capability_gini`.
    CapabilityGini,
    /// `south_capability_ratio`.
    SouthCapabilityRatio,
    /// `regions` (recorded only where `rule = "culture"` can be in force).
    Regions,
}

named!(MetricName {
    Fragmentation = "fragmentation",
    Clusters = "clusters",
    EffectiveBlocs = "effective_blocs",
    Dispersion = "dispersion",
    CapabilityGini = "capability_gini",
    SouthCapabilityRatio = "south_capability_ratio",
    Regions = "regions",
});

param_keys! {
    /// Keys of `[metrics]`. Not parameter paths: arms are compared under one measurement.
    pub enum MetricsKey for MetricsConfig, param Param::No {
        Tolerance = "tolerance": UNIT, default Dflt::Number(0.1),
            "Distance within which nations count as aligned (default 0.1).",
            |m, v| m.tolerance = v.number();
        Weighting = "weighting": ValueSpec::Choice(Weighting::NAMES), default Dflt::Text("gdp"),
            "Weight of each nation in the metrics (default `gdp`).",
            |m, v| m.weighting = Weighting::from_name(v.text()).unwrap_or_default();
        MinClusterShare = "min_cluster_share": UNIT, default Dflt::Number(0.0),
            "Smallest share that counts as a cluster.",
            |m, v| m.min_cluster_share = v.number();
        Every = "every": ValueSpec::Integer(1, super::limits::MAX_STEPS), default Dflt::Integer(1),
            "Record every k steps; step 0 and the last step are always recorded (default 1).",
            |m, v| m.every = v.number().max(1.0).round() as u32;
    }
}

/// Metric weighting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Weighting {
    /// GDP shares.
    #[default]
    Gdp,
    /// Every nation counts the same.
    Equal,
}

named!(Weighting { Gdp = "gdp", Equal = "equal" });

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

named!(PopulationStance {
    Uniform = "uniform",
    Regular = "regular"
});

impl Scenario {
    /// Number of sweep points (1 without a sweep).
    pub fn point_count(&self) -> usize {
        self.sweep.as_ref().map_or(1, |s| s.points.len().max(1))
    }

    /// Total number of nations in every run.
    pub fn nation_count(&self) -> usize {
        self.nations.len() + self.population.as_ref().map_or(0, |p| p.count as usize)
    }

    /// Whether `rule = "culture"` can be in force in some arm (the base rule, an arm's
    /// override or a `set` event): such scenarios get the `regions` metric column.
    pub fn uses_culture(&self) -> bool {
        self.alignment.rule == Rule::Culture
            || self.assignments().any(|a| {
                a.path == ParamPath::Alignment(AlignmentKey::Rule)
                    && a.value == ParamValue::Text("culture".to_string())
            })
    }

    /// Every override the scenario can apply: sweep points' values, arms' `set` and `set`
    /// events.
    pub fn assignments(&self) -> impl Iterator<Item = &Assignment> {
        let points = self.sweep.iter().flat_map(|w| w.points.iter().flatten());
        let arms = self.arms.iter().flat_map(|arm| arm.set.iter());
        let events = self.events.iter().filter_map(|e| match &e.kind {
            EventKind::Set(a) => Some(a),
            _ => None,
        });
        points.chain(arms).chain(events)
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
