//! Slurm job scripts for a sharded ensemble (array job + merge job), as `accord slurm` writes
//! them.
//!
//! The script is meant to be read before it is submitted, so it is plain bash with every
//! path spelled out, and it is a pure function of [`Job`] ([`render`]): the same command
//! always writes the same bytes, which is what the unit tests pin.
//!
//! Shape of the generated script (run with `bash FILE [TASKS]` on a login node):
//! one `sbatch --array` job whose task K runs `accord run --shard K/N --resume` into
//! `DIR.shards/shard-K`, and one `sbatch --dependency=afterok:<array>` job running
//! `accord merge` into `DIR`. Both job scripts go to `sbatch` on stdin through quoted
//! here-documents, so nothing in them is expanded on the login node and the submitted text
//! is exactly what the generated file shows.

use std::path::Path;

use crate::error::{Error, Result};
use crate::experiment::{EffectSteps, store};
use crate::model::StatesMode;
use crate::output::RunsTable;
use crate::provenance::Input;
use crate::table::TableFormat;

/// Everything the job script depends on, resolved: absolute paths as text, counts as numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// Scenario name, used in job names.
    pub name: String,
    /// Absolute path of the accord binary.
    pub accord: String,
    /// Absolute path of the scenario file.
    pub scenario: String,
    /// Absolute path of the output folder the merge writes.
    pub out: String,
    /// Absolute path of the job script itself (for the usage lines in its header).
    pub script: String,
    /// Number of shards = array tasks.
    pub shards: u32,
    /// Runs per arm after `--runs` (for the header only).
    pub runs_per_arm: u32,
    /// `--runs` as given, passed on to every task.
    pub runs: Option<u32>,
    /// `--seed` as given, passed on to every task.
    pub seed: Option<u64>,
    /// `--states` as given, passed on to every task.
    pub states: Option<StatesMode>,
    /// `--effects` as given, passed on to the merge.
    pub effects: Option<EffectSteps>,
    /// `--runs-table` as given, passed on to the merge (which writes the tables).
    pub runs_table: Option<RunsTable>,
    /// `--table-format` as given, passed on to the merge.
    pub table_format: Option<TableFormat>,
    /// `--allow-outside-inputs`, passed on to every task.
    pub allow_outside_inputs: bool,
    /// CPUs (and worker threads) per task.
    pub cpus_per_task: u16,
    /// Slurm partition, if not the default.
    pub partition: Option<String>,
    /// Slurm time limit, if not the partition's default.
    pub time: Option<String>,
    /// Whether the merge may replace an existing output folder.
    pub force: bool,
}

impl Job {
    /// `<DIR>.shards`: a sibling of the output folder rather than a child, so the merge can
    /// write the output folder atomically (rename into place) without touching the shards.
    pub fn shards_dir(&self) -> String {
        format!("{}.shards", self.out)
    }
}

/// What identifies the ensemble the script's shards will hold (as `accord merge` compares
/// shards), for checking shard folders already in `<DIR>.shards`.
#[derive(Clone, Debug)]
pub struct Identity {
    /// The input files and their hashes, scenario first.
    pub inputs: Vec<Input>,
    /// Master seed.
    pub seed: u64,
    /// Runs per arm.
    pub runs: u32,
    /// `--states` of the shards.
    pub states: StatesMode,
    /// Number of shards.
    pub shards: u32,
}

