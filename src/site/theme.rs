//! The theme a language's book is rendered with: the book's own theme
//! (`[output.html] theme`, by default `theme/`) with mdBook's interface
//! texts translated in `index.hbs` and the site's markup added to
//! `head.hbs` (alternate links, the switcher script) and `header.hbs` (the
//! language list for readers without JavaScript). When it can, the page
//! template is written cut into `index.hbs`, `header.hbs` and
//! `redirect.hbs`, which mdBook compiles faster (`split.rs`). It is written
//! into the language's staging folder, so the book's own theme folder,
//! which `mdbook serve` watches, is never touched.

mod split;

use crate::interface::Interface;
use mdbook_driver::config::HtmlConfig;
use regex::Regex;
use sha2::{Digest, Sha256};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// The templates this module changes, read once per site build.
#[derive(Debug, Clone)]
pub struct BookTheme {
    /// The book's theme folder, if it has one.
    dir: Option<PathBuf>,
    /// Its `index.hbs`, if it has one (else mdBook's is used).
    index: Option<String>,
    /// Its `head.hbs`, else nothing.
    head: String,
    /// Its `header.hbs`, else nothing.
    header: String,
    /// Whether the book has `[output.html.redirect]` entries, which mdBook
    /// renders with the `redirect.hbs` template.
    has_redirects: bool,
    /// Whether the theme has a `fonts` folder (its own fonts, else mdBook's).
    has_fonts: bool,
    /// `[output.html] hash-files`: static files are named by their contents.
    hash_files: bool,
}

/// The templates written anew into a language's theme (`redirect.hbs`
/// only when the page template is cut into it).
const CHANGED: &[&str] = &["index.hbs", "head.hbs", "header.hbs"];

/// What a theme's own language picker looks like: the element ids that
/// mdbook-i18n-helpers books give the button and the list.
static LANGUAGE_PICKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"["'#]language-(?:list|toggle)["'\s]"#).expect("valid regex"));

/// A Handlebars comment.
static COMMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)\{\{!--.*?--\}\}|\{\{![^}]*\}\}").expect("valid regex"));

impl BookTheme {
    /// The theme of the book at `root` whose HTML output is configured by
    /// `html`.
    pub fn of_book(root: &Path, html: &HtmlConfig) -> io::Result<BookTheme> {
        let dir = root.join(html.theme.as_deref().unwrap_or(Path::new("theme")));
        let dir = dir.is_dir().then_some(dir);
        let read = |name: &str| -> io::Result<Option<String>> {
            match &dir {
                Some(dir) if dir.join(name).is_file() => std::fs::read_to_string(dir.join(name)).map(Some),
                _ => Ok(None),
            }
        };
        Ok(BookTheme {
            index: read("index.hbs")?,
            head: read("head.hbs")?.unwrap_or_default(),
            header: read("header.hbs")?.unwrap_or_default(),
            has_fonts: dir.as_ref().is_some_and(|dir| dir.join("fonts").exists()),
            dir,
            has_redirects: !html.redirect.is_empty(),
            hash_files: html.hash_files,
        })
    }

    /// Whether the book has a theme folder of its own.
    pub fn has_own_files(&self) -> bool {
        self.dir.is_some()
    }

    /// Whether the theme, or one of the book's `additional_js` scripts
    /// (paths relative to `root`), brings a language picker of its own.
    pub fn has_language_picker(&self, root: &Path, additional_js: &[PathBuf]) -> bool {
        let scripts = additional_js
            .iter()
            .filter_map(|script| std::fs::read_to_string(root.join(script)).ok());
        [
            self.index.clone().unwrap_or_default(),
            self.head.clone(),
            self.header.clone(),
        ]
        .into_iter()
        .chain(scripts)
        .any(|text| LANGUAGE_PICKER.is_match(&text))
    }

