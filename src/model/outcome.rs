//! What a scan produced: findings, notices, what was read and what the filters removed.

use serde::Serialize;

use super::{Finding, Notice};

/// How many findings and occurrences each filter removed.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    pub(crate) allowlisted_paths: usize,
    pub(crate) inline_allow: usize,
    pub(crate) allowlisted_secrets: usize,
    pub(crate) baseline: usize,
}

/// What was scanned, for the summary line and the reports.
#[derive(Debug, Default, Serialize)]
pub struct Stats {
    pub(crate) files: u64,
    pub(crate) blobs: u64,
    /// Commit and tag messages scanned.
    pub messages: u64,
    pub(crate) bytes: u64,
    pub(crate) skipped_binary: u64,
    pub(crate) skipped_too_large: u64,
    pub(crate) lfs_pointers: u64,
}

/// Everything one scan produced, as the reports take it.
pub struct ScanOutcome {
    /// One per rule and secret, sorted by primary path, line, column and rule id.
    pub findings: Vec<Finding>,
    /// What the scan could not read or left out, and what the filters hid or found unused.
    pub notices: Vec<Notice>,
    pub(crate) stats: Stats,
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
