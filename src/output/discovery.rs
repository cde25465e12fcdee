//! Scenario discovery on an output folder (`accord discover`): the points of its sweep, each a
//! case of interest or not by its outcome, searched with PRIM ([`crate::analysis::prim`]),
//! and the `discovery/` tables that record the search.
//!
//! A point's outcome is the arm's mean of the metric over the point's runs at the final
//! recorded step (`summary.csv`), or with `--effect` its mean paired effect against the
//! reference arm there (`effects.csv`); it is a case of interest when it lies strictly below
//! (`--below`) or above (`--above`) the threshold. The parameters are the numeric columns of
//! `points.csv` whose values vary; any other column (a rule name, a boolean) is left out and
//! said so.

use std::path::Path;

use super::outcomes::{PointOutcomes, final_effects, final_means};
use crate::analysis::prim::{self, Options, QuasiP, Trajectory};
use crate::error::{Error, Result};

mod report;

pub use report::{box_table, columns, table_csv, write_discovery};

/// The folder `accord discover` writes inside an output folder.
pub const DISCOVERY_DIR: &str = "discovery";

/// How far below the trajectory's highest density the recommended box's density may lie.
pub const DENSITY_MARGIN: f64 = 0.05;

/// Which side of the threshold makes a case of interest.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Threshold {
    /// Outcome < the value.
    Below(f64),
    /// Outcome > the value.
    Above(f64),
}

impl Threshold {
    /// Whether an outcome is a case of interest (an undefined one never is).
    pub fn holds(self, v: f64) -> bool {
        match self {
            Threshold::Below(t) => v < t,
            Threshold::Above(t) => v > t,
        }
    }

    /// `below 0.1` or `above 0.1`.
    pub fn describe(self) -> String {
        match self {
            Threshold::Below(t) => format!("below {t}"),
            Threshold::Above(t) => format!("above {t}"),
        }
    }
}

/// What to discover.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// Arm name (or 0-based index).
    pub arm: String,
    /// Metric column.
    pub metric: String,
    /// The case-of-interest rule.
    pub threshold: Threshold,
    /// The arm's paired effect against the reference instead of its level.
    pub effect: bool,
    /// PRIM's tuning.
    pub options: Options,
    /// The box to report instead of the recommended one.
    pub chosen: Option<usize>,
}

/// A finished search, everything the tables, the stdout table and the charts show.
#[derive(Clone, Debug, PartialEq)]
pub struct Discovery {
    /// The question.
    pub query: Query,
    /// The arm's name (the query may give an index).
    pub arm: String,
    /// The reference arm, with `--effect`.
    pub reference: Option<String>,
    /// The final recorded step the outcomes are taken at.
    pub step: u32,
    /// The parameters searched (paths as in `points.csv`).
    pub params: Vec<String>,
    /// `points.csv` columns left out (not numeric, or constant).
    pub left_out: Vec<String>,
    /// The points searched (those with a defined outcome), in `points.csv` order.
    pub points: Vec<u32>,
    /// `x[param][i]` for the `i`-th searched point.
    pub x: Vec<Vec<f64>>,
    /// Each searched point's outcome.
    pub outcomes: Vec<f64>,
    /// Each searched point's case-of-interest flag.
    pub cases: Vec<bool>,
    /// Points left out for an undefined outcome.
    pub undefined: usize,
    /// The peeling and pasting trajectory.
    pub trajectory: Trajectory,
    /// The recommended box (see [`prim::recommend`] with [`DENSITY_MARGIN`]).
    pub recommended: usize,
    /// The box reported: `--box`, else the recommended one.
    pub chosen: usize,
    /// Quasi-p values of the chosen box, per parameter.
    pub quasi_p: Vec<QuasiP>,
}

