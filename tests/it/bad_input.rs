//! What the `accord` binary does with bad input: one test per class in the README's
//! catalogue ("What accord does with bad input"), each pinning the exit code and the message
//! a user sees.
//!
//! Classes pinned elsewhere are not repeated here:
//! - Ctrl-C keeps the previous output folder: `resume::ctrl_c_keeps_finished_chunks_and_the_previous_folder`;
//! - a giant `population.count`: `giant_counts_are_refused_before_allocation` in
//!   `src/scenario/load/tests.rs`.

use std::path::{Path, PathBuf};

use assert_cmd::assert::Assert;
use predicates::prelude::*;

use crate::support::{accord, small_quickstart, tempdir, write};

const HEADER: &str = "name = \"bad\"\nsteps = 3\ndimensions = [\"a\"]\n";
const NATION_X: &str = "[[nations]]\nid = \"X\"\nstance = { a = 0.5 }\n";
const NATION_Y: &str = "[[nations]]\nid = \"Y\"\nstance = { a = 0.25 }\n";

/// `accord validate name` run inside `dir`, so messages show the short relative name.
fn validate(dir: &Path, name: &str, extra: &[&str]) -> Assert {
    accord()
        .current_dir(dir)
        .arg("validate")
        .arg(name)
        .args(extra)
        .assert()
}

/// Writes `text` as `bad.toml` and checks that validation fails with exit code 2 and
/// exactly `stderr`.
fn refused(text: &str, stderr: &str) {
    let dir = tempdir();
    write(dir.path(), "bad.toml", text);
    validate(dir.path(), "bad.toml", &[])
        .code(2)
        .stdout("")
        .stderr(stderr.to_string());
}

#[test]
fn toml_syntax_error() {
    refused(
        &format!("{HEADER}steps = = 3\n"),
        "error: bad.toml:4:9: invalid TOML: extra `=`, expected nothing\n",
    );
}

#[test]
fn wrong_type() {
    refused(
        &format!("name = \"bad\"\nsteps = \"three\"\ndimensions = [\"a\"]\n{NATION_X}"),
        "error: bad.toml:2:9: `steps`: expected an integer, found the string `\"three\"`\n",
    );
}

