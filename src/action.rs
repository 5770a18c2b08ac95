//! The GitHub Actions front end: which commits an event brings, and the outputs GitHub reads
//! (SARIF within code scanning's limits, error annotations, a job summary, step outputs).
//!
//! Events and what is scanned (the job summary says which commits and why):
//! - `push`: `before..after`. A new branch (`before` all zeros) scans what the default branch
//!   (`origin/<default>`) does not reach, or the full history when it is the default branch. A
//!   forced push whose old tip is not in the clone (no ref fetches a rewritten branch's old
//!   commits) scans what `after` reaches and no other branch of `origin` does. A deleted branch
//!   scans nothing. A `before` that should be there but is not (a shallow checkout) is an error
//!   naming the fix, never a clean scan.
//! - `pull_request`, `pull_request_target`: `base.sha..head.sha`; `merge_group`:
//!   `base_sha..head_sha`. Both under the base commit's `.keysweep.toml` and rule files: a pull
//!   request cannot allowlist its own secrets, before or in the merge queue. (The Action reads
//!   no CODEOWNERS: owners are a sweep's.)
//! - `release`: the commits its tag reaches that no earlier tag (one on an ancestor) reaches.
//! - anything else (`workflow_dispatch`, `schedule`, ...): the full history.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::app::{
    Verbosity, has_errors, load_rules, print_notices, scan_filtered_under, validate_findings,
};
use crate::config::{self, Config};
use crate::exit;
use crate::model::{Finding, Notice, NoticeKind, ScanOutcome};
use crate::redact;
use crate::report;
use crate::request::ScanRequest;
use crate::rules::RuleSet;
use crate::scan::Scope;
use crate::scan::Target;
use crate::source::git::is_null_id;
use crate::source::git::range::{Revisions, resolve};
use crate::source::git::tree_files::TreeFiles;

/// What to scan for an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The blobs these commits introduce, and their messages.
    Commits {
        /// The commits.
        revisions: Revisions,
        /// Which commits and why, for the job summary.
        scanned: String,
    },
    /// The whole history and work tree.
    FullHistory,
    /// Nothing was pushed (a deletion).
    Nothing,
}

impl Plan {
    /// The commits of `spec` (`A..B`), which are `what`.
    fn range(spec: &str, what: &str) -> Plan {
        Plan::Commits {
            revisions: Revisions::parse(spec),
            scanned: format!("the commits of `{spec}` ({what})"),
        }
    }
}

fn field<'a>(event: &'a Value, pointer: &str) -> Result<&'a str> {
    event
        .pointer(pointer)
        .and_then(Value::as_str)
        .with_context(|| format!("the event payload has no {pointer}"))
}

const DEPTH_HINT: &str =
    "set `fetch-depth: 0` on actions/checkout (or a depth that covers the pushed commits)";

/// The base commit of a proposed change, under whose configuration it is scanned, with what
/// the change is: a pull request, or a merge group (pull requests not merged yet). `None` for
/// other events.
fn proposal<'a>(event_name: &str, event: &'a Value) -> Result<Option<(&'static str, &'a str)>> {
    let (what, pointer) = match event_name {
        "pull_request" | "pull_request_target" => ("pull request", "/pull_request/base/sha"),
        "merge_group" => ("merge group", "/merge_group/base_sha"),
        _ => return Ok(None),
    };
    Ok(Some((what, field(event, pointer)?)))
}

/// The configuration a proposed change (`what`) is scanned under: its base commit's, read from
/// its tree.
fn base_config(repo: &gix::Repository, what: &str, base: &str) -> Result<(Config, Notice)> {
    let id = resolve(repo, base)?;
    let files = TreeFiles::at(repo, id)?;
    let name = std::path::Path::new(config::FILE_NAME);
    let short = crate::source::git::short(&id);
    if !files.contains(name) {
        let note = format!(
            "{what}: the base commit {short} has no {}, so none applies (the head's is not used)",
            config::FILE_NAME
        );
        return Ok((
            Config::default(),
            Notice::note(NoticeKind::Configuration, "configuration", note),
        ));
    }
    let config = Config::from_files(&files, name)
        .with_context(|| format!("in the base commit's {}", config::FILE_NAME))?;
    let note = format!(
        "{what}: the base commit {short}'s {} applies; the head's is not used",
        config::FILE_NAME
    );
    Ok((
        config,
        Notice::note(NoticeKind::Configuration, "configuration", note),
    ))
}

