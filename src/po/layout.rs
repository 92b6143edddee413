//! Where the translations of one language live, and how they are read as
//! one catalogue.
//!
//! Two layouts, in `<po-dir>`:
//!
//! - one file, `<lang>.po` (the default, as mdbook-i18n-helpers keeps it);
//! - one file per chapter, `<lang>/<chapter>.po` (`po export --split
//!   chapter`): the chapter's path under the book's `src/` with `.po` for
//!   `.md` (`zh/guide/creating.po` for `guide/creating.md`), and
//!   `<lang>/SUMMARY.po` for the book's own texts (title, description,
//!   chapter names and part titles). Each message is in the file of the
//!   first chapter that has it, so that no two files translate it.
//!
//! A language has one layout: a book with both `<lang>.po` and a `<lang>/`
//! folder of PO files is refused. Either way the files are read into one
//! [`Catalog`], which remembers the file and line of every entry.

use super::file::{PoEntry, PoFileError, read_po_file};
use crate::language::LanguageTag;
use rspolib::POFile;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The file of a split layout that holds the book's own texts.
pub const BOOK_TEXTS_FILE: &str = "SUMMARY.po";

/// Where the translations of a language are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// One file.
    Single(PathBuf),
    /// One file per chapter, in this folder.
    Split(PathBuf),
}

impl Layout {
    /// The file or folder.
    pub fn path(&self) -> &Path {
        match self {
            Layout::Single(path) | Layout::Split(path) => path,
        }
    }

    /// The PO files of the layout that exist, sorted.
    pub fn files(&self) -> Vec<PathBuf> {
        match self {
            Layout::Single(path) => path.is_file().then(|| path.clone()).into_iter().collect(),
            Layout::Split(folder) => files_under(folder, "po"),
        }
    }
}

/// The files with `extension` under `folder` (any depth), sorted.
pub fn files_under(folder: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(folder)
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_file() && entry.path().extension().is_some_and(|ext| ext == extension))
        .map(|entry| entry.into_path())
        .collect();
    files.sort();
    files
}

/// Both layouts exist for one language.
#[derive(Debug, thiserror::Error)]
#[error(
    "{} and {} both hold {language} translations; keep one of them \
     (`po export --split chapter` or `--split none` moves the translations into one layout)",
    file.display(),
    folder.display()
)]
pub struct BothLayouts {
    /// The language.
    pub language: String,
    /// The single file.
    pub file: PathBuf,
    /// The folder of chapter files.
    pub folder: PathBuf,
}

/// The layout `language` uses in `po_dir`: the single file when it exists,
/// the folder of chapter files when it holds any, else the single file
/// (which does not exist yet). A file or folder named as mdbook-i18n-helpers
/// users name them is found too: `zh_CN.po` for `zh-CN`, and the reverse, in
/// any case.
pub fn find_layout(po_dir: &Path, language: &LanguageTag) -> Result<Layout, BothLayouts> {
    let single = find_named(po_dir, language, |path| {
        path.is_file() && path.extension().is_some_and(|ext| ext == "po")
    })
    .unwrap_or_else(|| po_dir.join(format!("{language}.po")));
    let folder = find_named(po_dir, language, |path| {
        path.is_dir() && path.extension().is_none() && !files_under(path, "po").is_empty()
    });
    match folder {
        Some(folder) if single.exists() => Err(BothLayouts {
            language: language.to_string(),
            file: single,
            folder,
        }),
        Some(folder) => Ok(Layout::Split(folder)),
        None => Ok(Layout::Single(single)),
    }
}

/// The entry of `po_dir` whose name (without `.po`) is `language` however
/// written (`_` or `-`, any case) and that `accept` takes; the exact spelling first.
fn find_named(po_dir: &Path, language: &LanguageTag, accept: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    let wanted = language.as_str().replace('_', "-").to_lowercase();
    let exact = [po_dir.join(format!("{language}.po")), po_dir.join(language.as_str())];
    if let Some(found) = exact.into_iter().find(|path| accept(path)) {
        return Some(found);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(po_dir)
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            let name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default();
            let stem = name.strip_suffix(".po").unwrap_or(name);
            stem.replace('_', "-").to_lowercase() == wanted && accept(path)
        })
        .collect();
    found.sort();
    found.into_iter().next()
}

/// The translations of one language read as one catalogue: the entries of
/// every file of the layout, in file order, each with the file it is in.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The header of the first file and every entry.
    pub file: POFile,
    /// The files read, in order.
    pub paths: Vec<PathBuf>,
    /// Each file's own header (a file with its entries left out).
    pub headers: Vec<POFile>,
    /// For each entry of `file`, the index of its file in `paths`.
    pub entry_files: Vec<usize>,
}

