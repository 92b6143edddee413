use super::tagged::validate_tags;
use super::tests_support::shout;
use super::*;

fn options() -> SegmentOptions {
    SegmentOptions {
        mathjax: true,
        dollar_math: true,
        do_not_translate: vec![Regex::new(r"\bmdBook\b").expect("valid")],
        keep_email_addresses: true,
        source_language: "en".parse().expect("a language tag"),
        whole_segments: false,
    }
}

/// Asserts the tagged text of every translatable unit of `markdown`.
#[track_caller]
fn check_units(markdown: &str, expected: &[&str]) {
    let chapter = extract_segments(markdown, &options());
    let actual: Vec<&str> = chapter.translatable_units().map(|u| u.tagged.as_str()).collect();
    assert_eq!(actual, expected, "units of {markdown:?}");
}

/// Splices `translate(unit)` for every unit into `markdown` for `target`.
fn splice_with(markdown: &str, target: &str, translate: &dyn Fn(&str) -> String) -> String {
    let chapter = extract_segments(markdown, &options());
    let ids = HeadingIds::compute(markdown, true);
    let target: LanguageTag = target.parse().expect("a language tag");
    let splice_options = SpliceOptions {
        target_language: &target,
        heading_ids: &ids,
        escape_dollar: true,
        render_unchanged: false,
    };
    let translation_of = |unit: &Unit| Some(translate(&unit.tagged));
    splice_chapter(markdown, &chapter, &translation_of, splice_options)
        .expect("structure kept")
        .markdown
}

/// Asserts the chapter after upper-casing every unit.
#[track_caller]
fn check_splice(markdown: &str, expected: &str) {
    assert_eq!(splice_with(markdown, "xx", &shout), expected, "splice of {markdown:?}");
}

#[test]
fn sentences_are_units() {
    check_units(
        "One sentence. Another one! A third?",
        &["One sentence.", "Another one!", "A third?"],
    );
    check_units(
        "See Fig. 2 for e.g. the value 3.14.",
        &["See Fig. 2 for e.g. the value 3.14."],
    );
}

#[test]
fn rewrapping_and_emphasis_markers_change_no_unit() {
    check_units("A *short*\nline  here.", &["A <g1>short</g1> line here."]);
    check_units("A _short_ line here.", &["A <g1>short</g1> line here."]);
}

#[test]
fn markup_crossing_a_boundary_keeps_one_unit() {
    check_units(
        "**Note. This** is one unit. Next.",
        &["<g1>Note. This</g1> is one unit.", "Next."],
    );
}

#[test]
fn inline_code_is_a_placeholder() {
    check_units("Run `cargo build` now.", &["Run <x1/> now."]);
    check_splice("Run `cargo build` now.\n", "RUN `cargo build` NOW.\n");
}

#[test]
fn code_blocks_are_kept() {
    check_units(
        "Text.\n\n```rust\nfn main() {} // comment\n```\n\n    indented code\n",
        &["Text."],
    );
    check_splice(
        "Text.\n\n```rust\nlet x = 1;\n```\n",
        "TEXT.\n\n```rust\nlet x = 1;\n```\n",
    );
}

#[test]
fn mathjax_is_kept() {
    check_units("Energy \\\\( E = mc^2 \\\\) holds.", &["Energy <x1/> holds."]);
    check_units(
        "Before.\n\n\\\\[ \\mu = \\frac{1}{N} \\sum_{i=0} x_i \\\\]\n\nAfter.",
        &["Before.", "After."],
    );
    check_splice(
        "Mean \\\\( a_1 * b_2 \\\\) here.\n",
        "MEAN \\\\( a_1 * b_2 \\\\) HERE.\n",
    );
}

#[test]
fn dollar_math_is_kept() {
    check_units("Sum $x_1 + x_2$ is small.", &["Sum <x1/> is small."]);
    check_units("It costs $5 and $10 today.", &["It costs $5 and $10 today."]);
    check_units("Block:\n\n$$\na * b * c\n$$\n", &["Block:"]);
}

#[test]
fn links_keep_destinations() {
    check_units(
        "See [the guide](https://example.com/a \"Title\").",
        &["See <g1>the guide</g1>."],
    );
    check_splice(
        "See [the guide](https://example.com/a).\n",
        "SEE [THE GUIDE](https://example.com/a).\n",
    );
}