/// Decides what an event brings, checking the commits it names are in the clone.
pub fn plan(repo: &gix::Repository, event_name: &str, event: &Value) -> Result<Plan> {
    let present = |oid: &str| resolve(repo, oid).is_ok();
    match event_name {
        "push" => {
            if event.pointer("/deleted").and_then(Value::as_bool) == Some(true) {
                return Ok(Plan::Nothing);
            }
            let before = field(event, "/before")?;
            let after = field(event, "/after")?;
            if !present(after) {
                bail!("the pushed commit {after} is not in the checkout; {DEPTH_HINT}");
            }
            if !is_null_id(before) && present(before) {
                return Ok(Plan::range(&format!("{before}..{after}"), "the push"));
            }
            let pushed_ref = event
                .pointer("/ref")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !is_null_id(before) {
                let forced = event.pointer("/forced").and_then(Value::as_bool) == Some(true);
                if !forced {
                    bail!(
                        "the push's base commit {before} is not in the checkout, so the pushed range cannot be scanned; {DEPTH_HINT}"
                    );
                }
                return forced_push_plan(repo, before, after, pushed_ref);
            }
            // A new branch: what the default branch lacks.
            let default = event
                .pointer("/repository/default_branch")
                .and_then(Value::as_str)
                .unwrap_or("main");
            let base = format!("refs/remotes/origin/{default}");
            if pushed_ref != format!("refs/heads/{default}") && present(&base) {
                Ok(Plan::range(
                    &format!("{base}..{after}"),
                    &format!("a new branch: what `origin/{default}` lacks"),
                ))
            } else {
                // Nothing to compare with (the repository's first push): everything it holds,
                // read once per blob rather than diffed commit by commit.
                Ok(Plan::FullHistory)
            }
        }
        "pull_request" | "pull_request_target" => proposed_range(
            repo,
            "pull request",
            field(event, "/pull_request/base/sha")?,
            field(event, "/pull_request/head/sha")?,
        ),
        "merge_group" => proposed_range(
            repo,
            "merge group",
            field(event, "/merge_group/base_sha")?,
            field(event, "/merge_group/head_sha")?,
        ),
        "release" => release_plan(repo, field(event, "/release/tag_name")?),
        _ => Ok(Plan::FullHistory),
    }
}

/// `base..head` of a pull request or a merge group (`what`), both in the clone.
fn proposed_range(repo: &gix::Repository, what: &str, base: &str, head: &str) -> Result<Plan> {
    for (end, oid) in [("base", base), ("head", head)] {
        if resolve(repo, oid).is_err() {
            bail!("the {what}'s {end} commit {oid} is not in the checkout; {DEPTH_HINT}");
        }
    }
    Ok(Plan::range(
        &format!("{base}..{head}"),
        &format!("the {what}'s commits"),
    ))
}

/// A forced push whose old tip is not in the clone: what `after` reaches and no other branch
/// of `origin` does, since those were pushed (and scanned) before. The pushed branch's own
/// remote-tracking ref, already at `after`, and `origin/HEAD`, an alias, are not compared with;
/// nor is a branch that already holds `after` (the same commits force-pushed to two branches at
/// once: each run would leave them to the other), nor a ref that cannot be read. Each of those
/// scans more, never less.
fn forced_push_plan(
    repo: &gix::Repository,
    before: &str,
    after: &str,
    pushed_ref: &str,
) -> Result<Plan> {
    let own = pushed_ref
        .strip_prefix("refs/heads/")
        .map(|branch| format!("refs/remotes/origin/{branch}"));
    let platform = repo
        .references()
        .context("reading the remote-tracking branches")?;
    let after_id = resolve(repo, after).ok();
    let mut others = Vec::new();
    for mut reference in platform
        .prefixed("refs/remotes/origin/")
        .context("reading the remote-tracking branches")?
        .filter_map(Result::ok)
    {
        let name: &[u8] = reference.name().as_bstr();
        if name == b"refs/remotes/origin/HEAD"
            || own.as_deref().is_some_and(|own| name == own.as_bytes())
        {
            continue;
        }
        let Ok(id) = reference.peel_to_id() else {
            continue;
        };
        let holds_after = after_id.is_some_and(|after| {
            repo.merge_base(after, id.detach())
                .is_ok_and(|base| base.map(gix::Id::detach) == Some(after))
        });
        if !holds_after {
            others.push(id.to_string());
        }
    }
    let compared = crate::plural::plural(others.len(), "other branch", "other branches");
    others.sort();
    others.dedup();
    Ok(Plan::Commits {
        revisions: Revisions {
            include: vec![after.to_string()],
            exclude: others,
            symmetric: false,
        },
        scanned: format!(
            "the commits of `{after}` that no other branch of `origin` has ({compared} compared): \
             a forced push whose old tip {before} is not in the checkout to compare with"
        ),
    })
}

