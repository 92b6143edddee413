//! Sentence splitting per language.
//!
//! A translatable segment is cut into sentences so that each sentence is cached and
//! translated on its own (editing one sentence re-translates one sentence) and so that
//! parallel data can pair sentence with sentence. [`split_sentences`] is the entry point; it
//! scans the characters once and does no IO.
//!
//! # What ends a sentence
//!
//! - **Spaced stops.** `.`, `?`, `!`, `…` and runs of them (`?!`, `...`) end a sentence only
//!   when white space follows and the next word can start a sentence: an uppercase letter, a
//!   digit, a letter of a script without case (Han, Hangul, Arabic, …), an inline object
//!   (U+FFFC), or an inverted mark `¿` / `¡`. Opening quotes and brackets before that word
//!   are skipped. A lowercase word or a symbol keeps the sentence going. The stops of other
//!   scripts (`।`, `؟`, `۔`, `።`) follow the same rule.
//! - **Single periods** must also not follow an abbreviation: one from the language's table
//!   (`e.g.`, `Fig.`, `Sr.`, `z. B.`, …), a single capital (an initial, as in
//!   `J. R. R. Tolkien`), a dotted acronym (`U.S.`), the second letter of a spaced
//!   abbreviation (`e. g.`), or in German a short ordinal number (`am 3. Oktober`). A period
//!   inside a word (`3.14`, `v0.5.4`, `main.rs`, `1.º`) never ends a sentence, since no white
//!   space follows it.
//! - **CJK stops** `。` `！` `？` `｡` `．` (and, in Chinese and Japanese, `……` and `⋯⋯`) end
//!   a sentence in every language, even without a following space, unless a comma, an
//!   enumeration comma, a semicolon or a colon follows. In Japanese, a quotative particle
//!   after a closing bracket (`「はい。」と言った`) keeps the sentence going.
//! - Closing quotes and brackets right after a stop stay with the sentence, and so does a
//!   closing `»` or `”` set off by a space, as in French typography.
//! - A piece without a letter, a digit or an inline object is not a sentence: it joins its
//!   neighbour.
//!
//! When in doubt the splitter does not split. A missed boundary only makes one unit of two
//! sentences, which translates well and caches a little more coarsely; a wrong boundary cuts
//! a sentence into two halves that each translate badly.
//!
//! English, Spanish, German and French have abbreviation tables; Chinese and Japanese use
//! the English table for the Latin-script text they embed. Any other language gets the
//! generic rules: everything above except the table.

use crate::language::LanguageTag;
use std::ops::Range;

use AbbreviationKind::{BeforeCapital, BeforeNumber, Never};

#[cfg(test)]
mod tests;

/// The character that stands for an opaque inline item (a code span, a math span, an
/// inline link); the splitter reads it as a word.
const OBJECT_REPLACEMENT: char = '\u{FFFC}';

/// Splits `text` into sentences; returns their byte ranges in order.
///
/// `language` is a BCP-47 code such as `en`, `en-US` or `zh-TW`. Only its primary subtag
/// counts, and an unknown language gets the generic rules described in the
/// [module documentation](crate::sentence).
///
/// Each range is trimmed of white space; the ranges are in order, do not overlap, and
/// together cover every non-white-space character of `text`. Text without a boundary gives
/// one range, and empty or all-white-space text gives none. U+FFFC, which stands for an
/// opaque inline item such as a code span, reads as a word.
///
/// # Examples
///
/// ```
/// use mdbook_translate::sentence::split_sentences;
///
/// let text = "Pi is approx. 3.14, see Fig. 2. Run \u{FFFC} next.";
/// let english = "en-US".parse().expect("a language tag");
/// let sentences: Vec<&str> = split_sentences(text, &english)
///     .into_iter()
///     .map(|range| &text[range])
///     .collect();
/// assert_eq!(sentences, ["Pi is approx. 3.14, see Fig. 2.", "Run \u{FFFC} next."]);
///
/// let text = "他说：“好的。”然后走了。";
/// let chinese = "zh".parse().expect("a language tag");
/// let sentences: Vec<&str> = split_sentences(text, &chinese)
///     .into_iter()
///     .map(|range| &text[range])
///     .collect();
/// assert_eq!(sentences, ["他说：“好的。”", "然后走了。"]);
/// ```
pub fn split_sentences(text: &str, language: &LanguageTag) -> Vec<Range<usize>> {
    let scanner = Scanner {
        text,
        chars: text.char_indices().collect(),
        language: Language::of(language),
    };
    let mut sentences: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    let ends = scanner.sentence_ends().into_iter().chain([text.len()]);
    for end in ends {
        let piece = trim_white_space(text, start..end);
        start = end;
        let Some(piece) = piece else {
            continue;
        };
        // A piece without a word is punctuation left over around a boundary (`。 ）`), not
        // a sentence: it joins its neighbour.
        match sentences.last_mut() {
            Some(last) if !has_words(&text[piece.clone()]) || !has_words(&text[last.clone()]) => {
                last.end = piece.end;
            }
            _ => sentences.push(piece),
        }
    }
    sentences
}

