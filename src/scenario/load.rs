//! Reading a scenario file into a validated [`Scenario`], reporting every problem at once.
//!
//! Two stages, as the style guide asks: the TOML document is parsed with spans, then each
//! section is read and checked by hand against the contract (types, ranges, known keys),
//! and finally cross-references (ids, groups, bodies, dimensions, parameter paths) are
//! resolved. Problems accumulate in a [`Ctx`]; a scenario is returned only if there are none.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::limits;
use super::nations_file;
use super::params::{self, Names, ValueSpec};
use super::reader::{Ctx, Table, Value, describe, join};
use super::sweep;
use super::types::*;
use crate::error::{Error, Problem};

/// Top-level keys; `accord schema` lists exactly these (checked by a test).
pub(crate) const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "steps",
    "step_unit",
    "dimensions",
    "experiment",
    "arms",
    "alignment",
    "network",
    "rivalries",
    "diffusion",
    "bodies",
    "events",
    "metrics",
    "nations",
    "nations_file",
    "population",
    "sweep",
];
/// Keys of `[sweep]`.
pub(crate) const SWEEP_KEYS: &[&str] = &["method", "params", "samples"];
/// `[sweep] method` values.
pub(crate) const SWEEP_METHODS: &[&str] = &["grid", "latin_hypercube"];
/// Keys of a `latin_hypercube` parameter's range.
pub(crate) const LHS_RANGE_KEYS: &[&str] = &["min", "max"];
/// Keys of a `[[nations]]` entry.
pub(crate) const NATION_KEYS: &[&str] = &[
    "id",
    "name",
    "groups",
    "gdp",
    "capability",
    "openness",
    "stance",
    "confidence",
    "stubbornness",
];

/// Keys of `[experiment]`. The key lists are constants so `accord schema` can be checked
/// against exactly what the loader accepts.
pub(crate) const EXPERIMENT_KEYS: &[&str] = &["runs", "seed", "reference"];
/// Keys of `[metrics]`.
pub(crate) const METRICS_KEYS: &[&str] = &["tolerance", "weighting", "min_cluster_share", "every"];
/// Keys of `[population]`.
pub(crate) const POPULATION_KEYS: &[&str] = &[
    "count",
    "stance",
    "groups",
    "gdp",
    "capability",
    "openness",
    "confidence",
    "stubbornness",
];
/// Keys of `[network]`.
pub(crate) const NETWORK_KEYS: &[&str] = &["kind", "p", "ties", "side", "group_weights"];
/// Keys of a `[[rivalries]]` entry.
pub(crate) const RIVALRY_KEYS: &[&str] = &["a", "b", "strength"];
/// Keys of a `[[bodies]]` entry.
pub(crate) const BODY_KEYS: &[&str] = &[
    "id",
    "name",
    "enabled",
    "founded",
    "founders",
    "standard",
    "harmonization",
    "accession_threshold",
    "join_rate",
    "exit_threshold",
    "capacity_building",
    "dialogue",
];
/// Keys of an `[[arms]]` entry.
pub(crate) const ARM_KEYS: &[&str] = &["name", "set", "description"];
/// Keys of an `[[events]]` entry (all kinds; each kind takes `step`, `kind` and its own).
pub(crate) const EVENT_KEYS: &[&str] = &[
    "step",
    "kind",
    "from",
    "to",
    "strength",
    "body",
    "nations",
    "dimension",
    "delta",
    "path",
    "value",
];
/// `[network] kind` values.
pub(crate) const NETWORK_KINDS: &[&str] = &["complete", "random", "explicit", "lattice"];
/// `[[events]] kind` values.
pub(crate) const EVENT_KINDS: &[&str] = &["export_control", "join", "leave", "shock", "set"];
/// `[metrics] weighting` values.
pub(crate) const WEIGHTINGS: &[&str] = &["gdp", "equal"];
/// `[population] stance` values.
pub(crate) const POPULATION_STANCES: &[&str] = &["uniform", "regular"];

