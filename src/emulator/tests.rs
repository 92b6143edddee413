//! Unit tests of the emulator's parts; the service as a whole is tested
//! through the real SDK in `tests/it/emulator.rs`.

use super::engine::{Resources, SentencePairs, Term, split_sentences, translate_pieces};
use super::error::{ErrorKind, ServiceError};
use super::markup::{self, Mangling};
use super::pseudo::{pseudo_translate, reverse_pseudo_translation};
use super::server::{Route, route, s3_operation, signing_service};
use super::tabular::{Format, Rules, read_table};
use super::wire::{self, Protocol};
use http::{Method, Request};

#[track_caller]
fn check_round_trip(text: &str, target: &str, expected: &str) {
    let translated = pseudo_translate(text, target);
    assert_eq!(translated, expected, "pseudo-translation of {text:?} into {target}");
    assert_eq!(
        reverse_pseudo_translation(&translated, target),
        text,
        "reversed from {target}"
    );
}

#[test]
fn pseudo_translation_maps_letters_by_script_and_reverses() {
    check_round_trip("Hello, world.", "es", "Ĥéĺĺó, ŵóŕĺđ.");
    check_round_trip("ab AB 42", "zh", "一丁 业丛 42");
    check_round_trip("Hi. Go!", "zh", "両丈。丠与！");
    check_round_trip("a.  b", "ja", "ァ。  ア");
    check_round_trip("3.14 and v1.2", "zh", "3.14 一不七 丕1.2");
    check_round_trip("ab", "ko", "가개");
    check_round_trip("a. ", "zh-TW", "一。 ");
    for target in ["zh", "ja", "ko", "de"] {
        let all: String = ('a'..='z').chain('A'..='Z').collect();
        let translated = pseudo_translate(&all, target);
        assert_eq!(
            translated.chars().collect::<std::collections::BTreeSet<_>>().len(),
            52,
            "{target}"
        );
        assert_eq!(reverse_pseudo_translation(&translated, target), all);
    }
}

#[track_caller]
fn check_html(html: &str, expected: &str) {
    let pieces = markup::parse_html(html);
    let translated = translate_pieces(
        &pieces,
        Resources {
            target: "de",
            terms: &[],
            pairs: None,
        },
    );
    assert_eq!(markup::write_html(&translated.pieces), expected);
}

