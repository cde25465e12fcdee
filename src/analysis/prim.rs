//! PRIM, the patient rule induction method (Friedman & Fisher 1999), for scenario discovery:
//! which box of parameter space holds the points where a policy works (or fails)?
//!
//! This follows the binary form of the EMA Workbench (`ema_workbench/analysis/prim.py`, with
//! `prim_util.py` and `scenario_discovery_util.py`) step for step, so that an analyst who
//! knows that tool reads the same trajectory here:
//!
//! - The points are `x` (one column per parameter) and `y` (whether the point is a case of
//!   interest). The initial box spans the data: each parameter's observed minimum and
//!   maximum. A parameter is *restricted* when either of its limits differs from those.
//! - **Peeling**: for every parameter, two candidate boxes cut off the points below the
//!   `peel_alpha` quantile or above the `1 − peel_alpha` quantile of the points in the box
//!   (the Workbench's `get_quantile`, which places the cut half-way between two distinct
//!   values, so tied values are never split). Each candidate is scored with the LENIENT1
//!   objective, (mean of y in the new box − mean in the old) / |change in the number of
//!   points|; the best score wins, ties going to the candidate with fewer restricted
//!   parameters, then to the first in (parameter, upper before lower) order. A peel is taken
//!   while it raises the objective above 0, lowers the mass and keeps the mass at least
//!   `mass_min`.
//! - **Pasting**: then, for every restricted parameter, two candidates widen the box again
//!   (lower limit down to the `1 − paste_alpha` quantile of the points just below it, upper
//!   limit up to the `paste_alpha` quantile of those just above), scored the same way; a
//!   paste is taken while it raises both the objective and the density and the mass.
//! - Every box taken is one step of the trajectory, starting with the initial box (step 0).
//!
//! Quasi-p values (Bryant & Lempert 2010, as the Workbench computes them): for each
//! restricted limit, drop that one limit, count the points T_j and cases H_j in the widened
//! box, and report P(X ≥ H) for X ~ Binomial(T, H_j / T_j), T and H the box's points and
//! cases: how likely the box's density would be if the limit added nothing. Small values mean
//! the limit matters.
//!
//! Only the first box is found (the Workbench's `find_box` once): one region of interest is
//! what the question "under which assumptions does the policy work?" asks for.

/// PRIM's tuning, with the Workbench's defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// Share of the box's points a peel cuts off (0.05).
    pub peel_alpha: f64,
    /// Share of the points outside a limit a paste takes back (0.05).
    pub paste_alpha: f64,
    /// The least share of all points a box may hold (0.05).
    pub mass_min: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            peel_alpha: 0.05,
            paste_alpha: 0.05,
            mass_min: 0.05,
        }
    }
}

/// Lower and upper limit of one parameter (both inclusive).
pub type Limits = (f64, f64);

/// How a box of the trajectory was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// The initial box, spanning the data.
    Start,
    /// One peel.
    Peel,
    /// One paste.
    Paste,
}

impl Move {
    /// `start`, `peel` or `paste`.
    pub fn as_str(self) -> &'static str {
        match self {
            Move::Start => "start",
            Move::Peel => "peel",
            Move::Paste => "paste",
        }
    }
}

/// One box of the peeling and pasting trajectory.
#[derive(Clone, Debug, PartialEq)]
pub struct PrimBox {
    /// How it was reached.
    pub how: Move,
    /// Limits per parameter, in column order.
    pub limits: Vec<Limits>,
    /// Points inside.
    pub n: usize,
    /// Cases of interest inside.
    pub cases: usize,
    /// Share of all cases of interest that lie inside (0 when there are none).
    pub coverage: f64,
    /// Share of the points inside that are cases of interest.
    pub density: f64,
    /// Share of all points that lie inside.
    pub mass: f64,
    /// The restricted parameters, in column order.
    pub restricted: Vec<usize>,
}

/// The whole trajectory of one PRIM search.
#[derive(Clone, Debug, PartialEq)]
pub struct Trajectory {
    /// The initial box: each parameter's observed minimum and maximum.
    pub initial: Vec<Limits>,
    /// Every box taken, starting with the initial one.
    pub boxes: Vec<PrimBox>,
    /// Points in all.
    pub points: usize,
    /// Cases of interest in all.
    pub cases: usize,
}

