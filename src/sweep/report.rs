//! `keysweep report`: a sweep's datastore as text, JSON or SARIF, per repository or for the
//! whole sweep, with a summary: repositories and what became of them, blobs and bytes, findings
//! by rule, severity, owner, validity and triage, and secrets found in several repositories.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufWriter, Write};

use anyhow::{Context, Result};
use serde::Serialize;
use serde_sarif::sarif::{self, VersionControlDetails};

use crate::app;
use crate::escape::text as e;
use crate::exit;
use crate::model::{Finding, Notice, ScanOutcome, Stats};
use crate::redact;
use crate::report::{html, sarif as sarif_report, text};
use crate::request::RuleSelection;
use crate::rules::RuleSet;
use crate::store::{RepoRecord, RepoState, RunRecord, Store, Triage, TriageStatus};

/// One repository with what the store holds of it.
#[derive(Serialize)]
struct Repository {
    name: String,
    url: String,
    state: RepoState,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scanned_at: Option<i64>,
    /// Blobs the last scan looked at, and of those the ones it scanned itself.
    blobs: u64,
    new_blobs: u64,
    bytes: u64,
    findings: Vec<TriagedFinding>,
    notices: Vec<Notice>,
}

#[derive(Serialize)]
struct TriagedFinding {
    #[serde(flatten)]
    finding: Finding,
    triage: Triage,
}

#[derive(Serialize, Default)]
struct Summary {
    repositories: usize,
    /// Repositories by state: scanned, failed, pending (never reached).
    states: BTreeMap<String, usize>,
    /// Distinct blobs scanned, in all repositories, and their bytes.
    blobs: u64,
    bytes: u64,
    /// Blobs kept from the matcher, by reason.
    skipped_blobs: BTreeMap<String, u64>,
    /// Findings per repository (one secret in two repositories counts twice)...
    findings: usize,
    /// ...and distinct secrets.
    secrets: usize,
    by_rule: BTreeMap<String, usize>,
    by_severity: BTreeMap<String, usize>,
    /// CODEOWNERS owners of the path, else the introducing commit's author.
    by_owner: BTreeMap<String, usize>,
    by_validity: BTreeMap<String, usize>,
    /// Live secrets by whose they are, as their providers told (distinct secrets).
    live_by_account: BTreeMap<String, usize>,
    by_status: BTreeMap<String, usize>,
    in_several_repositories: Vec<Shared>,
    /// Repositories whose findings are missing or stale, and why.
    not_scanned: Vec<NotScanned>,
    runs: Vec<RunRecord>,
}

#[derive(Serialize)]
struct Shared {
    fingerprint: String,
    rule_id: String,
    repositories: Vec<String>,
}

#[derive(Serialize)]
struct NotScanned {
    name: String,
    state: RepoState,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

#[derive(Serialize)]
struct Document<'a> {
    tool: &'static str,
    version: &'static str,
    summary: &'a Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    repositories: Option<&'a [Repository]>,
}

/// The shapes a sweep's report takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreFormat {
    /// Every finding for people to read, then the summary.
    Text,
    /// One document: the summary and, unless summary-only, every repository with its
    /// findings, triage and notices.
    Json,
    /// SARIF 2.1.0, one run per repository with findings; accepted and false-positive ones
    /// are marked suppressed.
    Sarif,
    /// One JSON object per line: each finding with its repository and triage (or, with
    /// `summary`, the summary alone), for `jq` and log pipelines.
    Jsonl,
    /// One self-contained page: repositories, findings with filters and triage, charts and
    /// the exposure timeline.
    Html,
}

/// What `keysweep report` was asked: built by a front end, plain data.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// The sweep's datastore.
    pub store: std::path::PathBuf,
    /// Only this repository (its name as the sweep printed it).
    pub repo: Option<String>,
    /// Only findings with these triage statuses (empty: all).
    pub status: Vec<String>,
    /// The report's shape.
    pub format: StoreFormat,
    /// Only the summary, no findings.
    pub summary: bool,
    /// Write here instead of standard output.
    pub output: Option<std::path::PathBuf>,
    /// Show secrets only as a short prefix and a mask.
    pub redact: bool,
    /// The text report may use ANSI colours.
    pub color: bool,
    /// The rules of the sweep (for SARIF's rule descriptions).
    pub rules: RuleSelection,
}

