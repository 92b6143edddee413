//! The HTML the aws backend sends for a book's distinct units, byte by
//! byte: text, escapes, and the markup that keeps units and placeholders
//! apart; and the requests it takes against the fewest the text allows.

use crate::books::{BookFacts, PlainBook, group};
use mdbook_translate::segment::tagged::{TaggedToken, parse_tagged, push_escaped};
use mdbook_translate::translate::html::{MAX_REQUEST_BYTES, pack_units, unit_html};

/// Bytes of the HTML sent, by what they are.
#[derive(Debug, Default)]
pub struct MarkupProfile {
    pub units: usize,
    /// Characters of text (what the service bills).
    pub chars: usize,
    /// UTF-8 bytes of the text itself, unescaped.
    pub text_bytes: usize,
    /// Bytes the escapes `&amp;` `&lt;` `&gt;` add.
    pub escape_bytes: usize,
    pub pairs: usize,
    pub pair_bytes: usize,
    pub placeholders: usize,
    pub placeholder_bytes: usize,
    /// The unit elements (`<p id>` … `</p>`).
    pub unit_bytes: usize,
    /// All HTML, as packed.
    pub html_bytes: usize,
    /// Requests the HTML is packed into.
    pub requests: usize,
}

/// Bytes of HTML `unit_html` writes for `tagged`, less those of `base`.
fn extra_bytes(tagged: &str, base: &str) -> usize {
    unit_html("u0", tagged).0.len() - unit_html("u0", base).0.len()
}

impl MarkupProfile {
    pub fn of(tagged: &[String]) -> MarkupProfile {
        let (pair_cost, placeholder_cost) = (extra_bytes("<g1>a</g1>", "a"), extra_bytes("a<x1/>", "a"));
        let mut profile = MarkupProfile {
            units: tagged.len(),
            ..MarkupProfile::default()
        };
        for unit in tagged {
            for token in parse_tagged(unit).unwrap_or_default() {
                match token {
                    TaggedToken::Text(text) => {
                        let mut escaped = String::new();
                        push_escaped(&mut escaped, &text);
                        profile.chars += text.chars().count();
                        profile.text_bytes += text.len();
                        profile.escape_bytes += escaped.len() - text.len();
                    }
                    TaggedToken::Open(_) => profile.pairs += 1,
                    TaggedToken::Placeholder(_) => profile.placeholders += 1,
                    TaggedToken::Close(_) => {}
                }
            }
        }
        profile.pair_bytes = profile.pairs * pair_cost;
        profile.placeholder_bytes = profile.placeholders * placeholder_cost;
        let units: Vec<&str> = tagged.iter().map(String::as_str).collect();
        let (documents, _) = pack_units(&units, MAX_REQUEST_BYTES, false);
        profile.requests = documents.len();
        profile.html_bytes = documents.iter().map(|d| d.html.len()).sum();
        profile.unit_bytes = profile.html_bytes
            - profile.text_bytes
            - profile.escape_bytes
            - profile.pair_bytes
            - profile.placeholder_bytes;
        profile
    }

    /// The fewest requests the text allows: its bytes ÷ 10,000.
    pub fn minimum_by_bytes(&self) -> usize {
        self.text_bytes.div_ceil(MAX_REQUEST_BYTES)
    }

    /// The fewest requests by billed characters ÷ 10,000.
    pub fn minimum_by_chars(&self) -> usize {
        self.chars.div_ceil(MAX_REQUEST_BYTES)
    }

    pub fn print(&self) {
        let share = |bytes: usize| 100.0 * bytes as f64 / self.html_bytes as f64;
        let row = |label: &str, count: String, bytes: usize| {
            println!(
                "  {label:<36} {count:>9} {:>11} B {:>6.1} %",
                group(bytes as u64),
                share(bytes)
            );
        };
        row("text", format!("{} ch", group(self.chars as u64)), self.text_bytes);
        row("escapes (&amp; &lt; &gt;)", String::new(), self.escape_bytes);
        row("unit elements <p id>…</p>", group(self.units as u64), self.unit_bytes);
        row("pairs (emphasis, links)", group(self.pairs as u64), self.pair_bytes);
        row(
            "placeholders (code, math, URLs…)",
            group(self.placeholders as u64),
            self.placeholder_bytes,
        );
        row("all HTML", String::new(), self.html_bytes);
        println!(
            "  HTML per byte of text: {:.3}; requests: {} against a minimum of {} by text bytes ({:.2}×), {} by characters ({:.2}×)",
            self.html_bytes as f64 / self.text_bytes as f64,
            self.requests,
            self.minimum_by_bytes(),
            self.requests as f64 / self.minimum_by_bytes() as f64,
            self.minimum_by_chars(),
            self.requests as f64 / self.minimum_by_chars() as f64,
        );
        println!(
            "  packing: {:.1} % of each request's 10,000 bytes used on average",
            100.0 * self.html_bytes as f64 / (self.requests * MAX_REQUEST_BYTES) as f64
        );
    }
}

pub fn run(plain: &PlainBook) {
    let book = plain.variant(&plain.translate_table(&["zh"], "aws", ""));
    let facts = BookFacts::of(book.path());
    println!("book: {} — {facts}", plain.spec);
    MarkupProfile::of(&facts.tagged).print();
}
