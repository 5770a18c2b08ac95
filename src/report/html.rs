//! The HTML report: one self-contained page (no network, no CDN) that shows findings with
//! filters, charts and an exposure timeline, and, for a sweep store, lets the user mark findings
//! and take the triage home as commands or a file (`keysweep findings triage --from FILE`).
//!
//! The page is data plus a fixed script: findings go in as JSON inside a non-executable
//! `<script type="application/json">`, and the script renders every value with `textContent`,
//! never as markup, so a hostile path or commit message stays text. A Content-Security-Policy
//! allows only the page's own script and style (by hash) and no connection of any kind.

use std::collections::BTreeMap;
use std::io::Write;

use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::{CommitInfo, Finding, Notice, ScanOutcome, SourceKind, Status};
use crate::rules::RuleSet;

const SCRIPT: &str = include_str!("html/page.js");
const STYLE: &str = include_str!("html/page.css");

/// Locations listed per finding; the rest are counted (a secret copied into every fork of a
/// vendored file must not make the page too large to mail).
const MAX_LOCATIONS: usize = 20;

/// Everything the page shows, as its script reads it.
#[derive(Serialize)]
pub struct Page {
    title: String,
    tool: &'static str,
    version: &'static str,
    generated: String,
    /// `scan` or `sweep`: a sweep has repositories with states, and triage.
    kind: &'static str,
    /// Secrets appear whole (the user asked at generation time), else redacted.
    secrets_shown: bool,
    /// The store that `keysweep findings triage` commands should name; `None` for a scan,
    /// which has nothing to triage into.
    #[serde(skip_serializing_if = "Option::is_none")]
    triage_store: Option<String>,
    repositories: Vec<RepositoryRow>,
    findings: Vec<PageFinding>,
    notices: Vec<PageNotice>,
    rules: BTreeMap<String, PageRule>,
}

/// A repository as the page's table shows it.
#[derive(Serialize)]
pub struct RepositoryRow {
    /// Its name, as the sweep printed it.
    pub name: String,
    /// Clone URL or path.
    pub url: String,
    /// `scanned`, `failed`, `pending` (or `scanned` for a scan).
    pub state: String,
    /// Why it failed, or what is stale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When it was last scanned, ISO 8601.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scanned_at: Option<String>,
    /// Blobs (or files) its last scan looked at.
    pub blobs: u64,
    /// Bytes scanned.
    pub bytes: u64,
}

#[derive(Serialize)]
struct PageRule {
    name: String,
    provider: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    remediation: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<String>,
}

#[derive(Serialize)]
struct PageFinding {
    repository: String,
    rule: String,
    severity: String,
    confidence: String,
    fingerprint: String,
    secret: String,
    /// live, revoked, unknown, not checkable, not checked.
    validity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    validity_reason: Option<String>,
    /// What a live check learnt of the credential: account, user, scopes, expiry.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    identity: BTreeMap<String, String>,
    /// Live: where to revoke it.
    #[serde(skip_serializing_if = "Option::is_none")]
    revoke: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    checksum_valid: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    triage: Option<TriageMark>,
    /// CODEOWNERS owners of its path, else `author EMAIL`.
    owners: Vec<String>,
    /// Still in HEAD or the work tree (`None` outside a repository).
    #[serde(skip_serializing_if = "Option::is_none")]
    at_head: Option<bool>,
    /// The earliest commit that added it.
    #[serde(skip_serializing_if = "Option::is_none")]
    introduced: Option<Introduced>,
    /// The date of the latest commit that added it (again).
    #[serde(skip_serializing_if = "Option::is_none")]
    last_added: Option<String>,
    /// Gone from HEAD: the commit that removed it, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    removed: Option<Introduced>,
    #[serde(skip_serializing_if = "Option::is_none")]
    paired_with: Option<String>,
    context: String,
    locations: Vec<PageLocation>,
    /// Locations beyond those listed.
    more_locations: usize,
}

/// A commit as the page shows it.
#[derive(Serialize)]
struct Introduced {
    commit: String,
    author: String,
    email: String,
    date: String,
    summary: String,
}

