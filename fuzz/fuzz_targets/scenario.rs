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
    let Ok(scenario) = accord::scenario::parse_str(text, Path::new("fuzz.toml")) else {
        return;
    };
    let steps = scenario.recorded_steps();
    assert_eq!(steps.first(), Some(&0));
    assert_eq!(steps.last(), Some(&scenario.steps));
    let _ = accord::tools::describe::describe(&scenario);
    for point in 0..scenario.point_count().min(4) {
        let at = scenario.at_point(point);
        for arm in 0..at.arms.len().max(1) {
            let s = at.for_arm(arm);
            assert_eq!(s.nation_count(), scenario.nation_count());
        }
    }
});