/// One line of the JSONL report.
#[derive(Serialize)]
struct FindingLine<'a> {
    repository: &'a str,
    #[serde(flatten)]
    finding: &'a TriagedFinding,
}

/// Writes the report `args` asks for. Exits as a scan would: 2 when a repository reported on
/// failed or was never reached (its findings are unknown), else 1 when an untriaged (`new`)
/// finding is in the report, else 0: triage is how a finding stops failing the build.
pub fn run(args: &ReportRequest) -> Result<u8> {
    anyhow::ensure!(
        !(args.summary && args.format == StoreFormat::Html),
        "--summary does not apply to --format html: the page always opens with the summary"
    );
    let statuses = args
        .status
        .iter()
        .map(|s| s.parse::<TriageStatus>().map_err(anyhow::Error::msg))
        .collect::<Result<Vec<_>>>()?;
    let store = Store::open_existing(&args.store)?;
    let records = match &args.repo {
        Some(name) => vec![find_repo(store.repos(None)?, name)?],
        None => store.repos(None)?,
    };
    let mut repositories = Vec::new();
    for record in records {
        repositories.push(load(&store, record, &statuses, args.redact)?);
    }
    let summary = summarize(&store, &repositories, args.repo.is_none())?;

    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(
            crate::private_file::create(path, !args.redact)
                .with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    match args.format {
        StoreFormat::Json => {
            let document = Document {
                tool: env!("CARGO_PKG_NAME"),
                version: env!("CARGO_PKG_VERSION"),
                summary: &summary,
                repositories: (!args.summary).then_some(&repositories[..]),
            };
            serde_json::to_writer_pretty(&mut out, &document)?;
            writeln!(out)?;
        }
        StoreFormat::Sarif => {
            let rules = app::load_rules(&args.rules)?;
            serde_json::to_writer_pretty(&mut out, &sarif_log(&repositories, &rules)?)?;
            writeln!(out)?;
        }
        StoreFormat::Jsonl if args.summary => {
            serde_json::to_writer(&mut out, &summary)?;
            writeln!(out)?;
        }
        StoreFormat::Jsonl => {
            for repository in &repositories {
                for finding in &repository.findings {
                    let line = FindingLine {
                        repository: &repository.name,
                        finding,
                    };
                    serde_json::to_writer(&mut out, &line)?;
                    writeln!(out)?;
                }
            }
        }
        StoreFormat::Html => {
            let rules = app::load_rules(&args.rules)?;
            html_page(&repositories, &rules, args).write(&mut out)?;
        }
        StoreFormat::Text => {
            if !args.summary {
                write_findings(&repositories, &mut out, text::Paint::new(args.color))?;
            }
            write_summary(&summary, &mut out)?;
        }
    }
    out.flush()?;
    let incomplete = repositories.iter().any(|r| r.state != RepoState::Scanned);
    let untriaged = repositories
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| f.triage.status == TriageStatus::New);
    Ok(exit::code(incomplete, untriaged))
}

