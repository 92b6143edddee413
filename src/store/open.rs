//! Opening the store's files, under its lock: check, migrate, recover.
//!
//! - A store whose seal says it was closed cleanly and whose files match
//!   their stamps opens at once; its counters must agree with the seal.
//! - Any other store (killed, damaged, or changed since) is first copied to
//!   `checking/`, so that sled's recovery, which may rewrite the end of its
//!   log, never touches the only copy; then every entry is read and checked
//!   against the counters in `meta` and the generation in the seal.
//! - A damaged store is moved to `damaged-<time>/` (the copy, when there is
//!   one: the files as they were found), every entry that can still be read
//!   is copied into a new database, and the import fingerprints are dropped
//!   so that every PO file is imported again.
//! - A schema 1 store (JSON records in the store folder itself) is checked
//!   the same way and copied into `sled/`.
//!
//! Each step that replaces a folder builds the new one under a `.partial`
//! name and renames it, so a kill at any point leaves either the old state
//! or the new one; [`finish_interrupted_work`] tidies up after one.

use super::integrity::{INTEGRITY_KEY, Integrity, TreeId, TreeSum};
use super::recovery::{Recovery, copy_entries};
use super::seal::{Seal, SealState, stamp_files};
use super::{Handles, Op, SCHEMA_VERSION, StoreError, record, split_key};
use std::path::{Path, PathBuf};

/// The database folder inside the store folder.
pub(super) const SLED_DIR: &str = "sled";
/// A copy of the database while it is checked.
const CHECKING_DIR: &str = "checking";
/// A database rebuilt from a damaged or schema 1 store.
const REBUILT_DIR: &str = "rebuilt";
/// The suffix of a folder being written.
const PARTIAL: &str = ".partial";
/// What schema 1 stores had in the store folder itself.
const LEGACY_FILES: &[&str] = &["conf", "db", "blobs"];

/// An open database, checked.
pub(super) struct Opened {
    pub(super) handles: Handles,
    pub(super) integrity: Integrity,
    pub(super) recovery: Option<Recovery>,
}

/// Opens the database in the store folder `dir` (whose lock we hold).
pub(super) fn open_files(dir: &Path) -> Result<Opened, StoreError> {
    finish_interrupted_work(dir)?;
    let seal = Seal::read(dir);
    if let Some(found) = seal.as_ref().map(|seal| seal.schema).filter(|&s| s > SCHEMA_VERSION) {
        return Err(StoreError::NewerSchema {
            path: dir.to_path_buf(),
            found,
        });
    }
    let sled_dir = dir.join(SLED_DIR);
    if sled_dir.exists() {
        if let Some(seal) = seal.as_ref().filter(|seal| seal.state == SealState::Closed)
            && stamp_files(&sled_dir).is_ok_and(|files| files == seal.files)
        {
            tracing::debug!("{}: closed cleanly and unchanged since", dir.display());
            remove_dir(&dir.join(CHECKING_DIR))?;
            return open_clean(dir, seal);
        }
        tracing::debug!(
            "{}: not closed cleanly, or changed since (seal: {:?}): checking every entry",
            dir.display(),
            seal.as_ref().map(|seal| seal.state)
        );
        return Checked::open(dir, Source::Current)?.finish(dir, seal.as_ref());
    }
    let legacy = legacy_files(dir).map_err(|source| StoreError::Files {
        path: dir.to_path_buf(),
        what: "listing the store folder".to_string(),
        source,
    })?;
    if !legacy.is_empty() {
        return Checked::open(dir, Source::Legacy)?.finish(dir, seal.as_ref());
    }
    let (handles, integrity) = create(&sled_dir).map_err(|e| sled_error(dir, e))?;
    // A seal that counted translations, but no database: its folder was removed.
    let recovery = seal
        .filter(|seal| seal.counts[0] + seal.counts[1] > 0)
        .map(|seal| Recovery {
            path: dir.to_path_buf(),
            problem: format!("its database folder {} is missing", sled_dir.display()),
            moved_to: None,
            moved_as_found: true,
            expected: Some(seal.counts),
            kept: [0; 3],
        });
    Ok(Opened {
        handles,
        integrity,
        recovery,
    })
}

