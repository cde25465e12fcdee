//! Starter scenarios, embedded in the binary: what `accord init` writes. Each is a shipped,
//! commented scenario, so a new study starts from a file that validates.

use std::path::Path;

use crate::error::{Error, Result};

/// A starter scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Template {
    /// The quick start: 13 large economies, a cooperation body, open-source diffusion.
    Quickstart,
    /// A classic model: Hegselmann–Krause bounded confidence, 100 evenly spaced agents.
    Classic,
    /// A small world-style scenario with inline nations and four arms.
    World,
}

impl Template {
    /// The template's TOML text.
    pub fn text(self) -> &'static str {
        match self {
            Template::Quickstart => include_str!("../../scenarios/quickstart.toml"),
            Template::Classic => include_str!("../../scenarios/classic/hegselmann_krause.toml"),
            Template::World => include_str!("world.toml"),
        }
    }
}

/// Writes `template` to `path`; an existing file is replaced only with `force`.
pub fn write(path: &Path, template: Template, force: bool) -> Result<()> {
    if path.is_dir() {
        return Err(Error::Usage(format!(
            "`{}` is a folder; give the path of the scenario file to write",
            path.display()
        )));
    }
    if path.exists() && !force {
        return Err(Error::Usage(format!(
            "`{}` already exists; pass --force to replace it",
            path.display()
        )));
    }
    // A file where a folder should be is a mistyped path (exit 2), not an I/O failure.
    if let Some(file) = path.ancestors().skip(1).find(|a| a.is_file()) {
        return Err(Error::Usage(format!(
            "`{}` would lie under `{}`, which is a file",
            path.display(),
            file.display()
        )));
    }
    // Like `cargo new`, a new study may start in a folder that does not exist yet.
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create folder", parent, e))?;
    }
    std::fs::write(path, template.text()).map_err(|e| Error::io("write", path, e))
}
