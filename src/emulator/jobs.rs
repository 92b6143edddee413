//! Batch translation: StartTextTranslationJob, DescribeTextTranslationJob,
//! ListTextTranslationJobs, StopTextTranslationJob.
//!
//! A job reads every object under its input prefix (a folder, never the
//! bucket root), translates it into each target with its terminology and
//! parallel data (the only place parallel data is used), and writes
//! `<output>/<account>-TranslateText-<job id>/<target>.<file>` (sub-folders
//! of the input kept) plus `details/<target>.auxiliary-translation-details.json`.
//! It runs on a background task: `SUBMITTED`, `IN_PROGRESS`, then `COMPLETED`,
//! `COMPLETED_WITH_ERROR` or `FAILED`; a stop request makes it `STOPPED`.

use super::engine::{Resources, SentencePairs, Term, translate_pieces};
use super::error::{ErrorKind, ServiceError, ServiceResult};
use super::markup;
use super::objects::S3Location;
use super::operations::{check_language_pair, language_code, one_of, paginate, required};
use super::realtime::{Settings, applied_terminologies};
use super::state::Shared;
use super::terminology::terms_for;
use super::wire::{Timestamp, now, to_output};
use ciborium::Value as Cbor;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// Jobs that may run at once.
const MAX_CONCURRENT_JOBS: usize = 10;
/// Targets one job may have.
const MAX_TARGETS: usize = 10;
/// How long a job stays `SUBMITTED`, and at least `IN_PROGRESS`, so that
/// polling clients see both states.
const STATE_DELAY: Duration = Duration::from_millis(100);

/// A batch job.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    id: String,
    client_token: Option<String>,
    status: &'static str,
    spec: JobSpec,
    message: Option<String>,
    submitted: Timestamp,
    end: Option<Timestamp>,
    n_input_documents: u64,
    n_translated_documents: u64,
    n_documents_with_errors: u64,
}

/// What a job was asked to do.
#[derive(Debug, Clone)]
struct JobSpec {
    name: Option<String>,
    input: InputDataConfig,
    output: OutputDataConfig,
    role_arn: String,
    source: String,
    targets: Vec<String>,
    terminology_names: Vec<String>,
    parallel_data_names: Vec<String>,
    settings: Option<Settings>,
}

impl Job {
    fn is_running(&self) -> bool {
        matches!(self.status, "SUBMITTED" | "IN_PROGRESS" | "STOP_REQUESTED")
    }

