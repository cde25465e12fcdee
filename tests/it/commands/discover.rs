//! `accord discover` end to end on a small Latin-hypercube sweep (40 points × 3 arms × 4
//! runs, a fraction of a second), the `robustness.csv` that `run` writes beside it, and
//! discover's bad input.

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::support::{accord, lhs_sweep, small_quickstart, tempdir};

/// Runs the Latin-hypercube sweep into `dir/out`.
fn lhs_output(dir: &Path) -> PathBuf {
    let scenario = lhs_sweep(dir, 40);
    let out = dir.join("out");
    accord()
        .args(["run", "--runs", "4", "--quiet", "--out"])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    out
}

fn discover(out: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    accord().arg("discover").arg(out).args(args).assert()
}

const EFFECT_QUERY: [&str; 7] = [
    "--arm",
    "cooperation_body",
    "--metric",
    "fragmentation",
    "--effect",
    "--below",
    "-0.1",
];

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn discover_writes_the_trajectory_and_the_box_and_replaces_its_own_folder() {
    let dir = tempdir();
    let out = lhs_output(dir.path());
    discover(&out, &EFFECT_QUERY).success().stdout(
        predicate::str::contains(
            "scenario discovery: cooperation_body's effect on fragmentation (vs baseline) \
             below -0.1 at step 15",
        )
        .and(predicate::str::contains("40 points, "))
        .and(predicate::str::contains(
            "recommended: the first box within 0.05",
        ))
        .and(predicate::str::contains("qp lower")),
    );
    let disc = out.join("discovery");
    let trajectory = read(disc.join("trajectory.csv"));
    let mut lines = trajectory.lines();
    assert_eq!(
        lines.next().unwrap(),
        "box,move,coverage,density,mass,points,cases,res_dim,restricted,\
         lower:bodies.waico.harmonization,upper:bodies.waico.harmonization,\
         lower:alignment.confidence,upper:alignment.confidence,lower:alignment.rate,\
         upper:alignment.rate"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(
        rows[0].starts_with(&["0", "start", "1.0000000000"]),
        "{rows:?}"
    );
    assert_eq!(
        (rows[0][4], rows[0][5], rows[0][7]),
        ("1.0000000000", "40", "0")
    );
    // Every later box is a peel or paste that raised the density and kept the mass floor.
    let number = |r: &Vec<&str>, i: usize| r[i].parse::<f64>().unwrap();
    for pair in rows.windows(2) {
        assert!(["peel", "paste"].contains(&pair[1][1]), "{pair:?}");
        assert!(number(&pair[1], 3) > number(&pair[0], 3), "{pair:?}");
        assert!(number(&pair[1], 4) >= 0.05);
    }
    let boxes = read(disc.join("box.csv"));
    let box_rows: Vec<&str> = boxes.lines().collect();
    assert_eq!(
        box_rows[0],
        "box,recommended,coverage,density,mass,param,restricted,lower,upper,qp_lower,qp_upper"
    );
    assert_eq!(box_rows.len(), 4, "one row per parameter");
    assert!(box_rows[1..].iter().all(|r| r.contains(",true,")));
    assert_eq!(read(disc.join("cases.csv")).lines().count(), 41);
    let record = read(disc.join("discovery.json"));
    assert!(
        record.contains("\"outcome\": \"effect\"")
            && record.contains("\"objective\": \"LENIENT1\"")
    );
    for chart in ["tradeoff.png", "tradeoff.svg"] {
        assert!(disc.join(chart).is_file(), "{chart}");
    }
    let pairs = std::fs::read_dir(&disc)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("box_"))
        .count();
    assert_eq!(pairs, 2, "the box scatter as PNG and SVG");
    let first = [
        read(disc.join("trajectory.csv")),
        read(disc.join("box.csv")),
        read(disc.join("tradeoff.svg")),
    ];

    // A second question replaces the folder whole (no PNG from before is left over).
    discover(
        &out,
        &[
            "--arm",
            "baseline",
            "--metric",
            "fragmentation",
            "--above",
            "0.5",
            "--box",
            "0",
            "--format",
            "svg",
        ],
    )
    .success()
    .stdout(predicate::str::contains("chosen with --box"));
    assert!(!disc.join("tradeoff.png").exists());
    assert!(
        read(disc.join("box.csv"))
            .lines()
            .skip(1)
            .all(|r| r.starts_with("0,false,1.0000000000"))
    );

    // The same question gives the same bytes.
    discover(&out, &EFFECT_QUERY).success();
    let again = [
        read(disc.join("trajectory.csv")),
        read(disc.join("box.csv")),
        read(disc.join("tradeoff.svg")),
    ];
    assert!(first == again, "discover is deterministic");
    // And the output folder is still accord's: --force replaces it, discovery included.
    let entries: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(entries.iter().all(|n| !n.starts_with('.')), "{entries:?}");
}

