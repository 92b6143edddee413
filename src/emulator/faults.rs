//! Latency, quotas and injected faults, drawn from one seeded random generator.

use super::EmulatorConfig;
use super::error::{ErrorKind, ServiceError};
use super::wire::Reply;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::time::{Duration, Instant};

/// The emulator's random choices and its quota buckets.
#[derive(Debug)]
pub(crate) struct Faults {
    rng: StdRng,
    requests: Option<TokenBucket>,
    characters: Option<TokenBucket>,
}

impl Faults {
    pub(crate) fn new(config: &EmulatorConfig) -> Self {
        Faults {
            rng: StdRng::seed_from_u64(config.seed),
            requests: config.quota_rps.map(TokenBucket::new),
            characters: config.quota_cps.map(TokenBucket::new),
        }
    }

    /// Follows a new configuration: a new seed restarts the random choices,
    /// a new quota starts a full bucket.
    pub(crate) fn reconfigure(&mut self, old: &EmulatorConfig, new: &EmulatorConfig) {
        if old.seed != new.seed {
            self.rng = StdRng::seed_from_u64(new.seed);
        }
        if old.quota_rps != new.quota_rps {
            self.requests = new.quota_rps.map(TokenBucket::new);
        }
        if old.quota_cps != new.quota_cps {
            self.characters = new.quota_cps.map(TokenBucket::new);
        }
    }

    /// The latency of one request: `latency ± jitter`, never negative.
    pub(crate) fn latency(&mut self, config: &EmulatorConfig) -> Duration {
        if config.jitter.is_zero() {
            return config.latency;
        }
        let jitter = config.jitter.as_secs_f64();
        let offset = self.rng.random_range(-jitter..=jitter);
        Duration::from_secs_f64((config.latency.as_secs_f64() + offset).max(0.0))
    }

    /// Decides whether a request is refused before it is looked at: by the
    /// requests-per-second quota, then the throttle and error rates.
    pub(crate) fn refuse_request(&mut self, config: &EmulatorConfig) -> Option<ServiceError> {
        if let Some(bucket) = &mut self.requests
            && !bucket.try_take(1.0)
        {
            return Some(throttled("Rate exceeded: too many requests per second"));
        }
        if self.chance(config.throttle_rate) {
            return Some(throttled("Rate exceeded"));
        }
        if self.chance(config.error_rate) {
            return Some(if self.chance(0.5) {
                ServiceError::new(ErrorKind::InternalServer, "An internal error occurred (injected)")
            } else {
                ServiceError::new(ErrorKind::ServiceUnavailable, "The service is unavailable (injected)")
            });
        }
        None
    }

    /// Decides whether a request that was not refused gets, in place of its
    /// answer, one that no Translate client can read.
    pub(crate) fn unreadable_answer(&mut self, config: &EmulatorConfig) -> Option<Unreadable> {
        if self.chance(config.garbled_rate) {
            return Some(Unreadable::NotJson);
        }
        self.chance(config.html_error_rate).then_some(Unreadable::HtmlError)
    }

    /// Takes `characters` from the characters-per-second quota, or refuses.
    ///
    /// A request larger than the bucket is admitted when the bucket is full
    /// and leaves it in debt, so every request can be served eventually and
    /// the long-run rate is the quota.
    pub(crate) fn refuse_characters(&mut self, characters: usize) -> Option<ServiceError> {
        let bucket = self.characters.as_mut()?;
        (!bucket.try_take(characters as f64)).then(|| throttled("Rate exceeded: too many characters per second"))
    }

    /// True with probability `rate`.
    pub(crate) fn chance(&mut self, rate: f64) -> bool {
        rate > 0.0 && self.rng.random::<f64>() < rate
    }

    /// A number in `0..n`.
    pub(crate) fn pick(&mut self, n: usize) -> usize {
        self.rng.random_range(0..n.max(1))
    }

    /// `n` random bytes as lower-case hex, for ids.
    pub(crate) fn hex_id(&mut self, n_bytes: usize) -> String {
        (0..n_bytes)
            .map(|_| format!("{:02x}", self.rng.random::<u8>()))
            .collect()
    }
}

/// An answer that is not Translate's, injected in place of the real one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unreadable {
    /// HTTP 200 with a plain-text body, neither JSON nor CBOR.
    NotJson,
    /// `502 Bad Gateway` with an HTML page.
    HtmlError,
}

impl Unreadable {
    pub(crate) fn reply(self) -> Reply {
        let (status, content_type, body) = match self {
            Unreadable::NotJson => (200, "text/plain", "OK: this answer is not JSON (injected)\n"),
            Unreadable::HtmlError => (
                502,
                "text/html",
                "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n\
                 <body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n",
            ),
        };
        Reply {
            status,
            headers: vec![("content-type", content_type.to_string())],
            body: body.as_bytes().to_vec().into(),
        }
    }
}

fn throttled(message: &str) -> ServiceError {
    ServiceError::new(ErrorKind::TooManyRequests, message)
}

/// A token bucket refilled at `rate` per second, holding at most one second's worth.
#[derive(Debug)]
struct TokenBucket {
    rate: f64,
    capacity: f64,
    tokens: f64,
    refilled_at: Instant,
}

impl TokenBucket {
    fn new(rate: f64) -> Self {
        let rate = rate.max(f64::MIN_POSITIVE);
        let capacity = rate.max(1.0);
        TokenBucket {
            rate,
            capacity,
            tokens: capacity,
            refilled_at: Instant::now(),
        }
    }

    fn try_take(&mut self, amount: f64) -> bool {
        let now = Instant::now();
        let elapsed = now.duration_since(self.refilled_at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.capacity);
        self.refilled_at = now;
        if self.tokens >= amount.min(self.capacity) {
            self.tokens -= amount;
            true
        } else {
            false
        }
    }
}
