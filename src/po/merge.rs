//! `po export`: the book merged into a PO file the way `msgmerge` merges a
//! template into a translation.
//!
//! - the header, translator comments and flags of entries still in the
//!   book are kept, and so are their translations;
//! - a message without a translation takes the translation of the most
//!   similar entry that left the same chapter, marked `#, fuzzy` with the
//!   old msgid as `#| msgid` (a one-word edit does not lose the sentence);
//! - a message without any translation takes the store's machine output,
//!   marked `#, fuzzy` with a `#. machine:` comment naming its origin and
//!   profile, so a translator reviews it by removing the flag;
//! - translated entries no longer in the book become `#~` obsolete entries
//!   (unless told otherwise), and an obsolete entry whose msgid is back in
//!   the book comes back to life.

use super::Message;
use super::file::{PoEntry, new_po_file};
use super::import::{machine_comment, machine_origin};
use crate::store::Record;
use rspolib::POFile;
use std::collections::{HashMap, HashSet};

/// How the merge treats what left the book.
#[derive(Debug, Clone, Copy)]
pub struct MergeOptions {
    /// Keep translated entries that are no longer in the book as `#~` entries.
    pub keep_obsolete: bool,
    /// Write `$` escaped in msgids and machine translations (dollar math is on).
    pub escape_dollar: bool,
}

/// What a merge wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Live entries written.
    pub n_entries: usize,
    /// Of those, translated by a person (not fuzzy).
    pub n_translated: usize,
    /// Of those, machine output for review.
    pub n_machine: usize,
    /// Of those, old translations carried over to an edited msgid.
    pub n_carried_over: usize,
    /// `#~` entries written.
    pub n_obsolete: usize,
    /// Translated entries dropped because they left the book (`--no-obsolete`).
    pub n_dropped: usize,
}

/// Similarity (0–1) above which an old translation is carried over to an
/// edited msgid, as `msgmerge` uses.
const FUZZY_THRESHOLD: f64 = 0.6;

/// A merged file, with where each of its entries came from.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The file to write.
    pub file: POFile,
    /// What the merge did.
    pub report: MergeReport,
    /// For each entry of `file`, the index of the entry of the existing
    /// file it is (kept, brought back or made obsolete); `None` for an
    /// entry new to the file.
    pub from_existing: Vec<Option<usize>>,
}

/// Merges `messages` (with their references) into `existing`, or into a new
/// file for `language`; `machine_of` gives the store's machine output for a
/// message, and `in_use` tells the other entries the build still uses
/// (block messages of mdbook-i18n-helpers), which stay as they are.
pub fn merge_book(
    existing: Option<POFile>,
    language: &str,
    messages: &[(Message, Vec<String>)],
    machine_of: &dyn Fn(&Message) -> Option<Record>,
    in_use: &dyn Fn(&PoEntry) -> bool,
    options: MergeOptions,
) -> Merged {
    let mut file = existing.unwrap_or_else(|| new_po_file(language));
    let mut old = OldEntries::new(std::mem::take(&mut file.entries), in_use);
    let mut entries: Vec<PoEntry> = Vec::with_capacity(messages.len());
    let mut from_existing: Vec<Option<usize>> = Vec::with_capacity(messages.len());
    let mut untranslated: Vec<usize> = Vec::new();
    for (message, references) in messages {
        // As msgmerge does, only a msgid new to the file looks for a similar old one.
        let (index, mut entry) = match old.take(&message.msgid) {
            Some((index, entry)) => (Some(index), entry),
            None => {
                untranslated.push(entries.len());
                let mut entry = PoEntry::new(0);
                entry.msgid = message.msgid.clone();
                entry.msgstr = Some(String::new());
                (None, entry)
            }
        };
        entry.occurrences = references.iter().map(|r| (r.clone(), String::new())).collect();
        entries.push(entry);
        from_existing.push(index);
    }
    let mut report = MergeReport::default();
    carry_over(&mut entries, &untranslated, &mut old, &mut report);
    for (index, (message, _)) in messages.iter().enumerate() {
        let entry = &mut entries[index];
        if has_translation(entry) && machine_origin(entry).is_none() {
            continue;
        }
        if let Some(record) = machine_of(message) {
            set_machine_output(entry, message, &record, options.escape_dollar);
        }
    }
    report.n_entries = entries.len() + old.n_in_use();
    report.n_translated = entries.iter().filter(|e| has_human_translation(e)).count();
    report.n_machine = entries.iter().filter(|e| machine_origin(e).is_some()).count();
    let (kept, gone) = old.into_leftovers();
    report.n_translated += kept.iter().filter(|(_, e)| has_human_translation(e)).count();
    for (index, entry) in kept {
        entries.push(entry);
        from_existing.push(Some(index));
    }
    for (index, mut entry) in gone {
        let keep = options.keep_obsolete && has_translation(&entry) && machine_origin(&entry).is_none();
        if keep {
            entry.obsolete = true;
            entry.occurrences.clear();
            report.n_obsolete += 1;
            entries.push(entry);
            from_existing.push(Some(index));
        } else if has_human_translation(&entry) {
            report.n_dropped += 1;
        }
    }
    file.entries = entries;
    Merged {
        file,
        report,
        from_existing,
    }
}

/// An entry of the existing file with its index there.
type IndexedEntry = (usize, PoEntry);

/// The entries of the existing file, by msgid, each taken at most once.
struct OldEntries {
    entries: Vec<Option<PoEntry>>,
    live: HashMap<String, usize>,
    obsolete: HashMap<String, usize>,
    in_use: Vec<bool>,
}

