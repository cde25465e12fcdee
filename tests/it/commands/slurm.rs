//! `accord slurm` end to end: the script it writes, refusals, and what that script submits.
//!
//! No Slurm is needed: a stand-in `sbatch` on `PATH` records its arguments and the job
//! script it receives on stdin, and a stand-in accord binary (`--accord`) records the
//! arguments each job would run it with, so the quoting is checked by bash itself.
//! `.ci/slurm-test.sh` runs the same script against a real one-node Slurm.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::support::{accord, quickstart, small_quickstart, tempdir};

fn write_executable(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn writes_a_script_that_bash_accepts() {
    let dir = tempdir();
    let out = dir.path().join("study");
    let script = dir.path().join("study.slurm.sh");
    accord()
        .arg("slurm")
        .arg(quickstart())
        .args(["--shards", "4", "--runs", "20", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "wrote {}: 4 array tasks of up to 5 runs per arm each (20 in all), then a merge into {}",
            script.display(),
            out.display()
        )))
        .stdout(predicate::str::contains(format!(
            "submit it from a Slurm login node with: bash {}",
            script.display()
        )));
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(text.starts_with("#!/usr/bin/env bash\n"));
    // The running binary is the default, by absolute path.
    let me = assert_cmd::cargo::cargo_bin("accord");
    assert!(
        text.contains(&format!("exec {} run ", me.display())),
        "{text}"
    );
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Writing the script submits nothing and creates no output.
    assert!(!out.exists());
}

#[test]
fn default_output_is_relative_to_the_current_folder_and_made_absolute() {
    let dir = tempdir();
    accord()
        .current_dir(dir.path())
        .arg("slurm")
        .arg(quickstart())
        .args(["--shards", "2"])
        .assert()
        .success();
    let cwd = dir.path().canonicalize().unwrap();
    let text = std::fs::read_to_string(dir.path().join("output/quickstart.slurm.sh")).unwrap();
    let out_line = format!("out={}/output/quickstart", cwd.display());
    assert!(text.lines().any(|l| l == out_line), "{out_line}\n{text}");
}

#[test]
fn more_shards_than_runs_is_bad_input() {
    let dir = tempdir();
    let out = dir.path().join("o");
    accord()
        .arg("slurm")
        .arg(quickstart())
        .args(["--shards", "21", "--runs", "20", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: `--shards 21` is more than the 20 runs per arm",
        ));
    // The scenario's own run count (200) applies without --runs.
    accord()
        .arg("slurm")
        .arg(quickstart())
        .args(["--shards", "201", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("more than the 200 runs per arm"));
    accord()
        .arg("slurm")
        .arg(quickstart())
        .args(["--shards", "0", "--out"])
        .arg(&out)
        .assert()
        .code(2);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_broken_scenario_is_reported_before_any_script_is_written() {
    let dir = tempdir();
    let scenario = dir.path().join("broken.toml");
    std::fs::write(
        &scenario,
        "name = \"broken\"\nsteps = 3\ndimensions = [\"a\"]\n[alignment]\nrate = 2.0\n[[nations]]\nid = \"X\"\nstance = { a = 0.5 }\n",
    )
    .unwrap();
    accord()
        .arg("slurm")
        .arg(&scenario)
        .args(["--shards", "2", "--out"])
        .arg(dir.path().join("o"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "broken.toml:5:8: `alignment.rate`: is `2`, but it must lie in [0, 1]",
        ));
    assert!(!dir.path().join("o.slurm.sh").exists());
}

#[test]
fn an_existing_script_is_kept_without_force() {
    let dir = tempdir();
    let script = dir.path().join("job.sh");
    std::fs::write(&script, "# mine\n").unwrap();
    let cmd = |force: bool| {
        let mut c = accord();
        c.arg("slurm")
            .arg(quickstart())
            .args(["--shards", "3", "--out"])
            .arg(dir.path().join("o"))
            .arg("--script")
            .arg(&script);
        if force {
            c.arg("--force");
        }
        c
    };
    cmd(false)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "job script `{}` already exists; pass --force to replace it",
            script.display()
        )));
    assert_eq!(std::fs::read_to_string(&script).unwrap(), "# mine\n");
    cmd(true).assert().success();
    assert!(
        std::fs::read_to_string(&script)
            .unwrap()
            .contains("--array=\"$tasks\"")
    );
}

