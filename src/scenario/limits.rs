//! Limits that keep a scenario within memory and time a laptop can give, so a typo such as
//! `count = 10000000` gets a clear message instead of an out-of-memory abort.

/// Nations per run: metrics compare every pair, O(N²) per recorded step.
pub const MAX_NATIONS: usize = 20_000;
/// Policy dimensions.
pub const MAX_DIMENSIONS: usize = 32;
/// Steps per run.
pub const MAX_STEPS: u64 = 1_000_000;
/// Runs per arm.
pub const MAX_RUNS: u64 = 100_000_000;
/// Cooperation bodies (memberships are a 64-bit set per nation).
pub const MAX_BODIES: usize = 64;
/// Rows of a `nations_file`.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Points of a `[sweep]` (grid product or `samples`).
pub const MAX_SWEEP_POINTS: usize = 100_000;

/// Reads at most [`MAX_FILE_BYTES`] of `path` without trusting its reported size (pipes and
/// devices report 0): `Ok(None)` when there is more.
pub fn read_capped(path: &std::path::Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_FILE_BYTES).then_some(bytes))
}