/// The repository called `name`, or the only one whose name ends with `/name` (`acme/api`
/// for `github.com/acme/api`, `api.git` for a local path).
fn find_repo(records: Vec<RepoRecord>, name: &str) -> Result<RepoRecord> {
    let suffix = format!("/{}", name.trim_start_matches('/'));
    let mut candidates: Vec<RepoRecord> = records
        .into_iter()
        .filter(|r| r.name == name || r.name.ends_with(&suffix))
        .collect();
    if let Some(exact) = candidates.iter().position(|r| r.name == name) {
        return Ok(candidates.swap_remove(exact));
    }
    match candidates.len() {
        1 => Ok(candidates.remove(0)),
        0 => anyhow::bail!("the store has no repository named {name:?}"),
        _ => anyhow::bail!(
            "{name:?} could be any of: {}",
            candidates
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn load(
    store: &Store,
    record: RepoRecord,
    statuses: &[TriageStatus],
    redacted: bool,
) -> Result<Repository> {
    let mut findings: Vec<(Finding, Triage)> = store
        .findings_of(record.id)?
        .into_iter()
        .filter(|(_, t)| statuses.is_empty() || statuses.contains(&t.status))
        .collect();
    findings.sort_by(|a, b| {
        let (pa, pb) = (a.0.primary(), b.0.primary());
        (&pa.path, pa.location.line, &a.0.rule_id, &a.0.fingerprint).cmp(&(
            &pb.path,
            pb.location.line,
            &b.0.rule_id,
            &b.0.fingerprint,
        ))
    });
    if redacted {
        let mut bare: Vec<Finding> = findings.iter().map(|(f, _)| f.clone()).collect();
        redact::apply(&mut bare);
        for ((finding, _), redacted) in findings.iter_mut().zip(bare) {
            *finding = redacted;
        }
    }
    Ok(Repository {
        notices: store.notices_of(record.id)?,
        name: record.name,
        url: record.url,
        state: record.state,
        reason: record.reason,
        scanned_at: record.scanned_at,
        blobs: record.blobs,
        new_blobs: record.new_blobs,
        bytes: record.bytes,
        findings: findings
            .into_iter()
            .map(|(finding, triage)| TriagedFinding { finding, triage })
            .collect(),
    })
}

/// The store as one HTML page, whose triage commands name this store.
fn html_page(repositories: &[Repository], rules: &RuleSet, args: &ReportRequest) -> html::Page {
    let title = match &args.repo {
        Some(name) => format!("keysweep sweep: {name}"),
        None => format!(
            "keysweep sweep: {}",
            crate::plural::plural(repositories.len(), "repository", "repositories")
        ),
    };
    let mut page = html::Page::new(title, true, !args.redact);
    page.triage_into(&args.store);
    for repo in repositories {
        page.add_repository(html::RepositoryRow {
            name: repo.name.clone(),
            url: repo.url.clone(),
            state: repo.state.to_string(),
            reason: repo.reason.clone(),
            scanned_at: repo.scanned_at.map(crate::utc::iso8601),
            blobs: repo.blobs,
            bytes: repo.bytes,
        });
        for TriagedFinding { finding, triage } in &repo.findings {
            let mark = html::TriageMark {
                status: triage.status.to_string(),
                note: triage.note.clone(),
            };
            page.add_finding(&repo.name, finding, Some(mark), rules);
        }
        for notice in &repo.notices {
            page.add_notice(&repo.name, notice);
        }
    }
    page
}

/// Who to talk to about a finding ([`Finding::owners`]), `(unknown)` when nobody is known.
fn owners(finding: &Finding) -> Vec<String> {
    let owners = finding.owners();
    if owners.is_empty() {
        vec!["(unknown)".to_string()]
    } else {
        owners
    }
}

fn validity(finding: &Finding) -> String {
    match (&finding.validation, finding.checksum_valid) {
        (Some(v), _) => v.status.to_string(),
        (None, Some(true)) => "checksum valid (offline)".to_string(),
        _ => "not checked".to_string(),
    }
}

fn summarize(store: &Store, repositories: &[Repository], whole_store: bool) -> Result<Summary> {
    let mut summary = Summary {
        repositories: repositories.len(),
        ..Summary::default()
    };
    if whole_store {
        let (blobs, bytes, skipped) = store.blob_totals()?;
        summary.blobs = blobs;
        summary.bytes = bytes;
        summary.skipped_blobs = skipped;
        summary.runs = store.runs()?;
    } else {
        summary.blobs = repositories.iter().map(|r| r.blobs).sum();
        summary.bytes = repositories.iter().map(|r| r.bytes).sum();
    }
    let mut holders: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for repo in repositories {
        *summary.states.entry(repo.state.to_string()).or_default() += 1;
        if repo.state != RepoState::Scanned {
            summary.not_scanned.push(NotScanned {
                name: repo.name.clone(),
                state: repo.state,
                reason: repo.reason.clone(),
            });
        }
        for TriagedFinding { finding, triage } in &repo.findings {
            summary.findings += 1;
            *summary.by_rule.entry(finding.rule_id.clone()).or_default() += 1;
            *summary
                .by_severity
                .entry(finding.severity.to_string())
                .or_default() += 1;
            for owner in owners(finding) {
                *summary.by_owner.entry(owner).or_default() += 1;
            }
            *summary.by_validity.entry(validity(finding)).or_default() += 1;
            *summary
                .by_status
                .entry(triage.status.to_string())
                .or_default() += 1;
            holders
                .entry((finding.fingerprint.clone(), finding.rule_id.clone()))
                .or_default()
                .insert(repo.name.clone());
        }
    }
    summary.secrets = holders.len();
    let mut live: BTreeMap<&str, String> = BTreeMap::new();
    for TriagedFinding { finding, .. } in repositories.iter().flat_map(|r| &r.findings) {
        if let Some(v) = finding
            .validation
            .as_ref()
            .filter(|v| v.status == crate::model::Status::Valid)
        {
            let account = v
                .identity()
                .unwrap_or_else(|| format!("{} (no identity given)", finding.rule_id));
            live.insert(&finding.fingerprint, account);
        }
    }
    for account in live.into_values() {
        *summary.live_by_account.entry(account).or_default() += 1;
    }
    summary.in_several_repositories = holders
        .into_iter()
        .filter(|(_, repos)| repos.len() > 1)
        .map(|((fingerprint, rule_id), repos)| Shared {
            fingerprint,
            rule_id,
            repositories: repos.into_iter().collect(),
        })
        .collect();
    Ok(summary)
}

fn write_findings(
    repositories: &[Repository],
    out: &mut dyn Write,
    paint: text::Paint,
) -> Result<()> {
    for repo in repositories {
        if repo.findings.is_empty() && repo.state == RepoState::Scanned {
            continue;
        }
        let reason = repo
            .reason
            .as_deref()
            .map(|r| format!(": {}", e(r)))
            .unwrap_or_default();
        writeln!(
            out,
            "== {} ({}, {} finding{}{reason})\n",
            e(&repo.name),
            repo.state,
            repo.findings.len(),
            if repo.findings.len() == 1 { "" } else { "s" }
        )?;
        for TriagedFinding { finding, triage } in &repo.findings {
            let note = triage
                .note
                .as_deref()
                .map(|n| format!(" ({})", e(n)))
                .unwrap_or_default();
            writeln!(out, "[{}{note}]", triage.status)?;
            text::write_finding(finding, out, paint)?;
        }
    }
    Ok(())
}

fn counts(map: &BTreeMap<String, usize>) -> String {
    let mut entries: Vec<(&String, &usize)> = map.iter().collect();
    entries.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let shown: Vec<String> = entries.iter().map(|(k, v)| format!("{k} {v}")).collect();
    if shown.is_empty() {
        "-".to_string()
    } else {
        shown.join(", ")
    }
}

fn write_summary(s: &Summary, out: &mut dyn Write) -> Result<()> {
    let states: BTreeMap<String, usize> = s.states.clone();
    writeln!(out, "Sweep summary")?;
    writeln!(
        out,
        "  repositories:  {} ({})",
        s.repositories,
        counts(&states)
    )?;
    let skipped: BTreeMap<String, usize> = s
        .skipped_blobs
        .iter()
        .map(|(k, v)| (k.clone(), *v as usize))
        .collect();
    writeln!(
        out,
        "  blobs:         {} distinct, {:.1} MB; not matched: {}",
        s.blobs,
        s.bytes as f64 / 1e6,
        counts(&skipped)
    )?;
    writeln!(
        out,
        "  findings:      {} in repositories, {}",
        s.findings,
        crate::plural::count(s.secrets, "distinct secret")
    )?;
    writeln!(out, "  by status:     {}", counts(&s.by_status))?;
    writeln!(out, "  by severity:   {}", counts(&s.by_severity))?;
    writeln!(out, "  by validity:   {}", counts(&s.by_validity))?;
    if !s.live_by_account.is_empty() {
        writeln!(out, "  live, by account:")?;
        for (account, n) in &s.live_by_account {
            writeln!(
                out,
                "    {}: {}",
                e(account),
                crate::plural::count(*n, "secret")
            )?;
        }
    }
    writeln!(out, "  by owner:      {}", counts(&s.by_owner))?;
    writeln!(out, "  by rule:       {}", counts(&s.by_rule))?;
    if !s.in_several_repositories.is_empty() {
        writeln!(out, "  in more than one repository:")?;
        for shared in &s.in_several_repositories {
            writeln!(
                out,
                "    {} {}: {}",
                shared.fingerprint,
                shared.rule_id,
                e(&shared.repositories.join(", "))
            )?;
        }
    }
    if !s.not_scanned.is_empty() {
        writeln!(out, "  not scanned (no findings here does not mean clean):")?;
        for repo in &s.not_scanned {
            let reason = repo.reason.as_deref().unwrap_or("not reached yet");
            writeln!(out, "    {} ({}): {}", e(&repo.name), repo.state, e(reason))?;
        }
    }
    if let Some(last) = s.runs.last() {
        writeln!(
            out,
            "  runs:          {} (last: {} blobs, {:.1} MB scanned{})",
            s.runs.len(),
            last.blobs_scanned,
            last.bytes_scanned as f64 / 1e6,
            if last.finished.is_none() {
                ", interrupted"
            } else {
                ""
            }
        )?;
    }
    Ok(())
}

/// One SARIF run per repository with findings, each naming its repository (upload one
/// repository's run, `--repo NAME`, to that repository's code scanning); triaged findings carry
/// GitHub's suppression so code scanning shows them dismissed.
fn sarif_log(repositories: &[Repository], rules: &RuleSet) -> Result<sarif::Sarif> {
    let mut runs = Vec::new();
    // A repository without findings has nothing to say in SARIF (code scanning would also
    // take an empty run for a clean bill).
    for repo in repositories.iter().filter(|r| !r.findings.is_empty()) {
        let mut findings = Vec::new();
        for TriagedFinding { finding, .. } in &repo.findings {
            anyhow::ensure!(
                rules.get(&finding.rule_id).is_some(),
                "rule {} is not among the rules: give `report` the --rules the sweep used",
                finding.rule_id
            );
            findings.push(finding.clone());
        }
        let outcome = ScanOutcome {
            findings,
            notices: repo.notices.clone(),
            stats: Stats::default(),
            repository: true,
            suppressed: Default::default(),
        };
        let mut log = sarif_report::build(&outcome, rules);
        for mut run in log.runs.drain(..) {
            run.version_control_provenance = Some(vec![
                VersionControlDetails::builder()
                    .repository_uri(repository_uri(&repo.url))
                    .build(),
            ]);
            // Code scanning takes several runs in one upload only with distinct categories:
            // one per repository (`category/` form: the id's last part is the run's own).
            run.automation_details = Some(
                sarif::RunAutomationDetails::builder()
                    .id(format!("keysweep/{}/", repo.name))
                    .build(),
            );
            if let Some(results) = &mut run.results {
                for (result, triaged) in results.iter_mut().zip(&repo.findings) {
                    if let Some(suppression) = suppression(&triaged.triage) {
                        result.suppressions = Some(vec![suppression]);
                    }
                }
            }
            runs.push(run);
        }
    }
    let mut log = sarif_report::build(&ScanOutcome::empty(), rules);
    log.runs = runs;
    Ok(log)
}

/// SARIF wants a URI: a local path becomes `file://`, scp-like `git@host:path` `ssh://`.
fn repository_uri(url: &str) -> String {
    if url.contains("://") {
        url.to_string()
    } else if url.starts_with('/') {
        format!("file://{}", sarif_report::uri_path(url))
    } else {
        format!("ssh://{}", url.replacen(':', "/", 1))
    }
}

/// Accepted and false-positive findings are suppressed; revoked and new ones are not (a
/// revoked secret still sits in history and is worth seeing).
fn suppression(triage: &Triage) -> Option<sarif::Suppression> {
    let mut suppression = sarif::Suppression::builder()
        .kind(serde_json::json!("external"))
        .build();
    match triage.status {
        TriageStatus::Accepted | TriageStatus::FalsePositive => {
            suppression.justification = Some(format!(
                "{}{}",
                triage.status,
                triage
                    .note
                    .as_deref()
                    .map(|n| format!(": {n}"))
                    .unwrap_or_default()
            ));
            Some(suppression)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn repository_urls_become_uris() {
        use super::repository_uri;
        assert_eq!(
            repository_uri("https://github.com/a/b.git"),
            "https://github.com/a/b.git"
        );
        assert_eq!(
            repository_uri("/srv/my repo.git"),
            "file:///srv/my%20repo.git"
        );
        assert_eq!(
            repository_uri("git@github.com:a/b.git"),
            "ssh://git@github.com/a/b.git"
        );
    }
}
