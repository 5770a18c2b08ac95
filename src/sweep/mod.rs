//! `keysweep sweep`: many repositories' full history into one datastore.
//!
//! Three stages run at once: fetchers mirror repositories into the cache (`--fetch-jobs`),
//! scanners scan them (`--jobs` repositories at a time, the cores divided among them), and one
//! writer commits results to the store. A blob is scanned once for the whole store (see
//! `ledger`); a repository swept before is scanned only for what its new commits bring, and not
//! at all when its refs have not moved. Findings are attributed per repository afterwards, from
//! every matched blob the repository holds, whoever scanned it.

mod blobs;
pub mod forge;
mod inputs;
mod ledger;
mod mirror;
mod progress;
pub mod report;

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use gix::ObjectId;
use gix::objs::{Exists, Kind};

use crate::app;
use crate::config::Config;
use crate::exit;
use crate::filter;
use crate::matcher::Matcher;
use crate::model::{Notice, NoticeKind};
use crate::owners::{CODEOWNERS_PATHS, CodeOwners};
use crate::plural::{count, plural};
use crate::request::RuleSelection;
use crate::rules::RuleSet;
use crate::scan::{ScanOptions, Scope};
use crate::source::{git, git::range::Revisions};
use crate::store::{BlobRecord, RepoRecord, RepoResult, RepoState, Store, StoredHit, TriageStatus};
use blobs::{BlobSelection, ScannedBlob};
use inputs::Target;
use ledger::{Claim, Ledger};
use progress::Progress;

/// Blobs per transaction, and how long a scanned blob may wait to be committed.
const BATCH_BLOBS: usize = 2000;
const BATCH_AGE: Duration = Duration::from_millis(500);

/// What to sweep and how: built by a front end (the command line's `sweep`), plain data.
#[derive(Debug, Clone)]
pub struct SweepPlan {
    /// Clone URLs (mirrored into `cache`) or local paths (scanned in place).
    pub repos: Vec<String>,
    /// Files of clone URLs or local paths, one per line (`#` starts a comment).
    pub repos_from: Vec<PathBuf>,
    /// Directories holding many clones: each git repository directly under one.
    pub dir: Vec<PathBuf>,
    /// GitHub organisations or users whose every repository is swept.
    pub github_org: Vec<String>,
    /// GitHub's API (or GitHub Enterprise's); `GITHUB_TOKEN` is sent only there.
    pub github_api_url: String,
    /// GitLab groups (and their subgroups) whose every project is swept.
    pub gitlab_group: Vec<String>,
    /// GitLab's API (or a self-managed instance's); `GITLAB_TOKEN` is sent only there.
    pub gitlab_api_url: String,
    /// Also sweep the forks a forge lists.
    pub include_forks: bool,
    /// Also sweep the archived repositories a forge lists.
    pub include_archived: bool,
    /// The datastore (SQLite).
    pub store: PathBuf,
    /// Where clone URLs are mirrored.
    pub cache: PathBuf,
    /// Scan the cached mirrors as they are.
    pub no_fetch: bool,
    /// Only shard I of N (0-based) of the repository list.
    pub shard: Option<(usize, usize)>,
    /// Repositories scanned at once (default: one per thread).
    pub jobs: Option<usize>,
    /// Clones and fetches at once.
    pub fetch_jobs: usize,
    /// Worker threads in all; the caller owns the thread pool.
    pub threads: usize,
    /// Rules beyond the built-in library, or a subset of them.
    pub rules: RuleSelection,
    /// Scan blobs that look binary instead of skipping them.
    pub include_binary: bool,
    /// Blobs larger than this many bytes are skipped (and recorded as such).
    pub max_file_size: u64,
    /// Decoding layers (base64 inside a JSON string is two); 0 turns decoding off.
    pub max_decode_depth: usize,
    /// Do not open zip, tar and gzip blobs.
    pub no_archives: bool,
    /// Print nothing on stderr but errors: no progress, no summary.
    pub quiet: bool,
    /// Ask providers whether newly found secrets are live.
    pub validate: bool,
    /// `PROVIDER=URL` overrides of a provider's base URL.
    pub validate_endpoint: Vec<String>,
    /// Database URIs may be checked by a login to the host they name.
    pub validate_network_hosts: bool,
}