/// Checks the shard folders (finished `shard-K`, interrupted `.shard-K.partial`) already in
/// `dir` and returns how many there are. The tasks keep a finished shard without looking
/// inside it, so one left by another ensemble, e.g. before `--seed` changed, must be refused
/// here, before anything is submitted: otherwise a merge of only stale shards would succeed
/// and report the old ensemble as the new one.
pub fn check_earlier_shards(dir: &Path, want: &Identity) -> Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(Error::io("read folder", dir, e)),
    };
    let mut found = 0;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("read folder", dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_shard = name.starts_with("shard-")
            || (name.starts_with(".shard-") && name.ends_with(".partial"));
        if !is_shard || !entry.path().join(store::MANIFEST).is_file() {
            continue;
        }
        let m = store::read_manifest(&entry.path())?;
        let mut diffs = Vec::new();
        let mut check = |what: &str, old: String, new: String| {
            if old != new {
                diffs.push(format!("{what}: {old} there, {new} now"));
            }
        };
        for (i, input) in want.inputs.iter().enumerate() {
            let old = m
                .provenance
                .inputs
                .get(i)
                .map_or_else(String::new, |x| x.sha256.clone());
            check(
                &format!("SHA-256 of {}", input.path),
                old,
                input.sha256.clone(),
            );
        }
        check("seed", m.provenance.seed.to_string(), want.seed.to_string());
        check(
            "runs per arm",
            m.provenance.runs.to_string(),
            want.runs.to_string(),
        );
        check(
            "--states",
            m.states.clone(),
            store::states_name(want.states).to_string(),
        );
        check(
            "shard count",
            m.shard.count.to_string(),
            want.shards.to_string(),
        );
        if !diffs.is_empty() {
            return Err(Error::Usage(format!(
                "`{}` holds a shard of another ensemble ({}); remove `{}` or choose another \
                 --out before writing a script for this one",
                entry.path().display(),
                diffs.join("; "),
                dir.display()
            )));
        }
        found += 1;
    }
    Ok(found)
}

/// A path as script text: UTF-8 and on one line, since a newline would end a here-document
/// line or an `#SBATCH`-style option early.
pub fn script_text(path: &Path) -> Result<String> {
    let text = path.to_str().ok_or_else(|| {
        Error::Usage(format!(
            "path `{}` is not valid UTF-8; the job script cannot name it",
            path.display()
        ))
    })?;
    if text.contains(['\n', '\r']) {
        return Err(Error::Usage(format!(
            "path `{}` contains a line break; the job script cannot name it",
            path.display()
        )));
    }
    Ok(text.to_string())
}

/// `s` as one shell word: unchanged when it holds only characters no shell treats
/// specially, else in single quotes (each `'` written as `'\''`).
pub fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./,:@%+=".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Slurm expands `%` patterns (`%a`, `%j`, …) in `--output` file names; a literal `%` in the
/// folder must be doubled.
fn slurm_filename(s: &str) -> String {
    s.replace('%', "%%")
}