#[test]
fn shortcut_and_collapsed_links_name_their_label() {
    let markdown =
        "Use [Rust] and [Cargo][] daily.\n\n[rust]: https://rust-lang.org\n[cargo]: https://doc.rust-lang.org/cargo\n";
    check_splice(
        markdown,
        "USE [RUST][Rust] AND [CARGO][Cargo] DAILY.\n\n[rust]: https://rust-lang.org\n[cargo]: https://doc.rust-lang.org/cargo\n",
    );
}

#[test]
fn autolinks_and_bare_urls_are_placeholders() {
    check_units(
        "Visit <https://example.com> or https://example.org/x.",
        &["Visit <x1/> or <x2/>."],
    );
}

#[test]
fn image_alt_text_is_translated() {
    check_units("![A small diagram](images/d.svg)", &["<g1>A small diagram</g1>"]);
    check_splice("![A diagram](d.svg \"t\")\n", "![A DIAGRAM](d.svg \"t\")\n");
}

#[test]
fn inline_html_is_a_placeholder() {
    check_units("Press <b>Ctrl</b> now.", &["Press <x1/>Ctrl<x2/> now."]);
}

#[test]
fn html_blocks_are_kept_but_markdown_inside_is_translated() {
    let markdown = "<div class=\"box\">\n<p>Raw HTML prose.</p>\n\nHidden *text* here.\n\n</div>\n";
    check_units(markdown, &["Hidden <g1>text</g1> here."]);
    check_splice(
        markdown,
        "<div class=\"box\">\n<p>Raw HTML prose.</p>\n\nHIDDEN *TEXT* HERE.\n\n</div>\n",
    );
}

#[test]
fn summary_and_figcaption_text_in_html_blocks_is_translated() {
    let details = "<details>\n<summary>Why modulo 255?</summary>\n\nBecause *it* is odd.\n\n</details>\n";
    check_units(details, &["Why modulo 255?", "Because <g1>it</g1> is odd."]);
    let chapter = extract_segments(details, &options());
    assert_eq!(chapter.segments[0].kind, BlockKind::HtmlText);
    check_splice(
        details,
        "<details>\n<summary>WHY MODULO 255?</summary>\n\nBECAUSE *IT* IS ODD.\n\n</details>\n",
    );
    let figure = "<figure>\n  <img src=\"a.svg\" alt=\"\">\n  <FigCaption class=\"wide\"> Fig. 2: a  register. </FigCaption>\n</figure>\n";
    check_units(figure, &["Fig. 2: a register."]);
    check_splice(
        figure,
        "<figure>\n  <img src=\"a.svg\" alt=\"\">\n  <FigCaption class=\"wide\"> FIG. 2: A REGISTER. </FigCaption>\n</figure>\n",
    );
    // Translations are written HTML-escaped.
    let escaped = splice_with(figure, "xx", &|_| "x &lt; y &amp; z".to_string());
    assert!(
        escaped.contains("<FigCaption class=\"wide\"> x &lt; y &amp; z </FigCaption>"),
        "{escaped}"
    );
    // Markup, entities, several lines, skipped blocks and numbers stay as they are.
    check_units("<details>\n<summary><code>x</code> y</summary>\n</details>\n", &[]);
    check_units("<figure>\n<figcaption>A &amp; B</figcaption>\n</figure>\n", &[]);
    check_units("<figure>\n<figcaption>A\nB</figcaption>\n</figure>\n", &[]);
    check_units(
        "<!-- i18n:skip -->\n<details>\n<summary>Kept.</summary>\n</details>\n",
        &[],
    );
    check_units("<details>\n<summary>1.2</summary>\n</details>\n", &[]);
    check_units("<details>\n<summary>Open</figcaption>\n</details>\n", &[]);
    // The forced identity round trip of `check` keeps the element's bytes.
    let spaced = "<details>\n<summary>Why  so?</summary>\n</details>\n";
    let chapter = extract_segments(spaced, &options());
    let ids = HeadingIds::compute(spaced, true);
    let forced = SpliceOptions {
        target_language: &options().source_language,
        heading_ids: &ids,
        escape_dollar: true,
        render_unchanged: true,
    };
    let same = |unit: &Unit| Some(unit.tagged.clone());
    assert_eq!(
        splice_chapter(spaced, &chapter, &same, forced).expect("kept").markdown,
        spaced
    );
}

