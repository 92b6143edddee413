use super::*;
use std::collections::BTreeMap;

fn book(language: &str, dir: &str) -> BookOutput {
    BookOutput {
        language: language.to_string(),
        html_dir: PathBuf::from(dir),
    }
}

#[test]
fn relative_paths() {
    assert_eq!(
        relative_path(Path::new("/s/book"), Path::new("/s/book/zh")),
        Path::new("zh")
    );
    assert_eq!(
        relative_path(Path::new("/s/book/zh"), Path::new("/s/book")),
        Path::new("..")
    );
    assert_eq!(
        relative_path(Path::new("/s/book/zh/html"), Path::new("/s/book/html")),
        Path::new("../../html")
    );
    assert_eq!(relative_path(Path::new("/s/book"), Path::new("/s/book")), Path::new(""));
}

#[test]
fn entries_point_at_every_book_root() {
    let books = [
        book("en", "/s/book"),
        book("zh", "/s/book/zh"),
        book("es", "/s/book/es"),
    ];
    let roots: Vec<(String, String)> = switcher_entries(&books[1], &books)
        .into_iter()
        .map(|e| (e.code, e.root))
        .collect();
    assert_eq!(
        roots,
        [
            ("en".into(), "../".into()),
            ("zh".into(), "".into()),
            ("es".into(), "../es/".into())
        ]
    );
    assert_eq!(switcher_entries(&books[0], &books)[2].root, "es/");
    assert_eq!(switcher_entries(&books[0], &books)[1].label, "中文");
}

fn site(site_url: Option<&str>) -> Site {
    let book = |language: &str, label: &str, dir: &str| SiteBook {
        language: language.to_string(),
        label: label.to_string(),
        html_dir: PathBuf::from(dir),
        languages_text: "Languages".to_string(),
        change_language_text: "Change language".to_string(),
    };
    Site {
        books: vec![
            book("en", "English", "/s/book"),
            book("zh", "中文", "/s/book/zh"),
            book("es", "Español", "/s/book/es"),
        ],
        pages: BTreeMap::from([
            ("index.md".to_string(), "index.html".to_string()),
            ("guide/intro.md".to_string(), "guide/intro.html".to_string()),
        ]),
        site_url: site_url.map(str::to_string),
        theme_has_picker: false,
    }
}

#[test]
fn alternates_are_relative_without_a_site_url() {
    let links = site(None).alternate_links(1, "../", "guide/intro.html");
    assert_eq!(
        links,
        "<link rel=\"alternate\" hreflang=\"en\" href=\"../../guide/intro.html\">\n\
         <link rel=\"alternate\" hreflang=\"zh\" href=\"../guide/intro.html\">\n\
         <link rel=\"alternate\" hreflang=\"es\" href=\"../../es/guide/intro.html\">\n\
         <link rel=\"alternate\" hreflang=\"x-default\" href=\"../../guide/intro.html\">\n"
    );
}

#[test]
fn alternates_are_absolute_with_a_site_url() {
    let links = site(Some("https://example.org/book/")).alternate_links(2, "../", "guide/intro.html");
    assert!(
        links.contains("hreflang=\"zh\" href=\"https://example.org/book/zh/guide/intro.html\"")
            && links.contains("hreflang=\"x-default\" href=\"https://example.org/book/guide/intro.html\""),
        "{links}"
    );
}

#[test]
fn the_language_list_links_every_other_language() {
    let list = site(None).language_list(0, "", "index.html");
    assert_eq!(
        list,
        "<noscript><nav class=\"mdbook-translate-languages\" aria-label=\"Languages\" \
         style=\"text-align: center; padding: 0.5em;\"><strong lang=\"en\">English</strong> · \
         <a href=\"zh/index.html\" hreflang=\"zh\" lang=\"zh\">中文</a> · \
         <a href=\"es/index.html\" hreflang=\"es\" lang=\"es\">Español</a></nav></noscript>\n"
    );
}

#[test]
fn rendered_pages_get_the_links_where_the_theme_would_put_them() {
    let html = "<html><head><title>T</title></head><body><div class=\"page\"><main>x</main></div></body></html>";
    assert_eq!(
        add_to_page(html, "<link>", "<noscript>", "<script>"),
        "<html><head><title>T</title><link></head><body><div class=\"page\"><noscript><main>x</main></div><script></body></html>"
    );
    // A page without mdBook's page container gets the list after <body>.
    assert_eq!(
        add_to_page("<head></head><body>x</body>", "", "<noscript>", ""),
        "<head></head><body><noscript>x</body>"
    );
}

#[test]
fn templates_look_the_page_up_and_skip_the_script_under_a_pickers_theme() {
    let mut site = site(None);
    let head = site.head_template(1);
    assert!(
        head.starts_with("\n{{#with (lookup {\"guide/intro.md\":\"guide/intro.html\",\"index.md\":\"index.html\"} path) as |page|}}\n")
            && head.contains("href=\"{{ @root.path_to_root }}../es/{{ page }}\"")
            && head.contains(SCRIPT_NAME),
        "{head}"
    );
    site.theme_has_picker = true;
    assert!(!site.head_template(1).contains(SCRIPT_NAME));
    assert!(site.header_template(1).contains("<noscript>"));
}
