//! `[sweep]`: resolves every point of a grid, Latin hypercube, `sobol` or `morris` design at
//! load time.

use toml::de::{DeTable, DeValue};

use super::Refs;
use super::arms::{param_value, resolve_path};
use crate::scenario::keys::{MAX_MORRIS_LEVELS, RANGE_KEYS, RANGE_METHODS, SWEEP, SWEEP_METHODS};
use crate::scenario::reader::{Ctx, Table, Value, describe, join};
use crate::scenario::spec::{ParamValue, ValueSpec};
use crate::scenario::types::*;
use crate::scenario::{limits, params, sweep};
use crate::stats::sobol_sequence::MAX_DIMENSIONS;

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
    let ranged = RANGE_METHODS.contains(&method.as_str());
    let options = read_options(ctx, &t, &method)?;
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
                if ranged {
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
        if ranged {
            match read_range(ctx, refs, &path, &text, value, &key, &method) {
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
    let random = match options {
        Options::Grid => None,
        Options::LatinHypercube(samples) => Some(SweepMethod::LatinHypercube { samples, ranges }),
        Options::Sobol(samples, second_order) => Some(SweepMethod::Sobol {
            samples,
            second_order,
            ranges,
        }),
        Options::Morris(trajectories, levels) => Some(SweepMethod::Morris {
            trajectories,
            levels,
            ranges,
        }),
    };
    let (method, points) = match random {
        Some(design) => {
            check_design_size(ctx, &design, &pv.span(), params.len())?;
            let values = design.draw(seed)?;
            let points = values
                .into_iter()
                .map(|xs| {
                    xs.into_iter()
                        .enumerate()
                        .map(|(j, x)| assignment(j, ParamValue::Number(x)))
                        .collect()
                })
                .collect();
            (design, points)
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
    method: &str,
) -> Option<(f64, f64)> {
    let (lo, hi) = match params::spec(path, refs.steps) {
        ValueSpec::Number(lo, hi) => (lo, hi),
        other => {
            ctx.error(
                &value.span(),
                key,
                format!(
                    "`{text}` takes {other}, but `{method}` samples continuous numbers only; \
                     sweep it with `method = \"grid\"`"
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

/// The method's own keys, read.
enum Options {
    Grid,
    LatinHypercube(u32),
    /// Base sample size N, second order.
    Sobol(u32, bool),
    /// Trajectories, levels.
    Morris(u32, u32),
}

/// Which method each method-specific key belongs to.
const METHOD_KEYS: &[(&str, &[&str])] = &[
    ("samples", &["latin_hypercube", "sobol"]),
    ("second_order", &["sobol"]),
    ("trajectories", &["morris"]),
    ("levels", &["morris"]),
];

/// Reads `samples`, `second_order`, `trajectories` and `levels` as `method` takes them, and
/// refuses those it does not take. Problems are reported, but reading goes on (with the value
/// as given) so the params are checked too; the load fails on any problem.
fn read_options(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, method: &str) -> Option<Options> {
    for (name, methods) in METHOD_KEYS {
        if let Some(v) = t.get(name).filter(|_| !methods.contains(&method)) {
            let takes = methods
                .iter()
                .map(|m| format!("`method = \"{m}\"`"))
                .collect::<Vec<_>>()
                .join(" and ");
            let why = if method == "grid" {
                "; a grid has one point per combination of the listed values"
            } else {
                ""
            };
            ctx.error(
                &v.span(),
                &t.key(name),
                format!("only applies to {takes}, but the method is `{method}`{why}"),
            );
        }
    }
    let required = |ctx: &mut Ctx<'_>, name: &str, range| match t.get(name) {
        Some(v) => ctx.integer_value(v, &t.key(name), range),
        None => {
            ctx.missing(t, name);
            None
        }
    };
    let max = limits::MAX_SWEEP_POINTS as u64;
    let options = match method {
        "latin_hypercube" => Options::LatinHypercube(required(ctx, "samples", 1..=max)? as u32),
        "sobol" => {
            let n = required(ctx, "samples", 1..=max)?;
            if n < 2 || !n.is_power_of_two() {
                let below = 1u64 << (63 - n.leading_zeros());
                let near = if n < 2 {
                    "use 2 or more".to_string()
                } else {
                    format!("use {below} or {}", below * 2)
                };
                ctx.error(
                    &t.get("samples")?.span(),
                    &t.key("samples"),
                    format!(
                        "is `{n}`, but the base sample size of a `sobol` design must be a power \
                         of two (the Sobol' sequence is balanced only at powers of two): {near}"
                    ),
                );
            }
            let second = match t.get("second_order") {
                Some(v) => match ctx.spec_value(v, &t.key("second_order"), ValueSpec::Bool)? {
                    ParamValue::Bool(b) => b,
                    _ => return None,
                },
                None => false,
            };
            Options::Sobol(n as u32, second)
        }
        "morris" => {
            let r = required(ctx, "trajectories", 2..=max)?;
            let p = match t.get("levels") {
                Some(v) => {
                    let p = ctx.integer_value(v, &t.key("levels"), 2..=MAX_MORRIS_LEVELS)?;
                    if p % 2 == 1 {
                        ctx.error(
                            &v.span(),
                            &t.key("levels"),
                            format!(
                                "is `{p}`, but Morris levels must be even (so that Δ = p/(2(p−1)) \
                                 pairs every level with another): use {} or {}",
                                p - 1,
                                p + 1
                            ),
                        );
                    }
                    p
                }
                None => 4,
            };
            Options::Morris(r as u32, p as u32)
        }
        _ => Options::Grid,
    };
    Some(options)
}

/// Refuses a `sobol` or `morris` design with fewer than 2 parameters, too many for the
/// Sobol' direction numbers, or more points than the sweep limit.
fn check_design_size(
    ctx: &mut Ctx<'_>,
    design: &SweepMethod,
    span: &std::ops::Range<usize>,
    d: usize,
) -> Option<()> {
    let (name, points) = match design {
        SweepMethod::Sobol {
            samples,
            second_order,
            ..
        } => {
            let per = if *second_order { 2 * d + 2 } else { d + 2 };
            ("sobol", u64::from(*samples) * per as u64)
        }
        SweepMethod::Morris { trajectories, .. } => {
            ("morris", u64::from(*trajectories) * (d as u64 + 1))
        }
        _ => return Some(()),
    };
    if d < 2 {
        ctx.error(
            span,
            "sweep.params",
            format!(
                "a `{name}` design needs at least 2 parameters, but {d} is swept; sensitivity \
                 indices compare parameters (sweep one parameter with `latin_hypercube` or \
                 `grid`)"
            ),
        );
        return None;
    }
    let max_params = MAX_DIMENSIONS / 2;
    if name == "sobol" && d > max_params {
        ctx.error(
            span,
            "sweep.params",
            format!(
                "a `sobol` design takes at most {max_params} parameters (the embedded Joe–Kuo \
                 direction numbers cover {MAX_DIMENSIONS} dimensions, two per parameter), but \
                 {d} are swept"
            ),
        );
        return None;
    }
    if points > limits::MAX_SWEEP_POINTS as u64 {
        ctx.error(
            span,
            "sweep.params",
            format!(
                "the `{name}` design has {points} points, more than the limit of {}",
                limits::MAX_SWEEP_POINTS
            ),
        );
        return None;
    }
    Some(())
}
