use super::tokenize::{Singles, fold, terms};
use super::*;

#[track_caller]
fn check(text: &str, singles: Singles, expected: &[&str]) {
    assert_eq!(terms(text, singles), expected, "terms of {text:?} ({singles:?})");
}

fn tag(code: &str) -> LanguageTag {
    code.parse().expect("a language tag")
}

#[test]
fn folding_lowers_and_drops_accents_but_keeps_hangul_and_kana() {
    assert_eq!(fold("Tamaño ÉTÉ Straße"), "tamano ete straße");
    assert_eq!(fold("Ñandú İstanbul"), "nandu istanbul");
    // Already decomposed input folds the same.
    assert_eq!(fold("taman\u{303}o"), "tamano");
    assert_eq!(fold("체크섬 がぎ ガ"), "체크섬 がぎ ガ");
}

#[test]
fn chinese_is_cut_into_overlapping_bigrams() {
    check("校验和", Singles::Query, &["校验", "验和"]);
    check("校验和", Singles::Last, &["校验", "验和", "和"]);
    check("校验和", Singles::Every, &["校", "校验", "验", "验和", "和"]);
    // Punctuation ends a run; Latin words and numbers between are words.
    check(
        "使用CRC-32校验，和",
        Singles::Last,
        &["使用", "用", "crc", "32", "校验", "验", "和"],
    );
    check("和", Singles::Query, &["和"]);
}

#[test]
fn japanese_runs_span_kana_and_kanji() {
    check(
        "チェックサムを計算する",
        Singles::Query,
        &[
            "チェ", "ェッ", "ック", "クサ", "サム", "ムを", "を計", "計算", "算す", "する",
        ],
    );
    // The middle dot separates; the long vowel mark does not.
    check(
        "データ・ブロック",
        Singles::Query,
        &["デー", "ータ", "ブロ", "ロッ", "ック"],
    );
}

#[test]
fn korean_is_cut_at_spaces_then_into_bigrams() {
    check(
        "체크섬을 계산합니다",
        Singles::Last,
        &["체크", "크섬", "섬을", "을", "계산", "산합", "합니", "니다", "다"],
    );
    // A query for the word without its particle finds the bigrams it shares.
    check("체크섬", Singles::Query, &["체크", "크섬"]);
}

#[test]
fn spanish_words_lose_their_accents() {
    check(
        "El tamaño del bloque, ¿cuál?",
        Singles::Last,
        &["el", "tamano", "del", "bloque", "cual"],
    );
    check("tamaño", Singles::Query, &["tamano"]);
    check("TAMANO", Singles::Query, &["tamano"]);
}

#[test]
fn words_are_cut_at_apostrophes_hyphens_and_dots() {
    check(
        "l'ordinateur well-known v1.2 snake_case",
        Singles::Query,
        &["l", "ordinateur", "well", "known", "v1", "2", "snake", "case"],
    );
}

#[test]
fn overlong_words_are_not_indexed_but_may_be_asked_for() {
    let long = "a".repeat(tokenize::MAX_WORD_CHARS + 1);
    check(&format!("{long} ok"), Singles::Last, &["ok"]);
    check(&long, Singles::Query, &[long.as_str()]);
}

/// A search index as mdBook writes it (keys as mdBook's JSON has them).
fn mdbook_index(docs: &[(&str, &str)], expand: bool) -> Value {
    let mut stored = serde_json::Map::new();
    for (n, (title, body)) in docs.iter().enumerate() {
        stored.insert(
            n.to_string(),
            json!({"id": n.to_string(), "title": title, "body": body, "breadcrumbs": title}),
        );
    }
    json!({
        "doc_urls": (0..docs.len()).map(|n| format!("chapter-{n}.html")).collect::<Vec<_>>(),
        "results_options": {"limit_results": 30, "teaser_word_count": 30},
        "search_options": {"bool": "OR", "expand": expand, "fields": {"title": {"boost": 2}}},
        "index": {
            "documentStore": {"docs": stored, "docInfo": {}, "length": docs.len(), "save": true},
            "fields": ["title", "body", "breadcrumbs"],
            "index": {},
            "lang": "English",
            "pipeline": ["trimmer", "stopWordFilter", "stemmer"],
            "ref": "id",
            "version": "0.9.5",
        },
    })
}

