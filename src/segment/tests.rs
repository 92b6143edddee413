use super::*;

fn options() -> SegmentOptions {
    SegmentOptions {
        mathjax: true,
        dollar_math: true,
        do_not_translate: vec![Regex::new(r"\bmdBook\b").expect("valid")],
        source_language: "en".to_string(),
    }
}

/// Asserts the tagged text of every translatable unit of `markdown`.
#[track_caller]
fn check_units(markdown: &str, expected: &[&str]) {
    let chapter = extract_segments(markdown, &options());
    let actual: Vec<&str> = chapter.translatable_units().map(|u| u.tagged.as_str()).collect();
    assert_eq!(actual, expected, "units of {markdown:?}");
}

#[test]
fn debug_mathjax_block() {
    check_units("Text\n\n\\\\[ \\mu = \\frac{1}{N} \\sum_{i=0} x_i \\\\]\n\nMore", &["Text", "More"]);
}

#[test]
fn debug_events() {
    for (e, r) in Parser::new_ext("\\\\[ a \\* b &amp; c\\\nd", parser_options()).into_offset_iter() {
        eprintln!("{e:?} {r:?}");
    }
}
