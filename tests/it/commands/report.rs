//! `report.html`: `accord run` writes one self-contained, accessible page per output folder,
//! `accord report` writes the same bytes again from the folder alone, and no text from a
//! scenario or a table can become markup. (A real browser renders it in `browser`.)

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::support::{accord, files, shipped, small_quickstart, tempdir, write};

const ARMS: [&str; 3] = ["baseline", "cooperation_body", "body_and_open_source"];

/// Quickstart with 6 steps and 6 runs, run into `dir/out`; `edit` changes the scenario text.
fn run_small(dir: &Path, edit: impl Fn(String) -> String) -> PathBuf {
    let scenario = small_quickstart(dir, 6);
    let text = std::fs::read_to_string(&scenario).unwrap();
    std::fs::write(&scenario, edit(text)).unwrap();
    let out = dir.join("out");
    accord()
        .arg("run")
        .arg(&scenario)
        .args(["--runs", "6", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    out
}

fn report(out: &Path) -> String {
    std::fs::read_to_string(out.join("report.html")).unwrap()
}

/// The level of every heading, in document order.
fn heading_levels(html: &str) -> Vec<u8> {
    html.match_indices("<h")
        .filter_map(|(i, _)| {
            let b = html.as_bytes().get(i + 2)?;
            let next = html.as_bytes().get(i + 3)?;
            (b'1'..=b'6')
                .contains(b)
                .then_some(())
                .filter(|()| *next == b' ' || *next == b'>')
                .map(|()| b - b'0')
        })
        .collect()
}

/// Asserts what every report must be: a page with a language and a title, headings that
/// descend one level at a time from a single h1, every table captioned with scoped header
/// cells, every SVG chart of the folder inline and labelled, and nothing fetched from
/// anywhere.
pub(crate) fn assert_well_formed(out: &Path, html: &str) {
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{}",
        &html[..80]
    );
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("<title>") && html.contains(" — accord study report</title>"));

    let levels = heading_levels(html);
    assert_eq!(levels.first(), Some(&1), "{levels:?}");
    assert_eq!(levels.iter().filter(|&&l| l == 1).count(), 1, "{levels:?}");
    for pair in levels.windows(2) {
        assert!(pair[1] <= pair[0] + 1, "heading skips a level: {levels:?}");
    }

    let tables: Vec<&str> = html.split("<table>").skip(1).collect();
    assert!(!tables.is_empty());
    for t in &tables {
        let t = &t[..t.find("</table>").expect("table closed")];
        assert!(
            t.starts_with("\n<caption>"),
            "table without caption: {}",
            &t[..60]
        );
        assert!(
            t.contains("<th scope=\"col\""),
            "table without header cells"
        );
        assert!(!t.contains("<th>"), "every header cell has a scope");
    }

    let svgs: Vec<PathBuf> = files(&out.join("charts"))
        .into_keys()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .collect();
    assert!(svgs.len() >= 10, "{svgs:?}");
    assert_eq!(html.matches("<svg").count(), svgs.len());
    for svg in &svgs {
        let href = format!("href=\"charts/{}\"", svg.display());
        assert!(html.contains(&href), "{href} missing");
    }
    for tag in html.split("<svg").skip(1) {
        let open = &tag[..tag.find('>').unwrap()];
        assert!(open.contains("role=\"img\""), "{open}");
        assert!(open.contains("aria-label=\""), "{open}");
        assert!(
            tag[open.len()..]
                .trim_start_matches(">\n")
                .starts_with("<title>")
        );
    }

    // Self-contained: no scripts, no stylesheets or fonts to fetch, no URL at all.
    // (Escaped user text may say `src=x`, but never inside a tag, where a quote would follow.)
    let banned = [
        "<script", "<link", "<img", "<iframe", "<object", "<embed", " src=\"", "@import", "url(",
        "http:", "https:",
    ];
    for banned in banned {
        assert!(!html.contains(banned), "report contains `{banned}`");
    }
    // Every link stays in the page or the folder.
    for (i, _) in html.match_indices("href=\"") {
        let target = &html[i + 6..];
        let target = &target[..target.find('"').unwrap()];
        if let Some(id) = target.strip_prefix('#') {
            assert!(html.contains(&format!("id=\"{id}\"")), "no anchor {target}");
        } else {
            assert!(out.join(target).exists(), "link to missing {target}");
        }
    }
}