impl Catalog {
    /// Reads the files of `layout`; `Ok(None)` when there are none. Two
    /// live entries with the same msgid in two files are refused, by file
    /// and line, as two in one file are.
    pub fn read(layout: &Layout) -> Result<Option<Catalog>, PoFileError> {
        let mut catalog: Option<Catalog> = None;
        let mut seen: HashMap<(Option<String>, String), (usize, usize)> = HashMap::new();
        for path in layout.files() {
            let Some(mut file) = read_po_file(&path)? else {
                continue;
            };
            let entries = std::mem::take(&mut file.entries);
            let catalog = catalog.get_or_insert_with(|| Catalog {
                file: file.clone(),
                paths: Vec::new(),
                headers: Vec::new(),
                entry_files: Vec::new(),
            });
            let index = catalog.paths.len();
            for entry in entries.iter().filter(|entry| !entry.obsolete) {
                let id = (entry.msgctxt.clone(), entry.msgid.clone());
                if let Some(&(first_file, first_line)) = seen.get(&id) {
                    return Err(duplicate_across_files(
                        &path,
                        entry,
                        &catalog.paths[first_file],
                        first_line,
                    ));
                }
                seen.insert(id, (index, entry.linenum.max(1)));
            }
            catalog.paths.push(path);
            catalog.headers.push(file);
            catalog.entry_files.extend(std::iter::repeat_n(index, entries.len()));
            catalog.file.entries.extend(entries);
        }
        Ok(catalog)
    }

    /// The file entry `index` of [`Catalog::file`] is in.
    pub fn path_of(&self, index: usize) -> &Path {
        &self.paths[self.entry_files[index]]
    }
}

fn duplicate_across_files(path: &Path, entry: &PoEntry, first: &Path, first_line: usize) -> PoFileError {
    let preview: String = entry.msgid.chars().take(60).collect();
    PoFileError::Syntax {
        path: path.to_path_buf(),
        error: super::file::PoError {
            line: entry.linenum.max(1),
            message: format!(
                "the msgid `{preview}` is already the msgid of the entry at {}:{first_line}; keep one of the two",
                first.display()
            ),
        },
    }
}

/// The file of a split layout in `folder` that holds a message whose first
/// reference is `reference` (a chapter's path under `src/`, `SUMMARY.md` or
/// `book.toml`), with `extension` (`po`, or `pot` for templates).
pub fn chapter_file(folder: &Path, reference: &str, extension: &str) -> PathBuf {
    match reference.strip_suffix(".md") {
        Some(chapter) if reference != "SUMMARY.md" => folder.join(format!("{chapter}.{extension}")),
        _ => folder.join(Path::new(BOOK_TEXTS_FILE).with_extension(extension)),
    }
}

/// The chapter reference among `known` that `occurrence` names: itself, or
/// the one it ends with after a `/` (mdbook-xgettext writes `src/guide.md`
/// where this tool writes `guide.md`).
pub fn known_reference<'a>(occurrence: &str, known: &'a [String]) -> Option<&'a str> {
    known
        .iter()
        .find(|reference| occurrence == reference.as_str())
        .or_else(|| {
            known.iter().find(|reference| {
                occurrence
                    .strip_suffix(reference.as_str())
                    .is_some_and(|rest| rest.ends_with('/'))
            })
        })
        .map(String::as_str)
}

/// The files of a split layout in `folder` for the entries of `merged`:
/// an entry with references goes to the file of its first reference (as
/// `known`, the book's references, names it); an entry without (an obsolete
/// one) stays in the file it was in, or goes to the file of its old first
/// reference when `existing` was one file. Each file keeps its own header
/// where it had one and gets `header` otherwise. `extension` is `po`, or
/// `pot` for a template.
pub fn split_files(
    merged: &super::merge::Merged,
    existing: Option<&Catalog>,
    folder: &Path,
    known: &[String],
    header: &POFile,
    extension: &str,
) -> Vec<(PathBuf, POFile)> {
    let file_of_reference = |occurrences: &[(String, String)]| {
        let (first, _) = occurrences.first()?;
        known_reference(first, known).map(|reference| chapter_file(folder, reference, extension))
    };
    let old_home = |index: usize| -> Option<PathBuf> {
        let existing = existing?;
        let path = existing.path_of(index);
        if path.starts_with(folder) {
            return Some(path.to_path_buf());
        }
        file_of_reference(&existing.file.entries[index].occurrences)
    };
    let mut files: Vec<(PathBuf, POFile)> = Vec::new();
    for (entry, from) in merged.file.entries.iter().zip(&merged.from_existing) {
        let home = file_of_reference(&entry.occurrences)
            .or_else(|| from.and_then(old_home))
            .unwrap_or_else(|| chapter_file(folder, "SUMMARY.md", extension));
        let position = match files.iter().position(|(path, _)| *path == home) {
            Some(position) => position,
            None => {
                let own_header = existing.and_then(|catalog| {
                    let index = catalog.paths.iter().position(|path| *path == home)?;
                    Some(catalog.headers[index].clone())
                });
                files.push((home, own_header.unwrap_or_else(|| header.clone())));
                files.len() - 1
            }
        };
        files[position].1.entries.push(entry.clone());
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}
