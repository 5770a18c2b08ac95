//! SARIF 2.1.0, in the shape GitHub code scanning ingests.
//!
//! Rules carry a short and full description, help in markdown (how to revoke and rotate),
//! `tags` and a numeric `security-severity`; results carry a relative URI, a region, the
//! content fingerprint as `partialFingerprints` (so GitHub does not compute line-hash ones,
//! which fail for paths that exist only in history), and git provenance as properties. Other
//! occurrences of the same secret are `relatedLocations`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use serde_json::{Value, json};
use serde_sarif::sarif::{
    self, ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, PropertyBag, Region, ReportingDescriptor, ResultLevel, Run, Sarif, Tool,
    ToolComponent,
};

use crate::model::{Finding, Level, Notice, Occurrence, ScanOutcome};
use crate::rules::{Confidence, Rule, RuleSet, Severity};

/// Key of our fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "keysweepSecret/v1";
/// GitHub shows at most 1,000 locations per result.
const MAX_RELATED: usize = 999;

pub(crate) fn write(
    outcome: &ScanOutcome,
    rules: &RuleSet,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let log = build(outcome, rules);
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)?;
    Ok(())
}

pub(crate) fn build(outcome: &ScanOutcome, rules: &RuleSet) -> Sarif {
    // Only the rules that produced results, in id order; results point at them by index.
    let used: BTreeSet<&str> = outcome
        .findings
        .iter()
        .map(|f| f.rule_id.as_str())
        .collect();
    let used: Vec<&Rule> = used.into_iter().filter_map(|id| rules.get(id)).collect();
    let descriptors: Vec<ReportingDescriptor> = used.iter().map(|r| descriptor(r)).collect();
    let results: Vec<sarif::Result> = outcome
        .findings
        .iter()
        .map(|f| result(f, used.iter().position(|r| r.id == f.rule_id)))
        .collect();
    let successful = !outcome.notices.iter().any(|n| n.level == Level::Error);
    let invocation = Invocation::builder()
        .execution_successful(successful)
        .tool_execution_notifications(outcome.notices.iter().map(notification).collect::<Vec<_>>())
        .build();
    let driver = ToolComponent::builder()
        .name(env!("CARGO_PKG_NAME"))
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(env!("CARGO_PKG_HOMEPAGE"))
        .rules(descriptors)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .invocations(vec![invocation])
        .column_kind(json!("unicodeCodePoints"))
        .build();
    Sarif::builder()
        .schema(sarif::SCHEMA_URL)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

fn bag(tags: Option<Vec<String>>, properties: BTreeMap<String, Value>) -> PropertyBag {
    PropertyBag {
        tags,
        additional_properties: properties,
    }
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let mut markdown = format!("**{}**\n\n{}\n\n", rule.name, rule.description);
    let mut text = format!("{}\n\n", rule.description);
    if !rule.remediation.is_empty() {
        markdown.push_str(&format!(
            "### How to fix\n\n{}\n\n",
            rule.remediation.trim()
        ));
        text.push_str(&format!("How to fix: {}\n\n", rule.remediation.trim()));
    }
    markdown.push_str(
        "Removing the secret from the code does not un-leak it: anyone with a clone has it. \
         Revoke and rotate it first, then remove it from history if you must.\n",
    );
    if !rule.references.is_empty() {
        markdown.push_str("\n### References\n\n");
        for reference in &rule.references {
            markdown.push_str(&format!("- <{reference}>\n"));
        }
    }
    let properties = BTreeMap::from([
        (
            "security-severity".to_string(),
            json!(rule.severity.security_severity()),
        ),
        ("precision".to_string(), json!(precision(rule.confidence))),
        (
            "problem.severity".to_string(),
            json!(problem_severity(rule.severity)),
        ),
    ]);
    let tags = vec![
        "security".to_string(),
        "secret".to_string(),
        format!("external/keysweep/{}", rule.id),
    ];
    let mut descriptor = ReportingDescriptor::builder()
        .id(&rule.id)
        .name(&rule.name)
        .short_description(MultiformatMessageString::builder().text(&rule.name).build())
        .full_description(
            MultiformatMessageString::builder()
                .text(if rule.description.is_empty() {
                    &rule.name
                } else {
                    &rule.description
                })
                .build(),
        )
        .help(
            MultiformatMessageString::builder()
                .text(text.trim())
                .markdown(markdown)
                .build(),
        )
        .properties(bag(Some(tags), properties))
        .build();
    descriptor.help_uri = rule.references.first().cloned();
    descriptor
}

fn precision(confidence: Confidence) -> &'static str {
    match confidence {
        Confidence::High => "very-high",
        Confidence::Medium => "high",
        Confidence::Low => "medium",
    }
}

