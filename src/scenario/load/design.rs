//! `[sweep]`: resolves every point of a grid or Latin hypercube at load time.

use toml::de::{DeTable, DeValue};

use super::Refs;
use super::arms::{param_value, resolve_path};
use crate::scenario::keys::{RANGE_KEYS, SWEEP, SWEEP_METHODS};
use crate::scenario::reader::{Ctx, Table, Value, describe, join};
use crate::scenario::spec::{ParamValue, ValueSpec};
use crate::scenario::types::*;
use crate::scenario::{limits, params, sweep};

/// Flattens `params = { a.b = [..] }` and `params = { "a.b" = [..] }` alike; a table with a
/// `min` or `max` key is a Latin hypercube range, not nesting.
fn flatten_sweep<'a, 'i>(
    prefix: &str,
    table: &'a DeTable<'i>,
    out: &mut Vec<(String, std::ops::Range<usize>, &'a Value<'i>)>,
) {
    for (k, v) in table.iter() {
        let path = join(prefix, k.get_ref());
        match v.get_ref() {
            DeValue::Table(inner) if inner.get("min").is_none() && inner.get("max").is_none() => {
                flatten_sweep(&path, inner, out)
            }
            _ => out.push((path, k.span(), v)),
        }
    }
}

/// `[sweep]`: resolves every point (grid product or Latin hypercube drawn from `seed`).
pub(super) fn read_sweep(
    ctx: &mut Ctx<'_>,
    top: &Table<'_, '_>,
    refs: &Refs,
    arms: &[Arm],
    seed: u64,
) -> Option<Sweep> {
    let v = top.get("sweep")?;
    let t = ctx.table(v, "sweep", &SWEEP.names())?;
    let method = match t.get("method") {
        Some(m) => ctx.choice_value(m, "sweep.method", SWEEP_METHODS)?,
        None => {
            ctx.missing(&t, "method");
            return None;
        }
    };
    let lhs = method == "latin_hypercube";
    let samples = if lhs {
        match t.get("samples") {
            Some(s) => {
                Some(ctx.integer_value(s, "sweep.samples", 1..=limits::MAX_SWEEP_POINTS as u64)?)
            }
            None => {
                ctx.missing(&t, "samples");
                return None;
            }
        }
    } else {
        if let Some(s) = t.get("samples") {
            ctx.error(
                &s.span(),
                "sweep.samples",
                "only applies to `method = \"latin_hypercube\"`; a grid has one point per \
                 combination of the listed values",
            );
        }
        None
    };
    let Some(pv) = t.get("params") else {
        ctx.missing(&t, "params");
        return None;
    };
    let DeValue::Table(pt) = pv.get_ref() else {
        ctx.error(
            &pv.span(),
            "sweep.params",
            format!(
                "expected a table of `\"path\" = {}`, found {}",
                if lhs {
                    "{ min = …, max = … }"
                } else {
                    "[values…]"
                },
                describe(pv.get_ref())
            ),
        );
        return None;
    };
    let mut flat = Vec::new();
    flatten_sweep("", pt, &mut flat);
    if flat.is_empty() {
        ctx.error(
            &pv.span(),
            "sweep.params",
            "names no parameter; sweep at least one",
        );
        return None;
    }
    let mut ok = true;
    let mut params: Vec<(String, ParamPath)> = Vec::new();
    let mut grid_values: Vec<Vec<ParamValue>> = Vec::new();
    let mut ranges: Vec<(f64, f64)> = Vec::new();
    for (text, span, value) in flat {
        let key = format!("sweep.params.{text}");
        let Some(path) = resolve_path(ctx, refs, &text, &span, "sweep.params") else {
            ok = false;
            continue;
        };
        if let Some((other, _)) = params.iter().find(|(_, p)| *p == path) {
            ctx.error(
                &span,
                &key,
                format!("`{text}` is swept twice (also as `{other}`)"),
            );
            ok = false;
            continue;
        }
        for arm in arms {
            if let Some(a) = arm.set.iter().find(|a| a.path == path) {
                ctx.error(
                    &span,
                    &key,
                    format!(
                        "`{text}` is swept and also set by arm `{}` (`{}`); an arm must not \
                         override a swept parameter, or its paired comparison would not vary \
                         with the sweep: remove one of them",
                        arm.name, a.text
                    ),
                );
                ok = false;
            }
        }
        if lhs {
            match read_range(ctx, refs, &path, &text, value, &key) {
                Some(r) => ranges.push(r),
                None => ok = false,
            }
        } else {
            match value.get_ref() {
                DeValue::Array(items) if !items.is_empty() => {
                    let mut values = Vec::new();
                    for (i, item) in items.iter().enumerate() {
                        match param_value(ctx, refs, &path, item, &format!("{key}[{i}]")) {
                            Some(x) => values.push(x),
                            None => ok = false,
                        }
                    }
                    grid_values.push(values);
                }
                other => {
                    ctx.error(
                        &value.span(),
                        &key,
                        format!(
                            "expected a non-empty array of values, found {}",
                            describe(other)
                        ),
                    );
                    ok = false;
                }
            }
        }
        params.push((text, path));
    }
    if !ok {
        return None;
    }
    let assignment = |j: usize, value: ParamValue| Assignment {
        text: params[j].0.clone(),
        path: params[j].1.clone(),
        value,
    };
    let (method, points) = match samples {
        Some(n) => {
            let values = sweep::latin_hypercube(&ranges, n as usize, seed);
            let points = values
                .into_iter()
                .map(|xs| {
                    xs.into_iter()
                        .enumerate()
                        .map(|(j, x)| assignment(j, ParamValue::Number(x)))
                        .collect()
                })
                .collect();
            (
                SweepMethod::LatinHypercube {
                    samples: n as u32,
                    ranges,
                },
                points,
            )
        }
        None => {
            let sizes: Vec<usize> = grid_values.iter().map(Vec::len).collect();
            let total = sizes
                .iter()
                .try_fold(1usize, |acc, &n| acc.checked_mul(n))
                .unwrap_or(usize::MAX);
            if total > limits::MAX_SWEEP_POINTS {
                ctx.error(
                    &pv.span(),
                    "sweep.params",
                    format!(
                        "the grid has {} points ({}), more than the limit of {}",
                        if total == usize::MAX {
                            "too many".to_string()
                        } else {
                            total.to_string()
                        },
                        sizes
                            .iter()
                            .map(usize::to_string)
                            .collect::<Vec<_>>()
                            .join(" × "),
                        limits::MAX_SWEEP_POINTS
                    ),
                );
                return None;
            }
            let points = sweep::grid_indices(&sizes)
                .into_iter()
                .map(|idx| {
                    idx.into_iter()
                        .enumerate()
                        .map(|(j, i)| assignment(j, grid_values[j][i].clone()))
                        .collect()
                })
                .collect();
            (SweepMethod::Grid, points)
        }
    };
    Some(Sweep {
        method,
        params: params.into_iter().map(|(text, _)| text).collect(),
        points,
    })
}

