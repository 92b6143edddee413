//! The real `mdbook` binary (0.5.4) with this crate's binary on the PATH, as
//! a book author runs it: `mdbook build` and `mdbook serve`, no `MDBOOK_*`
//! variables. `.ci/run` installs mdBook and sets
//! `MDBOOK_TRANSLATE_REQUIRE_MDBOOK=1` so that CI never skips these tests.

use crate::readers::assert_no_work_folders;
use crate::site::assert_complete_site;
use crate::support::{Run, TestBook, http_get};
use std::ffi::OsString;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MDBOOK_VERSION: &str = "0.5.4";

/// The `mdbook` binary: `$MDBOOK_TRANSLATE_MDBOOK`, else `mdbook` on the PATH,
/// if it is version 0.5.4.
pub(crate) fn mdbook_binary() -> Option<PathBuf> {
    let candidate = std::env::var_os("MDBOOK_TRANSLATE_MDBOOK")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                .map(|dir| dir.join("mdbook"))
                .find(|path| path.is_file())
        });
    let version = candidate.as_ref().and_then(|path| {
        let output = Command::new(path).arg("--version").output().ok()?;
        Some(String::from_utf8_lossy(&output.stdout).trim().to_string())
    });
    let found = candidate.filter(|_| version.as_deref() == Some(&format!("mdbook v{MDBOOK_VERSION}")));
    if found.is_none() {
        assert!(
            std::env::var_os("MDBOOK_TRANSLATE_REQUIRE_MDBOOK").is_none(),
            "mdBook {MDBOOK_VERSION} is required (found {version:?}): cargo install mdbook@{MDBOOK_VERSION} --locked"
        );
        eprintln!(
            "note: mdBook {MDBOOK_VERSION} is absent (found {version:?}); skipping the tests of the mdbook binary"
        );
    }
    found
}