    /// Writes the theme of one book into `dest`: every file of the book's
    /// theme, `index.hbs` with `interface`'s texts, and the two `extras`
    /// after the theme's own `head.hbs` and `header.hbs`.
    /// With `fonts_from_source`, for a language book that sits in a folder
    /// of the source book's site, a theme with mdBook's fonts gets a
    /// `fonts/fonts.css` that loads the source book's ([`SharedFonts`]).
    /// Returns the page template, whole, as the pages are rendered with it.
    pub fn write(
        &self,
        dest: &Path,
        interface: &Interface,
        extras: (&str, &str),
        fonts_from_source: bool,
    ) -> io::Result<String> {
        let (head_extra, header_extra) = extras;
        std::fs::create_dir_all(dest)?;
        if let Some(dir) = &self.dir {
            link_tree(dir, dest)?;
        }
        if fonts_from_source && !self.has_fonts {
            SharedFonts::write(dest, self.hash_files)?;
        }
        let index = match &self.index {
            Some(index) => interface.translate_markup(index),
            None => interface.translate_markup(&default_theme()?.index),
        };
        // The theme's header is dropped only when it renders nothing.
        let cut = COMMENT
            .replace_all(&self.header, "")
            .trim()
            .is_empty()
            .then(|| split::cut_page_template(&index, header_extra, !self.has_redirects))
            .flatten();
        match cut {
            Some(cut) => {
                std::fs::write(dest.join("index.hbs"), &cut.index)?;
                std::fs::write(dest.join("header.hbs"), &cut.header)?;
                if let Some(redirect) = &cut.redirect {
                    // Not through a link to the book's own file.
                    let path = dest.join("redirect.hbs");
                    if path.exists() {
                        std::fs::remove_file(&path)?;
                    }
                    std::fs::write(path, redirect)?;
                }
            }
            None => {
                std::fs::write(dest.join("index.hbs"), &index)?;
                std::fs::write(dest.join("header.hbs"), format!("{}{header_extra}", self.header))?;
            }
        }
        std::fs::write(dest.join("head.hbs"), format!("{}{head_extra}", self.head))?;
        Ok(index)
    }
}

/// The page template (`index.hbs`) of the theme in `dir`, or mdBook's own
/// when the theme has none.
pub fn page_template(dir: &Path) -> io::Result<String> {
    match std::fs::read_to_string(dir.join("index.hbs")) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(default_theme()?.index.clone()),
        read => read,
    }
}

/// mdBook's fonts, shared by the books of a site.
///
/// With mdBook's own fonts, every book of a site would carry the same
/// fourteen files (eleven fonts, their stylesheet, two licences). A language
/// book, which always sits in a folder of the source book's site
/// (`<site>/<lang>/`), is given a theme whose `fonts/fonts.css` imports the
/// source book's stylesheet instead: mdBook then writes that one small
/// file for the language and no font, and a reader's browser loads the
/// fonts once for every language. The pages and `toc.html` still link the
/// book's own `fonts/fonts.css`, as mdBook's templates do.
///
/// The source book's stylesheet is named as mdBook names a static file
/// (`fonts/fonts-<first four bytes of the SHA-256 of its contents, in
/// hex>.css`, or `fonts/fonts.css` without `hash-files`), from mdBook's own
/// `fonts.css` (a test checks the name against a rendered book).
pub struct SharedFonts;

impl SharedFonts {
    /// The source book's font stylesheet, relative to its root.
    pub fn source_stylesheet(hash_files: bool) -> io::Result<String> {
        if !hash_files {
            return Ok("fonts/fonts.css".to_string());
        }
        let digest = Sha256::digest(&default_theme()?.fonts_css);
        let hex: String = digest[..4].iter().map(|byte| format!("{byte:02x}")).collect();
        Ok(format!("fonts/fonts-{hex}.css"))
    }

    /// Writes `fonts/fonts.css` into the theme folder `dest` of a language
    /// book: one line that imports the source book's stylesheet (from
    /// `<site>/<lang>/fonts/` up to `<site>/`).
    fn write(dest: &Path, hash_files: bool) -> io::Result<()> {
        let stylesheet = Self::source_stylesheet(hash_files)?;
        std::fs::create_dir_all(dest.join("fonts"))?;
        std::fs::write(
            dest.join("fonts/fonts.css"),
            format!("@import url(\"../../{stylesheet}\");\n"),
        )
    }
}

/// Links (or, across file systems, copies) every file under `from` into
/// `to`, but the templates [`BookTheme::write`] writes itself.
fn link_tree(from: &Path, to: &Path) -> io::Result<()> {
    for entry in walkdir::WalkDir::new(from).min_depth(1) {
        let entry = entry?;
        let relative = entry.path().strip_prefix(from).unwrap_or(entry.path());
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)?;
        } else if !(entry.depth() == 1 && CHANGED.iter().any(|name| relative == Path::new(name)))
            && std::fs::hard_link(entry.path(), &target).is_err()
        {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// What this module needs of mdBook's own theme.
struct DefaultTheme {
    /// The page template, `index.hbs`.
    index: String,
    /// The stylesheet of its fonts, `fonts/fonts.css`.
    fonts_css: Vec<u8>,
}

/// mdBook's own theme, as `mdbook init --theme` writes it (read once).
fn default_theme() -> io::Result<&'static DefaultTheme> {
    static DEFAULT: LazyLock<Result<DefaultTheme, String>> = LazyLock::new(|| {
        let read = || -> anyhow::Result<DefaultTheme> {
            let root = scratch_dir()?;
            let mut html = HtmlConfig::default();
            html.theme = Some(root.path().join("theme"));
            mdbook_html::theme::Theme::copy_theme(&html, root.path())?;
            Ok(DefaultTheme {
                index: std::fs::read_to_string(root.path().join("theme/index.hbs"))?,
                fonts_css: std::fs::read(root.path().join("theme/fonts/fonts.css"))?,
            })
        };
        read().map_err(|error| format!("reading mdBook's default theme: {error:#}"))
    });
    DEFAULT.as_ref().map_err(|error| io::Error::other(error.clone()))
}

