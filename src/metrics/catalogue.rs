//! The metric catalogue: for every metric, its column name, chart title, axis label, range
//! and orientation, in one entry.
//!
//! The CSV headers, the model's recorder, the charts, the end-of-run table and `accord
//! describe` all take their metric names and texts from here, so a metric cannot be called
//! one thing in a file and another on a chart. Body memberships are a family of columns, one
//! per cooperation body: their entry, [`MEMBERS`], writes the body's id where its texts say
//! `{body}`.

use std::fmt;

use crate::scenario::{MetricName, Scenario};

/// A metric with one column per scenario (body memberships are the family [`MEMBERS`]).
///
/// The order of [`Metric::ALL`] is the order of the columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    /// Weighted share of incompatible pairs.
    Fragmentation,
    /// Number of sizeable compatible clusters.
    Clusters,
    /// Inverse Herfindahl index of the components' weights.
    EffectiveBlocs,
    /// Mean pairwise distance.
    Dispersion,
    /// Gini coefficient of capability.
    CapabilityGini,
    /// Mean capability of `global_south` over the rest's.
    SouthCapabilityRatio,
    /// Axelrod's stable regions (culture scenarios only).
    Regions,
}

/// The metric of the end-of-run table, of the top-level chart and of the two-parameter sweep
/// maps: the question accord is built to answer is how fragmented governance becomes.
pub const PRIMARY: Metric = Metric::Fragmentation;

/// Where a metric's values lie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Range {
    /// \[0, 1\]; charts fix their axis to it.
    Unit,
    /// From `min` to the number of nations.
    Nations {
        /// The least value (with at least one nation).
        min: u32,
    },
    /// \[0, ∞).
    NonNegative,
}

impl Range {
    /// Whether the values lie in \[0, 1\].
    pub fn is_unit(self) -> bool {
        self == Range::Unit
    }

    /// Whether a per-run value or a mean over runs can be `x` (counts up to the largest
    /// number of nations a scenario may have).
    pub fn contains(self, x: f64) -> bool {
        match self {
            Range::Unit => (0.0..=1.0).contains(&x),
            Range::Nations { min } => {
                (f64::from(min)..=crate::scenario::limits::MAX_NATIONS as f64).contains(&x)
            }
            Range::NonNegative => x >= 0.0,
        }
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Range::Unit => f.write_str("[0, 1]"),
            Range::Nations { min } => write!(f, "[{min}, nations]"),
            Range::NonNegative => f.write_str("[0, ∞)"),
        }
    }
}

/// Which direction of a metric reads as an improvement, from the point of view of the
/// question accord asks (interoperable governance, capability within reach of all).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Orientation {
    /// Lower values are better (e.g. less fragmentation).
    LowerIsBetter,
    /// Higher values are better.
    HigherIsBetter,
    /// Neither direction is better in itself (e.g. a count that is not monotone in how
    /// fragmented the world is).
    Neither,
}

impl Orientation {
    /// "lower is better", "higher is better" or "neither".
    pub fn as_str(self) -> &'static str {
        match self {
            Orientation::LowerIsBetter => "lower is better",
            Orientation::HigherIsBetter => "higher is better",
            Orientation::Neither => "neither",
        }
    }
}

/// Which scenarios record a metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// Every scenario.
    Always,
    /// Only scenarios where `rule = "culture"` can be in force, so that every other scenario
    /// keeps exactly the columns (and golden files) it had before the metric existed.
    Culture,
}

/// One metric's entry in the catalogue. In [`MEMBERS`], `{body}` in a text stands for the
/// body's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Info {
    /// Column name in `timeseries.csv` and `metric` value in `summary.csv` / `effects.csv`.
    pub column: &'static str,
    /// Title of the metric's time-series chart.
    pub title: &'static str,
    /// Description of a value axis showing the metric, with its unit.
    pub axis_label: &'static str,
    /// Its panel title when it is a headline metric (shown in the forest plot of effects and
    /// the one-parameter sweep chart); `None` otherwise.
    pub headline: Option<&'static str>,
    /// The name used in running text (`accord describe`).
    pub prose: &'static str,
    /// Where the values lie.
    pub range: Range,
    /// Which direction is better.
    pub orientation: Orientation,
    /// Which scenarios record it.
    pub when: When,
}

