//! What an SDK error means for a run, said so that a person knows what to
//! do: the service's error code and message, or, for an answer that is not
//! the service's at all (a proxy's error page, a server that is not Amazon
//! Translate), where it came from, what it was and what to check. Never a
//! credential.

use crate::translate::{BackendError, BackendErrorKind};
use aws_config::SdkConfig;
use aws_sdk_translate::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_types::service_config::ServiceConfigKey;
use std::fmt;

/// Where a client's requests go, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The service, as people call it (`Amazon Translate`).
    pub service: &'static str,
    /// The SDK's id of the service (`Translate`, `S3`), which names its
    /// endpoint variable (`AWS_ENDPOINT_URL_TRANSLATE`).
    service_id: &'static str,
    /// The URL.
    pub url: String,
    /// Whether the AWS configuration names it, rather than it being the
    /// service's regional endpoint.
    pub configured: bool,
}

impl Endpoint {
    /// The endpoint of Amazon Translate in `sdk_config`.
    pub fn translate(sdk_config: &SdkConfig) -> Endpoint {
        Endpoint::of(sdk_config, "Amazon Translate", "Translate", "translate")
    }

    /// The endpoint of Amazon S3 in `sdk_config`.
    pub fn s3(sdk_config: &SdkConfig) -> Endpoint {
        Endpoint::of(sdk_config, "Amazon S3", "S3", "s3")
    }

    /// The endpoint the configuration names for the service, as the SDK
    /// resolves it (`AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`,
    /// each also from the profile), else `https://<host>.<region>.amazonaws.com`.
    fn of(sdk_config: &SdkConfig, service: &'static str, service_id: &'static str, host: &str) -> Endpoint {
        let key = ServiceConfigKey::builder()
            .service_id(service_id)
            .env("AWS_ENDPOINT_URL")
            .profile("endpoint_url")
            .build();
        let configured = key
            .ok()
            .and_then(|key| sdk_config.service_config()?.load_config(key))
            .or_else(|| sdk_config.endpoint_url().map(str::to_string));
        let region = sdk_config.region().map_or("us-east-1", |region| region.as_ref());
        Endpoint {
            service,
            service_id,
            configured: configured.is_some(),
            url: configured.unwrap_or_else(|| format!("https://{host}.{region}.amazonaws.com")),
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}", self.service, self.url)
    }
}

/// What kind of failure an SDK error is, with a message that names the
/// service's error code, or says what answered instead of the service.
pub fn classify_error<E>(error: &SdkError<E, HttpResponse>, endpoint: &Endpoint) -> BackendError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let unreadable = match error {
        SdkError::ResponseError(_) => true,
        SdkError::ServiceError(_) => error.code().is_none(),
        _ => false,
    };
    if unreadable && let Some(response) = error.raw_response() {
        return BackendError::new(BackendErrorKind::Service, not_an_answer(response, endpoint));
    }
    let kind = match error {
        SdkError::TimeoutError(_) => BackendErrorKind::Timeout,
        SdkError::DispatchFailure(failure) if failure.is_timeout() => BackendErrorKind::Timeout,
        SdkError::DispatchFailure(_) => BackendErrorKind::Unreachable,
        SdkError::ConstructionFailure(_) => BackendErrorKind::Refused,
        SdkError::ResponseError(_) => BackendErrorKind::Service,
        SdkError::ServiceError(_) => match error.code().unwrap_or_default() {
            "ThrottlingException" | "TooManyRequestsException" | "LimitExceededException" => {
                BackendErrorKind::Throttled
            }
            "InternalServerException" | "ServiceUnavailableException" => BackendErrorKind::Service,
            "UnrecognizedClientException"
            | "InvalidSignatureException"
            | "AccessDeniedException"
            | "ExpiredTokenException"
            | "IncompleteSignature"
            | "MissingAuthenticationToken" => BackendErrorKind::Refused,
            _ => BackendErrorKind::Invalid,
        },
        _ => BackendErrorKind::Service,
    };
    let message = match (error.code(), error.message()) {
        (Some(code), Some(message)) => format!("Amazon Translate: {code}: {message}"),
        (Some(code), None) => format!("Amazon Translate: {code}"),
        _ => format!("Amazon Translate: {}", DisplayErrorContext(error)),
    };
    BackendError::new(kind, message)
}

/// The message for an answer the SDK could not read as the service's:
/// its status, what it held, and what to check.
fn not_an_answer(response: &HttpResponse, endpoint: &Endpoint) -> String {
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").unwrap_or("no content type");
    let body = describe_body(response.body().bytes().unwrap_or_default());
    let advice = if (500..600).contains(&status) {
        "a proxy or load balancer on the way, or the service itself, failed: try again later".to_string()
    } else if endpoint.configured {
        format!(
            "check that the endpoint the AWS configuration names (AWS_ENDPOINT_URL_{}, AWS_ENDPOINT_URL or \
             `endpoint_url` in the profile) is {}",
            endpoint.service_id.to_uppercase(),
            endpoint.service
        )
    } else {
        "a proxy (HTTPS_PROXY) may be answering in the service's place; try again later".to_string()
    };
    format!(
        "{endpoint} answered HTTP {status} with a body that is not one of its answers ({content_type}: {body}); {advice}"
    )
}

/// Characters of a body a message quotes.
const QUOTED_CHARS: usize = 80;

/// A body, for a message: an HTML page by its title, text by its start,
/// anything else by its size.
fn describe_body(body: &[u8]) -> String {
    let Ok(text) = std::str::from_utf8(body) else {
        return format!("{} bytes that are not text", body.len());
    };
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.is_empty() {
        return "an empty body".to_string();
    }
    let lower = collapsed.to_ascii_lowercase();
    if let (Some(start), Some(end)) = (lower.find("<title>"), lower.find("</title>"))
        && start + "<title>".len() <= end
    {
        return format!("the page “{}”", collapsed[start + "<title>".len()..end].trim());
    }
    let quoted: String = collapsed.chars().take(QUOTED_CHARS).collect();
    let more = if quoted.len() < collapsed.len() { "…" } else { "" };
    format!("`{quoted}{more}`")
}

#[cfg(test)]
mod tests {
    use super::describe_body;

    #[test]
    fn a_body_is_described_by_its_title_its_start_or_its_size() {
        assert_eq!(
            describe_body(b"<html>\r\n<head><title>502 Bad Gateway</title></head><body></body></html>"),
            "the page “502 Bad Gateway”"
        );
        assert_eq!(describe_body(b"OK:\n not  JSON\n"), "`OK: not JSON`");
        assert_eq!(describe_body(&b"x".repeat(100)), format!("`{}…`", "x".repeat(80)));
        assert_eq!(describe_body(b" \n"), "an empty body");
        assert_eq!(describe_body(&[0xff, 0xfe, 0x00]), "3 bytes that are not text");
    }
}
