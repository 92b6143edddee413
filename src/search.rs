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
//! from the documents with [`tokenize`]'s terms, written as the elasticlunr
//! crate mdBook uses would write it (`elastic`), so the file has the shape
//! mdBook's page expects. In front of the index data the file gets
//! `searcher.js` of this module, which runs before mdBook's page code loads
//! the index: it replaces `elasticlunr.tokenizer` with the same rules for
//! queries, registers the pipeline function the index names, and rewrites
//! each result's teaser as mdBook's does, with the matched text
//! highlighted, for text without spaces between words.
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

mod elastic;
pub mod pages;
pub mod tokenize;

use crate::language::LanguageTag;
use crate::site::publish::overwrite;
use anyhow::Context;
use elastic::IndexWriter;
use elasticlunr::lang::Language;
use elasticlunr::pipeline::Pipeline;
use pages::{PageIndex, Section};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

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
    let Some(pages) = pages else {
        return rebuild_rendered_index(html_dir, language);
    };
    let Some(path) = index_file(html_dir)? else {
        tracing::debug!("{}: no search index (search is off)", html_dir.display());
        return Ok(());
    };
    let search = read_index_file(&path)?;
    let sections = pages.sections(html_dir)?;
    let data = index_sections(search, &sections, language)
        .with_context(|| format!("rebuilding the {language} search index {}", path.display()))?;
    write_renamed(html_dir, &path, &wrap_index_data(&data, language))
}

/// Rebuilds the index of the book mdBook's HTML output rendered into
/// `html_dir`, the site folder, from the documents mdBook put in it.
/// Another build of the book may be writing that folder right now (mdBook
/// empties it, then writes the index in place): the index is read, rebuilt
/// and written again for a while until one attempt goes through, and the
/// rebuilt one is put in place whole.
fn rebuild_rendered_index(html_dir: &Path, language: &LanguageTag) -> anyhow::Result<()> {
    let attempt = || -> anyhow::Result<()> {
        let Some(path) = index_file(html_dir)? else {
            tracing::debug!("{}: no search index (search is off)", html_dir.display());
            return Ok(());
        };
        let search = read_index_file(&path)?;
        let data = rebuilt_data(search, language)
            .with_context(|| format!("rebuilding the {language} search index {}", path.display()))?;
        let partial = path.with_extension("js.partial");
        std::fs::write(&partial, wrap_index_data(&data, language))
            .and_then(|()| std::fs::rename(&partial, &path))
            .with_context(|| format!("writing {}", path.display()))
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match attempt() {
            Err(_) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            done => return done,
        }
    }
}

/// The index data of the index file at `path`.
fn read_index_file(path: &Path) -> anyhow::Result<MdbookIndex> {
    let written = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    index_json(&written)
        .and_then(|json| Ok(serde_json::from_str(&json)?))
        .with_context(|| format!("reading the search index {}", path.display()))
}

/// The data of an index file: the options and URLs of `options`, then the
/// index `writer` holds.
fn index_data(options: &serde_json::Map<String, Value>, writer: &IndexWriter<'_>) -> Result<String, SearchIndexError> {
    let mut data = serde_json::to_vec(options)?;
    data.pop(); // the closing brace
    if !options.is_empty() {
        data.push(b',');
    }
    data.extend_from_slice(b"\"index\":");
    writer.write(&mut data);
    data.push(b'}');
    // Only JSON of valid strings was written: the lossy path never runs.
    Ok(String::from_utf8(data).unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned()))
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
        return overwrite(path, data.as_bytes()).with_context(|| format!("writing {}", path.display()));
    };
    let hash: String = Sha256::digest(data.as_bytes())[..4]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let new_name = format!("searchindex-{hash}.js");
    let renamed = path.with_file_name(&new_name);
    // mdBook's file renamed and written over: no file made or removed.
    std::fs::rename(path, &renamed).with_context(|| format!("renaming {}", path.display()))?;
    overwrite(&renamed, data.as_bytes()).with_context(|| format!("writing {}", renamed.display()))?;
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
            overwrite(entry.path(), page.replace(&name, &new_name).as_bytes())
                .with_context(|| format!("writing {}", entry.path().display()))?;
        }
    }
    Ok(())
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
    Ok(serde_json::from_str(&index_json(file)?)?)
}

/// The JSON of the index data in `file`.
fn index_json(file: &str) -> Result<String, SearchIndexError> {
    let start = file.rfind(DATA_START).ok_or(SearchIndexError::NotAnIndex)? + DATA_START.len();
    let quoted = file[start..]
        .trim_end()
        .strip_suffix(DATA_END)
        .ok_or(SearchIndexError::NotAnIndex)?;
    // mdBook escapes `\` and `'` with a backslash to put the JSON in a
    // JavaScript string; nothing else.
    let mut json = String::with_capacity(quoted.len());
    let mut rest = quoted;
    while let Some(at) = rest.find('\\') {
        json.push_str(&rest[..at]);
        let mut chars = rest[at + 1..].chars();
        json.push(chars.next().ok_or(SearchIndexError::NotAnIndex)?);
        rest = chars.as_str();
    }
    json.push_str(rest);
    Ok(json)
}

