//! Putting a finished book in place without a broken moment.
//!
//! A book is rendered into a staging folder of its own and then swapped in:
//! on Linux and macOS one `renameat2(RENAME_EXCHANGE)` (`renameatx_np`)
//! exchanges the new folder with the old one, so a server never finds the
//! language's folder missing or half written; elsewhere two renames leave
//! it missing for an instant. Staging folders live in the build folder
//! (`.mdbook-translate-<pid>-<n>`), named by process so that two builds at
//! once never write into the same one, and are removed when dropped.
//!
//! mdBook's HTML output empties its whole folder before it renders the
//! source book, language folders included. So that a build of one language
//! (`mdbook-translate build -l zh`) keeps the others, and a server is
//! without them only while the source book renders, the language folders
//! are first moved aside into `<build>/.mdbook-translate-kept/`
//! ([`keep_languages_aside`]), and put back by the `translate` output as
//! soon as it starts ([`restore_kept_languages`]). When they are being
//! rendered anew beside that output, they are moved into a folder that is
//! removed meanwhile instead ([`discard_languages`]).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The prefix of every folder this module makes in a build folder.
pub const WORK_PREFIX: &str = ".mdbook-translate-";

/// Where language folders wait while mdBook's HTML output renders.
const KEPT: &str = ".mdbook-translate-kept";

/// A folder for books being rendered, removed (with what is left in it)
/// when dropped.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
}

impl Staging {
    /// Creates a new staging folder in `build_dir`.
    pub fn create(build_dir: &Path) -> io::Result<Staging> {
        static N_STAGINGS: AtomicUsize = AtomicUsize::new(0);
        let n = N_STAGINGS.fetch_add(1, Ordering::Relaxed);
        let dir = build_dir.join(format!("{WORK_PREFIX}{}-{n}", std::process::id()));
        if n == 0 {
            remove_abandoned_stagings(build_dir);
        }
        if dir.exists() {
            // Left by a killed process that had the same id.
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        Ok(Staging { dir })
    }

    /// The folder a book named `name` is rendered into.
    pub fn book_dir(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The staging folder itself.
    pub fn path(&self) -> &Path {
        &self.dir
    }
}

/// Removes the staging folders in `build_dir` of processes that were killed
/// (on Linux, where a process can be told to be running).
fn remove_abandoned_stagings(build_dir: &Path) {
    if !cfg!(target_os = "linux") {
        return;
    }
    let Ok(entries) = std::fs::read_dir(build_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix(WORK_PREFIX)
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, n)| n.parse::<u64>().ok().and(pid.parse::<u32>().ok()));
        if let Some(pid) = pid
            && pid != std::process::id()
            && !std::path::Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Replaces the contents of the existing file `path` with `contents` by
/// writing over it and cutting it to length, not by emptying it first.
///
/// A page is changed after mdBook wrote it (the site's links, the search
/// index's name, translated texts), almost always made longer. Emptying a
/// file frees its blocks, and on a disk mounted with `discard` (as many
/// virtual machines' are) every freed block waits for the device: rewriting
/// 24 pages of 25 KB took 2.3 ms emptied first and 0.3 ms written over. A
/// reader meanwhile may see a mix of old and new, as it may see a file
/// emptied and half written.
pub fn overwrite(path: &Path, contents: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
    file.write_all(contents)?;
    let len = u64::try_from(contents.len()).unwrap_or(u64::MAX);
    if file.metadata()?.len() > len {
        file.set_len(len)?;
    }
    Ok(())
}

/// Puts the folder `staged` at `target`, replacing what is there in one
/// step where the system can; what was there is removed.
pub fn swap_in(staged: &Path, target: &Path) -> io::Result<()> {
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    loop {
        if !target.exists() {
            match std::fs::rename(staged, target) {
                Ok(()) => return Ok(()),
                // Another build put one there meanwhile: exchange with it.
                Err(_) if target.exists() => {}
                Err(error) => return Err(error),
            }
        }
        match exchange(staged, target) {
            Ok(()) => return std::fs::remove_dir_all(staged),
            // Removed meanwhile (by mdBook's HTML output): rename again.
            Err(error) if error.kind() == io::ErrorKind::NotFound && staged.exists() => {}
            Err(error) => return Err(error),
        }
    }
}

/// Exchanges the folders `a` and `b` atomically.
#[cfg(any(target_os = "linux", target_os = "macos"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        // A file system without the exchange (some network ones).
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => exchange_in_two_steps(a, b),
        Err(errno) => Err(errno.into()),
    }
}