/// Where the database to check is.
#[derive(Debug, Clone)]
enum Source {
    /// `sled/`.
    Current,
    /// Schema 1: the files of the store folder itself.
    Legacy,
}

impl Source {
    fn database_dir(&self, dir: &Path) -> PathBuf {
        match self {
            Source::Current => dir.join(SLED_DIR),
            Source::Legacy => dir.to_path_buf(),
        }
    }

    /// The files and folders of the database.
    fn entries(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        match self {
            Source::Current => Ok(std::fs::read_dir(dir.join(SLED_DIR))?
                .map(|entry| entry.map(|entry| entry.path()))
                .collect::<Result<_, _>>()?),
            Source::Legacy => legacy_files(dir),
        }
    }

    /// Removes the database (when a copy of it as it was found is kept).
    fn remove(&self, dir: &Path) -> std::io::Result<()> {
        match self {
            Source::Current => std::fs::remove_dir_all(dir.join(SLED_DIR)),
            Source::Legacy => legacy_files(dir)?.iter().try_for_each(|file| {
                if file.is_dir() {
                    std::fs::remove_dir_all(file)
                } else {
                    std::fs::remove_file(file)
                }
            }),
        }
    }

    /// Moves the database to the new folder `to`.
    fn move_to(&self, dir: &Path, to: &Path) -> std::io::Result<()> {
        match self {
            Source::Current => std::fs::rename(dir.join(SLED_DIR), to),
            Source::Legacy => {
                std::fs::create_dir_all(to)?;
                legacy_files(dir)?
                    .iter()
                    .try_for_each(|file| std::fs::rename(file, to.join(file.file_name().unwrap_or_default())))
            }
        }
    }
}

/// A store closed cleanly and unchanged since: its counters must be the
/// seal's, else it was damaged in a way its files' stamps do not show.
fn open_clean(dir: &Path, seal: &Seal) -> Result<Opened, StoreError> {
    let sled_dir = dir.join(SLED_DIR);
    let (handles, problem) = match guarded(|| Handles::open(&sled_dir)) {
        Ok(Ok(handles)) => match guarded(|| handles.read_integrity()) {
            Ok(Ok(Some(integrity))) if integrity.generation == seal.generation && integrity.counts() == seal.counts => {
                return Ok(Opened {
                    handles,
                    integrity,
                    recovery: None,
                });
            }
            Ok(Ok(found)) => {
                let problem = found.map_or_else(
                    || "the counts of its entries are missing".to_string(),
                    |found| generation_problem(found.generation, seal.generation),
                );
                (Some(handles), problem)
            }
            Ok(Err(error)) if !is_damage(&error) => return Err(sled_error(dir, error)),
            Ok(Err(error)) => (Some(handles), sled_problem(&error)),
            Err(panic) => (Some(handles), panic),
        },
        Ok(Err(error)) if !is_damage(&error) => return Err(sled_error(dir, error)),
        Ok(Err(error)) => (None, sled_problem(&error)),
        Err(panic) => (None, panic),
    };
    Damaged {
        handles,
        pristine: None,
        problem,
        expected: Some(seal.counts),
        source: Source::Current,
    }
    .recover(dir)
}

fn generation_problem(found: u64, sealed: u64) -> String {
    format!("it is at write {found} where its seal says {sealed} were made durable")
}

/// A database opened after a copy of it was made.
struct Checked {
    pristine: PathBuf,
    source: Source,
    opened: Result<Handles, String>,
}

impl Checked {
    /// Copies the database to `checking/` (or keeps the copy an interrupted
    /// check left), then opens it.
    fn open(dir: &Path, source: Source) -> Result<Checked, StoreError> {
        let pristine = pristine_copy(dir, &source)?;
        let opened = match guarded(|| Handles::open(&source.database_dir(dir))) {
            Ok(Ok(handles)) => Ok(handles),
            Ok(Err(error)) if !is_damage(&error) => {
                remove_dir(&pristine)?;
                return Err(sled_error(dir, error));
            }
            Ok(Err(error)) => Err(sled_problem(&error)),
            Err(panic) => Err(panic),
        };
        Ok(Checked {
            pristine,
            source,
            opened,
        })
    }

