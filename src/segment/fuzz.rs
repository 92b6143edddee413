//! Fuzzing over arbitrary markdown: chapters glued together from fragments
//! that open, close and break markup (emphasis, code, math, links, code-like
//! HTML, directives, containers, fences), in any order. Properties:
//!
//! - segmenting never panics;
//! - the identity round trip is byte exact;
//! - a pseudo-translation keeps every code span, code block, math span,
//!   inline HTML, link destination, URL and e-mail address byte for byte and re-parses to the same
//!   block structure, or the chapter is refused (kept in the source
//!   language, and said so) — never silently changed.
//!
//! The seed is fixed and the cases bounded, so CI runs the same cases each
//! time; `MDBOOK_TRANSLATE_FUZZ_CASES=N` runs more (and
//! `MDBOOK_TRANSLATE_FUZZ_SEED=S` other ones).

use super::*;
use crate::translate::pseudo_translate;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed, TestCaseError};
use pulldown_cmark::{Tag, TagEnd};

/// Pieces of markdown that open, close or break markup. URLs and e-mail
/// addresses come with spaces around them: glued to words they would be
/// other words (`wordhttps://…`), ambiguous for any reader.
const FRAGMENTS: &[&str] = &[
    "word",
    "Word",
    "the",
    " ",
    " ",
    "\n",
    "\n\n",
    "*",
    "_",
    "**",
    "__",
    "`",
    "``",
    "$",
    "$$",
    "[",
    "]",
    "(",
    ")",
    "](https://example.com/a_b)",
    "](#x)",
    "<kbd>",
    "</kbd>",
    "<code>",
    "</code>",
    "<var>x</var>",
    "<b>",
    "</b>",
    "{{#include a.rs}}",
    "{{ #title T }}",
    "\\{{#include b.rs}}",
    "{{",
    "}}",
    "#",
    "\\\\(",
    "\\\\)",
    "\\\\[",
    "\\\\]",
    " https://example.com/p_q ",
    " www.example.org ",
    " me@example.org ",
    "> ",
    "- ",
    "1. ",
    "# ",
    "## ",
    "| a | b |\n|---|---|\n",
    "|",
    "---",
    "```\n",
    "~~~",
    "    ",
    "!",
    ".",
    "?",
    "\\",
    "&amp;",
    "&",
    "~~",
    "[^1]",
    "[^1]: note\n",
    "<!-- i18n:skip -->\n",
    "<details>\n",
    "<summary>More</summary>\n",
    "</details>\n",
    "Term\n: Definition\n",
    "  \n",
    "\t",
    "中文",
    "。",
    "<",
    ">",
    "{#id}",
    "$x_i$",
    "$a*b$",
];

fn chapter() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..80).prop_map(|pieces| pieces.concat())
}

