//! `warm` through one batch job (Active Custom Translation): every unit of
//! the book that has no current translation in any requested language goes
//! to Amazon Translate in HTML documents, one per chapter, translated into
//! every language at once with the book's parallel data and terminology.
//!
//! The run is resumable. Its id and S3 folder are written to the store
//! before anything is uploaded, and its job id as soon as the job starts;
//! the job is started with the run id as its idempotency token. A `warm`
//! killed at any point and run again finishes the recorded run (waiting for
//! its job, or finding the job it had started) instead of paying twice.

use super::lookup::{WantedUnits, lookup_units};
use super::{PipelineError, UntranslatedReason};
use crate::collect::CollectedBook;
use crate::config::S3Location;
use crate::language::LanguageTag;
use crate::segment::tagged::{SlotShape, check_pairs_keep_text, validate_tags};
use crate::store::{Languages, Origin, Record, Store};
use crate::translate::batch::{BatchClient, JobSpec, JobState, ParallelDataVersion, has_output};
use crate::translate::html::{read_units, unit_html};
use crate::translate::{BackendError, BackendErrorKind};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The `meta` key of the run in progress.
const RUN_KEY: &str = "batch-run";

/// Target languages one job takes at most.
pub const MAX_TARGETS_PER_JOB: usize = 10;

/// What a batch `warm` needs besides the book and the store.
#[derive(Debug, Clone)]
pub struct BatchSettings<'a> {
    /// Where inputs and outputs go.
    pub location: &'a S3Location,
    /// The role Amazon Translate assumes.
    pub data_access_role_arn: &'a str,
    /// Parallel data resources, by name.
    pub parallel_data: &'a [String],
    /// Terminologies, by name.
    pub terminology: &'a [String],
    /// The first pause between two looks at the job (it grows to 30 s).
    pub poll_interval: Duration,
}

/// A run as the store records it: everything a later `warm` needs to
/// finish it, whatever book.toml says by then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedRun {
    /// The run's id: its S3 folder and the job's idempotency token.
    pub run_id: String,
    /// The job, once started.
    pub job_id: Option<String>,
    /// Its target languages.
    pub targets: Vec<String>,
    /// The profile its translations are stored under.
    pub profile: String,
    /// Where its inputs and outputs are.
    pub location: S3Location,
    /// The role the job runs with.
    pub data_access_role_arn: String,
    /// The parallel data resources the job uses.
    pub parallel_data: Vec<String>,
    /// The terminologies the job uses.
    pub terminology: Vec<String>,
    /// Whether every input document is uploaded (the job may start).
    pub uploaded: bool,
}

/// What a batch `warm` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchSummary {
    /// Whether a run recorded by an earlier `warm` was finished.
    pub resumed: bool,
    /// Distinct units sent (once for every language).
    pub n_sent: usize,
    /// Translations stored, all languages together.
    pub n_stored: usize,
    /// Units whose translation was refused, with the language and why.
    pub refused: Vec<(String, String, UntranslatedReason)>,
    /// Documents the job could not translate.
    pub n_failed_documents: u64,
    /// The failed documents the job's details name: language, file, message.
    pub failed_documents: Vec<(String, String, String)>,
    /// The job's id, if one ran.
    pub job_id: Option<String>,
}

/// The profile ACT records are stored under: `act/` and the parallel data
/// versions (`name@updated`), or `act/none`.
pub fn act_profile(versions: &[ParallelDataVersion]) -> String {
    if versions.is_empty() {
        return "act/none".to_string();
    }
    let parts: Vec<String> = versions.iter().map(|v| format!("{}@{}", v.name, v.updated)).collect();
    format!("act/{}", parts.join("+"))
}

/// A unit as a batch document names it: `k` and 16 hex digits of the hash
/// of its tagged text, the same in every language.
fn batch_unit_id(tagged: &str) -> String {
    let digest = Sha256::digest(tagged.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("k{hex}")
}

/// The book's units by batch id: their tagged text and slot shapes.
fn units_by_id(wanted: &WantedUnits) -> HashMap<String, (&str, &[SlotShape])> {
    wanted
        .units
        .iter()
        .map(|unit| {
            (
                batch_unit_id(&unit.tagged),
                (unit.tagged.as_str(), unit.shapes.as_slice()),
            )
        })
        .collect()
}

/// What every step of a run works with.
struct RunContext<'a> {
    wanted: &'a WantedUnits,
    source: &'a LanguageTag,
    store: &'a Store,
    client: &'a BatchClient,
    settings: &'a BatchSettings<'a>,
}

