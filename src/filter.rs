//! Filters: what a team has decided is not a leak, applied to findings after scanning.
//!
//! In order: occurrences on allowlisted paths and on lines marked `keysweep:allow` (or
//! `gitleaks:allow`) go; findings left with no occurrence, or whose secret the config allows,
//! go; findings whose fingerprint is in the baseline go. Everything removed is counted and said
//! in a warning (a scanned repository's own config can allowlist, so what it hid must show), and
//! baseline entries that matched nothing are reported as notes.

use std::collections::HashSet;

use crate::baseline::Baseline;
use crate::config::Config;
use crate::model::{Finding, Notice, NoticeKind, Suppressed};
use crate::plural::count;

pub(crate) fn apply(
    findings: Vec<Finding>,
    config: &Config,
    baseline: Option<&Baseline>,
) -> (Vec<Finding>, Suppressed, Vec<Notice>) {
    let mut suppressed = Suppressed::default();
    let mut seen_in_baseline = HashSet::new();
    let mut kept = Vec::with_capacity(findings.len());
    for mut finding in findings {
        let before = finding.occurrences.len();
        finding
            .occurrences
            .retain(|o| !config.path_allowed(&o.path));
        suppressed.allowlisted_paths += before - finding.occurrences.len();
        let before = finding.occurrences.len();
        finding.occurrences.retain(|o| !o.allowed_inline);
        suppressed.inline_allow += before - finding.occurrences.len();
        if finding.occurrences.is_empty() {
            continue;
        }
        if config.secret_allowed(&finding.secret) {
            suppressed.allowlisted_secrets += 1;
            continue;
        }
        if let Some(baseline) = baseline
            && baseline.contains(&finding.fingerprint)
        {
            seen_in_baseline.insert(finding.fingerprint.clone());
            suppressed.baseline += 1;
            continue;
        }
        finding.refresh_presence();
        kept.push(finding);
    }
    let mut notices: Vec<Notice> = baseline
        .map(|b| {
            b.findings
                .iter()
                .filter(|e| !seen_in_baseline.contains(&e.fingerprint))
                .map(|e| {
                    Notice::note(
                        NoticeKind::Baseline,
                        format!("baseline {}", e.fingerprint),
                        format!(
                            "unused baseline entry ({}): it matches no finding any more; remove it",
                            e.rule_id
                        ),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    notices.extend(suppressed.notice(config));
    (kept, suppressed, notices)
}

impl Suppressed {
    /// A warning saying what the configuration and inline markers hid, if they hid anything.
    fn notice(&self, config: &Config) -> Option<Notice> {
        let by_config = self.allowlisted_paths + self.inline_allow + self.allowlisted_secrets;
        if by_config == 0 {
            return None;
        }
        let subject = config
            .source
            .as_ref()
            .map_or("allowlist".to_string(), |p| p.display().to_string());
        Some(Notice::warning(
            NoticeKind::Allowlist,
            subject,
            format!(
                "suppressed, and not in this report: {} on allowlisted paths, {} marked inline \
                 (keysweep:allow), {} with allowlisted secrets; {} in the baseline",
                count(self.allowlisted_paths, "occurrence"),
                self.inline_allow,
                count(self.allowlisted_secrets, "finding"),
                count(self.baseline, "finding")
            ),
        ))
    }
}
