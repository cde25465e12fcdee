//! Sweep charts drawn by `accord::charts::draw_all` from hand-made output folders: a
//! two-parameter grid (heatmaps), a one-parameter sweep (lines), a Latin hypercube (scatter)
//! and a three-parameter grid (no sweep chart).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use accord::charts::{Format, draw_all};

use crate::support::{PNG_SIGNATURE, tempdir};

const ARMS: [&str; 3] = ["baseline", "cooperation_body", "body_and_open_source"];
const METRICS: [&str; 4] = [
    "fragmentation",
    "effective_blocs",
    "dispersion",
    "members_waico",
];

/// A parameter value as `points.csv` writes it.
fn fixed(v: f64) -> String {
    format!("{v:.10}")
}

/// Writes an output folder for a sweep whose points are `values` (one row per point, one
/// value per parameter): `points.csv`, `summary.csv` with a `point` column (steps 0 and 5;
/// points listed in `missing` have no final-step rows), `effects.csv` and `manifest.json`.
fn folder(dir: &Path, params: &[&str], values: &[Vec<f64>], missing: &[usize]) -> PathBuf {
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let mut points = format!("point,{}\n", params.join(","));
    for (p, row) in values.iter().enumerate() {
        let row: Vec<String> = row.iter().map(|v| fixed(*v)).collect();
        writeln!(points, "{p},{}", row.join(",")).unwrap();
    }
    std::fs::write(out.join("points.csv"), points).unwrap();

    let mut summary = "point,arm,step,metric,n,mean,sd,ci95_lo,ci95_hi,p05,p50,p95\n".to_owned();
    let mut effects = "point,arm,reference,metric,step,n,mean_diff,sd_diff,ci95_lo,ci95_hi,\
                       share_lower,share_higher\n"
        .to_owned();
    for (p, row) in values.iter().enumerate() {
        let s: f64 = row.iter().sum();
        for (a, arm) in ARMS.iter().enumerate() {
            for step in [0, 5] {
                if step == 5 && missing.contains(&p) {
                    continue;
                }
                for (m, metric) in METRICS.iter().enumerate() {
                    let mean = if step == 0 {
                        0.9
                    } else {
                        (0.8 - 0.4 * s / row.len() as f64 - 0.1 * a as f64 + 0.05 * m as f64)
                            .clamp(0.0, 1.0)
                    };
                    // Each metric within its range (plot refuses a mean it cannot take).
                    let mean = match *metric {
                        "members_waico" => (10.0 * mean).round() * a as f64,
                        "effective_blocs" => 1.0 + 4.0 * mean,
                        _ => mean,
                    };
                    let (lo, hi) = (mean - 0.04, mean + 0.04);
                    writeln!(
                        summary,
                        "{p},{arm},{step},{metric},20,{mean},0.1,{lo},{hi},{lo},{mean},{hi}"
                    )
                    .unwrap();
                    if a > 0 {
                        let d = -0.1 * a as f64;
                        writeln!(
                            effects,
                            "{p},{arm},baseline,{metric},{step},20,{d},0.05,{},{},0.9,0.1",
                            d - 0.02,
                            d + 0.02
                        )
                        .unwrap();
                    }
                }
            }
        }
    }
    std::fs::write(out.join("summary.csv"), summary).unwrap();
    std::fs::write(out.join("effects.csv"), effects).unwrap();
    std::fs::write(
        out.join("manifest.json"),
        r#"{"scenario": {"name": "sweep_qs", "step_unit": "year"}}"#,
    )
    .unwrap();
    out
}

/// Every file under `dir`, relative path as text → bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    crate::support::files(dir)
        .into_iter()
        .map(|(rel, bytes)| (rel.display().to_string(), bytes))
        .collect()
}

/// Draws `out` twice (both formats), checks every PNG decodes, every SVG is the same on the
/// second draw, and returns the charts.
fn draw_twice(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let written = draw_all(out, Format::Both).unwrap();
    let charts = files(&out.join("charts"));
    assert_eq!(written.len(), charts.len(), "draw_all lists every file");
    for (rel, bytes) in &charts {
        assert!(bytes.len() > 1000, "{rel} has {} bytes", bytes.len());
        if rel.ends_with(".png") {
            assert_eq!(bytes[..8], PNG_SIGNATURE, "{rel}");
            image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
                .unwrap_or_else(|e| panic!("{rel} does not decode: {e}"));
        } else {
            assert!(bytes.starts_with(b"<svg"), "{rel}");
        }
    }
    std::fs::remove_dir_all(out.join("charts")).unwrap();
    draw_all(out, Format::Svg).unwrap();
    for (rel, bytes) in files(&out.join("charts")) {
        assert!(charts[&rel] == bytes, "{rel} differs on the second draw");
    }
    charts
}

fn svg(charts: &BTreeMap<String, Vec<u8>>, rel: &str) -> String {
    let bytes = charts
        .get(rel)
        .unwrap_or_else(|| panic!("{rel} missing: {:?}", charts.keys()));
    String::from_utf8(bytes.clone()).unwrap()
}

/// The text of every `<text>` element of an SVG.
fn texts(svg: &str) -> Vec<&str> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim())
        })
        .collect()
}

