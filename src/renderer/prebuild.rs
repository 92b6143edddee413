//! The languages rendered while mdBook's HTML output renders the source book.
//!
//! With `[output.html]` and `[output.translate]`, `mdbook build` runs the two
//! outputs one after the other: the source book first, then the languages.
//! To have them render at the same time, the `translate` preprocessor, which
//! mdBook runs for the HTML output just before that output renders, starts
//! the languages in a process of its own (`mdbook-translate
//! prebuild <folder>`, its output on mdBook's stderr) that renders them into
//! `<build>/.mdbook-translate-prebuilt-<mdBook's pid>/`. The `translate`
//! output, run by the same mdBook process, waits for it
//! ([`wait_for_languages`]) and swaps the books in; when that process failed
//! or died, the output builds the languages itself.

use super::{OUTPUT_NAME, TranslateRenderer, has_output};
use crate::config::Config;
use crate::language::LanguageTag;
use crate::site::BookOutput;
use crate::site::publish::{WORK_PREFIX, restore_kept_languages, swap_in};
use anyhow::Context;
use mdbook_driver::config::Config as BookToml;
use mdbook_preprocessor::PreprocessorContext;
use mdbook_renderer::RenderContext;
use mdbook_renderer::book::Book;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What the prebuild process is asked to do.
#[derive(Debug, Serialize, Deserialize)]
struct Order {
    root: PathBuf,
    book_toml: BookToml,
    site_dir: PathBuf,
    /// The mdBook process whose `translate` output takes the books.
    mdbook: u32,
}

/// The prebuild process's nice value. mdBook renders the source book in
/// one thread, which the build waits for, while the languages render side
/// by side: at a lower priority they take what that thread leaves of the
/// cores rather than slowing it (on two cores, an every-language build of
/// the example took 1.81 times a plain build at nice 10, 1.94 at nice 0).
const NICE: i32 = 10;

/// The order in a prebuild folder.
const ORDER: &str = "order.json";
/// The prebuild process's id in its folder.
const PID: &str = "pid";

/// The folder of the prebuild of the mdBook process `mdbook`.
fn folder(build_dir: &Path, mdbook: u32) -> PathBuf {
    build_dir.join(format!("{WORK_PREFIX}prebuilt-{mdbook}"))
}

