//! mdBook's plain build, our warm translated build and the preprocessor
//! alone, in-process, on generated books of growing size: whether time per
//! chapter stays flat (linear growth) or grows.

use crate::books::{BookFacts, BookSpec, PlainBook, group};
use crate::measure::{interleaved, ms};
use crate::warm::{LANGUAGE, Roots, fill_store, in_process_cases, write_translated_text};

pub fn run(sizes: &[usize], rounds: usize) {
    let mut rows = Vec::new();
    for &chapters in sizes {
        eprintln!("preparing {chapters} chapters…");
        let plain = PlainBook::prepare(&BookSpec::Large(chapters));
        let translated = plain.variant(&plain.translate_table(&[LANGUAGE], "pseudo", ""));
        let facts = BookFacts::of(translated.path());
        println!("{chapters} chapters: {facts}");
        fill_store(translated.path());
        let text = plain.variant("");
        write_translated_text(translated.path(), text.path());
        let roots = Roots {
            plain: plain.root(),
            text: text.path(),
            translated: translated.path(),
        };
        let t = interleaved(in_process_cases(&roots), rounds);
        crate::warm::print_in_process(&t);
        rows.push((chapters, facts.units, t));
    }
    println!("\ntime per chapter (medians of {rounds} rounds), and its growth against the smallest book:");
    let columns = [
        ("in-process plain", "plain, source"),
        ("in-process plain text", "plain, translated text"),
        ("in-process translated", "translated"),
        ("preprocessor alone", "preprocessor"),
    ];
    print!("  {:>8} {:>9}", "chapters", "units");
    for (_, label) in columns {
        print!(" {label:>24}");
    }
    println!();
    let per = |t: &crate::measure::Timings, name: &str, chapters: usize| t.median(name) / chapters as f64;
    let (first_chapters, _, first) = &rows[0];
    for (chapters, units, t) in &rows {
        print!("  {chapters:>8} {:>9}", group(*units as u64));
        for (name, _) in columns {
            let growth = per(t, name, *chapters) / per(first, name, *first_chapters);
            print!(" {:>15} ×{growth:<7.2}", ms(per(t, name, *chapters)));
        }
        println!();
    }
}
