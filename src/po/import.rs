//! A PO file mirrored into the store.
//!
//! The file is the truth and the store follows it: a translated entry
//! without the `fuzzy` flag is a `human` record; a `#, fuzzy` entry with a
//! `#. machine: <origin>, profile <profile>` comment (as `po export` writes
//! machine output) is a machine record of that origin and profile; and a
//! unit whose entry is empty, fuzzy without that comment, refused or gone
//! loses its human record. The whole file is read and checked before the
//! store is touched, so a file that cannot be read changes nothing.

use super::blocks::{BlockTranslation, BookBlocks, map_blocks};
use super::file::PoEntry;
use super::layout::{Catalog, Layout, find_layout};
use super::translation::{ChangedLink, TranslationError, read_translation};
use super::{Message, book_messages};
use crate::collect::CollectedBook;
use crate::config::Config;
use crate::language::LanguageTag;
use crate::segment::SegmentOptions;
use crate::store::{Languages, Origin, Record, Store, StoreError, UnitKey, block_records_meta_key};
use mdbook_preprocessor::book::Book;
use rspolib::POFile;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// An entry whose msgstr is not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedEntry {
    /// Index of the entry in the file (or catalogue) imported.
    pub entry: usize,
    /// Line of the entry in its PO file.
    pub line: usize,
    /// Its msgid.
    pub msgid: String,
    /// Why.
    pub reason: TranslationError,
}

/// An entry imported with the destination of a link or image as the
/// source has it, not as its msgstr changed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedLinkEntry {
    /// Index of the entry in the file (or catalogue) imported.
    pub entry: usize,
    /// Line of the entry in its PO file.
    pub line: usize,
    /// Its msgid.
    pub msgid: String,
    /// The link and the destination the msgstr gave it.
    pub link: ChangedLink,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Entries stored as human translations.
    pub n_human: usize,
    /// `#, fuzzy` entries with a machine origin, stored as machine records.
    pub n_machine: usize,
    /// Entries with an empty msgstr.
    pub n_untranslated: usize,
    /// Entries marked fuzzy without a machine origin (not used).
    pub n_fuzzy: usize,
    /// Live entries whose msgid is no longer in the book.
    pub n_obsolete: usize,
    /// Human records removed because the file no longer holds them.
    pub n_withdrawn: usize,
    /// Block messages (mdbook-i18n-helpers) stored sentence by sentence.
    pub n_blocks_by_sentence: usize,
    /// Block messages stored whole, as the translation of their segment.
    pub n_blocks_whole: usize,
    /// Entries refused, with the reason.
    pub refused: Vec<RefusedEntry>,
    /// Links whose destination a msgstr changed (the source's is kept).
    pub changed_links: Vec<ChangedLinkEntry>,
}

impl ImportReport {
    fn refuse(&mut self, index: usize, entry: &PoEntry, reason: TranslationError) {
        self.refused.push(RefusedEntry {
            entry: index,
            line: entry.linenum.max(1),
            msgid: entry.msgid.clone(),
            reason,
        });
    }

    fn note_changed_links(&mut self, index: usize, entry: &PoEntry, links: Vec<ChangedLink>) {
        self.changed_links
            .extend(links.into_iter().map(|link| ChangedLinkEntry {
                entry: index,
                line: entry.linenum.max(1),
                msgid: entry.msgid.clone(),
                link,
            }));
    }
}

/// What an import will write: nothing is stored until [`apply_import`].
#[derive(Debug, Clone, Default)]
pub struct ImportPlan {
    /// Records to store.
    pub records: Vec<(UnitKey, Record)>,
    /// Units whose human record goes.
    pub withdrawn: Vec<UnitKey>,
    /// The `meta` key saying whether block records exist, and its value.
    pub block_flag: (String, bool),
    /// The counts so far.
    pub report: ImportReport,
}

/// The comment `po export` gives machine output: `machine: act, profile act/book-zh@3`.
pub fn machine_comment(record: &Record) -> String {
    format!("machine: {}, profile {}", record.origin.name(), record.profile)
}

