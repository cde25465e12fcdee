//! What the test modules share: the command builder, paths into the repository, scratch
//! folders, scenario copies and folder comparisons. Each helper is written once here so that
//! every module builds its cases the same way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The first bytes of every PNG file.
pub const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];

/// The `accord` binary of this build, ready for arguments.
pub fn accord() -> Command {
    Command::cargo_bin("accord").expect("binary builds")
}

/// The repository's root, where `scenarios/` and `tests/golden/` live.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A shipped scenario, by its path under `scenarios/`.
pub fn shipped(rel: &str) -> PathBuf {
    root().join("scenarios").join(rel)
}

/// The quick-start scenario (13 nations, 3 arms, 25 steps).
pub fn quickstart() -> PathBuf {
    shipped("quickstart.toml")
}

/// A fresh scratch folder, removed when the value is dropped; every test takes its own, so
/// tests running in parallel threads never share a path.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a scratch folder")
}

/// Writes `text` as `dir/name` and returns its path.
pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A copy of quickstart with `steps` steps instead of 25, so end-to-end runs stay fast,
/// written as `dir/scenarios/small.toml`: in a folder of its own, since outputs may not go
/// inside a scenario's folder.
pub fn small_quickstart(dir: &Path, steps: u32) -> PathBuf {
    let text = std::fs::read_to_string(quickstart()).unwrap();
    std::fs::create_dir_all(dir.join("scenarios")).unwrap();
    write(
        &dir.join("scenarios"),
        "small.toml",
        text.replacen("steps = 25", &format!("steps = {steps}"), 1),
    )
}

/// Every file under `dir`, relative path → bytes.
pub fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// `accord run --runs 9 --quiet --states final <extra> --out <out> <scenario>`, which must
/// succeed: the ensemble the shard, merge and resume tests compare.
pub fn run_nine(scenario: &Path, out: &Path, extra: &[&str]) {
    accord()
        .args(["run", "--runs", "9", "--quiet", "--states", "final"])
        .args(extra)
        .arg("--out")
        .arg(out)
        .arg(scenario)
        .assert()
        .success();
}

/// The tables of an output folder with `--states final`.
const TABLES: [&str; 5] = [
    "timeseries.csv",
    "summary.csv",
    "effects.csv",
    "states.csv",
    "representative_states.csv",
];

/// Every CSV of `a` equals `b`'s, byte for byte, and every SVG chart and the report too.
pub fn assert_same_folder(a: &Path, b: &Path) {
    for t in TABLES.iter().chain(&["report.html"]) {
        let (x, y) = (std::fs::read(a.join(t)), std::fs::read(b.join(t)));
        assert!(x.is_ok(), "{} missing", a.join(t).display());
        assert!(x.unwrap() == y.unwrap(), "{t} differs");
    }
    for svg in ["fragmentation.svg", "effects.svg", "membership.svg"] {
        let (x, y) = (a.join("charts").join(svg), b.join("charts").join(svg));
        assert!(
            std::fs::read(x).unwrap() == std::fs::read(y).unwrap(),
            "{svg} differs"
        );
    }
}

/// The sweep quick start as a Latin hypercube of `samples` points over three continuous
/// parameters (body harmonization, confidence bound, alignment rate), written as
/// `dir/scenarios/lhs.toml`: what scenario discovery and robustness run on.
pub fn lhs_sweep(dir: &Path, samples: u32) -> PathBuf {
    let text = std::fs::read_to_string(shipped("sweep_quickstart.toml")).unwrap();
    let grid = "method = \"grid\"\nparams = { \"bodies.waico.harmonization\" = [0.0, 0.02, 0.05, \
                0.1], \"alignment.confidence\" = [0.2, 0.3] }";
    assert!(text.contains(grid), "sweep_quickstart.toml's sweep changed");
    let lhs = format!(
        "method = \"latin_hypercube\"\nsamples = {samples}\nparams = {{ \
         \"bodies.waico.harmonization\" = {{ min = 0.0, max = 0.2 }}, \"alignment.confidence\" \
         = {{ min = 0.1, max = 0.4 }}, \"alignment.rate\" = {{ min = 0.05, max = 0.3 }} }}"
    );
    std::fs::create_dir_all(dir.join("scenarios")).unwrap();
    write(
        &dir.join("scenarios"),
        "lhs.toml",
        text.replacen(grid, &lhs, 1),
    )
}
