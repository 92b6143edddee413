//! Search per language in a real browser: words typed into mdBook's search
//! box of the example's Chinese, Spanish and English books find the
//! chapters that hold them, with the match highlighted in the teaser and on
//! the page.

use crate::browser::{Driver, browser_available, with_fresh_browsers};
use crate::support::TestBook;
use mdbook_translate::search::read_index;
use mdbook_translate::search::tokenize::{Singles, fold, terms};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

/// Texts whose query terms the page must cut as the index builder does.
const PARITY_SAMPLES: &[&str] = &[
    "校验和",
    "磁盘 CRC-32",
    "チェックサムを計算する",
    "データ・ブロック",
    "체크섬을 계산합니다",
    "Tamaño ÉTÉ Straße",
    "taman\u{303}o",
    "l'ordinateur well-known v1.2",
    "İstanbul ΟΔΟΣ",
    "नमस्ते दुनिया",
    "สวัสดี",
    "😀 ok",
    "ｶﾀｶﾅ ＡＢＣ",
];

/// The search data of the book in `html_dir`.
fn book_index(html_dir: &Path) -> Value {
    let file = std::fs::read_dir(html_dir)
        .expect("the book's folder")
        .flatten()
        .map(|entry| entry.path())
        .find(|path| {
            path.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("searchindex"))
        })
        .expect("a search index");
    read_index(&std::fs::read_to_string(&file).expect("read the index")).expect("an index")
}

/// The chapters (pages) of the book in `html_dir` whose text holds `word`,
/// accents and case aside, as its search index keeps the text.
fn chapters_holding(html_dir: &Path, word: &str) -> BTreeSet<String> {
    let search = book_index(html_dir);
    let wanted = fold(word);
    let urls = search["doc_urls"].as_array().expect("doc_urls");
    let docs = search["index"]["documentStore"]["docs"].as_object().expect("docs");
    docs.iter()
        .filter(|(_, doc)| {
            let text = format!(
                "{} {}",
                doc["title"].as_str().unwrap_or(""),
                doc["body"].as_str().unwrap_or("")
            );
            fold(&text).contains(&wanted)
        })
        .map(|(doc_ref, _)| {
            page_of(
                urls[doc_ref.parse::<usize>().expect("a number")]
                    .as_str()
                    .expect("a URL"),
            )
        })
        .collect()
}

/// The page of a document URL or result link: `crc.html` of `crc.html?highlight=x#anchor`.
fn page_of(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or(url).to_string()
}

/// One search result as the page shows it.
struct Hit {
    page: String,
    teaser: String,
}

