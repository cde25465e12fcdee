//! A short seeded run pinned as a golden file. If an engine change alters it, the test
//! fails; regenerate with `ACCORD_UPDATE_GOLDEN=1 cargo test --release --test golden` and
//! say in the commit message why the numbers changed.

use std::path::Path;

use accord::experiment::{EnsembleConfig, RunSource, run_ensemble, summarize};
use accord::output::{write_summary, write_timeseries};
use accord::scenario::parse_str;

#[test]
fn quickstart_short_run_matches_the_golden_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("scenarios/quickstart.toml")).unwrap();
    let text = text.replacen("steps = 25", "steps = 5", 1);
    let scenario = parse_str(&text, &root.join("scenarios/quickstart.toml")).unwrap();
    let config = EnsembleConfig {
        runs: 3,
        ..EnsembleConfig::from_scenario(&scenario)
    };
    let ensemble = run_ensemble(&scenario, &config, &|| {}).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_timeseries(&dir.path().join("timeseries.csv"), &ensemble).unwrap();
    write_summary(
        &dir.path().join("summary.csv"),
        &ensemble.layout(),
        &summarize(&ensemble).unwrap(),
    )
    .unwrap();
    for file in ["timeseries.csv", "summary.csv"] {
        let got = std::fs::read_to_string(dir.path().join(file)).unwrap();
        let golden = root
            .join("tests/golden")
            .join(format!("quickstart_5x3_{file}"));
        if std::env::var_os("ACCORD_UPDATE_GOLDEN").is_some() {
            std::fs::write(&golden, &got).unwrap();
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        assert!(
            got == want,
            "{file} differs from {}; see this file's header to regenerate",
            golden.display()
        );
    }
}
