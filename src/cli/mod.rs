//! The command line (clap): the only place that knows it. Each command's arguments become a
//! library request in [`requests`]; wiring lives in `main.rs`; nothing here scans.

pub mod requests;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use keysweep::config::parse_size;
use keysweep::exit;

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
    /// Sweep many repositories' full history into a datastore: in parallel, resumable after a
    /// crash, and incremental (a blob scanned once, in any repository, is never scanned again).
    ///
    /// Exit codes: 0 no finding with triage status `new`, 1 such findings, 2 a repository could
    /// not be cloned, fetched or scanned (the others are still swept).
    Sweep(SweepArgs),
    /// Report from a sweep's datastore: findings per repository, or a summary. Exits 2 when a
    /// repository failed or was never reached, 1 while an untriaged finding is reported, else 0.
    Report(ReportArgs),
    /// Triage a sweep's findings.
    Findings {
        #[command(subcommand)]
        command: FindingsCommand,
    },
    /// Print the version, and the keyword prefilter this machine runs (Vectorscan when the
    /// system has it, else a built-in one).
    Version,
    /// Merge sweep datastores (e.g. the shards of `sweep --shard`) into one, deduplicating.
    Merge {
        /// The datastore to merge into (created if missing).
        #[arg(long, value_name = "FILE")]
        into: PathBuf,
        /// Datastores to merge in.
        #[arg(required = true, value_name = "STORE")]
        stores: Vec<PathBuf>,
    },
}

/// Where a sweep keeps its datastore unless told.
pub const DEFAULT_STORE: &str = "keysweep.db";

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Repositories: clone URLs (mirrored into --cache) or local paths (scanned in place).
    #[arg(value_name = "REPO")]
    pub repos: Vec<String>,
    /// A file of clone URLs or local paths, one per line (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    pub repos_from: Vec<PathBuf>,
    /// A directory holding many clones: each git repository directly under it (bare or not).
    #[arg(long, value_name = "DIR")]
    pub dir: Vec<PathBuf>,
    /// Every repository of a GitHub organisation or user (token from GITHUB_TOKEN).
    #[arg(long, value_name = "ORG", help_heading = "Forges")]
    pub github_org: Vec<String>,
    /// GitHub's API (GitHub Enterprise: https://HOST/api/v3).
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://api.github.com",
        help_heading = "Forges"
    )]
    pub github_api_url: String,
    /// Every project of a GitLab group and its subgroups (token from GITLAB_TOKEN).
    #[arg(long, value_name = "GROUP", help_heading = "Forges")]
    pub gitlab_group: Vec<String>,
    /// GitLab's API (self-managed: https://HOST/api/v4).
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://gitlab.com/api/v4",
        help_heading = "Forges"
    )]
    pub gitlab_api_url: String,
    /// Include forks listed by a forge (their blobs shared with the parent are scanned once).
    #[arg(long, help_heading = "Forges")]
    pub include_forks: bool,
    /// Include archived repositories listed by a forge.
    #[arg(long, help_heading = "Forges")]
    pub include_archived: bool,

    /// The datastore (SQLite): scan state, blobs scanned, findings, triage.
    #[arg(long, value_name = "FILE", default_value = DEFAULT_STORE)]
    pub store: PathBuf,
    /// Where clone URLs are mirrored (`git clone --mirror`, then `git fetch` on later sweeps).
    #[arg(long, value_name = "DIR", default_value = "keysweep-cache")]
    pub cache: PathBuf,
    /// Scan the mirrors already in the cache as they are, without fetching.
    #[arg(long)]
    pub no_fetch: bool,
    /// Take only shard I of N (0-based) of the repository list, by a stable hash of each name:
    /// N workers with I = 0..N-1 sweep it all; `keysweep merge` joins their datastores.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// Repositories scanned at once (each scan shares the cores; default: one per core).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Clones and fetches at once.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub fetch_jobs: usize,
    /// Worker threads in all (default: one per core).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,

    #[command(flatten)]
    pub rules: RuleArgs,
    /// Scan binary blobs too.
    #[arg(long)]
    pub include_binary: bool,
    /// Skip blobs larger than this (bytes, or with K, M, G suffix); skipped ones are recorded.
    #[arg(long, value_parser = parse_size, value_name = "SIZE", default_value = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Decoding layers to look through; 0 turns decoding off.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub max_decode_depth: usize,
    /// Do not open archives.
    #[arg(long)]
    pub no_archives: bool,
    /// Print nothing on stderr but errors.
    #[arg(long, short)]
    pub quiet: bool,

    /// After the sweep, ask each provider whether the secrets it found are live: once per
    /// distinct secret, never again once it answered live or revoked (see `scan --validate`).
    #[arg(long, help_heading = "Live validation")]
    pub validate: bool,
    /// Send a provider's checks to another base URL: PROVIDER=URL, repeatable (as for `scan`).
    #[arg(long, value_name = "PROVIDER=URL", help_heading = "Live validation")]
    pub validate_endpoint: Vec<String>,
    /// Check database URIs by a login to the host each names (as for `scan`).
    #[arg(long, help_heading = "Live validation")]
    pub validate_network_hosts: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The sweep's datastore.
    #[arg(long, value_name = "FILE", default_value = DEFAULT_STORE)]
    pub store: PathBuf,
    /// Only this repository (its name as the sweep printed it).
    #[arg(long, value_name = "NAME")]
    pub repo: Option<String>,
    /// Only findings with these triage statuses (comma-separated; default: all).
    #[arg(long, value_delimiter = ',', value_name = "STATUS")]
    pub status: Vec<String>,
    #[arg(long, short, value_enum, default_value_t = StoreFormat::Text)]
    pub format: StoreFormat,
    /// Only the summary: repositories, blobs, bytes, findings by rule, severity, owner and
    /// validity, secrets found in more than one repository.
    #[arg(long)]
    pub summary: bool,
    /// Write the report here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show secrets only as a short prefix and a mask.
    #[arg(long)]
    pub redact: bool,
    /// `--format html` only: show secrets whole in the page (it masks them unless told).
    #[arg(long, conflicts_with = "redact")]
    pub show_secrets: bool,
    /// Colours in the text report: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// The rules of the sweep, if it used `--rules` (for SARIF's rule descriptions).
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreFormat {
    Text,
    Json,
    Sarif,
    Jsonl,
    Html,
}

