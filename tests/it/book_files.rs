//! Test books as files: copies without build output and store, book.toml
//! without its translate tables, the D2L chapters of the corpus as an
//! mdBook. Also compiled into the benchmark (`examples/bench`), which
//! prepares its books the same way.

use std::path::Path;

/// book.toml without its `[preprocessor.translate]` and `[output.translate]` tables.
pub fn without_translate_tables(toml: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in toml.lines() {
        if line.trim_start().starts_with('[') {
            skipping = matches!(line.trim(), "[preprocessor.translate]" | "[output.translate]");
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Writes the D2L chapters (the `.md` files of `chapters`, by name) into
/// `root` as an mdBook with `book_toml`; `None` when `chapters` cannot be read.
pub fn write_d2l_book(chapters: &Path, root: &Path, book_toml: &str) -> Option<()> {
    let mut names: Vec<String> = std::fs::read_dir(chapters)
        .ok()?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .collect();
    names.sort();
    let src = root.join("src");
    std::fs::create_dir_all(&src).expect("create the D2L book");
    let mut summary = String::from("# Summary\n\n");
    for name in &names {
        std::fs::copy(chapters.join(name), src.join(name)).expect("copy a D2L chapter");
        summary.push_str(&format!("- [{}]({name})\n", name.trim_end_matches(".md")));
    }
    std::fs::write(src.join("SUMMARY.md"), summary).expect("write SUMMARY.md");
    std::fs::write(root.join("book.toml"), book_toml).expect("write book.toml");
    Some(())
}

/// Copies the files under `from` to `to`, leaving out build output and stores.
pub fn copy_tree(from: &Path, to: &Path) {
    let walk = walkdir::WalkDir::new(from)
        .follow_links(true)
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || (entry.file_name() != "book" && entry.file_name() != ".translate-cache")
        });
    for entry in walk {
        let entry = entry.expect("read dir");
        let target = to.join(entry.path().strip_prefix(from).expect("under the source"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create dir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}
