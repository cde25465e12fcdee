//! Refusing output folders that would mix results into the inputs or let `--force` delete them.
//!
//! Checked before anything is simulated, so a mistyped `--out` costs nothing. Paths are
//! compared after resolving symlinks and `..`; the output folder usually does not exist yet,
//! so it is resolved through its longest existing ancestor.

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// Refuses `out` when it is, or is inside, the folder holding `scenario_file` (unless that
/// folder is the working directory or one of its ancestors, where `output/<name>` is the
/// normal place), or when it is, or contains, the scenario file or any of `inputs`.
///
/// The first rule keeps a shared scenarios folder free of results (`accord run
/// scenarios/x.toml --out scenarios/x`); the second protects inputs from `--force`, which
/// replaces the whole output folder.
pub fn check_output_location(out: &Path, scenario_file: &Path, inputs: &[PathBuf]) -> Result<()> {
    let cwd = std::env::current_dir().map_err(|source| Error::Io {
        action: "read the working directory",
        path: PathBuf::from("."),
        source,
    })?;
    check_from(&cwd, out, scenario_file, inputs)
}

/// Refuses an output folder that is, or contains, one of the shard folders being merged:
/// `--force` would replace the inputs with their own merge.
pub fn check_merge_output(out: &Path, shards: &[PathBuf]) -> Result<()> {
    let cwd = std::env::current_dir().map_err(|source| Error::Io {
        action: "read the working directory",
        path: PathBuf::from("."),
        source,
    })?;
    let out_abs = resolve(&cwd, out);
    match shards
        .iter()
        .find(|s| resolve(&cwd, s).starts_with(&out_abs))
    {
        Some(shard) => Err(Error::Usage(format!(
            "the output folder `{}` is or holds the shard `{}` being merged, which `--force` would delete; choose another `--out`",
            out.display(),
            shard.display()
        ))),
        None => Ok(()),
    }
}

/// [`check_output_location`] with the working directory given, so tests need not change the
/// process's.
fn check_from(cwd: &Path, out: &Path, scenario_file: &Path, inputs: &[PathBuf]) -> Result<()> {
    // Creating the folder would fail with "not a directory" deep in the writer; this is a
    // mistyped `--out`, so say so as a usage error.
    if let Some(file) = cwd
        .join(out)
        .ancestors()
        .skip(1)
        .find(|a| a.symlink_metadata().is_ok())
        .filter(|a| a.is_file())
    {
        return Err(Error::Usage(format!(
            "the output folder `{}` would lie under `{}`, which is a file",
            out.display(),
            file.strip_prefix(cwd).unwrap_or(file).display()
        )));
    }
    let out_abs = resolve(cwd, out);
    for input in std::iter::once(scenario_file).chain(inputs.iter().map(PathBuf::as_path)) {
        if resolve(cwd, input).starts_with(&out_abs) {
            return Err(Error::Usage(format!(
                "the output folder `{}` holds the input `{}`, which `--force` would delete; choose another `--out`",
                out.display(),
                input.display()
            )));
        }
    }
    let scenario_abs = resolve(cwd, scenario_file);
    if let Some(folder) = scenario_abs.parent()
        && out_abs.starts_with(folder)
        && !cwd_is_within(cwd, folder)
    {
        let shown = scenario_file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        return Err(Error::Usage(format!(
            "the output folder `{}` is inside `{}`, the folder of the scenario file; write outputs outside it (for example `--out output/<name>`) so results do not mix with scenarios",
            out.display(),
            shown.display()
        )));
    }
    Ok(())
}

/// Whether `folder` is the working directory or one of its ancestors (compared resolved).
fn cwd_is_within(cwd: &Path, folder: &Path) -> bool {
    resolve(cwd, cwd).starts_with(folder)
}

