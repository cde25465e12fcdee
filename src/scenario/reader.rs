//! A reader over the spanned TOML document that collects every problem instead of stopping
//! at the first, as serde would.
//!
//! Each table is opened with the list of keys it allows, so unknown keys are reported with
//! the allowed alternatives; each typed getter checks type and range and records a
//! [`Problem`] located at the value (file, line, column, dotted key path).

use std::ops::{Range, RangeInclusive};
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::spec::{ParamKeys, ParamValue, ValueSpec};
use crate::error::Problem;

/// A spanned TOML value.
pub(crate) type Value<'i> = Spanned<DeValue<'i>>;

/// The problem collector for one file.
pub(crate) struct Ctx<'s> {
    file: PathBuf,
    src: &'s str,
    pub(crate) problems: Vec<Problem>,
}

impl<'s> Ctx<'s> {
    pub(crate) fn new(file: &Path, src: &'s str) -> Self {
        Ctx {
            file: file.to_path_buf(),
            src,
            problems: Vec::new(),
        }
    }

    /// 1-based line and column of a byte offset.
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.len());
        let before = &self.src[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    /// Records a problem at `span`.
    pub(crate) fn error(&mut self, span: &Range<usize>, key: &str, message: impl Into<String>) {
        let (line, column) = self.line_col(span.start);
        self.problems.push(Problem {
            file: self.file.clone(),
            line,
            column,
            key: key.to_string(),
            message: message.into(),
        });
    }

    /// Opens `value` as a table at `path`, reporting keys outside `allowed`.
    pub(crate) fn table<'a, 'i>(
        &mut self,
        value: &'a Value<'i>,
        path: &str,
        allowed: &[&str],
    ) -> Option<Table<'a, 'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(self.open(t, value.span(), path, allowed)),
            other => {
                self.error(
                    &value.span(),
                    path,
                    format!("expected a table, found {}", describe(other)),
                );
                None
            }
        }
    }

    /// Opens a raw table (the document root).
    pub(crate) fn open<'a, 'i>(
        &mut self,
        table: &'a DeTable<'i>,
        span: Range<usize>,
        path: &str,
        allowed: &[&str],
    ) -> Table<'a, 'i> {
        for (key, _) in table.iter() {
            if !allowed.contains(&key.get_ref().as_ref()) {
                let full = join(path, key.get_ref());
                let hint = suggest(key.get_ref(), allowed)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                self.error(
                    &key.span(),
                    &full,
                    format!(
                        "unknown key{hint}; allowed keys here: {}",
                        if allowed.is_empty() {
                            // e.g. `group_weights` in a scenario without groups.
                            "none".to_string()
                        } else {
                            allowed.join(", ")
                        }
                    ),
                );
            }
        }
        Table {
            table,
            span,
            path: path.to_string(),
        }
    }

    /// A number in `range` (integers widen); `None` when absent or invalid.
    pub(crate) fn number_opt(
        &mut self,
        t: &Table<'_, '_>,
        key: &str,
        range: RangeInclusive<f64>,
    ) -> Option<f64> {
        let v = t.get(key)?;
        self.number_value(v, &t.key(key), range)
    }

    /// Checks a number value in place (used for array items and table entries too).
    pub(crate) fn number_value(
        &mut self,
        v: &Value<'_>,
        key: &str,
        range: RangeInclusive<f64>,
    ) -> Option<f64> {
        let x = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok()? as f64,
            DeValue::Float(f) => parse_float(f.as_str()),
            other => {
                self.error(
                    &v.span(),
                    key,
                    format!("expected a number, found {}", describe(other)),
                );
                return None;
            }
        };
        if !x.is_finite() {
            self.error(
                &v.span(),
                key,
                format!(
                    "is `{x}`, but it must be a finite number in {}",
                    show_range(&range)
                ),
            );
            return None;
        }
        if !range.contains(&x) {
            self.error(
                &v.span(),
                key,
                format!("is `{x}`, but it must lie in {}", show_range(&range)),
            );
            return None;
        }
        // `-0.0` passes `0 ≤ x` but would print as `-0` in descriptions and tables.
        Some(x + 0.0)
    }

    /// A non-negative integer in `range`; `None` when absent or invalid.
    pub(crate) fn integer_opt(
        &mut self,
        t: &Table<'_, '_>,
        key: &str,
        range: RangeInclusive<u64>,
    ) -> Option<u64> {
        let v = t.get(key)?;
        self.integer_value(v, &t.key(key), range)
    }

    /// Checks an integer value in place.
    pub(crate) fn integer_value(
        &mut self,
        v: &Value<'_>,
        key: &str,
        range: RangeInclusive<u64>,
    ) -> Option<u64> {
        let DeValue::Integer(i) = v.get_ref() else {
            self.error(
                &v.span(),
                key,
                format!("expected an integer, found {}", describe(v.get_ref())),
            );
            return None;
        };
        let parsed = i128::from_str_radix(i.as_str(), i.radix()).ok();
        match parsed {
            Some(x) if x >= i128::from(*range.start()) && x <= i128::from(*range.end()) => {
                u64::try_from(x).ok()
            }
            _ => {
                self.error(
                    &v.span(),
                    key,
                    format!(
                        "is `{i}`, but it must be an integer in [{}, {}]",
                        range.start(),
                        range.end()
                    ),
                );
                None
            }
        }
    }

    /// A string; `None` when absent or not a string.
    pub(crate) fn string_opt(&mut self, t: &Table<'_, '_>, key: &str) -> Option<String> {
        let v = t.get(key)?;
        self.string_value(v, &t.key(key))
    }

    /// Checks a string value in place.
    pub(crate) fn string_value(&mut self, v: &Value<'_>, key: &str) -> Option<String> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.error(
                    &v.span(),
                    key,
                    format!("expected a string, found {}", describe(other)),
                );
                None
            }
        }
    }

    /// A required string; reports its absence at the table.
    pub(crate) fn string_req(&mut self, t: &Table<'_, '_>, key: &str) -> Option<String> {
        if t.get(key).is_none() {
            self.missing(t, key);
            return None;
        }
        self.string_opt(t, key)
    }

    /// Reports a missing required key.
    pub(crate) fn missing(&mut self, t: &Table<'_, '_>, key: &str) {
        let span = t.span.clone();
        self.error(&span, &t.key(key), "is required but missing");
    }

    /// One of `choices`, or `default` when absent.
    pub(crate) fn choice(
        &mut self,
        t: &Table<'_, '_>,
        key: &str,
        choices: &[&str],
        default: &str,
    ) -> String {
        let Some(v) = t.get(key) else {
            return default.to_string();
        };
        self.choice_value(v, &t.key(key), choices)
            .unwrap_or_else(|| default.to_string())
    }

    /// Checks a string value against a list of choices.
    pub(crate) fn choice_value(
        &mut self,
        v: &Value<'_>,
        key: &str,
        choices: &[&str],
    ) -> Option<String> {
        let s = self.string_value(v, key)?;
        if choices.contains(&s.as_str()) {
            Some(s)
        } else {
            self.error(
                &v.span(),
                key,
                format!(
                    "is `{s}`, but it must be one of: {}",
                    quoted_list(choices.iter().copied())
                ),
            );
            None
        }
    }

    /// Checks one value against a [`ValueSpec`]; `key` names it in messages. Files, arms,
    /// sweeps and events all check scalars through here, so they say the same thing.
    pub(crate) fn spec_value(
        &mut self,
        value: &Value<'_>,
        key: &str,
        spec: ValueSpec,
    ) -> Option<ParamValue> {
        Some(match spec {
            ValueSpec::Number(lo, hi) => {
                ParamValue::Number(self.number_value(value, key, lo..=hi)?)
            }
            ValueSpec::Integer(lo, hi) => {
                ParamValue::Number(self.integer_value(value, key, lo..=hi)? as f64)
            }
            ValueSpec::Bool => match value.get_ref() {
                DeValue::Boolean(b) => ParamValue::Bool(*b),
                other => {
                    self.error(
                        &value.span(),
                        key,
                        format!("expected `true` or `false`, found {}", describe(other)),
                    );
                    return None;
                }
            },
            ValueSpec::Choice(choices) => ParamValue::Text(self.choice_value(value, key, choices)?),
        })
    }

    /// Reads the settable keys `t` gives into `target` (which holds the defaults); `spec`
    /// gives a key's range (bodies bound `founded` by the scenario's steps).
    pub(crate) fn params<K: ParamKeys>(
        &mut self,
        t: &Table<'_, '_>,
        target: &mut K::Target,
        spec: impl Fn(K) -> ValueSpec,
    ) {
        for &k in K::ALL {
            if let Some(v) = t.get(k.name())
                && let Some(x) = self.spec_value(v, &t.key(k.name()), spec(k))
            {
                k.apply(target, &x);
            }
        }
    }

    /// An array; `None` when absent or not an array.
    pub(crate) fn array<'a, 'i>(
        &mut self,
        t: &Table<'a, 'i>,
        key: &str,
    ) -> Option<&'a [Value<'i>]> {
        let v = t.get(key)?;
        match v.get_ref() {
            DeValue::Array(a) => Some(a),
            other => {
                self.error(
                    &v.span(),
                    &t.key(key),
                    format!("expected an array, found {}", describe(other)),
                );
                None
            }
        }
    }

    /// A list of strings; a single string is accepted as a one-element list.
    pub(crate) fn string_list(&mut self, t: &Table<'_, '_>, key: &str) -> Vec<Spanned<String>> {
        let Some(v) = t.get(key) else {
            return Vec::new();
        };
        let path = t.key(key);
        match v.get_ref() {
            DeValue::String(s) => vec![Spanned::new(v.span(), s.to_string())],
            DeValue::Array(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    self.string_value(item, &format!("{path}[{i}]"))
                        .map(|s| Spanned::new(item.span(), s))
                })
                .collect(),
            other => {
                self.error(
                    &v.span(),
                    &path,
                    format!("expected a list of strings, found {}", describe(other)),
                );
                Vec::new()
            }
        }
    }
}

