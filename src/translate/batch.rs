//! Amazon Translate's batch side: S3 objects, StartTextTranslationJob with
//! parallel data and terminology, DescribeTextTranslationJob, and the
//! parallel-data and terminology resources the jobs use.
//!
//! [`BatchClient`] wraps the SDK's Translate and S3 clients on a runtime it
//! owns and exposes blocking calls; what runs when (the resumable `warm`)
//! is in the pipeline's `batch` stage. Errors are [`BackendError`]s with the
//! service's error code.

use super::aws::{AwsSettings, Endpoint, RefusedConnectionIsFinal, classify_error, load_aws_config};
use super::{BackendError, BackendErrorKind};
use crate::config::S3Location;
use aws_sdk_translate::error::ProvideErrorMetadata;
use aws_sdk_translate::primitives::Blob;
use aws_sdk_translate::types::{
    InputDataConfig, JobStatus, MergeStrategy, OutputDataConfig, ParallelDataConfig, ParallelDataFormat,
    ParallelDataStatus, TerminologyData, TerminologyDataFormat,
};
use std::time::Duration;

/// The formats parallel data and terminologies are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// Comma-separated values, a header row of language codes.
    Csv,
    /// Tab-separated values, a header row of language codes.
    Tsv,
    /// TMX 1.4b.
    Tmx,
}

impl TableFormat {
    /// The format a file name's extension says, if any.
    pub fn of_file_name(name: &str) -> Option<TableFormat> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Some(TableFormat::Csv),
            "tsv" => Some(TableFormat::Tsv),
            "tmx" => Some(TableFormat::Tmx),
            _ => None,
        }
    }

    fn parallel_data(self) -> ParallelDataFormat {
        match self {
            TableFormat::Csv => ParallelDataFormat::Csv,
            TableFormat::Tsv => ParallelDataFormat::Tsv,
            TableFormat::Tmx => ParallelDataFormat::Tmx,
        }
    }

    fn terminology(self) -> TerminologyDataFormat {
        match self {
            TableFormat::Csv => TerminologyDataFormat::Csv,
            TableFormat::Tsv => TerminologyDataFormat::Tsv,
            TableFormat::Tmx => TerminologyDataFormat::Tmx,
        }
    }
}

/// One batch job to start.
#[derive(Debug, Clone)]
pub struct JobSpec<'a> {
    /// The job's name and idempotency token: the same token never starts a
    /// second job.
    pub run_id: &'a str,
    /// `s3://…/input/`, the folder of input documents.
    pub input_uri: String,
    /// `s3://…/output/`.
    pub output_uri: String,
    /// The role Amazon Translate assumes to read and write them.
    pub data_access_role_arn: &'a str,
    /// The book's language.
    pub source_language: &'a str,
    /// Up to 10 target languages.
    pub target_languages: Vec<String>,
    /// Parallel data resources, by name.
    pub parallel_data: &'a [String],
    /// Terminologies, by name.
    pub terminology: &'a [String],
}

/// Where a job stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobState {
    /// SUBMITTED, IN_PROGRESS, COMPLETED, COMPLETED_WITH_ERROR, FAILED,
    /// STOP_REQUESTED or STOPPED.
    pub status: String,
    /// Documents translated so far.
    pub n_translated: u64,
    /// Documents that failed.
    pub n_failed: u64,
    /// Documents in the job.
    pub n_documents: u64,
    /// The service's message, if any.
    pub message: Option<String>,
}

impl JobState {
    /// Whether the job has ended, one way or another.
    pub fn is_finished(&self) -> bool {
        matches!(
            self.status.as_str(),
            "COMPLETED" | "COMPLETED_WITH_ERROR" | "FAILED" | "STOPPED"
        )
    }
}

/// The version of a parallel data resource a job uses: its name and when
/// it was last updated (seconds since the epoch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParallelDataVersion {
    /// The resource's name.
    pub name: String,
    /// `LastUpdatedAt` (else `CreatedAt`), in seconds.
    pub updated: i64,
    /// The languages it has translations into.
    pub targets: Vec<String>,
}

/// Translate and S3 clients for batch work.
pub struct BatchClient {
    runtime: tokio::runtime::Runtime,
    translate: aws_sdk_translate::Client,
    s3: aws_sdk_s3::Client,
    /// Where each client's requests go, for messages.
    translate_endpoint: Endpoint,
    s3_endpoint: Endpoint,
}