/// How strictly [`load_with`] treats the files a scenario points at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Let `nations_file` resolve (through `..` or a symlink) outside the scenario's folder
    /// tree. Off by default, so a scenario from a colleague cannot read arbitrary files.
    pub allow_outside_inputs: bool,
}

/// Reads and validates the scenario at `path` with the default (strict) [`LoadOptions`].
pub fn load(path: &Path) -> Result<Scenario, Error> {
    load_with(path, &LoadOptions::default())
}

/// [`load`] with explicit [`LoadOptions`].
pub fn load_with(path: &Path, options: &LoadOptions) -> Result<Scenario, Error> {
    // An unreadable scenario is bad input (exit 2), like a broken one.
    let src = std::fs::read_to_string(path).map_err(|e| {
        Error::Scenario(vec![Problem {
            file: path.to_path_buf(),
            line: 0,
            column: 0,
            key: String::new(),
            message: format!("cannot read the scenario file: {e}"),
        }])
    })?;
    parse_str_with(&src, path, options)
}

/// The files the scenario at `path` reads: itself and its `nations_file`, if any (joined to
/// the scenario's folder, as the loader resolves it).
///
/// The validated [`Scenario`] no longer knows where its nations came from, and
/// [`crate::output::check_output_location`] needs every input to keep `--force` from deleting
/// one. Meant for a scenario that has loaded; an unreadable one yields just `path`.
pub fn input_files(path: &Path) -> Vec<PathBuf> {
    let mut files = vec![path.to_path_buf()];
    let Ok(src) = std::fs::read_to_string(path) else {
        return files;
    };
    if let Ok(root) = DeTable::parse(&src)
        && let Some(v) = root.get_ref().get("nations_file")
        && let DeValue::String(rel) = v.get_ref()
    {
        files.push(path.parent().unwrap_or(Path::new("")).join(rel.as_ref()));
    }
    files
}

/// Validates scenario text; `path` locates messages and relative `nations_file`s.
pub fn parse_str(src: &str, path: &Path) -> Result<Scenario, Error> {
    parse_str_with(src, path, &LoadOptions::default())
}

/// [`parse_str`] with explicit [`LoadOptions`].
pub fn parse_str_with(src: &str, path: &Path, options: &LoadOptions) -> Result<Scenario, Error> {
    let mut ctx = Ctx::new(path, src);
    let root = match DeTable::parse(src) {
        Ok(root) => root,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            ctx.error(&span, "", format!("invalid TOML: {}", e.message().trim()));
            return Err(Error::Scenario(ctx.problems));
        }
    };
    let scenario = read(&mut ctx, root.get_ref(), root.span(), path, options);
    // Report in reading order: the scenario by position, then any nations_file's rows.
    ctx.problems
        .sort_by_key(|p| (p.file != path, p.line, p.column));
    match scenario {
        Some(s) if ctx.problems.is_empty() => Ok(s),
        _ => {
            if ctx.problems.is_empty() {
                ctx.problems.push(Problem {
                    file: path.to_path_buf(),
                    line: 0,
                    column: 0,
                    key: String::new(),
                    message: "the scenario could not be read".to_string(),
                });
            }
            Err(Error::Scenario(ctx.problems))
        }
    }
}

