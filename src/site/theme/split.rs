//! mdBook's page template cut in up to three, for a faster compile.
//!
//! handlebars finds the line and column of every token of a template by
//! counting characters from the template's start, so compiling `index.hbs`
//! costs about the square of its length: 7 ms for mdBook's own, most of a
//! small book's render, paid again by every language. mdBook compiles three
//! templates that a page may call by name: `index`, the `header` partial,
//! which `index` includes, and `redirect`, which mdBook renders only for the
//! book's `[output.html.redirect]` entries. Cut at the right places, the
//! page template becomes `index` up to the `{{> header}}` line, then
//! `header` (this tool's header markup, then the template up to a cut near
//! the middle of the rest), then `redirect` (the rest), each calling the
//! next at its end; compiling the three takes less than half the time.
//!
//! The pages come out byte for byte as from the whole template when:
//! - the cuts are at line starts outside any block, tag or comment, with no
//!   `~` whitespace control reaching across them;
//! - the `{{> header}}` line holds the call alone, and the theme's own
//!   `header.hbs` renders nothing (mdBook's, a comment): this tool's markup
//!   then takes its place, with the indentation handlebars gives it there;
//! - the template does not end on a tag (a template's end counts as a line
//!   end for a standalone tag, a partial's does not).
//!
//! A partial renders in the context of its call, and the calls are made
//! outside any block, so every expression reads the same data. Templates
//! this scanner does not fully understand (raw blocks, escaped braces,
//! inline partials, partial blocks) are left whole.
//!
//! Written here rather than taken from a crate: the cut must follow
//! handlebars' own rules for standalone lines, which no parser exposes.

use regex::Regex;
use std::sync::LazyLock;

/// The page template as the templates it was cut into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutTemplate {
    /// The page template up to its `{{> header}}` line, then that call.
    pub index: String,
    /// The header markup, then the template after the `{{> header}}` line
    /// (up to the cut into `redirect`, then that call, when there is one).
    pub header: String,
    /// The rest of the template, when it was cut a second time.
    pub redirect: Option<String>,
}

/// A mustache tag of the template: its byte range and what it does to the
/// block depth.
#[derive(Debug, Clone, Copy)]
struct Tag {
    start: usize,
    end: usize,
    /// +1 opens a block, -1 closes one.
    depth_change: i32,
    /// `{{~`: trims the white space before it.
    trims_before: bool,
    /// `~}}`: trims the white space after it.
    trims_after: bool,
}

/// The body of a `{{> header}}` call with nothing else.
static HEADER_CALL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\{\{>\s*header\s*\}\}$").expect("valid regex"));

/// Cuts `template` (a theme's `index.hbs`) for a book whose header partial
/// is `header`; with `into_redirect`, a second time into the `redirect`
/// template (only for a book with no `[output.html.redirect]` entries).
/// `None` when the template cannot be cut safely.
pub fn cut_page_template(template: &str, header: &str, into_redirect: bool) -> Option<CutTemplate> {
    let cuts = Cuts::of(template)?;
    let second = into_redirect.then(|| cuts.nearest(cuts.middle())).flatten();
    Some(cuts.cut(header, second))
}

/// Where a page template can be cut.
#[derive(Debug)]
struct Cuts<'t> {
    template: &'t str,
    /// The start of the `{{> header}}` line and of the line after it.
    header_line: (usize, usize),
    /// The line starts after the `{{> header}}` line where the template
    /// can be cut a second time.
    second: Vec<usize>,
}

impl<'t> Cuts<'t> {
    fn of(template: &'t str) -> Option<Cuts<'t>> {
        let tags = scan(template)?;
        let last = tags.last()?;
        if template[last.end..].trim().is_empty() {
            return None;
        }
        let depths = depths_before(&tags)?;
        let calls: Vec<usize> = (0..tags.len())
            .filter(|&i| HEADER_CALL.is_match(&template[tags[i].start..tags[i].end]))
            .collect();
        let [call] = calls[..] else {
            return None;
        };
        let (line_start, line_end) = line_around(template, tags[call].start, tags[call].end)?;
        if depths[call] != 0 || !is_clean_cut(template, &tags, line_start) || !is_clean_cut(template, &tags, line_end) {
            return None;
        }
        let depth_at = |at: usize| {
            depths
                .get(tags.partition_point(|tag| tag.start < at))
                .copied()
                .unwrap_or(0)
        };
        let second = template[line_end..]
            .match_indices('\n')
            .map(|(i, _)| line_end + i + 1)
            .filter(|&at| at < template.len() && depth_at(at) == 0 && is_clean_cut(template, &tags, at))
            .collect();
        Some(Cuts {
            template,
            header_line: (line_start, line_end),
            second,
        })
    }

    /// The middle of the template after the `{{> header}}` line.
    fn middle(&self) -> usize {
        let from = self.header_line.1;
        from + (self.template.len() - from) / 2
    }

    /// The second cut nearest `at`.
    fn nearest(&self, at: usize) -> Option<usize> {
        self.second.iter().copied().min_by_key(|cut| cut.abs_diff(at))
    }

    /// The templates, with `header` before the part after the `{{> header}}`
    /// line, cut a second time at `second` (one of [`Cuts::second`]).
    fn cut(&self, header: &str, second: Option<usize>) -> CutTemplate {
        let template = self.template;
        let (line_start, line_end) = self.header_line;
        // Indented as handlebars indents a partial called on a line of its own.
        let indent = &template[line_start..line_start + template[line_start..].find("{{").unwrap_or(0)];
        let header = indented(header, indent);
        let index = format!("{}{{{{> header}}}}", &template[..line_start]);
        match second {
            Some(cut) => CutTemplate {
                index,
                header: format!("{header}{}{{{{> redirect}}}}", &template[line_end..cut]),
                redirect: Some(template[cut..].to_string()),
            },
            None => CutTemplate {
                index,
                header: format!("{header}{}", &template[line_end..]),
                redirect: None,
            },
        }
    }
}

/// `text` with `indent` at the start of every line but an empty last one.
fn indented(text: &str, indent: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if !(i == 0 && line.starts_with('\n')) {
            out.push_str(indent);
        }
        out.push_str(line);
    }
    out
}