/// The mdBook process that runs this one (as preprocessor or output), on
/// Linux, where [`process_is_alive`] can tell a finished process from a
/// running one.
fn mdbook_process() -> Option<u32> {
    #[cfg(target_os = "linux")]
    {
        Some(std::os::unix::process::parent_id())
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// Whether the process that runs this one is the `mdbook` binary, which
/// runs the `translate` output after the HTML output. (A program that runs
/// the preprocessor otherwise, such as a test or another tool built on
/// mdbook-driver, might never run the output; the languages are then not
/// started ahead.)
fn run_by_mdbook() -> bool {
    mdbook_process()
        .and_then(|pid| std::fs::read_to_string(format!("/proc/{pid}/comm")).ok())
        .is_some_and(|name| name.trim() == "mdbook")
}

/// Before mdBook's HTML output renders the source book of a site that the
/// `translate` output completes (the preprocessor runs for that output, in
/// the source language), unless `supports html` did it already
/// ([`prepare_ahead`]): starts the languages and moves the language
/// folders of `<build>/html/` out of the way (`prepare_site`).
pub fn before_html_output(ctx: &PreprocessorContext) -> anyhow::Result<()> {
    if ctx.renderer != "html" {
        return Ok(());
    }
    match wanted(&ctx.root, &ctx.config)? {
        Some(wanted) => prepare_site(&wanted),
        None => Ok(()),
    }
}

/// `mdbook-translate supports html`, which `mdbook build` asks before it
/// would run the preprocessor for its HTML output: when mdBook builds the
/// site in its source language, prepares it (`prepare_site`) from
/// book.toml and the `MDBOOK_*` variables as mdBook read them, and says
/// whether it did. The preprocessor, which leaves a book in its source
/// language as it is, then has nothing left to do, and `supports` tells
/// mdBook so: mdBook neither writes it the book nor reads it back, and the
/// languages start some milliseconds earlier. Only under `mdbook build`
/// without `--dest-dir`, whose configuration is book.toml's; otherwise (and
/// on any error, which the preprocessor then meets and reports) the
/// preprocessor prepares the site.
pub fn prepare_ahead() -> bool {
    let prepared = || -> anyhow::Result<bool> {
        if !run_by_mdbook() || !mdbook_process().is_some_and(runs_plain_build) {
            return Ok(false);
        }
        // mdBook asks with the book's root as the current folder.
        let root = std::env::current_dir()?;
        let book_toml_path = root.join("book.toml");
        let mut book_toml = if book_toml_path.is_file() {
            BookToml::from_disk(&book_toml_path)?
        } else {
            BookToml::default()
        };
        book_toml.update_from_env()?;
        match wanted(&root, &book_toml)? {
            Some(wanted) => prepare_site(&wanted).map(|()| true),
            None => Ok(false),
        }
    };
    prepared().unwrap_or_else(|error| {
        tracing::debug!("the site was not prepared ahead: {error:#}");
        false
    })
}

/// Starts rendering the languages of `wanted` in a process of their own,
/// unless they were started already for this very book and configuration
/// ([`adopt`]), and moves the language folders of `<build>/html/` out of
/// the way of mdBook's HTML output, which empties the folder. With the
/// languages rendering anew, the old folders are discarded: moved into
/// `<build>/.mdbook-translate-old-<mdBook's pid>/`, which the prebuild
/// process removes while it renders (removing files can take long, and
/// mdBook's HTML output would otherwise remove them itself before it
/// renders). Else they are kept aside for the output to put back.
fn prepare_site(wanted: &Wanted) -> anyhow::Result<()> {
    let rendering = !wanted.config.languages.is_empty()
        && run_by_mdbook()
        && (adopt(wanted)
            || start(wanted)
                .inspect_err(|error| {
                    // The output builds the languages itself.
                    tracing::warn!("the languages could not be started beside the source book: {error:#}");
                })
                .is_ok());
    let site_dir = &wanted.order.site_dir;
    let moved = if rendering {
        let old = old_folder(&wanted.build_dir, wanted.order.mdbook);
        crate::site::publish::discard_languages(site_dir, &old, &wanted.languages())
    } else {
        crate::site::publish::keep_languages_aside(site_dir, &wanted.build_dir, &wanted.languages())
    };
    moved.with_context(|| format!("moving the language folders of {} aside", site_dir.display()))?;
    Ok(())
}

/// Whether the mdBook process `pid` runs `mdbook build` without
/// `-d`/`--dest-dir` (Linux: its command line in `/proc`).
fn runs_plain_build(pid: u32) -> bool {
    std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|cmdline| is_plain_build(&cmdline))
}

/// Whether `cmdline` (arguments ended by NUL bytes, the program first) is
/// `mdbook build` without `-d`/`--dest-dir`, whose configuration is
/// book.toml's and the `MDBOOK_*` variables'.
fn is_plain_build(cmdline: &[u8]) -> bool {
    let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).skip(1).collect();
    let sets_dest_dir = |arg: &&[u8]| {
        arg.starts_with(b"--dest-dir") || (arg.starts_with(b"-") && !arg.starts_with(b"--") && arg.contains(&b'd'))
    };
    args.first() == Some(&&b"build"[..]) && !args.iter().any(sets_dest_dir)
}

/// The languages a build of the book at `root` configured by `book_toml`
/// renders beside mdBook's HTML output.
struct Wanted {
    build_dir: PathBuf,
    config: Config,
    order: Order,
}

impl Wanted {
    fn languages(&self) -> Vec<&str> {
        self.config.languages.iter().map(LanguageTag::as_str).collect()
    }
}

/// What [`Wanted`] a book has: none unless it has `[output.translate]` and
/// is built in its source language.
fn wanted(root: &Path, book_toml: &BookToml) -> anyhow::Result<Option<Wanted>> {
    if !has_output(book_toml, OUTPUT_NAME) {
        return Ok(None);
    }
    let config = Config::from_book(root, book_toml)?;
    if config.target_language(book_toml)? != config.source_language {
        return Ok(None);
    }
    let build_dir = root.join(&book_toml.build.build_dir);
    let order = Order {
        root: root.to_path_buf(),
        book_toml: book_toml.clone(),
        site_dir: build_dir.join("html"),
        mdbook: mdbook_process().unwrap_or_default(),
    };
    Ok(Some(Wanted {
        build_dir,
        config,
        order,
    }))
}

