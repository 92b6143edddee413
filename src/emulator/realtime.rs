//! Real-time translation: TranslateText and TranslateDocument.
//!
//! Neither takes parallel data (only batch jobs do); both apply terminology,
//! bill the characters of their text content, and take their characters from
//! the characters-per-second quota.

use super::engine::{Resources, Term, translate_pieces};
use super::error::{ErrorKind, ServiceError, ServiceResult};
use super::markup::{self, Mangling, Piece};
use super::operations::{check_language_pair, language_code, one_of, required};
use super::state::Shared;
use super::terminology::terms_for;
use super::wire::{Blob, decode_blob, to_output};
use ciborium::Value as Cbor;
use serde::{Deserialize, Serialize};

/// Largest `Text` of TranslateText, in UTF-8 bytes.
pub(crate) const MAX_TEXT_BYTES: usize = 10_000;

/// Largest document of TranslateDocument, in bytes.
const MAX_DOCUMENT_BYTES: usize = 100 * 1024;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TranslateTextInput {
    text: Option<String>,
    terminology_names: Option<Vec<String>>,
    source_language_code: Option<String>,
    target_language_code: Option<String>,
    settings: Option<Settings>,
    /// Not a member of TranslateText: refused with a clear message, since
    /// only batch jobs use parallel data.
    parallel_data_names: Option<serde_json::Value>,
}

/// Formality, profanity masking and brevity: accepted, checked and echoed.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Settings {
    formality: Option<String>,
    profanity: Option<String>,
    brevity: Option<String>,
}

impl Settings {
    pub(crate) fn check(&self) -> ServiceResult<()> {
        if let Some(formality) = &self.formality {
            one_of(formality, "settings.formality", &["FORMAL", "INFORMAL"])?;
        }
        if let Some(profanity) = &self.profanity {
            one_of(profanity, "settings.profanity", &["MASK"])?;
        }
        if let Some(brevity) = &self.brevity {
            one_of(brevity, "settings.brevity", &["ON"])?;
        }
        Ok(())
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AppliedTerminology {
    name: String,
    terms: Vec<AppliedTerm>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct AppliedTerm {
    source_text: String,
    target_text: String,
}

/// The terminology entries used, grouped by terminology.
pub(crate) fn applied_terminologies(terms: &[Term]) -> Vec<AppliedTerminology> {
    let mut applied: Vec<AppliedTerminology> = Vec::new();
    for term in terms {
        let entry = AppliedTerm {
            source_text: term.source.clone(),
            target_text: term.target.clone(),
        };
        match applied.iter_mut().find(|a| a.name == term.terminology) {
            Some(group) => group.terms.push(entry),
            None => applied.push(AppliedTerminology {
                name: term.terminology.clone(),
                terms: vec![entry],
            }),
        }
    }
    applied
}

/// A real-time request after validation.
struct Request {
    pieces: Vec<Piece>,
    source: String,
    target: String,
    terminology_names: Vec<String>,
}

pub(crate) fn translate_text(shared: &Shared, input: TranslateTextInput) -> ServiceResult<Cbor> {
    if input.parallel_data_names.is_some() {
        return Err(ServiceError::new(
            ErrorKind::Serialization,
            "TranslateText has no ParallelDataNames member: parallel data is used only by StartTextTranslationJob",
        ));
    }
    let text = required(input.text, "text")?;
    shared.stats.note_text_size(text.len());
    if text.is_empty() {
        return Err(ServiceError::validation(
            "",
            "text",
            "Member must have length greater than or equal to 1",
        ));
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(ServiceError::new(
            ErrorKind::TextSizeLimitExceeded,
            format!(
                "Input text size exceeds limit. Max length of request text allowed is {MAX_TEXT_BYTES} bytes while in this request the text size is {} bytes",
                text.len()
            ),
        ));
    }
    let pieces = markup::parse_document(&text, looks_like_html(&text));
    let request = validate(
        shared,
        pieces,
        input.source_language_code,
        input.target_language_code,
        input.terminology_names,
        input.settings.as_ref(),
    )?;
    let (pieces, applied) = translate_request(shared, "TranslateText", &request)?;
    let mut pieces = pieces;
    mangle_maybe(shared, &mut pieces);
    let translated = if looks_like_html(&text) {
        markup::write_html(&pieces)
    } else {
        markup::write_plain(&pieces)
    };
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        translated_text: String,
        source_language_code: String,
        target_language_code: String,
        applied_terminologies: Vec<AppliedTerminology>,
        applied_settings: Option<Settings>,
    }
    Ok(to_output(&Output {
        translated_text: translated,
        source_language_code: request.source,
        target_language_code: request.target,
        applied_terminologies: applied_terminologies(&applied),
        applied_settings: input.settings,
    }))
}

/// True when the text holds a tag, a comment or an entity, so it is read as
/// HTML; other text keeps every character as it is (`a < b` stays).
fn looks_like_html(text: &str) -> bool {
    static MARKUP: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"<[A-Za-z/!]|&(#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z]+);").expect("a valid pattern")
    });
    MARKUP.is_match(text)
}