/// A finding's triage status and note, from the store.
#[derive(Serialize)]
pub struct TriageMark {
    /// new, accepted, false-positive, revoked.
    pub status: String,
    /// Why, as the user wrote it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Serialize)]
struct PageLocation {
    path: String,
    line: usize,
    column: usize,
    source: SourceKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    introduced_as: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    refs: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    unreachable: bool,
}

#[derive(Serialize)]
struct PageNotice {
    repository: String,
    level: String,
    kind: String,
    subject: String,
    message: String,
}

impl Page {
    /// An empty page; `secrets_shown` says whether the findings given to it are unredacted
    /// (the caller redacts them, the page says which it is).
    pub fn new(title: impl Into<String>, kind_is_sweep: bool, secrets_shown: bool) -> Page {
        Page {
            title: title.into(),
            tool: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            generated: crate::utc::iso8601(crate::utc::now()),
            kind: if kind_is_sweep { "sweep" } else { "scan" },
            secrets_shown,
            triage_store: None,
            repositories: Vec::new(),
            findings: Vec::new(),
            notices: Vec::new(),
            rules: BTreeMap::new(),
        }
    }

    /// The store the page's triage commands name.
    pub fn triage_into(&mut self, store: &std::path::Path) {
        self.triage_store = Some(store.display().to_string());
    }

    /// A repository row.
    pub fn add_repository(&mut self, repository: RepositoryRow) {
        self.repositories.push(repository);
    }

    /// A finding of `repository`, with its triage when it comes from a store.
    pub fn add_finding(
        &mut self,
        repository: &str,
        finding: &Finding,
        triage: Option<TriageMark>,
        rules: &RuleSet,
    ) {
        self.rules
            .entry(finding.rule_id.clone())
            .or_insert_with(|| page_rule(finding, rules));
        let primary = finding.primary();
        let commits: Vec<_> = finding
            .occurrences
            .iter()
            .filter_map(|o| o.commit.as_ref())
            .collect();
        let first = commits.iter().min_by(|a, b| a.date.cmp(&b.date));
        let last = commits.iter().max_by(|a, b| a.date.cmp(&b.date));
        let (validity, validity_reason, identity) = match &finding.validation {
            Some(v) => (
                match v.status {
                    Status::Valid => "live",
                    Status::Invalid => "revoked",
                    Status::Error => "unknown",
                    Status::Unsupported => "not checkable",
                },
                v.reason.clone(),
                v.facts.clone(),
            ),
            None => ("not checked", None, BTreeMap::new()),
        };
        let owners = finding.owners();
        self.findings.push(PageFinding {
            repository: repository.to_string(),
            rule: finding.rule_id.clone(),
            severity: finding.severity.to_string(),
            confidence: finding.confidence.to_string(),
            fingerprint: finding.fingerprint.clone(),
            secret: finding.secret.clone(),
            validity,
            validity_reason,
            identity,
            revoke: finding.validation.as_ref().and_then(|v| v.revoke.clone()),
            checksum_valid: finding.checksum_valid,
            triage,
            owners,
            at_head: finding.present_at_head,
            introduced: first.map(|c| introduced(c)),
            last_added: last.map(|c| c.date.clone()),
            removed: finding
                .occurrences
                .iter()
                .filter_map(|o| o.removed.as_ref())
                .max_by(|a, b| a.date.cmp(&b.date))
                .filter(|_| finding.present_at_head == Some(false))
                .map(introduced),
            paired_with: finding.paired_with.as_ref().map(|p| p.rule_id.clone()),
            context: primary.context.clone(),
            locations: finding
                .occurrences
                .iter()
                .take(MAX_LOCATIONS)
                .map(|o| PageLocation {
                    path: o.path.clone(),
                    line: o.location.line,
                    column: o.location.column,
                    source: o.source,
                    commit: o.commit.as_ref().map(|c| c.id.clone()),
                    date: o.commit.as_ref().map(|c| c.date.clone()),
                    encoding: o.encoding.clone(),
                    introduced_as: o.introduced_as.clone(),
                    refs: o.refs.clone(),
                    unreachable: o.unreachable,
                })
                .collect(),
            more_locations: finding.occurrences.len().saturating_sub(MAX_LOCATIONS),
        });
    }

