use super::*;
use serde_json::json;

fn parse(table: Value) -> Result<Config, ConfigError> {
    parse_with(table, &Environment::default())
}

fn parse_with(table: Value, environment: &Environment) -> Result<Config, ConfigError> {
    let Value::Object(map) = table else { panic!("a table") };
    let context = TableContext {
        root: Path::new("/books/demo"),
        on_disk_language: Some("en"),
        katex: false,
        smart_punctuation: true,
        gettext_po_dir: None,
        environment,
    };
    Config::from_table(&map, context)
}

fn environment(variables: &[(&str, &str)]) -> Environment {
    Environment::from_variables(
        variables
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string())),
    )
}

fn tags(tags: &[&str]) -> Vec<LanguageTag> {
    tags.iter().map(|tag| tag.parse().expect("a language tag")).collect()
}

/// Asserts that `table` is rejected with an error naming `key` and containing `needle`.
#[track_caller]
fn check_error(table: Value, key: &str, needle: &str) {
    let error = parse(table).expect_err("rejected");
    assert_eq!(error.key, key, "{error}");
    let message = error.to_string();
    assert!(message.contains(needle), "{message:?} should contain {needle:?}");
}

#[test]
fn defaults() {
    let config = parse(json!({"languages": ["zh", "es"], "after": ["links"]})).expect("valid");
    assert_eq!(config.languages, tags(&["zh", "es"]));
    assert_eq!(config.source_language.as_str(), "en");
    assert_eq!(config.backend, BackendKind::Cache);
    assert!(!config.backend_explicit);
    assert_eq!(config.cache_dir, Path::new("/books/demo/.translate-cache"));
    assert_eq!(
        config.math,
        MathSyntax {
            mathjax: true,
            dollar: false
        }
    );
    assert!(config.terminology.is_empty());
    assert_eq!((config.formality, config.profanity), (None, None));
    assert_eq!(config.max_concurrency, 8);
    assert_eq!(config.timeout, Duration::from_secs(30));
}

#[test]
fn explicit_values() {
    let config = parse(json!({
        "languages": ["zh-TW"], "backend": "pseudo", "cache-dir": "cache", "fail-on-missing": true,
        "math": ["dollar"], "do-not-translate": ["mdBook"], "lock-timeout": 5, "source-language": "fr"
    }))
    .expect("valid");
    assert_eq!(config.backend, BackendKind::Pseudo);
    assert_eq!(config.cache_dir, Path::new("/books/demo/cache"));
    assert!(config.fail_on_missing);
    assert_eq!(
        config.math,
        MathSyntax {
            mathjax: false,
            dollar: true
        }
    );
    assert_eq!(config.source_language.as_str(), "fr");
    assert_eq!(config.lock_timeout, Duration::from_secs(5));
}

#[test]
fn aws_settings() {
    let config = parse(json!({
        "backend": "aws", "terminology": ["book-terms", "glossary_2"], "formality": "informal",
        "profanity": "mask", "max-concurrency": 2, "timeout": 5
    }))
    .expect("valid");
    assert_eq!(config.backend, BackendKind::Aws);
    assert_eq!(config.terminology, ["book-terms", "glossary_2"]);
    assert_eq!(config.formality, Some(Formality::Informal));
    assert_eq!(config.profanity, Some(Profanity::Mask));
    assert_eq!(config.max_concurrency, 2);
    assert_eq!(config.timeout, Duration::from_secs(5));
}

#[test]
fn bad_values_name_the_key_and_the_accepted_values() {
    check_error(json!({"langauges": ["zh"]}), "langauges", "expected one of `languages`");
    check_error(
        json!({"backend": "deepl"}),
        "backend",
        "expected one of `identity`, `pseudo`, `cache`, `aws`",
    );
    check_error(
        json!({"languages": ["zh", "chinese!"]}),
        "languages",
        "`chinese!` is not a language tag",
    );
    check_error(json!({"languages": "zh"}), "languages", "expected a list of strings");
    check_error(json!({"languages": ["zh", "zh"]}), "languages", "listed twice");
    check_error(
        json!({"languages": ["zh", "ZH"]}),
        "languages",
        "`zh` and `ZH` are the same language, listed twice",
    );
    check_error(json!({"languages": ["EN"]}), "languages", "source language");
    check_error(
        json!({"source-language": "english"}),
        "source-language",
        "not a language tag",
    );
    check_error(json!({"math": ["latex"]}), "math", "expected `mathjax` or `dollar`");
    check_error(
        json!({"do-not-translate": ["(unclosed"]}),
        "do-not-translate",
        "not a valid regular expression",
    );
    check_error(
        json!({"fail-on-missing": "yes"}),
        "fail-on-missing",
        "expected a boolean",
    );
    check_error(json!({"cache-dir": "/dev/null"}), "cache-dir", "not a folder");
    check_error(
        json!({"lock-timeout": "5"}),
        "lock-timeout",
        "expected a whole number of seconds",
    );
    check_error(
        json!({"lock-timeout": -1}),
        "lock-timeout",
        "expected a whole number of seconds",
    );
    check_error(json!({"terminology": ["a b"]}), "terminology", "not a terminology name");
    check_error(json!({"terminology": ["a", "a"]}), "terminology", "listed twice");
    check_error(
        json!({"formality": "polite"}),
        "formality",
        "expected `formal` or `informal`",
    );
    check_error(json!({"profanity": "hide"}), "profanity", "expected `mask`");
    check_error(json!({"max-concurrency": 0}), "max-concurrency", "at least 1");
    check_error(json!({"timeout": 0}), "timeout", "at least 1");
    check_error(json!({"timeout": 1.5}), "timeout", "expected a whole number of seconds");
}

