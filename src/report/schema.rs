//! `accord schema`: a JSON Schema (draft-07) of the scenario file format, so TOML editors
//! (taplo, VS Code "Even Better TOML") can validate and autocomplete scenarios.
//!
//! The schema is built here and only here. Each section's properties are listed next to the
//! loader's key constant for that section, and a test checks that both name the same keys,
//! so a key added to the loader cannot be forgotten here. Numeric ranges come from
//! [`params::spec`] and [`limits`], the same sources the loader checks against. Draft-07 is
//! used because it is the draft taplo and most editors support best.
//!
//! The schema cannot check what depends on the scenario itself (dimension names in stances,
//! nation ids in selectors, parameter paths in `set`, `founded ≤ steps`); `accord validate`
//! remains the authority and reports those.

use serde_json::{Map, Value, json};

use crate::scenario::load::{
    ARM_KEYS, BODY_KEYS, EVENT_KEYS, EVENT_KINDS, EXPERIMENT_KEYS, METRICS_KEYS, NATION_KEYS,
    NETWORK_KEYS, NETWORK_KINDS, POPULATION_KEYS, POPULATION_STANCES, RIVALRY_KEYS, SWEEP_KEYS,
    SWEEP_METHODS, WEIGHTINGS,
};
use crate::scenario::params::{self, ALIGNMENT_KEYS, DIFFUSION_KEYS, ValueSpec};
use crate::scenario::{AlignmentKey, BodyKey, DiffusionKey, ParamPath, limits};

/// Lowercase slug used for names, dimensions, group tags and body ids.
const SLUG: &str = "^[a-z0-9_-]+$";
/// Nation ids also allow upper case (ISO codes such as `CHN`).
const NATION_ID: &str = "^[A-Za-z0-9_-]+$";

/// The schema as a JSON value (pretty-print it for `accord schema`).
pub fn schema() -> Value {
    let mut root = object(top_properties(), &["name", "steps", "dimensions"]);
    root.insert(
        "$schema".into(),
        json!("http://json-schema.org/draft-07/schema#"),
    );
    root.insert(
        "$id".into(),
        json!("https://accord.invalid/scenario.schema.json"),
    );
    root.insert("title".into(), json!("accord scenario"));
    root.insert(
        "description".into(),
        json!("An accord scenario file (TOML). `accord validate` checks what this schema cannot: names that refer to the scenario's own dimensions, nations, groups and bodies."),
    );
    root.insert("definitions".into(), definitions());
    Value::Object(root)
}

/// `accord schema`'s output: pretty JSON with a trailing newline.
pub fn render() -> String {
    // Serialising a `Value` built from strings, numbers and maps cannot fail.
    let mut s = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    s.push('\n');
    s
}

/// A closed object (`additionalProperties: false`), as the loader rejects unknown keys.
fn object(props: Vec<(&'static str, Value)>, required: &[&str]) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("type".into(), json!("object"));
    m.insert(
        "properties".into(),
        Value::Object(props.into_iter().map(|(k, v)| (k.to_string(), v)).collect()),
    );
    if !required.is_empty() {
        m.insert("required".into(), json!(required));
    }
    m.insert("additionalProperties".into(), json!(false));
    m
}

fn with_description(mut v: Value, text: &str) -> Value {
    if let Value::Object(m) = &mut v {
        m.insert("description".into(), json!(text));
    }
    v
}

/// A property's schema from a [`ValueSpec`], so ranges match the loader's.
fn from_spec(spec: ValueSpec, text: &str) -> Value {
    let v = match spec {
        ValueSpec::Number(lo, hi) => number(lo, hi),
        ValueSpec::Integer(lo, hi) => integer(lo, hi),
        ValueSpec::Bool => json!({ "type": "boolean" }),
        ValueSpec::Choice(c) => json!({ "type": "string", "enum": c }),
    };
    with_description(v, text)
}

/// A finite number in `[lo, hi]`; `f64::MAX` as `hi` means unbounded above.
fn number(lo: f64, hi: f64) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), json!("number"));
    m.insert("minimum".into(), json!(lo));
    if hi < f64::MAX {
        m.insert("maximum".into(), json!(hi));
    }
    Value::Object(m)
}