/// `mdbook <args>` in `book`, with this crate's binary first on the PATH and
/// no `MDBOOK_*` variable but those in `env`.
fn mdbook(binary: &Path, book: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let own = Path::new(env!("CARGO_BIN_EXE_mdbook-translate"))
        .parent()
        .expect("the binary is in a folder")
        .to_path_buf();
    let path: OsString = std::env::join_paths(
        std::iter::once(own).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .expect("PATH");
    let mut command = Command::new(binary);
    command.current_dir(book).args(args).env("PATH", path);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("MDBOOK_") {
            command.env_remove(key);
        }
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

#[test]
fn mdbook_build_writes_every_language() {
    let Some(binary) = mdbook_binary() else {
        return;
    };
    let book = TestBook::new("site");
    let mdbook_build = || Run::of(&mut mdbook(&binary, book.path(), &["build"], &[])).assert_success();
    let run = mdbook_build();
    assert_complete_site(&book.path().join("book/html"));
    for language in ["zh", "es"] {
        // Started once, when mdBook asked whether the preprocessor supports
        // its HTML output, and not again by the preprocessor.
        let started = format!("building {language} into");
        assert_eq!(run.stderr.matches(&started).count(), 1, "{}", run.stderr);
        assert!(!run.stderr.contains("another configuration"), "{}", run.stderr);
        let summary = run.summary(language);
        assert_eq!(summary.backend, "pseudo");
        assert_eq!(
            (summary.n_translated, summary.n_missing),
            (summary.n_distinct, 0),
            "{summary:?}"
        );
    }
    // The second build finds every translation in the store.
    let run = mdbook_build();
    for language in ["zh", "es"] {
        run.summary(language).assert_all_from_store();
    }
}

#[test]
fn mdbook_build_translates_through_amazon_translate_when_the_book_says_aws() {
    let Some(binary) = mdbook_binary() else {
        return;
    };
    let emulator = mdbook_translate::emulator::Emulator::start(
        "127.0.0.1:0".parse().expect("an address"),
        mdbook_translate::emulator::EmulatorConfig::default(),
    )
    .expect("emulator");
    let book = TestBook::new("site");
    book.replace("book.toml", "backend = \"pseudo\"", "backend = \"aws\"");
    let url = emulator.url();
    let env = [
        ("AWS_ENDPOINT_URL", url.as_str()),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    let mdbook_build = || Run::of(&mut mdbook(&binary, book.path(), &["build"], &env)).assert_success();
    let run = mdbook_build();
    assert_complete_site(&book.path().join("book/html"));
    for language in ["zh", "es"] {
        let summary = run.summary(language);
        assert_eq!(summary.backend, "aws");
        assert_eq!(
            (summary.n_translated, summary.n_missing),
            (summary.n_distinct, 0),
            "{summary:?}"
        );
    }
    let sent = emulator.stats().requests_total;
    assert!(sent > 0);
    let run = mdbook_build();
    for language in ["zh", "es"] {
        run.summary(language).assert_all_from_store();
    }
    assert_eq!(emulator.stats().requests_total, sent, "the second build sends nothing");
}

/// `mdbook serve`, stopped when dropped.
pub(crate) struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Server {
    pub(crate) fn start(binary: &Path, book: &Path, env: &[(&str, &str)]) -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        let log = book.join("serve.log");
        let child = mdbook(
            binary,
            book,
            &["serve", "--hostname", "127.0.0.1", "--port", &port.to_string()],
            env,
        )
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("spawn mdbook serve");
        Server { child, port, log }
    }

    /// Waits until `path` answers 200 with a body for which `ready` holds.
    pub(crate) fn wait_for(&self, path: &str, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some((200, body)) = http_get(self.port, path)
                && ready(&body)
            {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "{path}: {what} did not happen; mdbook serve said:\n{}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn mdbook_serve_serves_every_language_and_rebuilds_them_on_change() {
    let Some(binary) = mdbook_binary() else {
        return;
    };
    let book = TestBook::new("human-translations");
    // New text gets a pseudo translation, so that it shows in every language.
    book.replace("book.toml", "backend = \"cache\"", "backend = \"pseudo\"");
    let server = Server::start(&binary, book.path(), &[]);
    let en = server.wait_for("/introduction.html", "the source book", |b| {
        b.contains("<html lang=\"en\"")
    });
    assert!(
        en.contains("mdbook-translate-languages.js"),
        "the switcher is on the source pages"
    );
    for language in ["zh", "es"] {
        let page = server.wait_for(&format!("/{language}/introduction.html"), "the language book", |_| true);
        assert!(page.contains(&format!("<html lang=\"{language}\"")), "{language}");
        assert!(
            page.contains("mdbook-translate-languages.js"),
            "{language}: the switcher"
        );
    }
    assert!(
        server.wait_for("/zh/introduction.html", "", |_| true).contains("引言"),
        "the human translation"
    );

    // An edit is rebuilt into every language.
    let text = book.read("src/introduction.md");
    book.write(
        "src/introduction.md",
        &format!("{text}\nA sentence added while serving, with `served_marker_42` in it.\n"),
    );
    for language in ["zh", "es"] {
        let page = server.wait_for(&format!("/{language}/introduction.html"), "the rebuild", |b| {
            b.contains("served_marker_42")
        });
        assert!(
            !page.contains("A sentence added while serving"),
            "{language}: the new sentence is translated"
        );
    }
}

#[test]
fn mdbook_serve_previews_one_language() {
    let Some(binary) = mdbook_binary() else {
        return;
    };
    let book = TestBook::new("human-translations");
    let server = Server::start(&binary, book.path(), &[("MDBOOK_BOOK__LANGUAGE", "zh")]);
    let page = server.wait_for("/introduction.html", "the zh book", |b| b.contains("<html lang=\"zh\""));
    assert!(page.contains("引言"), "translated");
    assert!(
        http_get(server.port, "/es/introduction.html").is_none_or(|(status, _)| status == 404),
        "one language only"
    );
    // A new translation in the PO file is rebuilt into the preview
    // (the book watches po/ through `extra-watch-dirs`).
    book.replace("po/zh.po", "msgstr \"引言\"", "msgstr \"引言（预览）\"");
    server.wait_for("/introduction.html", "the rebuild", |b| b.contains("引言（预览）"));
}

/// Requests `paths` over and over until `done` holds for the body of the
/// first one; returns the statuses other than 200 seen meanwhile.
fn poll_until(server: &Server, paths: &[&str], done: impl Fn(&str) -> bool) -> Vec<(String, u16)> {
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut failures = Vec::new();
    loop {
        for path in paths {
            match http_get(server.port, path) {
                Some((200, body)) => {
                    if path == &paths[0] && done(&body) {
                        return failures;
                    }
                }
                Some((status, _)) => failures.push((path.to_string(), status)),
                None => failures.push((path.to_string(), 0)),
            }
        }
        assert!(
            Instant::now() < deadline,
            "the rebuild did not happen; mdbook serve said:\n{}",
            std::fs::read_to_string(&server.log).unwrap_or_default()
        );
    }
}

#[test]
fn under_mdbook_serve_no_page_is_ever_missing_while_every_language_is_rebuilt() {
    let Some(binary) = mdbook_binary() else {
        return;
    };
    // `[output.translate]` alone: the output renders the source book too.
    let book = TestBook::new("site");
    book.replace("book.toml", "[output.html]\n", "");
    let server = Server::start(&binary, book.path(), &[]);
    server.wait_for("/zh/sums/parity.html", "the first build", |b| {
        b.contains("<html lang=\"zh\"")
    });
    for round in 0..3 {
        let marker = format!("served_marker_{round}");
        let text = book.read("src/sums/parity.md");
        book.write(
            "src/sums/parity.md",
            &format!("{text}\nA sentence with `{marker}` in it.\n"),
        );
        let failures = poll_until(
            &server,
            &[
                "/zh/sums/parity.html",
                "/es/sums/parity.html",
                "/sums/parity.html",
                "/zh/index.html",
            ],
            |body| body.contains(&marker),
        );
        assert!(
            failures.is_empty(),
            "round {round}: pages missing while rebuilt: {failures:?}"
        );
    }
}

/// Waits until `check` passes (a process this tool started may still be
/// cleaning up after an mdBook process that failed), then runs it once more.
fn eventually(check: impl Fn() -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check() {
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn two_mdbook_builds_at_once_leave_no_half_written_language_and_no_stray_folder() {
    let Some(binary) = mdbook_binary() else {
        return;
    };
    let book = TestBook::new("site");
    Run::of(&mut mdbook(&binary, book.path(), &["build"], &[])).assert_success();
    let build_dir = book.path().join("book");
    let whole = crate::support::files_with_extension(&build_dir.join("html/zh"), "html");
    for round in 0..3 {
        book.replace(
            "src/sums.md",
            "",
            &format!("Round {round} of two mdbook builds at once.\n\n"),
        );
        let builds: Vec<Child> = (0..2)
            .map(|_| {
                mdbook(&binary, book.path(), &["build"], &[])
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("start mdbook build")
            })
            .collect();
        for build in builds {
            let output = build.wait_with_output().expect("mdbook build");
            let stderr = String::from_utf8_lossy(&output.stderr);
            // mdBook is not made for two builds of one book at once, with or
            // without this tool: its HTML output empties its folder while the
            // other build writes into it and may fail doing so, and it starts
            // each output in a folder of its own that the other build's
            // `translate` output may just have removed as empty. Nothing else
            // may fail, and what is left must be whole.
            assert!(
                output.status.success()
                    || stderr.contains("Unable to remove stale HTML output")
                    || stderr.contains("The command `mdbook-translate` wasn't found"),
                "{stderr}"
            );
        }
        let no_work_folders = || {
            std::fs::read_dir(&build_dir)
                .expect("the build folder")
                .flatten()
                .all(|entry| {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    !name.starts_with(".mdbook-translate") && name != "translate"
                })
        };
        eventually(no_work_folders, "work folders or `book/translate` are left");
        // A language folder is whole or absent, never half written.
        for language in ["zh", "es"] {
            let folder = build_dir.join("html").join(language);
            if folder.exists() {
                let pages = crate::support::files_with_extension(&folder, "html");
                assert_eq!(pages, whole, "{language} in round {round}");
            }
        }
    }
    Run::of(&mut mdbook(&binary, book.path(), &["build"], &[])).assert_success();
    assert_complete_site(&build_dir.join("html"));
    assert_no_work_folders(&build_dir);
}
