//! Opaque spans: MathJax math, `{{#…}}` directives, bare URLs, e-mail
//! addresses and do-not-translate matches found in the text of a segment,
//! each made one opaque token (a placeholder of its units). Dollar math
//! needs no search: the parser reads it as math (see
//! [`super::segment_parser_options`]).

use super::SegmentOptions;
use super::inline::{PairInfo, Token};
use regex::Regex;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

static MATHJAX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)\\\\\(.*?\\\\\)|\\\\\[.*?\\\\\]").expect("the MathJax pattern is valid"));
/// mdBook's `links` preprocessor's pattern: an escaped directive
/// (`\{{#…}}`, written out without its backslash) or `{{ #name args }}`,
/// white space allowed after the braces.
pub(super) static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\\\{\{#.*\}\}|\{\{\s*#[a-zA-Z0-9_]+\s+[^}]+\}\}").expect("the directive pattern is valid")
});
/// URLs end at white space, quotes, angle and square brackets (which a URL
/// must percent-encode), CJK text and punctuation
/// (text in Chinese or Japanese runs on with no space), and never end in
/// sentence punctuation. Word boundaries are ASCII ones, so a URL right
/// after CJK text is found.
static URL: LazyLock<Regex> = LazyLock::new(|| {
    let part = r#"[^\s<>"'`\[\]\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\x{3000}-\x{303F}\x{FF00}-\x{FFEF}]"#;
    let last = r#"[^\s<>"'`.,;:!?)\[\]\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\x{3000}-\x{303F}\x{FF00}-\x{FFEF}]"#;
    Regex::new(&format!(
        r"(?-u:\b)(?:https?|ftp)://{part}*{last}|(?-u:\b)www\.[A-Za-z0-9-]+\.{part}*{last}"
    ))
    .expect("the URL pattern is valid")
});
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
        .expect("the e-mail pattern is valid")
});

/// Finds MathJax math, directives, URLs, e-mail addresses and
/// do-not-translate matches in the text of a segment (the source bytes
/// `block`) and turns each into one opaque token. Returns `None` when a
/// match cuts paired markup in two (the segment is then refused and
/// reported).
///
/// In steps: find math and directives and keep those that start outside
/// kept bytes; find the patterns in the text around them; keep those that
/// start outside kept bytes and overlap no kept span; grow them over the
/// tokens they cut that cannot be split; check that no pair is cut; then
/// replace the tokens the spans cover.
pub(super) fn absorb_opaque_spans(
    source: &str,
    tokens: Vec<Token>,
    pairs: &[PairInfo],
    block: Range<usize>,
    options: &SegmentOptions,
) -> Option<Vec<Token>> {
    // Math and directives first; then the patterns, in the text around them.
    let markup = accept_candidates(&tokens, markup_candidates(source, block, options));
    let patterns = pattern_candidates(source, &tokens, &markup, options);
    if markup.is_empty() && patterns.is_empty() {
        return Some(tokens);
    }
    let spans = accept_candidates(&tokens, markup.into_iter().chain(patterns).collect());
    let spans = grow_over_unsplittable_tokens(&tokens, spans);
    if cuts_a_pair(&tokens, pairs.len(), &spans) {
        return None;
    }
    Some(replace_spans(tokens, &spans))
}

/// MathJax math and directives in the segment's bytes `block`, MathJax first.
fn markup_candidates(source: &str, block: Range<usize>, options: &SegmentOptions) -> Vec<Range<usize>> {
    let text = &source[block.clone()];
    let shift = |r: Range<usize>| r.start + block.start..r.end + block.start;
    let mut spans: Vec<Range<usize>> = Vec::new();
    if options.mathjax {
        spans.extend(MATHJAX.find_iter(text).map(|m| shift(m.range())));
    }
    spans.extend(DIRECTIVE.find_iter(text).map(|m| shift(m.range())));
    spans
}

/// URLs, e-mail addresses and do-not-translate matches, in that order of
/// preference, each inside one run of text and outside the `markup` spans
/// (sorted, disjoint), so that a URL never runs on into the markup around
/// it (`_http://host_`, `[url](url)`, `url{{#include x}}`).
fn pattern_candidates(
    source: &str,
    tokens: &[Token],
    markup: &[Range<usize>],
    options: &SegmentOptions,
) -> Vec<Range<usize>> {
    let mut patterns: Vec<&Regex> = vec![&URL];
    if options.keep_email_addresses {
        patterns.push(&EMAIL);
    }
    patterns.extend(&options.do_not_translate);
    let runs = without_spans(text_runs(tokens), markup);
    let mut spans = Vec::new();
    for pattern in patterns {
        for run in &runs {
            let shift = |r: Range<usize>| r.start + run.start..r.end + run.start;
            spans.extend(pattern.find_iter(&source[run.clone()]).map(|m| shift(m.range())));
        }
    }
    spans
}

/// `runs` with the bytes of `spans` (sorted, disjoint) cut out.
fn without_spans(runs: Vec<Range<usize>>, sorted: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut pieces = Vec::new();
    for run in runs {
        let mut start = run.start;
        let first = sorted.partition_point(|s| s.end <= run.start);
        for span in sorted[first..].iter().take_while(|s| s.start < run.end) {
            if span.start > start {
                pieces.push(start..span.start);
            }
            start = start.max(span.end);
        }
        if start < run.end {
            pieces.push(start..run.end);
        }
    }
    pieces
}

/// The byte ranges of the runs of adjacent exact text tokens.
fn text_runs(tokens: &[Token]) -> Vec<Range<usize>> {
    let mut runs: Vec<Range<usize>> = Vec::new();
    for token in tokens {
        if let Token::Text { exact: true, range, .. } = token {
            match runs.last_mut() {
                Some(run) if run.end == range.start => run.end = range.end,
                _ => runs.push(range.clone()),
            }
        }
    }
    runs
}