#[test]
fn alerts_name_their_titles() {
    let chapter = extract_segments(
        "> [!WARNING]\n> Mind this.\n\n> [!NOTE]\n> One.\n\n> [!WARNING]\n> Two.\n\n> A plain quote.\n",
        &options(),
    );
    assert_eq!(chapter.alert_titles, ["Warning", "Note"]);
    let skipped = extract_segments(
        "<!-- i18n:skip-start -->\n\n> [!TIP]\n> Kept.\n\n<!-- i18n:skip-end -->\n",
        &options(),
    );
    assert!(skipped.alert_titles.is_empty());
}

#[test]
fn footnotes() {
    check_units("A claim.[^1]\n\n[^1]: The source.\n", &["A claim.<x1/>", "The source."]);
}

#[test]
fn tables_escape_pipes() {
    let markdown = "| a | b |\n|---|:-:|\n| `x \\| y` | one \\| two |\n";
    check_units(markdown, &["a", "b", "one | two"]);
    check_splice(markdown, "| A | B |\n|---|:-:|\n| `x \\| y` | ONE \\| TWO |\n");
}

#[test]
fn lists_and_task_lists() {
    check_units(
        "- one\n  - nested item\n- [x] done task\n",
        &["one", "nested item", "done task"],
    );
    check_splice("1. first\n2. second\n", "1. FIRST\n2. SECOND\n");
}

#[test]
fn headings_keep_their_source_anchor() {
    check_splice(
        "# Getting started\n\nText.\n",
        "# GETTING STARTED {#getting-started}\n\nTEXT.\n",
    );
    check_splice("## Setup {#setup}\n", "## SETUP {#setup}\n");
    check_splice("## Setup {.wide}\n", "## SETUP {#setup .wide}\n");
    check_splice("## Same\n\n## Same\n", "## SAME {#same}\n\n## SAME {#same-1}\n");
    check_splice("Title\n=====\n", "TITLE {#title}\n=====\n");
}

#[test]
fn skip_markers() {
    let markdown = "<!-- i18n:skip -->\nKeep this.\n\nTranslate this.\n\n<!-- i18n:skip-start -->\n\nA.\n\nB.\n\n<!-- i18n:skip-end -->\n\nC.\n";
    check_units(markdown, &["Translate this.", "C."]);
}

#[test]
fn directives_and_do_not_translate_terms() {
    check_units(
        "Use {{#include file.rs}} in mdBook books.",
        &["Use <x1/> in <x2/> books."],
    );
}

#[test]
fn hard_breaks_keep_the_container_prefix() {
    check_splice("> one  \n> two\n", "> ONE  \n> TWO\n");
}

#[test]
fn translated_text_cannot_create_markup() {
    let markdown = "Plain words here.\n";
    let output = splice_with(markdown, "xx", &|_| {
        "*not* &lt;b&gt;bold&lt;/b&gt; [x](y) # `c` &amp;".to_string()
    });
    assert_eq!(output, "\\*not\\* \\<b>bold\\</b> \\[x\\](y) # &#96;c&#96; \\&\n");
    let raw_html = splice_with(markdown, "xx", &|_| "<b>bold</b>".to_string());
    assert_eq!(raw_html, markdown, "a translation with stray tags is not used");
    let line_start = splice_with(markdown, "xx", &|_| "- 1. # not a list".to_string());
    assert_eq!(line_start, "\\- 1. # not a list\n");
}

#[test]
fn cjk_emphasis_falls_back_to_html_when_delimiters_would_not_parse() {
    let markdown = "A **quoted** word.\n";
    let output = splice_with(markdown, "zh", &|_| "一个<g1>“引用”</g1>词。".to_string());
    assert_eq!(output, "一个<strong>“引用”</strong>词。\n");
    let plain = splice_with(markdown, "zh", &|_| "一个<g1>引用</g1>词。".to_string());
    assert_eq!(plain, "一个**引用**词。\n");
}

#[test]
fn cjk_targets_drop_spaces_between_sentences() {
    let output = splice_with("One. Two.\n", "zh", &|t| {
        if t == "One." { "一。".into() } else { "二。".into() }
    });
    assert_eq!(output, "一。二。\n");
}

