//! Robustness of each arm across the points of a sweep: which arm does well whatever the
//! uncertain assumptions turn out to be?
//!
//! The input is one value per (arm, point): the arm's mean of a metric over the point's runs
//! at the final recorded step. Per arm, over the points:
//!
//! - `mean`, `p10`, `p50`, `p90` of the values: quantiles of type 7 (linear interpolation
//!   between order statistics, NumPy's and R's default, [`quantile_sorted`]);
//! - Savage's regret at each point: how much worse the arm is than the best arm there, in the
//!   metric's better direction (its value minus the lowest value when lower is better, the
//!   highest value minus its value when higher is better), so 0 for the best arm and never
//!   negative; reported as its maximum and its 90th percentile;
//! - `share_best`: the share of points where the arm is best. Ties: every arm whose value
//!   equals the best value (as written in `summary.csv`) counts as best there, so the shares
//!   of tied arms may add up to more than 1;
//! - with a [`Satisfice`] threshold, the share of points where the arm satisfies it.
//!
//! Which direction is better is the metric catalogue's [`Orientation`] (one place for it);
//! metrics with no better direction get no regret or share best. Regret and share best use
//! only the points where every arm has a value; the other columns use every point where
//! the arm has one.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;
use crate::experiment::stats::quantile_sorted;
use crate::metrics::catalogue::{self, Metric, Orientation};

/// The better direction of the metric in `column`, from the catalogue; [`Orientation::Neither`]
/// for a column the catalogue does not know.
pub fn orientation(column: &str) -> Orientation {
    match Metric::from_column(column) {
        Some(m) => m.info().orientation,
        None if catalogue::members_body(column).is_some() => catalogue::MEMBERS.orientation,
        None => Orientation::Neither,
    }
}

/// `lower`, `higher` or `neither`: the orientation as a CSV cell.
pub fn orientation_cell(o: Orientation) -> &'static str {
    match o {
        Orientation::LowerIsBetter => "lower",
        Orientation::HigherIsBetter => "higher",
        Orientation::Neither => "neither",
    }
}

/// Which side of a threshold satisfies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// `metric<=value`.
    AtMost,
    /// `metric>=value`.
    AtLeast,
}

/// A satisficing threshold (`--satisfice fragmentation<=0.3`): the level of a metric an
/// analyst would call good enough.
#[derive(Clone, Debug, PartialEq)]
pub struct Satisfice {
    /// The metric's column name.
    pub metric: String,
    /// `<=` or `>=`.
    pub bound: Bound,
    /// The threshold.
    pub value: f64,
}

impl Satisfice {
    /// Whether `v` satisfies the threshold (an undefined value never does).
    pub fn holds(&self, v: f64) -> bool {
        match self.bound {
            Bound::AtMost => v <= self.value,
            Bound::AtLeast => v >= self.value,
        }
    }
}

impl fmt::Display for Satisfice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = match self.bound {
            Bound::AtMost => "<=",
            Bound::AtLeast => ">=",
        };
        write!(f, "{}{op}{}", self.metric, self.value)
    }
}

impl FromStr for Satisfice {
    type Err = Error;

    /// `<metric><=<value>` or `<metric>>=<value>`, spaces allowed around the parts.
    fn from_str(text: &str) -> Result<Self, Error> {
        let bad = |why: &str| {
            Error::Usage(format!(
                "`--satisfice {text}`: {why}; write `<metric><=<value>` or \
                 `<metric>>=<value>`, e.g. `fragmentation<=0.3`"
            ))
        };
        let (metric, bound, value) = if let Some((m, v)) = text.split_once("<=") {
            (m, Bound::AtMost, v)
        } else if let Some((m, v)) = text.split_once(">=") {
            (m, Bound::AtLeast, v)
        } else {
            return Err(bad("no `<=` or `>=`"));
        };
        let metric = metric.trim();
        if metric.is_empty() {
            return Err(bad("no metric before the comparison"));
        }
        let value = value.trim();
        match value.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Satisfice {
                metric: metric.to_owned(),
                bound,
                value: v,
            }),
            _ => Err(bad(&format!("`{value}` is not a finite number"))),
        }
    }
}

/// One row of `robustness.csv`: one arm on one metric across the points.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The metric's column name.
    pub metric: String,
    /// The arm.
    pub arm: String,
    /// Which direction is better.
    pub orientation: Orientation,
    /// Points where the arm has a value.
    pub points: usize,
    /// Mean over those points (NaN when there are none).
    pub mean: f64,
    /// 10th percentile (type 7).
    pub p10: f64,
    /// Median (type 7).
    pub p50: f64,
    /// 90th percentile (type 7).
    pub p90: f64,
    /// Largest regret; `None` without an orientation or a point where every arm has a value.
    pub max_regret: Option<f64>,
    /// 90th percentile of the regret (type 7), likewise.
    pub p90_regret: Option<f64>,
    /// Share of points where the arm is best (ties count for every tied arm), likewise.
    pub share_best: Option<f64>,
    /// The threshold applied, if one was given for this metric.
    pub satisfice: Option<Satisfice>,
    /// Share of the arm's points that satisfy it.
    pub share_satisficing: Option<f64>,
}

