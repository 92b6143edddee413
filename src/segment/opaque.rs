//! Opaque spans: math, `{{#…}}` directives, bare URLs and do-not-translate
//! matches found in the text of a segment, each made one opaque token (a
//! placeholder of its units).

use super::SegmentOptions;
use super::inline::{PairInfo, Token};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

static MATHJAX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)\\\\\(.*?\\\\\)|\\\\\[.*?\\\\\]").expect("the MathJax pattern is valid"));
static DIRECTIVE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{#[^}]*\}\}").expect("the directive pattern is valid"));
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\b(?:https?|ftp)://[^\s<>"'`]*[^\s<>"'`.,;:!?)\]]|\bwww\.[A-Za-z0-9-]+\.[^\s<>"'`]*[^\s<>"'`.,;:!?)\]]"#,
    )
    .expect("the URL pattern is valid")
});

/// Finds math, directives, URLs and do-not-translate matches in the text
/// of a segment (the source bytes `block`) and turns each into one opaque
/// token. Returns `None` when a match cuts paired markup in two (the
/// segment is then kept as is).
///
/// In steps: find the candidate spans, earlier kinds first; keep those that
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
    let candidates = candidate_spans(source, block, options);
    if candidates.spans.is_empty() {
        return Some(tokens);
    }
    let spans = accept_candidates(&tokens, candidates);
    let spans = grow_over_unsplittable_tokens(&tokens, spans);
    if cuts_a_pair(&tokens, pairs.len(), &spans) {
        return None;
    }
    Some(replace_spans(tokens, &spans))
}

/// Matches in the order they are preferred; the ones from
/// `first_pattern` on (URLs, do-not-translate) count only inside text.
struct Candidates {
    spans: Vec<Range<usize>>,
    first_pattern: usize,
}

fn candidate_spans(source: &str, block: Range<usize>, options: &SegmentOptions) -> Candidates {
    let text = &source[block.clone()];
    let shift = |r: Range<usize>| r.start + block.start..r.end + block.start;
    let mut spans: Vec<Range<usize>> = Vec::new();
    if options.mathjax {
        spans.extend(MATHJAX.find_iter(text).map(|m| shift(m.range())));
    }
    if options.dollar_math {
        spans.extend(dollar_math_spans(text).into_iter().map(shift));
    }
    spans.extend(DIRECTIVE.find_iter(text).map(|m| shift(m.range())));
    let first_pattern = spans.len();
    spans.extend(URL.find_iter(text).map(|m| shift(m.range())));
    for pattern in &options.do_not_translate {
        spans.extend(pattern.find_iter(text).map(|m| shift(m.range())));
    }
    Candidates { spans, first_pattern }
}

/// The candidates that start outside bytes already kept (code spans, link
/// destinations, inline HTML) and overlap no earlier one; patterns only
/// where they lie inside one exact text token.
fn accept_candidates(tokens: &[Token], candidates: Candidates) -> Vec<Range<usize>> {
    let kept_ranges: Vec<Range<usize>> = tokens
        .iter()
        .filter(|t| matches!(t, Token::Opaque { .. } | Token::Open { .. } | Token::Close { .. }))
        .map(|t| t.range().clone())
        .filter(|r| !r.is_empty())
        .collect();
    let mut spans: Vec<Range<usize>> = Vec::new();
    for (position, candidate) in candidates.spans.into_iter().enumerate() {
        if candidate.is_empty()
            || kept_ranges
                .iter()
                .any(|k| k.start <= candidate.start && candidate.start < k.end)
            || spans.iter().any(|s| s.start < candidate.end && candidate.start < s.end)
        {
            continue;
        }
        let inside_text = || {
            tokens.iter().any(|t| {
                matches!(t, Token::Text { exact: true, .. })
                    && t.range().start <= candidate.start
                    && candidate.end <= t.range().end
            })
        };
        if position >= candidates.first_pattern && !inside_text() {
            continue;
        }
        spans.push(candidate);
    }
    spans
}

/// Grows the spans over the tokens they cut that cannot be split (all but
/// exact text), merging spans that come to overlap, until nothing changes.
/// The result is sorted and non-overlapping.
fn grow_over_unsplittable_tokens(tokens: &[Token], mut spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    loop {
        let mut grew = false;
        for span in spans.iter_mut() {
            for token in tokens {
                let r = token.range();
                let overlaps = r.start < span.end && span.start < r.end;
                let inside = span.start <= r.start && r.end <= span.end;
                let splittable = matches!(token, Token::Text { exact: true, .. });
                if overlaps && !inside && !splittable {
                    span.start = span.start.min(r.start);
                    span.end = span.end.max(r.end);
                    grew = true;
                }
            }
        }
        spans.sort_by_key(|s| s.start);
        let mut merged: Vec<Range<usize>> = Vec::new();
        for span in spans.drain(..) {
            match merged.last_mut() {
                Some(last) if span.start < last.end => {
                    last.end = last.end.max(span.end);
                    grew = true;
                }
                _ => merged.push(span),
            }
        }
        spans = merged;
        if !grew {
            return spans;
        }
    }
}

/// Whether one end of a pair lies inside a span and the other not (or in another).
fn cuts_a_pair(tokens: &[Token], n_pairs: usize, spans: &[Range<usize>]) -> bool {
    let span_of = |range: &Range<usize>| spans.iter().position(|s| s.start <= range.start && range.end <= s.end);
    (0..n_pairs).any(|pair| {
        let mut open_in = None;
        let mut close_in = None;
        for token in tokens {
            match token {
                Token::Open { pair: p, range } if *p == pair => open_in = span_of(range),
                Token::Close { pair: p, range } if *p == pair => close_in = span_of(range),
                _ => {}
            }
        }
        open_in != close_in
    })
}

/// The tokens with each span made one opaque token: tokens inside a span
/// are dropped, exact text tokens that a span cuts are split around it.
fn replace_spans(tokens: Vec<Token>, spans: &[Range<usize>]) -> Vec<Token> {
    let mut result = Vec::new();
    let mut emitted = vec![false; spans.len()];
    for token in tokens {
        let r = token.range().clone();
        let covering = spans
            .iter()
            .position(|s| s.start <= r.start && r.end <= s.end && !(r.is_empty() && r.start == s.end));
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
    for (i, span) in spans.iter().enumerate() {
        if span.end <= range.start || span.start >= range.end {
            continue;
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

/// Byte spans of dollar math in `text`: `$$…$$` anywhere, `$…$` when the
/// opening `$` is not followed by white space, the closing one is not
/// preceded by white space nor followed by a digit.
fn dollar_math_spans(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'$' if bytes.get(i + 1) == Some(&b'$') => match text[i + 2..].find("$$") {
                Some(offset) => {
                    spans.push(i..i + 2 + offset + 2);
                    i += 2 + offset + 2;
                }
                None => i += 2,
            },
            b'$' => match closing_dollar(bytes, i) {
                Some(j) => {
                    spans.push(i..j + 1);
                    i = j + 1;
                }
                None => i += 1,
            },
            _ => i += 1,
        }
    }
    spans
}

/// The `$` that closes the one at `open`, if the pair is math.
fn closing_dollar(bytes: &[u8], open: usize) -> Option<usize> {
    if bytes.get(open + 1).is_none_or(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let mut j = open + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 1,
            b'$' => {
                let before_ok = !bytes[j - 1].is_ascii_whitespace();
                let after_ok = !bytes.get(j + 1).is_some_and(|b| b.is_ascii_digit());
                return (before_ok && after_ok && j > open + 1).then_some(j);
            }
            _ => {}
        }
        j += 1;
    }
    None
}