#[test]
fn validate_names_file_line_and_key_of_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.toml");
    std::fs::write(
        &path,
        "name = \"broken\"\nsteps = 3\ndimensions = [\"a\"]\n[alignment]\nrate = 2.0\nrul = \"pairwise\"\n[[nations]]\nid = \"X\"\nstance = { a = 0.5 }\n",
    )
    .unwrap();
    accord()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "broken.toml:5:8: `alignment.rate`: is `2`, but it must lie in [0, 1]",
        ))
        .stderr(predicate::str::contains(
            "broken.toml:6:1: `alignment.rul`: unknown key (did you mean `rule`?)",
        ))
        .stderr(predicate::str::contains("2 problems found"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn nan_and_infinity() {
    refused(
        &format!("{HEADER}[alignment]\nrate = nan\nconfidence = inf\n{NATION_X}"),
        "error: bad.toml:5:8: `alignment.rate`: is `NaN`, but it must be a finite number in [0, 1]\n\
         error: bad.toml:6:14: `alignment.confidence`: is `inf`, but it must be a finite number in [0, 1]\n\
         2 problems found\n",
    );
}

#[test]
fn unknown_metric_in_compute() {
    refused(
        &format!(
            "{HEADER}[metrics]\ncompute = [\"fragmentaton\", \"dispersion\", \"dispersion\"]\n{NATION_X}"
        ),
        "error: bad.toml:5:12: `metrics.compute`: unknown metric `fragmentaton` (did you mean \
         `fragmentation`?); metrics: `fragmentation`, `clusters`, `effective_blocs`, `dispersion`, \
         `capability_gini`, `south_capability_ratio`, `regions`\n\
         error: bad.toml:5:42: `metrics.compute`: `dispersion` is listed twice; keep one\n\
         2 problems found\n",
    );
    refused(
        &format!("{HEADER}[metrics]\ncompute = []\n{NATION_X}"),
        "error: bad.toml:5:11: `metrics.compute`: lists no metric; name at least one, or leave \
         `compute` out to compute all\n",
    );
}

#[test]
fn duplicate_nation_ids() {
    refused(
        &format!("{HEADER}{NATION_X}{NATION_X}"),
        "error: bad.toml:7:1: `nations[1].id`: `X` is used twice (#1 and #2); nation ids must be unique\n",
    );
}

#[test]
fn duplicate_dimensions() {
    refused(
        &format!("name = \"bad\"\nsteps = 3\ndimensions = [\"a\", \"a\"]\n{NATION_X}"),
        "error: bad.toml:3:20: `dimensions`: `a` is used twice (#1 and #2); dimension names must be unique\n",
    );
}

#[test]
fn dangling_nation_reference() {
    refused(
        &format!("{HEADER}{NATION_X}[[rivalries]]\na = \"X\"\nb = \"ZZZ\"\n"),
        "error: bad.toml:9:5: `rivalries[0].b`: unknown nation `ZZZ`; write a nation id or `group:<tag>`\n",
    );
}

#[test]
fn dangling_group_reference() {
    refused(
        &format!("{HEADER}{NATION_X}[network]\ngroup_weights = {{ nosuch = 2.0 }}\n"),
        "error: bad.toml:8:19: `network.group_weights.nosuch`: unknown key; allowed keys here: none\n",
    );
}

#[test]
fn dangling_body_reference() {
    refused(
        &format!(
            "{HEADER}{NATION_X}[[events]]\nstep = 1\nkind = \"join\"\nbody = \"nobody\"\nnations = [\"X\"]\n"
        ),
        "error: bad.toml:10:8: `events[0].body`: unknown body `nobody`; bodies: none\n",
    );
}

#[test]
fn dangling_dimension_reference() {
    refused(
        &format!("{HEADER}[[nations]]\nid = \"X\"\nstance = {{ b = 0.5 }}\n"),
        "error: bad.toml:6:10: `nations[0].stance`: has no value for dimension(s) a; every dimension needs a value in [0, 1]\n\
         error: bad.toml:6:12: `nations[0].stance.b`: unknown key (did you mean `a`?); allowed keys here: a\n\
         2 problems found\n",
    );
}

#[test]
fn dangling_parameter_path() {
    refused(
        &format!(
            "{HEADER}{NATION_X}[[arms]]\nname = \"x\"\nset = {{ \"alignment.speed\" = 0.5 }}\n"
        ),
        "error: bad.toml:9:9: `arms[0].set`: unknown key `speed` in parameter path `alignment.speed`; allowed: rule, confidence, rate, stubbornness, self_weight, rivalry_rate, noise, traits\n",
    );
}

#[test]
fn empty_nation_set() {
    refused(
        HEADER,
        "error: bad.toml:1:1: `nations`: the scenario has no nations; add `[[nations]]`, `nations_file` or `[population]`\n",
    );
}

#[test]
fn giant_steps_runs_and_dimensions_are_refused_before_anything_is_allocated() {
    refused(
        &format!("name = \"bad\"\nsteps = 100000000\ndimensions = [\"a\"]\n{NATION_X}"),
        "error: bad.toml:2:9: `steps`: is `100000000`, but it must be an integer in [1, 1000000]\n",
    );
    refused(
        &format!("{HEADER}[experiment]\nruns = 1000000000000\n{NATION_X}"),
        "error: bad.toml:5:8: `experiment.runs`: is `1000000000000`, but it must be an integer in [1, 100000000]\n",
    );
    let names: Vec<String> = (0..40).map(|d| format!("\"d{d}\"")).collect();
    let dir = tempdir();
    write(
        dir.path(),
        "bad.toml",
        format!(
            "name = \"bad\"\nsteps = 3\ndimensions = [{}]\n",
            names.join(", ")
        ),
    );
    validate(dir.path(), "bad.toml", &[])
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: bad.toml:3:14: `dimensions`: has 40 names, but it must have between 1 and 32\n",
        ));
}

