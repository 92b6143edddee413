use super::*;

/// Asserts that `text` is refused at `line` with a message containing `needle`.
#[track_caller]
fn check_refused(text: &[u8], line: usize, needle: &str) {
    let error = parse_po_bytes(text).expect_err("refused");
    assert_eq!(error.line, line, "{error}");
    assert!(
        error.message.contains(needle),
        "{:?} should contain {needle:?}",
        error.message
    );
}

const HEADER: &str = "msgid \"\"\nmsgstr \"Language: zh\\n\"\n\n";

#[test]
fn every_part_of_an_entry_is_kept() {
    let text = format!(
        "# header comment\n{HEADER}# translator\n#. extracted\n#: a.md b.md\n#, fuzzy\n#| msgid \"Old.\"\nmsgid \"New.\"\nmsgstr \"新。\"\n\n#~ msgid \"Gone.\"\n#~ msgstr \"走了。\"\n"
    );
    let file = parse_po(&text).expect("parses");
    let entry = &file.entries[0];
    assert_eq!(entry.tcomment.as_deref(), Some("translator"));
    assert_eq!(entry.comment.as_deref(), Some("extracted"));
    assert_eq!(entry.occurrences.len(), 2);
    assert!(entry.fuzzy());
    assert_eq!(entry.previous_msgid.as_deref(), Some("Old."));
    assert!(file.entries[1].obsolete);
    let written = po_file_text(&file);
    let reread = parse_po(&written).expect("parses again");
    let without_lines = |file: &POFile| {
        let mut entries = file.entries.clone();
        entries.iter_mut().for_each(|entry| entry.linenum = 0);
        (entries, file.header.clone(), file.metadata.clone())
    };
    assert_eq!(without_lines(&reread), without_lines(&file));
    assert!(
        written.contains("#| msgid \"Old.\"") && written.contains("#~ msgid \"Gone.\""),
        "{written}"
    );
    assert!(written.contains("# header comment"), "{written}");
}

#[test]
fn msgctxt_after_an_entry_starts_a_new_entry() {
    // Regression: the hand-written parser let the second entry overwrite the first.
    let text = format!("{HEADER}msgid \"a\"\nmsgstr \"b\"\nmsgctxt \"c\"\nmsgid \"a\"\nmsgstr \"d\"\n");
    let file = parse_po(&text).expect("parses");
    let pairs: Vec<_> = file
        .entries
        .iter()
        .map(|e| (e.msgctxt.clone(), e.msgstr.clone()))
        .collect();
    assert_eq!(
        pairs,
        [
            (None, Some("b".to_string())),
            (Some("c".to_string()), Some("d".to_string()))
        ]
    );
}

#[test]
fn malformed_files_are_refused_with_their_line() {
    check_refused(
        format!("{HEADER}msgctxt \"x\"\nmsgstr \"y\"\n").as_bytes(),
        5,
        "no `msgid` before it",
    );
    check_refused(
        format!("{HEADER}msgid \"a\"\nmsgid \"b\"\nmsgstr \"y\"\n").as_bytes(),
        5,
        "every msgid needs its msgstr",
    );
    check_refused(
        format!("{HEADER}msgid \"a\\q\"\nmsgstr \"y\"\n").as_bytes(),
        4,
        "unknown escape `\\q`",
    );
    check_refused(
        format!("{HEADER}# c\n\"stray\"\n").as_bytes(),
        5,
        "no keyword before it",
    );
    check_refused(
        format!("{HEADER}msgid \"a\nmsgstr \"y\"\n").as_bytes(),
        4,
        "unterminated",
    );
    check_refused(
        format!("{HEADER}msgid \"a\" x\"\nmsgstr \"y\"\n").as_bytes(),
        4,
        "`\\\"`",
    );
}

#[test]
fn a_duplicate_msgid_is_refused_with_both_lines() {
    let text = format!("{HEADER}msgid \"a\"\nmsgstr \"b\"\n\nmsgid \"a\"\nmsgstr \"c\"\n");
    check_refused(text.as_bytes(), 7, "already the msgid of the entry at line 4");
    // The same msgid under another msgctxt, or obsolete, is another entry.
    let text = format!(
        "{HEADER}msgid \"a\"\nmsgstr \"b\"\n\nmsgctxt \"x\"\nmsgid \"a\"\nmsgstr \"c\"\n\n#~ msgid \"a\"\n#~ msgstr \"d\"\n"
    );
    assert_eq!(parse_po(&text).expect("parses").entries.len(), 3);
}

#[test]
fn latin_1_and_a_byte_order_mark_are_refused() {
    let mut latin1 = format!("{HEADER}msgid \"a\"\nmsgstr \"").into_bytes();
    latin1.extend_from_slice(b"se\xf1or\"\n");
    check_refused(&latin1, 5, "byte 0xF1 is not UTF-8");
    check_refused(format!("\u{feff}{HEADER}").as_bytes(), 1, "byte-order mark");
}

#[test]
fn a_new_file_passes_msgfmt_checks_of_its_header() {
    let text = po_file_text(&new_po_file("zh-TW"));
    for field in [
        "Language: zh-TW",
        "Content-Type: text/plain; charset=UTF-8",
        "MIME-Version: 1.0",
    ] {
        assert!(text.contains(field), "{text}");
    }
    assert!(parse_po(&text).expect("parses").entries.is_empty());
}

#[test]
fn long_strings_with_escapes_are_written_whole() {
    // Regression: wrapped at 78 columns, rspolib cut `\\` in two.
    let msgid = "you need to add _two extra_ backslashes (e.g., `\\begin{cases} \\frac 1 2 \\\\\\\\ \\frac 3 4\n> \\end{cases}`) \"quoted\" text.";
    let mut file = new_po_file("es");
    let mut entry = PoEntry::new(0);
    entry.msgid = msgid.to_string();
    entry.msgstr = Some(msgid.to_uppercase());
    file.entries.push(entry);
    let reread = parse_po(&po_file_text(&file)).expect("parses");
    assert_eq!(reread.entries[0].msgid, msgid);
    // Regression: rspolib's writer trimmed the end of every msgstr.
    let text = format!("{HEADER}msgid \"# bash\\n\"\nmsgstr \"# bàsh\\n\"\n");
    let file = parse_po(&text).expect("parses");
    assert!(
        po_file_text(&file).ends_with("msgid \"# bash\\n\"\nmsgstr \"# bàsh\\n\"\n"),
        "{}",
        po_file_text(&file)
    );
}

#[test]
fn a_file_without_a_header_comment_is_written_back_byte_for_byte() {
    // Regression: rspolib's writer put an empty `#` comment line first.
    let text = "msgid \"\"\nmsgstr \"\"\n\"Language: zh\\n\"\n\n#: a.md\nmsgid \"One.\"\nmsgstr \"一。\"\n";
    assert_eq!(po_file_text(&parse_po(text).expect("parses")), text);
    let commented = format!("#\n{text}");
    assert_eq!(po_file_text(&parse_po(&commented).expect("parses")), commented);
}
