//! The prose of a chapter, as evaluation scores it.

use crate::segment::tagged::plain_text;
use crate::segment::{SegmentOptions, extract_segments};

/// Extracts the prose of a chapter as one string per leaf block (paragraph,
/// heading, list item text, table cell, …), with code, math, URLs and HTML
/// left out and white space normalised.
///
/// ```
/// use mdbook_translate::eval::prose_paragraphs;
///
/// let chapter = "# Title\n\nRun `cargo`  now.\nAt \\\\(x\\\\).\n\n```\ncode\n```\n";
/// assert_eq!(prose_paragraphs(chapter), ["Title", "Run now. At ."]);
/// ```
pub fn prose_paragraphs(markdown: &str) -> Vec<String> {
    let options = SegmentOptions {
        mathjax: true,
        dollar_math: true,
        ..SegmentOptions::default()
    };
    extract_segments(markdown, &options)
        .segments
        .iter()
        .filter_map(|segment| {
            let text: Vec<String> = segment
                .units
                .iter()
                .filter_map(|unit| plain_text(&unit.tagged).ok())
                .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|text| !text.is_empty())
                .collect();
            (!text.is_empty()).then(|| text.join(" "))
        })
        .collect()
}
