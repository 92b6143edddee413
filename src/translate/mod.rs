//! Translation backends behind one trait.
//!
//! A backend turns units of [tagged text](crate::segment::tagged) into
//! translations in the same form. The pipeline asks the store first and the
//! backend only for misses; each backend also says which stored records it
//! may serve, so that identity and pseudo output never leaks into a build
//! that uses another backend.

mod pseudo;

pub use pseudo::pseudo_translate;

use crate::config::BackendKind;
use crate::language::LanguageTag;
use crate::store::Origin;
use std::sync::atomic::{AtomicU64, Ordering};

/// One call to a backend: units from one language to another.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Language of the units.
    pub source_language: &'a LanguageTag,
    /// Language to translate into.
    pub target_language: &'a LanguageTag,
    /// Tagged text of each unit.
    pub units: &'a [&'a str],
}

/// A backend call that failed as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BackendError {
    /// What went wrong.
    pub message: String,
    /// Whether trying again later may succeed.
    pub retryable: bool,
}

/// A source of translations.
pub trait Translator {
    /// The backend's name, as in book.toml.
    fn name(&self) -> &'static str;

    /// The profile its records are stored under; `None` when it never
    /// translates (the cache backend).
    fn profile(&self) -> Option<(&str, Origin)>;

    /// Stored profiles it may serve, best first (`human` is the human tree).
    fn lookup_profiles(&self) -> &[&'static str];

    /// Translates every unit of the request; `None` for a unit it cannot
    /// translate.
    fn translate(&self, request: &Request<'_>) -> Result<Vec<Option<String>>, BackendError>;

    /// Number of calls to [`Translator::translate`] so far.
    fn n_calls(&self) -> u64;
}

/// Creates the backend for `kind`.
pub fn make_translator(kind: BackendKind) -> Result<Box<dyn Translator + Send + Sync>, BackendError> {
    if kind == BackendKind::Aws {
        return Err(BackendError {
            message: "the aws backend is not part of this version yet; use backend = \"cache\" with imported \
                      translations, or \"pseudo\" for an offline preview"
                .to_string(),
            retryable: false,
        });
    }
    Ok(Box::new(OfflineTranslator::new(kind)))
}

/// The backends that need no network: identity, pseudo and cache.
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

impl Translator for OfflineTranslator {
    fn name(&self) -> &'static str {
        self.kind.name()
    }

    fn profile(&self) -> Option<(&str, Origin)> {
        match self.kind {
            BackendKind::Identity => Some(("identity", Origin::Identity)),
            BackendKind::Pseudo => Some(("pseudo", Origin::Pseudo)),
            // `make_translator` builds no offline aws backend.
            BackendKind::Cache | BackendKind::Aws => None,
        }
    }

    fn lookup_profiles(&self) -> &[&'static str] {
        match self.kind {
            BackendKind::Identity => &["identity"],
            BackendKind::Pseudo => &["human", "pseudo"],
            BackendKind::Cache | BackendKind::Aws => SERVED_BY_CACHE,
        }
    }

    fn translate(&self, request: &Request<'_>) -> Result<Vec<Option<String>>, BackendError> {
        self.n_calls.fetch_add(1, Ordering::Relaxed);
        Ok(request
            .units
            .iter()
            .map(|unit| match self.kind {
                BackendKind::Identity => Some(unit.to_string()),
                BackendKind::Pseudo => pseudo_translate(unit),
                BackendKind::Cache | BackendKind::Aws => None,
            })
            .collect())
    }

    fn n_calls(&self) -> u64 {
        self.n_calls.load(Ordering::Relaxed)
    }
}