/// Opens `page`, opens the search box with its `s` shortcut, types `query`,
/// and returns the results once mdBook's searcher has shown them.
fn search(driver: &Driver, page: &Path, query: &str) -> Vec<Hit> {
    driver.open(&format!("file://{}", page.display()));
    driver.press("s");
    driver.type_into("#mdbook-searchbar", query);
    let script = format!(
        "const header = document.getElementById('mdbook-searchresults-header');
         if (!header || !header.innerText.includes({query})) {{ return null; }}
         return Array.from(document.querySelectorAll('#mdbook-searchresults > li'))
             .map(li => [li.querySelector('a').getAttribute('href'), li.querySelector('.teaser').innerHTML]);",
        query = json!(query)
    );
    let started = Instant::now();
    loop {
        if let Value::Array(results) = driver.script(&script) {
            return results
                .iter()
                .map(|result| Hit {
                    page: page_of(result[0].as_str().expect("a link")),
                    teaser: result[1].as_str().expect("a teaser").to_string(),
                })
                .collect();
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no results shown for {query:?} on {}",
            page.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Searches `query` on the book's first page and checks that every
/// chapter holding `word` is among the results, that a teaser highlights
/// a word beginning with `highlighted` (case aside), and returns the
/// chapters holding `word`.
fn check_search(driver: &Driver, book: &Path, query: &str, word: &str, highlighted: &str) -> BTreeSet<String> {
    let holding = chapters_holding(book, word);
    assert!(!holding.is_empty(), "no chapter of {} holds {word:?}", book.display());
    let hits = search(driver, &book.join("index.html"), query);
    let pages: BTreeSet<String> = hits.iter().map(|hit| hit.page.clone()).collect();
    assert!(
        holding.is_subset(&pages),
        "{query:?}: chapters holding {word:?} {holding:?}, results {pages:?}"
    );
    let em = format!("<em>{highlighted}");
    assert!(
        hits.iter().any(|hit| hit.teaser.to_lowercase().contains(&em)),
        "{query:?}: no teaser with {em}: {:?}",
        hits.iter().map(|hit| &hit.teaser).collect::<Vec<_>>()
    );
    holding
}

/// Follows the result link to `page` on the open result list and checks
/// that the page marks `word`.
fn assert_marked_after_following(driver: &Driver, page: &str, word: &str) {
    driver.click(&format!("#mdbook-searchresults a[href^='{page}?']"));
    let started = Instant::now();
    loop {
        let marks = driver.script("return Array.from(document.querySelectorAll('mark')).map(m => m.textContent);");
        let marks: Vec<String> = serde_json::from_value(marks).expect("a list of texts");
        if marks.iter().any(|mark| mark == word) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{word} is not highlighted on {page}: marks {marks:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn search_finds_chinese_words_and_spanish_words_with_or_without_accents() {
    if !browser_available() {
        return;
    }
    let book = TestBook::example();
    book.run(&["build"]).assert_success();
    with_fresh_browsers(|attempt| search_both_books(&book, attempt));
}

fn search_both_books(book: &TestBook, attempt: usize) {
    let site = book.path().join("book/html");
    let driver = Driver::start(&book.path().join(format!("chromium-profile-search-{attempt}")));

    // English keeps its stemmer: the plural finds the singular.
    check_search(&driver, &site, "Polynomials", "polynomial", "polynomial");

    // Chinese: a word of many chapters, and one of a single chapter, which
    // the page it leads to highlights.
    let (zh, es) = (site.join("zh"), site.join("es"));
    check_search(&driver, &zh, "校验和", "校验和", "校验和");
    let single = check_search(&driver, &zh, "磁盘", "磁盘", "磁盘");
    assert_eq!(single.len(), 1, "磁盘 is in one chapter: {single:?}");
    let chapter = single.first().expect("one chapter");
    assert_marked_after_following(&driver, chapter, "磁盘");

    // Spanish: the word with its accent and without.
    let with_accent = check_search(&driver, &es, "tamaño", "tamaño", "tamaño");
    let without = check_search(&driver, &es, "tamano", "tamaño", "tamaño");
    assert_eq!(with_accent, without);

    // With the index loaded, the page cuts queries as the index builder cut the text.
    let script = format!(
        "return {}.map(text => elasticlunr.tokenizer(text));",
        json!(PARITY_SAMPLES)
    );
    let in_page: Vec<Vec<String>> = serde_json::from_value(driver.script(&script)).expect("lists of terms");
    for (sample, page_terms) in PARITY_SAMPLES.iter().zip(in_page) {
        assert_eq!(page_terms, terms(sample, Singles::Query), "terms of {sample:?}");
    }

    let chapter = without.first().expect("a chapter");
    assert_marked_after_following(&driver, chapter, "tamaño");
}

/// The search documents this tool reads from the pages of a book rendered
/// without mdBook's own indexing are the documents mdBook indexes: on every
/// fidelity book, rendered by mdBook's HTML renderer with search on, the
/// sections read from its pages have mdBook's URLs, titles and breadcrumbs,
/// and its bodies up to white space.
#[test]
fn the_documents_read_from_the_pages_are_mdbooks() {
    use mdbook_driver::MDBook;
    use mdbook_renderer::{RenderContext, Renderer};
    use mdbook_translate::search::pages::PageIndex;
    for root in crate::support::fidelity_books() {
        let mdbook = MDBook::load(&root).expect("load the book");
        let out = tempfile::tempdir().expect("temp dir");
        let ctx = RenderContext::new(&root, mdbook.book.clone(), mdbook.config.clone(), out.path());
        mdbook_html::HtmlHandlebars::new().render(&ctx).expect("render");
        let search = book_index(out.path());
        let html = mdbook.config.html_config().unwrap_or_default();
        let template = mdbook_translate::site::theme::page_template(&root.join("theme")).expect("the template");
        let pages = PageIndex::plan(&mdbook.book, html.search.as_ref(), &template).expect("pages to read");
        let sections = pages.sections(out.path()).expect("sections");
        let urls: Vec<&str> = search["doc_urls"]
            .as_array()
            .expect("doc_urls")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let read: Vec<&str> = sections.iter().map(|section| section.url.as_str()).collect();
        assert_eq!(read, urls, "{}", root.display());
        let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        for (number, section) in sections.iter().enumerate() {
            let doc = &search["index"]["documentStore"]["docs"][number.to_string()];
            for field in ["title", "breadcrumbs", "body"] {
                assert_eq!(
                    words(section.field(field)),
                    words(doc[field].as_str().expect("a field")),
                    "{}: {} {field}",
                    root.display(),
                    section.url
                );
            }
        }
        eprintln!(
            "{}: {} sections read as mdBook reads them",
            root.display(),
            sections.len()
        );
    }
}

/// The index files of every book of the site, and the name each page loads.
fn loaded_indexes(html_dir: &Path) -> BTreeSet<String> {
    let mut loaded = BTreeSet::new();
    for page in walkdir::WalkDir::new(html_dir).into_iter().flatten() {
        if page.path().extension().is_none_or(|extension| extension != "html") {
            continue;
        }
        let text = std::fs::read_to_string(page.path()).expect("a page");
        // toc.html, the table of contents for readers without JavaScript, has no search.
        let Some(name) = text
            .split("path_to_searchindex_js = \"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
        else {
            assert!(
                page.path().ends_with("toc.html"),
                "{} loads no search index",
                page.path().display()
            );
            continue;
        };
        // A path from the page's folder.
        let path = page.path().parent().expect("a folder").join(name);
        let data = std::fs::read(&path)
            .unwrap_or_else(|_| panic!("{} loads {name}, which is not there", page.path().display()));
        let hash: String = {
            use sha2::{Digest, Sha256};
            Sha256::digest(&data)[..4].iter().map(|b| format!("{b:02x}")).collect()
        };
        let file_name = path.file_name().expect("a file name").to_string_lossy().into_owned();
        assert_eq!(file_name, format!("searchindex-{hash}.js"), "{}", page.path().display());
        loaded.insert(path.canonicalize().expect("the index").display().to_string());
    }
    loaded
}

/// A hashed index name is the hash of the index written, so a browser
/// never keeps an older book's index: every page loads an index that is
/// there under the hash of its content, and a new sentence renames the
/// index of every language.
#[test]
fn every_page_loads_its_books_index_named_by_its_content() {
    let book = TestBook::new("site");
    book.run(&["build"]).assert_success();
    let html = book.path().join("book/html");
    let before = loaded_indexes(&html);
    assert_eq!(before.len(), 3, "one index per book: {before:?}");
    book.replace("src/sums.md", "", "A new sentence about checksums.\n\n");
    book.run(&["build"]).assert_success();
    let after = loaded_indexes(&html);
    assert_eq!(after.len(), 3, "{after:?}");
    assert!(before.is_disjoint(&after), "{before:?} {after:?}");
}
