//! The one table of every scenario section and key.
//!
//! The loader opens each table with [`Section::names`], so unknown-key messages and their
//! suggestions list exactly these keys; `accord schema` is generated from it
//! ([`super::schema`]); `describe` lists the parameters from it; and the README's key
//! reference is generated from it ([`super::docs`]) and checked by a test. Scalar
//! keys that arms, sweeps and events may set are declared beside their struct in `types`
//! (with `param_keys!`) and only referenced here.

use super::limits;
use super::spec::{Dflt, KeyDef, NON_NEG, Param, Shape, Slug, Ty, UNIT, ValueSpec};
use super::types::{AlignmentKey, BodyKey, DiffusionKey, MetricsKey, PopulationStance};
use crate::scenario::spec::Named;

/// One table (or array-of-tables entry) of the file.
#[derive(Debug)]
pub struct Section {
    /// Its name in the JSON Schema's `definitions` (`""` for the top level).
    pub name: &'static str,
    /// How the README heads it, e.g. `[[bodies]]`.
    pub heading: &'static str,
    /// The parameter path prefix of its settable keys, e.g. `bodies.<id>`.
    pub path: Option<&'static str>,
    /// Its keys, in documentation order (several lists when some come from `types`).
    pub parts: &'static [&'static [KeyDef]],
}

impl Section {
    /// Every key, in documentation order.
    pub fn keys(&self) -> impl Iterator<Item = &'static KeyDef> + '_ {
        self.parts.iter().flat_map(|p| p.iter())
    }

    /// The key names, as the loader allows them.
    pub fn names(&self) -> Vec<&'static str> {
        self.keys().map(|k| k.name).collect()
    }

    /// The keys that must be given.
    pub fn required(&self) -> Vec<&'static str> {
        self.keys()
            .filter(|k| k.default == Dflt::Required)
            .map(|k| k.name)
            .collect()
    }

    /// The key called `name`.
    pub fn key(&self, name: &str) -> Option<&'static KeyDef> {
        self.keys().find(|k| k.name == name)
    }

    /// The range and default of the number key `name` (`None` when it is not a number key),
    /// for the readers of the file and of `nations_file` alike.
    pub fn number(&self, name: &str) -> Option<(std::ops::RangeInclusive<f64>, Option<f64>)> {
        let k = self.key(name)?;
        let ValueSpec::Number(lo, hi) = k.value_spec()? else {
            return None;
        };
        let default = match k.default {
            Dflt::Number(x) => Some(x),
            _ => None,
        };
        Some((lo..=hi, default))
    }
}

const fn key(name: &'static str, ty: Ty, default: Dflt, doc: &'static str) -> KeyDef {
    KeyDef::new(name, ty, default, doc)
}

const fn num(spec: ValueSpec) -> Ty {
    Ty::Value(spec)
}

/// `[network] kind` values, and the key each one needs besides `kind`.
pub const NETWORK_KINDS: &[&str] = &["complete", "random", "explicit", "lattice"];
/// The key a network kind requires (and that only it may have).
pub const NETWORK_KIND_KEYS: &[(&str, &str)] =
    &[("random", "p"), ("lattice", "side"), ("explicit", "ties")];
/// `[[events]] kind` values.
pub const EVENT_KINDS: &[&str] = &["export_control", "join", "leave", "shock", "set"];
/// The keys each event kind takes besides `step` and `kind`.
pub const EVENT_KIND_KEYS: &[(&str, &[&str])] = &[
    ("export_control", &["from", "to", "strength"]),
    ("join", &["body", "nations"]),
    ("leave", &["body", "nations"]),
    ("shock", &["nations", "dimension", "delta"]),
    ("set", &["path", "value"]),
];
/// `[sweep] method` values.
pub const SWEEP_METHODS: &[&str] = &["grid", "latin_hypercube", "sobol", "morris"];
/// The `[sweep]` methods that take `{ min, max }` ranges of continuous parameters.
pub const RANGE_METHODS: &[&str] = &["latin_hypercube", "sobol", "morris"];
/// The largest Morris `levels` accepted.
pub const MAX_MORRIS_LEVELS: u64 = 1000;
/// Keys of a `latin_hypercube`, `sobol` or `morris` parameter's range.
pub const RANGE_KEYS: &[&str] = &["min", "max"];
/// The largest side of a lattice network that fits the nation limit.
pub const MAX_LATTICE_SIDE: u64 = (limits::MAX_NATIONS as u64).isqrt();