/// `path` made absolute against `cwd`, with its longest existing ancestor canonicalized
/// and the not-yet-existing rest appended (`.` dropped, `..` popping a component).
fn resolve(cwd: &Path, path: &Path) -> PathBuf {
    let absolute = cwd.join(path);
    let mut existing = absolute.as_path();
    let mut rest: Vec<Component<'_>> = Vec::new();
    let mut resolved = loop {
        match existing.canonicalize() {
            Ok(c) => break c,
            Err(_) => match (existing.parent(), existing.components().next_back()) {
                (Some(parent), Some(last)) => {
                    rest.push(last);
                    existing = parent;
                }
                // Not even the root resolves: compare the path as written.
                _ => break existing.to_path_buf(),
            },
        }
    };
    for component in rest.into_iter().rev() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
            other => resolved.push(other),
        }
    }
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A project folder holding `scenarios/s.toml`, `data/n.csv` and an empty `output/`.
    fn project() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("scenarios")).unwrap();
        std::fs::create_dir_all(root.join("data")).unwrap();
        std::fs::create_dir_all(root.join("output")).unwrap();
        std::fs::write(root.join("scenarios/s.toml"), "").unwrap();
        std::fs::write(root.join("data/n.csv"), "").unwrap();
        (dir, root)
    }

    fn usage(r: Result<()>) -> String {
        match r {
            Err(Error::Usage(m)) => m,
            other => panic!("expected a usage error, got {other:?}"),
        }
    }

    #[test]
    fn output_beside_the_scenarios_folder_is_fine() {
        let (_dir, root) = project();
        let scenario = root.join("scenarios/s.toml");
        let inputs = [root.join("data/n.csv")];
        check_output_location(&root.join("output/s"), &scenario, &inputs).unwrap();
        // A folder that does not exist yet, several levels deep, through `..`.
        let deep = root.join("scenarios/../output/new/deeper");
        check_output_location(&deep, &scenario, &inputs).unwrap();
    }

    #[test]
    fn output_inside_the_scenarios_folder_is_refused() {
        let (_dir, root) = project();
        let scenario = root.join("scenarios/s.toml");
        let out = root.join("scenarios/x");
        let message = usage(check_output_location(&out, &scenario, &[]));
        assert_eq!(
            message,
            format!(
                "the output folder `{}` is inside `{}`, the folder of the scenario file; write outputs outside it (for example `--out output/<name>`) so results do not mix with scenarios",
                out.display(),
                root.join("scenarios").display()
            )
        );
        // Deeper, not existing, and reached through `..` from elsewhere: still inside.
        let sneaky = root.join("output/../scenarios/a/b");
        assert!(usage(check_output_location(&sneaky, &scenario, &[])).contains("is inside"));
    }

    #[test]
    fn output_inside_the_scenarios_folder_through_a_symlink_is_refused() {
        let (_dir, root) = project();
        std::os::unix::fs::symlink(root.join("scenarios"), root.join("link")).unwrap();
        let scenario = root.join("scenarios/s.toml");
        let message = usage(check_output_location(
            &root.join("link/out"),
            &scenario,
            &[],
        ));
        assert!(message.contains("is inside"), "{message}");
    }

    #[test]
    fn scenario_folder_that_is_the_working_directory_or_above_it_may_hold_outputs() {
        let (_dir, root) = project();
        std::fs::write(root.join("my.toml"), "").unwrap();
        let scenario = Path::new("my.toml");
        // `accord run my.toml --out output/my` from the project folder.
        check_from(&root, Path::new("output/my"), scenario, &[]).unwrap();
        // From a subfolder, the scenario one level up: its folder is an ancestor of the cwd.
        let sub = root.join("data");
        check_from(&sub, Path::new("out"), Path::new("../my.toml"), &[]).unwrap();
        // But from a sibling folder, writing into the scenarios folder is still refused.
        let message = usage(check_from(
            &sub,
            Path::new("../scenarios/out"),
            Path::new("../scenarios/s.toml"),
            &[],
        ));
        assert_eq!(
            message,
            "the output folder `../scenarios/out` is inside `../scenarios`, the folder of the scenario file; write outputs outside it (for example `--out output/<name>`) so results do not mix with scenarios"
        );
        // The working directory itself as output holds the scenario: refused by the other rule.
        let message = usage(check_from(&root, Path::new("."), scenario, &[]));
        assert_eq!(
            message,
            "the output folder `.` holds the input `my.toml`, which `--force` would delete; choose another `--out`"
        );
    }

    #[test]
    fn output_that_holds_an_input_is_refused() {
        let (_dir, root) = project();
        let scenario = root.join("scenarios/s.toml");
        let csv = root.join("data/n.csv");
        let message = usage(check_output_location(
            &root.join("data"),
            &scenario,
            std::slice::from_ref(&csv),
        ));
        assert_eq!(
            message,
            format!(
                "the output folder `{}` holds the input `{}`, which `--force` would delete; choose another `--out`",
                root.join("data").display(),
                csv.display()
            )
        );
        // The project root holds the scenario itself; the input file as the output, too.
        assert!(usage(check_output_location(&root, &scenario, &[])).contains("holds the input"));
        let inputs = std::slice::from_ref(&csv);
        assert!(usage(check_output_location(&csv, &scenario, inputs)).contains("holds the input"));
    }

    #[test]
    fn output_under_a_file_is_refused() {
        let (_dir, root) = project();
        let scenario = root.join("scenarios/s.toml");
        let out = root.join("data/n.csv/sub");
        assert_eq!(
            usage(check_output_location(&out, &scenario, &[])),
            format!(
                "the output folder `{}` would lie under `{}`, which is a file",
                out.display(),
                root.join("data/n.csv").display()
            )
        );
    }

    /// Issue 10 (5): `merge s0 s1 --out s0 --force` would replace a shard with the merge.
    #[test]
    fn merge_refuses_an_output_that_is_or_holds_a_shard() {
        let (_dir, root) = project();
        let s0 = root.join("output/s0");
        let s1 = root.join("output/s1");
        std::fs::create_dir_all(&s0).unwrap();
        std::fs::create_dir_all(&s1).unwrap();
        let shards = [s0.clone(), s1];
        for out in [s0, root.join("output")] {
            let err = check_merge_output(&out, &shards).unwrap_err();
            assert!(err.to_string().contains("is or holds the shard"), "{err}");
        }
        assert!(check_merge_output(&root.join("output/merged"), &shards).is_ok());
    }

    #[test]
    fn resolve_appends_the_missing_rest_to_the_existing_ancestor() {
        let (_dir, root) = project();
        let cwd = root.join("output");
        assert_eq!(
            resolve(&cwd, Path::new("a/./b/../c")),
            root.join("output/a/c")
        );
        assert_eq!(
            resolve(&cwd, Path::new("../scenarios/s.toml")),
            root.join("scenarios/s.toml")
        );
        assert_eq!(resolve(&cwd, &root.join("x/y")), root.join("x/y"));
    }
}