fn read(
    ctx: &mut Ctx<'_>,
    root: &DeTable<'_>,
    span: std::ops::Range<usize>,
    path: &Path,
    options: &LoadOptions,
) -> Option<Scenario> {
    let top = ctx.open(root, span, "", TOP_KEYS);

    let name = ctx.string_req(&top, "name");
    if let (Some(n), Some(v)) = (&name, top.get("name"))
        && !is_slug(n, false)
    {
        ctx.error(
            &v.span(),
            "name",
            format!("is `{n}`, but it must be non-empty and use only a-z, 0-9, `_` and `-`"),
        );
    }
    let description = ctx.string_opt(&top, "description").unwrap_or_default();
    let steps = match ctx.integer_opt(&top, "steps", 1..=limits::MAX_STEPS) {
        Some(s) => Some(s as u32),
        None => {
            if top.get("steps").is_none() {
                ctx.missing(&top, "steps");
            }
            None
        }
    };
    let step_unit = ctx
        .string_opt(&top, "step_unit")
        .unwrap_or_else(|| "step".into());
    let dimensions = read_dimensions(ctx, &top);
    let experiment = read_experiment(ctx, &top);
    let alignment = read_alignment(ctx, &top);
    let diffusion = read_diffusion(ctx, &top);
    let metrics = read_metrics(ctx, &top);

    // Nations come before anything that refers to them.
    let mut nations = Vec::new();
    let mut nation_spans: Vec<std::ops::Range<usize>> = Vec::new();
    if let Some(items) = ctx.array(&top, "nations") {
        for (i, item) in items.iter().enumerate() {
            if let Some(n) = read_nation(ctx, item, &format!("nations[{i}]"), &dimensions) {
                nations.push(n);
                nation_spans.push(item.span());
            }
        }
    }
    if let Some(v) = top.get("nations_file")
        && let Some(rel) = ctx.string_value(v, "nations_file")
    {
        match nations_file::read(path, &rel, &dimensions, options.allow_outside_inputs) {
            Ok(list) => {
                for n in list {
                    nations.push(n);
                    nation_spans.push(v.span());
                }
            }
            Err(problems) => {
                // Problems inside the CSV name the CSV; point at the key too.
                if problems.iter().any(|p| p.file != path) {
                    ctx.error(
                        &v.span(),
                        "nations_file",
                        format!("`{rel}` has {} problem(s), listed below", problems.len()),
                    );
                    ctx.problems.extend(problems);
                } else {
                    // The file itself could not be used: say why once, at the key.
                    for p in problems {
                        ctx.error(&v.span(), "nations_file", p.message);
                    }
                }
            }
        }
    }
    let population = top
        .get("population")
        .and_then(|v| read_population(ctx, v, dimensions.len()));
    check_nation_ids(ctx, &nations, &nation_spans);

    let total = nations.len() + population.as_ref().map_or(0, |p| p.count as usize);
    if total == 0 && ctx.problems.is_empty() {
        let span = top.span.clone();
        ctx.error(
            &span,
            "nations",
            "the scenario has no nations; add `[[nations]]`, `nations_file` or `[population]`",
        );
    }
    if total > limits::MAX_NATIONS {
        let span = top.span.clone();
        ctx.error(
            &span,
            "nations",
            format!(
                "{total} nations exceed the limit of {}: fragmentation metrics compare every pair",
                limits::MAX_NATIONS
            ),
        );
    }

    let mut groups: BTreeSet<String> = nations.iter().flat_map(|n| n.groups.clone()).collect();
    if let Some(p) = &population {
        groups.extend(p.groups.iter().cloned());
    }
    let groups: Vec<String> = groups.into_iter().collect();
    let refs = Refs {
        nation_ids: nations.iter().map(|n| n.id.clone()).collect(),
        groups,
        dimensions: dimensions.clone(),
        bodies: Vec::new(),
        steps: steps.unwrap_or(u32::MAX),
        population_groups: population
            .as_ref()
            .map(|p| p.groups.clone())
            .unwrap_or_default(),
        random_network: false,
    };

    let network = read_network(ctx, &top, &refs);
    if let NetworkKind::Lattice { side } = network.kind
        && side > 0
        && u64::from(side) * u64::from(side) != total as u64
        && let Some(v) = top.get("network")
    {
        let span = v
            .get_ref()
            .get("side")
            .map_or_else(|| v.span(), |s| s.span());
        ctx.error(
            &span,
            "network.side",
            format!(
                "a lattice of side {side} holds {} nations, but the scenario has {total}",
                u64::from(side) * u64::from(side)
            ),
        );
    }
    let refs = Refs {
        random_network: matches!(network.kind, NetworkKind::Random { .. }),
        ..refs
    };
    let rivalries = read_rivalries(ctx, &top, &refs);
    let bodies = read_bodies(ctx, &top, &refs);
    let refs = Refs {
        bodies: bodies.iter().map(|b| b.id.clone()).collect(),
        ..refs
    };
    let arms = read_arms(ctx, &top, &refs);
    let events = read_events(ctx, &top, &refs);
    let mut experiment = experiment;
    experiment.reference = read_reference(ctx, &top, &arms);
    let sweep = read_sweep(ctx, &top, &refs, &arms, experiment.seed);

    Some(Scenario {
        name: name?,
        description,
        steps: steps?,
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
        sweep,
    })
}