    fn properties(&self) -> JobProperties {
        JobProperties {
            job_id: self.id.clone(),
            job_name: self.spec.name.clone(),
            job_status: self.status,
            job_details: JobDetails {
                translated_documents_count: self.n_translated_documents,
                documents_with_errors_count: self.n_documents_with_errors,
                input_documents_count: self.n_input_documents,
            },
            source_language_code: self.spec.source.clone(),
            target_language_codes: self.spec.targets.clone(),
            terminology_names: self.spec.terminology_names.clone(),
            parallel_data_names: self.spec.parallel_data_names.clone(),
            message: self.message.clone(),
            submitted_time: self.submitted,
            end_time: self.end,
            input_data_config: self.spec.input.clone(),
            output_data_config: self.spec.output.clone(),
            data_access_role_arn: self.spec.role_arn.clone(),
            settings: self.spec.settings.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct JobProperties {
    job_id: String,
    job_name: Option<String>,
    job_status: &'static str,
    job_details: JobDetails,
    source_language_code: String,
    target_language_codes: Vec<String>,
    terminology_names: Vec<String>,
    parallel_data_names: Vec<String>,
    message: Option<String>,
    submitted_time: Timestamp,
    end_time: Option<Timestamp>,
    input_data_config: InputDataConfig,
    output_data_config: OutputDataConfig,
    data_access_role_arn: String,
    settings: Option<Settings>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct JobDetails {
    translated_documents_count: u64,
    documents_with_errors_count: u64,
    input_documents_count: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
struct InputDataConfig {
    s3_uri: Option<String>,
    content_type: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
struct OutputDataConfig {
    s3_uri: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct StartInput {
    job_name: Option<String>,
    input_data_config: Option<InputDataConfig>,
    output_data_config: Option<OutputDataConfig>,
    data_access_role_arn: Option<String>,
    source_language_code: Option<String>,
    target_language_codes: Option<Vec<String>>,
    terminology_names: Option<Vec<String>>,
    parallel_data_names: Option<Vec<String>>,
    client_token: Option<String>,
    settings: Option<Settings>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct StatusOutput {
    job_id: String,
    job_status: &'static str,
}

pub(crate) fn start_text_translation_job(shared: &Arc<Shared>, input: StartInput) -> ServiceResult<Cbor> {
    let client_token = input.client_token.clone();
    if let Some(token) = &client_token {
        let resources = shared.resources();
        if let Some(job) = resources
            .jobs
            .values()
            .find(|job| job.client_token.as_ref() == Some(token))
        {
            return Ok(to_output(&StatusOutput {
                job_id: job.id.clone(),
                job_status: job.status,
            }));
        }
    }
    let spec = check_job(shared, input)?;
    let mut resources = shared.resources();
    if resources.jobs.values().filter(|job| job.is_running()).count() >= MAX_CONCURRENT_JOBS {
        return Err(ServiceError::new(
            ErrorKind::LimitExceeded,
            format!("You have reached the limit of {MAX_CONCURRENT_JOBS} concurrent batch translation jobs."),
        ));
    }
    let id = shared.faults().hex_id(16);
    let job = Job {
        id: id.clone(),
        client_token,
        status: "SUBMITTED",
        spec,
        message: None,
        submitted: now(),
        end: None,
        n_input_documents: 0,
        n_translated_documents: 0,
        n_documents_with_errors: 0,
    };
    resources.jobs.insert(id.clone(), job);
    resources.job_order.push(id.clone());
    drop(resources);
    let runner = Arc::clone(shared);
    let job_id = id.clone();
    tokio::spawn(async move { run_job(&runner, &job_id).await });
    Ok(to_output(&StatusOutput {
        job_id: id,
        job_status: "SUBMITTED",
    }))
}

/// Validates a job as the service does before accepting it.
fn check_job(shared: &Shared, input: StartInput) -> ServiceResult<JobSpec> {
    let job_input = required(input.input_data_config, "inputDataConfig")?;
    let input_uri = required(job_input.s3_uri.clone(), "inputDataConfig.s3Uri")?;
    let content_type = required(job_input.content_type.clone(), "inputDataConfig.contentType")?;
    let job_output = required(input.output_data_config, "outputDataConfig")?;
    let output_uri = required(job_output.s3_uri.clone(), "outputDataConfig.s3Uri")?;
    let role_arn = required(input.data_access_role_arn, "dataAccessRoleArn")?;
    let source = language_code(input.source_language_code, "sourceLanguageCode")?;
    let targets = required(input.target_language_codes, "targetLanguageCodes")?;
    if targets.is_empty() || targets.len() > MAX_TARGETS {
        return Err(invalid(format!(
            "A job takes 1 to {MAX_TARGETS} target languages, not {}.",
            targets.len()
        )));
    }
    check_language_pair(&source, &targets)?;
    if !matches!(content_type.as_str(), "text/html" | "text/plain") {
        return Err(invalid(format!(
            "The emulator translates text/html and text/plain, not {content_type}."
        )));
    }
    check_folders(shared, &input_uri, &output_uri)?;
    let terminology_names = input.terminology_names.unwrap_or_default();
    let parallel_data_names = input.parallel_data_names.unwrap_or_default();
    if terminology_names.len() > 1 || parallel_data_names.len() > 1 {
        return Err(invalid(
            "A job takes at most one terminology and one parallel data resource.",
        ));
    }
    for target in &targets {
        terms_for(shared, &terminology_names, &source, target)?;
    }
    check_parallel_data_covers(shared, &parallel_data_names, &source, &targets)?;
    if let Some(settings) = &input.settings {
        settings.check()?;
    }
    let spec = JobSpec {
        name: input.job_name,
        input: job_input,
        output: job_output,
        role_arn,
        source,
        targets,
        terminology_names,
        parallel_data_names,
        settings: input.settings,
    };
    Ok(spec)
}

fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::new(ErrorKind::InvalidRequest, message)
}

fn check_folders(shared: &Shared, input_uri: &str, output_uri: &str) -> ServiceResult<()> {
    for (uri, member) in [
        (input_uri, "inputDataConfig.s3Uri"),
        (output_uri, "outputDataConfig.s3Uri"),
    ] {
        let location = S3Location::parse(uri).ok_or_else(|| {
            ServiceError::validation(uri, member, "Member must satisfy regular expression pattern: s3://...")
        })?;
        if !shared.objects.bucket_exists(&location.bucket) {
            return Err(invalid(format!("The S3 bucket {} does not exist.", location.bucket)));
        }
        if member.starts_with("input") && location.key.trim_matches('/').is_empty() {
            return Err(invalid(format!(
                "The input {uri} is a bucket root; put the documents in a folder."
            )));
        }
    }
    Ok(())
}

fn check_parallel_data_covers(
    shared: &Shared,
    names: &[String],
    source: &str,
    targets: &[String],
) -> ServiceResult<()> {
    let resources = shared.resources();
    for name in names {
        let data = resources
            .parallel_data
            .get(name)
            .ok_or_else(|| ServiceError::not_found("parallel data", name))?;
        if !data.is_usable() {
            return Err(invalid(format!(
                "The parallel data {name} is {}, not ACTIVE.",
                data.status()
            )));
        }
        if let Some(target) = targets
            .iter()
            .find(|target| data.sentence_pairs(source, target).is_none())
        {
            return Err(invalid(format!(
                "The parallel data {name} does not cover the language pair {source}-{target}."
            )));
        }
    }
    Ok(())
}

/// Translation resources for one target, and how a job ends.
struct Plan {
    targets: Vec<(String, Vec<Term>, Option<SentencePairs>)>,
    /// Injected: the whole job fails.
    fail: bool,
    /// Injected: the first document fails.
    fail_first_document: bool,
}

async fn run_job(shared: &Arc<Shared>, id: &str) {
    tokio::time::sleep(STATE_DELAY).await;
    let Some(spec) = update_job(shared, id, |job| {
        if job.status == "SUBMITTED" {
            job.status = "IN_PROGRESS";
        }
    }) else {
        return;
    };
    let plan = plan_job(shared, &spec);
    let input = S3Location::parse(spec.input.s3_uri.as_deref().unwrap_or_default()).expect("checked at start");
    let keys = match shared.objects.list(&input.bucket, &input.key) {
        Ok(keys) if !keys.is_empty() => keys,
        _ => {
            return finish_job(
                shared,
                id,
                "FAILED",
                Some(format!("No input documents under {}.", input.uri())),
            );
        }
    };
    update_job(shared, id, |job| job.n_input_documents = keys.len() as u64);
    tokio::time::sleep(STATE_DELAY).await;
    if plan.fail {
        return finish_job(shared, id, "FAILED", Some("The job failed (injected).".to_string()));
    }
    let mut details: Vec<Vec<serde_json::Value>> = vec![Vec::new(); plan.targets.len()];
    for (i, key) in keys.iter().enumerate() {
        tokio::task::yield_now().await;
        match job_status(shared, id) {
            None => return,
            Some("STOP_REQUESTED") => return finish_job(shared, id, "STOPPED", None),
            Some(_) => {}
        }
        let failed = plan.fail_first_document && i == 0;
        let ok = translate_document(shared, id, &spec, &plan, key, failed, &mut details);
        update_job(shared, id, |job| {
            if ok {
                job.n_translated_documents += 1
            } else {
                job.n_documents_with_errors += 1
            }
        });
    }
    write_details(shared, id, &spec, &plan, details);
    let with_errors = job_counts(shared, id).is_some_and(|(_, errors)| errors > 0);
    let (status, message) = if with_errors {
        (
            "COMPLETED_WITH_ERROR",
            Some("Some documents could not be translated; see the details folder.".to_string()),
        )
    } else {
        ("COMPLETED", None)
    };
    finish_job(shared, id, status, message);
}

/// Gathers terms and pairs per target, and draws the injected failure.
fn plan_job(shared: &Shared, spec: &JobSpec) -> Plan {
    let config = shared.config();
    let (fail, fail_first_document) = {
        let mut faults = shared.faults();
        let failing = faults.chance(config.job_failure_rate);
        let whole = faults.chance(0.5);
        (failing && whole, failing && !whole)
    };
    let targets = spec
        .targets
        .iter()
        .map(|target| {
            let terms = terms_for(shared, &spec.terminology_names, &spec.source, target).unwrap_or_default();
            let resources = shared.resources();
            let pairs = spec
                .parallel_data_names
                .iter()
                .find_map(|name| resources.parallel_data.get(name)?.sentence_pairs(&spec.source, target));
            (target.clone(), terms, pairs)
        })
        .collect();
    Plan {
        targets,
        fail,
        fail_first_document,
    }
}

/// Translates one input object into every target; false when it failed.
fn translate_document(
    shared: &Shared,
    id: &str,
    spec: &JobSpec,
    plan: &Plan,
    key: &str,
    injected_failure: bool,
    details: &mut [Vec<serde_json::Value>],
) -> bool {
    let input = S3Location::parse(spec.input.s3_uri.as_deref().unwrap_or_default()).expect("checked at start");
    let relative = key.strip_prefix(&input.key).unwrap_or(key).trim_start_matches('/');
    let (folder, file_name) = relative.rsplit_once('/').map_or(("", relative), |(f, n)| (f, n));
    let html = spec.input.content_type.as_deref() == Some("text/html");
    let text = shared
        .objects
        .read(&S3Location {
            bucket: input.bucket.clone(),
            key: key.to_string(),
        })
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let mut ok = true;
    for ((target, terms, pairs), details) in plan.targets.iter().zip(details.iter_mut()) {
        let target_file = if folder.is_empty() {
            format!("{target}.{file_name}")
        } else {
            format!("{folder}/{target}.{file_name}")
        };
        let Some(text) = text.as_ref().filter(|_| !injected_failure) else {
            ok = false;
            details.push(
                serde_json::json!({ "sourceFile": relative, "errorMessage": "The document could not be translated." }),
            );
            continue;
        };
        let pieces = markup::parse_document(text, html);
        let translation = translate_pieces(
            &pieces,
            Resources {
                target,
                terms,
                pairs: pairs.as_ref(),
            },
        );
        let translated = if html {
            markup::write_html(&translation.pieces)
        } else {
            markup::write_plain(&translation.pieces)
        };
        let written = shared
            .objects
            .write(&output_location(spec, id, &target_file), translated.as_bytes());
        if written.is_err() {
            ok = false;
            continue;
        }
        shared.stats.bill(
            "StartTextTranslationJob",
            &spec.source,
            target,
            markup::billed_characters(&pieces) as u64,
        );
        details.push(serde_json::json!({
            "sourceFile": relative,
            "targetFile": target_file,
            "auxiliaryData": {
                "appliedTerminologies": serde_json::to_value(applied_terminologies(&translation.applied_terms)).unwrap_or_default(),
                "parallelDataMatches": translation.n_parallel_matches,
            },
        }));
    }
    ok
}

/// `<output>/<account>-TranslateText-<job id>/<relative>`.
fn output_location(spec: &JobSpec, id: &str, relative: &str) -> S3Location {
    let output = S3Location::parse(spec.output.s3_uri.as_deref().unwrap_or_default()).expect("checked at start");
    let mut prefix = output.key.clone();
    if !prefix.is_empty() && !prefix.ends_with('/') {
        prefix.push('/');
    }
    S3Location {
        bucket: output.bucket,
        key: format!("{prefix}{}-TranslateText-{id}/{relative}", super::ACCOUNT_ID),
    }
}

fn write_details(shared: &Shared, id: &str, spec: &JobSpec, plan: &Plan, details: Vec<Vec<serde_json::Value>>) {
    for ((target, _, _), details) in plan.targets.iter().zip(details) {
        let n_errors = details.iter().filter(|d| d.get("errorMessage").is_some()).count();
        let report = serde_json::json!({
            "sourceLanguageCode": spec.source,
            "targetLanguageCode": target,
            "documentCountWithCustomerError": n_errors.to_string(),
            "documentCountWithServerError": "0",
            "inputDataPrefix": spec.input.s3_uri,
            "outputDataPrefix": output_location(spec, id, "").uri(),
            "details": details,
        });
        let location = output_location(
            spec,
            id,
            &format!("details/{target}.auxiliary-translation-details.json"),
        );
        let body = serde_json::to_vec_pretty(&report).expect("JSON values serialize");
        let _ = shared.objects.write(&location, &body);
    }
}

/// Changes a job; returns its spec, or `None` when it is gone.
fn update_job(shared: &Shared, id: &str, change: impl FnOnce(&mut Job)) -> Option<JobSpec> {
    let mut resources = shared.resources();
    let job = resources.jobs.get_mut(id)?;
    change(job);
    Some(job.spec.clone())
}

fn job_status(shared: &Shared, id: &str) -> Option<&'static str> {
    shared.resources().jobs.get(id).map(|job| job.status)
}

fn job_counts(shared: &Shared, id: &str) -> Option<(u64, u64)> {
    shared
        .resources()
        .jobs
        .get(id)
        .map(|job| (job.n_translated_documents, job.n_documents_with_errors))
}

fn finish_job(shared: &Shared, id: &str, status: &'static str, message: Option<String>) {
    update_job(shared, id, |job| {
        job.status = if job.status == "STOP_REQUESTED" && status != "FAILED" {
            "STOPPED"
        } else {
            status
        };
        job.message = message;
        job.end = Some(now());
    });
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct JobIdInput {
    job_id: Option<String>,
}

pub(crate) fn describe_text_translation_job(shared: &Shared, input: JobIdInput) -> ServiceResult<Cbor> {
    let id = required(input.job_id, "jobId")?;
    let resources = shared.resources();
    let job = resources
        .jobs
        .get(&id)
        .ok_or_else(|| ServiceError::not_found("job", &id))?;
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        text_translation_job_properties: JobProperties,
    }
    Ok(to_output(&Output {
        text_translation_job_properties: job.properties(),
    }))
}

pub(crate) fn stop_text_translation_job(shared: &Shared, input: JobIdInput) -> ServiceResult<Cbor> {
    let id = required(input.job_id, "jobId")?;
    let mut resources = shared.resources();
    let job = resources
        .jobs
        .get_mut(&id)
        .ok_or_else(|| ServiceError::not_found("job", &id))?;
    if matches!(job.status, "SUBMITTED" | "IN_PROGRESS") {
        job.status = "STOP_REQUESTED";
    }
    Ok(to_output(&StatusOutput {
        job_id: id,
        job_status: job.status,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListInput {
    filter: Option<Filter>,
    next_token: Option<String>,
    max_results: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Filter {
    job_name: Option<String>,
    job_status: Option<String>,
    submitted_before_time: Option<f64>,
    submitted_after_time: Option<f64>,
}

const JOB_STATUSES: [&str; 7] = [
    "SUBMITTED",
    "IN_PROGRESS",
    "COMPLETED",
    "COMPLETED_WITH_ERROR",
    "FAILED",
    "STOP_REQUESTED",
    "STOPPED",
];

pub(crate) fn list_text_translation_jobs(shared: &Shared, input: ListInput) -> ServiceResult<Cbor> {
    let filter = input.filter.unwrap_or_default();
    let n_filters = [filter.job_name.is_some(), filter.job_status.is_some()]
        .iter()
        .filter(|set| **set)
        .count()
        + usize::from(filter.submitted_before_time.is_some() || filter.submitted_after_time.is_some());
    if n_filters > 1 {
        return Err(ServiceError::new(
            ErrorKind::InvalidFilter,
            "Filter by one of job name, status or time.",
        ));
    }
    if let Some(status) = &filter.job_status {
        one_of(status, "filter.jobStatus", &JOB_STATUSES)?;
    }
    let resources = shared.resources();
    let matching: Vec<JobProperties> = resources
        .job_order
        .iter()
        .rev()
        .filter_map(|id| resources.jobs.get(id))
        .filter(|job| {
            filter
                .job_name
                .as_ref()
                .is_none_or(|name| job.spec.name.as_ref() == Some(name))
        })
        .filter(|job| filter.job_status.as_ref().is_none_or(|status| job.status == status))
        .filter(|job| filter.submitted_before_time.is_none_or(|t| job.submitted.0 < t))
        .filter(|job| filter.submitted_after_time.is_none_or(|t| job.submitted.0 > t))
        .map(Job::properties)
        .collect();
    let (page, next_token) = paginate(matching, input.next_token.as_deref(), input.max_results)?;
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        text_translation_job_properties_list: Vec<JobProperties>,
        next_token: Option<String>,
    }
    Ok(to_output(&Output {
        text_translation_job_properties_list: page,
        next_token,
    }))
}
