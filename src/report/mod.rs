//! Reports: human text, JSON, JSON Lines and SARIF 2.1.0. Reports only format what a scan
//! produced; they know nothing of how it was scanned.

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
}

/// Writes `outcome` in `format`.
pub fn write(
    format: Format,
    outcome: &ScanOutcome,
    rules: &RuleSet,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match format {
        Format::Text => text::write(outcome, out)?,
        Format::Json => json::write(outcome, out)?,
        Format::Jsonl => json::write_lines(outcome, out)?,
        Format::Sarif => sarif::write(outcome, rules, out)?,
    }
    out.flush()?;
    Ok(())
}

/// One line saying what was scanned and found, for stderr.
pub fn summary_line(outcome: &ScanOutcome, seconds: f64) -> String {
    let s = &outcome.stats;
    let what = if outcome.repository {
        format!(
            "{} blobs, {} commit and tag messages and {} files",
            s.blobs, s.messages, s.files
        )
    } else {
        format!("{} files", s.files)
    };
    let errors = outcome
        .notices
        .iter()
        .filter(|n| n.level == crate::model::Level::Error)
        .count();
    let mut line = format!(
        "keysweep: {} finding{} in {what}, {:.1} MB scanned in {seconds:.2} s",
        outcome.findings.len(),
        if outcome.findings.len() == 1 { "" } else { "s" },
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
        line.push_str(&format!(
            "; {errors} error{} (see above)",
            if errors == 1 { "" } else { "s" }
        ));
    }
    line
}
