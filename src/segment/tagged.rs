//! Tagged text: the form in which a unit is keyed, stored and translated.
//!
//! Plain text with `&`, `<` and `>` escaped as `&amp;`, `&lt;`, `&gt;`;
//! paired inline markup (emphasis, strong, strikethrough, link and image
//! text) as `<gN>…</gN>`; opaque items (code spans, math, inline HTML, URLs,
//! directives, hard breaks, footnote references) as `<xN/>`. Ids count from
//! 1 in order of appearance within the unit, so the same sentence gets the
//! same tagged text wherever it appears.

use std::collections::HashSet;

/// One token of parsed tagged text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaggedToken {
    /// Plain text, unescaped.
    Text(String),
    /// `<gN>`.
    Open(u32),
    /// `</gN>`.
    Close(u32),
    /// `<xN/>`.
    Placeholder(u32),
}

/// What a slot id stands for in the source unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotShape {
    /// A `<gN>…</gN>` pair.
    Pair,
    /// A `<xN/>` placeholder.
    Placeholder,
}

/// What is wrong with tagged text, or with a translation's tags against
/// its source's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TagError {
    /// A `<` without its `>`.
    #[error("unterminated tag in `{text}`")]
    Unterminated {
        /// The tagged text.
        text: String,
    },
    /// A tag that is none of `<gN>`, `</gN>`, `<xN/>`.
    #[error("unknown tag `<{tag}>`")]
    UnknownTag {
        /// What stands between `<` and `>`.
        tag: String,
    },
    /// A tag whose id is not a number.
    #[error("bad tag id `{id}` in `{text}`")]
    BadId {
        /// The id as written.
        id: String,
        /// The tagged text.
        text: String,
    },
    /// A tag id the source does not have.
    #[error("tag id {0} does not exist in the source")]
    NotInSource(u32),
    /// `<xN/>` where the source has a pair `N`.
    #[error("<x{0}/> stands for a pair in the source")]
    PlaceholderForPair(u32),
    /// `<gN>` where the source has a placeholder `N`.
    #[error("<g{0}> stands for a placeholder in the source")]
    PairForPlaceholder(u32),
    /// A pair that holds text in the source and none in the translation.
    #[error("<g{0}> holds text in the source and none in the translation")]
    EmptiedPair(u32),
    /// `<xN/>` twice.
    #[error("<x{0}/> appears twice")]
    RepeatedPlaceholder(u32),
    /// `<gN>` twice.
    #[error("<g{0}> appears twice")]
    RepeatedPair(u32),
    /// `</gN>` that does not close the innermost open pair.
    #[error("</g{0}> is not properly nested")]
    Misnested(u32),
    /// A placeholder of the source that the translation lacks.
    #[error("<x{0}/> is missing")]
    MissingPlaceholder(u32),
    /// A pair of the source that the translation lacks or leaves open.
    #[error("<g{0}>…</g{0}> is missing")]
    MissingPair(u32),
}

/// Appends `text` to `out` with `&`, `<` and `>` escaped.
pub fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// Writes tagged text: the one place that spells its escapes and tags.
///
/// ```
/// use mdbook_translate::segment::tagged::TaggedWriter;
///
/// let mut writer = TaggedWriter::default();
/// writer.text("Run ");
/// writer.placeholder(1);
/// writer.text(" & ");
/// writer.open(2);
/// writer.text("go");
/// writer.close(2);
/// assert_eq!(writer.finish(), "Run <x1/> &amp; <g2>go</g2>");
/// ```
#[derive(Debug, Clone, Default)]
pub struct TaggedWriter {
    out: String,
}

impl TaggedWriter {
    /// Appends text, escaping `&`, `<` and `>`.
    pub fn text(&mut self, text: &str) {
        push_escaped(&mut self.out, text);
    }

    /// Appends `<gN>`.
    pub fn open(&mut self, id: u32) {
        self.push_tag("<g", id, ">");
    }

    /// Appends `</gN>`.
    pub fn close(&mut self, id: u32) {
        self.push_tag("</g", id, ">");
    }

    /// Appends `<xN/>`.
    pub fn placeholder(&mut self, id: u32) {
        self.push_tag("<x", id, "/>");
    }

    /// Appends one parsed token.
    pub fn token(&mut self, token: &TaggedToken) {
        match token {
            TaggedToken::Text(text) => self.text(text),
            TaggedToken::Open(id) => self.open(*id),
            TaggedToken::Close(id) => self.close(*id),
            TaggedToken::Placeholder(id) => self.placeholder(*id),
        }
    }

    /// Whether nothing has been written yet.
    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// The tagged text written.
    pub fn finish(self) -> String {
        self.out
    }

    fn push_tag(&mut self, start: &str, id: u32, end: &str) {
        self.out.push_str(start);
        self.out.push_str(&id.to_string());
        self.out.push_str(end);
    }
}

/// Plain text (a chapter name, an HTML element's text) as tagged text:
/// white space normalised, escaped, no tags.
pub fn plain_to_tagged(text: &str) -> String {
    let mut writer = TaggedWriter::default();
    writer.text(&text.split_whitespace().collect::<Vec<_>>().join(" "));
    writer.finish()
}

