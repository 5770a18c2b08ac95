//! Baselines: the findings a team has already accepted, so a scan reports only new ones.
//!
//! A baseline records each finding's content fingerprint (a hash of rule id and secret) and
//! rule id: no secret, no path, no line number. A moved line or a renamed file therefore does
//! not resurrect a baselined finding, a new secret on a baselined line is still reported, and
//! merges do not conflict over churning line numbers. Entries that match nothing any more are
//! reported so the baseline can shrink.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::model::Finding;

const VERSION: u32 = 1;

/// A baseline file (`keysweep baseline create`, read with `--baseline`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Baseline {
    /// The file format's version; this keysweep reads version 1 only.
    pub version: u32,
    /// The accepted findings, sorted (as `load` and `from_findings` leave them).
    pub findings: Vec<Entry>,
}

/// One accepted finding.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    /// The finding's content fingerprint (see [`crate::finding::fingerprint`]): the only part
    /// compared with findings.
    pub fingerprint: String,
    /// The finding's rule, for people reading the file and for the note on an unused entry.
    pub rule_id: String,
}

impl Baseline {
    /// A baseline accepting every one of `findings`, sorted for stable diffs.
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|f| Entry {
                fingerprint: f.fingerprint.clone(),
                rule_id: f.rule_id.clone(),
            })
            .collect();
        entries.sort();
        entries.dedup();
        Baseline {
            version: VERSION,
            findings: entries,
        }
    }

    /// Reads and checks a baseline file; it need not be sorted.
    pub fn load(path: &Path) -> Result<Baseline> {
        // Often committed with the code, so read as a repository's file: bounded, and its
        // errors quote none of it.
        let text = crate::untrusted::read_capped(path)
            .with_context(|| format!("reading baseline {}", path.display()))?;
        let mut baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "parsing baseline {}: {}",
                path.display(),
                crate::untrusted::mask_quoted(&e.to_string(), &text)
            )
        })?;
        if baseline.version != VERSION {
            bail!(
                "baseline {} has version {}, this keysweep reads version {VERSION}",
                path.display(),
                baseline.version
            );
        }
        baseline.findings.sort(); // hand-edited files need not be sorted
        Ok(baseline)
    }

    /// The file's text: pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a baseline always serialises") + "\n"
    }

    /// Whether a finding with this fingerprint is accepted: a binary search of the sorted
    /// `findings`.
    pub fn contains(&self, fingerprint: &str) -> bool {
        self.findings
            .binary_search_by(|e| e.fingerprint.as_str().cmp(fingerprint))
            .is_ok()
    }
}
