//! Each command's arguments as the library request they stand for: the one place a flag
//! becomes an option.

use std::io::IsTerminal;
use std::time::Duration;

use keysweep::app::Verbosity;
use keysweep::report::Format;
use keysweep::request::{RuleSelection, ScanRequest, ValidationRequest, default_threads};
use keysweep::scan::{Scope, Target};
use keysweep::source::git::range::Revisions;
use keysweep::sweep::SweepPlan;
use keysweep::sweep::report::{ReportRequest, StoreFormat as StoreShape};

use super::{ReportArgs, ReportFormat, RuleArgs, ScanArgs, StoreFormat, SweepArgs};

impl RuleArgs {
    pub fn selection(&self) -> RuleSelection {
        RuleSelection {
            extra: self.extra.clone(),
            only: self.only_rules.clone(),
        }
    }
}

impl ScanArgs {
    /// How much the scan says on standard error.
    pub fn verbosity(&self) -> Verbosity {
        if self.quiet {
            Verbosity::Quiet
        } else if self.verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        }
    }

    /// Secrets are masked when asked, and in an HTML page unless `--show-secrets` says not.
    pub fn redacted(&self) -> bool {
        self.redact || (self.format == ReportFormat::Html && !self.show_secrets)
    }

    /// The scan these arguments ask for; `-` is standard input.
    pub fn request(&self) -> ScanRequest {
        let target = if self.path.as_os_str() == "-" {
            Target::Stdin
        } else {
            Target::Path(self.path.clone())
        };
        let scope = if let Some(spec) = &self.range {
            Scope::Commits(Revisions::parse(spec))
        } else if let Some(from) = &self.since_commit {
            Scope::Commits(Revisions::parse(&format!("{from}..HEAD")))
        } else if self.staged {
            Scope::Staged
        } else if self.no_history {
            Scope::WorkTree
        } else if self.history_only {
            Scope::History
        } else {
            Scope::Everything
        };
        let validation = ValidationRequest {
            enabled: self.validate,
            dry_run: self.validate_dry_run,
            only_valid: self.only_valid,
            concurrency: self.validate_concurrency,
            timeout: Duration::from_secs(self.validate_timeout),
            rate: self.validate_rate,
            endpoints: self.validate_endpoint.clone(),
            map_access: self.map_access,
            network_hosts: self.validate_network_hosts,
        };
        ScanRequest {
            rules: self.rules.selection(),
            config: self.config.clone(),
            baseline: self.baseline.clone(),
            scope,
            respect_ignore: !self.no_ignore,
            include_binary: self.include_binary,
            max_file_size: self.max_file_size,
            threads: self.threads.unwrap_or_else(default_threads),
            progress: !self.no_progress && !self.quiet && std::io::stderr().is_terminal(),
            decode: keysweep::decode::Limits {
                max_depth: self.max_decode_depth,
                archives: !self.no_archives,
                ..keysweep::decode::Limits::default()
            },
            validation,
            quiet: self.quiet,
            ..ScanRequest::new(target)
        }
    }
}

impl From<ReportFormat> for Format {
    fn from(format: ReportFormat) -> Format {
        match format {
            ReportFormat::Text => Format::Text,
            ReportFormat::Json => Format::Json,
            ReportFormat::Jsonl => Format::Jsonl,
            ReportFormat::Sarif => Format::Sarif,
            ReportFormat::Html => Format::Html,
        }
    }
}

impl SweepArgs {
    pub fn plan(&self) -> SweepPlan {
        SweepPlan {
            repos: self.repos.clone(),
            repos_from: self.repos_from.clone(),
            dir: self.dir.clone(),
            github_org: self.github_org.clone(),
            github_api_url: self.github_api_url.clone(),
            gitlab_group: self.gitlab_group.clone(),
            gitlab_api_url: self.gitlab_api_url.clone(),
            include_forks: self.include_forks,
            include_archived: self.include_archived,
            store: self.store.clone(),
            cache: self.cache.clone(),
            no_fetch: self.no_fetch,
            shard: self.shard,
            jobs: self.jobs,
            fetch_jobs: self.fetch_jobs,
            threads: self.threads.unwrap_or_else(default_threads),
            rules: self.rules.selection(),
            include_binary: self.include_binary,
            max_file_size: self.max_file_size,
            max_decode_depth: self.max_decode_depth,
            no_archives: self.no_archives,
            quiet: self.quiet,
            validate: self.validate,
            validate_endpoint: self.validate_endpoint.clone(),
            validate_network_hosts: self.validate_network_hosts,
        }
    }
}

impl ReportArgs {
    /// Secrets are masked when asked, and in an HTML page unless `--show-secrets` says not.
    pub fn redacted(&self) -> bool {
        self.redact || (self.format == StoreFormat::Html && !self.show_secrets)
    }

    pub fn request(&self) -> ReportRequest {
        ReportRequest {
            store: self.store.clone(),
            repo: self.repo.clone(),
            status: self.status.clone(),
            format: match self.format {
                StoreFormat::Text => StoreShape::Text,
                StoreFormat::Json => StoreShape::Json,
                StoreFormat::Sarif => StoreShape::Sarif,
                StoreFormat::Jsonl => StoreShape::Jsonl,
                StoreFormat::Html => StoreShape::Html,
            },
            summary: self.summary,
            output: self.output.clone(),
            redact: self.redacted(),
            color: self.color.enabled(self.output.is_none()),
            rules: self.rules.selection(),
        }
    }
}
