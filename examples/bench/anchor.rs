//! Benchmark 2: every language as mdbook-i18n-helpers users build it (one `mdbook
//! build` per language, mdbook-gettext reading a PO file) against
//! `mdbook-translate build`, with the same translations: mdbook-xgettext's
//! template of the book, every message pseudo-translated, imported and
//! written back by `mdbook-translate po export`; both read that file.

use crate::books::PlainBook;
use crate::measure::{
    Case, Sample, clean_command, i18n_helpers_folder, interleaved, mdbook_binary, ms, path_with, run_ok, sample_command,
};
use mdbook_driver::MDBook;
use mdbook_translate::config::Config;
use mdbook_translate::po::file::{parse_po, po_file_text};
use mdbook_translate::segment::{SegmentOptions, Unit, unit_from_markdown, unit_markdown};
use mdbook_translate::translate::pseudo_translate;
use std::cell::RefCell;
use std::path::Path;

/// A message's pseudo-translation (as the pseudo backend translates a
/// unit), or `None` for a message that is not one paragraph of prose.
fn pseudo_message(msgid: &str, options: &SegmentOptions) -> Option<String> {
    let unit = unit_from_markdown(msgid, options)?;
    let translated = Unit {
        tagged: pseudo_translate(&unit.tagged)?,
        ..unit
    };
    Some(unit_markdown(&translated, options.dollar_math))
}

/// Writes `po/<language>.po` of `ours` for each language with the
/// translations, through `po import` and `po export`; prints their reports.
fn write_po_files(ours: &Path, template: &str, languages: &[String], translate: &Path) {
    let mdbook = MDBook::load(ours).expect("load the book");
    let options = Config::from_book(ours, &mdbook.config)
        .expect("config")
        .segment_options();
    std::fs::create_dir_all(ours.join("po")).expect("po/");
    for language in languages {
        let mut catalog = parse_po(template).expect("the template parses");
        catalog.metadata.insert("Language".to_string(), language.clone());
        let mut n_filled = 0;
        for entry in &mut catalog.entries {
            entry.msgstr = pseudo_message(&entry.msgid, &options);
            n_filled += usize::from(entry.msgstr.is_some());
        }
        let path = ours.join(format!("po/{language}.po"));
        std::fs::write(&path, po_file_text(&catalog)).expect("write the PO file");
        let book = ours.to_str().expect("a UTF-8 path");
        let import = run_ok(clean_command(translate).args(["po", "import", book, "--lang", language]));
        run_ok(clean_command(translate).args(["po", "export", book, "--lang", language]));
        println!(
            "  {language}: {n_filled} of {} messages of mdbook-xgettext translated; po import: {}",
            catalog.entries.len(),
            String::from_utf8_lossy(&import.stderr).trim().replace('\n', "; ")
        );
    }
}

/// mdbook-xgettext's template of the book in `root`.
fn template(mdbook: &Path, helpers: &Path, root: &Path) -> String {
    run_ok(
        clean_command(mdbook)
            .current_dir(root)
            .args(["build", "-d", "xgettext"])
            .env("PATH", path_with(&[helpers]))
            .env("MDBOOK_OUTPUT", r#"{"xgettext": {}}"#),
    );
    std::fs::read_to_string(root.join("xgettext/messages.pot")).expect("the template")
}

/// Occurrences of the pseudo-translation's opening mark in a built page.
fn pseudo_marks(page: &Path) -> usize {
    std::fs::read_to_string(page).map_or(0, |html| html.matches('⟦').count())
}

pub fn run(plain: &PlainBook, languages: &[String], rounds: usize) {
    let (mdbook, helpers) = match (mdbook_binary(), i18n_helpers_folder()) {
        (Ok(mdbook), Ok(helpers)) => (mdbook, helpers),
        (Err(why), _) | (_, Err(why)) => return println!("book: {}: skipped ({why})", plain.spec),
    };
    let translate = crate::measure::translate_binary();
    let language_refs: Vec<&str> = languages.iter().map(String::as_str).collect();
    let ours = plain.variant(&plain.translate_table(&language_refs, "cache", "po-dir = \"po\"\n"));
    let peer = plain.variant("[preprocessor.gettext]\nafter = [\"links\"]\npo-dir = \"po\"\n");
    let scratch = plain.variant("");
    println!("book: {}", plain.spec);
    let template = template(&mdbook, &helpers, scratch.path());
    write_po_files(ours.path(), &template, languages, &translate);
    crate::books::copy_tree(&ours.path().join("po"), &peer.path().join("po"));
    let peer_path = path_with(&[&helpers]);
    let source = "en".to_string();
    let every: Vec<&String> = std::iter::once(&source).chain(languages).collect();
    let per_language: RefCell<Vec<Vec<f64>>> = RefCell::new(vec![Vec::new(); every.len()]);
    let peer_build = |language: &str| {
        let mut command = clean_command(&mdbook);
        command
            .current_dir(peer.path())
            .args(["build", "-d", &format!("book/{language}")])
            .env("PATH", &peer_path)
            .env("MDBOOK_BOOK__LANGUAGE", language);
        sample_command(&mut command)
    };
    let cases = vec![
        Case::new("peer", || {
            let mut total = Sample::default();
            for (i, language) in every.iter().enumerate() {
                let sample = peer_build(language);
                per_language.borrow_mut()[i].push(sample.wall.as_secs_f64());
                total = total + sample;
            }
            total
        }),
        Case::new("ours", || {
            sample_command(clean_command(&translate).args(["build", ours.path().to_str().expect("UTF-8")]))
        }),
    ];
    let t = interleaved(cases, rounds);
    println!(
        "every language ({}), {rounds} rounds, medians (lowest – highest):",
        every.len()
    );
    for (i, language) in every.iter().enumerate() {
        // The warm-up run's sample is the first; the rounds follow.
        let samples = &per_language.borrow()[i][1..];
        println!(
            "  `mdbook build` + mdbook-gettext, {language:<5}{:>29}",
            ms(crate::measure::median(samples))
        );
    }
    t.print(
        &[
            ("mdbook-i18n-helpers: every language, total", "peer"),
            ("`mdbook-translate build`: every language", "ours"),
        ],
        &[("ratio ours / mdbook-i18n-helpers", "ours", "peer", "   goal ≤ 0.25")],
    );
    for language in languages {
        let peer_marks = pseudo_marks(&peer.path().join(format!("book/{language}/print.html")));
        let our_marks = pseudo_marks(&ours.path().join(format!("book/{language}/print.html")));
        println!("  translated passages in print.html, {language}: mdbook-gettext {peer_marks}, ours {our_marks}");
    }
}