/// An open table and its dotted path.
pub(crate) struct Table<'a, 'i> {
    pub(crate) table: &'a DeTable<'i>,
    pub(crate) span: Range<usize>,
    pub(crate) path: String,
}

impl<'a, 'i> Table<'a, 'i> {
    /// The value at `key`, if present.
    pub(crate) fn get(&self, key: &str) -> Option<&'a Value<'i>> {
        self.table.get(key)
    }

    /// The dotted path of `key` in this table.
    pub(crate) fn key(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// The entries in file order.
    pub(crate) fn entries(
        &self,
    ) -> impl Iterator<Item = (&'a Spanned<toml::de::DeString<'i>>, &'a Value<'i>)> {
        self.table.iter()
    }
}

/// `a.b`, or `b` at the root.
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// TOML's float syntax allows `_` separators and `inf`/`nan`, which `f64::from_str` treats differently.
fn parse_float(s: &str) -> f64 {
    let clean: String = s.chars().filter(|c| *c != '_').collect();
    match clean.as_str() {
        "inf" | "+inf" => f64::INFINITY,
        "-inf" => f64::NEG_INFINITY,
        "nan" | "+nan" | "-nan" => f64::NAN,
        other => other.parse().unwrap_or(f64::NAN),
    }
}

/// How a value's type reads in a message.
pub(crate) fn describe(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => format!("the string `\"{s}\"`"),
        DeValue::Integer(i) => format!("the integer `{i}`"),
        DeValue::Float(f) => format!("the float `{f}`"),
        DeValue::Boolean(b) => format!("the boolean `{b}`"),
        DeValue::Datetime(d) => format!("the datetime `{d}`"),
        DeValue::Array(_) => "an array".to_string(),
        DeValue::Table(_) => "a table".to_string(),
    }
}