/// Column names of the per-nation tables (`states.csv`, `representative_states.csv`), which
/// also hold one column per dimension: a dimension must not take one of these names, or
/// readers such as pandas would pick the wrong column.
pub const RESERVED_DIMENSION_NAMES: &[&str] =
    &["point", "arm", "run", "step", "nation", "gdp", "capability"];

/// The keys an event of `kind` takes besides `step` and `kind`.
pub fn event_kind_keys(kind: &str) -> Option<&'static [&'static str]> {
    EVENT_KIND_KEYS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, keys)| *keys)
}

/// The top level of the file.
pub static TOP: Section = Section {
    name: "",
    heading: "Top level",
    path: None,
    parts: &[&[
        key(
            "name",
            Ty::Slug(Slug::ScenarioName),
            Dflt::Required,
            "Scenario name; also the default output folder.",
        ),
        key(
            "description",
            Ty::Text,
            Dflt::Other("`\"\"`"),
            "Free text describing the scenario.",
        ),
        key(
            "steps",
            num(ValueSpec::Integer(1, limits::MAX_STEPS)),
            Dflt::Required,
            "Number of steps per run.",
        ),
        key(
            "step_unit",
            Ty::Text,
            Dflt::Text("step"),
            "What one step stands for, e.g. `year` (default `step`).",
        ),
        key(
            "dimensions",
            Ty::Shape(Shape::Dimensions),
            Dflt::Required,
            "Names of the policy dimensions; every stance has one value in [0, 1] per dimension.",
        ),
        key(
            "experiment",
            Ty::Table("experiment"),
            Dflt::Other("–"),
            "Ensemble size, seed and reference arm.",
        ),
        key(
            "arms",
            Ty::Tables("arm"),
            Dflt::Other("one arm, `baseline`"),
            "Counterfactual arms; each overrides parameters with `set`.",
        ),
        key(
            "alignment",
            Ty::Table("alignment"),
            Dflt::Other("–"),
            "The opinion-dynamics rule and its parameters.",
        ),
        key(
            "network",
            Ty::Table("network"),
            Dflt::Other("complete"),
            "Who influences whom.",
        ),
        key(
            "rivalries",
            Ty::Tables("rivalry"),
            Dflt::Other("none"),
            "Pairs of nations or groups that repel each other.",
        ),
        key(
            "diffusion",
            Ty::Table("diffusion"),
            Dflt::Other("off"),
            "Open-source capability diffusion (off unless `enabled = true`).",
        ),
        key(
            "bodies",
            Ty::Tables("body"),
            Dflt::Other("none"),
            "Cooperation bodies nations join and leave.",
        ),
        key(
            "events",
            Ty::Tables("event"),
            Dflt::Other("none"),
            "Scheduled events, applied at the start of their step.",
        ),
        key(
            "metrics",
            Ty::Table("metrics"),
            Dflt::Other("–"),
            "How alignment is measured.",
        ),
        key(
            "nations",
            Ty::Tables("nation"),
            Dflt::Other("none"),
            "Nations written inline.",
        ),
        key(
            "nations_file",
            Ty::Text,
            Dflt::Other("–"),
            "CSV of nations, relative to the scenario file.",
        ),
        key(
            "population",
            Ty::Table("population"),
            Dflt::Other("none"),
            "Generated nations with random stances drawn per run.",
        ),
        key(
            "sweep",
            Ty::Table("sweep"),
            Dflt::Other("none"),
            "Parameter sweep: every arm is simulated at every point (grid, Latin hypercube, or a `sobol` or `morris` sensitivity design).",
        ),
    ]],
};

/// `[experiment]`.
pub static EXPERIMENT: Section = Section {
    name: "experiment",
    heading: "[experiment]",
    path: None,
    parts: &[&[
        key(
            "runs",
            num(ValueSpec::Integer(1, limits::MAX_RUNS)),
            Dflt::Integer(100),
            "Runs per arm (default 100).",
        ),
        key(
            "seed",
            num(ValueSpec::Integer(0, u64::MAX)),
            Dflt::Integer(1),
            "Master seed (default 1).",
        ),
        key(
            "reference",
            Ty::Text,
            Dflt::Other("the first arm"),
            "Name of the arm effects are measured against (default: the first).",
        ),
        key(
            "table_format",
            num(ValueSpec::Choice(crate::table::TableFormat::NAMES)),
            Dflt::Text("csv"),
            "File format of the output tables: `csv`, or `parquet` (typed columns, exact floats, Snappy); `--table-format` overrides it.",
        ),
    ]],
};