#[derive(Debug, Subcommand)]
pub enum FindingsCommand {
    /// Set the triage status of findings, by fingerprint (as reports show it; 8 digits or
    /// more suffice), or as a triage file from the HTML report says. The status follows the
    /// secret into every repository and every re-sweep.
    Triage {
        #[arg(long, value_name = "FILE", default_value = DEFAULT_STORE)]
        store: PathBuf,
        /// new, accepted, false-positive or revoked.
        #[arg(long, required_unless_present = "from")]
        status: Option<String>,
        /// Why (shown in reports).
        #[arg(long)]
        note: Option<String>,
        #[arg(required_unless_present = "from", value_name = "FINGERPRINT")]
        fingerprints: Vec<String>,
        /// Apply the triage file the HTML report's page downloaded (all of it, or nothing).
        #[arg(long, value_name = "FILE", conflicts_with_all = ["status", "note", "fingerprints"])]
        from: Option<PathBuf>,
    },
}

/// `I/N` with I < N.
/// `--exit-code N`: any code but the one that means the scan failed.
fn parse_findings_exit_code(text: &str) -> Result<u8, String> {
    let code: u8 = text
        .parse()
        .map_err(|_| format!("not an exit code (0-255): {text:?}"))?;
    if code == exit::ERROR {
        return Err(format!(
            "{code} is the exit code of a scan that failed or could not read its input; pick another"
        ));
    }
    Ok(code)
}

