//! A complete output folder from an ensemble's per-run results: the one function behind
//! `accord run` and `accord merge`, so a merged folder is the folder a single machine writes.
//! The charts are drawn from the written files by the caller (`charts::draw_all`), so output
//! never depends on charts.

use std::path::Path;

use super::manifest::{self, Manifest};
use super::{representative, sensitivity, tables};
use crate::error::Result;
use crate::experiment::{self, EffectRow, RunSource, SummaryRow};
use crate::scenario::Scenario;

/// What the end-of-run table prints.
#[derive(Clone, Debug)]
pub struct Results {
    /// `summary.csv`'s rows at the final recorded step.
    pub summary: Vec<SummaryRow>,
    /// `effects.csv`'s rows.
    pub effects: Vec<EffectRow>,
}

/// Writes every table, `manifest.json` and the representative states of `src`'s ensemble of
/// `scenario` into `dir` (a staged folder), everything the charts are drawn from. `m.states`
/// says whether `states.csv` is written; `all_steps` selects `--effects all`.
pub fn write_folder(
    dir: &Path,
    src: &(impl RunSource + ?Sized),
    scenario: &Scenario,
    m: &Manifest,
    all_steps: bool,
) -> Result<Results> {
    let layout = src.layout();
    let format = m.tables.format;
    let mut m = m.clone();
    // Each table's columns as its writer returns them: the schema the manifest lists is the
    // one written.
    let mut written = std::collections::BTreeMap::new();
    // The summary is streamed to its file; only the final step's rows (the end-of-run table)
    // are kept, so memory does not grow with the recorded steps.
    let last = layout.steps.last().copied();
    let mut summary = Vec::new();
    let mut writer = tables::SummaryWriter::create(dir, format, &layout)?;
    experiment::summarize_each(src, |row| {
        writer.write(&row)?;
        if Some(row.step) == last {
            summary.push(row);
        }
        Ok(())
    })?;
    written.insert("summary", writer.finish()?);
    let effects = experiment::paired_effects(src, scenario.experiment.reference, all_steps)?;
    let mode = tables::RunsTable::from_name(&m.runs_table);
    if let Some(columns) = tables::write_runs_table(dir, format, src, mode)? {
        written.insert("timeseries", columns);
    }
    if layout.arms.len() > 1 {
        written.insert(
            "effects",
            tables::write_effects(dir, format, &layout, &effects)?,
        );
    }
    if m.states != "none" {
        let columns = tables::write_states(dir, format, src, &scenario.dimensions)?;
        written.insert("states", columns);
    }
    if let Some(sweep) = &scenario.sweep {
        written.insert("points", tables::write_points(dir, format, sweep)?);
        if layout.arms.len() > 1 {
            // From the summary just written, as `accord analyze` computes it later.
            super::robustness::write_robustness(dir, format, &[])?;
            written.insert(super::robustness::ROBUSTNESS, super::robustness::columns());
        }
    }
    if sensitivity::has_sensitivity(scenario) {
        let reference = scenario.experiment.reference;
        let series = sensitivity::series_from_rows(&layout, reference, &summary, &effects);
        let path = dir.join(format.file_name(sensitivity::SENSITIVITY));
        sensitivity::write_sensitivity(&path, format, scenario, &layout, &series)?;
        written.insert(sensitivity::SENSITIVITY, sensitivity::columns());
    }
    // With a sweep, representative states are those of sweep point 0.
    let columns = representative::write_representative_states(dir, format, &scenario.at_point(0))?;
    written.insert(representative::REPRESENTATIVE_STATES, columns);
    m.tables.columns = written
        .into_iter()
        .map(|(stem, columns)| (stem.to_owned(), columns))
        .collect();
    manifest::write(&dir.join(crate::atomic::OUTPUT_MANIFEST), &m)?;
    Ok(Results { summary, effects })
}
