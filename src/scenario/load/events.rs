//! `[[events]]`: scheduled events, each kind with its own keys.

use super::arms::assignment;
use super::{Refs, list_or_none, number_key};
use crate::scenario::keys::{EVENT, EVENT_KINDS, event_kind_keys};
use crate::scenario::reader::{Ctx, Table};
use crate::scenario::types::*;

pub(super) fn read_events(ctx: &mut Ctx<'_>, top: &Table<'_, '_>, refs: &Refs) -> Vec<Event> {
    let Some(items) = ctx.array(top, "events") else {
        return Vec::new();
    };
    let mut events = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("events[{i}]");
        let Some(t) = ctx.table(item, &path, &EVENT.names()) else {
            continue;
        };
        let step = match t.get("step") {
            None => {
                ctx.missing(&t, "step");
                None
            }
            Some(v) => match ctx.integer_value(v, &t.key("step"), 0..=u64::from(u32::MAX)) {
                Some(s) if s > u64::from(refs.steps) => {
                    ctx.error(
                        &v.span(),
                        &t.key("step"),
                        format!(
                            "is {s}, after the last step ({}); events must happen in 0..={}",
                            refs.steps, refs.steps
                        ),
                    );
                    None
                }
                s => s.map(|s| s as u32),
            },
        };
        if t.get("kind").is_none() {
            ctx.missing(&t, "kind");
            continue;
        }
        let kind = ctx.choice(&t, "kind", EVENT_KINDS, "");
        let Some(needed) = event_kind_keys(&kind) else {
            continue;
        };
        for (k, v) in t.entries() {
            let k = k.get_ref().as_ref();
            if !["step", "kind"].contains(&k) && !needed.contains(&k) {
                ctx.error(
                    &v.span(),
                    &t.key(k),
                    format!(
                        "does not apply to `{kind}` events, which take: {}",
                        needed.join(", ")
                    ),
                );
            }
        }
        for k in needed {
            if t.get(k).is_none() {
                ctx.missing(&t, k);
            }
        }
        let kind = match kind.as_str() {
            "export_control" => Some(EventKind::ExportControl {
                from: refs.selectors(ctx, &t, "from"),
                to: refs.selectors(ctx, &t, "to"),
                strength: number_key(ctx, &t, &EVENT, "strength").unwrap_or_default(),
            }),
            "join" | "leave" => {
                let body = ctx.string_opt(&t, "body").and_then(|b| {
                    let pos = refs.bodies.iter().position(|x| *x == b);
                    if pos.is_none()
                        && let Some(v) = t.get("body")
                    {
                        ctx.error(
                            &v.span(),
                            &t.key("body"),
                            format!("unknown body `{b}`; bodies: {}", list_or_none(&refs.bodies)),
                        );
                    }
                    pos
                });
                let nations = refs.selectors(ctx, &t, "nations");
                body.map(|body| {
                    if kind == "join" {
                        EventKind::Join { body, nations }
                    } else {
                        EventKind::Leave { body, nations }
                    }
                })
            }
            "shock" => {
                let dimension = ctx.string_opt(&t, "dimension").and_then(|d| {
                    let pos = refs.dimensions.iter().position(|x| *x == d);
                    if pos.is_none()
                        && let Some(v) = t.get("dimension")
                    {
                        ctx.error(
                            &v.span(),
                            &t.key("dimension"),
                            format!(
                                "unknown dimension `{d}`; dimensions: {}",
                                refs.dimensions.join(", ")
                            ),
                        );
                    }
                    pos
                });
                let nations = refs.selectors(ctx, &t, "nations");
                let delta = number_key(ctx, &t, &EVENT, "delta").unwrap_or_default();
                dimension.map(|dimension| EventKind::Shock {
                    nations,
                    dimension,
                    delta,
                })
            }
            _ => {
                let text = ctx.string_opt(&t, "path");
                match (text, t.get("path"), t.get("value")) {
                    (Some(text), Some(pv), Some(value)) => {
                        if text.starts_with("network.") {
                            ctx.error(
                                &pv.span(),
                                &t.key("path"),
                                format!(
                                    "`{text}` cannot change during a run (the network is built at step 0); set it in an arm instead"
                                ),
                            );
                            None
                        } else {
                            assignment(ctx, refs, &text, &pv.span(), value, &t.key("path"))
                                .map(EventKind::Set)
                        }
                    }
                    _ => None,
                }
            }
        };
        if let (Some(step), Some(kind)) = (step, kind) {
            events.push(Event { step, kind });
        }
    }
    events.sort_by_key(|e| e.step);
    events
}
