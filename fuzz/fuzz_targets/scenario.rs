//! Feeds arbitrary text to the scenario loader: any input must give a scenario or a list of
//! problems, never a panic. A scenario that loads is pushed through the cheap derived
//! functions the commands call before simulating, since those trust the loader's checks.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Placed in the shipped scenarios folder, so `nations_file = "data/world_nations.csv"`
    // (from the world2025 seed) and its mutations reach real files and the CSV reader.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/fuzz.toml");
    let Ok(scenario) = accord::scenario::parse_str(text, &path) else {
        return;
    };
    let steps = scenario.recorded_steps();
    assert_eq!(steps.first(), Some(&0));
    assert_eq!(steps.last(), Some(&scenario.steps));
    let _ = accord::report::describe::describe(&scenario);
    for point in 0..scenario.point_count().min(4) {
        let at = scenario.at_point(point);
        for arm in 0..at.arms.len().max(1) {
            let s = at.for_arm(arm);
            assert_eq!(s.nation_count(), scenario.nation_count());
        }
    }
});
