//! The elasticlunr index of a book's sections, built and written straight
//! to the JSON that mdBook's page code loads.
//!
//! The elasticlunr crate (which mdBook uses) keeps its inverted index as a
//! tree of maps, one node per character of every term, and copies each
//! document into a map of maps before serde writes them; on a small book
//! that was about half of the search work. Here the postings are kept per
//! term, and the tree is written from the sorted terms in one pass. What
//! is written is byte for byte what the crate would write for the same
//! documents (a test compares the two on real books), so the format stays
//! the one elasticlunr's JavaScript `Index.load` reads.

use super::tokenize::{self, Singles};
use super::{ENGLISH_PIPELINE, is_english};
use crate::language::LanguageTag;
use std::collections::HashMap;
use std::io::Write;

/// The documents of an index, their terms counted field by field.
pub struct IndexWriter<'a> {
    language: &'a LanguageTag,
    singles: Singles,
    ref_field: &'a str,
    fields: &'a [String],
    stemmer: Option<elasticlunr::pipeline::Pipeline>,
    /// Each document's reference and field values.
    docs: Vec<(String, Vec<String>)>,
    /// Per field (as `fields`), each term's documents (index into `docs`)
    /// and how often the term occurs there.
    postings: Vec<HashMap<String, Vec<(usize, u32)>>>,
    /// Per document, the number of terms of each field.
    lengths: Vec<Vec<usize>>,
}

