//! Reports: human text, JSON, JSON Lines, SARIF 2.1.0 and a self-contained HTML page. Reports
//! only format what a scan produced; they know nothing of how it was scanned.

pub mod html;
pub mod json;
pub mod sarif;
pub mod text;

use std::io::Write;

use crate::model::ScanOutcome;
use crate::rules::RuleSet;

/// A scan report's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable blocks, one per finding.
    Text,
    /// One JSON document: tool, summary, findings and notices.
    Json,
    /// JSON Lines: one finding per line, nothing else.
    Jsonl,
    /// SARIF 2.1.0, as code scanning reads it.
    Sarif,
    /// One HTML page with filters, charts and a timeline (secrets redacted unless the caller
    /// gave them whole: see [`Subject::secrets_shown`]).
    Html,
}

/// What a report is about and how it is shown, for the formats that use it.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The path scanned, or `standard input`.
    pub target: &'a str,
    /// The findings hold their secrets whole (not redacted).
    pub secrets_shown: bool,
    /// The text report may use ANSI colours.
    pub color: bool,
}

/// Writes `outcome` in `format`.
pub fn write(
    format: Format,
    outcome: &ScanOutcome,
    rules: &RuleSet,
    subject: Subject,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match format {
        Format::Text => text::write(outcome, out, text::Paint::new(subject.color))?,
        Format::Json => json::write(outcome, out)?,
        Format::Jsonl => json::write_lines(outcome, out)?,
        Format::Sarif => sarif::write(outcome, rules, out)?,
        Format::Html => {
            html::Page::of_scan(subject.target, outcome, rules, subject.secrets_shown).write(out)?
        }
    }
    out.flush()?;
    Ok(())
}

/// One line saying what was scanned and found, for stderr.
pub fn summary_line(outcome: &ScanOutcome, seconds: f64) -> String {
    let s = &outcome.stats;
    use crate::plural::{count, plural};
    let files = count(s.files as usize, "file");
    let what = if outcome.repository {
        format!(
            "{}, {} and {files}",
            count(s.blobs as usize, "blob"),
            plural(
                s.messages as usize,
                "commit or tag message",
                "commit and tag messages"
            ),
        )
    } else {
        files
    };
    let errors = outcome
        .notices
        .iter()
        .filter(|n| n.level == crate::model::Level::Error)
        .count();
    let mut line = format!(
        "keysweep: {} in {what}, {:.1} MB scanned in {seconds:.2} s",
        count(outcome.findings.len(), "finding"),
        s.bytes as f64 / 1e6,
    );
    if s.skipped_binary + s.skipped_too_large > 0 {
        line.push_str(&format!(
            "; skipped {} binary and {} too large",
            s.skipped_binary, s.skipped_too_large
        ));
    }
    let hidden = &outcome.suppressed;
    let suppressed = hidden.allowlisted_paths + hidden.inline_allow + hidden.allowlisted_secrets;
    if suppressed > 0 {
        line.push_str(&format!(
            "; {suppressed} suppressed by allowlists (see the warning)"
        ));
    }
    if errors > 0 {
        line.push_str(&format!("; {} (see above)", count(errors, "error")));
    }
    line
}