#[test]
fn unchanged_units_keep_their_bytes() {
    let markdown = "Some  *odd*\nspacing &amp; escapes \\* here.\n";
    assert_eq!(splice_with(markdown, "xx", &|t| t.to_string()), markdown);
}

#[test]
fn tag_validation() {
    use tagged::SlotShape::{Pair, Placeholder};
    use tagged::TagError;
    let shapes = [Pair, Placeholder];
    assert!(validate_tags("a <g1>b</g1> <x2/>", &shapes).is_ok());
    for (translation, error) in [
        ("a <g1>b <x2/>", TagError::MissingPair(1)),
        ("a <g1>b</g1>", TagError::MissingPlaceholder(2)),
        ("<x2/><x2/><g1></g1>", TagError::RepeatedPlaceholder(2)),
        ("<g1><g1></g1></g1><x2/>", TagError::RepeatedPair(1)),
        ("<g1><x3/></g1>", TagError::NotInSource(3)),
        ("<x1/><x2/>", TagError::PlaceholderForPair(1)),
        ("<g1></g1><g2></g2>", TagError::PairForPlaceholder(2)),
        ("<g1><x2/></g2>", TagError::Misnested(2)),
        (
            "<g1>a <b>x</b></g1><x2/>",
            TagError::UnknownTag { tag: "b".to_string() },
        ),
        (
            "<g1>a</g1><x2/",
            TagError::Unterminated {
                text: "<g1>a</g1><x2/".to_string(),
            },
        ),
        (
            "<gone>a</gone>",
            TagError::BadId {
                id: "one".to_string(),
                text: "<gone>a</gone>".to_string(),
            },
        ),
    ] {
        assert_eq!(validate_tags(translation, &shapes), Err(error), "{translation}");
    }
    assert_eq!(TagError::MissingPair(1).to_string(), "<g1>…</g1> is missing");
}

#[test]
fn a_unit_whose_translation_cannot_be_rendered_keeps_its_source_and_says_why() {
    let markdown = "Run `cargo` now.\n";
    let chapter = extract_segments(markdown, &options());
    let ids = HeadingIds::default();
    let splice_options = SpliceOptions {
        target_language: &options().source_language,
        heading_ids: &ids,
        escape_dollar: false,
        render_unchanged: false,
    };
    let translation_of = |_: &Unit| Some("Ejecuta ya.".to_string());
    let spliced = splice_chapter(markdown, &chapter, &translation_of, splice_options).expect("structure kept");
    assert_eq!(spliced.markdown, markdown);
    assert_eq!(
        spliced.kept_units,
        [KeptRender {
            range: 0..markdown.trim_end().len(),
            tagged: "Run <x1/> now.".to_string(),
            reason: RenderError::Tags(tagged::TagError::MissingPlaceholder(1))
        }]
    );
}

#[test]
fn heading_ids_follow_mdbook() {
    let ids = HeadingIds::compute(
        "# The `foo` -- bar!\n\n## Über {#explicit}\n\nTerm\n: def\n\n# Term\n",
        true,
    );
    assert_eq!(
        ids.0,
        vec![
            Some("the-foo--bar".to_string()),
            None,
            Some("term".to_string()),
            Some("term-1".to_string())
        ]
    );
}

#[test]
fn translations_are_one_line_without_edge_spaces() {
    let output = splice_with("- item text\n", "xx", &|_| "   first\n\n# second  ".to_string());
    assert_eq!(output, "- first  # second\n");
}

#[test]
fn a_chapter_whose_structure_would_change_is_refused() {
    let markdown = "Para one.\n";
    let mut chapter = extract_segments(markdown, &options());
    let unit = &mut chapter.segments[0].units[0];
    unit.slots.push(Slot::Placeholder("\n\n# heading".to_string()));
    unit.tagged.push_str("<x1/>");
    let ids = HeadingIds::default();
    let splice_options = SpliceOptions {
        target_language: &"xx".parse().expect("a language tag"),
        heading_ids: &ids,
        escape_dollar: false,
        render_unchanged: false,
    };
    let translation_of = |_: &Unit| Some("Para <x1/>".to_string());
    let error = splice_chapter(markdown, &chapter, &translation_of, splice_options).expect_err("refused");
    assert!(error.to_string().contains("structure"), "{error}");
}

