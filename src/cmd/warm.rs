//! `mdbook-translate warm --realtime [BOOK] [--lang L] [--dry-run]`: fills
//! the store ahead of a build, so that the build itself makes no call.
//!
//! `--dry-run` sends nothing: it prints, per language, the units and
//! characters that would be sent and what they would cost.

use super::{ExpandedBook, load_expanded_book};
use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mdbook_translate::collect::collect_book;
use mdbook_translate::language::LanguageTag;
use mdbook_translate::pipeline::batch::{BatchSettings, warm_with_batch_job};
use mdbook_translate::pipeline::lookup::{WantedUnits, lookup_units};
use mdbook_translate::pipeline::{fill_store, open_store};
use mdbook_translate::po::import_translations_if_changed;
use mdbook_translate::store::{Languages, Store};
use mdbook_translate::translate::aws::AwsSettings;
use mdbook_translate::translate::batch::{BatchClient, JobState};
use mdbook_translate::translate::html::unit_html;
use mdbook_translate::translate::{BackendError, Profile, Request, Response, Translator, make_aws_translator};
use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// US dollars per million characters of Amazon Translate's standard
/// real-time translation, as listed on aws.amazon.com/translate/pricing
/// (US East, 2024–2026 list price).
pub(crate) const REALTIME_USD_PER_MILLION_CHARS: f64 = 15.0;

/// US dollars per million characters of Active Custom Translation (batch
/// jobs with parallel data), same source.
pub(crate) const ACT_USD_PER_MILLION_CHARS: f64 = 60.0;

/// Arguments of `mdbook-translate warm`.
#[derive(Debug, Args)]
pub(crate) struct WarmArgs {
    /// The book's root folder (where book.toml is).
    #[arg(default_value = ".")]
    book: PathBuf,
    /// Warm only these languages (default: every configured language).
    #[arg(long = "lang", short = 'l')]
    languages: Vec<LanguageTag>,
    /// Translate through real-time TranslateText requests (default: one
    /// batch job with the book's parallel data, Active Custom Translation).
    #[arg(long)]
    realtime: bool,
    /// Send nothing; print what would be sent and its cost.
    #[arg(long)]
    dry_run: bool,
}

/// Runs `warm`.
pub(crate) fn execute(args: WarmArgs) -> anyhow::Result<i32> {
    let expanded = load_expanded_book(&args.book)?;
    let languages: Vec<LanguageTag> = if args.languages.is_empty() {
        expanded.config.languages.clone()
    } else {
        expanded
            .config
            .select_languages(&args.languages)?
            .into_iter()
            .cloned()
            .collect()
    };
    let store = open_store(&expanded.config)?;
    let collected = collect_book(&expanded.book, &expanded.texts, &expanded.config.segment_options());
    if args.dry_run {
        return dry_run(&expanded, &collected, &languages, &store);
    }
    if !args.realtime {
        return warm_with_batch(&expanded, &collected, &languages, &store);
    }
    let backend = make_aws_translator(&expanded.config).context("connecting to Amazon Translate")?;
    let mut n_untranslated = 0;
    for target in &languages {
        let languages = Languages {
            source: &expanded.config.source_language,
            target,
        };
        import_translations_if_changed(&expanded.book, &collected, languages, &expanded.config, &store)?;
        let progress = Progress::start(target.as_str());
        let with_progress = WithProgress {
            inner: &*backend,
            progress: &progress,
        };
        let filled = fill_store(&collected, languages, &store, &with_progress)?;
        progress.finish();
        eprintln!(
            "mdbook-translate: {target}: {} distinct units: {} from the store, {} translated, {} left untranslated",
            filled.wanted.units.len(),
            filled.n_from_store,
            filled.n_translated,
            filled.untranslated.len()
        );
        for unit in filled.untranslated.iter().take(5) {
            eprintln!(
                "mdbook-translate: {target}: untranslated in {}: {} ({})",
                unit.chapter,
                unit.excerpt(),
                unit.reason
            );
        }
        n_untranslated += filled.untranslated.len();
    }
    store.flush()?;
    Ok(if n_untranslated == 0 { 0 } else { 1 })
}

