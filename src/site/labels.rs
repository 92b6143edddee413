//! The name the language switcher gives each language: the language's own
//! name (its endonym), as a reader of that language looks for it.
//!
//! The table covers every language code Amazon Translate supports (75 codes,
//! from its list of supported languages), plus the script and region forms
//! books use for Chinese and Norwegian (`zh-CN`, `zh-Hans`, `zh-Hant`,
//! `zh-HK`, `nb`, `nn`) and `pt-BR`. A code the table lacks is named by its
//! primary language with the rest of the code in brackets (`de-AT` →
//! "Deutsch (AT)"), else by the code itself. `[preprocessor.translate]
//! language-labels` in book.toml overrides any entry.

use crate::language::LanguageTag;
use std::collections::BTreeMap;

/// Endonyms by canonical code. Amazon Translate's `zh` is simplified
/// Chinese and its `pt` Brazilian Portuguese, as their names say.
const ENDONYMS: &[(&str, &str)] = &[
    ("af", "Afrikaans"),
    ("am", "አማርኛ"),
    ("ar", "العربية"),
    ("az", "Azərbaycanca"),
    ("bg", "Български"),
    ("bn", "বাংলা"),
    ("bs", "Bosanski"),
    ("ca", "Català"),
    ("cs", "Čeština"),
    ("cy", "Cymraeg"),
    ("da", "Dansk"),
    ("de", "Deutsch"),
    ("el", "Ελληνικά"),
    ("en", "English"),
    ("es", "Español"),
    ("es-MX", "Español (México)"),
    ("et", "Eesti"),
    ("fa", "فارسی"),
    ("fa-AF", "دری"),
    ("fi", "Suomi"),
    ("fr", "Français"),
    ("fr-CA", "Français (Canada)"),
    ("ga", "Gaeilge"),
    ("gu", "ગુજરાતી"),
    ("ha", "Hausa"),
    ("he", "עברית"),
    ("hi", "हिन्दी"),
    ("hr", "Hrvatski"),
    ("ht", "Kreyòl ayisyen"),
    ("hu", "Magyar"),
    ("hy", "Հայերեն"),
    ("id", "Bahasa Indonesia"),
    ("is", "Íslenska"),
    ("it", "Italiano"),
    ("ja", "日本語"),
    ("ka", "ქართული"),
    ("kk", "Қазақ тілі"),
    ("kn", "ಕನ್ನಡ"),
    ("ko", "한국어"),
    ("lt", "Lietuvių"),
    ("lv", "Latviešu"),
    ("mk", "Македонски"),
    ("ml", "മലയാളം"),
    ("mn", "Монгол"),
    ("mr", "मराठी"),
    ("ms", "Bahasa Melayu"),
    ("mt", "Malti"),
    ("nb", "Norsk bokmål"),
    ("nl", "Nederlands"),
    ("nn", "Norsk nynorsk"),
    ("no", "Norsk"),
    ("pa", "ਪੰਜਾਬੀ"),
    ("pl", "Polski"),
    ("ps", "پښتو"),
    ("pt", "Português (Brasil)"),
    ("pt-BR", "Português (Brasil)"),
    ("pt-PT", "Português (Portugal)"),
    ("ro", "Română"),
    ("ru", "Русский"),
    ("si", "සිංහල"),
    ("sk", "Slovenčina"),
    ("sl", "Slovenščina"),
    ("so", "Soomaali"),
    ("sq", "Shqip"),
    ("sr", "Српски"),
    ("sv", "Svenska"),
    ("sw", "Kiswahili"),
    ("ta", "தமிழ்"),
    ("te", "తెలుగు"),
    ("th", "ไทย"),
    ("tl", "Filipino"),
    ("tr", "Türkçe"),
    ("uk", "Українська"),
    ("ur", "اردو"),
    ("uz", "Oʻzbekcha"),
    ("vi", "Tiếng Việt"),
    ("zh", "中文"),
    ("zh-CN", "简体中文"),
    ("zh-HK", "繁體中文（香港）"),
    ("zh-Hans", "简体中文"),
    ("zh-Hant", "繁體中文"),
    ("zh-TW", "繁體中文"),
];

