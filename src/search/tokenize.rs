//! The search tokenizer (pure): how text becomes index terms, and how a
//! query does.
//!
//! The index is written here and queried in the reader's browser by
//! `searcher.js`, which cuts queries by the same rules; a term cut
//! differently on the two sides is a term that can never be found. So the
//! rules are ones that Rust and JavaScript express identically, through
//! Unicode properties both know (`Alphabetic`, `Numeric`, `Mark`), canonical
//! normalization, and fixed code point ranges, rather than UAX #29 word
//! boundaries: their browser counterpart, `Intl.Segmenter`, is ICU's, which
//! cuts Chinese and Japanese with a dictionary that the `unicode-segmentation`
//! crate does not have, and tailors other scripts in ways the crate does not.
//!
//! 1. **Fold**: lower case, canonical decomposition, the combining
//!    diacritical marks U+0300–U+036F dropped, canonical composition (so
//!    `Tamaño` and `tamano` are both `tamano`, while Hangul syllables and
//!    kana keep their form).
//! 2. **Runs**: maximal runs of word characters (`Alphabetic`, `Numeric`
//!    or `Mark`) of one kind: *dense* characters (Han, kana, Hangul), which
//!    are written without spaces between words, or the others. Everything
//!    else (spaces, punctuation, apostrophes, hyphens) separates runs.
//! 3. **Terms**: a run of other characters is one term (a word). A dense run
//!    gives its overlapping bigrams, so any word of two or more characters
//!    is found wherever it occurs, with no dictionary, whatever the words
//!    around it; in the index, the run's last character also stands alone,
//!    so that every character of the text begins some term and a
//!    one-character query finds it through the prefix expansion of
//!    mdBook's search (`expand`, on by default; with it off, the index
//!    holds every character alone).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Longer words are not indexed (mdBook's limit, there in bytes).
pub const MAX_WORD_CHARS: usize = 80;

/// Lower case without accents: `Ñandú` → `nandu`, `İ` → `i`; Hangul and kana
/// keep their composed form.
pub fn fold(text: &str) -> String {
    let lower = text.to_lowercase();
    if lower.chars().all(folds_to_itself) {
        return lower;
    }
    // Only the stretches of other characters go through the
    // normalizations, each with the character before it (a mark may follow
    // a letter): English prose with a dash or a curly quote is otherwise
    // normalized whole.
    let mut folded = String::with_capacity(lower.len());
    let mut rest = lower.as_str();
    while let Some(other) = rest.find(|c| !folds_to_itself(c)) {
        let start = rest[..other].char_indices().next_back().map_or(0, |(at, _)| at);
        let end = rest[other..]
            .find(folds_to_itself)
            .map_or(rest.len(), |length| other + length);
        folded.push_str(&rest[..start]);
        folded.push_str(&fold_normalized(&rest[start..end]));
        rest = &rest[end..];
    }
    folded.push_str(rest);
    folded
}

/// Lower-case `lower` without accents, through the normalizations.
fn fold_normalized(lower: &str) -> String {
    let stripped: String = lower.nfd().filter(|c| !is_accent(*c)).collect();
    stripped.nfc().collect()
}

/// Whether `c` is left as it is by folding whatever surrounds it: it has no
/// canonical decomposition, is not a combining mark and composes with
/// nothing that follows it (ASCII, CJK punctuation but its tone marks, the
/// CJK Unified Ideographs of the main block and extension A, full-width
/// ASCII forms). Text made of these alone skips the normalizations, which
/// are most of an index's tokenizing.
fn folds_to_itself(c: char) -> bool {
    matches!(c as u32,
        0x00..=0x7F | 0x3000..=0x3029 | 0x3030..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF01..=0xFF5E)
}

/// The combining diacritical marks that folding drops.
fn is_accent(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// Whether `c` belongs to a script written without spaces between words
/// (Han, Hiragana, Katakana) or whose words are short syllable blocks
/// (Hangul), whose runs are cut into bigrams.
pub fn is_dense(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF      // Hangul Jamo
        | 0x3005 | 0x3007    // 々 〇
        | 0x3040..=0x309F    // Hiragana
        | 0x30A0..=0x30FA    // Katakana (not the middle dot U+30FB)
        | 0x30FC..=0x30FF    // ー and the Katakana iteration marks
        | 0x3130..=0x318F    // Hangul Compatibility Jamo
        | 0x31F0..=0x31FF    // Katakana Phonetic Extensions
        | 0x3400..=0x4DBF    // CJK Unified Ideographs Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xA960..=0xA97F    // Hangul Jamo Extended-A
        | 0xAC00..=0xD7FF    // Hangul Syllables, Jamo Extended-B
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0xFF66..=0xFF9F    // Halfwidth Katakana
        | 0x20000..=0x3FFFF  // CJK Unified Ideographs Extensions B–I
    )
}