fn has_words(text: &str) -> bool {
    text.chars().any(|c| c.is_alphanumeric() || c == OBJECT_REPLACEMENT)
}

/// Narrows `range` to exclude white space at both ends; `None` if nothing is left.
fn trim_white_space(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.start + slice.trim_end().len();
    (start < end).then_some(start..end)
}

/// The languages with rules of their own, from the primary subtag of a language code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Language {
    English,
    Spanish,
    German,
    French,
    Chinese,
    Japanese,
    Other,
}

impl Language {
    fn of(tag: &LanguageTag) -> Self {
        match tag.primary() {
            "en" => Self::English,
            "es" => Self::Spanish,
            "de" => Self::German,
            "fr" => Self::French,
            "zh" => Self::Chinese,
            "ja" => Self::Japanese,
            _ => Self::Other,
        }
    }

    fn abbreviations(self) -> &'static [(&'static str, AbbreviationKind)] {
        match self {
            Self::English | Self::Chinese | Self::Japanese => ENGLISH_ABBREVIATIONS,
            Self::Spanish => SPANISH_ABBREVIATIONS,
            Self::German => GERMAN_ABBREVIATIONS,
            Self::French => FRENCH_ABBREVIATIONS,
            Self::Other => &[],
        }
    }

    /// Whether `……` and `⋯⋯` end a sentence without a following space.
    fn has_cjk_ellipsis(self) -> bool {
        matches!(self, Self::Chinese | Self::Japanese)
    }

    /// Whether a short number followed by a period is an ordinal (`am 3. Oktober`).
    fn writes_ordinals_with_period(self) -> bool {
        self == Self::German
    }

    /// Whether a particle after a quotation continues the sentence (`「はい。」と言った`).
    fn quotes_with_particles(self) -> bool {
        self == Self::Japanese
    }
}

/// How a period after an abbreviation behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AbbreviationKind {
    /// Never ends a sentence in running text (`e.g.`, `Fig.`).
    Never,
    /// Ends a sentence only before a word that starts with a capital (`etc.`).
    BeforeCapital,
    /// An abbreviation before a number (`No. 5`), an ordinary word otherwise.
    BeforeNumber,
}

// Abbreviation tables: the word before the period, inner periods included. An entry with
// a capital letter matches exactly ("Ms" but not "ms", which is milliseconds); an entry in
// lowercase matches in any case ("fig" matches "Fig" and "FIG"). The first match wins.

const ENGLISH_ABBREVIATIONS: &[(&str, AbbreviationKind)] = &[
    ("e.g", Never),
    ("i.e", Never),
    ("fig", Never),
    ("figs", Never),
    ("eq", Never),
    ("eqs", Never),
    ("Sec", Never),
    ("Secs", Never),
    ("sec", BeforeNumber),
    ("secs", BeforeNumber),
    ("ch", Never),
    ("chap", Never),
    ("vs", Never),
    ("cf", Never),
    ("al", Never),
    ("mr", Never),
    ("mrs", Never),
    ("Ms", Never),
    ("dr", Never),
    ("prof", Never),
    ("approx", Never),
    ("resp", Never),
    ("incl", Never),
    ("viz", Never),
    ("ref", Never),
    ("refs", Never),
    ("vol", Never),
    ("vols", Never),
    ("pp", Never),
    ("thm", Never),
    ("lem", Never),
    ("esp", Never),
    ("etc", BeforeCapital),
    ("no", BeforeNumber),
    ("nos", BeforeNumber),
    ("p", BeforeNumber),
];