impl std::fmt::Debug for BatchClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchClient").finish_non_exhaustive()
    }
}

fn sdk_error<E>(
    endpoint: &Endpoint,
    what: &str,
    error: &aws_sdk_translate::error::SdkError<E, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
) -> BackendError
where
    E: aws_sdk_translate::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    let error = classify_error(error, endpoint);
    BackendError::new(error.kind, format!("{what}: {}", error.message))
}

impl BatchClient {
    /// Connects with the standard AWS chain (`AWS_ENDPOINT_URL` included;
    /// S3 is then addressed path-style, as local S3 servers expect).
    pub fn connect(settings: &AwsSettings) -> Result<BatchClient, BackendError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| BackendError::new(BackendErrorKind::Service, format!("starting the async runtime: {e}")))?;
        let sdk_config = runtime.block_on(load_aws_config(settings))?;
        let translate = aws_sdk_translate::config::Builder::from(&sdk_config)
            .retry_classifier(RefusedConnectionIsFinal)
            .build();
        let s3 = aws_sdk_s3::config::Builder::from(&sdk_config)
            .force_path_style(sdk_config.endpoint_url().is_some())
            .retry_classifier(RefusedConnectionIsFinal)
            .build();
        Ok(BatchClient {
            runtime,
            translate: aws_sdk_translate::Client::from_conf(translate),
            s3: aws_sdk_s3::Client::from_conf(s3),
            translate_endpoint: Endpoint::translate(&sdk_config),
            s3_endpoint: Endpoint::s3(&sdk_config),
        })
    }

    /// Writes `body` to `s3://<bucket>/<key>`.
    pub fn put_object(&self, bucket: &str, key: &str, body: Vec<u8>, content_type: &str) -> Result<(), BackendError> {
        self.runtime
            .block_on(
                self.s3
                    .put_object()
                    .bucket(bucket)
                    .key(key)
                    .content_type(content_type)
                    .body(body.into())
                    .send(),
            )
            .map(|_| ())
            .map_err(|e| sdk_error(&self.s3_endpoint, &format!("writing s3://{bucket}/{key}"), &e))
    }

    /// The keys of every object under `prefix` in `bucket`.
    pub fn list_objects(&self, bucket: &str, prefix: &str) -> Result<Vec<String>, BackendError> {
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .runtime
                .block_on(
                    self.s3
                        .list_objects_v2()
                        .bucket(bucket)
                        .prefix(prefix)
                        .set_continuation_token(token.take())
                        .send(),
                )
                .map_err(|e| sdk_error(&self.s3_endpoint, &format!("listing s3://{bucket}/{prefix}"), &e))?;
            keys.extend(
                page.contents()
                    .iter()
                    .filter_map(|object| object.key().map(str::to_string)),
            );
            match page.next_continuation_token() {
                Some(next) if page.is_truncated() == Some(true) => token = Some(next.to_string()),
                _ => return Ok(keys),
            }
        }
    }

    /// Reads `s3://<bucket>/<key>`.
    pub fn get_object(&self, bucket: &str, key: &str) -> Result<Vec<u8>, BackendError> {
        self.runtime.block_on(async {
            let object = self
                .s3
                .get_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .map_err(|e| sdk_error(&self.s3_endpoint, &format!("reading s3://{bucket}/{key}"), &e))?;
            let body = object.body.collect().await.map_err(|e| {
                BackendError::new(BackendErrorKind::Service, format!("reading s3://{bucket}/{key}: {e}"))
            })?;
            Ok(body.into_bytes().to_vec())
        })
    }

    /// Starts a batch job, or finds the one already started with the same
    /// run id; returns its id.
    pub fn start_job(&self, spec: &JobSpec<'_>) -> Result<String, BackendError> {
        let input = InputDataConfig::builder()
            .s3_uri(&spec.input_uri)
            .content_type("text/html")
            .build()
            .map_err(|e| BackendError::new(BackendErrorKind::Invalid, e.to_string()))?;
        let output = OutputDataConfig::builder()
            .s3_uri(&spec.output_uri)
            .build()
            .map_err(|e| BackendError::new(BackendErrorKind::Invalid, e.to_string()))?;
        let call = self
            .translate
            .start_text_translation_job()
            .job_name(format!("mdbook-translate-{}", spec.run_id))
            .client_token(spec.run_id)
            .input_data_config(input)
            .output_data_config(output)
            .data_access_role_arn(spec.data_access_role_arn)
            .source_language_code(spec.source_language)
            .set_target_language_codes(Some(spec.target_languages.clone()))
            .set_parallel_data_names((!spec.parallel_data.is_empty()).then(|| spec.parallel_data.to_vec()))
            .set_terminology_names((!spec.terminology.is_empty()).then(|| spec.terminology.to_vec()));
        let output = self
            .runtime
            .block_on(call.send())
            .map_err(|e| sdk_error(&self.translate_endpoint, "starting the batch translation job", &e))?;
        output
            .job_id()
            .map(str::to_string)
            .ok_or_else(|| BackendError::new(BackendErrorKind::Service, "the service started a job without an id"))
    }

    /// Where job `job_id` stands.
    pub fn describe_job(&self, job_id: &str) -> Result<JobState, BackendError> {
        let output = self
            .runtime
            .block_on(self.translate.describe_text_translation_job().job_id(job_id).send())
            .map_err(|e| sdk_error(&self.translate_endpoint, &format!("asking for batch job {job_id}"), &e))?;
        let properties = output
            .text_translation_job_properties()
            .ok_or_else(|| BackendError::new(BackendErrorKind::Service, format!("job {job_id} has no properties")))?;
        let details = properties.job_details();
        let count = |n: Option<i32>| n.map_or(0, |n| u64::try_from(n).unwrap_or(0));
        Ok(JobState {
            status: properties
                .job_status()
                .map_or_else(|| "UNKNOWN".to_string(), |s| s.as_str().to_string()),
            n_translated: count(details.and_then(|d| d.translated_documents_count())),
            n_failed: count(details.and_then(|d| d.documents_with_errors_count())),
            n_documents: count(details.and_then(|d| d.input_documents_count())),
            message: properties.message().map(str::to_string),
        })
    }

    /// The versions of the parallel data resources `names`; each must be
    /// usable (ACTIVE, or UPDATING with an earlier version active).
    pub fn parallel_data_versions(&self, names: &[String]) -> Result<Vec<ParallelDataVersion>, BackendError> {
        names
            .iter()
            .map(|name| {
                let output = self
                    .runtime
                    .block_on(self.translate.get_parallel_data().name(name).send())
                    .map_err(|e| sdk_error(&self.translate_endpoint, &format!("reading parallel data `{name}`"), &e))?;
                let properties = output.parallel_data_properties().ok_or_else(|| {
                    BackendError::new(
                        BackendErrorKind::Service,
                        format!("parallel data `{name}` has no properties"),
                    )
                })?;
                let usable = matches!(
                    properties.status(),
                    Some(ParallelDataStatus::Active | ParallelDataStatus::Updating)
                );
                if !usable {
                    return Err(BackendError::new(
                        BackendErrorKind::Invalid,
                        format!(
                            "parallel data `{name}` is {}: {}",
                            properties.status().map_or("in no state", |s| s.as_str()),
                            properties
                                .message()
                                .unwrap_or("push it again with `parallel-data push`")
                        ),
                    ));
                }
                let updated = properties
                    .last_updated_at()
                    .or(properties.created_at())
                    .map_or(0, |t| t.secs());
                Ok(ParallelDataVersion {
                    name: name.clone(),
                    updated,
                    targets: properties.target_language_codes().to_vec(),
                })
            })
            .collect()
    }

    /// Uploads `file` to `<location>/parallel-data/<name>.<ext>` and creates
    /// or updates the parallel data resource `name` from it, then waits
    /// until it is ACTIVE; returns its version.
    pub fn push_parallel_data(
        &self,
        name: &str,
        file: Vec<u8>,
        format: TableFormat,
        location: &S3Location,
    ) -> Result<ParallelDataVersion, BackendError> {
        let extension = format!("{format:?}").to_ascii_lowercase();
        let key = format!("{}/parallel-data/{name}.{extension}", location.prefix);
        self.put_object(&location.bucket, &key, file, "text/plain")?;
        let config = ParallelDataConfig::builder()
            .s3_uri(format!("s3://{}/{key}", location.bucket))
            .format(format.parallel_data())
            .build();
        let exists = match self
            .runtime
            .block_on(self.translate.get_parallel_data().name(name).send())
        {
            Ok(_) => true,
            Err(error) if error.code() == Some("ResourceNotFoundException") => false,
            Err(error) => {
                return Err(sdk_error(
                    &self.translate_endpoint,
                    &format!("reading parallel data `{name}`"),
                    &error,
                ));
            }
        };
        let token = push_token(name, &key);
        let result = if exists {
            self.runtime
                .block_on(
                    self.translate
                        .update_parallel_data()
                        .name(name)
                        .parallel_data_config(config)
                        .client_token(token)
                        .send(),
                )
                .map(|_| ())
                .map_err(|e| {
                    sdk_error(
                        &self.translate_endpoint,
                        &format!("updating parallel data `{name}`"),
                        &e,
                    )
                })
        } else {
            self.runtime
                .block_on(
                    self.translate
                        .create_parallel_data()
                        .name(name)
                        .parallel_data_config(config)
                        .client_token(token)
                        .send(),
                )
                .map(|_| ())
                .map_err(|e| {
                    sdk_error(
                        &self.translate_endpoint,
                        &format!("creating parallel data `{name}`"),
                        &e,
                    )
                })
        };
        result?;
        self.wait_for_parallel_data(name)
    }

    /// Polls GetParallelData until `name`'s latest update has ended.
    fn wait_for_parallel_data(&self, name: &str) -> Result<ParallelDataVersion, BackendError> {
        let mut pause = Duration::from_millis(200);
        loop {
            let output = self
                .runtime
                .block_on(self.translate.get_parallel_data().name(name).send())
                .map_err(|e| sdk_error(&self.translate_endpoint, &format!("reading parallel data `{name}`"), &e))?;
            let properties = output.parallel_data_properties();
            let latest = properties.and_then(|p| p.latest_update_attempt_status().or(p.status()));
            match latest {
                Some(ParallelDataStatus::Active) => {
                    let updated = properties
                        .and_then(|p| p.last_updated_at().or(p.created_at()))
                        .map_or(0, |t| t.secs());
                    return Ok(ParallelDataVersion {
                        name: name.to_string(),
                        updated,
                        targets: properties
                            .map(|p| p.target_language_codes().to_vec())
                            .unwrap_or_default(),
                    });
                }
                Some(ParallelDataStatus::Failed) => {
                    return Err(BackendError::new(
                        BackendErrorKind::Invalid,
                        format!(
                            "parallel data `{name}` failed: {}",
                            properties.and_then(|p| p.message()).unwrap_or("no message")
                        ),
                    ));
                }
                Some(ParallelDataStatus::Creating | ParallelDataStatus::Updating) => {
                    std::thread::sleep(pause);
                    pause = (pause * 3 / 2).min(Duration::from_secs(10));
                }
                other => {
                    return Err(BackendError::new(
                        BackendErrorKind::Service,
                        format!(
                            "parallel data `{name}` is {} while it was being imported",
                            other.map_or("in no state", |s| s.as_str())
                        ),
                    ));
                }
            }
        }
    }

    /// Imports `file` as the terminology `name`, replacing an earlier one.
    pub fn push_terminology(&self, name: &str, file: Vec<u8>, format: TableFormat) -> Result<u64, BackendError> {
        let data = TerminologyData::builder()
            .file(Blob::new(file))
            .format(format.terminology())
            .build()
            .map_err(|e| BackendError::new(BackendErrorKind::Invalid, e.to_string()))?;
        let output = self
            .runtime
            .block_on(
                self.translate
                    .import_terminology()
                    .name(name)
                    .merge_strategy(MergeStrategy::Overwrite)
                    .terminology_data(data)
                    .send(),
            )
            .map_err(|e| sdk_error(&self.translate_endpoint, &format!("importing terminology `{name}`"), &e))?;
        Ok(output
            .terminology_properties()
            .and_then(|p| p.term_count())
            .map_or(0, |n| u64::try_from(n).unwrap_or(0)))
    }
}

/// An idempotency token for one push: letters, digits and `-`, at most 64
/// characters, new for every push (a hash of the name, the key and the time).
fn push_token(name: &str, key: &str) -> String {
    use sha2::{Digest, Sha256};
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let digest = Sha256::digest(format!("{name}\n{key}\n{}\n{}", now.as_nanos(), std::process::id()));
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a job status string is one the SDK knows as finished with
/// output to read.
pub fn has_output(status: &str) -> bool {
    matches!(
        JobStatus::from(status),
        JobStatus::Completed | JobStatus::CompletedWithError
    )
}
