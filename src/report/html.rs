//! `report.html`: a study's output folder as one self-contained page, for a colleague or a
//! reviewer: what was run and how to run it again, the headline levels and paired effects
//! with their intervals, every chart, any analysis tables, the model's ODD description and
//! links to the files beside it.
//!
//! The page is built from the folder's files alone (the manifest, the CSVs and the SVG
//! charts drawn from them), so `accord report` rewrites the page `accord run` wrote, byte for
//! byte, and a merged folder's page is a single run's. Nothing in it depends on the clock, and
//! it names no external resource: charts are inline SVG, the style is inline CSS, there are
//! no scripts and no web fonts. Every text from a file is escaped
//! ([`crate::fmt::escape_html`]).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::Result;

mod charts;
mod input;
mod markdown;
mod markup;
mod results;
mod setup;

use markup::{Table, cell, code, esc, heading};

/// The report's file name inside an output folder.
pub const FILE_NAME: &str = "report.html";

const STYLE: &str = include_str!("html/style.css");

/// What each file accord writes holds, for the list of links.
fn file_note(name: &str) -> &'static str {
    match crate::table::stem_of(name).unwrap_or(name) {
        "timeseries" => "every run's metrics at every recorded step",
        "summary" => "per arm and step: mean, sd, 95 % CI and percentiles of every metric",
        "effects" => "paired effects of each arm against the reference arm",
        "states" => "nation states of every run",
        "points" => "the sweep's points and their parameter values",
        "representative_states" => "final stances of run 0 of each arm (the stances chart)",
        "sensitivity" => "sensitivity indices of every outcome with bootstrap intervals",
        "robustness" => "how each arm fares across the sweep's points",
        "manifest.json" => "engine, input hashes, seed, runs and the resolved scenario",
        "charts" => "every chart as PNG and SVG",
        _ => "",
    }
}

