//! Benchmark 3: cold real-time translation against the emulator: `mdbook-translate
//! warm --realtime` (the release binary, the AWS SDK, HTTP on loopback)
//! with a characters-per-second quota and a latency. Prints the fraction of
//! the quota used and the requests sent against the fewest possible.

use crate::books::{BookFacts, PlainBook, group};
use crate::markup::MarkupProfile;
use crate::measure::{clean_command, run_ok, translate_binary};
use mdbook_translate::emulator::{Emulator, EmulatorConfig};
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

pub struct Settings {
    pub quota: Option<f64>,
    pub latency: Duration,
    pub concurrency: usize,
}

/// `mdbook-translate <args> <book>` against the emulator at `endpoint`.
pub fn run_against(book: &Path, endpoint: &str, args: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let output = run_ok(
        clean_command(&translate_binary())
            .args(args)
            .arg(book)
            .env("AWS_ENDPOINT_URL", endpoint)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ACCESS_KEY_ID", "bench")
            .env("AWS_SECRET_ACCESS_KEY", "bench")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("MDBOOK_TRANSLATE_BACKEND"),
    );
    (output, started.elapsed())
}

/// An emulator on loopback with `quota` characters a second and `latency`.
pub fn start_emulator(quota: Option<f64>, latency: Duration) -> Emulator {
    Emulator::start(
        "127.0.0.1:0".parse().expect("an address"),
        EmulatorConfig {
            latency,
            quota_cps: quota,
            ..EmulatorConfig::default()
        },
    )
    .expect("the emulator")
}

pub fn run(plain: &PlainBook, settings: &Settings) {
    let book =
        plain.variant(&plain.translate_table(&["zh"], "aws", &format!("max-concurrency = {}\n", settings.concurrency)));
    let facts = BookFacts::of(book.path());
    println!("book: {} — {facts}", plain.spec);
    let emulator = start_emulator(settings.quota, settings.latency);
    // The fixed cost of loading and segmenting the book, measured apart.
    let (_, load_time) = run_against(book.path(), &emulator.url(), &["warm", "--dry-run"]);
    let (_, warm_time) = run_against(book.path(), &emulator.url(), &["warm", "--realtime"]);
    let stats = emulator.stats();
    let (left, _) = run_against(book.path(), &emulator.url(), &["warm", "--dry-run"]);
    let sending = warm_time.saturating_sub(load_time).as_secs_f64();
    let sent = stats.requests.get("TranslateText").copied().unwrap_or(0);
    let answered = sent - stats.throttled_total - stats.errors_injected_total;
    let quota = settings
        .quota
        .map_or("none".to_string(), |q| format!("{} characters/s", group(q as u64)));
    println!(
        "  quota {quota}; latency {} ms; max-concurrency {}",
        settings.latency.as_millis(),
        settings.concurrency
    );
    println!(
        "  time: warm {:.2} s, of which loading the book {:.2} s; sending {sending:.2} s",
        warm_time.as_secs_f64(),
        load_time.as_secs_f64()
    );
    if let Some(quota) = settings.quota {
        // The emulator's bucket holds one second of quota and starts full, so
        // in t seconds it serves at most quota × (t + 1) characters.
        println!(
            "  quota used: {:.3} (characters billed ÷ (quota × (sending time + the 1 s burst)); goal ≥ 0.90)",
            stats.characters_billed_total as f64 / (quota * (sending + 1.0))
        );
    }
    println!(
        "  characters billed: {}; peak requests in flight: {}",
        group(stats.characters_billed_total),
        stats.peak_in_flight
    );
    println!(
        "  TranslateText requests: {sent}, of which {} throttled and {} failed (each retried); {answered} answered",
        stats.throttled_total, stats.errors_injected_total
    );
    let profile = MarkupProfile::of(&facts.tagged);
    println!(
        "  answered against the minimum: {answered} ÷ {} by text bytes = {:.2} (goal ≤ 1.2); ÷ {} by characters = {:.2}",
        profile.minimum_by_bytes(),
        answered as f64 / profile.minimum_by_bytes() as f64,
        profile.minimum_by_chars(),
        answered as f64 / profile.minimum_by_chars() as f64,
    );
    println!("  the HTML sent:");
    profile.print();
    print!(
        "  left untranslated (dry run after): {}",
        String::from_utf8_lossy(&left.stdout)
    );
}
