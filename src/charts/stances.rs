//! Final stances of one representative run per arm, projected to two dimensions by principal
//! components, and the `representative_states.csv` file they are drawn from.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::input::{self, Meta};
use super::{
    AXIS_DESC_PX, Figure, Format, MARGIN, PALETTE, TICK_PX, TITLE_PX, WIDTH, font, render,
};
use crate::error::{Error, Result};
use crate::experiment::run_seed;
use crate::model::{self, StatesMode};
use crate::output::format::fmt_f64;
use crate::scenario::Scenario;

/// File name of the representative states, inside an output folder.
pub const REPRESENTATIVE_STATES: &str = "representative_states.csv";

/// Nations are labelled with their ids up to this many per panel.
const MAX_LABELLED: usize = 60;

/// Writes `representative_states.csv` into `dir`: `arm,run,nation,gdp,capability,<dims…>` for
/// run 0 of every arm (at sweep point 0 when the scenario has a sweep) at the final step,
/// re-simulated with the run's seed (so it equals run 0 of the ensemble). `gdp` is the arm's
/// configured GDP of the nation (population nations: the population's); `set` events on GDP
/// are not reflected.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be written.
pub fn write_representative_states(dir: &Path, scenario: &Scenario) -> Result<()> {
    let path = dir.join(REPRESENTATIVE_STATES);
    let csv_err = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io("write", &path, io),
        other => Error::io("write", &path, std::io::Error::other(format!("{other:?}"))),
    };
    let mut w = csv::Writer::from_path(&path).map_err(csv_err)?;
    let mut header = vec!["arm", "run", "nation", "gdp", "capability"];
    header.extend(scenario.dimensions.iter().map(String::as_str));
    w.write_record(&header).map_err(csv_err)?;
    let seed = run_seed(scenario.experiment.seed, 0);
    // With a sweep, point 0, like the other per-point charts.
    let point_scenario = scenario.at_point(0);
    for (a, arm) in scenario.arms.iter().enumerate() {
        let arm_scenario = point_scenario.for_arm(a);
        let out = model::simulate(&arm_scenario, seed, StatesMode::Final);
        let population_gdp = arm_scenario.population.as_ref().map_or(1.0, |p| p.gdp);
        for s in &out.states {
            let gdp = arm_scenario
                .nations
                .iter()
                .find(|n| n.id == s.nation)
                .map_or(population_gdp, |n| n.gdp);
            let mut row = vec![
                arm.name.clone(),
                "0".to_owned(),
                s.nation.clone(),
                fmt_f64(gdp),
                fmt_f64(s.capability),
            ];
            row.extend(s.stance.iter().map(|x| fmt_f64(*x)));
            w.write_record(&row).map_err(csv_err)?;
        }
    }
    w.flush().map_err(|e| Error::io("write", &path, e))
}

/// One nation of `representative_states.csv`.
#[derive(Clone, Debug, PartialEq)]
struct Nation {
    arm: String,
    id: String,
    gdp: f64,
    stance: Vec<f64>,
}

fn read(path: &Path) -> Result<(Vec<String>, Vec<Nation>)> {
    let bad = |m: String| Error::Usage(format!("`{}`: {m}", path.display()));
    let mut reader = csv::Reader::from_path(path).map_err(|e| bad(e.to_string()))?;
    let headers = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
    let fixed = ["arm", "run", "nation", "gdp", "capability"];
    if headers.len() < fixed.len() || headers.iter().zip(fixed).any(|(h, f)| h != f) {
        return Err(bad(format!(
            "the header must start with {}",
            fixed.join(",")
        )));
    }
    let dims: Vec<String> = headers
        .iter()
        .skip(fixed.len())
        .map(str::to_owned)
        .collect();
    let mut nations = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(e.to_string()))?;
        let num = |j: usize| -> Result<f64> {
            let text = record.get(j).unwrap_or("");
            text.parse().map_err(|_| {
                bad(format!(
                    "row {}: `{}` is `{text}`, not a number",
                    i + 2,
                    headers.get(j).unwrap_or("")
                ))
            })
        };
        nations.push(Nation {
            arm: record.get(0).unwrap_or("").to_owned(),
            id: record.get(2).unwrap_or("").to_owned(),
            gdp: num(3)?,
            stance: (fixed.len()..headers.len())
                .map(num)
                .collect::<Result<_>>()?,
        });
    }
    Ok((dims, nations))
}