/// A folder for files that live only while this process reads them: in
/// memory where the system has a `tmpfs` at `/dev/shm` (mdBook gives its
/// default theme only by writing its two dozen files, and creating and
/// removing files on some disk file systems costs more with every file
/// removed in the last minutes), else in the temporary folder.
pub fn scratch_dir() -> io::Result<tempfile::TempDir> {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::Builder::new().prefix(".mdbook-translate-").tempdir_in(shm)
    {
        return Ok(dir);
    }
    tempfile::tempdir()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn a_language_theme_keeps_the_books_files_and_translates_the_interface() {
        let book = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(book.path().join("theme/css")).expect("theme");
        std::fs::write(book.path().join("theme/css/custom.css"), "p {}").expect("css");
        std::fs::write(book.path().join("theme/head.hbs"), "<meta name=\"own\">").expect("head");
        let theme = BookTheme::of_book(book.path(), &HtmlConfig::default()).expect("theme");
        assert!(theme.index.is_none(), "mdBook's own template");
        let zh = Interface::for_language(&"zh".parse().expect("tag"), &BTreeMap::new(), &|_| None);
        let dest = book.path().join("zh-theme");
        let page = theme
            .write(&dest, &zh, ("<link rel=\"alternate\">", "<noscript></noscript>"), false)
            .expect("write");
        let read = |name: &str| std::fs::read_to_string(dest.join(name)).expect(name);
        assert_eq!(read("css/custom.css"), "p {}");
        assert_eq!(read("head.hbs"), "<meta name=\"own\"><link rel=\"alternate\">");
        assert!(page.contains("title=\"打印本书\""));
        // mdBook's template is cut in three: the index up to the header,
        // then the site's markup and the rest.
        assert!(read("index.hbs").ends_with("{{> header}}"));
        let header = read("header.hbs");
        assert!(header.trim_start().starts_with("<noscript></noscript>") && header.ends_with("{{> redirect}}"));
        let rest = header.replace("{{> redirect}}", &read("redirect.hbs"));
        assert!(page.ends_with(rest.trim_start().trim_start_matches("<noscript></noscript>")));
        assert!(!theme.has_language_picker(book.path(), &[]));
        // A theme with a header of its own, or a book with redirects, keeps
        // them.
        std::fs::write(book.path().join("theme/header.hbs"), "<p>Own</p>\n").expect("header");
        std::fs::write(book.path().join("theme/redirect.hbs"), "own redirect").expect("redirect");
        let mut html = HtmlConfig::default();
        html.redirect = [("/a.html".to_string(), "b.html".to_string())].into();
        let theme = BookTheme::of_book(book.path(), &html).expect("theme");
        let en = book.path().join("en-theme");
        let page = theme
            .write(&en, &Interface::english(), ("", "<nav></nav>"), false)
            .expect("write");
        let read = |name: &str| std::fs::read_to_string(en.join(name)).expect(name);
        assert_eq!(read("index.hbs"), page);
        assert_eq!(read("header.hbs"), "<p>Own</p>\n<nav></nav>");
        assert_eq!(read("redirect.hbs"), "own redirect");
        assert_eq!(
            std::fs::read_to_string(book.path().join("theme/redirect.hbs")).expect("theme's own"),
            "own redirect"
        );
    }

    #[test]
    fn a_picker_in_the_theme_or_a_script_is_found() {
        let book = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(book.path().join("theme")).expect("theme");
        std::fs::write(
            book.path().join("picker.js"),
            "let langList = document.getElementById(\"language-list\");",
        )
        .expect("script");
        let theme = BookTheme::of_book(book.path(), &HtmlConfig::default()).expect("theme");
        assert!(theme.has_language_picker(book.path(), &[PathBuf::from("picker.js")]));
        std::fs::write(
            book.path().join("theme/index.hbs"),
            "<button id=\"language-toggle\" class=\"icon-button\"></button>",
        )
        .expect("index");
        let theme = BookTheme::of_book(book.path(), &HtmlConfig::default()).expect("theme");
        assert!(theme.has_language_picker(book.path(), &[]));
        // The switcher of this tool is not a picker of the theme.
        std::fs::write(
            book.path().join("theme/index.hbs"),
            "<ul id=\"mdbook-translate-language-list\"></ul>",
        )
        .expect("index");
        let theme = BookTheme::of_book(book.path(), &HtmlConfig::default()).expect("theme");
        assert!(!theme.has_language_picker(book.path(), &[]));
    }
}
