//! End-to-end tests of the charts: `accord run` draws every chart from the CSVs it wrote, and
//! `accord plot` redraws them from the CSVs alone, byte-identically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::support::{PNG_SIGNATURE, accord, files, small_quickstart, tempdir};

/// Quickstart (three arms, one cooperation body) with fewer steps and runs.
fn run_small(dir: &Path) -> PathBuf {
    let scenario = small_quickstart(dir, 6);
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

const METRICS: [&str; 7] = [
    "fragmentation",
    "clusters",
    "effective_blocs",
    "dispersion",
    "capability_gini",
    "south_capability_ratio",
    "members_waico",
];

#[test]
fn run_draws_every_chart_and_plot_reproduces_the_svgs() {
    let dir = tempdir();
    let out = run_small(dir.path());
    let charts = files(&out.join("charts"));

    let mut expected: Vec<String> = ["fragmentation", "effects", "membership", "stances"]
        .iter()
        .map(|s| (*s).to_owned())
        .chain(METRICS.iter().map(|m| format!("metrics/{m}")))
        .collect();
    expected.sort();
    for stem in &expected {
        for ext in ["png", "svg"] {
            let rel = PathBuf::from(format!("{stem}.{ext}"));
            let bytes = charts
                .get(&rel)
                .unwrap_or_else(|| panic!("charts/{} missing", rel.display()));
            assert!(
                bytes.len() > 1000,
                "{} has {} bytes",
                rel.display(),
                bytes.len()
            );
            if ext == "png" {
                assert_eq!(bytes[..8], PNG_SIGNATURE, "{}", rel.display());
                let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
                    .unwrap_or_else(|e| panic!("{} does not decode: {e}", rel.display()));
                assert_eq!(img.width(), 1200, "{}", rel.display());
            } else {
                let text = std::str::from_utf8(bytes).unwrap();
                assert!(text.starts_with("<svg"), "{}", rel.display());
            }
        }
    }
    assert_eq!(
        charts.len(),
        expected.len() * 2,
        "no other files: {:?}",
        charts.keys()
    );

    // Titles, units and legends come from the manifest and the CSVs.
    let svg = |rel: &str| String::from_utf8(charts[Path::new(rel)].clone()).unwrap();
    let frag = svg("fragmentation.svg");
    assert!(
        frag.contains("Fragmentation of AI governance — quickstart"),
        "title"
    );
    assert!(frag.contains("step (year)"), "x label with the step unit");
    for arm in ["baseline", "cooperation_body", "body_and_open_source"] {
        assert!(frag.contains(arm), "legend entry {arm}");
    }
    let effects = svg("effects.svg");
    assert!(effects.contains("Paired effects vs baseline at step 6 (year)"));
    assert!(effects.contains("Effective blocs") && effects.contains("Dispersion"));
    assert!(!effects.contains(">-0.0"), "no negative-zero ticks");
    assert!(svg("membership.svg").contains("members (nations)"));
    let stances = svg("stances.svg");
    assert!(stances.contains("PC1 (") && stances.contains("% of variance)"));
    assert!(stances.contains("USA"), "nations are labelled");

    // run 0 of every arm at the final step, with GDP and every dimension.
    let reps = std::fs::read_to_string(out.join("representative_states.csv")).unwrap();
    let mut lines = reps.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("arm,run,nation,gdp,capability,risk_regulation,"),
        "{header}"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 3 * 13, "13 nations × 3 arms");
    assert!(rows.iter().all(|r| r.split(',').nth(1) == Some("0")));
    assert!(rows[0].starts_with("baseline,0,USA,"), "{}", rows[0]);

    // Redraw SVGs only, from the CSVs alone: byte-identical.
    std::fs::remove_dir_all(out.join("charts")).unwrap();
    accord()
        .arg("plot")
        .arg(&out)
        .args(["--format", "svg"])
        .assert()
        .success()
        .stdout(predicate::str::contains("wrote 11 chart files"));
    let redrawn = files(&out.join("charts"));
    let svgs: BTreeMap<_, _> = charts
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "svg"))
        .collect();
    assert_eq!(
        redrawn.keys().collect::<Vec<_>>(),
        svgs.keys().collect::<Vec<_>>()
    );
    for (rel, bytes) in &svgs {
        assert!(
            redrawn[rel] == *bytes,
            "{} differs after `accord plot`",
            rel.display()
        );
    }

    // PNG only, then the default (both).
    std::fs::remove_dir_all(out.join("charts")).unwrap();
    accord()
        .arg("plot")
        .arg(&out)
        .args(["--format", "png"])
        .assert()
        .success();
    let pngs = files(&out.join("charts"));
    assert!(
        pngs.keys()
            .all(|p| p.extension().is_some_and(|e| e == "png"))
    );
    assert_eq!(pngs.len(), expected.len());
    accord().arg("plot").arg(&out).assert().success();
    assert_eq!(files(&out.join("charts")).len(), expected.len() * 2);
}

#[test]
fn plot_without_summary_is_bad_input() {
    let dir = tempdir();
    accord()
        .arg("plot")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no summary.csv"));
    assert!(!dir.path().join("charts").exists(), "nothing written");
    accord()
        .arg("plot")
        .arg(dir.path().join("missing"))
        .assert()
        .code(2);
}

#[test]
fn plot_reports_a_malformed_summary_with_its_row() {
    let dir = tempdir();
    std::fs::write(
        dir.path().join("summary.csv"),
        "arm,step,metric,n,mean,sd,ci95_lo,ci95_hi\nbaseline,0,fragmentation,2,abc,0,0,0\n",
    )
    .unwrap();
    accord()
        .arg("plot")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("row 2: `mean` is `abc`"));
}

#[test]
fn plot_draws_a_single_arm_folder_without_effects() {
    let dir = tempdir();
    std::fs::write(
        dir.path().join("summary.csv"),
        "arm,step,metric,n,mean,sd,ci95_lo,ci95_hi,p05,p50,p95\n\
         only,0,fragmentation,2,0.8,0,0.7,0.9,0,0,0\n\
         only,1,fragmentation,2,0.6,0,0.5,0.7,0,0,0\n\
         only,0,clusters,2,3,0,2,4,0,0,0\n\
         only,1,clusters,2,2,0,,,0,0,0\n",
    )
    .unwrap();
    accord()
        .arg("plot")
        .arg(dir.path())
        .args(["--format", "svg"])
        .assert()
        .success();
    let charts = files(&dir.path().join("charts"));
    let names: Vec<String> = charts.keys().map(|p| p.display().to_string()).collect();
    assert_eq!(
        names,
        [
            "fragmentation.svg",
            "metrics/clusters.svg",
            "metrics/fragmentation.svg"
        ]
    );
    // No manifest: the folder's name titles the charts and steps are unitless.
    let frag = String::from_utf8(charts[Path::new("fragmentation.svg")].clone()).unwrap();
    let folder = dir
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(frag.contains(&folder) && frag.contains("step (step)"));
}