impl Discovery {
    /// "`cooperation_org`'s paired effect on fragmentation (vs `baseline`)" or
    /// "`cooperation_org`'s fragmentation": what the outcome is.
    pub fn outcome_name(&self) -> String {
        match &self.reference {
            Some(r) => format!("{}'s effect on {} (vs {r})", self.arm, self.query.metric),
            None => format!("{}'s {}", self.arm, self.query.metric),
        }
    }
}

/// A sweep point and its parameter values as `points.csv` writes them.
pub type PointRow = (u32, Vec<String>);

/// `points.csv`: the swept parameters and every point's values as text.
fn read_points(dir: &Path) -> Result<(Vec<String>, Vec<PointRow>)> {
    let Some(path) = crate::table::locate(dir, "points")? else {
        return Err(Error::InputFile {
            path: dir.join("points.csv"),
            problem: "does not exist: the folder holds no sweep, and scenario discovery needs one \
                      with at least one continuous parameter (`[sweep] method = \
                      \"latin_hypercube\"`, or a grid over numbers)"
                .to_owned(),
        });
    };
    read_points_at(&path)
}

/// The points table at `path` (CSV or Parquet): the swept parameters and every point's values
/// as text; `accord plot`'s sweep charts read it too.
///
/// # Errors
///
/// [`Error::InputFile`] when it does not start with `point` and a parameter, or a point number
/// is not one.
pub fn read_points_at(path: &Path) -> Result<(Vec<String>, Vec<PointRow>)> {
    let bad = |problem: String| Error::InputFile {
        path: path.to_path_buf(),
        problem,
    };
    let mut reader = crate::table::Rows::open(path)?;
    let headers = reader.header().to_vec();
    if headers.first().map(String::as_str) != Some("point") || headers.len() < 2 {
        return Err(bad(
            "must start with `point` followed by the swept parameters".to_owned(),
        ));
    }
    let params: Vec<String> = headers[1..].to_vec();
    let mut rows = Vec::new();
    while reader.advance()? {
        let text = reader.get(0);
        let point = text.parse().map_err(|_| {
            bad(format!(
                "row {}: `point` is `{text}`, not a point number",
                reader.line()
            ))
        })?;
        let values = (1..=params.len())
            .map(|j| reader.get(j).to_owned())
            .collect();
        rows.push((point, values));
    }
    Ok((params, rows))
}

/// Resolves an arm given by name or 0-based index among `arms`.
fn arm_name(arms: &[String], arm: &str) -> Result<String> {
    if arms.iter().any(|a| a == arm) {
        return Ok(arm.to_owned());
    }
    match arm.parse::<usize>().ok().and_then(|i| arms.get(i)) {
        Some(a) => Ok(a.clone()),
        None => Err(Error::Usage(format!(
            "unknown arm `{arm}`; this folder's arms are: {}",
            arms.join(", ")
        ))),
    }
}

fn check_options(o: &Options) -> Result<()> {
    for (name, value, hi) in [
        ("--peel-alpha", o.peel_alpha, 0.5),
        ("--paste-alpha", o.paste_alpha, 0.5),
        ("--mass-min", o.mass_min, 1.0),
    ] {
        if !(value > 0.0 && value < hi) {
            return Err(Error::Usage(format!(
                "`{name}` is `{value}`, but it must lie in (0, {hi})"
            )));
        }
    }
    Ok(())
}

