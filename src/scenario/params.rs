//! Dotted parameter paths (`alignment.rate`, `bodies.waico.harmonization`,
//! `nations.CHN.openness`, `groups.global_south.openness`, …): parsing, value checking,
//! and applying an override to a scenario.
//!
//! Arms, `set` events and sweeps all go through [`parse`], so every place that names a
//! parameter accepts exactly the same paths and ranges.

use super::keys;
use super::spec::{NON_NEG, ParamKeys, ParamValue, UNIT, ValueSpec};
use super::types::*;

/// The range of values of a path, from the key table; `steps` bounds `founded`.
pub fn spec(path: &ParamPath, steps: u32) -> ValueSpec {
    match path {
        ParamPath::Alignment(k) => k.spec(),
        ParamPath::Diffusion(k) => k.spec(),
        ParamPath::Network(NetworkKey::P) => UNIT,
        ParamPath::Network(NetworkKey::GroupWeight(_)) => NON_NEG,
        ParamPath::Body(_, BodyKey::Founded) => ValueSpec::Integer(0, u64::from(steps)),
        ParamPath::Body(_, k) => k.spec(),
        ParamPath::Nation(_, k) | ParamPath::Group(_, k) => match k {
            NationKey::Gdp | NationKey::Capability => NON_NEG,
            _ => UNIT,
        },
    }
}

/// What the resolver needs to know about the scenario's names.
pub struct Names<'a> {
    /// Dimension names.
    pub dimensions: &'a [String],
    /// Body ids, by index.
    pub bodies: &'a [String],
    /// Nation ids, by index.
    pub nations: &'a [String],
    /// Every group tag carried by some nation.
    pub groups: &'a [String],
}

/// Parses a dotted path; the error says what is allowed at the first part that fails.
pub fn parse(text: &str, names: &Names<'_>) -> Result<ParamPath, String> {
    let parts: Vec<&str> = text.split('.').collect();
    let unknown = |what: &str, got: &str, allowed: &[&str]| {
        format!(
            "unknown {what} `{got}` in parameter path `{text}`; allowed: {}",
            allowed.join(", ")
        )
    };
    match parts.as_slice() {
        ["alignment", key] => AlignmentKey::from_name(key)
            .map(ParamPath::Alignment)
            .ok_or_else(|| unknown("key", key, &keys::ALIGNMENT.names())),
        ["diffusion", key] => DiffusionKey::from_name(key)
            .map(ParamPath::Diffusion)
            .ok_or_else(|| unknown("key", key, &keys::DIFFUSION.names())),
        ["network", "p"] => Ok(ParamPath::Network(NetworkKey::P)),
        ["network", "group_weights", tag] => {
            find(names.groups, tag, "group", text)?;
            Ok(ParamPath::Network(NetworkKey::GroupWeight(tag.to_string())))
        }
        ["bodies", id, key] => {
            let b = find(names.bodies, id, "body", text)?;
            let k = BodyKey::from_name(key).ok_or_else(|| {
                let names: Vec<&str> = BodyKey::ALL.iter().map(|k| k.name()).collect();
                unknown("body key", key, &names)
            })?;
            Ok(ParamPath::Body(b, k))
        }
        ["nations", id, rest @ ..] => {
            let n = find(names.nations, id, "nation", text)?;
            Ok(ParamPath::Nation(n, nation_key(rest, names, text)?))
        }
        ["groups", tag, rest @ ..] => {
            find(names.groups, tag, "group", text)?;
            Ok(ParamPath::Group(
                tag.to_string(),
                nation_key(rest, names, text)?,
            ))
        }
        [first, ..] => Err(unknown(
            "section",
            first,
            &[
                "alignment.<key>",
                "diffusion.<key>",
                "network.p",
                "network.group_weights.<group>",
                "bodies.<id>.<key>",
                "nations.<id>.<key>",
                "groups.<group>.<key>",
            ],
        )),
        [] => Err("empty parameter path".to_string()),
    }
}

