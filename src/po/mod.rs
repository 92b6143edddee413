//! gettext PO files: the durable record of a book's translations.
//!
//! An entry's `msgid` is a unit as markdown ([`unit_markdown`]): one
//! sentence (or one segment where markup crosses sentences), with code,
//! math, links and emphasis written as in the source. The `msgstr` is its
//! translation in the same form; translators may reorder placeholders and
//! markup but must keep each one. Chapter names and part titles are entries
//! too.
//!
//! - [`file`](mod@file): reading and writing the files (rspolib), with errors by line;
//! - [`translation`]: a translator's msgstr read back as tagged text;
//! - [`layout`]: one file per language or one per chapter, read as one
//!   catalogue;
//! - [`import`]: a file mirrored into the store (human records, machine
//!   records from `#, fuzzy` entries with a `#. machine:` comment,
//!   withdrawals of what the file no longer holds);
//! - [`merge`]: `po export`, as `msgmerge` would merge the book into a file.

pub mod blocks;
pub mod file;
pub mod import;
pub mod layout;
pub mod merge;
pub mod translation;

pub use file::{PoEntry, PoError, PoFileError, parse_po, read_po_file};
pub use import::{ImportReport, import_catalog, import_layout, import_translations_if_changed};
pub use translation::{Piece, TranslationError, read_translation, translation_to_tagged};

use crate::collect::{CollectedBook, name_to_tagged};
use crate::segment::tagged::plain_text;
use crate::segment::{BlockKind, Slot, Unit, unit_markdown};
use std::collections::HashMap;

/// A unit or name as it appears in a PO file.
#[derive(Debug, Clone)]
pub struct Message {
    /// The unit's tagged text (what the key is computed from).
    pub tagged: String,
    /// Its slots (empty for names).
    pub slots: Vec<Slot>,
    /// The msgid.
    pub msgid: String,
    /// Whether the msgid and its translations are plain text (names),
    /// not markdown.
    pub plain: bool,
}

impl Message {
    /// The message of a unit.
    pub fn of_unit(unit: &Unit, escape_dollar: bool) -> Message {
        Message {
            tagged: unit.tagged.clone(),
            slots: unit.slots.clone(),
            msgid: unit_markdown(unit, escape_dollar),
            plain: false,
        }
    }

    /// A translation of the message (tagged text) as its msgstr: plain text
    /// for names, markdown for units.
    pub fn render(&self, tagged: &str, escape_dollar: bool) -> String {
        if self.plain {
            return plain_text(tagged).unwrap_or_else(|_| tagged.to_string());
        }
        let unit = Unit {
            range: 0..0,
            tagged: tagged.to_string(),
            slots: self.slots.clone(),
            translatable: true,
        };
        unit_markdown(&unit, escape_dollar)
    }

    /// The message of a chapter name or part title (plain text).
    pub fn of_name(name: &str) -> Message {
        Message {
            tagged: name_to_tagged(name),
            slots: Vec::new(),
            msgid: name.split_whitespace().collect::<Vec<_>>().join(" "),
            plain: true,
        }
    }
}

/// Every message of a collected book, in book order, each msgid once, with
/// the files it appears in: the book's title and description, chapter units
/// and the titles of the alerts they use, chapter names and part titles, then
/// mdBook's interface texts.
pub fn book_messages(collected: &CollectedBook, escape_dollar: bool) -> Vec<(Message, Vec<String>)> {
    let mut messages: Vec<(Message, Vec<String>)> = Vec::new();
    let mut index_of: HashMap<String, usize> = HashMap::new();
    let mut add = |message: Message, reference: &str| {
        let position = *index_of.entry(message.msgid.clone()).or_insert_with(|| {
            messages.push((message, Vec::new()));
            messages.len() - 1
        });
        let references = &mut messages[position].1;
        if !references.iter().any(|r| r == reference) {
            references.push(reference.to_string());
        }
    };
    for text in &collected.book_texts {
        add(Message::of_name(&text.text), &text.place);
    }
    for chapter in collected.chapters() {
        let Some(reference) = &chapter.source_file else {
            continue;
        };
        for segment in &chapter.segments.segments {
            for unit in segment.units.iter().filter(|unit| unit.translatable) {
                let message = match segment.kind {
                    BlockKind::HtmlText => Message::of_name(&plain_text(&unit.tagged).unwrap_or_default()),
                    _ => Message::of_unit(unit, escape_dollar),
                };
                add(message, reference);
            }
        }
        for title in &chapter.segments.alert_titles {
            add(Message::of_name(title), reference);
        }
    }
    for name in &collected.names {
        add(Message::of_name(&name.text), &name.place);
    }
    // mdBook's own interface texts, which the output writes in each language.
    for text in crate::interface::INTERFACE_TEXTS {
        add(Message::of_name(text.english), crate::interface::INTERFACE_REFERENCE);
    }
    messages
}

#[cfg(test)]
mod tests;