#[test]
fn robustness_csv_compares_the_arms_of_a_sweep_and_only_of_a_sweep() {
    let dir = tempdir();
    let out = lhs_output(dir.path());
    let text = read(out.join("robustness.csv"));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "metric,arm,orientation,points,mean,p10,p50,p90,max_regret,p90_regret,share_best,\
         satisfice,share_satisficing"
    );
    assert!(
        lines[1].starts_with("fragmentation,baseline,lower,40,"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("fragmentation,cooperation_body,lower,40,"));
    // Regret is never negative and some arm is best at every point.
    let frag: Vec<Vec<&str>> = lines[1..4].iter().map(|l| l.split(',').collect()).collect();
    let best: f64 = frag.iter().map(|r| r[10].parse::<f64>().unwrap()).sum();
    assert!(best >= 1.0 - 1e-9, "{frag:?}");
    assert!(frag.iter().all(|r| r[8].parse::<f64>().unwrap() >= 0.0));
    assert!(text.contains("\nclusters,baseline,neither,40,"));
    assert!(text.contains("\nsouth_capability_ratio,baseline,higher,40,"));

    let plain = dir.path().join("plain");
    accord()
        .args(["run", "--runs", "3", "--quiet", "--out"])
        .arg(&plain)
        .arg(small_quickstart(dir.path(), 3))
        .assert()
        .success();
    assert!(
        !plain.join("robustness.csv").exists(),
        "no sweep, no robustness"
    );
}

#[test]
fn discover_refuses_bad_input_with_exit_2() {
    let dir = tempdir();
    let plain = dir.path().join("plain");
    accord()
        .args(["run", "--runs", "3", "--quiet", "--out"])
        .arg(&plain)
        .arg(small_quickstart(dir.path(), 3))
        .assert()
        .success();
    discover(
        &plain,
        &[
            "--arm",
            "baseline",
            "--metric",
            "fragmentation",
            "--below",
            "0.5",
        ],
    )
    .code(2)
    .stderr(predicate::str::contains(
        "points.csv` does not exist: the folder holds no sweep, and scenario discovery needs \
             one with at least one continuous parameter",
    ));
    assert!(!plain.join("discovery").exists());

    let out = lhs_output(dir.path());
    let cases: [(&[&str], &str); 9] = [
        (
            &["--arm", "nope", "--metric", "fragmentation", "--below", "0"],
            "unknown arm `nope`; this folder's arms are: baseline, cooperation_body, \
             body_and_open_source",
        ),
        (
            &["--arm", "0", "--metric", "frag", "--below", "0"],
            "unknown metric `frag`; this folder's metrics are: fragmentation, clusters,",
        ),
        (
            &[
                "--arm",
                "0",
                "--metric",
                "fragmentation",
                "--below",
                "0",
                "--above",
                "1",
            ],
            "cannot be used with",
        ),
        (&["--arm", "0", "--metric", "fragmentation"], "required"),
        (
            &[
                "--arm",
                "baseline",
                "--metric",
                "fragmentation",
                "--effect",
                "--below",
                "0",
            ],
            "`--arm baseline` is the reference arm",
        ),
        (
            &[
                "--arm",
                "1",
                "--metric",
                "fragmentation",
                "--effect",
                "--below",
                "-5",
            ],
            "no point has an effect on `fragmentation` below -5 (outcomes range from",
        ),
        (
            &[
                "--arm",
                "1",
                "--metric",
                "fragmentation",
                "--effect",
                "--below",
                "-0.1",
                "--box",
                "999",
            ],
            "`--box 999`: the trajectory has boxes 0 to",
        ),
        (
            &[
                "--arm",
                "1",
                "--metric",
                "fragmentation",
                "--below",
                "0.3",
                "--peel-alpha",
                "0.7",
            ],
            "`--peel-alpha` is `0.7`, but it must lie in (0, 0.5)",
        ),
        (
            &[
                "--arm",
                "1",
                "--metric",
                "fragmentation",
                "--below",
                "0.3",
                "--mass-min",
                "0",
            ],
            "`--mass-min` is `0`, but it must lie in (0, 1)",
        ),
    ];
    for (args, message) in cases {
        discover(&out, args)
            .code(2)
            .stderr(predicate::str::contains(message));
    }
    assert!(
        !out.join("discovery").exists(),
        "nothing written for bad input"
    );

    // A `discovery/` folder accord did not write is not replaced.
    std::fs::create_dir(out.join("discovery")).unwrap();
    std::fs::write(out.join("discovery/notes.txt"), "mine").unwrap();
    discover(&out, &EFFECT_QUERY)
        .code(2)
        .stderr(predicate::str::contains(
            "was not written by `accord discover` (it has no discovery.json), so it is not \
             replaced",
        ));
    assert_eq!(read(out.join("discovery/notes.txt")), "mine");
}
