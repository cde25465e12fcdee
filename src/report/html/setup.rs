//! "What was run": the ensemble's design and provenance, from the manifest, and the command
//! that simulates it again. Only what decides the results is shown (not the times or the
//! command line that produced this copy), so a merged folder reports what one run reports.

use std::fmt::Write as _;

use serde_json::Value;

use super::input::Study;
use super::markup::{Table, code, esc, heading};
use crate::report::describe::value;

/// A manifest field as text: strings as they are, numbers as written, others as JSON.
fn field(m: &Value, key: &str) -> String {
    match m.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

/// `CamelCase` as `camel case`, for a sweep method's serialized name.
fn words(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// `text` as one shell word: as it is when it holds only characters no shell treats
/// specially, else single-quoted.
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./+=:,@%".contains(c));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The `accord run` command that simulates this ensemble again: the same scenario file,
/// runs, seed, recorded states and effect steps. (`--out` is left to the reader.)
pub(super) fn reproduce_command(study: &Study) -> String {
    let m = &study.manifest;
    let mut words = vec![
        "accord".to_owned(),
        "run".to_owned(),
        shell_word(&field(m, "scenario_file")),
        "--runs".to_owned(),
        shell_word(&field(m, "runs")),
        "--seed".to_owned(),
        shell_word(&field(m, "seed")),
    ];
    let states = field(m, "states");
    if !states.is_empty() && states != "none" {
        words.push("--states".to_owned());
        words.push(shell_word(&states));
    }
    let runs_table = field(m, "runs_table");
    if !runs_table.is_empty() && runs_table != "all" {
        words.push("--runs-table".to_owned());
        words.push(shell_word(&runs_table));
    }
    let format = m
        .get("tables")
        .and_then(|t| t.get("format"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("csv");
    if format != "csv" {
        words.push("--table-format".to_owned());
        words.push(shell_word(format));
    }
    // `--effects all` leaves a trace only in effects.csv: more than one step per arm.
    if let Some(e) = &study.effects {
        let first = e.rows.first().map(|r| e.get(r, "step"));
        if e.rows.iter().any(|r| Some(e.get(r, "step")) != first) {
            words.push("--effects".to_owned());
            words.push("all".to_owned());
        }
    }
    words.join(" ")
}

/// The sweep's design in words: its method (by its name in the manifest, so a design added
/// later is named too), parameters and number of points.
fn sweep_text(study: &Study) -> Option<String> {
    let sweep = study.manifest.pointer("/scenario/sweep")?;
    let method = match sweep.get("method") {
        Some(Value::String(s)) => words(s),
        Some(Value::Object(o)) => o.keys().next().map_or_else(String::new, |k| words(k)),
        _ => String::new(),
    };
    let params: Vec<String> = sweep
        .get("params")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(code).collect())
        .unwrap_or_default();
    let points = sweep
        .get("points")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    Some(format!(
        "{} of {points} points over {}",
        esc(&method),
        params.join(", ")
    ))
}

/// Writes the section's content (its heading is the caller's).
pub(super) fn write(out: &mut String, study: &Study) {
    let m = &study.manifest;
    let s = study.scenario.as_ref();
    let mut facts = Table::new(
        "The ensemble",
        vec!["Setting".into(), "Value".into()],
        usize::MAX,
    );
    let mut fact = |name: &str, html: String| facts.rows.push(vec![esc(name), html]);
    fact(
        "Engine",
        format!("accord {}", esc(&field(m, "accord_version"))),
    );
    fact("Scenario file", code(&field(m, "scenario_file")));
    fact("Scenario SHA-256", code(&field(m, "scenario_sha256")));
    let inputs: Vec<String> = m
        .get("inputs")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .skip(1)
                .map(|i| format!("{}: {}", code(&field(i, "path")), code(&field(i, "sha256"))))
                .collect()
        })
        .unwrap_or_default();
    if !inputs.is_empty() {
        fact("Other inputs (SHA-256)", inputs.join("<br>"));
    }
    fact("Master seed", esc(&field(m, "seed")));
    fact("Runs per arm", esc(&field(m, "runs")));
    if let Some(s) = s {
        fact(
            "Steps",
            format!("{} {}s after the initial state", s.steps, esc(&s.step_unit)),
        );
        if let Some(r) = s.arms.get(s.experiment.reference) {
            fact("Reference arm", code(&r.name));
        }
    }
    if let Some(text) = sweep_text(study) {
        fact("Sweep", text);
    }
    fact("States recorded", esc(&field(m, "states")));
    facts.write(out);

    heading(out, 3, "arms", "Arms");
    let mut arms = Table::new(
        "Arms and the parameters each sets before its worlds are built",
        vec!["Arm".into(), "Changes (set)".into()],
        usize::MAX,
    );
    match s {
        Some(s) => {
            for arm in &s.arms {
                let set = if arm.set.is_empty() {
                    "none: the scenario as written".to_owned()
                } else {
                    arm.set
                        .iter()
                        .map(|a| format!("{} = {}", code(&a.text), esc(&value(&a.value))))
                        .collect::<Vec<_>>()
                        .join("<br>")
                };
                arms.rows.push(vec![code(&arm.name), set]);
            }
        }
        None => {
            for arm in m
                .get("arms")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = arm.as_str().unwrap_or_default();
                arms.rows
                    .push(vec![code(name), "(not readable by this engine)".into()]);
            }
        }
    }
    arms.write(out);

    heading(out, 3, "reproduce", "Reproduce");
    let _ = writeln!(
        out,
        "<p>With accord {} and input files of the SHA-256 above, this command, run from the \
         folder the study was run from (the scenario's path is as it was given), simulates the \
         same ensemble again; every table is then identical byte for byte, on any number of \
         threads or shards. <code>accord replay &lt;folder&gt; --arm A --run R</code> \
         re-simulates one run and checks it against this folder.</p>",
        esc(&field(m, "accord_version"))
    );
    let _ = writeln!(
        out,
        "<pre><code>{}</code></pre>",
        esc(&reproduce_command(study))
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_word("scenarios/q.toml"), "scenarios/q.toml");
        assert_eq!(shell_word("my file's.toml"), r"'my file'\''s.toml'");
        assert_eq!(shell_word("$(rm -rf)"), "'$(rm -rf)'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn method_names_become_words() {
        assert_eq!(words("LatinHypercube"), "latin hypercube");
        assert_eq!(words("Grid"), "grid");
    }
}