#[test]
fn units_read_back_from_their_markdown() {
    let markdown = "See [the *guide*](https://example.com) and `code` with $x_1$ \\* stars.\n";
    let chapter = extract_segments(markdown, &options());
    let unit = chapter.translatable_units().next().expect("a unit");
    let display = unit_markdown(unit, true);
    assert_eq!(
        display,
        "See [the *guide*](https://example.com) and `code` with $x_1$ \\* stars."
    );
    assert_eq!(
        unit_from_markdown(&display, &options()).as_ref(),
        Some(unit)
            .map(|u| Unit {
                range: 0..display.len(),
                ..u.clone()
            })
            .as_ref()
    );
    assert_eq!(unit_from_markdown("Two.\n\nParagraphs.", &options()), None);
}

#[test]
fn moved_code_spans_keep_the_chapter() {
    let output = splice_with("Swap `O` and `K` here.\n", "xx", &|_| {
        "HERE <x2/> AND <x1/> SWAPPED.".to_string()
    });
    assert_eq!(output, "HERE `K` AND `O` SWAPPED.\n");
}

#[test]
fn cjk_emphasis_is_checked_against_the_next_sentence() {
    // Two translated sentences are joined without a space, so `**…。**` would
    // touch the next CJK character and stop being strong.
    let output = splice_with("**Add them up.**\nThen stop.\n", "zh", &|t| {
        if t.starts_with("<g1>") {
            "<g1>逐项相加。</g1>".into()
        } else {
            "然后停下。".into()
        }
    });
    assert_eq!(output, "<strong>逐项相加。</strong>然后停下。\n");
}

#[test]
fn an_emptied_pair_is_refused() {
    use crate::segment::tagged::{TagError, check_pairs_keep_text};
    let source = "Click <g1>here</g1> to run <x2/> <g3><g4>now</g4></g3>.";
    assert_eq!(
        check_pairs_keep_text(source, "Klicken Sie <g1>hier</g1>, <x2/> <g3><g4>jetzt</g4></g3>."),
        Ok(())
    );
    assert_eq!(
        check_pairs_keep_text(source, "Klicken Sie <g1></g1> hier, <x2/> <g3><g4>jetzt</g4></g3>."),
        Err(TagError::EmptiedPair(1))
    );
    assert_eq!(
        check_pairs_keep_text(source, "Klicken Sie <g1>hier</g1>, <x2/> <g3><g4> </g4></g3> jetzt."),
        Err(TagError::EmptiedPair(3))
    );
    // A pair empty in the source may stay empty.
    assert_eq!(
        check_pairs_keep_text("An <g1></g1> anchor.", "Ein <g1></g1> Anker."),
        Ok(())
    );
}

#[test]
fn code_like_html_elements_are_one_placeholder() {
    check_units("Match <code>pat &vert; pat</code> here.", &["Match <x1/> here."]);
    check_units(
        "Write <code>impl !Unpin for <em>SomeType</em></code> once.",
        &["Write <x1/> once."],
    );
    check_units("Press <kbd>Ctrl</kbd> now.", &["Press <x1/> now."]);
    check_units(
        "See <samp>out *put*</samp>, <var>n</var>, <tt>tt</tt> and <CODE class=\"x\">c</CODE>.",
        &["See <x1/>, <x2/>, <x3/> and <x4/>."],
    );
    check_units("Nested <code>a <code>b</code> c</code> end.", &["Nested <x1/> end."]);
    check_splice(
        "Use <code>impl !Unpin for <em>T</em></code> here.\n",
        "USE <code>impl !Unpin for <em>T</em></code> HERE.\n",
    );
}

#[test]
fn urls_as_visible_text_are_kept() {
    check_units(
        "Read [https://doc.rust-lang.org/stable/book/](https://doc.rust-lang.org/stable/book/) online.",
        &["Read <g1><x2/></g1> online."],
    );
    check_units("Open _http://127.0.0.1:7878_ now.", &["Open <g1><x2/></g1> now."]);
    check_units("Open _http://127.0.0.1:7878/sleep_ now.", &["Open <g1><x2/></g1> now."]);
    check_units(
        "Mail [me@example.com](mailto:me@example.com) or you@example.org.",
        &["Mail <g1><x2/></g1> or <x3/>."],
    );
    check_splice(
        "Open _http://127.0.0.1:7878/sleep_ now.\n",
        "OPEN _http://127.0.0.1:7878/sleep_ NOW.\n",
    );
}

