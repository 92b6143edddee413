//! The books measured: the corpus books, the D2L chapters made into an
//! mdBook, generated books, or any mdBook folder; each copied into a temp
//! dir as a plain mdBook (no translate tables), from which every benchmark
//! makes the variants it needs.

pub use crate::book_files::copy_tree;
use crate::book_files::{without_translate_tables, write_d2l_book};
use mdbook_driver::MDBook;
use mdbook_driver::builtin_preprocessors::LinkPreprocessor;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use mdbook_translate::collect::{BookTexts, collect_book};
use mdbook_translate::config::Config;
use mdbook_translate::pipeline::lookup::WantedUnits;
use mdbook_translate::store::Languages;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// A book to measure, as named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookSpec {
    /// `guide`: the mdBook guide of the corpora.
    Guide,
    /// `d2l`: the five English D2L chapters of the corpora, as one mdBook with dollar math.
    D2l,
    /// `large[:CHAPTERS]`: a generated book of CHAPTERS chapters (default 2,000)
    /// of about 105 units each.
    Large(usize),
    /// `sentences[:UNITS]`: UNITS short sentences, two a paragraph, a code span
    /// in every other one (the cold-translation book of earlier measurements).
    Sentences(usize),
    /// Any other argument: the mdBook in that folder.
    Path(PathBuf),
}

impl FromStr for BookSpec {
    type Err = String;

    fn from_str(spec: &str) -> Result<BookSpec, String> {
        let (name, count) = match spec.split_once(':') {
            Some((name, count)) => (name, Some(count)),
            None => (spec, None),
        };
        let count = |default: usize| -> Result<usize, String> {
            count.map_or(Ok(default), |c| {
                c.parse()
                    .map_err(|_| format!("`{spec}`: `{c}` is not a number (write `{name}:NUMBER`)"))
            })
        };
        Ok(match name {
            "guide" => BookSpec::Guide,
            "d2l" => BookSpec::D2l,
            "large" => BookSpec::Large(count(2000)?),
            "sentences" => BookSpec::Sentences(count(5000)?),
            _ if Path::new(spec).join("book.toml").is_file() => BookSpec::Path(PathBuf::from(spec)),
            _ => {
                return Err(format!(
                    "`{spec}` is neither guide, d2l, large[:CHAPTERS], sentences[:UNITS] nor a folder with a book.toml"
                ));
            }
        })
    }
}

impl fmt::Display for BookSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BookSpec::Guide => write!(f, "mdBook guide"),
            BookSpec::D2l => write!(f, "D2L (5 chapters)"),
            BookSpec::Large(chapters) => write!(f, "generated, {chapters} chapters"),
            BookSpec::Sentences(units) => write!(f, "generated, {units} short sentences"),
            BookSpec::Path(path) => write!(f, "{}", path.display()),
        }
    }
}

/// A new temp dir; kept after the run (and named on stderr) when
/// `BENCH_KEEP` is set, to look into or profile what was measured.
pub fn temp_dir() -> tempfile::TempDir {
    let keep = std::env::var_os("BENCH_KEEP").is_some();
    let dir = tempfile::Builder::new()
        .prefix("bench-")
        .disable_cleanup(keep)
        .tempdir()
        .expect("a temp dir");
    if keep {
        eprintln!("kept: {}", dir.path().display());
    }
    dir
}

/// The folder of the shared corpora.
fn corpora() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora")
}

/// A plain copy of a book in a temp dir, and the `[preprocessor.translate]`
/// keys the book needs besides languages and backend (math syntax).
pub struct PlainBook {
    pub spec: BookSpec,
    pub dir: tempfile::TempDir,
    pub translate_keys: String,
}

