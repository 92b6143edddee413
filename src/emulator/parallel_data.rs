//! Parallel data: CreateParallelData, UpdateParallelData, GetParallelData,
//! ListParallelData, DeleteParallelData.

use super::error::{ErrorKind, ServiceError, ServiceResult};
use super::state::Shared;
use ciborium::Value as Cbor;

/// A parallel-data resource.
#[derive(Debug, Clone)]
pub(crate) struct ParallelData;

fn not_yet() -> ServiceResult<Cbor> {
    Err(ServiceError::new(ErrorKind::UnknownOperation, "not implemented yet"))
}

pub(crate) fn create_parallel_data(_shared: &Shared, _input: serde_json::Value) -> ServiceResult<Cbor> {
    not_yet()
}
pub(crate) fn update_parallel_data(_shared: &Shared, _input: serde_json::Value) -> ServiceResult<Cbor> {
    not_yet()
}
pub(crate) fn get_parallel_data(_shared: &Shared, _input: serde_json::Value) -> ServiceResult<Cbor> {
    not_yet()
}
pub(crate) fn list_parallel_data(_shared: &Shared, _input: serde_json::Value) -> ServiceResult<Cbor> {
    not_yet()
}
pub(crate) fn delete_parallel_data(_shared: &Shared, _input: serde_json::Value) -> ServiceResult<Cbor> {
    not_yet()
}