/// `[[arms]]`.
pub static ARM: Section = Section {
    name: "arm",
    heading: "[[arms]]",
    path: None,
    parts: &[&[
        key(
            "name",
            Ty::Slug(Slug::Arm),
            Dflt::Required,
            "Unique arm name.",
        ),
        key(
            "set",
            Ty::Shape(Shape::ArmSet),
            Dflt::Other("`{}`"),
            "Parameter overrides: `\"path\" = value`, e.g. `\"alignment.rate\" = 0.3`.",
        ),
        key(
            "description",
            Ty::Text,
            Dflt::Other("`\"\"`"),
            "Free text describing the arm.",
        ),
    ]],
};

/// `[alignment]`.
pub static ALIGNMENT: Section = Section {
    name: "alignment",
    heading: "[alignment]",
    path: Some("alignment"),
    parts: &[AlignmentKey::DEFS],
};

/// `[network]`.
pub static NETWORK: Section = Section {
    name: "network",
    heading: "[network]",
    path: Some("network"),
    parts: &[&[
        key(
            "kind",
            num(ValueSpec::Choice(NETWORK_KINDS)),
            Dflt::Text("complete"),
            "Network shape (default `complete`).",
        ),
        key(
            "p",
            num(UNIT),
            Dflt::Other("required with `random`"),
            "Tie probability; only and required with `kind = \"random\"`.",
        )
        .param(Param::NotEvents),
        key(
            "ties",
            Ty::Shape(Shape::Ties),
            Dflt::Other("required with `explicit`"),
            "Ties `[\"A\", \"B\", weight]`; only and required with `kind = \"explicit\"`.",
        ),
        key(
            "side",
            num(ValueSpec::Integer(1, MAX_LATTICE_SIDE)),
            Dflt::Other("required with `lattice`"),
            "Grid side length; only and required with `kind = \"lattice\"`.",
        ),
        key(
            "group_weights",
            Ty::Shape(Shape::GroupWeights),
            Dflt::Other("`{}`"),
            "Multiplies ties whose two ends share this group, e.g. `{ eu = 3.0 }`.",
        )
        .param(Param::NotEvents),
    ]],
};

/// `[[rivalries]]`.
pub static RIVALRY: Section = Section {
    name: "rivalry",
    heading: "[[rivalries]]",
    path: None,
    parts: &[&[
        key(
            "a",
            Ty::Selector,
            Dflt::Required,
            "One side: a nation id or `group:<tag>`.",
        ),
        key(
            "b",
            Ty::Selector,
            Dflt::Required,
            "The other side: a nation id or `group:<tag>`.",
        ),
        key(
            "strength",
            num(NON_NEG),
            Dflt::Number(1.0),
            "Multiplies the rivalry rate for this pair (default 1).",
        ),
    ]],
};

/// `[diffusion]`.
pub static DIFFUSION: Section = Section {
    name: "diffusion",
    heading: "[diffusion]",
    path: Some("diffusion"),
    parts: &[DiffusionKey::DEFS],
};

/// `[[bodies]]`: identity and membership keys, then the settable scalars.
pub static BODY: Section = Section {
    name: "body",
    heading: "[[bodies]]",
    path: Some("bodies.<id>"),
    parts: &[
        &[
            key(
                "id",
                Ty::Slug(Slug::Body),
                Dflt::Required,
                "Unique body id.",
            ),
            key(
                "name",
                Ty::Text,
                Dflt::Other("the id"),
                "Display name (default: the id).",
            ),
            key(
                "founders",
                Ty::Selectors,
                Dflt::Other("none"),
                "Founding members: nation ids or `group:<tag>`.",
            ),
            key(
                "standard",
                Ty::Shape(Shape::Standard),
                Dflt::Text("members_mean"),
                "`members_mean` (GDP-weighted mean stance of members; default) or a fixed stance table.",
            ),
        ],
        BodyKey::DEFS,
    ],
};

