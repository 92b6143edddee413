//! The translation store: one sled database per book.
//!
//! Trees:
//! - `units`: machine translations, keyed by unit key (32 bytes) followed by
//!   the profile that made them (`pseudo`, `identity`, `realtime`, …), so
//!   records of different engines never shadow one another;
//! - `human`: human translations, keyed by unit key; they win over machine ones;
//! - `meta`: the schema version.
//!
//! Records of units the book no longer uses go with
//! [`Store::collect_garbage`] (`mdbook-translate gc`).
//!
//! Values are JSON [`Record`]s with a version field. Writes go to sled's log
//! as they happen; [`Store::flush`] makes them durable, and the pipeline
//! calls it at every batch boundary, so a killed build loses at most the
//! batch in flight and never leaves a half-written record.

use crate::language::LanguageTag;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The schema this version writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

/// Version of the key derivation; part of every key.
const KEY_VERSION: &str = "mdbook-translate/unit/1";

/// The key of a unit: SHA-256 over the key version, the language pair and
/// the canonical tagged text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitKey(pub [u8; 32]);

impl UnitKey {
    /// Derives the key of `tagged` text translated from `source_language` to `target_language`.
    /// The languages enter in their canonical form, so every spelling of a
    /// tag (`zh-TW`, `zh-tw`) gives the same key.
    pub fn new(source_language: &LanguageTag, target_language: &LanguageTag, tagged: &str) -> UnitKey {
        let mut hasher = Sha256::new();
        for part in [
            KEY_VERSION,
            source_language.canonical(),
            target_language.canonical(),
            tagged,
        ] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        UnitKey(hasher.finalize().into())
    }

    /// Lower-case hex, for messages.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Debug for UnitKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UnitKey({})", &self.to_hex()[..16])
    }
}

/// The two languages of a translation: the book's and the one it is
/// translated into. Every key is derived under a pair.
#[derive(Debug, Clone, Copy)]
pub struct Languages<'a> {
    /// The book's language.
    pub source: &'a LanguageTag,
    /// The language to translate into.
    pub target: &'a LanguageTag,
}

impl Languages<'_> {
    /// The key of `tagged` text under this pair.
    pub fn key(&self, tagged: &str) -> UnitKey {
        UnitKey::new(self.source, self.target, tagged)
    }
}

/// Where a translation came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Written or reviewed by a person.
    Human,
    /// Imported from a translation file without review.
    Imported,
    /// Amazon Translate batch job with parallel data.
    Act,
    /// Amazon Translate real-time.
    Realtime,
    /// Pseudo-localisation.
    Pseudo,
    /// The identity round trip.
    Identity,
}

impl Origin {
    /// The origin's name, as records, summaries and PO comments spell it.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Human => "human",
            Origin::Imported => "imported",
            Origin::Act => "act",
            Origin::Realtime => "realtime",
            Origin::Pseudo => "pseudo",
            Origin::Identity => "identity",
        }
    }
}

/// One stored translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Record format version.
    pub v: u32,
    /// The source unit's tagged text.
    pub source: String,
    /// The translation, tagged text.
    pub text: String,
    /// Where it came from.
    pub origin: Origin,
    /// The engine profile that made it (backend and settings).
    pub profile: String,
    /// Seconds since the Unix epoch.
    pub created: u64,
}

impl Record {
    /// A record made now.
    pub fn new(source: &str, text: &str, origin: Origin, profile: &str) -> Record {
        Record {
            v: 1,
            source: source.to_string(),
            text: text.to_string(),
            origin,
            profile: profile.to_string(),
            created: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()),
        }
    }
}