/// Runs PRIM's peeling and pasting on `x` (one column per parameter, each as long as `y`,
/// every value finite) and the cases of interest `y`.
///
/// # Panics
///
/// When a column's length differs from `y`'s: the callers build both from one table.
pub fn find_box(x: &[Vec<f64>], y: &[bool], options: &Options) -> Trajectory {
    assert!(
        x.iter().all(|c| c.len() == y.len()),
        "every column of x has one value per point"
    );
    let initial: Vec<Limits> = x
        .iter()
        .map(|c| {
            c.iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                    (lo.min(v), hi.max(v))
                })
        })
        .collect();
    let search = Search {
        x,
        y,
        initial: &initial,
        options,
        total_cases: y.iter().filter(|&&c| c).count(),
    };
    let all: Vec<usize> = (0..y.len()).collect();
    let mut boxes = vec![search.make(Move::Start, initial.clone(), all)];
    let mut indices: Vec<usize> = (0..y.len()).collect();
    if !y.is_empty() {
        indices = search.peel(&mut boxes, indices);
        search.paste(&mut boxes, indices);
    }
    let cases = search.total_cases;
    Trajectory {
        initial,
        boxes,
        points: y.len(),
        cases,
    }
}

/// The parameters whose limits differ from the initial box's, in column order.
pub fn restricted(limits: &[Limits], initial: &[Limits]) -> Vec<usize> {
    limits
        .iter()
        .zip(initial)
        .enumerate()
        .filter(|(_, (l, i))| l != i)
        .map(|(j, _)| j)
        .collect()
}

/// Every parameter, narrowest first: by the box's width over the data's width (ties, and
/// parameters without spread, in column order). The first two are the pair a scatter of the
/// box shows.
pub fn narrowest(limits: &[Limits], initial: &[Limits]) -> Vec<usize> {
    let width = |j: usize| {
        let span = initial[j].1 - initial[j].0;
        if span > 0.0 {
            (limits[j].1 - limits[j].0) / span
        } else {
            1.0
        }
    };
    let mut order: Vec<usize> = (0..limits.len()).collect();
    order.sort_by(|&a, &b| width(a).total_cmp(&width(b)).then(a.cmp(&b)));
    order
}

/// The box to recommend: the first whose density is within `margin` of the highest density
/// on the trajectory. Every later box buys at most `margin` more density with coverage, so
/// this is where density stops rising by more than the margin.
pub fn recommend(trajectory: &Trajectory, margin: f64) -> usize {
    let best = trajectory
        .boxes
        .iter()
        .map(|b| b.density)
        .fold(f64::NEG_INFINITY, f64::max);
    trajectory
        .boxes
        .iter()
        .position(|b| b.density >= best - margin)
        .unwrap_or(0)
}

/// The quasi-p values of `b`'s restricted limits, per parameter `(lower, upper)`; `None` for
/// a limit the box does not restrict. See the module documentation.
pub fn quasi_p(x: &[Vec<f64>], y: &[bool], initial: &[Limits], b: &PrimBox) -> Vec<QuasiP> {
    let mut out = vec![(None, None); initial.len()];
    for &u in &b.restricted {
        for lower in [true, false] {
            let (limit, open) = if lower {
                (b.limits[u].0, initial[u].0)
            } else {
                (b.limits[u].1, initial[u].1)
            };
            if limit == open {
                continue;
            }
            let mut widened = b.limits.clone();
            if lower {
                widened[u].0 = open;
            } else {
                widened[u].1 = open;
            }
            let (mut t, mut h) = (0usize, 0usize);
            for (i, &case) in y.iter().enumerate() {
                if inside(x, i, &widened, &b.restricted) {
                    t += 1;
                    h += usize::from(case);
                }
            }
            // The widened box holds the box, so t ≥ b.n > 0 when the box has points.
            let p = if t == 0 { 0.0 } else { h as f64 / t as f64 };
            let qp = binomial_at_least(b.cases, b.n, p);
            if lower {
                out[u].0 = Some(qp);
            } else {
                out[u].1 = Some(qp);
            }
        }
    }
    out
}

/// The quasi-p values of one parameter's lower and upper limit; `None` where unrestricted.
pub type QuasiP = (Option<f64>, Option<f64>);

