//! The triage file that the HTML report's page downloads: the marks a user made there, for
//! `keysweep findings triage --from FILE` to apply to the store (the page cannot write it).

use std::path::Path;

use anyhow::{Result, bail};
use serde::Deserialize;

use super::TriageChange;

/// The only version of the file there is.
const VERSION: u32 = 1;

/// The file as the page writes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriageFile {
    /// The file's version.
    keysweep_triage: u32,
    /// The store the page was made from (for the user's information).
    #[serde(default)]
    pub store: Option<String>,
    /// One change per finding.
    pub changes: Vec<TriageChange>,
}

impl TriageFile {
    /// Reads a triage file. Errors give a line and column, never the file's text: it may
    /// have been edited into anything.
    pub fn read(path: &Path) -> Result<TriageFile> {
        let bytes = crate::untrusted::read_capped_bytes(path, crate::untrusted::MAX_FILE)?;
        let file: TriageFile = serde_json::from_slice(&bytes).map_err(|e| {
            anyhow::anyhow!(
                "{} is not a keysweep triage file ({:?} error at line {}, column {})",
                path.display(),
                e.classify(),
                e.line(),
                e.column()
            )
        })?;
        if file.keysweep_triage != VERSION {
            bail!(
                "{} is a triage file of version {}; this keysweep reads version {VERSION}",
                path.display(),
                file.keysweep_triage
            );
        }
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<TriageFile> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("triage.json");
        std::fs::write(&path, text).unwrap();
        TriageFile::read(&path)
    }

    #[test]
    fn reads_the_pages_file_and_refuses_others_without_quoting_them() {
        let file = read(
            r#"{"keysweep_triage": 1, "store": "k.db", "changes": [
                {"fingerprint": "0123456789abcdef", "status": "accepted", "note": "test key"},
                {"fingerprint": "fedcba9876543210", "status": "false-positive"}]}"#,
        )
        .unwrap();
        assert_eq!(file.changes.len(), 2);
        assert_eq!(
            file.changes[1].status,
            crate::store::TriageStatus::FalsePositive
        );

        let error = read(r#"{"keysweep_triage": 1, "changes": [{"fingerprint": "ab", "status": "sk_live_SECRETVALUE"}]}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("line 1"), "{error}");
        assert!(!error.contains("SECRETVALUE"), "{error}");

        let error = read(r#"{"keysweep_triage": 2, "changes": []}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("version 2"), "{error}");
    }
}