fn integer(lo: u64, hi: u64) -> Value {
    json!({ "type": "integer", "minimum": lo, "maximum": hi })
}

fn num(lo: f64, hi: f64, text: &str) -> Value {
    with_description(number(lo, hi), text)
}

fn string(text: &str) -> Value {
    json!({ "type": "string", "description": text })
}

fn choice(values: &[&str], text: &str) -> Value {
    json!({ "type": "string", "enum": values, "description": text })
}

fn reference(name: &str, text: &str) -> Value {
    // Draft-07 ignores siblings of `$ref`, so the description goes in an `allOf`.
    json!({ "allOf": [{ "$ref": format!("#/definitions/{name}") }], "description": text })
}

fn array_of(name: &str, text: &str) -> Value {
    json!({
        "type": "array",
        "items": { "$ref": format!("#/definitions/{name}") },
        "description": text,
    })
}

fn alignment(k: AlignmentKey, text: &str) -> Value {
    from_spec(params::spec(&ParamPath::Alignment(k), u32::MAX), text)
}

fn diffusion(k: DiffusionKey, text: &str) -> Value {
    from_spec(params::spec(&ParamPath::Diffusion(k), u32::MAX), text)
}

fn body(k: BodyKey, text: &str) -> Value {
    from_spec(
        params::spec(&ParamPath::Body(0, k), limits::MAX_STEPS as u32),
        text,
    )
}

fn top_properties() -> Vec<(&'static str, Value)> {
    vec![
        (
            "name",
            json!({ "type": "string", "pattern": SLUG, "description": "Scenario name; also the default output folder." }),
        ),
        ("description", string("Free text describing the scenario.")),
        (
            "steps",
            with_description(integer(1, limits::MAX_STEPS), "Number of steps per run."),
        ),
        (
            "step_unit",
            string("What one step stands for, e.g. `year` (default `step`)."),
        ),
        (
            "dimensions",
            json!({
                "type": "array",
                "items": { "type": "string", "pattern": SLUG },
                "minItems": 1,
                "maxItems": limits::MAX_DIMENSIONS,
                "uniqueItems": true,
                "description": "Names of the policy dimensions; every stance has one value in [0, 1] per dimension.",
            }),
        ),
        (
            "experiment",
            reference("experiment", "Ensemble size, seed and reference arm."),
        ),
        (
            "arms",
            array_of(
                "arm",
                "Counterfactual arms; each overrides parameters with `set`.",
            ),
        ),
        (
            "alignment",
            reference("alignment", "The opinion-dynamics rule and its parameters."),
        ),
        ("network", reference("network", "Who influences whom.")),
        (
            "rivalries",
            array_of(
                "rivalry",
                "Pairs of nations or groups that repel each other.",
            ),
        ),
        (
            "diffusion",
            reference(
                "diffusion",
                "Open-source capability diffusion (off unless `enabled = true`).",
            ),
        ),
        (
            "bodies",
            array_of("body", "Cooperation bodies nations join and leave."),
        ),
        (
            "events",
            array_of(
                "event",
                "Scheduled events, applied at the start of their step.",
            ),
        ),
        (
            "metrics",
            reference("metrics", "How alignment is measured."),
        ),
        ("nations", array_of("nation", "Nations written inline.")),
        (
            "nations_file",
            string("CSV of nations, relative to the scenario file."),
        ),
        (
            "population",
            reference(
                "population",
                "Generated nations with random stances drawn per run.",
            ),
        ),
        (
            "sweep",
            reference(
                "sweep",
                "Parameter sweep: every arm is simulated at every point (grid or Latin hypercube).",
            ),
        ),
    ]
}

fn sweep_properties() -> Vec<(&'static str, Value)> {
    vec![
        (
            "method",
            choice(
                SWEEP_METHODS,
                "`grid`: the cartesian product of the listed values (first parameter slowest); `latin_hypercube`: `samples` points, one per stratum of each range, drawn from the master seed.",
            ),
        ),
        (
            "params",
            json!({
                "type": "object",
                "minProperties": 1,
                "additionalProperties": { "$ref": "#/definitions/sweep_value" },
                "description": "Swept parameter paths (as in arms' `set`): a list of values for `grid`, `{ min = …, max = … }` for `latin_hypercube`.",
            }),
        ),
        (
            "samples",
            with_description(
                integer(1, limits::MAX_SWEEP_POINTS as u64),
                "Number of points of a `latin_hypercube` sweep.",
            ),
        ),
    ]
}