/// Failure to open or use the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Another process holds the store.
    #[error(
        "the translation store {path} is in use by another process (waited {waited_secs} s); \
         let the other `mdbook build`/`mdbook serve` finish, or raise `lock-timeout`"
    )]
    Locked {
        /// The store folder.
        path: PathBuf,
        /// How long we waited.
        waited_secs: u64,
    },
    /// The files are damaged.
    #[error(
        "the translation store {path} is corrupted ({detail}); nothing was overwritten: \
         move the folder aside and build again, or restore it from a backup"
    )]
    Corrupted {
        /// The store folder.
        path: PathBuf,
        /// What sled reported.
        detail: String,
    },
    /// Written by a newer version.
    #[error(
        "the translation store {path} has schema {found}, newer than this mdbook-translate reads ({SCHEMA_VERSION}); \
         upgrade mdbook-translate or point `cache-dir` elsewhere"
    )]
    NewerSchema {
        /// The store folder.
        path: PathBuf,
        /// The schema found.
        found: u32,
    },
    /// A record that cannot be decoded.
    #[error("the translation store {path} holds an unreadable record for unit {key}: {detail}")]
    BadRecord {
        /// The store folder.
        path: PathBuf,
        /// The unit key (hex).
        key: String,
        /// The decoding error.
        detail: String,
    },
    /// Any other IO failure.
    #[error("the translation store {path}: {source}")]
    Io {
        /// The store folder.
        path: PathBuf,
        /// The underlying error.
        source: sled::Error,
    },
}

/// The sled store of one book.
pub struct Store {
    path: PathBuf,
    db: sled::Db,
    units: sled::Tree,
    human: sled::Tree,
    meta: sled::Tree,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

fn is_lock_error(error: &sled::Error) -> bool {
    matches!(error, sled::Error::Io(io) if io.to_string().contains("could not acquire lock"))
}

impl Store {
    /// Opens (or creates) the store in `path`, waiting up to `lock_timeout`
    /// for another process that holds it.
    pub fn open(path: &Path, lock_timeout: Duration) -> Result<Store, StoreError> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(20);
        let db = loop {
            match sled::Config::new().path(path).open() {
                Ok(db) => break db,
                Err(error) if is_lock_error(&error) => {
                    if started.elapsed() >= lock_timeout {
                        return Err(StoreError::Locked {
                            path: path.to_path_buf(),
                            waited_secs: started.elapsed().as_secs(),
                        });
                    }
                    std::thread::sleep(pause.min(lock_timeout.saturating_sub(started.elapsed())));
                    pause = (pause * 2).min(Duration::from_millis(500));
                }
                Err(error) => return Err(classify(path, error)),
            }
        };
        let tree = |name: &str| db.open_tree(name).map_err(|e| classify(path, e));
        let units = tree("units")?;
        let human = tree("human")?;
        let meta = tree("meta")?;
        match meta.get("schema").map_err(|e| classify(path, e))? {
            Some(bytes) => {
                let found = std::str::from_utf8(&bytes)
                    .ok()
                    .and_then(|s| s.parse::<u32>().ok())
                    .ok_or_else(|| StoreError::Corrupted {
                        path: path.to_path_buf(),
                        detail: "the schema version is unreadable".to_string(),
                    })?;
                if found > SCHEMA_VERSION {
                    return Err(StoreError::NewerSchema {
                        path: path.to_path_buf(),
                        found,
                    });
                }
            }
            None => {
                meta.insert("schema", SCHEMA_VERSION.to_string().as_bytes())
                    .map_err(|e| classify(path, e))?;
            }
        }
        Ok(Store {
            path: path.to_path_buf(),
            db,
            units,
            human,
            meta,
        })
    }

    /// The store folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The best record for `key` among `profiles`, in their order of
    /// preference; the profile `human` reads the human tree. A profile
    /// also serves the records of its refinements: `realtime` serves
    /// `realtime` and `realtime/<settings>`; of several, the newest.
    pub fn lookup<P: AsRef<str>>(&self, key: &UnitKey, profiles: &[P]) -> Result<Option<Record>, StoreError> {
        let mut machine: Option<Vec<(String, sled::IVec)>> = None;
        for profile in profiles {
            let profile = profile.as_ref();
            if profile == "human" {
                if let Some(bytes) = self.human.get(key.0).map_err(|e| classify(&self.path, e))? {
                    return self.decode(key, &bytes).map(Some);
                }
                continue;
            }
            // Every machine record of the unit, read once: a unit has a
            // handful at most (one per engine profile).
            let records = match &mut machine {
                Some(records) => records,
                None => machine.insert(self.machine_records(key)?),
            };
            let refines = |stored: &str| {
                stored == profile || stored.strip_prefix(profile).is_some_and(|rest| rest.starts_with('/'))
            };
            // Of several refinements (ACT records of two parallel data
            // versions), the newest wins.
            let mut best: Option<Record> = None;
            for (_, bytes) in records.iter().filter(|(stored, _)| refines(stored)) {
                let record = self.decode(key, bytes)?;
                if best.as_ref().is_none_or(|b| record.created >= b.created) {
                    best = Some(record);
                }
            }
            if best.is_some() {
                return Ok(best);
            }
        }
        Ok(None)
    }

