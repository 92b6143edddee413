//! The binary: the preprocessor protocol and errors users see.

use crate::support::{copy_book, copy_book_without_translations, project_dir};
use mdbook_driver::MDBook;
use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::Book;
use std::io::Write;
use std::process::{Command, Stdio};

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mdbook-translate"))
}

/// Runs the binary as mdBook runs a preprocessor: `[context, book]` on stdin.
fn run_preprocessor(mdbook: &MDBook) -> std::process::Output {
    let ctx = PreprocessorContext::new(mdbook.root.clone(), mdbook.config.clone(), "html".to_string());
    let input = serde_json::to_vec(&(&ctx, &mdbook.book)).expect("serialise");
    let mut child = binary()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(&input).expect("write");
    child.wait_with_output().expect("wait")
}

#[test]
fn supports_every_renderer_but_the_translate_output() {
    for renderer in ["html", "markdown"] {
        assert!(binary().args(["supports", renderer]).status().expect("run").success());
    }
    // The output loads and translates the book itself.
    assert!(
        !binary()
            .args(["supports", "translate"])
            .status()
            .expect("run")
            .success()
    );
}

#[test]
fn the_preprocessor_protocol_translates_chapters_and_names() {
    let book = copy_book_without_translations(&project_dir().join("book-example"));
    let mut mdbook = MDBook::load(book.path()).expect("load");
    mdbook.config.set("book.language", "zh").expect("set");
    mdbook
        .config
        .set("preprocessor.translate.backend", "pseudo")
        .expect("set");
    let output = run_preprocessor(&mdbook);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("zh: ") && stderr.contains("translated (pseudo)"),
        "one-line summary: {stderr}"
    );
    let translated: Book = serde_json::from_slice(&output.stdout).expect("stdout is only the book JSON");
    let names: Vec<&str> = translated.chapters().map(|c| c.name.as_str()).collect();
    assert!(
        names.iter().all(|n| n.starts_with('⟦')),
        "chapter names are translated: {names:?}"
    );
    let original: Vec<&str> = mdbook.book.chapters().map(|c| c.content.as_str()).collect();
    let contents: Vec<&str> = translated.chapters().map(|c| c.content.as_str()).collect();
    assert_eq!(original.len(), contents.len());
    assert!(
        original.iter().zip(&contents).all(|(a, b)| a != b),
        "every chapter changed"
    );
}

#[test]
fn the_source_language_passes_through_untouched() {
    let book = copy_book(&project_dir().join("book-example"));
    let mdbook = MDBook::load(book.path()).expect("load");
    let output = run_preprocessor(&mdbook);
    let book: Book = serde_json::from_slice(&output.stdout).expect("book JSON");
    assert_eq!(book, mdbook.book);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("[output.translate]"),
        "the example has the output: {stderr}"
    );
}