/// The report of output folder `dir` as HTML, embedding the SVG charts among `charts` (paths
/// inside `dir`, in drawing order, as [`crate::charts::draw_all`] returns them; other files
/// are skipped).
///
/// # Errors
///
/// [`crate::Error::Usage`] when `dir` lacks `manifest.json` or `summary.csv`, or a file cannot be
/// parsed; [`crate::Error::Io`] when one cannot be read.
pub fn render(dir: &Path, charts: &[PathBuf]) -> Result<String> {
    let study = input::read(dir)?;
    let scenario = study.scenario.as_ref();
    let name = scenario.map_or_else(
        || {
            study
                .manifest
                .pointer("/scenario/name")
                .and_then(|v| v.as_str())
                .unwrap_or("accord study")
                .to_owned()
        },
        |s| s.name.clone(),
    );
    let unit = scenario.map_or_else(|| "step".to_owned(), |s| s.step_unit.clone());
    let svgs: Vec<String> = charts
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .filter_map(|p| p.strip_prefix(dir).ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();

    let mut o = String::new();
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(o, "<title>{} — accord study report</title>", esc(&name));
    let _ = writeln!(o, "<style>\n{STYLE}</style>\n</head>\n<body>");
    o.push_str("<header>\n");
    let _ = writeln!(o, "<h1 id=\"top\">{}</h1>", esc(&name));
    o.push_str(
        "<p class=\"subtitle\">Study report written by accord from this output folder</p>\n",
    );
    if let Some(s) = scenario.filter(|s| !s.description.is_empty()) {
        let _ = writeln!(o, "<p class=\"lead\">{}</p>", esc(&s.description));
    }
    o.push_str("</header>\n");

    let mut sections = vec![
        ("run", "What was run"),
        ("results", "Results at the final step"),
    ];
    if !svgs.is_empty() {
        sections.push(("charts", "Charts"));
    }
    if !study.analysis.is_empty() {
        sections.push(("analysis", "Sensitivity and robustness"));
    }
    if scenario.is_some() {
        sections.push(("model", "Model description (ODD)"));
    }
    sections.push(("files", "Files"));
    o.push_str("<nav aria-label=\"Contents\">\n<ol>\n");
    for (id, title) in &sections {
        let _ = writeln!(o, "<li><a href=\"#{id}\">{title}</a></li>");
    }
    o.push_str("</ol>\n</nav>\n<main>\n");

    o.push_str("<section>\n");
    heading(&mut o, 2, "run", "What was run");
    setup::write(&mut o, &study);
    o.push_str("</section>\n<section>\n");
    heading(&mut o, 2, "results", "Results at the final step");
    results::write(&mut o, &study, &unit);
    o.push_str("</section>\n");

    if !svgs.is_empty() {
        o.push_str("<section>\n");
        heading(&mut o, 2, "charts", "Charts");
        if study.summary.column("point").is_some() {
            o.push_str(
                "<p class=\"note\">With a sweep, the charts over time, the membership chart \
                 and the forest plot show sweep point 0 (their titles say so); the sweep \
                 charts compare the points.</p>\n",
            );
        }
        for (i, rel) in svgs.iter().enumerate() {
            charts::figure(&mut o, dir, rel, i)?;
        }
        o.push_str("</section>\n");
    }
    if !study.analysis.is_empty() {
        o.push_str("<section>\n");
        heading(&mut o, 2, "analysis", "Sensitivity and robustness");
        analysis(&mut o, &study);
        o.push_str("</section>\n");
    }
    if let Some(s) = scenario {
        o.push_str("<section>\n");
        heading(&mut o, 2, "model", "Model description (ODD)");
        o.push_str(
            "<p>The model as configured, in the order of the ODD protocol (Grimm et al. 2006, \
             2020), as <code>accord describe</code> prints it.</p>\n<details>\n\
             <summary>Show the model description</summary>\n",
        );
        let md = crate::report::describe::describe(s);
        o.push_str(&markdown::to_html(&md, 3, "odd"));
        o.push_str("</details>\n</section>\n");
    }
    o.push_str("<section>\n");
    heading(&mut o, 2, "files", "Files");
    files(&mut o, &study);
    o.push_str("</section>\n</main>\n");
    let _ = writeln!(
        o,
        "<footer>Written by accord {} from the files of this folder; \
         <code>accord report &lt;folder&gt;</code> writes it again.</footer>",
        esc(study
            .manifest
            .get("accord_version")
            .and_then(|v| v.as_str())
            .unwrap_or("")),
    );
    o.push_str("</body>\n</html>\n");
    Ok(o)
}

/// Every analysis table (a CSV accord's own writers do not produce, such as
/// `sensitivity.csv`), shown as it is, with numbers shortened.
fn analysis(o: &mut String, study: &input::Study) {
    for (name, table) in &study.analysis {
        let stem = crate::table::stem_of(name).unwrap_or(name);
        let title = match stem {
            "sensitivity" => "Sensitivity".to_owned(),
            "robustness" => "Robustness".to_owned(),
            other => other.replace('_', " "),
        };
        heading(o, 3, &format!("table-{stem}"), &title);
        let mut t = Table::new(
            format!("{name} as written (numbers shortened)"),
            table.headers.clone(),
            usize::MAX,
        );
        for row in &table.rows {
            t.rows.push(row.iter().map(|f| cell(f)).collect());
        }
        t.write(o);
        if table.more {
            let _ = writeln!(
                o,
                "<p class=\"note\">The first {} rows are shown; every row is in \
                 <a href=\"{}\">{}</a>.</p>",
                input::MAX_ANALYSIS_ROWS,
                esc(name),
                esc(name)
            );
        }
    }
}

/// Links to the files beside the report, with what each holds.
fn files(o: &mut String, study: &input::Study) {
    o.push_str("<p>Beside this page, in the same folder:</p>\n<ul>\n");
    for name in &study.files {
        let note = file_note(name);
        let href = if name == "charts" {
            "charts/"
        } else {
            name.as_str()
        };
        let _ = write!(o, "<li><a href=\"{}\">{}</a>", esc(href), code(name));
        if !note.is_empty() {
            let _ = write!(o, ": {note}");
        }
        o.push_str("</li>\n");
    }
    o.push_str("</ul>\n");
}

/// Writes `dir/report.html` ([`render`]) atomically: the page appears whole or not at all,
/// replacing any earlier one. Returns its path.
///
/// # Errors
///
/// As [`render`], and [`crate::Error::Io`] when the file cannot be written.
pub fn write(dir: &Path, charts: &[PathBuf]) -> Result<PathBuf> {
    let html = render(dir, charts)?;
    let path = dir.join(FILE_NAME);
    crate::atomic::write_file(&path, html.as_bytes())?;
    Ok(path)
}