/// Fills `store` through batch jobs for `targets`: finishes a run an
/// earlier `warm` left, then sends what is still missing (if anything) in a
/// new job. `on_state` sees the job's state at every look.
pub fn warm_with_batch_job(
    collected: &CollectedBook,
    source: &LanguageTag,
    targets: &[LanguageTag],
    store: &Store,
    client: &BatchClient,
    settings: &BatchSettings<'_>,
    on_state: &mut dyn FnMut(&JobState),
) -> Result<BatchSummary, PipelineError> {
    let mut summary = BatchSummary::default();
    // Units and their shapes are the same in every language.
    let wanted = WantedUnits::of_book(collected, Languages { source, target: source });
    let context = RunContext {
        wanted: &wanted,
        source,
        store,
        client,
        settings,
    };
    if let Some(run) = recorded_run(store)? {
        if run.uploaded {
            summary.resumed = true;
            finish_run(&context, &run, on_state, &mut summary)?;
        } else {
            // Killed while uploading: no job was started, nothing was paid.
            record_run(store, None)?;
        }
    }
    let versions = client
        .parallel_data_versions(settings.parallel_data)
        .map_err(backend_error)?;
    let profile = act_profile(&versions);
    for targets in targets.chunks(MAX_TARGETS_PER_JOB) {
        let missing = missing_units(&wanted, collected, source, targets, store, &profile)?;
        if missing.languages.is_empty() {
            continue;
        }
        check_coverage(&versions, &missing.languages).map_err(backend_error)?;
        summary.n_sent += missing.units.len();
        let mut run = RecordedRun {
            run_id: new_run_id(),
            job_id: None,
            targets: missing.languages.iter().map(|l| l.as_str().to_string()).collect(),
            profile: profile.clone(),
            location: settings.location.clone(),
            data_access_role_arn: settings.data_access_role_arn.to_string(),
            parallel_data: settings.parallel_data.to_vec(),
            terminology: settings.terminology.to_vec(),
            uploaded: false,
        };
        record_run(store, Some(&run))?;
        upload_documents(&missing, &run, client).map_err(backend_error)?;
        run.uploaded = true;
        record_run(store, Some(&run))?;
        finish_run(&context, &run, on_state, &mut summary)?;
    }
    Ok(summary)
}

