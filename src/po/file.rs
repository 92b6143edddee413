//! Reading and writing PO files through `rspolib`.
//!
//! `rspolib` keeps every part of the format that a team's file holds: the
//! header and its comments, translator comments (`#`), extracted comments
//! (`#.`), references (`#:`), flags (`#,`), `msgctxt`, previous msgids
//! (`#|`) and obsolete entries (`#~`). Around it, this module refuses
//! what gettext's own tools refuse, each with the line it is on: bytes that
//! are not UTF-8, a byte-order mark, a string with no keyword before it, a
//! `msgstr` with no `msgid`, an escape gettext does not know, and two
//! entries with the same `msgctxt` and `msgid`.

use rspolib::POFile;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use rspolib::POEntry as PoEntry;

/// Why a PO file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct PoError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong, and what to do.
    pub message: String,
}

impl PoError {
    fn new(line: usize, message: impl Into<String>) -> PoError {
        PoError {
            line: line.max(1),
            message: message.into(),
        }
    }
}

/// A PO file that cannot be read, with its path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PoFileError {
    /// The file cannot be read at all.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
    /// The file is not a valid PO file.
    #[error("{}:{}: {}", path.display(), error.line, error.message)]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Where and what.
        error: PoError,
    },
}

/// Reads and parses the PO file at `path`; `Ok(None)` when it does not exist.
pub fn read_po_file(path: &Path) -> Result<Option<POFile>, PoFileError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(PoFileError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    parse_po_bytes(&bytes).map(Some).map_err(|error| PoFileError::Syntax {
        path: path.to_path_buf(),
        error,
    })
}

/// Parses the bytes of a PO file, which must be UTF-8.
pub fn parse_po_bytes(bytes: &[u8]) -> Result<POFile, PoError> {
    let text = std::str::from_utf8(bytes).map_err(|error| {
        let valid = &bytes[..error.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let byte = bytes[error.valid_up_to()];
        PoError::new(
            line,
            format!(
                "byte 0x{byte:02X} is not UTF-8 (the file looks like Latin-1 or another legacy encoding); \
                 convert it, for example with `iconv -f latin1 -t utf-8`, and set `charset=UTF-8` in its header"
            ),
        )
    })?;
    parse_po(text)
}

/// Parses the text of a PO file.
pub fn parse_po(text: &str) -> Result<POFile, PoError> {
    if text.starts_with('\u{feff}') {
        return Err(PoError::new(
            1,
            "the file starts with a byte-order mark, which gettext's tools reject; save it as UTF-8 without a BOM",
        ));
    }
    check_lines(text)?;
    // rspolib reads its argument as a path when a file of that name
    // exists; a text with a line break never names one.
    let content = format!("{text}\n");
    let parsed = std::panic::catch_unwind(|| rspolib::pofile(content.as_str()))
        .map_err(|_| PoError::new(1, "the file is not a valid PO file"))?;
    let file = parsed.map_err(|error| syntax_error(&error))?;
    check_duplicates(&file)?;
    Ok(file)
}

fn syntax_error(error: &rspolib::errors::SyntaxError) -> PoError {
    use rspolib::errors::SyntaxError;
    let message = error.to_string();
    // rspolib's message starts "Syntax error found at line N (index I): ".
    let detail = message
        .rsplit_once("): ")
        .map_or(message.as_str(), |(_, detail)| detail);
    match error {
        SyntaxError::UnescapedDoubleQuoteFound { line, .. } => {
            PoError::new(*line, "a `\"` inside a string must be written `\\\"`")
        }
        SyntaxError::Custom { line, .. } => PoError::new(*line, detail),
        SyntaxError::Generic { line, .. } => PoError::new(
            *line,
            "expected a comment, a keyword (`msgid`, `msgstr`, …) or a quoted string",
        ),
        _ => PoError::new(1, detail),
    }
}

/// What a line of a PO file is, as far as the order of keywords goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Context,
    Id,
    IdPlural,
    Str,
    StrPlural,
}