#[test]
fn giant_run_count_on_the_command_line_is_refused() {
    let dir = tempdir();
    write(
        dir.path(),
        "ok.toml",
        format!("{HEADER}{NATION_X}{NATION_Y}"),
    );
    accord()
        .current_dir(dir.path())
        .args(["run", "ok.toml", "--quiet", "--runs", "1000000000000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("1000000000000"));
    // Within u32 but above the documented limit of 10^8 runs per arm (issue 10: 10).
    accord()
        .current_dir(dir.path())
        .args(["run", "ok.toml", "--quiet", "--runs", "200000000"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("200000000").and(predicate::str::contains("1..=100000000")),
        );
    assert!(!dir.path().join("output").exists(), "nothing was written");
}

#[test]
fn missing_file_and_bad_arguments_exit_2() {
    accord()
        .args(["validate", "no/such/file.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: no/such/file.toml: cannot read the scenario file",
        ));
    accord()
        .args(["run", "x.toml", "--runs", "0"])
        .assert()
        .code(2);
    accord().args(["frobnicate"]).assert().code(2);
}

/// A scenario whose nations come from `nations_file = "<rel>"`.
fn with_nations_file(rel: &str) -> String {
    format!("{HEADER}nations_file = \"{rel}\"\n")
}

#[test]
fn nations_file_missing() {
    refused(
        &with_nations_file("missing.csv"),
        "error: bad.toml:4:16: `nations_file`: `missing.csv` cannot be opened: No such file or directory (os error 2)\n",
    );
}

#[test]
fn nations_file_that_is_not_text() {
    let dir = tempdir();
    // The first bytes of a PNG image.
    write(
        dir.path(),
        "map.png",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    );
    write(dir.path(), "bad.toml", with_nations_file("map.png"));
    validate(dir.path(), "bad.toml", &[]).code(2).stderr(
        "error: bad.toml:4:16: `nations_file`: `map.png` has 1 problem(s), listed below\n\
         error: map.png:1: not a text file (invalid UTF-8 at byte 0); a nations_file is CSV text\n\
         2 problems found\n",
    );
}

#[test]
fn nations_file_with_bad_rows() {
    let dir = tempdir();
    write(dir.path(), "rows.csv", "id,stance.a\nX,0.5\nY,1.5\nZ\n");
    write(dir.path(), "bad.toml", with_nations_file("rows.csv"));
    validate(dir.path(), "bad.toml", &[]).code(2).stderr(
        "error: bad.toml:4:16: `nations_file`: `rows.csv` has 2 problem(s), listed below\n\
         error: rows.csv:3: `stance.a`: is `1.5`, but it must be a number in [0, 1]\n\
         error: rows.csv:4: malformed row: CSV error: record 3 (line: 4, byte: 24): found record with 1 fields, but the previous record has 2 fields\n\
         3 problems found\n",
    );
}

/// `root/scen/s.toml` reading `root/outside.csv`, through `..` or through the symlink
/// `root/scen/link.csv`; returns the temporary root.
fn outside_layout(rel: &str) -> tempfile::TempDir {
    let dir = tempdir();
    let scen = dir.path().join("scen");
    std::fs::create_dir(&scen).unwrap();
    write(dir.path(), "outside.csv", "id,stance.a\nX,0.5\nY,0.25\n");
    std::os::unix::fs::symlink(dir.path().join("outside.csv"), scen.join("link.csv")).unwrap();
    write(&scen, "s.toml", with_nations_file(rel));
    dir
}

#[test]
fn nations_file_outside_the_scenario_folder_needs_the_flag() {
    for rel in ["../outside.csv", "link.csv"] {
        let dir = outside_layout(rel);
        let scen = dir.path().join("scen");
        validate(&scen, "s.toml", &[])
            .code(2)
            .stderr(predicate::str::starts_with(format!(
                "error: s.toml:4:16: `nations_file`: `{rel}` resolves to `"
            )))
            .stderr(predicate::str::ends_with(
                "; copy the file next to the scenario, or pass `--allow-outside-inputs` if you trust it\n",
            ));
        validate(&scen, "s.toml", &["--allow-outside-inputs"])
            .success()
            .stdout(predicates::str::starts_with(
                "ok: 2 nations, 1 dimension, 1 arm, 3 steps\n",
            ));
    }
}

/// Runs `accord run` on a valid two-nation scenario with `--out <out>` and returns the
/// assertion; the scenario is `dir/ok.toml`.
fn run_to(dir: &Path, out: &Path, extra: &[&str]) -> Assert {
    let scenario = write(dir, "ok.toml", format!("{HEADER}{NATION_X}{NATION_Y}"));
    accord()
        .arg("run")
        .arg(&scenario)
        .args(["--quiet", "--runs", "2", "--out"])
        .arg(out)
        .args(extra)
        .assert()
}

#[test]
fn output_path_that_is_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = small_quickstart(dir.path(), 6);
    let file = dir.path().join("afile");
    std::fs::write(&file, "keep me").unwrap();
    accord()
        .args(["run", "--runs", "2", "--quiet", "--force", "--out"])
        .arg(&file)
        .arg(&scenario)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a file"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
}

#[test]
fn output_folder_that_cannot_be_created() {
    // Tests run as root, for whom `chmod` does not make a folder unwritable; `/proc` refuses
    // new entries even to root.
    let dir = tempdir();
    run_to(dir.path(), Path::new("/proc/accord-bad-input-test"), &[])
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: failed to create folder `/proc/",
        ))
        .stderr(predicate::str::ends_with(
            "`: No such file or directory (os error 2)\n",
        ));
}

