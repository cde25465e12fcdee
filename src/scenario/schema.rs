//! A JSON Schema (draft-07) of the scenario file format, generated from the key table
//! ([`super::keys`]), so TOML editors (taplo, VS Code "Even Better TOML") validate and
//! complete exactly what the loader accepts, with the same ranges and descriptions.
//!
//! Draft-07 is used because it is the draft taplo and most editors support best. The schema
//! cannot check what depends on the scenario itself (dimension names in stances, nation ids
//! in selectors, parameter paths in `set`, `founded ≤ steps`); `accord validate` remains the
//! authority and reports those.

use serde_json::{Map, Value, json};

use super::keys::{self, EVENT_KIND_KEYS, NETWORK_KIND_KEYS, Section};
use super::limits;
use super::spec::{KeyDef, Named, Shape, Slug, Ty, ValueSpec};
use super::types::MetricName;

/// The schema as a JSON value.
pub fn schema() -> Value {
    let mut root = object(&keys::TOP);
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
fn object(section: &Section) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("type".into(), json!("object"));
    let props: Map<String, Value> = section
        .keys()
        .map(|k| (k.name.to_string(), property(k)))
        .collect();
    m.insert("properties".into(), Value::Object(props));
    let required = section.required();
    if !required.is_empty() {
        m.insert("required".into(), json!(required));
    }
    m.insert("additionalProperties".into(), json!(false));
    m
}

/// One property: its shape, with the key's doc as description.
fn property(k: &KeyDef) -> Value {
    let described = |mut v: Value| {
        if let Value::Object(m) = &mut v {
            m.insert("description".into(), json!(k.doc));
        }
        v
    };
    match k.ty {
        Ty::Value(spec) => described(from_spec(spec)),
        Ty::Text | Ty::Selector => described(json!({ "type": "string" })),
        Ty::Slug(s) => described(json!({ "type": "string", "pattern": s.pattern() })),
        // Draft-07 ignores siblings of `$ref`, so the description goes beside an `allOf`.
        Ty::Selectors => reference("selectors", k.doc),
        Ty::Tags => reference("groups", k.doc),
        Ty::Stance => reference("stance", k.doc),
        Ty::Table(name) => reference(name, k.doc),
        Ty::Tables(name) => json!({
            "type": "array",
            "items": { "$ref": format!("#/definitions/{name}") },
            "description": k.doc,
        }),
        Ty::Shape(shape) => described(shape_of(shape)),
    }
}

fn reference(name: &str, text: &str) -> Value {
    json!({ "allOf": [{ "$ref": format!("#/definitions/{name}") }], "description": text })
}

/// A scalar from its [`ValueSpec`], so ranges match the loader's.
fn from_spec(spec: ValueSpec) -> Value {
    match spec {
        ValueSpec::Number(lo, hi) => {
            let mut m = Map::new();
            m.insert("type".into(), json!("number"));
            m.insert("minimum".into(), json!(lo));
            if hi < f64::MAX {
                m.insert("maximum".into(), json!(hi));
            }
            Value::Object(m)
        }
        ValueSpec::Integer(lo, hi) => json!({ "type": "integer", "minimum": lo, "maximum": hi }),
        ValueSpec::Bool => json!({ "type": "boolean" }),
        ValueSpec::Choice(c) => json!({ "type": "string", "enum": c }),
    }
}

fn shape_of(shape: Shape) -> Value {
    match shape {
        Shape::Dimensions => json!({
            "type": "array",
            "items": { "type": "string", "pattern": Slug::Dimension.pattern() },
            "minItems": 1,
            "maxItems": limits::MAX_DIMENSIONS,
            "uniqueItems": true,
        }),
        Shape::Ties => json!({
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
        }),
        Shape::GroupWeights => json!({
            "type": "object",
            "additionalProperties": { "type": "number", "minimum": 0.0 },
        }),
        Shape::ArmSet => json!({
            "type": "object",
            "additionalProperties": { "$ref": "#/definitions/set_value" },
        }),
        Shape::SweepParams => json!({
            "type": "object",
            "minProperties": 1,
            "additionalProperties": { "$ref": "#/definitions/sweep_value" },
        }),
        Shape::Standard => json!({
            "anyOf": [
                { "type": "string", "enum": ["members_mean"] },
                { "$ref": "#/definitions/stance" },
            ],
        }),
        Shape::EventValue => json!({ "type": ["number", "boolean", "string"] }),
        Shape::MetricNames => json!({
            "type": "array",
            "items": { "type": "string", "enum": MetricName::NAMES },
            "minItems": 1,
            "uniqueItems": true,
        }),
    }
}

/// The keys each kind requires, as `if kind = … then required …` rules.
fn kind_rules<'a>(rules: impl Iterator<Item = (&'a str, Vec<&'a str>)>) -> Value {
    Value::Array(
        rules
            .map(|(kind, needed)| {
                json!({
                    "if": { "properties": { "kind": { "const": kind } }, "required": ["kind"] },
                    "then": { "required": needed },
                })
            })
            .collect(),
    )
}

fn definitions() -> Value {
    let mut defs = Map::new();
    for section in keys::SECTIONS {
        let mut m = object(section);
        match section.name {
            "event" => {
                let rules = EVENT_KIND_KEYS.iter().map(|(k, v)| (*k, v.to_vec()));
                m.insert("allOf".into(), kind_rules(rules));
            }
            "network" => {
                let rules = NETWORK_KIND_KEYS.iter().map(|(k, v)| (*k, vec![*v]));
                m.insert("allOf".into(), kind_rules(rules));
            }
            _ => {}
        }
        defs.insert(section.name.into(), Value::Object(m));
    }
    defs.insert(
        "stance".into(),
        json!({
            "type": "object",
            "propertyNames": { "pattern": Slug::Dimension.pattern() },
            "additionalProperties": { "type": "number", "minimum": 0.0, "maximum": 1.0 },
            "minProperties": 1,
            "description": "One value in [0, 1] per dimension, keyed by dimension name.",
        }),
    );
    defs.insert(
        "groups".into(),
        json!({
            "anyOf": [
                { "type": "string", "pattern": Slug::Group.pattern() },
                { "type": "array", "items": { "type": "string", "pattern": Slug::Group.pattern() } },
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
                    "required": keys::RANGE_KEYS,
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
    use super::*;

    #[test]
    fn ranges_come_from_the_key_table() {
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
    fn every_section_is_closed_and_lists_the_tables_keys() {
        let s = schema();
        for section in keys::SECTIONS {
            let def = &s["definitions"][section.name];
            assert_eq!(def["additionalProperties"], json!(false));
            let listed: Vec<&String> = def["properties"]
                .as_object()
                .map(|m| m.keys().collect())
                .unwrap_or_default();
            let mut names = section.names();
            names.sort_unstable();
            assert_eq!(listed, names, "{}", section.name);
        }
    }

    #[test]
    fn render_is_pretty_json_with_draft_07() {
        let text = render();
        assert!(text.ends_with("}\n"));
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v, schema());
    }
}