fn experiment_properties() -> Vec<(&'static str, Value)> {
    vec![
        (
            "runs",
            with_description(integer(1, limits::MAX_RUNS), "Runs per arm (default 100)."),
        ),
        (
            "seed",
            with_description(integer(0, u64::MAX), "Master seed (default 1)."),
        ),
        (
            "reference",
            string("Name of the arm effects are measured against (default: the first)."),
        ),
    ]
}

fn arm_properties() -> Vec<(&'static str, Value)> {
    vec![
        (
            "name",
            json!({ "type": "string", "pattern": SLUG, "description": "Unique arm name." }),
        ),
        ("description", string("Free text describing the arm.")),
        (
            "set",
            json!({
                "type": "object",
                "additionalProperties": { "$ref": "#/definitions/set_value" },
                "description": "Parameter overrides: `\"path\" = value`, e.g. `\"alignment.rate\" = 0.3`.",
            }),
        ),
    ]
}

fn alignment_properties() -> Vec<(&'static str, Value)> {
    use AlignmentKey::*;
    vec![
        ("rule", alignment(Rule, "Update rule (default `pairwise`).")),
        (
            "confidence",
            alignment(
                Confidence,
                "Bounded-confidence radius: nations further apart ignore each other.",
            ),
        ),
        (
            "rate",
            alignment(
                Rate,
                "Share of the gap moved towards those within confidence per step.",
            ),
        ),
        (
            "stubbornness",
            alignment(Stubbornness, "Anchoring to each nation's initial stance."),
        ),
        (
            "self_weight",
            alignment(SelfWeight, "Weight of a nation's own stance in averaging."),
        ),
        (
            "rivalry_rate",
            alignment(
                RivalryRate,
                "Share of their gap (× strength) by which rivals who meet move apart.",
            ),
        ),
        (
            "noise",
            alignment(
                Noise,
                "σ of Gaussian noise per dimension per step (result clamped to [0, 1]).",
            ),
        ),
        (
            "traits",
            alignment(Traits, "Traits per dimension for the `culture` rule."),
        ),
    ]
}

fn network_properties() -> Vec<(&'static str, Value)> {
    let max_side = (limits::MAX_NATIONS as f64).sqrt() as u64;
    vec![
        (
            "kind",
            choice(NETWORK_KINDS, "Network shape (default `complete`)."),
        ),
        (
            "p",
            num(
                0.0,
                1.0,
                "Tie probability; only and required with `kind = \"random\"`.",
            ),
        ),
        (
            "side",
            with_description(
                integer(1, max_side),
                "Grid side length; only and required with `kind = \"lattice\"`.",
            ),
        ),
        (
            "ties",
            json!({
                "type": "array",
                "items": {
                    "type": "array",
                    "items": [
                        { "type": "string", "description": "Nation id." },
                        { "type": "string", "description": "Nation id." },
                        { "type": "number", "minimum": 0.0, "description": "Weight." },
                    ],
                    "minItems": 3,
                    "maxItems": 3,
                    "additionalItems": false,
                },
                "description": "Ties `[\"A\", \"B\", weight]`; only and required with `kind = \"explicit\"`.",
            }),
        ),
        (
            "group_weights",
            json!({
                "type": "object",
                "additionalProperties": { "type": "number", "minimum": 0.0 },
                "description": "Multiplies ties whose two ends share this group, e.g. `{ eu = 3.0 }`.",
            }),
        ),
    ]
}

fn rivalry_properties() -> Vec<(&'static str, Value)> {
    vec![
        ("a", selector("One side: a nation id or `group:<tag>`.")),
        (
            "b",
            selector("The other side: a nation id or `group:<tag>`."),
        ),
        (
            "strength",
            num(
                0.0,
                f64::MAX,
                "Multiplies the rivalry rate for this pair (default 1).",
            ),
        ),
    ]
}

fn selector(text: &str) -> Value {
    json!({ "type": "string", "description": text })
}

fn selectors(text: &str) -> Value {
    reference("selectors", text)
}

