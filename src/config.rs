//! `[preprocessor.translate]` in book.toml → [`Config`].
//!
//! Every key is checked here, once, so that the rest of the pipeline can
//! trust its input. Errors name the key and list the accepted values.

use mdbook_preprocessor::config::Config as BookToml;
use regex::Regex;
use serde_json::{Map, Value};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The name of the preprocessor in book.toml (`[preprocessor.translate]`).
pub const PREPROCESSOR_NAME: &str = "translate";

/// The name of the output in book.toml (`[output.translate]`).
pub const OUTPUT_NAME: &str = "translate";

/// Keys that mdBook itself reads from every `[preprocessor.*]` table.
const MDBOOK_KEYS: &[&str] = &["command", "before", "after", "renderers", "optional"];

/// Keys of `[preprocessor.translate]` that this crate reads.
const OWN_KEYS: &[&str] = &[
    "languages",
    "source-language",
    "backend",
    "cache-dir",
    "fail-on-missing",
    "math",
    "do-not-translate",
    "lock-timeout",
    "po-dir",
];

/// Where translations come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// Returns the source text: the fidelity check.
    Identity,
    /// Deterministic pseudo-localisation, offline.
    Pseudo,
    /// Only what the store already holds; a miss keeps the source text.
    Cache,
}

impl BackendKind {
    /// Every accepted value of the `backend` key, as written in book.toml.
    pub const ACCEPTED: &'static [&'static str] = &["pseudo", "identity", "cache"];

    /// Parses the value of the `backend` key.
    pub fn parse(value: &str) -> Option<BackendKind> {
        match value {
            "identity" => Some(BackendKind::Identity),
            "pseudo" => Some(BackendKind::Pseudo),
            "cache" => Some(BackendKind::Cache),
            _ => None,
        }
    }

    /// The name used in book.toml and in messages.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Identity => "identity",
            BackendKind::Pseudo => "pseudo",
            BackendKind::Cache => "cache",
        }
    }
}

/// Which math notations the book uses; math is never translated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MathSyntax {
    /// MathJax delimiters as written in mdBook sources: `\\( \\)` and `\\[ \\]`.
    pub mathjax: bool,
    /// Dollar delimiters: `$ $` and `$$ $$`.
    pub dollar: bool,
}

/// The validated `[preprocessor.translate]` table.
#[derive(Debug, Clone)]
pub struct Config {
    /// Target languages, in the order given.
    pub languages: Vec<String>,
    /// The language the book is written in.
    pub source_language: String,
    /// Where translations come from.
    pub backend: BackendKind,
    /// Whether `backend` was given explicitly (otherwise the default applies).
    pub backend_explicit: bool,
    /// Folder of the sled store (absolute).
    pub cache_dir: PathBuf,
    /// With the cache backend: fail the build instead of keeping source text.
    pub fail_on_missing: bool,
    /// Math notations that are kept verbatim.
    pub math: MathSyntax,
    /// Text that must never be translated (each match becomes a placeholder).
    pub do_not_translate: Vec<Regex>,
    /// How long to wait for another process that holds the store.
    pub lock_timeout: Duration,
    /// Folder of human translations, `<lang>.po` (absolute).
    pub po_dir: PathBuf,
    /// Whether `po-dir` was given explicitly (a missing file is then reported).
    pub po_dir_explicit: bool,
    /// Whether mdBook's HTML output uses smart punctuation (affects heading ids).
    pub smart_punctuation: bool,
}

/// A key of `[preprocessor.translate]` (or of `[book]`) has a value we cannot use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The offending key, as written in book.toml.
    pub key: String,
    /// What is wrong and what is accepted.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "book.toml: `[preprocessor.{PREPROCESSOR_NAME}] {}`: {}",
            self.key, self.message
        )
    }
}

impl std::error::Error for ConfigError {}

fn error(key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        key: key.to_string(),
        message: message.into(),
    }
}

/// Whether `tag` looks like a BCP-47 language tag as Amazon Translate uses
/// them: a 2–3 letter primary subtag and optional 2–8 character subtags
/// (`zh`, `zh-TW`, `es-MX`, `pt-PT`).
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    primary_ok && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

