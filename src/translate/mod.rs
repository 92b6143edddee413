//! Translation backends behind one trait.
//!
//! A backend turns units of [tagged text](crate::segment::tagged) into
//! translations in the same form. The pipeline asks the store first and the
//! backend only for misses; each backend also says which stored records it
//! may serve, so that identity and pseudo output never leaks into a build
//! that uses another backend.
//!
//! A call hands the backend every unit at once. A network backend packs
//! them into requests, keeps many in flight under one limit and hands each
//! [`Response`] back as it arrives, in any order; the pipeline validates
//! and stores those answers before the next response is read, so a run that
//! is killed keeps everything answered before.

pub mod aws;
pub mod batch;
pub mod html;
pub mod pacer;
pub mod pieces;
mod pseudo;

pub use pseudo::pseudo_translate;

use crate::config::{BackendKind, Config};
use crate::store::{Languages, Origin};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU64, Ordering};

/// One call to a backend: units from one language to another.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The language pair.
    pub languages: Languages<'a>,
    /// Tagged text of each unit; answers refer to units by index.
    pub units: &'a [&'a str],
    /// Send each unit in a request of its own (a second attempt at units
    /// whose first answer was unusable).
    pub one_unit_per_request: bool,
}

/// What kind of failure a [`BackendError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BackendErrorKind {
    /// The service cannot be reached (connection refused, DNS, TLS).
    Unreachable,
    /// The credentials, region or permissions were refused, or are missing.
    Refused,
    /// The service is throttling; its quota was exceeded.
    Throttled,
    /// No answer in time.
    Timeout,
    /// The service failed (5xx) or answered something unusable.
    Service,
    /// The request was invalid for the service (too long, bad language).
    Invalid,
    /// The answer for this unit is unusable: lost, empty or with broken
    /// markup. Asked again, the unit is sent alone.
    BadAnswer,
}

/// A backend failure, for one unit or for the whole call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BackendError {
    /// What kind of failure.
    pub kind: BackendErrorKind,
    /// What went wrong, for people.
    pub message: String,
}

impl BackendError {
    /// A failure of `kind`.
    pub fn new(kind: BackendErrorKind, message: impl Into<String>) -> BackendError {
        BackendError {
            kind,
            message: message.into(),
        }
    }

    /// Whether the same units may succeed when sent again later
    /// (throttling, time-outs, 5xx); a refused or invalid request never will.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            BackendErrorKind::Throttled
                | BackendErrorKind::Timeout
                | BackendErrorKind::Service
                | BackendErrorKind::BadAnswer
        )
    }
}

/// The answer for one unit: its translation (tagged text, not yet
/// validated), or why there is none.
pub type UnitAnswer = Result<String, BackendError>;

/// The answers one response of the backend brought, by unit index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    /// `(index into Request::units, answer)`, in any order.
    pub answers: Vec<(usize, UnitAnswer)>,
}

/// Where a backend's records are stored and what they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The profile string records are stored under: the origin's name,
    /// refined by `/<settings>` where settings change the output.
    pub name: String,
    /// The origin of the records.
    pub origin: Origin,
}

/// A source of translations.
pub trait Translator: Send + Sync {
    /// The backend's name, as in book.toml.
    fn name(&self) -> &'static str;

    /// The profile its records are stored under; `None` when it never
    /// translates (the cache backend).
    fn profile(&self) -> Option<Profile>;

    /// Stored profiles it may serve, best first (`human` is the human
    /// tree; a profile also serves its `/<settings>` refinements).
    fn lookup_profiles(&self) -> Vec<String>;

    /// Translates the units of `request`, handing every response to
    /// `on_response` as it arrives. Each unit is answered at most once; a
    /// unit left unanswered has no translation. `on_response` returns
    /// `Break` to stop early (the backend then sends nothing more).
    /// `Err` means the backend failed as a whole (unreachable, refused);
    /// the responses handed over before stay valid.
    fn translate(
        &self,
        request: &Request<'_>,
        on_response: &mut dyn FnMut(Response) -> ControlFlow<()>,
    ) -> Result<(), BackendError>;

