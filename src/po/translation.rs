//! A translator's msgstr read back as tagged text with the source's slots.

use super::Message;
use crate::segment::tagged::{TagError, TaggedToken, TaggedWriter, parse_tagged, validate_tags};
use crate::segment::{SegmentOptions, Slot, slot_shapes, unit_from_markdown};
use std::collections::HashMap;

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
    /// The msgstr has a placeholder or markup that its msgid does not.
    #[error("`{0}` is not in the source")]
    NotInSource(String),
    /// The placeholders and markup do not match the msgid's.
    #[error(transparent)]
    Tags(#[from] TagError),
}

/// Turns a translator's markdown into tagged text with the source
/// message's slot ids: each placeholder of the translation is matched to
/// the source placeholder with the same bytes, each piece of markup to the
/// source markup of the same kind (the same link target where there is one).
pub fn translation_to_tagged(
    message: &Message,
    msgstr: &str,
    options: &SegmentOptions,
) -> Result<String, TranslationError> {
    if message.plain {
        if msgstr.contains('\n') {
            return Err(TranslationError::NameOverSeveralLines);
        }
        let mut tagged = TaggedWriter::default();
        tagged.text(msgstr.trim());
        return Ok(tagged.finish());
    }
    let translated = unit_from_markdown(msgstr, options).ok_or(TranslationError::NotOneParagraph)?;
    let mut used = vec![false; message.slots.len()];
    let mut id_map: HashMap<u32, u32> = HashMap::new();
    for (index, slot) in translated.slots.iter().enumerate() {
        let exact = |candidate: &Slot| candidate == slot;
        let same_kind = |candidate: &Slot| match (candidate, slot) {
            (Slot::Pair { kind: a, .. }, Slot::Pair { kind: b, .. }) => a == b,
            _ => false,
        };
        let found = (0..message.slots.len())
            .find(|&i| !used[i] && exact(&message.slots[i]))
            .or_else(|| (0..message.slots.len()).find(|&i| !used[i] && same_kind(&message.slots[i])))
            .ok_or_else(|| match slot {
                Slot::Placeholder(bytes) => TranslationError::NotInSource(bytes.clone()),
                Slot::Pair { open, close, .. } => TranslationError::NotInSource(format!("{open}…{close}")),
            })?;
        used[found] = true;
        id_map.insert(index as u32 + 1, found as u32 + 1);
    }
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
    validate_tags(&tagged, &slot_shapes(&message.slots))?;
    Ok(tagged)
}