/// A release: the commits its tag reaches that no earlier tag reaches, an earlier tag being one
/// on a commit the release descends from. Tags on the release's own commit (`v1` moved along
/// with `v1.2.3`) and later tags are not compared with: they may be no older than the release.
fn release_plan(repo: &gix::Repository, tag: &str) -> Result<Plan> {
    let commit = resolve(repo, &format!("refs/tags/{tag}"))
        .with_context(|| format!("the release's tag {tag} is not in the checkout; {DEPTH_HINT}"))?;
    let mut history = std::collections::HashSet::new();
    let walk = repo
        .rev_walk([commit])
        .all()
        .with_context(|| format!("walking the history of tag {tag}"))?;
    for info in walk {
        let info = info.with_context(|| format!("walking the history of tag {tag}"))?;
        history.insert(info.id);
    }
    let platform = repo.references().context("reading the tags")?;
    let mut earlier = Vec::new();
    for mut reference in platform
        .tags()
        .context("reading the tags")?
        .filter_map(Result::ok)
    {
        let Ok(id) = reference.peel_to_id() else {
            continue;
        };
        let id = id.detach();
        if id != commit && history.contains(&id) {
            earlier.push(id.to_string());
        }
    }
    earlier.sort();
    earlier.dedup();
    let scanned = if earlier.is_empty() {
        format!("every commit tag `{tag}` reaches (release `{tag}`; no earlier tag to start from)")
    } else {
        format!(
            "the commits tag `{tag}` reaches beyond {} (release `{tag}`)",
            crate::plural::plural(earlier.len(), "earlier tag", "earlier tags")
        )
    };
    Ok(Plan::Commits {
        revisions: Revisions {
            include: vec![commit.to_string()],
            exclude: earlier,
            symmetric: false,
        },
        scanned,
    })
}

/// Escapes text for a workflow command's message (`::error ...::message`).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command property value (`file=...`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One `::error` annotation per finding, at its primary location. Never the secret: Action
/// logs of public repositories are public.
pub fn annotations(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let o = f.primary();
        let commit = o
            .commit
            .as_ref()
            .map(|c| format!(" (commit {})", c.short_id()))
            .unwrap_or_default();
        let live = f
            .validation
            .as_ref()
            .map(|v| format!(" [live check: {}]", v.status))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "::error file={},line={},col={},title={}::{}{commit}{live}: revoke and rotate it; deleting it from the code does not un-leak it",
            escape_property(&o.path),
            o.location.line,
            o.location.column,
            escape_property(&format!("keysweep: {}", f.rule_name)),
            escape_data(&f.rule_id),
        );
    }
    out
}