/// Refuses languages a parallel data resource does not cover: the service
/// would fail the whole job after the upload.
fn check_coverage(versions: &[ParallelDataVersion], languages: &[LanguageTag]) -> Result<(), BackendError> {
    for version in versions {
        let uncovered: Vec<&str> = languages
            .iter()
            .filter(|language| {
                !version
                    .targets
                    .iter()
                    .any(|target| target.parse::<LanguageTag>().is_ok_and(|t| t == **language))
            })
            .map(LanguageTag::as_str)
            .collect();
        if !uncovered.is_empty() {
            return Err(BackendError::new(
                BackendErrorKind::Invalid,
                format!(
                    "the parallel data `{}` has no {} translation, and a batch job needs parallel data for every \
                     language it translates: push parallel data with those languages, or warm them with `--lang`",
                    version.name,
                    uncovered.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn backend_error(source: BackendError) -> PipelineError {
    PipelineError::Backend { backend: "aws", source }
}

/// The units to send: those with no human or current ACT translation in at
/// least one language, grouped by chapter, and the languages that lack any.
struct Missing {
    /// Chapter label → units (tagged text) first seen there.
    documents: BTreeMap<String, Vec<String>>,
    /// Every unit once.
    units: Vec<String>,
    /// The languages with something missing (at most 10).
    languages: Vec<LanguageTag>,
}

fn missing_units(
    wanted: &WantedUnits,
    collected: &CollectedBook,
    source: &LanguageTag,
    targets: &[LanguageTag],
    store: &Store,
    profile: &str,
) -> Result<Missing, PipelineError> {
    let index_of: HashMap<&str, usize> = wanted
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.tagged.as_str(), i))
        .collect();
    let mut missing_anywhere = vec![false; wanted.units.len()];
    let mut languages = Vec::new();
    for target in targets.iter().take(MAX_TARGETS_PER_JOB) {
        let in_target = WantedUnits::of_book(collected, Languages { source, target });
        let lookup = lookup_units(store, &in_target, &["human", profile])?;
        if lookup.misses.is_empty() {
            continue;
        }
        languages.push(target.clone());
        for miss in lookup.misses {
            missing_anywhere[index_of[in_target.units[miss].tagged.as_str()]] = true;
        }
    }
    let mut documents: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut units = Vec::new();
    for (unit, missing) in wanted.units.iter().zip(missing_anywhere) {
        if missing {
            documents
                .entry(unit.chapter.clone())
                .or_default()
                .push(unit.tagged.clone());
            units.push(unit.tagged.clone());
        }
    }
    Ok(Missing {
        documents,
        units,
        languages,
    })
}

fn new_run_id() -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    format!("{}-{:09}-{}", now.as_secs(), now.subsec_nanos(), std::process::id())
}

fn run_folder(location: &S3Location, run_id: &str) -> String {
    format!("{}/runs/{run_id}", location.prefix)
}

/// Writes one HTML document per chapter under the run's `input/` folder.
fn upload_documents(missing: &Missing, run: &RecordedRun, client: &BatchClient) -> Result<(), BackendError> {
    let folder = run_folder(&run.location, &run.run_id);
    for (n, units) in missing.documents.values().enumerate() {
        let mut html = String::from("<!DOCTYPE html>\n<html><body>\n");
        for tagged in units {
            html.push_str(&unit_html(&batch_unit_id(tagged), tagged).0);
            html.push('\n');
        }
        html.push_str("</body></html>\n");
        let key = format!("{folder}/input/d{n:04}.html");
        client.put_object(&run.location.bucket, &key, html.into_bytes(), "text/html")?;
    }
    Ok(())
}

/// Starts the run's job if it has none, waits for it to end, and stores
/// what it translated; then forgets the run.
fn finish_run(
    context: &RunContext<'_>,
    run: &RecordedRun,
    on_state: &mut dyn FnMut(&JobState),
    summary: &mut BatchSummary,
) -> Result<(), PipelineError> {
    let RunContext {
        source,
        store,
        client,
        settings,
        ..
    } = *context;
    let job_id = match &run.job_id {
        Some(job_id) => job_id.clone(),
        None => {
            let spec = JobSpec {
                run_id: &run.run_id,
                input_uri: run.location.uri(&format!("runs/{}/input", run.run_id)),
                output_uri: run.location.uri(&format!("runs/{}/output", run.run_id)),
                data_access_role_arn: &run.data_access_role_arn,
                source_language: source.as_str(),
                target_languages: run.targets.clone(),
                parallel_data: &run.parallel_data,
                terminology: &run.terminology,
            };
            let job_id = client.start_job(&spec).map_err(backend_error)?;
            let started = RecordedRun {
                job_id: Some(job_id.clone()),
                ..run.clone()
            };
            record_run(store, Some(&started))?;
            job_id
        }
    };
    summary.job_id = Some(job_id.clone());
    let state = wait_for_job(client, &job_id, settings.poll_interval, on_state)?;
    if !has_output(&state.status) {
        record_run(store, None)?;
        return Err(backend_error(BackendError::new(
            BackendErrorKind::Service,
            format!(
                "batch job {job_id} ended {}: {}",
                state.status,
                state.message.as_deref().unwrap_or("no message")
            ),
        )));
    }
    summary.n_failed_documents += state.n_failed;
    let languages_read = store_outputs(context, run, summary)?;
    let unread: Vec<&String> = run
        .targets
        .iter()
        .filter(|target| !languages_read.iter().any(|read| read.as_str() == target.as_str()))
        .collect();
    if !unread.is_empty() && state.n_failed == 0 {
        // Keep the run: the next `warm` looks again rather than paying again.
        return Err(backend_error(BackendError::new(
            BackendErrorKind::Service,
            format!(
                "batch job {job_id} completed, but no output for {} was found under s3://{}/{}/output/; \
                 the run is kept, so the next `warm` reads it again",
                unread.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", "),
                run.location.bucket,
                run_folder(&run.location, &run.run_id)
            ),
        )));
    }
    record_run(store, None)
}

/// Looks at the job until it ends, pausing longer each time (to 30 s).
fn wait_for_job(
    client: &BatchClient,
    job_id: &str,
    first_pause: Duration,
    on_state: &mut dyn FnMut(&JobState),
) -> Result<JobState, PipelineError> {
    let mut pause = first_pause;
    loop {
        let state = client.describe_job(job_id).map_err(backend_error)?;
        on_state(&state);
        if state.is_finished() {
            return Ok(state);
        }
        let known = ["SUBMITTED", "IN_PROGRESS", "STOP_REQUESTED"];
        if !known.contains(&state.status.as_str()) {
            return Err(backend_error(BackendError::new(
                BackendErrorKind::Service,
                format!(
                    "batch job {job_id} is in a state this version does not know ({}); the run is kept",
                    state.status
                ),
            )));
        }
        std::thread::sleep(pause);
        pause = (pause * 3 / 2).min(Duration::from_secs(30));
    }
}

/// Reads every `<target>.<document>` output of the run and stores each
/// unit's translation that keeps its tags.
/// Returns the languages it found outputs for.
fn store_outputs(
    context: &RunContext<'_>,
    run: &RecordedRun,
    summary: &mut BatchSummary,
) -> Result<Vec<LanguageTag>, PipelineError> {
    let RunContext {
        wanted,
        source,
        store,
        client,
        ..
    } = *context;
    let folder = run_folder(&run.location, &run.run_id);
    let by_id = units_by_id(wanted);
    let bucket = &run.location.bucket;
    let targets: Vec<LanguageTag> = run.targets.iter().filter_map(|t| t.parse().ok()).collect();
    let mut languages_read = Vec::new();
    let keys = client
        .list_objects(bucket, &format!("{folder}/output/"))
        .map_err(backend_error)?;
    for key in keys {
        let file_name = key.rsplit('/').next().unwrap_or_default();
        let Some((target, _document)) = file_name.split_once('.') else {
            continue;
        };
        if key.contains("/details/") {
            let bytes = client.get_object(bucket, &key).map_err(backend_error)?;
            summary.failed_documents.extend(failed_documents(target, &bytes));
            continue;
        }
        // The service may spell the language otherwise (`zh-tw`, `zh-TW`).
        let Some(target) = target.parse::<LanguageTag>().ok().filter(|tag| targets.contains(tag)) else {
            continue;
        };
        if !languages_read.contains(&target) {
            languages_read.push(target.clone());
        }
        let languages = Languages {
            source,
            target: &target,
        };
        let bytes = client.get_object(bucket, &key).map_err(backend_error)?;
        let html = String::from_utf8_lossy(&bytes);
        for (id, answer) in read_units(&html) {
            // A unit no longer in the book (it changed while the job ran) is skipped.
            let Some((tagged, shapes)) = by_id.get(&id) else {
                continue;
            };
            let reason = match answer {
                Ok(text) => match validate_tags(&text, shapes).and_then(|_| check_pairs_keep_text(tagged, &text)) {
                    Ok(_) if !text.trim().is_empty() => {
                        let record = Record::new(tagged, &text, Origin::Act, &run.profile);
                        store.put(&languages.key(tagged), &record)?;
                        summary.n_stored += 1;
                        continue;
                    }
                    Ok(_) => {
                        UntranslatedReason::Backend(BackendError::new(BackendErrorKind::Service, "the answer is empty"))
                    }
                    Err(error) => UntranslatedReason::BadTags { answer: text, error },
                },
                Err(broken) => UntranslatedReason::Backend(BackendError::new(
                    BackendErrorKind::Service,
                    format!("the answer's markup is broken: {broken}"),
                )),
            };
            summary
                .refused
                .push((target.as_str().to_string(), tagged.to_string(), reason));
        }
        store.flush()?;
    }
    Ok(languages_read)
}

/// The documents a job's `<target>.auxiliary-translation-details.json`
/// reports as failed: language, source file, the service's message. A file
/// that does not read as such details names none.
fn failed_documents(target: &str, details: &[u8]) -> Vec<(String, String, String)> {
    let Ok(details) = serde_json::from_slice::<serde_json::Value>(details) else {
        return Vec::new();
    };
    let text = |value: &serde_json::Value, key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_string);
    details
        .get("details")
        .and_then(|d| d.as_array())
        .into_iter()
        .flatten()
        .filter_map(|document| {
            let message = text(document, "errorMessage")?;
            let file = text(document, "sourceFile").unwrap_or_default();
            Some((target.to_string(), file, message))
        })
        .collect()
}

/// The run an earlier `warm` recorded, if any.
pub fn recorded_run(store: &Store) -> Result<Option<RecordedRun>, PipelineError> {
    Ok(store
        .meta(RUN_KEY)?
        .and_then(|bytes| serde_json::from_slice(&bytes).ok()))
}

/// Records `run` (or that there is none) durably.
fn record_run(store: &Store, run: Option<&RecordedRun>) -> Result<(), PipelineError> {
    match run {
        Some(run) => store.set_meta(RUN_KEY, &serde_json::to_vec(run).expect("a run always serialises"))?,
        None => store.remove_meta(RUN_KEY)?,
    }
    store.flush()?;
    Ok(())
}
