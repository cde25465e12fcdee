//! `[[arms]]` and parameter assignments (`path = value`), which `set` events and sweeps
//! resolve the same way.

use toml::de::{DeTable, DeValue};

use super::{Refs, check_slugs};
use crate::scenario::keys::ARM;
use crate::scenario::params;
use crate::scenario::reader::{Ctx, Table, Value, describe, join};
use crate::scenario::spec::{ParamValue, Slug};
use crate::scenario::types::*;

/// Flattens `set = { a.b = 1 }` (nested tables) and `set = { "a.b" = 1 }` alike into
/// `(dotted path, key span, value)`.
fn flatten_set<'a, 'i>(
    prefix: &str,
    table: &'a DeTable<'i>,
    out: &mut Vec<(String, std::ops::Range<usize>, &'a Value<'i>)>,
) {
    for (k, v) in table.iter() {
        let path = join(prefix, k.get_ref());
        match v.get_ref() {
            // Explicit stance tables are not parameters, so a table always means nesting.
            DeValue::Table(inner) => flatten_set(&path, inner, out),
            _ => out.push((path, k.span(), v)),
        }
    }
}

/// Resolves `path = value` against the scenario's names and the path's value range.
pub(super) fn assignment(
    ctx: &mut Ctx<'_>,
    refs: &Refs,
    text: &str,
    key_span: &std::ops::Range<usize>,
    value: &Value<'_>,
    where_: &str,
) -> Option<Assignment> {
    let path = resolve_path(ctx, refs, text, key_span, where_)?;
    let value = param_value(ctx, refs, &path, value, &format!("{where_}.{text}"))?;
    Some(Assignment {
        text: text.to_string(),
        path,
        value,
    })
}

/// Resolves a parameter path (as arms and sweeps may name it), reporting it at `key_span`.
pub(super) fn resolve_path(
    ctx: &mut Ctx<'_>,
    refs: &Refs,
    text: &str,
    key_span: &std::ops::Range<usize>,
    where_: &str,
) -> Option<ParamPath> {
    let path = match params::parse(text, &refs.names()) {
        Ok(p) => p,
        Err(msg) => {
            ctx.error(key_span, where_, msg);
            return None;
        }
    };
    if let ParamPath::Group(tag, NationKey::Stance(_)) = &path
        && refs.population_groups.contains(tag)
    {
        ctx.error(
            key_span,
            where_,
            format!(
                "`{text}` would set stances of `[population]` nations, which are drawn per run"
            ),
        );
        return None;
    }
    if path == ParamPath::Network(NetworkKey::P) && !refs.random_network {
        ctx.error(
            key_span,
            where_,
            "`network.p` only applies to `kind = \"random\"` networks",
        );
        return None;
    }
    Some(path)
}

/// Checks one value against a resolved path's type and range; `key` names it in messages.
pub(super) fn param_value(
    ctx: &mut Ctx<'_>,
    refs: &Refs,
    path: &ParamPath,
    value: &Value<'_>,
    key: &str,
) -> Option<ParamValue> {
    ctx.spec_value(value, key, params::spec(path, refs.steps))
}

pub(super) fn read_arms(ctx: &mut Ctx<'_>, top: &Table<'_, '_>, refs: &Refs) -> Vec<Arm> {
    let Some(items) = ctx.array(top, "arms") else {
        return vec![Arm {
            name: "baseline".into(),
            set: Vec::new(),
        }];
    };
    let mut arms: Vec<Arm> = Vec::new();
    let mut names = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("arms[{i}]");
        let Some(t) = ctx.table(item, &path, &ARM.names()) else {
            continue;
        };
        let name = ctx.string_req(&t, "name");
        if let (Some(n), Some(v)) = (&name, t.get("name")) {
            names.push((n.clone(), v.span(), t.key("name")));
        }
        let mut set = Vec::new();
        if let Some(v) = t.get("set") {
            match v.get_ref() {
                DeValue::Table(st) => {
                    let mut flat = Vec::new();
                    flatten_set("", st, &mut flat);
                    for (text, span, value) in flat {
                        let Some(a) = assignment(ctx, refs, &text, &span, value, &t.key("set"))
                        else {
                            continue;
                        };
                        // `"a.b" = 1` and `a.b = 2` are different TOML keys for one path.
                        if set.iter().any(|f: &Assignment| f.path == a.path) {
                            ctx.error(
                                &span,
                                &format!("{}.{text}", t.key("set")),
                                format!("`{text}` is set twice in this arm; keep one"),
                            );
                            continue;
                        }
                        set.push(a);
                    }
                }
                other => ctx.error(
                    &v.span(),
                    &t.key("set"),
                    format!(
                        "expected a table of `\"path\" = value`, found {}",
                        describe(other)
                    ),
                ),
            }
        }
        if let Some(name) = name {
            arms.push(Arm { name, set });
        }
    }
    let names = names
        .iter()
        .map(|(n, span, key)| (n.as_str(), span.clone(), key.clone()));
    check_slugs(ctx, Slug::Arm, names);
    if arms.is_empty() && ctx.problems.is_empty() {
        arms.push(Arm {
            name: "baseline".into(),
            set: Vec::new(),
        });
    }
    arms
}