/// Sweeps every repository of `plan` into its store; the exit code says whether any finding
/// awaits triage or any repository failed.
pub fn run(args: &SweepPlan) -> Result<u8> {
    let started = Instant::now();
    let rules = app::load_rules(&args.rules)?;
    let cores = args.threads.max(1);
    let mut targets = inputs::dedup(collect_targets(args)?);
    if let Some((index, count)) = args.shard {
        targets = inputs::shard(targets, index, count);
    }
    let options = ScanOptions {
        scope: Scope::History,
        respect_ignore: true,
        include_binary: args.include_binary,
        max_file_size: args.max_file_size,
        threads: cores,
        progress: false,
        decode: crate::decode::Limits {
            max_depth: args.max_decode_depth,
            archives: !args.no_archives,
            ..crate::decode::Limits::default()
        },
    };
    // What was scanned depends on the rules and on the options that gate the matcher.
    let digest = format!(
        "{}:{}:{}:{}:{}",
        rules.matching_digest(),
        args.max_file_size,
        args.include_binary,
        args.max_decode_depth,
        !args.no_archives
    );

    let mut store = Store::open(&args.store)?;
    if store.use_rules(&digest)? && !args.quiet {
        eprintln!(
            "keysweep: note: rules or scan options changed since the last sweep: every blob is scanned again"
        );
    }
    let mut work = VecDeque::new();
    for target in targets {
        let record = store.repo(&target.name, &target.url)?;
        work.push_back((target, record));
    }
    let shard = args.shard.map(|(i, n)| format!("{i}/{n}"));
    let run = store.start_run(shard.as_deref(), work.len())?;
    let (done, matched) = store.scanned_blobs()?;
    let sweep = Sweep {
        rules: &rules,
        matcher: Matcher::new(&rules)?,
        options,
        digest,
        cores,
        jobs: args.jobs.unwrap_or(cores).max(1),
        ledger: Ledger::new(done, matched),
        progress: Progress::new(work.len(), args.quiet),
        store_path: args.store.clone(),
        remaining: AtomicUsize::new(work.len()),
        blobs_scanned: AtomicU64::new(0),
        bytes_scanned: AtomicU64::new(0),
        outcomes: Mutex::new(Outcomes::default()),
        pending: Mutex::new(Vec::new()),
    };
    let tokens = forge_tokens(args);
    let fetch = FetchPlan {
        cache: &args.cache,
        fetch: !args.no_fetch,
        tokens: &tokens,
        queue: Mutex::new(work),
    };
    let mut store = sweep.run_stages(store, run, &fetch, args.fetch_jobs.max(1))?;
    store.finish_run(run)?;
    let outcomes = sweep.outcomes.into_inner().unwrap();
    let seconds = started.elapsed().as_secs_f64();
    if args.validate {
        validate_new_secrets(args, &mut store, &rules, &outcomes.swept)?;
    }
    let new_findings = count_new_findings(&store, &outcomes.swept)?;
    if !args.quiet {
        let bytes = sweep.bytes_scanned.load(Ordering::Relaxed);
        eprintln!(
            "keysweep: swept {} ({} scanned, {} unchanged, {} failed): {}, {:.1} MB in {seconds:.1} s ({:.1} MB/s); {} with status new. \
             Report: keysweep report --store {}",
            plural(
                outcomes.swept.len() + outcomes.failed,
                "repository",
                "repositories"
            ),
            outcomes.scanned,
            outcomes.unchanged,
            outcomes.failed,
            count(
                sweep.blobs_scanned.load(Ordering::Relaxed) as usize,
                "new blob"
            ),
            bytes as f64 / 1e6,
            bytes as f64 / 1e6 / seconds.max(1e-9),
            count(new_findings, "distinct secret"),
            args.store.display()
        );
    }
    Ok(exit::code(outcomes.failed > 0, new_findings > 0))
}