/// The language codes Amazon Translate supports, as its documentation
/// lists them; every one has an entry in the table above.
pub const AMAZON_TRANSLATE_LANGUAGES: &[&str] = &[
    "af", "sq", "am", "ar", "hy", "az", "bn", "bs", "bg", "ca", "zh", "zh-TW", "hr", "cs", "da", "fa-AF", "nl", "en",
    "et", "fa", "tl", "fi", "fr", "fr-CA", "ka", "de", "el", "gu", "ht", "ha", "he", "hi", "hu", "is", "id", "ga",
    "it", "ja", "kn", "kk", "ko", "lv", "lt", "mk", "ms", "ml", "mt", "mr", "mn", "no", "ps", "pl", "pt", "pt-PT",
    "pa", "ro", "ru", "sr", "si", "sk", "sl", "so", "es", "es-MX", "sw", "sv", "ta", "te", "th", "tr", "uk", "ur",
    "uz", "vi", "cy",
];

/// The endonym the table has for exactly `canonical`.
fn endonym(canonical: &str) -> Option<&'static str> {
    ENDONYMS
        .binary_search_by(|(code, _)| code.cmp(&canonical))
        .ok()
        .map(|index| ENDONYMS[index].1)
}

/// The label of `language` in the switcher: `overrides` (book.toml's
/// `language-labels`, by canonical code) first, then the table, then the
/// primary language's name with the rest of the code, then the code.
///
/// ```
/// use mdbook_translate::language::LanguageTag;
/// use mdbook_translate::site::labels::language_label;
/// use std::collections::BTreeMap;
///
/// let tag = |code: &str| code.parse::<LanguageTag>().expect("a tag");
/// let none = BTreeMap::new();
/// assert_eq!(language_label(&tag("zh-tw"), &none), "繁體中文");
/// assert_eq!(language_label(&tag("pt"), &none), "Português (Brasil)");
/// assert_eq!(language_label(&tag("de-AT"), &none), "Deutsch (AT)");
/// let ours = BTreeMap::from([("zh".to_string(), "简体中文".to_string())]);
/// assert_eq!(language_label(&tag("zh"), &ours), "简体中文");
/// ```
pub fn language_label(language: &LanguageTag, overrides: &BTreeMap<String, String>) -> String {
    let canonical = language.canonical();
    if let Some(label) = overrides.get(canonical) {
        return label.clone();
    }
    if let Some(label) = endonym(canonical) {
        return label.to_string();
    }
    match (endonym(language.primary()), canonical.split_once('-')) {
        (Some(primary), Some((_, rest))) => format!("{primary} ({rest})"),
        _ => language.as_str().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_for_its_binary_search() {
        assert!(
            ENDONYMS.windows(2).all(|pair| pair[0].0 < pair[1].0),
            "sorted, once each"
        );
    }

    #[test]
    fn every_amazon_translate_language_has_its_own_name() {
        assert_eq!(AMAZON_TRANSLATE_LANGUAGES.len(), 75);
        for code in AMAZON_TRANSLATE_LANGUAGES {
            let tag: LanguageTag = code.parse().expect("a tag");
            assert_eq!(tag.canonical(), *code, "written canonically");
            assert!(endonym(code).is_some(), "{code} has no entry");
        }
    }

    #[test]
    fn labels_follow_the_code_in_any_case() {
        let none = BTreeMap::new();
        let label = |code: &str| language_label(&code.parse().expect("a tag"), &none);
        assert_eq!(label("ZH-hant"), "繁體中文");
        assert_eq!(label("zh-cn"), "简体中文");
        assert_eq!(label("es-mx"), "Español (México)");
        assert_eq!(label("xx"), "xx");
        assert_eq!(label("xx-YY"), "xx-YY");
    }
}
