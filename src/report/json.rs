//! JSON (one document) and JSON Lines (one finding per line).

use std::io::Write;

use serde::Serialize;

use crate::model::{Finding, Notice, ScanOutcome, Stats};

#[derive(Serialize)]
struct Document<'a> {
    tool: Tool,
    summary: Summary<'a>,
    findings: &'a [Finding],
    notices: &'a [Notice],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary<'a> {
    findings: usize,
    repository: bool,
    #[serde(flatten)]
    stats: &'a Stats,
    suppressed: &'a crate::model::Suppressed,
}

pub(crate) fn write(outcome: &ScanOutcome, out: &mut dyn Write) -> anyhow::Result<()> {
    let document = Document {
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            findings: outcome.findings.len(),
            repository: outcome.repository,
            stats: &outcome.stats,
            suppressed: &outcome.suppressed,
        },
        findings: &outcome.findings,
        notices: &outcome.notices,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)?;
    Ok(())
}

pub(crate) fn write_lines(outcome: &ScanOutcome, out: &mut dyn Write) -> anyhow::Result<()> {
    for finding in &outcome.findings {
        serde_json::to_writer(&mut *out, finding)?;
        writeln!(out)?;
    }
    Ok(())
}