const SPANISH_ABBREVIATIONS: &[(&str, AbbreviationKind)] = &[
    ("sr", Never),
    ("sra", Never),
    ("sres", Never),
    ("sras", Never),
    ("srta", Never),
    ("dr", Never),
    ("dra", Never),
    ("ud", Never),
    ("uds", Never),
    ("vd", Never),
    ("vds", Never),
    ("ej", Never),
    ("pág", Never),
    ("págs", Never),
    ("pag", Never),
    ("pags", Never),
    ("núm", Never),
    ("num", Never),
    ("aprox", Never),
    ("vol", Never),
    ("cap", Never),
    ("fig", Never),
    ("figs", Never),
    ("ec", Never),
    ("art", Never),
    ("EE", Never),
    ("UU", Never),
    ("cf", Never),
    ("vs", Never),
    ("al", Never),
    ("e.g", Never),
    ("i.e", Never),
    ("etc", BeforeCapital),
    ("p", BeforeNumber),
];

const GERMAN_ABBREVIATIONS: &[(&str, AbbreviationKind)] = &[
    ("z", Never),
    ("bzw", Never),
    ("ca", Never),
    ("vgl", Never),
    ("nr", Never),
    ("abb", Never),
    ("tab", Never),
    ("kap", Never),
    ("bd", Never),
    ("hr", Never),
    ("Fr", Never),
    ("dr", Never),
    ("prof", Never),
    ("evtl", Never),
    ("ggf", Never),
    ("inkl", Never),
    ("bzgl", Never),
    ("bspw", Never),
    ("sog", Never),
    ("Mio", Never),
    ("Mrd", Never),
    ("usw", BeforeCapital),
    ("etc", BeforeCapital),
];

const FRENCH_ABBREVIATIONS: &[(&str, AbbreviationKind)] = &[
    ("MM", Never),
    ("Mme", Never),
    ("Mmes", Never),
    ("Mlle", Never),
    ("Mlles", Never),
    ("Dr", Never),
    ("Pr", Never),
    ("ex", Never),
    ("cf", Never),
    ("env", Never),
    ("fig", Never),
    ("éd", Never),
    ("chap", Never),
    ("vol", Never),
    ("art", Never),
    ("av", Never),
    ("apr", Never),
    ("éq", Never),
    ("vs", Never),
    ("al", Never),
    ("etc", BeforeCapital),
    ("p", BeforeNumber),
];

fn find_abbreviation(table: &[(&str, AbbreviationKind)], word: &str) -> Option<AbbreviationKind> {
    let lowercase = word.to_lowercase();
    table
        .iter()
        .find(|(entry, _)| {
            if entry.chars().any(char::is_uppercase) {
                *entry == word
            } else {
                *entry == lowercase
            }
        })
        .map(|&(_, kind)| kind)
}

/// One punctuation character that may end a sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Terminal {
    Period,
    Ellipsis,
    /// `?`, `!` and the stops of non-Latin scripts that are followed by a space.
    Mark,
    /// A full-width stop that needs no space after it.
    Cjk,
}

/// What a run of terminal punctuation is, which decides the rule that applies after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StopKind {
    /// Contains a CJK stop (or, in Chinese and Japanese, is a CJK ellipsis).
    Cjk,
    /// A lone period, which may belong to an abbreviation.
    Period,
    /// Anything else: `?`, `!`, an ellipsis, or a mix.
    Mark,
}

/// A run of terminal punctuation and the closing quotes and brackets glued to it, in char
/// indices.
#[derive(Debug)]
struct Stop {
    start: usize,
    punctuation_end: usize,
    end: usize,
    kind: StopKind,
}

