//! Atomic output folders.
//!
//! A run writes into a hidden temporary folder next to the requested one and renames it into
//! place only when every file is complete, so users never see a half-written output folder and
//! a failing run leaves any previous folder untouched. The temporary folder shares the final
//! folder's parent so that the rename stays on one filesystem, where it is atomic.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::Error;

/// Distinguishes staged folders created by one process (e.g. parallel tests, or one run
/// writing several outputs), since the pid alone is shared by all of them.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A folder being written; becomes visible at `final_path` only on [`commit`](Self::commit).
#[derive(Debug)]
pub struct StagedDir {
    final_path: PathBuf,
    temp_path: PathBuf,
    force: bool,
    committed: bool,
}

/// The file an output folder's manifest is written to.
pub const OUTPUT_MANIFEST: &str = "manifest.json";
/// The file a shard folder's manifest is written to.
pub const SHARD_MANIFEST: &str = "shard.json";
/// The file that marks an output folder's `discovery/` folder as `accord discover`'s.
pub const DISCOVERY_MANIFEST: &str = "discovery.json";

/// Whether `--force` may replace the folder at `path`: it is empty, or it carries the
/// manifest of an accord output, shard or discovery folder. Anything else (a thesis folder
/// given as `--out` by mistake) is not accord's to delete.
fn replaceable(path: &Path) -> crate::Result<bool> {
    let mut entries = fs::read_dir(path).map_err(|e| Error::io("read folder", path, e))?;
    if entries.next().is_none() {
        return Ok(true);
    }
    Ok([OUTPUT_MANIFEST, SHARD_MANIFEST, DISCOVERY_MANIFEST]
        .iter()
        .any(|m| path.join(m).is_file()))
}

/// With `force`, refuses a folder accord did not write.
fn check_replaceable(path: &Path) -> crate::Result<()> {
    if replaceable(path)? {
        Ok(())
    } else {
        Err(Error::ForeignFolder(path.to_path_buf()))
    }
}

/// What occupies an output path.
enum Occupant {
    Nothing,
    Folder,
    NotFolder,
}

fn occupant(path: &Path) -> crate::Result<Occupant> {
    // `symlink_metadata` so that a dangling symlink counts as occupied instead of absent:
    // renaming onto it would silently replace it.
    match fs::symlink_metadata(path) {
        Ok(_) => match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => Ok(Occupant::Folder),
            Ok(_) => Ok(Occupant::NotFolder),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Occupant::NotFolder),
            Err(e) => Err(Error::io("inspect", path, e)),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Occupant::Nothing),
        Err(e) => Err(Error::io("inspect", path, e)),
    }
}

fn not_a_folder(path: &Path) -> Error {
    Error::Usage(format!(
        "output path `{}` is a file, not a folder",
        path.display()
    ))
}

