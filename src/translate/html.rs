//! Units as the HTML that Amazon Translate reads, and back.
//!
//! Each unit becomes a `<p>` element with an id: `uN` for the N-th unit of
//! a real-time request, the unit's own id in a batch document.
//! Inside it, a `<gK>…</gK>` pair becomes `<span data-g=K>…</span>`, an
//! element the engine may move with the words it wraps, and a `<xK/>`
//! placeholder an empty `<span data-x=K translate=no></span>`: the
//! engine carries it through, and the code, math or URL it stands for is
//! never sent. Units are packed into documents of at most
//! [`MAX_REQUEST_BYTES`].
//!
//! Attribute values are written without quotes (as HTML allows for values
//! without spaces, quotes, `=`, `<`, `>` or backticks, and as Amazon
//! Translate's own examples write `translate=no`): the markup is up to a
//! third of what a request carries, and every byte of it takes room from
//! text (`cargo run --release --example bench -- markup`).
//!
//! The answer is read back with html5ever's tokenizer (not its tree
//! builder, which would move and add elements), so whatever the engine did
//! to the tags shows up in the tagged text and is caught by validation.

use crate::segment::tagged::{TaggedToken, TaggedWriter, parse_tagged, push_escaped};
use html5ever::TokenizerResult;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;

/// The most UTF-8 bytes TranslateText accepts in `Text`.
pub const MAX_REQUEST_BYTES: usize = 10_000;

/// Units packed into one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed {
    /// Indexes of the units, as given to [`pack_units`].
    pub units: Vec<usize>,
    /// The HTML sent.
    pub html: String,
    /// Characters of text content (what the service bills).
    pub n_chars: usize,
}

/// A unit whose HTML alone exceeds [`MAX_REQUEST_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLong {
    /// Index of the unit.
    pub unit: usize,
    /// Its size as HTML.
    pub n_bytes: usize,
}

/// The HTML element with id `id` of a unit with tagged text `tagged`, and
/// the characters of its text.
pub fn unit_html(id: &str, tagged: &str) -> (String, usize) {
    let mut html = format!("<p id={}>", attribute_value(id));
    let mut n_chars = 0;
    // Tagged text that does not parse is sent as text: its answer then
    // fails validation and the unit is reported.
    let tokens = parse_tagged(tagged).unwrap_or_else(|_| vec![TaggedToken::Text(tagged.to_string())]);
    for token in &tokens {
        n_chars += push_token_html(&mut html, token);
    }
    html.push_str("</p>");
    (html, n_chars)
}

/// Bytes the HTML of a unit's element adds around its content:
/// `<p id=…>` and `</p>`, for an id of `id_len` bytes.
pub fn unit_element_bytes(id_len: usize) -> usize {
    "<p id=></p>".len() + id_len
}

/// Appends the HTML of one token of tagged text; returns the characters of
/// its text (what the service bills).
pub fn push_token_html(html: &mut String, token: &TaggedToken) -> usize {
    match token {
        TaggedToken::Text(text) => {
            push_escaped(html, text);
            return text.chars().count();
        }
        TaggedToken::Open(id) => {
            let _ = write!(html, "<span data-g={id}>");
        }
        TaggedToken::Close(_) => html.push_str("</span>"),
        TaggedToken::Placeholder(id) => {
            let _ = write!(html, "<span data-x={id} translate=no></span>");
        }
    }
    0
}

/// `value` as an attribute value: as it is when HTML allows it unquoted,
/// else in double quotes (ids are `uN` or hex digests, so never in practice).
fn attribute_value(value: &str) -> String {
    let unquoted = !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_ascii_whitespace() || matches!(c, '"' | '\'' | '=' | '<' | '>' | '`' | '&'));
    if unquoted {
        value.to_string()
    } else {
        format!("\"{}\"", value.replace('&', "&amp;").replace('"', "&quot;"))
    }
}

/// Packs the units (tagged text, by index) into documents of at most
/// `max_bytes`, in order; with `one_per_document` each unit alone. A unit
/// too long for any document is returned apart.
pub fn pack_units(units: &[&str], max_bytes: usize, one_per_document: bool) -> (Vec<Packed>, Vec<TooLong>) {
    let mut documents: Vec<Packed> = Vec::new();
    let mut too_long = Vec::new();
    let mut current: Option<Packed> = None;
    for (index, tagged) in units.iter().enumerate() {
        let (html, n_chars) = unit_html(&request_unit_id(index), tagged);
        if html.len() > max_bytes {
            too_long.push(TooLong {
                unit: index,
                n_bytes: html.len(),
            });
            continue;
        }
        if let Some(document) = &current
            && (one_per_document || document.html.len() + html.len() > max_bytes)
        {
            documents.extend(current.take());
        }
        let document = current.get_or_insert_with(|| Packed {
            units: Vec::new(),
            html: String::new(),
            n_chars: 0,
        });
        document.units.push(index);
        document.html.push_str(&html);
        document.n_chars += n_chars;
    }
    documents.extend(current);
    (documents, too_long)
}

