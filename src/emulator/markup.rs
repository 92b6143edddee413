//! HTML as the engine sees it: a flat run of tags and text.
//!
//! html5ever's tokenizer (not its tree builder, which would move and add
//! elements) cuts the document into tags, comments and text with entities
//! decoded. Tags are written back as they came (name, attributes in order,
//! self-closing slash), so elements, attributes and ids survive translation;
//! only text changes. Text inside an element with `translate="no"` (or under
//! one) is marked untranslatable, as is the content of `<script>`/`<style>`.

use html5ever::TokenizerResult;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use std::cell::RefCell;

/// One piece of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A start or end tag, as written back.
    Tag(String),
    /// A comment or doctype, as written back.
    Other(String),
    /// Text with entities decoded; `translate` is false under `translate="no"`.
    Text { text: String, translate: bool },
    /// The content of `<script>`, `<style>` and other raw-text elements.
    Raw(String),
}

/// Elements that have no end tag.
const VOID_ELEMENTS: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
];

/// Cuts `html` into pieces.
pub(crate) fn parse_html(html: &str) -> Vec<Piece> {
    let tokenizer = Tokenizer::new(PieceSink::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    while let TokenizerResult::Script(()) = tokenizer.feed(&input) {}
    tokenizer.end();
    tokenizer.sink.state.into_inner().pieces
}

/// A document's pieces: cut as HTML, or (`html` false) one piece of plain text.
pub(crate) fn parse_document(text: &str, html: bool) -> Vec<Piece> {
    if html { parse_html(text) } else { plain_text(text) }
}

/// Plain text as one translatable piece (for `text/plain` documents).
pub(crate) fn plain_text(text: &str) -> Vec<Piece> {
    vec![Piece::Text {
        text: text.to_string(),
        translate: true,
    }]
}

/// Writes pieces back as HTML, escaping text.
pub(crate) fn write_html(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Tag(markup) | Piece::Other(markup) | Piece::Raw(markup) => out.push_str(markup),
            Piece::Text { text, .. } => escape_into(text, &mut out),
        }
    }
    out
}

/// Writes pieces back as plain text.
pub(crate) fn write_plain(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|piece| match piece {
            Piece::Text { text, .. } | Piece::Raw(text) => text.as_str(),
            Piece::Tag(_) | Piece::Other(_) => "",
        })
        .collect()
}

/// The characters that are billed: text content outside tags, entities
/// decoded, counted as Unicode scalar values.
pub(crate) fn billed_characters(pieces: &[Piece]) -> usize {
    pieces
        .iter()
        .map(|piece| match piece {
            Piece::Text { text, .. } => text.chars().count(),
            _ => 0,
        })
        .sum()
}

/// How a mangled answer breaks its tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mangling {
    /// One tag is left out.
    Drop,
    /// One tag appears twice.
    Duplicate,
    /// Two tags trade places.
    Reorder,
}

/// Breaks the tags of `pieces` as `mangling` says, at the tag numbered
/// `choice` (modulo the number of tags). Returns false when there is no tag
/// to break (or, for `Reorder`, only one).
pub(crate) fn mangle_tags(pieces: &mut Vec<Piece>, mangling: Mangling, choice: usize) -> bool {
    let tags: Vec<usize> = (0..pieces.len())
        .filter(|&i| matches!(pieces[i], Piece::Tag(_)))
        .collect();
    if tags.is_empty() {
        return false;
    }
    let at = tags[choice % tags.len()];
    match mangling {
        Mangling::Drop => {
            pieces.remove(at);
        }
        Mangling::Duplicate => {
            let tag = pieces[at].clone();
            pieces.insert(at, tag);
        }
        Mangling::Reorder => {
            if tags.len() < 2 {
                return false;
            }
            let other = tags[(choice + 1) % tags.len()];
            pieces.swap(at, other);
        }
    }
    true
}

fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            _ => out.push(c),
        }
    }
}

fn escape_attribute(value: &str) -> String {
    value.replace('&', "&amp;").replace('"', "&quot;")
}

#[derive(Default)]
struct PieceSink {
    state: RefCell<SinkState>,
}

#[derive(Default)]
struct SinkState {
    pieces: Vec<Piece>,
    /// Open elements and whether each is untranslatable.
    open: Vec<(String, bool)>,
    /// Inside a raw-text element.
    raw: bool,
}

impl SinkState {
    fn translatable(&self) -> bool {
        self.open.last().is_none_or(|(_, no)| !no)
    }

    fn push_text(&mut self, text: &str) {
        if self.raw {
            if let Some(Piece::Raw(raw)) = self.pieces.last_mut() {
                raw.push_str(text);
            } else {
                self.pieces.push(Piece::Raw(text.to_string()));
            }
            return;
        }
        let translate = self.translatable();
        match self.pieces.last_mut() {
            Some(Piece::Text {
                text: last,
                translate: same,
            }) if *same == translate => last.push_str(text),
            _ => self.pieces.push(Piece::Text {
                text: text.to_string(),
                translate,
            }),
        }
    }

    fn start_tag(&mut self, tag: &html5ever::tokenizer::Tag) -> TokenSinkResult<()> {
        let name = tag.name.to_string();
        let mut markup = format!("<{name}");
        let mut no_translate = !self.translatable();
        for attribute in &tag.attrs {
            let attribute_name = attribute.name.local.to_string();
            if attribute_name.eq_ignore_ascii_case("translate") {
                no_translate = attribute.value.trim().eq_ignore_ascii_case("no");
            }
            markup.push_str(&format!(" {attribute_name}=\"{}\"", escape_attribute(&attribute.value)));
        }
        markup.push_str(if tag.self_closing { "/>" } else { ">" });
        self.pieces.push(Piece::Tag(markup));
        if tag.self_closing || VOID_ELEMENTS.contains(&name.as_str()) {
            return TokenSinkResult::Continue;
        }
        let raw_kind = match name.as_str() {
            "script" => Some(RawKind::ScriptData),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
            "textarea" | "title" => Some(RawKind::Rcdata),
            _ => None,
        };
        self.open.push((name, no_translate || raw_kind.is_some()));
        match raw_kind {
            Some(RawKind::Rcdata) | None => TokenSinkResult::Continue,
            Some(kind) => {
                self.raw = true;
                TokenSinkResult::RawData(kind)
            }
        }
    }

    fn end_tag(&mut self, tag: &html5ever::tokenizer::Tag) {
        let name = tag.name.to_string();
        self.raw = false;
        if let Some(position) = self.open.iter().rposition(|(open, _)| *open == name) {
            self.open.truncate(position);
        }
        self.pieces.push(Piece::Tag(format!("</{name}>")));
    }
}

impl TokenSink for PieceSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line_number: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        match token {
            Token::TagToken(tag) => match tag.kind {
                TagKind::StartTag => return state.start_tag(&tag),
                TagKind::EndTag => state.end_tag(&tag),
            },
            Token::CharacterTokens(text) => state.push_text(&text),
            Token::CommentToken(comment) => state.pieces.push(Piece::Other(format!("<!--{comment}-->"))),
            Token::DoctypeToken(doctype) => {
                let name = doctype
                    .name
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "html".to_string());
                state.pieces.push(Piece::Other(format!("<!DOCTYPE {name}>")));
            }
            Token::NullCharacterToken | Token::EOFToken | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}
