//! `nations_file`: nations from a CSV beside the scenario, with the same columns as
//! `[[nations]]` (`stance.<dim>` columns; `groups` separated by `;`).
//!
//! The file must lie inside the scenario's folder tree (after resolving `..` and symlinks),
//! so a scenario passed around by colleagues cannot read arbitrary files, unless the user
//! passes `--allow-outside-inputs`.

use std::path::{Path, PathBuf};

use super::keys::NATION;
use super::limits;
use super::spec::Slug;
use super::types::NationSpec;
use crate::error::Problem;

/// Reads the nations of `rel` (relative to the scenario file `scenario`). With
/// `allow_outside` the folder-tree check is skipped: the user has said on the command line
/// that they trust where the scenario points.
pub(crate) fn read(
    scenario: &Path,
    rel: &str,
    dimensions: &[String],
    allow_outside: bool,
) -> Result<Vec<NationSpec>, Vec<Problem>> {
    let at_key = |message: String| {
        vec![Problem {
            file: scenario.to_path_buf(),
            line: 0,
            column: 0,
            key: "nations_file".to_string(),
            message,
        }]
    };
    let base = scenario.parent().unwrap_or(Path::new("."));
    let path = base.join(rel);
    let canon = path
        .canonicalize()
        .map_err(|e| at_key(format!("`{rel}` cannot be opened: {e}")))?;
    if !allow_outside {
        let canon_base = base_dir(base).map_err(|e| {
            at_key(format!(
                "the scenario's folder `{}` cannot be resolved: {e}",
                base.display()
            ))
        })?;
        if !canon.starts_with(&canon_base) {
            return Err(at_key(format!(
                "`{rel}` resolves to `{}`, outside the scenario's folder `{}`; copy the file next to the scenario, or pass `--allow-outside-inputs` if you trust it",
                canon.display(),
                canon_base.display()
            )));
        }
    }
    match std::fs::metadata(&canon) {
        Ok(m) if m.len() > limits::MAX_FILE_BYTES => {
            return Err(at_key(format!(
                "`{rel}` is {} bytes, more than the limit of {}",
                m.len(),
                limits::MAX_FILE_BYTES
            )));
        }
        Ok(m) if !m.is_file() => return Err(at_key(format!("`{rel}` is not a file"))),
        Err(e) => return Err(at_key(format!("`{rel}` cannot be read: {e}"))),
        Ok(_) => {}
    }
    let text = limits::read_capped(&canon)
        .map_err(|e| at_key(format!("`{rel}` cannot be read: {e}")))?
        .ok_or_else(|| {
            at_key(format!(
                "`{rel}` grew beyond the limit of {} bytes while it was read",
                limits::MAX_FILE_BYTES
            ))
        })?;
    parse(&path, &text, dimensions)
}

fn base_dir(base: &Path) -> std::io::Result<PathBuf> {
    if base.as_os_str().is_empty() {
        Path::new(".").canonicalize()
    } else {
        base.canonicalize()
    }
}