/// The documents of `search` that hold `term` in their body.
fn docs_with(search: &Value, term: &str) -> Vec<String> {
    let mut node = &search["index"]["index"]["body"]["root"];
    for c in term.chars() {
        node = &node[c.to_string()];
    }
    node["docs"]
        .as_object()
        .map(|docs| docs.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn a_rebuilt_index_holds_bigrams_and_keeps_everything_else() {
    let original = mdbook_index(&[("引言", "本书讲的是校验和。"), ("奇偶", "奇偶校验位")], true);
    let rebuilt = rebuild_index(original.clone(), &tag("zh")).expect("rebuilt");
    assert_eq!(docs_with(&rebuilt, "校验"), ["0", "1"]);
    assert_eq!(docs_with(&rebuilt, "验和"), ["0"]);
    assert_eq!(docs_with(&rebuilt, "和"), ["0"]);
    assert_eq!(
        docs_with(&rebuilt, "验"),
        Vec::<String>::new(),
        "no single characters but run ends"
    );
    for key in ["doc_urls", "results_options", "search_options"] {
        assert_eq!(rebuilt[key], original[key], "{key}");
    }
    assert_eq!(
        rebuilt["index"]["documentStore"]["docs"],
        original["index"]["documentStore"]["docs"]
    );
    assert_eq!(rebuilt["index"]["pipeline"], json!([]));
    // Without prefix expansion every character stands alone as well.
    let rebuilt = rebuild_index(mdbook_index(&[("t", "校验和")], false), &tag("zh")).expect("rebuilt");
    assert_eq!(docs_with(&rebuilt, "验"), ["0"]);
}

#[test]
fn english_books_keep_stop_words_out_and_stem() {
    let rebuilt =
        rebuild_index(mdbook_index(&[("t", "The checksums of a café 校验")], true), &tag("en")).expect("rebuilt");
    assert_eq!(rebuilt["index"]["pipeline"], json!([ENGLISH_PIPELINE]));
    assert_eq!(docs_with(&rebuilt, "checksum"), ["0"]);
    assert_eq!(docs_with(&rebuilt, "checksums"), Vec::<String>::new());
    assert_eq!(docs_with(&rebuilt, "the"), Vec::<String>::new());
    assert_eq!(docs_with(&rebuilt, "cafe"), ["0"]);
    assert_eq!(docs_with(&rebuilt, "校验"), ["0"]);
}

#[test]
fn spanish_books_are_not_stemmed() {
    let rebuilt = rebuild_index(mdbook_index(&[("t", "Los tamaños")], true), &tag("es")).expect("rebuilt");
    assert_eq!(docs_with(&rebuilt, "tamanos"), ["0"]);
    assert_eq!(docs_with(&rebuilt, "los"), ["0"]);
}

#[test]
fn the_index_file_round_trips_through_mdbooks_quoting() {
    let search = mdbook_index(&[("It's", r"a \ backslash and 'quotes'")], true);
    let file = write_index(&search, &tag("es"));
    assert!(file.starts_with("// Search per language"), "the page code comes first");
    assert!(file.contains(r#"{"dense":false,"english":false}"#), "{}", &file[..200]);
    assert_eq!(read_index(&file).expect("read back"), search);
    // mdBook's own file has no page code in front.
    let mdbook = format!(
        "{DATA_START}{}{DATA_END}",
        search.to_string().replace('\\', "\\\\").replace('\'', "\\'")
    );
    assert_eq!(read_index(&mdbook).expect("read"), search);
}

#[test]
fn files_that_are_not_an_index_are_refused() {
    assert!(matches!(read_index("var x = 1;"), Err(SearchIndexError::NotAnIndex)));
    assert!(matches!(
        read_index(&format!("{DATA_START}{{oops{DATA_END}")),
        Err(SearchIndexError::Json(_))
    ));
    let no_docs = json!({"index": {"fields": ["title"], "documentStore": {"docs": {}, "length": 3}}});
    let error = rebuild_index(no_docs, &tag("zh")).expect_err("no documents");
    assert!(error.to_string().contains("documents"), "{error}");
}

#[test]
fn index_book_rewrites_the_hashed_file_and_leaves_a_book_without_search() {
    let dir = tempfile::tempdir().expect("temp dir");
    let search = mdbook_index(&[("t", "校验和")], true);
    let path = dir.path().join("searchindex-0123abcd.js");
    let mdbook = format!(
        "{DATA_START}{}{DATA_END}",
        search.to_string().replace('\\', "\\\\").replace('\'', "\\'")
    );
    std::fs::write(&path, mdbook).expect("write");
    std::fs::write(dir.path().join("searcher-0123abcd.js"), "x").expect("write");
    index_book(dir.path(), &tag("zh"), None).expect("indexed");
    let rebuilt = read_index(&std::fs::read_to_string(&path).expect("read")).expect("an index");
    assert_eq!(docs_with(&rebuilt, "验和"), ["0"]);
    // Twice gives the same file.
    let once = std::fs::read_to_string(&path).expect("read");
    index_book(dir.path(), &tag("zh"), None).expect("indexed again");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), once);

    let empty = tempfile::tempdir().expect("temp dir");
    index_book(empty.path(), &tag("zh"), None).expect("no index, nothing to do");
    assert_eq!(std::fs::read_dir(empty.path()).expect("read").count(), 0);
}

/// elasticlunr's own index of `documents`, as the crate builds and
/// serializes it: what [`elastic::IndexWriter`] must write.
fn elasticlunr_json(
    language: &LanguageTag,
    expand: bool,
    fields: &[String],
    documents: &[(String, Vec<String>)],
) -> String {
    use elasticlunr::pipeline::PipelineFn;
    struct BookLanguage(LanguageTag, Singles);
    impl Language for BookLanguage {
        fn name(&self) -> String {
            self.0.canonical().to_string()
        }
        fn code(&self) -> String {
            self.0.canonical().to_string()
        }
        fn tokenize(&self, text: &str) -> Vec<String> {
            terms(text, self.1)
        }
        fn make_pipeline(&self) -> Pipeline {
            let queue: Vec<Box<dyn PipelineFn>> = if is_english(&self.0) {
                vec![Box::new(Stemmer(english_stemmer()))]
            } else {
                Vec::new()
            };
            Pipeline { queue }
        }
    }
    struct Stemmer(Pipeline);
    impl PipelineFn for Stemmer {
        fn name(&self) -> String {
            ENGLISH_PIPELINE.to_string()
        }
        fn filter(&self, term: String) -> Option<String> {
            stem(&self.0, term)
        }
    }
    let singles = if expand { Singles::Last } else { Singles::Every };
    let mut index = elasticlunr::IndexBuilder::with_language(Box::new(BookLanguage(language.clone(), singles)))
        .set_ref("id")
        .add_fields(fields)
        .build();
    for (doc_ref, values) in documents {
        index.add_doc(doc_ref, values);
    }
    serde_json::to_string(&index).expect("serialized")
}

#[test]
fn the_index_written_is_elasticlunrs_byte_for_byte() {
    // Real text in three scripts (the example book's chapters and its
    // translations), and the odd cases: quotes and backslashes, a term
    // repeated, an empty field, references that sort as text ("10" < "2").
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("book-example");
    let read = |path: &str| std::fs::read_to_string(root.join(path)).expect(path);
    let english: Vec<String> = [
        "src/introduction.md",
        "src/errors.md",
        "src/additive/adler32.md",
        "src/crc.md",
    ]
    .iter()
    .map(|path| read(path))
    .collect();
    let odd = [
        r#"It's a "quoted" \ back\slash"#.to_string(),
        "sum sum sum Sum SUM".to_string(),
        String::new(),
        "😀 emoji ☃ and ﬁ ligature".to_string(),
    ];
    let fields: Vec<String> = ["title", "body", "breadcrumbs"].map(String::from).to_vec();
    for (language, texts) in [
        ("en", [english.clone(), odd.to_vec()].concat()),
        ("zh", vec![read("po/zh.po"), odd[0].clone(), odd[2].clone()]),
        ("es", vec![read("po/es.po"), odd[1].clone()]),
        ("ja", vec!["チェックサムを計算する。データ・ブロック".to_string()]),
    ] {
        let language = tag(language);
        let documents: Vec<(String, Vec<String>)> = (0..12)
            .map(|number| {
                let text = |offset: usize| texts[(number + offset) % texts.len()].clone();
                (
                    number.to_string(),
                    vec![text(1).lines().next().unwrap_or("").to_string(), text(0), text(2)],
                )
            })
            .collect();
        for expand in [true, false] {
            let mut writer = elastic::IndexWriter::new(&language, expand, "id", &fields);
            for (doc_ref, values) in &documents {
                writer.add_doc(doc_ref.clone(), values.clone());
            }
            let mut written = Vec::new();
            writer.write(&mut written);
            let written = String::from_utf8(written).expect("UTF-8");
            let expected = elasticlunr_json(&language, expand, &fields, &documents);
            assert!(
                written == expected,
                "{language} (expand {expand}): the index differs from elasticlunr's at byte {}",
                written
                    .bytes()
                    .zip(expected.bytes())
                    .take_while(|(a, b)| a == b)
                    .count()
            );
        }
    }
}
