use super::*;

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
