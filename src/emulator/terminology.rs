//! Custom terminology: ImportTerminology, GetTerminology, ListTerminologies,
//! DeleteTerminology.

use super::engine::Term;
use super::error::{ErrorKind, ServiceError, ServiceResult};
use super::objects::S3Location;
use super::operations::{one_of, paginate, required, resource_name};
use super::state::{Shared, arn};
use super::tabular::{Format, Rules, Table, read_table};
use super::wire::{Timestamp, decode_blob, now, to_output};
use ciborium::Value as Cbor;
use serde::{Deserialize, Serialize};

/// The bucket where the emulator keeps copies of imported files, for the
/// download locations it hands out.
pub(crate) const RESOURCE_BUCKET: &str = "emulator-translate-resources";

/// Largest terminology file, as in the service model.
const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// An imported terminology.
#[derive(Debug, Clone)]
pub(crate) struct Terminology {
    name: String,
    description: Option<String>,
    table: Table,
    format: Format,
    multi_directional: bool,
    size_bytes: usize,
    created_at: Timestamp,
    last_updated_at: Timestamp,
}

impl Terminology {
    /// Its entries from `source` into `target`: with UNI directionality the
    /// first column is the only source; with MULTI any column is.
    pub(crate) fn terms(&self, source: &str, target: &str) -> Vec<Term> {
        let (Some(from), Some(to)) = (self.table.column(source), self.table.column(target)) else {
            return Vec::new();
        };
        if from != 0 && !self.multi_directional {
            return Vec::new();
        }
        self.table
            .pairs(from, to)
            .map(|(source, target)| Term {
                terminology: self.name.clone(),
                source: source.to_string(),
                target: target.to_string(),
            })
            .collect()
    }

    fn properties(&self) -> TerminologyProperties {
        TerminologyProperties {
            name: self.name.clone(),
            description: self.description.clone(),
            arn: arn("terminology", &self.name),
            source_language_code: self.table.languages[0].clone(),
            target_language_codes: self.table.languages[1..].to_vec(),
            size_bytes: self.size_bytes,
            term_count: self.table.rows.len(),
            created_at: self.created_at,
            last_updated_at: self.last_updated_at,
            directionality: if self.multi_directional { "MULTI" } else { "UNI" },
            format: self.format.name(),
            skipped_term_count: self.table.failed,
        }
    }