/// Eigenvalues and unit eigenvectors of a symmetric matrix (row-major `k×k`) by cyclic Jacobi
/// rotations, sorted by decreasing eigenvalue. Each vector's largest-magnitude entry (the first
/// of equals) is made positive, so the result is deterministic.
pub(crate) fn symmetric_eigen(matrix: &[f64], k: usize) -> Vec<(f64, Vec<f64>)> {
    let mut a = matrix.to_vec();
    let mut v = vec![0.0; k * k];
    for i in 0..k {
        v[i * k + i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..k)
            .flat_map(|i| (0..k).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * k + j] * a[i * k + j])
            .sum();
        if off < 1e-30 {
            break;
        }
        for p in 0..k {
            for q in p + 1..k {
                let apq = a[p * k + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q * k + q] - a[p * k + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for r in 0..k {
                    let (arp, arq) = (a[r * k + p], a[r * k + q]);
                    a[r * k + p] = c * arp - s * arq;
                    a[r * k + q] = s * arp + c * arq;
                }
                for r in 0..k {
                    let (apr, aqr) = (a[p * k + r], a[q * k + r]);
                    a[p * k + r] = c * apr - s * aqr;
                    a[q * k + r] = s * apr + c * aqr;
                }
                for r in 0..k {
                    let (vrp, vrq) = (v[r * k + p], v[r * k + q]);
                    v[r * k + p] = c * vrp - s * vrq;
                    v[r * k + q] = s * vrp + c * vrq;
                }
            }
        }
    }
    let mut pairs: Vec<(f64, Vec<f64>)> = (0..k)
        .map(|j| {
            let mut vec: Vec<f64> = (0..k).map(|r| v[r * k + j]).collect();
            let lead = vec
                .iter()
                .fold(0.0_f64, |m, x| if x.abs() > m.abs() { *x } else { m });
            if lead < 0.0 {
                vec.iter_mut().for_each(|x| *x = -*x);
            }
            (a[j * k + j], vec)
        })
        .collect();
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0));
    pairs
}

/// Projects rows (each of length `k`) on their first two principal components. Returns the
/// 2-D points and the share of variance each component explains.
pub(crate) fn pca_2d(rows: &[Vec<f64>], k: usize) -> (Vec<(f64, f64)>, [f64; 2]) {
    let n = rows.len();
    if n == 0 || k == 0 {
        return (vec![(0.0, 0.0); n], [0.0, 0.0]);
    }
    let mean: Vec<f64> = (0..k)
        .map(|d| rows.iter().map(|r| r[d]).sum::<f64>() / n as f64)
        .collect();
    let mut cov = vec![0.0; k * k];
    for r in rows {
        for i in 0..k {
            for j in 0..k {
                cov[i * k + j] += (r[i] - mean[i]) * (r[j] - mean[j]) / n as f64;
            }
        }
    }
    let eigen = symmetric_eigen(&cov, k);
    let total: f64 = eigen.iter().map(|e| e.0.max(0.0)).sum();
    let component = |c: usize| eigen.get(c).map(|e| e.1.clone());
    let (pc1, pc2) = (component(0), component(1));
    let project = |r: &Vec<f64>, pc: &Option<Vec<f64>>| {
        pc.as_ref().map_or(0.0, |v| {
            (0..k).map(|d| (r[d] - mean[d]) * v[d]).sum::<f64>()
        })
    };
    let points = rows
        .iter()
        .map(|r| (project(r, &pc1), project(r, &pc2)))
        .collect();
    let share = |c: usize| {
        if total > 0.0 {
            eigen.get(c).map_or(0.0, |e| e.0.max(0.0) / total)
        } else {
            0.0
        }
    };
    (points, [share(0), share(1)])
}