/// `[0, 1]`, with integers printed without a fraction.
pub(crate) fn show_range(r: &RangeInclusive<f64>) -> String {
    let show = |x: f64| {
        if x == f64::MAX {
            "∞".to_string()
        } else {
            format!("{x}")
        }
    };
    format!("[{}, {}]", show(*r.start()), show(*r.end()))
}

/// "`a`, `b`, `c`".
pub(crate) fn quoted_list<'x>(items: impl IntoIterator<Item = &'x str>) -> String {
    items
        .into_iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The closest allowed name by edit distance, when it is close enough to be a likely typo.
pub(crate) fn suggest<'x>(word: &str, candidates: &[&'x str]) -> Option<&'x str> {
    candidates
        .iter()
        .map(|c| (levenshtein(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let ctx = Ctx::new(Path::new("x.toml"), "a = 1\nbb = 2\n");
        assert_eq!(ctx.line_col(0), (1, 1));
        assert_eq!(ctx.line_col(6), (2, 1));
        assert_eq!(ctx.line_col(11), (2, 6));
    }

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(
            suggest("confidnce", &["confidence", "rate"]),
            Some("confidence")
        );
        assert_eq!(suggest("zzz", &["confidence", "rate"]), None);
    }

    /// Issue 10 (10): `rate = -0.0` is zero, not a negative zero that prints as `-0`.
    #[test]
    fn negative_zero_reads_as_zero() {
        let src = "x = -0.0\n";
        let doc: DeTable<'_> = DeTable::parse(src).unwrap().into_inner();
        let mut ctx = Ctx::new(Path::new("s.toml"), src);
        let t = ctx.open(&doc, 0..src.len(), "", &["x"]);
        let x = ctx.number_opt(&t, "x", 0.0..=1.0).unwrap();
        assert!(x == 0.0 && x.is_sign_positive());
        assert_eq!(format!("{x}"), "0");
    }

    #[test]
    fn toml_floats_with_underscores_and_specials() {
        assert_eq!(parse_float("1_000.5"), 1000.5);
        assert!(parse_float("nan").is_nan());
        assert_eq!(parse_float("-inf"), f64::NEG_INFINITY);
    }
}
