//! `[preprocessor.translate]` in book.toml → [`Config`].
//!
//! The table is read in two steps: serde turns it into the keys as written
//! (kebab-case, unknown keys rejected, every value of the right type and
//! every language tag parsed), then [`Config::from_table`] checks what a
//! type cannot say (a language listed twice, a regular expression that does
//! not compile) and fills in the defaults. The environment variables that
//! change the configuration are read in one place, [`Environment`], so that
//! an error names the variable a bad value came from. Errors name the key
//! and list the accepted values.

use crate::language::{LanguageTag, join_languages};
use mdbook_preprocessor::config::Config as BookToml;
use regex::Regex;
use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The name of the preprocessor in book.toml (`[preprocessor.translate]`).
pub const PREPROCESSOR_NAME: &str = "translate";

/// The name of the output in book.toml (`[output.translate]`).
pub const OUTPUT_NAME: &str = "translate";

/// The variable that chooses the backend over book.toml.
pub const BACKEND_VARIABLE: &str = "MDBOOK_TRANSLATE_BACKEND";

/// Where translations come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename_all = "lowercase",
    expecting = "a backend name: \"cache\", \"pseudo\", \"identity\" or \"aws\""
)]
pub enum BackendKind {
    /// Returns the source text: the fidelity check.
    Identity,
    /// Deterministic pseudo-localisation, offline.
    Pseudo,
    /// Only what the store already holds; a miss keeps the source text.
    Cache,
    /// Amazon Translate.
    Aws,
}

impl BackendKind {
    /// The name used in book.toml and in messages.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Identity => "identity",
            BackendKind::Pseudo => "pseudo",
            BackendKind::Cache => "cache",
            BackendKind::Aws => "aws",
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

/// A value of the `math` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase", expecting = "a math notation: \"mathjax\" or \"dollar\"")]
enum MathNotation {
    Mathjax,
    Dollar,
}

/// The register Amazon Translate writes in (`formality`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", expecting = "\"formal\" or \"informal\"")]
pub enum Formality {
    /// Formal address.
    Formal,
    /// Informal address.
    Informal,
}

/// What Amazon Translate does with profane words (`profanity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", expecting = "\"mask\"")]
pub enum Profanity {
    /// Replaced by `?$#@$`.
    Mask,
}

/// The validated `[preprocessor.translate]` table.
#[derive(Debug, Clone)]
pub struct Config {
    /// Target languages, in the order given.
    pub languages: Vec<LanguageTag>,
    /// The language the book is written in.
    pub source_language: LanguageTag,
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
    /// Whether e-mail addresses in the text are kept as they are (URLs always are).
    pub keep_email_addresses: bool,
    /// How long to wait for another process that holds the store.
    pub lock_timeout: Duration,
    /// Folder of human translations, `<lang>.po` (absolute): `po-dir`, else
    /// `[preprocessor.gettext] po-dir` (mdbook-i18n-helpers), else `po`.
    pub po_dir: PathBuf,
    /// Whether `po-dir` was given explicitly (a missing file is then reported).
    pub po_dir_explicit: bool,
    /// Whether mdBook's HTML output uses smart punctuation (affects heading ids).
    pub smart_punctuation: bool,
    /// Amazon Translate custom terminologies applied to every request, by name.
    pub terminology: Vec<String>,
    /// The register Amazon Translate writes in, where the language has one.
    pub formality: Option<Formality>,
    /// Whether Amazon Translate masks profane words.
    pub profanity: Option<Profanity>,
    /// Requests to Amazon Translate in flight at most.
    pub max_concurrency: usize,
    /// How long one request to Amazon Translate may take.
    pub timeout: Duration,
    /// Parallel data resources given to batch jobs, by name.
    pub parallel_data: Vec<String>,
    /// Where batch jobs read and write: `batch-s3 = "s3://bucket/prefix"`.
    pub batch_s3: Option<S3Location>,
    /// The IAM role Amazon Translate assumes to read and write `batch-s3`.
    pub data_access_role_arn: Option<String>,
    /// The switcher's label of a language, where book.toml sets one
    /// (`language-labels`), by canonical language code.
    pub language_labels: BTreeMap<String, String>,
    /// mdBook's interface texts that book.toml sets for a language
    /// (`[preprocessor.translate.interface.<lang>]`), by canonical language
    /// code, then by the text's id.
    pub interface: BTreeMap<String, BTreeMap<String, String>>,
    /// The variable that set `[book] language`, if one did.
    book_language_variable: Option<String>,
}

/// A key of `[preprocessor.translate]` (or of `[book]`) has a value we cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", self.place())]
pub struct ConfigError {
    /// The table of the key, as in book.toml: `preprocessor.translate` or `book`.
    pub table: String,
    /// The offending key, as written in book.toml (empty for the table itself).
    pub key: String,
    /// The environment variable the value came from, if not from book.toml.
    pub variable: Option<String>,
    /// What is wrong and what is accepted.
    pub message: String,
}

impl ConfigError {
    /// Where the bad value was written: book.toml's key, or the variable
    /// and the key it sets.
    fn place(&self) -> String {
        let key = if self.key.is_empty() {
            format!("[{}]", self.table)
        } else {
            format!("[{}] {}", self.table, self.key)
        };
        match &self.variable {
            Some(variable) => format!("{variable} (`{key}`)"),
            None => format!("book.toml: `{key}`"),
        }
    }
}

/// The environment variables that change the configuration, read once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// `MDBOOK_TRANSLATE_BACKEND`: the backend, over book.toml.
    pub backend: Option<String>,
    /// mdBook's overrides, `MDBOOK_<KEY>`: each variable's name and the
    /// dotted key mdBook sets from it (`MDBOOK_BOOK__LANGUAGE` sets
    /// `book.language`).
    pub mdbook_overrides: Vec<(String, String)>,
}