/// Checks what rspolib would not report with a line: strings with no
/// keyword before them, a `msgstr` with no `msgid`, unknown escapes.
fn check_lines(text: &str) -> Result<(), PoError> {
    let mut previous: Option<LineKind> = None;
    for (index, raw) in text.lines().enumerate() {
        let line_number = index + 1;
        let mut line = raw.trim();
        if let Some(rest) = line.strip_prefix("#~") {
            if rest.starts_with('|') {
                continue;
            }
            line = rest.trim_start();
        }
        if line.starts_with('#') {
            // Comments come before an entry, never inside one.
            previous = None;
            continue;
        }
        if line.is_empty() {
            continue;
        }
        let (kind, string) = if line.starts_with('"') {
            if previous.is_none() {
                return Err(PoError::new(line_number, "a quoted string with no keyword before it"));
            }
            (None, line)
        } else {
            let (keyword, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let kind = match keyword {
                "msgctxt" => LineKind::Context,
                "msgid" => LineKind::Id,
                "msgid_plural" => LineKind::IdPlural,
                "msgstr" => LineKind::Str,
                k if k.starts_with("msgstr[") => LineKind::StrPlural,
                _ => continue,
            };
            let follows_id = matches!(previous, Some(LineKind::Id | LineKind::IdPlural | LineKind::StrPlural));
            if matches!(kind, LineKind::Str | LineKind::StrPlural) && !follows_id {
                return Err(PoError::new(
                    line_number,
                    format!("`{keyword}` with no `msgid` before it"),
                ));
            }
            let after_id = matches!(previous, Some(LineKind::Id | LineKind::IdPlural));
            let in_entry = after_id || previous == Some(LineKind::Context);
            if (kind == LineKind::Context && in_entry) || (kind == LineKind::Id && after_id) {
                return Err(PoError::new(
                    line_number,
                    format!("`{keyword}` inside an entry that has no `msgstr` yet; every msgid needs its msgstr"),
                ));
            }
            (Some(kind), rest.trim())
        };
        check_escapes(string).map_err(|message| PoError::new(line_number, message))?;
        if let Some(kind) = kind {
            previous = Some(kind);
        }
    }
    Ok(())
}

/// The escapes gettext and rspolib both read.
fn check_escapes(quoted: &str) -> Result<(), String> {
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 't' | 'r' | '"' | '\\' | 'b' | 'f' | 'v') => {}
                Some(other) => return Err(format!("unknown escape `\\{other}` (write a backslash as `\\\\`)")),
                None => return Err("a string ends with a lone backslash".to_string()),
            }
        }
    }
    Ok(())
}

/// Two live entries with the same `msgctxt` and `msgid` are refused:
/// gettext would refuse them too, and which one wins would be arbitrary.
fn check_duplicates(file: &POFile) -> Result<(), PoError> {
    let mut seen: HashMap<(Option<&str>, &str), usize> = HashMap::new();
    for entry in file.entries.iter().filter(|entry| !entry.obsolete) {
        let line = entry.linenum.max(1);
        if let Some(first) = seen.insert((entry.msgctxt.as_deref(), entry.msgid.as_str()), line) {
            let preview: String = entry.msgid.chars().take(60).collect();
            return Err(PoError::new(
                line,
                format!(
                    "the msgid `{preview}` is already the msgid of the entry at line {first}; merge the two entries"
                ),
            ));
        }
    }
    Ok(())
}