#[test]
fn an_existing_output_folder_needs_force_which_the_merge_then_gets() {
    let dir = tempdir();
    let out = dir.path().join("o");
    std::fs::create_dir(&out).unwrap();
    accord()
        .arg("slurm")
        .arg(quickstart())
        .args(["--shards", "2", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists; pass --force"));
    accord()
        .arg("slurm")
        .arg(quickstart())
        .args(["--shards", "2", "--force", "--out"])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.path().join("o.slurm.sh")).unwrap();
    assert!(text.contains(&format!(
        "merge {}.shards/shard-{{0..1}} --out {} --force\n",
        out.display(),
        out.display()
    )));
}

#[test]
fn a_missing_accord_binary_is_bad_input() {
    let dir = tempdir();
    accord()
        .arg("slurm")
        .arg(quickstart())
        .args(["--shards", "2", "--accord", "/no/such/accord", "--out"])
        .arg(dir.path().join("o"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "accord binary `/no/such/accord` is not a file",
        ));
}

/// A folder whose name needs quoting in every way a shell can get wrong.
fn awkward_dir(root: &Path) -> PathBuf {
    let d = root.join("it's a \"study\" $HOME `x` 100%");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A stand-in `sbatch`: records its arguments and stdin as `call-<n>.args` / `.script` in
/// `$FAKE_SBATCH_DIR` and answers with a job id, the second one in the `id;cluster` form
/// `--parsable` uses on multi-cluster installations.
const FAKE_SBATCH: &str = r#"#!/bin/bash
n=$(ls "$FAKE_SBATCH_DIR" | grep -c '\.args$')
printf '%s\n' "$@" > "$FAKE_SBATCH_DIR/call-$n.args"
cat > "$FAKE_SBATCH_DIR/call-$n.script"
if [ "$n" = 0 ]; then echo 101; else echo "102;cluster"; fi
"#;

/// A stand-in accord binary: writes its arguments, one per line, to `$FAKE_ACCORD_ARGS`.
const FAKE_ACCORD: &str = "#!/bin/bash\nprintf '%s\\n' \"$@\" > \"$FAKE_ACCORD_ARGS\"\n";

struct Submitted {
    bin: PathBuf,
    calls: PathBuf,
    accord: PathBuf,
    scenario: PathBuf,
    out: PathBuf,
    script: PathBuf,
}

/// Writes a job script with awkward paths everywhere and a fake sbatch on a private PATH.
fn prepared() -> (tempfile::TempDir, Submitted) {
    let root = tempdir();
    let d = awkward_dir(root.path());
    let bin = root.path().join("bin");
    let calls = root.path().join("calls");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(&calls).unwrap();
    write_executable(&bin.join("sbatch"), FAKE_SBATCH);
    let accord_path = d.join("my accord");
    write_executable(&accord_path, FAKE_ACCORD);
    let scenario = d.join("scenario 'one'.toml");
    std::fs::copy(quickstart(), &scenario).unwrap();
    let out = d.join("out put");
    let script = d.join("job script.sh");
    accord()
        .arg("slurm")
        .arg(&scenario)
        .args([
            "--shards",
            "4",
            "--runs",
            "10",
            "--seed",
            "5",
            "--states",
            "all",
            "--effects",
            "all",
            "--cpus-per-task",
            "3",
            "--partition",
            "my part",
            "--time",
            "1:00:00",
        ])
        .arg("--out")
        .arg(&out)
        .arg("--script")
        .arg(&script)
        .arg("--accord")
        .arg(&accord_path)
        .assert()
        .success();
    let s = Submitted {
        bin,
        calls,
        accord: accord_path,
        scenario: scenario.canonicalize().unwrap(),
        out,
        script,
    };
    (root, s)
}

fn submit(s: &Submitted, extra: &[&str]) -> std::process::Output {
    let path = format!(
        "{}:{}",
        s.bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    std::process::Command::new("bash")
        .arg(&s.script)
        .args(extra)
        .env("PATH", path)
        .env("FAKE_SBATCH_DIR", &s.calls)
        // From another folder: the script must not depend on where it is submitted from.
        .current_dir("/")
        .output()
        .unwrap()
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Runs a recorded job script as Slurm would, with the fake accord, and returns the
/// arguments accord received.
fn run_job(s: &Submitted, job: &Path, env: &[(&str, &str)]) -> Vec<String> {
    let args_file = s.calls.join("accord.args");
    let status = std::process::Command::new("bash")
        .arg(job)
        .envs(env.iter().copied())
        .env("FAKE_ACCORD_ARGS", &args_file)
        .current_dir("/")
        .status()
        .unwrap();
    assert!(status.success());
    lines(&args_file)
}

#[test]
fn the_script_submits_an_array_and_a_dependent_merge_with_every_path_intact() {
    let (_root, s) = prepared();
    let done = submit(&s, &[]);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let shards = PathBuf::from(format!("{}.shards", s.out.display()));
    let stdout = String::from_utf8_lossy(&done.stdout);
    assert!(
        stdout.contains("submitted array job 101 (tasks 0-3 of 0-3) and merge job 102 "),
        "{stdout}"
    );
    assert!(shards.join("logs").is_dir(), "Slurm needs the log folder");

    let logs = format!("{}/logs", shards.display()).replace('%', "%%");
    assert_eq!(
        lines(&s.calls.join("call-0.args")),
        [
            "--parsable".to_string(),
            "--job-name=accord-quickstart".to_string(),
            "--array=0-3".to_string(),
            "--cpus-per-task=3".to_string(),
            "--partition=my part".to_string(),
            "--time=1:00:00".to_string(),
            format!("--output={logs}/shard-%a.%A.out"),
        ]
    );
    assert_eq!(
        lines(&s.calls.join("call-1.args")),
        [
            "--parsable".to_string(),
            "--job-name=accord-quickstart-merge".to_string(),
            "--dependency=afterok:101".to_string(),
            "--kill-on-invalid-dep=yes".to_string(),
            "--partition=my part".to_string(),
            "--time=1:00:00".to_string(),
            format!("--output={logs}/merge.%j.out"),
        ]
    );

    let task = run_job(
        &s,
        &s.calls.join("call-0.script"),
        &[("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_CPUS_PER_TASK", "3")],
    );
    let shard2 = shards.join("shard-2");
    let expected: Vec<String> = [
        "run",
        s.scenario.to_str().unwrap(),
        "--shard",
        "2/4",
        "--out",
        shard2.to_str().unwrap(),
        "--resume",
        "--quiet",
        "--threads",
        "3",
        "--runs",
        "10",
        "--seed",
        "5",
        "--states",
        "all",
    ]
    .map(String::from)
    .to_vec();
    assert_eq!(task, expected);

    let merge = run_job(&s, &s.calls.join("call-1.script"), &[]);
    let mut expected = vec!["merge".to_string()];
    expected.extend((0..4).map(|k| shards.join(format!("shard-{k}")).display().to_string()));
    expected.extend(["--out", s.out.to_str().unwrap(), "--effects", "all"].map(String::from));
    assert_eq!(merge, expected);
    assert!(s.accord.is_file());
}

#[test]
fn failed_tasks_can_be_resubmitted_alone() {
    let (_root, s) = prepared();
    let done = submit(&s, &["1,3"]);
    assert!(done.status.success());
    assert!(lines(&s.calls.join("call-0.args")).contains(&"--array=1,3".to_string()));
    // The merge still takes every shard, including those finished earlier.
    let merge = std::fs::read_to_string(s.calls.join("call-1.script")).unwrap();
    assert!(merge.contains("/shard-{0..3} --out "), "{merge}");
}

#[test]
fn the_script_submits_nothing_when_the_output_folder_appeared_meanwhile() {
    let (_root, s) = prepared();
    std::fs::create_dir(&s.out).unwrap();
    let done = submit(&s, &[]);
    assert_eq!(done.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&done.stderr).contains("already exists"));
    assert_eq!(std::fs::read_dir(&s.calls).unwrap().count(), 0);
}

/// A one-machine stand-in for `sbatch`: runs each job as soon as it is submitted (array
/// tasks one after another, with the `SLURM_*` variables a task sees), runs a job with
/// `--dependency=afterok:<id>` only if job `<id>` succeeded, and prints a job id.
const LOCAL_SBATCH: &str = r#"#!/bin/bash
array=; cpus=1; after=
for a in "$@"; do
  case "$a" in
    --array=*) array=${a#--array=} ;;
    --cpus-per-task=*) cpus=${a#--cpus-per-task=} ;;
    --dependency=afterok:*) after=${a#--dependency=afterok:} ;;
  esac
done
job=$(cat "$FAKE_SBATCH_DIR/next" 2>/dev/null || echo 1)
echo $((job + 1)) > "$FAKE_SBATCH_DIR/next"
cat > "$FAKE_SBATCH_DIR/job-$job.sh"
ok=1
if [ -n "$after" ] && [ "$(cat "$FAKE_SBATCH_DIR/ok-$after")" != 1 ]; then
  ok=0
elif [ -n "$array" ]; then
  IFS=, read -ra parts <<<"$array"
  for p in "${parts[@]}"; do
    for i in $(seq "${p%-*}" "${p#*-}"); do
      SLURM_ARRAY_TASK_ID=$i SLURM_CPUS_PER_TASK=$cpus bash "$FAKE_SBATCH_DIR/job-$job.sh" \
        >> "$FAKE_SBATCH_DIR/log" 2>&1 || ok=0
    done
  done
else
  bash "$FAKE_SBATCH_DIR/job-$job.sh" >> "$FAKE_SBATCH_DIR/log" 2>&1 || ok=0
fi
echo $ok > "$FAKE_SBATCH_DIR/ok-$job"
echo "$job"
"#;

fn csv_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    names
}

fn assert_same_csvs(reference: &Path, got: &Path) {
    let names = csv_files(reference);
    assert!(names.len() >= 5, "{names:?}");
    assert_eq!(csv_files(got), names);
    for n in names {
        assert!(
            std::fs::read(reference.join(&n)).unwrap() == std::fs::read(got.join(&n)).unwrap(),
            "{n} differs"
        );
    }
}

#[test]
fn the_submitted_jobs_reproduce_an_unsharded_run_and_resubmission_redoes_only_missing_shards() {
    let root = tempdir();
    let d = root.path().join("a study");
    let (bin, calls) = (root.path().join("bin"), root.path().join("calls"));
    for p in [&d, &bin, &calls] {
        std::fs::create_dir_all(p).unwrap();
    }
    write_executable(&bin.join("sbatch"), LOCAL_SBATCH);
    let scenario = small_quickstart(&d, 6);
    let out = d.join("merged");
    let settings = ["--runs", "7", "--states", "final", "--effects", "all"];
    accord()
        .arg("slurm")
        .arg(&scenario)
        .args(["--shards", "3"])
        .args(settings)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let reference = root.path().join("reference");
    accord()
        .arg("run")
        .arg(&scenario)
        .args(settings)
        .args(["--quiet", "--out"])
        .arg(&reference)
        .assert()
        .success();
    let s = Submitted {
        bin,
        calls: calls.clone(),
        accord: PathBuf::new(),
        scenario,
        out: out.clone(),
        script: d.join("merged.slurm.sh"),
    };
    let log = || std::fs::read_to_string(calls.join("log")).unwrap_or_default();

    let done = submit(&s, &[]);
    assert!(done.status.success(), "{}", log());
    assert_same_csvs(&reference, &out);

    // As after a failed task: its shard is missing and nothing was merged. Submitting again
    // simulates only that shard; the two finished ones are kept as they are.
    let shards = d.join("merged.shards");
    let kept = std::fs::read(shards.join("shard-0/shard.json")).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
    std::fs::remove_dir_all(shards.join("shard-1")).unwrap();
    let done = submit(&s, &[]);
    assert!(done.status.success(), "{}", log());
    assert!(log().contains("shard 0/3 was finished by an earlier submission; kept"));
    assert!(log().contains("shard 2/3 was finished by an earlier submission; kept"));
    assert_eq!(
        std::fs::read(shards.join("shard-0/shard.json")).unwrap(),
        kept
    );
    assert_same_csvs(&reference, &out);

    // A script for another ensemble into the same folders is refused before it is written,
    // so stale shards can never be merged as the new ensemble.
    std::fs::remove_dir_all(&out).unwrap();
    accord()
        .arg("slurm")
        .arg(&s.scenario)
        .args(["--shards", "3", "--seed", "99", "--force"])
        .args(settings)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "holds a shard of another ensemble",
        ))
        .stderr(predicate::str::contains("seed: 20250726 there, 99 now"));
}
