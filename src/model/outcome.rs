//! What a scan produced: findings, notices, what was read and what the filters removed.

use serde::Serialize;

use super::{Finding, Notice};

/// How many findings and occurrences each filter removed.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    pub allowlisted_paths: usize,
    pub inline_allow: usize,
    pub allowlisted_secrets: usize,
    pub baseline: usize,
}

/// What was scanned, for the summary line and the reports.
#[derive(Debug, Default, Serialize)]
pub struct Stats {
    pub files: u64,
    pub blobs: u64,
    /// Commit and tag messages scanned.
    pub messages: u64,
    pub bytes: u64,
    pub skipped_binary: u64,
    pub skipped_too_large: u64,
    pub lfs_pointers: u64,
}

pub struct ScanOutcome {
    pub findings: Vec<Finding>,
    pub notices: Vec<Notice>,
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
