//! Presenting an [`EvalReport`]: a plain-text table and a JSON object.

use super::{ChapterReport, Comparison, EvalReport, MetricKind, Scores};
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

/// Letters naming the systems in a comparison table.
const SYSTEM_LETTERS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn system_name(system: usize, n_systems: usize) -> String {
    if n_systems == 1 {
        return "hypothesis".to_owned();
    }
    SYSTEM_LETTERS
        .chars()
        .nth(system)
        .map_or_else(|| format!("#{}", system + 1), String::from)
}

/// Renders the report as a table: one row per chapter and one for the
/// corpus, then sacreBLEU's signatures, the comparison of systems and the
/// chapters that did not line up. `labels` names the systems (paths, say).
pub fn render_table(report: &EvalReport, labels: &[String]) -> String {
    let mut out = String::new();
    write_score_rows(&mut out, &score_rows(report));
    out.push('\n');
    write_signatures(&mut out, report, labels);
    write_comparisons(&mut out, report);
    write_misaligned_chapters(&mut out, report);
    out
}

/// The table's column names: each metric per system, then the differences
/// from the baseline when there are several systems.
fn table_header(report: &EvalReport) -> Vec<String> {
    let n_systems = report.n_systems;
    let mut header = vec!["chapter".to_owned(), "segments".to_owned()];
    for &metric in &report.metrics {
        if n_systems == 1 {
            header.push(metric.display_name().to_owned());
            if metric == MetricKind::Bleu {
                header.push("BLEU 0–1".to_owned());
            }
        } else {
            for system in 0..n_systems {
                header.push(format!("{} {}", metric.display_name(), system_name(system, n_systems)));
            }
            for system in 1..n_systems {
                header.push(if n_systems == 2 {
                    "Δ".to_owned()
                } else {
                    format!("Δ {}", system_name(system, n_systems))
                });
            }
        }
    }
    header
}

/// The header, a row per chapter and the corpus row, as cells.
fn score_rows(report: &EvalReport) -> Vec<Vec<String>> {
    let mut rows = vec![table_header(report)];
    for chapter in &report.chapters {
        let mut row = vec![chapter.path.clone()];
        if chapter.is_scored() {
            row.push(chapter.n_scored.to_string());
        } else {
            row.push("–".to_owned());
        }
        row.extend(score_cells(report, &chapter.scores));
        rows.push(row);
    }
    let mut corpus_row = vec!["corpus".to_owned(), report.n_segments.to_string()];
    corpus_row.extend(score_cells(report, &report.corpus));
    rows.push(corpus_row);
    rows
}

/// Writes `rows` in aligned columns, with a rule above the last (corpus) row.
fn write_score_rows(out: &mut String, rows: &[Vec<String>]) {
    let widths = column_widths(rows);
    for (r, row) in rows.iter().enumerate() {
        if r + 1 == rows.len() {
            let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
            let _ = writeln!(out, "{}", "─".repeat(total));
        }
        let _ = writeln!(out, "{}", format_row(row, &widths));
    }
}

/// Writes each system's corpus scores with sacreBLEU's signatures, naming
/// the systems when there are several.
fn write_signatures(out: &mut String, report: &EvalReport, labels: &[String]) {
    let n_systems = report.n_systems;
    for (system, scores) in report.corpus.iter().enumerate() {
        if n_systems > 1 {
            let label = labels.get(system).map_or("", String::as_str);
            let role = if system == 0 { " (baseline)" } else { "" };
            let _ = writeln!(out, "{} = {label}{role}", system_name(system, n_systems));
        }
        for (&metric, signature) in report.metrics.iter().zip(&report.signatures) {
            let Some(score) = scores.get(metric) else {
                continue;
            };
            let _ = write!(out, "{}|{signature} = {score:.2}", metric.display_name());
            if let (MetricKind::Bleu, Some(bleu)) = (metric, scores.bleu) {
                let _ = write!(out, " {} (0–1: {:.4})", bleu.verbose(), bleu.fraction());
            }
            out.push('\n');
        }
    }
}

/// Writes the paired bootstrap test of each system against the baseline.
fn write_comparisons(out: &mut String, report: &EvalReport) {
    for comparison in &report.comparisons {
        let _ = writeln!(
            out,
            "\npaired bootstrap over {} segments ({} resamples, seed {}):",
            comparison.n_segments, comparison.n_samples, comparison.seed
        );
        for result in &comparison.metrics {
            let _ = writeln!(
                out,
                "  {:<8} Δ = {:+.2} (95% {:+.2} … {:+.2})  p = {:.4}  baseline μ = {:.2} ± {:.2}  system μ = {:.2} ± {:.2}",
                result.metric.display_name(),
                result.difference,
                result.difference_low,
                result.difference_high,
                result.p_value,
                result.baseline_mean,
                result.baseline_ci,
                result.system_mean,
                result.system_ci,
            );
        }
    }
}

/// Writes the chapters whose sides did not line up, naming the system
/// when there are several.
fn write_misaligned_chapters(out: &mut String, report: &EvalReport) {
    let n_systems = report.n_systems;
    let issues: Vec<String> = report
        .chapters
        .iter()
        .flat_map(|chapter| {
            chapter.issues().into_iter().map(move |issue| {
                let who = match issue.system() {
                    Some(system) if n_systems > 1 => {
                        format!(" ({})", system_name(system, n_systems))
                    }
                    _ => String::new(),
                };
                format!("  {}{who}: {issue}", chapter.path)
            })
        })
        .collect();
    if !issues.is_empty() {
        out.push_str("\nchapters that do not line up:\n");
        for issue in issues {
            out.push_str(&issue);
            out.push('\n');
        }
    }
}

