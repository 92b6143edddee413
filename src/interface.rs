//! mdBook's own interface text (the search box, the print button, the theme
//! menu, the chapter arrows, the 404 page) and the language switcher's, in
//! the reader's language.
//!
//! Each text has an id (`print`) and mdBook 0.5's English wording ("Print
//! this book"). Its translation into a language is, first to last:
//! `[preprocessor.translate.interface.<lang>] <id>` in book.toml; a reviewed
//! translation of the English wording in the PO file (`po export` lists the
//! texts under the reference [`INTERFACE_REFERENCE`]); the built-in table
//! (`interface/strings.toml`, which names the languages it covers); else the
//! English wording. Pure: no IO.

use crate::language::LanguageTag;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// One text of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InterfaceText {
    /// Its id, the key in book.toml and in the built-in table.
    pub id: &'static str,
    /// mdBook 0.5's wording, as its templates and 404 page have it.
    pub english: &'static str,
}

const fn text(id: &'static str, english: &'static str) -> InterfaceText {
    InterfaceText { id, english }
}

/// Every text, in the order `po export` lists them. mdBook's keyboard help
/// (which mixes text and `<kbd>` keys) and the texts its scripts write at
/// run time (search result counts, "Copy to clipboard") are not among them.
pub const INTERFACE_TEXTS: &[InterfaceText] = &[
    text("search-placeholder", "Search this book ..."),
    text("search-title", "Search (`/`)"),
    text("search-toggle", "Toggle Searchbar"),
    text("print", "Print this book"),
    text("theme-toggle", "Change theme"),
    text("themes", "Themes"),
    text("theme-auto", "Auto"),
    text("theme-light", "Light"),
    text("theme-coal", "Coal"),
    text("theme-navy", "Navy"),
    text("sidebar-toggle", "Toggle Table of Contents"),
    text("table-of-contents", "Table of contents"),
    text("previous-chapter", "Previous chapter"),
    text("next-chapter", "Next chapter"),
    text("page-navigation", "Page navigation"),
    text("git-repository", "Git repository"),
    text("suggest-edit", "Suggest an edit"),
    text("page-not-found", "Page not found"),
    text("not-found-heading", "Document not found (404)"),
    text(
        "not-found-text",
        "This URL is invalid, sorry. Please use the navigation bar or search to continue.",
    ),
    text("change-language", "Change language"),
    text("languages", "Languages"),
];

/// The reference `po export` gives the interface texts.
pub const INTERFACE_REFERENCE: &str = "mdbook-interface";

/// The text with `id`, if there is one.
pub fn interface_text(id: &str) -> Option<&'static InterfaceText> {
    INTERFACE_TEXTS.iter().find(|text| text.id == id)
}

/// The built-in table: translations by language code, then by id.
static TABLE: LazyLock<BTreeMap<String, BTreeMap<String, String>>> = LazyLock::new(|| {
    toml::from_str(include_str!("interface/strings.toml")).expect("the built-in interface table is valid TOML")
});

/// The languages the built-in table has, as written there.
pub fn covered_languages() -> impl Iterator<Item = &'static str> {
    TABLE.keys().map(String::as_str)
}

/// The entry of the built-in table that serves `language`: its own, else
/// that of its script or language.
fn table_entry(language: &LanguageTag) -> Option<&'static BTreeMap<String, String>> {
    let canonical = language.canonical();
    let alias = match canonical {
        "zh-CN" | "zh-SG" | "zh-Hans" | "zh-Hans-CN" => "zh",
        "zh-HK" | "zh-MO" | "zh-Hant" | "zh-Hant-TW" | "zh-Hant-HK" => "zh-TW",
        "pt-BR" => "pt",
        _ => canonical,
    };
    TABLE.get(alias).or_else(|| TABLE.get(language.primary()))
}

/// The interface texts of one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    /// The text of each of [`INTERFACE_TEXTS`], in order.
    texts: Vec<String>,
}

impl Interface {
    /// The interface in `language`: `overrides` (book.toml's table for
    /// the language, by id) first, then `human` (a reviewed translation of
    /// an English wording), then the built-in table, then English.
    pub fn for_language(
        language: &LanguageTag,
        overrides: &BTreeMap<String, String>,
        human: &dyn Fn(&str) -> Option<String>,
    ) -> Interface {
        let table = table_entry(language);
        let texts = INTERFACE_TEXTS
            .iter()
            .map(|text| {
                overrides
                    .get(text.id)
                    .cloned()
                    .or_else(|| human(text.english))
                    .or_else(|| table.and_then(|entry| entry.get(text.id)).cloned())
                    .unwrap_or_else(|| text.english.to_string())
            })
            .collect();
        Interface { texts }
    }

    /// mdBook's own wording, unchanged.
    pub fn english() -> Interface {
        Interface {
            texts: INTERFACE_TEXTS.iter().map(|text| text.english.to_string()).collect(),
        }
    }

    /// The text with `id` (its English wording for an unknown id).
    pub fn text<'a>(&'a self, id: &'a str) -> &'a str {
        INTERFACE_TEXTS
            .iter()
            .position(|text| text.id == id)
            .map_or(id, |index| &self.texts[index])
    }

    /// `markup` (a template of mdBook's theme or a page it wrote) with each
    /// English text replaced where it stands whole: as an attribute value
    /// (`title="Print this book"`), as the text of an element
    /// (`>Light<`) or as the start of the page title (`<title>Page not
    /// found - …`). Translations are escaped for HTML, and `{` besides, so
    /// that a template never reads them as Handlebars expressions.
    ///
    /// ```
    /// use mdbook_translate::interface::Interface;
    /// use mdbook_translate::language::LanguageTag;
    /// use std::collections::BTreeMap;
    ///
    /// let zh: LanguageTag = "zh".parse().expect("a tag");
    /// let interface = Interface::for_language(&zh, &BTreeMap::new(), &|_| None);
    /// let markup = r#"<a title="Print this book"><button>Light</button></a>"#;
    /// assert_eq!(interface.translate_markup(markup), r#"<a title="打印本书"><button>浅色</button></a>"#);
    /// ```
    pub fn translate_markup(&self, markup: &str) -> String {
        let mut out = markup.to_string();
        for (text, translation) in INTERFACE_TEXTS.iter().zip(&self.texts) {
            if translation == text.english {
                continue;
            }
            let escaped = escape_for_template(translation);
            for (before, after) in [("\"", "\""), (">", "<"), ("<title>", "")] {
                let pattern = format!("{before}{}{after}", escape_for_template(text.english));
                if out.contains(&pattern) {
                    out = out.replace(&pattern, &format!("{before}{escaped}{after}"));
                }
            }
        }
        out
    }
}

/// `text` escaped for an HTML attribute value or element text in a
/// Handlebars template.
pub fn escape_for_template(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '{' => out.push_str("&#123;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