impl Environment {
    /// The variables of this process.
    pub fn from_process() -> Environment {
        Environment::from_variables(std::env::vars())
    }

    /// The variables among `variables` (name, value) that change the configuration.
    pub fn from_variables(variables: impl IntoIterator<Item = (String, String)>) -> Environment {
        let mut environment = Environment::default();
        for (name, value) in variables {
            if name == BACKEND_VARIABLE {
                environment.backend = Some(value);
            } else if let Some(rest) = name.strip_prefix("MDBOOK_") {
                // mdBook's own rule: `__` separates keys, `_` is a dash.
                let key = rest.to_lowercase().replace("__", ".").replace('_', "-");
                environment.mdbook_overrides.push((name, key));
            }
        }
        environment
    }

    /// The variable that set the dotted `key` (itself or a table around it), if any.
    fn variable_for(&self, key: &str) -> Option<&str> {
        self.mdbook_overrides
            .iter()
            .filter(|(_, set)| key == set || key.strip_prefix(set.as_str()).is_some_and(|rest| rest.starts_with('.')))
            .max_by_key(|(_, set)| set.len())
            .map(|(name, _)| name.as_str())
    }

    /// An error about `key` of `[preprocessor.translate]`.
    fn error(&self, key: &str, message: impl Into<String>) -> ConfigError {
        let table = format!("preprocessor.{PREPROCESSOR_NAME}");
        let dotted = if key.is_empty() {
            table.clone()
        } else {
            format!("{table}.{key}")
        };
        ConfigError {
            variable: self.variable_for(&dotted).map(str::to_string),
            table,
            key: key.to_string(),
            message: message.into(),
        }
    }
}

/// An error about `[book] language`, whose value came from `variable` or book.toml.
fn book_language_error(variable: Option<&str>, message: impl Into<String>) -> ConfigError {
    ConfigError {
        table: "book".to_string(),
        key: "language".to_string(),
        variable: variable.map(str::to_string),
        message: message.into(),
    }
}