/// Connected components of the graph joining nations with distance ≤ `tolerance`, numbered
/// in order of their smallest member.
fn clusters(stances: &[&[f64]], tolerance: f64) -> Vec<usize> {
    let n = stances.len();
    let mut label = vec![usize::MAX; n];
    let mut next = 0;
    for start in 0..n {
        if label[start] != usize::MAX {
            continue;
        }
        label[start] = next;
        let mut stack = vec![start];
        while let Some(i) = stack.pop() {
            for j in 0..n {
                if label[j] == usize::MAX
                    && crate::metrics::distance(stances[i], stances[j]) <= tolerance
                {
                    label[j] = next;
                    stack.push(j);
                }
            }
        }
        next += 1;
    }
    label
}

struct PanelData {
    arm: String,
    clusters: usize,
    /// (x, y, radius px, cluster, id)
    points: Vec<(f64, f64, i32, usize, String)>,
}

struct StanceFigure {
    title: String,
    x_label: String,
    y_label: String,
    panels: Vec<PanelData>,
    x_range: (f64, f64),
    y_range: (f64, f64),
    labelled: bool,
    grid: (usize, usize),
    height: u32,
}

/// Draws `stances.{png,svg}` from `representative_states.csv` in `dir`, if it exists.
pub(crate) fn draw(
    dir: &Path,
    meta: &Meta,
    out_stem: &Path,
    format: Format,
) -> Result<Vec<PathBuf>> {
    let path = dir.join(REPRESENTATIVE_STATES);
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let (dims, nations) = read(&path)?;
    if nations.is_empty() {
        return Ok(Vec::new());
    }
    let k = dims.len();
    let rows: Vec<Vec<f64>> = nations.iter().map(|n| n.stance.clone()).collect();
    let (xy, share) = pca_2d(&rows, k);
    let arms = input::ordered(nations.iter().map(|n| n.arm.as_str()));
    let max_gdp = nations
        .iter()
        .map(|n| n.gdp)
        .filter(|g| g.is_finite())
        .fold(0.0_f64, f64::max);
    let mut panels = Vec::new();
    for arm in &arms {
        let idx: Vec<usize> = (0..nations.len())
            .filter(|&i| &nations[i].arm == arm)
            .collect();
        let stances: Vec<&[f64]> = idx.iter().map(|&i| nations[i].stance.as_slice()).collect();
        let cluster = clusters(&stances, meta.tolerance);
        let points = idx
            .iter()
            .zip(&cluster)
            .map(|(&i, &c)| {
                let g = nations[i].gdp;
                let rel = if max_gdp > 0.0 && g.is_finite() && g > 0.0 {
                    g / max_gdp
                } else {
                    0.0
                };
                let radius = 4 + (18.0 * rel.sqrt()).round() as i32;
                (xy[i].0, xy[i].1, radius, c, nations[i].id.clone())
            })
            .collect();
        panels.push(PanelData {
            arm: arm.clone(),
            clusters: cluster.iter().max().map_or(0, |m| m + 1),
            points,
        });
    }
    let range = |f: &dyn Fn(&(f64, f64)) -> f64| {
        let (lo, hi) = xy
            .iter()
            .map(f)
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
                (l.min(v), h.max(v))
            });
        if lo > hi {
            (-1.0, 1.0)
        } else if hi - lo < 1e-9 {
            (lo - 0.5, hi + 0.5)
        } else {
            let pad = 0.12 * (hi - lo);
            (lo - pad, hi + pad)
        }
    };
    // Four arms read better as 2×2 than as 3 + 1.
    let cols = if arms.len() == 4 {
        2
    } else {
        arms.len().min(3)
    };
    let grid = (arms.len().div_ceil(cols), cols);
    let most = panels.iter().map(|p| p.points.len()).max().unwrap_or(0);
    let figure = StanceFigure {
        title: format!(
            "Final stances, run 0 of each arm (principal components) — {}",
            meta.name
        ),
        x_label: format!("PC1 ({:.0}% of variance)", 100.0 * share[0]),
        y_label: format!("PC2 ({:.0}% of variance)", 100.0 * share[1]),
        x_range: range(&|p| p.0),
        y_range: range(&|p| p.1),
        labelled: most <= MAX_LABELLED,
        height: 120 + 520 * grid.0 as u32,
        grid,
        panels,
    };
    render(out_stem, format, (WIDTH, figure.height), &figure)
}