/// Whether the languages were started ahead for the same book and
/// configuration as `wanted`. Languages started for another (mdBook
/// changed the configuration after reading book.toml) are stopped and
/// their folder removed.
fn adopt(wanted: &Wanted) -> bool {
    let dir = folder(&wanted.build_dir, wanted.order.mdbook);
    let Ok(bytes) = std::fs::read(dir.join(ORDER)) else {
        return false;
    };
    if serde_json::from_slice::<Order>(&bytes).is_ok_and(|started| started.is_for(&wanted.order)) {
        return true;
    }
    // Never under `mdbook build`, whose configuration is book.toml's.
    tracing::warn!("the languages started ahead were for another configuration than mdBook's; starting them again");
    if let Some(pid) = read_pid(&dir) {
        stop(pid);
    }
    let _ = std::fs::remove_dir_all(&dir);
    false
}

impl Order {
    /// Whether this order and `other` render the same books: the same
    /// mdBook run, configuration and folders (the root compared as a
    /// folder: mdBook may name it through `..` or a link).
    fn is_for(&self, other: &Order) -> bool {
        self.mdbook == other.mdbook
            && self.book_toml == other.book_toml
            && same_folder(&self.root, &other.root)
            && same_folder(&self.site_dir, &other.site_dir)
    }
}

/// Whether `a` and `b` name the same folder (mdBook may name a book's root
/// through `..` or a link; `getcwd` gives it without them).
fn same_folder(a: &Path, b: &Path) -> bool {
    a == b
        || std::fs::canonicalize(a)
            .ok()
            .is_some_and(|a| std::fs::canonicalize(b).is_ok_and(|b| a == b))
}

/// The render context of the `translate` output run by the mdBook process
/// that runs this one, made from the order of the languages started for
/// it, when they were: mdBook hands the output the same root and
/// configuration as the preprocessor, and runs it in `<build>/translate/`.
/// The output can start with it before mdBook has finished writing the
/// context (the whole book) to its stdin; the book is not needed.
pub fn early_render_context() -> Option<RenderContext> {
    let mdbook = mdbook_process()?;
    let here = std::env::current_dir().ok()?;
    if here.file_name()? != OUTPUT_NAME {
        return None;
    }
    let dir = folder(here.parent()?, mdbook);
    let order: Order = serde_json::from_slice(&std::fs::read(dir.join(ORDER)).ok()?).ok()?;
    // Where mdBook puts the output's folder (`MDBook::build_dir_for`).
    let destination = order.root.join(&order.book_toml.build.build_dir).join(OUTPUT_NAME);
    same_folder(&destination, &here).then(|| RenderContext::new(order.root, Book::new(), order.book_toml, destination))
}

/// Whether `early` ([`early_render_context`]) is what mdBook handed the
/// output in `ctx`, but the book: the same configuration and folders.
pub fn is_same_context(early: &RenderContext, ctx: &RenderContext) -> bool {
    early.config == ctx.config
        && same_folder(&early.root, &ctx.root)
        && same_folder(&early.destination, &ctx.destination)
}

/// The prebuild process of a folder, once started.
fn read_pid(dir: &Path) -> Option<u32> {
    std::fs::read_to_string(dir.join(PID)).ok()?.trim().parse().ok()
}

