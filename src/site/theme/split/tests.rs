use super::*;
use handlebars::{Context, Handlebars, Helper, HelperResult, Output, RenderContext};
use serde_json::{Value, json};

/// Stands in for mdBook's `resource` and `fa` helpers: writes its name and
/// parameters.
fn echo_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let params: Vec<String> = h.params().iter().map(|p| p.value().to_string()).collect();
    out.write(&format!("<{} {}>", h.name(), params.join(" ")))?;
    Ok(())
}

/// A registry as mdBook's HTML renderer makes one, with `index`, the
/// `header` partial and, when given, `redirect`.
fn registry(index: &str, header: &str, redirect: Option<&str>) -> Handlebars<'static> {
    let mut handlebars = Handlebars::new();
    handlebars
        .register_template_string("index", index)
        .expect("index compiles");
    handlebars.register_partial("head", "").expect("head compiles");
    if let Some(redirect) = redirect {
        handlebars
            .register_template_string("redirect", redirect)
            .expect("redirect compiles");
    }
    handlebars.register_partial("header", header).expect("header compiles");
    handlebars.register_helper("resource", Box::new(echo_helper));
    handlebars.register_helper("fa", Box::new(echo_helper));
    handlebars
}

/// Page data that takes every branch of mdBook's template one way or the
/// other, in three pages.
fn pages() -> Vec<Value> {
    let full = json!({
        "path_to_root": "../", "title": "A page", "book_title": "The book", "language": "zh",
        "text_direction": "ltr", "default_theme": "light", "preferred_dark_theme": "navy",
        "description": "about", "base_url": "/", "favicon_svg": true, "favicon_png": true,
        "print_enable": true, "additional_css": ["custom.css"], "additional_js": ["a.js", "b.js"],
        "mathjax_support": true, "search_js": true, "search_enabled": true,
        "git_repository_url": "https://example.org/r", "git_repository_edit_url": "https://example.org/e",
        "git_repository_icon": "fab-github", "previous": {"link": "a.html"}, "next": {"link": "c.html"},
        "live_reload_endpoint": "ws://x", "playground_line_numbers": true, "playground_copyable": true,
        "playground_js": true, "fragment_map": "{\"a\": \"b\"}", "content": "<p>Text</p>\n<pre>  kept\n</pre>",
        "is_print": false, "sidebar_header_nav": true,
    });
    let mut print = full.clone();
    print["is_print"] = json!(true);
    print["text_direction"] = json!("rtl");
    vec![full, print, json!({"content": "<p>Bare</p>", "path_to_root": ""})]
}

fn render(handlebars: &Handlebars<'_>) -> Vec<String> {
    pages()
        .iter()
        .map(|data| handlebars.render("index", data).expect("renders"))
        .collect()
}

/// mdBook's page template, with its interface in Chinese.
fn mdbooks_template() -> String {
    let zh = crate::interface::Interface::for_language(&"zh".parse().expect("tag"), &Default::default(), &|_| None);
    zh.translate_markup(&super::super::default_theme().expect("mdBook's template").index)
}

#[test]
fn mdbooks_template_cut_anywhere_renders_every_page_as_whole() {
    let template = mdbooks_template();
    // mdBook's own header.hbs: a comment, which renders nothing.
    let whole = render(&registry(&template, "{{!-- Put your header HTML text here --}}", None));
    let cuts = Cuts::of(&template).expect("mdBook's template can be cut");
    assert!(
        cuts.second.len() > 50,
        "{} places for the second cut",
        cuts.second.len()
    );
    for second in std::iter::once(None).chain(cuts.second.iter().copied().map(Some)) {
        let cut = cuts.cut("", second);
        let pages = render(&registry(&cut.index, &cut.header, cut.redirect.as_deref()));
        assert_eq!(pages, whole, "cut at {second:?}");
    }
}

#[test]
fn the_header_markup_comes_where_the_header_was() {
    let template = mdbooks_template();
    // The shape of the site's header markup: a block on lines of its own.
    let header = "\n{{#with (lookup {\"a.md\": \"a.html\"} \"a.md\") as |page|}}\n<nav>{{ @root.language }} {{ page }}</nav>\n{{/with}}\n";
    let cut = cut_page_template(&template, header, true).expect("cut");
    assert!(cut.redirect.is_some());
    let pages = render(&registry(&cut.index, &cut.header, cut.redirect.as_deref()));
    assert_eq!(pages, render(&registry(&template, header, None)));
    assert!(pages[0].contains("\n                <nav>zh a.html</nav>\n"));
    // Compiling the three is faster than the whole: fewer characters
    // counted before each token.
    assert!(cut.index.len() < template.len() / 2 && cut.header.len() < template.len() / 2);
}

#[test]
fn templates_that_cannot_be_cut_safely_stay_whole() {
    let page = |body: &str| format!("<html>\n<body>\n{body}\n</body>\n</html>\n");
    let cases = [
        ("no header call", page("<p>{{ title }}</p>")),
        ("two header calls", page("    {{> header}}\n    {{> header}}")),
        ("call inside a block", page("{{#if x}}\n    {{> header}}\n{{/if}}")),
        ("call sharing its line", page("<div>{{> header}}</div>")),
        ("call with whitespace control", page("    {{~> header}}")),
        (
            "tilde reaching across the line",
            page("    {{> header}}\n    {{~ title}}"),
        ),
        ("raw block", page("    {{> header}}\n{{{{raw}}}}{{x}}{{{{/raw}}}}")),
        ("escaped braces", page("    {{> header}}\n\\{{ not a tag }}")),
        (
            "inline partial",
            page("{{#*inline \"x\"}}y{{/inline}}\n    {{> header}}"),
        ),
        ("unbalanced blocks", page("    {{> header}}\n{{/if}}")),
        (
            "ends on a tag",
            "<p>\n    {{> header}}\n</p>\n{{ title }}\n".to_string(),
        ),
    ];
    for (what, template) in cases {
        assert_eq!(cut_page_template(&template, "", true), None, "{what}");
    }
    let fine = page("    {{> header}}\n<p>{{ title }}</p>\n<p>{{! a comment with }} and 'quotes' }}</p>");
    let cut = cut_page_template(&fine, "", true).expect("cut");
    let pages = render(&registry(&cut.index, &cut.header, cut.redirect.as_deref()));
    assert_eq!(pages, render(&registry(&fine, "", None)));
}