#[test]
fn a_build_without_the_translate_output_says_how_to_get_the_languages() {
    let book = copy_book(&project_dir().join("book-example"));
    let toml = std::fs::read_to_string(book.path().join("book.toml")).expect("book.toml");
    std::fs::write(book.path().join("book.toml"), toml.replace("[output.translate]\n", "")).expect("write");
    let output = run_preprocessor(&MDBook::load(book.path()).expect("load"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("writes the en book only; add `[output.translate]` to book.toml to build zh, es"),
        "{stderr}"
    );
}

/// Runs `build` on the example with `extra` appended to its translate table.
fn build_with(extra: &str) -> (bool, String) {
    let book = copy_book(&project_dir().join("book-example"));
    let toml = std::fs::read_to_string(book.path().join("book.toml")).expect("book.toml");
    let toml = toml.replace(
        "[preprocessor.translate]\n",
        &format!("[preprocessor.translate]\n{extra}\n"),
    );
    std::fs::write(book.path().join("book.toml"), toml).expect("write");
    let output = binary().arg("build").arg(book.path()).output().expect("run");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

#[test]
fn bad_configuration_names_the_key() {
    let (ok, stderr) = build_with("colour = \"blue\"");
    assert!(
        !ok && stderr.contains("`[preprocessor.translate] colour`") && stderr.contains("expected one of `languages`"),
        "{stderr}"
    );
    let (ok, stderr) = build_with("cache-dir = \"book.toml\"");
    assert!(
        !ok && stderr.contains("cache-dir") && stderr.contains("not a folder"),
        "{stderr}"
    );
}

#[test]
fn the_build_command_writes_every_language() {
    let book = copy_book(&project_dir().join("book-example"));
    // A relative book path, as in the README.
    let parent = book.path().parent().expect("temp dirs have a parent");
    let relative = book.path().file_name().expect("a name");
    let output = binary()
        .current_dir(parent)
        .arg("build")
        .arg(relative)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("zh: open ") && stderr.contains("es: open "), "{stderr}");
    for page in [
        "book/html/index.html",
        "book/html/zh/index.html",
        "book/html/es/index.html",
    ] {
        assert!(book.path().join(page).exists(), "{page} missing; {stderr}");
    }
    // The example ships human translations: every unit comes from them.
    for language in ["zh", "es"] {
        assert!(
            stderr.contains(&format!("{language}: 268 human translations imported"))
                && stderr.contains(&format!(
                    "{language}: 281 units (268 distinct): 268 from the store, 0 translated (cache), 0 missing"
                )),
            "{stderr}"
        );
    }
    let zh = std::fs::read_to_string(book.path().join("book/html/zh/index.html")).expect("zh index");
    assert!(
        zh.contains("引言"),
        "the zh book carries the human translation of `Introduction`"
    );
    // What mdBook writes from book.toml and around the chapters is translated too.
    let page = |path: &str| std::fs::read_to_string(book.path().join("book/html").join(path)).expect(path);
    for (path, english, translated) in [
        (
            "zh/index.html",
            "<title>引言 - Small Sums",
            "<title>引言 - 小小的和：Rust 校验和入门</title>",
        ),
        ("es/errors.html", "</svg>Note</p>", "</svg>Nota</p>"),
        ("zh/additive/adler32.html", "</svg>Warning</p>", "</svg>警告</p>"),
        (
            "es/additive.html",
            "<summary>Why",
            "<summary>¿Por qué módulo 255 y no 256?</summary>",
        ),
        ("zh/crc.html", "<figcaption>Fig. 2: A shift", "<figcaption>图 2："),
    ] {
        let html = page(path);
        assert!(
            html.contains(translated) && !html.contains(english),
            "{path}: {translated}"
        );
    }
    assert!(
        page("errors.html").contains("</svg>Note</p>")
            && page("index.html").contains("<title>Introduction - Small Sums"),
        "the source book is left as it is"
    );
    let output = binary()
        .current_dir(parent)
        .arg("build")
        .arg(relative)
        .output()
        .expect("run again");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && !stderr.contains("imported"),
        "nothing to import again: {stderr}"
    );
}

#[test]
fn a_language_folder_that_clashes_with_the_source_is_refused() {
    let book = copy_book(&project_dir().join("book-example"));
    std::fs::create_dir_all(book.path().join("src/zh")).expect("mkdir");
    std::fs::write(book.path().join("src/zh/notes.txt"), "static file").expect("write");
    let output = binary().arg("build").arg(book.path()).output().expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("the zh book would be written to") && stderr.contains("src/zh"),
        "{stderr}"
    );
}

#[test]
fn languages_listed_twice_or_equal_to_the_source_are_refused() {
    let (ok, stderr) = build_with_languages("[\"zh\", \"zh\"]");
    assert!(!ok && stderr.contains("`zh` is listed twice"), "{stderr}");
    let (ok, stderr) = build_with_languages("[\"en\", \"zh\"]");
    assert!(!ok && stderr.contains("`en` is the source language"), "{stderr}");
}

fn build_with_languages(languages: &str) -> (bool, String) {
    let book = copy_book(&project_dir().join("book-example"));
    let toml = std::fs::read_to_string(book.path().join("book.toml")).expect("book.toml");
    let toml = toml.replace("languages = [\"zh\", \"es\"]", &format!("languages = {languages}"));
    std::fs::write(book.path().join("book.toml"), toml).expect("write");
    let output = binary().arg("build").arg(book.path()).output().expect("run");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

#[test]
fn a_translation_that_drops_a_placeholder_is_refused_and_reported() {
    let book = copy_book(&project_dir().join("book-example"));
    let po = book.path().join("po/zh.po");
    let text = std::fs::read_to_string(&po).expect("zh.po");
    let broken = text.replacen("读到了 `O`", "读到了 O", 1);
    assert!(broken != text, "the fixture sentence is in zh.po");
    std::fs::write(&po, broken).expect("write");
    let output = binary().arg("build").arg(book.path()).output().expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("zh: 267 human translations imported") && stderr.contains("1 refused"),
        "{stderr}"
    );
    assert!(
        stderr.contains("zh: untranslated in introduction.md:"),
        "the missing unit is listed: {stderr}"
    );
    std::fs::remove_file(book.path().join("po/es.po")).expect("remove es.po");
    let output = binary().arg("build").arg(book.path()).output().expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("es.po does not exist"),
        "a missing translation file is reported by path: {stderr}"
    );
}