/// Exchanges the folders `a` and `b` atomically.
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    exchange_in_two_steps(a, b)
}

/// Exchanges `a` and `b` by way of a third name; `b` is missing for a moment.
fn exchange_in_two_steps(a: &Path, b: &Path) -> io::Result<()> {
    let aside = a.with_extension("old");
    std::fs::rename(b, &aside)?;
    std::fs::rename(a, b)?;
    std::fs::rename(&aside, a)
}

/// Moves the folder of each of `languages` in `site_dir` into
/// `<build_dir>/.mdbook-translate-kept/`, out of the way of mdBook's HTML
/// output, which empties `site_dir`. Returns how many were moved.
pub fn keep_languages_aside(site_dir: &Path, build_dir: &Path, languages: &[&str]) -> io::Result<usize> {
    let kept = build_dir.join(KEPT);
    let mut n_kept = 0;
    for language in languages {
        let folder = site_dir.join(language);
        if !folder.join("index.html").is_file() {
            continue;
        }
        std::fs::create_dir_all(&kept)?;
        let aside = kept.join(language);
        if aside.exists() {
            // Kept by a build that did not finish; this one is newer.
            ignore_missing(std::fs::remove_dir_all(&aside))?;
        }
        // Another build may have moved it meanwhile.
        if ignore_missing(std::fs::rename(&folder, &aside))?.is_some() {
            n_kept += 1;
        }
    }
    Ok(n_kept)
}

/// Moves the folder of each of `languages` in `site_dir` into the folder
/// `old`, out of the way of mdBook's HTML output, which empties
/// `site_dir`, for the languages being rendered anew: `old` is filled under
/// another name first and appears whole, to be removed meanwhile (by the
/// process that renders them). Returns how many were moved.
pub fn discard_languages(site_dir: &Path, old: &Path, languages: &[&str]) -> io::Result<usize> {
    let mut filling = old.as_os_str().to_owned();
    filling.push(".partial");
    let filling = PathBuf::from(filling);
    let mut n_moved = 0;
    for language in languages {
        let folder = site_dir.join(language);
        if !folder.is_dir() {
            continue;
        }
        std::fs::create_dir_all(&filling)?;
        // Another build may have moved it meanwhile.
        if ignore_missing(std::fs::rename(&folder, filling.join(language)))?.is_some() {
            n_moved += 1;
        }
    }
    if filling.exists() {
        std::fs::rename(&filling, old)?;
    }
    Ok(n_moved)
}

/// `result`, with "not found" (another build got there first) as `None`.
fn ignore_missing<T>(result: io::Result<T>) -> io::Result<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error),
    }
}

