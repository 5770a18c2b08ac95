//! What a caller asks of the library, in plain types: the command line, the GitHub Action's
//! environment, the pre-push hook's stdin and a sweep's plan each build one of these once, and
//! nothing below this module knows which front end asked.

use std::path::PathBuf;
use std::time::Duration;

use crate::decode;
use crate::scan::{Scope, Target};

/// Files and blobs larger than this are skipped (and listed) unless the caller or the
/// configuration says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 25 << 20;

/// Worker threads when the caller names none: one per core.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Which rules to use, beyond the built-in library.
#[derive(Debug, Clone, Default)]
pub struct RuleSelection {
    /// Rule files, or directories of `*.toml` rule files, added to the built-in rules.
    pub extra: Vec<PathBuf>,
    /// Only the rules with these ids or id prefixes (empty: all).
    pub only: Vec<String>,
}

/// One scan: what, with which rules and filters, and how far to look.
#[derive(Debug, Clone)]
pub struct ScanRequest {
    /// What to scan: a path (directory, file or repository) or standard input.
    pub target: Target,
    /// Rules beyond the built-in library, or a subset of them.
    pub rules: RuleSelection,
    /// A configuration file; `None` looks for `.keysweep.toml` at the target's root.
    pub config: Option<PathBuf>,
    /// Report only findings whose fingerprint this baseline lacks.
    pub baseline: Option<PathBuf>,
    /// Which parts of a repository to scan (everything by default).
    pub scope: Scope,
    /// Honour `.gitignore`, `.ignore` and `.git/info/exclude` when walking files.
    pub respect_ignore: bool,
    /// Scan files and blobs that look binary instead of skipping them.
    pub include_binary: bool,
    /// `None`: the configuration's limit, else [`DEFAULT_MAX_FILE_SIZE`].
    pub max_file_size: Option<u64>,
    /// Threads for walking and scanning; the caller owns the thread pool itself.
    pub threads: usize,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// Decoding depth and archive limits (`--max-decode-depth`, `--no-archives`).
    pub decode: decode::Limits,
    /// Whether and how to ask providers if the secrets are live.
    pub validation: ValidationRequest,
    /// Print nothing on stderr but errors.
    pub quiet: bool,
}

impl ScanRequest {
    /// A scan of `target` with the defaults every front end starts from.
    pub fn new(target: Target) -> ScanRequest {
        ScanRequest {
            target,
            rules: RuleSelection::default(),
            config: None,
            baseline: None,
            scope: Scope::Everything,
            respect_ignore: true,
            include_binary: false,
            max_file_size: None,
            threads: default_threads(),
            progress: false,
            decode: decode::Limits::default(),
            validation: ValidationRequest::default(),
            quiet: false,
        }
    }
}

/// Live validation of the findings that survived the filters. Off unless one of `enabled`,
/// `dry_run` or `only_valid` is set.
#[derive(Debug, Clone)]
pub struct ValidationRequest {
    /// Send the checks.
    pub enabled: bool,
    /// List the requests that would be sent; send none.
    pub dry_run: bool,
    /// Keep only findings the provider confirmed live.
    pub only_valid: bool,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Time before a provider's answer is given up on.
    pub timeout: Duration,
    /// Requests per second to any one provider, at most.
    pub rate: u32,
    /// `PROVIDER=URL` overrides of a provider's base URL (never from a scanned repository).
    pub endpoints: Vec<String>,
    /// After a live answer, list what the credential can reach (the rule's access probes).
    pub map_access: bool,
    /// Log in to the hosts that database URIs name (a host the scanned files choose).
    pub network_hosts: bool,
}

impl ValidationRequest {
    /// Whether anything is to be checked (or listed, for a dry run).
    pub fn is_asked(&self) -> bool {
        self.enabled || self.dry_run || self.only_valid || self.map_access
    }
}

impl Default for ValidationRequest {
    fn default() -> ValidationRequest {
        ValidationRequest {
            enabled: false,
            dry_run: false,
            only_valid: false,
            concurrency: 8,
            timeout: Duration::from_secs(10),
            rate: 20,
            endpoints: Vec::new(),
            map_access: false,
            network_hosts: false,
        }
    }
}