    /// Reads every entry; a healthy store is kept (a schema 1 store copied
    /// into `sled/`), a damaged one recovered.
    fn finish(self, dir: &Path, seal: Option<&Seal>) -> Result<Opened, StoreError> {
        let Checked {
            pristine,
            source,
            opened,
        } = self;
        let expected = seal.map(|seal| seal.counts);
        let damaged = |handles, problem, expected| Damaged {
            handles,
            pristine: Some(pristine.clone()),
            problem,
            expected,
            source: source.clone(),
        };
        let handles = match opened {
            Ok(handles) => handles,
            Err(problem) => return damaged(None, problem, expected).recover(dir),
        };
        if let Some(found) = newer_schema(&handles) {
            remove_dir(&pristine)?;
            return Err(StoreError::NewerSchema {
                path: dir.to_path_buf(),
                found,
            });
        }
        let checked = match guarded(|| check_entries(&handles, seal, &source)) {
            Ok(Ok(checked)) => checked,
            Ok(Err(error)) if !is_damage(&error) => return Err(sled_error(dir, error)),
            Ok(Err(error)) => Err(Damage {
                problem: sled_problem(&error),
                expected,
            }),
            Err(panic) => Err(Damage {
                problem: panic,
                expected,
            }),
        };
        match checked {
            Err(damage) => damaged(Some(handles), damage.problem, damage.expected).recover(dir),
            Ok(integrity) => {
                let opened = match source {
                    Source::Current if integrity.generation == 0 => {
                        let (handles, integrity) = initialize(handles).map_err(|e| sled_error(dir, e))?;
                        Opened {
                            handles,
                            integrity,
                            recovery: None,
                        }
                    }
                    Source::Current => Opened {
                        handles,
                        integrity,
                        recovery: None,
                    },
                    Source::Legacy => migrate(dir, handles, &source)?,
                };
                remove_dir(&pristine)?;
                Ok(opened)
            }
        }
    }
}

/// The schema in `meta`, when it is newer than this version's: such a
/// store is refused, never checked (its counters may differ from ours).
fn newer_schema(handles: &Handles) -> Option<u32> {
    let bytes = handles.tree(TreeId::Meta).get("schema").ok()??;
    std::str::from_utf8(&bytes)
        .ok()?
        .parse::<u32>()
        .ok()
        .filter(|&found| found > SCHEMA_VERSION)
}

/// Why a checked store is damaged, and what it held by its own account.
struct Damage {
    problem: String,
    expected: Option<[u64; 3]>,
}

/// Reads every entry of `handles` and checks it against the counters in
/// `meta` and the generation in `seal`; the counters when they agree. A
/// schema 1 store has no counters: every record must decode.
fn check_entries(handles: &Handles, seal: Option<&Seal>, source: &Source) -> sled::Result<Result<Integrity, Damage>> {
    let stored = handles.read_integrity()?;
    let expected = match (stored, seal) {
        (Some(stored), Some(seal)) if seal.generation > stored.generation => Some(seal.counts),
        (Some(stored), _) => Some(stored.counts()),
        (None, seal) => seal.map(|seal| seal.counts),
    };
    let damage = |problem: String| Ok(Err(Damage { problem, expected }));
    let mut found = [TreeSum::default(); 3];
    for tree in TreeId::ALL {
        for entry in handles.tree(tree).iter() {
            let (key, value) = entry?;
            if tree == TreeId::Meta && key == INTEGRITY_KEY {
                continue;
            }
            if tree != TreeId::Meta {
                let decoded = split_key(&key, tree)
                    .ok_or_else(|| format!("a key of {} bytes", key.len()))
                    .and_then(|(_, profile)| record::decode(&value, profile.as_deref()).map_err(|e| e.to_string()));
                if let Err(error) = decoded {
                    return damage(format!(
                        "a record of its `{}` tree cannot be read: {error}",
                        tree.name()
                    ));
                }
            }
            found[tree.index()].add(tree, &key, &value);
        }
    }
    if let Source::Legacy = source {
        return Ok(Ok(Integrity {
            generation: 0,
            trees: found,
        }));
    }
    let Some(stored) = stored else {
        // Killed while it was being created: an empty database, healthy.
        if found.iter().all(|tree| tree.count == 0) {
            return Ok(Ok(Integrity::default()));
        }
        return damage("the counts of its entries are missing".to_string());
    };
    if let Some(seal) = seal.filter(|seal| seal.generation > stored.generation) {
        return damage(generation_problem(stored.generation, seal.generation));
    }
    if let Some(tree) = TreeId::ALL
        .into_iter()
        .find(|t| found[t.index()] != stored.trees[t.index()])
    {
        let (found, stored) = (found[tree.index()], stored.trees[tree.index()]);
        return damage(if found.count == stored.count {
            format!("the entries of its `{}` tree do not match their checksum", tree.name())
        } else {
            format!(
                "its `{}` tree holds {} entries where its counts say {}",
                tree.name(),
                found.count,
                stored.count
            )
        });
    }
    Ok(Ok(stored))
}

