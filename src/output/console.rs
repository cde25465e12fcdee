//! The end-of-run table `accord run` and `accord merge` print on stdout: the headline result
//! (final fragmentation per arm and the paired effects), as text, so commands only print it.

use std::fmt::Write as _;

use super::tables::param_text;
use crate::experiment::{EffectRow, Layout, SummaryRow};
use crate::metrics;
use crate::scenario::{ParamValue, Scenario, Sweep};

/// The end-of-run table: without a sweep, every arm's final fragmentation and paired effect;
/// with one, one line per point × arm (final fragmentation and, for arms other than the
/// reference, the paired effect at that point), each block headed by the point's values.
/// Empty when the scenario has no fragmentation metric.
pub fn end_of_run_table(
    e: &Layout,
    summary: &[SummaryRow],
    effects: &[EffectRow],
    scenario: &Scenario,
) -> String {
    let mut out = String::new();
    let name = metrics::PRIMARY.info().column;
    let Some(metric) = e.metric_names.iter().position(|m| m == name) else {
        return out;
    };
    if let Some(sweep) = &scenario.sweep {
        sweep_table(&mut out, e, summary, effects, scenario, sweep, metric);
        return out;
    }
    let width = e.arms.iter().map(String::len).max().unwrap_or(0).max(3);
    let _ = writeln!(
        out,
        "{name} at step {} ({}), mean and 95% CI over runs:",
        scenario.steps, scenario.step_unit
    );
    for r in summary
        .iter()
        .filter(|r| r.metric == metric && r.step == scenario.steps)
    {
        let _ = match r.summary {
            Some(s) => writeln!(
                out,
                "  {:<width$}  {:.4}  [{:.4}, {:.4}]  n = {}",
                e.arms[r.arm], s.mean, s.ci95_lo, s.ci95_hi, s.n
            ),
            None => writeln!(out, "  {:<width$}  undefined", e.arms[r.arm]),
        };
    }
    let last = effects
        .iter()
        .filter(|r| r.metric == metric && r.step == scenario.steps);
    let mut header = true;
    for r in last {
        if header {
            let _ = writeln!(
                out,
                "paired effect on {name} vs `{}` (same seeds), mean and 95% CI:",
                e.arms[r.reference]
            );
            header = false;
        }
        let _ = match r.summary {
            Some(s) => writeln!(
                out,
                "  {:<width$}  {:+.4}  [{:+.4}, {:+.4}]  lower in {:.0}% of runs",
                e.arms[r.arm],
                s.mean,
                s.ci95_lo,
                s.ci95_hi,
                100.0 * r.share_lower
            ),
            None => writeln!(out, "  {:<width$}  undefined", e.arms[r.arm]),
        };
    }
    out
}

fn sweep_table(
    out: &mut String,
    e: &Layout,
    summary: &[SummaryRow],
    effects: &[EffectRow],
    scenario: &Scenario,
    sweep: &Sweep,
    metric: usize,
) {
    let width = e.arms.iter().map(String::len).max().unwrap_or(0).max(3);
    let reference = scenario.experiment.reference;
    let _ = writeln!(
        out,
        "{} at step {} ({}) per sweep point, mean and 95% CI over runs; paired \
         effect vs `{}` at the same point (same seeds):",
        metrics::PRIMARY.info().column,
        scenario.steps,
        scenario.step_unit,
        e.arms.get(reference).map_or("", String::as_str)
    );
    for (p, point) in sweep.points.iter().enumerate() {
        let values: Vec<String> = point
            .iter()
            .map(|a| format!("{}={}", a.text, short_value(&a.value)))
            .collect();
        let _ = writeln!(out, "point {p} ({})", values.join(", "));
        for r in summary
            .iter()
            .filter(|r| r.point == p && r.metric == metric && r.step == scenario.steps)
        {
            let level = match r.summary {
                Some(s) => format!("{:.4}  [{:.4}, {:.4}]", s.mean, s.ci95_lo, s.ci95_hi),
                None => "undefined".to_string(),
            };
            let effect = effects
                .iter()
                .find(|x| x.point == p && x.arm == r.arm && x.metric == metric && x.step == r.step)
                .map(|x| match x.summary {
                    Some(s) => format!(
                        "  effect {:+.4}  [{:+.4}, {:+.4}]",
                        s.mean, s.ci95_lo, s.ci95_hi
                    ),
                    None => "  effect undefined".to_string(),
                })
                .unwrap_or_default();
            let _ = writeln!(out, "  {:<width$}  {level}{effect}", e.arms[r.arm]);
        }
    }
}

/// A swept value for the stdout table: numbers in their shortest form, the rest as written.
fn short_value(v: &ParamValue) -> String {
    match v {
        ParamValue::Number(x) => format!("{:.4}", x)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string(),
        other => param_text(other),
    }
}