/// `output::check_output_location` makes this a usage error (exit 2) before anything is
/// written, rather than the writer's "not a directory" (exit 1).
#[test]
fn output_folder_under_a_file() {
    let dir = tempdir();
    let file = write(dir.path(), "afile", "keep me");
    let out = file.join("sub");
    run_to(dir.path(), &out, &[]).code(2).stderr(format!(
        "error: the output folder `{}` would lie under `{}`, which is a file\n",
        out.display(),
        file.display()
    ));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
}

/// Refused by `output::check_output_location` before anything is written.
#[test]
fn output_folder_inside_the_scenarios_folder() {
    let dir = tempdir();
    let scenarios = dir.path().join("scenarios");
    std::fs::create_dir(&scenarios).unwrap();
    let out = scenarios.join("x");
    run_to(&scenarios, &out, &[]).code(2).stderr(format!(
        "error: the output folder `{}` is inside `{}`, the folder of the scenario file; write outputs outside it (for example `--out output/<name>`) so results do not mix with scenarios\n",
        out.display(),
        scenarios.display()
    ));
    assert!(!out.exists());
}

/// Refused by `output::check_output_location` before anything is written.
#[test]
fn output_folder_holding_an_input_is_refused_even_with_force() {
    let dir = tempdir();
    let scenario = dir.path().join("ok.toml");
    run_to(dir.path(), dir.path(), &["--force"])
        .code(2)
        .stderr(format!(
            "error: the output folder `{}` holds the input `{}`, which `--force` would delete; choose another `--out`\n",
            dir.path().display(),
            scenario.display()
        ));
    assert!(scenario.is_file(), "the scenario survives");
}

/// An existing output folder with two files, for the "failing run" tests.
fn previous_output(dir: &Path) -> (PathBuf, Vec<(PathBuf, Vec<u8>)>) {
    let out = dir.join("out");
    std::fs::create_dir(&out).unwrap();
    let files = vec![
        (
            out.join("summary.csv"),
            b"arm,metric\nbaseline,0.5\n".to_vec(),
        ),
        (out.join("notes.bin"), vec![0, 159, 146, 150, 255]),
    ];
    for (path, bytes) in &files {
        std::fs::write(path, bytes).unwrap();
    }
    (out, files)
}

fn unchanged(out: &Path, files: &[(PathBuf, Vec<u8>)]) {
    for (path, bytes) in files {
        assert_eq!(&std::fs::read(path).unwrap(), bytes, "{}", path.display());
    }
    assert_eq!(std::fs::read_dir(out).unwrap().count(), files.len());
}

#[test]
fn a_failing_run_leaves_the_previous_output_folder_untouched() {
    let dir = tempdir();
    let (out, files) = previous_output(dir.path());
    // Invalid scenario, with --force.
    let broken = write(
        dir.path(),
        "broken.toml",
        format!("{HEADER}[alignment]\nrate = 2.0\n{NATION_X}"),
    );
    accord()
        .arg("run")
        .arg(&broken)
        .args(["--quiet", "--force", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`alignment.rate`: is `2`, but it must lie in [0, 1]",
        ));
    unchanged(&out, &files);
    // Unreadable scenario (a folder where the file should be), with --force.
    accord()
        .arg("run")
        .arg(dir.path())
        .args(["--quiet", "--force", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read the scenario file"));
    unchanged(&out, &files);
    // A nations_file that turns out to be unreadable, with --force.
    let missing = write(dir.path(), "missing.toml", with_nations_file("gone.csv"));
    accord()
        .arg("run")
        .arg(&missing)
        .args(["--quiet", "--force", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`gone.csv` cannot be opened"));
    unchanged(&out, &files);
}

/// Issue 10 (10): a starter under a file and a missing data folder are bad input (exit 2).
#[test]
fn init_under_a_file_and_data_from_a_missing_folder_exit_2() {
    let dir = tempdir();
    write(dir.path(), "afile", "");
    accord()
        .current_dir(dir.path())
        .args(["init", "afile/x.toml"])
        .assert()
        .code(2)
        .stderr("error: `afile/x.toml` would lie under `afile`, which is a file\n");
    accord()
        .current_dir(dir.path())
        .args(["data", "world", "--data", "nowhere", "--out", "w.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: cannot read `nowhere/wb_country_classification.csv`: No such file",
        ));
    assert!(!dir.path().join("w.csv").exists());
}

/// Issue 10 (10): `--threads 10000` took 51 s starting threads; it is refused at once.
#[test]
fn absurd_thread_counts_are_refused() {
    let dir = tempdir();
    write(
        dir.path(),
        "ok.toml",
        format!("{HEADER}{NATION_X}{NATION_Y}"),
    );
    accord()
        .current_dir(dir.path())
        .args(["run", "ok.toml", "--quiet", "--threads", "10000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("10000 is not in 1..=1024"));
    assert!(!dir.path().join("output").exists());
}