/// `[[events]]`.
pub static EVENT: Section = Section {
    name: "event",
    heading: "[[events]]",
    path: None,
    parts: &[&[
        key(
            "step",
            num(ValueSpec::Integer(0, u32::MAX as u64)),
            Dflt::Required,
            "Step at which the event happens (at most `steps`).",
        ),
        key(
            "kind",
            num(ValueSpec::Choice(EVENT_KINDS)),
            Dflt::Required,
            "What happens.",
        ),
        key(
            "from",
            Ty::Selectors,
            Dflt::Other("by kind"),
            "`export_control`: the restricting nations.",
        ),
        key(
            "to",
            Ty::Selectors,
            Dflt::Other("by kind"),
            "`export_control`: the restricted nations.",
        ),
        key(
            "strength",
            num(UNIT),
            Dflt::Other("by kind"),
            "`export_control`: share of open capability withheld.",
        ),
        key(
            "body",
            Ty::Text,
            Dflt::Other("by kind"),
            "`join`/`leave`: the body id.",
        ),
        key(
            "nations",
            Ty::Selectors,
            Dflt::Other("by kind"),
            "`join`/`leave`/`shock`: the nations concerned.",
        ),
        key(
            "dimension",
            Ty::Text,
            Dflt::Other("by kind"),
            "`shock`: the dimension moved.",
        ),
        key(
            "delta",
            num(ValueSpec::Number(-1.0, 1.0)),
            Dflt::Other("by kind"),
            "`shock`: the change of stance on that dimension (clamped to [0, 1]).",
        ),
        key(
            "path",
            Ty::Text,
            Dflt::Other("by kind"),
            "`set`: a parameter path, e.g. `alignment.rate` (not `network.*`).",
        ),
        key(
            "value",
            Ty::Shape(Shape::EventValue),
            Dflt::Other("by kind"),
            "`set`: the new value.",
        ),
    ]],
};

/// `[metrics]`.
pub static METRICS: Section = Section {
    name: "metrics",
    heading: "[metrics]",
    path: None,
    parts: &[
        MetricsKey::DEFS,
        &[key(
            "compute",
            Ty::Shape(Shape::MetricNames),
            Dflt::Other("all"),
            "The metrics to compute; the others are skipped and have no column in any table or chart (body memberships are always recorded).",
        )],
    ],
};

/// The keys every nation has, inline, in a `nations_file` or (except id, name and stance)
/// in `[population]`; also the keys of `nations.<id>.` and `groups.<tag>.` paths.
const NATION_VALUES: &[KeyDef] = &[
    key(
        "gdp",
        num(NON_NEG),
        Dflt::Number(1.0),
        "Economic weight (default 1).",
    )
    .param(Param::Yes),
    key(
        "capability",
        num(NON_NEG),
        Dflt::Number(1.0),
        "Initial capability (default 1).",
    )
    .param(Param::Yes),
    key(
        "openness",
        num(UNIT),
        Dflt::Number(0.0),
        "Share of capability offered openly to others (default 0).",
    )
    .param(Param::Yes),
];
const NATION_OVERRIDES: &[KeyDef] = &[
    key(
        "confidence",
        num(UNIT),
        Dflt::Other("`alignment.confidence`"),
        "Own confidence radius (default: `alignment.confidence`).",
    )
    .param(Param::Yes),
    key(
        "stubbornness",
        num(UNIT),
        Dflt::Other("`alignment.stubbornness`"),
        "Own stubbornness (default: `alignment.stubbornness`).",
    )
    .param(Param::Yes),
];

/// `[[nations]]` (and the columns of a `nations_file`).
pub static NATION: Section = Section {
    name: "nation",
    heading: "[[nations]]",
    path: Some("nations.<id>"),
    parts: &[
        &[
            key(
                "id",
                Ty::Slug(Slug::Nation),
                Dflt::Required,
                "Unique nation id, e.g. an ISO code.",
            ),
            key(
                "name",
                Ty::Text,
                Dflt::Other("the id"),
                "Display name (default: the id).",
            ),
            key(
                "groups",
                Ty::Tags,
                Dflt::Other("none"),
                "Group tags the nation belongs to.",
            ),
        ],
        NATION_VALUES,
        &[key(
            "stance",
            Ty::Stance,
            Dflt::Required,
            "Initial stance: one value in [0, 1] per dimension.",
        )
        .param(Param::Yes)],
        NATION_OVERRIDES,
    ],
};

/// `[population]`.
pub static POPULATION: Section = Section {
    name: "population",
    heading: "[population]",
    path: None,
    parts: &[
        &[
            key(
                "count",
                num(ValueSpec::Integer(1, limits::MAX_NATIONS as u64)),
                Dflt::Required,
                "Number of generated nations.",
            ),
            key(
                "stance",
                num(ValueSpec::Choice(PopulationStance::NAMES)),
                Dflt::Text("uniform"),
                "How stances are drawn (default `uniform`; `regular` needs one dimension).",
            ),
            key(
                "groups",
                Ty::Tags,
                Dflt::Other("none"),
                "Group tags of every generated nation.",
            ),
        ],
        NATION_VALUES,
        NATION_OVERRIDES,
    ],
};

