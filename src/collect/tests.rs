use super::*;
use crate::segment::SegmentOptions;
use mdbook_preprocessor::book::Chapter;

fn options() -> SegmentOptions {
    SegmentOptions {
        mathjax: true,
        dollar_math: false,
        do_not_translate: Vec::new(),
        keep_email_addresses: true,
        source_language: "en".parse().expect("a language tag"),
        whole_segments: false,
    }
}

fn chapter(name: &str, content: &str, path: &str, sub_items: Vec<BookItem>) -> BookItem {
    let mut chapter = Chapter::new(name, content.to_string(), path, vec![]);
    chapter.sub_items = sub_items;
    BookItem::Chapter(chapter)
}

fn book() -> Book {
    Book::new_with_items(vec![
        chapter("Intro", "Hello.\n\n> [!NOTE]\n> Careful.\n", "intro.md", vec![]),
        BookItem::PartTitle("Part One".to_string()),
        chapter(
            "Parent",
            "Parent text.",
            "parent.md",
            vec![chapter(
                "Child",
                "> [!NOTE]\n> Again.\n\n> [!TIP]\n> Tip.\n",
                "child.md",
                vec![],
            )],
        ),
        BookItem::Separator,
        BookItem::Chapter(Chapter::new_draft("Draft 2", vec![])),
        BookItem::PartTitle("1.2".to_string()),
    ])
}

#[test]
fn items_follow_the_book_order_with_each_chapter_before_its_children() {
    let texts = BookTexts {
        title: Some("A Book".to_string()),
        description: Some("---".to_string()),
    };
    let collected = collect_book(&book(), &texts, &options());
    let labels: Vec<Option<&str>> = collected
        .items
        .iter()
        .map(|item| item.as_ref().map(|chapter| chapter.label.as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            Some("intro.md"),
            None,
            Some("parent.md"),
            Some("child.md"),
            None,
            Some("Draft 2"),
            None
        ]
    );
    let source_files: Vec<Option<&str>> = collected.chapters().map(|c| c.source_file.as_deref()).collect();
    assert_eq!(
        source_files,
        [Some("intro.md"), Some("parent.md"), Some("child.md"), None]
    );

    let names = |list: &[CollectedName]| -> Vec<(String, String)> {
        list.iter().map(|n| (n.text.clone(), n.place.clone())).collect()
    };
    let pair = |text: &str, place: &str| (text.to_string(), place.to_string());
    // Texts without words are not units.
    assert_eq!(names(&collected.book_texts), [pair("A Book", "book.toml")]);
    assert_eq!(
        names(&collected.alert_titles),
        [pair("Note", "intro.md"), pair("Tip", "child.md")]
    );
    assert_eq!(
        names(&collected.names),
        [
            pair("Intro", "SUMMARY.md"),
            pair("Part One", "SUMMARY.md"),
            pair("Parent", "SUMMARY.md"),
            pair("Child", "SUMMARY.md"),
            pair("Draft 2", "SUMMARY.md"),
        ]
    );
}

#[test]
fn the_mutable_walk_visits_items_in_the_collected_order() {
    let mut book = book();
    let collected = collect_book(&book, &BookTexts::default(), &options());
    let mut visited = Vec::new();
    for_each_item_mut(&mut book, &mut |item| {
        visited.push(match item {
            BookItem::Chapter(chapter) => Some(
                chapter
                    .source_path
                    .as_ref()
                    .map_or_else(|| chapter.name.clone(), |p| p.display().to_string()),
            ),
            _ => None,
        })
    });
    let collected_labels: Vec<Option<String>> = collected
        .items
        .iter()
        .map(|item| item.as_ref().map(|c| c.label.clone()))
        .collect();
    assert_eq!(visited, collected_labels);
}
