//! Which chapter of the translation translates which source chapter: the
//! one at the same path, else the one with the same title key — the same
//! title text, the same explicit id on the first heading (`{#id}`), or
//! the same d2lbook label under it (`` :label:`sec_x` ``), which
//! translations keep.

use super::ChapterText;
use super::report::MatchedBy;
use regex::Regex;
use std::sync::LazyLock;

/// A source chapter and its translation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ChapterMatch<'a> {
    /// The source chapter.
    pub(crate) source: &'a ChapterText,
    /// Its translation.
    pub(crate) target: &'a ChapterText,
    /// How they were matched.
    pub(crate) by: MatchedBy,
}

/// The chapters matched, in source order, and the paths of those left
/// without a counterpart on each side.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChapterMatches<'a> {
    pub(crate) matched: Vec<ChapterMatch<'a>>,
    pub(crate) unmatched_source: Vec<String>,
    pub(crate) unmatched_target: Vec<String>,
}

/// Matches chapters by path, then by title key.
pub(crate) fn match_chapters<'a>(source: &'a [ChapterText], target: &'a [ChapterText]) -> ChapterMatches<'a> {
    let mut taken = vec![false; target.len()];
    let mut found: Vec<Option<(usize, MatchedBy)>> = source
        .iter()
        .map(|chapter| {
            let index = target.iter().position(|other| other.path == chapter.path)?;
            taken[index] = true;
            Some((index, MatchedBy::Path))
        })
        .collect();
    let target_keys: Vec<Vec<String>> = target.iter().map(title_keys).collect();
    for (chapter, slot) in source.iter().zip(&mut found) {
        if slot.is_some() {
            continue;
        }
        let keys = title_keys(chapter);
        let index =
            (0..target.len()).find(|&index| !taken[index] && target_keys[index].iter().any(|key| keys.contains(key)));
        if let Some(index) = index {
            taken[index] = true;
            *slot = Some((index, MatchedBy::Title));
        }
    }
    let mut matches = ChapterMatches::default();
    for (chapter, slot) in source.iter().zip(found) {
        match slot {
            Some((index, by)) => matches.matched.push(ChapterMatch {
                source: chapter,
                target: &target[index],
                by,
            }),
            None => matches.unmatched_source.push(chapter.path.clone()),
        }
    }
    matches.unmatched_target = target
        .iter()
        .zip(taken)
        .filter(|(_, taken)| !taken)
        .map(|(chapter, _)| chapter.path.clone())
        .collect();
    matches
}

/// What identifies a chapter across languages besides its path.
fn title_keys(chapter: &ChapterText) -> Vec<String> {
    let mut keys = Vec::new();
    let title = chapter.title.trim();
    if !title.is_empty() {
        keys.push(format!("title {title}"));
    }
    let mut lines = chapter.markdown.lines().skip_while(|line| !line.starts_with('#'));
    if let Some(heading) = lines.next() {
        keys.extend(
            HEADING_ID
                .captures(heading)
                .map(|captures| format!("id {}", &captures[1])),
        );
        let label = lines.find(|line| !line.trim().is_empty());
        keys.extend(
            label
                .and_then(|line| LABEL.captures(line))
                .map(|captures| format!("id {}", &captures[1])),
        );
    }
    keys
}

static HEADING_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{[^}]*#([^\s}]+)[^}]*\}\s*$").expect("the heading id pattern is valid"));

static LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*:label:`([^`]+)`\s*$").expect("the label pattern is valid"));
