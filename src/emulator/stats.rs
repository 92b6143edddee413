//! The emulator's counters.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of the emulator's counters, as `GET /_emulator/stats` returns it.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Stats {
    /// Requests received, Translate and S3, including throttled and failed ones.
    pub requests_total: u64,
    /// Characters billed: text content (outside tags, after entity decoding),
    /// in Unicode scalar values, once per target language.
    pub characters_billed_total: u64,
    /// Requests answered with `TooManyRequestsException` (quota or injected).
    pub throttled_total: u64,
    /// Requests answered with an injected 500 or 503, or an injected answer
    /// no client can read.
    pub errors_injected_total: u64,
    /// The most Translate requests ever handled at once (latency included).
    pub peak_in_flight: u64,
    /// The largest `Text` of a TranslateText request read, in UTF-8 bytes,
    /// whether it was within the service's limit or refused.
    pub largest_text_bytes: u64,
    /// Requests by operation (`TranslateText`, `s3:PutObject`, …).
    pub requests: BTreeMap<String, u64>,
    /// Characters billed by operation, then language pair (`en-zh`).
    pub characters_billed: BTreeMap<String, BTreeMap<String, u64>>,
}

/// Counts as requests are handled; [`Stats`] is its snapshot.
#[derive(Debug, Default)]
pub(crate) struct StatsRecorder {
    counters: Mutex<Stats>,
    in_flight: AtomicU64,
}

impl StatsRecorder {
    pub(crate) fn snapshot(&self) -> Stats {
        self.lock().clone()
    }

    pub(crate) fn reset(&self) {
        *self.lock() = Stats::default();
    }

    pub(crate) fn count_request(&self, operation: &str) {
        let mut stats = self.lock();
        stats.requests_total += 1;
        *stats.requests.entry(operation.to_string()).or_default() += 1;
    }

    /// Notes the size of a TranslateText request's `Text`.
    pub(crate) fn note_text_size(&self, n_bytes: usize) {
        let mut stats = self.lock();
        stats.largest_text_bytes = stats.largest_text_bytes.max(n_bytes as u64);
    }

    pub(crate) fn count_throttled(&self) {
        self.lock().throttled_total += 1;
    }

    pub(crate) fn count_injected_error(&self) {
        self.lock().errors_injected_total += 1;
    }

    pub(crate) fn bill(&self, operation: &str, source: &str, target: &str, characters: u64) {
        let mut stats = self.lock();
        stats.characters_billed_total += characters;
        *stats
            .characters_billed
            .entry(operation.to_string())
            .or_default()
            .entry(format!("{source}-{target}"))
            .or_default() += characters;
    }

    /// Counts a Translate request as in flight until the guard is dropped.
    pub(crate) fn enter(&self) -> InFlight<'_> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        let mut stats = self.lock();
        stats.peak_in_flight = stats.peak_in_flight.max(now);
        InFlight { recorder: self }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Stats> {
        // A panic while counting leaves consistent numbers behind.
        self.counters.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A Translate request being handled; see [`StatsRecorder::enter`].
pub(crate) struct InFlight<'a> {
    recorder: &'a StatsRecorder,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.recorder.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}
