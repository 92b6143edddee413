//! Deterministic pseudo-localisation.

use crate::segment::tagged::{TaggedToken, TaggedWriter, parse_tagged};

const LOWER: [char; 26] = [
    'á', 'ƀ', 'ç', 'ð', 'é', 'ƒ', 'ĝ', 'ĥ', 'í', 'ĵ', 'ķ', 'ĺ', 'ɱ', 'ñ', 'ö', 'þ', 'ǫ', 'ŕ', 'š', 'ţ', 'ú', 'ṽ', 'ŵ',
    'ẋ', 'ý', 'ž',
];
const UPPER: [char; 26] = [
    'Á', 'Ɓ', 'Ç', 'Ð', 'É', 'Ƒ', 'Ĝ', 'Ĥ', 'Í', 'Ĵ', 'Ķ', 'Ĺ', 'Ṁ', 'Ñ', 'Ö', 'Þ', 'Ǫ', 'Ŕ', 'Š', 'Ţ', 'Ú', 'Ṽ', 'Ŵ',
    'Ẋ', 'Ý', 'Ž',
];

/// Pseudo-translates tagged text: every ASCII letter gets a diacritic, the
/// unit is wrapped in `⟦ ⟧` and padded by about a third of its letters so
/// that layouts can be checked for longer languages. Tags and placeholders
/// are kept. Returns `None` for text that is not valid tagged text.
///
/// ```
/// use mdbook_translate::translate::pseudo_translate;
/// assert_eq!(pseudo_translate("Run <x1/> now.").as_deref(), Some("⟦Ŕúñ <x1/> ñöŵ.··⟧"));
/// ```
pub fn pseudo_translate(tagged: &str) -> Option<String> {
    let tokens = parse_tagged(tagged).ok()?;
    let mut out = TaggedWriter::default();
    out.text("⟦");
    let mut n_letters = 0usize;
    for token in tokens {
        match token {
            TaggedToken::Text(text) => {
                let mapped: String = text
                    .chars()
                    .map(|c| {
                        if c.is_ascii_lowercase() {
                            n_letters += 1;
                            LOWER[(c as u8 - b'a') as usize]
                        } else if c.is_ascii_uppercase() {
                            n_letters += 1;
                            UPPER[(c as u8 - b'A') as usize]
                        } else {
                            c
                        }
                    })
                    .collect();
                out.text(&mapped);
            }
            tag => out.token(&tag),
        }
    }
    out.text(&"·".repeat(n_letters / 3));
    out.text("⟧");
    Some(out.finish())
}