/// `.<name>.<kind>-<pid>-<counter>` next to `final_path`: hidden, so it is not mistaken for an
/// output, and unique, so concurrent runs never share one.
fn sibling(final_path: &Path, kind: &str) -> crate::Result<PathBuf> {
    let name = folder_name(final_path)?;
    let mut hidden = OsString::from(".");
    hidden.push(name);
    hidden.push(format!(
        ".{kind}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    Ok(final_path.with_file_name(hidden))
}

/// Removes the `.tmp-` and `.old-` siblings of `final_path` that a killed accord left behind:
/// those whose process no longer runs. Only folders named the way [`sibling`] names them are
/// touched, so nothing accord did not write is removed. Best effort: a folder that cannot be
/// removed stays, and the run goes on.
fn remove_abandoned(final_path: &Path) {
    let (Some(name), Some(parent)) = (final_path.file_name(), final_path.parent()) else {
        return;
    };
    let dir = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let Some(pid) = ["tmp-", "old-"].iter().find_map(|k| {
            let (pid, counter) = rest.strip_prefix(k)?.split_once('-')?;
            counter.parse::<u64>().ok()?;
            pid.parse::<u32>().ok()
        }) else {
            continue;
        };
        if pid != std::process::id() && !process_runs(pid) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether a process with this id runs (Linux: `/proc/<pid>` exists). Elsewhere every
/// process is assumed to run, so nothing is removed.
fn process_runs(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// The last component of an output path; `/` or `..` name no folder accord could create.
fn folder_name(final_path: &Path) -> crate::Result<&std::ffi::OsStr> {
    final_path.file_name().ok_or_else(|| {
        Error::Usage(format!(
            "output path `{}` does not name a folder",
            final_path.display()
        ))
    })
}

/// Fails like [`StagedDir::create`] would for `final_path` (an existing folder without
/// `force`, or a file), without creating anything: lets a long run refuse its output before it
/// starts rather than after.
pub fn check_target(final_path: &Path, force: bool) -> crate::Result<()> {
    folder_name(final_path)?;
    match occupant(final_path)? {
        Occupant::NotFolder => Err(not_a_folder(final_path)),
        Occupant::Folder if !force => Err(Error::OutputExists(final_path.to_path_buf())),
        Occupant::Folder => check_replaceable(final_path),
        Occupant::Nothing => Ok(()),
    }
}

/// Replaces the file `path` with `bytes`, whole or not at all: written to a hidden sibling
/// `.<name>.tmp-<pid>-<counter>`, synced and renamed over it, so a reader of an output folder
/// (or a later `--force`) never meets half a table. For files accord adds to a finished
/// folder (`accord analyze`, `accord discover`, `accord report`); fresh folders are staged
/// whole instead.
pub fn write_file(path: &Path, bytes: &[u8]) -> crate::Result<()> {
    let temp = sibling(path, "tmp")?;
    let written = (|| {
        let mut file = fs::File::create(&temp)?;
        io::Write::write_all(&mut file, bytes)?;
        file.sync_all()
    })();
    if let Err(e) = written.and_then(|()| fs::rename(&temp, path)) {
        let _ = fs::remove_file(&temp);
        return Err(Error::io("write", path, e));
    }
    Ok(())
}

/// Where an unfinished run of `final_path` keeps its finished chunks: the hidden sibling
/// `.<final name>.partial`, on the same filesystem, found again by `--resume`.
pub fn partial_path(final_path: &Path) -> PathBuf {
    let name = final_path
        .file_name()
        .map_or_else(|| OsString::from("output"), OsString::from);
    let mut hidden = OsString::from(".");
    hidden.push(name);
    hidden.push(".partial");
    final_path.with_file_name(hidden)
}

impl StagedDir {
    /// Starts writing a folder that will appear at `final_path`.
    ///
    /// Fails with [`Error::OutputExists`] if `final_path` exists and `force` is false, and
    /// with [`Error::Usage`] if it exists and is a file (even with `force`: replacing a file
    /// with a folder is never what was meant). Creates missing parent folders and a temporary
    /// folder `.<final name>.tmp-<pid>-<counter>` next to the final one.
    pub fn create(final_path: &Path, force: bool) -> crate::Result<StagedDir> {
        check_target(final_path, force)?;
        if let Some(parent) = final_path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|e| Error::io("create folder", parent, e))?;
        }
        remove_abandoned(final_path);
        loop {
            let temp_path = sibling(final_path, "tmp")?;
            match fs::create_dir(&temp_path) {
                Ok(()) => {
                    return Ok(StagedDir {
                        final_path: final_path.to_path_buf(),
                        temp_path,
                        force,
                        committed: false,
                    });
                }
                // Left over from a crashed run that had the same pid; take the next counter.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(Error::io("create folder", temp_path, e)),
            }
        }
    }

    /// The temporary folder to write into.
    pub fn path(&self) -> &Path {
        &self.temp_path
    }

    /// The folder the outputs will have once committed.
    pub fn final_path(&self) -> &Path {
        &self.final_path
    }

    /// Moves the temporary folder into place and returns the final path.
    ///
    /// With `force`, an existing folder is first renamed aside, then removed once the new one
    /// is in place; if the new one cannot be moved in, the old one is moved back. Existence is
    /// checked again here (another process may have created the folder since
    /// [`create`](Self::create)), giving [`Error::OutputExists`] without `force`. On any error
    /// the temporary folder is removed.
    pub fn commit(mut self) -> crate::Result<PathBuf> {
        match occupant(&self.final_path)? {
            Occupant::NotFolder => return Err(not_a_folder(&self.final_path)),
            Occupant::Folder if self.force => {
                check_replaceable(&self.final_path)?;
                return self.replace();
            }
            Occupant::Folder => return Err(Error::OutputExists(self.final_path.clone())),
            Occupant::Nothing => {}
        }
        // A folder created by another process between the check above and this rename makes
        // the rename fail (unless it is still empty, which loses nothing).
        if let Err(e) = fs::rename(&self.temp_path, &self.final_path) {
            return Err(match occupant(&self.final_path) {
                Ok(Occupant::Folder) => Error::OutputExists(self.final_path.clone()),
                _ => Error::io("move into place", &self.temp_path, e),
            });
        }
        self.committed = true;
        Ok(self.final_path.clone())
    }

    fn replace(mut self) -> crate::Result<PathBuf> {
        let old = sibling(&self.final_path, "old")?;
        fs::rename(&self.final_path, &old)
            .map_err(|e| Error::io("move aside", &self.final_path, e))?;
        if let Err(e) = fs::rename(&self.temp_path, &self.final_path) {
            // Put the previous outputs back: a failed run must leave them as they were.
            let _ = fs::rename(&old, &self.final_path);
            return Err(Error::io("move into place", &self.temp_path, e));
        }
        self.committed = true;
        // The new outputs are complete and in place, so the run succeeded; a leftover hidden
        // `.old-` folder is clutter, not a reason to report failure.
        let _ = fs::remove_dir_all(&old);
        Ok(self.final_path.clone())
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.committed {
            // Best effort: an error here has nowhere to go and must not mask the one that
            // caused the run to stop before committing.
            let _ = fs::remove_dir_all(&self.temp_path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        fs::write(dir.join(name), text).unwrap();
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn commit_creates_folder_with_contents() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let staged = StagedDir::create(&out, false).unwrap();
        assert_eq!(staged.final_path(), out);
        assert_eq!(staged.path().parent(), Some(root.path()));
        let temp_name = staged.path().file_name().unwrap().to_string_lossy();
        assert!(temp_name.starts_with(".out.tmp-"), "{temp_name}");
        assert!(!out.exists(), "not visible before commit");
        write(staged.path(), "a.csv", "x\n");
        assert_eq!(staged.commit().unwrap(), out);
        assert_eq!(fs::read_to_string(out.join("a.csv")).unwrap(), "x\n");
        assert_eq!(entries(root.path()), ["out"]);
    }

    #[test]
    fn refuses_existing_without_force() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir(&out).unwrap();
        write(&out, "old.csv", "old");
        let err = StagedDir::create(&out, false).unwrap_err();
        assert!(
            matches!(err, Error::OutputExists(ref p) if p == &out),
            "{err}"
        );
        assert_eq!(entries(&out), ["old.csv"]);
        assert_eq!(entries(root.path()), ["out"]);
    }

    #[test]
    fn commit_rechecks_existence_without_force() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let staged = StagedDir::create(&out, false).unwrap();
        write(staged.path(), "new.csv", "new");
        // Another process wins the race and writes its outputs first.
        fs::create_dir(&out).unwrap();
        write(&out, "theirs.csv", "theirs");
        let err = staged.commit().unwrap_err();
        assert!(matches!(err, Error::OutputExists(_)), "{err}");
        assert_eq!(entries(&out), ["theirs.csv"]);
        assert_eq!(entries(root.path()), ["out"], "temp folder removed");
    }

    #[test]
    fn replaces_with_force() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir(&out).unwrap();
        write(&out, "old.csv", "old");
        write(&out, OUTPUT_MANIFEST, "{}");
        let staged = StagedDir::create(&out, true).unwrap();
        write(staged.path(), "new.csv", "new");
        assert_eq!(
            entries(&out),
            ["manifest.json", "old.csv"],
            "old folder intact until commit"
        );
        staged.commit().unwrap();
        assert_eq!(entries(&out), ["new.csv"]);
        assert_eq!(entries(root.path()), ["out"], "no temp or old folder left");
    }

    /// Issue 10 (5): `--force` replaces accord's folders only, never a folder of the user's.
    #[test]
    fn force_refuses_a_folder_accord_did_not_write() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("thesis");
        fs::create_dir(&out).unwrap();
        write(&out, "chapter1.tex", "years of work");
        let err = StagedDir::create(&out, true).unwrap_err();
        assert!(matches!(err, Error::ForeignFolder(_)), "{err}");
        assert_eq!(entries(&out), vec!["chapter1.tex"]);
        // An accord folder (with its manifest) and an empty one may be replaced.
        write(&out, OUTPUT_MANIFEST, "{}");
        assert!(StagedDir::create(&out, true).is_ok());
        let empty = tmp.path().join("empty");
        fs::create_dir(&empty).unwrap();
        assert!(check_target(&empty, true).is_ok());
    }

    /// Issue 10 (10): a folder write killed half-way leaves `.out.tmp-PID-N`; the next run
    /// removes it when that process is gone, and leaves other hidden folders alone.
    #[cfg(target_os = "linux")]
    #[test]
    fn abandoned_temporary_folders_of_dead_processes_are_removed() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        // A pid above the kernel's maximum (4,194,304) never runs.
        for stale in [".out.tmp-999999999-0", ".out.old-999999999-3"] {
            fs::create_dir(root.path().join(stale)).unwrap();
            write(&root.path().join(stale), "half.csv", "half");
        }
        let mine = format!(".out.tmp-{}-77", std::process::id());
        for kept in [".out.partial", ".other.tmp-999999999-0", mine.as_str()] {
            fs::create_dir(root.path().join(kept)).unwrap();
        }
        let staged = StagedDir::create(&out, false).unwrap();
        let mut left = entries(root.path());
        left.retain(|n| !staged.path().ends_with(n));
        let mut expected = vec![".other.tmp-999999999-0", ".out.partial", mine.as_str()];
        expected.sort_unstable();
        assert_eq!(left, expected);
    }

    #[test]
    fn write_file_replaces_whole_and_leaves_no_temporary_file() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("table.csv");
        write_file(&path, b"a\n").unwrap();
        write_file(&path, b"b\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "b\n");
        assert_eq!(entries(root.path()), ["table.csv"]);
        let err = write_file(&root.path().join("no/such/t.csv"), b"x").unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
    }

    #[test]
    fn force_without_existing_folder() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let staged = StagedDir::create(&out, true).unwrap();
        write(staged.path(), "new.csv", "new");
        staged.commit().unwrap();
        assert_eq!(entries(&out), ["new.csv"]);
    }

    #[test]
    fn drop_without_commit_leaves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        {
            let staged = StagedDir::create(&out, false).unwrap();
            write(staged.path(), "partial.csv", "half");
            assert!(staged.path().is_dir());
        }
        assert!(entries(root.path()).is_empty());
    }

    #[test]
    fn failed_forced_run_keeps_previous_folder() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir(&out).unwrap();
        write(&out, "old.csv", "old");
        write(&out, OUTPUT_MANIFEST, "{}");
        drop(StagedDir::create(&out, true).unwrap());
        assert_eq!(entries(&out), ["manifest.json", "old.csv"]);
        assert_eq!(entries(root.path()), ["out"]);
    }

    #[test]
    fn file_at_final_path_is_rejected() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::write(&out, "not a folder").unwrap();
        for force in [false, true] {
            let err = StagedDir::create(&out, force).unwrap_err();
            assert!(
                matches!(err, Error::Usage(ref m) if m.contains("is a file, not a folder")),
                "{err}"
            );
        }
        assert_eq!(fs::read_to_string(&out).unwrap(), "not a folder");
        assert_eq!(entries(root.path()), ["out"]);
    }

    #[test]
    fn creates_parent_folders() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("a").join("b").join("out");
        let staged = StagedDir::create(&out, false).unwrap();
        write(staged.path(), "x.csv", "x");
        staged.commit().unwrap();
        assert_eq!(entries(&out), ["x.csv"]);
    }

    #[test]
    fn path_without_name_is_rejected() {
        let err = StagedDir::create(Path::new("/"), true).unwrap_err();
        assert!(matches!(err, Error::Usage(_)), "{err}");
    }

    #[test]
    fn temp_names_are_unique() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let a = StagedDir::create(&out, false).unwrap();
        let b = StagedDir::create(&out, false).unwrap();
        assert_ne!(a.path(), b.path());
    }
}
