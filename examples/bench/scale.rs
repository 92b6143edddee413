//! mdBook's plain build, our warm translated build and the preprocessor
//! alone, in-process, on generated books of growing size: whether time per
//! chapter stays flat (linear growth) or grows.

use crate::books::{BookFacts, BookSpec, PlainBook, group};
use crate::measure::{interleaved, ms};
use crate::warm::{LANGUAGE, fill_store, in_process_cases};

pub fn run(sizes: &[usize], rounds: usize) {
    let mut rows = Vec::new();
    for &chapters in sizes {
        eprintln!("preparing {chapters} chapters…");
        let plain = PlainBook::prepare(&BookSpec::Large(chapters));
        let translated = plain.variant(&plain.translate_table(&[LANGUAGE], "pseudo", ""));
        let facts = BookFacts::of(translated.path());
        println!("{chapters} chapters: {facts}");
        fill_store(translated.path());
        let t = interleaved(in_process_cases(plain.root(), translated.path()), rounds);
        for (name, label) in [
            ("in-process plain", "plain mdBook"),
            ("in-process translated", "translated, warm"),
            ("preprocessor alone", "preprocessor alone"),
        ] {
            println!("{}", t.line(label, name));
        }
        rows.push((chapters, facts.units, t));
    }
    println!("\nper chapter (medians of {rounds} rounds), and growth against the smallest book:");
    println!(
        "  {:>8} {:>9} {:>14} {:>14} {:>14} {:>14}",
        "chapters", "units", "plain", "translated", "preprocessor", "translated − plain"
    );
    let per = |t: &crate::measure::Timings, name: &str, chapters: usize| t.median(name) / chapters as f64;
    let (first_chapters, _, first) = &rows[0];
    for (chapters, units, t) in &rows {
        let growth = |name: &str| per(t, name, *chapters) / per(first, name, *first_chapters);
        println!(
            "  {chapters:>8} {:>9} {:>8} ×{:<5.2} {:>8} ×{:<5.2} {:>8} ×{:<5.2} {:>14}",
            group(*units as u64),
            ms(per(t, "in-process plain", *chapters)),
            growth("in-process plain"),
            ms(per(t, "in-process translated", *chapters)),
            growth("in-process translated"),
            ms(per(t, "preprocessor alone", *chapters)),
            growth("preprocessor alone"),
            ms(t.median("in-process translated") - t.median("in-process plain")),
        );
    }
}
