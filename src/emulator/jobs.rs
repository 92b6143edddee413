//! Batch jobs.

use super::error::{ErrorKind, ServiceError, ServiceResult};
use super::state::Shared;
use ciborium::Value as Cbor;

/// A batch job.
#[derive(Debug, Clone)]
pub(crate) struct Job;

fn not_yet() -> ServiceResult<Cbor> {
    Err(ServiceError::new(ErrorKind::UnknownOperation, "not implemented yet"))
}

pub(crate) fn start_text_translation_job(_shared: &Shared, _input: serde_json::Value) -> ServiceResult<Cbor> {
    not_yet()
}
pub(crate) fn describe_text_translation_job(_shared: &Shared, _input: serde_json::Value) -> ServiceResult<Cbor> {
    not_yet()
}
pub(crate) fn list_text_translation_jobs(_shared: &Shared, _input: serde_json::Value) -> ServiceResult<Cbor> {
    not_yet()
}
pub(crate) fn stop_text_translation_job(_shared: &Shared, _input: serde_json::Value) -> ServiceResult<Cbor> {
    not_yet()
}
