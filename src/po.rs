//! gettext PO files: human translations in, units to translate out.
//!
//! An entry's `msgid` is a unit as markdown ([`unit_markdown`]): one
//! sentence (or one segment where markup crosses sentences), with code,
//! math, links and emphasis written as in the source. The `msgstr` is its
//! translation in the same form; translators may reorder placeholders and
//! markup but must keep each one. Chapter names and part titles are entries
//! too. Imported entries become `human` records, which win over every
//! machine translation.

use crate::collect::{CollectedBook, name_to_tagged};
use crate::config::Config;
use crate::segment::tagged::{TagError, TaggedToken, TaggedWriter, parse_tagged, plain_text, validate_tags};
use crate::segment::{BlockKind, SegmentOptions, Slot, Unit, slot_shapes, unit_from_markdown, unit_markdown};
use crate::store::{Languages, Origin, Record, Store, StoreError};
use anyhow::Context;
use mdbook_preprocessor::book::Book;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

/// One PO entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoEntry {
    /// The source unit as markdown.
    pub msgid: String,
    /// The translation as markdown (empty: untranslated).
    pub msgstr: String,
    /// `#:` references (chapter files).
    pub references: Vec<String>,
    /// `#, fuzzy`: needs review, not imported.
    pub fuzzy: bool,
}

/// A PO file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct PoError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Why a translator's msgstr is not imported as the translation of its msgid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TranslationError {
    /// A chapter name or part title translated over several lines.
    #[error("a name must be one line")]
    NameOverSeveralLines,
    /// The msgstr is not one paragraph with text in it.
    #[error("the translation is not one paragraph of text")]
    NotOneParagraph,
    /// The msgstr has a placeholder or markup that its msgid does not.
    #[error("`{0}` is not in the source")]
    NotInSource(String),
    /// The placeholders and markup do not match the msgid's.
    #[error(transparent)]
    Tags(#[from] TagError),
}

/// Parses a PO file; the header entry (empty `msgid`) is skipped.
pub fn parse_po(text: &str) -> Result<Vec<PoEntry>, PoError> {
    #[derive(PartialEq)]
    enum Field {
        None,
        Id,
        Str,
        Other,
    }
    let mut entries = Vec::new();
    let mut entry = PoEntry::default();
    let mut field = Field::None;
    let mut has_content = false;
    let finish = |entry: &mut PoEntry, entries: &mut Vec<PoEntry>, has_content: &mut bool| {
        if *has_content && !entry.msgid.is_empty() {
            entries.push(std::mem::take(entry));
        }
        *entry = PoEntry::default();
        *has_content = false;
    };
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let error = |message: &str| PoError {
            line: index + 1,
            message: message.to_string(),
        };
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if field == Field::Str {
                finish(&mut entry, &mut entries, &mut has_content);
                field = Field::None;
            }
            if let Some(references) = comment.strip_prefix(':') {
                entry
                    .references
                    .extend(references.split_whitespace().map(str::to_string));
            } else if let Some(flags) = comment.strip_prefix(',') {
                entry.fuzzy |= flags.split(',').any(|flag| flag.trim() == "fuzzy");
            }
            continue;
        }
        let (keyword, rest) = match line.split_once(char::is_whitespace) {
            Some((keyword, rest)) if !line.starts_with('"') => (keyword, rest.trim()),
            _ => ("", line),
        };
        match keyword {
            "msgid" => {
                if field == Field::Str {
                    finish(&mut entry, &mut entries, &mut has_content);
                }
                field = Field::Id;
                has_content = true;
                entry.msgid = unquote(rest).ok_or_else(|| error("expected a quoted string after msgid"))?;
            }
            "msgstr" => {
                field = Field::Str;
                entry.msgstr = unquote(rest).ok_or_else(|| error("expected a quoted string after msgstr"))?;
            }
            "msgctxt" | "msgid_plural" => field = Field::Other,
            "" if line.starts_with('"') => {
                let piece = unquote(line).ok_or_else(|| error("unterminated string"))?;
                match field {
                    Field::Id => entry.msgid.push_str(&piece),
                    Field::Str => entry.msgstr.push_str(&piece),
                    Field::Other => {}
                    Field::None => return Err(error("a string outside msgid or msgstr")),
                }
            }
            other if other.starts_with("msgstr[") => {
                return Err(error("plural forms are not used in book translations"));
            }
            other => return Err(error(&format!("unknown keyword `{other}`"))),
        }
    }
    finish(&mut entry, &mut entries, &mut has_content);
    Ok(entries)
}