/// How the word after a spaced stop starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SentenceStart {
    Capital,
    InvertedMark,
    Digit,
    Uncased,
    Object,
    Lowercase,
    Symbol,
}

impl SentenceStart {
    fn of(c: char) -> Self {
        if c == OBJECT_REPLACEMENT {
            Self::Object
        } else if c.is_uppercase() {
            Self::Capital
        } else if c.is_lowercase() {
            Self::Lowercase
        } else if c.is_numeric() {
            Self::Digit
        } else if c.is_alphabetic() {
            Self::Uncased
        } else {
            Self::Symbol
        }
    }

    fn can_start_sentence(self) -> bool {
        !matches!(self, Self::Lowercase | Self::Symbol)
    }

    /// Whether this start is clearly a new sentence even after `etc.`.
    fn is_capitalised(self) -> bool {
        matches!(self, Self::Capital | Self::InvertedMark | Self::Uncased)
    }
}

struct Scanner<'a> {
    text: &'a str,
    chars: Vec<(usize, char)>,
    language: Language,
}

impl Scanner<'_> {
    fn char_at(&self, index: usize) -> Option<char> {
        self.chars.get(index).map(|&(_, c)| c)
    }

    fn byte_offset(&self, index: usize) -> usize {
        self.chars.get(index).map_or(self.text.len(), |&(offset, _)| offset)
    }

    fn skip_white_space(&self, mut index: usize) -> usize {
        while self.char_at(index).is_some_and(char::is_whitespace) {
            index += 1;
        }
        index
    }

    /// Byte offsets where sentences end, in order.
    fn sentence_ends(&self) -> Vec<usize> {
        let mut ends = Vec::new();
        let mut index = 0;
        while index < self.chars.len() {
            let Some(stop) = self.stop_at(index) else {
                index += 1;
                continue;
            };
            let end = match stop.kind {
                StopKind::Cjk => self.end_after_cjk_stop(&stop),
                StopKind::Period | StopKind::Mark => self.end_after_spaced_stop(&stop),
            };
            if let Some(end) = end {
                ends.push(self.byte_offset(end));
            }
            index = end.unwrap_or(stop.end);
        }
        ends
    }

    fn terminal_at(&self, index: usize) -> Option<Terminal> {
        match self.char_at(index)? {
            '.' => Some(Terminal::Period),
            '…' | '⋯' => Some(Terminal::Ellipsis),
            '?' | '!' | '‼' | '⁇' | '⁈' | '⁉' | '؟' | '۔' | '।' | '॥' | '።' => Some(Terminal::Mark),
            '。' | '！' | '？' | '｡' => Some(Terminal::Cjk),
            // Between digits or Latin letters, a full-width period is a decimal point or a
            // dot in a name (`３．１４`).
            '．' => {
                let is_inner_dot = index > 0
                    && self.char_at(index - 1).is_some_and(is_word_char)
                    && self.char_at(index + 1).is_some_and(is_word_char);
                (!is_inner_dot).then_some(Terminal::Cjk)
            }
            _ => None,
        }
    }

    /// The run of terminal punctuation starting at `start`, if any.
    fn stop_at(&self, start: usize) -> Option<Stop> {
        let mut index = start;
        let (mut n_periods, mut n_ellipses, mut n_marks, mut n_cjk) = (0, 0, 0, 0);
        while let Some(terminal) = self.terminal_at(index) {
            match terminal {
                Terminal::Period => n_periods += 1,
                Terminal::Ellipsis => n_ellipses += 1,
                Terminal::Mark => n_marks += 1,
                Terminal::Cjk => n_cjk += 1,
            }
            index += 1;
        }
        if index == start {
            return None;
        }
        let punctuation_end = index;
        while self.char_at(index).is_some_and(is_closing) {
            index += 1;
        }
        let kind = if n_cjk > 0 || (n_ellipses >= 2 && self.language.has_cjk_ellipsis()) {
            StopKind::Cjk
        } else if n_periods == 1 && n_ellipses == 0 && n_marks == 0 {
            StopKind::Period
        } else {
            StopKind::Mark
        };
        Some(Stop {
            start,
            punctuation_end,
            end: index,
            kind,
        })
    }

    /// Where the sentence ends after a CJK stop, or `None` if it goes on.
    fn end_after_cjk_stop(&self, stop: &Stop) -> Option<usize> {
        // At the end of the text there is nothing to split off.
        let next = self.char_at(stop.end)?;
        if is_clause_mark(next) {
            return None;
        }
        let after_quotation = stop.end > stop.punctuation_end;
        if after_quotation && self.language.quotes_with_particles() && self.starts_quotative_particle(stop.end) {
            return None;
        }
        Some(stop.end)
    }

    fn starts_quotative_particle(&self, index: usize) -> bool {
        let rest = &self.text[self.byte_offset(index)..];
        rest.starts_with('と') || rest.starts_with("って")
    }

    /// Where the sentence ends after a stop that needs white space, or `None` if it goes on.
    fn end_after_spaced_stop(&self, stop: &Stop) -> Option<usize> {
        if !self.char_at(stop.end).is_some_and(char::is_whitespace) {
            return None;
        }
        // A closing quote set off by spaces (`« Arrête. » Puis`) belongs to this sentence.
        let mut end = stop.end;
        loop {
            let next = self.skip_white_space(end);
            let stands_alone = self.char_at(next).is_some_and(is_detached_closing)
                && self.char_at(next + 1).is_none_or(char::is_whitespace);
            if !stands_alone {
                break;
            }
            end = next + 1;
        }
        let next = self.sentence_start_at(self.skip_white_space(end))?;
        let ends_sentence = match stop.kind {
            StopKind::Period => self.period_ends_sentence(stop.start, next),
            StopKind::Cjk | StopKind::Mark => next.can_start_sentence(),
        };
        ends_sentence.then_some(end)
    }

    /// How the word at `index` starts, past opening quotes and brackets; `None` at the end
    /// of the text.
    fn sentence_start_at(&self, mut index: usize) -> Option<SentenceStart> {
        let mut after_inverted_mark = false;
        while let Some(c) = self.char_at(index) {
            if c == '¿' || c == '¡' {
                after_inverted_mark = true;
            } else if !is_opening(c) && !c.is_whitespace() {
                break;
            }
            index += 1;
        }
        let first = self.char_at(index)?;
        if after_inverted_mark {
            return Some(SentenceStart::InvertedMark);
        }
        Some(SentenceStart::of(first))
    }

    /// Whether the lone period at `period`, followed by a word that starts like `next`,
    /// ends a sentence.
    fn period_ends_sentence(&self, period: usize, next: SentenceStart) -> bool {
        if !next.can_start_sentence() {
            return false;
        }
        let mut word_start = period;
        while word_start > 0 && self.char_at(word_start - 1).is_some_and(is_word_char) {
            word_start -= 1;
        }
        let word = &self.text[self.byte_offset(word_start)..self.byte_offset(period)];
        if word.is_empty() {
            return true;
        }
        match find_abbreviation(self.language.abbreviations(), word) {
            Some(Never) => return false,
            Some(BeforeCapital) => return next.is_capitalised(),
            Some(BeforeNumber) if next == SentenceStart::Digit => return false,
            Some(BeforeNumber) | None => {}
        }
        let is_abbreviation = is_initial(word)
            || is_dotted_abbreviation(word)
            || self.is_spaced_abbreviation(word_start, word)
            || (self.language.writes_ordinals_with_period() && is_short_number(word));
        !is_abbreviation
    }

    /// Whether `word` is a single letter right after another single letter and its period,
    /// as the `g` of `e. g.` or the `h` of `d. h.`.
    fn is_spaced_abbreviation(&self, word_start: usize, word: &str) -> bool {
        if !is_single_letter(word) {
            return false;
        }
        let mut index = word_start;
        while index > 0 && self.char_at(index - 1).is_some_and(char::is_whitespace) {
            index -= 1;
        }
        if index == word_start || index < 2 {
            return false;
        }
        let is_letter_and_period =
            self.char_at(index - 1) == Some('.') && self.char_at(index - 2).is_some_and(char::is_alphabetic);
        let stands_alone = index == 2
            || self
                .char_at(index - 3)
                .is_some_and(|c| c.is_whitespace() || is_opening(c));
        is_letter_and_period && stands_alone
    }
}

