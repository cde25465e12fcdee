//! The data-built world scenario: its nations file is exactly what the derivation in
//! `accord::data` produces from the committed sources, and the scenario validates.

use std::path::Path;

use accord::data;

use crate::support::{accord, tempdir};

#[test]
fn world_nations_csv_regenerates_byte_identically() {
    let dir = tempdir();
    let out = dir.path().join("world_nations.csv");
    let world = data::regenerate(Path::new("scenarios/data"), &out).unwrap();
    let fresh = std::fs::read(&out).unwrap();
    let committed = std::fs::read("scenarios/data/world_nations.csv").unwrap();
    assert!(
        fresh == committed,
        "scenarios/data/world_nations.csv is stale: run `accord data world` and commit it"
    );
    assert_eq!(world.nations.len(), 192);
    // The missing-data rule of scenarios/README.md: only North Korea (no GDP) is left out.
    let excluded: Vec<(&str, &str)> = world
        .excluded
        .iter()
        .map(|x| (x.id.as_str(), x.reason.as_str()))
        .collect();
    assert_eq!(excluded, vec![("PRK", "no GDP (World Bank WDI)")]);
}

#[test]
fn world2025_validates_with_192_nations_and_stances_in_unit_interval() {
    let s = accord::scenario::load(Path::new("scenarios/world2025.toml")).unwrap();
    assert_eq!(s.nation_count(), 192);
    assert_eq!(s.nations.len(), 192);
    assert_eq!(s.dimensions.len(), 6);
    assert_eq!(s.steps, 25);
    let arms: Vec<&str> = s.arms.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        arms,
        vec![
            "status_quo",
            "cooperation_org",
            "open_source",
            "org_and_open_source"
        ]
    );
    for n in &s.nations {
        assert_eq!(n.stance.len(), 6, "{}", n.id);
        assert!(
            n.stance.iter().all(|x| (0.0..=1.0).contains(x)),
            "{}: {:?}",
            n.id,
            n.stance
        );
        assert!(
            n.gdp > 0.0 && (0.0..=1.0).contains(&n.capability),
            "{}",
            n.id
        );
    }
    let south = s
        .nations
        .iter()
        .filter(|n| n.groups.iter().any(|g| g == "global_south"))
        .count();
    let usa = s.nations.iter().find(|n| n.id == "USA").unwrap();
    assert!(!usa.groups.iter().any(|g| g == "global_south"));
    let chn = s.nations.iter().find(|n| n.id == "CHN").unwrap();
    assert!(chn.groups.iter().any(|g| g == "global_south"));
    assert_eq!(south, 129);
}

#[test]
fn data_world_command_writes_the_file_and_names_exclusions() {
    let dir = tempdir();
    let out = dir.path().join("w.csv");
    accord()
        .args(["data", "world", "--data", "scenarios/data", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::contains("wrote 192 nations to"))
        .stdout(predicates::str::contains(
            "excluded PRK (Korea, Dem. People's Rep.): no GDP (World Bank WDI)",
        ));
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read("scenarios/data/world_nations.csv").unwrap()
    );
    // A missing data folder is bad input with a readable error, not a panic.
    accord()
        .args(["data", "world", "--data", "no/such/dir", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot read `no/such/dir/"));
}
