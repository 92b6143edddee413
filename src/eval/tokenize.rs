//! The word tokenizers of sacreBLEU's BLEU, reproduced character for character.
//!
//! sacreBLEU describes its tokenizers as chains of regular-expression
//! substitutions. Every substitution here matches exactly two characters (or
//! one), so `re.sub`'s leftmost, non-overlapping matching is a left-to-right
//! scan that, on a match, emits the replacement and skips both characters.
//! White space is Python's (`str.split`, `str.strip`), which adds the
//! information separators U+001C..U+001F to Unicode's `White_Space`.

use super::unicode_tables;
use std::fmt;
use std::str::FromStr;

/// A BLEU tokenizer, named as sacreBLEU names it (`-tok 13a`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Tokenizer {
    /// `13a`: mteval-v13a, sacreBLEU's default: ASCII punctuation split off,
    /// periods and commas kept inside numbers, a few HTML entities unescaped.
    #[default]
    Mteval13a,
    /// `zh`: every CJK character (and a band of general punctuation and
    /// symbols, see [`is_zh_character`]) is a token; the rest goes through
    /// `13a`'s punctuation rules (not its entity unescaping).
    Zh,
    /// `intl`: mteval-v14's international tokenization: Unicode punctuation
    /// split off unless between digits, every symbol a token.
    Intl,
    /// `char`: every character that is not white space is a token.
    Char,
    /// `none`: white space separated words as they are.
    None,
}

impl Tokenizer {
    /// Every tokenizer, in the order they are documented.
    pub const ALL: [Tokenizer; 5] = [
        Tokenizer::Mteval13a,
        Tokenizer::Zh,
        Tokenizer::Intl,
        Tokenizer::Char,
        Tokenizer::None,
    ];

    /// The name sacreBLEU uses on its command line and in its signature.
    pub fn name(self) -> &'static str {
        match self {
            Tokenizer::Mteval13a => "13a",
            Tokenizer::Zh => "zh",
            Tokenizer::Intl => "intl",
            Tokenizer::Char => "char",
            Tokenizer::None => "none",
        }
    }

    /// The tokenizer sacreBLEU picks for a target language when none is
    /// given: `zh` for Chinese, `13a` otherwise.
    ///
    /// sacreBLEU uses MeCab for Japanese and Korean, which is not available
    /// here; `char` is the closest honest stand-in (the signature says so).
    pub fn for_language(language: &str) -> Tokenizer {
        let primary = language
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Tokenizer::Zh,
            "ja" | "ko" => Tokenizer::Char,
            _ => Tokenizer::Mteval13a,
        }
    }

    /// Tokenizes one segment exactly as sacreBLEU's tokenizer of this name
    /// does, returning the tokens joined by single spaces.
    ///
    /// sacreBLEU's BLEU strips trailing white space before tokenizing;
    /// [`Bleu`](super::Bleu) does the same, this function does not.
    ///
    /// ```
    /// use mdbook_translate::eval::Tokenizer;
    ///
    /// assert_eq!(Tokenizer::Mteval13a.tokenize("Hello, world (v1.5)."), "Hello , world ( v1.5 ) .");
    /// assert_eq!(Tokenizer::Zh.tokenize("你好，Rust。"), "你 好 ， Rust 。");
    /// ```
    pub fn tokenize(self, line: &str) -> String {
        match self {
            Tokenizer::Mteval13a => tokenize_13a(line),
            Tokenizer::Zh => tokenize_zh(line),
            Tokenizer::Intl => tokenize_intl(line),
            Tokenizer::Char => tokenize_char(line),
            Tokenizer::None => line.to_owned(),
        }
    }
}

impl fmt::Display for Tokenizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A tokenizer name that sacreBLEU has but this crate does not, or a typo.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown tokenizer {name:?}: expected one of 13a, zh, intl, char, none")]
pub struct UnknownTokenizer {
    /// The name that was given.
    pub name: String,
}

impl FromStr for Tokenizer {
    type Err = UnknownTokenizer;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Tokenizer::ALL
            .into_iter()
            .find(|tokenizer| tokenizer.name() == name)
            .ok_or_else(|| UnknownTokenizer { name: name.to_owned() })
    }
}

