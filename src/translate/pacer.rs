//! Pacing of requests by characters: additive increase, multiplicative
//! decrease.
//!
//! Amazon Translate's quotas are characters per second as well as requests
//! per second, and a TranslateText request can carry anything from a word to
//! 10,000 bytes. The SDK's adaptive retry mode paces requests, not
//! characters, and once throttled it fell to a sixth of the quota on our
//! benchmark; so the backend paces itself by characters. Until the service
//! first throttles, nothing is paced. Each throttling answer (seen by the
//! retry classifier, attempt by attempt) cuts the rate to `DECREASE` of
//! what was sent over the last second, at most once per half second; each
//! second without one adds `INCREASE_PER_SECOND` of the rate back. This decides only when a
//! request starts; retrying stays the SDK's.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The lowest rate the pacer goes down to, in characters a second.
const MIN_RATE: f64 = 100.0;

/// How much of the recent rate is kept after a throttling answer.
const DECREASE: f64 = 0.85;

/// How much of the rate is added back per second without throttling.
const INCREASE_PER_SECOND: f64 = 0.05;

/// The window over which the sent rate is measured.
const WINDOW: Duration = Duration::from_secs(1);

/// Shared by every request of a backend.
#[derive(Debug, Default)]
pub struct Pacer {
    state: Mutex<PacerState>,
}

#[derive(Debug, Default)]
struct PacerState {
    /// Characters a second; `None` until the first throttling answer.
    rate: Option<f64>,
    /// When the rate was last cut.
    decreased_at: Option<Instant>,
    /// When the next request may start.
    next_start: Option<Instant>,
    /// Requests started within the last [`WINDOW`]: when, how many characters.
    recent: Vec<(Instant, usize)>,
}

impl PacerState {
    /// The rate now, grown since the last cut.
    fn current_rate(&self, now: Instant) -> Option<f64> {
        let rate = self.rate?;
        let since = self.decreased_at.map_or(0.0, |at| now.duration_since(at).as_secs_f64());
        Some(rate * (1.0 + INCREASE_PER_SECOND * since))
    }

    fn sent_in_window(&mut self, now: Instant) -> usize {
        self.recent.retain(|(at, _)| now.duration_since(*at) < WINDOW);
        self.recent.iter().map(|(_, n)| n).sum()
    }
}

impl Pacer {
    /// How long a request of `n_chars` must wait before it starts; the
    /// caller sleeps that long and then sends. Reserves its place.
    pub fn reserve(&self, n_chars: usize) -> Duration {
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        let start = match (state.current_rate(now), state.next_start) {
            (Some(_), Some(next)) if next > now => next,
            _ => now,
        };
        if let Some(rate) = state.current_rate(start) {
            state.next_start = Some(start + Duration::from_secs_f64(n_chars as f64 / rate));
        }
        state.recent.push((start, n_chars));
        start.duration_since(now)
    }

    /// The service throttled a request: cut the rate.
    pub fn throttled(&self) {
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        if state.decreased_at.is_some_and(|at| now.duration_since(at) < WINDOW / 2) {
            return;
        }
        let sent = state.sent_in_window(now) as f64 / WINDOW.as_secs_f64();
        let base = match state.current_rate(now) {
            Some(rate) => rate.min(sent.max(MIN_RATE)),
            None => sent,
        };
        state.rate = Some((base * DECREASE).max(MIN_RATE));
        state.decreased_at = Some(now);
        tracing::debug!(
            "throttled: pacing at {:.0} characters a second",
            state.rate.unwrap_or(0.0)
        );
    }

    /// The pace now, in characters a second; `None` while unpaced.
    pub fn rate(&self) -> Option<f64> {
        let state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        state.current_rate(Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_paced_until_the_first_throttle() {
        let pacer = Pacer::default();
        for _ in 0..100 {
            assert_eq!(pacer.reserve(10_000), Duration::ZERO);
        }
        assert_eq!(pacer.rate(), None);
    }

    #[test]
    fn a_throttle_cuts_the_rate_to_a_share_of_what_was_sent_and_paces_requests() {
        let pacer = Pacer::default();
        for _ in 0..10 {
            pacer.reserve(10_000);
        }
        pacer.throttled();
        // 100,000 characters went out within the last second.
        let rate = pacer.rate().expect("paced");
        let expected = 100_000.0 * DECREASE;
        assert!((expected..=expected * 1.01).contains(&rate), "{rate}");
        // A second throttle right away changes nothing (one cut per half second).
        pacer.throttled();
        assert!(pacer.rate().expect("paced") >= expected);
        // Requests are now spaced by their size over the rate.
        let first = pacer.reserve(7_000);
        let second = pacer.reserve(7_000);
        let gap = Duration::from_secs_f64(7_000.0 / (expected * 1.01));
        assert!(second > first && second - first >= gap, "{first:?} {second:?}");
    }

    #[test]
    fn the_rate_grows_back_without_throttling() {
        let pacer = Pacer::default();
        pacer.reserve(10_000);
        pacer.throttled();
        let cut = pacer.rate().expect("paced");
        std::thread::sleep(Duration::from_millis(200));
        let later = pacer.rate().expect("paced");
        assert!(later >= cut * (1.0 + INCREASE_PER_SECOND * 0.2), "{cut} then {later}");
    }
}