/// `[preprocessor.translate]` as written, before validation.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Keys {
    #[serde(default)]
    languages: List<LanguageTag>,
    source_language: Option<LanguageTag>,
    backend: Option<BackendKind>,
    cache_dir: Option<PathBuf>,
    #[serde(default)]
    fail_on_missing: bool,
    math: Option<List<MathNotation>>,
    #[serde(default)]
    do_not_translate: List<String>,
    keep_email_addresses: Option<bool>,
    lock_timeout: Option<Seconds>,
    po_dir: Option<PathBuf>,
    #[serde(default)]
    terminology: List<String>,
    formality: Option<Formality>,
    profanity: Option<Profanity>,
    max_concurrency: Option<WholeNumber>,
    timeout: Option<Seconds>,
    #[serde(default)]
    parallel_data: List<String>,
    batch_s3: Option<String>,
    data_access_role_arn: Option<String>,
    #[serde(default)]
    language_labels: BTreeMap<LanguageTag, String>,
    #[serde(default)]
    interface: BTreeMap<LanguageTag, BTreeMap<String, String>>,
    // The keys mdBook itself reads from every `[preprocessor.*]` table.
    #[serde(rename = "command")]
    _command: Option<IgnoredAny>,
    #[serde(rename = "before")]
    _before: Option<IgnoredAny>,
    #[serde(rename = "after")]
    _after: Option<IgnoredAny>,
    #[serde(rename = "renderers")]
    _renderers: Option<IgnoredAny>,
    #[serde(rename = "optional")]
    _optional: Option<IgnoredAny>,
}

/// A list of values, `expecting` "a list of strings" in messages.
#[derive(Debug)]
struct List<T>(Vec<T>);

impl<T> Default for List<T> {
    fn default() -> List<T> {
        List(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<List<T>, D::Error> {
        struct ListVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of strings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(List(items))
            }
        }
        deserializer.deserialize_seq(ListVisitor(PhantomData))
    }
}

/// A whole number of seconds.
#[derive(Debug, Clone, Copy)]
struct Seconds(u64);

/// A whole number.
#[derive(Debug, Clone, Copy)]
struct WholeNumber(u64);

/// Reads a whole number; `expecting` is what messages call it.
struct WholeNumberVisitor(&'static str);

impl Visitor<'_> for WholeNumberVisitor {
    type Value = u64;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<u64, E> {
        Ok(value)
    }
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<u64, E> {
        u64::try_from(value).map_err(|_| E::invalid_value(de::Unexpected::Signed(value), &self))
    }
}

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Seconds, D::Error> {
        deserializer
            .deserialize_u64(WholeNumberVisitor("a whole number of seconds"))
            .map(Seconds)
    }
}

impl<'de> Deserialize<'de> for WholeNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<WholeNumber, D::Error> {
        deserializer
            .deserialize_u64(WholeNumberVisitor("a whole number"))
            .map(WholeNumber)
    }
}

/// Deserializes `table`; an error names the key (the first part of its path).
fn read_keys(table: &Map<String, Value>, environment: &Environment) -> Result<Keys, ConfigError> {
    serde_path_to_error::deserialize(Value::Object(table.clone())).map_err(|error| {
        let key = match error.path().iter().next() {
            Some(serde_path_to_error::Segment::Map { key }) => key.clone(),
            _ => String::new(),
        };
        environment.error(&key, error.into_inner().to_string())
    })
}

impl Config {
    /// What the segmenter needs from the configuration.
    pub fn segment_options(&self) -> crate::segment::SegmentOptions {
        crate::segment::SegmentOptions {
            mathjax: self.math.mathjax,
            dollar_math: self.math.dollar,
            do_not_translate: self.do_not_translate.clone(),
            keep_email_addresses: self.keep_email_addresses,
            source_language: self.source_language.clone(),
            whole_segments: false,
        }
    }