/// Parses CSV bytes; problems name `file`, the line and the column.
pub(crate) fn parse(
    file: &Path,
    bytes: &[u8],
    dimensions: &[String],
) -> Result<Vec<NationSpec>, Vec<Problem>> {
    let mut problems = Vec::new();
    let problem = |line: usize, key: &str, message: String| Problem {
        file: file.to_path_buf(),
        line,
        column: 0,
        key: key.to_string(),
        message,
    };
    if let Err(e) = std::str::from_utf8(bytes) {
        // A PNG or spreadsheet given by mistake: say what it is not, not what the CSV
        // parser tripped over.
        return Err(vec![problem(
            1,
            "",
            format!(
                "not a text file (invalid UTF-8 at byte {}); a nations_file is CSV text",
                e.valid_up_to()
            ),
        )]);
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(bytes);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(vec![problem(
                1,
                "",
                format!("not a readable CSV file: {e}"),
            )]);
        }
    };
    let stance_cols: Vec<String> = dimensions.iter().map(|d| format!("stance.{d}")).collect();
    // The columns are the keys of `[[nations]]`, with one `stance.<dim>` column per dimension.
    let fixed: Vec<&str> = NATION
        .names()
        .into_iter()
        .filter(|k| *k != "stance")
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    for h in headers.iter() {
        if !fixed.contains(&h) && !stance_cols.iter().any(|c| c == h) {
            problems.push(problem(
                1,
                h,
                format!(
                    "unknown column; allowed: {}, {}",
                    fixed.join(", "),
                    stance_cols.join(", ")
                ),
            ));
        }
    }
    for needed in std::iter::once("id").chain(stance_cols.iter().map(String::as_str)) {
        if col(needed).is_none() {
            problems.push(problem(1, needed, "required column is missing".to_string()));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut nations = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                problems.push(problem(line, "", format!("malformed row: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let field = |name: &str| col(name).and_then(|i| record.get(i)).unwrap_or("");
        let mut number = |name: &str, lo: f64, hi: f64, default: Option<f64>| -> Option<f64> {
            let raw = field(name);
            if raw.is_empty() {
                if default.is_none() && name.starts_with("stance.") {
                    problems.push(problem(
                        line,
                        name,
                        "is empty; a value in [0, 1] is required".into(),
                    ));
                }
                return default;
            }
            match raw.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= lo && x <= hi => Some(x),
                _ => {
                    let range = if hi == f64::MAX {
                        format!("a finite number ≥ {lo}")
                    } else {
                        format!("a number in [{lo}, {hi}]")
                    };
                    problems.push(problem(
                        line,
                        name,
                        format!("is `{raw}`, but it must be {range}"),
                    ));
                    default
                }
            }
        };
        let mut key = |name: &str| {
            let (range, default) = NATION.number(name)?;
            number(name, *range.start(), *range.end(), default)
        };
        let gdp = key("gdp").unwrap_or_default();
        let capability = key("capability").unwrap_or_default();
        let openness = key("openness").unwrap_or_default();
        let confidence = key("confidence");
        let stubbornness = key("stubbornness");
        let stance: Vec<Option<f64>> = stance_cols
            .iter()
            .map(|c| number(c, 0.0, 1.0, None))
            .collect();
        let id = field("id").to_string();
        if let Some(msg) = Slug::Nation.check(&id) {
            problems.push(problem(line, "id", msg));
            continue;
        }
        let groups: Vec<String> = field("groups")
            .split(';')
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(str::to_string)
            .collect();
        if let Some(msg) = groups.iter().find_map(|g| Slug::Group.check(g)) {
            problems.push(problem(line, "groups", format!("{msg}, separated by `;`")));
        }
        if stance.iter().any(Option::is_none) {
            continue;
        }
        let name = match field("name") {
            "" => id.clone(),
            n => n.to_string(),
        };
        nations.push(NationSpec {
            id,
            name,
            groups,
            gdp,
            capability,
            openness,
            stance: stance.into_iter().flatten().collect(),
            confidence,
            stubbornness,
        });
    }
    if problems.is_empty() {
        Ok(nations)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dims() -> Vec<String> {
        vec!["privacy".to_string(), "safety".to_string()]
    }

    #[test]
    fn reads_rows_with_defaults() {
        let csv = "id,name,groups,gdp,stance.privacy,stance.safety\nUSA,United States,g7;g20,27.7,0.3,0.4\nBRA,,g20,2.1,0.5,0.6\n";
        let n = parse(Path::new("n.csv"), csv.as_bytes(), &dims()).unwrap();
        assert_eq!(n.len(), 2);
        assert_eq!(n[0].groups, vec!["g7", "g20"]);
        assert_eq!(n[0].stance, vec![0.3, 0.4]);
        assert_eq!(n[1].name, "BRA");
        assert_eq!(n[1].openness, 0.0);
        assert_eq!(n[1].confidence, None);
    }

    #[test]
    fn bad_rows_name_line_and_column() {
        let csv = "id,stance.privacy,stance.safety\nUSA,0.3,1.4\nCHN,x,0.2\n";
        let p = parse(Path::new("n.csv"), csv.as_bytes(), &dims()).unwrap_err();
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].line, p[0].key.as_str()), (2, "stance.safety"));
        assert!(p[0].message.contains("[0, 1]"), "{}", p[0].message);
        assert_eq!((p[1].line, p[1].key.as_str()), (3, "stance.privacy"));
    }

    #[test]
    fn missing_and_unknown_columns() {
        let csv = "id,stance.privacy,colour\nUSA,0.3,red\n";
        let p = parse(Path::new("n.csv"), csv.as_bytes(), &dims()).unwrap_err();
        let keys: Vec<&str> = p.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, vec!["colour", "stance.safety"]);
    }

    #[test]
    fn binary_files_are_refused_as_not_text() {
        let p = parse(Path::new("map.png"), b"id,\x89PNG\r\n", &dims()).unwrap_err();
        assert_eq!(p.len(), 1);
        assert_eq!(
            p[0].message,
            "not a text file (invalid UTF-8 at byte 3); a nations_file is CSV text"
        );
    }

    /// A scenario folder `scen/` beside a CSV `outside.csv` (two nations), so tests can point
    /// at the CSV through `..` or a symlink.
    fn outside_layout() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("scen");
        std::fs::create_dir(&inner).unwrap();
        std::fs::write(
            dir.path().join("outside.csv"),
            "id,stance.privacy,stance.safety\nX,0.5,0.5\nY,0.25,0.75\n",
        )
        .unwrap();
        let scenario = inner.join("s.toml");
        (dir, scenario)
    }

    fn refusal(problems: &[Problem]) -> &str {
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].key, "nations_file");
        &problems[0].message
    }

    #[test]
    fn dotdot_outside_the_folder_is_refused_without_the_flag() {
        let (dir, scenario) = outside_layout();
        let p = read(&scenario, "../outside.csv", &dims(), false).unwrap_err();
        let canon = dir.path().canonicalize().unwrap();
        assert_eq!(
            refusal(&p),
            format!(
                "`../outside.csv` resolves to `{}`, outside the scenario's folder `{}`; copy the file next to the scenario, or pass `--allow-outside-inputs` if you trust it",
                canon.join("outside.csv").display(),
                canon.join("scen").display()
            )
        );
    }

    #[test]
    fn dotdot_outside_the_folder_is_read_with_the_flag() {
        let (_dir, scenario) = outside_layout();
        let n = read(&scenario, "../outside.csv", &dims(), true).unwrap();
        let ids: Vec<&str> = n.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, vec!["X", "Y"]);
        assert_eq!(n[1].stance, vec![0.25, 0.75]);
    }

    #[test]
    fn symlink_pointing_outside_is_refused_without_the_flag_and_read_with_it() {
        let (dir, scenario) = outside_layout();
        let link = scenario.with_file_name("nations.csv");
        std::os::unix::fs::symlink(dir.path().join("outside.csv"), &link).unwrap();
        let p = read(&scenario, "nations.csv", &dims(), false).unwrap_err();
        let message = refusal(&p);
        assert!(
            message.starts_with("`nations.csv` resolves to `")
                && message.ends_with("pass `--allow-outside-inputs` if you trust it"),
            "{message}"
        );
        let n = read(&scenario, "nations.csv", &dims(), true).unwrap();
        assert_eq!(n.len(), 2);
    }

    #[test]
    fn symlink_inside_the_folder_needs_no_flag() {
        let (_dir, scenario) = outside_layout();
        let inner = scenario.parent().unwrap();
        std::fs::write(
            inner.join("real.csv"),
            "id,stance.privacy,stance.safety\nZ,0.1,0.2\n",
        )
        .unwrap();
        std::os::unix::fs::symlink(inner.join("real.csv"), inner.join("alias.csv")).unwrap();
        let n = read(&scenario, "alias.csv", &dims(), false).unwrap();
        assert_eq!(n[0].id, "Z");
    }
}
