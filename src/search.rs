//! Search per language: each book's search index rebuilt with a tokenizer
//! that finds Chinese, Japanese, Korean and accented words.
//!
//! mdBook's HTML renderer writes `searchindex[-<hash>].js`: an elasticlunr
//! index of every section (title, body, breadcrumbs) with the section texts
//! kept in its document store, cut by an English tokenizer that splits on
//! white space only and then drops what elasticlunr's trimmer sees as
//! non-word characters, so a Chinese sentence is one unfindable term and
//! `tamaño` is not `tamano`. mdBook's page code (`searcher.js`) loads that
//! file when the reader opens the search box, and searches it with
//! elasticlunr's JavaScript tokenizer and the pipeline the index names.
//!
//! After a book is rendered, [`index_book`] reads mdBook's index back, keeps
//! its documents (or reads them from the pages, [`pages`], when mdBook was
//! told to index none), settings and URLs, and rebuilds the inverted index
//! from the documents with [`tokenize`]'s terms, written by the same
//! elasticlunr crate mdBook uses, so the file has the shape mdBook's page
//! expects and keeps its name (which every page holds). In front of the
//! index data the file gets `searcher.js` of this module, which runs before
//! mdBook's page code loads the index: it replaces `elasticlunr.tokenizer`
//! with the same rules for queries, registers the pipeline function the
//! index names, and rewrites each result's teaser as mdBook's does, with the
//! matched text highlighted, for text without spaces between words.
//! Nothing else of mdBook's interface changes: the search box, its
//! keyboard shortcut, the result list and the highlight on the page a
//! result leads to (mark.js, which already matches substrings and ignores
//! accents) are mdBook's own.
//!
//! English books keep elasticlunr's stop words and stemmer (the Rust crate's
//! is a port of the JavaScript one the page runs). Other languages are not
//! stemmed: a stemmer in the index needs the identical stemmer in the
//! browser, and none ships with mdBook; mdBook's prefix expansion finds
//! `configura` in `configuración`, and every exact word is found.

pub mod pages;
pub mod tokenize;

use crate::language::LanguageTag;
use anyhow::Context;
use elasticlunr::IndexBuilder;
use elasticlunr::lang::Language;
use elasticlunr::pipeline::{Pipeline, PipelineFn};
use pages::{PageIndex, Section};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use tokenize::Singles;

/// What precedes the index data in the file mdBook writes.
const DATA_START: &str = "window.search = Object.assign(window.search, JSON.parse('";
/// What follows it.
const DATA_END: &str = "'));";

/// The page code put in front of the index data.
const SCRIPT_TEMPLATE: &str = include_str!("search/searcher.js");

/// The name under which the index and the page register the English stop
/// word filter and stemmer, which leave bigrams alone.
pub const ENGLISH_PIPELINE: &str = "mdbookTranslateEnglish";

/// A search index file that is not what mdBook 0.5 writes.
#[derive(Debug, thiserror::Error)]
pub enum SearchIndexError {
    /// The file does not hold `window.search = … JSON.parse('…')`.
    #[error("not an mdBook search index (no `{DATA_START}…{DATA_END}`)")]
    NotAnIndex,
    /// The data is not JSON.
    #[error("the index data is not JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The data lacks a part the rebuild needs.
    #[error("the index data has no {0}")]
    Missing(&'static str),
}

/// Rebuilds the search index of the book rendered into `html_dir` in
/// `language`: from the documents mdBook put in its index, or, when the
/// book was rendered under `pages`' plan, from its pages. A book rendered
/// with search off has no index; it is left as it is.
pub fn index_book(html_dir: &Path, language: &LanguageTag, pages: Option<&PageIndex>) -> anyhow::Result<()> {
    let Some(path) = index_file(html_dir)? else {
        tracing::debug!("{}: no search index (search is off)", html_dir.display());
        return Ok(());
    };
    let written = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let search = read_index(&written).with_context(|| format!("reading the search index {}", path.display()))?;
    let context = || format!("rebuilding the {language} search index {}", path.display());
    match pages {
        Some(pages) => {
            let sections = pages.sections(html_dir)?;
            let (options, index) = index_sections(search, &sections, language).with_context(context)?;
            let data = serde_json::to_string(&IndexData {
                options: &options,
                index: &index,
            })
            .with_context(context)?;
            write_renamed(html_dir, &path, &wrap_index_data(&data, language))
        }
        None => {
            let rebuilt = rebuild_index(search, language).with_context(context)?;
            std::fs::write(&path, write_index(&rebuilt, language))
                .with_context(|| format!("writing {}", path.display()))
        }
    }
}

/// The data of an index file: the options and URLs of mdBook's, and the
/// index (written as it is, not through a `Value`: a large index is most
/// of a book's search work).
#[derive(serde::Serialize)]
struct IndexData<'a> {
    #[serde(flatten)]
    options: &'a serde_json::Map<String, Value>,
    index: &'a elasticlunr::Index,
}