/// Whether Python's `str.isspace` holds: Unicode `White_Space` plus the
/// information separators U+001C..U+001F.
pub(crate) fn is_python_whitespace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.split()`: the non-empty runs between white space.
pub(crate) fn split_python_whitespace(text: &str) -> impl Iterator<Item = &str> {
    text.split(is_python_whitespace).filter(|token| !token.is_empty())
}

/// Python's `str.rstrip()`.
pub(crate) fn trim_end_python_whitespace(text: &str) -> &str {
    text.trim_end_matches(is_python_whitespace)
}

/// `' '.join(text.split())`.
fn join_python_tokens(text: &str) -> String {
    let mut joined = String::with_capacity(text.len());
    for token in split_python_whitespace(text) {
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(token);
    }
    joined
}

/// Where a two-character substitution puts its spaces.
#[derive(Clone, Copy)]
enum Spacing {
    /// `\1 \2 `
    AfterEach,
    /// ` \1 \2`
    BeforeEach,
}

/// `re.sub(r'(A)(B)', replacement, text)` for single-character classes A
/// and B: leftmost, non-overlapping matches. Units are characters, or bytes
/// where A and B hold ASCII only (see [`tokenize_13a_rules`]).
fn substitute_pairs<T: Copy>(
    input: &[T],
    output: &mut Vec<T>,
    is_pair: impl Fn(T, T) -> bool,
    spacing: Spacing,
    space: T,
) {
    output.clear();
    let mut i = 0;
    while i < input.len() {
        let first = input[i];
        match input.get(i + 1) {
            Some(&second) if is_pair(first, second) => {
                match spacing {
                    Spacing::AfterEach => output.extend([first, space, second, space]),
                    Spacing::BeforeEach => output.extend([space, first, space, second]),
                }
                i += 2;
            }
            _ => {
                output.push(first);
                i += 1;
            }
        }
    }
}

/// `re.sub(r'(A)', r' \1 ', text)` for a single-character class A.
fn pad_matching<T: Copy>(input: &[T], output: &mut Vec<T>, is_match: impl Fn(T) -> bool, space: T) {
    output.clear();
    for &c in input {
        if is_match(c) {
            output.extend([space, c, space]);
        } else {
            output.push(c);
        }
    }
}

/// The ASCII characters 13a always splits off: `[\{-\~\[-\` -\&\(-\+\:-\@\/]`
/// (everything printable but letters, digits and `'`, `,`, `-`, `.`).
fn is_13a_split_character(c: u8) -> bool {
    matches!(c, b'{'..=b'~' | b'['..=b'`' | b' '..=b'&' | b'('..=b'+' | b':'..=b'@' | b'/')
}

/// sacreBLEU's `TokenizerRegexp`, the language-dependent part of 13a and zh.
///
/// Works on UTF-8 bytes: every class in its patterns is ASCII except
/// `[^0-9]`, which every byte of a multi-byte character matches just as the
/// character does. A pair can only end at a character's last byte or start
/// at its first, and spaces go only next to ASCII, so scanning bytes makes
/// the same matches and keeps the text valid UTF-8.
fn tokenize_13a_rules(text: &str) -> String {
    let not_digit = |c: u8| !c.is_ascii_digit();
    let is_period_or_comma = |c: u8| c == b'.' || c == b',';
    let mut current = Vec::with_capacity(text.len() * 2);
    let mut next = Vec::with_capacity(text.len() * 2);

    pad_matching(text.as_bytes(), &mut current, is_13a_split_character, b' ');
    // Period and comma unless preceded by a digit.
    substitute_pairs(
        &current,
        &mut next,
        |a, b| not_digit(a) && is_period_or_comma(b),
        Spacing::AfterEach,
        b' ',
    );
    std::mem::swap(&mut current, &mut next);
    // Period and comma unless followed by a digit.
    substitute_pairs(
        &current,
        &mut next,
        |a, b| is_period_or_comma(a) && not_digit(b),
        Spacing::BeforeEach,
        b' ',
    );
    std::mem::swap(&mut current, &mut next);
    // Dash after a digit.
    substitute_pairs(
        &current,
        &mut next,
        |a, b| a.is_ascii_digit() && b == b'-',
        Spacing::AfterEach,
        b' ',
    );
    let spaced = String::from_utf8(next).expect("spaces are only inserted next to ASCII characters");
    join_python_tokens(&spaced)
}

fn tokenize_13a(line: &str) -> String {
    let mut text = std::borrow::Cow::Borrowed(line);
    if text.contains("<skipped>") {
        text = text.replace("<skipped>", "").into();
    }
    if text.contains('\n') {
        text = text.replace("-\n", "").replace('\n', " ").into();
    }
    if text.contains('&') {
        text = text
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .into();
    }
    tokenize_13a_rules(&format!(" {text} "))
}

/// The code points sacreBLEU's `zh` tokenizer treats as Chinese characters.
///
/// sacreBLEU lists its ranges as strings and compares them with `<=`; two of
/// its entries (`'\u20000'` and `'\u2f800'`, meant as supplementary-plane
/// code points) are read by Python as a BMP character followed by `'0'`, so
/// they really cover U+2001..U+2A6D (general punctuation such as `—`, `“`,
/// `…`, arrows, mathematical operators, …) and U+2F81..U+2FA1, while the
/// supplementary ideographs are not Chinese to it. This table is what the
/// comparisons do, not what the comments say.
const ZH_CHARACTER_RANGES: [(char, char); 22] = [
    ('\u{3400}', '\u{4db5}'),
    ('\u{4e00}', '\u{9fa5}'),
    ('\u{9fa6}', '\u{9fbb}'),
    ('\u{f900}', '\u{fa2d}'),
    ('\u{fa30}', '\u{fa6a}'),
    ('\u{fa70}', '\u{fad9}'),
    ('\u{2001}', '\u{2a6d}'),
    ('\u{2f81}', '\u{2fa1}'),
    ('\u{ff00}', '\u{ffef}'),
    ('\u{2e80}', '\u{2eff}'),
    ('\u{3000}', '\u{303f}'),
    ('\u{31c0}', '\u{31ef}'),
    ('\u{2f00}', '\u{2fdf}'),
    ('\u{2ff0}', '\u{2fff}'),
    ('\u{3100}', '\u{312f}'),
    ('\u{31a0}', '\u{31bf}'),
    ('\u{fe10}', '\u{fe1f}'),
    ('\u{fe30}', '\u{fe4f}'),
    ('\u{2600}', '\u{26ff}'),
    ('\u{2700}', '\u{27bf}'),
    ('\u{3200}', '\u{32ff}'),
    ('\u{3300}', '\u{33ff}'),
];

/// Whether sacreBLEU's `zh` tokenizer makes `c` a token of its own.
pub fn is_zh_character(c: char) -> bool {
    c > '\u{2000}'
        && ZH_CHARACTER_RANGES
            .iter()
            .any(|&(start, end)| (start..=end).contains(&c))
}

fn tokenize_zh(line: &str) -> String {
    let line = line.trim_matches(is_python_whitespace);
    let mut spaced = String::with_capacity(line.len() * 2);
    for c in line.chars() {
        if is_zh_character(c) {
            spaced.extend([' ', c, ' ']);
        } else {
            spaced.push(c);
        }
    }
    tokenize_13a_rules(&spaced)
}

/// Whether `c` is in a table of sorted, disjoint, inclusive ranges.
pub(super) fn in_table(table: &[(u32, u32)], c: char) -> bool {
    let code = u32::from(c);
    table
        .binary_search_by(|&(start, end)| {
            if end < code {
                std::cmp::Ordering::Less
            } else if start > code {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// The ASCII characters of general category S (the rest of ASCII
/// punctuation is category P).
fn is_ascii_symbol(c: char) -> bool {
    matches!(c, '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~')
}

/// `\p{P}`, answering ASCII without the table.
pub(super) fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation() && !is_ascii_symbol(c);
    }
    in_table(unicode_tables::PUNCTUATION, c)
}

/// `\p{S}`, answering ASCII without the table.
pub(super) fn is_symbol(c: char) -> bool {
    if c.is_ascii() {
        return is_ascii_symbol(c);
    }
    in_table(unicode_tables::SYMBOL, c)
}

/// `\p{N}`, answering ASCII without the table.
pub(super) fn is_number(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    in_table(unicode_tables::NUMBER, c)
}

fn tokenize_intl(line: &str) -> String {
    let mut current: Vec<char> = line.chars().collect();
    let mut next = Vec::with_capacity(current.len() * 2);
    // Punctuation preceded by a non-digit.
    substitute_pairs(
        &current,
        &mut next,
        |a, b| !is_number(a) && is_punctuation(b),
        Spacing::AfterEach,
        ' ',
    );
    std::mem::swap(&mut current, &mut next);
    // Punctuation followed by a non-digit.
    substitute_pairs(
        &current,
        &mut next,
        |a, b| is_punctuation(a) && !is_number(b),
        Spacing::BeforeEach,
        ' ',
    );
    std::mem::swap(&mut current, &mut next);
    // Every symbol.
    pad_matching(&current, &mut next, is_symbol, ' ');
    join_python_tokens(&next.into_iter().collect::<String>())
}

fn tokenize_char(line: &str) -> String {
    let mut joined = String::with_capacity(line.len() * 2);
    for (i, c) in line.chars().enumerate() {
        if i > 0 {
            joined.push(' ');
        }
        joined.push(c);
    }
    joined
}