    fn file_location(&self) -> S3Location {
        S3Location {
            bucket: RESOURCE_BUCKET.to_string(),
            key: format!("terminology/{}.{}", self.name, self.format.name().to_ascii_lowercase()),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct TerminologyProperties {
    name: String,
    description: Option<String>,
    arn: String,
    source_language_code: String,
    target_language_codes: Vec<String>,
    size_bytes: usize,
    term_count: usize,
    created_at: Timestamp,
    last_updated_at: Timestamp,
    directionality: &'static str,
    format: &'static str,
    skipped_term_count: u64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ImportTerminologyInput {
    name: Option<String>,
    merge_strategy: Option<String>,
    description: Option<String>,
    terminology_data: Option<TerminologyData>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TerminologyData {
    file: Option<String>,
    format: Option<String>,
    directionality: Option<String>,
}

pub(crate) fn import_terminology(shared: &Shared, input: ImportTerminologyInput) -> ServiceResult<Cbor> {
    let name = resource_name(input.name, "name")?;
    one_of(
        &required(input.merge_strategy, "mergeStrategy")?,
        "mergeStrategy",
        &["OVERWRITE"],
    )?;
    let data = required(input.terminology_data, "terminologyData")?;
    let file = decode_blob(&required(data.file, "terminologyData.file")?, "TerminologyData.File")?;
    let format_name = required(data.format, "terminologyData.format")?;
    one_of(&format_name, "terminologyData.format", &["CSV", "TMX", "TSV"])?;
    let format = Format::parse(&format_name).expect("checked against the enum");
    let directionality = data.directionality.unwrap_or_else(|| "UNI".to_string());
    one_of(&directionality, "terminologyData.directionality", &["UNI", "MULTI"])?;
    if file.len() > MAX_FILE_BYTES {
        return Err(ServiceError::new(
            ErrorKind::LimitExceeded,
            format!(
                "The terminology file is {} bytes; the limit is {MAX_FILE_BYTES} bytes.",
                file.len()
            ),
        ));
    }
    let table = read_table(&file, format, Rules::default()).map_err(|why| {
        ServiceError::new(
            ErrorKind::InvalidParameterValue,
            format!("Invalid terminology file: {why}"),
        )
    })?;
    let created_at = shared
        .resources()
        .terminologies
        .get(&name)
        .map_or_else(now, |t| t.created_at);
    let terminology = Terminology {
        name: name.clone(),
        description: input.description,
        table,
        format,
        multi_directional: directionality == "MULTI",
        size_bytes: file.len(),
        created_at,
        last_updated_at: now(),
    };
    shared
        .objects
        .write(&terminology.file_location(), &file)
        .map_err(|e| ServiceError::new(ErrorKind::InternalServer, format!("storing the terminology file: {e}")))?;
    let properties = terminology.properties();
    shared.resources().terminologies.insert(name, terminology);
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        terminology_properties: TerminologyProperties,
    }
    Ok(to_output(&Output {
        terminology_properties: properties,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NameInput {
    pub(crate) name: Option<String>,
    terminology_data_format: Option<String>,
}

pub(crate) fn get_terminology(shared: &Shared, input: NameInput) -> ServiceResult<Cbor> {
    let name = required(input.name, "name")?;
    if let Some(format) = &input.terminology_data_format {
        one_of(format, "terminologyDataFormat", &["CSV", "TMX", "TSV"])?;
    }
    let resources = shared.resources();
    let terminology = resources
        .terminologies
        .get(&name)
        .ok_or_else(|| ServiceError::not_found("terminology", &name))?;
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        terminology_properties: TerminologyProperties,
        terminology_data_location: DataLocation,
    }
    Ok(to_output(&Output {
        terminology_properties: terminology.properties(),
        terminology_data_location: DataLocation::of(shared, &terminology.file_location()),
    }))
}

/// Where a resource's file can be downloaded (through the emulator's S3).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DataLocation {
    repository_type: &'static str,
    location: String,
}

impl DataLocation {
    pub(crate) fn of(shared: &Shared, location: &S3Location) -> DataLocation {
        DataLocation {
            repository_type: "S3",
            location: format!("{}/{}/{}", shared.base_url(), location.bucket, location.key),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListInput {
    pub(crate) next_token: Option<String>,
    pub(crate) max_results: Option<i64>,
}

pub(crate) fn list_terminologies(shared: &Shared, input: ListInput) -> ServiceResult<Cbor> {
    let all: Vec<TerminologyProperties> = shared
        .resources()
        .terminologies
        .values()
        .map(|t| t.properties())
        .collect();
    let (page, next_token) = paginate(all, input.next_token.as_deref(), input.max_results)?;
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        terminology_properties_list: Vec<TerminologyProperties>,
        next_token: Option<String>,
    }
    Ok(to_output(&Output {
        terminology_properties_list: page,
        next_token,
    }))
}

pub(crate) fn delete_terminology(shared: &Shared, input: NameInput) -> ServiceResult<Cbor> {
    let name = required(input.name, "name")?;
    shared
        .resources()
        .terminologies
        .remove(&name)
        .ok_or_else(|| ServiceError::not_found("terminology", &name))?;
    Ok(Cbor::Map(Vec::new()))
}

/// The entries of the named terminologies for a pair; a missing name is
/// `ResourceNotFoundException`.
pub(crate) fn terms_for(shared: &Shared, names: &[String], source: &str, target: &str) -> ServiceResult<Vec<Term>> {
    let resources = shared.resources();
    let mut terms = Vec::new();
    for name in names {
        let terminology = resources
            .terminologies
            .get(name)
            .ok_or_else(|| ServiceError::not_found("terminology", name))?;
        terms.extend(terminology.terms(source, target));
    }
    Ok(terms)
}