/// `s` for use inside a double-quoted shell string: `\`, `"`, `$` and `` ` `` escaped.
fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '"' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The job script's text.
pub fn render(job: &Job) -> String {
    let n = job.shards;
    let last = n - 1;
    let shards_dir = job.shards_dir();
    let script = quote(&job.script);
    let accord = quote(&job.accord);

    let mut sbatch_common = String::new();
    if let Some(p) = &job.partition {
        sbatch_common.push_str(&format!(" --partition={}", quote(p)));
    }
    if let Some(t) = &job.time {
        sbatch_common.push_str(&format!(" --time={}", quote(t)));
    }

    let mut task = format!(
        "exec {accord} run {} --shard \"$SLURM_ARRAY_TASK_ID/{n}\" --out {}/shard-\"$SLURM_ARRAY_TASK_ID\" \
         --resume --quiet --threads \"${{SLURM_CPUS_PER_TASK:-{}}}\"",
        quote(&job.scenario),
        quote(&shards_dir),
        job.cpus_per_task,
    );
    if let Some(r) = job.runs {
        task.push_str(&format!(" --runs {r}"));
    }
    if let Some(s) = job.seed {
        task.push_str(&format!(" --seed {s}"));
    }
    if let Some(s) = job.states {
        task.push_str(&format!(" --states {}", store::states_name(s)));
    }
    if job.allow_outside_inputs {
        task.push_str(" --allow-outside-inputs");
    }

    // Brace expansion, not a glob: the shards come in index order, a missing one is reported
    // by the merge instead of silently left out, and stale folders from an earlier submission
    // with more shards are not picked up.
    let mut merge = format!(
        "{accord} merge {}/shard-{{0..{last}}} --out {}",
        quote(&shards_dir),
        quote(&job.out)
    );
    if let Some(e) = job.effects {
        merge.push_str(&format!(" --effects {}", e.name()));
    }
    if let Some(r) = job.runs_table {
        merge.push_str(&format!(" --runs-table {}", r.name()));
    }
    if let Some(f) = job.table_format {
        merge.push_str(&format!(" --table-format {}", f.name()));
    }
    if job.force {
        merge.push_str(" --force");
    }

    let out_check = if job.force {
        "# Generated with --force: the merge job replaces an existing output folder.\n".to_string()
    } else {
        "if [ -e \"$out\" ]; then\n  \
         echo \"error: output folder \\`$out\\` already exists; move it away, or regenerate this script with \\`accord slurm --force\\` to let the merge replace it\" >&2\n  \
         exit 2\nfi\n"
            .to_string()
    };

    format!(
        r#"#!/usr/bin/env bash
# Slurm jobs for scenario `{name}`, written by `accord slurm` (accord {version}):
# an array of {n} tasks, task K simulating shard K/{n} of the {runs} runs per arm into
# {shards_q}/shard-K, then a job that merges the shards into
# {out_q}
# once every task has succeeded. Slurm logs go to {shards_q}/logs/.
#
# Submit from a Slurm login node, from any folder:
#   bash {script}          # every shard, then the merge
#   bash {script} 1,3      # only tasks 1 and 3 (e.g. after they failed), then the merge
# Re-submitting is safe: a task whose shard was finished earlier exits at once, and an
# interrupted one continues from its last complete chunk (--resume).
set -euo pipefail

out={out_q}
shards={shards_q}
logs={logs_q}
tasks=${{1:-0-{last}}}

if ! command -v sbatch >/dev/null 2>&1; then
  echo "error: sbatch not found; run this script on a Slurm login node" >&2
  exit 1
fi
{out_check}mkdir -p "$shards/logs"

array_job=$(sbatch --parsable --job-name={job_name} --array="$tasks" --cpus-per-task={cpus}{common} --output="$logs/shard-%a.%A.out" <<'ACCORD_SHARD_TASK'
#!/bin/bash
set -euo pipefail
if [ -d {shards_q}/shard-"$SLURM_ARRAY_TASK_ID" ]; then
  echo "shard $SLURM_ARRAY_TASK_ID/{n} was finished by an earlier submission; kept"
  exit 0
fi
{task}
ACCORD_SHARD_TASK
)
array_job=${{array_job%%;*}}

if ! merge_job=$(sbatch --parsable --job-name={merge_name} --dependency=afterok:"$array_job" --kill-on-invalid-dep=yes{common} --output="$logs/merge.%j.out" <<'ACCORD_MERGE_TASK'
#!/bin/bash
set -euo pipefail
exec {merge}
ACCORD_MERGE_TASK
); then
  echo "error: the merge job was not submitted; array job $array_job runs anyway, merge its shards by hand when it has finished:" >&2
  echo "  {merge_echo}" >&2
  exit 1
fi
merge_job=${{merge_job%%;*}}

echo "submitted array job $array_job (tasks $tasks of 0-{last}) and merge job $merge_job (starts when every task has succeeded)"
echo "watch: squeue -j $array_job,$merge_job; logs: $shards/logs/"
echo "output after the merge: $out"
"#,
        name = job.name,
        job_name = quote(&format!("accord-{}", job.name)),
        merge_name = quote(&format!("accord-{}-merge", job.name)),
        version = env!("CARGO_PKG_VERSION"),
        runs = job.runs_per_arm,
        shards_q = quote(&shards_dir),
        out_q = quote(&job.out),
        logs_q = quote(&slurm_filename(&format!("{shards_dir}/logs"))),
        cpus = job.cpus_per_task,
        common = sbatch_common,
        merge_echo = double_quoted(&merge),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> Job {
        Job {
            name: "quickstart".to_string(),
            accord: "/opt/accord/bin/accord".to_string(),
            scenario: "/home/ana/study/quickstart.toml".to_string(),
            out: "/scratch/ana/quickstart".to_string(),
            script: "/scratch/ana/quickstart.slurm.sh".to_string(),
            shards: 4,
            runs_per_arm: 200,
            runs: None,
            seed: Some(7),
            states: Some(StatesMode::Final),
            effects: Some(EffectSteps::All),
            runs_table: None,
            table_format: None,
            allow_outside_inputs: false,
            cpus_per_task: 2,
            partition: Some("short".to_string()),
            time: Some("02:00:00".to_string()),
            force: false,
        }
    }

    #[test]
    fn quote_leaves_plain_words_and_single_quotes_the_rest() {
        assert_eq!(quote("/a/b-c_d.toml"), "/a/b-c_d.toml");
        assert_eq!(quote("02:00:00"), "02:00:00");
        assert_eq!(quote("my study/x"), "'my study/x'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$HOME"), "'$HOME'");
        assert_eq!(quote("a\"b"), "'a\"b'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("~/x"), "'~/x'");
    }

    #[test]
    fn double_quoted_escapes_what_double_quotes_expand() {
        assert_eq!(
            double_quoted(r#"a "b" $c `d` \e"#),
            r#"a \"b\" \$c \`d\` \\e"#
        );
    }

    #[test]
    fn render_writes_the_expected_script() {
        let expected = format!(
            r#"#!/usr/bin/env bash
# Slurm jobs for scenario `quickstart`, written by `accord slurm` (accord {version}):
# an array of 4 tasks, task K simulating shard K/4 of the 200 runs per arm into
# /scratch/ana/quickstart.shards/shard-K, then a job that merges the shards into
# /scratch/ana/quickstart
# once every task has succeeded. Slurm logs go to /scratch/ana/quickstart.shards/logs/.
#
# Submit from a Slurm login node, from any folder:
#   bash /scratch/ana/quickstart.slurm.sh          # every shard, then the merge
#   bash /scratch/ana/quickstart.slurm.sh 1,3      # only tasks 1 and 3 (e.g. after they failed), then the merge
# Re-submitting is safe: a task whose shard was finished earlier exits at once, and an
# interrupted one continues from its last complete chunk (--resume).
set -euo pipefail

out=/scratch/ana/quickstart
shards=/scratch/ana/quickstart.shards
logs=/scratch/ana/quickstart.shards/logs
tasks=${{1:-0-3}}

if ! command -v sbatch >/dev/null 2>&1; then
  echo "error: sbatch not found; run this script on a Slurm login node" >&2
  exit 1
fi
if [ -e "$out" ]; then
  echo "error: output folder \`$out\` already exists; move it away, or regenerate this script with \`accord slurm --force\` to let the merge replace it" >&2
  exit 2
fi
mkdir -p "$shards/logs"

array_job=$(sbatch --parsable --job-name=accord-quickstart --array="$tasks" --cpus-per-task=2 --partition=short --time=02:00:00 --output="$logs/shard-%a.%A.out" <<'ACCORD_SHARD_TASK'
#!/bin/bash
set -euo pipefail
if [ -d /scratch/ana/quickstart.shards/shard-"$SLURM_ARRAY_TASK_ID" ]; then
  echo "shard $SLURM_ARRAY_TASK_ID/4 was finished by an earlier submission; kept"
  exit 0
fi
exec /opt/accord/bin/accord run /home/ana/study/quickstart.toml --shard "$SLURM_ARRAY_TASK_ID/4" --out /scratch/ana/quickstart.shards/shard-"$SLURM_ARRAY_TASK_ID" --resume --quiet --threads "${{SLURM_CPUS_PER_TASK:-2}}" --seed 7 --states final
ACCORD_SHARD_TASK
)
array_job=${{array_job%%;*}}

if ! merge_job=$(sbatch --parsable --job-name=accord-quickstart-merge --dependency=afterok:"$array_job" --kill-on-invalid-dep=yes --partition=short --time=02:00:00 --output="$logs/merge.%j.out" <<'ACCORD_MERGE_TASK'
#!/bin/bash
set -euo pipefail
exec /opt/accord/bin/accord merge /scratch/ana/quickstart.shards/shard-{{0..3}} --out /scratch/ana/quickstart --effects all
ACCORD_MERGE_TASK
); then
  echo "error: the merge job was not submitted; array job $array_job runs anyway, merge its shards by hand when it has finished:" >&2
  echo "  /opt/accord/bin/accord merge /scratch/ana/quickstart.shards/shard-{{0..3}} --out /scratch/ana/quickstart --effects all" >&2
  exit 1
fi
merge_job=${{merge_job%%;*}}

echo "submitted array job $array_job (tasks $tasks of 0-3) and merge job $merge_job (starts when every task has succeeded)"
echo "watch: squeue -j $array_job,$merge_job; logs: $shards/logs/"
echo "output after the merge: $out"
"#,
            version = env!("CARGO_PKG_VERSION")
        );
        let got = render(&job());
        for (i, (g, e)) in got.lines().zip(expected.lines()).enumerate() {
            assert_eq!(g, e, "line {}", i + 1);
        }
        assert_eq!(got, expected);
    }

    #[test]
    fn render_is_deterministic() {
        assert_eq!(render(&job()), render(&job()));
    }

    #[test]
    fn paths_with_spaces_quotes_and_percent_are_quoted_for_the_shell_and_for_slurm() {
        let j = Job {
            accord: "/opt/my tools/accord".to_string(),
            scenario: "/home/ana/Ana's study/s.toml".to_string(),
            out: "/scratch/100% \"done\"".to_string(),
            script: "/scratch/run me.sh".to_string(),
            ..job()
        };
        let text = render(&j);
        let has = |line: &str| {
            assert!(
                text.lines().any(|l| l == line),
                "missing line:\n{line}\nin:\n{text}"
            );
        };
        has("out='/scratch/100% \"done\"'");
        has("shards='/scratch/100% \"done\".shards'");
        // Slurm would read `% "` as a pattern in --output; doubled, it is a literal `%`.
        has("logs='/scratch/100%% \"done\".shards/logs'");
        has(
            "exec '/opt/my tools/accord' run '/home/ana/Ana'\\''s study/s.toml' --shard \
             \"$SLURM_ARRAY_TASK_ID/4\" --out '/scratch/100% \"done\".shards'/shard-\"$SLURM_ARRAY_TASK_ID\" \
             --resume --quiet --threads \"${SLURM_CPUS_PER_TASK:-2}\" --seed 7 --states final",
        );
        has(
            "exec '/opt/my tools/accord' merge '/scratch/100% \"done\".shards'/shard-{0..3} \
             --out '/scratch/100% \"done\"' --effects all",
        );
        has("#   bash '/scratch/run me.sh'          # every shard, then the merge");
    }

    #[test]
    fn options_given_are_passed_on_and_absent_ones_left_to_the_defaults() {
        let bare = Job {
            seed: None,
            states: None,
            effects: None,
            partition: None,
            time: None,
            cpus_per_task: 1,
            shards: 1,
            ..job()
        };
        let text = render(&bare);
        assert!(text.contains("--threads \"${SLURM_CPUS_PER_TASK:-1}\"\nACCORD_SHARD_TASK\n"));
        assert!(text.contains("shard-{0..0} --out /scratch/ana/quickstart\nACCORD_MERGE_TASK\n"));
        assert!(text.contains("tasks=${1:-0-0}\n"));
        assert!(!text.contains("--partition") && !text.contains("--time"));

        let full = Job {
            runs: Some(50),
            runs_table: Some(RunsTable::Final),
            table_format: Some(TableFormat::Parquet),
            allow_outside_inputs: true,
            force: true,
            ..job()
        };
        let text = render(&full);
        assert!(text.contains(
            "--threads \"${SLURM_CPUS_PER_TASK:-2}\" --runs 50 --seed 7 --states final \
             --allow-outside-inputs\n"
        ));
        assert!(text.contains(
            "--out /scratch/ana/quickstart --effects all --runs-table final --table-format \
             parquet --force\n"
        ));
        // With --force the script does not stop at an existing output folder.
        assert!(!text.contains("already exists"));
    }
}