/// Whether `c` is part of a word.
fn is_word(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric() || is_combining_mark(c)
}

/// A run of word characters of one kind in folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run<'a> {
    /// The run's text.
    pub text: &'a str,
    /// Whether it is a run of dense characters, cut into bigrams.
    pub dense: bool,
}

/// The runs of `folded` text, in order.
pub fn runs(folded: &str) -> Vec<Run<'_>> {
    let mut runs = Vec::new();
    let mut start: Option<(usize, bool)> = None;
    for (at, c) in folded.char_indices() {
        let kind = if is_dense(c) {
            Some(true)
        } else {
            is_word(c).then_some(false)
        };
        if let Some((begin, dense)) = start
            && kind != Some(dense)
        {
            runs.push(Run {
                text: &folded[begin..at],
                dense,
            });
            start = None;
        }
        if let (None, Some(dense)) = (start, kind) {
            start = Some((at, dense));
        }
    }
    if let Some((begin, dense)) = start {
        runs.push(Run {
            text: &folded[begin..],
            dense,
        });
    }
    runs
}

/// Which terms a dense run gives besides its bigrams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Singles {
    /// None (a query: a one-character run is still its own term).
    Query,
    /// The run's last character (an index read with prefix expansion).
    Last,
    /// Every character (an index read without prefix expansion).
    Every,
}

/// The terms of `text`, in order, as the index holds them (`Singles::Last`
/// or `Every`) or as a query looks for them (`Singles::Query`).
pub fn terms(text: &str, singles: Singles) -> Vec<String> {
    let folded = fold(text);
    let mut terms = Vec::new();
    for run in runs(&folded) {
        if !run.dense {
            if singles == Singles::Query || run.text.chars().count() <= MAX_WORD_CHARS {
                terms.push(run.text.to_string());
            }
            continue;
        }
        let chars: Vec<char> = run.text.chars().collect();
        for pair in chars.windows(2) {
            if singles == Singles::Every {
                terms.push(pair[0].to_string());
            }
            terms.push(pair.iter().collect());
        }
        let last = chars[chars.len() - 1];
        if singles != Singles::Query || chars.len() == 1 {
            terms.push(last.to_string());
        }
    }
    terms
}

#[cfg(test)]
mod fold_tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_characters_that_fold_to_themselves_are_left_so_by_the_normalizations() {
        let fast: Vec<char> = (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|&c| folds_to_itself(c) && c.to_lowercase().eq(std::iter::once(c)))
            .collect();
        assert!(fast.len() > 20_000, "{}", fast.len());
        // Each alone, and each after every ASCII letter and after its neighbours.
        for (i, &c) in fast.iter().enumerate() {
            let alone = c.to_string();
            assert_eq!(fold_normalized(&alone), alone, "U+{:04X}", c as u32);
            let next = fast[(i + 1) % fast.len()];
            let text = format!("a{c}{next}é{c}");
            assert_eq!(fold(&text), fold_normalized(&text.to_lowercase()), "U+{:04X}", c as u32);
            let text = format!("{c}{next}");
            assert_eq!(fold(&text), fold_normalized(&text), "U+{:04X}", c as u32);
        }
    }

    proptest! {
        // A fixed seed: CI runs the same cases every time.
        #![proptest_config(ProptestConfig {
            cases: 3000,
            rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_201),
            ..ProptestConfig::default()
        })]

        /// Folding stretch by stretch is folding the whole text: ASCII and
        /// CJK beside accented letters, combining marks (after a letter or
        /// alone), Hangul jamo that compose, kana with voicing marks.
        #[test]
        fn folding_by_stretches_is_folding_the_whole(
            chars in prop::collection::vec(prop_oneof![
                prop::char::range('a', 'z'),
                prop::char::range('A', 'Z'),
                Just(' '),
                prop::char::range('\u{C0}', '\u{17F}'),
                prop::char::range('\u{300}', '\u{36F}'),
                prop::char::range('\u{1DC0}', '\u{1DFF}'),
                prop::char::range('\u{1100}', '\u{11FF}'),
                prop::char::range('\u{3040}', '\u{30FF}'),
                prop::char::range('\u{3000}', '\u{303F}'),
                prop::char::range('\u{4E00}', '\u{4E20}'),
                prop::char::range('\u{AC00}', '\u{AC40}'),
                prop::char::range('\u{2010}', '\u{2027}'),
                prop::char::range('\u{FF01}', '\u{FF5E}'),
                prop::char::range('\u{0900}', '\u{097F}'),
                prop::char::range('\u{0B00}', '\u{0B7F}'),
                prop::char::range('\u{1E00}', '\u{1EFF}'),
            ], 0..24)
        ) {
            let text: String = chars.into_iter().collect();
            prop_assert_eq!(fold(&text), fold_normalized(&text.to_lowercase()), "{:?}", text);
        }
    }
}