fn unquote(quoted: &str) -> Option<String> {
    let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            other => out.push(other),
        }
    }
    Some(out)
}

fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes a PO file for `language`.
pub fn write_po(entries: &[PoEntry], language: &str) -> String {
    let mut out = String::new();
    out.push_str("msgid \"\"\nmsgstr \"\"\n");
    let _ = writeln!(out, "\"Language: {language}\\n\"");
    out.push_str("\"MIME-Version: 1.0\\n\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n");
    out.push_str("\"Content-Transfer-Encoding: 8bit\\n\"\n\"X-Generator: mdbook-translate\\n\"\n");
    for entry in entries {
        out.push('\n');
        if !entry.references.is_empty() {
            let _ = writeln!(out, "#: {}", entry.references.join(" "));
        }
        if entry.fuzzy {
            out.push_str("#, fuzzy\n");
        }
        let _ = writeln!(out, "msgid {}", quote(&entry.msgid));
        let _ = writeln!(out, "msgstr {}", quote(&entry.msgstr));
    }
    out
}

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

/// Turns a translator's markdown into tagged text with the source
/// message's slot ids: each placeholder of the translation is matched to
/// the source placeholder with the same bytes, each piece of markup to the
/// source markup of the same kind (the same link target where there is one).
pub fn translation_to_tagged(
    message: &Message,
    msgstr: &str,
    options: &SegmentOptions,
) -> Result<String, TranslationError> {
    if message.plain {
        if msgstr.contains('\n') {
            return Err(TranslationError::NameOverSeveralLines);
        }
        let mut tagged = TaggedWriter::default();
        tagged.text(msgstr.trim());
        return Ok(tagged.finish());
    }
    let translated = unit_from_markdown(msgstr, options).ok_or(TranslationError::NotOneParagraph)?;
    let mut used = vec![false; message.slots.len()];
    let mut id_map: HashMap<u32, u32> = HashMap::new();
    for (index, slot) in translated.slots.iter().enumerate() {
        let exact = |candidate: &Slot| candidate == slot;
        let same_kind = |candidate: &Slot| match (candidate, slot) {
            (Slot::Pair { kind: a, .. }, Slot::Pair { kind: b, .. }) => a == b,
            _ => false,
        };
        let found = (0..message.slots.len())
            .find(|&i| !used[i] && exact(&message.slots[i]))
            .or_else(|| (0..message.slots.len()).find(|&i| !used[i] && same_kind(&message.slots[i])))
            .ok_or_else(|| match slot {
                Slot::Placeholder(bytes) => TranslationError::NotInSource(bytes.clone()),
                Slot::Pair { open, close, .. } => TranslationError::NotInSource(format!("{open}…{close}")),
            })?;
        used[found] = true;
        id_map.insert(index as u32 + 1, found as u32 + 1);
    }
    let mut writer = TaggedWriter::default();
    for token in parse_tagged(&translated.tagged)? {
        writer.token(&match token {
            TaggedToken::Open(id) => TaggedToken::Open(id_map[&id]),
            TaggedToken::Close(id) => TaggedToken::Close(id_map[&id]),
            TaggedToken::Placeholder(id) => TaggedToken::Placeholder(id_map[&id]),
            text => text,
        });
    }
    let tagged = writer.finish();
    validate_tags(&tagged, &slot_shapes(&message.slots))?;
    Ok(tagged)
}

#[cfg(test)]
mod tests;

/// Every message of a collected book, in book order, each msgid once, with
/// the files it appears in: the book's title and description, chapter units
/// and the titles of the alerts they use, then chapter names and part titles.
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
    messages
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Entries stored as human translations.
    pub n_imported: usize,
    /// Entries with an empty msgstr.
    pub n_untranslated: usize,
    /// Entries marked fuzzy (not imported).
    pub n_fuzzy: usize,
    /// Entries whose msgid is no longer in the book.
    pub n_obsolete: usize,
    /// Entries refused, with the reason (msgid, reason).
    pub rejected: Vec<(String, TranslationError)>,
}

