//! The emulator's pseudo-translation: deterministic and reversible.
//!
//! Each ASCII letter maps to one fixed character chosen by the target
//! language's script; every other character is kept:
//!
//! | target | `a`…`z` | `A`…`Z` |
//! |---|---|---|
//! | `zh`, `zh-TW` | U+4E00 … U+4E19 (一 丁 丂 …) | U+4E1A … U+4E33 |
//! | `ja` | U+30A1 … U+30BA (ァ ア ィ …) | U+30BB … U+30D4 |
//! | `ko` | U+AC00 + 28·i (가 개 갸 …) | U+AC00 + 28·(26 + i) |
//! | any other | a→á b→ƀ c→ç … (letters with diacritics) | A→Á B→Ɓ C→Ç … |
//!
//! For Chinese and Japanese targets, sentence punctuation (`. , ? ! : ;`)
//! followed by a space or the end of the text becomes its full-width form
//! (`。，？！：；`) and a single following space is dropped, as in CJK prose.
//!
//! [`reverse_pseudo_translation`] undoes the mapping for text that contained
//! none of the output characters, so `reverse(pseudo(t)) == t`.

const LATIN_LOWER: [char; 26] = [
    'á', 'ƀ', 'ç', 'đ', 'é', 'ƒ', 'ĝ', 'ĥ', 'í', 'ĵ', 'ķ', 'ĺ', 'ɱ', 'ñ', 'ó', 'þ', 'ǫ', 'ŕ', 'š', 'ţ', 'ú', 'ṽ', 'ŵ',
    'ẋ', 'ý', 'ž',
];
const LATIN_UPPER: [char; 26] = [
    'Á', 'Ɓ', 'Ç', 'Đ', 'É', 'Ƒ', 'Ĝ', 'Ĥ', 'Í', 'Ĵ', 'Ķ', 'Ĺ', 'Ṁ', 'Ñ', 'Ó', 'Þ', 'Ǫ', 'Ŕ', 'Š', 'Ţ', 'Ú', 'Ṽ', 'Ŵ',
    'Ẋ', 'Ý', 'Ž',
];

/// Half-width sentence punctuation and its full-width form.
const FULL_WIDTH: [(char, char); 6] = [
    ('.', '。'),
    (',', '，'),
    ('?', '？'),
    ('!', '！'),
    (':', '：'),
    (';', '；'),
];

/// The script family that decides a target's mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Chinese,
    Japanese,
    Korean,
    Latin,
}

fn script_of(target: &str) -> Script {
    match target.split('-').next().unwrap_or(target) {
        "zh" => Script::Chinese,
        "ja" => Script::Japanese,
        "ko" => Script::Korean,
        _ => Script::Latin,
    }
}

/// The character that letter number `index` (0–25 lower case, 26–51 upper
/// case) maps to in `script`.
fn letter_image(script: Script, index: u32) -> char {
    let code = match script {
        Script::Chinese => 0x4E00 + index,
        Script::Japanese => 0x30A1 + index,
        Script::Korean => 0xAC00 + 28 * index,
        Script::Latin if index < 26 => return LATIN_LOWER[index as usize],
        Script::Latin => return LATIN_UPPER[index as usize - 26],
    };
    char::from_u32(code).expect("the tables hold assigned code points")
}

fn letter_index(c: char) -> Option<u32> {
    match c {
        'a'..='z' => Some(c as u32 - 'a' as u32),
        'A'..='Z' => Some(c as u32 - 'A' as u32 + 26),
        _ => None,
    }
}

fn uses_full_width(script: Script) -> bool {
    matches!(script, Script::Chinese | Script::Japanese)
}

/// Pseudo-translates `text` into `target`; see the module documentation.
pub fn pseudo_translate(text: &str, target: &str) -> String {
    let script = script_of(target);
    let mut out = String::with_capacity(text.len() * 2);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(index) = letter_index(c) {
            out.push(letter_image(script, index));
            continue;
        }
        let next = chars.peek().copied();
        let ends_clause = next.is_none_or(char::is_whitespace);
        match FULL_WIDTH.iter().find(|(half, _)| *half == c) {
            Some((_, full)) if uses_full_width(script) && ends_clause => {
                out.push(*full);
                let mut after = chars.clone();
                if next == Some(' ') && after.nth(1).is_some_and(|c| !c.is_whitespace()) {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Undoes [`pseudo_translate`] for the same target.
pub fn reverse_pseudo_translation(text: &str, target: &str) -> String {
    let script = script_of(target);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(letter) = (0..52).find(|&i| letter_image(script, i) == c) {
            let base = if letter < 26 {
                'a' as u32 + letter
            } else {
                'A' as u32 + letter - 26
            };
            out.push(char::from_u32(base).expect("ASCII letter"));
            continue;
        }
        match FULL_WIDTH.iter().find(|(_, full)| *full == c) {
            Some((half, _)) if uses_full_width(script) => {
                out.push(*half);
                if chars.peek().is_some_and(|next| !next.is_whitespace()) {
                    out.push(' ');
                }
            }
            _ => out.push(c),
        }
    }
    out
}
