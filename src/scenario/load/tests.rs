use super::*;

const MINIMAL: &str = r#"
name = "mini"
steps = 5
dimensions = ["a", "b"]

[[nations]]
id = "X"
stance = { a = 0.1, b = 0.2 }

[[nations]]
id = "Y"
groups = ["south"]
stance = { a = 0.9, b = 0.8 }
"#;

fn problems(src: &str) -> Vec<Problem> {
    match parse_str(src, Path::new("s.toml")) {
        Err(Error::Scenario(p)) => p,
        other => panic!("expected problems, got {other:?}"),
    }
}

fn has(problems: &[Problem], line: usize, key: &str, needle: &str) -> bool {
    problems
        .iter()
        .any(|p| p.line == line && p.key == key && p.message.contains(needle))
}

#[test]
fn minimal_scenario_gets_documented_defaults() {
    let s = parse_str(MINIMAL, Path::new("s.toml")).unwrap();
    assert_eq!(s.name, "mini");
    assert_eq!(s.step_unit, "step");
    assert_eq!(s.arms.len(), 1);
    assert_eq!(s.arms[0].name, "baseline");
    assert_eq!(s.alignment.confidence, 1.0);
    assert_eq!(s.alignment.noise, 0.0);
    assert_eq!(s.alignment.rivalry_rate, 0.0);
    assert_eq!(s.alignment.self_weight, 1.0);
    assert_eq!(s.metrics.tolerance, 0.1);
    assert!(!s.diffusion.enabled);
    assert_eq!(s.nations[1].stance, vec![0.9, 0.8]);
    assert_eq!(s.recorded_steps(), vec![0, 1, 2, 3, 4, 5]);
}

#[test]
fn quickstart_validates() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.toml");
    let s = load(&path).unwrap();
    assert_eq!(s.nations.len(), 13);
    assert_eq!(s.dimensions.len(), 6);
    assert_eq!(s.arms.len(), 3);
    assert_eq!(s.arms[2].set.len(), 2);
    assert_eq!(s.events.len(), 2);
}

#[test]
fn type_range_and_unknown_key_problems_are_all_reported_with_lines() {
    let src = format!(
        "{MINIMAL}\n[alignment]\nrate = 1.4\nconfidnce = 0.2\nrule = \"bounded\"\nnoise = \"lots\"\n"
    );
    let p = problems(&src);
    let line = |needle: &str| src.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    assert!(
        has(&p, line("rate"), "alignment.rate", "must lie in [0, 1]"),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            line("confidnce"),
            "alignment.confidnce",
            "did you mean `confidence`"
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            line("rule"),
            "alignment.rule",
            "`pairwise`, `averaging`"
        ),
        "{p:?}"
    );
    assert!(
        has(&p, line("noise"), "alignment.noise", "expected a number"),
        "{p:?}"
    );
    assert_eq!(p.len(), 4);
}

#[test]
fn syntax_errors_are_located() {
    let p = problems("name = \"x\"\nsteps = = 3\n");
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].line, 2);
    assert!(p[0].message.starts_with("invalid TOML"), "{}", p[0].message);
}

#[test]
fn nan_and_infinity_are_rejected() {
    let src = format!("{MINIMAL}\n[metrics]\ntolerance = nan\n[diffusion]\ngrowth = inf\n");
    let p = problems(&src);
    assert!(has(&p, 16, "metrics.tolerance", "finite"), "{p:?}");
    assert!(has(&p, 18, "diffusion.growth", "finite"), "{p:?}");
}