/// Kills the prebuild process `pid` and waits until it has ended.
fn stop(pid: u32) {
    #[cfg(target_os = "linux")]
    {
        let Some(raw) = i32::try_from(pid).ok().and_then(rustix::process::Pid::from_raw) else {
            return;
        };
        let _ = rustix::process::kill_process(raw, rustix::process::Signal::KILL);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while process_is_alive(pid) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// Starts `mdbook-translate prebuild <folder>` for `wanted`.
fn start(wanted: &Wanted) -> anyhow::Result<()> {
    anyhow::ensure!(
        mdbook_process().is_some(),
        "the languages are started beside the source book on Linux only"
    );
    let build_dir = &wanted.build_dir;
    remove_abandoned(build_dir);
    let dir = folder(build_dir, wanted.order.mdbook);
    if dir.exists() {
        // Left by a run of a process that had the same id.
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join(ORDER), serde_json::to_vec(&wanted.order)?)?;
    let child = std::process::Command::new(std::env::current_exe()?)
        .arg("prebuild")
        .arg(&dir)
        .current_dir(&wanted.order.root)
        .stdin(std::process::Stdio::null())
        // stdout carries the book JSON to mdBook: never the child's.
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()?;
    std::fs::write(dir.join(PID), child.id().to_string())?;
    Ok(())
}

/// Removes the prebuild folders of mdBook processes that ended (a build
/// whose HTML output failed never came to collect its languages).
fn remove_abandoned(build_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(build_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = ["prebuilt-", "old-"].iter().find_map(|kind| {
            let rest = name.strip_prefix(WORK_PREFIX)?.strip_prefix(kind)?;
            rest.strip_suffix(PARTIAL).unwrap_or(rest).parse().ok()
        });
        if let Some(pid) = pid
            && !process_is_alive(pid)
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The folder the language folders of the site go to when the languages of
/// the mdBook process `mdbook` are rendered anew beside its HTML output.
fn old_folder(build_dir: &Path, mdbook: u32) -> PathBuf {
    build_dir.join(format!("{WORK_PREFIX}old-{mdbook}"))
}

/// The suffix of a folder still being filled.
const PARTIAL: &str = ".partial";

/// Removes `old` (the [`old_folder`] of this run) as soon as the
/// preprocessor has moved the old language folders there (it appears
/// whole), looking until `stop` is set (when the output has taken the
/// books, or mdBook has ended).
fn remove_old_languages(old: &Path, stop: &std::sync::atomic::AtomicBool) {
    loop {
        let stopping = stop.load(std::sync::atomic::Ordering::Acquire);
        if old.exists() {
            let _ = std::fs::remove_dir_all(old);
            return;
        }
        if stopping {
            return;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The prebuild process started for this mdBook run, if one was.
pub fn prebuild_process(build_dir: &Path) -> Option<u32> {
    read_pid(&folder(build_dir, mdbook_process()?))
}

/// Waits until the prebuild process `prebuild` has removed the old language
/// folders of this run, so that nothing is left behind, or changes, once
/// mdBook has ended; removes them itself when that process is gone.
pub fn wait_for_old_languages(build_dir: &Path, prebuild: Option<u32>) {
    let Some(mdbook) = mdbook_process() else {
        return;
    };
    let old = old_folder(build_dir, mdbook);
    if !old.exists() {
        return;
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while old.exists() && prebuild.is_some_and(process_is_alive) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    let _ = std::fs::remove_dir_all(&old);
}

/// The work of `mdbook-translate prebuild <folder>`: renders the languages
/// the order in `folder` asks for into it, holding the `busy` lock, then
/// writes `status` (`ok`, or the error) and lets the lock go; meanwhile
/// another thread removes the old language folders as soon as the
/// preprocessor has discarded them (`old_folder`). Then waits
/// until the `translate` output has taken the folder or mdBook has ended
/// without running it (its HTML output failed): the folder is then removed,
/// and the language folders kept aside go back.
pub fn run(folder: &Path) -> anyhow::Result<()> {
    let order_file = folder.join(ORDER);
    let order: Order = serde_json::from_slice(
        &std::fs::read(&order_file).with_context(|| format!("reading {}", order_file.display()))?,
    )
    .with_context(|| format!("reading {}", order_file.display()))?;
    // This thread's priority (Linux), which the threads it starts take.
    let _ = rustix::process::setpriority_process(None, NICE);
    // Without the lock (a file system that has none), the output polls.
    let busy = hold_busy_lock(folder).ok();
    let build_dir = order.root.join(&order.book_toml.build.build_dir);
    let stop_removing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let remover = {
        let (old, stop) = (
            old_folder(&build_dir, order.mdbook),
            std::sync::Arc::clone(&stop_removing),
        );
        std::thread::spawn(move || remove_old_languages(&old, &stop))
    };
    let result =
        TranslateRenderer::new().prebuild_languages(&order.root, &order.book_toml, order.site_dir.clone(), folder);
    let status = match &result {
        Ok(_) => "ok".to_string(),
        Err(error) => format!("{error:#}"),
    };
    let written = folder.join("status.partial");
    std::fs::write(&written, status)?;
    std::fs::rename(&written, folder.join("status"))?;
    drop(busy);
    // The store is closed (flushed and sealed) while the output swaps the
    // books in.
    let result = result.map(drop);
    // mdBook renders the source book meanwhile; one that takes longer than
    // this is not waited for.
    let deadline = std::time::Instant::now() + Duration::from_secs(600);
    while folder.exists() && process_is_alive(order.mdbook) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    stop_removing.store(true, std::sync::atomic::Ordering::Release);
    let _ = remover.join();
    if folder.exists() {
        let _ = std::fs::remove_dir_all(folder);
        restore_kept_languages(&order.site_dir, &build_dir)?;
    }
    result
}

/// The file in a prebuild folder that the prebuild process holds locked
/// (`flock`) while it renders: the `translate` output waits on that lock
/// and wakes the moment the languages are done, or the process died.
const BUSY: &str = "busy";

/// Takes the [`BUSY`] lock of `folder` for this process: locked before the
/// file gets its name, so that a waiter never finds it unlocked too early.
fn hold_busy_lock(folder: &Path) -> anyhow::Result<std::fs::File> {
    let partial = folder.join(format!("{BUSY}.partial"));
    let file = std::fs::File::create(&partial).with_context(|| format!("creating {}", partial.display()))?;
    rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive)
        .with_context(|| format!("locking {}", partial.display()))?;
    std::fs::rename(&partial, folder.join(BUSY)).with_context(|| format!("renaming {}", partial.display()))?;
    Ok(file)
}

/// Waits until the prebuild process of `dir` lets its [`BUSY`] lock go
/// (it wrote its status, or it died); returns at once when it has not
/// taken the lock yet.
fn wait_while_busy(dir: &Path) {
    if let Ok(file) = std::fs::File::open(dir.join(BUSY)) {
        let _ = rustix::fs::flock(&file, rustix::fs::FlockOperation::LockShared);
    }
}

/// Waits for the languages started for this mdBook run, if any were; the
/// folder that holds them when they were all rendered.
pub fn wait_for_languages(build_dir: &Path) -> Option<PathBuf> {
    let dir = folder(build_dir, mdbook_process()?);
    let pid = read_pid(&dir)?;
    loop {
        wait_while_busy(&dir);
        if let Ok(status) = std::fs::read_to_string(dir.join("status")) {
            if status == "ok" {
                return Some(dir);
            }
            eprintln!(
                "mdbook-translate: the languages rendered beside the source book failed ({status}); building them again"
            );
            let _ = std::fs::remove_dir_all(&dir);
            return None;
        }
        if !process_is_alive(pid) {
            let _ = std::fs::remove_dir_all(&dir);
            return None;
        }
        // Not locked yet: the process is starting.
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Whether the process `pid` still runs (not exited, nor exited and waiting
/// to be reaped); on Linux only.
pub fn process_is_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z'))
    })
}

/// Swaps the books of `languages` from `prebuilt` into `site_dir`, side
/// by side (each removes the book it replaces).
pub fn publish(prebuilt: &Path, site_dir: &Path, languages: &[&LanguageTag]) -> anyhow::Result<Vec<BookOutput>> {
    let publish_one = |language: &LanguageTag| -> anyhow::Result<BookOutput> {
        let book = prebuilt.join(language.as_str());
        let target = site_dir.join(language.as_str());
        anyhow::ensure!(
            book.join("index.html").is_file(),
            "the {language} book was not rendered"
        );
        swap_in(&book, &target).with_context(|| format!("moving the {language} book into {}", target.display()))?;
        Ok(BookOutput {
            language: language.to_string(),
            html_dir: target,
        })
    };
    std::thread::scope(|scope| {
        let swaps: Vec<_> = languages
            .iter()
            .map(|language| scope.spawn(move || publish_one(language)))
            .collect();
        swaps
            .into_iter()
            .map(|swap| swap.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_languages_start_ahead_under_mdbook_build_without_a_destination_only() {
        let cmdline = |args: &[&str]| {
            args.iter()
                .flat_map(|arg| [arg.as_bytes(), b"\0"].concat())
                .collect::<Vec<u8>>()
        };
        for plain in [
            &["mdbook", "build"][..],
            &["/usr/bin/mdbook", "build", "guide"],
            &["mdbook", "build", "--open"],
            &["mdbook", "build", "-o", "../book"],
        ] {
            assert!(is_plain_build(&cmdline(plain)), "{plain:?}");
        }
        for other in [
            &["mdbook", "build", "-d", "out"][..],
            &["mdbook", "build", "--dest-dir=out"],
            &["mdbook", "build", "--dest-dir", "out"],
            &["mdbook", "build", "-od", "out"],
            &["mdbook", "serve"],
            &["mdbook", "watch"],
            &["mdbook", "test"],
            &["mdbook"],
        ] {
            assert!(!is_plain_build(&cmdline(other)), "{other:?}");
        }
    }
}
