//! Shared helpers: test books in temp dirs, in-process mdBook builds.

use crate::book_files::copy_tree;
pub use crate::book_files::without_translate_tables;
use mdbook_driver::MDBook;
use mdbook_translate::preprocessor::TranslatePreprocessor;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The project's root folder.
pub fn project_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// mdBooks to test against: the example, every corpus mdBook that is
/// present, and the D2L chapters (d2lbook markdown) made into an mdBook.
pub fn fidelity_books() -> Vec<PathBuf> {
    let mut books = vec![project_dir().join("book-example")];
    let corpora = project_dir().join("../shared/corpora");
    match std::fs::read_dir(&corpora) {
        Ok(entries) => {
            let mut found: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.join("book.toml").exists())
                .collect();
            found.sort();
            books.extend(found);
        }
        Err(_) => eprintln!("note: {} is absent; testing the example book only", corpora.display()),
    }
    books.extend(D2L_BOOK.clone());
    books
}

/// The English D2L chapters of the corpus as an mdBook with dollar math,
/// written once per test run under the target's temp folder.
static D2L_BOOK: std::sync::LazyLock<Option<PathBuf>> = std::sync::LazyLock::new(|| {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("d2l-book");
    // Left by an earlier run: written again from the corpus.
    let _ = std::fs::remove_dir_all(&root);
    crate::book_files::write_d2l_book(
        &project_dir().join("../shared/corpora/d2l/en"),
        &root,
        "[book]\ntitle = \"D2L\"\nlanguage = \"en\"\n\n[preprocessor.translate]\nmath = [\"mathjax\", \"dollar\"]\n",
    )?;
    Some(root)
});

/// Copies a book (without its build output and store) into a temp dir.
pub fn copy_book(source: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(source, dir.path());
    dir
}

/// Copies a book without its human translations (`po/`), for tests of the
/// machine pipeline.
pub fn copy_book_without_translations(source: &Path) -> tempfile::TempDir {
    let dir = copy_book(source);
    let po = dir.path().join("po");
    if po.exists() {
        std::fs::remove_dir_all(&po).expect("remove po");
    }
    dir
}

/// Writes book.toml: the original without the translate tables, plus `extra`.
pub fn write_book_toml(book: &Path, original: &str, extra: &str) {
    let toml = format!("{}\n{extra}\n", without_translate_tables(original));
    std::fs::write(book.join("book.toml"), toml).expect("write book.toml");
}

/// Builds the book in-process for `language` (or its own language) into `out`.
pub fn build_book(book: &Path, language: Option<&str>, out: &Path) -> anyhow::Result<()> {
    let mut mdbook = MDBook::load(book)?;
    if let Some(language) = language {
        mdbook.config.set("book.language", language)?;
    }
    mdbook.config.build.build_dir = out.to_path_buf();
    let mut mdbook = MDBook::load_with_config(book, mdbook.config)?;
    mdbook.with_preprocessor(TranslatePreprocessor::new());
    mdbook.build()
}

/// Every file under `dir` with extension `ext`, as paths relative to `dir`, sorted.
pub fn files_with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .map(|entry| entry.expect("read dir"))
        .filter(|entry| entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == ext))
        .map(|entry| entry.path().strip_prefix(dir).expect("under dir").to_path_buf())
        .collect();
    found.sort();
    found
}

/// An HTTP client for loopback servers: statuses are answers, not errors.
pub fn http_agent(timeout: std::time::Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .into()
}

/// `GET path` from 127.0.0.1:port: the status and the body, or `None` when
/// nothing answers.
pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut response = http_agent(std::time::Duration::from_secs(30))
        .get(&format!("http://127.0.0.1:{port}{path}"))
        .call()
        .ok()?;
    let body = response.body_mut().read_to_string().ok()?;
    Some((response.status().as_u16(), body))
}

/// A test book copied into a temp dir, as mdBook's test suite does: one of
/// the small books under `tests/books/<case>/`, each the smallest book that
/// shows its case, or the example.
pub struct TestBook {
    dir: tempfile::TempDir,
}

