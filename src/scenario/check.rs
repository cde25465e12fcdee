//! Checks of a resolved [`Scenario`] that did not come through the loader: the copy inside an
//! output folder's `manifest.json`, which `accord replay` re-simulates. A hand-edited or
//! damaged manifest must meet the same limits and ranges as a scenario file (issue 10: a
//! manifest with 38,400 nations or `rate = 5` was simulated as written).
//!
//! The ranges come from the one key table (`KeyDef`s of `param_keys!` and
//! [`params::spec`]), so nothing here restates a limit.

use serde_json::Value as Json;

use super::load::domain;
use super::spec::{KeyDef, ValueSpec};
use super::types::*;
use super::{limits, params};

/// Every problem of `s`, as `path: what is wrong`; empty when it would have loaded.
pub fn problems(s: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    let mut count = |what: &str, n: usize, max: usize| {
        if n > max {
            out.push(format!("`{what}`: {n}, more than the limit of {max}"));
        }
    };
    count("nations", s.nation_count(), limits::MAX_NATIONS);
    count("dimensions", s.dimensions.len(), limits::MAX_DIMENSIONS);
    count("steps", s.steps as usize, limits::MAX_STEPS as usize);
    count("bodies", s.bodies.len(), limits::MAX_BODIES);
    count("sweep points", s.point_count(), limits::MAX_SWEEP_POINTS);
    count(
        "experiment.runs",
        s.experiment.runs as usize,
        limits::MAX_RUNS as usize,
    );
    if s.steps == 0 || s.dimensions.is_empty() || s.nation_count() == 0 || s.arms.is_empty() {
        out.push("the scenario has no steps, dimensions, nations or arms".to_string());
    }
    let json = serde_json::to_value(s).unwrap_or(Json::Null);
    section(
        &mut out,
        "alignment",
        &json["alignment"],
        AlignmentKey::DEFS,
    );
    section(
        &mut out,
        "diffusion",
        &json["diffusion"],
        DiffusionKey::DEFS,
    );
    section(&mut out, "metrics", &json["metrics"], MetricsKey::DEFS);
    for (b, body) in json["bodies"].as_array().into_iter().flatten().enumerate() {
        section(&mut out, &format!("bodies[{b}]"), body, BodyKey::DEFS);
    }
    let k = s.dimensions.len();
    for (i, n) in s.nations.iter().enumerate() {
        let bad_stance = n.stance.len() != k || n.stance.iter().any(|x| !(0.0..=1.0).contains(x));
        let finite_non_neg = |x: f64| x.is_finite() && x >= 0.0;
        let bad_value = !finite_non_neg(n.gdp)
            || !finite_non_neg(n.capability)
            || !(0.0..=1.0).contains(&n.openness);
        if bad_stance || bad_value {
            out.push(format!(
                "`nations[{i}]` ({}): a stance, gdp, capability or openness is out of range",
                crate::fmt::escape_controls(&n.id)
            ));
        }
    }
    for a in s.assignments() {
        let spec = params::spec(&a.path, s.steps);
        if !spec.admits(&a.value) {
            out.push(format!(
                "`{}`: is `{}`, but it must be {spec}",
                crate::fmt::escape_controls(&a.text),
                show(&a.value)
            ));
        }
    }
    if out.is_empty() && domain::max_capability_log10(s) >= libm::log10(domain::MAX_CAPABILITY) {
        out.push(format!(
            "`diffusion.growth`: capabilities could grow beyond the limit of {:e} within {} steps",
            domain::MAX_CAPABILITY,
            s.steps
        ));
    }
    out
}

/// Checks the keys `defs` of one section, read from its JSON form by name.
fn section(out: &mut Vec<String>, name: &str, table: &Json, defs: &[KeyDef]) {
    for def in defs {
        let (Some(spec), Some(v)) = (def.value_spec(), table.get(def.name)) else {
            continue;
        };
        let value = match v {
            Json::Number(x) => x.as_f64().map(crate::scenario::ParamValue::Number),
            Json::Bool(b) => Some(crate::scenario::ParamValue::Bool(*b)),
            Json::String(t) => Some(crate::scenario::ParamValue::Text(t.clone())),
            // A `null` is a NaN or infinity serde wrote: never in range.
            _ => Some(crate::scenario::ParamValue::Number(f64::NAN)),
        };
        // Enumerations are stored by their Rust names; the loader already checked those
        // when the folder was written, and serde refuses unknown ones.
        if matches!(spec, ValueSpec::Choice(_)) {
            continue;
        }
        if let Some(value) = value
            && !spec.admits(&value)
        {
            out.push(format!(
                "`{name}.{}`: is `{}`, but it must be {spec}",
                def.name,
                show(&value)
            ));
        }
    }
}

/// `v` as a scenario file writes it.
fn show(v: &crate::scenario::ParamValue) -> String {
    use crate::scenario::ParamValue as P;
    match v {
        P::Number(x) => x.to_string(),
        P::Bool(b) => b.to_string(),
        P::Text(t) => crate::fmt::escape_controls(t).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quickstart() -> Scenario {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.toml");
        crate::scenario::load(&path).expect("quickstart loads")
    }

    #[test]
    fn a_loaded_scenario_has_no_problems() {
        assert_eq!(problems(&quickstart()), Vec::<String>::new());
    }

    #[test]
    fn edited_values_and_sizes_are_found() {
        let mut s = quickstart();
        s.alignment.rate = 5.0;
        s.nations[0].stance[0] = 1.5;
        s.steps = 2_000_000;
        let p = problems(&s);
        assert!(
            p.iter().any(|m| m.starts_with("`alignment.rate`: is `5`")),
            "{p:?}"
        );
        assert!(
            p.iter().any(|m| m.starts_with("`nations[0]` (USA)")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|m| m.starts_with("`steps`: 2000000, more than")),
            "{p:?}"
        );
        let mut s = quickstart();
        s.population = Some(Population {
            count: 38_400,
            stance: PopulationStance::Uniform,
            groups: Vec::new(),
            gdp: 1.0,
            capability: 1.0,
            openness: 0.0,
            confidence: None,
            stubbornness: None,
        });
        assert!(problems(&s)[0].starts_with("`nations`: 38413, more than the limit of 20000"));
        let mut s = quickstart();
        s.arms[1].set[0].value = crate::scenario::ParamValue::Number(-3.0);
        assert_eq!(problems(&s).len(), 1, "{:?}", problems(&s));
    }
}
