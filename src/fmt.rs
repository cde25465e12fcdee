//! The one float format every CSV uses.
//!
//! Outputs must be byte-identical across machines and thread counts, so numbers are never
//! written with `Display`'s shortest round-trip form (whose length varies with the value) but
//! always with a fixed number of decimals. Undefined values are written as empty cells rather
//! than `NaN`/`inf`, which spreadsheet and dataframe readers parse inconsistently.
//!
//! Also the escaping of user text on its way out: to a terminal ([`escape_controls`]) and into
//! HTML ([`escape_html`]).

/// Decimals written for every float; enough for shares and rates, short enough to diff.
const DECIMALS: usize = 10;

/// Fixed format: 10 decimals (`format!("{:.10}", x)`), with negative zero (and any value that
/// would print as `-0.0000000000`) written as `0.0000000000`; NaN and ±inf written as the empty
/// string (they mean "undefined").
pub fn fmt_f64(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let s = format!("{x:.DECIMALS$}");
    // A tiny negative rounding residue must not differ from an exact zero, or two runs whose
    // sums were added in a different order would produce different bytes.
    match s.strip_prefix('-') {
        Some(digits) if digits.bytes().all(|b| b == b'0' || b == b'.') => digits.to_owned(),
        _ => s,
    }
}

/// `None` → `""`, `Some(x)` → [`fmt_f64`]`(x)`.
pub fn fmt_opt(x: Option<f64>) -> String {
    x.map_or_else(String::new, fmt_f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_decimals() {
        assert_eq!(fmt_f64(0.1), "0.1000000000");
        assert_eq!(fmt_f64(12345.678), "12345.6780000000");
        assert_eq!(fmt_f64(1.0 / 3.0), "0.3333333333");
        assert_eq!(fmt_f64(2.0 / 3.0), "0.6666666667");
        assert_eq!(fmt_f64(-0.25), "-0.2500000000");
        assert_eq!(fmt_f64(0.0), "0.0000000000");
        assert_eq!(fmt_f64(1.0), "1.0000000000");
    }

    #[test]
    fn negative_zero_is_zero() {
        assert_eq!(fmt_f64(-0.0), "0.0000000000");
        assert_eq!(fmt_f64(-1e-13), "0.0000000000");
        assert_eq!(fmt_f64(-4.9e-11), "0.0000000000");
        assert_eq!(fmt_f64(-5.1e-11), "-0.0000000001");
    }

    #[test]
    fn undefined_is_empty() {
        assert_eq!(fmt_f64(f64::NAN), "");
        assert_eq!(fmt_f64(f64::INFINITY), "");
        assert_eq!(fmt_f64(f64::NEG_INFINITY), "");
    }

    #[test]
    fn optional() {
        assert_eq!(fmt_opt(None), "");
        assert_eq!(fmt_opt(Some(0.5)), "0.5000000000");
        assert_eq!(fmt_opt(Some(f64::NAN)), "");
    }
}

/// `text` with every control character except newline and tab written as a Rust escape
/// (`\u{1b}`), so names and descriptions from a scenario file cannot move the terminal's
/// cursor, clear the screen or hide text in a message or a generated document.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_escaped) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_escaped(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn is_escaped(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

#[cfg(test)]
mod escape_tests {
    use super::escape_controls;

    #[test]
    fn control_characters_are_escaped_but_lines_and_tabs_stay() {
        assert_eq!(escape_controls("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape_controls("x\ty\nz"), "x\ty\nz");
        assert_eq!(escape_controls("bell\u{7}\r"), "bell\\u{7}\\u{d}");
        assert_eq!(escape_controls("Côte d’Ivoire"), "Côte d’Ivoire");
    }
}

/// `text` made safe to place in HTML, as element content or inside a quoted attribute: control
/// characters escaped as by [`escape_controls`], then `&`, `<`, `>`, `"` and `'` written as
/// character references. Every user-provided string of a generated HTML page goes through
/// here, so a scenario's name or description can never open a tag or end an attribute.
pub fn escape_html(text: &str) -> String {
    let text = escape_controls(text);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod html_tests {
    use super::escape_html;

    #[test]
    fn markup_quotes_and_controls_are_escaped() {
        assert_eq!(
            escape_html("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape_html("a\u{1b}[2J\u{0}b"), "a\\u{1b}[2J\\u{0}b");
        assert_eq!(escape_html("Côte d’Ivoire\n"), "Côte d’Ivoire\n");
        assert_eq!(escape_html("&amp;"), "&amp;amp;");
    }
}
