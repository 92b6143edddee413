//! Parallel data: CreateParallelData, UpdateParallelData, GetParallelData,
//! ListParallelData, DeleteParallelData.
//!
//! The file named by `ParallelDataConfig.S3Uri` is read from the emulated S3
//! on a background task, as the service imports it: a new resource is
//! `CREATING` and then `ACTIVE` (or `FAILED` when the file is unusable); an
//! update is `UPDATING` while the previous data stays in use, then `ACTIVE`
//! with the new data, or back to its old status with
//! `LatestUpdateAttemptStatus = FAILED`. One creation or update at a time:
//! another is `ConcurrentModificationException`.

use super::engine::SentencePairs;
use super::error::{ErrorKind, ServiceError, ServiceResult};
use super::objects::S3Location;
use super::operations::{one_of, paginate, required, resource_name};
use super::state::{Shared, arn};
use super::tabular::{Format, Rules, Table, read_table};
use super::terminology::{DataLocation, ListInput, RESOURCE_BUCKET};
use super::wire::{Timestamp, now, to_output};
use ciborium::Value as Cbor;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// How long an import takes, so that clients see `CREATING`/`UPDATING`.
const IMPORT_DELAY: Duration = Duration::from_millis(100);

/// Parallel-data limits: a segment is at most 1,000 bytes, and no field may
/// start with a spreadsheet formula character.
const RULES: Rules = Rules {
    max_field_bytes: Some(1000),
    forbid_formula_prefix: true,
};

/// A parallel-data resource.
#[derive(Debug, Clone)]
pub(crate) struct ParallelData {
    name: String,
    description: Option<String>,
    status: &'static str,
    config: DataConfig,
    /// The data in use, once an import succeeded.
    active: Option<Imported>,
    latest_update_status: Option<&'static str>,
    latest_update_at: Option<Timestamp>,
    message: Option<String>,
    created_at: Timestamp,
    last_updated_at: Timestamp,
}

/// A successfully imported file.
#[derive(Debug, Clone)]
struct Imported {
    table: Table,
    size_bytes: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DataConfig {
    s3_uri: Option<String>,
    format: Option<String>,
}

impl ParallelData {
    /// Sentence pairs from `source` into `target`, when the active data has both.
    pub(crate) fn sentence_pairs(&self, source: &str, target: &str) -> Option<SentencePairs> {
        let table = &self.active.as_ref()?.table;
        let (from, to) = (table.column(source)?, table.column(target)?);
        let mut pairs = SentencePairs::default();
        for (source, target) in table.pairs(from, to) {
            pairs.insert(source, target);
        }
        Some(pairs)
    }

    /// Whether jobs can use it: it has active data (also while updating).
    pub(crate) fn is_usable(&self) -> bool {
        self.active.is_some()
    }

    pub(crate) fn status(&self) -> &'static str {
        self.status
    }

    fn busy(&self) -> bool {
        matches!(self.status, "CREATING" | "UPDATING" | "DELETING")
    }

    fn file_location(&self) -> S3Location {
        S3Location {
            bucket: RESOURCE_BUCKET.to_string(),
            key: format!("parallel-data/{}", self.name),
        }
    }

