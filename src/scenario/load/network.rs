//! `[network]` and `[[rivalries]]`.

use toml::Spanned;
use toml::de::DeValue;

use super::{Refs, number_key};
use crate::scenario::keys::{self, NETWORK, NETWORK_KIND_KEYS, NETWORK_KINDS, RIVALRY};
use crate::scenario::reader::{Ctx, Table, describe};
use crate::scenario::types::*;

pub(super) fn read_network(ctx: &mut Ctx<'_>, top: &Table<'_, '_>, refs: &Refs) -> Network {
    let mut net = Network {
        kind: NetworkKind::Complete,
        group_weights: Vec::new(),
    };
    let Some(v) = top.get("network") else {
        return net;
    };
    let Some(t) = ctx.table(v, "network", &NETWORK.names()) else {
        return net;
    };
    let kind = ctx.choice(&t, "kind", NETWORK_KINDS, "complete");
    // Each kind's own key (`p`, `side`, `ties`) belongs to that kind only.
    for (only, key) in NETWORK_KIND_KEYS {
        if kind != *only
            && let Some(p) = t.get(key)
        {
            ctx.error(
                &p.span(),
                &t.key(key),
                format!("only applies to `kind = \"{only}\"`, but kind is `{kind}`"),
            );
        }
    }
    net.kind = match kind.as_str() {
        "random" => {
            if t.get("p").is_none() {
                ctx.missing(&t, "p");
            }
            NetworkKind::Random {
                p: number_key(ctx, &t, &NETWORK, "p").unwrap_or_default(),
            }
        }
        "explicit" => NetworkKind::Explicit {
            ties: read_ties(ctx, &t, refs),
        },
        "lattice" => {
            if t.get("side").is_none() {
                ctx.missing(&t, "side");
            }
            NetworkKind::Lattice {
                side: ctx
                    .integer_opt(&t, "side", 1..=keys::MAX_LATTICE_SIDE)
                    .unwrap_or(0) as u32,
            }
        }
        _ => NetworkKind::Complete,
    };
    if let Some(v) = t.get("group_weights")
        && let Some(gw) = ctx.table(v, "network.group_weights", &group_refs(refs))
    {
        for (k, val) in gw.entries() {
            let key = gw.key(k.get_ref());
            if let Some(x) = ctx.number_value(val, &key, 0.0..=f64::MAX) {
                net.group_weights.push((k.get_ref().to_string(), x));
            }
        }
    }
    net
}

fn group_refs(refs: &Refs) -> Vec<&str> {
    refs.groups.iter().map(String::as_str).collect()
}

fn read_ties(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, refs: &Refs) -> Vec<(usize, usize, f64)> {
    let Some(items) = ctx.array(t, "ties") else {
        ctx.missing(t, "ties");
        return Vec::new();
    };
    let mut ties = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let key = format!("network.ties[{i}]");
        let triple = match item.get_ref() {
            DeValue::Array(a) if a.len() == 3 => a,
            other => {
                ctx.error(
                    &item.span(),
                    &key,
                    format!(
                        "expected `[\"A\", \"B\", weight]`, found {}",
                        describe(other)
                    ),
                );
                continue;
            }
        };
        let mut ends = Vec::new();
        for end in &triple[..2] {
            if let Some(id) = ctx.string_value(end, &key) {
                match refs.nation_ids.iter().position(|n| *n == id) {
                    Some(ix) => ends.push(ix),
                    None => ctx.error(
                        &end.span(),
                        &key,
                        format!("unknown nation `{id}` (ties name nation ids)"),
                    ),
                }
            }
        }
        let w = ctx.number_value(&triple[2], &key, 0.0..=f64::MAX);
        if let ([a, b], Some(w)) = (ends.as_slice(), w) {
            if a == b {
                ctx.error(&item.span(), &key, "a nation cannot be tied to itself");
            } else {
                ties.push((*a, *b, w));
            }
        }
    }
    ties
}

pub(super) fn read_rivalries(ctx: &mut Ctx<'_>, top: &Table<'_, '_>, refs: &Refs) -> Vec<Rivalry> {
    let Some(items) = ctx.array(top, "rivalries") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("rivalries[{i}]");
        let Some(t) = ctx.table(item, &path, &RIVALRY.names()) else {
            continue;
        };
        let side = |ctx: &mut Ctx<'_>, key: &str| {
            let s = ctx.string_opt(&t, key);
            if t.get(key).is_none() {
                ctx.missing(&t, key);
            }
            let v = t.get(key)?;
            refs.selector(ctx, &Spanned::new(v.span(), s?), &t.key(key))
        };
        let a = side(ctx, "a");
        let b = side(ctx, "b");
        let strength = number_key(ctx, &t, &RIVALRY, "strength").unwrap_or(1.0);
        if let (Some(a), Some(b)) = (a, b) {
            out.push(Rivalry { a, b, strength });
        }
    }
    out
}
