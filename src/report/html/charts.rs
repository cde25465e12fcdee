//! The charts, inline: each SVG file that `charts::draw_all` wrote, embedded as markup with
//! a role, a label and a title for screen readers, and a caption saying what it shows.

use std::fmt::Write as _;
use std::path::Path;

use super::markup::esc;
use crate::error::{Error, Result};

/// What a chart shows, by its file stem under `charts/`; the same sentence for a family, and
/// none for a chart this list does not know (its title then speaks for it).
fn description(stem: &str) -> &'static str {
    match stem {
        "fragmentation" => TIME_SERIES,
        s if s.starts_with("metrics/") => TIME_SERIES,
        "effects" => {
            "Paired effect of each arm against the reference arm at the final step: mean \
             difference over runs with common random numbers, and its 95 % confidence interval."
        }
        "membership" => {
            "Mean number of members of each cooperation body over time, per arm, with the 95 % \
             confidence band of the mean."
        }
        "stances" => {
            "Final stances of run 0 of each arm on their first two principal components: one \
             representative run, not an ensemble statistic."
        }
        s if s.starts_with("sweep_") => {
            "Final-step values across the swept parameter values, per arm, with 95 % confidence \
             intervals of the mean."
        }
        s if s.starts_with("sensitivity") || s.starts_with("morris") => {
            "Sensitivity of the final-step outcome to each swept parameter; the indices are in \
             sensitivity.csv."
        }
        _ => "",
    }
}

const TIME_SERIES: &str = "Mean over the runs of each arm at every recorded step, with the \
                           shaded 95 % confidence band of the mean.";

/// Text of an XML character reference back to plain text (plotters escapes these five).
fn unescape_xml(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The chart's title: the text of its first `<text>` element, which every accord chart
/// draws first.
fn title(svg: &str) -> Option<String> {
    let start = svg.find("<text")?;
    let open_end = start + svg[start..].find('>')? + 1;
    let close = open_end + svg[open_end..].find("</text>")?;
    let text = unescape_xml(svg[open_end..close].trim());
    (!text.is_empty()).then_some(text)
}

/// Writes the chart in `path` (relative name `rel`, e.g. `charts/effects.svg`) as the
/// `index`th figure of the report.
///
/// The markup is plotters' own, in which every text is already escaped; control characters
/// are escaped as well, and the `xmlns` attribute dropped (SVG in HTML needs none, and the
/// report names no external resource).
pub(super) fn figure(out: &mut String, dir: &Path, rel: &str, index: usize) -> Result<()> {
    let path = dir.join(rel);
    let svg = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
    let svg = crate::fmt::escape_controls(&svg);
    let not_chart = || Error::Usage(format!("`{}` is not an SVG chart", path.display()));
    let body = svg.trim().strip_prefix("<svg").ok_or_else(not_chart)?;
    let (attributes, rest) = body.split_once('>').ok_or_else(not_chart)?;
    let attributes = attributes.replace(" xmlns=\"http://www.w3.org/2000/svg\"", "");
    let stem = rel
        .strip_prefix("charts/")
        .unwrap_or(rel)
        .trim_end_matches(".svg");
    let title = title(&svg).unwrap_or_else(|| stem.to_owned());
    let what = description(stem);
    let id = format!("chart-{index}");
    let _ = writeln!(out, "<figure id=\"{id}\">");
    let label = if what.is_empty() {
        title.clone()
    } else {
        format!("{title} — {what}")
    };
    let _ = writeln!(
        out,
        "<svg{attributes} class=\"chart\" role=\"img\" aria-label=\"{}\">",
        esc(&label)
    );
    let _ = writeln!(out, "<title>{}</title>", esc(&title));
    out.push_str(rest.trim_start());
    out.push('\n');
    let png = format!("{}.png", rel.trim_end_matches(".svg"));
    let mut links = format!("<a href=\"{}\">SVG</a>", esc(rel));
    if dir.join(&png).is_file() {
        let _ = write!(links, " · <a href=\"{}\">PNG</a>", esc(&png));
    }
    let _ = writeln!(
        out,
        "<figcaption><strong>Figure {}. {}.</strong> {what} <span class=\"files\">{links}</span></figcaption>",
        index + 1,
        esc(&title)
    );
    out.push_str("</figure>\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_by_family_and_none_for_unknown_charts() {
        assert_eq!(description("metrics/clusters"), TIME_SERIES);
        assert_eq!(description("fragmentation"), TIME_SERIES);
        assert!(description("sweep_a_b").starts_with("Final-step values"));
        assert!(description("morris_fragmentation").contains("sensitivity.csv"));
        assert_eq!(description("something_new"), "");
    }

    #[test]
    fn title_is_the_first_text_unescaped() {
        let svg = "<svg width=\"1\">\n<rect/>\n<text x=\"1\">\nA &lt;b&gt; &amp; c\n</text>\
                   <text>second</text></svg>";
        assert_eq!(title(svg).as_deref(), Some("A <b> & c"));
        assert_eq!(title("<svg></svg>"), None);
    }

    #[test]
    fn figure_is_labelled_and_has_no_namespace_url() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("charts")).unwrap();
        std::fs::write(
            dir.path().join("charts/effects.svg"),
            "<svg width=\"10\" height=\"5\" viewBox=\"0 0 10 5\" \
             xmlns=\"http://www.w3.org/2000/svg\">\n<text>T &quot;x&quot;\u{1b}</text>\n</svg>\n",
        )
        .unwrap();
        let mut out = String::new();
        figure(&mut out, dir.path(), "charts/effects.svg", 0).unwrap();
        assert!(!out.contains("http"), "{out}");
        assert!(out.contains("role=\"img\""), "{out}");
        assert!(out.contains("<title>T &quot;x&quot;\\u{1b}</title>"));
        assert!(
            out.contains("aria-label=\"T &quot;x&quot;\\u{1b} — Paired effect"),
            "{out}"
        );
        assert!(
            out.contains("<a href=\"charts/effects.svg\">SVG</a></span>"),
            "{out}"
        );
        assert!(!out.contains('\u{1b}'));
        std::fs::write(dir.path().join("charts/x.svg"), "<html>").unwrap();
        assert!(figure(&mut out, dir.path(), "charts/x.svg", 1).is_err());
    }
}
