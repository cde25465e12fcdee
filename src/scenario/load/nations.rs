//! `[[nations]]`, `[population]` and the identity checks of nations.

use super::number_key;
use crate::scenario::keys::{NATION, POPULATION};
use crate::scenario::limits;
use crate::scenario::reader::{Ctx, Table, Value};
use crate::scenario::spec::{Named, Slug};
use crate::scenario::types::*;

pub(super) fn read_stance(
    ctx: &mut Ctx<'_>,
    v: &Value<'_>,
    path: &str,
    dimensions: &[String],
) -> Option<Vec<f64>> {
    let allowed: Vec<&str> = dimensions.iter().map(String::as_str).collect();
    let t = ctx.table(v, path, &allowed)?;
    let mut stance = Vec::with_capacity(dimensions.len());
    let mut missing = Vec::new();
    for d in dimensions {
        match t.get(d) {
            Some(x) => stance.push(ctx.number_value(x, &t.key(d), 0.0..=1.0).unwrap_or(0.0)),
            None => missing.push(d.as_str()),
        }
    }
    if !missing.is_empty() {
        ctx.error(
            &v.span(),
            path,
            format!(
                "has no value for dimension(s) {}; every dimension needs a value in [0, 1]",
                missing.join(", ")
            ),
        );
        return None;
    }
    Some(stance)
}

pub(super) fn read_nation(
    ctx: &mut Ctx<'_>,
    item: &Value<'_>,
    path: &str,
    dimensions: &[String],
) -> Option<NationSpec> {
    let t = ctx.table(item, path, &NATION.names())?;
    let id = ctx.string_req(&t, "id");
    if let (Some(id), Some(v)) = (&id, t.get("id"))
        && let Some(msg) = Slug::Nation.check(id)
    {
        ctx.error(&v.span(), &t.key("id"), msg);
    }
    let groups = read_groups(ctx, &t);
    let stance = match t.get("stance") {
        Some(v) => read_stance(ctx, v, &t.key("stance"), dimensions),
        None => {
            ctx.missing(&t, "stance");
            None
        }
    };
    let id = id?;
    Some(NationSpec {
        name: ctx.string_opt(&t, "name").unwrap_or_else(|| id.clone()),
        id,
        groups,
        gdp: number_key(ctx, &t, &NATION, "gdp").unwrap_or_default(),
        capability: number_key(ctx, &t, &NATION, "capability").unwrap_or_default(),
        openness: number_key(ctx, &t, &NATION, "openness").unwrap_or_default(),
        stance: stance?,
        confidence: number_key(ctx, &t, &NATION, "confidence"),
        stubbornness: number_key(ctx, &t, &NATION, "stubbornness"),
    })
}

fn read_groups(ctx: &mut Ctx<'_>, t: &Table<'_, '_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in ctx.string_list(t, "groups") {
        if let Some(msg) = Slug::Group.check(g.get_ref()) {
            ctx.error(&g.span(), &t.key("groups"), msg);
        } else if !out.contains(g.get_ref()) {
            out.push(g.into_inner());
        }
    }
    out
}

pub(super) fn check_nation_ids(
    ctx: &mut Ctx<'_>,
    nations: &[NationSpec],
    spans: &[std::ops::Range<usize>],
) {
    let mut seen: std::collections::BTreeMap<&str, usize> = Default::default();
    for (i, n) in nations.iter().enumerate() {
        if let Some(first) = seen.insert(&n.id, i) {
            let msg = Slug::Nation.duplicate(&n.id, first + 1, i + 1);
            ctx.error(&spans[i], &format!("nations[{i}].id"), msg);
        }
    }
}

pub(super) fn read_population(ctx: &mut Ctx<'_>, v: &Value<'_>, dims: usize) -> Option<Population> {
    let t = ctx.table(v, "population", &POPULATION.names())?;
    let count = ctx.integer_opt(&t, "count", 1..=limits::MAX_NATIONS as u64);
    if t.get("count").is_none() {
        ctx.missing(&t, "count");
    }
    let stance = match ctx
        .choice(&t, "stance", PopulationStance::NAMES, "uniform")
        .as_str()
    {
        "regular" => {
            // x_i = i/(n−1) spaces a line; on several dimensions it would be one diagonal.
            if dims != 1
                && let Some(v) = t.get("stance")
            {
                ctx.error(
                    &v.span(),
                    "population.stance",
                    format!(
                        "`regular` spaces stances evenly on one dimension, but the scenario has {dims}; use `uniform` or one dimension"
                    ),
                );
            }
            PopulationStance::Regular
        }
        _ => PopulationStance::Uniform,
    };
    Some(Population {
        count: count? as u32,
        stance,
        groups: read_groups(ctx, &t),
        gdp: number_key(ctx, &t, &POPULATION, "gdp").unwrap_or_default(),
        capability: number_key(ctx, &t, &POPULATION, "capability").unwrap_or_default(),
        openness: number_key(ctx, &t, &POPULATION, "openness").unwrap_or_default(),
        confidence: number_key(ctx, &t, &POPULATION, "confidence"),
        stubbornness: number_key(ctx, &t, &POPULATION, "stubbornness"),
    })
}