/// Writes `data` as the index file `path` of the book in `html_dir`, which
/// holds that book alone. A hashed name (`hash-files`) becomes the hash of
/// `data`, as mdBook names its files, in the file's name and in every page
/// that loads it: mdBook hashed an index without documents, and a browser
/// that kept an index under that name would never load a newer one.
fn write_renamed(html_dir: &Path, path: &Path, data: &str) -> anyhow::Result<()> {
    use sha2::{Digest, Sha256};
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(old_hash) = name
        .strip_prefix("searchindex-")
        .and_then(|rest| rest.strip_suffix(".js"))
    else {
        return std::fs::write(path, data).with_context(|| format!("writing {}", path.display()));
    };
    let hash: String = Sha256::digest(data.as_bytes())[..4]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let new_name = format!("searchindex-{hash}.js");
    let renamed = path.with_file_name(&new_name);
    std::fs::write(&renamed, data).with_context(|| format!("writing {}", renamed.display()))?;
    if hash == old_hash {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(html_dir) {
        let entry = entry.with_context(|| format!("reading {}", html_dir.display()))?;
        if !entry.file_type().is_file() || entry.path().extension().is_none_or(|extension| extension != "html") {
            continue;
        }
        let page =
            std::fs::read_to_string(entry.path()).with_context(|| format!("reading {}", entry.path().display()))?;
        if page.contains(&name) {
            std::fs::write(entry.path(), page.replace(&name, &new_name))
                .with_context(|| format!("writing {}", entry.path().display()))?;
        }
    }
    std::fs::remove_file(path).with_context(|| format!("removing {}", path.display()))
}

/// The search index mdBook wrote into `html_dir`: `searchindex.js`, or
/// `searchindex-<hash>.js` with hashed file names.
fn index_file(html_dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(html_dir).with_context(|| format!("reading {}", html_dir.display()))? {
        let entry = entry.with_context(|| format!("reading {}", html_dir.display()))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let hash = name
            .strip_prefix("searchindex")
            .and_then(|rest| rest.strip_suffix(".js"));
        let is_index = hash.is_some_and(|hash| {
            hash.is_empty()
                || hash
                    .strip_prefix('-')
                    .is_some_and(|hex| hex.chars().all(|c| c.is_ascii_hexdigit()))
        });
        if is_index {
            found.push(entry.path());
        }
    }
    found.sort();
    match found.len() {
        0 | 1 => Ok(found.pop()),
        _ => anyhow::bail!(
            "{} holds several search indexes ({}); mdBook writes one: remove the folder and build again",
            html_dir.display(),
            found
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The search data of an index file as mdBook (or [`write_index`]) wrote it.
pub fn read_index(file: &str) -> Result<Value, SearchIndexError> {
    let start = file.rfind(DATA_START).ok_or(SearchIndexError::NotAnIndex)? + DATA_START.len();
    let quoted = file[start..]
        .trim_end()
        .strip_suffix(DATA_END)
        .ok_or(SearchIndexError::NotAnIndex)?;
    // mdBook escapes `\` and `'` with a backslash to put the JSON in a
    // JavaScript string; nothing else.
    let mut json = String::with_capacity(quoted.len());
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        json.push(if c == '\\' {
            chars.next().ok_or(SearchIndexError::NotAnIndex)?
        } else {
            c
        });
    }
    Ok(serde_json::from_str(&json)?)
}

/// The index file for `search` in `language`: the page code, then the data
/// as mdBook writes it.
pub fn write_index(search: &Value, language: &LanguageTag) -> String {
    wrap_index_data(&search.to_string(), language)
}

/// The index file for the JSON `data` in `language`.
fn wrap_index_data(data: &str, language: &LanguageTag) -> String {
    let config = json!({ "english": is_english(language), "dense": language.is_cjk() });
    let script = SCRIPT_TEMPLATE.replace("/*CONFIG*/null", &config.to_string());
    let data = data.replace('\\', "\\\\").replace('\'', "\\'");
    format!("{script}\n{DATA_START}{data}{DATA_END}")
}

/// `search` with its inverted index rebuilt from its documents with the
/// terms of [`tokenize`] for `language`; its documents, URLs and options
/// are kept.
pub fn rebuild_index(mut search: Value, language: &LanguageTag) -> Result<Value, SearchIndexError> {
    let index = search.get("index").ok_or(SearchIndexError::Missing("index"))?;
    let fields = index_fields(index)?;
    let ref_field = index.get("ref").and_then(Value::as_str).unwrap_or("id").to_string();
    let docs = index
        .pointer("/documentStore/docs")
        .and_then(Value::as_object)
        .filter(|docs| !docs.is_empty() || index.pointer("/documentStore/length") == Some(&json!(0)))
        .ok_or(SearchIndexError::Missing(
            "documents (mdBook keeps them for the teasers)",
        ))?;
    let mut refs: Vec<&String> = docs.keys().collect();
    refs.sort_by_key(|r| (r.parse::<u64>().unwrap_or(u64::MAX), r.as_str()));
    let documents = refs.into_iter().map(|doc_ref| {
        let doc = &docs[doc_ref];
        let values = fields
            .iter()
            .map(|field| doc.get(field).and_then(Value::as_str).unwrap_or("").to_string())
            .collect();
        (doc_ref.clone(), values)
    });
    let rebuilt = build_index(expands(&search), language, &ref_field, &fields, documents);
    search["index"] = serde_json::to_value(&rebuilt)?;
    Ok(search)
}

/// `search` (an index mdBook wrote without documents) with `sections` as
/// its documents: its options and URLs, and the index of the documents
/// with the terms of [`tokenize`] for `language`.
pub fn index_sections(
    search: Value,
    sections: &[Section],
    language: &LanguageTag,
) -> Result<(serde_json::Map<String, Value>, elasticlunr::Index), SearchIndexError> {
    let expand = expands(&search);
    let Value::Object(mut options) = search else {
        return Err(SearchIndexError::Missing("index"));
    };
    let index = options.remove("index").ok_or(SearchIndexError::Missing("index"))?;
    let fields = index_fields(&index)?;
    let ref_field = index.get("ref").and_then(Value::as_str).unwrap_or("id").to_string();
    let documents = sections.iter().enumerate().map(|(number, section)| {
        let values = fields.iter().map(|field| section.field(field).to_string()).collect();
        (number.to_string(), values)
    });
    let built = build_index(expand, language, &ref_field, &fields, documents);
    options.insert(
        "doc_urls".to_string(),
        sections
            .iter()
            .map(|section| Value::from(section.url.as_str()))
            .collect(),
    );
    Ok((options, built))
}

/// Whether the search of the index `search` expands prefixes (mdBook's
/// `expand`, on by default).
fn expands(search: &Value) -> bool {
    search
        .pointer("/search_options/expand")
        .and_then(Value::as_bool)
        .unwrap_or(true)
}

/// The fields an mdBook index has (`title`, `body`, `breadcrumbs`).
fn index_fields(index: &Value) -> Result<Vec<String>, SearchIndexError> {
    Ok(index
        .get("fields")
        .and_then(Value::as_array)
        .ok_or(SearchIndexError::Missing("fields"))?
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect())
}

/// An index of `documents` (reference, then a value per field of
/// `fields`) with the terms of [`tokenize`] for `language`, for an index
/// whose search expands prefixes (`expand`) or not.
fn build_index(
    expand: bool,
    language: &LanguageTag,
    ref_field: &str,
    fields: &[String],
    documents: impl Iterator<Item = (String, Vec<String>)>,
) -> elasticlunr::Index {
    let singles = if expand { Singles::Last } else { Singles::Every };
    let book_language = BookLanguage {
        tag: language.clone(),
        singles,
    };
    let mut index = IndexBuilder::with_language(Box::new(book_language))
        .set_ref(ref_field)
        .add_fields(fields)
        .build();
    for (doc_ref, values) in documents {
        index.add_doc(&doc_ref, values);
    }
    index
}

/// Whether a book in `language` gets elasticlunr's English stop words and
/// stemmer.
fn is_english(language: &LanguageTag) -> bool {
    language.primary().eq_ignore_ascii_case("en")
}

/// A book's language as elasticlunr sees it: our terms, and the English
/// stemmer for English.
struct BookLanguage {
    tag: LanguageTag,
    singles: Singles,
}

impl Language for BookLanguage {
    fn name(&self) -> String {
        self.tag.canonical().to_string()
    }

    fn code(&self) -> String {
        self.tag.canonical().to_string()
    }

    fn tokenize(&self, text: &str) -> Vec<String> {
        tokenize::terms(text, self.singles)
    }

    fn make_pipeline(&self) -> Pipeline {
        let queue: Vec<Box<dyn PipelineFn>> = if is_english(&self.tag) {
            vec![Box::new(EnglishStemmer::new())]
        } else {
            Vec::new()
        };
        Pipeline { queue }
    }
}

/// elasticlunr's English stop word filter and stemmer, for words only: a
/// bigram passes unchanged (elasticlunr's trimmer, which would drop it, is
/// left out: terms hold nothing to trim).
struct EnglishStemmer {
    english: Pipeline,
}

impl EnglishStemmer {
    fn new() -> EnglishStemmer {
        let mut english = elasticlunr::lang::English::new().make_pipeline();
        english.queue.retain(|function| function.name() != "trimmer");
        EnglishStemmer { english }
    }
}

impl PipelineFn for EnglishStemmer {
    fn name(&self) -> String {
        ENGLISH_PIPELINE.to_string()
    }

    fn filter(&self, term: String) -> Option<String> {
        if term.chars().any(tokenize::is_dense) {
            return Some(term);
        }
        self.english.run(vec![term]).pop()
    }
}

#[cfg(test)]
mod tests;