    fn properties(&self) -> ParallelDataProperties {
        let table = self.active.as_ref().map(|a| &a.table);
        ParallelDataProperties {
            name: self.name.clone(),
            arn: arn("parallel-data", &self.name),
            description: self.description.clone(),
            status: self.status,
            source_language_code: table.map(|t| t.languages[0].clone()),
            target_language_codes: table.map(|t| t.languages[1..].to_vec()),
            parallel_data_config: self.config.clone(),
            message: self.message.clone(),
            imported_data_size: self.active.as_ref().map(|a| a.size_bytes as u64),
            imported_record_count: table.map(|t| t.rows.len() as u64),
            failed_record_count: table.map(|t| t.failed),
            skipped_record_count: table.map(|_| 0),
            created_at: self.created_at,
            last_updated_at: self.last_updated_at,
            latest_update_attempt_status: self.latest_update_status,
            latest_update_attempt_at: self.latest_update_at,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct ParallelDataProperties {
    name: String,
    arn: String,
    description: Option<String>,
    status: &'static str,
    source_language_code: Option<String>,
    target_language_codes: Option<Vec<String>>,
    parallel_data_config: DataConfig,
    message: Option<String>,
    imported_data_size: Option<u64>,
    imported_record_count: Option<u64>,
    failed_record_count: Option<u64>,
    skipped_record_count: Option<u64>,
    created_at: Timestamp,
    last_updated_at: Timestamp,
    latest_update_attempt_status: Option<&'static str>,
    latest_update_attempt_at: Option<Timestamp>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CreateInput {
    name: Option<String>,
    description: Option<String>,
    parallel_data_config: Option<DataConfig>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct StatusOutput {
    name: String,
    status: &'static str,
    latest_update_attempt_status: Option<&'static str>,
    latest_update_attempt_at: Option<Timestamp>,
}

/// Checks a `ParallelDataConfig`: an `s3://` URI and a format.
fn check_config(config: Option<DataConfig>) -> ServiceResult<(DataConfig, S3Location, Format)> {
    let config = required(config, "parallelDataConfig")?;
    let uri = required(config.s3_uri.clone(), "parallelDataConfig.s3Uri")?;
    let location = S3Location::parse(&uri).ok_or_else(|| {
        ServiceError::validation(
            &uri,
            "parallelDataConfig.s3Uri",
            "Member must satisfy regular expression pattern: s3://...",
        )
    })?;
    let format = required(config.format.clone(), "parallelDataConfig.format")?;
    one_of(&format, "parallelDataConfig.format", &["TSV", "CSV", "TMX"])?;
    Ok((
        config,
        location,
        Format::parse(&format).expect("checked against the enum"),
    ))
}

pub(crate) fn create_parallel_data(shared: &Arc<Shared>, input: CreateInput) -> ServiceResult<Cbor> {
    let name = resource_name(input.name, "name")?;
    let (config, location, format) = check_config(input.parallel_data_config)?;
    let mut resources = shared.resources();
    if resources.parallel_data.contains_key(&name) {
        return Err(ServiceError::new(
            ErrorKind::Conflict,
            format!("The parallel data {name} already exists."),
        ));
    }
    let created = ParallelData {
        name: name.clone(),
        description: input.description,
        status: "CREATING",
        config,
        active: None,
        latest_update_status: None,
        latest_update_at: None,
        message: None,
        created_at: now(),
        last_updated_at: now(),
    };
    resources.parallel_data.insert(name.clone(), created);
    drop(resources);
    spawn_import(shared, name.clone(), location, format);
    Ok(to_output(&StatusOutput {
        name,
        status: "CREATING",
        latest_update_attempt_status: None,
        latest_update_attempt_at: None,
    }))
}

pub(crate) fn update_parallel_data(shared: &Arc<Shared>, input: CreateInput) -> ServiceResult<Cbor> {
    let name = required(input.name, "name")?;
    let (config, location, format) = check_config(input.parallel_data_config)?;
    let mut resources = shared.resources();
    let data = resources
        .parallel_data
        .get_mut(&name)
        .ok_or_else(|| ServiceError::not_found("parallel data", &name))?;
    if data.busy() {
        return Err(ServiceError::new(
            ErrorKind::ConcurrentModification,
            format!(
                "The parallel data {name} is {}; wait until that completes.",
                data.status
            ),
        ));
    }
    data.status = "UPDATING";
    data.config = config;
    if input.description.is_some() {
        data.description = input.description;
    }
    data.latest_update_status = Some("UPDATING");
    data.latest_update_at = Some(now());
    let output = StatusOutput {
        name: name.clone(),
        status: data.status,
        latest_update_attempt_status: data.latest_update_status,
        latest_update_attempt_at: data.latest_update_at,
    };
    drop(resources);
    spawn_import(shared, name, location, format);
    Ok(to_output(&output))
}

/// Reads the file after [`IMPORT_DELAY`] and records the outcome.
fn spawn_import(shared: &Arc<Shared>, name: String, location: S3Location, format: Format) {
    let shared = Arc::clone(shared);
    tokio::spawn(async move {
        tokio::time::sleep(IMPORT_DELAY).await;
        let imported = shared.objects.read(&location).and_then(|bytes| {
            let table = read_table(&bytes, format, RULES).map_err(|why| {
                ServiceError::new(
                    ErrorKind::InvalidRequest,
                    format!("Invalid parallel data file {}: {why}", location.uri()),
                )
            })?;
            Ok((bytes, table))
        });
        let mut resources = shared.resources();
        let Some(data) = resources.parallel_data.get_mut(&name) else {
            return;
        };
        let updating = data.status == "UPDATING";
        match imported {
            Ok((bytes, table)) => {
                let _ = shared.objects.write(&data.file_location(), &bytes);
                data.active = Some(Imported {
                    table,
                    size_bytes: bytes.len(),
                });
                data.status = "ACTIVE";
                data.message = None;
                data.last_updated_at = now();
            }
            Err(error) => {
                data.status = if data.active.is_some() { "ACTIVE" } else { "FAILED" };
                data.message = Some(error.message);
            }
        }
        if updating {
            data.latest_update_status = Some(if data.message.is_none() { "ACTIVE" } else { "FAILED" });
        }
    });
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NameInput {
    name: Option<String>,
}

pub(crate) fn get_parallel_data(shared: &Shared, input: NameInput) -> ServiceResult<Cbor> {
    let name = required(input.name, "name")?;
    let resources = shared.resources();
    let data = resources
        .parallel_data
        .get(&name)
        .ok_or_else(|| ServiceError::not_found("parallel data", &name))?;
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        parallel_data_properties: ParallelDataProperties,
        data_location: Option<DataLocation>,
    }
    Ok(to_output(&Output {
        parallel_data_properties: data.properties(),
        data_location: data
            .active
            .as_ref()
            .map(|_| DataLocation::of(shared, &data.file_location())),
    }))
}

pub(crate) fn list_parallel_data(shared: &Shared, input: ListInput) -> ServiceResult<Cbor> {
    let all: Vec<ParallelDataProperties> = shared
        .resources()
        .parallel_data
        .values()
        .map(|d| d.properties())
        .collect();
    let (page, next_token) = paginate(all, input.next_token.as_deref(), input.max_results)?;
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        parallel_data_properties_list: Vec<ParallelDataProperties>,
        next_token: Option<String>,
    }
    Ok(to_output(&Output {
        parallel_data_properties_list: page,
        next_token,
    }))
}

pub(crate) fn delete_parallel_data(shared: &Shared, input: NameInput) -> ServiceResult<Cbor> {
    let name = required(input.name, "name")?;
    let mut resources = shared.resources();
    let data = resources
        .parallel_data
        .get(&name)
        .ok_or_else(|| ServiceError::not_found("parallel data", &name))?;
    if data.busy() {
        return Err(ServiceError::new(
            ErrorKind::ConcurrentModification,
            format!(
                "The parallel data {name} is {}; wait until that completes.",
                data.status
            ),
        ));
    }
    resources.parallel_data.remove(&name);
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        name: String,
        status: &'static str,
    }
    Ok(to_output(&Output {
        name,
        status: "DELETING",
    }))
}