impl Figure for StanceFigure {
    fn draw<DB: DrawingBackend>(
        &self,
        root: DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        root.fill(&WHITE)?;
        let body = root
            .margin(MARGIN, MARGIN / 2, MARGIN, MARGIN)
            .titled(&self.title, font(TITLE_PX - 4.0))?;
        let note = "point size: GDP · colour: cluster (distance ≤ tolerance)";
        let (body, foot) = body.split_vertically(body.dim_in_pixel().1.saturating_sub(28));
        foot.draw(&Text::new(
            note,
            (0, 4),
            font(TICK_PX)
                .color(&RGBColor(60, 60, 60))
                .pos(Pos::new(HPos::Left, VPos::Top)),
        ))?;
        let areas = body.split_evenly(self.grid);
        let (x0, x1) = self.x_range;
        let (y0, y1) = self.y_range;
        for (panel, area) in self.panels.iter().zip(&areas) {
            let caption = format!(
                "{} ({} cluster{})",
                panel.arm,
                panel.clusters,
                if panel.clusters == 1 { "" } else { "s" }
            );
            let mut chart = ChartBuilder::on(area)
                .caption(caption, font(AXIS_DESC_PX))
                .margin(10)
                .x_label_area_size(56)
                .y_label_area_size(76)
                .build_cartesian_2d(x0..x1, y0..y1)?;
            chart
                .configure_mesh()
                .x_desc(self.x_label.as_str())
                .y_desc(self.y_label.as_str())
                .axis_desc_style(font(AXIS_DESC_PX - 6.0))
                .label_style(font(TICK_PX - 2.0))
                .x_labels(5)
                .y_labels(5)
                .bold_line_style(RGBColor(220, 220, 220))
                .light_line_style(RGBColor(240, 240, 240))
                .max_light_lines(1)
                .axis_style(RGBColor(80, 80, 80))
                .draw()?;
            // Largest first, so small nations stay visible on top.
            let mut order: Vec<usize> = (0..panel.points.len()).collect();
            order.sort_by_key(|&i| (std::cmp::Reverse(panel.points[i].2), i));
            for &i in &order {
                let (x, y, r, c, _) = &panel.points[i];
                let colour = PALETTE[c % PALETTE.len()];
                chart.draw_series([
                    Circle::new((*x, *y), *r, colour.mix(0.55).filled()),
                    Circle::new((*x, *y), *r, colour.stroke_width(2)),
                ])?;
            }
            if self.labelled {
                // Nations at (nearly) the same place share one label, so ids never overprint.
                let mut groups: Vec<((i32, i32), i32, Vec<&str>)> = Vec::new();
                for (x, y, r, _, id) in &panel.points {
                    let at = chart.backend_coord(&(*x, *y));
                    match groups
                        .iter_mut()
                        .find(|g| (g.0.0 - at.0).abs() <= 14 && (g.0.1 - at.1).abs() <= 16)
                    {
                        Some(g) => {
                            g.1 = g.1.max(*r);
                            g.2.push(id);
                        }
                        None => groups.push((at, *r, vec![id])),
                    }
                }
                let (bx, by) = root.get_base_pixel();
                let (x_pixels, _) = chart.plotting_area().get_pixel_range();
                let mid = (x_pixels.start + x_pixels.end) / 2;
                // Labels point into the panel, so they never cross into the next one; blocks on
                // the same side are pushed apart vertically so they never overprint.
                let mut blocks: Vec<(bool, i32, i32, i32, Vec<String>)> = groups
                    .iter()
                    .map(|((px, py), r, ids)| {
                        let lines: Vec<String> = ids.chunks(4).map(|c| c.join(", ")).collect();
                        let top = py - 8 * lines.len() as i32;
                        (*px > mid, top, *px, *r, lines)
                    })
                    .collect();
                blocks.sort_by_key(|b| (b.0, b.1, b.2));
                let mut bottom: Option<(bool, i32)> = None;
                for (right, top, px, r, lines) in &mut blocks {
                    if let Some((side, end)) = bottom
                        && side == *right
                        && *top < end
                    {
                        *top = end;
                    }
                    bottom = Some((*right, *top + 16 * lines.len() as i32));
                    let (h, x) = if *right {
                        (HPos::Right, *px - *r - 3)
                    } else {
                        (HPos::Left, *px + *r + 3)
                    };
                    for (line, text) in lines.iter().enumerate() {
                        let style = font(14.0).color(&BLACK).pos(Pos::new(h, VPos::Center));
                        let pos = (x - bx, *top + 8 + 16 * line as i32 - by);
                        root.draw(&Text::new(text.as_str(), pos, style))?;
                    }
                }
            }
        }
        root.present()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_on_a_line_project_along_it() {
        // Points on the line (t, 2t, 0): PC1 ∝ (1, 2, 0)/√5 with all variance, PC2 none.
        let rows: Vec<Vec<f64>> = [0.0, 0.1, 0.2, 0.4]
            .iter()
            .map(|&t| vec![t, 2.0 * t, 0.3])
            .collect();
        let eigen = {
            let (points, share) = pca_2d(&rows, 3);
            assert!((share[0] - 1.0).abs() < 1e-12 && share[1].abs() < 1e-12);
            for (p, t) in points.iter().zip([0.0, 0.1, 0.2, 0.4]) {
                // Centred on the mean t = 0.175, scaled by |(1, 2)| = √5.
                assert!((p.0 - (t - 0.175) * 5f64.sqrt()).abs() < 1e-12, "{p:?}");
                assert!(p.1.abs() < 1e-12);
            }
            let mut cov = vec![0.0; 9];
            cov[0] = 1.0;
            cov[1] = 2.0;
            cov[3] = 2.0;
            cov[4] = 4.0;
            symmetric_eigen(&cov, 3)
        };
        assert!((eigen[0].0 - 5.0).abs() < 1e-12);
        let v = &eigen[0].1;
        let s = 5f64.sqrt();
        assert!(
            (v[0] - 1.0 / s).abs() < 1e-12 && (v[1] - 2.0 / s).abs() < 1e-12,
            "{v:?}"
        );
    }

    #[test]
    fn sign_convention_makes_the_largest_entry_positive() {
        // Diagonal matrix with eigenvalues 3 and 1, and its rotation by 90°.
        let e = symmetric_eigen(&[1.0, 0.0, 0.0, 3.0], 2);
        assert_eq!(e[0].0, 3.0);
        assert_eq!(e[0].1, vec![0.0, 1.0]);
        assert_eq!(e[1].1, vec![1.0, 0.0]);
        // Mirrored data give the same projection (up to the sign fixed by the convention).
        let a = pca_2d(&[vec![0.0, 0.0], vec![1.0, 0.5], vec![0.2, 0.9]], 2);
        let b = pca_2d(&[vec![0.0, 0.0], vec![1.0, 0.5], vec![0.2, 0.9]], 2);
        assert_eq!(a, b);
    }

    #[test]
    fn clusters_are_connected_components() {
        let s: Vec<Vec<f64>> = vec![vec![0.0], vec![0.05], vec![0.5], vec![0.12]];
        let refs: Vec<&[f64]> = s.iter().map(Vec::as_slice).collect();
        // 0.0–0.05–0.12 chain at δ = 0.08; 0.5 alone.
        assert_eq!(clusters(&refs, 0.08), vec![0, 0, 1, 0]);
        assert_eq!(clusters(&refs, 0.01), vec![0, 1, 2, 3]);
    }
}
