use super::*;

fn tag(code: &str) -> LanguageTag {
    code.parse().expect("a language tag")
}

fn interface(code: &str) -> Interface {
    Interface::for_language(&tag(code), &BTreeMap::new(), &|_| None)
}

/// mdBook 0.5.4's default `index.hbs`, as `mdbook init --theme` writes it.
fn default_index_template() -> String {
    let root = tempfile::tempdir().expect("a temp dir");
    let mut html = mdbook_driver::config::HtmlConfig::default();
    html.theme = Some(root.path().join("theme"));
    for folder in ["theme/css", "theme/fonts"] {
        std::fs::create_dir_all(root.path().join(folder)).expect("theme folders");
    }
    mdbook_html::theme::Theme::copy_theme(&html, root.path()).expect("copy the default theme");
    std::fs::read_to_string(root.path().join("theme/index.hbs")).expect("index.hbs")
}

#[test]
fn every_covered_language_has_every_text_and_nothing_else() {
    let ids: Vec<&str> = INTERFACE_TEXTS.iter().map(|text| text.id).collect();
    assert!(covered_languages().count() >= 20, "the major languages");
    for language in covered_languages() {
        assert_eq!(tag(language).canonical(), language, "written canonically");
        let entry = &TABLE[language];
        let keys: Vec<&str> = entry.keys().map(String::as_str).collect();
        let mut expected = ids.clone();
        expected.sort_unstable();
        assert_eq!(keys, expected, "{language}");
        for (id, translation) in entry {
            let english = interface_text(id).expect("a known id").english;
            assert!(!translation.trim().is_empty(), "{language}: {id} is empty");
            if !["theme-auto", "search-title"].contains(&id.as_str()) {
                assert_ne!(translation, english, "{language}: {id} is not translated");
            }
        }
    }
}

#[test]
fn every_template_text_is_found_in_mdbooks_own_template_and_replaced() {
    let template = default_index_template();
    let on_other_pages = [
        "page-not-found",
        "not-found-heading",
        "not-found-text",
        "change-language",
        "languages",
    ];
    for text in INTERFACE_TEXTS.iter().filter(|text| !on_other_pages.contains(&text.id)) {
        let quoted = format!("\"{}\"", text.english);
        let element = format!(">{}<", text.english);
        assert!(
            template.contains(&quoted) || template.contains(&element),
            "{}: `{}` is not in mdBook's index.hbs",
            text.id,
            text.english
        );
    }
    let zh = interface("zh").translate_markup(&template);
    for text in INTERFACE_TEXTS {
        assert!(!zh.contains(&format!("\"{}\"", text.english)), "{}", text.id);
        assert!(!zh.contains(&format!(">{}<", text.english)), "{}", text.id);
    }
    assert!(
        zh.contains("placeholder=\"搜索本书…\"") && zh.contains(">浅色<"),
        "{zh}"
    );
}

#[test]
fn the_404_page_and_its_title_are_translated() {
    let page = "<title>Page not found - Sums</title><h1 id=\"document-not-found-404\">\
                <a class=\"header\" href=\"#document-not-found-404\">Document not found (404)</a></h1>\n\
                <p>This URL is invalid, sorry. Please use the navigation bar or search to continue.</p>";
    let es = interface("es").translate_markup(page);
    assert_eq!(
        es,
        "<title>Página no encontrada - Sums</title><h1 id=\"document-not-found-404\">\
         <a class=\"header\" href=\"#document-not-found-404\">Documento no encontrado (404)</a></h1>\n\
         <p>Lo sentimos, esta URL no es válida. Use la barra de navegación o la búsqueda para continuar.</p>"
    );
}

#[test]
fn regional_and_script_codes_fall_back_to_their_language() {
    assert_eq!(interface("es-MX").text("print"), "Imprimir este libro");
    assert_eq!(interface("zh-Hant").text("print"), "列印本書");
    assert_eq!(interface("zh-hk").text("print"), "列印本書");
    assert_eq!(interface("zh-CN").text("print"), "打印本书");
    assert_eq!(interface("pt-BR").text("next-chapter"), "Próximo capítulo");
    assert_eq!(interface("pt-PT").text("next-chapter"), "Capítulo seguinte");
    // A language the table lacks keeps mdBook's English.
    assert_eq!(interface("sw").text("print"), "Print this book");
    assert_eq!(interface("sw"), Interface::english());
}

#[test]
fn book_toml_wins_over_the_po_file_which_wins_over_the_table() {
    let overrides = BTreeMap::from([("print".to_string(), "Drucken".to_string())]);
    let human = |english: &str| (english == "Next chapter" || english == "Print this book").then(|| "PO".to_string());
    let de = Interface::for_language(&tag("de"), &overrides, &human);
    assert_eq!(de.text("print"), "Drucken");
    assert_eq!(de.text("next-chapter"), "PO");
    assert_eq!(de.text("previous-chapter"), "Vorheriges Kapitel");
}

#[test]
fn translations_cannot_inject_markup_or_template_expressions() {
    let overrides = BTreeMap::from([("print".to_string(), "<b>{{evil}}</b> & \"x\"".to_string())]);
    let interface = Interface::for_language(&tag("fr"), &overrides, &|_| None);
    assert_eq!(
        interface.translate_markup("<a title=\"Print this book\">"),
        "<a title=\"&lt;b&gt;&#123;&#123;evil}}&lt;/b&gt; &amp; &quot;x&quot;\">"
    );
}
