//! The sweep's data preparation on hand-made rows, and the scales of its charts.

use super::design::*;
use super::lines::value_range;
use super::map::scale_range;
use crate::charts::input::{self, PointsTable, SummaryRecord};

fn summary(csv: &str) -> Vec<SummaryRecord> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("summary.csv");
    std::fs::write(&path, csv).unwrap();
    input::read_summary(&path).unwrap()
}

fn table(csv: &str) -> PointsTable {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("points.csv");
    std::fs::write(&path, csv).unwrap();
    input::read_points(&path).unwrap()
}

const HEADER: &str = "point,arm,step,metric,n,mean,sd,ci95_lo,ci95_hi,p05,p50,p95\n";

#[test]
fn final_step_is_the_last_recorded_one() {
    let rows = summary(&format!(
        "{HEADER}0,a,0,fragmentation,2,0.9,0,0.8,1,0,0,0\n\
             0,a,10,fragmentation,2,0.4,0,0.3,0.5,0,0,0\n\
             1,a,5,fragmentation,2,0.7,0,0.6,0.8,0,0,0\n\
             1,a,10,fragmentation,2,0.2,0,0.1,0.3,0,0,0\n\
             1,a,10,dispersion,2,0.6,0,0.5,0.7,0,0,0\n"
    ));
    assert_eq!(final_step(&rows), Some(10));
    let f = finals(&rows, "fragmentation", 10);
    assert_eq!(f.len(), 2);
    assert_eq!(f[&(0, "a")], (0.4, 0.3, 0.5));
    assert_eq!(f[&(1, "a")], (0.2, 0.1, 0.3));
    assert_eq!(final_step(&[]), None);
    // Rows without a point (no sweep) are not sweep data.
    let plain =
        summary("arm,step,metric,n,mean,sd,ci95_lo,ci95_hi\na,3,fragmentation,1,0.5,0,0.5,0.5\n");
    assert_eq!(final_step(&plain), None);
    assert!(finals(&plain, "fragmentation", 3).is_empty());
}

#[test]
fn axes_sort_numbers_and_keep_the_order_of_other_values() {
    let a = Axis::new(
        "alignment.confidence",
        [
            "0.5000000000",
            "0.1000000000",
            "1.0000000000",
            "0.1000000000",
        ]
        .into_iter(),
    );
    assert!(a.numeric);
    let labels: Vec<&str> = a.values.iter().map(|v| v.1.as_str()).collect();
    assert_eq!(labels, ["0.1", "0.5", "1"]);
    assert_eq!(a.values[0].0, 0.1);
    assert_eq!(a.index("0.5"), Some(1));
    assert_eq!(a.index("0.7"), None);
    let rule = Axis::new(
        "alignment.rule",
        ["pairwise", "averaging", "pairwise"].into_iter(),
    );
    assert!(!rule.numeric);
    assert_eq!(
        rule.values,
        [(0.0, "pairwise".to_owned()), (1.0, "averaging".to_owned())]
    );
    assert_eq!(rule.range(), (-0.5, 1.5));
    assert_eq!(rule.ticks(false), [(0.0, "pairwise"), (1.0, "averaging")]);
    assert_eq!(a.ticks(true), [(0.0, "0.1"), (1.0, "0.5"), (2.0, "1")]);
    assert_eq!(a.ticks(false)[2], (1.0, "1"));
    assert_eq!(a.index_range(), (-0.5, 2.5));
    let texts: Vec<String> = (1..=25).rev().map(|i| i.to_string()).collect();
    let many = Axis::new("m", texts.iter().map(String::as_str));
    let ticks = many.ticks(true);
    assert_eq!(ticks.len(), 9, "every third of 25 values");
    assert_eq!(ticks[1], (3.0, "4"));
    assert_eq!(ticks[8], (24.0, "25"));
    assert_eq!(short_label("2.0000000000"), "2");
    assert_eq!(short_label("true"), "true");
}

/// A 3 × 2 grid written in nested-loop order, first parameter slowest, with values listed
/// in descending order for the first parameter.
const GRID: &str = "point,bodies.waico.harmonization,alignment.confidence\n\
        0,0.9000000000,0.1000000000\n\
        1,0.9000000000,0.3000000000\n\
        2,0.5000000000,0.1000000000\n\
        3,0.5000000000,0.3000000000\n\
        4,0.0000000000,0.1000000000\n\
        5,0.0000000000,0.3000000000\n";

