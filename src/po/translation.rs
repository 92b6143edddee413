//! A translator's msgstr read back as tagged text with the source's slots.
//!
//! What is wrong with a msgstr is said in the translator's terms: the piece
//! of markdown that is missing or extra ("the code span `&str`", "the link
//! to `second.html#details`", "the comment `<!-- ignore -->`"), never the
//! tags (`<x1/>`) the engine sees.

use super::Message;
use crate::segment::tagged::{TagError, TaggedToken, TaggedWriter, parse_tagged, validate_tags};
use crate::segment::{PairKind, SegmentOptions, Slot, slot_shapes, unit_from_markdown};
use std::collections::HashMap;
use std::fmt;

/// A piece of a unit's markdown that a translation must keep: a code span,
/// a link, an emphasis, a comment…, as a translator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// `` `code` ``, with its backticks.
    CodeSpan(String),
    /// `<!-- … -->`.
    Comment(String),
    /// Inline HTML: `<br>`, `<kbd>`.
    Html(String),
    /// An autolink or a bare URL.
    Url(String),
    /// `\\( … \\)` or `$ … $`.
    Math(String),
    /// `{{#include …}}` and other mdBook directives.
    Directive(String),
    /// `[^note]`.
    FootnoteReference(String),
    /// A hard line break.
    LineBreak,
    /// Text the book says is never translated (`do-not-translate`).
    Kept(String),
    /// A link, by its destination (`](url)`) or reference (`][label]`).
    Link(String),
    /// An image, by its source.
    Image(String),
    /// `*…*` or `_…_`.
    Emphasis(String),
    /// `**…**`.
    Strong(String),
    /// `~~…~~`.
    Strikethrough(String),
}

impl Piece {
    /// The piece a slot of a unit stands for.
    pub fn of_slot(slot: &Slot) -> Piece {
        match slot {
            Slot::Placeholder(bytes) => placeholder_piece(bytes),
            Slot::Pair { kind, open, close } => {
                let marks = format!("{open}…{close}");
                match kind {
                    PairKind::Link => Piece::Link(destination(close)),
                    PairKind::Image => Piece::Image(destination(close)),
                    PairKind::Emphasis => Piece::Emphasis(marks),
                    PairKind::Strong => Piece::Strong(marks),
                    PairKind::Strikethrough => Piece::Strikethrough(marks),
                }
            }
        }
    }
}

fn placeholder_piece(bytes: &str) -> Piece {
    let text = bytes.to_string();
    let is_autolink = bytes.starts_with('<') && !bytes.contains(' ') && (bytes.contains("://") || bytes.contains('@'));
    match bytes {
        _ if bytes.starts_with('`') => Piece::CodeSpan(text),
        _ if bytes.starts_with("<!--") => Piece::Comment(text),
        _ if is_autolink => Piece::Url(text),
        _ if bytes.starts_with('<') => Piece::Html(text),
        _ if bytes.starts_with("{{") => Piece::Directive(text),
        _ if bytes.starts_with("[^") => Piece::FootnoteReference(text),
        _ if bytes.starts_with("\\\\(") || bytes.starts_with("\\\\[") || bytes.starts_with('$') => Piece::Math(text),
        _ if ["http://", "https://", "www."].iter().any(|p| bytes.starts_with(p)) => Piece::Url(text),
        _ if bytes.trim().is_empty() || bytes.trim() == "\\" => Piece::LineBreak,
        _ => Piece::Kept(text),
    }
}

/// A link's destination (`](url "title")` → `url`) or reference (`][label]` → `[label]`).
fn destination(close: &str) -> String {
    let rest = close.strip_prefix(']').unwrap_or(close);
    if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        let inner = inner.trim();
        let url = inner.split_once([' ', '\n']).map_or(inner, |(url, _)| url);
        return url.trim_start_matches('<').trim_end_matches('>').to_string();
    }
    rest.to_string()
}

impl fmt::Display for Piece {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Piece::CodeSpan(code) => write!(f, "the code span {code}"),
            Piece::Comment(text) => write!(f, "the comment `{text}`"),
            Piece::Html(text) => write!(f, "the HTML `{text}`"),
            Piece::Url(text) => write!(f, "the URL `{text}`"),
            Piece::Math(text) => write!(f, "the math `{text}`"),
            Piece::Directive(text) => write!(f, "the directive `{text}`"),
            Piece::FootnoteReference(text) => write!(f, "the footnote reference `{text}`"),
            Piece::LineBreak => f.write_str("the line break"),
            Piece::Kept(text) => write!(f, "the untranslated text `{text}`"),
            Piece::Link(to) => write!(f, "the link to `{to}`"),
            Piece::Image(source) => write!(f, "the image `{source}`"),
            Piece::Emphasis(marks) => write!(f, "the emphasis `{marks}`"),
            Piece::Strong(marks) => write!(f, "the strong emphasis `{marks}`"),
            Piece::Strikethrough(marks) => write!(f, "the strikethrough `{marks}`"),
        }
    }
}