/// The origin and profile named by a `#. machine:` comment of `entry`.
pub fn machine_origin(entry: &PoEntry) -> Option<(Origin, String)> {
    entry.comment.as_deref()?.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("machine:")?;
        let (origin, profile) = rest.trim().split_once(", profile ")?;
        let origin = match origin.trim() {
            "act" => Origin::Act,
            "realtime" => Origin::Realtime,
            "imported" => Origin::Imported,
            _ => return None,
        };
        let profile = profile.trim();
        (!profile.is_empty() && !profile.contains(char::is_whitespace)).then(|| (origin, profile.to_string()))
    })
}

/// What one entry asks for.
enum EntryUse<'a> {
    Human(&'a str),
    Machine(Origin, String, &'a str),
    Untranslated,
    Fuzzy,
}

fn entry_use(entry: &PoEntry) -> EntryUse<'_> {
    let msgstr = entry.msgstr.as_deref().unwrap_or_default();
    if msgstr.trim().is_empty() {
        return EntryUse::Untranslated;
    }
    if !entry.fuzzy() {
        return EntryUse::Human(msgstr);
    }
    match machine_origin(entry) {
        Some((origin, profile)) => EntryUse::Machine(origin, profile, msgstr),
        None => EntryUse::Fuzzy,
    }
}

/// Plans the import of `file` for the units of `messages`: every message's
/// record as the file says it, and the human records that go.
pub fn plan_import(
    file: &POFile,
    messages: &[(Message, Vec<String>)],
    blocks: &BookBlocks,
    languages: Languages<'_>,
    options: &SegmentOptions,
) -> ImportPlan {
    let mut by_msgid: HashMap<&str, (usize, &PoEntry)> = HashMap::new();
    for (index, entry) in file.entries.iter().enumerate().filter(|(_, entry)| !entry.obsolete) {
        by_msgid.entry(entry.msgid.as_str()).or_insert((index, entry));
    }
    let mut plan = ImportPlan::default();
    let mut human: HashSet<UnitKey> = HashSet::new();
    let mut unused: Vec<UnitKey> = Vec::new();
    for (message, _) in messages {
        let key = languages.key(&message.tagged);
        let Some((index, entry)) = by_msgid.remove(message.msgid.as_str()) else {
            unused.push(key);
            continue;
        };
        let (origin, profile, msgstr) = match entry_use(entry) {
            EntryUse::Human(msgstr) => (Origin::Human, "human".to_string(), msgstr),
            EntryUse::Machine(origin, profile, msgstr) => (origin, profile, msgstr),
            EntryUse::Untranslated => {
                plan.report.n_untranslated += 1;
                unused.push(key);
                continue;
            }
            EntryUse::Fuzzy => {
                plan.report.n_fuzzy += 1;
                unused.push(key);
                continue;
            }
        };
        match read_translation(message, msgstr, options) {
            Ok(translation) => {
                if origin == Origin::Human {
                    plan.report.n_human += 1;
                    human.insert(key);
                } else {
                    plan.report.n_machine += 1;
                    unused.push(key);
                }
                let record = Record::new(&message.tagged, &translation.tagged, origin, &profile);
                plan.records.push((key, record));
                plan.report.note_changed_links(index, entry, translation.changed_links);
            }
            Err(reason) => {
                plan.report.refuse(index, entry, reason);
                unused.push(key);
            }
        }
    }
    let leftovers = file
        .entries
        .iter()
        .enumerate()
        .filter(|(index, entry)| by_msgid.get(entry.msgid.as_str()).is_some_and(|(i, _)| i == index));
    let mut planner = BlockPlanner {
        plan: &mut plan,
        human: &mut human,
        blocks,
        languages,
        options,
    };
    leftovers.for_each(|(index, entry)| planner.plan_entry(index, entry));
    unused.extend(blocks.tagged_texts().map(|tagged| languages.key(tagged)));
    plan.withdrawn = unused.into_iter().filter(|key| !human.contains(key)).collect();
    plan.block_flag = (block_records_meta_key(languages.target), plan.report.n_blocks_whole > 0);
    plan
}

/// Plans the entries whose msgid is not a unit of the book: block
/// messages of mdbook-i18n-helpers, or entries that left the book.
struct BlockPlanner<'a, 'b> {
    plan: &'a mut ImportPlan,
    human: &'a mut HashSet<UnitKey>,
    blocks: &'a BookBlocks,
    languages: Languages<'b>,
    options: &'a SegmentOptions,
}

