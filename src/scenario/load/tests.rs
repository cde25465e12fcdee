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
            .any(|p| p.key == "dimensions" && p.message.contains("appears twice")),
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
