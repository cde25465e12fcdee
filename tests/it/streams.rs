//! Ordinary shell use around the output streams (issue 10: 1, 9): a reader that closes the
//! pipe early, a full disk, and scenario text that carries terminal control sequences.

use std::process::{Command, Stdio};

use crate::support::{accord, quickstart, tempdir, write};

/// `accord <args>` with standard output connected to a pipe whose reader is already gone, as
/// in `accord schema | head -1` once `head` has exited: the first write fails with EPIPE.
fn into_closed_pipe(args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Command::new(assert_cmd::cargo::cargo_bin("accord"))
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn a_closed_pipe_ends_every_printing_command_quietly_with_141() {
    let q = quickstart();
    let q = q.to_str().unwrap();
    for args in [&["schema"][..], &["describe", q], &["validate", q]] {
        let out = into_closed_pipe(args);
        assert_eq!(out.status.code(), Some(141), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_output_is_an_error_not_a_panic() {
    let full = std::fs::File::create("/dev/full").unwrap();
    let out = Command::new(assert_cmd::cargo::cargo_bin("accord"))
        .arg("schema")
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: failed to write `standard output`: No space left on device (os error 28)\n"
    );
}

#[test]
fn control_sequences_in_a_scenario_are_escaped_in_messages_and_documents() {
    let dir = tempdir();
    // TOML writes control characters as escapes (`\u001b`); the loaded text holds them raw.
    let text = "name = \"esc\"\ndescription = \"clear\\u001b[2Jscreen\"\nsteps = 2\n\
                dimensions = [\"a\"]\n\"bad\\u001b[31mkey\" = 1\n\
                [[nations]]\nid = \"X\"\nname = \"X\\u0007\"\nstance = { a = 0.5 }\n";
    let bad = write(dir.path(), "bad.toml", text);
    let out = accord().arg("validate").arg(&bad).assert().code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    assert!(stderr.contains("bad\\u{1b}[31mkey"), "{stderr:?}");

    let good = write(
        dir.path(),
        "good.toml",
        text.replace("\"bad\\u001b[31mkey\" = 1\n", ""),
    );
    let out = accord().arg("describe").arg(&good).assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
        "{stdout:?}"
    );
    assert!(stdout.contains("clear\\u{1b}[2Jscreen"), "{stdout:?}");
}
