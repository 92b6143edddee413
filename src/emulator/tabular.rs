//! Terminology and parallel-data files: CSV, TSV and TMX, read into one table.
//!
//! CSV and TSV (the `csv` crate): the first row holds the language codes,
//! source first; every further row is one record. TMX (`quick-xml`): each
//! `<tu>` is a record, its `<tuv xml:lang>`/`<seg>` pairs the columns, the
//! header's `srclang` the first column.

use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::BTreeMap;

/// A file format Translate accepts for terminology and parallel data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Csv,
    Tsv,
    Tmx,
}

impl Format {
    pub(crate) fn parse(name: &str) -> Option<Format> {
        match name {
            "CSV" => Some(Format::Csv),
            "TSV" => Some(Format::Tsv),
            "TMX" => Some(Format::Tmx),
            _ => None,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Tsv => "TSV",
            Format::Tmx => "TMX",
        }
    }
}

/// What a record may hold.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Rules {
    /// Longest field in bytes; longer records fail.
    pub(crate) max_field_bytes: Option<usize>,
    /// Records with a field starting with `+ - = @` fail (parallel data).
    pub(crate) forbid_formula_prefix: bool,
}

/// A file read into columns by language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Table {
    /// Language codes, source first.
    pub(crate) languages: Vec<String>,
    /// Records, one field per language (empty where a TMX unit lacks one).
    pub(crate) rows: Vec<Vec<String>>,
    /// Records that broke the rules or had the wrong number of fields.
    pub(crate) failed: u64,
}

impl Table {
    /// The pairs from column `from` to column `to`, non-empty on both sides.
    pub(crate) fn pairs(&self, from: usize, to: usize) -> impl Iterator<Item = (&str, &str)> {
        self.rows
            .iter()
            .map(move |row| (row[from].as_str(), row[to].as_str()))
            .filter(|(a, b)| !a.is_empty() && !b.is_empty())
    }

    pub(crate) fn column(&self, language: &str) -> Option<usize> {
        self.languages.iter().position(|l| l == language)
    }
}

/// Reads a file; the error says why the file as a whole is unusable.
pub(crate) fn read_table(bytes: &[u8], format: Format, rules: Rules) -> Result<Table, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "the file is not UTF-8".to_string())?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut table = match format {
        Format::Csv => read_delimited(text, b',', true)?,
        Format::Tsv => read_delimited(text, b'\t', false)?,
        Format::Tmx => read_tmx(text)?,
    };
    if table.languages.len() < 2 || table.languages.iter().any(|l| l.is_empty() || l.len() > 5) {
        return Err(format!(
            "the header must name a source and at least one target language code, found {:?}",
            table.languages
        ));
    }
    let n_rows = table.rows.len();
    table.rows.retain(|row| follows_rules(row, rules));
    table.failed += (n_rows - table.rows.len()) as u64;
    Ok(table)
}

fn follows_rules(row: &[String], rules: Rules) -> bool {
    row.iter().all(|field| {
        let too_long = rules.max_field_bytes.is_some_and(|max| field.len() > max);
        let formula = rules.forbid_formula_prefix && field.starts_with(['+', '-', '=', '@']);
        !too_long && !formula
    })
}

fn read_delimited(text: &str, delimiter: u8, quoted: bool) -> Result<Table, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .quoting(quoted)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(error)) => return Err(format!("unreadable header: {error}")),
        None => return Err("the file is empty".to_string()),
    };
    let languages: Vec<String> = header.iter().map(|code| code.trim().to_string()).collect();
    let mut table = Table {
        languages,
        ..Table::default()
    };
    for record in records {
        match record {
            Ok(record) if record.len() == table.languages.len() => {
                table.rows.push(record.iter().map(str::to_string).collect());
            }
            Ok(record) if record.iter().all(str::is_empty) => {}
            _ => table.failed += 1,
        }
    }
    Ok(table)
}

/// Collects `<tu>` units as language → segment maps.
fn read_tmx(text: &str) -> Result<Table, String> {
    let mut reader = Reader::from_str(text);
    let mut source_language = None;
    let mut units: Vec<BTreeMap<String, String>> = Vec::new();
    let mut unit_language: Option<String> = None;
    let mut segment: Option<String> = None;
    let mut languages: Vec<String> = Vec::new();
    loop {
        let event = reader.read_event().map_err(|e| format!("invalid TMX: {e}"))?;
        match event {
            Event::Start(element) | Event::Empty(element) => match element.local_name().as_ref() {
                b"header" => source_language = attribute(&element, b"srclang"),
                b"tu" => units.push(BTreeMap::new()),
                b"tuv" => unit_language = attribute(&element, b"xml:lang").or_else(|| attribute(&element, b"lang")),
                b"seg" => segment = Some(String::new()),
                _ => {}
            },
            Event::Text(text) => {
                if let Some(segment) = &mut segment {
                    segment.push_str(&text.xml10_content().map_err(|e| format!("invalid TMX text: {e}"))?);
                }
            }
            Event::CData(data) => {
                if let Some(segment) = &mut segment {
                    segment.push_str(&String::from_utf8_lossy(&data));
                }
            }
            Event::GeneralRef(reference) => {
                if let Some(segment) = &mut segment {
                    segment.push_str(&resolve_reference(&reference)?);
                }
            }
            Event::End(element) if element.local_name().as_ref() == b"seg" => {
                if let (Some(text), Some(language), Some(unit)) = (segment.take(), &unit_language, units.last_mut()) {
                    if !languages.contains(language) {
                        languages.push(language.clone());
                    }
                    unit.insert(language.clone(), text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(source) = source_language.filter(|s| s != "*all*") {
        languages.retain(|l| *l != source);
        languages.insert(0, source);
    }
    let rows = units
        .into_iter()
        .map(|unit| {
            languages
                .iter()
                .map(|l| unit.get(l).cloned().unwrap_or_default())
                .collect()
        })
        .collect();
    Ok(Table {
        languages,
        rows,
        failed: 0,
    })
}

fn attribute(element: &quick_xml::events::BytesStart<'_>, name: &[u8]) -> Option<String> {
    let value = element.try_get_attribute(name).ok()??;
    value
        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .ok()
        .map(|v| v.into_owned())
}

fn resolve_reference(reference: &quick_xml::events::BytesRef<'_>) -> Result<String, String> {
    if reference.is_char_ref() {
        let c = reference
            .resolve_char_ref()
            .map_err(|e| format!("invalid TMX character reference: {e}"))?;
        return Ok(c.map(String::from).unwrap_or_default());
    }
    let name = reference.decode().map_err(|e| format!("invalid TMX entity: {e}"))?;
    quick_xml::escape::resolve_xml_entity(&name)
        .map(str::to_string)
        .ok_or_else(|| format!("unknown TMX entity &{name};"))
}