fn validate(
    shared: &Shared,
    pieces: Vec<Piece>,
    source: Option<String>,
    target: Option<String>,
    terminology_names: Option<Vec<String>>,
    settings: Option<&Settings>,
) -> ServiceResult<Request> {
    let source = language_code(source, "sourceLanguageCode")?;
    let target = language_code(target, "targetLanguageCode")?;
    if let Some(settings) = settings {
        settings.check()?;
    }
    let source = if source == "auto" {
        detect_language(&pieces)
    } else {
        source
    };
    check_language_pair(&source, std::slice::from_ref(&target))?;
    let terminology_names = terminology_names.unwrap_or_default();
    for name in &terminology_names {
        if !shared.resources().terminologies.contains_key(name) {
            return Err(ServiceError::not_found("terminology", name));
        }
    }
    Ok(Request {
        pieces,
        source,
        target,
        terminology_names,
    })
}

/// `auto`: Chinese when the text has CJK ideographs, else English.
fn detect_language(pieces: &[Piece]) -> String {
    let cjk = markup::write_plain(pieces)
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    if cjk { "zh" } else { "en" }.to_string()
}

/// Takes the characters from the quota, translates and bills.
fn translate_request(shared: &Shared, operation: &str, request: &Request) -> ServiceResult<(Vec<Piece>, Vec<Term>)> {
    let characters = markup::billed_characters(&request.pieces);
    if let Some(refusal) = shared.faults().refuse_characters(characters) {
        return Err(refusal);
    }
    let terms = terms_for(shared, &request.terminology_names, &request.source, &request.target)?;
    let translation = translate_pieces(
        &request.pieces,
        Resources {
            target: &request.target,
            terms: &terms,
            pairs: None,
        },
    );
    shared
        .stats
        .bill(operation, &request.source, &request.target, characters as u64);
    Ok((translation.pieces, translation.applied_terms))
}

/// Breaks the answer's tags when the mangle rate says so.
fn mangle_maybe(shared: &Shared, pieces: &mut Vec<Piece>) {
    let rate = shared.config().mangle_rate;
    let mut faults = shared.faults();
    if !faults.chance(rate) {
        return;
    }
    let mangling = [Mangling::Drop, Mangling::Duplicate, Mangling::Reorder][faults.pick(3)];
    let choice = faults.pick(pieces.len());
    markup::mangle_tags(pieces, mangling, choice);
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TranslateDocumentInput {
    document: Option<Document>,
    terminology_names: Option<Vec<String>>,
    source_language_code: Option<String>,
    target_language_code: Option<String>,
    settings: Option<Settings>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Document {
    content: Option<String>,
    content_type: Option<String>,
}

pub(crate) fn translate_document(shared: &Shared, input: TranslateDocumentInput) -> ServiceResult<Cbor> {
    let document = required(input.document, "document")?;
    let content = decode_blob(&required(document.content, "document.content")?, "Document.Content")?;
    let content_type = required(document.content_type, "document.contentType")?;
    if content.len() > MAX_DOCUMENT_BYTES {
        return Err(ServiceError::new(
            ErrorKind::LimitExceeded,
            format!(
                "The document is {} bytes; the limit is {MAX_DOCUMENT_BYTES} bytes.",
                content.len()
            ),
        ));
    }
    let text = String::from_utf8(content)
        .map_err(|_| ServiceError::new(ErrorKind::InvalidRequest, "The document is not valid UTF-8."))?;
    let html = match content_type.as_str() {
        "text/html" => true,
        "text/plain" => false,
        other => {
            return Err(ServiceError::new(
                ErrorKind::InvalidRequest,
                format!("The emulator translates text/html and text/plain documents, not {other}."),
            ));
        }
    };
    let pieces = markup::parse_document(&text, html);
    let request = validate(
        shared,
        pieces,
        input.source_language_code,
        input.target_language_code,
        input.terminology_names,
        input.settings.as_ref(),
    )?;
    let (pieces, applied) = translate_request(shared, "TranslateDocument", &request)?;
    let translated = if html {
        markup::write_html(&pieces)
    } else {
        markup::write_plain(&pieces)
    };
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct TranslatedDocument {
        content: Blob,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        translated_document: TranslatedDocument,
        source_language_code: String,
        target_language_code: String,
        applied_terminologies: Vec<AppliedTerminology>,
        applied_settings: Option<Settings>,
    }
    Ok(to_output(&Output {
        translated_document: TranslatedDocument {
            content: Blob(translated.into_bytes()),
        },
        source_language_code: request.source,
        target_language_code: request.target,
        applied_terminologies: applied_terminologies(&applied),
        applied_settings: input.settings,
    }))
}