/// Part of the word before a period: letters and digits of scripts written with spaces,
/// and inner periods (`e.g`, `v0.5`).
fn is_word_char(c: char) -> bool {
    c == '.' || (c.is_alphanumeric() && !is_cjk(c))
}

/// Whether `c` is a Han, kana or Hangul character: text written without
/// spaces between words, which may be cut between any two of them.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}'     // Hangul Jamo
        | '\u{3040}'..='\u{30FF}'   // Hiragana, Katakana
        | '\u{3130}'..='\u{318F}'   // Hangul Compatibility Jamo
        | '\u{31F0}'..='\u{31FF}'   // Katakana Phonetic Extensions
        | '\u{3400}'..='\u{4DBF}'   // CJK Unified Ideographs Extension A
        | '\u{4E00}'..='\u{9FFF}'   // CJK Unified Ideographs
        | '\u{AC00}'..='\u{D7AF}'   // Hangul Syllables
        | '\u{F900}'..='\u{FAFF}'   // CJK Compatibility Ideographs
        | '\u{FF66}'..='\u{FF9F}'   // Half-width Katakana
        | '\u{20000}'..='\u{3FFFF}' // CJK Unified Ideographs Extensions B and later
    )
}

fn is_single_letter(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_alphabetic) && chars.next().is_none()
}