const FRAGMENTATION: Info = Info {
    column: "fragmentation",
    title: "Fragmentation",
    axis_label: "fragmentation (weighted share of incompatible pairs)",
    headline: Some("Fragmentation"),
    prose: "fragmentation",
    range: Range::Unit,
    orientation: Orientation::LowerIsBetter,
    when: When::Always,
};

/// Neither: one cluster is consensus, but zero means every component is below the minimum
/// size, which is more fragmented than two.
const CLUSTERS: Info = Info {
    column: "clusters",
    title: "Compatible clusters",
    axis_label: "clusters (count)",
    headline: None,
    prose: "clusters",
    range: Range::Nations { min: 0 },
    orientation: Orientation::Neither,
    when: When::Always,
};

const EFFECTIVE_BLOCS: Info = Info {
    column: "effective_blocs",
    title: "Effective number of blocs",
    axis_label: "effective blocs (1 / Σ weight share²)",
    headline: Some("Effective blocs"),
    prose: "effective blocs",
    range: Range::Nations { min: 1 },
    orientation: Orientation::LowerIsBetter,
    when: When::Always,
};

const DISPERSION: Info = Info {
    column: "dispersion",
    title: "Dispersion of stances",
    axis_label: "dispersion (mean pairwise distance, 0–1)",
    headline: Some("Dispersion"),
    prose: "dispersion",
    range: Range::Unit,
    orientation: Orientation::LowerIsBetter,
    when: When::Always,
};

const CAPABILITY_GINI: Info = Info {
    column: "capability_gini",
    title: "Inequality of AI capability",
    axis_label: "capability Gini coefficient (0–1)",
    headline: None,
    prose: "capability Gini",
    range: Range::Unit,
    orientation: Orientation::LowerIsBetter,
    when: When::Always,
};

const SOUTH_CAPABILITY_RATIO: Info = Info {
    column: "south_capability_ratio",
    title: "Capability of the Global South",
    axis_label: "Global South capability ÷ rest (ratio)",
    headline: None,
    prose: "Global South capability ratio",
    range: Range::NonNegative,
    orientation: Orientation::HigherIsBetter,
    when: When::Always,
};

/// Neither: Axelrod's regions describe cultural diversity, which is no harm in itself.
const REGIONS: Info = Info {
    column: "regions",
    title: "Stable cultural regions",
    axis_label: "stable regions (count)",
    headline: None,
    prose: "stable regions",
    range: Range::Nations { min: 1 },
    orientation: Orientation::Neither,
    when: When::Culture,
};

/// Stands for the body's id in the texts of [`MEMBERS`].
pub const BODY: &str = "{body}";

/// The members of one cooperation body, a column per body (`members_<id>`), after the
/// [`Metric`] columns. Neither orientation: a body's size describes it, not the world.
pub const MEMBERS: Info = Info {
    column: "members_{body}",
    title: "Members of {body}",
    axis_label: "members of {body} (nations)",
    headline: None,
    prose: "body memberships",
    range: Range::Nations { min: 0 },
    orientation: Orientation::Neither,
    when: When::Always,
};

/// Value-axis description of a chart showing several bodies' members at once.
pub const MEMBERS_AXIS_LABEL: &str = "members (nations)";

impl Metric {
    /// Every metric, in column order.
    pub const ALL: [Metric; 7] = [
        Metric::Fragmentation,
        Metric::Clusters,
        Metric::EffectiveBlocs,
        Metric::Dispersion,
        Metric::CapabilityGini,
        Metric::SouthCapabilityRatio,
        Metric::Regions,
    ];