/// The candidates that start outside bytes already kept (code spans, link
/// destinations, inline HTML) and overlap no earlier one. Sorted by start.
fn accept_candidates(tokens: &[Token], candidates: Vec<Range<usize>>) -> Vec<Range<usize>> {
    // Tokens are in source order and do not overlap: a binary search finds
    // the one a candidate starts in.
    let kept_ranges: Vec<Range<usize>> = tokens
        .iter()
        .filter(|t| matches!(t, Token::Opaque { .. } | Token::Open { .. } | Token::Close { .. }))
        .map(|t| t.range().clone())
        .filter(|r| !r.is_empty())
        .collect();
    let starts_in_kept = |position: usize| {
        let after = kept_ranges.partition_point(|k| k.start <= position);
        after > 0 && position < kept_ranges[after - 1].end
    };
    // Accepted spans by start; they never overlap, so only the last one that
    // starts before a candidate's end can overlap it.
    let mut accepted: BTreeMap<usize, usize> = BTreeMap::new();
    for candidate in candidates {
        let overlaps = accepted
            .range(..candidate.end)
            .next_back()
            .is_some_and(|(_, &end)| end > candidate.start);
        if !candidate.is_empty() && !starts_in_kept(candidate.start) && !overlaps {
            accepted.insert(candidate.start, candidate.end);
        }
    }
    accepted.into_iter().map(|(start, end)| start..end).collect()
}

/// Grows the sorted, disjoint spans over the tokens they cut that cannot
/// be split (all but exact text), merging spans that come to overlap.
/// The result is sorted and non-overlapping.
fn grow_over_unsplittable_tokens(tokens: &[Token], spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut grown: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for mut span in spans {
        // Tokens are in source order: the first that may overlap the span is
        // the last one starting at or before its start.
        let mut index = tokens
            .partition_point(|t| t.range().start <= span.start)
            .saturating_sub(1);
        while let Some(token) = tokens.get(index) {
            let r = token.range();
            if r.start >= span.end {
                break;
            }
            let overlaps = r.start < span.end && span.start < r.end;
            let inside = span.start <= r.start && r.end <= span.end;
            if overlaps && !inside && !matches!(token, Token::Text { exact: true, .. }) {
                span.start = span.start.min(r.start);
                span.end = span.end.max(r.end);
            }
            index += 1;
        }
        // A span that grew backwards may swallow the spans before it.
        while let Some(last) = grown.last()
            && span.start < last.end
        {
            span.start = span.start.min(last.start);
            span.end = span.end.max(last.end);
            grown.pop();
        }
        grown.push(span);
    }
    grown
}

/// The index of the span (sorted, disjoint) that holds `range`, if any.
fn span_holding(spans: &[Range<usize>], range: &Range<usize>) -> Option<usize> {
    let after = spans.partition_point(|s| s.start <= range.start);
    let index = after.checked_sub(1)?;
    (range.end <= spans[index].end).then_some(index)
}

/// Whether one end of a pair lies inside a span and the other not (or in another).
fn cuts_a_pair(tokens: &[Token], n_pairs: usize, spans: &[Range<usize>]) -> bool {
    let mut open_in = vec![None; n_pairs];
    let mut close_in = vec![None; n_pairs];
    for token in tokens {
        match token {
            Token::Open { pair, range } => open_in[*pair] = span_holding(spans, range),
            Token::Close { pair, range } => close_in[*pair] = span_holding(spans, range),
            _ => {}
        }
    }
    open_in != close_in
}

/// The tokens with each span made one opaque token: tokens inside a span
/// are dropped, exact text tokens that a span cuts are split around it.
fn replace_spans(tokens: Vec<Token>, spans: &[Range<usize>]) -> Vec<Token> {
    let mut result = Vec::new();
    let mut emitted = vec![false; spans.len()];
    for token in tokens {
        let r = token.range().clone();
        let covering = span_holding(spans, &r).filter(|&i| !(r.is_empty() && r.start == spans[i].end));
        if let Some(i) = covering {
            if !std::mem::replace(&mut emitted[i], true) {
                result.push(Token::Opaque {
                    range: spans[i].clone(),
                });
            }
            continue;
        }
        match token {
            Token::Text {
                text,
                range,
                exact: true,
            } => split_text_around_spans(&text, range, spans, &mut emitted, &mut result),
            token => result.push(token),
        }
    }
    result
}

/// Pushes the exact text token (`text` at `range`) split around the spans
/// inside it, each span as an opaque token where not yet `emitted`.
fn split_text_around_spans(
    text: &str,
    range: Range<usize>,
    spans: &[Range<usize>],
    emitted: &mut [bool],
    result: &mut Vec<Token>,
) {
    let mut cursor = range.start;
    let first = spans.partition_point(|s| s.end <= range.start);
    for (i, span) in spans.iter().enumerate().skip(first) {
        if span.start >= range.end {
            break;
        }
        if span.start > cursor {
            result.push(Token::Text {
                text: text[cursor - range.start..span.start - range.start].to_string(),
                range: cursor..span.start,
                exact: true,
            });
        }
        if !std::mem::replace(&mut emitted[i], true) {
            result.push(Token::Opaque { range: span.clone() });
        }
        cursor = span.end.min(range.end);
    }
    if cursor < range.end {
        result.push(Token::Text {
            text: text[cursor - range.start..].to_string(),
            range: cursor..range.end,
            exact: true,
        });
    }
}