/// A damaged database and what is known of it.
struct Damaged {
    handles: Option<Handles>,
    pristine: Option<PathBuf>,
    problem: String,
    expected: Option<[u64; 3]>,
    source: Source,
}

impl Damaged {
    /// Moves the damaged files aside, copies every entry that can be read
    /// into a new database (without the import fingerprints) and opens it.
    fn recover(self, dir: &Path) -> Result<Opened, StoreError> {
        let moved_to = unique_dir(dir, "damaged");
        let problem = self.problem.clone();
        let failed = |step: String, source: std::io::Error, done: &str| StoreError::Recovery {
            path: dir.to_path_buf(),
            problem: problem.clone(),
            step,
            source,
            what_was_done: done.to_string(),
        };
        let mut done = "nothing was moved".to_string();
        if let Some(pristine) = &self.pristine {
            std::fs::rename(pristine, &moved_to).map_err(|e| {
                failed(
                    format!("moving {} to {}", pristine.display(), moved_to.display()),
                    e,
                    &done,
                )
            })?;
            done = format!("its files, as they were found, are in {}", moved_to.display());
        }
        let mut kept = [0; 3];
        let rebuilt = rebuild(dir, self.handles.as_ref(), &mut kept)
            .map_err(|e| failed("writing a new database".to_string(), std::io::Error::other(e), &done))?;
        drop(self.handles);
        if self.pristine.is_some() {
            self.source
                .remove(dir)
                .map_err(|e| failed("removing the damaged database".to_string(), e, &done))?;
        } else {
            self.source.move_to(dir, &moved_to).map_err(|e| {
                failed(
                    format!("moving the damaged database to {}", moved_to.display()),
                    e,
                    &done,
                )
            })?;
        }
        install(dir, &rebuilt).map_err(|e| failed("installing the new database".to_string(), e, &done))?;
        let (handles, integrity) = open_installed(dir)?;
        Ok(Opened {
            handles,
            integrity,
            recovery: Some(Recovery {
                path: dir.to_path_buf(),
                problem: self.problem,
                moved_to: Some(moved_to),
                moved_as_found: self.pristine.is_some(),
                expected: self.expected,
                kept,
            }),
        })
    }
}

/// Copies a healthy schema 1 store into `sled/` and removes its old files.
fn migrate(dir: &Path, handles: Handles, source: &Source) -> Result<Opened, StoreError> {
    let files_error = |what: &str, source: std::io::Error| StoreError::Files {
        path: dir.to_path_buf(),
        what: format!("moving the store to schema {SCHEMA_VERSION}: {what}"),
        source,
    };
    let mut kept = [0; 3];
    // Schema 1 kept no counts, so records that sled dropped without an
    // error cannot be found missing: every PO file is imported again.
    let rebuilt = rebuild(dir, Some(&handles), &mut kept).map_err(|e| sled_error(dir, e))?;
    drop(handles);
    source
        .remove(dir)
        .map_err(|e| files_error("removing the schema 1 files", e))?;
    install(dir, &rebuilt).map_err(|e| files_error("installing", e))?;
    tracing::info!(
        "{}: moved to schema {SCHEMA_VERSION}: {} machine and {} human translations",
        dir.display(),
        kept[0],
        kept[1]
    );
    let (handles, integrity) = open_installed(dir)?;
    Ok(Opened {
        handles,
        integrity,
        recovery: None,
    })
}