    /// Number of requests sent so far.
    fn n_calls(&self) -> u64;
}

/// Creates the backend `config` names; the `aws` backend connects (it
/// loads the AWS configuration and checks for credentials and a region).
pub fn make_translator(config: &Config) -> Result<Box<dyn Translator>, BackendError> {
    match config.backend {
        BackendKind::Aws => make_aws_translator(config),
        kind => Ok(Box::new(OfflineTranslator::new(kind))),
    }
}

/// The `aws` backend with the settings of `config`, whatever its `backend`.
pub fn make_aws_translator(config: &Config) -> Result<Box<dyn Translator>, BackendError> {
    Ok(Box::new(aws::AwsTranslator::connect(aws::AwsSettings::of_config(
        config,
    ))?))
}

/// The stored profiles the backend of `config` serves, best first, without
/// connecting to anything.
pub fn lookup_profiles(config: &Config) -> Vec<String> {
    match config.backend {
        BackendKind::Aws => aws::AwsSettings::of_config(config).lookup_profiles(),
        kind => OfflineTranslator::new(kind).lookup_profiles(),
    }
}

/// The backends that need no network: identity, pseudo and cache. Made
/// for `aws`, it is the cache backend: it serves the store and translates
/// nothing.
#[derive(Debug)]
pub struct OfflineTranslator {
    kind: BackendKind,
    n_calls: AtomicU64,
}

impl OfflineTranslator {
    /// An offline backend of the given kind.
    pub fn new(kind: BackendKind) -> OfflineTranslator {
        OfflineTranslator {
            kind,
            n_calls: AtomicU64::new(0),
        }
    }
}

/// What the cache backend serves: every real translation, never identity
/// or pseudo output.
const SERVED_BY_CACHE: &[&str] = &["human", "imported", "act", "realtime"];

/// Units an offline backend answers per response, so that the store is
/// flushed at a steady pace.
const OFFLINE_RESPONSE_SIZE: usize = 256;

impl Translator for OfflineTranslator {
    fn name(&self) -> &'static str {
        self.kind.name()
    }

    fn profile(&self) -> Option<Profile> {
        let (name, origin) = match self.kind {
            BackendKind::Identity => ("identity", Origin::Identity),
            BackendKind::Pseudo => ("pseudo", Origin::Pseudo),
            BackendKind::Cache | BackendKind::Aws => return None,
        };
        Some(Profile {
            name: name.to_string(),
            origin,
        })
    }

    fn lookup_profiles(&self) -> Vec<String> {
        let profiles: &[&str] = match self.kind {
            BackendKind::Identity => &["identity"],
            BackendKind::Pseudo => &["human", "pseudo"],
            BackendKind::Cache | BackendKind::Aws => SERVED_BY_CACHE,
        };
        profiles.iter().map(|p| p.to_string()).collect()
    }

    fn translate(
        &self,
        request: &Request<'_>,
        on_response: &mut dyn FnMut(Response) -> ControlFlow<()>,
    ) -> Result<(), BackendError> {
        let chunk = if request.one_unit_per_request {
            1
        } else {
            OFFLINE_RESPONSE_SIZE
        };
        for (n_chunk, units) in request.units.chunks(chunk).enumerate() {
            self.n_calls.fetch_add(1, Ordering::Relaxed);
            let answers = units
                .iter()
                .enumerate()
                .filter_map(|(offset, unit)| {
                    let translation = match self.kind {
                        BackendKind::Identity => Some(unit.to_string()),
                        BackendKind::Pseudo => pseudo_translate(unit),
                        BackendKind::Cache | BackendKind::Aws => None,
                    };
                    translation.map(|text| (n_chunk * chunk + offset, Ok(text)))
                })
                .collect();
            if on_response(Response { answers }).is_break() {
                break;
            }
        }
        Ok(())
    }

    fn n_calls(&self) -> u64 {
        self.n_calls.load(Ordering::Relaxed)
    }
}