fn score_cells(report: &EvalReport, scores: &[Scores]) -> Vec<String> {
    let n_systems = report.n_systems;
    let mut cells = Vec::new();
    for &metric in &report.metrics {
        let values: Vec<Option<f64>> = (0..n_systems)
            .map(|system| scores.get(system).and_then(|scores| scores.get(metric)))
            .collect();
        for value in &values {
            cells.push(value.map_or_else(|| "–".to_owned(), |value| format!("{value:.2}")));
        }
        if n_systems == 1 {
            if metric == MetricKind::Bleu {
                cells.push(values[0].map_or_else(|| "–".to_owned(), |value| format!("{:.4}", value / 100.0)));
            }
        } else {
            for value in &values[1..] {
                cells.push(match (values[0], value) {
                    (Some(baseline), Some(value)) => format!("{:+.2}", value - baseline),
                    _ => "–".to_owned(),
                });
            }
        }
    }
    cells
}

fn column_widths(rows: &[Vec<String>]) -> Vec<usize> {
    let n_columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    (0..n_columns)
        .map(|column| {
            rows.iter()
                .filter_map(|row| row.get(column))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect()
}

fn format_row(row: &[String], widths: &[usize]) -> String {
    let cells: Vec<String> = row
        .iter()
        .zip(widths)
        .enumerate()
        .map(|(column, (cell, &width))| {
            let padding = " ".repeat(width.saturating_sub(cell.chars().count()));
            if column == 0 {
                format!("{cell}{padding}")
            } else {
                format!("{padding}{cell}")
            }
        })
        .collect();
    cells.join("  ").trim_end().to_owned()
}

/// Renders the report as one JSON object.
///
/// The top level carries the baseline's (first system's) corpus scores on
/// sacreBLEU's 0–100 scale under the metric keys (`bleu`, `chrf`, `chrf++`),
/// BLEU on the 0–1 scale as `bleu_fraction`, BLEU's details as
/// `bleu_detail` and the signatures under `signatures`; then `systems`
/// (every system's corpus scores), `chapters` and, with several systems,
/// `comparisons`.
pub fn report_json(report: &EvalReport, labels: &[String]) -> Value {
    let mut top = Map::new();
    if let Some(baseline) = report.corpus.first() {
        top.extend(scores_json(report, baseline));
    }
    top.insert(
        "signatures".to_owned(),
        Value::Object(
            report
                .metrics
                .iter()
                .zip(&report.signatures)
                .map(|(metric, signature)| (metric.key().to_owned(), json!(signature)))
                .collect(),
        ),
    );
    top.insert("n_segments".to_owned(), json!(report.n_segments));
    top.insert(
        "systems".to_owned(),
        report
            .corpus
            .iter()
            .enumerate()
            .map(|(system, scores)| {
                let mut entry = Map::new();
                entry.insert("label".to_owned(), json!(labels.get(system)));
                entry.extend(scores_json(report, scores));
                Value::Object(entry)
            })
            .collect(),
    );
    top.insert(
        "chapters".to_owned(),
        report
            .chapters
            .iter()
            .map(|chapter| chapter_json(report, chapter))
            .collect(),
    );
    if !report.comparisons.is_empty() {
        top.insert(
            "comparisons".to_owned(),
            report
                .comparisons
                .iter()
                .enumerate()
                .map(|(i, comparison)| comparison_json(comparison, labels.first(), labels.get(i + 1)))
                .collect(),
        );
    }
    Value::Object(top)
}

/// One chapter: its segment counts, each system's scores and its issues.
fn chapter_json(report: &EvalReport, chapter: &ChapterReport) -> Value {
    json!({
        "path": chapter.path,
        "reference_segments": chapter.n_reference_segments,
        "system_segments": chapter.n_system_segments,
        "scored_segments": chapter.n_scored,
        "scores": chapter
            .scores
            .iter()
            .map(|scores| Value::Object(scores_json(report, scores)))
            .collect::<Vec<_>>(),
        "issues": chapter
            .issues()
            .iter()
            .map(|issue| json!({ "system": issue.system(), "message": issue.to_string() }))
            .collect::<Vec<_>>(),
    })
}

/// One system's paired bootstrap test against the baseline.
fn comparison_json(comparison: &Comparison, baseline: Option<&String>, system: Option<&String>) -> Value {
    let mut entry = Map::new();
    entry.insert("baseline".to_owned(), json!(baseline));
    entry.insert("system".to_owned(), json!(system));
    entry.insert("samples".to_owned(), json!(comparison.n_samples));
    entry.insert("seed".to_owned(), json!(comparison.seed));
    for result in &comparison.metrics {
        entry.insert(result.metric.key().to_owned(), json!(result));
    }
    Value::Object(entry)
}

fn scores_json(report: &EvalReport, scores: &Scores) -> Map<String, Value> {
    let mut map = Map::new();
    for &metric in &report.metrics {
        map.insert(metric.key().to_owned(), json!(scores.get(metric)));
        if let (MetricKind::Bleu, Some(bleu)) = (metric, scores.bleu) {
            map.insert("bleu_fraction".to_owned(), json!(bleu.fraction()));
            map.insert(
                "bleu_detail".to_owned(),
                json!({
                    "precisions": bleu.precisions,
                    "brevity_penalty": bleu.brevity_penalty,
                    "ratio": bleu.ratio,
                    "hyp_len": bleu.stats.hyp_len,
                    "ref_len": bleu.stats.ref_len,
                    "verbose": bleu.verbose(),
                }),
            );
        }
    }
    map
}
