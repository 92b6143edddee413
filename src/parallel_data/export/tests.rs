use super::*;
use quick_xml::Reader;
use quick_xml::events::Event;

fn pair(source: &str, target: &str) -> SentencePair {
    SentencePair {
        source: source.to_string(),
        target: target.to_string(),
    }
}

/// Writes `pairs` in `format` (en → zh) and compares the file and what
/// was dropped.
#[track_caller]
fn check(format: &str, pairs: &[SentencePair], expected: &str, expected_dropped: &[(DropReason, usize)]) {
    let (en, zh): (LanguageTag, LanguageTag) = ("en".parse().expect("a tag"), "zh".parse().expect("a tag"));
    let mut out = Vec::new();
    let summary = match format {
        "csv" => write_csv(&mut out, [&en, &zh], pairs),
        "tsv" => write_tsv(&mut out, [&en, &zh], pairs),
        _ => write_tmx(&mut out, [&en, &zh], pairs, Granularity::Sentence),
    }
    .expect("writes to memory");
    assert_eq!(String::from_utf8(out).expect("UTF-8"), expected);
    assert_eq!(summary.dropped, expected_dropped.iter().copied().collect());
    assert_eq!(summary.n_written + summary.dropped.values().sum::<usize>(), pairs.len());
}

#[test]
fn csv_starts_with_the_languages_and_quotes_as_rfc_4180() {
    check(
        "csv",
        &[
            pair("Plain.", "平。"),
            pair("a, b", "甲，乙"),
            pair("Say \"hi\".", "说“嗨”。"),
            pair("two\nlines", "两行"),
        ],
        "en,zh\r\nPlain.,平。\r\n\"a, b\",甲，乙\r\n\"Say \"\"hi\"\".\",说“嗨”。\r\n\"two\nlines\",两行\r\n",
        &[],
    );
}

#[test]
fn a_field_starting_with_a_formula_sign_drops_its_pair() {
    let pairs = [
        pair("+1 is one.", "+1是一。"),
        pair("x", "-x"),
        pair("= sign", "等号"),
        pair("@ sign", "at号"),
        pair("Kept - fine.", "保留。"),
    ];
    let dropped = [(DropReason::LeadingFormulaSign, 4)];
    check("csv", &pairs, "en,zh\r\nKept - fine.,保留。\r\n", &dropped);
    check("tsv", &pairs, "en\tzh\r\nKept - fine.\t保留。\r\n", &dropped);
}

#[test]
fn a_side_over_1000_bytes_drops_its_pair() {
    let at_limit = "a".repeat(MAX_SEGMENT_BYTES);
    let over = "中".repeat(334); // 1,002 bytes
    let pairs = [pair(&at_limit, "长"), pair("long", &over)];
    check(
        "csv",
        &pairs,
        &format!("en,zh\r\n{at_limit},长\r\n"),
        &[(DropReason::TooLong, 1)],
    );
}

#[test]
fn tsv_is_unquoted_and_drops_what_it_cannot_carry() {
    let pairs = [
        pair("a, \"b\"", "甲，乙"),
        pair("\"Quoted\" first", "引号"),
        pair("tab\there", "制表"),
    ];
    check(
        "tsv",
        &pairs,
        "en\tzh\r\na, \"b\"\t甲，乙\r\n",
        &[(DropReason::NotTsvSafe, 2)],
    );
}

#[test]
fn tmx_is_well_formed_and_reads_back() {
    let pairs = [
        pair("a < b & \"c\"", "甲<乙&丙"),
        pair("+1", "加一"),
        pair("bell\u{7}", "铃"),
    ];
    let (en, zh): (LanguageTag, LanguageTag) = ("en".parse().expect("a tag"), "zh-CN".parse().expect("a tag"));
    let mut out = Vec::new();
    let summary = write_tmx(&mut out, [&en, &zh], &pairs, Granularity::Paragraph).expect("writes");
    assert_eq!(summary.n_written, 2);
    assert_eq!(
        summary.dropped,
        [(DropReason::ControlCharacter, 1)].into_iter().collect()
    );
    let text = String::from_utf8(out).expect("UTF-8");
    assert!(
        text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">"),
        "{text}"
    );
    assert!(
        text.contains("srclang=\"en\"") && text.contains("segtype=\"paragraph\""),
        "{text}"
    );

    let mut reader = Reader::from_str(&text);
    let (mut segments, mut languages, mut depth) = (Vec::new(), Vec::new(), 0usize);
    let mut segment: Option<String> = None;
    loop {
        match reader.read_event().expect("well-formed TMX") {
            Event::Start(element) => {
                depth += 1;
                match element.name().as_ref() {
                    b"seg" => segment = Some(String::new()),
                    b"tuv" => {
                        let language = element
                            .try_get_attribute("xml:lang")
                            .expect("attribute")
                            .expect("xml:lang");
                        languages.push(String::from_utf8(language.value.to_vec()).expect("UTF-8"));
                    }
                    _ => {}
                }
            }
            Event::End(element) => {
                depth -= 1;
                if element.name().as_ref() == b"seg" {
                    segments.extend(segment.take());
                }
            }
            Event::Text(text) => {
                if let Some(segment) = &mut segment {
                    segment.push_str(&text.xml10_content().expect("text"));
                }
            }
            Event::GeneralRef(reference) => {
                let name = reference.decode().expect("UTF-8");
                let resolved = quick_xml::escape::resolve_xml_entity(&name).expect("a predefined entity");
                segment.as_mut().expect("inside a segment").push_str(resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "every element closed");
    assert_eq!(languages, ["en", "zh-CN", "en", "zh-CN"]);
    assert_eq!(segments, ["a < b & \"c\"", "甲<乙&丙", "+1", "加一"]);
}
