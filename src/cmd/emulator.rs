//! `mdbook-translate emulator`: the local Amazon Translate and S3, served
//! until the process is killed.
//!
//! The first line on stdout is the base URL; point `AWS_ENDPOINT_URL` at it.

use anyhow::bail;
use clap::Args;
use mdbook_translate::emulator::{Emulator, EmulatorConfig};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Arguments of `mdbook-translate emulator`.
#[derive(Debug, Args)]
#[command(after_help = "\
Translate (RPC v2 CBOR and awsJson1_1) and S3 (path-style) share the address;
GET /_emulator/stats returns the counters as JSON. Translation is a
deterministic pseudo-translation, with terminology and (in batch jobs)
parallel data applied exactly. Credentials are accepted but not checked.")]
pub(crate) struct EmulatorArgs {
    /// The address to serve (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,

    /// The folder for S3 objects (`<DIR>/s3/<bucket>/<key>`) [default: a
    /// temporary folder].
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Latency added to every Translate request, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 0)]
    latency_ms: u64,

    /// The latency varies by up to this many milliseconds either way.
    #[arg(long, value_name = "N", default_value_t = 0)]
    jitter_ms: u64,

    /// Translate requests per second before TooManyRequestsException.
    #[arg(long, value_name = "X")]
    quota_rps: Option<f64>,

    /// Characters translated per second before TooManyRequestsException.
    #[arg(long, value_name = "X")]
    quota_cps: Option<f64>,

    /// Fraction of Translate requests throttled (429).
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = parse_rate)]
    throttle_rate: f64,

    /// Fraction of Translate requests failed with 500 or 503.
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = parse_rate)]
    error_rate: f64,

    /// Fraction of TranslateText answers with dropped, duplicated or reordered tags.
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = parse_rate)]
    mangle_rate: f64,

    /// Fraction of Translate requests answered HTTP 200 with a body that is not JSON.
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = parse_rate)]
    garbled_rate: f64,

    /// Fraction of Translate requests answered 502 with an HTML page, as a proxy does.
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = parse_rate)]
    html_error_rate: f64,

    /// Fraction of batch jobs ending COMPLETED_WITH_ERROR or FAILED.
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = parse_rate)]
    job_failure_rate: f64,

    /// Seed of the random choices (faults, jitter, job ids).
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,

    /// Serve an address that is not loopback (the emulator checks no credentials).
    #[arg(long)]
    allow_remote: bool,
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("expected a fraction between 0 and 1, not {text}")),
    }
}

/// Starts the emulator, prints its URL and serves until killed.
pub(crate) fn execute(args: EmulatorArgs) -> anyhow::Result<i32> {
    let loopback = args.addr.ip().is_loopback();
    if !loopback && !args.allow_remote {
        bail!(
            "refusing to serve {}: the emulator binds loopback addresses only (127.0.0.1, ::1) \
             because it checks no credentials; pass --allow-remote to serve it anyway",
            args.addr
        );
    }
    let config = EmulatorConfig {
        latency: Duration::from_millis(args.latency_ms),
        jitter: Duration::from_millis(args.jitter_ms),
        quota_rps: args.quota_rps,
        quota_cps: args.quota_cps,
        throttle_rate: args.throttle_rate,
        error_rate: args.error_rate,
        mangle_rate: args.mangle_rate,
        garbled_rate: args.garbled_rate,
        html_error_rate: args.html_error_rate,
        job_failure_rate: args.job_failure_rate,
        data_dir: args.data_dir,
        seed: args.seed,
    };
    let emulator = if loopback {
        Emulator::start(args.addr, config)?
    } else {
        Emulator::start_on_any_address(args.addr, config)?
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", emulator.url())?;
    stdout.flush()?;
    drop(stdout);
    eprintln!(
        "mdbook-translate: emulating Amazon Translate and S3 at {url} until killed; \
         set AWS_ENDPOINT_URL={url} (any credentials, any region)",
        url = emulator.url()
    );
    loop {
        std::thread::park();
    }
}
