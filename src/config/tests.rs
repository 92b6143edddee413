use super::*;
use serde_json::json;

fn parse(table: Value) -> Result<Config, ConfigError> {
    let Value::Object(map) = table else { panic!("a table") };
    let context = TableContext {
        root: Path::new("/books/demo"),
        on_disk_language: Some("en"),
        katex: false,
        smart_punctuation: true,
    };
    Config::from_table(&map, context)
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
    assert_eq!(config.languages, ["zh", "es"]);
    assert_eq!(config.source_language, "en");
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
    assert_eq!(config.source_language, "fr");
    assert_eq!(config.lock_timeout, Duration::from_secs(5));
}

#[test]
fn bad_values_name_the_key_and_the_accepted_values() {
    check_error(json!({"langauges": ["zh"]}), "langauges", "accepted keys: languages");
    check_error(
        json!({"backend": "deepl"}),
        "backend",
        "accepted values: pseudo, identity, cache",
    );
    check_error(
        json!({"languages": ["zh", "chinese!"]}),
        "languages",
        "not a language tag",
    );
    check_error(json!({"languages": "zh"}), "languages", "expected a list of strings");
    check_error(json!({"languages": ["zh", "zh"]}), "languages", "listed twice");
    check_error(json!({"languages": ["en"]}), "languages", "source language");
    check_error(json!({"math": ["latex"]}), "math", "\"mathjax\", \"dollar\"");
    check_error(
        json!({"do-not-translate": ["(unclosed"]}),
        "do-not-translate",
        "not a valid regular expression",
    );
    check_error(json!({"fail-on-missing": "yes"}), "fail-on-missing", "true or false");
    check_error(json!({"cache-dir": "/dev/null"}), "cache-dir", "not a folder");
}

#[test]
fn language_tags() {
    for good in ["en", "zh", "zh-TW", "es-MX", "pt-PT", "fil"] {
        assert!(is_language_tag(good), "{good}");
    }
    for bad in ["", "e", "english", "zh_TW", "zh-", "1a", "zh-T"] {
        assert!(!is_language_tag(bad), "{bad}");
    }
}
