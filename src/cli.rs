//! Command-line definitions (clap). Wiring lives in `main.rs`; nothing here scans.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "keysweep",
    version,
    about = "Find leaked secrets and credentials in files and full git history"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan a directory, a file or a git repository (full history and uncommitted files).
    ///
    /// Exit codes: 0 no findings, 1 findings, 2 error (including input that could not be read,
    /// unless --ignore-errors).
    Scan(ScanArgs),
    /// Inspect the rule library.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Baselines: accept today's findings, report only new ones (`scan --baseline FILE`).
    Baseline {
        #[command(subcommand)]
        command: BaselineCommand,
    },
    /// Run as the GitHub Action's scan step: reads the event (GITHUB_EVENT_NAME,
    /// GITHUB_EVENT_PATH) and the action's inputs (INPUT_*), scans what the event brings, writes
    /// SARIF, annotations, a job summary and step outputs.
    GithubAction,
    /// Git hooks: block a push that would publish a secret.
    Hook {
        #[command(subcommand)]
        command: HookCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Scan, then write every finding's fingerprint (no secrets, no line numbers) to
    /// `--output` (default `.keysweep-baseline.json`).
    Create(ScanArgs),
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Install the pre-push hook into a repository (honours core.hooksPath).
    Install {
        /// The repository (its work tree or git directory).
        #[arg(default_value = ".")]
        repo: PathBuf,
        /// Replace an existing pre-push hook that is not keysweep's.
        #[arg(long, conflicts_with = "chain")]
        force: bool,
        /// Keep an existing pre-push hook and run it before keysweep.
        #[arg(long)]
        chain: bool,
    },
    /// Run as git's pre-push hook: reads git's ref lines on stdin, scans exactly the blobs the
    /// pushed commits introduce, and exits non-zero (blocking the push) on findings or errors.
    PrePush {
        /// The remote's name, as git passes it.
        remote: Option<String>,
        /// The remote's URL, as git passes it.
        url: Option<String>,
        #[command(flatten)]
        rules: RuleArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List rules: id, name, severity, confidence, offline validity checks.
    List {
        #[command(flatten)]
        rules: RuleArgs,
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Verify every rule: regexes compile, examples match exactly their secret, negative
    /// examples do not match, keywords occur in the examples.
    Check {
        #[command(flatten)]
        rules: RuleArgs,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// Extra rule file or directory of `*.toml` rule files (repeatable), added to the built-in rules.
    #[arg(long = "rules", value_name = "FILE|DIR")]
    pub extra: Vec<PathBuf>,
    /// Use only the rules with these ids or id prefixes (comma-separated, e.g. `aws,github.pat-classic`).
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub only_rules: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// What to scan: a directory, a file, or a git repository (work tree or bare).
    #[arg(default_value = ".")]
    pub path: PathBuf,

    #[arg(long, short, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show secrets only as a short prefix and a mask, everywhere they would appear.
    #[arg(long)]
    pub redact: bool,

    #[command(flatten)]
    pub rules: RuleArgs,
    /// Configuration file (default: `.keysweep.toml` at the root of PATH, if present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Report only findings whose fingerprint is not in this baseline (see `keysweep baseline create`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Repositories: scan only the work tree, not the history.
    #[arg(long, conflicts_with_all = ["history_only", "range", "since_commit", "staged"])]
    pub no_history: bool,
    /// Repositories: scan only the history (every blob in the object database), not the work tree.
    #[arg(long, conflicts_with_all = ["range", "since_commit", "staged"])]
    pub history_only: bool,
    /// Repositories: scan only the blobs introduced by the commits in A..B.
    #[arg(long, value_name = "A..B", conflicts_with_all = ["since_commit", "staged"])]
    pub range: Option<String>,
    /// Repositories: scan only the blobs introduced by commits after A (A..HEAD).
    #[arg(long, value_name = "A", conflicts_with = "staged")]
    pub since_commit: Option<String>,
    /// Repositories: scan only the blobs staged in the index (for a pre-commit hook).
    #[arg(long)]
    pub staged: bool,

    /// Do not honour .gitignore, .ignore and .git/info/exclude when walking files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Scan binary files too (by default files with a NUL byte in their first 8 KB are skipped).
    #[arg(long)]
    pub include_binary: bool,
    /// Skip files and blobs larger than this (bytes, or with K, M, G suffix); skipped ones are listed.
    /// [default: 25M, or the config's `scan.max_file_size`]
    #[arg(long, value_parser = parse_size, value_name = "SIZE")]
    pub max_file_size: Option<u64>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Exit 0/1 by findings even when part of the input could not be read (still reported).
    #[arg(long)]
    pub ignore_errors: bool,
    /// Never draw a progress bar (it is drawn only when stderr is a terminal anyway).
    #[arg(long)]
    pub no_progress: bool,
    /// Print nothing on stderr but errors.
    #[arg(long, short)]
    pub quiet: bool,

    /// Decoding layers to look through (base64 inside a JSON string is two); 0 turns off
    /// decoding of base64, hex, percent, escapes, YAML blocks and notebook cells.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub max_decode_depth: usize,
    /// Do not open zip, jar, whl, nupkg, tar, tar.gz and gz files.
    #[arg(long)]
    pub no_archives: bool,

    /// Ask each finding's provider whether its secret is live (one HTTPS request per secret,
    /// to the provider's own host only; off by default).
    #[arg(long, help_heading = "Live validation")]
    pub validate: bool,
    /// Report only findings whose secret the provider confirmed live (implies --validate).
    #[arg(long, help_heading = "Live validation")]
    pub only_valid: bool,
    /// List the requests --validate would send (provider, host, redacted secret); send nothing.
    #[arg(long, help_heading = "Live validation")]
    pub validate_dry_run: bool,
    /// Send a provider's checks to another base URL (GitHub Enterprise, GitLab self-managed):
    /// PROVIDER=URL, repeatable; also KEYSWEEP_VALIDATE_ENDPOINT_<PROVIDER>. HTTPS only, or
    /// plain HTTP to 127.0.0.1. Never read from a scanned repository.
    #[arg(long, value_name = "PROVIDER=URL", help_heading = "Live validation")]
    pub validate_endpoint: Vec<String>,
    /// Requests in flight at once.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 8,
        help_heading = "Live validation"
    )]
    pub validate_concurrency: usize,
    /// Requests per second to any one provider, at most.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 20,
        help_heading = "Live validation"
    )]
    pub validate_rate: u32,
    /// Seconds before a provider's answer is given up on.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 10,
        help_heading = "Live validation"
    )]
    pub validate_timeout: u64,
}

/// Files and blobs larger than this are skipped (and listed) unless `--max-file-size` says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: &str = "25M";

/// `1024`, `10K`, `25M`, `1G` (binary multiples).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, multiplier) = match text.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m = match c.to_ascii_uppercase() {
                'K' => 1u64 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                _ => return Err(format!("unknown size suffix {c:?} (use K, M or G)")),
            };
            (&text[..i], m)
        }
        _ => (text, 1),
    };
    let value: u64 = digits
        .parse()
        .map_err(|_| format!("not a size: {text:?}"))?;
    value
        .checked_mul(multiplier)
        .ok_or_else(|| format!("size too large: {text:?}"))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn parses_sizes() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("10K"), Ok(10 * 1024));
        assert_eq!(parse_size("25m"), Ok(25 << 20));
        assert!(parse_size("3X").is_err());
        assert!(parse_size("M").is_err());
    }
}