impl OldEntries {
    fn new(entries: Vec<PoEntry>, in_use: &dyn Fn(&PoEntry) -> bool) -> OldEntries {
        let in_use = entries.iter().map(|e| !e.obsolete && in_use(e)).collect();
        let mut live = HashMap::new();
        let mut obsolete = HashMap::new();
        for (index, entry) in entries.iter().enumerate() {
            let map = if entry.obsolete { &mut obsolete } else { &mut live };
            map.entry(entry.msgid.clone()).or_insert(index);
        }
        OldEntries {
            entries: entries.into_iter().map(Some).collect(),
            live,
            obsolete,
            in_use,
        }
    }

    /// The live entry with `msgid`, else the obsolete one brought back,
    /// with its index in the existing file.
    fn take(&mut self, msgid: &str) -> Option<(usize, PoEntry)> {
        if let Some(&index) = self.live.get(msgid)
            && let Some(entry) = self.entries[index].take()
        {
            return Some((index, entry));
        }
        let index = *self.obsolete.get(msgid)?;
        let mut entry = self.entries[index].take()?;
        entry.obsolete = false;
        Some((index, entry))
    }

    /// Live entries not taken that hold a person's translation.
    fn carry_over_candidates(&self) -> Vec<usize> {
        (0..self.entries.len())
            .filter(|&i| !self.in_use[i])
            .filter(|&i| {
                self.entries[i]
                    .as_ref()
                    .is_some_and(|e| !e.obsolete && has_person_text(e))
            })
            .collect()
    }

    /// Entries not taken that the build still uses.
    fn n_in_use(&self) -> usize {
        (0..self.entries.len())
            .filter(|&i| self.in_use[i] && self.entries[i].is_some())
            .count()
    }

    /// The entries not taken, with their index: those the build still
    /// uses, and the others.
    fn into_leftovers(self) -> (Vec<IndexedEntry>, Vec<IndexedEntry>) {
        let (kept, gone): (Vec<_>, Vec<_>) = self
            .entries
            .into_iter()
            .zip(self.in_use)
            .enumerate()
            .filter_map(|(index, (entry, in_use))| entry.map(|entry| ((index, entry), in_use)))
            .partition(|(_, in_use)| *in_use);
        (
            kept.into_iter().map(|(entry, _)| entry).collect(),
            gone.into_iter().map(|(entry, _)| entry).collect(),
        )
    }
}

/// Gives each untranslated entry the translation of the most similar old
/// entry that left the same chapter, as a fuzzy entry with `#| msgid`.
fn carry_over(entries: &mut [PoEntry], untranslated: &[usize], old: &mut OldEntries, report: &mut MergeReport) {
    let mut candidates = old.carry_over_candidates();
    if candidates.is_empty() {
        return;
    }
    for &index in untranslated {
        let files: HashSet<&str> = entries[index].occurrences.iter().map(|(f, _)| f.as_str()).collect();
        let best = candidates
            .iter()
            .enumerate()
            .filter_map(|(position, &candidate)| {
                let old_entry = old.entries[candidate].as_ref()?;
                let same_chapter = old_entry.occurrences.iter().any(|(f, _)| files.contains(f.as_str()));
                same_chapter.then(|| (position, similarity(&old_entry.msgid, &entries[index].msgid)))
            })
            .filter(|&(_, score)| score >= FUZZY_THRESHOLD)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let Some((position, _)) = best else {
            continue;
        };
        let old_entry = old.entries[candidates.swap_remove(position)]
            .take()
            .expect("a candidate is taken once");
        let entry = &mut entries[index];
        entry.msgstr = old_entry.msgstr;
        entry.previous_msgid = Some(old_entry.msgid);
        entry.tcomment = entry.tcomment.take().or(old_entry.tcomment);
        entry.comment = None;
        set_fuzzy(entry);
        report.n_carried_over += 1;
    }
}

/// Dice coefficient over the character bigrams of two strings.
pub fn similarity(a: &str, b: &str) -> f64 {
    fn bigrams(text: &str) -> HashMap<(char, char), usize> {
        let chars: Vec<char> = text.chars().collect();
        let mut counts = HashMap::new();
        for pair in chars.windows(2) {
            *counts.entry((pair[0], pair[1])).or_insert(0) += 1;
        }
        counts
    }
    if a == b {
        return 1.0;
    }
    let (x, y) = (bigrams(a), bigrams(b));
    let total: usize = x.values().sum::<usize>() + y.values().sum::<usize>();
    if total == 0 {
        return 0.0;
    }
    let shared: usize = x
        .iter()
        .map(|(pair, n)| (*n).min(y.get(pair).copied().unwrap_or(0)))
        .sum();
    2.0 * shared as f64 / total as f64
}

fn set_machine_output(entry: &mut PoEntry, message: &Message, record: &Record, escape_dollar: bool) {
    entry.msgstr = Some(message.render(&record.text, escape_dollar));
    entry.comment = Some(machine_comment(record));
    entry.previous_msgid = None;
    set_fuzzy(entry);
}

fn set_fuzzy(entry: &mut PoEntry) {
    if !entry.flags.iter().any(|flag| flag == "fuzzy") {
        entry.flags.insert(0, "fuzzy".to_string());
    }
}

fn has_translation(entry: &PoEntry) -> bool {
    entry.msgstr.as_deref().is_some_and(|s| !s.trim().is_empty())
}

/// A translation a person wrote or reviewed, fuzzy or not.
fn has_person_text(entry: &PoEntry) -> bool {
    has_translation(entry) && machine_origin(entry).is_none()
}

/// A reviewed translation: not fuzzy.
fn has_human_translation(entry: &PoEntry) -> bool {
    has_person_text(entry) && !entry.fuzzy()
}
