//! A local emulator of Amazon Translate and S3, for tests and offline demos.
//!
//! One loopback address serves both services, so `AWS_ENDPOINT_URL=<url>` is
//! all a client sets:
//!
//! - Translate in both of its wire protocols: Smithy RPC v2 CBOR (what the
//!   current Rust SDK sends, `POST /service/AWSShineFrontendService_20170701/operation/<Op>`)
//!   and awsJson1_1 (`POST /` with `X-Amz-Target`, what boto3 and the AWS CLI send);
//! - S3, path-style, by `s3s-fs` from `<data-dir>/s3`; batch jobs and parallel data
//!   read and write the same folder;
//! - `GET /_emulator/stats`: the [`Stats`] as JSON.
//!
//! Requests are told apart by their shape (the RPC path, `X-Amz-Target`) and by
//! the service named in the SigV4 credential scope; signatures are not checked.
//!
//! Translation is deterministic and checkable (see [`pseudo`]): parallel-data
//! pairs in batch jobs, terminology entries everywhere, and a reversible
//! pseudo-translation for everything else. Faults (answers no client can read
//! among them), latency and quotas come from
//! [`EmulatorConfig`] and can be changed while the emulator runs.
//!
//! The product never calls this module, except for the `emulator` subcommand.

mod engine;
mod error;
mod faults;
mod jobs;
mod markup;
mod objects;
mod operations;
mod parallel_data;
pub mod pseudo;
mod realtime;
mod server;
mod state;
mod stats;
mod tabular;
mod terminology;
mod wire;

#[cfg(test)]
mod tests;

use anyhow::Context;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

pub use stats::Stats;

/// The account id the emulator answers as (in ARNs and batch output folders).
pub const ACCOUNT_ID: &str = "123456789012";

/// What the emulator does besides answering: latency, quotas and injected faults.
///
/// Rates are fractions of requests (0.0–1.0) and apply to Translate operations
/// only, never to S3. The default is a well-behaved service: no faults, no
/// latency, no quota.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Added to every Translate request before it is answered.
    pub latency: Duration,
    /// The latency varies uniformly by up to this much either way.
    pub jitter: Duration,
    /// Requests per second over all Translate operations; beyond it requests
    /// are answered with `TooManyRequestsException`.
    pub quota_rps: Option<f64>,
    /// Characters per second translated by TranslateText and TranslateDocument;
    /// beyond it requests are answered with `TooManyRequestsException`.
    pub quota_cps: Option<f64>,
    /// Fraction of requests answered with `TooManyRequestsException` (429).
    pub throttle_rate: f64,
    /// Fraction of requests answered with `InternalServerException` (500) or
    /// `ServiceUnavailableException` (503), half each.
    pub error_rate: f64,
    /// Fraction of TranslateText answers whose HTML tags are dropped,
    /// duplicated or reordered.
    pub mangle_rate: f64,
    /// Fraction of Translate requests answered HTTP 200 with a body that is
    /// neither JSON nor CBOR, as a server that is not Amazon Translate answers.
    pub garbled_rate: f64,
    /// Fraction of Translate requests answered `502 Bad Gateway` with an
    /// HTML page, as a proxy or load balancer in front of the service answers.
    pub html_error_rate: f64,
    /// Fraction of batch jobs that end `COMPLETED_WITH_ERROR` or `FAILED`.
    pub job_failure_rate: f64,
    /// Where S3 objects live (`<data_dir>/s3/<bucket>/<key>`); `None`: a
    /// temporary folder owned by the emulator and removed with it.
    pub data_dir: Option<PathBuf>,
    /// Seed of the random choices (faults, jitter, job ids).
    pub seed: u64,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            latency: Duration::ZERO,
            jitter: Duration::ZERO,
            quota_rps: None,
            quota_cps: None,
            throttle_rate: 0.0,
            error_rate: 0.0,
            mangle_rate: 0.0,
            garbled_rate: 0.0,
            html_error_rate: 0.0,
            job_failure_rate: 0.0,
            data_dir: None,
            seed: 0,
        }
    }
}

/// A running emulator. Dropping it stops serving and joins its thread.
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<state::Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    /// The temporary data folder, when the config named none.
    _temp_dir: Option<tempfile::TempDir>,
}

impl Emulator {
    /// Binds `addr` (port 0 = ephemeral), serves on a background thread with its own tokio runtime.
    ///
    /// Only loopback addresses are accepted here; the `emulator` command can
    /// serve other addresses when told to with `--allow-remote`.
    pub fn start(addr: SocketAddr, config: EmulatorConfig) -> anyhow::Result<Emulator> {
        anyhow::ensure!(
            addr.ip().is_loopback(),
            "the emulator binds loopback addresses only (127.0.0.1, ::1), not {addr}"
        );
        Self::start_on_any_address(addr, config)
    }

    /// [`Emulator::start`] without the loopback check, for `emulator --allow-remote`.
    /// The emulator checks no credentials: whoever reaches the address can use it.
    pub fn start_on_any_address(addr: SocketAddr, config: EmulatorConfig) -> anyhow::Result<Emulator> {
        let (data_dir, temp_dir) = match &config.data_dir {
            Some(dir) => (dir.clone(), None),
            None => {
                let temp = tempfile::Builder::new()
                    .prefix("translate-emulator-")
                    .tempdir()
                    .context("creating the emulator's temporary data folder")?;
                (temp.path().to_path_buf(), Some(temp))
            }
        };
        let shared = Arc::new(state::Shared::new(config, &data_dir)?);
        let listener = std::net::TcpListener::bind(addr).with_context(|| format!("binding the emulator to {addr}"))?;
        listener
            .set_nonblocking(true)
            .context("making the emulator's socket non-blocking")?;
        let addr = listener.local_addr().context("reading the emulator's address")?;
        shared.set_base_url(format!("http://{addr}"));
        let (shutdown, stopped) = tokio::sync::oneshot::channel();
        let server = server::Server::new(Arc::clone(&shared), &data_dir)?;
        let thread = std::thread::Builder::new()
            .name("translate-emulator".to_string())
            .spawn(move || server.run(listener, stopped))
            .context("starting the emulator's thread")?;
        Ok(Emulator {
            addr,
            shared,
            shutdown: Some(shutdown),
            thread: Some(thread),
            _temp_dir: temp_dir,
        })
    }

    /// The base URL, such as `http://127.0.0.1:43121`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it serves.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.shared.stats.snapshot()
    }

    /// Changes faults, latency and quotas while running (the data folder stays).
    pub fn set_config(&self, config: EmulatorConfig) {
        self.shared.set_config(config);
    }

    /// Sets every counter back to zero.
    pub fn reset_stats(&self) {
        self.shared.stats.reset();
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