/// Searches the output folder `dir` for the box of parameter space where `query`'s outcome
/// passes its threshold.
///
/// # Errors
///
/// [`Error::InputFile`] for a folder without a sweep, without a numeric varying parameter, or
/// with malformed tables; [`Error::Usage`] for an unknown arm or metric, `--effect` on the
/// reference arm, options out of range, a threshold no point (or every point) passes, or a
/// `--box` beyond the trajectory.
pub fn discover(dir: &Path, query: &Query) -> Result<Discovery> {
    check_options(&query.options)?;
    let (all_params, rows) = read_points(dir)?;
    let summary = final_means(dir)?;
    let arm = arm_name(&summary.arms, &query.arm)?;
    if !summary.metrics.contains(&query.metric) {
        return Err(Error::Usage(format!(
            "unknown metric `{}`; this folder's metrics are: {}",
            query.metric,
            summary.metrics.join(", ")
        )));
    }
    let outcomes: PointOutcomes = if query.effect {
        let effects = final_effects(dir)?;
        if !effects.arms.contains(&arm) {
            return Err(Error::Usage(format!(
                "`--arm {arm}` is the reference arm, whose effect against itself is 0; \
                 --effect takes one of: {}",
                effects.arms.join(", ")
            )));
        }
        effects
    } else {
        summary
    };
    let series = outcomes.series(&arm, &query.metric).unwrap_or(&[]);
    let value_at = |p: u32| {
        outcomes
            .points
            .binary_search(&p)
            .ok()
            .and_then(|i| series.get(i).copied())
            .unwrap_or(f64::NAN)
    };
    // Numeric parameters that vary; the rest are left out.
    let mut params = Vec::new();
    let mut columns: Vec<Vec<f64>> = Vec::new();
    let mut left_out = Vec::new();
    for (j, name) in all_params.iter().enumerate() {
        let column: Option<Vec<f64>> = rows
            .iter()
            .map(|(_, v)| v[j].parse::<f64>().ok().filter(|x| x.is_finite()))
            .collect();
        match column {
            Some(c) if c.iter().any(|&v| v != c[0]) => {
                params.push(name.clone());
                columns.push(c);
            }
            _ => left_out.push(name.clone()),
        }
    }
    if params.is_empty() {
        return Err(Error::InputFile {
            path: dir.join("points.csv"),
            problem: format!(
                "has no swept parameter with numbers that vary across the points (columns: \
                 {}); scenario discovery needs at least one continuous parameter",
                all_params.join(", ")
            ),
        });
    }
    let mut points = Vec::new();
    let mut x = vec![Vec::new(); params.len()];
    let mut values = Vec::new();
    for (i, (p, _)) in rows.iter().enumerate() {
        let v = value_at(*p);
        if v.is_finite() {
            points.push(*p);
            values.push(v);
            for (xj, column) in x.iter_mut().zip(&columns) {
                xj.push(column[i]);
            }
        }
    }
    let undefined = rows.len() - points.len();
    let cases: Vec<bool> = values.iter().map(|&v| query.threshold.holds(v)).collect();
    let hits = cases.iter().filter(|&&c| c).count();
    if hits == 0 || hits == cases.len() {
        let (lo, hi) = values
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        let what = if hits == 0 { "no point" } else { "every point" };
        return Err(Error::Usage(format!(
            "{what} has {} `{}` {}{}, so there is nothing to tell apart; choose a threshold \
             inside that range",
            if query.effect {
                "an effect on"
            } else {
                "a mean"
            },
            query.metric,
            query.threshold.describe(),
            if values.is_empty() {
                " (no point has a defined outcome)".to_owned()
            } else {
                format!(" (outcomes range from {} to {})", short(lo), short(hi))
            }
        )));
    }
    let trajectory = prim::find_box(&x, &cases, &query.options);
    let recommended = prim::recommend(&trajectory, DENSITY_MARGIN);
    let last = trajectory.boxes.len() - 1;
    let chosen = match query.chosen {
        Some(k) if k > last => {
            return Err(Error::Usage(format!(
                "`--box {k}`: the trajectory has boxes 0 to {last}"
            )));
        }
        Some(k) => k,
        None => recommended,
    };
    let quasi_p = prim::quasi_p(&x, &cases, &trajectory.initial, &trajectory.boxes[chosen]);
    Ok(Discovery {
        query: query.clone(),
        reference: if query.effect {
            outcomes.reference.clone()
        } else {
            None
        },
        arm,
        step: outcomes.step,
        params,
        left_out,
        points,
        x,
        outcomes: values,
        cases,
        undefined,
        trajectory,
        recommended,
        chosen,
        quasi_p,
    })
}