fn collect_targets(args: &SweepPlan) -> Result<Vec<Target>> {
    let mut targets = Vec::new();
    for spec in &args.repos {
        targets.push(inputs::target(spec)?);
    }
    for file in &args.repos_from {
        targets.extend(inputs::from_file(file)?);
    }
    for dir in &args.dir {
        targets.extend(inputs::from_dir(dir)?);
    }
    let forge_options = |api_url: &str, variable: &str| forge::ForgeOptions {
        api_url: api_url.trim_end_matches('/').to_string(),
        token: std::env::var(variable).ok().filter(|t| !t.is_empty()),
        include_archived: args.include_archived,
        include_forks: args.include_forks,
    };
    for org in &args.github_org {
        let listed = forge::github_org(org, &forge_options(&args.github_api_url, "GITHUB_TOKEN"))?;
        targets.extend(listed.iter().map(|r| forge_target(&r.clone_url)));
    }
    for group in &args.gitlab_group {
        let listed =
            forge::gitlab_group(group, &forge_options(&args.gitlab_api_url, "GITLAB_TOKEN"))?;
        targets.extend(listed.iter().map(|r| forge_target(&r.clone_url)));
    }
    anyhow::ensure!(
        !targets.is_empty(),
        "no repositories to sweep: give REPO arguments, --repos-from, --dir, --github-org or --gitlab-group"
    );
    Ok(targets)
}

/// A forge's clone URL; a local path (as test forges list) is still cloned, like any URL.
fn forge_target(clone_url: &str) -> Target {
    Target {
        name: inputs::name_of_url(clone_url),
        url: clone_url.to_string(),
        local: None,
    }
}

/// Forge tokens for cloning (listed or given repositories alike), each bound to its forge's
/// web host.
fn forge_tokens(args: &SweepPlan) -> Vec<mirror::HostToken> {
    let mut tokens = Vec::new();
    let mut add = |variable: &str, api_url: &str, user: &str| {
        if let Ok(token) = std::env::var(variable)
            && !token.is_empty()
            && let Some(host) = web_host(api_url)
        {
            tokens.push(mirror::HostToken {
                host,
                user: user.to_string(),
                token,
            });
        }
    };
    add("GITHUB_TOKEN", &args.github_api_url, "x-access-token");
    add("GITLAB_TOKEN", &args.gitlab_api_url, "oauth2");
    tokens
}

/// The host clones come from: `api.github.com` serves `github.com`; GitHub Enterprise and
/// GitLab serve API and clones from one host.
fn web_host(api_url: &str) -> Option<String> {
    // Tokens travel to clones over HTTPS only.
    let host = mirror::host_of(api_url).filter(|_| api_url.starts_with("https://"))?;
    Some(host.strip_prefix("api.").unwrap_or(host).to_string())
}

