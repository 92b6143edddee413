//! The `mdbook-translate` binary: the mdBook preprocessor and its CLI.
//!
//! Without a subcommand it is run by mdBook, as the `translate` preprocessor
//! (the book JSON comes on stdin and goes back on stdout, and stdout carries
//! nothing else) or as the `translate` output (the render context on stdin).

mod cmd;

use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(
    name = "mdbook-translate",
    version,
    about = "Keeps every translation of an mdBook in step with its source"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Asked by mdBook: does the preprocessor support this renderer? (exit 0: yes)
    Supports {
        /// Renderer name, such as html or markdown.
        renderer: String,
    },
    /// Build the source book and every configured language, in-process.
    Build(cmd::build::BuildArgs),
    /// Run the identity round trip over a book and report chapters that would change.
    Check(cmd::check::CheckArgs),
    /// Human translations as gettext PO files: export units, import translations.
    Po(cmd::po::PoArgs),
    /// Fill the store ahead of a build: translate what it lacks (`--realtime`), or price it (`--dry-run`).
    Warm(cmd::warm::WarmArgs),
    /// Parallel data for Active Custom Translation: align the book with a human translation (`build`), make it a resource (`push`).
    ParallelData(cmd::parallel_data::ParallelDataArgs),
    /// What each language has: human, ACT (current or stale), real-time or missing; glossary adherence.
    Status(cmd::status::StatusArgs),
    /// Remove the store's records of units no longer in the book (human ones only with `--human`).
    Gc(cmd::gc::GcArgs),
    /// Custom terminology: `terminology push` imports the book's glossary into Amazon Translate.
    Terminology(cmd::push::TerminologyArgs),
    /// Score machine output against a human reference (BLEU, chrF).
    Eval(cmd::eval::EvalArgs),
    /// Serve a local emulator of Amazon Translate and S3 (for tests and offline demos).
    Emulator(cmd::emulator::EmulatorArgs),
    /// Started by the preprocessor: render the languages into a folder while mdBook renders the source.
    #[command(hide = true)]
    Prebuild {
        /// The folder holding the order, where the books go.
        folder: std::path::PathBuf,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("MDBOOK_TRANSLATE_LOG")
                .unwrap_or_else(|_| EnvFilter::new("warn,mdbook_driver=info,mdbook_html=warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .without_time()
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        None => cmd::preprocess::execute(),
        Some(Command::Supports { renderer }) => cmd::preprocess::supports(&renderer),
        Some(Command::Build(args)) => cmd::build::execute(args),
        Some(Command::Check(args)) => cmd::check::execute(args),
        Some(Command::Eval(args)) => cmd::eval::execute(args),
        Some(Command::Emulator(args)) => cmd::emulator::execute(args),
        Some(Command::Po(args)) => cmd::po::execute(args),
        Some(Command::ParallelData(args)) => cmd::parallel_data::execute(args),
        Some(Command::Warm(args)) => cmd::warm::execute(args),
        Some(Command::Terminology(args)) => cmd::push::terminology(args),
        Some(Command::Status(args)) => cmd::status::execute(args),
        Some(Command::Gc(args)) => cmd::gc::execute(args),
        Some(Command::Prebuild { folder }) => cmd::preprocess::prebuild(&folder),
    };
    match result {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(error) => {
            eprintln!("mdbook-translate: error: {error:#}");
            ExitCode::from(1)
        }
    }
}