/// A markdown job summary: counts and one row per finding.
pub fn summary(findings: &[Finding], scanned: &str) -> String {
    let mut out = format!(
        "## keysweep: {} found\n\nScanned: {scanned}\n\n",
        crate::plural::count(findings.len(), "secret")
    );
    if findings.is_empty() {
        out.push_str("No secrets found.\n");
        return out;
    }
    out.push_str("| severity | rule | location | commit | status |\n|---|---|---|---|---|\n");
    for f in findings {
        let o = f.primary();
        let commit = o
            .commit
            .as_ref()
            .map(|c| format!("`{}`", c.short_id()))
            .unwrap_or_else(|| "-".into());
        let mut status = match f.present_at_head {
            Some(true) => "in the current tree",
            Some(false) => "history only",
            None => "-",
        }
        .to_string();
        if let Some(v) = &f.validation {
            status.push_str(&format!(", live check: {}", v.status));
            if let Some(identity) = v.identity() {
                // The provider's words: kept from closing the cell or opening markup.
                let identity = identity.replace('|', "\\|").replace(['`', '<', '>'], "'");
                status.push_str(&format!(" ({identity})"));
            }
            if let Some(revoke) = v.revoke.as_deref().filter(|u| u.starts_with("https://")) {
                // A rule's page with percent-encoded facts: nothing in it closes the link.
                status.push_str(&format!(
                    " [revoke]({})",
                    revoke.replace(['(', ')', ' ', '|'], "")
                ));
            }
        }
        let _ = writeln!(
            out,
            "| {} | {} | `{}:{}` | {commit} | {status} |",
            f.severity,
            f.rule_name.replace('|', "\\|"),
            o.path.replace('|', "\\|").replace('`', "'"),
            o.location.line
        );
    }
    out
}

/// GitHub code scanning accepts at most 25,000 results per run.
pub const SARIF_MAX_RESULTS: usize = 25_000;

/// GitHub code scanning rejects SARIF files larger than this once gzipped.
pub const SARIF_MAX_GZIPPED: usize = 10 * 1000 * 1000;

/// Size of `bytes` deflated at the default level: a gzip file is this plus 18 bytes of framing
/// minus zlib's 6 (gix's zlib-rs deflater, already in the build, saves a gzip dependency).
pub fn gzipped_len(bytes: &[u8]) -> usize {
    use std::io::Write as _;
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut writer =
        gix::zlib::stream::deflate::Write::new(Count(0), gix::zlib::Compression::DEFAULT);
    writer.write_all(bytes).expect("counting never fails");
    writer.flush().expect("counting never fails");
    writer.into_inner().0 + 12
}

/// Keeps the `max` most severe findings (then by confidence); returns how many were dropped.
pub fn keep_most_severe(findings: &mut Vec<Finding>, max: usize) -> usize {
    if findings.len() <= max {
        return 0;
    }
    findings.sort_by_key(|f| std::cmp::Reverse((f.severity, f.confidence)));
    let dropped = findings.len() - max;
    findings.truncate(max);
    dropped
}

/// Renders SARIF within code scanning's limits: at most 25,000 results and 10 MB gzipped,
/// leaving out the least severe findings first, and saying so in a notice (which the SARIF
/// file carries too).
pub fn fit_sarif(outcome: &mut ScanOutcome, rules: &RuleSet) -> Result<Vec<u8>> {
    fit_sarif_within(outcome, rules, SARIF_MAX_RESULTS, SARIF_MAX_GZIPPED)
}

fn fit_sarif_within(
    outcome: &mut ScanOutcome,
    rules: &RuleSet,
    max_results: usize,
    max_gzipped: usize,
) -> Result<Vec<u8>> {
    let mut left_out = keep_most_severe(&mut outcome.findings, max_results);
    loop {
        if left_out > 0 {
            outcome.notices.push(Notice::warning(
                NoticeKind::Report,
                "SARIF",
                format!(
                    "{} left out of the SARIF file: code scanning takes at most \
                     {max_results} results and {} bytes gzipped per file",
                    crate::plural::count(left_out, "less severe finding"),
                    max_gzipped
                ),
            ));
        }
        let mut bytes = Vec::new();
        crate::report::sarif::write(outcome, rules, &mut bytes)?;
        let size = gzipped_len(&bytes);
        if size <= max_gzipped || outcome.findings.is_empty() {
            return Ok(bytes);
        }
        if left_out > 0 {
            outcome.notices.pop();
        }
        // Shrink in proportion to the excess, with a margin, and try again.
        let count = outcome.findings.len();
        let keep = (count as f64 * max_gzipped as f64 / size as f64 * 0.9) as usize;
        left_out += keep_most_severe(&mut outcome.findings, keep.min(count - 1));
    }
}

