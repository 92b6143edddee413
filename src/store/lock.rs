//! The store's lock: one process at a time. An exclusive lock on
//! `<cache-dir>/lock` (the operating system's file lock, released when the
//! process ends, however it ends), held from before the database is opened
//! (or checked, or rebuilt) until after it is closed and sealed. The holder
//! writes who it is into the file, so that a process that waits can say
//! who it waits for.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The name of the lock file in the store folder.
pub const LOCK_FILE: &str = "lock";

/// The lock, held until dropped.
#[derive(Debug)]
pub struct StoreLock {
    _file: File,
}

/// Why the lock was not taken.
#[derive(Debug)]
pub enum LockFailure {
    /// Another process held it for the whole wait.
    Held {
        /// Who holds it, as it wrote itself into the lock file.
        holder: Option<String>,
        /// How long we waited.
        waited: Duration,
    },
    /// The lock file could not be opened or locked.
    Io {
        /// The lock file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

/// Takes the lock of the store in `dir`, waiting up to `timeout` for the
/// process that holds it.
pub fn acquire(dir: &Path, timeout: Duration) -> Result<StoreLock, LockFailure> {
    let path = dir.join(LOCK_FILE);
    let io = |source| LockFailure::Io {
        path: path.clone(),
        source,
    };
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    let started = Instant::now();
    let mut pause = Duration::from_millis(20);
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) => {
                let waited = started.elapsed();
                if waited >= timeout {
                    return Err(LockFailure::Held {
                        holder: read_holder(&mut file),
                        waited,
                    });
                }
                std::thread::sleep(pause.min(timeout - waited));
                pause = (pause * 2).min(Duration::from_millis(250));
            }
            Err(TryLockError::Error(source)) => return Err(io(source)),
        }
    }
    // Who we are, for the processes that will wait: best effort, since the
    // lock itself is what counts.
    let _ = file
        .set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| file.write_all(describe_this_process().as_bytes()));
    Ok(StoreLock { _file: file })
}

/// The holder's description from the lock file, if it wrote one.
fn read_holder(file: &mut File) -> Option<String> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.read_to_string(&mut text).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// "process 1234 (`mdbook-translate build book`, started by `mdbook serve`) since 12:03:04 UTC".
fn describe_this_process() -> String {
    let command = shorten(&std::env::args().collect::<Vec<_>>().join(" "));
    let parent = parent_command().map_or_else(String::new, |parent| format!(", started by `{parent}`"));
    let since = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (hours, minutes, seconds) = (since / 3600 % 24, since / 60 % 60, since % 60);
    format!(
        "process {} (`{command}`{parent}) since {hours:02}:{minutes:02}:{seconds:02} UTC",
        std::process::id()
    )
}

/// The command line of the parent process, on Linux.
fn parent_command() -> Option<String> {
    #[cfg(unix)]
    {
        let parent = std::os::unix::process::parent_id();
        let cmdline = std::fs::read(format!("/proc/{parent}/cmdline")).ok()?;
        let words: Vec<String> = cmdline
            .split(|&b| b == 0)
            .filter(|word| !word.is_empty())
            .map(|word| String::from_utf8_lossy(word).into_owned())
            .collect();
        (!words.is_empty()).then(|| shorten(&words.join(" ")))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

fn shorten(command: &str) -> String {
    const MAX_CHARS: usize = 120;
    match command.char_indices().nth(MAX_CHARS) {
        Some((at, _)) => format!("{}…", &command[..at]),
        None => command.to_string(),
    }
}
