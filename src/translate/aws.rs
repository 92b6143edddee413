//! The `aws` backend: Amazon Translate's real-time TranslateText.
//!
//! Units go out as HTML documents of up to 10,000 bytes ([`super::html`]),
//! a unit longer than that in pieces ([`super::pieces`]), many in flight under one concurrency limit, on a tokio runtime the
//! backend owns. Each response is handed to the pipeline as it arrives.
//! Retries are the SDK's own (standard mode, bounded attempts, time-outs),
//! with one change: a refused connection is not retried, so a build whose
//! service is down fails at once. Requests start at the pace of a
//! [`Pacer`] that learns the service's characters-per-second quota from its
//! throttling answers (the SDK's adaptive mode paces requests, whatever
//! their size, and used a sixth of the quota on our benchmark). Credentials, region and endpoint come from
//! the standard AWS chain (`AWS_ENDPOINT_URL` included); the backend never
//! logs or stores them.

mod errors;

pub use errors::{Endpoint, classify_error};

use super::html::{MAX_REQUEST_BYTES, Packed, pack_units, read_units, request_unit_id};
use super::pacer::Pacer;
use super::pieces::SendPlan;
use super::{BackendError, BackendErrorKind, Profile, Request, Response, Translator, UnitAnswer};
use crate::config::{Config, Formality as ConfigFormality, Profanity as ConfigProfanity};
use crate::store::{Languages, Origin};
use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_translate::error::ProvideErrorMetadata;
use aws_sdk_translate::operation::translate_text::TranslateTextError;
use aws_sdk_translate::types::{Formality, Profanity, TranslationSettings};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction, RetryClassifierPriority};
use aws_smithy_types::retry::ErrorKind;
use sha2::{Digest, Sha256};
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// The settings of the `aws` backend, from `[preprocessor.translate]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsSettings {
    /// Custom terminologies applied to every request.
    pub terminology: Vec<String>,
    /// `FORMAL` or `INFORMAL`, for the languages that support it.
    pub formality: Option<String>,
    /// `MASK` to mask profane words.
    pub profanity: Option<String>,
    /// Requests in flight at most.
    pub max_concurrency: usize,
    /// Time-out of one attempt of one request.
    pub timeout: Duration,
    /// Attempts per request, the first included (the SDK retries).
    pub max_attempts: u32,
}

impl Default for AwsSettings {
    fn default() -> AwsSettings {
        AwsSettings {
            terminology: Vec::new(),
            formality: None,
            profanity: None,
            max_concurrency: 8,
            timeout: Duration::from_secs(30),
            max_attempts: 5,
        }
    }
}

impl AwsSettings {
    /// The settings of `config`'s `[preprocessor.translate]`.
    pub fn of_config(config: &Config) -> AwsSettings {
        AwsSettings {
            terminology: config.terminology.clone(),
            formality: config.formality.map(|f| match f {
                ConfigFormality::Formal => "FORMAL".to_string(),
                ConfigFormality::Informal => "INFORMAL".to_string(),
            }),
            profanity: config.profanity.map(|p| match p {
                ConfigProfanity::Mask => "MASK".to_string(),
            }),
            max_concurrency: config.max_concurrency,
            timeout: config.timeout,
            ..AwsSettings::default()
        }
    }

    /// The stored profiles a backend with these settings serves, best
    /// first: human translations, ACT, then its own real-time records.
    pub fn lookup_profiles(&self) -> Vec<String> {
        vec!["human".to_string(), "act".to_string(), self.profile_name()]
    }

