//! One Translate request from its body to its reply: faults, latency,
//! dispatch to the operation, and the model's constraints shared by operations.

use super::error::{ErrorKind, ServiceError, ServiceResult};
use super::state::Shared;
use super::wire::{self, Protocol, Reply, parse_input};
use super::{jobs, parallel_data, realtime, terminology};
use ciborium::Value as Cbor;
use serde_json::Value as Json;
use std::sync::{Arc, LazyLock};

/// Answers one Translate request.
///
/// The request is counted and in flight from arrival until its reply;
/// quota and injected faults are decided on arrival, and the configured
/// latency passes before any reply.
pub(crate) async fn handle(shared: &Arc<Shared>, protocol: Protocol, operation: &str, body: &[u8]) -> Reply {
    shared.stats.count_request(operation);
    let _in_flight = shared.stats.enter();
    let config = shared.config();
    let (refusal, unreadable, latency) = {
        let mut faults = shared.faults();
        let refusal = faults.refuse_request(&config);
        let unreadable = refusal.is_none().then(|| faults.unreadable_answer(&config)).flatten();
        (refusal, unreadable, faults.latency(&config))
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if let Some(unreadable) = unreadable {
        shared.stats.count_injected_error();
        return unreadable.reply();
    }
    let result = match refusal {
        Some(error) => {
            if error.kind != ErrorKind::TooManyRequests {
                shared.stats.count_injected_error();
            }
            Err(error)
        }
        None => match wire::decode_input(protocol, body) {
            Ok(input) => call(shared, operation, input),
            Err(error) => Err(error),
        },
    };
    match result {
        Ok(output) => wire::encode_output(protocol, output),
        Err(error) => {
            if error.kind == ErrorKind::TooManyRequests {
                shared.stats.count_throttled();
            }
            tracing::debug!(operation, %error, "emulator error answer");
            wire::encode_error(protocol, &error)
        }
    }
}

fn call(shared: &Arc<Shared>, operation: &str, input: Json) -> ServiceResult<Cbor> {
    match operation {
        "TranslateText" => realtime::translate_text(shared, parse_input(input)?),
        "TranslateDocument" => realtime::translate_document(shared, parse_input(input)?),
        "ImportTerminology" => terminology::import_terminology(shared, parse_input(input)?),
        "GetTerminology" => terminology::get_terminology(shared, parse_input(input)?),
        "ListTerminologies" => terminology::list_terminologies(shared, parse_input(input)?),
        "DeleteTerminology" => terminology::delete_terminology(shared, parse_input(input)?),
        "CreateParallelData" => parallel_data::create_parallel_data(shared, parse_input(input)?),
        "UpdateParallelData" => parallel_data::update_parallel_data(shared, parse_input(input)?),
        "GetParallelData" => parallel_data::get_parallel_data(shared, parse_input(input)?),
        "ListParallelData" => parallel_data::list_parallel_data(shared, parse_input(input)?),
        "DeleteParallelData" => parallel_data::delete_parallel_data(shared, parse_input(input)?),
        "StartTextTranslationJob" => jobs::start_text_translation_job(shared, parse_input(input)?),
        "DescribeTextTranslationJob" => jobs::describe_text_translation_job(shared, parse_input(input)?),
        "ListTextTranslationJobs" => jobs::list_text_translation_jobs(shared, parse_input(input)?),
        "StopTextTranslationJob" => jobs::stop_text_translation_job(shared, parse_input(input)?),
        _ => Err(ServiceError::new(
            ErrorKind::UnknownOperation,
            format!("the emulator does not implement the operation {operation}"),
        )),
    }
}

/// The language codes Amazon Translate supports.
const LANGUAGES: [&str; 75] = [
    "af", "sq", "am", "ar", "hy", "az", "bn", "bs", "bg", "ca", "zh", "zh-TW", "hr", "cs", "da", "fa-AF", "nl", "en",
    "et", "fa", "tl", "fi", "fr", "fr-CA", "ka", "de", "el", "gu", "ht", "ha", "he", "hi", "hu", "is", "id", "ga",
    "it", "ja", "kn", "kk", "ko", "lv", "lt", "mk", "ms", "ml", "mt", "mr", "mn", "no", "pa", "ps", "pl", "pt",
    "pt-PT", "ro", "ru", "sr", "si", "sk", "sl", "so", "es", "es-MX", "sw", "sv", "ta", "te", "th", "tr", "uk", "ur",
    "uz", "vi", "cy",
];

/// A required member.
pub(crate) fn required<T>(value: Option<T>, member: &str) -> ServiceResult<T> {
    value.ok_or_else(|| ServiceError::missing(member))
}

/// A language code member: 2–5 characters, as the model says.
pub(crate) fn language_code(value: Option<String>, member: &str) -> ServiceResult<String> {
    let code = required(value, member)?;
    if !(2..=5).contains(&code.chars().count()) {
        return Err(ServiceError::validation(
            &code,
            member,
            "Member must have length between 2 and 5",
        ));
    }
    Ok(code)
}

/// Refuses a pair the service does not translate.
pub(crate) fn check_language_pair(source: &str, targets: &[String]) -> ServiceResult<()> {
    let unsupported = |code: &str| code != "auto" && !LANGUAGES.contains(&code);
    let bad = std::iter::once(source)
        .chain(targets.iter().map(String::as_str))
        .find(|code| unsupported(code));
    let same = targets.iter().find(|target| *target == source);
    match (bad, same) {
        (Some(code), _) => Err(ServiceError::new(
            ErrorKind::UnsupportedLanguagePair,
            format!(
                "Unsupported language pair: {source} to {}. The language code {code} is not supported.",
                targets.join(",")
            ),
        )),
        (None, Some(target)) => Err(ServiceError::new(
            ErrorKind::UnsupportedLanguagePair,
            format!("Unsupported language pair: {source} to {target}. The source and target languages are the same."),
        )),
        (None, None) => Ok(()),
    }
}

static RESOURCE_NAME: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^([A-Za-z0-9-]_?)+$").expect("a valid pattern"));

/// A terminology or parallel-data name: `^([A-Za-z0-9-]_?)+$`, 1–256 characters.
pub(crate) fn resource_name(value: Option<String>, member: &str) -> ServiceResult<String> {
    let name = required(value, member)?;
    check_resource_name(&name, member)?;
    Ok(name)
}

pub(crate) fn check_resource_name(name: &str, member: &str) -> ServiceResult<()> {
    if name.is_empty() || name.len() > 256 {
        return Err(ServiceError::validation(
            name,
            member,
            "Member must have length between 1 and 256",
        ));
    }
    if !RESOURCE_NAME.is_match(name) {
        return Err(ServiceError::validation(
            name,
            member,
            "Member must satisfy regular expression pattern: ^([A-Za-z0-9-]_?)+$",
        ));
    }
    Ok(())
}

/// An enum member: one of `allowed`.
pub(crate) fn one_of(value: &str, member: &str, allowed: &[&str]) -> ServiceResult<()> {
    if allowed.contains(&value) {
        return Ok(());
    }
    Err(ServiceError::validation(
        value,
        member,
        &format!("Member must satisfy enum value set: [{}]", allowed.join(", ")),
    ))
}

/// One page of a listing: `NextToken` is the offset of the next page.
pub(crate) fn paginate<T>(
    items: Vec<T>,
    next_token: Option<&str>,
    max_results: Option<i64>,
) -> ServiceResult<(Vec<T>, Option<String>)> {
    let start = match next_token {
        None => 0,
        Some(token) => token
            .parse::<usize>()
            .map_err(|_| ServiceError::new(ErrorKind::InvalidRequest, "Invalid NextToken"))?,
    };
    let max = match max_results {
        None => 100,
        Some(n @ 1..=500) => n as usize,
        Some(n) => {
            return Err(ServiceError::validation(
                &n.to_string(),
                "maxResults",
                "Member must be between 1 and 500",
            ));
        }
    };
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(start).take(max).collect();
    let next = (start + max < total).then(|| (start + max).to_string());
    Ok((page, next))
}
