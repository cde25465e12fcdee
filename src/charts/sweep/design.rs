//! A sweep's design read back from `points.csv` (an axis per swept parameter, every point's
//! place on them), and the final-step values of `summary.csv` arranged on it: a curve per arm
//! for one parameter, a grid or scattered points for two.
//!
//! Everything here is pure, so the tests check it on hand-made rows.

use std::collections::BTreeMap;

use crate::charts::figure::clip;
use crate::charts::input::{PointsTable, SummaryRecord};

/// One swept parameter's distinct values in axis order: ascending when every value is a
/// number, otherwise (booleans, rule names) in order of first appearance.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Axis {
    pub(super) path: String,
    pub(super) numeric: bool,
    /// `(position on the axis, tick label)`; the position is the value itself when numeric,
    /// else the index.
    pub(super) values: Vec<(f64, String)>,
}

/// `0.2500000000` → `0.25`, `1.0000000000` → `1`; other text unchanged.
pub(super) fn short_label(text: &str) -> String {
    if text.contains('.') && text.parse::<f64>().is_ok() {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text.to_owned()
    }
}

impl Axis {
    pub(super) fn new<'a>(path: &str, texts: impl Iterator<Item = &'a str> + Clone) -> Self {
        let numeric = texts
            .clone()
            .all(|t| t.parse::<f64>().is_ok_and(f64::is_finite));
        let mut values: Vec<(f64, String)> = Vec::new();
        if numeric {
            for t in texts {
                let v: f64 = t.parse().unwrap_or(f64::NAN);
                if !values.iter().any(|(p, _)| *p == v) {
                    values.push((v, short_label(t)));
                }
            }
            values.sort_by(|a, b| a.0.total_cmp(&b.0));
        } else {
            for t in crate::charts::input::ordered(texts) {
                values.push((values.len() as f64, t));
            }
        }
        Axis {
            path: path.to_owned(),
            numeric,
            values,
        }
    }

    /// Index of `text` among the values.
    pub(super) fn index(&self, text: &str) -> Option<usize> {
        if self.numeric {
            let v: f64 = text.parse().ok()?;
            self.values.iter().position(|(p, _)| *p == v)
        } else {
            self.values.iter().position(|(_, l)| l == text)
        }
    }

    /// The plotted span: the values with 4 % padding (numeric) or ±½ around the indices.
    pub(super) fn range(&self) -> (f64, f64) {
        let lo = self.values.first().map_or(0.0, |v| v.0);
        let hi = self.values.last().map_or(1.0, |v| v.0);
        if !self.numeric {
            return (lo - 0.5, hi + 0.5);
        }
        let span = hi - lo;
        if span > 0.0 {
            (lo - 0.04 * span, hi + 0.04 * span)
        } else {
            let pad = 0.1 * lo.abs().max(1.0);
            (lo - pad, hi + pad)
        }
    }

    /// The plotted span of a grid, whose cells sit at the indices: ±½ around them.
    pub(super) fn index_range(&self) -> (f64, f64) {
        (-0.5, self.values.len() as f64 - 0.5)
    }

    /// Tick labels at the axis's own values, as `(position, label)`: at the indices when
    /// `by_index` (a grid), else at the positions; thinned to at most 12.
    pub(super) fn ticks(&self, by_index: bool) -> Vec<(f64, &str)> {
        let every = self.values.len().div_ceil(12).max(1);
        self.values
            .iter()
            .enumerate()
            .step_by(every)
            .map(|(i, (p, l))| (if by_index { i as f64 } else { *p }, l.as_str()))
            .collect()
    }
}

/// The sweep's design: an axis per parameter and every point's place on them.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Design {
    pub(super) axes: Vec<Axis>,
    /// `(point, index into each axis)`, in file order; points with an unreadable value are left
    /// out.
    pub(super) points: Vec<(u32, Vec<usize>)>,
    /// Whether the points are exactly the full cartesian product of the axes (a grid sweep),
    /// rather than scattered (a Latin hypercube).
    pub(super) grid: bool,
}