#[test]
fn html_keeps_tags_attributes_and_untranslatable_text() {
    check_html(r#"<p id="a">ab</p>"#, r#"<p id="a">áƀ</p>"#);
    check_html(r#"<x1 translate="no">ab</x1> ab"#, r#"<x1 translate="no">ab</x1> áƀ"#);
    check_html(
        r#"<a translate="no"><b>ab</b></a><b>ab</b>"#,
        r#"<a translate="no"><b>ab</b></a><b>áƀ</b>"#,
    );
    check_html("a &lt; b &amp;&#x41;", "á &lt; ƀ &amp;Á");
    check_html(
        "<br/>a<img src=\"x.png\" alt='q'>b",
        "<br/>á<img src=\"x.png\" alt=\"q\">ƀ",
    );
    check_html("<script>var a = 1 < 2;</script>a", "<script>var a = 1 < 2;</script>á");
    check_html("<!-- a -->a", "<!-- a -->á");
}

#[test]
fn billed_characters_are_text_content_after_entity_decoding() {
    let pieces = markup::parse_html(r#"<p class="long attribute">x &amp; 语</p><span translate="no">ab</span>"#);
    assert_eq!(markup::billed_characters(&pieces), 7);
}

#[test]
fn mangling_breaks_the_tags() {
    let html = "<p>a <b>b</b></p>";
    for (mangling, expected) in [
        (Mangling::Drop, "a <b>b</b></p>"),
        (Mangling::Duplicate, "<p><p>a <b>b</b></p>"),
        (Mangling::Reorder, "<b>a <p>b</b></p>"),
    ] {
        let mut pieces = markup::parse_html(html);
        assert!(markup::mangle_tags(&mut pieces, mangling, 0));
        assert_eq!(markup::write_html(&pieces), expected, "{mangling:?}");
    }
    let mut plain = markup::plain_text("no tags");
    assert!(!markup::mangle_tags(&mut plain, Mangling::Drop, 0));
}

#[test]
fn terms_are_whole_words_longest_first() {
    let term = |source: &str, target: &str| Term {
        terminology: "t".into(),
        source: source.into(),
        target: target.into(),
    };
    let terms = [term("book", "BOOK"), term("mdBook book", "MDBOOK")];
    let pieces = markup::plain_text("a book, notebook, mdBook book");
    let translation = translate_pieces(
        &pieces,
        Resources {
            target: "de",
            terms: &terms,
            pairs: None,
        },
    );
    assert_eq!(markup::write_plain(&translation.pieces), "á BOOK, ñóţéƀóóķ, MDBOOK");
    assert_eq!(translation.applied_terms, vec![terms[0].clone(), terms[1].clone()]);
}

#[test]
fn parallel_data_pairs_replace_whole_pieces_and_sentences() {
    let mut pairs = SentencePairs::default();
    pairs.insert("The cat sat.", "猫坐着。");
    pairs.insert("Bold", "粗体");
    let pieces = markup::parse_html("<p>The  cat sat. A dog ran.</p><p><b>Bold</b> text</p>");
    let translation = translate_pieces(
        &pieces,
        Resources {
            target: "zh",
            terms: &[],
            pairs: Some(&pairs),
        },
    );
    let expected = format!(
        "<p>猫坐着。{}</p><p><b>粗体</b> {}</p>",
        pseudo_translate("A dog ran.", "zh"),
        pseudo_translate("text", "zh")
    );
    assert_eq!(markup::write_html(&translation.pieces), expected);
    assert_eq!(translation.n_parallel_matches, 2);
}

#[test]
fn sentences_split_after_stops_followed_by_space_and_after_cjk_stops() {
    assert_eq!(
        split_sentences("One. Two?  Three"),
        vec![("One.", " "), ("Two?", "  "), ("Three", "")]
    );
    assert_eq!(split_sentences("v1.2 is out."), vec![("v1.2 is out.", "")]);
    assert_eq!(split_sentences("一。二。"), vec![("一。", ""), ("二。", "")]);
}

#[test]
fn tables_read_csv_tsv_and_tmx() {
    let csv = read_table(
        b"en,zh\n\"a, b\",c\n=x,y\nonly-one\n",
        Format::Csv,
        Rules {
            forbid_formula_prefix: true,
            ..Rules::default()
        },
    )
    .expect("csv");
    assert_eq!(csv.languages, ["en", "zh"]);
    assert_eq!(csv.rows, vec![vec!["a, b".to_string(), "c".to_string()]]);
    assert_eq!(csv.failed, 2);
    let tsv = read_table(
        "\u{feff}en\tde\tfr\nx\ty\tz\n".as_bytes(),
        Format::Tsv,
        Rules::default(),
    )
    .expect("tsv");
    assert_eq!(tsv.languages, ["en", "de", "fr"]);
    assert_eq!(tsv.pairs(0, 2).collect::<Vec<_>>(), vec![("x", "z")]);
    let tmx = r#"<?xml version="1.0"?><tmx version="1.4"><header srclang="en"/><body>
        <tu><tuv xml:lang="zh"><seg>猫</seg></tuv><tuv xml:lang="en"><seg>cat &amp; dog</seg></tuv></tu>
        </body></tmx>"#;
    let tmx = read_table(tmx.as_bytes(), Format::Tmx, Rules::default()).expect("tmx");
    assert_eq!(tmx.languages, ["en", "zh"]);
    assert_eq!(tmx.rows, vec![vec!["cat & dog".to_string(), "猫".to_string()]]);
    assert!(read_table(b"just one column\n", Format::Csv, Rules::default()).is_err());
}

#[test]
fn errors_carry_type_and_status_in_both_protocols() {
    let error = ServiceError::new(ErrorKind::TooManyRequests, "slow down");
    let json = wire::encode_error(Protocol::AwsJson11, &error);
    assert_eq!(json.status, 429);
    assert!(
        json.headers
            .contains(&("x-amzn-errortype", "TooManyRequestsException".to_string()))
    );
    let body: serde_json::Value = serde_json::from_slice(&json.body).expect("JSON");
    assert_eq!(
        body,
        serde_json::json!({"__type": "TooManyRequestsException", "message": "slow down"})
    );
    let cbor = wire::encode_error(Protocol::RpcV2Cbor, &error);
    assert!(cbor.headers.contains(&("smithy-protocol", "rpc-v2-cbor".to_string())));
    let body: ciborium::Value = ciborium::from_reader(&cbor.body[..]).expect("CBOR");
    let body = wire::cbor_to_json(body).expect("convertible");
    assert_eq!(body["__type"], "com.amazonaws.translate#TooManyRequestsException");
}

#[test]
fn timestamps_are_tagged_epoch_seconds_in_cbor_and_numbers_in_json() {
    #[derive(serde::Serialize)]
    struct Output {
        at: wire::Timestamp,
        absent: Option<u8>,
        blob: wire::Blob,
    }
    let output = wire::to_output(&Output {
        at: ciborium::tag::Required(1.5),
        absent: None,
        blob: wire::Blob(vec![1, 2]),
    });
    let ciborium::Value::Map(entries) = &output else {
        panic!("a map: {output:?}")
    };
    assert_eq!(entries.len(), 2, "absent members are left out");
    assert!(matches!(&entries[0].1, ciborium::Value::Tag(1, _)));
    let reply = wire::encode_output(Protocol::AwsJson11, output);
    assert_eq!(
        std::str::from_utf8(&reply.body).expect("UTF-8"),
        r#"{"at":1.5,"blob":"AQI="}"#
    );
}

#[test]
fn the_credential_scope_names_the_service() {
    let header = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/translate/aws4_request, \
                  SignedHeaders=host;x-amz-date, Signature=abc";
    assert_eq!(signing_service(header), Some("translate"));
    let s3 = header.replace("/translate/", "/s3/");
    assert_eq!(signing_service(&s3), Some("s3"));
    assert_eq!(signing_service("Bearer x"), None);
}

#[test]
fn requests_are_routed_by_shape_and_scope() {
    let rpc = Request::post("/service/AWSShineFrontendService_20170701/operation/TranslateText")
        .body(())
        .unwrap();
    assert_eq!(
        route(&rpc),
        Route::Translate(Protocol::RpcV2Cbor, "TranslateText".into())
    );
    let json = Request::post("/")
        .header("x-amz-target", "AWSShineFrontendService_20170701.ListTerminologies")
        .body(())
        .unwrap();
    assert_eq!(
        route(&json),
        Route::Translate(Protocol::AwsJson11, "ListTerminologies".into())
    );
    let signed = Request::post("/")
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=A/20240101/us-east-1/translate/aws4_request",
        )
        .body(())
        .unwrap();
    assert_eq!(route(&signed), Route::UnknownTranslate);
    let put = Request::put("/bucket/key").body(()).unwrap();
    assert_eq!(route(&put), Route::S3);
    assert_eq!(route(&Request::get("/_emulator/stats").body(()).unwrap()), Route::Stats);
    assert_eq!(s3_operation(&Method::PUT, put.uri()), "PutObject");
}

#[test]
fn a_request_larger_than_the_character_bucket_is_admitted_once_and_leaves_a_debt() {
    let config = super::EmulatorConfig {
        quota_cps: Some(100.0),
        ..super::EmulatorConfig::default()
    };
    let mut faults = super::faults::Faults::new(&config);
    assert_eq!(
        faults.refuse_characters(300),
        None,
        "a full bucket admits a large request"
    );
    let refused = faults.refuse_characters(1).expect("the debt refuses the next one");
    assert_eq!(refused.kind, ErrorKind::TooManyRequests);
}

#[test]
fn the_same_seed_draws_the_same_faults() {
    let config = super::EmulatorConfig {
        throttle_rate: 0.5,
        seed: 42,
        ..super::EmulatorConfig::default()
    };
    let draw = || {
        let mut faults = super::faults::Faults::new(&config);
        (0..32)
            .map(|_| faults.refuse_request(&config).is_some())
            .collect::<Vec<_>>()
    };
    let first = draw();
    assert_eq!(first, draw());
    assert!(first.contains(&true) && first.contains(&false), "{first:?}");
}
