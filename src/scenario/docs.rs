//! Documents generated from the key table: the README's key reference (checked by a test
//! against README.md) and `describe`'s table of every setting of a scenario.

use super::keys::{ALIGNMENT, BODY, DIFFUSION, METRICS, SECTIONS, Section, TOP, param_path};
use super::limits;
use super::spec::Named;
use super::spec::{KeyDef, NON_NEG, Param, Shape, Ty, UNIT};
use super::types::{MetricName, Scenario};

/// How a key's value reads in the README.
fn value_text(k: &KeyDef) -> String {
    match k.ty {
        Ty::Value(spec) => spec.to_string(),
        Ty::Text => "text".into(),
        Ty::Slug(s) => format!(
            "{} (`{}`)",
            s.what(),
            s.pattern().trim_start_matches('^').trim_end_matches('$')
        ),
        Ty::Selector => "nation id or `\"group:<tag>\"`".into(),
        Ty::Selectors => "nation ids or `\"group:<tag>\"` (one or a list)".into(),
        Ty::Tags => "group tags (one or a list)".into(),
        Ty::Stance => "table: a value in [0, 1] per dimension".into(),
        Ty::Table(_) => "table".into(),
        Ty::Tables(_) => "array of tables".into(),
        Ty::Shape(s) => match s {
            Shape::Dimensions => format!("1..={} unique dimension names", limits::MAX_DIMENSIONS),
            Shape::Ties => "`[[\"A\", \"B\", weight], …]`".into(),
            Shape::GroupWeights => "table: group tag = number ≥ 0".into(),
            Shape::ArmSet => "table: parameter path = value".into(),
            Shape::SweepParams => "table: parameter path = values or range".into(),
            Shape::Standard => "`\"members_mean\"` or a stance table".into(),
            Shape::EventValue => "number, boolean or string".into(),
            Shape::MetricNames => format!(
                "a list of {}",
                crate::scenario::reader::quoted_list(MetricName::NAMES.iter().copied())
            ),
        },
    }
}

/// The README's key reference: one table per section, and the table of parameter paths.
/// A test compares it with the README, so the two cannot drift apart.
pub fn readme_reference() -> String {
    let mut out = String::new();
    for s in std::iter::once(&TOP).chain(SECTIONS.iter().copied()) {
        out.push_str(&format!(
            "#### {}\n\n| key | value | default | meaning |\n|---|---|---|---|\n",
            if s.name.is_empty() {
                s.heading.to_string()
            } else {
                format!("`{}`", s.heading)
            }
        ));
        for k in s.keys() {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                k.name,
                value_text(k),
                k.default,
                k.doc
            ));
        }
        out.push('\n');
    }
    out.push_str("#### Parameter paths\n\nArms' `set`, sweeps' `params` and `set` events name parameters by these paths; `groups.<tag>.<key>` takes every nation key and applies it to every nation carrying the tag.\n\n| path | value | arms and sweeps | events |\n|---|---|---|---|\n");
    for s in SECTIONS {
        for k in s.keys() {
            if let Some(path) = param_path(s, k) {
                let spec = match k.ty {
                    Ty::Stance => UNIT.to_string(),
                    Ty::Shape(Shape::GroupWeights) => NON_NEG.to_string(),
                    _ => value_text(k),
                };
                let events = if k.param == Param::Yes { "yes" } else { "no" };
                out.push_str(&format!("| `{path}` | {spec} | yes | {events} |\n"));
            }
        }
    }
    out
}

/// Markdown rows `| path | value | meaning |` of every scalar setting of `s`: alignment,
/// diffusion, metrics and each body's settable keys, in the key table's order. `describe`
/// lists them so a reader sees every assumption, including the defaults the file left out.
pub fn settings_table(s: &Scenario) -> String {
    let mut out = String::from("| parameter | value | meaning |\n|---|---|---|\n");
    let mut rows = |prefix: &str, section: &Section, value: serde_json::Value| {
        for k in section.keys().filter(|k| matches!(k.ty, Ty::Value(_))) {
            let shown = match value.get(k.name) {
                Some(serde_json::Value::String(v)) => format!("`{}`", snake_case(v)),
                Some(v) => v.to_string(),
                None => continue,
            };
            out.push_str(&format!(
                "| `{prefix}.{}` | {shown} | {} |\n",
                k.name, k.doc
            ));
        }
    };
    // Serialising plain structs of numbers, booleans and unit enums cannot fail.
    fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
        serde_json::to_value(v).unwrap_or_default()
    }
    rows("alignment", &ALIGNMENT, json(&s.alignment));
    rows("diffusion", &DIFFUSION, json(&s.diffusion));
    rows("metrics", &METRICS, json(&s.metrics));
    for b in &s.bodies {
        rows(&format!("bodies.{}", b.id), &BODY, json(b));
    }
    out
}

/// `LatinHypercube` → `latin_hypercube`: unit enum variants serialise in CamelCase, while
/// scenario files name them in snake case (a test checks the two agree for every choice).
fn snake_case(v: &str) -> String {
    let mut out = String::new();
    for (i, c) in v.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::spec::Named;

    /// The README's key reference is this table's output: regenerate it with
    /// `ACCORD_UPDATE_README=1 cargo test --release --lib readme_key_reference`.
    #[test]
    fn readme_key_reference_is_generated_from_the_table() {
        const BEGIN: &str = "<!-- BEGIN key reference: generated from src/scenario/keys.rs; regenerate with `ACCORD_UPDATE_README=1 cargo test --release --lib readme_key_reference` -->\n";
        const END: &str = "<!-- END key reference -->";
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let text = std::fs::read_to_string(&path).unwrap();
        let start = text.find(BEGIN).expect("README has the BEGIN marker") + BEGIN.len();
        let end = text.find(END).expect("README has the END marker");
        let fresh = readme_reference();
        if std::env::var_os("ACCORD_UPDATE_README").is_some() {
            let updated = format!("{}{fresh}{}", &text[..start], &text[end..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            assert!(
                text[start..end] == fresh,
                "README.md's key reference differs from src/scenario/keys.rs; regenerate it with \
                 ACCORD_UPDATE_README=1 cargo test --release --lib readme_key_reference"
            );
        }
    }

    #[test]
    fn choices_serialise_as_their_file_names() {
        use crate::scenario::types::{Rule, Weighting};
        for r in Rule::ALL {
            let v = serde_json::to_value(r).unwrap();
            assert_eq!(snake_case(v.as_str().unwrap()), r.name());
        }
        for w in Weighting::ALL {
            let v = serde_json::to_value(w).unwrap();
            assert_eq!(snake_case(v.as_str().unwrap()), w.name());
        }
    }
}