impl<'a> IndexWriter<'a> {
    /// An empty index of documents with `fields`, referenced by
    /// `ref_field`, in `language`; `expand` is mdBook's prefix expansion.
    pub fn new(language: &'a LanguageTag, expand: bool, ref_field: &'a str, fields: &'a [String]) -> IndexWriter<'a> {
        IndexWriter {
            language,
            singles: if expand { Singles::Last } else { Singles::Every },
            ref_field,
            fields,
            stemmer: is_english(language).then(super::english_stemmer),
            docs: Vec::new(),
            postings: vec![HashMap::new(); fields.len()],
            lengths: Vec::new(),
        }
    }

    /// Adds the document `doc_ref` with a value per field. (References
    /// are distinct, as mdBook's are.)
    pub fn add_doc(&mut self, doc_ref: String, values: Vec<String>) {
        let doc = self.docs.len();
        let mut lengths = vec![0; self.fields.len()];
        for (field, value) in values.iter().enumerate().take(self.fields.len()) {
            if self.fields[field] == self.ref_field {
                continue;
            }
            let mut terms = tokenize::terms(value, self.singles);
            if let Some(stemmer) = &self.stemmer {
                terms = terms
                    .into_iter()
                    .filter_map(|term| super::stem(stemmer, term))
                    .collect();
            }
            lengths[field] = terms.len();
            let postings = &mut self.postings[field];
            for term in terms {
                // elasticlunr counts an empty term but does not index it.
                if term.is_empty() {
                    continue;
                }
                let docs = postings.entry(term).or_default();
                match docs.last_mut() {
                    Some((last, count)) if *last == doc => *count += 1,
                    _ => docs.push((doc, 1)),
                }
            }
        }
        self.lengths.push(lengths);
        self.docs.push((doc_ref, values));
    }

    /// Writes the index as elasticlunr's `Index` serializes to JSON.
    pub fn write(&self, out: &mut Vec<u8>) {
        // elasticlunr keeps documents in maps ordered by reference (as
        // text: "10" before "2"), fields in maps ordered by name.
        let mut by_ref: Vec<usize> = (0..self.docs.len()).collect();
        by_ref.sort_by(|&a, &b| self.docs[a].0.cmp(&self.docs[b].0));
        let mut rank = vec![0; self.docs.len()];
        for (position, &doc) in by_ref.iter().enumerate() {
            rank[doc] = position;
        }
        // The fields that are indexed (all but the reference), by name.
        let mut indexed: Vec<usize> = (0..self.fields.len())
            .filter(|&field| self.fields[field] != self.ref_field)
            .collect();
        indexed.sort_by(|&a, &b| self.fields[a].cmp(&self.fields[b]));

        out.extend_from_slice(b"{\"fields\":");
        json(out, &self.fields);
        out.extend_from_slice(b",\"pipeline\":");
        let pipeline: &[&str] = if self.stemmer.is_some() {
            &[ENGLISH_PIPELINE]
        } else {
            &[]
        };
        json(out, &pipeline);
        out.extend_from_slice(b",\"ref\":");
        json(out, &self.ref_field);
        out.extend_from_slice(b",\"version\":");
        json(out, &elasticlunr::ELASTICLUNR_VERSION);
        out.extend_from_slice(b",\"index\":{");
        let mut first = true;
        for &field in &indexed {
            comma(out, &mut first);
            json(out, &self.fields[field]);
            out.extend_from_slice(b":{\"root\":");
            let mut terms: Vec<(&str, Vec<(usize, u32)>)> = self.postings[field]
                .iter()
                .map(|(term, docs)| {
                    let mut docs = docs.clone();
                    docs.sort_by_key(|&(doc, _)| rank[doc]);
                    (term.as_str(), docs)
                })
                .collect();
            // Byte order of UTF-8 is the order of the characters, as the
            // tree's maps keep them.
            terms.sort_unstable_by(|a, b| a.0.cmp(b.0));
            self.write_node(out, &terms, 0);
            out.push(b'}');
        }
        out.extend_from_slice(b"},\"documentStore\":{\"save\":true,\"docs\":{");
        let mut first = true;
        for &doc in &by_ref {
            comma(out, &mut first);
            let (doc_ref, values) = &self.docs[doc];
            json(out, doc_ref);
            out.push(b':');
            // The reference is a field of the stored document too.
            let mut stored: Vec<(&str, &str)> = vec![(self.ref_field, doc_ref.as_str())];
            for (field, value) in self.fields.iter().zip(values) {
                match stored.iter_mut().find(|(name, _)| *name == field.as_str()) {
                    Some(entry) => entry.1 = value,
                    None => stored.push((field, value)),
                }
            }
            stored.sort_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            let mut first_field = true;
            for (name, value) in stored {
                comma(out, &mut first_field);
                json(out, &name);
                out.push(b':');
                json(out, &value);
            }
            out.push(b'}');
        }
        out.extend_from_slice(b"},\"docInfo\":{");
        let mut first = true;
        for &doc in &by_ref {
            comma(out, &mut first);
            json(out, &self.docs[doc].0);
            out.extend_from_slice(b":{");
            let mut first_field = true;
            for &field in &indexed {
                comma(out, &mut first_field);
                json(out, &self.fields[field]);
                let _ = write!(out, ":{}", self.lengths[doc][field]);
            }
            out.push(b'}');
        }
        let _ = write!(out, "}},\"length\":{}}},\"lang\":", self.docs.len());
        json(out, &self.language.canonical().to_string());
        out.push(b'}');
    }

    /// Writes the tree node of the terms of `terms` (sorted) that share
    /// their first `depth` bytes: the documents of the term that is that
    /// prefix, if one is, then a child per next character.
    fn write_node(&self, out: &mut Vec<u8>, terms: &[(&str, Vec<(usize, u32)>)], depth: usize) {
        let (own, rest) = match terms.first() {
            Some((term, docs)) if term.len() == depth => (Some(docs), &terms[1..]),
            _ => (None, terms),
        };
        out.extend_from_slice(b"{\"docs\":{");
        let mut first = true;
        for &(doc, count) in own.into_iter().flatten() {
            comma(out, &mut first);
            json(out, &self.docs[doc].0);
            out.extend_from_slice(b":{\"tf\":");
            json(out, &f64::from(count).sqrt());
            out.push(b'}');
        }
        let _ = write!(out, "}},\"df\":{}", own.map_or(0, Vec::len));
        let mut start = 0;
        while start < rest.len() {
            let next = next_char(rest[start].0, depth);
            let end = start
                + rest[start..]
                    .iter()
                    .take_while(|(term, _)| next_char(term, depth) == next)
                    .count();
            out.push(b',');
            json(out, &next);
            out.push(b':');
            self.write_node(out, &rest[start..end], depth + next.len());
            start = end;
        }
        out.push(b'}');
    }
}

/// The character of `term` that starts at byte `depth`.
fn next_char(term: &str, depth: usize) -> &str {
    let c = term[depth..].chars().next().map_or(0, char::len_utf8);
    &term[depth..depth + c]
}

/// A comma before every item but the first.
fn comma(out: &mut Vec<u8>, first: &mut bool) {
    if !std::mem::take(first) {
        out.push(b',');
    }
}

/// `value` as serde_json writes it (strings escaped, numbers formatted the
/// same way as in the crate's output).
fn json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Writing into a Vec<u8> cannot fail, nor can serializing strings,
    // string lists and finite numbers.
    let _ = serde_json::to_writer(out, value);
}