/// Why a translator's msgstr is not imported as the translation of its msgid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TranslationError {
    /// A chapter name or part title translated over several lines.
    #[error("a name must be one line")]
    NameOverSeveralLines,
    /// The msgstr is not one paragraph with text in it.
    #[error("the translation is not one paragraph of text")]
    NotOneParagraph,
    /// The msgstr lacks a piece of its msgid.
    #[error("{0} is missing")]
    Missing(Piece),
    /// The msgstr has a piece its msgid does not.
    #[error("{0} is not in the source")]
    NotInSource(Piece),
    /// The msgstr has a piece more often than its msgid.
    #[error("{0} is there more often than in the source")]
    Repeated(Piece),
    /// A definition list's msgstr (mdbook-xgettext's `term : definition`)
    /// with another number of parts.
    #[error(
        "the translation has {n_translation} parts separated by ` : ` where the definition list has {n_source} \
         (its term and each definition)"
    )]
    DefinitionParts {
        /// Parts of the msgid.
        n_source: usize,
        /// Parts of the msgstr.
        n_translation: usize,
    },
    /// The placeholders and markup do not match the msgid's otherwise.
    #[error("{0}")]
    Tags(#[from] TagError),
}

/// A link or image whose destination the translation changed: the build
/// keeps the source's, and the import reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedLink {
    /// The source's link or image.
    pub source: Piece,
    /// The destination the translation gives it.
    pub translation: String,
}

/// A msgstr read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    /// Tagged text with the source's slot ids.
    pub tagged: String,
    /// Links and images whose destination the translation changed.
    pub changed_links: Vec<ChangedLink>,
}

/// [`read_translation`]'s tagged text.
pub fn translation_to_tagged(
    message: &Message,
    msgstr: &str,
    options: &SegmentOptions,
) -> Result<String, TranslationError> {
    read_translation(message, msgstr, options).map(|translation| translation.tagged)
}

/// Turns a translator's markdown into tagged text with the source
/// message's slot ids: each placeholder of the translation is matched to
/// the source placeholder with the same bytes, each piece of markup to the
/// source markup of the same kind (the same link target where there is
/// one; another target is matched and reported as a [`ChangedLink`]).
pub fn read_translation(
    message: &Message,
    msgstr: &str,
    options: &SegmentOptions,
) -> Result<Translation, TranslationError> {
    if message.plain {
        if msgstr.contains('\n') {
            return Err(TranslationError::NameOverSeveralLines);
        }
        let mut tagged = TaggedWriter::default();
        tagged.text(msgstr.trim());
        return Ok(Translation {
            tagged: tagged.finish(),
            changed_links: Vec::new(),
        });
    }
    let translated = unit_from_markdown(msgstr, options).ok_or(TranslationError::NotOneParagraph)?;
    let (id_map, changed_links) = match_slots(&message.slots, &translated.slots)?;
    let mut writer = TaggedWriter::default();
    for token in parse_tagged(&translated.tagged)? {
        writer.token(&match token {
            TaggedToken::Open(id) => TaggedToken::Open(id_map[&id]),
            TaggedToken::Close(id) => TaggedToken::Close(id_map[&id]),
            TaggedToken::Placeholder(id) => TaggedToken::Placeholder(id_map[&id]),
            text => text,
        });
    }
    let tagged = writer.finish();
    validate_tags(&tagged, &slot_shapes(&message.slots)).map_err(|error| in_translator_terms(error, &message.slots))?;
    Ok(Translation { tagged, changed_links })
}

/// The source slot of each slot of the translation (by id), and the links
/// whose destination changed; a piece missing, extra or repeated is an error.
fn match_slots(
    source: &[Slot],
    translated: &[Slot],
) -> Result<(HashMap<u32, u32>, Vec<ChangedLink>), TranslationError> {
    let mut used = vec![false; source.len()];
    let mut id_map: HashMap<u32, u32> = HashMap::new();
    let mut changed_links = Vec::new();
    for (index, slot) in translated.iter().enumerate() {
        let same_kind = |candidate: &Slot| match (candidate, slot) {
            (Slot::Pair { kind: a, .. }, Slot::Pair { kind: b, .. }) => a == b,
            _ => false,
        };
        let unused = |i: &usize| !used[*i];
        let found = (0..source.len())
            .filter(unused)
            .find(|&i| source[i] == *slot)
            .or_else(|| (0..source.len()).filter(unused).find(|&i| same_kind(&source[i])));
        let Some(found) = found else {
            let piece = Piece::of_slot(slot);
            return Err(if source.contains(slot) {
                TranslationError::Repeated(piece)
            } else {
                TranslationError::NotInSource(piece)
            });
        };
        let (from, to) = (Piece::of_slot(&source[found]), Piece::of_slot(slot));
        if let (Piece::Link(a) | Piece::Image(a), Piece::Link(b) | Piece::Image(b)) = (&from, &to)
            && a != b
        {
            changed_links.push(ChangedLink {
                source: from,
                translation: b.clone(),
            });
        }
        used[found] = true;
        id_map.insert(index as u32 + 1, found as u32 + 1);
    }
    if let Some(missing) = used.iter().position(|used| !used) {
        return Err(TranslationError::Missing(Piece::of_slot(&source[missing])));
    }
    Ok((id_map, changed_links))
}

/// A tag error of a translation with the source's `slots`, said with the
/// piece of markdown it is about where it is about one.
fn in_translator_terms(error: TagError, slots: &[Slot]) -> TranslationError {
    let piece = |id: u32| slots.get(id as usize - 1).map(Piece::of_slot);
    let translated = match &error {
        TagError::MissingPlaceholder(id) | TagError::MissingPair(id) => piece(*id).map(TranslationError::Missing),
        TagError::RepeatedPlaceholder(id) | TagError::RepeatedPair(id) => piece(*id).map(TranslationError::Repeated),
        _ => None,
    };
    translated.unwrap_or(TranslationError::Tags(error))
}
