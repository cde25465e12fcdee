//! `dimensions`, `[experiment]`, `[alignment]`, `[diffusion]` and `[metrics]`: the
//! scenario-wide settings.

use toml::Spanned;
use toml::de::DeValue;

use super::check_slugs;
use crate::scenario::keys;
use crate::scenario::limits;
use crate::scenario::reader::{Ctx, Table, Value, quoted_list, suggest};
use crate::scenario::spec::{Named, ParamKeys, Slug};
use crate::scenario::types::*;
use crate::table::TableFormat;

pub(super) fn read_dimensions(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> Vec<String> {
    let Some(v) = top.get("dimensions") else {
        ctx.missing(top, "dimensions");
        return Vec::new();
    };
    let list = ctx.string_list(top, "dimensions");
    if !matches!(v.get_ref(), DeValue::Array(_)) {
        return Vec::new();
    }
    if list.is_empty() || list.len() > limits::MAX_DIMENSIONS {
        ctx.error(
            &v.span(),
            "dimensions",
            format!(
                "has {} names, but it must have between 1 and {}",
                list.len(),
                limits::MAX_DIMENSIONS
            ),
        );
    }
    let items = list
        .iter()
        .map(|d| (d.get_ref().as_str(), d.span(), "dimensions".to_string()));
    check_slugs(ctx, Slug::Dimension, items);
    for d in &list {
        if keys::RESERVED_DIMENSION_NAMES.contains(&d.get_ref().as_str()) {
            ctx.error(
                &d.span(),
                "dimensions",
                format!(
                    "`{}` names a column of the per-nation tables; dimensions may not be called {}",
                    d.get_ref(),
                    crate::scenario::reader::quoted_list(
                        keys::RESERVED_DIMENSION_NAMES.iter().copied()
                    )
                ),
            );
        }
    }
    list.into_iter().map(Spanned::into_inner).collect()
}

pub(super) fn read_experiment(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> Experiment {
    let mut e = Experiment {
        runs: 100,
        seed: 1,
        reference: 0,
        table_format: TableFormat::Csv,
    };
    if let Some(v) = top.get("experiment")
        && let Some(t) = ctx.table(v, "experiment", &keys::EXPERIMENT.names())
    {
        if let Some(r) = ctx.integer_opt(&t, "runs", 1..=limits::MAX_RUNS) {
            e.runs = r as u32;
        }
        // Seeds span all of u64, beyond what a parameter value (f64) holds exactly.
        if let Some(s) = ctx.integer_opt(&t, "seed", 0..=u64::MAX) {
            e.seed = s;
        }
        let format = ctx.choice(&t, "table_format", TableFormat::NAMES, "csv");
        e.table_format = TableFormat::from_name(&format).unwrap_or_default();
    }
    e
}

/// `[experiment] reference = "<arm>"`, resolved to an arm index (default: the first arm).
pub(super) fn read_reference(ctx: &mut Ctx<'_>, top: &Table<'_, '_>, arms: &[Arm]) -> usize {
    let Some(v) = top
        .get("experiment")
        .and_then(|e| e.get_ref().get("reference"))
    else {
        return 0;
    };
    let Some(name) = ctx.string_value(v, "experiment.reference") else {
        return 0;
    };
    match arms.iter().position(|a| a.name == name) {
        Some(i) => i,
        None => {
            let names: Vec<&str> = arms.iter().map(|a| a.name.as_str()).collect();
            ctx.error(
                &v.span(),
                "experiment.reference",
                format!("is `{name}`, but the arms are: {}", names.join(", ")),
            );
            0
        }
    }
}

/// Reads one table of settable keys (`[alignment]`, `[diffusion]`, `[metrics]`) from the
/// key table: defaults first, then every key the file gives.
fn read_settings<K: ParamKeys>(
    ctx: &mut Ctx<'_>,
    top: &Table<'_, '_>,
    section: &keys::Section,
) -> K::Target
where
    K::Target: Default,
{
    let mut target = K::defaults();
    if let Some(v) = top.get(section.name)
        && let Some(t) = ctx.table(v, section.name, &section.names())
    {
        ctx.params::<K>(&t, &mut target, K::spec);
    }
    target
}

pub(super) fn read_alignment(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> Alignment {
    read_settings::<AlignmentKey>(ctx, top, &keys::ALIGNMENT)
}

pub(super) fn read_diffusion(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> Diffusion {
    read_settings::<DiffusionKey>(ctx, top, &keys::DIFFUSION)
}

pub(super) fn read_metrics(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> MetricsConfig {
    let mut metrics = MetricsKey::defaults();
    if let Some(v) = top.get("metrics")
        && let Some(t) = ctx.table(v, "metrics", &keys::METRICS.names())
    {
        ctx.params::<MetricsKey>(&t, &mut metrics, MetricsKey::spec);
        if let Some(list) = t.get("compute") {
            metrics.compute = Some(read_compute(ctx, &t, list));
        }
    }
    metrics
}

/// `[metrics] compute`: known metric names, each once, at least one.
fn read_compute(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, list: &Value<'_>) -> Vec<MetricName> {
    let key = t.key("compute");
    let names = ctx.string_list(t, "compute");
    let mut compute: Vec<MetricName> = Vec::new();
    for name in &names {
        match MetricName::from_name(name.get_ref()) {
            Some(m) if compute.contains(&m) => ctx.error(
                &name.span(),
                &key,
                format!("`{}` is listed twice; keep one", name.get_ref()),
            ),
            Some(m) => compute.push(m),
            None => ctx.error(
                &name.span(),
                &key,
                format!(
                    "unknown metric `{}`{}; metrics: {}",
                    name.get_ref(),
                    suggest(name.get_ref(), MetricName::NAMES)
                        .map_or(String::new(), |s| format!(" (did you mean `{s}`?)")),
                    quoted_list(MetricName::NAMES.iter().copied())
                ),
            ),
        }
    }
    if matches!(list.get_ref(), DeValue::Array(a) if a.is_empty()) {
        ctx.error(
            &list.span(),
            &key,
            "lists no metric; name at least one, or leave `compute` out to compute all",
        );
    }
    compute
}