    /// The metric's catalogue entry.
    pub const fn info(self) -> &'static Info {
        match self {
            Metric::Fragmentation => &FRAGMENTATION,
            Metric::Clusters => &CLUSTERS,
            Metric::EffectiveBlocs => &EFFECTIVE_BLOCS,
            Metric::Dispersion => &DISPERSION,
            Metric::CapabilityGini => &CAPABILITY_GINI,
            Metric::SouthCapabilityRatio => &SOUTH_CAPABILITY_RATIO,
            Metric::Regions => &REGIONS,
        }
    }

    /// Its name in `[metrics] compute` (the same text as its column).
    pub const fn selector(self) -> MetricName {
        match self {
            Metric::Fragmentation => MetricName::Fragmentation,
            Metric::Clusters => MetricName::Clusters,
            Metric::EffectiveBlocs => MetricName::EffectiveBlocs,
            Metric::Dispersion => MetricName::Dispersion,
            Metric::CapabilityGini => MetricName::CapabilityGini,
            Metric::SouthCapabilityRatio => MetricName::SouthCapabilityRatio,
            Metric::Regions => MetricName::Regions,
        }
    }

    /// The metric whose column is `column`, if any.
    pub fn from_column(column: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.info().column == column)
    }
}

/// One column of a scenario's metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricColumn {
    /// A [`Metric`].
    Metric(Metric),
    /// The members of the body with this index.
    Members(usize),
}

/// The metric columns of a scenario with `bodies` cooperation bodies, in output order: every
/// [`Metric`] recorded [`When::Always`], [`Metric::Regions`] when `regions` is set, then the
/// members of each body.
///
/// One function owns the order so that headers and rows written by different parts of the
/// crate cannot drift apart.
pub fn columns(bodies: usize, regions: bool) -> Vec<MetricColumn> {
    Metric::ALL
        .into_iter()
        .filter(|m| match m.info().when {
            When::Always => true,
            When::Culture => regions,
        })
        .map(MetricColumn::Metric)
        .chain((0..bodies).map(MetricColumn::Members))
        .collect()
}

/// The metric columns `scenario` records, in output order: [`columns`] without the metrics
/// its `[metrics] compute` leaves out. Every table, chart and the recorder take their
/// columns from here, so a metric that is not computed has no column anywhere (rather than
/// an empty one).
pub fn scenario_columns(scenario: &Scenario) -> Vec<MetricColumn> {
    columns(scenario.bodies.len(), scenario.uses_culture())
        .into_iter()
        .filter(|c| match c {
            MetricColumn::Metric(m) => scenario.metrics.computes(m.selector()),
            MetricColumn::Members(_) => true,
        })
        .collect()
}

/// The names of [`scenario_columns`].
pub fn scenario_metric_names(scenario: &Scenario) -> Vec<String> {
    scenario_columns(scenario)
        .into_iter()
        .map(|c| match c {
            MetricColumn::Metric(m) => m.info().column.to_owned(),
            MetricColumn::Members(b) => members_column(&scenario.bodies[b].id),
        })
        .collect()
}

/// Column names, in output order: "fragmentation","clusters","effective_blocs","dispersion",
/// "capability_gini","south_capability_ratio", then `"members_<id>"` for each body id in order.
pub fn metric_names(body_ids: &[String]) -> Vec<String> {
    metric_names_with(body_ids, false)
}

/// [`metric_names`], with `"regions"` after `"south_capability_ratio"` when `regions` is set
/// (see [`columns`]).
pub fn metric_names_with(body_ids: &[String], regions: bool) -> Vec<String> {
    columns(body_ids.len(), regions)
        .into_iter()
        .map(|c| match c {
            MetricColumn::Metric(m) => m.info().column.to_owned(),
            MetricColumn::Members(b) => members_column(&body_ids[b]),
        })
        .collect()
}

/// The column of the members of body `id`: `members_<id>`.
pub fn members_column(id: &str) -> String {
    MEMBERS.column.replace(BODY, id)
}

/// The body id of a members column (`members_<id>` → `<id>`), `None` for any other name.
pub fn members_body(column: &str) -> Option<&str> {
    let prefix = MEMBERS.column.strip_suffix(BODY).unwrap_or(MEMBERS.column);
    column.strip_prefix(prefix)
}

/// The entry of a column name and, for a members column, the body id.
fn entry(column: &str) -> Option<(&'static Info, &str)> {
    match Metric::from_column(column) {
        Some(m) => Some((m.info(), "")),
        None => members_body(column).map(|body| (&MEMBERS, body)),
    }
}