/// The Action's inputs (`INPUT_<NAME>` variables, see action.yml) and GitHub's environment.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The repository to scan (the `path` input, under the workspace).
    pub path: PathBuf,
    /// The `args` input: extra `keysweep scan` arguments, split on whitespace.
    pub args: Vec<String>,
    event_name: String,
    event: Value,
    redact: bool,
    validate: bool,
    only_valid: bool,
    fail_on_findings: bool,
    sarif_file: PathBuf,
    /// The `GITHUB_STEP_SUMMARY` file, when GitHub gives one.
    pub step_summary: Option<String>,
    /// The `GITHUB_OUTPUT` file, when GitHub gives one.
    output: Option<String>,
}

impl Inputs {
    /// Reads the inputs and the event from the environment GitHub sets.
    pub fn from_env() -> Result<Inputs> {
        let env = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());
        let input = |name: &str, default: &str| {
            env(&format!("INPUT_{}", name.to_uppercase().replace('-', "_")))
                .unwrap_or_else(|| default.to_string())
        };
        let flag =
            |name: &str, default: &str| input(name, default).trim().eq_ignore_ascii_case("true");
        let workspace = PathBuf::from(env("GITHUB_WORKSPACE").unwrap_or_else(|| ".".into()));
        let event = match env("GITHUB_EVENT_PATH") {
            Some(p) => serde_json::from_str(
                &std::fs::read_to_string(&p).with_context(|| format!("reading the event {p}"))?,
            )
            .with_context(|| format!("parsing the event {p}"))?,
            None => Value::Null,
        };
        Ok(Inputs {
            path: workspace.join(input("path", ".")),
            sarif_file: workspace.join(input("sarif-file", "keysweep.sarif")),
            args: input("args", "")
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            event_name: env("GITHUB_EVENT_NAME").unwrap_or_default(),
            event,
            redact: flag("redact", "true"),
            validate: flag("validate", "false"),
            // `only-verified` is the input's old name, kept working.
            only_valid: flag("only-valid", "false") || flag("only-verified", "false"),
            fail_on_findings: flag("fail-on-findings", "true"),
            step_summary: env("GITHUB_STEP_SUMMARY"),
            output: env("GITHUB_OUTPUT"),
        })
    }
}

/// The Action's scan step: `request` carries the `args` input (as the front end parsed it);
/// the event decides the scope, the inputs the validation and the outputs. A step that fails
/// still leaves its SARIF, summary, outputs and an `::error::` behind, so the workflow's next
/// steps (an `upload-sarif` that runs `if: always()`) do not fail a second time on a missing file.
pub fn run(inputs: &Inputs, request: ScanRequest) -> Result<u8> {
    scan_event(inputs, request).inspect_err(|error| leave_failure_outputs(inputs, error))
}

/// The outputs of a step that could not scan (`error` says why): a SARIF run marked
/// unsuccessful with the reason, the reason in the job summary and as an error annotation,
/// `findings=0`. What cannot be written is said on stderr; the step fails anyway.
pub fn leave_failure_outputs(inputs: &Inputs, error: &anyhow::Error) {
    if let Err(also) = write_failure_outputs(inputs, error) {
        eprintln!("keysweep: error: writing the step's outputs: {also:#}");
    }
}

fn write_failure_outputs(inputs: &Inputs, error: &anyhow::Error) -> Result<()> {
    let reason = format!("{error:#}");
    let mut outcome = ScanOutcome::empty();
    outcome.notices.push(Notice::error(
        NoticeKind::Failed,
        "keysweep",
        reason.clone(),
    ));
    write_sarif_file(
        &inputs.sarif_file,
        &fit_sarif(&mut outcome, &RuleSet::default())?,
    )?;
    println!(
        "::error title=keysweep could not scan::{}",
        escape_data(&reason)
    );
    if let Some(summary_file) = &inputs.step_summary {
        append(
            summary_file,
            &format!("## keysweep\n\nThe scan could not run: {reason}\n"),
        )?;
    }
    if let Some(output) = &inputs.output {
        append(
            output,
            &format!("findings=0\nsarif-file={}\n", inputs.sarif_file.display()),
        )?;
    }
    Ok(())
}

/// Writes the SARIF file, creating the folders `sarif-file` names.
fn write_sarif_file(path: &Path, sarif: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(path, sarif).with_context(|| format!("writing {}", path.display()))
}