fn problem_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "recommendation",
    }
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low => ResultLevel::Note,
    }
}

/// `rule_index` is where the finding's rule stands among the run's rules, if it does.
fn result(finding: &Finding, rule_index: Option<usize>) -> sarif::Result {
    let primary = finding.primary();
    let related: Vec<Location> = finding
        .occurrences
        .iter()
        .skip(1)
        .take(MAX_RELATED)
        .enumerate()
        .map(|(i, o)| {
            let mut location = location(o);
            location.id = Some(i as i64 + 1);
            location.message = Some(Message::builder().text(occurrence_note(o)).build());
            location
        })
        .collect();
    let mut result = sarif::Result::builder()
        .rule_id(&finding.rule_id)
        .level(level(finding.severity))
        .message(Message::builder().text(message(finding)).build())
        .locations(vec![location(primary)])
        .partial_fingerprints(BTreeMap::from([(
            FINGERPRINT_KEY.to_string(),
            finding.fingerprint.clone(),
        )]))
        .properties(bag(None, properties(finding)))
        .build();
    result.rule_index = rule_index.map(|i| i as i64);
    if !related.is_empty() {
        result.related_locations = Some(related);
    }
    result
}

fn message(finding: &Finding) -> String {
    let primary = finding.primary();
    let mut text = format!("{} found in {}", finding.rule_name, primary.path);
    if let Some(commit) = &primary.commit {
        text.push_str(&format!(
            ", introduced in commit {} by {} on {}",
            commit.short_id(),
            commit.author_name,
            commit.date.get(..10).unwrap_or(&commit.date)
        ));
    }
    match finding.present_at_head {
        Some(false) if primary.unreachable => text.push_str(" (in an object no ref reaches)"),
        Some(false) => {
            text.push_str(" (history only: removed from the current tree, still in every clone)")
        }
        _ => {}
    }
    if finding.occurrences.len() > 1 {
        text.push_str(&format!("; {} occurrences", finding.occurrences.len()));
    }
    text.push_str(". Revoke and rotate it.");
    text
}

fn occurrence_note(o: &Occurrence) -> String {
    match &o.commit {
        Some(c) => format!("also in commit {}", c.short_id()),
        None => "also here".to_string(),
    }
}