#[test]
fn errors_name_the_variable_a_value_came_from() {
    let error = parse(json!({"languages": ["zh"], "backend": "cache"})).map(|c| c.backend);
    assert_eq!(error, Ok(BackendKind::Cache));
    let overrides = environment(&[("MDBOOK_TRANSLATE_BACKEND", "pseudo")]);
    let config = parse_with(json!({"backend": "cache"}), &overrides).expect("valid");
    assert_eq!(config.backend, BackendKind::Pseudo);
    assert!(config.backend_explicit);

    let overrides = environment(&[("MDBOOK_TRANSLATE_BACKEND", "deepl")]);
    let error = parse_with(json!({}), &overrides).expect_err("rejected");
    assert!(
        error
            .to_string()
            .starts_with("MDBOOK_TRANSLATE_BACKEND (`[preprocessor.translate] backend`): unknown variant `deepl`"),
        "{error}"
    );

    // mdBook reads `MDBOOK_PREPROCESSOR__TRANSLATE__LANGUAGES='zh'` as the string "zh".
    let overrides = environment(&[("MDBOOK_PREPROCESSOR__TRANSLATE__LANGUAGES", "zh")]);
    let error = parse_with(json!({"languages": "zh"}), &overrides).expect_err("rejected");
    assert_eq!(
        error.variable.as_deref(),
        Some("MDBOOK_PREPROCESSOR__TRANSLATE__LANGUAGES")
    );
    assert_eq!(
        error.to_string(),
        "MDBOOK_PREPROCESSOR__TRANSLATE__LANGUAGES (`[preprocessor.translate] languages`): \
         invalid type: string \"zh\", expected a list of strings"
    );
    let error = parse(json!({"languages": "zh"})).expect_err("rejected");
    assert!(
        error
            .to_string()
            .starts_with("book.toml: `[preprocessor.translate] languages`: "),
        "{error}"
    );
}

#[test]
fn a_bad_book_language_is_reported_as_book_language() {
    let config = parse(json!({})).expect("valid");
    let mut book = BookToml::default();
    book.book.language = Some("zh_TW".to_string());
    let error = config.target_language(&book).expect_err("rejected");
    assert_eq!(
        error.to_string(),
        "book.toml: `[book] language`: `zh_TW` is not a language tag; use codes such as \"zh\", \"zh-TW\", \"es\", \"pt-PT\""
    );
    let overrides = environment(&[("MDBOOK_BOOK__LANGUAGE", "zh_TW")]);
    let config = parse_with(json!({}), &overrides).expect("valid");
    let error = config.target_language(&book).expect_err("rejected");
    assert!(
        error
            .to_string()
            .starts_with("MDBOOK_BOOK__LANGUAGE (`[book] language`): "),
        "{error}"
    );
    book.book.language = Some("ZH".to_string());
    assert_eq!(
        config.target_language(&book).map(|tag| tag.canonical().to_string()),
        Ok("zh".to_string())
    );
}

/// The configuration of a book.toml in a book folder at `/books/demo`.
fn from_book_toml(toml: &str) -> Result<Config, ConfigError> {
    let book: BookToml = toml.parse().expect("book.toml");
    Config::from_book(Path::new("/books/demo"), &book)
}

#[test]
fn the_po_dir_of_mdbook_i18n_helpers_is_read_when_this_table_has_none() {
    let gettext = "[preprocessor.gettext]\npo-dir = \"i18n\"\n";
    let config = from_book_toml(&format!("[preprocessor.translate]\nlanguages = [\"zh\"]\n{gettext}")).expect("config");
    assert_eq!(config.po_dir, Path::new("/books/demo/i18n"));
    assert!(config.po_dir_explicit, "a missing file is reported");
    let own = format!("[preprocessor.translate]\nlanguages = [\"zh\"]\npo-dir = \"translations\"\n{gettext}");
    assert_eq!(
        from_book_toml(&own).expect("config").po_dir,
        Path::new("/books/demo/translations")
    );
    let neither = from_book_toml("[preprocessor.translate]\nlanguages = [\"zh\"]\n").expect("config");
    assert_eq!(
        (neither.po_dir.as_path(), neither.po_dir_explicit),
        (Path::new("/books/demo/po"), false)
    );
    let error = from_book_toml("[preprocessor.translate]\n[preprocessor.gettext]\npo-dir = 3\n").expect_err("refused");
    assert_eq!(
        (error.table.as_str(), error.key.as_str()),
        ("preprocessor.gettext", "po-dir"),
        "{error}"
    );
}