#[test]
fn grid_pivots_summary_rows_into_cells_with_gaps_for_missing_points() {
    let design = Design::new(&table(GRID));
    assert!(design.grid);
    assert_eq!(design.axes.len(), 2);
    let xs: Vec<f64> = design.axes[0].values.iter().map(|v| v.0).collect();
    assert_eq!(xs, [0.0, 0.5, 0.9], "ascending, whatever the file order");
    // Point p has mean p / 10 for arm a; point 3 has no row (a missing cell).
    let mut csv = HEADER.to_owned();
    for p in [0, 1, 2, 4, 5] {
        csv.push_str(&format!("{p},a,0,fragmentation,2,0.9,0,0.9,0.9,0,0,0\n"));
        csv.push_str(&format!("{p},a,4,fragmentation,2,0.{p},0,0,1,0,0,0\n"));
    }
    let rows = summary(&csv);
    let f = finals(&rows, "fragmentation", final_step(&rows).unwrap());
    let cells = grid(&design, &f, "a");
    // cells[harmonization index][confidence index]
    assert_eq!(cells[0], [0.4, 0.5], "harmonization 0: points 4 and 5");
    assert_eq!(cells[2], [0.0, 0.1], "harmonization 0.9: points 0 and 1");
    assert_eq!(cells[1][0], 0.2);
    assert!(cells[1][1].is_nan(), "point 3 is missing");
    // An arm without rows: every cell missing.
    assert!(grid(&design, &f, "b").iter().flatten().all(|v| v.is_nan()));
}

#[test]
fn latin_hypercube_points_are_not_a_grid() {
    let design = Design::new(&table(
        "point,a,b\n0,0.1000000000,0.7000000000\n1,0.5000000000,0.2000000000\n\
             2,0.8000000000,0.4000000000\n",
    ));
    assert!(!design.grid);
    let rows = summary(&format!(
        "{HEADER}0,x,1,fragmentation,1,0.3,0,0.3,0.3,0,0,0\n\
             2,x,1,fragmentation,1,0.6,0,0.6,0.6,0,0,0\n"
    ));
    let f = finals(&rows, "fragmentation", 1);
    let s = scatter(&design, &f, "x");
    assert_eq!(s.len(), 3);
    assert_eq!((s[0].0, s[0].1, s[0].2), (0.1, 0.7, 0.3));
    assert!(s[1].2.is_nan());
    assert_eq!((s[2].0, s[2].1, s[2].2), (0.8, 0.4, 0.6));
    // A duplicated or incomplete grid is not a grid either.
    let dup = Design::new(&table("point,a,b\n0,1,1\n1,1,1\n2,2,2\n3,2,1\n"));
    assert!(!dup.grid);
}

#[test]
fn curve_is_sorted_by_parameter_value() {
    let design = Design::new(&table(
        "point,alignment.confidence\n0,0.3000000000\n1,0.1000000000\n2,0.2000000000\n",
    ));
    assert!(design.grid);
    let rows = summary(&format!(
        "{HEADER}0,a,2,fragmentation,2,0.3,0,0.25,0.35,0,0,0\n\
             1,a,2,fragmentation,2,0.1,0,0.05,0.15,0,0,0\n"
    ));
    let f = finals(&rows, "fragmentation", 2);
    let c = curve(&design, &f, "a");
    assert_eq!(c[0], (0.1, 0.1, 0.05, 0.15));
    assert_eq!(c[1].0, 0.2);
    assert!(c[1].1.is_nan(), "point 2 has no data: a gap");
    assert_eq!(c[2], (0.3, 0.3, 0.25, 0.35));
}

#[test]
fn colour_scale() {
    assert_eq!(scale_range([0.2, f64::NAN, 0.6].into_iter()), (0.2, 0.6));
    assert_eq!(scale_range([f64::NAN].into_iter()), (0.0, 1.0));
    let (lo, hi) = scale_range([0.5].into_iter());
    assert!(lo < 0.5 && hi > 0.5);
    assert_eq!(value_range([0.2, 0.4].into_iter(), true), (0.0, 1.0));
    let (lo, hi) = value_range([2.0, 4.0].into_iter(), false);
    assert!((lo - 1.9).abs() < 1e-12 && (hi - 4.1).abs() < 1e-12);
}