/// A new database in `rebuilt/` holding what can be read of `from`.
fn rebuild(dir: &Path, from: Option<&Handles>, kept: &mut [u64; 3]) -> sled::Result<PathBuf> {
    let partial = dir.join(format!("{REBUILT_DIR}{PARTIAL}"));
    let _ = std::fs::remove_dir_all(&partial);
    {
        let (into, mut integrity) = create(&partial)?;
        if let Some(from) = from {
            // A panic while reading keeps what was copied before it.
            if let Ok(written) = guarded(|| copy_entries(from, &into, &mut integrity, kept)) {
                written?;
            }
        }
        into.flush()?;
    }
    let rebuilt = dir.join(REBUILT_DIR);
    std::fs::rename(&partial, &rebuilt)?;
    Ok(rebuilt)
}

/// Renames `rebuilt` to `sled/`.
fn install(dir: &Path, rebuilt: &Path) -> std::io::Result<()> {
    std::fs::rename(rebuilt, dir.join(SLED_DIR))
}

fn open_installed(dir: &Path) -> Result<(Handles, Integrity), StoreError> {
    let handles = Handles::open(&dir.join(SLED_DIR)).map_err(|e| sled_error(dir, e))?;
    let integrity = handles
        .read_integrity()
        .map_err(|e| sled_error(dir, e))?
        .unwrap_or_default();
    Ok((handles, integrity))
}

/// A new database in `sled_dir` with its schema.
fn create(sled_dir: &Path) -> sled::Result<(Handles, Integrity)> {
    initialize(Handles::open(sled_dir)?)
}

/// Writes the schema into an empty database.
fn initialize(handles: Handles) -> sled::Result<(Handles, Integrity)> {
    let mut integrity = Integrity::default();
    handles.apply(
        &mut integrity,
        &[Op::Put(
            TreeId::Meta,
            b"schema".to_vec(),
            SCHEMA_VERSION.to_string().into_bytes(),
        )],
    )?;
    handles.flush()?;
    Ok((handles, integrity))
}

/// `checking/`: a copy of the database made before sled opens it, or the
/// copy an interrupted check left (older, so closer to what was found).
fn pristine_copy(dir: &Path, source: &Source) -> Result<PathBuf, StoreError> {
    let checking = dir.join(CHECKING_DIR);
    if checking.is_dir() {
        return Ok(checking);
    }
    let partial = dir.join(format!("{CHECKING_DIR}{PARTIAL}"));
    let copied = (|| {
        let _ = std::fs::remove_dir_all(&partial);
        std::fs::create_dir_all(&partial)?;
        for entry in source.entries(dir)? {
            copy_entry(&entry, &partial.join(entry.file_name().unwrap_or_default()))?;
        }
        std::fs::rename(&partial, &checking)
    })();
    copied.map_err(|source| StoreError::Files {
        path: checking.clone(),
        what: "copying the database before checking it (it was not closed cleanly)".to_string(),
        source,
    })?;
    Ok(checking)
}

