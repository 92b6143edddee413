use super::*;

#[track_caller]
fn check_round_trip(tagged: &str) {
    let (html, _) = unit_html("u3", tagged);
    let read = read_units(&html);
    assert_eq!(read.get("u3"), Some(&Ok(tagged.to_string())), "{html}");
}

#[test]
fn tagged_text_survives_the_trip_through_html() {
    check_round_trip("Plain sentence.");
    check_round_trip("Use <x1/> to <g2>build</g2> it.");
    check_round_trip("<g1>Nested <g2>pairs</g2> here</g1> and <x3/><x4/>.");
    check_round_trip("Escapes: a &lt; b &amp;&amp; c &gt; d.");
    check_round_trip("中文句子，<g1>强调</g1>。");
}

#[test]
fn placeholders_carry_no_code_and_pairs_become_spans() {
    let (html, n_chars) = unit_html("u0", "Run <x1/> <g2>now</g2>.");
    assert_eq!(
        html,
        r#"<p id=u0>Run <span data-x=1 translate=no></span> <span data-g=2>now</span>.</p>"#
    );
    assert_eq!(n_chars, "Run  now.".chars().count());
}

#[test]
fn an_id_that_html_cannot_leave_unquoted_is_quoted() {
    let (html, _) = unit_html("a b", "Text.");
    assert_eq!(html, r#"<p id="a b">Text.</p>"#);
    assert_eq!(read_units(&html)["a b"], Ok("Text.".to_string()));
    let (html, _) = unit_html("x=\"1\"", "Text.");
    assert_eq!(html, r#"<p id="x=&quot;1&quot;">Text.</p>"#);
    assert_eq!(read_units(&html)["x=\"1\""], Ok("Text.".to_string()));
}

#[test]
fn answers_with_quoted_attributes_read_as_unquoted_ones() {
    // An engine that writes the elements back with quotes (as the emulator does).
    let (html, _) = unit_html("u7", "Run <x1/> <g2>now</g2>.");
    let quoted = html
        .replace("=u7>", "=\"u7\">")
        .replace("=1 translate=no", "=\"1\" translate=\"no\"")
        .replace("=2>", "=\"2\">");
    assert_ne!(quoted, html);
    assert_eq!(read_units(&quoted)["u7"], Ok("Run <x1/> <g2>now</g2>.".to_string()));
}

#[test]
fn what_the_engine_does_to_the_markup_shows_in_the_tagged_text() {
    // Moved pairs, an added element, white space added between elements.
    let html = "<p id=\"u0\">\n  <span data-g=\"2\">Maintenant</span> exécutez <b>bien</b> \
                <span data-x=\"1\" translate=\"no\"></span>.\n</p>\n<p id=\"u1\">Deux</p>";
    let read = read_units(html);
    assert_eq!(read["u0"], Ok("<g2>Maintenant</g2> exécutez bien <x1/>.".to_string()));
    assert_eq!(read["u1"], Ok("Deux".to_string()));
    // A dropped element: the tags show it.
    let read = read_units("<p id=\"u0\">Sans balise.</p>");
    assert_eq!(read["u0"], Ok("Sans balise.".to_string()));
    // A unit the engine lost is absent.
    assert!(!read.contains_key("u1"));
}

#[test]
fn tags_dropped_duplicated_or_swapped_never_read_as_valid_markup() {
    let read = |html: &str| read_units(html).remove("u0").expect("unit 0");
    // A dropped end tag is not closed by the end of the unit.
    assert_eq!(
        read(r#"<p id="u0"><span data-g="1">a <span data-g="2">b</span> c</p>"#),
        Ok("<g1>a <g2>b</g2> c".to_string())
    );
    // A duplicated end tag closes nothing.
    assert_eq!(
        read(r#"<p id="u0"><span data-g="1">a <span data-g="2">b</span></span></span> c</p>"#),
        Err(BrokenMarkup::StrayEndTag)
    );
    // Swapped start and end.
    assert_eq!(
        read(r#"<p id="u0">a </span>b<span data-g="1"></p>"#),
        Err(BrokenMarkup::StrayEndTag)
    );
    // A unit whose end came before its text: empty.
    assert_eq!(read(r#"<p id="u0"></p>text"#), Ok(String::new()));
}

#[test]
fn units_are_packed_under_the_limit_in_order() {
    let units: Vec<String> = (0..50)
        .map(|n| format!("Sentence number {n} with some words."))
        .collect();
    let refs: Vec<&str> = units.iter().map(String::as_str).collect();
    let (documents, too_long) = pack_units(&refs, 300, false);
    assert!(too_long.is_empty());
    assert!(documents.len() > 1);
    assert!(documents.iter().all(|d| d.html.len() <= 300), "{documents:?}");
    let order: Vec<usize> = documents.iter().flat_map(|d| d.units.clone()).collect();
    assert_eq!(order, (0..50).collect::<Vec<_>>());
    // Each document reads back to its own units.
    for document in &documents {
        let read = read_units(&document.html);
        for index in &document.units {
            assert_eq!(read[&request_unit_id(*index)], Ok(units[*index].clone()));
        }
    }
    let total: usize = documents.iter().map(|d| d.n_chars).sum();
    assert_eq!(total, units.iter().map(|u| u.chars().count()).sum::<usize>());
}

#[test]
fn one_unit_per_document_and_units_too_long_for_any() {
    let long = "word ".repeat(3000);
    let units = ["Short one.", long.as_str(), "Short two."];
    let (documents, too_long) = pack_units(&units, MAX_REQUEST_BYTES, true);
    assert_eq!(
        documents.iter().map(|d| d.units.clone()).collect::<Vec<_>>(),
        [vec![0], vec![2]]
    );
    assert_eq!(too_long.len(), 1);
    assert_eq!(too_long[0].unit, 1);
    assert!(too_long[0].n_bytes > MAX_REQUEST_BYTES);
}

#[test]
fn a_paragraph_inside_a_unit_text_in_a_placeholder_or_a_repeated_unit_is_broken() {
    let read = |html: &str| read_units(html).remove("u0").expect("unit 0");
    // The inner paragraph's end does not end the unit: nothing is lost.
    assert_eq!(
        read(r#"<p id="u0">Erste <p>zweite</p> Rest.</p>"#),
        Ok("Erste zweite Rest.".to_string())
    );
    assert_eq!(
        read(r#"<p id="u0">Run <span data-x="1" translate="no">cargo</span> now.</p>"#),
        Err(BrokenMarkup::TextInPlaceholder)
    );
    assert_eq!(
        read(r#"<p id="u0">Eins.</p><p id="u0">Zwei.</p>"#),
        Err(BrokenMarkup::RepeatedUnit)
    );
    // An end tag of another element than the one open.
    assert_eq!(
        read(r#"<p id="u0"><span data-g="1">a <b>b</span></b></p>"#),
        Err(BrokenMarkup::StrayEndTag)
    );
}