impl PlainBook {
    /// Writes the book `spec` into a new temp dir.
    pub fn prepare(spec: &BookSpec) -> PlainBook {
        let dir = temp_dir();
        let mut translate_keys = String::new();
        match spec {
            BookSpec::Guide => copy_tree(&corpora().join("mdbook-guide"), dir.path()),
            BookSpec::Path(path) => copy_tree(path, dir.path()),
            BookSpec::D2l => {
                let chapters = corpora().join("d2l/en");
                let toml = "[book]\ntitle = \"D2L\"\nlanguage = \"en\"\n";
                write_d2l_book(&chapters, dir.path(), toml)
                    .unwrap_or_else(|| panic!("{} cannot be read", chapters.display()));
                translate_keys.push_str("math = [\"mathjax\", \"dollar\"]\n");
            }
            BookSpec::Large(chapters) => crate::generate::write_large_book(dir.path(), *chapters),
            BookSpec::Sentences(units) => crate::generate::write_sentences_book(dir.path(), *units),
        }
        let toml = std::fs::read_to_string(dir.path().join("book.toml")).expect("book.toml");
        std::fs::write(dir.path().join("book.toml"), without_translate_tables(&toml)).expect("write book.toml");
        PlainBook {
            spec: spec.clone(),
            dir,
            translate_keys,
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A copy of the book with `extra` appended to its book.toml.
    pub fn variant(&self, extra: &str) -> tempfile::TempDir {
        let dir = temp_dir();
        copy_tree(self.root(), dir.path());
        append_toml(dir.path(), extra);
        dir
    }

    /// `[preprocessor.translate]` for `languages` with `backend` and `keys`.
    pub fn translate_table(&self, languages: &[&str], backend: &str, keys: &str) -> String {
        let languages: Vec<String> = languages.iter().map(|l| format!("{l:?}")).collect();
        format!(
            "\n[preprocessor.translate]\nafter = [\"links\"]\nlanguages = [{}]\nbackend = \"{backend}\"\n{}{keys}",
            languages.join(", "),
            self.translate_keys
        )
    }
}

/// Appends `extra` to the book.toml in `root`.
pub fn append_toml(root: &Path, extra: &str) {
    let path = root.join("book.toml");
    let toml = std::fs::read_to_string(&path).expect("book.toml");
    std::fs::write(&path, format!("{toml}\n{extra}\n")).expect("write book.toml");
}

/// What a book holds, as the preprocessor sees it (links expanded).
pub struct BookFacts {
    pub chapters: usize,
    pub markdown_bytes: usize,
    /// Translatable units, with repeats.
    pub units: usize,
    /// Distinct units.
    pub distinct: usize,
    /// Tagged text of every distinct unit.
    pub tagged: Vec<String>,
}

impl BookFacts {
    /// Reads the book in `root` (its book.toml must have `[preprocessor.translate]`).
    pub fn of(root: &Path) -> BookFacts {
        let mdbook = MDBook::load(root).expect("load the book");
        let config = Config::from_book(root, &mdbook.config).expect("the translate configuration");
        let ctx = PreprocessorContext::new(mdbook.root.clone(), mdbook.config.clone(), "html".to_string());
        let book = LinkPreprocessor::new().run(&ctx, mdbook.book.clone()).expect("links");
        let collected = collect_book(
            &book,
            &BookTexts::of_book_toml(&mdbook.config),
            &config.segment_options(),
        );
        let target = config.languages.first().expect("a target language");
        let wanted = WantedUnits::of_book(
            &collected,
            Languages {
                source: &config.source_language,
                target,
            },
        );
        BookFacts {
            chapters: collected.chapters().count(),
            markdown_bytes: book.chapters().map(|c| c.content.len()).sum(),
            units: wanted.n_uses,
            distinct: wanted.units.len(),
            tagged: wanted.units.into_iter().map(|u| u.tagged).collect(),
        }
    }
}

impl fmt::Display for BookFacts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} chapters, {} bytes of markdown, {} units ({} distinct)",
            self.chapters,
            group(self.markdown_bytes as u64),
            group(self.units as u64),
            group(self.distinct as u64)
        )
    }
}

/// `1234567` as `1,234,567`.
pub fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