impl TestBook {
    /// A copy of `tests/books/<case>/`.
    pub fn new(case: &str) -> TestBook {
        let source = project_dir().join("tests/books").join(case);
        assert!(
            source.join("book.toml").is_file(),
            "{}: no such test book",
            source.display()
        );
        TestBook {
            dir: copy_book(&source),
        }
    }

    /// A copy of the book in `source` (a corpus book).
    pub fn copy_of(source: &Path) -> TestBook {
        TestBook { dir: copy_book(source) }
    }

    /// A copy of the example book, for tests that want a real book.
    pub fn example() -> TestBook {
        TestBook {
            dir: copy_book(&project_dir().join("book-example")),
        }
    }

    /// The book's root folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The text of `file`, relative to the book's root.
    pub fn read(&self, file: &str) -> String {
        let path = self.path().join(file);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Writes `file`, relative to the book's root, creating its folder.
    pub fn write(&self, file: &str, text: &str) -> &TestBook {
        let path = self.path().join(file);
        std::fs::create_dir_all(path.parent().expect("a file in a folder")).expect("create the folder");
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        self
    }

    /// Replaces the first `from` in `file` with `to`; panics when `from` is
    /// not there, so that an edit of the book can never turn a test into one
    /// that tests nothing.
    pub fn replace(&self, file: &str, from: &str, to: &str) -> &TestBook {
        let text = self.read(file);
        assert!(text.contains(from), "{file} has no `{from}`");
        self.write(file, &text.replacen(from, to, 1))
    }

    /// This crate's binary with `args`, then the book's path.
    pub fn command(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_mdbook-translate"));
        command.args(args).arg(self.path());
        command
    }

    /// Runs [`TestBook::command`].
    pub fn run(&self, args: &[&str]) -> Run {
        Run::of(&mut self.command(args))
    }
}

/// How a run of the binary ended and what it said on stderr.
#[derive(Debug)]
pub struct Run {
    /// Whether it exited with status 0.
    pub success: bool,
    /// What it wrote to stderr.
    pub stderr: String,
}

impl Run {
    /// Runs `command` to its end.
    pub fn of(command: &mut std::process::Command) -> Run {
        let output = command.output().expect("run the binary");
        Run {
            success: output.status.success(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Panics with stderr unless the run succeeded.
    #[track_caller]
    pub fn assert_success(self) -> Run {
        assert!(self.success, "the run failed:\n{}", self.stderr);
        self
    }

    /// Panics unless the run failed and stderr says `message`.
    #[track_caller]
    pub fn assert_failure_saying(self, message: &str) -> Run {
        assert!(!self.success, "the run succeeded:\n{}", self.stderr);
        assert!(self.stderr.contains(message), "no `{message}` in:\n{}", self.stderr);
        self
    }

    /// The one-line summary of the run for `language`, parsed.
    #[track_caller]
    pub fn summary(&self, language: &str) -> Summary {
        parse_summary(&self.stderr, language)
    }

    /// The report of the import of `language`'s PO file, parsed, if the run imported one.
    #[track_caller]
    pub fn import(&self, language: &str) -> Option<Import> {
        let pattern = regex::Regex::new(&format!(
            r"(?m)^mdbook-translate: {}: (\d+) human translations imported from .* \(\d+ machine, (\d+) untranslated, (\d+) fuzzy, (\d+) no longer in the book, (\d+) refused, .*\)$",
            regex::escape(language)
        ))
        .expect("a valid pattern");
        let found = pattern.captures(&self.stderr)?;
        let number = |i: usize| found[i].parse().expect("a number");
        Some(Import {
            n_imported: number(1),
            n_untranslated: number(2),
            n_fuzzy: number(3),
            n_obsolete: number(4),
            n_refused: number(5),
        })
    }
}

/// The one-line summary for `language` (the `Display` of `RunSummary`) in
/// `stderr`, parsed; panics unless there is exactly one.
#[track_caller]
pub fn parse_summary(stderr: &str, language: &str) -> Summary {
    let pattern = regex::Regex::new(&format!(
        r"(?m)^mdbook-translate: {}: (\d+) units \((\d+) distinct\), (\d+) translated in this run \(([^)]*)\): (.*?)(\d+) missing(?:, (\d+) failed validation)?",
        regex::escape(language)
    ))
    .expect("a valid pattern");
    let found: Vec<_> = pattern.captures_iter(stderr).collect();
    assert_eq!(found.len(), 1, "one summary for {language} in:\n{stderr}");
    let number = |i: usize| found[0].get(i).map_or(0, |m| m.as_str().parse().expect("a number"));
    let origins = &found[0][5];
    let origin = |name: &str| {
        regex::Regex::new(&format!(r"(?:^|, )(\d+) {name}\b"))
            .expect("a valid pattern")
            .captures(origins)
            .map_or(0, |m| m[1].parse().expect("a number"))
    };
    let (n_distinct, n_translated, n_missing) = (number(2), number(3), number(6));
    Summary {
        n_units: number(1),
        n_distinct,
        n_from_store: n_distinct - n_translated - n_missing,
        n_translated,
        backend: found[0][4].to_string(),
        n_human: origin("human"),
        n_machine: origin("machine"),
        n_pseudo: origin("pseudo"),
        n_missing,
        n_failed: number(7),
    }
}

/// A run's one-line summary for one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub n_units: usize,
    pub n_distinct: usize,
    /// Distinct units neither translated in this run nor missing.
    pub n_from_store: usize,
    pub n_translated: usize,
    pub backend: String,
    pub n_human: usize,
    pub n_machine: usize,
    pub n_pseudo: usize,
    pub n_missing: usize,
    pub n_failed: usize,
}

impl Summary {
    /// Panics unless every distinct unit came from the store.
    #[track_caller]
    pub fn assert_all_from_store(&self) {
        assert!(self.n_distinct > 0, "{self:?}");
        assert_eq!(
            (self.n_from_store, self.n_translated, self.n_missing),
            (self.n_distinct, 0, 0),
            "{self:?}"
        );
    }
}

/// A run's report of one PO import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub n_imported: usize,
    pub n_untranslated: usize,
    pub n_fuzzy: usize,
    pub n_obsolete: usize,
    pub n_refused: usize,
}

/// The number of entries of a PO file, without its header.
pub fn po_entry_count(po: &str) -> usize {
    po.lines().filter(|line| line.starts_with("msgid ")).count() - 1
}

/// What a reader sees of an HTML page, one line each: its title, its
/// description and its `<main>`, icons left out; for snapshots.
pub fn visible_texts(html: &str) -> String {
    let head = regex::Regex::new(r#"<title>.*</title>|<meta name="description" [^>]*>"#).expect("valid");
    let main = regex::Regex::new(r"(?s)<main>(.*)</main>").expect("valid");
    let icon = regex::Regex::new(r"(?s)<svg.*?</svg>").expect("valid");
    let main = main.captures(html).expect("a <main>");
    let main = icon.replace_all(&main[1], "");
    let lines: Vec<&str> = head
        .find_iter(html)
        .map(|m| m.as_str())
        .chain(main.lines().map(str::trim).filter(|line| !line.is_empty()))
        .collect();
    lines.join("\n")
}

/// Removes every `AWS_*` and `MDBOOK_*` variable of this process from
/// `command`, so that nothing of the user's own AWS or mdBook set-up reaches it.
pub fn without_aws_and_mdbook_variables(command: &mut Command) -> &mut Command {
    for (name, _) in std::env::vars() {
        if name.starts_with("AWS_") || name.starts_with("MDBOOK_") {
            command.env_remove(name);
        }
    }
    command
}

/// The binary with credentials (`secret_key`), a region and `endpoint` (the
/// emulator), `home` as its home folder, and nothing from the user's own
/// AWS or mdBook set-up.
pub fn aws_binary(endpoint: &str, home: &Path, secret_key: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mdbook-translate"));
    without_aws_and_mdbook_variables(&mut command)
        .env("HOME", home)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", secret_key)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(std::process::Stdio::null());
    command
}