/// Names that references resolve against.
struct Refs {
    nation_ids: Vec<String>,
    groups: Vec<String>,
    dimensions: Vec<String>,
    bodies: Vec<String>,
    steps: u32,
    population_groups: Vec<String>,
    random_network: bool,
}

impl Refs {
    fn names(&self) -> Names<'_> {
        Names {
            dimensions: &self.dimensions,
            bodies: &self.bodies,
            nations: &self.nation_ids,
            groups: &self.groups,
        }
    }

    /// A nation id or `group:<tag>`.
    fn selector(&self, ctx: &mut Ctx<'_>, s: &Spanned<String>, key: &str) -> Option<Selector> {
        let text = s.get_ref();
        if let Some(tag) = text.strip_prefix("group:") {
            if self.groups.iter().any(|g| g == tag) {
                return Some(Selector::Group(tag.to_string()));
            }
            ctx.error(
                &s.span(),
                key,
                format!(
                    "unknown group `{tag}`; groups in this scenario: {}",
                    list_or_none(&self.groups)
                ),
            );
            return None;
        }
        if let Some(i) = self.nation_ids.iter().position(|id| id == text) {
            return Some(Selector::Nation(i));
        }
        let hint = if self.groups.iter().any(|g| g == text) {
            format!(" (to name the group, write `group:{text}`)")
        } else {
            String::new()
        };
        ctx.error(
            &s.span(),
            key,
            format!("unknown nation `{text}`{hint}; write a nation id or `group:<tag>`"),
        );
        None
    }

    fn selectors(&self, ctx: &mut Ctx<'_>, t: &Table<'_, '_>, key: &str) -> Vec<Selector> {
        let path = t.key(key);
        ctx.string_list(t, key)
            .iter()
            .filter_map(|s| self.selector(ctx, s, &path))
            .collect()
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// `[a-z0-9_-]+` (or with upper case too, for nation ids).
fn is_slug(s: &str, upper: bool) -> bool {
    !s.is_empty()
        && s.chars().all(|c| {
            c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || c == '_'
                || c == '-'
                || (upper && c.is_ascii_uppercase())
        })
}

fn read_dimensions(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> Vec<String> {
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
    let mut seen = BTreeSet::new();
    for d in &list {
        if !is_slug(d.get_ref(), false) {
            ctx.error(
                &d.span(),
                "dimensions",
                format!(
                    "`{}` is not a valid dimension name: use a-z, 0-9, `_` and `-`",
                    d.get_ref()
                ),
            );
        }
        if !seen.insert(d.get_ref().clone()) {
            ctx.error(
                &d.span(),
                "dimensions",
                format!(
                    "`{}` appears twice; dimension names must be unique",
                    d.get_ref()
                ),
            );
        }
    }
    list.into_iter().map(Spanned::into_inner).collect()
}

fn read_experiment(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> Experiment {
    let mut e = Experiment {
        runs: 100,
        seed: 1,
        reference: 0,
    };
    if let Some(v) = top.get("experiment")
        && let Some(t) = ctx.table(v, "experiment", EXPERIMENT_KEYS)
    {
        if let Some(r) = ctx.integer_opt(&t, "runs", 1..=limits::MAX_RUNS) {
            e.runs = r as u32;
        }
        if let Some(s) = ctx.integer_opt(&t, "seed", 0..=u64::MAX) {
            e.seed = s;
        }
    }
    e
}

/// `[experiment] reference = "<arm>"`, resolved to an arm index (default: the first arm).
fn read_reference(ctx: &mut Ctx<'_>, top: &Table<'_, '_>, arms: &[Arm]) -> usize {
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

fn read_alignment(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> Alignment {
    let mut a = Alignment {
        rule: Rule::Pairwise,
        confidence: 1.0,
        rate: 0.5,
        stubbornness: 0.0,
        self_weight: 1.0,
        rivalry_rate: 0.0,
        noise: 0.0,
        traits: default_traits(),
    };
    if let Some(v) = top.get("alignment")
        && let Some(t) = ctx.table(v, "alignment", params::ALIGNMENT_KEYS)
    {
        let r = |k| params::range(&ParamPath::Alignment(k));
        a.rule = match ctx.choice(&t, "rule", params::RULES, "pairwise").as_str() {
            "averaging" => Rule::Averaging,
            "culture" => Rule::Culture,
            _ => Rule::Pairwise,
        };
        if let Some(q) = ctx.integer_opt(&t, "traits", 2..=params::MAX_TRAITS) {
            a.traits = q as u32;
        }
        a.confidence = ctx.number(&t, "confidence", r(AlignmentKey::Confidence), a.confidence);
        a.rate = ctx.number(&t, "rate", r(AlignmentKey::Rate), a.rate);
        a.stubbornness = ctx.number(
            &t,
            "stubbornness",
            r(AlignmentKey::Stubbornness),
            a.stubbornness,
        );
        a.self_weight = ctx.number(
            &t,
            "self_weight",
            r(AlignmentKey::SelfWeight),
            a.self_weight,
        );
        a.rivalry_rate = ctx.number(
            &t,
            "rivalry_rate",
            r(AlignmentKey::RivalryRate),
            a.rivalry_rate,
        );
        a.noise = ctx.number(&t, "noise", r(AlignmentKey::Noise), a.noise);
    }
    a
}

fn read_diffusion(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> Diffusion {
    let mut d = Diffusion {
        enabled: false,
        growth: 0.0,
        absorption: 0.0,
        norm_pull: 0.0,
    };
    if let Some(v) = top.get("diffusion")
        && let Some(t) = ctx.table(v, "diffusion", params::DIFFUSION_KEYS)
    {
        let r = |k| params::range(&ParamPath::Diffusion(k));
        d.enabled = ctx.boolean(&t, "enabled", false);
        d.growth = ctx.number(&t, "growth", r(DiffusionKey::Growth), 0.0);
        d.absorption = ctx.number(&t, "absorption", r(DiffusionKey::Absorption), 0.0);
        d.norm_pull = ctx.number(&t, "norm_pull", r(DiffusionKey::NormPull), 0.0);
    }
    d
}

fn read_metrics(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> MetricsConfig {
    let mut m = MetricsConfig {
        tolerance: 0.1,
        weighting: Weighting::Gdp,
        min_cluster_share: 0.0,
        every: 1,
    };
    if let Some(v) = top.get("metrics")
        && let Some(t) = ctx.table(v, "metrics", METRICS_KEYS)
    {
        m.tolerance = ctx.number(&t, "tolerance", 0.0..=1.0, 0.1);
        m.weighting = match ctx.choice(&t, "weighting", WEIGHTINGS, "gdp").as_str() {
            "equal" => Weighting::Equal,
            _ => Weighting::Gdp,
        };
        m.min_cluster_share = ctx.number(&t, "min_cluster_share", 0.0..=1.0, 0.0);
        if let Some(e) = ctx.integer_opt(&t, "every", 1..=limits::MAX_STEPS) {
            m.every = e as u32;
        }
    }
    m
}

fn read_stance(
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

fn read_nation(
    ctx: &mut Ctx<'_>,
    item: &Value<'_>,
    path: &str,
    dimensions: &[String],
) -> Option<NationSpec> {
    let t = ctx.table(item, path, NATION_KEYS)?;
    let id = ctx.string_req(&t, "id");
    if let (Some(id), Some(v)) = (&id, t.get("id"))
        && !is_slug(id, true)
    {
        ctx.error(
            &v.span(),
            &t.key("id"),
            format!("is `{id}`, but ids use only letters, digits, `_` and `-`"),
        );
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
        gdp: ctx.number(&t, "gdp", 0.0..=f64::MAX, 1.0),
        capability: ctx.number(&t, "capability", 0.0..=f64::MAX, 1.0),
        openness: ctx.number(&t, "openness", 0.0..=1.0, 0.0),
        stance: stance?,
        confidence: ctx.number_opt(&t, "confidence", 0.0..=1.0),
        stubbornness: ctx.number_opt(&t, "stubbornness", 0.0..=1.0),
    })
}

fn read_groups(ctx: &mut Ctx<'_>, t: &Table<'_, '_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in ctx.string_list(t, "groups") {
        if !is_slug(g.get_ref(), false) {
            ctx.error(
                &g.span(),
                &t.key("groups"),
                format!(
                    "`{}` is not a valid group tag: use a-z, 0-9, `_` and `-`",
                    g.get_ref()
                ),
            );
        } else if !out.contains(g.get_ref()) {
            out.push(g.into_inner());
        }
    }
    out
}

fn check_nation_ids(ctx: &mut Ctx<'_>, nations: &[NationSpec], spans: &[std::ops::Range<usize>]) {
    let mut seen: std::collections::BTreeMap<&str, usize> = Default::default();
    for (i, n) in nations.iter().enumerate() {
        if let Some(first) = seen.insert(&n.id, i) {
            ctx.error(
                &spans[i],
                &format!("nations[{i}].id"),
                format!(
                    "`{}` is used by two nations (#{} and #{}); ids must be unique",
                    n.id,
                    first + 1,
                    i + 1
                ),
            );
        }
    }
}

fn read_population(ctx: &mut Ctx<'_>, v: &Value<'_>, dims: usize) -> Option<Population> {
    let t = ctx.table(v, "population", POPULATION_KEYS)?;
    let count = ctx.integer_opt(&t, "count", 1..=limits::MAX_NATIONS as u64);
    if t.get("count").is_none() {
        ctx.missing(&t, "count");
    }
    let stance = match ctx
        .choice(&t, "stance", POPULATION_STANCES, "uniform")
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
        gdp: ctx.number(&t, "gdp", 0.0..=f64::MAX, 1.0),
        capability: ctx.number(&t, "capability", 0.0..=f64::MAX, 1.0),
        openness: ctx.number(&t, "openness", 0.0..=1.0, 0.0),
        confidence: ctx.number_opt(&t, "confidence", 0.0..=1.0),
        stubbornness: ctx.number_opt(&t, "stubbornness", 0.0..=1.0),
    })
}

fn read_network(ctx: &mut Ctx<'_>, top: &Table<'_, '_>, refs: &Refs) -> Network {
    let mut net = Network {
        kind: NetworkKind::Complete,
        group_weights: Vec::new(),
    };
    let Some(v) = top.get("network") else {
        return net;
    };
    let Some(t) = ctx.table(v, "network", NETWORK_KEYS) else {
        return net;
    };
    let kind = ctx.choice(&t, "kind", NETWORK_KINDS, "complete");
    if kind != "lattice"
        && let Some(p) = t.get("side")
    {
        ctx.error(
            &p.span(),
            "network.side",
            format!("only applies to `kind = \"lattice\"`, but kind is `{kind}`"),
        );
    }
    if kind != "random"
        && let Some(p) = t.get("p")
    {
        ctx.error(
            &p.span(),
            "network.p",
            format!("only applies to `kind = \"random\"`, but kind is `{kind}`"),
        );
    }
    if kind != "explicit"
        && let Some(p) = t.get("ties")
    {
        ctx.error(
            &p.span(),
            "network.ties",
            format!("only applies to `kind = \"explicit\"`, but kind is `{kind}`"),
        );
    }
    net.kind = match kind.as_str() {
        "random" => {
            if t.get("p").is_none() {
                ctx.missing(&t, "p");
            }
            NetworkKind::Random {
                p: ctx.number(&t, "p", 0.0..=1.0, 0.0),
            }
        }
        "explicit" => NetworkKind::Explicit {
            ties: read_ties(ctx, &t, refs),
        },
        "lattice" => {
            if t.get("side").is_none() {
                ctx.missing(&t, "side");
            }
            let max_side = (limits::MAX_NATIONS as f64).sqrt() as u64;
            NetworkKind::Lattice {
                side: ctx.integer_opt(&t, "side", 1..=max_side).unwrap_or(0) as u32,
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

fn read_rivalries(ctx: &mut Ctx<'_>, top: &Table<'_, '_>, refs: &Refs) -> Vec<Rivalry> {
    let Some(items) = ctx.array(top, "rivalries") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("rivalries[{i}]");
        let Some(t) = ctx.table(item, &path, RIVALRY_KEYS) else {
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
        let strength = ctx.number(&t, "strength", 0.0..=f64::MAX, 1.0);
        if let (Some(a), Some(b)) = (a, b) {
            out.push(Rivalry { a, b, strength });
        }
    }
    out
}

fn read_bodies(ctx: &mut Ctx<'_>, top: &Table<'_, '_>, refs: &Refs) -> Vec<BodySpec> {
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
    for (i, item) in items.iter().enumerate() {
        let path = format!("bodies[{i}]");
        let Some(t) = ctx.table(item, &path, BODY_KEYS) else {
            continue;
        };
        let id = ctx.string_req(&t, "id");
        if let (Some(id), Some(v)) = (&id, t.get("id")) {
            if !is_slug(id, false) {
                ctx.error(
                    &v.span(),
                    &t.key("id"),
                    format!("is `{id}`, but body ids use only a-z, 0-9, `_` and `-`"),
                );
            }
            if out.iter().any(|b| &b.id == id) {
                ctx.error(
                    &v.span(),
                    &t.key("id"),
                    format!("`{id}` is used by two bodies; ids must be unique"),
                );
            }
        }
        let founded = ctx
            .integer_opt(&t, "founded", 0..=u64::from(refs.steps))
            .unwrap_or(0) as u32;
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
        let r = |k| params::range(&ParamPath::Body(0, k));
        out.push(BodySpec {
            name: ctx.string_opt(&t, "name").unwrap_or_else(|| id.clone()),
            id,
            enabled: ctx.boolean(&t, "enabled", true),
            founded,
            founders: refs.selectors(ctx, &t, "founders"),
            standard,
            harmonization: ctx.number(&t, "harmonization", r(BodyKey::Harmonization), 0.0),
            accession_threshold: ctx.number(
                &t,
                "accession_threshold",
                r(BodyKey::AccessionThreshold),
                0.0,
            ),
            join_rate: ctx.number(&t, "join_rate", r(BodyKey::JoinRate), 0.0),
            exit_threshold: ctx.number(&t, "exit_threshold", r(BodyKey::ExitThreshold), 1.0),
            capacity_building: ctx.number(
                &t,
                "capacity_building",
                r(BodyKey::CapacityBuilding),
                0.0,
            ),
            dialogue: ctx.number(&t, "dialogue", r(BodyKey::Dialogue), 0.0),
        });
    }
    out
}

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
fn assignment(
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
fn resolve_path(
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
fn param_value(
    ctx: &mut Ctx<'_>,
    refs: &Refs,
    path: &ParamPath,
    value: &Value<'_>,
    key: &str,
) -> Option<ParamValue> {
    Some(match params::spec(path, refs.steps) {
        ValueSpec::Number(lo, hi) => ParamValue::Number(ctx.number_value(value, key, lo..=hi)?),
        ValueSpec::Integer(lo, hi) => {
            ParamValue::Number(ctx.integer_value(value, key, lo..=hi)? as f64)
        }
        ValueSpec::Bool => match value.get_ref() {
            DeValue::Boolean(b) => ParamValue::Bool(*b),
            other => {
                ctx.error(
                    &value.span(),
                    key,
                    format!("expected `true` or `false`, found {}", describe(other)),
                );
                return None;
            }
        },
        ValueSpec::Choice(choices) => ParamValue::Text(ctx.choice_value(value, key, choices)?),
    })
}

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
fn read_sweep(
    ctx: &mut Ctx<'_>,
    top: &Table<'_, '_>,
    refs: &Refs,
    arms: &[Arm],
    seed: u64,
) -> Option<Sweep> {
    let v = top.get("sweep")?;
    let t = ctx.table(v, "sweep", SWEEP_KEYS)?;
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
    let t = ctx.table(value, key, LHS_RANGE_KEYS)?;
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

fn read_arms(ctx: &mut Ctx<'_>, top: &Table<'_, '_>, refs: &Refs) -> Vec<Arm> {
    let Some(items) = ctx.array(top, "arms") else {
        return vec![Arm {
            name: "baseline".into(),
            set: Vec::new(),
        }];
    };
    let mut arms: Vec<Arm> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("arms[{i}]");
        let Some(t) = ctx.table(item, &path, ARM_KEYS) else {
            continue;
        };
        let name = ctx.string_req(&t, "name");
        if let (Some(n), Some(v)) = (&name, t.get("name")) {
            if !is_slug(n, false) {
                ctx.error(
                    &v.span(),
                    &t.key("name"),
                    format!("is `{n}`, but arm names use only a-z, 0-9, `_` and `-`"),
                );
            }
            if arms.iter().any(|a| &a.name == n) {
                ctx.error(
                    &v.span(),
                    &t.key("name"),
                    format!("`{n}` names two arms; arm names must be unique"),
                );
            }
        }
        let mut set = Vec::new();
        if let Some(v) = t.get("set") {
            match v.get_ref() {
                DeValue::Table(st) => {
                    let mut flat = Vec::new();
                    flatten_set("", st, &mut flat);
                    for (text, span, value) in flat {
                        if let Some(a) = assignment(ctx, refs, &text, &span, value, &t.key("set")) {
                            set.push(a);
                        }
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
    if arms.is_empty() && ctx.problems.is_empty() {
        arms.push(Arm {
            name: "baseline".into(),
            set: Vec::new(),
        });
    }
    arms
}

fn read_events(ctx: &mut Ctx<'_>, top: &Table<'_, '_>, refs: &Refs) -> Vec<Event> {
    let Some(items) = ctx.array(top, "events") else {
        return Vec::new();
    };
    let mut events = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("events[{i}]");
        let Some(t) = ctx.table(item, &path, EVENT_KEYS) else {
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
        let needed: &[&str] = match kind.as_str() {
            "export_control" => &["from", "to", "strength"],
            "join" | "leave" => &["body", "nations"],
            "shock" => &["nations", "dimension", "delta"],
            "set" => &["path", "value"],
            _ => continue,
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
                strength: ctx.number(&t, "strength", 0.0..=1.0, 0.0),
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
                let delta = ctx.number(&t, "delta", -1.0..=1.0, 0.0);
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

#[cfg(test)]
mod tests;