/// What a rebuild takes from the index data mdBook wrote: the options and
/// URLs, and of the elasticlunr index its fields, reference and documents.
/// The inverted index, most of the data, is skipped unread.
struct MdbookIndex {
    /// Every key but `index`.
    options: serde_json::Map<String, Value>,
    index: Option<IndexPart>,
}

/// What a rebuild takes from an elasticlunr index.
#[derive(serde::Deserialize)]
struct IndexPart {
    fields: Option<Vec<Value>>,
    #[serde(rename = "ref")]
    ref_field: Option<String>,
    #[serde(rename = "documentStore")]
    document_store: Option<DocumentStore>,
}

/// An elasticlunr document store.
#[derive(serde::Deserialize)]
struct DocumentStore {
    #[serde(default)]
    docs: serde_json::Map<String, Value>,
    #[serde(default)]
    length: u64,
}

impl<'de> serde::Deserialize<'de> for MdbookIndex {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = MdbookIndex;
            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("mdBook's search index data (an object)")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<MdbookIndex, A::Error> {
                let mut options = serde_json::Map::new();
                let mut index = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "index" {
                        index = Some(map.next_value()?);
                    } else {
                        options.insert(key, map.next_value()?);
                    }
                }
                Ok(MdbookIndex { options, index })
            }
        }
        deserializer.deserialize_map(Keys)
    }
}

impl MdbookIndex {
    /// An index, its fields, its reference field and its document store,
    /// and whether its search expands prefixes (mdBook's `expand`, on by
    /// default).
    fn parts(&self) -> Result<(&IndexPart, Vec<String>, &str, bool), SearchIndexError> {
        let index = self.index.as_ref().ok_or(SearchIndexError::Missing("index"))?;
        let fields = index
            .fields
            .as_ref()
            .ok_or(SearchIndexError::Missing("fields"))?
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        let expand = self
            .options
            .get("search_options")
            .and_then(|options| options.get("expand"))
            .and_then(Value::as_bool)
            .unwrap_or(true);
        Ok((index, fields, index.ref_field.as_deref().unwrap_or("id"), expand))
    }
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
pub fn rebuild_index(search: Value, language: &LanguageTag) -> Result<Value, SearchIndexError> {
    let search: MdbookIndex = serde_json::from_value(search)?;
    Ok(serde_json::from_str(&rebuilt_data(search, language)?)?)
}

/// The data of the index file [`rebuild_index`] describes.
fn rebuilt_data(search: MdbookIndex, language: &LanguageTag) -> Result<String, SearchIndexError> {
    let (index, fields, ref_field, expand) = search.parts()?;
    let store = index
        .document_store
        .as_ref()
        .filter(|store| !store.docs.is_empty() || store.length == 0)
        .ok_or(SearchIndexError::Missing(
            "documents (mdBook keeps them for the teasers)",
        ))?;
    let mut refs: Vec<&String> = store.docs.keys().collect();
    refs.sort_by_key(|r| (r.parse::<u64>().unwrap_or(u64::MAX), r.as_str()));
    let mut writer = IndexWriter::new(language, expand, ref_field, &fields);
    for doc_ref in refs {
        let doc = &store.docs[doc_ref];
        let values = fields
            .iter()
            .map(|field| doc.get(field).and_then(Value::as_str).unwrap_or("").to_string())
            .collect();
        writer.add_doc(doc_ref.clone(), values);
    }
    index_data(&search.options, &writer)
}

/// The data of the index file of `search` (an index mdBook wrote without
/// documents) with `sections` as its documents: its options and URLs, and
/// the index of the documents with the terms of [`tokenize`] for
/// `language`.
fn index_sections(
    search: MdbookIndex,
    sections: &[Section],
    language: &LanguageTag,
) -> Result<String, SearchIndexError> {
    let (_, fields, ref_field, expand) = search.parts()?;
    let mut writer = IndexWriter::new(language, expand, ref_field, &fields);
    for (number, section) in sections.iter().enumerate() {
        let values = fields.iter().map(|field| section.field(field).to_string()).collect();
        writer.add_doc(number.to_string(), values);
    }
    let mut options = search.options.clone();
    options.insert(
        "doc_urls".to_string(),
        sections
            .iter()
            .map(|section| Value::from(section.url.as_str()))
            .collect(),
    );
    index_data(&options, &writer)
}

/// Whether a book in `language` gets elasticlunr's English stop words and
/// stemmer.
fn is_english(language: &LanguageTag) -> bool {
    language.primary().eq_ignore_ascii_case("en")
}

/// elasticlunr's English stop word filter and stemmer, without its trimmer
/// (terms hold nothing to trim, and it would drop a bigram).
fn english_stemmer() -> Pipeline {
    let mut english = elasticlunr::lang::English::new().make_pipeline();
    english.queue.retain(|function| function.name() != "trimmer");
    english
}

/// `term` through the English `stemmer` (`None` for a stop word); a bigram
/// passes unchanged.
fn stem(stemmer: &Pipeline, term: String) -> Option<String> {
    if term.chars().any(tokenize::is_dense) {
        return Some(term);
    }
    stemmer.run(vec![term]).pop()
}

#[cfg(test)]
mod tests;