impl BlockPlanner<'_, '_> {
    fn plan_entry(&mut self, index: usize, entry: &PoEntry) {
        let Some(blocks) = self.blocks.blocks_of(&entry.msgid, self.options) else {
            tracing::debug!(
                "line {}: not a unit or block of the book: {:?}",
                entry.linenum,
                entry.msgid
            );
            self.plan.report.n_obsolete += 1;
            return;
        };
        let msgstr = match entry_use(entry) {
            EntryUse::Human(msgstr) => msgstr,
            EntryUse::Untranslated => return self.plan.report.n_untranslated += 1,
            EntryUse::Fuzzy | EntryUse::Machine(..) => return self.plan.report.n_fuzzy += 1,
        };
        let mapped = match map_blocks(&blocks, msgstr, self.languages.target, self.options) {
            Ok(mapped) => mapped,
            Err(reason) => return self.plan.report.refuse(index, entry, reason),
        };
        let mut whole = false;
        for block in &mapped.blocks {
            match block {
                BlockTranslation::Sentences(sentences) => {
                    sentences
                        .iter()
                        .for_each(|(source, tagged)| self.store_human(source, tagged));
                }
                BlockTranslation::Whole(source, tagged) => {
                    self.store_human(source, tagged);
                    whole = true;
                }
            }
        }
        // A message counts once, by sentence only when each of its blocks is.
        if whole {
            self.plan.report.n_blocks_whole += 1;
        } else {
            self.plan.report.n_blocks_by_sentence += 1;
        }
        self.plan.report.note_changed_links(index, entry, mapped.changed_links);
    }

    fn store_human(&mut self, source: &str, tagged: &str) {
        let key = self.languages.key(source);
        self.human.insert(key);
        let record = Record::new(source, tagged, Origin::Human, "human");
        self.plan.records.push((key, record));
    }
}

/// Writes a plan to the store and flushes it.
pub fn apply_import(plan: ImportPlan, store: &Store) -> Result<ImportReport, StoreError> {
    let mut report = plan.report;
    for (key, record) in &plan.records {
        store.put(key, record)?;
    }
    for key in &plan.withdrawn {
        report.n_withdrawn += usize::from(store.remove_human(key)?);
    }
    let (flag_key, has_blocks) = &plan.block_flag;
    if !flag_key.is_empty() {
        store.set_meta(flag_key, if *has_blocks { b"1" } else { b"0" })?;
    }
    store.flush()?;
    Ok(report)
}

/// Mirrors `catalog` (read from `source`, a file or a folder of chapter
/// files) into the store for the units of `collected`; warns about each
/// refused entry by file and line and prints a one-line report.
pub fn import_catalog(
    collected: &CollectedBook,
    source: &Path,
    catalog: &Catalog,
    languages: Languages<'_>,
    config: &Config,
    store: &Store,
) -> anyhow::Result<ImportReport> {
    let messages = book_messages(collected, config.math.dollar);
    let blocks = BookBlocks::of_book(collected);
    let plan = plan_import(&catalog.file, &messages, &blocks, languages, &config.segment_options());
    let report = apply_import(plan, store)?;
    for refused in &report.refused {
        tracing::warn!(
            "{}:{}: not imported: `{}`: {}",
            catalog.path_of(refused.entry).display(),
            refused.line,
            refused.msgid,
            refused.reason
        );
    }
    for changed in &report.changed_links {
        tracing::warn!(
            "{}:{}: `{}`: the translation changes {} to `{}`; the build keeps the source's destination \
             (link destinations are not translated)",
            catalog.path_of(changed.entry).display(),
            changed.line,
            changed.msgid,
            changed.link.source,
            changed.link.translation
        );
    }
    eprintln!(
        "mdbook-translate: {}: {} human translations imported from {} ({} machine, {} untranslated, {} fuzzy, \
         {} no longer in the book, {} refused, {} withdrawn; {} block messages by sentence, {} whole)",
        languages.target,
        report.n_human + report.n_blocks_by_sentence + report.n_blocks_whole,
        source.display(),
        report.n_machine,
        report.n_untranslated,
        report.n_fuzzy,
        report.n_obsolete,
        report.refused.len(),
        report.n_withdrawn,
        report.n_blocks_by_sentence,
        report.n_blocks_whole
    );
    Ok(report)
}

