//! Language tags: BCP-47 codes as Amazon Translate uses them (`zh`, `zh-TW`,
//! `es-MX`, `pt-PT`), parsed once.
//!
//! Two tags that differ only in case are the same language: they compare
//! and hash equal, and give the same store keys. A tag keeps the form it was
//! written in for display (messages, folder and file names), and has a
//! canonical form for keys: the primary language subtag in lower case, a
//! four-letter script subtag in title case, a region in upper case and
//! anything else in lower case (`zh`, `zh-TW`, `zh-Hant`), as BCP-47
//! recommends. Tags written that way, as Amazon Translate's codes are,
//! are their own canonical form.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

/// A BCP-47 language tag: a primary subtag of 2–3 letters and optional
/// subtags of 2–8 letters or digits, separated by `-`.
///
/// ```
/// use mdbook_translate::language::LanguageTag;
///
/// let tag: LanguageTag = "zh-tw".parse().expect("a language tag");
/// assert_eq!(tag, "zh-TW".parse::<LanguageTag>().expect("a language tag"));
/// assert_eq!(tag.as_str(), "zh-tw");
/// assert_eq!(tag.canonical(), "zh-TW");
/// assert!(tag.is_cjk());
/// assert!("chinese!".parse::<LanguageTag>().is_err());
/// ```
#[derive(Clone)]
pub struct LanguageTag {
    written: String,
    canonical: String,
}

/// A string that is not a language tag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{written}` is not a language tag; use codes such as \"zh\", \"zh-TW\", \"es\", \"pt-PT\"")]
pub struct LanguageTagError {
    /// The string as given.
    pub written: String,
}

impl LanguageTag {
    /// Parses `tag`; see the [type documentation](LanguageTag) for the form.
    pub fn parse(tag: &str) -> Result<LanguageTag, LanguageTagError> {
        let error = || LanguageTagError {
            written: tag.to_string(),
        };
        let mut canonical = String::with_capacity(tag.len());
        for (index, subtag) in tag.split('-').enumerate() {
            let valid = if index == 0 {
                (2..=3).contains(&subtag.len()) && subtag.chars().all(|c| c.is_ascii_alphabetic())
            } else {
                (2..=8).contains(&subtag.len()) && subtag.chars().all(|c| c.is_ascii_alphanumeric())
            };
            if !valid {
                return Err(error());
            }
            if index > 0 {
                canonical.push('-');
            }
            push_canonical_subtag(&mut canonical, index, subtag);
        }
        Ok(LanguageTag {
            written: tag.to_string(),
            canonical,
        })
    }

    /// The tag as it was written.
    pub fn as_str(&self) -> &str {
        &self.written
    }

    /// The canonical form, the same for every spelling of the tag; what
    /// store keys are computed from.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// The primary language subtag, lower case (`zh` for `zh-TW`).
    pub fn primary(&self) -> &str {
        self.canonical.split('-').next().unwrap_or_default()
    }

    /// Whether the language is Chinese, Japanese or Korean, written without
    /// spaces between sentences and with full-width punctuation.
    pub fn is_cjk(&self) -> bool {
        matches!(self.primary(), "zh" | "ja" | "ko")
    }
}

/// The subtag at `index` of a tag, in its canonical case.
fn push_canonical_subtag(out: &mut String, index: usize, subtag: &str) {
    let is_script = index > 0 && subtag.len() == 4 && subtag.chars().all(|c| c.is_ascii_alphabetic());
    let is_region = index > 0 && subtag.len() == 2;
    for (position, c) in subtag.chars().enumerate() {
        if is_region || (is_script && position == 0) {
            out.push(c.to_ascii_uppercase());
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
}

/// The tags as written, separated by commas, for messages.
pub fn join_languages(tags: &[LanguageTag]) -> String {
    tags.iter().map(LanguageTag::as_str).collect::<Vec<_>>().join(", ")
}

/// `und`, BCP-47's tag for an undetermined language; it gets the generic
/// sentence rules.
impl Default for LanguageTag {
    fn default() -> LanguageTag {
        LanguageTag {
            written: "und".to_string(),
            canonical: "und".to_string(),
        }
    }
}

impl PartialEq for LanguageTag {
    fn eq(&self, other: &LanguageTag) -> bool {
        self.canonical == other.canonical
    }
}

impl Eq for LanguageTag {}

impl PartialOrd for LanguageTag {
    fn partial_cmp(&self, other: &LanguageTag) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// By canonical form, as equality is.
impl Ord for LanguageTag {
    fn cmp(&self, other: &LanguageTag) -> std::cmp::Ordering {
        self.canonical.cmp(&other.canonical)
    }
}

impl Hash for LanguageTag {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.canonical.hash(state);
    }
}

impl fmt::Debug for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LanguageTag({:?})", self.written)
    }
}

impl fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.written)
    }
}

impl FromStr for LanguageTag {
    type Err = LanguageTagError;

    fn from_str(tag: &str) -> Result<LanguageTag, LanguageTagError> {
        LanguageTag::parse(tag)
    }
}

impl Serialize for LanguageTag {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.written)
    }
}

impl<'de> Deserialize<'de> for LanguageTag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<LanguageTag, D::Error> {
        let written = String::deserialize(deserializer)?;
        LanguageTag::parse(&written).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn tag(text: &str) -> LanguageTag {
        text.parse().expect("a language tag")
    }

    #[test]
    fn accepts_the_codes_amazon_translate_uses() {
        for good in ["en", "zh", "zh-TW", "es-MX", "pt-PT", "fil", "zh-Hant", "en-US-x1"] {
            assert_eq!(tag(good).as_str(), good);
        }
        for bad in [
            "",
            "e",
            "english",
            "zh_TW",
            "zh-",
            "1a",
            "zh-T",
            "zh-TW-toolongtag",
            " zh",
        ] {
            assert!(LanguageTag::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn spellings_of_one_tag_are_equal_and_share_a_canonical_form() {
        for (written, canonical) in [
            ("zh", "zh"),
            ("ZH", "zh"),
            ("zh-tw", "zh-TW"),
            ("ZH-TW", "zh-TW"),
            ("zh-hant", "zh-Hant"),
            ("es-419", "es-419"),
        ] {
            assert_eq!(tag(written).canonical(), canonical, "{written}");
            assert_eq!(tag(written), tag(canonical));
            assert_eq!(tag(written).to_string(), written);
        }
        assert_ne!(tag("zh"), tag("zh-TW"));
    }

    #[test]
    fn cjk_languages() {
        for cjk in ["zh", "zh-TW", "ja", "KO"] {
            assert!(tag(cjk).is_cjk(), "{cjk}");
        }
        for other in ["en", "es-MX", "zha", "und"] {
            assert!(!tag(other).is_cjk(), "{other}");
        }
        assert_eq!(tag("ZH-tw").primary(), "zh");
    }
}