/// A single capital, as in `J. R. R. Tolkien`.
fn is_initial(word: &str) -> bool {
    is_single_letter(word) && word.chars().all(char::is_uppercase)
}

/// Single letters joined by periods: `e.g`, `i.e`, `U.S`, `a.k.a`.
fn is_dotted_abbreviation(word: &str) -> bool {
    word.contains('.') && word.split('.').all(is_single_letter)
}

fn is_short_number(word: &str) -> bool {
    (1..=3).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_digit())
}

/// Punctuation after a CJK stop that shows the sentence goes on.
/// A comma, semicolon or colon, half- or full-width.
pub(crate) fn is_clause_mark(c: char) -> bool {
    matches!(c, '，' | '、' | '､' | '；' | '：' | ',' | ';' | ':')
}

/// Closing quotes and brackets that stay with the stop they follow. Right after a stop
/// even a quote that opens in other positions (`“`, `«`) is closing, as in German
/// `„Halt.“ Dann`.
fn is_closing(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | '“' | '‘' | '»' | '«' | '›' | '‹' | '＂' | '＇' | '〞' | '〟'
    ) || is_closing_bracket(c)
}

/// Closing quotes and brackets that cannot open anything, so that one standing alone
/// between spaces after a stop still closes the sentence.
fn is_detached_closing(c: char) -> bool {
    matches!(c, '»' | '”' | '’') || is_closing_bracket(c)
}

fn is_closing_bracket(c: char) -> bool {
    matches!(
        c,
        ')' | ']' | '}' | '」' | '』' | '）' | '》' | '】' | '〉' | '〕' | '］' | '｝' | '〗' | '〙' | '〛'
    )
}

/// Opening quotes, brackets and dashes that may come before the first word of a sentence
/// (`¿` and `¡` are handled apart, since they start a sentence on their own).
fn is_opening(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '“'
            | '‘'
            | '„'
            | '‚'
            | '”'
            | '’'
            | '«'
            | '»'
            | '‹'
            | '›'
            | '('
            | '['
            | '{'
            | '「'
            | '『'
            | '（'
            | '《'
            | '【'
            | '〈'
            | '〔'
            | '［'
            | '｛'
            | '〖'
            | '〘'
            | '〚'
            | '＂'
            | '＇'
            | '〝'
            | '—'
    )
}