    /// A notice of `repository`.
    pub fn add_notice(&mut self, repository: &str, notice: &Notice) {
        self.notices.push(PageNotice {
            repository: repository.to_string(),
            level: format!("{:?}", notice.level).to_lowercase(),
            kind: notice.kind.to_string(),
            subject: notice.subject.clone(),
            message: notice.message.clone(),
        });
    }

    /// The page of one scan of `target` (a path, or `standard input`).
    pub fn of_scan(
        target: &str,
        outcome: &ScanOutcome,
        rules: &RuleSet,
        secrets_shown: bool,
    ) -> Page {
        let mut page = Page::new(format!("keysweep: {target}"), false, secrets_shown);
        page.add_repository(RepositoryRow {
            name: target.to_string(),
            url: target.to_string(),
            state: "scanned".to_string(),
            reason: None,
            scanned_at: Some(page.generated.clone()),
            blobs: outcome.stats.blobs + outcome.stats.files,
            bytes: outcome.stats.bytes,
        });
        for finding in &outcome.findings {
            page.add_finding(target, finding, None, rules);
        }
        for notice in &outcome.notices {
            page.add_notice(target, notice);
        }
        page
    }

    /// Writes the page: one HTML document with its data, style and script inline.
    pub fn write(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let data = script_safe_json(&serde_json::to_string(self)?);
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             script-src 'sha256-{script}'; style-src 'sha256-{style}'; img-src data:; \
             base-uri 'none'; form-action 'none'\">\n\
             <meta name=\"referrer\" content=\"no-referrer\">\n\
             <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
             <noscript>This report draws its tables with JavaScript; the data is in the \
             <code>keysweep-data</code> element of this file, as JSON.</noscript>\n\
             <script type=\"application/json\" id=\"keysweep-data\">{data}</script>\n\
             <script>{SCRIPT}</script>\n</body>\n</html>\n",
            script = sha256_base64(SCRIPT),
            style = sha256_base64(STYLE),
            title = html_text(&self.title),
        )?;
        Ok(())
    }
}

fn introduced(commit: &CommitInfo) -> Introduced {
    Introduced {
        commit: commit.id.clone(),
        author: commit.author_name.clone(),
        email: commit.author_email.clone(),
        date: commit.date.clone(),
        summary: commit.summary.clone(),
    }
}

fn page_rule(finding: &Finding, rules: &RuleSet) -> PageRule {
    match rules.get(&finding.rule_id) {
        Some(rule) => PageRule {
            name: rule.name.clone(),
            provider: rule.provider().to_string(),
            remediation: rule.remediation.clone(),
            references: rule.references.clone(),
        },
        // A store read under other rules: what the finding itself says.
        None => PageRule {
            name: finding.rule_name.clone(),
            provider: finding
                .rule_id
                .split('.')
                .next()
                .unwrap_or_default()
                .to_string(),
            remediation: String::new(),
            references: Vec::new(),
        },
    }
}

/// JSON that cannot end its `<script>` element early or open a comment: `<`, `>` and `&` as
/// `\u` escapes (JSON strings are the only place they can occur).
fn script_safe_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Text for an HTML element's content.
fn html_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The CSP source hash of an inline script or style.
fn sha256_base64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_json_cannot_close_its_script_element() {
        let json = serde_json::to_string("</script><script>alert(1)</script><!--").unwrap();
        let safe = script_safe_json(&json);
        assert!(!safe.contains('<') && !safe.contains('>'));
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, "</script><script>alert(1)</script><!--");
    }

    #[test]
    fn the_page_carries_its_script_hash_and_no_remote_source() {
        let page = Page::new("a <b> & c", false, false);
        let mut out = Vec::new();
        page.write(&mut out).unwrap();
        let html = String::from_utf8(out).unwrap();
        assert!(html.contains(&format!("'sha256-{}'", sha256_base64(SCRIPT))));
        assert!(html.contains("<title>a &lt;b&gt; &amp; c</title>"));
        assert!(html.contains("default-src 'none'"));
        // Nothing loaded from anywhere: no linked style, no script or image source.
        assert!(!html.contains("<link") && !html.contains(" src="));
    }
}
