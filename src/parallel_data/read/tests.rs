use super::*;

/// Reads `markdown` (English) and compares its blocks, one a line:
/// `code|math|figure: <signature>` (a figure's caption after ` / `), or
/// `heading|prose: <sentence> | <sentence>`.
#[track_caller]
fn check(markdown: &str, expected: &str) {
    let options = SegmentOptions {
        mathjax: true,
        dollar_math: true,
        source_language: "en".parse().expect("a language tag"),
        ..SegmentOptions::default()
    };
    let sentences = |prose: &Prose| -> String {
        prose
            .sentences
            .iter()
            .map(|sentence| sentence.text.as_str())
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let lines: Vec<String> = read_blocks(markdown, &options)
        .iter()
        .map(|block| match block {
            Block::Anchor(anchor) => {
                let kind = format!("{:?}", anchor.kind).to_lowercase();
                let caption = anchor.caption.as_ref().map(|c| format!(" / {}", sentences(c)));
                format!(
                    "{kind}: {}{}",
                    anchor.signature.trim_end().replace('\n', "⏎"),
                    caption.unwrap_or_default()
                )
            }
            Block::Prose(prose) if prose.is_heading => format!("heading: {}", sentences(prose)),
            Block::Prose(prose) => format!("prose: {}", sentences(prose)),
        })
        .collect();
    assert_eq!(lines.join("\n"), expected.trim());
}

#[test]
fn prose_is_cut_into_the_pipelines_units() {
    check(
        "# Title\n\nRun `cargo build`. It *works* well.\n\n- one item\n",
        "heading: Title\nprose: Run cargo build. | It works well.\nprose: one item",
    );
}

#[test]
fn code_blocks_math_and_figures_are_anchors() {
    check(
        "Before.\n\n```rust\nfn main() {}\n```\n\n$$x = 1$$\n\n![A cat.](img/cat.svg)\n\nAfter.\n",
        "prose: Before.\ncode: rust⏎fn main() {}\nmath: $$x = 1$$\nfigure: img/cat.svg / A cat.\nprose: After.",
    );
}

#[test]
fn placeholders_read_as_plain_text() {
    check(
        "See <https://example.com>, `` a`b ``, $x^2$ and <b>bold</b>[^1].\n\n[^1]: Note.\n",
        "prose: See https://example.com, a`b, $x^2$ and bold.\nprose: Note.",
    );
}

#[test]
fn d2lbook_roles_tabs_and_highlights_are_read_as_commonmark() {
    let chapter = "# Title\n:label:`sec_x`\n\nAs in\n:numref:`sec_y`, we [**plot it**].\n\n\
                   $$y = x.$$\n:eqlabel:`eq_y`\n\n```{.python .input}\n#@tab all\nx[**y**] = 1\n```\n\n\
                   :begin_tab:`mxnet`\n[Discussions](https://discuss.d2l.ai/t/1)\n:end_tab:\n";
    check(
        chapter,
        "heading: Title\nprose: As in :numref:sec_y, we plot it.\nmath: $$y = x.$$\n\
         code: {.python .input}⏎#@tab all⏎x[**y**] = 1\nprose: Discussions",
    );
}

#[test]
fn only_d2lbook_chapters_are_normalised() {
    assert!(is_d2lbook("# T\n:label:`x`\n"));
    assert!(is_d2lbook("```{.python .input}\nx\n```\n"));
    assert!(!is_d2lbook("# T\n\nA [**bold**] note.\n"));
    check("A [**bold**] note.\n", "prose: A [bold] note.");
}

#[test]
fn line_breaks_between_chinese_characters_are_not_spaces() {
    let options = SegmentOptions {
        dollar_math: true,
        source_language: "zh".parse().expect("a language tag"),
        ..SegmentOptions::default()
    };
    let blocks = read_blocks(
        "原因如下：\n首先，我们需要\n存储 `counts` 和 $x$；\nsoft break 保留。\n",
        &options,
    );
    let Some(Block::Prose(prose)) = blocks.first() else {
        panic!("a prose block: {blocks:?}");
    };
    assert_eq!(
        prose.sentences[0].text,
        "原因如下：首先，我们需要存储 counts 和 $x$；soft break 保留。"
    );
}