/// The chart title of the metric in `column`; the column name itself when it is not in the
/// catalogue (a CSV may name anything).
pub fn title(column: &str) -> String {
    entry(column).map_or_else(
        || column.to_owned(),
        |(i, body)| i.title.replace(BODY, body),
    )
}

/// The value-axis description of the metric in `column`; the column name itself when it is
/// not in the catalogue.
pub fn axis_label(column: &str) -> String {
    entry(column).map_or_else(
        || column.to_owned(),
        |(i, body)| i.axis_label.replace(BODY, body),
    )
}

/// The range of the metric in `column`, `None` when it is not in the catalogue.
pub fn range(column: &str) -> Option<Range> {
    entry(column).map(|(i, _)| i.range)
}

/// The headline metrics with their panel titles, in column order.
pub fn headline() -> impl Iterator<Item = (&'static str, &'static str)> {
    Metric::ALL
        .into_iter()
        .filter_map(|m| m.info().headline.map(|title| (m.info().column, title)))
}

/// The metrics every scenario records, in running text: "fragmentation, clusters, …, Global
/// South capability ratio and body memberships".
pub fn observed() -> String {
    let always: Vec<&str> = Metric::ALL
        .into_iter()
        .map(Metric::info)
        .filter(|i| i.when == When::Always)
        .map(|i| i.prose)
        .collect();
    format!("{} and {}", always.join(", "), MEMBERS.prose)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_contract_order() {
        let names = metric_names(&["g7".to_string(), "oecd".to_string()]);
        assert_eq!(
            names,
            [
                "fragmentation",
                "clusters",
                "effective_blocs",
                "dispersion",
                "capability_gini",
                "south_capability_ratio",
                "members_g7",
                "members_oecd",
            ]
        );
        assert_eq!(metric_names(&[]).len(), 6);
    }

    #[test]
    fn compute_names_are_the_catalogue_columns() {
        use crate::scenario::Named;
        assert_eq!(MetricName::ALL.len(), Metric::ALL.len());
        for m in Metric::ALL {
            assert_eq!(m.selector().name(), m.info().column);
        }
    }

    #[test]
    fn names_with_regions_only_when_asked() {
        let ids = ["waico".to_string()];
        assert_eq!(metric_names_with(&ids, false), metric_names(&ids));
        let with = metric_names_with(&ids, true);
        assert_eq!(
            with[5..],
            ["south_capability_ratio", "regions", "members_waico"]
        );
    }

    #[test]
    fn every_column_resolves_to_its_entry() {
        for m in Metric::ALL {
            assert_eq!(Metric::from_column(m.info().column), Some(m));
            assert_eq!(title(m.info().column), m.info().title);
            assert_eq!(axis_label(m.info().column), m.info().axis_label);
        }
        assert_eq!(members_column("waico"), "members_waico");
        assert_eq!(members_body("members_waico"), Some("waico"));
        assert_eq!(members_body("fragmentation"), None);
        assert_eq!(title("members_waico"), "Members of waico");
        assert_eq!(axis_label("members_g7"), "members of g7 (nations)");
        assert_eq!(range("members_g7"), Some(Range::Nations { min: 0 }));
        assert_eq!(title("other"), "other");
        assert_eq!(axis_label("other"), "other");
        assert_eq!(range("other"), None);
    }

    #[test]
    fn unit_metrics_headline_and_prose() {
        let unit: Vec<&str> = Metric::ALL
            .into_iter()
            .filter(|m| m.info().range.is_unit())
            .map(|m| m.info().column)
            .collect();
        assert_eq!(unit, ["fragmentation", "dispersion", "capability_gini"]);
        let headline: Vec<_> = headline().collect();
        assert_eq!(
            headline,
            [
                ("fragmentation", "Fragmentation"),
                ("effective_blocs", "Effective blocs"),
                ("dispersion", "Dispersion"),
            ]
        );
        assert_eq!(
            observed(),
            "fragmentation, clusters, effective blocs, dispersion, capability Gini, Global \
             South capability ratio and body memberships"
        );
        assert_eq!(Range::Nations { min: 1 }.to_string(), "[1, nations]");
        assert_eq!(Range::Unit.to_string(), "[0, 1]");
        assert_eq!(PRIMARY.info().orientation.as_str(), "lower is better");
    }
}