impl Design {
    pub(super) fn new(table: &PointsTable) -> Self {
        let axes: Vec<Axis> = table
            .params
            .iter()
            .enumerate()
            .map(|(j, path)| {
                let texts = table
                    .rows
                    .iter()
                    .map(move |(_, v)| v.get(j).map_or("", String::as_str));
                Axis::new(path, texts)
            })
            .collect();
        let points: Vec<(u32, Vec<usize>)> = table
            .rows
            .iter()
            .filter_map(|(p, values)| {
                let idx = axes
                    .iter()
                    .zip(values)
                    .map(|(a, t)| a.index(t))
                    .collect::<Option<Vec<_>>>()?;
                (idx.len() == axes.len()).then_some((*p, idx))
            })
            .collect();
        let cells: usize = axes.iter().map(|a| a.values.len()).product();
        let mut distinct: Vec<&Vec<usize>> = points.iter().map(|(_, i)| i).collect();
        distinct.sort();
        distinct.dedup();
        let grid = !points.is_empty() && distinct.len() == points.len() && cells == points.len();
        Design { axes, points, grid }
    }
}

/// The last recorded step of the sweep's rows (the rows with a point).
pub(super) fn final_step(summary: &[SummaryRecord]) -> Option<u32> {
    summary
        .iter()
        .filter(|r| r.point.is_some())
        .map(|r| r.step)
        .max()
}

/// `(mean, ci95_lo, ci95_hi)` of `metric` at `step`, by `(point, arm)`.
pub(super) type Finals<'a> = BTreeMap<(u32, &'a str), (f64, f64, f64)>;

pub(super) fn finals<'a>(summary: &'a [SummaryRecord], metric: &str, step: u32) -> Finals<'a> {
    summary
        .iter()
        .filter(|r| r.step == step && r.metric == metric)
        .filter_map(|r| Some(((r.point?, r.arm.as_str()), (r.mean, r.lo, r.hi))))
        .collect()
}

/// One arm's final values along the single axis of a one-parameter sweep, as
/// `(position, mean, lo, hi)` sorted by position; points without data are NaN (a gap).
pub(super) fn curve(design: &Design, finals: &Finals<'_>, arm: &str) -> Vec<(f64, f64, f64, f64)> {
    let Some(axis) = design.axes.first() else {
        return Vec::new();
    };
    let mut out: Vec<(f64, f64, f64, f64)> = design
        .points
        .iter()
        .map(|(p, idx)| {
            let x = axis.values[idx[0]].0;
            let (m, lo, hi) =
                finals
                    .get(&(*p, arm))
                    .copied()
                    .unwrap_or((f64::NAN, f64::NAN, f64::NAN));
            (x, clip(m), clip(lo), clip(hi))
        })
        .collect();
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

/// One arm's final means on a two-parameter grid: `cells[i][j]` at the `i`-th value of the
/// first parameter and the `j`-th of the second; NaN where a point has no data.
pub(super) fn grid(design: &Design, finals: &Finals<'_>, arm: &str) -> Vec<Vec<f64>> {
    let (nx, ny) = match design.axes.as_slice() {
        [x, y, ..] => (x.values.len(), y.values.len()),
        _ => return Vec::new(),
    };
    let mut cells = vec![vec![f64::NAN; ny]; nx];
    for (p, idx) in &design.points {
        if let (Some(&(m, _, _)), [i, j, ..]) = (finals.get(&(*p, arm)), idx.as_slice()) {
            cells[*i][*j] = clip(m);
        }
    }
    cells
}

/// One arm's final means at scattered points: `(x, y, mean)` on the first two parameters.
pub(super) fn scatter(design: &Design, finals: &Finals<'_>, arm: &str) -> Vec<(f64, f64, f64)> {
    let [x, y, ..] = design.axes.as_slice() else {
        return Vec::new();
    };
    design
        .points
        .iter()
        .map(|(p, idx)| {
            let m = finals.get(&(*p, arm)).map_or(f64::NAN, |v| clip(v.0));
            (x.values[idx[0]].0, y.values[idx[1]].0, m)
        })
        .collect()
}
