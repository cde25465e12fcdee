//! The Markdown that `accord describe` writes, as HTML: the subset it uses (headings, bullet
//! lists, pipe tables, paragraphs, `code` and **bold**), nothing more. Every piece of text is
//! escaped before any markup is added, so a scenario's description stays text.

use std::fmt::Write as _;

use super::markup::{Table, esc};

/// `markdown` as HTML, with its `#` title left out (the report heads the section itself)
/// and its headings moved down so that `##` becomes `<h{top}>`; `id_prefix` keeps their ids
/// apart from the report's own. Tables are captioned with the heading they sit under.
pub(super) fn to_html(markdown: &str, top: u8, id_prefix: &str) -> String {
    let mut out = String::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut list = false;
    let mut table: Option<Table> = None;
    let mut section = String::new();
    let mut headings = 0usize;
    let mut deepest = top as usize - 1;

    let lines: Vec<&str> = markdown.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_end();
        let is_item = line.starts_with("- ");
        let is_row = line.starts_with('|');
        if !paragraph.is_empty() && (line.is_empty() || line.starts_with('#') || is_item || is_row)
        {
            let _ = writeln!(out, "<p>{}</p>", inline(&paragraph.join(" ")));
            paragraph.clear();
        }
        if list && !is_item {
            out.push_str("</ul>\n");
            list = false;
        }
        if !is_row && let Some(t) = table.take() {
            t.write(&mut out);
        }
        if let Some(text) = line.strip_prefix('#') {
            let level = 1 + text.chars().take_while(|&c| c == '#').count();
            let text = text.trim_start_matches('#').trim();
            if level > 1 {
                headings += 1;
                // Never deeper than one below the previous heading (a description may hold a
                // line starting with `####`): headings must not skip a level.
                let h = (top as usize + level - 2).min(deepest + 1).min(6);
                deepest = h;
                let _ = writeln!(
                    out,
                    "<h{h} id=\"{}-{headings}\">{}</h{h}>",
                    esc(id_prefix),
                    inline(text)
                );
                section = plain(text);
            }
        } else if let Some(item) = line.strip_prefix("- ") {
            if !list {
                out.push_str("<ul>\n");
                list = true;
            }
            let _ = writeln!(out, "<li>{}</li>", inline(item));
        } else if is_row {
            let cells = split_row(line);
            match table.as_mut() {
                Some(t) => {
                    if !cells
                        .iter()
                        .all(|c| !c.is_empty() && c.chars().all(|c| c == '-' || c == ':'))
                    {
                        t.rows.push(cells.iter().map(|c| inline(c)).collect());
                    }
                }
                None => {
                    table = Some(Table::new(
                        section.clone(),
                        cells.iter().map(|c| plain(c)).collect(),
                        usize::MAX,
                    ));
                }
            }
        } else if !line.is_empty() {
            paragraph.push(line);
        }
        i += 1;
    }
    if !paragraph.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", inline(&paragraph.join(" ")));
    }
    if list {
        out.push_str("</ul>\n");
    }
    if let Some(t) = table {
        t.write(&mut out);
    }
    out
}

/// The cells of a `| a | b |` row, trimmed.
fn split_row(line: &str) -> Vec<&str> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    inner.split('|').map(str::trim).collect()
}

/// Text without its Markdown marks, for captions and header cells (escaped by the table).
fn plain(text: &str) -> String {
    text.replace("**", "").replace('`', "")
}

/// Inline Markdown as HTML: `code` spans, then **bold** in the text between them.
fn inline(text: &str) -> String {
    let mut out = String::new();
    let parts: Vec<&str> = text.split('`').collect();
    // An odd number of backticks leaves the last one unmatched: it stays a backtick.
    let closed = parts.len() % 2 == 1;
    for (k, part) in parts.iter().enumerate() {
        if k % 2 == 1 && (closed || k + 1 < parts.len()) {
            let _ = write!(out, "<code>{}</code>", esc(part));
        } else {
            if k % 2 == 1 {
                out.push('`');
            }
            out.push_str(&bold(part));
        }
    }
    out
}

/// `**x**` as `<strong>x</strong>`; an unmatched `**` stays as written.
fn bold(text: &str) -> String {
    let pieces: Vec<&str> = text.split("**").collect();
    let mut out = String::new();
    for (k, piece) in pieces.iter().enumerate() {
        let paired = pieces.len() % 2 == 1 || k + 1 < pieces.len();
        if k % 2 == 1 && paired {
            let _ = write!(out, "<strong>{}</strong>", esc(piece));
        } else {
            if k % 2 == 1 {
                out.push_str("**");
            }
            out.push_str(&esc(piece));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_subset_becomes_html() {
        let md = "# Model description: `x`\n\nIntro <b> & `a<b`.\nsecond line\n\n\
                  ## 1. Purpose\n\n- **Arms**: `base`\n- two\n\n### Sub\n\n\
                  | nation | GDP |\n|---|---|\n| USA | 29.2 |\n\nAfter.\n";
        let html = to_html(md, 3, "odd");
        assert!(!html.contains("Model description"), "{html}");
        assert!(html.contains("<p>Intro &lt;b&gt; &amp; <code>a&lt;b</code>. second line</p>"));
        assert!(html.contains("<h3 id=\"odd-1\">1. Purpose</h3>"), "{html}");
        assert!(html.contains("<ul>\n<li><strong>Arms</strong>: <code>base</code></li>"));
        assert!(html.contains("<h4 id=\"odd-2\">Sub</h4>"), "{html}");
        assert!(html.contains("<caption>Sub</caption>"), "{html}");
        assert!(html.contains("<th scope=\"col\">GDP</th>"), "{html}");
        assert!(
            html.contains("<th scope=\"row\">USA</th><td>29.2</td>"),
            "{html}"
        );
        assert!(html.ends_with("<p>After.</p>\n"), "{html}");
    }

    #[test]
    fn headings_never_skip_a_level() {
        let html = to_html("## A\n\n#### deep\n\n##### deeper\n\n## B\n", 3, "x");
        assert!(html.contains("<h3 id=\"x-1\">A</h3>"), "{html}");
        assert!(html.contains("<h4 id=\"x-2\">deep</h4>"), "{html}");
        assert!(html.contains("<h5 id=\"x-3\">deeper</h5>"), "{html}");
        assert!(html.contains("<h3 id=\"x-4\">B</h3>"), "{html}");
    }

    #[test]
    fn unmatched_marks_stay_text() {
        assert_eq!(inline("a ` b"), "a ` b");
        assert_eq!(inline("a ** b"), "a ** b");
        assert_eq!(inline("<script>"), "&lt;script&gt;");
    }
}