fn config() -> ProptestConfig {
    let number = |variable: &str| std::env::var(variable).ok().and_then(|v| v.parse().ok());
    ProptestConfig {
        cases: number("MDBOOK_TRANSLATE_FUZZ_CASES").map_or(512, |n: u64| n as u32),
        rng_seed: RngSeed::Fixed(number("MDBOOK_TRANSLATE_FUZZ_SEED").unwrap_or(20_261_201)),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn options() -> SegmentOptions {
    SegmentOptions {
        mathjax: true,
        dollar_math: true,
        source_language: "en".parse().expect("a language tag"),
        ..SegmentOptions::default()
    }
}

fn splice(markdown: &str, translate: &dyn Fn(&str) -> Option<String>) -> Result<SplicedChapter, SpliceError> {
    let chapter = extract_segments(markdown, &options());
    let ids = HeadingIds::compute(markdown, false);
    let splice_options = SpliceOptions {
        target_language: &"xx".parse().expect("a language tag"),
        heading_ids: &ids,
        escape_dollar: true,
        render_unchanged: false,
    };
    splice_chapter(
        markdown,
        &chapter,
        &|unit: &Unit| translate(&unit.tagged),
        splice_options,
    )
}

/// Inline HTML the splice writes for emphasis, strong and strikethrough.
const EMPHASIS_TAGS: [&str; 6] = ["<em>", "</em>", "<strong>", "</strong>", "<del>", "</del>"];

/// Everything a translation must keep byte for byte, in order: code blocks
/// and spans, math, code-like HTML elements, inline HTML and link
/// destinations, as the parser (math on) reads them.
fn kept(markdown: &str) -> Vec<String> {
    let mut kept = Vec::new();
    let mut code_block: Option<String> = None;
    for (event, range) in Parser::new_ext(markdown, segment_parser_options(true)).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => code_block = Some(String::new()),
            Event::End(TagEnd::CodeBlock) => kept.extend(code_block.take()),
            Event::Text(text) if code_block.is_some() => {
                if let Some(block) = code_block.as_mut() {
                    block.push_str(&text)
                }
            }
            Event::Code(_) | Event::InlineMath(_) | Event::DisplayMath(_) => kept.push(markdown[range].to_string()),
            // The splice may write emphasis as these tags where delimiters
            // would not parse next to the translated text.
            Event::InlineHtml(html) if EMPHASIS_TAGS.contains(&html.as_ref()) => {}
            Event::InlineHtml(html) | Event::Html(html) => kept.push(html.to_string()),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => kept.push(dest_url.to_string()),
            _ => {}
        }
    }
    let url = regex::Regex::new(r"(?-u:\b)https?://[A-Za-z0-9./_#?=%-]+|(?-u:\b)[a-z]+@[a-z.]+").expect("valid");
    kept.extend(url.find_iter(markdown).map(|m| m.as_str().to_string()));
    kept
}

/// The property: the identity round trip is byte exact, and a
/// pseudo-translation keeps everything [`kept`] lists, or the chapter is
/// refused as a whole (kept in the source language and reported).
fn check_lossless(markdown: &str) -> Result<(), TestCaseError> {
    let identity = splice(markdown, &|tagged| Some(tagged.to_string())).expect("identity keeps the structure");
    prop_assert_eq!(&identity.markdown, markdown);
    if let Ok(translated) = splice(markdown, &pseudo_translate) {
        // HTML text of `<summary>` is translated; everything else is kept.
        let without_html_text = |parts: Vec<String>| -> Vec<String> {
            parts
                .into_iter()
                .map(|p| blocks::mask_html_text(&p).into_owned())
                .collect()
        };
        let (before, after) = (kept(markdown), kept(&translated.markdown));
        prop_assert_eq!(
            without_html_text(before),
            without_html_text(after),
            "{}",
            translated.markdown
        );
    }
    Ok(())
}

/// Every input the fuzzing found to fail, each fixed since.
const FOUND: &[&str] = &[
    "me@example.org中文",
    "word](https://example.com/a_b){{#include a.rs}}",
    "~~\\\\(https://example.com/p_q\\\\)~~ ",
    "*wordwordword$\\\\[$x_i$](https://example.com/a_b)word\\\\]",
    "theme@example.org_",
    "* *[^1]: note\n*___**",
    "word\\\\(`\\\\)``word",
    "Term\n: Definition\n\\\\($\\\\){{$x_i$",
    "](https://example.com/a_b)[^1]word[^1]: note\n\\\\(](https://example.com/a_b)\\\\)",
    "<code>`</code>。``| a | b |\n|---|---|\n",
    "word[[\\{{#include b.rs}}]{{#include a.rs}}word](https://example.com/a_b)",
    "<kbd>$x_i$</kbd>[word。word]]]\\\\(](https://example.com/a_b)\\\\)",
    // The escaped directive runs to the last `}}` of its line and takes the
    // second `[`; the text's `]` closed it in the source, escaped it no
    // longer does, and the link would start inside the placeholder.
    "word[\\{{#include b.rs}}<kbd>[{{#include a.rs}}\\\\]](https://example.com/a_b)word",
];

#[test]
fn what_the_fuzzing_found_stays_fixed() {
    for markdown in FOUND {
        if let Err(error) = check_lossless(markdown) {
            panic!("{markdown:?}: {error}");
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_markdown_is_segmented_and_spliced_without_loss(markdown in chapter()) {
        check_lossless(&markdown)?;
    }
}
