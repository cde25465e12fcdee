//! Feeds arbitrary bytes to the chunk reader behind `merge` and `run --resume`, with the shape
//! its header claims (capped, so a claimed shape cannot ask for gigabytes): any input must be
//! refused or read, never a panic, and a chunk that opens must read back every cell.
#![no_main]

use std::io::Write;

use accord::experiment::chunk::{ChunkFile, ChunkShape};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let word = |k: usize| {
        data.get(k..k + 4)
            .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let shape = ChunkShape {
        cells: word(8).min(64),
        steps: word(12).min(64),
        metrics: word(16).min(64),
        states: data.get(24).is_some_and(|&b| b != 0),
    };
    let Ok(mut file) = tempfile::NamedTempFile::new() else {
        return;
    };
    if file.write_all(data).is_err() {
        return;
    }
    let Ok(chunk) = ChunkFile::open(file.path(), shape) else {
        return;
    };
    for cell in 0..shape.cells {
        chunk
            .read_groups(cell, 0..shape.groups())
            .expect("an opened chunk reads back");
        let _ = chunk.read_states(cell);
    }
});
