//! One walk over a book: every unit of every chapter, every chapter name and
//! part title, and the book's own texts, segmented once.
//!
//! Translating a book, exporting it to a PO file, importing a PO file and
//! `check` all start from a [`CollectedBook`], so they see the same units
//! and cannot drift apart, and a build that imports a changed PO file
//! segments each chapter once. No IO happens here.

use crate::segment::tagged::plain_to_tagged;
use crate::segment::{ChapterSegments, HeadingIds, SegmentOptions, extract_segments};
use mdbook_preprocessor::book::{Book, BookItem};
use std::sync::OnceLock;

/// Texts outside the chapters that are translated with them: the title and
/// description of book.toml.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BookTexts {
    /// `[book] title` of book.toml.
    pub title: Option<String>,
    /// `[book] description` of book.toml.
    pub description: Option<String>,
}

impl BookTexts {
    /// The title and the description, where book.toml has them.
    pub fn of_book(&self) -> impl Iterator<Item = &String> {
        [&self.title, &self.description].into_iter().flatten()
    }

    /// The texts of book.toml (as mdBook read it).
    pub fn of_book_toml(book_toml: &mdbook_preprocessor::config::Config) -> BookTexts {
        BookTexts {
            title: book_toml.book.title.clone(),
            description: book_toml.book.description.clone(),
        }
    }
}

/// One chapter with content, segmented.
#[derive(Debug, Clone)]
pub struct CollectedChapter {
    /// How messages name the chapter: its source file, else its path, else its name.
    pub label: String,
    /// Its source file relative to `src/`, the reference a PO file gives;
    /// `None` for a draft chapter, which has no content.
    pub source_file: Option<String>,
    /// Its segments and units.
    pub segments: ChapterSegments,
    /// mdBook's ids of its headings, computed when first asked for (once
    /// for every language that shares this collected book).
    heading_ids: OnceLock<HeadingIds>,
}

impl CollectedChapter {
    /// mdBook's ids of the headings of `content`, this chapter's markdown,
    /// with or without smart punctuation: computed once, then remembered.
    pub fn heading_ids(&self, content: &str, smart_punctuation: bool) -> &HeadingIds {
        self.heading_ids
            .get_or_init(|| HeadingIds::compute(content, smart_punctuation))
    }
}

/// A chapter name, part title, book text or alert title: plain text, one unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectedName {
    /// The text as the book has it.
    pub text: String,
    /// Its tagged text ([`name_to_tagged`]).
    pub tagged: String,
    /// Where it is: `book.toml`, `SUMMARY.md`, or the chapter that uses the alert.
    pub place: String,
}

/// Everything translatable in a book, in book order.
#[derive(Debug, Clone, Default)]
pub struct CollectedBook {
    /// The title and description of book.toml that hold words.
    pub book_texts: Vec<CollectedName>,
    /// One entry per book item, in the order [`Book::iter`] and
    /// [`for_each_item_mut`] visit them: the chapter's segments, or `None`
    /// for a part title or a separator.
    pub items: Vec<Option<CollectedChapter>>,
    /// The titles of the alerts the book uses ("Note"), each once, with the
    /// first chapter that uses it.
    pub alert_titles: Vec<CollectedName>,
    /// Chapter names and part titles that hold words, in book order, each as
    /// often as the book has it.
    pub names: Vec<CollectedName>,
}

impl CollectedBook {
    /// The chapters with content, in book order.
    pub fn chapters(&self) -> impl Iterator<Item = &CollectedChapter> {
        self.items.iter().flatten()
    }

    /// Every name: book texts, alert titles, chapter names and part titles.
    pub fn all_names(&self) -> impl Iterator<Item = &CollectedName> {
        self.book_texts.iter().chain(&self.alert_titles).chain(&self.names)
    }
}

/// Walks `book` once and segments every chapter with `options`.
pub fn collect_book(book: &Book, texts: &BookTexts, options: &SegmentOptions) -> CollectedBook {
    let mut collected = CollectedBook {
        book_texts: texts.of_book().filter_map(|text| name(text, "book.toml")).collect(),
        ..CollectedBook::default()
    };
    for item in book.iter() {
        match item {
            BookItem::Chapter(chapter) => {
                collected.names.extend(name(&chapter.name, "SUMMARY.md"));
                let source_file = chapter.source_path.as_ref().or(chapter.path.as_ref());
                let label = source_file.map_or_else(|| chapter.name.clone(), |p| p.display().to_string());
                let segments = extract_segments(&chapter.content, options);
                for title in &segments.alert_titles {
                    if !collected.alert_titles.iter().any(|known| known.text == *title) {
                        collected.alert_titles.extend(name(title, &label));
                    }
                }
                collected.items.push(Some(CollectedChapter {
                    source_file: source_file.map(|p| p.display().to_string()),
                    label,
                    segments,
                    heading_ids: OnceLock::new(),
                }));
            }
            BookItem::PartTitle(title) => {
                collected.names.extend(name(title, "SUMMARY.md"));
                collected.items.push(None);
            }
            BookItem::Separator => collected.items.push(None),
        }
    }
    collected
}

/// A name that holds words; `None` for one made of digits and punctuation.
fn name(text: &str, place: &str) -> Option<CollectedName> {
    text.chars().any(char::is_alphabetic).then(|| CollectedName {
        text: text.to_string(),
        tagged: name_to_tagged(text),
        place: place.to_string(),
    })
}

/// Chapter names and part titles are plain text: one unit each, white
/// space normalised.
pub fn name_to_tagged(name: &str) -> String {
    plain_to_tagged(name)
}

/// Calls `f` on every item of `book` in the order [`Book::iter`] visits
/// them (each chapter before its sub-chapters), so that the n-th call sees
/// the n-th item of [`CollectedBook::items`].
pub fn for_each_item_mut(book: &mut Book, f: &mut impl FnMut(&mut BookItem)) {
    fn walk(items: &mut [BookItem], f: &mut impl FnMut(&mut BookItem)) {
        for item in items {
            f(item);
            if let BookItem::Chapter(chapter) = item {
                walk(&mut chapter.sub_items, f);
            }
        }
    }
    walk(&mut book.items, f);
}

#[cfg(test)]
mod tests;