    /// The profile real-time records are stored under: `realtime/plain`,
    /// or `realtime/<hash>` of the settings that change the output
    /// (terminologies, formality, profanity).
    pub fn profile_name(&self) -> String {
        if self.terminology.is_empty() && self.formality.is_none() && self.profanity.is_none() {
            return "realtime/plain".to_string();
        }
        let mut terminology = self.terminology.clone();
        terminology.sort();
        let mut hasher = Sha256::new();
        for part in terminology.iter().chain(&self.formality).chain(&self.profanity) {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        let digest = hasher.finalize();
        let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        format!("realtime/{hex}")
    }
}

/// The longest delay before a retry that the SDK honours as given.
const LONGEST_RETRY_DELAY: Duration = Duration::from_secs(5);

/// Amazon Translate, real-time.
pub struct AwsTranslator {
    runtime: tokio::runtime::Runtime,
    pacer: Arc<Pacer>,
    client: aws_sdk_translate::Client,
    settings: AwsSettings,
    profile: String,
    n_calls: Arc<AtomicU64>,
    /// Where requests go, for messages.
    endpoint: Endpoint,
}

impl std::fmt::Debug for AwsTranslator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsTranslator")
            .field("settings", &self.settings)
            .finish()
    }
}

/// Loads the AWS configuration from the standard chain and checks that it
/// has a region and credentials; the error says what was looked for.
pub async fn load_aws_config(settings: &AwsSettings) -> Result<aws_config::SdkConfig, BackendError> {
    let http_client = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https();
    let sdk_config = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client)
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(settings.max_attempts)
                .with_initial_backoff(Duration::from_millis(200)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(settings.timeout)
                .build(),
        )
        .load()
        .await;
    if sdk_config.region().is_none() {
        return Err(BackendError::new(
            BackendErrorKind::Refused,
            "no AWS region: looked at AWS_REGION, AWS_DEFAULT_REGION and the `region` of the profile \
             (AWS_PROFILE) in ~/.aws/config; set one of them, e.g. AWS_REGION=us-east-1",
        ));
    }
    let provider = sdk_config
        .credentials_provider()
        .ok_or_else(|| BackendError::new(BackendErrorKind::Refused, "no AWS credentials provider is configured"))?;
    if let Err(error) = aws_credential_types::provider::ProvideCredentials::provide_credentials(&provider).await {
        return Err(BackendError::new(
            BackendErrorKind::Refused,
            format!(
                "no AWS credentials: looked in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), \
                 the profile (AWS_PROFILE) in ~/.aws/credentials and ~/.aws/config (SSO, credential_process), \
                 and the container or instance role; run `aws configure` or `aws sso login` ({error})"
            ),
        ));
    }
    Ok(sdk_config)
}