/// Parses tagged text into tokens. Entities other than the ones the format
/// writes (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#39;`, numeric)
/// are kept as literal text; any other `<` is an error.
pub fn parse_tagged(input: &str) -> Result<Vec<TaggedToken>, TagError> {
    let mut tokens = Vec::new();
    let mut text = String::new();
    let mut rest = input;
    while let Some(position) = rest.find(['<', '&']) {
        text.push_str(&rest[..position]);
        rest = &rest[position..];
        if rest.starts_with('&') {
            let (decoded, length) = decode_entity(rest);
            text.push_str(&decoded);
            rest = &rest[length..];
            continue;
        }
        let end = rest.find('>').ok_or_else(|| TagError::Unterminated {
            text: input.to_string(),
        })?;
        let tag = &rest[1..end];
        let token = if let Some(id) = tag.strip_prefix("/g") {
            TaggedToken::Close(parse_id(id, input)?)
        } else if let Some(id) = tag.strip_prefix('g') {
            TaggedToken::Open(parse_id(id, input)?)
        } else if let Some(id) = tag.strip_prefix('x').and_then(|t| t.strip_suffix('/')) {
            TaggedToken::Placeholder(parse_id(id.trim_end(), input)?)
        } else {
            return Err(TagError::UnknownTag { tag: tag.to_string() });
        };
        if !text.is_empty() {
            tokens.push(TaggedToken::Text(std::mem::take(&mut text)));
        }
        tokens.push(token);
        rest = &rest[end + 1..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        tokens.push(TaggedToken::Text(text));
    }
    Ok(tokens)
}

fn parse_id(digits: &str, input: &str) -> Result<u32, TagError> {
    digits.parse().map_err(|_| TagError::BadId {
        id: digits.to_string(),
        text: input.to_string(),
    })
}

/// Decodes the entity at the start of `s`; returns the text and the bytes used.
fn decode_entity(s: &str) -> (String, usize) {
    let Some(end) = s.find(';').filter(|&end| end <= 12) else {
        return ("&".to_string(), 1);
    };
    let name = &s[1..end];
    let decoded = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => name.strip_prefix('#').and_then(|number| {
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => number.parse().ok(),
            };
            code.and_then(char::from_u32)
        }),
    };
    match decoded {
        Some(c) => (c.to_string(), end + 1),
        None => ("&".to_string(), 1),
    }
}

/// Checks that every pair holding text in `source` holds text in
/// `translation` too (an emptied link text or emphasis is not a
/// translation). Both are tagged text; `translation` has passed
/// [`validate_tags`].
pub fn check_pairs_keep_text(source: &str, translation: &str) -> Result<(), TagError> {
    // The pairs holding text, in linear time: text marks the innermost
    // open pair, and a pair that closes with text marks the one around it.
    let with_text = |tagged: &str| -> Result<HashSet<u32>, TagError> {
        let mut open: Vec<(u32, bool)> = Vec::new();
        let mut found: HashSet<u32> = HashSet::new();
        for token in parse_tagged(tagged)? {
            match token {
                TaggedToken::Open(id) => open.push((id, false)),
                TaggedToken::Close(_) => {
                    if let Some((id, true)) = open.pop() {
                        found.insert(id);
                        if let Some(outer) = open.last_mut() {
                            outer.1 = true;
                        }
                    }
                }
                TaggedToken::Text(text) if !text.trim().is_empty() => {
                    if let Some(inner) = open.last_mut() {
                        inner.1 = true;
                    }
                }
                TaggedToken::Text(_) | TaggedToken::Placeholder(_) => {}
            }
        }
        Ok(found)
    };
    let translated = with_text(translation)?;
    let mut emptied: Vec<u32> = with_text(source)?.difference(&translated).copied().collect();
    emptied.sort_unstable();
    match emptied.first() {
        Some(&id) => Err(TagError::EmptiedPair(id)),
        None => Ok(()),
    }
}

/// Checks that `translation` carries exactly the slots of its source: each
/// placeholder once, each pair opened and closed once and properly nested.
/// Returns the parsed tokens.
pub fn validate_tags(translation: &str, slots: &[SlotShape]) -> Result<Vec<TaggedToken>, TagError> {
    let tokens = parse_tagged(translation)?;
    let mut seen_open = vec![false; slots.len()];
    let mut seen_close = vec![false; slots.len()];
    let mut stack: Vec<u32> = Vec::new();
    let shape_of = |id: u32| -> Result<SlotShape, TagError> {
        (id as usize)
            .checked_sub(1)
            .and_then(|index| slots.get(index).copied())
            .ok_or(TagError::NotInSource(id))
    };
    for token in &tokens {
        match *token {
            TaggedToken::Text(_) => {}
            TaggedToken::Placeholder(id) => {
                if shape_of(id)? != SlotShape::Placeholder {
                    return Err(TagError::PlaceholderForPair(id));
                }
                if std::mem::replace(&mut seen_open[id as usize - 1], true) {
                    return Err(TagError::RepeatedPlaceholder(id));
                }
            }
            TaggedToken::Open(id) => {
                if shape_of(id)? != SlotShape::Pair {
                    return Err(TagError::PairForPlaceholder(id));
                }
                if std::mem::replace(&mut seen_open[id as usize - 1], true) {
                    return Err(TagError::RepeatedPair(id));
                }
                stack.push(id);
            }
            TaggedToken::Close(id) => {
                if stack.pop() != Some(id) {
                    return Err(TagError::Misnested(id));
                }
                seen_close[id as usize - 1] = true;
            }
        }
    }
    for (id, shape) in (1..).zip(slots) {
        let index = id as usize - 1;
        match shape {
            SlotShape::Placeholder if !seen_open[index] => return Err(TagError::MissingPlaceholder(id)),
            SlotShape::Pair if !(seen_open[index] && seen_close[index]) => return Err(TagError::MissingPair(id)),
            _ => {}
        }
    }
    Ok(tokens)
}

/// The plain text of tagged text: tags dropped, entities decoded.
pub fn plain_text(tagged: &str) -> Result<String, TagError> {
    Ok(parse_tagged(tagged)?
        .into_iter()
        .filter_map(|token| match token {
            TaggedToken::Text(text) => Some(text),
            _ => None,
        })
        .collect())
}