#[test]
fn run_writes_a_self_contained_accessible_report_and_report_rewrites_it() {
    let dir = tempdir();
    let out = run_small(dir.path(), |t| t);
    let html = report(&out);
    assert_well_formed(&out, &html);
    assert!(html.contains("<title>quickstart — accord study report</title>"));
    assert!(html.contains("<h1 id=\"top\">quickstart</h1>"));
    for arm in ARMS {
        assert!(html.contains(&format!("<code>{arm}</code>")), "{arm}");
    }
    // What was run, and how to run it again.
    let scenario = dir.path().join("scenarios/small.toml");
    let command = format!("accord run {} --runs 6 --seed 20250726", scenario.display());
    assert!(html.contains(&command), "no `{command}`");
    assert!(html.contains(&format!(
        "<code>{}</code>",
        accord::provenance::sha256_file(&scenario).unwrap()
    )));
    assert!(html.contains("<code>bodies.waico.enabled</code> = true"));
    // Headline levels and effects at the final step, with intervals.
    assert!(html.contains("Each arm at year 6: mean over runs"));
    assert!(html.contains("Paired effects at year 6"));
    assert!(html.contains("<span class=\"ci\">["));
    // The ODD description, collapsed; the files, linked.
    assert!(html.contains("<details>\n<summary>"));
    assert!(html.contains(">1. Purpose and patterns</h3>"));
    for f in [
        "summary.csv",
        "effects.csv",
        "timeseries.csv",
        "manifest.json",
    ] {
        assert!(
            html.contains(&format!("<a href=\"{f}\"><code>{f}</code></a>")),
            "{f}"
        );
    }
    // Print: A4 pages, no figure or row cut in two.
    assert!(html.contains("@page { size: A4;"));
    assert!(html.contains("figure, pre, tr, .keep { break-inside: avoid;"));

    // `accord report` writes the same bytes from the folder alone: over the old page, and
    // with the page and the charts gone.
    accord()
        .arg("report")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("report.html"));
    assert!(report(&out) == html, "report rewrites different bytes");
    std::fs::remove_file(out.join("report.html")).unwrap();
    for svg in files(&out.join("charts")).into_keys() {
        if svg.extension().is_some_and(|e| e == "svg") {
            std::fs::remove_file(out.join("charts").join(svg)).unwrap();
        }
    }
    accord().arg("report").arg(&out).assert().success();
    assert!(report(&out) == html, "report from the CSVs alone differs");
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.starts_with('.')),
        "temporary left: {names:?}"
    );
}

#[test]
fn hostile_text_stays_text() {
    let dir = tempdir();
    let hostile =
        r#"<script>alert(1)</script> & \"dq\" 'sq' \u0007bell \u001b[2J <img src=x onerror=y>"#;
    let out = run_small(dir.path(), |t| {
        t.replacen(
            "description = \"Thirteen",
            &format!("description = \"{hostile} Thirteen"),
            1,
        )
        // A Markdown heading in the description must not break the ODD's heading order.
        .replacen(
            "export controls.\"",
            "export controls.\\n#### injected\"",
            1,
        )
    });
    let html = report(&out);
    assert_well_formed(&out, &html);
    assert!(html.contains(
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;dq&quot; &#39;sq&#39; \\u{7}bell \
         \\u{1b}[2J &lt;img src=x onerror=y&gt; Thirteen"
    ));
    assert!(!html.contains('\u{7}') && !html.contains('\u{1b}'));
    assert!(
        html.contains(">injected</h4>"),
        "the injected heading is one level down"
    );

    // A hand-edited manifest and an analysis table reach the page only as text too.
    let manifest = out.join("manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replacen(
            "\"name\": \"quickstart\"",
            "\"name\": \"</title><script>x</script>\\u0001\"",
            1,
        ),
    )
    .unwrap();
    write(
        &out,
        "sensitivity.csv",
        "parameter,metric,S1,<b>note</b>\nalignment.rate,fragmentation,0.4213000000,\"a,<i>\"\n",
    );
    accord().arg("report").arg(&out).assert().success();
    let html = report(&out);
    assert_well_formed(&out, &html);
    assert!(html.contains("<title>&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;\\u{1}"));
    assert!(html.contains("<h2 id=\"analysis\">Sensitivity and robustness</h2>"));
    assert!(html.contains("<h3 id=\"table-sensitivity\">Sensitivity</h3>"));
    assert!(html.contains("<th scope=\"col\">&lt;b&gt;note&lt;/b&gt;</th>"));
    assert!(html.contains("<th scope=\"row\">alignment.rate</th><td>fragmentation</td><td>0.421</td><td>a,&lt;i&gt;</td>"));
}

#[test]
fn sweep_report_has_one_row_per_point() {
    let dir = tempdir();
    let text = std::fs::read_to_string(shipped("sweep_quickstart.toml")).unwrap();
    std::fs::create_dir_all(dir.path().join("scenarios")).unwrap();
    let scenario = write(
        &dir.path().join("scenarios"),
        "sweep.toml",
        text.replacen("steps = 15", "steps = 3", 1),
    );
    let out = dir.path().join("out");
    accord()
        .arg("run")
        .arg(&scenario)
        .args(["--runs", "3", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let html = report(&out);
    assert_well_formed(&out, &html);
    let points = std::fs::read_to_string(out.join("points.csv")).unwrap();
    let n = points.lines().count() - 1;
    assert!(
        html.contains(&format!("for each of the {n} sweep points:")),
        "{n}"
    );
    let table = &html[html.find("<h3 id=\"per-point\">").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("<tr><th scope=\"row\">").count(), n);
    assert!(
        table.contains("<th scope=\"col\" class=\"num\">cooperation_<wbr>body − reference</th>")
    );
    assert!(html.contains("grid of"), "sweep design named");
}

#[test]
fn report_refuses_a_folder_that_is_not_an_output() {
    let dir = tempdir();
    accord()
        .arg("report")
        .arg(dir.path().join("missing"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no manifest.json"));
    write(dir.path(), "summary.csv", "arm,step\n");
    accord()
        .arg("report")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no manifest.json"));
    assert!(!dir.path().join("report.html").exists());
    assert!(!dir.path().join("charts").exists());
}
