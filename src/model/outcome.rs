//! What a scan produced: findings, notices, what was read and what the filters removed.

use serde::Serialize;

use super::{Finding, Notice};

/// How many findings and occurrences each filter removed.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    /// Occurrences under allowlisted paths.
    pub allowlisted_paths: usize,
    /// Occurrences on lines with an inline allow marker.
    pub inline_allow: usize,
    /// Findings whose secret an allowlist regex or stopword matched.
    pub allowlisted_secrets: usize,
    /// Findings the baseline already holds.
    pub baseline: usize,
}

/// What was scanned, for the summary line and the reports.
#[derive(Debug, Default, Serialize)]
pub struct Stats {
    /// Files read from disk.
    pub files: u64,
    /// Blobs read from the object database.
    pub blobs: u64,
    /// Commit and tag messages scanned.
    pub messages: u64,
    /// Bytes handed to the decoding stage and the matcher.
    pub bytes: u64,
    /// Files and blobs skipped as binary.
    pub skipped_binary: u64,
    /// Files and blobs skipped for `--max-file-size`.
    pub skipped_too_large: u64,
    /// Git LFS pointer files seen (their content lives outside git).
    pub lfs_pointers: u64,
}

/// Everything one scan produced, as the reports take it.
pub struct ScanOutcome {
    /// One per rule and secret, sorted by primary path, line, column and rule id.
    pub findings: Vec<Finding>,
    /// What the scan could not read or left out, and what the filters hid or found unused.
    pub notices: Vec<Notice>,
    /// What was read.
    pub stats: Stats,
    /// The path was a git repository (findings then say whether they are still at HEAD).
    pub repository: bool,
    /// What the filters removed (filled in by `filter::apply`'s caller).
    pub suppressed: crate::model::Suppressed,
}

impl ScanOutcome {
    /// A scan of nothing (e.g. a push that only deleted a ref).
    pub fn empty() -> ScanOutcome {
        ScanOutcome {
            findings: Vec::new(),
            notices: Vec::new(),
            stats: Stats::default(),
            repository: true,
            suppressed: Default::default(),
        }
    }
}