impl Config {
    /// What the segmenter needs from the configuration.
    pub fn segment_options(&self) -> crate::segment::SegmentOptions {
        crate::segment::SegmentOptions {
            mathjax: self.math.mathjax,
            dollar_math: self.math.dollar,
            do_not_translate: self.do_not_translate.clone(),
            source_language: self.source_language.clone(),
            whole_segments: false,
        }
    }

    /// The language a build of `book` is for: `[book] language` as mdBook
    /// read it (`MDBOOK_BOOK__LANGUAGE=zh`), else the source language.
    pub fn target_language<'a>(&'a self, book: &'a BookToml) -> &'a str {
        book.book.language.as_deref().unwrap_or(&self.source_language)
    }

    /// Reads and validates `[preprocessor.translate]` from a loaded book
    /// configuration. `root` is the book's root folder; the source language
    /// comes from `source-language`, else from `[book] language` in the
    /// book.toml on disk (the configuration in memory may carry a target
    /// language set through `MDBOOK_BOOK__LANGUAGE`), else `en`.
    pub fn from_book(root: &Path, book: &BookToml) -> Result<Config, ConfigError> {
        let table: Map<String, Value> = book
            .get(&format!("preprocessor.{PREPROCESSOR_NAME}"))
            .map_err(|e| error("", format!("is not a table: {e:#}")))?
            .unwrap_or_default();
        let on_disk_language = BookToml::from_disk(root.join("book.toml"))
            .ok()
            .and_then(|c| c.book.language);
        let smart_punctuation = book
            .get::<bool>("output.html.smart-punctuation")
            .ok()
            .flatten()
            .unwrap_or(true);
        let katex = book.contains_key("preprocessor.katex");
        Config::from_table(
            &table,
            TableContext {
                root,
                on_disk_language: on_disk_language.as_deref(),
                katex,
                smart_punctuation,
            },
        )
    }