    /// The machine records of `key`, with the profile each is stored under.
    fn machine_records(&self, key: &UnitKey) -> Result<Vec<(String, sled::IVec)>, StoreError> {
        self.units
            .scan_prefix(key.0)
            .map(|entry| {
                let (stored_key, bytes) = entry.map_err(|e| classify(&self.path, e))?;
                let profile = String::from_utf8_lossy(&stored_key[key.0.len()..]).into_owned();
                Ok((profile, bytes))
            })
            .collect()
    }

    /// Stores a translation. Human records go to the human tree, others
    /// under their profile.
    pub fn put(&self, key: &UnitKey, record: &Record) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(record).expect("a record always serialises");
        let result = if record.origin == Origin::Human {
            self.human.insert(key.0, bytes)
        } else {
            self.units.insert(machine_key(key, &record.profile), bytes)
        };
        result.map(|_| ()).map_err(|e| classify(&self.path, e))
    }

    /// Removes the human translation of `key`; whether there was one.
    pub fn remove_human(&self, key: &UnitKey) -> Result<bool, StoreError> {
        self.human
            .remove(key.0)
            .map(|old| old.is_some())
            .map_err(|e| classify(&self.path, e))
    }

    /// Every record, human and machine, with its unit key, in key order:
    /// the human tree first, then the machine records.
    pub fn records(&self) -> impl Iterator<Item = Result<(UnitKey, Record), StoreError>> + '_ {
        self.human_records()
            .chain(self.units.iter().map(|entry| self.read_entry(entry)))
    }

    /// Decodes one entry of the `human` or `units` tree, whose key starts
    /// with the unit key.
    fn read_entry(&self, entry: sled::Result<(sled::IVec, sled::IVec)>) -> Result<(UnitKey, Record), StoreError> {
        let (stored_key, bytes) = entry.map_err(|e| classify(&self.path, e))?;
        let key = self.unit_key_of(&stored_key)?;
        self.decode(&key, &bytes).map(|record| (key, record))
    }

    /// Removes the machine record of `key` made under `profile`; whether there was one.
    pub fn remove_machine(&self, key: &UnitKey, profile: &str) -> Result<bool, StoreError> {
        self.units
            .remove(machine_key(key, profile))
            .map(|old| old.is_some())
            .map_err(|e| classify(&self.path, e))
    }

    /// A value of the `meta` tree (for example the hash of the last imported PO file).
    pub fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.meta
            .get(key)
            .map(|value| value.map(|v| v.to_vec()))
            .map_err(|e| classify(&self.path, e))
    }

    /// Sets a value of the `meta` tree.
    pub fn set_meta(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.meta
            .insert(key, value)
            .map(|_| ())
            .map_err(|e| classify(&self.path, e))
    }

    /// Removes a value of the `meta` tree.
    pub fn remove_meta(&self, key: &str) -> Result<(), StoreError> {
        self.meta.remove(key).map(|_| ()).map_err(|e| classify(&self.path, e))
    }

    /// Makes every write so far durable.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush().map(|_| ()).map_err(|e| classify(&self.path, e))
    }

    /// Every human record with its key, in key order. The records of
    /// every language pair are there: compare the key with
    /// [`Languages::key`] of the record's source to keep one pair's.
    pub fn human_records(&self) -> impl Iterator<Item = Result<(UnitKey, Record), StoreError>> + '_ {
        self.human.iter().map(|entry| self.read_entry(entry))
    }

    /// Removes the records whose unit `in_use` does not know: every
    /// machine record of such a unit, and its human record when
    /// `options.human` says so (human records are the PO files' mirror, and
    /// are kept otherwise). With `options.dry_run` nothing is removed and
    /// the report says what would be.
    pub fn collect_garbage(
        &self,
        in_use: &dyn Fn(&UnitKey) -> bool,
        options: GcOptions,
    ) -> Result<GcReport, StoreError> {
        let mut report = GcReport::default();
        for (tree, human) in [(&self.units, false), (&self.human, true)] {
            let mut unused: Vec<sled::IVec> = Vec::new();
            for entry in tree.iter() {
                let (stored_key, bytes) = entry.map_err(|e| classify(&self.path, e))?;
                if in_use(&self.unit_key_of(&stored_key)?) {
                    report.n_kept += 1;
                } else if human && !options.human {
                    report.n_human_kept += 1;
                } else {
                    *(if human {
                        &mut report.n_human
                    } else {
                        &mut report.n_machine
                    }) += 1;
                    report.bytes += (stored_key.len() + bytes.len()) as u64;
                    unused.push(stored_key);
                }
            }
            if !options.dry_run {
                for stored_key in unused {
                    tree.remove(stored_key).map_err(|e| classify(&self.path, e))?;
                }
            }
        }
        if !options.dry_run {
            self.flush()?;
        }
        Ok(report)
    }

    /// The unit key a key of the `human` or `units` tree starts with.
    fn unit_key_of(&self, stored_key: &[u8]) -> Result<UnitKey, StoreError> {
        stored_key
            .get(..32)
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .map(UnitKey)
            .ok_or_else(|| StoreError::Corrupted {
                path: self.path.clone(),
                detail: format!("a record has a key of {} bytes", stored_key.len()),
            })
    }

    /// Number of machine and human records.
    pub fn n_records(&self) -> (usize, usize) {
        (self.units.len(), self.human.len())
    }

    fn decode(&self, key: &UnitKey, bytes: &[u8]) -> Result<Record, StoreError> {
        serde_json::from_slice(bytes).map_err(|e| StoreError::BadRecord {
            path: self.path.clone(),
            key: key.to_hex(),
            detail: e.to_string(),
        })
    }
}

