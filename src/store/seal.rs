//! The seal: `<cache-dir>/seal`, a small JSON file beside the database
//! that says what the store held the last time this process made it
//! durable, and whether it was closed cleanly.
//!
//! - After every flush it records the generation and counts just made
//!   durable, with `state: open`. A store whose database holds an older
//!   generation than its seal has lost flushed writes (sled discards the
//!   end of its log after a damaged record, without an error).
//! - On a clean close it adds a stamp of every database file (length,
//!   modification and status-change times, inode) with `state: closed`.
//!   Any write to a file changes its status-change time, so a store whose
//!   files still match their stamps is opened without reading every entry;
//!   any other store is copied aside and checked entry by entry first.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The name of the seal in the store folder.
pub const SEAL_FILE: &str = "seal";

/// Whether the store was closed cleanly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SealState {
    /// In use, or its process ended without closing it.
    Open,
    /// Closed; `files` stamps the database as it was left.
    Closed,
}

/// One database file as it was left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    /// Path inside the database folder, with `/`.
    pub path: String,
    /// Length in bytes.
    pub len: u64,
    /// Modification time, nanoseconds since the epoch.
    pub modified: i128,
    /// Status-change time (Unix), nanoseconds since the epoch.
    pub changed: i128,
    /// Inode number (Unix).
    pub inode: u64,
}

/// The seal's contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seal {
    /// The store's schema.
    pub schema: u32,
    /// Open or closed.
    pub state: SealState,
    /// The generation last made durable.
    pub generation: u64,
    /// Entries per tree (units, human, meta) at that generation.
    pub counts: [u64; 3],
    /// With `state: closed`, every database file.
    #[serde(default)]
    pub files: Vec<FileStamp>,
}

impl Seal {
    /// The seal in `dir`, if there is a readable one.
    pub fn read(dir: &Path) -> Option<Seal> {
        let bytes = std::fs::read(dir.join(SEAL_FILE)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Writes the seal into `dir`, replacing the old one at once (a new
    /// file renamed over it), so that a kill leaves one seal or the other.
    /// One writer at a time: the store's lock keeps other processes out and
    /// the store writes its seals one after the other.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        let partial = dir.join(format!("{SEAL_FILE}.partial"));
        std::fs::write(
            &partial,
            serde_json::to_vec_pretty(self).expect("a seal always serialises"),
        )?;
        std::fs::rename(&partial, dir.join(SEAL_FILE))
    }
}

/// Stamps of every file under the database folder `sled_dir`, in path order.
pub fn stamp_files(sled_dir: &Path) -> std::io::Result<Vec<FileStamp>> {
    let mut stamps = Vec::new();
    for entry in walkdir::WalkDir::new(sled_dir).sort_by_file_name() {
        let entry = entry.map_err(std::io::Error::other)?;
        if !entry.file_type().is_file() {
            continue;
        }
        let metadata = entry.metadata().map_err(std::io::Error::other)?;
        let relative: PathBuf = entry
            .path()
            .strip_prefix(sled_dir)
            .unwrap_or(entry.path())
            .to_path_buf();
        stamps.push(stamp(&relative, &metadata));
    }
    Ok(stamps)
}

fn stamp(relative: &Path, metadata: &std::fs::Metadata) -> FileStamp {
    let nanos = |time: std::io::Result<std::time::SystemTime>| {
        time.ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128)
    };
    #[cfg(unix)]
    let (changed, inode) = {
        use std::os::unix::fs::MetadataExt;
        (
            i128::from(metadata.ctime()) * 1_000_000_000 + i128::from(metadata.ctime_nsec()),
            metadata.ino(),
        )
    };
    #[cfg(not(unix))]
    let (changed, inode) = (0, 0);
    FileStamp {
        path: relative.to_string_lossy().replace('\\', "/"),
        len: metadata.len(),
        modified: nanos(metadata.modified()),
        changed,
        inode,
    }
}
