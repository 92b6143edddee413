//! Translate's errors: their names and HTTP statuses, as in the service model.

use std::fmt;

/// The errors the emulator answers with. Each is a modeled exception of the
/// Translate API except `Validation` and `Serialization`, which the service's
/// front end sends for constraint violations and unreadable bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    ConcurrentModification,
    Conflict,
    InternalServer,
    InvalidFilter,
    InvalidParameterValue,
    InvalidRequest,
    LimitExceeded,
    ResourceNotFound,
    ServiceUnavailable,
    TextSizeLimitExceeded,
    TooManyRequests,
    UnsupportedLanguagePair,
    Validation,
    Serialization,
    UnknownOperation,
}

impl ErrorKind {
    /// The error's shape name, the `__type` of the answer.
    pub(crate) fn name(self) -> &'static str {
        match self {
            ErrorKind::ConcurrentModification => "ConcurrentModificationException",
            ErrorKind::Conflict => "ConflictException",
            ErrorKind::InternalServer => "InternalServerException",
            ErrorKind::InvalidFilter => "InvalidFilterException",
            ErrorKind::InvalidParameterValue => "InvalidParameterValueException",
            ErrorKind::InvalidRequest => "InvalidRequestException",
            ErrorKind::LimitExceeded => "LimitExceededException",
            ErrorKind::ResourceNotFound => "ResourceNotFoundException",
            ErrorKind::ServiceUnavailable => "ServiceUnavailableException",
            ErrorKind::TextSizeLimitExceeded => "TextSizeLimitExceededException",
            ErrorKind::TooManyRequests => "TooManyRequestsException",
            ErrorKind::UnsupportedLanguagePair => "UnsupportedLanguagePairException",
            ErrorKind::Validation => "ValidationException",
            ErrorKind::Serialization => "SerializationException",
            ErrorKind::UnknownOperation => "UnknownOperationException",
        }
    }

    /// The HTTP status the service model gives the error.
    pub(crate) fn status(self) -> u16 {
        match self {
            ErrorKind::ConcurrentModification | ErrorKind::Conflict => 409,
            ErrorKind::ResourceNotFound => 404,
            ErrorKind::TooManyRequests => 429,
            ErrorKind::InternalServer => 500,
            ErrorKind::ServiceUnavailable => 503,
            _ => 400,
        }
    }
}

/// An error answer: its kind and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServiceError {
    pub(crate) kind: ErrorKind,
    pub(crate) message: String,
}

impl ServiceError {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ServiceError {
            kind,
            message: message.into(),
        }
    }

    /// The front end's message for a member that breaks a model constraint.
    pub(crate) fn validation(value: &str, member: &str, constraint: &str) -> Self {
        Self::new(
            ErrorKind::Validation,
            format!(
                "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
            ),
        )
    }

    /// A required member that is absent.
    pub(crate) fn missing(member: &str) -> Self {
        Self::new(
            ErrorKind::Validation,
            format!(
                "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
            ),
        )
    }

    pub(crate) fn not_found(what: &str, name: &str) -> Self {
        Self::new(
            ErrorKind::ResourceNotFound,
            format!("The {what} {name} could not be found."),
        )
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}

impl std::error::Error for ServiceError {}

/// What Translate operations return.
pub(crate) type ServiceResult<T> = Result<T, ServiceError>;
