//! Pure segmentation: markdown → translatable segments and kept ranges.

/// Extracts the prose of a chapter as one string per leaf block (paragraph,
/// heading, list item text, table cell, …), with code, math, URLs and HTML
/// left out and white space normalised.
///
/// This is the view of a chapter that quality evaluation scores.
pub fn prose_paragraphs(markdown: &str) -> Vec<String> {
    // Placeholder implementation until the segmenter lands: blank-line separated blocks.
    markdown
        .split("\n\n")
        .map(|block| block.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|block| !block.is_empty() && !block.starts_with("```"))
        .collect()
}