pub fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let (index, count) = text
        .split_once('/')
        .ok_or_else(|| format!("not I/N: {text:?}"))?;
    let index: usize = index
        .trim()
        .parse()
        .map_err(|_| format!("not I/N: {text:?}"))?;
    let count: usize = count
        .trim()
        .parse()
        .map_err(|_| format!("not I/N: {text:?}"))?;
    if count == 0 || index >= count {
        return Err(format!("shard {index}/{count}: I must be 0..N-1"));
    }
    Ok((index, count))
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
    /// Say, for every rule one of whose keywords occurs in FILE, what it finds there or which
    /// stage lost it (no match, placeholder, entropy, checksum, ...): why a secret was not found.
    Explain {
        /// The file to explain (read as it is, without the decoding stage).
        file: std::path::PathBuf,
        #[command(flatten)]
        rules: RuleArgs,
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether a report written to standard output (`to_stdout`) is coloured: `auto` as
    /// [`Paint::auto`](keysweep::report::text::Paint::auto) says for standard output; an
    /// explicit `always` wins over `NO_COLOR`.
    pub fn enabled(self, to_stdout: bool) -> bool {
        use std::io::IsTerminal;
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                keysweep::report::text::Paint::auto(to_stdout && std::io::stdout().is_terminal())
                    .is_on()
            }
        }
    }
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
    /// What to scan: a directory, a file, a git repository (work tree or bare), or `-` for
    /// standard input.
    #[arg(default_value = ".")]
    pub path: PathBuf,

    #[arg(long, short, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Write the report here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show secrets only as a short prefix and a mask, everywhere they would appear.
    #[arg(long)]
    pub redact: bool,
    /// `--format html` only: show secrets whole in the page (it masks them unless told).
    #[arg(long, conflicts_with = "redact")]
    pub show_secrets: bool,
    /// Colours in the text report: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

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
    /// The exit code when there are findings (0 never fails on them; 2 is kept for errors).
    #[arg(long, value_name = "N", default_value_t = exit::FINDINGS, value_parser = parse_findings_exit_code)]
    pub exit_code: u8,
    /// Never draw a progress bar (it is drawn only when stderr is a terminal anyway).
    #[arg(long)]
    pub no_progress: bool,
    /// Print nothing on stderr but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print every notice (not the first 20 of each kind) and what the scan ran with.
    #[arg(long, short, conflicts_with = "quiet")]
    pub verbose: bool,

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
    /// After a live answer, list what the credential can reach with a few read-only requests to
    /// its provider (repositories, projects, channels; implies --validate; see the dry run).
    #[arg(long, help_heading = "Live validation")]
    pub map_access: bool,
    /// Send a provider's checks to another base URL (GitHub Enterprise, GitLab self-managed):
    /// PROVIDER=URL, repeatable; also KEYSWEEP_VALIDATE_ENDPOINT_<PROVIDER>. HTTPS only, or
    /// plain HTTP to 127.0.0.1. Never read from a scanned repository.
    #[arg(long, value_name = "PROVIDER=URL", help_heading = "Live validation")]
    pub validate_endpoint: Vec<String>,
    /// Let --validate log in to the hosts that database URIs name (PostgreSQL, MySQL/MariaDB,
    /// Redis, MongoDB): hosts the scanned files choose, private and loopback ones included.
    /// Off by default: those findings are then `unsupported`.
    #[arg(long, help_heading = "Live validation")]
    pub validate_network_hosts: bool,
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

/// `--max-file-size`'s default for sweeps, as shown in `--help` (the library's default).
pub const DEFAULT_MAX_FILE_SIZE: &str = "25M";

/// A scan report's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Jsonl,
    Sarif,
    Html,
}

#[cfg(test)]
mod tests {

    #[test]
    fn parses_shards() {
        assert_eq!(super::parse_shard("0/4"), Ok((0, 4)));
        assert_eq!(super::parse_shard("3/4"), Ok((3, 4)));
        assert!(super::parse_shard("4/4").is_err());
        assert!(super::parse_shard("1/0").is_err());
        assert!(super::parse_shard("1").is_err());
    }
}