/// `warm` through one batch job with the book's parallel data and
/// terminology, resumable; a progress bar follows the job's documents.
fn warm_with_batch(
    expanded: &ExpandedBook,
    collected: &mdbook_translate::collect::CollectedBook,
    languages: &[LanguageTag],
    store: &Store,
) -> anyhow::Result<i32> {
    let config = &expanded.config;
    let (Some(location), Some(role)) = (&config.batch_s3, &config.data_access_role_arn) else {
        anyhow::bail!(
            "batch jobs need `batch-s3 = \"s3://<bucket>/<folder>\"` and `data-access-role-arn` under \
             [preprocessor.translate] in book.toml; or translate in real time with `warm --realtime`"
        );
    };
    for target in languages {
        let languages = Languages {
            source: &config.source_language,
            target,
        };
        import_translations_if_changed(&expanded.book, collected, languages, config, store)?;
    }
    let client = BatchClient::connect(&AwsSettings::of_config(config)).context("connecting to Amazon Translate")?;
    let settings = BatchSettings {
        location,
        data_access_role_arn: role,
        parallel_data: &config.parallel_data,
        terminology: &config.terminology,
        poll_interval: Duration::from_secs(1),
    };
    let progress = Progress::start("batch job");
    let mut on_state = |state: &JobState| {
        progress.bar.set_length(state.n_documents);
        progress.bar.set_position(state.n_translated + state.n_failed);
        progress.bar.set_message(state.status.clone());
        if !progress.terminal {
            eprintln!(
                "mdbook-translate: batch job {}: {}/{} documents",
                state.status,
                state.n_translated + state.n_failed,
                state.n_documents
            );
        }
    };
    let summary = warm_with_batch_job(
        collected,
        &config.source_language,
        languages,
        store,
        &client,
        &settings,
        &mut on_state,
    )?;
    progress.finish();
    if summary.resumed {
        eprintln!("mdbook-translate: finished the batch job an earlier `warm` had started");
    }
    eprintln!(
        "mdbook-translate: batch: {} units sent{}, {} translations stored, {} refused, {} documents failed",
        summary.n_sent,
        summary
            .job_id
            .as_deref()
            .map(|id| format!(" (job {id})"))
            .unwrap_or_default(),
        summary.n_stored,
        summary.refused.len(),
        summary.n_failed_documents
    );
    for (language, file, message) in &summary.failed_documents {
        eprintln!("mdbook-translate: {language}: the job could not translate {file}: {message}; run `warm` again");
    }
    for (language, unit, reason) in summary.refused.iter().take(5) {
        eprintln!("mdbook-translate: {language}: not stored: `{unit}`: {reason}");
    }
    Ok(if summary.refused.is_empty() && summary.n_failed_documents == 0 {
        0
    } else {
        1
    })
}

/// Prints the units and characters each language would send, and the cost.
fn dry_run(
    expanded: &ExpandedBook,
    collected: &mdbook_translate::collect::CollectedBook,
    languages: &[LanguageTag],
    store: &Store,
) -> anyhow::Result<i32> {
    println!("language  units  characters  real-time USD  ACT USD");
    let (mut total_units, mut total_chars) = (0, 0);
    for target in languages {
        let languages = Languages {
            source: &expanded.config.source_language,
            target,
        };
        // Human translations in the PO files are not sent.
        import_translations_if_changed(&expanded.book, collected, languages, &expanded.config, store)?;
        let wanted = WantedUnits::of_book(collected, languages);
        // What `warm --realtime` would find in the store.
        let profiles = AwsSettings::of_config(&expanded.config).lookup_profiles();
        let lookup = lookup_units(store, &wanted, &profiles)?;
        let n_chars: usize = lookup
            .misses
            .iter()
            .map(|&index| unit_html("", &wanted.units[index].tagged).1)
            .sum();
        print_cost_line(target.as_str(), lookup.misses.len(), n_chars);
        total_units += lookup.misses.len();
        total_chars += n_chars;
    }
    if languages.len() > 1 {
        print_cost_line("total", total_units, total_chars);
    }
    println!(
        "(prices: real-time ${REALTIME_USD_PER_MILLION_CHARS}, ACT ${ACT_USD_PER_MILLION_CHARS} per million characters)"
    );
    Ok(0)
}