#[test]
fn dangling_references_and_late_events() {
    let src = format!(
        "{MINIMAL}
[[bodies]]
id = \"club\"
founders = [\"X\", \"Z\", \"group:north\"]

[[arms]]
name = \"a\"
set = {{ \"bodies.wto.harmonization\" = 0.1, \"nations.X.stance.c\" = 0.5, \"alignment.rate\" = 0.3 }}

[[events]]
step = 9
kind = \"shock\"
nations = [\"Y\"]
dimension = \"a\"
delta = 0.1

[[events]]
step = 2
kind = \"join\"
body = \"club\"
nations = [\"south\"]
"
    );
    let p = problems(&src);
    assert!(
        p.iter().any(|p| p.message.contains("unknown nation `Z`")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|p| p.message.contains("unknown group `north`")),
        "{p:?}"
    );
    assert!(
        p.iter().any(|p| p.message.contains("unknown body `wto`")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|p| p.message.contains("unknown dimension `c`")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|p| p.key == "events[0].step" && p.message.contains("after the last step")),
        "{p:?}"
    );
    assert!(
        p.iter().any(|p| p.message.contains("write `group:south`")),
        "{p:?}"
    );
    assert_eq!(p.len(), 6, "{p:?}");
}

#[test]
fn duplicate_ids_and_missing_required_keys() {
    let src = "steps = 3\ndimensions = [\"a\", \"a\"]\n[[nations]]\nid = \"X\"\nstance = { a = 0.1 }\n[[nations]]\nid = \"X\"\nstance = { a = 0.2 }\n";
    let p = problems(src);
    assert!(
        p.iter()
            .any(|p| p.key == "name" && p.message.contains("required")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|p| p.key == "dimensions" && p.message.contains("is used twice")),
        "{p:?}"
    );
    assert!(
        p.iter().any(|p| p.key == "nations[1].id" && p.line == 6),
        "{p:?}"
    );
}

#[test]
fn missing_stance_dimension_is_named() {
    let src = "name = \"x\"\nsteps = 3\ndimensions = [\"a\", \"b\"]\n[[nations]]\nid = \"X\"\nstance = { a = 0.1 }\n";
    let p = problems(src);
    assert!(has(&p, 6, "nations[0].stance", "dimension(s) b"), "{p:?}");
}

#[test]
fn empty_nation_set_is_an_error() {
    let p = problems("name = \"x\"\nsteps = 3\ndimensions = [\"a\"]\n");
    assert!(p.iter().any(|p| p.message.contains("no nations")), "{p:?}");
}

#[test]
fn giant_counts_are_refused_before_allocation() {
    let p = problems(
        "name = \"x\"\nsteps = 3\ndimensions = [\"a\"]\n[population]\ncount = 5000000000\n",
    );
    assert!(
        has(&p, 5, "population.count", "integer in [1, 20000]"),
        "{p:?}"
    );
}

#[test]
fn arms_accept_nested_and_quoted_paths_alike() {
    let src = format!(
        "{MINIMAL}\n[[arms]]\nname = \"q\"\nset = {{ \"groups.south.openness\" = 0.5 }}\n[[arms]]\nname = \"n\"\nset = {{ groups.south.openness = 0.5 }}\n"
    );
    let s = parse_str(&src, Path::new("s.toml")).unwrap();
    assert_eq!(s.arms[0].set, s.arms[1].set);
    let arm = s.for_arm(1);
    assert_eq!(arm.nations[1].openness, 0.5);
    assert_eq!(arm.nations[0].openness, 0.0);
}

#[test]
fn network_paths_cannot_change_mid_run() {
    let src = format!(
        "{MINIMAL}\n[network]\nkind = \"random\"\np = 0.5\n[[events]]\nstep = 1\nkind = \"set\"\npath = \"network.p\"\nvalue = 0.1\n"
    );
    let p = problems(&src);
    assert!(
        p.iter()
            .any(|p| p.message.contains("cannot change during a run")),
        "{p:?}"
    );
}

#[test]
fn nations_file_outside_the_scenario_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("scen");
    std::fs::create_dir(&inner).unwrap();
    std::fs::write(dir.path().join("n.csv"), "id,stance.a\nX,0.5\n").unwrap();
    let scenario = inner.join("s.toml");
    let src = "name = \"x\"\nsteps = 3\ndimensions = [\"a\"]\nnations_file = \"../n.csv\"\n";
    std::fs::write(&scenario, src).unwrap();
    let Err(Error::Scenario(p)) = load(&scenario) else {
        panic!("expected an error")
    };
    assert!(
        p.iter()
            .any(|p| p.message.contains("outside the scenario's folder")),
        "{p:?}"
    );
    std::fs::write(inner.join("n.csv"), "id,stance.a\nX,0.5\nY,0.25\n").unwrap();
    std::fs::write(&scenario, src.replace("../n.csv", "n.csv")).unwrap();
    let s = load(&scenario).unwrap();
    assert_eq!(s.nations.len(), 2);
    assert_eq!(s.nations[1].stance, vec![0.25]);
}

// ---- [sweep] ----

/// MINIMAL with one arm and a `[sweep]` section appended (line 14 is `[[arms]]`, 16 its `set`,
/// 17 `[sweep]`).
fn with_sweep(arm_set: &str, sweep: &str) -> String {
    format!("{MINIMAL}[[arms]]\nname = \"a\"\nset = {{ {arm_set} }}\n[sweep]\n{sweep}")
}

fn values(s: &Scenario) -> Vec<Vec<ParamValue>> {
    s.sweep
        .as_ref()
        .unwrap()
        .points
        .iter()
        .map(|p| p.iter().map(|a| a.value.clone()).collect())
        .collect()
}

#[test]
fn grid_points_are_the_product_in_nested_loop_order() {
    let src = with_sweep(
        "",
        "method = \"grid\"\nparams = { \"alignment.confidence\" = [0.2, 0.3, 0.4], diffusion.enabled = [true, false], \"alignment.rule\" = [\"pairwise\"] }\n",
    );
    let s = parse_str(&src, Path::new("s.toml")).unwrap();
    let w = s.sweep.as_ref().unwrap();
    assert_eq!(w.method, SweepMethod::Grid);
    assert_eq!(
        w.params,
        [
            "alignment.confidence",
            "diffusion.enabled",
            "alignment.rule"
        ]
    );
    assert_eq!(s.point_count(), 6);
    let n = ParamValue::Number;
    let b = ParamValue::Bool;
    let pw = || ParamValue::Text("pairwise".into());
    assert_eq!(
        values(&s),
        vec![
            vec![n(0.2), b(true), pw()],
            vec![n(0.2), b(false), pw()],
            vec![n(0.3), b(true), pw()],
            vec![n(0.3), b(false), pw()],
            vec![n(0.4), b(true), pw()],
            vec![n(0.4), b(false), pw()],
        ]
    );
    // The scenario at a point: base, then the point's values, then the arm's `set`.
    let at = s.at_point(3);
    assert_eq!(at.alignment.confidence, 0.3);
    assert!(!at.diffusion.enabled);
    assert!(at.sweep.is_none());
    assert_eq!(s.at_point(0).for_arm(0).alignment.confidence, 0.2);
}

#[test]
fn no_sweep_means_one_point() {
    let s = parse_str(MINIMAL, Path::new("s.toml")).unwrap();
    assert_eq!(s.sweep, None);
    assert_eq!(s.point_count(), 1);
    assert_eq!(s.at_point(0), s);
}

#[test]
fn latin_hypercube_points_come_from_the_master_seed() {
    let sweep = "method = \"latin_hypercube\"\nsamples = 10\nparams = { \"alignment.confidence\" = { min = 0.1, max = 0.5 }, groups.south.openness = { min = 0.0, max = 1.0 } }\n";
    let src = with_sweep("", sweep);
    let s = parse_str(&src, Path::new("s.toml")).unwrap();
    let w = s.sweep.as_ref().unwrap();
    assert_eq!(
        w.method,
        SweepMethod::LatinHypercube {
            samples: 10,
            ranges: vec![(0.1, 0.5), (0.0, 1.0)]
        }
    );
    assert_eq!(w.params, ["alignment.confidence", "groups.south.openness"]);
    assert_eq!(s.point_count(), 10);
    // Each of the 10 strata of each range holds exactly one point.
    for (j, (lo, hi)) in [(0.1, 0.5), (0.0, 1.0)].into_iter().enumerate() {
        let mut strata: Vec<usize> = values(&s)
            .iter()
            .map(|p| (((p[j].number() - lo) / (hi - lo)) * 10.0).floor() as usize)
            .collect();
        strata.sort_unstable();
        assert_eq!(strata, (0..10).collect::<Vec<_>>());
    }
    // Same seed, same points; another seed (in the file or via `set_seed`), other points.
    let again = parse_str(&src, Path::new("s.toml")).unwrap();
    assert_eq!(values(&again), values(&s));
    let seeded = with_sweep("", sweep).replace("[sweep]", "[experiment]\nseed = 9\n[sweep]");
    let s9 = parse_str(&seeded, Path::new("s.toml")).unwrap();
    assert_ne!(values(&s9), values(&s));
    let mut reseeded = s.clone();
    reseeded.set_seed(9);
    assert_eq!(values(&reseeded), values(&s9));
    reseeded.set_seed(1);
    assert_eq!(reseeded, s);
}

#[test]
fn sweep_problems_are_located() {
    // Lines: 17 `[sweep]`, 18 method, 19 params (or samples, then params on 20).
    let p = problems(&with_sweep(
        "",
        "method = \"grid\"\nparams = { \"alignment.speed\" = [0.1], \"alignment.rate\" = [0.5, 1.5], \"bodies.none.enabled\" = [true] }\n",
    ));
    assert!(has(&p, 19, "sweep.params", "unknown key `speed`"), "{p:?}");
    assert!(
        has(
            &p,
            19,
            "sweep.params.alignment.rate[1]",
            "must lie in [0, 1]"
        ),
        "{p:?}"
    );
    assert!(
        has(&p, 19, "sweep.params", "the scenario has none"),
        "{p:?}"
    );
    assert_eq!(p.len(), 3, "{p:?}");

    let p = problems(&with_sweep(
        "",
        "method = \"latin_hypercube\"\nsamples = 4\nparams = { \"diffusion.enabled\" = { min = 0, max = 1 }, \"alignment.traits\" = { min = 2, max = 5 }, \"alignment.rate\" = { min = 0.5, max = 0.2 }, \"alignment.noise\" = { min = 0.0, max = 2.0 } }\n",
    ));
    assert!(
        has(
            &p,
            20,
            "sweep.params.diffusion.enabled",
            "samples continuous numbers only"
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            20,
            "sweep.params.alignment.traits",
            "takes an integer in [2, 1000000]"
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            20,
            "sweep.params.alignment.rate",
            "`min` (0.5) must be less than `max` (0.2)"
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            20,
            "sweep.params.alignment.noise.max",
            "must lie in [0, 1]"
        ),
        "{p:?}"
    );
    assert_eq!(p.len(), 4, "{p:?}");

    let p = problems(&with_sweep(
        "",
        "method = \"random\"\nsamples = 3\nparams = {}\n",
    ));
    assert!(
        has(
            &p,
            18,
            "sweep.method",
            "must be one of: `grid`, `latin_hypercube`"
        ),
        "{p:?}"
    );

    let p = problems(&with_sweep(
        "",
        "method = \"grid\"\nsamples = 3\nparams = { \"alignment.rate\" = [] }\n",
    ));
    assert!(has(&p, 19, "sweep.samples", "only applies to"), "{p:?}");
    assert!(
        has(&p, 20, "sweep.params.alignment.rate", "non-empty array"),
        "{p:?}"
    );

    let p = problems(&with_sweep(
        "",
        "method = \"latin_hypercube\"\nparams = { \"alignment.rate\" = { min = 0.1, max = 0.2 } }\nextra = 1\n",
    ));
    assert!(has(&p, 17, "sweep.samples", "required"), "{p:?}");
    assert!(has(&p, 20, "sweep.extra", "unknown key"), "{p:?}");
}

#[test]
fn a_path_both_swept_and_set_by_an_arm_is_refused_naming_both() {
    // Line 16: the arm's `set`; line 19: the sweep's params.
    let p = problems(&with_sweep(
        "alignment.confidence = 0.3",
        "method = \"grid\"\nparams = { \"alignment.rate\" = [0.1], alignment.confidence = [0.2, 0.4] }\n",
    ));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        has(
            &p,
            19,
            "sweep.params.alignment.confidence",
            "`alignment.confidence` is swept and also set by arm `a` (`alignment.confidence`)"
        ),
        "{p:?}"
    );
    let p = problems(&with_sweep(
        "",
        "method = \"grid\"\nparams = { \"alignment.rate\" = [0.1], alignment.rate = [0.2] }\n",
    ));
    assert!(!p.is_empty());
}

#[test]
fn huge_grids_are_refused() {
    let list = format!("[{}]", vec!["0.5"; 400].join(", "));
    let p = problems(&with_sweep(
        "",
        &format!(
            "method = \"grid\"\nparams = {{ \"alignment.rate\" = {list}, \"alignment.noise\" = {list} }}\n"
        ),
    ));
    assert!(
        has(
            &p,
            19,
            "sweep.params",
            "the grid has 160000 points (400 × 400), more than the limit of 100000"
        ),
        "{p:?}"
    );
}

#[test]
fn group_weights_without_any_groups_say_none_are_allowed() {
    let p = problems(
        "name = \"x\"\nsteps = 3\ndimensions = [\"a\"]\n[[nations]]\nid = \"X\"\nstance = { a = 0.5 }\n[network]\ngroup_weights = { nosuch = 2.0 }\n",
    );
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].key, "network.group_weights.nosuch");
    assert_eq!(p[0].message, "unknown key; allowed keys here: none");
}

#[test]
fn input_files_are_the_scenario_and_its_nations_file() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::write(
        &scenario,
        "name = \"x\"\nsteps = 3\ndimensions = [\"a\"]\nnations_file = \"data/n.csv\"\n",
    )
    .unwrap();
    assert_eq!(
        input_files(&scenario),
        vec![scenario.clone(), dir.path().join("data/n.csv")]
    );
    std::fs::write(&scenario, "name = \"x\"\n").unwrap();
    assert_eq!(input_files(&scenario), vec![scenario.clone()]);
    assert_eq!(
        input_files(Path::new("no/such.toml")),
        vec![PathBuf::from("no/such.toml")]
    );
}