fn diffusion_properties() -> Vec<(&'static str, Value)> {
    use DiffusionKey::*;
    vec![
        (
            "enabled",
            diffusion(
                Enabled,
                "Turns open-source capability diffusion on (default false).",
            ),
        ),
        ("growth", diffusion(Growth, "Capability growth g per step.")),
        (
            "absorption",
            diffusion(
                Absorption,
                "Absorption α: share of the gap to the best open offer absorbed per step.",
            ),
        ),
        (
            "norm_pull",
            diffusion(
                NormPull,
                "Norm pull ν: how far absorbed technology moves stances toward the provider's.",
            ),
        ),
    ]
}

fn body_properties() -> Vec<(&'static str, Value)> {
    use BodyKey::*;
    vec![
        (
            "id",
            json!({ "type": "string", "pattern": SLUG, "description": "Unique body id." }),
        ),
        ("name", string("Display name (default: the id).")),
        (
            "enabled",
            body(
                Enabled,
                "A disabled body never founds and has no members (default true).",
            ),
        ),
        (
            "founded",
            body(
                Founded,
                "Step at which `founders` join (at most `steps`; default 0).",
            ),
        ),
        (
            "founders",
            selectors("Founding members: nation ids or `group:<tag>`."),
        ),
        (
            "standard",
            json!({
                "anyOf": [
                    { "type": "string", "enum": ["members_mean"] },
                    { "$ref": "#/definitions/stance" },
                ],
                "description": "`members_mean` (GDP-weighted mean stance of members; default) or a fixed stance table.",
            }),
        ),
        (
            "harmonization",
            body(
                Harmonization,
                "Members move toward the standard by this share each step.",
            ),
        ),
        (
            "accession_threshold",
            body(
                AccessionThreshold,
                "A non-member within this distance of the standard may join.",
            ),
        ),
        (
            "join_rate",
            body(
                JoinRate,
                "Probability per step that an eligible non-member joins.",
            ),
        ),
        (
            "exit_threshold",
            body(
                ExitThreshold,
                "A member farther than this from the standard leaves (default 1).",
            ),
        ),
        (
            "capacity_building",
            body(
                CapacityBuilding,
                "Members below the members' mean capability gain this share of the gap.",
            ),
        ),
        (
            "dialogue",
            body(
                Dialogue,
                "Added to a member's confidence toward fellow members.",
            ),
        ),
    ]
}

fn event_properties() -> Vec<(&'static str, Value)> {
    vec![
        (
            "step",
            with_description(
                integer(0, u64::from(u32::MAX)),
                "Step at which the event happens (at most `steps`).",
            ),
        ),
        ("kind", choice(EVENT_KINDS, "What happens.")),
        (
            "from",
            selectors("`export_control`: the restricting nations."),
        ),
        ("to", selectors("`export_control`: the restricted nations.")),
        (
            "strength",
            num(
                0.0,
                1.0,
                "`export_control`: share of open capability withheld.",
            ),
        ),
        ("body", string("`join`/`leave`: the body id.")),
        (
            "nations",
            selectors("`join`/`leave`/`shock`: the nations concerned."),
        ),
        ("dimension", string("`shock`: the dimension moved.")),
        (
            "delta",
            num(
                -1.0,
                1.0,
                "`shock`: the change of stance on that dimension (clamped to [0, 1]).",
            ),
        ),
        (
            "path",
            string("`set`: a parameter path, e.g. `alignment.rate` (not `network.*`)."),
        ),
        (
            "value",
            json!({ "type": ["number", "boolean", "string"], "description": "`set`: the new value." }),
        ),
    ]
}

/// The keys each event kind requires besides `step` and `kind` (the loader's `needed`).
fn event_kind_rules() -> Value {
    let rules: Vec<Value> = [
        ("export_control", &["from", "to", "strength"][..]),
        ("join", &["body", "nations"][..]),
        ("leave", &["body", "nations"][..]),
        ("shock", &["nations", "dimension", "delta"][..]),
        ("set", &["path", "value"][..]),
    ]
    .iter()
    .map(|(kind, needed)| {
        json!({
            "if": { "properties": { "kind": { "const": kind } }, "required": ["kind"] },
            "then": { "required": needed },
        })
    })
    .collect();
    Value::Array(rules)
}