impl AwsTranslator {
    /// Connects to Amazon Translate (or the endpoint `AWS_ENDPOINT_URL`
    /// names) with `settings`.
    pub fn connect(settings: AwsSettings) -> Result<AwsTranslator, BackendError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| BackendError::new(BackendErrorKind::Service, format!("starting the async runtime: {e}")))?;
        let sdk_config = runtime.block_on(load_aws_config(&settings))?;
        let pacer = Arc::new(Pacer::default());
        let endpoint = Endpoint::translate(&sdk_config);
        let config = aws_sdk_translate::config::Builder::from(&sdk_config)
            .retry_classifier(RefusedConnectionIsFinal)
            .retry_classifier(ThrottlingSlowsThePacer {
                pacer: Arc::clone(&pacer),
            })
            .build();
        Ok(AwsTranslator {
            runtime,
            pacer,
            client: aws_sdk_translate::Client::from_conf(config),
            profile: settings.profile_name(),
            settings,
            n_calls: Arc::new(AtomicU64::new(0)),
            endpoint,
        })
    }

    /// The request for one document.
    fn call(
        &self,
        languages: Languages<'_>,
        html: &str,
    ) -> aws_sdk_translate::operation::translate_text::builders::TranslateTextFluentBuilder {
        let mut call = self
            .client
            .translate_text()
            .text(html)
            .source_language_code(languages.source.as_str())
            .target_language_code(languages.target.as_str());
        if !self.settings.terminology.is_empty() {
            call = call.set_terminology_names(Some(self.settings.terminology.clone()));
        }
        if self.settings.formality.is_some() || self.settings.profanity.is_some() {
            call = call.settings(
                TranslationSettings::builder()
                    .set_formality(self.settings.formality.as_deref().map(Formality::from))
                    .set_profanity(self.settings.profanity.as_deref().map(Profanity::from))
                    .build(),
            );
        }
        call
    }

    /// Sends every document, at most `max_concurrency` at a time, and hands
    /// each response over as it arrives.
    async fn send_all(
        &self,
        documents: Vec<Packed>,
        languages: Languages<'_>,
        on_response: &mut dyn FnMut(Response) -> ControlFlow<()>,
    ) -> Result<(), BackendError> {
        let limit = Arc::new(Semaphore::new(self.settings.max_concurrency.max(1)));
        let mut tasks = JoinSet::new();
        for document in documents {
            let call = self.call(languages, &document.html);
            let limit = Arc::clone(&limit);
            let n_calls = Arc::clone(&self.n_calls);
            let pacer = Arc::clone(&self.pacer);
            tasks.spawn(async move {
                let _permit = limit.acquire_owned().await.expect("the semaphore is never closed");
                tokio::time::sleep(pacer.reserve(document.n_chars)).await;
                n_calls.fetch_add(1, Ordering::Relaxed);
                let result = call.send().await;
                (document, result)
            });
        }
        while let Some(joined) = tasks.join_next().await {
            let (document, result) = joined
                .map_err(|e| BackendError::new(BackendErrorKind::Service, format!("a request task failed: {e}")))?;
            let response = match result {
                Ok(output) => answers_of(&document, output.translated_text()),
                Err(error) => {
                    let error = classify_error(&error, &self.endpoint);
                    if matches!(error.kind, BackendErrorKind::Unreachable | BackendErrorKind::Refused) {
                        tasks.abort_all();
                        // Answers that arrived before the failure were paid for: hand them over.
                        while let Some(joined) = tasks.join_next().await {
                            if let Ok((document, Ok(output))) = joined
                                && on_response(answers_of(&document, output.translated_text())).is_break()
                            {
                                break;
                            }
                        }
                        return Err(error);
                    }
                    Response {
                        answers: document.units.iter().map(|&unit| (unit, Err(error.clone()))).collect(),
                    }
                }
            };
            if on_response(response).is_break() {
                tasks.abort_all();
                break;
            }
        }
        Ok(())
    }
}

/// The answers a translated document holds for its units; a unit whose
/// element the engine lost is answered with a retryable failure.
fn answers_of(document: &Packed, translated_html: &str) -> Response {
    let mut read = read_units(translated_html);
    Response {
        answers: document
            .units
            .iter()
            .map(|&unit| {
                let answer = match read.remove(&request_unit_id(unit)) {
                    Some(Ok(tagged)) => Ok(tagged),
                    Some(Err(broken)) => Err(BackendError::new(
                        BackendErrorKind::BadAnswer,
                        format!("the answer's markup is broken: {broken}"),
                    )),
                    None => Err(BackendError::new(
                        BackendErrorKind::BadAnswer,
                        "the answer lost the unit's element",
                    )),
                };
                (unit, answer)
            })
            .collect(),
    }
}

/// The answer for a unit too long for one request that has no place to
/// cut it into pieces that fit.
fn too_long_error(n_bytes: usize) -> BackendError {
    BackendError::new(
        BackendErrorKind::Invalid,
        format!(
            "the unit is {n_bytes} bytes as HTML, more than the {MAX_REQUEST_BYTES} TranslateText takes, \
             with no sentence end, clause mark, space or pair of CJK characters to cut it at into pieces \
             that fit; break it up in the source"
        ),
    )
}

/// A retry classifier that forbids retrying a refused connection: nothing
/// listens there, so waiting and trying again only delays the error.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RefusedConnectionIsFinal;