fn scan_event(inputs: &Inputs, mut request: ScanRequest) -> Result<u8> {
    let path = &inputs.path;
    let repo = crate::source::git::open(path)?.with_context(|| {
        format!(
            "{} is not a git repository: run actions/checkout first",
            path.display()
        )
    })?;
    let plan = plan(&repo, &inputs.event_name, &inputs.event)?;
    request.target = Target::Path(path.clone());
    let scanned = match &plan {
        Plan::Commits { revisions, scanned } => {
            request.scope = Scope::Commits(revisions.clone());
            scanned.clone()
        }
        Plan::FullHistory => "the full history and the work tree".to_string(),
        Plan::Nothing => "nothing (the push deleted a ref)".to_string(),
    };
    request.validation.enabled |= inputs.validate;
    request.validation.only_valid |= inputs.only_valid;
    let started = Instant::now();
    let (mut outcome, rules) = if plan == Plan::Nothing {
        (ScanOutcome::empty(), load_rules(&request.rules)?)
    } else {
        let (config, note) = match proposal(&inputs.event_name, &inputs.event)? {
            Some((what, base)) if request.config.is_none() => {
                let (config, note) = base_config(&repo, what, base)?;
                (config, Some(note))
            }
            _ => (Config::discover(request.config.as_deref(), path)?, None),
        };
        let (mut outcome, rules) = scan_filtered_under(&request, config)?;
        outcome.notices.extend(note);
        validate_findings(&request, &mut outcome, &rules)?;
        (outcome, rules)
    };
    if inputs.redact {
        redact::apply(&mut outcome.findings);
    }
    let total = outcome.findings.len();
    let sarif = fit_sarif(&mut outcome, &rules)?;
    write_sarif_file(&inputs.sarif_file, &sarif)?;

    print!("{}", annotations(&outcome.findings));
    if let Some(summary_file) = &inputs.step_summary {
        append(summary_file, &summary(&outcome.findings, &scanned))?;
    }
    if let Some(output) = &inputs.output {
        append(
            output,
            &format!(
                "findings={total}\nsarif-file={}\n",
                inputs.sarif_file.display()
            ),
        )?;
    }
    print_notices(&outcome.notices, Verbosity::Normal);
    eprintln!(
        "{}",
        report::summary_line(&outcome, started.elapsed().as_secs_f64())
    );
    Ok(exit::code(
        has_errors(&outcome),
        total > 0 && inputs.fail_on_findings,
    ))
}