/// What the engine did to a unit's markup that tagged text cannot show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BrokenMarkup {
    /// An end tag that closes no element of the unit, or not the one open.
    #[error("an end tag closes no element, or not the one open")]
    StrayEndTag,
    /// Text inside a placeholder, which must stay empty.
    #[error("text inside a placeholder")]
    TextInPlaceholder,
    /// Two unit elements with the same id.
    #[error("the unit's element appears twice")]
    RepeatedUnit,
}

/// The element id of the `index`-th unit of a request.
pub fn request_unit_id(index: usize) -> String {
    format!("u{index}")
}

/// Reads a translated document: the tagged text of each unit element found,
/// by element id. Text outside unit elements is ignored; an element the
/// engine added is dropped but its text kept; white space is collapsed as
/// in tagged text. The end of a unit's element ends the unit: an element
/// left open shows as an unclosed pair, which validation refuses.
pub fn read_units(html: &str) -> HashMap<String, Result<String, BrokenMarkup>> {
    let tokenizer = Tokenizer::new(UnitSink::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    while let TokenizerResult::Script(()) = tokenizer.feed(&input) {}
    tokenizer.end();
    let state = tokenizer.sink.state.into_inner();
    state
        .units
        .into_iter()
        .map(|(index, tagged)| (index, tagged.map(|tagged| collapse_white_space(&tagged))))
        .collect()
}

/// What an open `<span>` inside a unit stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Pair(u32),
    Placeholder,
    /// An element the engine added (or a `<p>` inside the unit's).
    Other(bool),
}

#[derive(Debug, Default)]
struct UnitState {
    /// The unit being read and its tagged text so far.
    current: Option<(String, TaggedWriter)>,
    /// Elements open inside it.
    open: Vec<Open>,
    /// Whether its markup is broken beyond what tagged text shows.
    broken: Option<BrokenMarkup>,
    units: Vec<(String, Result<String, BrokenMarkup>)>,
}

#[derive(Debug, Default)]
struct UnitSink {
    state: RefCell<UnitState>,
}

impl UnitState {
    fn start_tag(&mut self, tag: &html5ever::tokenizer::Tag) {
        let attribute = |name: &str| {
            tag.attrs
                .iter()
                .find(|a| a.name.local.as_ref() == name)
                .map(|a| a.value.to_string())
        };
        if &*tag.name == "p"
            && let Some(id) = attribute("id")
        {
            self.finish();
            self.current = Some((id, TaggedWriter::default()));
            return;
        }
        let is_paragraph = &*tag.name == "p";
        let Some((_, tagged)) = &mut self.current else { return };
        let open = if let Some(id) = attribute("data-g").and_then(|v| v.parse().ok()) {
            tagged.open(id);
            Open::Pair(id)
        } else if let Some(id) = attribute("data-x").and_then(|v| v.parse::<u32>().ok()) {
            tagged.placeholder(id);
            Open::Placeholder
        } else {
            Open::Other(is_paragraph)
        };
        if !tag.self_closing && !is_void(&tag.name) {
            self.open.push(open);
        }
    }

    fn end_tag(&mut self, tag: &html5ever::tokenizer::Tag) {
        let is_paragraph = &*tag.name == "p";
        // The unit's own end: unless a `<p>` inside it is open.
        if is_paragraph && !self.open.contains(&Open::Other(true)) {
            self.finish();
            return;
        }
        let Some((_, tagged)) = &mut self.current else { return };
        let is_span = &*tag.name == "span";
        match self.open.pop() {
            Some(Open::Pair(id)) if is_span => tagged.close(id),
            Some(Open::Placeholder) if is_span => {}
            Some(Open::Other(paragraph)) if paragraph == is_paragraph => {}
            _ => self.broken = Some(BrokenMarkup::StrayEndTag),
        }
    }

    fn text(&mut self, text: &str) {
        let Some((_, tagged)) = &mut self.current else { return };
        if !self.open.contains(&Open::Placeholder) {
            tagged.text(text);
        } else if !text.trim().is_empty() {
            self.broken = Some(BrokenMarkup::TextInPlaceholder);
        }
    }

    fn finish(&mut self) {
        if let Some((index, tagged)) = self.current.take() {
            let unit = match self.broken.take() {
                Some(broken) => Err(broken),
                None => Ok(tagged.finish()),
            };
            match self.units.iter_mut().find(|(seen, _)| *seen == index) {
                Some((_, earlier)) => *earlier = Err(BrokenMarkup::RepeatedUnit),
                None => self.units.push((index, unit)),
            }
        }
        self.open.clear();
    }
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

impl TokenSink for UnitSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line_number: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        match token {
            Token::TagToken(tag) => match tag.kind {
                TagKind::StartTag => state.start_tag(&tag),
                TagKind::EndTag => state.end_tag(&tag),
            },
            Token::CharacterTokens(text) => state.text(&text),
            Token::EOFToken => state.finish(),
            Token::CommentToken(_) | Token::DoctypeToken(_) | Token::NullCharacterToken | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

/// Runs of white space as one space, none at the ends, as in tagged text.
fn collapse_white_space(tagged: &str) -> String {
    tagged.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests;
