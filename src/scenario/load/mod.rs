//! Reading a scenario file into a validated [`Scenario`], reporting every problem at once.
//!
//! Two stages, as the style guide asks: the TOML document is parsed with spans, then each
//! section is read and checked by hand against the contract (types, ranges, known keys),
//! and finally cross-references (ids, groups, bodies, dimensions, parameter paths) are
//! resolved. Problems accumulate in a [`Ctx`]; a scenario is returned only if there are none.

mod arms;
mod bodies;
mod design;
pub(crate) mod domain;
mod events;
mod nations;
mod network;
mod settings;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::keys;
use super::limits;
use super::nations_file;
use super::params::Names;
use super::reader::{Ctx, Table};
use super::spec::Slug;
use super::types::*;
use crate::error::{Error, Problem};

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
    let refuse = |message: String| {
        Error::Scenario(vec![Problem {
            file: path.to_path_buf(),
            line: 0,
            column: 0,
            key: String::new(),
            message,
        }])
    };
    let bytes = limits::read_capped(path)
        .map_err(|e| refuse(format!("cannot read the scenario file: {e}")))?
        .ok_or_else(|| {
            refuse(format!(
                "the scenario file is larger than the limit of {} bytes; scenarios are short text files",
                limits::MAX_FILE_BYTES
            ))
        })?;
    let src = String::from_utf8(bytes).map_err(|_| {
        refuse("cannot read the scenario file: stream did not contain valid UTF-8".to_string())
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
    let top = ctx.open(root, span, "", &keys::TOP.names());

    let name = ctx.string_req(&top, "name");
    if let (Some(n), Some(v)) = (&name, top.get("name"))
        && let Some(msg) = Slug::ScenarioName.check(n)
    {
        ctx.error(&v.span(), "name", msg);
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
    let dimensions = settings::read_dimensions(ctx, &top);
    let experiment = settings::read_experiment(ctx, &top);
    let alignment = settings::read_alignment(ctx, &top);
    let diffusion = settings::read_diffusion(ctx, &top);
    let metrics = settings::read_metrics(ctx, &top);

    // Nations come before anything that refers to them.
    let mut nations = Vec::new();
    let mut nation_spans: Vec<std::ops::Range<usize>> = Vec::new();
    if let Some(items) = ctx.array(&top, "nations") {
        for (i, item) in items.iter().enumerate() {
            if let Some(n) = nations::read_nation(ctx, item, &format!("nations[{i}]"), &dimensions)
            {
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
        .and_then(|v| nations::read_population(ctx, v, dimensions.len()));
    nations::check_nation_ids(ctx, &nations, &nation_spans);

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

    let network = network::read_network(ctx, &top, &refs);
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
    let rivalries = network::read_rivalries(ctx, &top, &refs);
    let bodies = bodies::read_bodies(ctx, &top, &refs);
    let refs = Refs {
        bodies: bodies.iter().map(|b| b.id.clone()).collect(),
        ..refs
    };
    let arms = arms::read_arms(ctx, &top, &refs);
    let events = events::read_events(ctx, &top, &refs);
    let mut experiment = experiment;
    experiment.reference = settings::read_reference(ctx, &top, &arms);
    let sweep = design::read_sweep(ctx, &top, &refs, &arms, experiment.seed);

    let scenario = Scenario {
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
    };
    domain::check_capability_growth(ctx, &top, &scenario);
    Some(scenario)
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

/// Reports identifiers that break their [`Slug`] rule or repeat an earlier one: every
/// identifier list of the file (dimensions, nation ids, body ids, arm names) goes through here.
fn check_slugs<'s>(
    ctx: &mut Ctx<'_>,
    slug: Slug,
    items: impl IntoIterator<Item = (&'s str, std::ops::Range<usize>, String)>,
) {
    let mut seen: std::collections::BTreeMap<&str, usize> = Default::default();
    for (i, (text, span, key)) in items.into_iter().enumerate() {
        if let Some(msg) = slug.check(text) {
            ctx.error(&span, &key, msg);
        }
        if let Some(first) = seen.insert(text, i) {
            ctx.error(&span, &key, slug.duplicate(text, first + 1, i + 1));
        }
    }
}

/// A number key read with the range and default the key table gives it (`None` when the
/// key has no default and is absent, or is invalid without a default).
fn number_key(
    ctx: &mut Ctx<'_>,
    t: &Table<'_, '_>,
    section: &keys::Section,
    name: &str,
) -> Option<f64> {
    let (range, default) = section.number(name)?;
    ctx.number_opt(t, name, range).or(default)
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

#[cfg(test)]
mod tests;