fn append(path: &str, text: &str) -> Result<()> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("opening {path}"))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Confidence, Severity};

    fn finding(rule: &str, severity: Severity) -> Finding {
        Finding {
            rule_id: rule.into(),
            rule_name: rule.into(),
            severity,
            confidence: Confidence::High,
            fingerprint: rule.into(),
            secret: "s".into(),
            entropy: 1.0,
            checksum_valid: None,
            paired_with: None,
            present_at_head: None,
            validation: None,
            occurrences: Vec::new(),
        }
    }

    #[test]
    fn over_the_limit_the_most_severe_are_kept() {
        let mut findings = vec![
            finding("low", Severity::Low),
            finding("critical", Severity::Critical),
            finding("medium", Severity::Medium),
            finding("high", Severity::High),
        ];
        assert_eq!(keep_most_severe(&mut findings, 4), 0);
        assert_eq!(keep_most_severe(&mut findings, 2), 2);
        let kept: Vec<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
        assert_eq!(kept, ["critical", "high"]);
    }

    #[test]
    fn sarif_is_cut_to_the_limits_most_severe_first_and_says_so() {
        use crate::model::{Hit, Location, Occurrence, SourceKind};
        let rules = RuleSet::builtin().unwrap();
        let hit = Hit {
            rule: 0,
            secret: "x".into(),
            entropy: 1.0,
            checksum_valid: None,
            location: Location {
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 2,
                byte_start: 0,
                byte_end: 1,
            },
            context: "x".into(),
            secret_in_context: 0,
            allowed_inline: false,
            partner: None,
            inner_path: None,
            encoding: Vec::new(),
        };
        let mut outcome = ScanOutcome::empty();
        for i in 0..200 {
            let severity = if i % 2 == 0 {
                Severity::Low
            } else {
                Severity::Critical
            };
            let mut f = finding(&rules.rules[i % rules.rules.len()].id, severity);
            f.fingerprint = format!("{i:032}");
            f.occurrences.push(Occurrence::new(
                format!("dir/file{i}.env"),
                &hit,
                SourceKind::File,
                None,
            ));
            outcome.findings.push(f);
        }
        let bytes = fit_sarif_within(&mut outcome, &rules, 150, 4_000).unwrap();
        assert!(gzipped_len(&bytes) <= 4_000);
        assert!(outcome.findings.len() < 150 && !outcome.findings.is_empty());
        let critical = outcome
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Critical)
            .count();
        assert_eq!(
            critical,
            outcome.findings.len().min(100),
            "low severity goes first"
        );
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.contains("left out of the SARIF file"),
            "the SARIF file says so"
        );
        assert_eq!(outcome.notices.len(), 1);
    }

    #[test]
    fn gzipped_length_tracks_compressibility() {
        let repetitive = vec![b'a'; 1_000_000];
        assert!(gzipped_len(&repetitive) < 10_000);
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let noisy: Vec<u8> = (0..100_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        assert!(gzipped_len(&noisy) > 90_000);
    }

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(escape_data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(escape_property("dir/a:b,c.env"), "dir/a%3Ab%2Cc.env");
    }

    /// A clone as actions/checkout leaves it with `fetch-depth: 0`: `origin/*` remote-tracking
    /// branches, fetched from a bare "GitHub" remote, and the commits made here.
    struct Checkout {
        work: tempfile::TempDir,
        remote: tempfile::TempDir,
    }

    impl Checkout {
        fn new() -> Checkout {
            let remote = tempfile::tempdir().unwrap();
            git_in(remote.path(), &["init", "-q", "--bare", "-b", "main", "."]);
            let checkout = Checkout {
                work: tempfile::tempdir().unwrap(),
                remote,
            };
            checkout.git(&["init", "-q", "-b", "main"]);
            let url = checkout.remote.path().to_str().unwrap().to_string();
            checkout.git(&["remote", "add", "origin", &url]);
            checkout
        }

        fn git(&self, args: &[&str]) -> String {
            git_in(self.work.path(), args)
        }

        /// Commits a new file `name`; returns the commit id.
        fn commit(&self, name: &str) -> String {
            std::fs::write(self.work.path().join(name), name).unwrap();
            self.git(&["add", name]);
            self.git(&["commit", "-q", "-m", name]);
            self.git(&["rev-parse", "HEAD"])
        }

        /// Pushes (`args` after `git push origin`), then fetches, as a later checkout would.
        fn push(&self, args: &[&str]) {
            let mut push = vec!["push", "-q", "origin"];
            push.extend(args);
            self.git(&push);
            self.git(&["fetch", "-q", "origin"]);
        }

        fn repo(&self) -> gix::Repository {
            crate::source::git::open(self.work.path()).unwrap().unwrap()
        }

        fn plan(&self, event_name: &str, event: Value) -> Result<Plan> {
            plan(&self.repo(), event_name, &event)
        }

        /// The commits `plan` scans, sorted.
        fn scanned(&self, plan: &Plan) -> Vec<String> {
            let Plan::Commits { revisions, .. } = plan else {
                panic!("not a set of commits: {plan:?}");
            };
            let commits = crate::source::git::range::commits(&self.repo(), revisions).unwrap();
            sorted(commits.iter().map(ToString::to_string).collect())
        }
    }

    fn git_in(dir: &Path, args: &[&str]) -> String {
        let output = std::process::Command::new("git")
            .current_dir(dir)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Alice Example")
            .env("GIT_AUTHOR_EMAIL", "alice@example.com")
            .env("GIT_COMMITTER_NAME", "Alice Example")
            .env("GIT_COMMITTER_EMAIL", "alice@example.com")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    fn sorted(mut ids: Vec<String>) -> Vec<String> {
        ids.sort();
        ids
    }

    /// What the job summary says a plan scans.
    fn described(plan: &Plan) -> &str {
        match plan {
            Plan::Commits { scanned, .. } => scanned,
            _ => panic!("not a set of commits: {plan:?}"),
        }
    }

    const GONE: &str = "1111111111111111111111111111111111111111";

    #[test]
    fn a_merge_group_scans_its_base_to_its_head() {
        let c = Checkout::new();
        let base = c.commit("main.txt");
        c.git(&["checkout", "-q", "-b", "other"]);
        c.commit("other.txt");
        c.git(&["checkout", "-q", "-b", "gh-readonly-queue/main/pr-1", &base]);
        let first = c.commit("pr-1.txt");
        let head = c.commit("pr-2.txt");
        c.push(&["--all"]);

        let event = serde_json::json!({"merge_group": {"base_sha": base, "head_sha": head}});
        let plan = c.plan("merge_group", event).unwrap();
        assert_eq!(c.scanned(&plan), sorted(vec![first, head]));
        assert!(described(&plan).contains("merge group"), "{plan:?}");

        let shallow = serde_json::json!({"merge_group": {"base_sha": GONE, "head_sha": base}});
        let error = c.plan("merge_group", shallow).unwrap_err();
        assert!(format!("{error:#}").contains("fetch-depth"), "{error:#}");
    }

    #[test]
    fn a_release_scans_what_its_tag_brings_since_the_tags_it_descends_from() {
        let c = Checkout::new();
        let first = c.commit("1.txt");
        // Annotated: peeled to its commit to be recognised as earlier.
        c.git(&["tag", "-a", "-m", "first release", "v1.0.0"]);
        let second = c.commit("2.txt");
        let released = c.commit("3.txt");
        c.git(&["tag", "v1.1.0"]);
        // A major tag moved along with the release: on its commit, so not earlier.
        c.git(&["tag", "v1"]);
        c.commit("4.txt");
        c.git(&["tag", "v1.2.0"]);
        c.git(&["checkout", "-q", "-b", "side", &first]);
        c.commit("side.txt");
        c.git(&["tag", "side-1"]);

        let release = |tag: &str| serde_json::json!({"release": {"tag_name": tag}});
        let plan = c.plan("release", release("v1.1.0")).unwrap();
        assert_eq!(c.scanned(&plan), sorted(vec![second, released]));
        assert!(described(&plan).contains("1 earlier tag"), "{plan:?}");
        // The first release: everything it reaches; later tags do not hide any of it.
        let plan = c.plan("release", release("v1.0.0")).unwrap();
        assert_eq!(c.scanned(&plan), vec![first]);
        assert!(described(&plan).contains("no earlier tag"), "{plan:?}");

        let error = c.plan("release", release("v9.9.9")).unwrap_err();
        assert!(format!("{error:#}").contains("fetch-depth"), "{error:#}");
    }

    #[test]
    fn a_forced_push_without_its_old_tip_scans_what_no_other_branch_has() {
        let c = Checkout::new();
        let base = c.commit("base.txt");
        c.git(&["checkout", "-q", "-b", "feature"]);
        c.commit("feature.txt");
        c.git(&["checkout", "-q", "main"]);
        c.commit("replaced.txt");
        c.push(&["--all"]);
        // origin/HEAD names origin/main, which is already at the pushed commit.
        c.git(&["remote", "set-head", "origin", "main"]);
        c.git(&["reset", "-q", "--hard", &base]);
        let rewritten = c.commit("rewritten.txt");
        c.push(&["--force", "main"]);

        let event = serde_json::json!({"ref": "refs/heads/main", "before": GONE, "after": rewritten,
            "forced": true, "deleted": false, "repository": {"default_branch": "main"}});
        let plan = c.plan("push", event).unwrap();
        // Not `base` (on origin/feature), not `feature.txt`'s commit (another branch's), not
        // the old tip's: only what the push brought.
        assert_eq!(c.scanned(&plan), vec![rewritten.clone()]);
        let said = described(&plan);
        assert!(
            said.contains("forced push") && said.contains(GONE),
            "{said}"
        );
        assert!(said.contains("1 other branch compared"), "{said}");

        // The same commit force-pushed to a second branch at once: that branch is not compared
        // with (its own run would leave the commit to this one), so it is still scanned.
        c.git(&["branch", "-f", "mirror", &rewritten]);
        c.push(&["--force", "mirror"]);
        let event = serde_json::json!({"ref": "refs/heads/main", "before": GONE, "after": rewritten,
            "forced": true, "deleted": false, "repository": {"default_branch": "main"}});
        let plan = c.plan("push", event).unwrap();
        assert_eq!(c.scanned(&plan), vec![rewritten]);
    }
}