/// Mirrors the translations of `languages.target` in `layout` into the
/// store now (`po import`). When `layout` is the one the build reads, the
/// import is recorded as the build's, which then does not import again;
/// otherwise the next build imports its own files.
pub fn import_layout(
    book: &Book,
    collected: &CollectedBook,
    layout: &Layout,
    languages: Languages<'_>,
    config: &Config,
    store: &Store,
) -> anyhow::Result<ImportReport> {
    let fingerprint = import_fingerprint(layout, book, collected)?;
    let catalog = Catalog::read(layout)?.ok_or_else(|| match layout {
        Layout::Single(path) => anyhow::anyhow!("{} does not exist", path.display()),
        Layout::Split(folder) => anyhow::anyhow!("{} holds no PO file", folder.display()),
    })?;
    let report = import_catalog(collected, layout.path(), &catalog, languages, config, store)?;
    let meta_key = import_meta_key(config, languages.target);
    if find_layout(&config.po_dir, languages.target)? == *layout {
        store.set_meta(&meta_key, &fingerprint)?;
    } else {
        // The store no longer mirrors the build's files: the next build imports them.
        store.remove_meta(&meta_key)?;
    }
    store.flush()?;
    Ok(report)
}

/// Mirrors the translations of `languages.target` in `<po-dir>` (one file or
/// one per chapter, see [`super::layout`]) into the store for the units of
/// `book`, which `collected` holds, when a file or the book changed since
/// the last import (a fingerprint of both is kept in the store's `meta`
/// tree). Translations that were deleted withdraw the human records of the
/// book's units.
pub fn import_translations_if_changed(
    book: &Book,
    collected: &CollectedBook,
    languages: Languages<'_>,
    config: &Config,
    store: &Store,
) -> anyhow::Result<()> {
    let layout = find_layout(&config.po_dir, languages.target)?;
    let fingerprint = import_fingerprint(&layout, book, collected)?;
    let meta_key = import_meta_key(config, languages.target);
    if store.meta(&meta_key)?.as_deref() == Some(&fingerprint[..]) {
        return Ok(());
    }
    match Catalog::read(&layout)? {
        Some(catalog) => {
            import_catalog(collected, layout.path(), &catalog, languages, config, store)?;
        }
        None => {
            if config.po_dir_explicit {
                eprintln!(
                    "mdbook-translate: {}: no human translations: {} does not exist",
                    languages.target,
                    layout.path().display()
                );
            }
            if store.n_records().1 > 0 {
                let messages = book_messages(collected, config.math.dollar);
                let empty = super::file::new_po_file(languages.target.as_str());
                let blocks = BookBlocks::of_book(collected);
                let plan = plan_import(&empty, &messages, &blocks, languages, &config.segment_options());
                apply_import(plan, store)?;
            }
        }
    }
    store.set_meta(&meta_key, &fingerprint)?;
    Ok(())
}

/// The `meta` key of the fingerprint of the last import of `target`: the
/// same however the book's path was written (`.`, relative, absolute).
fn import_meta_key(config: &Config, target: &LanguageTag) -> String {
    let po_dir = std::fs::canonicalize(&config.po_dir).unwrap_or_else(|_| config.po_dir.clone());
    format!("imported:{}:{}", po_dir.display(), target.canonical())
}

/// A hash of the files of a layout (their names and bytes; or of their
/// absence), of the book they are imported into and of the book's own texts.
fn import_fingerprint(layout: &Layout, book: &Book, collected: &CollectedBook) -> anyhow::Result<[u8; 32]> {
    use anyhow::Context;
    let mut hasher = Sha256::new();
    let mut update = |part: &[u8]| {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    };
    let files = layout.files();
    if files.is_empty() {
        update(b"\0no file");
    }
    for path in files {
        // The file's name in the layout, not its path, which depends on how the book's was written.
        let name = path.strip_prefix(layout.path()).unwrap_or(&path);
        update(name.as_os_str().as_encoded_bytes());
        update(&std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?);
    }
    for text in &collected.book_texts {
        update(text.text.as_bytes());
    }
    for chapter in book.chapters() {
        update(chapter.name.as_bytes());
        update(chapter.content.as_bytes());
    }
    Ok(hasher.finalize().into())
}
