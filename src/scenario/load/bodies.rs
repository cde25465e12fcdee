//! `[[bodies]]`: cooperation bodies.

use toml::de::DeValue;

use super::nations::read_stance;
use super::{Refs, check_slugs};
use crate::scenario::keys::BODY;
use crate::scenario::limits;
use crate::scenario::params;
use crate::scenario::reader::{Ctx, Table};
use crate::scenario::spec::{ParamKeys, Slug};
use crate::scenario::types::*;

pub(super) fn read_bodies(ctx: &mut Ctx<'_>, top: &Table<'_, '_>, refs: &Refs) -> Vec<BodySpec> {
    let Some(items) = ctx.array(top, "bodies") else {
        return Vec::new();
    };
    if items.len() > limits::MAX_BODIES {
        ctx.error(
            &top.get("bodies").map(|v| v.span()).unwrap_or(0..0),
            "bodies",
            format!(
                "{} bodies exceed the limit of {}",
                items.len(),
                limits::MAX_BODIES
            ),
        );
        return Vec::new();
    }
    let mut out: Vec<BodySpec> = Vec::new();
    let mut ids = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("bodies[{i}]");
        let Some(t) = ctx.table(item, &path, &BODY.names()) else {
            continue;
        };
        let id = ctx.string_req(&t, "id");
        if let (Some(id), Some(v)) = (&id, t.get("id")) {
            ids.push((id.clone(), v.span(), t.key("id")));
        }
        let standard = match t.get("standard") {
            None => Standard::MembersMean,
            Some(v) => match v.get_ref() {
                DeValue::String(_) => {
                    ctx.choice_value(v, &t.key("standard"), &["members_mean"]);
                    Standard::MembersMean
                }
                _ => read_stance(ctx, v, &t.key("standard"), &refs.dimensions)
                    .map_or(Standard::MembersMean, Standard::Fixed),
            },
        };
        let Some(id) = id else { continue };
        let mut body = BodySpec {
            name: ctx.string_opt(&t, "name").unwrap_or_else(|| id.clone()),
            id,
            founders: refs.selectors(ctx, &t, "founders"),
            standard,
            ..BodyKey::defaults()
        };
        ctx.params::<BodyKey>(&t, &mut body, |k| {
            params::spec(&ParamPath::Body(0, k), refs.steps)
        });
        out.push(body);
    }
    let ids = ids
        .iter()
        .map(|(id, span, key)| (id.as_str(), span.clone(), key.clone()));
    check_slugs(ctx, Slug::Body, ids);
    out
}