fn network_kind_rules() -> Value {
    json!([
        {
            "if": { "properties": { "kind": { "const": "random" } }, "required": ["kind"] },
            "then": { "required": ["p"] },
        },
        {
            "if": { "properties": { "kind": { "const": "lattice" } }, "required": ["kind"] },
            "then": { "required": ["side"] },
        },
        {
            "if": { "properties": { "kind": { "const": "explicit" } }, "required": ["kind"] },
            "then": { "required": ["ties"] },
        },
    ])
}

fn metrics_properties() -> Vec<(&'static str, Value)> {
    vec![
        (
            "tolerance",
            num(
                0.0,
                1.0,
                "Distance within which nations count as aligned (default 0.1).",
            ),
        ),
        (
            "weighting",
            choice(
                WEIGHTINGS,
                "Weight of each nation in the metrics (default `gdp`).",
            ),
        ),
        (
            "min_cluster_share",
            num(0.0, 1.0, "Smallest share that counts as a cluster."),
        ),
        (
            "every",
            with_description(
                integer(1, limits::MAX_STEPS),
                "Record every k steps; step 0 and the last step are always recorded (default 1).",
            ),
        ),
    ]
}

fn nation_properties() -> Vec<(&'static str, Value)> {
    vec![
        (
            "id",
            json!({ "type": "string", "pattern": NATION_ID, "description": "Unique nation id, e.g. an ISO code." }),
        ),
        ("name", string("Display name (default: the id).")),
        (
            "groups",
            reference("groups", "Group tags the nation belongs to."),
        ),
        ("gdp", num(0.0, f64::MAX, "Economic weight (default 1).")),
        (
            "capability",
            num(0.0, f64::MAX, "Initial capability (default 1)."),
        ),
        (
            "openness",
            num(
                0.0,
                1.0,
                "Share of capability offered openly to others (default 0).",
            ),
        ),
        (
            "stance",
            reference(
                "stance",
                "Initial stance: one value in [0, 1] per dimension.",
            ),
        ),
        (
            "confidence",
            num(
                0.0,
                1.0,
                "Own confidence radius (default: `alignment.confidence`).",
            ),
        ),
        (
            "stubbornness",
            num(
                0.0,
                1.0,
                "Own stubbornness (default: `alignment.stubbornness`).",
            ),
        ),
    ]
}

fn population_properties() -> Vec<(&'static str, Value)> {
    vec![
        (
            "count",
            with_description(
                integer(1, limits::MAX_NATIONS as u64),
                "Number of generated nations.",
            ),
        ),
        (
            "stance",
            choice(
                POPULATION_STANCES,
                "How stances are drawn (default `uniform`; `regular` needs one dimension).",
            ),
        ),
        (
            "groups",
            reference("groups", "Group tags of every generated nation."),
        ),
        ("gdp", num(0.0, f64::MAX, "Economic weight (default 1).")),
        (
            "capability",
            num(0.0, f64::MAX, "Initial capability (default 1)."),
        ),
        (
            "openness",
            num(
                0.0,
                1.0,
                "Share of capability offered openly to others (default 0).",
            ),
        ),
        (
            "confidence",
            num(
                0.0,
                1.0,
                "Own confidence radius (default: `alignment.confidence`).",
            ),
        ),
        (
            "stubbornness",
            num(
                0.0,
                1.0,
                "Own stubbornness (default: `alignment.stubbornness`).",
            ),
        ),
    ]
}

/// Every section: (definition name, its properties, the loader's key list, required keys).
type Section = (
    &'static str,
    Vec<(&'static str, Value)>,
    &'static [&'static str],
    &'static [&'static str],
);

fn sections() -> Vec<Section> {
    vec![
        ("experiment", experiment_properties(), EXPERIMENT_KEYS, &[]),
        ("arm", arm_properties(), ARM_KEYS, &["name"]),
        ("alignment", alignment_properties(), ALIGNMENT_KEYS, &[]),
        ("network", network_properties(), NETWORK_KEYS, &[]),
        ("rivalry", rivalry_properties(), RIVALRY_KEYS, &["a", "b"]),
        ("diffusion", diffusion_properties(), DIFFUSION_KEYS, &[]),
        ("body", body_properties(), BODY_KEYS, &["id"]),
        ("event", event_properties(), EVENT_KEYS, &["step", "kind"]),
        ("metrics", metrics_properties(), METRICS_KEYS, &[]),
        (
            "nation",
            nation_properties(),
            NATION_KEYS,
            &["id", "stance"],
        ),
        (
            "population",
            population_properties(),
            POPULATION_KEYS,
            &["count"],
        ),
        (
            "sweep",
            sweep_properties(),
            SWEEP_KEYS,
            &["method", "params"],
        ),
    ]
}