/// Asks providers about each distinct secret of the swept repositories that has no answer yet
/// (never asked, or asked when there was no check or no reply: a rule that gained a check, a
/// provider that was down), and records the answers. A provider's answer, live or revoked, is
/// kept and not asked again. A check that needs the file (a GCP key) reads the blob from a
/// repository that holds it.
fn validate_new_secrets(
    args: &SweepPlan,
    store: &mut Store,
    rules: &RuleSet,
    swept: &[(i64, PathBuf)],
) -> Result<()> {
    let mut findings = Vec::new();
    let mut holders: std::collections::HashMap<String, PathBuf> = Default::default();
    let mut seen = std::collections::HashSet::new();
    for (repo, path) in swept {
        for (finding, _) in store.findings_of(*repo)? {
            if rules.get(&finding.rule_id).is_none() {
                continue;
            }
            let answered = finding.validation.as_ref().is_some_and(|v| {
                matches!(
                    v.status,
                    crate::model::Status::Valid | crate::model::Status::Invalid
                )
            });
            if answered || !seen.insert(finding.fingerprint.clone()) {
                continue;
            }
            if let Some(blob) = &finding.primary().blob {
                holders.insert(blob.clone(), path.clone());
            }
            findings.push(finding);
        }
    }
    let options = crate::validate::Options {
        endpoints: crate::validate::Endpoints::from_args_and_env(&args.validate_endpoint)?,
        network_hosts: args.validate_network_hosts,
        ..crate::validate::Options::default()
    };
    let load = |o: &crate::model::Occurrence| -> Option<Vec<u8>> {
        let blob = o.blob.as_deref()?;
        let repo = git::open(holders.get(blob)?).ok()??;
        let id = ObjectId::from_hex(blob.as_bytes()).ok()?;
        repo.find_object(id).ok().map(|object| object.data.to_vec())
    };
    crate::validate::run(&mut findings, rules, &options, &load);
    let mut valid = 0;
    for finding in &findings {
        if let Some(validation) = &finding.validation {
            valid += usize::from(validation.status == crate::model::Status::Valid);
            store.record_validation(&finding.fingerprint, validation)?;
        }
    }
    if !args.quiet {
        eprintln!(
            "keysweep: validation: {} checked, {valid} live",
            count(findings.len(), "secret")
        );
    }
    Ok(())
}

fn count_new_findings(store: &Store, swept: &[(i64, PathBuf)]) -> Result<usize> {
    let mut fingerprints = std::collections::HashSet::new();
    for (repo, _) in swept {
        for (finding, triage) in store.findings_of(*repo)? {
            if triage.status == TriageStatus::New {
                fingerprints.insert(finding.fingerprint);
            }
        }
    }
    Ok(fingerprints.len())
}

/// What the scanners tell the writer.
enum ToWriter {
    /// The pending blobs make a full batch.
    Batch,
    /// Commit what came before, then answer.
    Flush(mpsc::SyncSender<()>),
    Repo(Box<RepoResult>),
    Failed(i64, String),
}

#[derive(Default)]
struct Outcomes {
    scanned: usize,
    unchanged: usize,
    failed: usize,
    /// Repositories with current findings in the store (scanned or unchanged), and where
    /// they were read.
    swept: Vec<(i64, PathBuf)>,
}

struct FetchPlan<'a> {
    cache: &'a Path,
    fetch: bool,
    tokens: &'a [mirror::HostToken],
    queue: Mutex<VecDeque<(Target, RepoRecord)>>,
}

impl FetchPlan<'_> {
    /// Where the next repository can be read, once cloned or fetched.
    fn next(&self) -> Option<(Target, RepoRecord, Result<PathBuf>)> {
        let (target, record) = self.queue.lock().unwrap().pop_front()?;
        let path = match (&target.local, self.fetch) {
            (Some(path), _) => Ok(path.clone()),
            (None, true) => mirror::mirror(&target.url, &target.name, self.cache, self.tokens),
            (None, false) => {
                let path = mirror::cached_path(&target.name, self.cache);
                if path.join("HEAD").is_file() {
                    Ok(path)
                } else {
                    Err(anyhow::anyhow!(
                        "not in the cache {} (--no-fetch)",
                        self.cache.display()
                    ))
                }
            }
        };
        Some((target, record, path))
    }
}

struct Sweep<'a> {
    rules: &'a RuleSet,
    matcher: Matcher<'a>,
    options: ScanOptions,
    digest: String,
    cores: usize,
    jobs: usize,
    ledger: Ledger,
    progress: Progress,
    store_path: PathBuf,
    /// Repositories not yet started (the last ones get more cores each).
    remaining: AtomicUsize,
    blobs_scanned: AtomicU64,
    bytes_scanned: AtomicU64,
    outcomes: Mutex<Outcomes>,
    /// Scanned blobs not yet handed to the writer.
    pending: Mutex<Vec<BlobRecord>>,
}

/// How one repository went.
enum RepoOutcome {
    Scanned(Box<RepoResult>),
    Unchanged,
}