/// The mustache tags of `template`, comments included; `None` for what
/// this module leaves whole.
fn scan(template: &str) -> Option<Vec<Tag>> {
    let mut tags = Vec::new();
    let mut at = 0;
    while let Some(found) = template[at..].find("{{") {
        let start = at + found;
        let rest = &template[start..];
        if rest.starts_with("{{{{") || template[..start].ends_with('\\') {
            return None;
        }
        let end = if rest.starts_with("{{!--") {
            start + rest.find("--}}")? + 4
        } else if rest.starts_with("{{!") {
            start + rest.find("}}")? + 2
        } else {
            start + tag_length(rest)?
        };
        let body = template[start + 2..end - 2]
            .trim_start_matches('{')
            .trim_end_matches('}');
        let trims_before = body.starts_with('~');
        let trims_after = body.ends_with('~');
        let body = body.trim_start_matches('~').trim_start();
        let depth_change = match body.chars().next() {
            Some('#') if body.starts_with("#*") || body.starts_with("#>") => return None,
            Some('#') => 1,
            Some('^') if body.trim_end_matches('~').trim() != "^" => 1,
            Some('/') => -1,
            _ => 0,
        };
        tags.push(Tag {
            start,
            end,
            depth_change,
            trims_before,
            trims_after,
        });
        at = end;
    }
    Some(tags)
}

/// The length of the tag `rest` starts with, up to its closing braces
/// (`}}`, or `}}}` for a triple-stash), skipping quoted strings.
fn tag_length(rest: &str) -> Option<usize> {
    let triple = rest.starts_with("{{{");
    let mut quote = None;
    for (i, c) in rest.char_indices().skip(2) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if rest[i..].starts_with("}}") => {
                let close = if triple && rest[i..].starts_with("}}}") { 3 } else { 2 };
                return Some(i + close);
            }
            None => {}
        }
    }
    None
}

/// The block depth at each tag; `None` when the blocks do not balance.
fn depths_before(tags: &[Tag]) -> Option<Vec<i32>> {
    let mut depth = 0;
    let mut depths = Vec::with_capacity(tags.len());
    for tag in tags {
        depths.push(depth);
        depth += tag.depth_change;
        if depth < 0 {
            return None;
        }
    }
    (depth == 0).then_some(depths)
}

/// The start of the line holding `start..end` and the start of the next
/// line, when that line holds nothing else but spaces and tabs.
fn line_around(template: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let line_start = template[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = &template[line_start..start];
    let after_end = end + template[end..].find('\n')? + 1;
    let after = template[end..after_end].trim_end_matches(['\n', '\r']);
    let blank = |s: &str| s.chars().all(|c| c == ' ' || c == '\t');
    (blank(before) && blank(after)).then_some((line_start, after_end))
}

/// Whether a cut at `at` (a line start) is outside every tag and no `~`
/// reaches across it.
/// (`tags` are in order and do not overlap, so the two around `at` are
/// found by bisection: this runs for every line of the template.)
fn is_clean_cut(template: &str, tags: &[Tag], at: usize) -> bool {
    let next = tags.partition_point(|tag| tag.start < at);
    let before = next.checked_sub(1).map(|i| &tags[i]);
    if before.is_some_and(|tag| at < tag.end) {
        return false;
    }
    let white = |s: &str| s.chars().all(char::is_whitespace);
    !before.is_some_and(|tag| tag.trims_after && white(&template[tag.end..at]))
        && !tags
            .get(next)
            .is_some_and(|tag| tag.trims_before && white(&template[at..tag.start]))
}

#[cfg(test)]
mod tests;