/// The text of a PO file to write: the header and metadata as rspolib
/// writes them, then the live entries and the obsolete ones.
///
/// Entries are written here rather than by rspolib, whose writer trims the
/// end of every msgstr (a msgid ending in `\n` then fails `msgfmt -c`) and
/// wraps at 78 columns through escape sequences. Strings are split after
/// each `\n`, as gettext's tools write them, and never elsewhere.
pub fn po_file_text(file: &POFile) -> String {
    let mut header = file.clone();
    header.entries.clear();
    let mut text = header.to_string();
    if file.header.is_none() {
        // rspolib writes an empty comment line for a file without a header comment.
        text = text.strip_prefix("#\n").map(str::to_string).unwrap_or(text);
    }
    let (live, obsolete): (Vec<&PoEntry>, Vec<&PoEntry>) = file.entries.iter().partition(|entry| !entry.obsolete);
    for entry in live.into_iter().chain(obsolete) {
        text.push('\n');
        write_entry(entry, &mut text);
    }
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn write_entry(entry: &PoEntry, out: &mut String) {
    let comments = [(&entry.tcomment, "#"), (&entry.comment, "#.")];
    for (comment, prefix) in comments {
        for line in comment.iter().flat_map(|c| c.lines()) {
            let separator = if line.is_empty() { "" } else { " " };
            out.push_str(&format!("{prefix}{separator}{line}\n"));
        }
    }
    if !entry.obsolete && !entry.occurrences.is_empty() {
        let references: Vec<String> = entry
            .occurrences
            .iter()
            .map(|(file, line)| {
                if line.is_empty() {
                    file.clone()
                } else {
                    format!("{file}:{line}")
                }
            })
            .collect();
        out.push_str(&format!("#: {}\n", references.join(" ")));
    }
    if !entry.flags.is_empty() {
        out.push_str(&format!("#, {}\n", entry.flags.join(", ")));
    }
    let prefix = if entry.obsolete { "#~ " } else { "" };
    let previous = if entry.obsolete { "#~| " } else { "#| " };
    let fields = [
        (previous, "msgctxt", &entry.previous_msgctxt),
        (previous, "msgid", &entry.previous_msgid),
        (prefix, "msgctxt", &entry.msgctxt),
    ];
    for (prefix, keyword, value) in fields {
        if let Some(value) = value {
            write_string(prefix, keyword, value, out);
        }
    }
    write_string(prefix, "msgid", &entry.msgid, out);
    if let Some(plural) = &entry.msgid_plural {
        write_string(prefix, "msgid_plural", plural, out);
        for (index, form) in entry.msgstr_plural.iter().enumerate() {
            write_string(prefix, &format!("msgstr[{index}]"), form, out);
        }
    } else {
        write_string(prefix, "msgstr", entry.msgstr.as_deref().unwrap_or_default(), out);
    }
}

/// `keyword "value"`, or `keyword ""` and one line per `\n`-ended piece.
fn write_string(prefix: &str, keyword: &str, value: &str, out: &mut String) {
    let pieces: Vec<&str> = value.split_inclusive('\n').collect();
    if pieces.len() <= 1 {
        out.push_str(&format!("{prefix}{keyword} \"{}\"\n", escape(value)));
        return;
    }
    out.push_str(&format!("{prefix}{keyword} \"\"\n"));
    for piece in pieces {
        out.push_str(&format!("{prefix}\"{}\"\n", escape(piece)));
    }
}

/// A string as a PO file writes it between quotes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// A new, empty PO file for `language` with the header gettext's tools expect.
pub fn new_po_file(language: &str) -> POFile {
    let mut file = rspolib::pofile("msgid \"\"\nmsgstr \"\"\n").expect("an empty PO file parses");
    for (key, value) in [
        ("Project-Id-Version", "PACKAGE VERSION"),
        ("PO-Revision-Date", "YEAR-MO-DA HO:MI+ZONE"),
        ("Last-Translator", "FULL NAME <EMAIL@ADDRESS>"),
        ("Language-Team", "LANGUAGE <LL@li.org>"),
        ("Language", language),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("X-Generator", "mdbook-translate"),
    ] {
        file.metadata.insert(key.to_string(), value.to_string());
    }
    file
}

#[cfg(test)]
mod tests;
