//! How a [`Record`] is written in the store: a compact binary form with a
//! version byte. Schema 1 stores wrote JSON; they are migrated when they
//! are opened, and [`decode`] still reads JSON so that the migration (and
//! any record it missed) can.
//!
//! Version 2, in order:
//!
//! | bytes | what |
//! |---|---|
//! | 1 | the version, `2` (a JSON record starts with `{`) |
//! | 1 | the origin (see [`origin_code`]) |
//! | LEB128 | seconds since the Unix epoch |
//! | LEB128 + UTF-8 | the source unit's tagged text |
//! | LEB128 + UTF-8 | the translation |
//! | the rest, UTF-8 | the profile, or nothing when it is the one the key ends with |
//!
//! Written by hand rather than with a serialisation crate because every
//! byte counts (the store holds hundreds of thousands of records) and the
//! format must never change with a dependency's version.

use super::{Origin, Record};

/// The version byte of the compact form.
pub const COMPACT_VERSION: u8 = 2;

/// Why a stored value is not a record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(String);

/// The value stored for `record`; `key_profile` is the profile the entry's
/// key ends with (machine records), which the value then leaves out.
pub fn encode(record: &Record, key_profile: Option<&str>) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(16 + record.source.len() + record.text.len());
    bytes.push(COMPACT_VERSION);
    bytes.push(origin_code(record.origin));
    push_varint(&mut bytes, record.created);
    for text in [&record.source, &record.text] {
        push_varint(&mut bytes, text.len() as u64);
        bytes.extend_from_slice(text.as_bytes());
    }
    if key_profile != Some(record.profile.as_str()) {
        bytes.extend_from_slice(record.profile.as_bytes());
    }
    bytes
}

/// Reads a stored value, compact or JSON (schema 1); `key_profile` as for [`encode`].
pub fn decode(bytes: &[u8], key_profile: Option<&str>) -> Result<Record, DecodeError> {
    match bytes.first() {
        Some(&COMPACT_VERSION) => decode_compact(&bytes[1..], key_profile),
        Some(b'{') => serde_json::from_slice(bytes).map_err(|e| DecodeError(format!("a JSON record: {e}"))),
        Some(other) => Err(DecodeError(format!("unknown record version {other}"))),
        None => Err(DecodeError("an empty record".to_string())),
    }
}

fn decode_compact(mut rest: &[u8], key_profile: Option<&str>) -> Result<Record, DecodeError> {
    let origin = take_byte(&mut rest).and_then(origin_of_code)?;
    let created = take_varint(&mut rest)?;
    let source = take_text(&mut rest)?;
    let text = take_text(&mut rest)?;
    let profile = match (rest.is_empty(), key_profile) {
        (true, Some(profile)) => profile.to_string(),
        (true, None) => return Err(DecodeError("a human record without a profile".to_string())),
        (false, _) => utf8(rest)?.to_string(),
    };
    Ok(Record {
        v: u32::from(COMPACT_VERSION),
        source,
        text,
        origin,
        profile,
        created,
    })
}

/// The byte that stands for `origin`. Never renumber: stored records hold these.
pub fn origin_code(origin: Origin) -> u8 {
    match origin {
        Origin::Human => 0,
        Origin::Imported => 1,
        Origin::Act => 2,
        Origin::Realtime => 3,
        Origin::Pseudo => 4,
        Origin::Identity => 5,
    }
}

fn origin_of_code(code: u8) -> Result<Origin, DecodeError> {
    Ok(match code {
        0 => Origin::Human,
        1 => Origin::Imported,
        2 => Origin::Act,
        3 => Origin::Realtime,
        4 => Origin::Pseudo,
        5 => Origin::Identity,
        other => return Err(DecodeError(format!("unknown origin {other}"))),
    })
}

fn push_varint(bytes: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        bytes.push((value as u8) | 0x80);
        value >>= 7;
    }
    bytes.push(value as u8);
}

fn take_byte(rest: &mut &[u8]) -> Result<u8, DecodeError> {
    let (&first, tail) = rest
        .split_first()
        .ok_or_else(|| DecodeError("the record ends early".to_string()))?;
    *rest = tail;
    Ok(first)
}

fn take_varint(rest: &mut &[u8]) -> Result<u64, DecodeError> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = take_byte(rest)?;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(DecodeError("a number longer than 64 bits".to_string()))
}

fn take_text(rest: &mut &[u8]) -> Result<String, DecodeError> {
    let len = usize::try_from(take_varint(rest)?).map_err(|_| DecodeError("a text too long".to_string()))?;
    if len > rest.len() {
        return Err(DecodeError(format!(
            "a text of {len} bytes where {} are left",
            rest.len()
        )));
    }
    let (text, tail) = rest.split_at(len);
    *rest = tail;
    Ok(utf8(text)?.to_string())
}

fn utf8(bytes: &[u8]) -> Result<&str, DecodeError> {
    std::str::from_utf8(bytes).map_err(|e| DecodeError(format!("a text that is not UTF-8: {e}")))
}
