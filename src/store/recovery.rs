//! What is kept of a store that is rebuilt: every entry that can still be
//! read, re-encoded, into a new database ([`copy_entries`]), and the report
//! of what was lost ([`Recovery`]). A migration from schema 1 is the same
//! copy from a healthy store (whose silent losses could not be found,
//! since schema 1 kept no counts).

use super::integrity::{INTEGRITY_KEY, Integrity, TreeId};
use super::{Handles, Op, record, split_key};
use std::fmt;
use std::path::PathBuf;

/// What opening did with a damaged store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// The store folder.
    pub path: PathBuf,
    /// What was wrong.
    pub problem: String,
    /// Where its files were moved (`<cache-dir>/damaged-<time>`), if there were any.
    pub moved_to: Option<PathBuf>,
    /// Whether they were moved as they were found (else as sled left them
    /// after opening them).
    pub moved_as_found: bool,
    /// Entries per tree (units, human, meta) it held by its own account,
    /// when it kept one.
    pub expected: Option<[u64; 3]>,
    /// Entries per tree read back and kept.
    pub kept: [u64; 3],
}

impl Recovery {
    /// Machine and human translations lost, when known.
    pub fn lost(&self) -> Option<(u64, u64)> {
        self.expected.map(|expected| {
            (
                expected[0].saturating_sub(self.kept[0]),
                expected[1].saturating_sub(self.kept[1]),
            )
        })
    }
}

impl fmt::Display for Recovery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "the translation store {} was damaged: {}.",
            self.path.display(),
            self.problem
        )?;
        let [units, human, meta] = self.kept;
        match (self.expected, self.lost()) {
            (Some(expected), Some((lost_units, lost_human))) => writeln!(
                f,
                "It held {} machine translations, {} human translations and {} other entries; {units}, {human} \
                 and {meta} of them could be read and were kept: {lost_units} machine and {lost_human} human \
                 translations are lost.",
                expected[0], expected[1], expected[2]
            )?,
            _ => writeln!(
                f,
                "How many entries it held is not known; {units} machine translations, {human} human translations \
                 and {meta} other entries could be read and were kept."
            )?,
        }
        match (&self.moved_to, self.moved_as_found) {
            (Some(dir), true) => writeln!(
                f,
                "Its files were moved, as they were found, to {}; delete that folder once you no longer need it.",
                dir.display()
            )?,
            (Some(dir), false) => writeln!(
                f,
                "Its files were moved to {}, as sled left them after opening them (sled drops the end of its log \
                 after a damaged record); delete that folder once you no longer need it.",
                dir.display()
            )?,
            (None, _) => {}
        }
        write!(
            f,
            "Each language's PO file is imported again on its next build; a lost translation that no PO file holds \
             is made again by a backend that translates, and stays in the source language otherwise."
        )
    }
}

/// Entries written per transaction while copying.
const COPY_BATCH: usize = 1000;

/// Copies every entry of `from` that can be read into `into` (counted in
/// `integrity`), records re-encoded in the compact form, but for the
/// fingerprints of past imports, so that every PO file is imported again;
/// adds what it kept to `kept`. Reading stops at a tree's first unreadable entry (sled cannot
/// go past it); a record that does not decode is left out. An error is a
/// failure to write `into`.
pub(super) fn copy_entries(
    from: &Handles,
    into: &Handles,
    integrity: &mut Integrity,
    kept: &mut [u64; 3],
) -> sled::Result<()> {
    for tree in TreeId::ALL {
        let mut batch = Vec::with_capacity(COPY_BATCH);
        for entry in from.tree(tree).iter() {
            let Ok((key, value)) = entry else {
                break;
            };
            if let Some(op) = copied_entry(tree, &key, &value) {
                batch.push(op);
            }
            if batch.len() == COPY_BATCH {
                into.apply(integrity, &batch)?;
                kept[tree.index()] += batch.len() as u64;
                batch.clear();
            }
        }
        if !batch.is_empty() {
            into.apply(integrity, &batch)?;
            kept[tree.index()] += batch.len() as u64;
        }
    }
    Ok(())
}

/// The write that copies one entry, if it is kept.
fn copied_entry(tree: TreeId, key: &[u8], value: &[u8]) -> Option<Op> {
    match tree {
        TreeId::Meta => {
            let dropped = key == INTEGRITY_KEY || key == b"schema" || key.starts_with(b"imported:");
            (!dropped).then(|| Op::Put(tree, key.to_vec(), value.to_vec()))
        }
        TreeId::Units | TreeId::Human => {
            let (_, profile) = split_key(key, tree)?;
            let decoded = record::decode(value, profile.as_deref()).ok()?;
            Some(Op::Put(
                tree,
                key.to_vec(),
                record::encode(&decoded, profile.as_deref()),
            ))
        }
    }
}