/// `{ min = …, max = … }` of a Latin hypercube parameter: a continuous numeric path, both
/// bounds within its range, `min < max`.
fn read_range(
    ctx: &mut Ctx<'_>,
    refs: &Refs,
    path: &ParamPath,
    text: &str,
    value: &Value<'_>,
    key: &str,
) -> Option<(f64, f64)> {
    let (lo, hi) = match params::spec(path, refs.steps) {
        ValueSpec::Number(lo, hi) => (lo, hi),
        other => {
            ctx.error(
                &value.span(),
                key,
                format!(
                    "`{text}` takes {other}, but `latin_hypercube` samples continuous numbers \
                     only; sweep it with `method = \"grid\"`"
                ),
            );
            return None;
        }
    };
    let t = ctx.table(value, key, RANGE_KEYS)?;
    let mut bound = |name: &str| match t.get(name) {
        Some(v) => ctx.number_value(v, &t.key(name), lo..=hi),
        None => {
            ctx.missing(&t, name);
            None
        }
    };
    let min = bound("min");
    let max = bound("max");
    let (min, max) = (min?, max?);
    if min >= max {
        ctx.error(
            &value.span(),
            key,
            format!("`min` ({min}) must be less than `max` ({max})"),
        );
        return None;
    }
    Some((min, max))
}