fn properties(finding: &Finding) -> BTreeMap<String, Value> {
    let primary = finding.primary();
    let mut p = BTreeMap::from([
        ("secret".to_string(), json!(finding.secret)),
        ("confidence".to_string(), json!(finding.confidence)),
        ("entropy".to_string(), json!(finding.entropy)),
        ("occurrences".to_string(), json!(finding.occurrences.len())),
        ("source".to_string(), json!(primary.source)),
    ]);
    if let Some(paired) = &finding.paired_with {
        p.insert("pairedWithRule".into(), json!(paired.rule_id));
        p.insert("pairedWithSecret".into(), json!(paired.secret));
    }
    if let Some(valid) = finding.checksum_valid {
        p.insert("checksumValid".into(), json!(valid));
    }
    if let Some(present) = finding.present_at_head {
        p.insert("presentAtHead".into(), json!(present));
    }
    if let Some(validation) = &finding.validation {
        p.insert("validation".into(), json!(validation.status));
        if let Some(reason) = &validation.reason {
            p.insert("validationReason".into(), json!(reason));
        }
        if !validation.facts.is_empty() {
            p.insert("validationFacts".into(), json!(validation.facts));
        }
        if let Some(revoke) = &validation.revoke {
            p.insert("revokeUrl".into(), json!(revoke));
        }
    }
    if let Some(blob) = &primary.blob {
        p.insert("blob".into(), json!(blob));
    }
    if let Some(commit) = &primary.commit {
        p.insert("commit".into(), json!(commit.id));
        p.insert("commitAuthor".into(), json!(commit.author_name));
        p.insert("commitAuthorEmail".into(), json!(commit.author_email));
        p.insert("commitDate".into(), json!(commit.date));
        p.insert("commitSummary".into(), json!(commit.summary));
    }
    if !primary.refs.is_empty() {
        p.insert("refs".into(), json!(primary.refs));
        p.insert("refsTotal".into(), json!(primary.refs_total));
    }
    if primary.unreachable {
        p.insert("unreachable".into(), json!(true));
    }
    p
}

fn location(o: &Occurrence) -> Location {
    let region = Region::builder()
        .start_line(o.location.line as i64)
        .start_column(o.location.column as i64)
        .end_line(o.location.end_line as i64)
        .end_column(o.location.end_column as i64)
        .build();
    Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(ArtifactLocation::builder().uri(uri_path(&o.path)).build())
                .region(region)
                .build(),
        )
        .build()
}

/// A relative URI reference for a path: everything but unreserved characters and `/` is
/// percent-encoded (spaces, `#`, `%`, non-ASCII).
pub fn uri_path(path: &str) -> String {
    crate::http_url::percent_encode(path, b"-._~/")
}

fn notification(notice: &Notice) -> Notification {
    let level = match notice.level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
    };
    Notification::builder()
        .message(
            Message::builder()
                .text(format!("{}: {}", notice.subject, notice.message))
                .build(),
        )
        .level(json!(level))
        .properties(bag(
            None,
            BTreeMap::from([("kind".to_string(), json!(notice.kind.as_str()))]),
        ))
        .build()
}

#[cfg(test)]
mod tests {
    use super::{build, uri_path};
    use crate::model::Finding;
    use crate::model::ScanOutcome;
    use crate::rules::RuleSet;

    #[test]
    fn a_finding_read_back_points_at_its_own_rule() {
        let rules = RuleSet::builtin().unwrap();
        // Not the first rule: an index lost in (de)serialization must not become rule 0.
        let rule = &rules.rules[rules.rules.len() / 2];
        let json = format!(
            r#"{{"rule_id": "{}", "rule_name": "R", "severity": "low", "confidence": "low",
            "fingerprint": "f", "secret": "s", "entropy": 1.0, "occurrences": [{{"path": "a",
            "line": 1, "column": 1, "end_line": 1, "end_column": 2, "byte_start": 0,
            "byte_end": 1, "context": "s", "source": "file"}}]}}"#,
            rule.id
        );
        let finding: Finding = serde_json::from_str(&json).unwrap();
        let mut outcome = ScanOutcome::empty();
        outcome.findings = vec![finding];
        let log = serde_json::to_value(build(&outcome, &rules)).unwrap();
        let run = &log["runs"][0];
        let index = run["results"][0]["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            run["tool"]["driver"]["rules"][index]["id"],
            rule.id.as_str()
        );
    }

    #[test]
    fn uri_path_encodes_what_a_uri_cannot_hold() {
        assert_eq!(uri_path("src/a b#1.env"), "src/a%20b%231.env");
        assert_eq!(uri_path("dir/ü.txt"), "dir/%C3%BC.txt");
    }
}