/// Puts back the language folders [`keep_languages_aside`] moved, where
/// `site_dir` has none (a folder already there is newer: the kept one is
/// dropped). Returns the languages put back.
pub fn restore_kept_languages(site_dir: &Path, build_dir: &Path) -> io::Result<Vec<String>> {
    let kept = build_dir.join(KEPT);
    let mut restored = Vec::new();
    let Ok(entries) = std::fs::read_dir(&kept) else {
        return Ok(restored);
    };
    for entry in entries {
        let entry = entry?;
        let language = entry.file_name().to_string_lossy().into_owned();
        let target = site_dir.join(&language);
        if target.exists() || std::fs::rename(entry.path(), &target).is_err() {
            // Newer, or taken by another build meanwhile.
            ignore_missing(std::fs::remove_dir_all(entry.path()))?;
        } else {
            restored.push(language);
        }
    }
    // Another build may be keeping folders there right now.
    let _ = std::fs::remove_dir(&kept);
    restored.sort();
    Ok(restored)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(dir: &Path, marker: &str) {
        std::fs::create_dir_all(dir).expect("folder");
        std::fs::write(dir.join("index.html"), marker).expect("index");
    }

    fn index(dir: &Path) -> String {
        std::fs::read_to_string(dir.join("index.html")).expect("index")
    }

    #[test]
    fn a_staged_book_replaces_the_old_one_and_nothing_is_left_behind() {
        let build = tempfile::tempdir().expect("temp dir");
        let site = build.path().join("html");
        book(&site.join("zh"), "old");
        let staging = Staging::create(build.path()).expect("staging");
        book(&staging.book_dir("zh"), "new");
        swap_in(&staging.book_dir("zh"), &site.join("zh")).expect("swap");
        assert_eq!(index(&site.join("zh")), "new");
        assert!(!staging.book_dir("zh").exists(), "the old book is removed");
        // A first build has nothing to replace.
        book(&staging.book_dir("es"), "first");
        swap_in(&staging.book_dir("es"), &site.join("es")).expect("swap");
        assert_eq!(index(&site.join("es")), "first");
        let staging_dir = staging.path().to_path_buf();
        drop(staging);
        assert!(!staging_dir.exists(), "dropped with its folder");
    }

    #[test]
    fn a_file_written_over_holds_the_new_contents_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("page.html");
        std::fs::write(&path, "the old contents, quite long").expect("write");
        overwrite(&path, b"longer: the new contents, longer than the old").expect("longer");
        assert_eq!(index_at(&path), "longer: the new contents, longer than the old");
        overwrite(&path, b"short").expect("shorter");
        assert_eq!(index_at(&path), "short");
        assert!(
            overwrite(&dir.path().join("missing.html"), b"x").is_err(),
            "only an existing file"
        );
    }

    fn index_at(path: &Path) -> String {
        std::fs::read_to_string(path).expect("read")
    }

    #[test]
    fn discarded_languages_go_to_one_folder_that_appears_whole() {
        let build = tempfile::tempdir().expect("temp dir");
        let site = build.path().join("html");
        book(&site.join("zh"), "zh");
        book(&site.join("es"), "es");
        let old = build.path().join(".mdbook-translate-old-1");
        let n_moved = discard_languages(&site, &old, &["zh", "es", "de"]).expect("discard");
        assert_eq!(n_moved, 2);
        assert!(!site.join("zh").exists() && !site.join("es").exists());
        assert_eq!(index(&old.join("zh")), "zh");
        assert_eq!(index(&old.join("es")), "es");
        let names: Vec<String> = std::fs::read_dir(build.path())
            .expect("build folder")
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|name| name.ends_with(".partial")), "{names:?}");
        // A first build has nothing to discard: no folder at all.
        let none = build.path().join(".mdbook-translate-old-2");
        assert_eq!(discard_languages(&site, &none, &["zh"]).expect("discard"), 0);
        assert!(!none.exists());
    }

    #[test]
    fn kept_languages_come_back_unless_a_newer_one_is_there() {
        let build = tempfile::tempdir().expect("temp dir");
        let site = build.path().join("html");
        book(&site.join("zh"), "zh");
        book(&site.join("es"), "es");
        std::fs::create_dir_all(site.join("fr")).expect("a folder that is no book");
        let n_kept = keep_languages_aside(&site, build.path(), &["zh", "es", "fr", "de"]).expect("keep");
        assert_eq!(n_kept, 2);
        assert!(!site.join("zh").exists() && !site.join("es").exists());
        // mdBook renders the source; es is built anew meanwhile.
        book(&site.join("es"), "es, new");
        let restored = restore_kept_languages(&site, build.path()).expect("restore");
        assert_eq!(restored, ["zh"]);
        assert_eq!(index(&site.join("zh")), "zh");
        assert_eq!(index(&site.join("es")), "es, new");
        assert!(!build.path().join(KEPT).exists(), "nothing left aside");
        assert!(restore_kept_languages(&site, build.path()).expect("again").is_empty());
    }
}