impl Sweep<'_> {
    /// Fetchers, scanners and the writer, until every repository is done. Returns the store.
    fn run_stages(
        &self,
        store: Store,
        run: i64,
        fetch: &FetchPlan,
        fetch_jobs: usize,
    ) -> Result<Store> {
        let (to_writer, writer_inbox) = mpsc::channel::<ToWriter>();
        let (ready, scan_inbox) = mpsc::sync_channel(self.jobs);
        let scan_inbox = Mutex::new(scan_inbox);
        std::thread::scope(|s| {
            let writer = s.spawn(|| self.write(store, run, writer_inbox));
            for _ in 0..fetch_jobs {
                let ready = ready.clone();
                s.spawn(move || {
                    while let Some(item) = fetch.next() {
                        if ready.send(item).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(ready);
            for _ in 0..self.jobs {
                let to_writer = to_writer.clone();
                let scan_inbox = &scan_inbox;
                s.spawn(move || {
                    loop {
                        let next = scan_inbox.lock().unwrap().recv();
                        let Ok((target, record, path)) = next else {
                            break;
                        };
                        self.sweep_one(&target, &record, path, &to_writer);
                    }
                });
            }
            drop(to_writer);
            writer.join().expect("the writer does not panic")
        })
    }

    fn sweep_one(
        &self,
        target: &Target,
        record: &RepoRecord,
        path: Result<PathBuf>,
        to_writer: &mpsc::Sender<ToWriter>,
    ) {
        let remaining = self.remaining.fetch_sub(1, Ordering::Relaxed);
        let threads = (self.cores / self.jobs.min(remaining).max(1)).max(1);
        let started = Instant::now();
        let outcome = path.and_then(|path| {
            self.scan_repository(record, &path, threads, to_writer)
                .map(|outcome| (outcome, path))
        });
        let mut outcomes = self.outcomes.lock().unwrap();
        let line = match outcome {
            Ok((RepoOutcome::Unchanged, path)) => {
                outcomes.unchanged += 1;
                outcomes.swept.push((record.id, path));
                "unchanged since the last sweep".to_string()
            }
            Ok((RepoOutcome::Scanned(mut result), path)) => {
                result.seconds = started.elapsed().as_secs_f64();
                outcomes.scanned += 1;
                outcomes.swept.push((record.id, path));
                let line = format!(
                    "{}, {} of {}, {:.1} MB",
                    count(result.findings.len(), "finding"),
                    count(result.new_blobs as usize, "new blob"),
                    result.blobs,
                    result.bytes as f64 / 1e6
                );
                if to_writer.send(ToWriter::Repo(result)).is_err() {
                    outcomes.failed += 1;
                }
                line
            }
            Err(e) => {
                outcomes.failed += 1;
                let reason = format!("{e:#}");
                let _ = to_writer.send(ToWriter::Failed(record.id, reason.clone()));
                format!("FAILED: {reason}")
            }
        };
        drop(outcomes);
        self.progress.repo_done(
            &target.name,
            &line,
            self.bytes_scanned.load(Ordering::Relaxed),
        );
    }

    fn scan_repository(
        &self,
        record: &RepoRecord,
        path: &Path,
        threads: usize,
        to_writer: &mpsc::Sender<ToWriter>,
    ) -> Result<RepoOutcome> {
        let repo = git::open(path)?
            .with_context(|| format!("{} is not a git repository", path.display()))?;
        let tips = tips(&repo);
        let same_rules = record.rules_digest.as_deref() == Some(self.digest.as_str());
        if record.state == RepoState::Scanned && same_rules && record.tips == tips {
            return Ok(RepoOutcome::Unchanged);
        }
        let selection = if same_rules {
            since(&repo, &record.tips, &tips)
        } else {
            BlobSelection::All
        };

        let seen = AtomicU64::new(0);
        let elsewhere = Mutex::new(Vec::new());
        let claim = |id: &gix::oid| {
            seen.fetch_add(1, Ordering::Relaxed);
            match self.ledger.claim(id) {
                Claim::Mine => true,
                Claim::Done => false,
                Claim::Elsewhere => {
                    elsewhere.lock().unwrap().push(id.to_owned());
                    false
                }
            }
        };
        let record_blob = |blob: ScannedBlob| {
            let hits = blob
                .hits
                .iter()
                .map(|h| StoredHit::from_hit(h, self.rules))
                .collect();
            let skipped = blob.skipped.then(|| skip_reason(blob.size, &self.options));
            // A closed writer ends the sweep with an error below; nothing to do here.
            let mut pending = self.pending.lock().unwrap();
            pending.push(BlobRecord {
                id: blob.id,
                size: blob.size,
                skipped,
                hits,
            });
            if pending.len() == BATCH_BLOBS {
                // A closed writer ends the sweep with an error below; nothing to do here.
                let _ = to_writer.send(ToWriter::Batch);
            }
        };
        let options = ScanOptions {
            threads,
            ..self.options.clone()
        };
        let knows = |id: &gix::oid| self.ledger.knows(id);
        let learn = |id: &gix::oid| self.ledger.learn(id);
        let known = git::odb::Known {
            contains: &knows,
            learn: &learn,
        };
        let (stats, mut notices) = blobs::scan_claimed_blobs(
            &repo,
            &self.matcher,
            &options,
            &selection,
            &known,
            &claim,
            &record_blob,
        )?;
        self.blobs_scanned.fetch_add(stats.blobs, Ordering::Relaxed);
        self.bytes_scanned.fetch_add(stats.bytes, Ordering::Relaxed);

        // Everything this scan sent is committed once the writer answers; blobs left to
        // concurrent scans once the ledger says so.
        let (ack, acked) = mpsc::sync_channel(1);
        to_writer
            .send(ToWriter::Flush(ack))
            .ok()
            .and_then(|()| acked.recv().ok())
            .context("the datastore writer stopped")?;
        anyhow::ensure!(
            self.ledger.wait_for(&elsewhere.into_inner().unwrap()),
            "the datastore writer stopped"
        );

        let (findings, attribution_notices) = self.attribute(&repo)?;
        notices.extend(attribution_notices);
        let (findings, _, filter_notices) = filter::apply(findings, &Config::default(), None);
        notices.extend(filter_notices);
        Ok(RepoOutcome::Scanned(Box::new(RepoResult {
            repo: record.id,
            tips,
            rules_digest: self.digest.clone(),
            blobs: seen.load(Ordering::Relaxed),
            new_blobs: stats.blobs,
            bytes: stats.bytes,
            seconds: 0.0,
            findings,
            notices,
        })))
    }

    /// Findings from every matched blob of the store that `repo` holds, with provenance and
    /// the owners of each path.
    fn attribute(
        &self,
        repo: &gix::Repository,
    ) -> Result<(Vec<crate::model::Finding>, Vec<Notice>)> {
        let reader = Store::open_reader(&self.store_path)?;
        let mut matched = Vec::new();
        for id in self.ledger.matched() {
            if repo.objects.exists(&id) {
                let hits = reader
                    .hits_of(&id)?
                    .iter()
                    .filter_map(|h| h.to_hit(self.rules))
                    .collect::<Vec<_>>();
                if !hits.is_empty() {
                    matched.push((id, hits));
                }
            }
        }
        let (mut findings, mut notices) = blobs::attribute(repo, self.rules, matched);
        if let Some((path, owners)) = codeowners(repo) {
            for occurrence in findings.iter_mut().flat_map(|f| f.occurrences.iter_mut()) {
                let path = occurrence.path.split('!').next().unwrap_or_default();
                occurrence.owners = owners.owners_of(path);
            }
            notices.extend(owners.problems().iter().map(|problem| {
                Notice::note(
                    NoticeKind::Configuration,
                    path,
                    format!("skipped {problem}"),
                )
            }));
        }
        Ok((findings, notices))
    }

    /// The writer: batches blobs into transactions, records repositories, tells the ledger.
    fn write(&self, mut store: Store, run: i64, inbox: mpsc::Receiver<ToWriter>) -> Result<Store> {
        let result = self.write_all(&mut store, run, &inbox);
        if result.is_err() {
            // Scanners waiting for commits must not wait forever.
            self.ledger.abandon();
        }
        result.map(|()| store)
    }

    fn write_all(
        &self,
        store: &mut Store,
        run: i64,
        inbox: &mpsc::Receiver<ToWriter>,
    ) -> Result<()> {
        // Blobs wait in `pending` (a lock, not a message each: waking the writer per blob
        // cost a tenth of a sweep) until a batch is full, a scan flushes, or BATCH_AGE passes.
        let commit = |store: &mut Store| -> Result<()> {
            let batch = std::mem::take(&mut *self.pending.lock().unwrap());
            if batch.is_empty() {
                return Ok(());
            }
            store.record_blobs(run, &batch)?;
            self.ledger
                .committed(batch.iter().map(|b| (b.id, !b.hits.is_empty())));
            Ok(())
        };
        loop {
            match inbox.recv_timeout(BATCH_AGE) {
                Ok(ToWriter::Batch) | Err(mpsc::RecvTimeoutError::Timeout) => commit(store)?,
                Ok(ToWriter::Flush(ack)) => {
                    commit(store)?;
                    let _ = ack.send(());
                }
                Ok(ToWriter::Repo(result)) => {
                    commit(store)?;
                    store.record_repo(&result)?;
                }
                Ok(ToWriter::Failed(repo, reason)) => {
                    commit(store)?;
                    store.record_failure(repo, &reason)?;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        commit(store)
    }
}

/// Why the size or binary gate kept a blob from the matcher.
fn skip_reason(size: u64, options: &ScanOptions) -> String {
    if size > options.max_file_size {
        format!("larger than --max-file-size {}", options.max_file_size)
    } else {
        "binary".to_string()
    }
}

/// Every ref (and HEAD) with the object it points to.
fn tips(repo: &gix::Repository) -> BTreeMap<String, String> {
    let mut tips = BTreeMap::new();
    if let Ok(head) = repo.head_id() {
        tips.insert("HEAD".to_string(), head.to_string());
    }
    if let Ok(platform) = repo.references()
        && let Ok(all) = platform.all()
    {
        for mut reference in all.flatten() {
            if let Ok(id) = reference.peel_to_id() {
                tips.insert(reference.name().as_bstr().to_string(), id.to_string());
            }
        }
    }
    tips
}

/// What is new since the last complete scan: the blobs the commits reachable from the new tips
/// and from none of the old ones introduce. Everything, when that cannot be told (a first scan,
/// old tips gone or not commits).
fn since(
    repo: &gix::Repository,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> BlobSelection {
    let commits = |tips: &BTreeMap<String, String>| -> Option<Vec<String>> {
        let mut ids: Vec<String> = tips.values().cloned().collect();
        ids.sort();
        ids.dedup();
        ids.iter()
            .all(|id| {
                ObjectId::from_hex(id.as_bytes())
                    .ok()
                    .and_then(|id| repo.find_header(id).ok())
                    .is_some_and(|h| h.kind() == Kind::Commit)
            })
            .then_some(ids)
    };
    match (old.is_empty(), commits(old), commits(new)) {
        (false, Some(exclude), Some(include)) => BlobSelection::Introduced(Revisions {
            include,
            exclude,
            symmetric: false,
        }),
        _ => BlobSelection::All,
    }
}

/// The repository's CODEOWNERS at HEAD, where forges look for it, and its path.
fn codeowners(repo: &gix::Repository) -> Option<(&'static str, CodeOwners)> {
    let tree = repo.head_tree().ok()?;
    CODEOWNERS_PATHS.iter().find_map(|path| {
        let entry = tree.lookup_entry_by_path(path).ok()??;
        let object = entry.object().ok()?;
        let owners = CodeOwners::parse(&String::from_utf8_lossy(&object.data));
        Some((*path, owners))
    })
}