    /// The target languages among `asked`, in the order book.toml lists
    /// them; the source language may be asked for (it has nothing to
    /// translate), any other language the book does not list is an error.
    pub fn select_languages(&self, asked: &[LanguageTag]) -> Result<Vec<&LanguageTag>, ConfigError> {
        if let Some(unknown) = asked
            .iter()
            .find(|language| **language != self.source_language && !self.languages.contains(language))
        {
            let listed = if self.languages.is_empty() {
                "none".to_string()
            } else {
                join_languages(&self.languages)
            };
            return Err(ConfigError {
                table: format!("preprocessor.{PREPROCESSOR_NAME}"),
                key: "languages".to_string(),
                variable: None,
                message: format!("`{unknown}` is not a language of this book: the list is {listed}"),
            });
        }
        Ok(self
            .languages
            .iter()
            .filter(|language| asked.contains(language))
            .collect())
    }

    /// The language a build of `book` is for: `[book] language` as mdBook
    /// read it (`MDBOOK_BOOK__LANGUAGE=zh`), else the source language.
    pub fn target_language(&self, book: &BookToml) -> Result<LanguageTag, ConfigError> {
        match book.book.language.as_deref() {
            None => Ok(self.source_language.clone()),
            Some(written) => LanguageTag::parse(written)
                .map_err(|error| book_language_error(self.book_language_variable.as_deref(), error.to_string())),
        }
    }

    /// Reads and validates `[preprocessor.translate]` from a loaded book
    /// configuration, with the variables of this process. `root` is the
    /// book's root folder; the source language comes from
    /// `source-language`, else from `[book] language` in the book.toml on
    /// disk (the configuration in memory may carry a target language set
    /// through `MDBOOK_BOOK__LANGUAGE`), else `en`.
    pub fn from_book(root: &Path, book: &BookToml) -> Result<Config, ConfigError> {
        let environment = Environment::from_process();
        let table: Map<String, Value> = book
            .get(&format!("preprocessor.{PREPROCESSOR_NAME}"))
            .map_err(|e| environment.error("", format!("is not a table: {e:#}")))?
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
        let gettext_po_dir = book
            .get::<PathBuf>("preprocessor.gettext.po-dir")
            .map_err(|e| ConfigError {
                table: "preprocessor.gettext".to_string(),
                key: "po-dir".to_string(),
                variable: None,
                message: format!("is not a path: {e:#}"),
            })?;
        let config = Config::from_table(
            &table,
            TableContext {
                root,
                on_disk_language: on_disk_language.as_deref(),
                katex,
                smart_punctuation,
                gettext_po_dir: gettext_po_dir.as_deref(),
                environment: &environment,
            },
        )?;
        check_cache_dir_place(&config.cache_dir, root, book, &environment)?;
        Ok(config)
    }

