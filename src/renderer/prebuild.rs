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
/// the source language): moves the language folders of `<build>/html/`
/// aside, since that output empties the folder, and starts rendering the
/// languages in a process of their own.
pub fn before_html_output(ctx: &PreprocessorContext) -> anyhow::Result<()> {
    if ctx.renderer != "html" || !has_output(&ctx.config, OUTPUT_NAME) {
        return Ok(());
    }
    let config = Config::from_book(&ctx.root, &ctx.config)?;
    if config.target_language(&ctx.config)? != config.source_language {
        return Ok(());
    }
    let build_dir = ctx.root.join(&ctx.config.build.build_dir);
    let site_dir = build_dir.join("html");
    let languages: Vec<&str> = config.languages.iter().map(LanguageTag::as_str).collect();
    crate::site::publish::keep_languages_aside(&site_dir, &build_dir, &languages)
        .with_context(|| format!("moving the language folders of {} aside", site_dir.display()))?;
    if languages.is_empty() || !run_by_mdbook() {
        return Ok(());
    }
    if let Err(error) = start(ctx, &build_dir, site_dir) {
        // The output builds the languages itself.
        tracing::warn!("the languages could not be started beside the source book: {error:#}");
    }
    Ok(())
}

/// Starts `mdbook-translate prebuild <folder>` for the book of `ctx`.
fn start(ctx: &PreprocessorContext, build_dir: &Path, site_dir: PathBuf) -> anyhow::Result<()> {
    let mdbook = mdbook_process().context("the languages are started beside the source book on Linux only")?;
    remove_abandoned(build_dir);
    let dir = folder(build_dir, mdbook);
    if dir.exists() {
        // Left by a run of a process that had the same id.
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let order = Order {
        root: ctx.root.clone(),
        book_toml: ctx.config.clone(),
        site_dir,
        mdbook,
    };
    std::fs::write(dir.join("order.json"), serde_json::to_vec(&order)?)?;
    let child = std::process::Command::new(std::env::current_exe()?)
        .arg("prebuild")
        .arg(&dir)
        .current_dir(&ctx.root)
        .stdin(std::process::Stdio::null())
        // stdout carries the book JSON to mdBook: never the child's.
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()?;
    std::fs::write(dir.join("pid"), child.id().to_string())?;
    Ok(())
}

/// Removes the prebuild folders of mdBook processes that ended (a build
/// whose HTML output failed never came to collect its languages).
fn remove_abandoned(build_dir: &Path) {
    let prefix = format!("{WORK_PREFIX}prebuilt-");
    let Ok(entries) = std::fs::read_dir(build_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = name.strip_prefix(&prefix).and_then(|pid| pid.parse().ok())
            && !process_is_alive(pid)
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The work of `mdbook-translate prebuild <folder>`: renders the languages
/// the order in `folder` asks for into it, holding the `busy` lock, then
/// writes `status` (`ok`, or the error) and lets the lock go. Then waits
/// until the `translate` output has taken the folder or mdBook has ended
/// without running it (its HTML output failed): the folder is then removed,
/// and the language folders kept aside go back.
pub fn run(folder: &Path) -> anyhow::Result<()> {
    let order_file = folder.join("order.json");
    let order: Order = serde_json::from_slice(
        &std::fs::read(&order_file).with_context(|| format!("reading {}", order_file.display()))?,
    )
    .with_context(|| format!("reading {}", order_file.display()))?;
    // Without the lock (a file system that has none), the output polls.
    let busy = hold_busy_lock(folder).ok();
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
    if folder.exists() {
        let _ = std::fs::remove_dir_all(folder);
        let build_dir = order.root.join(&order.book_toml.build.build_dir);
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
    let pid: u32 = std::fs::read_to_string(dir.join("pid")).ok()?.trim().parse().ok()?;
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