fn copy_entry(from: &Path, to: &Path) -> std::io::Result<()> {
    if from.is_dir() {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy_entry(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else {
        std::fs::copy(from, to).map(|_| ())
    }
}

/// Removes what an interrupted check or rebuild left: folders being
/// written, and a rebuilt database that was not installed (the check runs
/// again). A rebuilt database whose old one is gone is installed.
fn finish_interrupted_work(dir: &Path) -> Result<(), StoreError> {
    for name in [CHECKING_DIR, REBUILT_DIR] {
        remove_dir(&dir.join(format!("{name}{PARTIAL}")))?;
    }
    let rebuilt = dir.join(REBUILT_DIR);
    if rebuilt.is_dir() {
        if dir.join(SLED_DIR).exists() {
            remove_dir(&rebuilt)?;
        } else {
            install(dir, &rebuilt).map_err(|source| StoreError::Files {
                path: rebuilt.clone(),
                what: "installing a database rebuilt by an interrupted run".to_string(),
                source,
            })?;
        }
    }
    Ok(())
}

fn remove_dir(path: &Path) -> Result<(), StoreError> {
    match std::fs::remove_dir_all(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(StoreError::Files {
            path: path.to_path_buf(),
            what: "removing a working copy".to_string(),
            source: error,
        }),
        _ => Ok(()),
    }
}

/// The files of a schema 1 database in the store folder.
fn legacy_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| LEGACY_FILES.contains(&name) || name.starts_with("snap."))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// `<dir>/<prefix>-<UTC time>`, with a number added if that exists.
fn unique_dir(dir: &Path, prefix: &str) -> PathBuf {
    let stamp = utc_stamp(std::time::SystemTime::now());
    let first = dir.join(format!("{prefix}-{stamp}"));
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| dir.join(format!("{prefix}-{stamp}-{n}")))
        .find(|path| !path.exists())
        .expect("some number is free")
}

/// `20250131T235959Z`. Days to a civil date by Howard Hinnant's
/// `civil_from_days`; a date crate for one folder name is not worth it.
fn utc_stamp(time: std::time::SystemTime) -> String {
    let secs = time.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// Whether a sled error means damaged files (else the environment: rights,
/// a full disk, another process's lock), which must never move a store aside.
fn is_damage(error: &sled::Error) -> bool {
    use std::io::ErrorKind;
    match error {
        sled::Error::Io(io) => {
            !matches!(
                io.kind(),
                ErrorKind::PermissionDenied
                    | ErrorKind::ReadOnlyFilesystem
                    | ErrorKind::StorageFull
                    | ErrorKind::QuotaExceeded
                    | ErrorKind::WouldBlock
                    | ErrorKind::Interrupted
            ) && !io.to_string().contains("could not acquire lock")
        }
        sled::Error::CollectionNotFound(_) => false,
        _ => true,
    }
}

/// What a sled error says about the files.
pub(super) fn sled_problem(error: &sled::Error) -> String {
    match error {
        sled::Error::Corruption { at: Some(at), .. } => format!("sled found corrupted data at {at}"),
        sled::Error::Corruption { at: None, .. } => "sled found corrupted data".to_string(),
        other => format!("sled: {other}"),
    }
}

fn sled_error(dir: &Path, source: sled::Error) -> StoreError {
    StoreError::Io {
        path: dir.to_path_buf(),
        source,
    }
}

/// Runs `f`, turning a panic (sled panics on some bad bytes) into its
/// message; the message is not printed, since it is reported.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    quiet_panics::run(f)
}

mod quiet_panics {
    use std::cell::{Cell, RefCell};
    use std::sync::Once;

    thread_local! {
        static QUIET: Cell<bool> = const { Cell::new(false) };
        static MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
    }

    /// Installs, once, a panic hook that keeps the message of a panic in a
    /// quiet section of this thread and passes any other to the hook before it.
    fn install() {
        static HOOK: Once = Once::new();
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if QUIET.with(Cell::get) {
                    MESSAGE.with(|m| *m.borrow_mut() = Some(format!("sled panicked: {info}").replace('\n', " ")));
                } else {
                    previous(info);
                }
            }));
        });
    }

    pub(super) fn run<T>(f: impl FnOnce() -> T) -> Result<T, String> {
        install();
        let was_quiet = QUIET.with(|q| q.replace(true));
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        QUIET.with(|q| q.set(was_quiet));
        result.map_err(|_| {
            MESSAGE
                .with(|m| m.borrow_mut().take())
                .unwrap_or_else(|| "sled panicked".to_string())
        })
    }
}
