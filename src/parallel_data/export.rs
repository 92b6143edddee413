//! Parallel data files that CreateParallelData accepts.
//!
//! - **CSV** (the `csv` crate): a first row of language codes, source
//!   first; fields quoted as RFC 4180 asks (when they hold a comma, a
//!   quote or a line break, quotes doubled).
//! - **TSV**: the same rows separated by tabs, unquoted, as Translate reads
//!   TSV; a field with a tab or a line break, or starting with `"`, cannot
//!   be written and its pair is dropped.
//! - **TMX** 1.4b (`quick-xml`): one `<tu>` per pair, a `<tuv xml:lang>`
//!   per language, the header's `srclang` the source.
//!
//! Every format drops a pair with a side over [`MAX_SEGMENT_BYTES`], or
//! with a control character XML cannot carry. CSV and TSV also drop a
//! pair with a field starting with `+`, `-`, `=` or `@`, which Translate
//! refuses as spreadsheet formula injection: escaping it (a leading space
//! or quote) would teach the engine text the book does not have, so the
//! pair is dropped and counted instead.

use super::pairs::MAX_SEGMENT_BYTES;
use super::report::DropReason;
use super::{Granularity, SentencePair};
use crate::language::LanguageTag;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::collections::BTreeMap;
use std::io;

/// What a writer wrote and what it left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportSummary {
    /// Pairs written.
    pub n_written: usize,
    /// Pairs left out, by reason.
    pub dropped: BTreeMap<DropReason, usize>,
}

/// Which rules a format adds to the service's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rules {
    Tabular { tabs: bool },
    Xml,
}

/// Why a field cannot be written in a format, if it cannot.
fn field_problem(field: &str, rules: Rules) -> Option<DropReason> {
    if field.len() > MAX_SEGMENT_BYTES {
        return Some(DropReason::TooLong);
    }
    if field
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Some(DropReason::ControlCharacter);
    }
    match rules {
        Rules::Tabular { .. } if field.starts_with(['+', '-', '=', '@']) => Some(DropReason::LeadingFormulaSign),
        Rules::Tabular { tabs: true } if field.contains(['\t', '\n', '\r']) || field.starts_with('"') => {
            Some(DropReason::NotTsvSafe)
        }
        _ => None,
    }
}

/// The pairs a format can carry; the others counted in `summary`.
fn writable<'a>(pairs: &'a [SentencePair], rules: Rules, summary: &mut ExportSummary) -> Vec<&'a SentencePair> {
    pairs
        .iter()
        .filter(|pair| {
            let problem = field_problem(&pair.source, rules).or_else(|| field_problem(&pair.target, rules));
            if let Some(reason) = problem {
                *summary.dropped.entry(reason).or_default() += 1;
            }
            problem.is_none()
        })
        .collect()
}

/// Writes `pairs` as CSV, after a row of the two language codes.
pub fn write_csv(
    out: impl io::Write,
    languages: [&LanguageTag; 2],
    pairs: &[SentencePair],
) -> io::Result<ExportSummary> {
    write_delimited(out, languages, pairs, b',')
}

/// Writes `pairs` as TSV, after a row of the two language codes.
pub fn write_tsv(
    out: impl io::Write,
    languages: [&LanguageTag; 2],
    pairs: &[SentencePair],
) -> io::Result<ExportSummary> {
    write_delimited(out, languages, pairs, b'\t')
}

fn write_delimited(
    out: impl io::Write,
    languages: [&LanguageTag; 2],
    pairs: &[SentencePair],
    delimiter: u8,
) -> io::Result<ExportSummary> {
    let tabs = delimiter == b'\t';
    let mut summary = ExportSummary::default();
    let rows = writable(pairs, Rules::Tabular { tabs }, &mut summary);
    let quote_style = if tabs {
        csv::QuoteStyle::Never
    } else {
        csv::QuoteStyle::Necessary
    };
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .quote_style(quote_style)
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    writer.write_record([languages[0].as_str(), languages[1].as_str()])?;
    for pair in rows {
        writer.write_record([pair.source.as_str(), pair.target.as_str()])?;
        summary.n_written += 1;
    }
    writer.flush()?;
    Ok(summary)
}

/// Writes `pairs` as a TMX 1.4b document.
pub fn write_tmx(
    out: impl io::Write,
    languages: [&LanguageTag; 2],
    pairs: &[SentencePair],
    granularity: Granularity,
) -> io::Result<ExportSummary> {
    let mut summary = ExportSummary::default();
    let units = writable(pairs, Rules::Xml, &mut summary);
    let mut writer = Writer::new_with_indent(out, b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let segtype = match granularity {
        Granularity::Sentence => "sentence",
        Granularity::Paragraph => "paragraph",
    };
    writer
        .create_element("tmx")
        .with_attribute(("version", "1.4"))
        .write_inner_content(|writer| {
            writer
                .create_element("header")
                .with_attributes([
                    ("creationtool", "mdbook-translate"),
                    ("creationtoolversion", env!("CARGO_PKG_VERSION")),
                    ("segtype", segtype),
                    ("o-tmf", "mdbook-translate"),
                    ("adminlang", "en"),
                    ("srclang", languages[0].as_str()),
                    ("datatype", "plaintext"),
                ])
                .write_empty()?;
            writer.create_element("body").write_inner_content(|writer| {
                for pair in &units {
                    write_unit(writer, languages, pair)?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
    writer.get_mut().write_all(b"\n")?;
    summary.n_written = units.len();
    Ok(summary)
}

fn write_unit<W: io::Write>(
    writer: &mut Writer<W>,
    languages: [&LanguageTag; 2],
    pair: &SentencePair,
) -> io::Result<()> {
    writer.create_element("tu").write_inner_content(|writer| {
        for (language, text) in languages.iter().zip([&pair.source, &pair.target]) {
            writer
                .create_element("tuv")
                .with_attribute(("xml:lang", language.as_str()))
                .write_inner_content(|writer| {
                    writer.create_element("seg").write_text_content(BytesText::new(text))?;
                    Ok(())
                })?;
        }
        Ok(())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests;