/// Stores the translated entries of a PO file as human records for the
/// units of `messages`.
pub fn import_entries(
    entries: &[PoEntry],
    messages: &[(Message, Vec<String>)],
    languages: Languages<'_>,
    options: &SegmentOptions,
    store: &Store,
) -> Result<ImportReport, StoreError> {
    let by_msgid: HashMap<&str, &Message> = messages.iter().map(|(m, _)| (m.msgid.as_str(), m)).collect();
    let mut report = ImportReport::default();
    for entry in entries {
        let Some(message) = by_msgid.get(entry.msgid.as_str()) else {
            report.n_obsolete += 1;
            continue;
        };
        if entry.msgstr.trim().is_empty() {
            report.n_untranslated += 1;
            continue;
        }
        if entry.fuzzy {
            report.n_fuzzy += 1;
            continue;
        }
        match translation_to_tagged(message, &entry.msgstr, options) {
            Ok(tagged) => {
                let key = languages.key(&message.tagged);
                store.put(&key, &Record::new(&message.tagged, &tagged, Origin::Human, "human"))?;
                report.n_imported += 1;
            }
            Err(reason) => report.rejected.push((entry.msgid.clone(), reason)),
        }
    }
    store.flush()?;
    Ok(report)
}

/// Imports the PO file at `path` (whose contents are `text`) as human
/// translations of the units of `collected`; warns about each refused entry
/// and prints a one-line report.
pub fn import_translation_file(
    collected: &CollectedBook,
    path: &Path,
    text: &str,
    languages: Languages<'_>,
    config: &Config,
    store: &Store,
) -> anyhow::Result<ImportReport> {
    let entries = parse_po(text).with_context(|| format!("reading the translations in {}", path.display()))?;
    let messages = book_messages(collected, config.math.dollar);
    let report = import_entries(&entries, &messages, languages, &config.segment_options(), store)?;
    for (msgid, reason) in &report.rejected {
        tracing::warn!("{}: not imported: `{msgid}`: {reason}", path.display());
    }
    eprintln!(
        "mdbook-translate: {}: {} human translations imported from {} ({} untranslated, {} fuzzy, {} no longer in the book, {} refused)",
        languages.target,
        report.n_imported,
        path.display(),
        report.n_untranslated,
        report.n_fuzzy,
        report.n_obsolete,
        report.rejected.len()
    );
    Ok(report)
}

/// Imports `<po-dir>/<target>.po` as human translations of the units of
/// `book`, which `collected` holds, when the file or the book changed since
/// the last import (a fingerprint of both is kept in the store's `meta` tree).
pub fn import_translations_if_changed(
    book: &Book,
    collected: &CollectedBook,
    languages: Languages<'_>,
    config: &Config,
    store: &Store,
) -> anyhow::Result<()> {
    let path = config.po_dir.join(format!("{}.po", languages.target));
    if !path.exists() {
        if config.po_dir_explicit {
            eprintln!(
                "mdbook-translate: {}: no human translations: {} does not exist",
                languages.target,
                path.display()
            );
        }
        return Ok(());
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let fingerprint = import_fingerprint(&text, book, collected);
    let meta_key = format!("imported:{}", path.display());
    if store.meta(&meta_key)?.as_deref() == Some(&fingerprint[..]) {
        return Ok(());
    }
    import_translation_file(collected, &path, &text, languages, config, store)?;
    store.set_meta(&meta_key, &fingerprint)?;
    Ok(())
}

/// A hash of a PO file, of the book it is imported into and of the book's
/// own texts.
fn import_fingerprint(po_text: &str, book: &Book, collected: &CollectedBook) -> [u8; 32] {
    let mut hasher = Sha256::new();
    let mut update = |part: &str| {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    };
    update(po_text);
    for text in &collected.book_texts {
        update(&text.text);
    }
    for chapter in book.chapters() {
        update(&chapter.name);
        update(&chapter.content);
    }
    hasher.finalize().into()
}