fn nation_key(rest: &[&str], names: &Names<'_>, text: &str) -> Result<NationKey, String> {
    match rest {
        ["gdp"] => Ok(NationKey::Gdp),
        ["capability"] => Ok(NationKey::Capability),
        ["openness"] => Ok(NationKey::Openness),
        ["confidence"] => Ok(NationKey::Confidence),
        ["stubbornness"] => Ok(NationKey::Stubbornness),
        ["stance", dim] => Ok(NationKey::Stance(find(
            names.dimensions,
            dim,
            "dimension",
            text,
        )?)),
        _ => Err(format!(
            "unknown nation key `{}` in parameter path `{text}`; allowed: {}",
            rest.join("."),
            nation_path_keys().join(", ")
        )),
    }
}

/// `gdp, …, stance.<dimension>`: the nation keys a path may name, from the key table.
fn nation_path_keys() -> Vec<String> {
    let names = keys::NATION
        .keys()
        .filter_map(|k| keys::param_path(&keys::NATION, k))
        .map(|p| p.trim_start_matches("nations.<id>.").to_string());
    // Stance paths take a dimension, so they are listed last.
    let (stance, mut out): (Vec<String>, Vec<String>) =
        names.partition(|k| k.starts_with("stance"));
    out.extend(stance);
    out
}

fn find(list: &[String], name: &str, what: &str, text: &str) -> Result<usize, String> {
    list.iter().position(|x| x == name).ok_or_else(|| {
        let shown: Vec<&str> = list.iter().take(20).map(String::as_str).collect();
        let more = if list.len() > 20 { ", …" } else { "" };
        if list.is_empty() {
            format!("unknown {what} `{name}` in parameter path `{text}`: the scenario has none")
        } else {
            format!(
                "unknown {what} `{name}` in parameter path `{text}`; known: {}{more}",
                shown.join(", ")
            )
        }
    })
}

/// Applies an override to the scenario's configuration (arms and sweeps do this before the
/// world is built). `Group` overrides reach named nations here; the model applies them to
/// population nations too, which is why [`Scenario::population`] keeps its groups.
pub fn apply(scenario: &mut Scenario, path: &ParamPath, value: &ParamValue) {
    let x = value.number();
    match path {
        ParamPath::Alignment(k) => apply_alignment(&mut scenario.alignment, *k, value),
        ParamPath::Diffusion(k) => apply_diffusion(&mut scenario.diffusion, *k, value),
        ParamPath::Network(NetworkKey::P) => {
            if let NetworkKind::Random { p } = &mut scenario.network.kind {
                *p = x;
            }
        }
        ParamPath::Network(NetworkKey::GroupWeight(tag)) => {
            let gw = &mut scenario.network.group_weights;
            match gw.iter_mut().find(|(g, _)| g == tag) {
                Some(entry) => entry.1 = x,
                None => gw.push((tag.clone(), x)),
            }
        }
        ParamPath::Body(b, k) => apply_body(&mut scenario.bodies[*b], *k, value),
        ParamPath::Nation(n, k) => apply_nation(&mut scenario.nations[*n], *k, x),
        ParamPath::Group(tag, k) => {
            for nation in scenario.nations.iter_mut() {
                if nation.groups.iter().any(|g| g == tag) {
                    apply_nation(nation, *k, x);
                }
            }
            if let Some(pop) = scenario.population.as_mut()
                && pop.groups.iter().any(|g| g == tag)
            {
                match k {
                    NationKey::Gdp => pop.gdp = x,
                    NationKey::Capability => pop.capability = x,
                    NationKey::Openness => pop.openness = x,
                    NationKey::Confidence => pop.confidence = Some(x),
                    NationKey::Stubbornness => pop.stubbornness = Some(x),
                    // Validation rejects stance paths that reach drawn stances.
                    NationKey::Stance(_) => {}
                }
            }
        }
    }
}

/// Applies an alignment key; shared with the model's `set` events.
pub fn apply_alignment(a: &mut Alignment, key: AlignmentKey, value: &ParamValue) {
    key.apply(a, value);
}

/// Applies a diffusion key; shared with the model's `set` events.
pub fn apply_diffusion(d: &mut Diffusion, key: DiffusionKey, value: &ParamValue) {
    key.apply(d, value);
}

/// Applies a body key; shared with the model's `set` events.
pub fn apply_body(body: &mut BodySpec, key: BodyKey, value: &ParamValue) {
    key.apply(body, value);
}