fn definitions() -> Value {
    let mut defs = Map::new();
    for (name, props, _, required) in sections() {
        let mut m = object(props, required);
        match name {
            "event" => {
                m.insert("allOf".into(), event_kind_rules());
            }
            "network" => {
                m.insert("allOf".into(), network_kind_rules());
            }
            _ => {}
        }
        defs.insert(name.into(), Value::Object(m));
    }
    defs.insert(
        "stance".into(),
        json!({
            "type": "object",
            "propertyNames": { "pattern": SLUG },
            "additionalProperties": { "type": "number", "minimum": 0.0, "maximum": 1.0 },
            "minProperties": 1,
            "description": "One value in [0, 1] per dimension, keyed by dimension name.",
        }),
    );
    defs.insert(
        "groups".into(),
        json!({
            "anyOf": [
                { "type": "string", "pattern": SLUG },
                { "type": "array", "items": { "type": "string", "pattern": SLUG } },
            ],
        }),
    );
    defs.insert(
        "selectors".into(),
        json!({
            "anyOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" } },
            ],
        }),
    );
    defs.insert(
        "set_value".into(),
        json!({
            "anyOf": [
                { "type": ["number", "boolean", "string"] },
                { "type": "object", "additionalProperties": { "$ref": "#/definitions/set_value" } },
            ],
        }),
    );
    defs.insert(
        "sweep_value".into(),
        json!({
            "anyOf": [
                {
                    "type": "array",
                    "minItems": 1,
                    "items": { "type": ["number", "boolean", "string"] },
                },
                {
                    "type": "object",
                    "properties": { "min": { "type": "number" }, "max": { "type": "number" } },
                    "required": ["min", "max"],
                    "additionalProperties": false,
                },
                { "type": "object", "additionalProperties": { "$ref": "#/definitions/sweep_value" } },
            ],
        }),
    );
    Value::Object(defs)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::scenario::load::TOP_KEYS;

    fn keys(v: &Value) -> BTreeSet<String> {
        v["properties"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn set(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn every_section_lists_exactly_the_loaders_keys() {
        let s = schema();
        assert_eq!(keys(&s), set(TOP_KEYS));
        for (name, _, loader_keys, _) in sections() {
            assert_eq!(
                keys(&s["definitions"][name]),
                set(loader_keys),
                "section {name}"
            );
            assert_eq!(s["definitions"][name]["additionalProperties"], json!(false));
        }
    }

    #[test]
    fn ranges_come_from_the_loaders_specs() {
        let s = schema();
        let a = &s["definitions"]["alignment"]["properties"];
        assert_eq!(a["rate"]["minimum"], json!(0.0));
        assert_eq!(a["rate"]["maximum"], json!(1.0));
        assert_eq!(a["self_weight"]["minimum"], json!(0.0));
        assert!(a["self_weight"].get("maximum").is_none());
        assert_eq!(
            a["rule"]["enum"],
            json!(["pairwise", "averaging", "culture"])
        );
        assert_eq!(a["traits"]["minimum"], json!(2));
        assert_eq!(s["properties"]["steps"]["minimum"], json!(1));
        assert_eq!(s["properties"]["dimensions"]["maxItems"], json!(32));
        assert_eq!(s["properties"]["name"]["pattern"], json!("^[a-z0-9_-]+$"));
        assert_eq!(
            s["definitions"]["network"]["properties"]["kind"]["enum"],
            json!(["complete", "random", "explicit", "lattice"])
        );
    }

    #[test]
    fn render_is_pretty_json_with_draft_07() {
        let text = render();
        assert!(text.ends_with("}\n"));
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            v["$schema"],
            json!("http://json-schema.org/draft-07/schema#")
        );
        assert_eq!(v, schema());
    }
}