impl ClassifyRetry for RefusedConnectionIsFinal {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let Some(Err(error)) = ctx.output_or_error() else {
            return RetryAction::NoActionIndicated;
        };
        let refused = error.as_connector_error().is_some_and(|connector| {
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(connector);
            while let Some(error) = source {
                if error
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused)
                {
                    return true;
                }
                source = error.source();
            }
            false
        });
        if refused {
            RetryAction::RetryForbidden
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "refused connection is final"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_before(RetryClassifierPriority::transient_error_classifier())
    }
}

/// A retry classifier for throttling answers: each one, attempt by
/// attempt, slows the [`Pacer`], and its retry is booked into the pacer's
/// schedule (a retry delay the SDK honours, as it honours a service's
/// `Retry-After`) instead of the SDK's random backoff, so that retries do not
/// throttle again. The SDK still decides how many attempts there are.
#[derive(Debug)]
struct ThrottlingSlowsThePacer {
    pacer: Arc<Pacer>,
}

impl ClassifyRetry for ThrottlingSlowsThePacer {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let status_429 = ctx.response().is_some_and(|response| response.status().as_u16() == 429);
        let throttling_code = matches!(ctx.output_or_error(), Some(Err(error))
            if error
                .as_operation_error()
                .and_then(|error| error.downcast_ref::<TranslateTextError>())
                .and_then(|error| error.code())
                .is_some_and(|code| matches!(code, "ThrottlingException" | "TooManyRequestsException" | "LimitExceededException")));
        if !(status_429 || throttling_code) {
            return RetryAction::NoActionIndicated;
        }
        self.pacer.throttled();
        let n_bytes = ctx
            .request()
            .and_then(|request| request.body().bytes())
            .map_or(MAX_REQUEST_BYTES, <[u8]>::len);
        // The SDK honours an explicit delay up to its longest backoff; a
        // longer one would be cut short, so no more is asked.
        let delay = self
            .pacer
            .reserve(n_bytes)
            .clamp(Duration::from_millis(10), LONGEST_RETRY_DELAY);
        RetryAction::retryable_error_with_explicit_delay(ErrorKind::ThrottlingError, delay)
    }

    fn name(&self) -> &'static str {
        "throttling slows the pacer"
    }

    /// After the SDK's own classifiers, so that the delay is ours.
    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

impl Translator for AwsTranslator {
    fn name(&self) -> &'static str {
        "aws"
    }

    fn profile(&self) -> Option<Profile> {
        Some(Profile {
            name: self.profile.clone(),
            origin: Origin::Realtime,
        })
    }

    fn lookup_profiles(&self) -> Vec<String> {
        self.settings.lookup_profiles()
    }

    fn translate(
        &self,
        request: &Request<'_>,
        on_response: &mut dyn FnMut(Response) -> ControlFlow<()>,
    ) -> Result<(), BackendError> {
        let plan = SendPlan::of(request.units, request.languages.source, MAX_REQUEST_BYTES);
        let items: Vec<&str> = plan.items.iter().map(String::as_str).collect();
        let (documents, too_long) = pack_units(&items, MAX_REQUEST_BYTES, request.one_unit_per_request);
        let mut joiner = plan.joiner(request.languages.target);
        let mut answers: Vec<(usize, UnitAnswer)> = plan
            .too_long
            .iter()
            .map(|&(unit, n_bytes)| (unit, Err(too_long_error(n_bytes))))
            .collect();
        // Not expected: the plan leaves each item room for its element.
        answers.extend(
            joiner.answers(
                too_long
                    .iter()
                    .map(|item| (item.unit, Err(too_long_error(item.n_bytes))))
                    .collect(),
            ),
        );
        if !answers.is_empty() && on_response(Response { answers }).is_break() {
            return Ok(());
        }
        let mut on_items = |response: Response| {
            let answers = joiner.answers(response.answers);
            if answers.is_empty() {
                ControlFlow::Continue(())
            } else {
                on_response(Response { answers })
            }
        };
        self.runtime
            .block_on(self.send_all(documents, request.languages, &mut on_items))
    }

    fn n_calls(&self) -> u64 {
        self.n_calls.load(Ordering::Relaxed)
    }
}