/// What [`Store::collect_garbage`] removes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GcOptions {
    /// Human records of unused units too.
    pub human: bool,
    /// Count only; remove nothing.
    pub dry_run: bool,
}

/// What [`Store::collect_garbage`] removed (or, in a dry run, would remove).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GcReport {
    /// Machine records removed.
    pub n_machine: usize,
    /// Human records removed.
    pub n_human: usize,
    /// Human records of unused units kept (without [`GcOptions::human`]).
    pub n_human_kept: usize,
    /// Records of units in use, kept.
    pub n_kept: usize,
    /// Bytes of the removed records (keys and values) in the store.
    pub bytes: u64,
}

/// The `meta` key that says whether the human tree holds block-level
/// records for `target` (whole paragraphs from mdbook-i18n-helpers' PO
/// files), which the pipeline then looks up for segments of several units.
pub fn block_records_meta_key(target: &LanguageTag) -> String {
    format!("block-records:{}", target.canonical())
}

fn machine_key(key: &UnitKey, profile: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(32 + profile.len());
    bytes.extend_from_slice(&key.0);
    bytes.extend_from_slice(profile.as_bytes());
    bytes
}

fn classify(path: &Path, error: sled::Error) -> StoreError {
    match error {
        sled::Error::Corruption { .. } => StoreError::Corrupted {
            path: path.to_path_buf(),
            detail: error.to_string(),
        },
        sled::Error::Unsupported(detail) => StoreError::Corrupted {
            path: path.to_path_buf(),
            detail,
        },
        error => StoreError::Io {
            path: path.to_path_buf(),
            source: error,
        },
    }
}

#[cfg(test)]
mod tests;