fn sweep_charts(charts: &BTreeMap<String, Vec<u8>>) -> Vec<&str> {
    charts
        .keys()
        .map(String::as_str)
        .filter(|k| k.starts_with("sweep_"))
        .collect()
}

#[test]
fn two_parameter_grid_draws_a_heatmap_per_arm() {
    let dir = tempdir();
    let params = ["bodies.waico.harmonization", "alignment.confidence"];
    // Nested-loop order, first parameter slowest; values listed high to low for the first.
    let mut values = Vec::new();
    for h in [0.9, 0.5, 0.0] {
        for c in [0.1, 0.2, 0.3, 0.4] {
            values.push(vec![h, c]);
        }
    }
    let out = folder(dir.path(), &params, &values, &[5]);
    let charts = draw_twice(&out);
    let stem = "sweep_bodies_waico_harmonization_alignment_confidence";
    assert_eq!(
        sweep_charts(&charts),
        [format!("{stem}.png"), format!("{stem}.svg")]
    );
    let map = svg(&charts, &format!("{stem}.svg"));
    assert!(map.contains("Fragmentation at step 5 (year) over bodies.waico.harmonization"));
    for arm in ARMS {
        assert!(map.contains(arm), "panel {arm}");
    }
    // Ticks at the grid values (on each of the three panels), each cell's value, the missing
    // cell and the colour bar.
    let text = texts(&map);
    let count = |t: &str| text.iter().filter(|x| **x == t).count();
    for tick in ["0.9", "0.5", "0", "0.1", "0.2", "0.3"] {
        assert_eq!(count(tick), 3, "tick {tick}: {text:?}");
    }
    // Baseline at harmonization 0.9, confidence 0.1: 0.8 − 0.4 × (0.9 + 0.1) / 2.
    assert_eq!(count("0.60"), 2, "the cell and a colour-bar tick: {text:?}");
    assert_eq!(count("–"), 3, "point 5 is missing in every arm");
    assert!(text.contains(&"no data"));
    assert!(map.contains("mean fragmentation"));

    // The per-step charts keep to point 0 and say so.
    let frag = svg(&charts, "fragmentation.svg");
    assert!(frag.contains("Fragmentation of AI governance — sweep_qs (sweep point 0)"));
    assert!(svg(&charts, "effects.svg").contains("(sweep point 0)"));
    assert!(svg(&charts, "membership.svg").contains("(sweep point 0)"));
    assert!(svg(&charts, "metrics/dispersion.svg").contains("(sweep point 0)"));
}

#[test]
fn one_parameter_sweep_draws_lines_per_headline_metric() {
    let dir = tempdir();
    let values: Vec<Vec<f64>> = [0.05, 0.1, 0.2, 0.35, 0.5]
        .iter()
        .map(|v| vec![*v])
        .collect();
    let out = folder(dir.path(), &["alignment.confidence"], &values, &[2]);
    let charts = draw_twice(&out);
    assert_eq!(
        sweep_charts(&charts),
        [
            "sweep_alignment_confidence.png",
            "sweep_alignment_confidence.svg"
        ]
    );
    let lines = svg(&charts, "sweep_alignment_confidence.svg");
    assert!(lines.contains("Headline metrics at step 5 (year) vs alignment.confidence — sweep_qs"));
    for panel in ["Fragmentation", "Effective blocs", "Dispersion"] {
        assert!(lines.contains(panel), "panel {panel}");
    }
    for arm in ARMS {
        assert!(lines.contains(arm), "legend {arm}");
    }
}

#[test]
fn latin_hypercube_draws_a_scatter_and_three_parameter_grids_nothing() {
    let dir = tempdir();
    let values = vec![
        vec![0.12, 0.81],
        vec![0.37, 0.05],
        vec![0.55, 0.62],
        vec![0.93, 0.33],
        vec![0.71, 0.97],
    ];
    let out = folder(
        dir.path(),
        &["alignment.confidence", "alignment.rate"],
        &values,
        &[],
    );
    let charts = draw_twice(&out);
    assert_eq!(
        sweep_charts(&charts),
        [
            "sweep_alignment_confidence_alignment_rate.png",
            "sweep_alignment_confidence_alignment_rate.svg"
        ]
    );
    let scatter = svg(&charts, "sweep_alignment_confidence_alignment_rate.svg");
    assert!(scatter.contains("over alignment.confidence × alignment.rate"));
    assert!(!scatter.contains("no data"));

    let dir = tempdir();
    let mut values = Vec::new();
    for a in [0.1, 0.2] {
        for b in [0.3, 0.4] {
            for c in [0.5, 0.6] {
                values.push(vec![a, b, c]);
            }
        }
    }
    let out = folder(dir.path(), &["a.x", "b.y", "c.z"], &values, &[]);
    let charts = draw_twice(&out);
    assert!(sweep_charts(&charts).is_empty());
    assert!(charts.contains_key("fragmentation.png"));
}

#[test]
fn a_sweep_without_points_csv_still_draws_point_zero() {
    let dir = tempdir();
    let out = folder(
        dir.path(),
        &["alignment.confidence"],
        &[vec![0.1], vec![0.2]],
        &[],
    );
    std::fs::remove_file(out.join("points.csv")).unwrap();
    let charts = draw_twice(&out);
    assert!(sweep_charts(&charts).is_empty());
    assert!(svg(&charts, "fragmentation.svg").contains("(sweep point 0)"));
}