/// P(X ≥ k) for X ~ Binomial(n, p): SciPy's `binomtest(k, n, p, alternative="greater")`.
///
/// Summed over the upper tail in log space (each term from the previous by the ratio
/// (n − j)/(j + 1) · p/(1 − p)), so tails far below 1e-300 underflow to 0 rather than to
/// garbage, and the sum is exact to rounding for the sizes of a sweep.
pub fn binomial_at_least(k: usize, n: usize, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let m = k.min(n - k);
    let ln_choose: f64 = (1..=m).map(|i| ((n - m + i) as f64 / i as f64).ln()).sum();
    let odds = (p / (1.0 - p)).ln();
    let mut term = ln_choose + k as f64 * p.ln() + (n - k) as f64 * (1.0 - p).ln();
    let mut terms = Vec::with_capacity(n - k + 1);
    for j in k..=n {
        terms.push(term);
        if j < n {
            term += ((n - j) as f64 / (j + 1) as f64).ln() + odds;
        }
    }
    let top = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = terms.iter().map(|t| (t - top).exp()).sum();
    (top + sum.ln()).exp().clamp(0.0, 1.0)
}

/// The Workbench's `get_quantile` on sorted, non-empty data: the cut at position
/// (n − 1)·q, moved outwards past tied values and placed half-way between two distinct ones
/// (or on the value itself when every value from there on is tied).
pub fn cut_quantile(sorted: &[f64], q: f64) -> f64 {
    let last = sorted.len() - 1;
    let i = last as f64 * q;
    let (mut lo, mut hi) = (i.floor() as usize, (i.ceil() as usize).min(last));
    if q > 0.5 {
        while sorted[lo] == sorted[hi] && lo > 0 {
            lo -= 1;
        }
    } else {
        while sorted[lo] == sorted[hi] && hi < last {
            hi += 1;
        }
    }
    (sorted[lo] + sorted[hi]) / 2.0
}

/// Whether point `i` lies in `limits` on the parameters `dims` (the others are unrestricted).
fn inside(x: &[Vec<f64>], i: usize, limits: &[Limits], dims: &[usize]) -> bool {
    dims.iter()
        .all(|&j| limits[j].0 <= x[j][i] && x[j][i] <= limits[j].1)
}

/// The LENIENT1 objective: the change in the mean of y per point gained or lost.
fn lenient1(old: (usize, usize), new: (usize, usize)) -> f64 {
    let mean = |(n, k): (usize, usize)| if n == 0 { 0.0 } else { k as f64 / n as f64 };
    let (mean_old, mean_new) = (mean(old), mean(new));
    if mean_old == mean_new || old.0 == new.0 {
        return 0.0;
    }
    (mean_new - mean_old) / old.0.abs_diff(new.0) as f64
}

/// The search's fixed inputs.
struct Search<'a> {
    x: &'a [Vec<f64>],
    y: &'a [bool],
    initial: &'a [Limits],
    options: &'a Options,
    total_cases: usize,
}

/// A candidate box: (objective, unrestricted parameters, limits, points inside).
type Candidate = (f64, usize, Vec<Limits>, Vec<usize>);