/// `[sweep]`.
pub static SWEEP: Section = Section {
    name: "sweep",
    heading: "[sweep]",
    path: None,
    parts: &[&[
        key(
            "method",
            num(ValueSpec::Choice(SWEEP_METHODS)),
            Dflt::Required,
            "`grid`: the cartesian product of the listed values (first parameter slowest); `latin_hypercube`: `samples` points, one per stratum of each range, drawn from the master seed; `sobol`: a Saltelli design for Sobol' indices (N(D+2) points, or N(2D+2) with `second_order`, in SALib's order) from a scrambled Sobol' sequence; `morris`: `trajectories` elementary-effects trajectories of D+1 points. `sobol` and `morris` write `sensitivity.csv`.",
        ),
        key(
            "params",
            Ty::Shape(Shape::SweepParams),
            Dflt::Required,
            "Swept parameter paths (as in arms' `set`): a list of values for `grid`, `{ min = …, max = … }` for `latin_hypercube`, `sobol` and `morris` (continuous parameters only; at least 2 for `sobol` and `morris`).",
        ),
        key(
            "samples",
            num(ValueSpec::Integer(1, limits::MAX_SWEEP_POINTS as u64)),
            Dflt::Other("required with `latin_hypercube` and `sobol`"),
            "Number of points of a `latin_hypercube` sweep; the base sample size N of a `sobol` design (a power of two, at least 2).",
        ),
        key(
            "second_order",
            num(ValueSpec::Bool),
            Dflt::Bool(false),
            "`sobol` only: add the B_A rows for second-order indices S2.",
        ),
        key(
            "trajectories",
            num(ValueSpec::Integer(2, limits::MAX_SWEEP_POINTS as u64)),
            Dflt::Other("required with `morris`"),
            "`morris` only: number of trajectories r.",
        ),
        key(
            "levels",
            num(ValueSpec::Integer(2, MAX_MORRIS_LEVELS)),
            Dflt::Integer(4),
            "`morris` only: grid levels p (even); the step is Δ = p/(2(p−1)).",
        ),
    ]],
};

/// Every section below the top level, in the README's order.
pub static SECTIONS: &[&Section] = &[
    &EXPERIMENT,
    &ARM,
    &ALIGNMENT,
    &NETWORK,
    &RIVALRY,
    &DIFFUSION,
    &BODY,
    &EVENT,
    &SWEEP,
    &METRICS,
    &NATION,
    &POPULATION,
];

/// The parameter path a key is set through, when it is one.
pub fn param_path(section: &Section, k: &KeyDef) -> Option<String> {
    if k.param == Param::No {
        return None;
    }
    let prefix = section.path?;
    Some(match (section.name, k.name) {
        ("nation", "stance") => format!("{prefix}.stance.<dimension>"),
        ("network", "group_weights") => format!("{prefix}.group_weights.<group>"),
        _ => format!("{prefix}.{}", k.name),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::spec::ParamKeys;

    #[test]
    fn every_kind_list_agrees_with_its_rules() {
        let names: Vec<&str> = EVENT_KIND_KEYS.iter().map(|(k, _)| *k).collect();
        assert_eq!(names, EVENT_KINDS);
        for (kind, key) in NETWORK_KIND_KEYS {
            assert!(NETWORK_KINDS.contains(kind));
            assert!(NETWORK.key(key).is_some(), "{key}");
        }
        for (_, keys) in EVENT_KIND_KEYS {
            for k in *keys {
                assert!(EVENT.key(k).is_some(), "{k}");
            }
        }
        assert_eq!(MAX_LATTICE_SIDE, 141);
    }

    #[test]
    fn key_names_are_unique_within_each_section() {
        for s in std::iter::once(&TOP).chain(SECTIONS.iter().copied()) {
            let mut names = s.names();
            let n = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), n, "{}", s.heading);
        }
    }

    #[test]
    fn settable_keys_default_as_the_table_says() {
        let mut a = super::super::types::Alignment::default();
        AlignmentKey::apply_defaults(&mut a);
        assert_eq!(
            (a.confidence, a.rate, a.self_weight, a.traits),
            (1.0, 0.5, 1.0, 2)
        );
        let mut b = super::super::types::BodySpec::default();
        BodyKey::apply_defaults(&mut b);
        assert!(b.enabled);
        assert_eq!(b.exit_threshold, 1.0);
        assert_eq!(
            AlignmentKey::from_name("self_weight"),
            Some(AlignmentKey::SelfWeight)
        );
        assert_eq!(AlignmentKey::SelfWeight.name(), "self_weight");
    }
}
