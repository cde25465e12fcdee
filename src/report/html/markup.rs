//! The few HTML constructs the report is built from: headings, tables and numbers. Every
//! table gets a caption and header cells with their scope, every heading an id, and every
//! piece of text from a file passes through [`esc`] on its way in.

use std::fmt::Write as _;

/// Escapes text for HTML (one escaper for the whole crate: [`crate::fmt::escape_html`]).
pub(super) fn esc(text: &str) -> String {
    crate::fmt::escape_html(text)
}

/// `<code>` around escaped text.
pub(super) fn code(text: &str) -> String {
    format!("<code>{}</code>", esc(text))
}

/// Writes `<hN id="id">text</hN>`.
pub(super) fn heading(out: &mut String, level: u8, id: &str, text: &str) {
    let _ = writeln!(out, "<h{level} id=\"{}\">{}</h{level}>", esc(id), esc(text));
}

/// A table: a caption, column headers, and rows whose first cell heads the row.
#[derive(Debug, Default)]
pub(super) struct Table {
    /// Caption text (plain).
    pub(super) caption: String,
    /// Column headers (plain).
    pub(super) head: Vec<String>,
    /// Rows of cells, already HTML.
    pub(super) rows: Vec<Vec<String>>,
    /// Columns from this index on hold numbers, aligned right.
    pub(super) numeric_from: usize,
}

impl Table {
    /// A table captioned `caption` with columns `head`.
    pub(super) fn new(caption: impl Into<String>, head: Vec<String>, numeric_from: usize) -> Self {
        Table {
            caption: caption.into(),
            head,
            rows: Vec::new(),
            numeric_from,
        }
    }

    /// Writes the table, in a wrapper that scrolls sideways on a narrow screen rather than
    /// squeezing the columns.
    pub(super) fn write(&self, out: &mut String) {
        out.push_str("<div class=\"table-wrap\"><table>\n");
        let _ = writeln!(out, "<caption>{}</caption>", esc(&self.caption));
        out.push_str("<thead><tr>");
        for (i, h) in self.head.iter().enumerate() {
            let class = if i >= self.numeric_from {
                " class=\"num\""
            } else {
                ""
            };
            // Long parameter paths and arm names may break after a dot or an underscore,
            // so a table of many columns still fits an A4 page.
            let h = esc(h).replace('.', ".<wbr>").replace('_', "_<wbr>");
            let _ = write!(out, "<th scope=\"col\"{class}>{h}</th>");
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for row in &self.rows {
            out.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                if i == 0 {
                    let _ = write!(out, "<th scope=\"row\">{cell}</th>");
                } else if i >= self.numeric_from {
                    let _ = write!(out, "<td class=\"num\">{cell}</td>");
                } else {
                    let _ = write!(out, "<td>{cell}</td>");
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table></div>\n");
    }
}

/// A number from a table, shortened for reading: three decimals below 100, one below
/// 10,000, none above (the files keep every digit). Empty text (undefined) becomes a dash
/// with a tooltip; text that is not a number is shown as it is, escaped.
pub(super) fn number(text: &str) -> String {
    if text.is_empty() {
        return "<span title=\"undefined\">–</span>".to_owned();
    }
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => short(x),
        _ => esc(text),
    }
}

/// [`number`]'s format for a value.
pub(super) fn short(x: f64) -> String {
    let decimals = match x.abs() {
        a if a < 100.0 => 3,
        a if a < 10_000.0 => 1,
        _ => 0,
    };
    let s = format!("{x:.decimals$}");
    // "-0.000" says a sign the value does not have at this precision.
    match s.strip_prefix('-') {
        Some(digits) if digits.bytes().all(|b| b == b'0' || b == b'.') => digits.to_owned(),
        // A true minus sign reads better than a hyphen in a table.
        Some(digits) => format!("−{digits}"),
        None => s,
    }
}

/// `mean [lo, hi]` from three fields of a table.
pub(super) fn with_interval(mean: &str, lo: &str, hi: &str) -> String {
    if lo.is_empty() && hi.is_empty() {
        return number(mean);
    }
    format!(
        "{} <span class=\"ci\">[{}, {}]</span>",
        number(mean),
        number(lo),
        number(hi)
    )
}

/// A field of a generic table: numbers shortened, other text escaped; integers as written.
pub(super) fn cell(text: &str) -> String {
    if text.contains('.') || text.contains('e') {
        match text.parse::<f64>() {
            Ok(x) if x.is_finite() => return short(x),
            _ => {}
        }
    }
    if text.is_empty() {
        return number(text);
    }
    esc(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_signed_honestly() {
        assert_eq!(number("0.1833351279"), "0.183");
        assert_eq!(number("-0.1833351279"), "−0.183");
        assert_eq!(number("-0.0000000001"), "0.000");
        assert_eq!(number("1234.5"), "1234.5");
        assert_eq!(number("123456.7"), "123457");
        assert_eq!(number(""), "<span title=\"undefined\">–</span>");
        assert_eq!(number("<b>"), "&lt;b&gt;");
        assert_eq!(cell("12"), "12");
        assert_eq!(cell("0.5000000000"), "0.500");
        assert_eq!(cell("name"), "name");
        assert_eq!(cell("inf"), "inf");
    }

    #[test]
    fn tables_have_captions_and_scoped_headers() {
        let mut t = Table::new("A <caption>", vec!["metric".into(), "x".into()], 1);
        t.rows.push(vec![esc("frag"), number("0.5")]);
        let mut out = String::new();
        t.write(&mut out);
        assert!(
            out.contains("<caption>A &lt;caption&gt;</caption>"),
            "{out}"
        );
        assert!(out.contains("<th scope=\"col\">metric</th>"), "{out}");
        assert!(
            out.contains("<th scope=\"col\" class=\"num\">x</th>"),
            "{out}"
        );
        assert!(out.contains("<th scope=\"row\">frag</th><td class=\"num\">0.500</td>"));
    }
}