impl Search<'_> {
    fn cases(&self, indices: &[usize]) -> usize {
        indices.iter().filter(|&&i| self.y[i]).count()
    }

    fn make(&self, how: Move, limits: Vec<Limits>, indices: Vec<usize>) -> PrimBox {
        let (n, cases) = (indices.len(), self.cases(&indices));
        PrimBox {
            how,
            restricted: restricted(&limits, self.initial),
            limits,
            n,
            cases,
            coverage: cases as f64 / self.total_cases.max(1) as f64,
            density: if n == 0 { 0.0 } else { cases as f64 / n as f64 },
            mass: n as f64 / self.y.len().max(1) as f64,
        }
    }

    /// Keeps the better of `best` and a new candidate: higher objective, then more
    /// unrestricted parameters; the earlier one on a tie (the Workbench's stable sort).
    fn consider(
        &self,
        best: &mut Option<Candidate>,
        obj: f64,
        limits: Vec<Limits>,
        idx: Vec<usize>,
    ) {
        let free = limits.len() - restricted(&limits, self.initial).len();
        let better = match best {
            None => true,
            Some((o, f, _, _)) => obj > *o || (obj == *o && free > *f),
        };
        if better {
            *best = Some((obj, free, limits, idx));
        }
    }

    /// Peels while a peel improves the box; returns the points of the last box.
    fn peel(&self, boxes: &mut Vec<PrimBox>, mut indices: Vec<usize>) -> Vec<usize> {
        let n_all = self.y.len() as f64;
        loop {
            let limits = boxes.last().map(|b| b.limits.clone()).unwrap_or_default();
            let old = (indices.len(), self.cases(&indices));
            let mut best: Option<Candidate> = None;
            for (j, column) in self.x.iter().enumerate() {
                let values: Vec<f64> = indices.iter().map(|&i| column[i]).collect();
                let mut sorted = values.clone();
                sorted.sort_by(f64::total_cmp);
                for upper in [true, false] {
                    let q = if upper {
                        1.0 - self.options.peel_alpha
                    } else {
                        self.options.peel_alpha
                    };
                    let cut = cut_quantile(&sorted, q);
                    let kept: Vec<usize> = indices
                        .iter()
                        .zip(&values)
                        .filter(|&(_, &v)| if upper { v <= cut } else { v >= cut })
                        .map(|(&i, _)| i)
                        .collect();
                    let mut new_limits = limits.clone();
                    if upper {
                        new_limits[j].1 = cut;
                    } else {
                        new_limits[j].0 = cut;
                    }
                    let obj = lenient1(old, (kept.len(), self.cases(&kept)));
                    self.consider(&mut best, obj, new_limits, kept);
                }
            }
            let Some((obj, _, new_limits, kept)) = best else {
                return indices;
            };
            let mass_new = kept.len() as f64 / n_all;
            let mass_old = indices.len() as f64 / n_all;
            if mass_new >= self.options.mass_min && mass_new < mass_old && obj > 0.0 {
                boxes.push(self.make(Move::Peel, new_limits, kept.clone()));
                indices = kept;
            } else {
                return indices;
            }
        }
    }

    /// Pastes while a paste improves the box.
    fn paste(&self, boxes: &mut Vec<PrimBox>, mut indices: Vec<usize>) {
        let n_all = self.y.len() as f64;
        loop {
            let Some(last) = boxes.last() else { return };
            let limits = last.limits.clone();
            let dims = last.restricted.clone();
            if dims.is_empty() {
                return;
            }
            let old = (indices.len(), self.cases(&indices));
            let mut best: Option<Candidate> = None;
            for &u in &dims {
                for lower in [true, false] {
                    let (open, q) = if lower {
                        (self.initial[u].0, 1.0 - self.options.paste_alpha)
                    } else {
                        (self.initial[u].1, self.options.paste_alpha)
                    };
                    let mut region = limits.clone();
                    region[u] = if lower {
                        (open, limits[u].0)
                    } else {
                        (limits[u].1, open)
                    };
                    let mut outside: Vec<f64> = (0..self.y.len())
                        .filter(|&i| inside(self.x, i, &region, &dims))
                        .map(|i| self.x[u][i])
                        .collect();
                    outside.sort_by(f64::total_cmp);
                    let value = if outside.is_empty() {
                        open
                    } else {
                        cut_quantile(&outside, q)
                    };
                    let mut new_limits = limits.clone();
                    if lower {
                        new_limits[u].0 = value;
                    } else {
                        new_limits[u].1 = value;
                    }
                    let kept: Vec<usize> = (0..self.y.len())
                        .filter(|&i| inside(self.x, i, &new_limits, &dims))
                        .collect();
                    let obj = lenient1(old, (kept.len(), self.cases(&kept)));
                    self.consider(&mut best, obj, new_limits, kept);
                }
            }
            let Some((obj, _, new_limits, kept)) = best else {
                return;
            };
            let mass_new = kept.len() as f64 / n_all;
            let mass_old = indices.len() as f64 / n_all;
            let density = |n: usize, k: usize| k as f64 / n.max(1) as f64;
            let rises = density(kept.len(), self.cases(&kept)) > density(old.0, old.1);
            if mass_new >= self.options.mass_min && mass_new > mass_old && obj > 0.0 && rises {
                boxes.push(self.make(Move::Paste, new_limits, kept.clone()));
                indices = kept;
            } else {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests;