#[test]
fn dollar_math_holding_markdown_syntax_is_kept() {
    check_units(
        "We calculate $\\hat{\\boldsymbol{\\mu}}_\\mathcal{B}$ and ${\\hat{\\boldsymbol{\\sigma}}_\\mathcal{B}}$ in :eqref:`eq_batchnorm` as follows:",
        &["We calculate <x1/> and <x2/> in :eqref:<x3/> as follows:"],
    );
    check_units("Take $x_i$ and $y_j$ here.", &["Take <x1/> and <x2/> here."]);
    check_units("Take $a*b$ and $c*d$ here.", &["Take <x1/> and <x2/> here."]);
    check_units(
        "Entry $[\\mathbf{X}]_{i,j}$ and $[Y](z)$ here.",
        &["Entry <x1/> and <x2/> here."],
    );
    check_units("Ticks $`a`$ and $b`$ here `c`.", &["Ticks <x1/> and <x2/> here <x3/>."]);
    check_units("Display $$a_1 * b_2$$ inline.", &["Display <x1/> inline."]);
    check_splice("Take $x_i$ and *$y_j$* here.\n", "TAKE $x_i$ AND *$y_j$* HERE.\n");
}

#[test]
fn directives_with_spaces_are_placeholders() {
    check_units(
        "Use {{ #include file.rs }} and {{#include file.rs }} and {{#title T}} here.",
        &["Use <x1/> and <x2/> and <x3/> here."],
    );
    check_units("Escaped \\{{#include a.rs}} stays.", &["Escaped <x1/> stays."]);
}

#[test]
fn translated_text_cannot_create_directives() {
    let markdown = "Plain words here.\n";
    let directive = regex::Regex::new(r"\{\{\s*#").expect("valid");
    for evil in [
        "{{ #include /etc/passwd }}",
        "{{#title Pwned}}",
        "{{\t#include x}}",
        "x{{#include y}}",
    ] {
        let output = splice_with(markdown, "xx", &|_| evil.to_string());
        assert!(!directive.is_match(&output), "{evil:?} spliced as {output:?}");
    }
}

#[test]
fn translated_html_text_cannot_create_directives() {
    let markdown = "<details>\n<summary>Show more</summary>\n\nBody.\n\n</details>\n";
    let output = splice_with(markdown, "xx", &|_| "{{#include /etc/passwd}}".to_string());
    assert!(
        output.contains("<summary>&#123;&#123;#include /etc/passwd}}</summary>"),
        "{output}"
    );
}

#[test]
fn urls_and_e_mail_addresses_next_to_cjk_text_are_kept() {
    let options = SegmentOptions {
        source_language: "zh".parse().expect("a language tag"),
        ..options()
    };
    let units = |markdown: &str| -> Vec<String> {
        extract_segments(markdown, &options)
            .translatable_units()
            .map(|u| u.tagged.clone())
            .collect()
    };
    assert_eq!(units("访问https://example.com/a获取。"), ["访问<x1/>获取。"]);
    assert_eq!(units("发邮件至me@example.org获取"), ["发邮件至<x1/>获取"]);
    assert_eq!(units("见 https://example.com/a。"), ["见 <x1/>。"]);
}

#[test]
fn an_escape_right_after_an_opening_belongs_to_the_text() {
    check_units("~~\\\\(a_b\\\\)~~ and *\\*x*.", &["<g1><x2/></g1> and <g3>*x</g3>."]);
}

#[test]
fn a_backtick_of_the_text_never_closes_a_code_span_a_placeholder_opens() {
    // The MathJax placeholder holds an unbalanced backtick.
    let output = splice_with("Word \\\\(`\\\\) `` end.\n", "xx", &shout);
    assert_eq!(output, "WORD \\\\(`\\\\) &#96;&#96; END.\n");
}

#[test]
fn a_url_ends_before_brackets() {
    check_units("See https://example.com/a_b)[^1] here.", &["See <x1/>)[^1] here."]);
}