    /// Validates the table itself; see [`Config::from_book`].
    pub fn from_table(table: &Map<String, Value>, context: TableContext<'_>) -> Result<Config, ConfigError> {
        let environment = context.environment;
        let keys = read_keys(table, environment)?;
        let aws = AwsSettings::check(&keys, environment)?;
        let source_language = match keys.source_language.clone() {
            Some(tag) => tag,
            None => match context.on_disk_language {
                Some(written) => LanguageTag::parse(written).map_err(|error| {
                    book_language_error(
                        None,
                        format!("{error}; or set `source-language` under [preprocessor.{PREPROCESSOR_NAME}]"),
                    )
                })?,
                None => LanguageTag::parse("en").expect("`en` is a language tag"),
            },
        };
        check_languages(&keys.languages.0, &source_language, environment)?;
        check_site_texts(&keys, &source_language, environment)?;
        let (backend, backend_explicit) = match (&environment.backend, keys.backend) {
            (Some(name), _) => (backend_from_variable(name)?, true),
            (None, Some(backend)) => (backend, true),
            (None, None) => (BackendKind::Cache, false),
        };
        if keys
            .cache_dir
            .as_deref()
            .is_some_and(|dir| dir.as_os_str().is_empty() || dir == Path::new("."))
        {
            return Err(environment.error(
                "cache-dir",
                "names the book's own folder; remove the key to keep the store in .translate-cache, or name a folder",
            ));
        }
        let cache_dir = resolve(context.root, keys.cache_dir.as_deref(), ".translate-cache");
        if cache_dir.exists() && !cache_dir.is_dir() {
            return Err(environment.error(
                "cache-dir",
                format!(
                    "{} exists and is not a folder; point cache-dir at a folder",
                    cache_dir.display()
                ),
            ));
        }
        Ok(Config {
            languages: keys.languages.0,
            source_language,
            backend,
            backend_explicit,
            cache_dir,
            fail_on_missing: keys.fail_on_missing,
            math: math_syntax(keys.math.as_ref(), context.katex),
            do_not_translate: compile_patterns(&keys.do_not_translate.0, environment)?,
            keep_email_addresses: keys.keep_email_addresses.unwrap_or(true),
            lock_timeout: Duration::from_secs(keys.lock_timeout.map_or(30, |s| s.0)),
            po_dir_explicit: keys.po_dir.is_some() || context.gettext_po_dir.is_some(),
            po_dir: resolve(context.root, keys.po_dir.as_deref().or(context.gettext_po_dir), "po"),
            smart_punctuation: context.smart_punctuation,
            terminology: keys.terminology.0,
            formality: keys.formality,
            profanity: keys.profanity,
            max_concurrency: aws.max_concurrency,
            timeout: aws.timeout,
            parallel_data: keys.parallel_data.0,
            batch_s3: aws.batch_s3,
            data_access_role_arn: keys.data_access_role_arn,
            language_labels: by_canonical_code(keys.language_labels),
            interface: by_canonical_code(keys.interface),
            book_language_variable: environment.variable_for("book.language").map(str::to_string),
        })
    }
}

/// A folder in S3: a bucket and a key prefix (never the bucket's root).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct S3Location {
    /// The bucket.
    pub bucket: String,
    /// The key prefix, without a trailing `/`.
    pub prefix: String,
}

