//! Dotted parameter paths (`alignment.rate`, `bodies.waico.harmonization`,
//! `nations.CHN.openness`, `groups.global_south.openness`, …): parsing, value checking,
//! and applying an override to a scenario.
//!
//! Arms, `set` events and sweeps all go through [`parse`], so every place that names a
//! parameter accepts exactly the same paths and ranges.

use super::types::*;

/// What a path's value must be.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ValueSpec {
    /// A finite number in `[lo, hi]`.
    Number(f64, f64),
    /// An integer in `[lo, hi]`.
    Integer(u64, u64),
    /// `true` or `false`.
    Bool,
    /// One of these strings.
    Choice(&'static [&'static str]),
}

impl std::fmt::Display for ValueSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ValueSpec::Number(lo, hi) if *hi == f64::MAX => write!(f, "a number ≥ {lo}"),
            ValueSpec::Number(lo, hi) => write!(f, "a number in [{lo}, {hi}]"),
            ValueSpec::Integer(lo, hi) => write!(f, "an integer in [{lo}, {hi}]"),
            ValueSpec::Bool => write!(f, "`true` or `false`"),
            ValueSpec::Choice(c) => write!(
                f,
                "one of {}",
                c.iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

const UNIT: ValueSpec = ValueSpec::Number(0.0, 1.0);
const NON_NEG: ValueSpec = ValueSpec::Number(0.0, f64::MAX);
/// The names `alignment.rule` takes.
pub const RULES: &[&str] = &["pairwise", "averaging", "culture"];

/// Largest q of `alignment.traits`: more traits than this never meet in any lattice
/// accord can hold, and t/(q−1) stays an exact, distinct f64 for every t.
pub const MAX_TRAITS: u64 = 1_000_000;

/// Keys of `[alignment]`, which are also its parameter paths.
pub(crate) const ALIGNMENT_KEYS: &[&str] = &[
    "rule",
    "confidence",
    "rate",
    "stubbornness",
    "self_weight",
    "rivalry_rate",
    "noise",
    "traits",
];
/// Keys of `[diffusion]`, which are also its parameter paths.
pub(crate) const DIFFUSION_KEYS: &[&str] = &["enabled", "growth", "absorption", "norm_pull"];
const BODY_KEYS: &[&str] = &[
    "enabled",
    "founded",
    "harmonization",
    "accession_threshold",
    "join_rate",
    "exit_threshold",
    "capacity_building",
    "dialogue",
];
const NATION_KEYS: &[&str] = &[
    "gdp",
    "capability",
    "openness",
    "confidence",
    "stubbornness",
    "stance.<dimension>",
];

/// The numeric range of a path (the file's own keys use the same ranges as overrides).
pub(crate) fn range(path: &ParamPath) -> std::ops::RangeInclusive<f64> {
    match spec(path, u32::MAX) {
        ValueSpec::Number(lo, hi) => lo..=hi,
        ValueSpec::Integer(lo, hi) => lo as f64..=hi as f64,
        ValueSpec::Bool | ValueSpec::Choice(_) => 0.0..=1.0,
    }
}

/// The range of values of a path; `steps` bounds `founded`.
pub fn spec(path: &ParamPath, steps: u32) -> ValueSpec {
    match path {
        ParamPath::Alignment(k) => match k {
            AlignmentKey::Rule => ValueSpec::Choice(RULES),
            AlignmentKey::SelfWeight => NON_NEG,
            AlignmentKey::Traits => ValueSpec::Integer(2, MAX_TRAITS),
            _ => UNIT,
        },
        ParamPath::Diffusion(k) => match k {
            DiffusionKey::Enabled => ValueSpec::Bool,
            DiffusionKey::Growth => ValueSpec::Number(0.0, 10.0),
            _ => UNIT,
        },
        ParamPath::Network(NetworkKey::P) => UNIT,
        ParamPath::Network(NetworkKey::GroupWeight(_)) => NON_NEG,
        ParamPath::Body(_, k) => match k {
            BodyKey::Enabled => ValueSpec::Bool,
            BodyKey::Founded => ValueSpec::Integer(0, u64::from(steps)),
            _ => UNIT,
        },
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
        ["alignment", key] => {
            let k = match *key {
                "rule" => AlignmentKey::Rule,
                "confidence" => AlignmentKey::Confidence,
                "rate" => AlignmentKey::Rate,
                "stubbornness" => AlignmentKey::Stubbornness,
                "self_weight" => AlignmentKey::SelfWeight,
                "rivalry_rate" => AlignmentKey::RivalryRate,
                "noise" => AlignmentKey::Noise,
                "traits" => AlignmentKey::Traits,
                other => return Err(unknown("key", other, ALIGNMENT_KEYS)),
            };
            Ok(ParamPath::Alignment(k))
        }
        ["diffusion", key] => {
            let k = match *key {
                "enabled" => DiffusionKey::Enabled,
                "growth" => DiffusionKey::Growth,
                "absorption" => DiffusionKey::Absorption,
                "norm_pull" => DiffusionKey::NormPull,
                other => return Err(unknown("key", other, DIFFUSION_KEYS)),
            };
            Ok(ParamPath::Diffusion(k))
        }
        ["network", "p"] => Ok(ParamPath::Network(NetworkKey::P)),
        ["network", "group_weights", tag] => {
            find(names.groups, tag, "group", text)?;
            Ok(ParamPath::Network(NetworkKey::GroupWeight(tag.to_string())))
        }
        ["bodies", id, key] => {
            let b = find(names.bodies, id, "body", text)?;
            let k = match *key {
                "enabled" => BodyKey::Enabled,
                "founded" => BodyKey::Founded,
                "harmonization" => BodyKey::Harmonization,
                "accession_threshold" => BodyKey::AccessionThreshold,
                "join_rate" => BodyKey::JoinRate,
                "exit_threshold" => BodyKey::ExitThreshold,
                "capacity_building" => BodyKey::CapacityBuilding,
                "dialogue" => BodyKey::Dialogue,
                other => return Err(unknown("body key", other, BODY_KEYS)),
            };
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
            NATION_KEYS.join(", ")
        )),
    }
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
    let x = value.number();
    match key {
        AlignmentKey::Rule => {
            if let ParamValue::Text(t) = value {
                a.rule = match t.as_str() {
                    "averaging" => Rule::Averaging,
                    "culture" => Rule::Culture,
                    _ => Rule::Pairwise,
                };
            }
        }
        AlignmentKey::Confidence => a.confidence = x,
        AlignmentKey::Rate => a.rate = x,
        AlignmentKey::Stubbornness => a.stubbornness = x,
        AlignmentKey::SelfWeight => a.self_weight = x,
        AlignmentKey::RivalryRate => a.rivalry_rate = x,
        AlignmentKey::Noise => a.noise = x,
        AlignmentKey::Traits => a.traits = x.max(2.0).round() as u32,
    }
}

/// Applies a diffusion key; shared with the model's `set` events.
pub fn apply_diffusion(d: &mut Diffusion, key: DiffusionKey, value: &ParamValue) {
    let x = value.number();
    match key {
        DiffusionKey::Enabled => d.enabled = value.flag(),
        DiffusionKey::Growth => d.growth = x,
        DiffusionKey::Absorption => d.absorption = x,
        DiffusionKey::NormPull => d.norm_pull = x,
    }
}

/// Applies a body key; shared with the model's `set` events.
pub fn apply_body(body: &mut BodySpec, key: BodyKey, value: &ParamValue) {
    let x = value.number();
    match key {
        BodyKey::Enabled => body.enabled = value.flag(),
        BodyKey::Founded => body.founded = x.max(0.0).round() as u32,
        BodyKey::Harmonization => body.harmonization = x,
        BodyKey::AccessionThreshold => body.accession_threshold = x,
        BodyKey::JoinRate => body.join_rate = x,
        BodyKey::ExitThreshold => body.exit_threshold = x,
        BodyKey::CapacityBuilding => body.capacity_building = x,
        BodyKey::Dialogue => body.dialogue = x,
    }
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
