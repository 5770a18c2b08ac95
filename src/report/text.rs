//! Human-readable output: one block per finding, most useful facts first. Every piece of text
//! that came from the scanned bytes is escaped ([`crate::escape::text`]): a terminal must never
//! act on a control character a repository planted.

use std::io::Write;

use anstyle::{AnsiColor, Style};

use crate::escape::text as e;
use crate::model::{Finding, ScanOutcome, SourceKind, Status};
use crate::rules::Severity;

/// ANSI colours for a terminal, or plain text. Only keysweep's own words and already-escaped
/// text are painted, so colour never lets a scanned byte reach the terminal unescaped.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    on: bool,
}

impl Paint {
    /// Colours when `on` (the caller decides: a terminal, `--color`, `NO_COLOR`).
    pub fn new(on: bool) -> Paint {
        Paint { on }
    }

    /// Colours for a stream that `is_terminal`, unless `NO_COLOR` is set to anything or
    /// `TERM` is `dumb` (no-color.org).
    pub fn auto(is_terminal: bool) -> Paint {
        Paint::new(
            is_terminal
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb"),
        )
    }

    /// Whether colours are on.
    pub fn is_on(self) -> bool {
        self.on
    }

    fn paint(self, style: Style, text: &str) -> String {
        if self.on {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    fn severity(self, severity: Severity) -> String {
        let color = match severity {
            Severity::Critical => AnsiColor::Red,
            Severity::High => AnsiColor::Magenta,
            Severity::Medium => AnsiColor::Yellow,
            Severity::Low => AnsiColor::Blue,
        };
        self.paint(
            Style::new().bold().fg_color(Some(color.into())),
            &severity.to_string(),
        )
    }
}

/// Every finding of `outcome`, one block each.
pub fn write(outcome: &ScanOutcome, out: &mut dyn Write, paint: Paint) -> anyhow::Result<()> {
    for finding in &outcome.findings {
        write_finding(finding, out, paint)?;
    }
    let incomplete = outcome
        .notices
        .iter()
        .any(|n| n.level == crate::model::Level::Error);
    match (outcome.findings.is_empty(), incomplete) {
        (true, false) => writeln!(out, "No secrets found.")?,
        (true, true) => writeln!(
            out,
            "No secrets found in what could be read; part of the input could not be (see the errors)."
        )?,
        _ => {}
    }
    Ok(())
}

/// A secret as this report shows it: one of several lines (a PEM or other key file) by its
/// first and last lines, so a key does not fill the screen; JSON and SARIF keep it whole.
fn shown_secret(secret: &str) -> String {
    let lines: Vec<&str> = secret.lines().collect();
    match lines[..] {
        [first, .., last] if lines.len() > 2 => format!(
            "{} … {} ({} lines, {} bytes; whole in --format json)",
            e(first),
            e(last),
            lines.len(),
            secret.len()
        ),
        _ => e(secret).into_owned(),
    }
}

pub(crate) fn write_finding(
    finding: &Finding,
    out: &mut dyn Write,
    paint: Paint,
) -> std::io::Result<()> {
    let primary = finding.primary();
    writeln!(
        out,
        "{} ({}) severity={} confidence={}",
        paint.paint(Style::new().bold(), &e(&finding.rule_name)),
        e(&finding.rule_id),
        paint.severity(finding.severity),
        finding.confidence
    )?;
    writeln!(
        out,
        "  secret:      {}",
        paint.paint(
            Style::new().fg_color(Some(AnsiColor::Yellow.into())),
            &shown_secret(&finding.secret)
        )
    )?;
    writeln!(
        out,
        "  location:    {}:{}:{}",
        e(&primary.path),
        primary.location.line,
        primary.location.column
    )?;
    if let Some(old) = &primary.introduced_as {
        writeln!(out, "  introduced:  as {} (renamed since)", e(old))?;
    }
    if let Some(encoding) = &primary.encoding {
        writeln!(
            out,
            "  encoding:    {} (the location is the encoded text's)",
            e(encoding)
        )?;
    }
    if let Some(paired) = &finding.paired_with {
        writeln!(
            out,
            "  paired with: {} {}",
            e(&paired.rule_id),
            e(&paired.secret)
        )?;
    }
    let commits = [
        ("commit: ", &primary.commit),
        ("removed:", &primary.removed),
    ];
    for (label, commit) in commits {
        if let Some(commit) = commit {
            writeln!(
                out,
                "  {label}     {} {} <{}> {} \"{}\"",
                commit.short_id(),
                e(&commit.author_name),
                e(&commit.author_email),
                commit.date,
                e(&commit.summary)
            )?;
        }
    }
    if !primary.owners.is_empty() {
        writeln!(
            out,
            "  owners:      {} (CODEOWNERS)",
            e(&primary.owners.join(" "))
        )?;
    }
    if primary.source == SourceKind::Staged {
        writeln!(out, "  staged:      not yet committed")?;
    }
    if primary.unreachable {
        writeln!(
            out,
            "  reachable:   from no ref (dangling object {})",
            primary.blob.as_deref().unwrap_or("?")
        )?;
    } else if !primary.refs.is_empty() {
        let more = primary.refs_total.saturating_sub(primary.refs.len());
        let suffix = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        writeln!(
            out,
            "  refs:        {}{suffix}",
            e(&primary.refs.join(", "))
        )?;
    }
    match finding.present_at_head {
        Some(true) => writeln!(out, "  status:      present in the current tree")?,
        Some(false) if finding.occurrences.iter().all(|o| o.unreachable) => writeln!(
            out,
            "  status:      dangling: only in this repository's object database (no ref reaches it, so no push or clone carries it; `git gc` prunes it)"
        )?,
        Some(false) => writeln!(
            out,
            "  status:      history only (removed from the current tree, still in every clone)"
        )?,
        None => {}
    }
    if finding.checksum_valid == Some(true) {
        writeln!(
            out,
            "  offline:     format check passed (checksum or structure; no request made)"
        )?;
    }
    if let Some(v) = &finding.validation {
        let detail = match (&v.reason, v.identity()) {
            (Some(reason), _) => format!(": {reason}"),
            (None, Some(identity)) => format!(" ({identity})"),
            (None, None) => String::new(),
        };
        let status = match v.status {
            Status::Valid => paint.paint(
                Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
                "valid (live)",
            ),
            status => status.to_string(),
        };
        writeln!(out, "  validity:    {status}{}", e(&detail))?;
        if let Some(revoke) = &v.revoke {
            writeln!(out, "  revoke at:   {}", e(revoke))?;
        }
        // What --map-access listed (left out of the identity above).
        for (key, value) in &v.facts {
            if let Some(what) = key.strip_prefix("access.") {
                writeln!(out, "  reaches:     {}: {}", e(what), e(value))?;
            }
        }
    }
    writeln!(out, "  line:        {}", e(primary.context.trim()))?;
    if finding.occurrences.len() > 1 {
        writeln!(out, "  also in:")?;
        for other in finding.occurrences.iter().skip(1).take(10) {
            let commit = other
                .commit
                .as_ref()
                .map(|c| format!(" (commit {})", c.short_id()))
                .unwrap_or_default();
            writeln!(
                out,
                "    {}:{}{commit}",
                e(&other.path),
                other.location.line
            )?;
        }
        if finding.occurrences.len() > 11 {
            writeln!(out, "    ... and {} more", finding.occurrences.len() - 11)?;
        }
    }
    writeln!(out, "  fingerprint: {}", finding.fingerprint)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::shown_secret;

    #[test]
    fn colour_only_when_asked_and_around_escaped_text() {
        let paint = super::Paint::new(true);
        let painted = paint.severity(crate::rules::Severity::Critical);
        assert!(painted.starts_with("\x1b[") && painted.contains("critical"));
        assert_eq!(
            super::Paint::new(false).severity(crate::rules::Severity::Critical),
            "critical"
        );
    }

    #[test]
    fn a_key_file_shows_its_first_and_last_lines_and_its_size() {
        let key = "-----BEGIN EC PRIVATE KEY-----\nAAAA\nBBBB\n-----END EC PRIVATE KEY-----";
        assert_eq!(
            shown_secret(key),
            "-----BEGIN EC PRIVATE KEY----- … -----END EC PRIVATE KEY----- (4 lines, 69 bytes; whole in --format json)"
        );
        // One line stays whole, control characters escaped as everywhere in this report.
        assert_eq!(shown_secret("ghp_abc"), "ghp_abc");
        assert_eq!(shown_secret("a\x1bb"), "a\\x1bb");
    }
}