/// A number in the shortest form that reads back as itself, for messages.
fn short(v: f64) -> String {
    format!("{v}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ten points on a numeric `a`, a boolean `flag` and a constant `c`; arm `x`'s mean is
    /// `a` itself, undefined at point 9.
    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let mut points = "point,a,flag,c\n".to_owned();
        let mut summary = "point,arm,step,metric,mean\n".to_owned();
        for p in 0..10 {
            points.push_str(&format!("{p},{p}.0000000000,{},1.0000000000\n", p % 2 == 0));
            let mean = if p == 9 {
                String::new()
            } else {
                format!("{p}.0")
            };
            summary.push_str(&format!("{p},x,0,f,0.5\n{p},x,4,f,{mean}\n{p},y,4,f,1.0\n"));
        }
        std::fs::write(dir.path().join("points.csv"), points).unwrap();
        std::fs::write(dir.path().join("summary.csv"), summary).unwrap();
        dir
    }

    fn query(threshold: Threshold) -> Query {
        Query {
            arm: "x".to_owned(),
            metric: "f".to_owned(),
            threshold,
            effect: false,
            options: Options::default(),
            chosen: None,
        }
    }

    #[test]
    fn searches_the_varying_numbers_and_the_points_with_an_outcome() {
        let dir = folder();
        let d = discover(dir.path(), &query(Threshold::Below(3.0))).unwrap();
        assert_eq!(d.params, ["a"]);
        assert_eq!(d.left_out, ["flag", "c"]);
        assert_eq!((d.points.len(), d.undefined, d.step), (9, 1, 4));
        assert_eq!(
            d.cases,
            [true, true, true, false, false, false, false, false, false]
        );
        // Peeling a's upper end finds the box a ≤ 2.5: every case and nothing else.
        let b = &d.trajectory.boxes[d.chosen];
        assert_eq!((b.limits[0], b.coverage, b.density), ((0.0, 2.5), 1.0, 1.0));
        // Without the upper limit the box is all 9 points with 3 cases: (3/9)³ = 1/27.
        assert_eq!(d.quasi_p[0].0, None);
        assert!((d.quasi_p[0].1.unwrap() - 1.0 / 27.0).abs() < 1e-15);
        let table = box_table(&d);
        assert!(table.contains("x's f below 3 at step 4"), "{table}");
        assert!(table.contains("note: 1 points without a defined outcome are left out"));
        assert!(table.contains("note: `flag` is not a varying number and is left out"));
        let csv = table_csv("box", &d).unwrap();
        assert!(
            csv.lines()
                .nth(1)
                .unwrap()
                .ends_with(",a,true,0.0000000000,2.5000000000,,0.0370370370"),
            "{csv}"
        );
    }

    #[test]
    fn refuses_what_it_cannot_answer() {
        let dir = folder();
        let err = discover(dir.path(), &query(Threshold::Above(100.0)))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("no point has a mean `f` above 100 (outcomes range from 0 to 8)"),
            "{err}"
        );
        let mut q = query(Threshold::Below(3.0));
        q.effect = true;
        let err = discover(dir.path(), &q).unwrap_err().to_string();
        assert!(err.contains("effects.csv` does not exist (nor `effects.parquet`); pass an output folder written by `accord run` or `accord merge` with two or more arms"), "{err}");
        std::fs::write(
            dir.path().join("points.csv"),
            "point,flag\n0,true\n1,false\n",
        )
        .unwrap();
        let err = discover(dir.path(), &query(Threshold::Below(3.0))).unwrap_err();
        assert!(
            err.to_string().contains(
                "has no swept parameter with numbers that vary across the points (columns: flag)"
            ),
            "{err}"
        );
        assert_eq!(err.exit_code(), 2);
    }
}
