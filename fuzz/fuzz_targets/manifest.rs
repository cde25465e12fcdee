//! Feeds arbitrary text to the two manifest readers: `manifest.json` (what `accord replay`
//! trusts to re-simulate) and a shard's `shard.json` (what `merge` and `--resume` trust). Any
//! input must give a manifest or an error, never a panic; a manifest that passes must hold a
//! scenario within the loader's limits.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(m) = accord::output::replay::parse_manifest(text, Path::new("manifest.json")) {
        assert!(accord::scenario::check::problems(&m.scenario).is_empty());
        let _ = m.scenario.recorded_steps();
    }
    if let Ok(m) = accord::experiment::store::parse_manifest(text, Path::new("shard.json")) {
        assert!(m.chunk_count() > 0 || m.provenance.runs == 0);
        let _ = m.layout();
    }
});