fn apply_nation(n: &mut NationSpec, key: NationKey, x: f64) {
    match key {
        NationKey::Gdp => n.gdp = x,
        NationKey::Capability => n.capability = x,
        NationKey::Openness => n.openness = x,
        NationKey::Confidence => n.confidence = Some(x),
        NationKey::Stubbornness => n.stubbornness = Some(x),
        NationKey::Stance(d) => n.stance[d] = x,
    }
}

impl Scenario {
    /// The scenario as arm `arm` sees it: the arm's overrides applied in order.
    pub fn for_arm(&self, arm: usize) -> Scenario {
        let mut s = self.clone();
        if let Some(a) = self.arms.get(arm) {
            for assignment in &a.set {
                apply(&mut s, &assignment.path, &assignment.value);
            }
        }
        s
    }

    /// A copy without the sweep, which is not copied: a design of thousands of points holds
    /// many thousands of assignments, and [`Scenario::at_point`] is called for every run.
    /// Written field by field so that a new field cannot be forgotten here.
    fn without_sweep(&self) -> Scenario {
        let Scenario {
            name,
            description,
            steps,
            step_unit,
            dimensions,
            experiment,
            arms,
            alignment,
            network,
            rivalries,
            diffusion,
            bodies,
            events,
            metrics,
            nations,
            population,
            sweep: _,
        } = self;
        Scenario {
            name: name.clone(),
            description: description.clone(),
            steps: *steps,
            step_unit: step_unit.clone(),
            dimensions: dimensions.clone(),
            experiment: experiment.clone(),
            arms: arms.clone(),
            alignment: alignment.clone(),
            network: network.clone(),
            rivalries: rivalries.clone(),
            diffusion: diffusion.clone(),
            bodies: bodies.clone(),
            events: events.clone(),
            metrics: metrics.clone(),
            nations: nations.clone(),
            population: population.clone(),
            sweep: None,
        }
    }

    /// The scenario at sweep point `point`: the point's assignments applied to the base, with
    /// the sweep removed, so [`Scenario::for_arm`] then applies the arm's `set` on top. Without
    /// a sweep (or for an unknown point) the base scenario without changes.
    pub fn at_point(&self, point: usize) -> Scenario {
        let mut s = self.without_sweep();
        if let Some(assignments) = self.sweep.as_ref().and_then(|w| w.points.get(point)) {
            for a in assignments {
                apply(&mut s, &a.path, &a.value);
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> (Vec<String>, Vec<String>, Vec<String>, Vec<String>) {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        (
            s(&["privacy", "safety"]),
            s(&["waico"]),
            s(&["USA", "CHN"]),
            s(&["global_south"]),
        )
    }

    #[test]
    fn parses_every_kind_of_path() {
        let (d, b, n, g) = names();
        let names = Names {
            dimensions: &d,
            bodies: &b,
            nations: &n,
            groups: &g,
        };
        assert_eq!(
            parse("alignment.rate", &names),
            Ok(ParamPath::Alignment(AlignmentKey::Rate))
        );
        assert_eq!(
            parse("bodies.waico.harmonization", &names),
            Ok(ParamPath::Body(0, BodyKey::Harmonization))
        );
        assert_eq!(
            parse("nations.CHN.stance.safety", &names),
            Ok(ParamPath::Nation(1, NationKey::Stance(1)))
        );
        assert_eq!(
            parse("groups.global_south.openness", &names),
            Ok(ParamPath::Group(
                "global_south".to_string(),
                NationKey::Openness
            ))
        );
    }

    #[test]
    fn unknown_parts_list_what_is_allowed() {
        let (d, b, n, g) = names();
        let names = Names {
            dimensions: &d,
            bodies: &b,
            nations: &n,
            groups: &g,
        };
        let err = parse("bodies.wto.harmonization", &names).unwrap_err();
        assert!(
            err.contains("unknown body `wto`") && err.contains("waico"),
            "{err}"
        );
        let err = parse("alignment.speed", &names).unwrap_err();
        assert!(
            err.contains("confidence") && err.contains("rivalry_rate"),
            "{err}"
        );
        let err = parse("nations.USA.stance.trade", &names).unwrap_err();
        assert!(err.contains("privacy, safety"), "{err}");
    }
}