impl S3Location {
    /// Parses `s3://bucket/prefix`.
    pub fn parse(uri: &str) -> Result<S3Location, String> {
        let rest = uri
            .strip_prefix("s3://")
            .ok_or_else(|| format!("`{uri}` is not an S3 URI; write s3://<bucket>/<folder>"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let prefix = prefix.trim_matches('/');
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
        if !bucket_ok {
            return Err(format!(
                "`{bucket}` is not an S3 bucket name (3 to 63 lower-case letters, digits, `-`, `.`)"
            ));
        }
        if prefix.is_empty() {
            return Err(format!(
                "`{uri}` is a bucket's root; batch jobs need a folder: write s3://{bucket}/<folder>"
            ));
        }
        Ok(S3Location {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
        })
    }

    /// `s3://bucket/prefix/<path>/`.
    pub fn uri(&self, path: &str) -> String {
        format!("s3://{}/{}/{}/", self.bucket, self.prefix, path.trim_matches('/'))
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
    /// `po-dir` of mdbook-i18n-helpers' `[preprocessor.gettext]`, the
    /// folder of translations when this table names none.
    pub gettext_po_dir: Option<&'a Path>,
    /// The variables that change the configuration.
    pub environment: &'a Environment,
}

/// Each target language once, and none the source language.
fn check_languages(
    languages: &[LanguageTag],
    source_language: &LanguageTag,
    environment: &Environment,
) -> Result<(), ConfigError> {
    for (index, language) in languages.iter().enumerate() {
        if let Some(first) = languages[..index].iter().find(|l| *l == language) {
            let same = if first.as_str() == language.as_str() {
                format!("`{language}` is listed twice")
            } else {
                format!("`{first}` and `{language}` are the same language, listed twice")
            };
            return Err(environment.error("languages", format!("{same}; list each language once")));
        }
        if language == source_language {
            return Err(environment.error(
                "languages",
                format!("`{language}` is the source language of the book; list only the languages to translate into"),
            ));
        }
    }
    Ok(())
}

/// The switcher labels and interface texts of book.toml: each for a
/// language of the book (the source's label too), no empty text, and
/// interface texts under their ids.
fn check_site_texts(keys: &Keys, source_language: &LanguageTag, environment: &Environment) -> Result<(), ConfigError> {
    let of_book = |language: &LanguageTag| language == source_language || keys.languages.0.contains(language);
    let listed = || join_languages(&keys.languages.0);
    for (language, label) in &keys.language_labels {
        if !of_book(language) {
            return Err(environment.error(
                "language-labels",
                format!("`{language}` is not a language of this book (the source is {source_language}, the others {}); label only those", listed()),
            ));
        }
        if label.trim().is_empty() {
            return Err(environment.error("language-labels", format!("the label of `{language}` is empty")));
        }
    }
    for (language, texts) in &keys.interface {
        if language == source_language || !of_book(language) {
            return Err(environment.error(
                "interface",
                format!(
                    "`{language}` is not a language this book is translated into (they are {}); the source book keeps mdBook's own interface (its theme)",
                    listed()
                ),
            ));
        }
        for (id, text) in texts {
            if crate::interface::interface_text(id).is_none() {
                let ids: Vec<&str> = crate::interface::INTERFACE_TEXTS.iter().map(|text| text.id).collect();
                return Err(environment.error(
                    "interface",
                    format!(
                        "`interface.{language}.{id}` is not an interface text; they are {}",
                        ids.join(", ")
                    ),
                ));
            }
            if text.trim().is_empty() {
                return Err(environment.error("interface", format!("`interface.{language}.{id}` is empty")));
            }
        }
    }
    Ok(())
}

/// A table by language, keyed by each language's canonical code.
fn by_canonical_code<T>(table: BTreeMap<LanguageTag, T>) -> BTreeMap<String, T> {
    table
        .into_iter()
        .map(|(language, value)| (language.canonical().to_string(), value))
        .collect()
}

/// The backend named by `MDBOOK_TRANSLATE_BACKEND`.
fn backend_from_variable(name: &str) -> Result<BackendKind, ConfigError> {
    BackendKind::deserialize(Value::String(name.to_string())).map_err(|error| ConfigError {
        table: format!("preprocessor.{PREPROCESSOR_NAME}"),
        key: "backend".to_string(),
        variable: Some(BACKEND_VARIABLE.to_string()),
        message: error.to_string(),
    })
}

/// `path` (or `default`) resolved against the book's root.
/// Refuses a store folder that mdBook would publish (inside the source
/// folder) or empty (inside the build folder).
fn check_cache_dir_place(
    cache_dir: &Path,
    root: &Path,
    book: &BookToml,
    environment: &Environment,
) -> Result<(), ConfigError> {
    let cache = normalized(cache_dir);
    let places = [
        (
            &book.book.src,
            "the book's source folder",
            "mdBook would publish the store with the book",
        ),
        (
            &book.build.build_dir,
            "the build folder",
            "a build empties it and `mdbook clean` deletes it",
        ),
    ];
    for (folder, name, why) in places {
        let folder = normalized(&root.join(folder));
        if cache.starts_with(&folder) {
            return Err(environment.error(
                "cache-dir",
                format!(
                    "{} is inside {name} {}, where {why}; point cache-dir outside it (the default is .translate-cache)",
                    cache_dir.display(),
                    folder.display()
                ),
            ));
        }
    }
    Ok(())
}

/// `path` made absolute, without `.` and with each `..` taking the folder
/// before it, as written (the folders need not exist yet).
fn normalized(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut normal = PathBuf::new();
    for component in absolute.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

fn resolve(root: &Path, path: Option<&Path>, default: &str) -> PathBuf {
    root.join(path.unwrap_or(Path::new(default)))
}

/// The `math` key; by default MathJax, and dollar math with a KaTeX preprocessor.
fn math_syntax(notations: Option<&List<MathNotation>>, katex: bool) -> MathSyntax {
    match notations {
        None => MathSyntax {
            mathjax: true,
            dollar: katex,
        },
        Some(List(notations)) => MathSyntax {
            mathjax: notations.contains(&MathNotation::Mathjax),
            dollar: notations.contains(&MathNotation::Dollar),
        },
    }
}

fn compile_patterns(patterns: &[String], environment: &Environment) -> Result<Vec<Regex>, ConfigError> {
    patterns
        .iter()
        .map(|pattern| {
            Regex::new(pattern).map_err(|e| {
                environment.error(
                    "do-not-translate",
                    format!("`{pattern}` is not a valid regular expression: {e}"),
                )
            })
        })
        .collect()
}

/// The most requests `max-concurrency` lets run at once.
const MAX_CONCURRENCY: u64 = 1024;

/// The checked settings of the aws backend.
struct AwsSettings {
    max_concurrency: usize,
    timeout: Duration,
    batch_s3: Option<S3Location>,
}

/// Checks that every name in `names` is a resource name as Amazon
/// Translate accepts them, and listed once.
fn check_resource_names(names: &[String], key: &str, what: &str, environment: &Environment) -> Result<(), ConfigError> {
    for (index, name) in names.iter().enumerate() {
        let valid =
            (1..=256).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(environment.error(
                key,
                format!("`{name}` is not a {what} name; use 1 to 256 letters, digits, `-` and `_`"),
            ));
        }
        if names[..index].contains(name) {
            return Err(environment.error(key, format!("`{name}` is listed twice; list each {what} once")));
        }
    }
    Ok(())
}

impl AwsSettings {
    /// Terminology names as Amazon Translate accepts them, each once; a
    /// concurrency and a timeout of at least 1.
    fn check(keys: &Keys, environment: &Environment) -> Result<AwsSettings, ConfigError> {
        check_resource_names(&keys.terminology.0, "terminology", "terminology", environment)?;
        check_resource_names(&keys.parallel_data.0, "parallel-data", "parallel data", environment)?;
        if let Some(arn) = &keys.data_access_role_arn
            && !(arn.starts_with("arn:") && arn.contains(":role/"))
        {
            return Err(environment.error(
                "data-access-role-arn",
                format!("`{arn}` is not an IAM role ARN; use arn:aws:iam::<account>:role/<name>"),
            ));
        }
        let batch_s3 = keys
            .batch_s3
            .as_deref()
            .map(|uri| S3Location::parse(uri).map_err(|message| environment.error("batch-s3", message)))
            .transpose()?;
        let at_least_one = |key: &str, value: Option<u64>, default: u64| match value {
            Some(0) => Err(environment.error(key, "expected a whole number of at least 1, found 0")),
            value => Ok(value.unwrap_or(default)),
        };
        let max_concurrency = at_least_one("max-concurrency", keys.max_concurrency.map(|n| n.0), 8)?;
        if max_concurrency > MAX_CONCURRENCY {
            return Err(environment.error(
                "max-concurrency",
                format!("{max_concurrency} requests at once is more than {MAX_CONCURRENCY}; use a smaller number"),
            ));
        }
        let timeout = at_least_one("timeout", keys.timeout.map(|s| s.0), 30)?;
        Ok(AwsSettings {
            max_concurrency: usize::try_from(max_concurrency).unwrap_or(usize::MAX),
            timeout: Duration::from_secs(timeout),
            batch_s3,
        })
    }
}

#[cfg(test)]
mod tests;
