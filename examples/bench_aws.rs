//! Cold real-time translation against the emulator: a generated book of
//! about 5,000 units through `mdbook-translate warm --realtime` (the real
//! binary, the real SDK, HTTP on loopback), with a characters-per-second
//! quota and latency. Prints the fraction of the quota used, the peak
//! concurrency, the requests throttled and retried, and the requests sent
//! against the fewest possible.
//!
//! `cargo run --release --example bench_aws -- [UNITS] [QUOTA_CPS] [LATENCY_MS] [MAX_CONCURRENCY]`
//! (defaults: 5000 units, 100000 characters a second, 100 ms, 8). Build the
//! binary first: `cargo build --release`.

use mdbook_translate::emulator::{Emulator, EmulatorConfig};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Writes a book of `n_units` sentence units (two per paragraph, a tenth
/// with emphasis or code, 50 paragraphs a chapter).
fn write_book(dir: &Path, n_units: usize, max_concurrency: usize) {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).expect("src");
    let n_paragraphs = n_units / 2;
    let mut summary = String::from("# Summary\n\n");
    for chapter in 0..n_paragraphs.div_ceil(50) {
        let mut markdown = format!("# Chapter {chapter}\n\n");
        for paragraph in (chapter * 50..(chapter + 1) * 50).take_while(|p| *p < n_paragraphs) {
            let marked = if paragraph % 10 == 0 { "*carefully* " } else { "" };
            markdown.push_str(&format!(
                "Sentence {paragraph} checks {marked}the sum of every block before it is written to disk. \
                 The writer {paragraph} then waits for `fsync` to return and records the offset.\n\n"
            ));
        }
        std::fs::write(src.join(format!("c{chapter}.md")), markdown).expect("chapter");
        summary.push_str(&format!("- [Chapter {chapter}](c{chapter}.md)\n"));
    }
    std::fs::write(src.join("SUMMARY.md"), summary).expect("summary");
    std::fs::write(
        dir.join("book.toml"),
        format!(
            "[book]\ntitle = \"Bench\"\nlanguage = \"en\"\n\n[preprocessor.translate]\nlanguages = [\"zh\"]\n\
             backend = \"aws\"\nmax-concurrency = {max_concurrency}\n"
        ),
    )
    .expect("book.toml");
}

fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the example's path");
    // target/<profile>/examples/bench_aws → target/<profile>/mdbook-translate
    let binary = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>")
        .join("mdbook-translate");
    assert!(
        binary.exists(),
        "{} is missing: run `cargo build --release` first",
        binary.display()
    );
    binary
}

fn run(book: &Path, endpoint: &str, args: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let output = Command::new(binary())
        .args(args)
        .arg(book)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "bench")
        .env("AWS_SECRET_ACCESS_KEY", "bench")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("MDBOOK_TRANSLATE_BACKEND")
        .output()
        .expect("run mdbook-translate");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    (output, started.elapsed())
}

/// The bytes of HTML the book's distinct units make, as the backend packs them.
fn html_bytes_of_book(root: &Path) -> usize {
    use mdbook_translate::collect::{BookTexts, collect_book};
    use mdbook_translate::pipeline::lookup::WantedUnits;
    use mdbook_translate::store::Languages;
    use mdbook_translate::translate::html::{MAX_REQUEST_BYTES, pack_units};
    let mdbook = mdbook_driver::MDBook::load(root).expect("load the book");
    let config = mdbook_translate::config::Config::from_book(root, &mdbook.config).expect("config");
    let collected = collect_book(
        &mdbook.book,
        &BookTexts::of_book_toml(&mdbook.config),
        &config.segment_options(),
    );
    let wanted = WantedUnits::of_book(
        &collected,
        Languages {
            source: &config.source_language,
            target: &config.languages[0],
        },
    );
    let units: Vec<&str> = wanted.units.iter().map(|u| u.tagged.as_str()).collect();
    let (documents, _) = pack_units(&units, MAX_REQUEST_BYTES, false);
    documents.iter().map(|d| d.html.len()).sum()
}

fn arg<T: std::str::FromStr>(n: usize, default: T) -> T {
    std::env::args()
        .nth(n)
        .map(|a| a.parse().ok().expect("a number"))
        .unwrap_or(default)
}

fn main() {
    let n_units: usize = arg(1, 5000);
    let quota_cps: f64 = arg(2, 100_000.0);
    let latency_ms: u64 = arg(3, 100);
    let max_concurrency: usize = arg(4, 8);
    let dir = tempfile::tempdir().expect("temp dir");
    write_book(dir.path(), n_units, max_concurrency);
    let emulator = Emulator::start(
        "127.0.0.1:0".parse().expect("an address"),
        EmulatorConfig {
            latency: Duration::from_millis(latency_ms),
            quota_cps: Some(quota_cps),
            ..EmulatorConfig::default()
        },
    )
    .expect("emulator");
    // The fixed cost of loading and segmenting the book, measured apart.
    let (_, load_time) = run(dir.path(), &emulator.url(), &["warm", "--dry-run"]);
    let (_, warm_time) = run(dir.path(), &emulator.url(), &["warm", "--realtime"]);
    let stats = emulator.stats();
    let (left, _) = run(dir.path(), &emulator.url(), &["warm", "--dry-run"]);
    let sending = warm_time.saturating_sub(load_time).as_secs_f64();
    let translated = stats.requests.get("TranslateText").copied().unwrap_or(0);
    let minimum = (stats.characters_billed_total as f64 / 10_000.0).ceil();
    println!(
        "units: {n_units}; quota {quota_cps} characters/s; latency {latency_ms} ms; max-concurrency {max_concurrency}"
    );
    println!("characters billed: {}", stats.characters_billed_total);
    println!(
        "time: warm {:.2} s, of which loading the book {:.2} s; sending {sending:.2} s",
        warm_time.as_secs_f64(),
        load_time.as_secs_f64()
    );
    // The emulator's bucket holds one second of quota and starts full, so
    // in t seconds it serves at most quota × (t + 1) characters.
    println!(
        "quota used: {:.3} (characters billed / (quota × (sending time + the 1 s burst)))",
        stats.characters_billed_total as f64 / (quota_cps * (sending + 1.0))
    );
    println!("peak requests in flight: {}", stats.peak_in_flight);
    println!(
        "requests: {translated} TranslateText, of which {} throttled and {} failed (each retried)",
        stats.throttled_total, stats.errors_injected_total
    );
    println!(
        "requests answered against the minimum (characters / 10,000): {} / {minimum} = {:.2}",
        translated - stats.throttled_total - stats.errors_injected_total,
        (translated - stats.throttled_total - stats.errors_injected_total) as f64 / minimum
    );
    let html_bytes = html_bytes_of_book(dir.path());
    println!(
        "HTML sent: {html_bytes} bytes for {} characters of text ({:.2}×); packing: {} requests against {} for that HTML",
        stats.characters_billed_total,
        html_bytes as f64 / stats.characters_billed_total as f64,
        translated - stats.throttled_total - stats.errors_injected_total,
        html_bytes.div_ceil(10_000)
    );
    print!(
        "left untranslated (dry run after): {}",
        String::from_utf8_lossy(&left.stdout)
    );
}