fn print_cost_line(language: &str, n_units: usize, n_chars: usize) {
    let millions = n_chars as f64 / 1e6;
    println!(
        "{language:<8}  {n_units:>5}  {n_chars:>10}  {:>13.2}  {:>7.2}",
        millions * REALTIME_USD_PER_MILLION_CHARS,
        millions * ACT_USD_PER_MILLION_CHARS
    );
}

/// Progress of one language: a bar on a terminal, plain lines otherwise.
struct Progress {
    bar: ProgressBar,
    terminal: bool,
    language: String,
    n_chars: AtomicU64,
    last_line: Mutex<Instant>,
}

/// How often plain progress lines are printed.
const PLAIN_PROGRESS_EVERY: Duration = Duration::from_secs(5);

impl Progress {
    fn start(language: &str) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if terminal {
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix} [{bar:30}] {pos}/{len} units, {msg} characters, {per_sec}, ETA {eta}",
                )
                .expect("a valid template")
                .progress_chars("=> "),
            );
        } else {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        bar.set_prefix(language.to_string());
        Progress {
            bar,
            terminal,
            language: language.to_string(),
            n_chars: AtomicU64::new(0),
            last_line: Mutex::new(Instant::now()),
        }
    }

    fn set_total(&self, n_units: u64) {
        self.bar.set_length(n_units);
        if !self.terminal {
            eprintln!("mdbook-translate: {}: translating {n_units} units", self.language);
        }
    }

    fn advance(&self, n_units: u64, n_chars: u64) {
        self.bar.inc(n_units);
        let n_chars = self.n_chars.fetch_add(n_chars, Ordering::Relaxed) + n_chars;
        self.bar.set_message(n_chars.to_string());
        let mut last_line = self.last_line.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !self.terminal && last_line.elapsed() >= PLAIN_PROGRESS_EVERY {
            *last_line = Instant::now();
            eprintln!(
                "mdbook-translate: {}: {}/{} units, {n_chars} characters",
                self.language,
                self.bar.position(),
                self.bar.length().unwrap_or(0),
            );
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// A backend that reports the progress of another.
struct WithProgress<'a> {
    inner: &'a dyn Translator,
    progress: &'a Progress,
}

impl Translator for WithProgress<'_> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn profile(&self) -> Option<Profile> {
        self.inner.profile()
    }

    fn lookup_profiles(&self) -> Vec<String> {
        self.inner.lookup_profiles()
    }

    fn translate(
        &self,
        request: &Request<'_>,
        on_response: &mut dyn FnMut(Response) -> ControlFlow<()>,
    ) -> Result<(), BackendError> {
        // Units sent again on their own are not counted twice.
        let first_attempt = !request.one_unit_per_request;
        if first_attempt {
            self.progress.set_total(request.units.len() as u64);
        }
        self.inner.translate(request, &mut |response| {
            if !first_attempt {
                return on_response(response);
            }
            let n_chars: usize = response
                .answers
                .iter()
                .filter_map(|(index, _)| request.units.get(*index))
                .map(|tagged| unit_html("", tagged).1)
                .sum();
            self.progress.advance(response.answers.len() as u64, n_chars as u64);
            on_response(response)
        })
    }

    fn n_calls(&self) -> u64 {
        self.inner.n_calls()
    }
}