/// The rows of one metric, one per arm in `arms`' order. `values[a][p]` is arm `a`'s value
/// at point `p` (NaN: undefined there); every arm has the same number of points.
///
/// # Panics
///
/// When `values` does not hold one row per arm of equal lengths: the caller builds it from
/// one table.
pub fn robustness(
    metric: &str,
    orientation: Orientation,
    arms: &[String],
    values: &[Vec<f64>],
    satisfice: Option<&Satisfice>,
) -> Vec<Row> {
    assert_eq!(arms.len(), values.len(), "one row of values per arm");
    let points = values.first().map_or(0, Vec::len);
    assert!(values.iter().all(|v| v.len() == points), "equal rows");
    // The best value at each point where every arm has one.
    let best: Vec<Option<f64>> = (0..points)
        .map(|p| {
            let column = values.iter().map(|v| v[p]);
            if column.clone().any(|v| !v.is_finite()) {
                return None;
            }
            match orientation {
                Orientation::LowerIsBetter => column.reduce(f64::min),
                Orientation::HigherIsBetter => column.reduce(f64::max),
                Orientation::Neither => None,
            }
        })
        .collect();
    let compared = best.iter().filter(|b| b.is_some()).count();
    arms.iter()
        .zip(values)
        .map(|(arm, row)| {
            let mut defined: Vec<f64> = row.iter().copied().filter(|v| v.is_finite()).collect();
            let n = defined.len();
            let mean = if n == 0 {
                f64::NAN
            } else {
                defined.iter().sum::<f64>() / n as f64
            };
            let share_satisficing = satisfice
                .filter(|_| n > 0)
                .map(|s| defined.iter().filter(|&&v| s.holds(v)).count() as f64 / n as f64);
            defined.sort_by(f64::total_cmp);
            let mut regrets: Vec<f64> = row
                .iter()
                .zip(&best)
                .filter_map(|(&v, b)| {
                    b.map(|b| match orientation {
                        Orientation::HigherIsBetter => b - v,
                        _ => v - b,
                    })
                })
                .collect();
            regrets.sort_by(f64::total_cmp);
            let wins = regrets.iter().filter(|&&r| r == 0.0).count();
            let any = compared > 0;
            Row {
                metric: metric.to_owned(),
                arm: arm.clone(),
                orientation,
                points: n,
                mean,
                p10: quantile_sorted(&defined, 0.1),
                p50: quantile_sorted(&defined, 0.5),
                p90: quantile_sorted(&defined, 0.9),
                max_regret: regrets.last().copied(),
                p90_regret: any.then(|| quantile_sorted(&regrets, 0.9)),
                share_best: any.then(|| wins as f64 / compared as f64),
                satisfice: satisfice.cloned(),
                share_satisficing,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arms() -> Vec<String> {
        ["a", "b", "c"].map(String::from).to_vec()
    }

    /// Three arms at four points, lower is better:
    ///
    /// | point | a   | b   | c   | best | regret a, b, c |
    /// |-------|-----|-----|-----|------|----------------|
    /// | 0     | 0.2 | 0.5 | 0.2 | 0.2  | 0, 0.3, 0      |
    /// | 1     | 0.4 | 0.1 | 0.3 | 0.1  | 0.3, 0, 0.2    |
    /// | 2     | 0.6 | 0.9 | 0.7 | 0.6  | 0, 0.3, 0.1    |
    /// | 3     | 0.8 | 0.3 | 0.9 | 0.3  | 0.5, 0, 0.6    |
    #[test]
    fn regret_on_a_hand_computed_table() {
        let values = vec![
            vec![0.2, 0.4, 0.6, 0.8],
            vec![0.5, 0.1, 0.9, 0.3],
            vec![0.2, 0.3, 0.7, 0.9],
        ];
        let rows = robustness(
            "fragmentation",
            Orientation::LowerIsBetter,
            &arms(),
            &values,
            None,
        );
        let close = |x: f64, y: f64| (x - y).abs() < 1e-12;
        let a = &rows[0];
        assert_eq!((a.arm.as_str(), a.points), ("a", 4));
        assert!(close(a.mean, 0.5));
        // Type 7: h = 3·0.1 = 0.3 → 0.2 + 0.3·0.2; h = 1.5 → 0.5; h = 2.7 → 0.6 + 0.7·0.2.
        assert!(
            close(a.p10, 0.26) && close(a.p50, 0.5) && close(a.p90, 0.74),
            "{a:?}"
        );
        assert!(close(a.max_regret.unwrap(), 0.5));
        // Regrets of a sorted: 0, 0, 0.3, 0.5; h = 2.7 → 0.3 + 0.7·0.2.
        assert!(close(a.p90_regret.unwrap(), 0.44));
        // a ties c at point 0: both count as best there.
        assert_eq!(a.share_best, Some(0.5));
        assert_eq!(rows[1].share_best, Some(0.5));
        assert_eq!(rows[2].share_best, Some(0.25));
        assert!(close(rows[1].max_regret.unwrap(), 0.3));
        assert!(close(rows[2].max_regret.unwrap(), 0.6));
        assert_eq!(a.share_satisficing, None);
    }

    #[test]
    fn higher_is_better_turns_regret_around() {
        let values = vec![vec![1.0, 3.0], vec![2.0, 2.0]];
        let arms = ["x", "y"].map(String::from).to_vec();
        let rows = robustness("r", Orientation::HigherIsBetter, &arms, &values, None);
        assert_eq!(rows[0].max_regret, Some(1.0));
        assert_eq!(rows[1].max_regret, Some(1.0));
        assert_eq!(
            (rows[0].share_best, rows[1].share_best),
            (Some(0.5), Some(0.5))
        );
        let neither = robustness("clusters", Orientation::Neither, &arms, &values, None);
        assert_eq!(neither[0].max_regret, None);
        assert_eq!(neither[0].share_best, None);
        assert_eq!(neither[0].p50, 2.0);
    }

    #[test]
    fn undefined_values_leave_the_point_out_of_the_comparison() {
        let values = vec![vec![0.1, f64::NAN, 0.5], vec![0.2, 0.1, 0.4]];
        let arms = ["x", "y"].map(String::from).to_vec();
        let s: Satisfice = "m<=0.3".parse().unwrap();
        let rows = robustness("m", Orientation::LowerIsBetter, &arms, &values, Some(&s));
        assert_eq!((rows[0].points, rows[1].points), (2, 3));
        assert_eq!(
            rows[0].share_best,
            Some(0.5),
            "compared at points 0 and 2 only"
        );
        assert_eq!(rows[0].share_satisficing, Some(0.5));
        assert_eq!(rows[1].share_satisficing, Some(2.0 / 3.0));
        let none = robustness(
            "m",
            Orientation::LowerIsBetter,
            &arms,
            &[vec![f64::NAN], vec![f64::NAN]],
            None,
        );
        assert!(none[0].mean.is_nan() && none[0].max_regret.is_none());
    }

    #[test]
    fn satisfice_parses_both_bounds_and_explains_mistakes() {
        let s: Satisfice = "fragmentation<=0.3".parse().unwrap();
        assert_eq!(
            (s.metric.as_str(), s.bound, s.value),
            ("fragmentation", Bound::AtMost, 0.3)
        );
        assert!(s.holds(0.3) && !s.holds(0.31) && !s.holds(f64::NAN));
        let s: Satisfice = " south_capability_ratio >= 0.5 ".parse().unwrap();
        assert_eq!(s.bound, Bound::AtLeast);
        assert_eq!(s.to_string(), "south_capability_ratio>=0.5");
        for (text, why) in [
            ("fragmentation<0.3", "no `<=` or `>=`"),
            ("<=0.3", "no metric"),
            ("fragmentation<=low", "`low` is not a finite number"),
            ("fragmentation<=inf", "`inf` is not a finite number"),
        ] {
            let err = text.parse::<Satisfice>().unwrap_err().to_string();
            assert!(
                err.contains(why) && err.contains("e.g. `fragmentation<=0.3`"),
                "{err}"
            );
            assert_eq!(text.parse::<Satisfice>().unwrap_err().exit_code(), 2);
        }
    }

    /// `accord analyze --satisfice` takes the type as clap parses any `FromStr` argument.
    #[test]
    fn satisfice_is_a_clap_argument() {
        use clap::Parser;
        #[derive(Parser)]
        struct Args {
            #[arg(long)]
            satisfice: Vec<Satisfice>,
        }
        let args = Args::try_parse_from(["x", "--satisfice", "fragmentation<=0.3"]).unwrap();
        assert_eq!(args.satisfice[0].to_string(), "fragmentation<=0.3");
        let err = Args::try_parse_from(["x", "--satisfice", "fragmentation=0.3"])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("no `<=` or `>=`"), "{err}");
    }

    #[test]
    fn orientation_comes_from_the_catalogue() {
        assert_eq!(orientation("fragmentation"), Orientation::LowerIsBetter);
        assert_eq!(
            orientation("south_capability_ratio"),
            Orientation::HigherIsBetter
        );
        assert_eq!(orientation("members_waico"), Orientation::Neither);
        assert_eq!(orientation("clusters"), Orientation::Neither);
        assert_eq!(orientation("unknown"), Orientation::Neither);
    }
}