    /// Validates the table itself; see [`Config::from_book`].
    pub fn from_table(table: &Map<String, Value>, context: TableContext<'_>) -> Result<Config, ConfigError> {
        for key in table.keys() {
            if !OWN_KEYS.contains(&key.as_str()) && !MDBOOK_KEYS.contains(&key.as_str()) {
                return Err(error(
                    key,
                    format!(
                        "unknown key; accepted keys: {} (and mdBook's own {})",
                        OWN_KEYS.join(", "),
                        MDBOOK_KEYS.join(", ")
                    ),
                ));
            }
        }

        let languages = match table.get("languages") {
            None => Vec::new(),
            Some(value) => string_list(value, "languages")?,
        };
        for language in &languages {
            if !is_language_tag(language) {
                return Err(error(
                    "languages",
                    format!(
                        "`{language}` is not a language tag; use codes such as \"zh\", \"zh-TW\", \"es\", \"pt-PT\""
                    ),
                ));
            }
        }

        let source_language = match table.get("source-language") {
            Some(value) => {
                let tag = string(value, "source-language")?;
                if !is_language_tag(&tag) {
                    return Err(error(
                        "source-language",
                        format!("`{tag}` is not a language tag; use a code such as \"en\""),
                    ));
                }
                tag
            }
            None => context.on_disk_language.unwrap_or("en").to_string(),
        };
        for (index, language) in languages.iter().enumerate() {
            if languages[..index].contains(language) {
                return Err(error(
                    "languages",
                    format!("`{language}` is listed twice; list each language once"),
                ));
            }
            if language.eq_ignore_ascii_case(&source_language) {
                return Err(error(
                    "languages",
                    format!(
                        "`{language}` is the source language of the book; list only the languages to translate into"
                    ),
                ));
            }
        }

        let environment_backend = std::env::var("MDBOOK_TRANSLATE_BACKEND").ok();
        let (backend, backend_explicit) = match (environment_backend, table.get("backend")) {
            (Some(name), _) => (parse_backend(&name, "backend (from MDBOOK_TRANSLATE_BACKEND)")?, true),
            (None, Some(value)) => (parse_backend(&string(value, "backend")?, "backend")?, true),
            (None, None) => (BackendKind::Cache, false),
        };

        let cache_dir = match table.get("cache-dir") {
            Some(value) => {
                let path = PathBuf::from(string(value, "cache-dir")?);
                if path.is_absolute() {
                    path
                } else {
                    context.root.join(path)
                }
            }
            None => context.root.join(".translate-cache"),
        };
        if cache_dir.exists() && !cache_dir.is_dir() {
            return Err(error(
                "cache-dir",
                format!(
                    "{} exists and is not a folder; point cache-dir at a folder",
                    cache_dir.display()
                ),
            ));
        }

        let fail_on_missing = match table.get("fail-on-missing") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(error(
                    "fail-on-missing",
                    format!("expected true or false, found {other}"),
                ));
            }
        };

        let math = match table.get("math") {
            None => MathSyntax {
                mathjax: true,
                dollar: context.katex,
            },
            Some(value) => {
                let mut math = MathSyntax {
                    mathjax: false,
                    dollar: false,
                };
                for name in string_list(value, "math")? {
                    match name.as_str() {
                        "mathjax" => math.mathjax = true,
                        "dollar" => math.dollar = true,
                        other => {
                            return Err(error(
                                "math",
                                format!("unknown notation `{other}`; accepted values: \"mathjax\", \"dollar\""),
                            ));
                        }
                    }
                }
                math
            }
        };

        let do_not_translate = match table.get("do-not-translate") {
            None => Vec::new(),
            Some(value) => string_list(value, "do-not-translate")?
                .iter()
                .map(|pattern| {
                    Regex::new(pattern).map_err(|e| {
                        error(
                            "do-not-translate",
                            format!("`{pattern}` is not a valid regular expression: {e}"),
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        };

        let lock_timeout = match table.get("lock-timeout") {
            None => Duration::from_secs(30),
            Some(Value::Number(n)) if n.as_u64().is_some() => Duration::from_secs(n.as_u64().unwrap_or(30)),
            Some(other) => {
                return Err(error(
                    "lock-timeout",
                    format!("expected a whole number of seconds, found {other}"),
                ));
            }
        };

        let (po_dir, po_dir_explicit) = match table.get("po-dir") {
            Some(value) => {
                let path = PathBuf::from(string(value, "po-dir")?);
                (
                    if path.is_absolute() {
                        path
                    } else {
                        context.root.join(path)
                    },
                    true,
                )
            }
            None => (context.root.join("po"), false),
        };

        Ok(Config {
            languages,
            source_language,
            backend,
            backend_explicit,
            cache_dir,
            fail_on_missing,
            math,
            do_not_translate,
            lock_timeout,
            po_dir,
            po_dir_explicit,
            smart_punctuation: context.smart_punctuation,
        })
    }
}

/// What [`Config::from_table`] needs besides the table.
#[derive(Debug, Clone, Copy)]
pub struct TableContext<'a> {
    /// The book's root folder (relative `cache-dir` values are resolved against it).
    pub root: &'a Path,
    /// `[book] language` as written in book.toml on disk.
    pub on_disk_language: Option<&'a str>,
    /// Whether book.toml enables a KaTeX preprocessor (dollar math on by default).
    pub katex: bool,
    /// Whether the HTML output uses smart punctuation.
    pub smart_punctuation: bool,
}

fn parse_backend(name: &str, key: &str) -> Result<BackendKind, ConfigError> {
    BackendKind::parse(name).ok_or_else(|| {
        let hint = if name == "aws" {
            " (the aws backend is not part of this version)"
        } else {
            ""
        };
        error(
            key,
            format!(
                "unknown backend `{name}`{hint}; accepted values: {}",
                BackendKind::ACCEPTED.join(", ")
            ),
        )
    })
}

fn string(value: &Value, key: &str) -> Result<String, ConfigError> {
    match value {
        Value::String(s) => Ok(s.clone()),
        other => Err(error(key, format!("expected a string, found {other}"))),
    }
}

fn string_list(value: &Value, key: &str) -> Result<Vec<String>, ConfigError> {
    match value {
        Value::Array(items) => items.iter().map(|item| string(item, key)).collect(),
        other => Err(error(key, format!("expected a list of strings, found {other}"))),
    }
}

#[cfg(test)]
mod tests;