/// Issue 10 (8): a dimension named like a per-nation column would give `states.csv` two
/// columns of one name.
#[test]
fn dimensions_may_not_take_the_names_of_table_columns() {
    for name in ["run", "step", "arm", "nation", "gdp", "capability", "point"] {
        let src = MINIMAL.replace("[\"a\", \"b\"]", &format!("[\"a\", \"{name}\"]"));
        let src = src.replace("b = 0.", &format!("{name} = 0."));
        let p = problems(&src);
        assert!(
            has(
                &p,
                4,
                "dimensions",
                &format!("`{name}` names a column of the per-nation tables")
            ),
            "{name}: {p:?}"
        );
    }
}

/// Issue 10 (8): quoted and dotted forms of one path are two TOML keys but one parameter.
#[test]
fn an_arm_setting_one_path_twice_is_refused() {
    let src = format!(
        "{MINIMAL}\n[[arms]]\nname = \"x\"\nset = {{ \"alignment.rate\" = 0.1, alignment.rate = 0.2 }}\n"
    );
    let p = problems(&src);
    assert!(
        has(
            &p,
            17,
            "arms[0].set.alignment.rate",
            "is set twice in this arm"
        ),
        "{p:?}"
    );
}

/// Issue 10 (10): the size limit holds for files that do not report a size.
#[cfg(unix)]
#[test]
fn an_endless_scenario_file_is_refused_at_the_size_limit() {
    let err = load(Path::new("/dev/zero")).unwrap_err();
    assert!(
        err.to_string()
            .contains("larger than the limit of 67108864 bytes"),
        "{err}"
    );
}

/// Issue 10 (4): growth that would overflow capabilities is refused when the scenario loads,
/// at the key to change, instead of failing after the simulation.
#[test]
fn capability_growth_that_would_overflow_is_refused_at_load() {
    let src = format!("{MINIMAL}\n[diffusion]\nenabled = true\ngrowth = 10\n");
    let src = src.replace("steps = 5", "steps = 200");
    let p = problems(&src);
    assert!(
        has(
            &p,
            17,
            "diffusion.growth",
            "capabilities could grow to about 1e208"
        ),
        "{p:?}"
    );
    let fine = src.replace("steps = 200", "steps = 190");
    assert!(parse_str(&fine, Path::new("s.toml")).is_ok());
}
