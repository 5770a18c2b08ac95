//! The pipeline, wired: a source hands out bytes, the matcher finds matches, matches become
//! hits, hits become findings with their occurrences and (for git) provenance.
//!
//! Every front end (a directory, a repository's history, a commit range, the index) is this
//! module with a different source. Work is parallel over files and blobs; results are collected
//! and sorted at the end, so output is deterministic whatever the thread count.

use std::{
    collections::{HashMap, HashSet},
    path::Path,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use anyhow::Result;
use gix::ObjectId;
use gix::index::entry::Mode;
use gix::objs::{Exists, Find, Kind};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;

use crate::decode;
use crate::finding::{Finding, FindingSet, Hit, Occurrence, SourceKind};
use crate::matcher::Matcher;
use crate::rules::RuleSet;
use crate::source::{
    Notice, fs,
    git::{self, provenance, range},
};

/// Which parts of a repository to scan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scope {
    /// Every blob of the object database, plus uncommitted work-tree files.
    #[default]
    Everything,
    /// Only the work tree (`--no-history`).
    WorkTree,
    /// Only the object database (`--history-only`).
    History,
    /// Only the blobs the selected commits introduce (`A..B`, a push).
    Commits(range::Revisions),
    /// Only the blobs staged in the index.
    Staged,
}

impl Scope {
    fn includes_history(&self) -> bool {
        matches!(self, Scope::Everything | Scope::History)
    }

    fn includes_work_tree(&self) -> bool {
        matches!(self, Scope::Everything | Scope::WorkTree)
    }
}

#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub scope: Scope,
    pub respect_ignore: bool,
    pub include_binary: bool,
    pub max_file_size: u64,
    pub threads: usize,
    pub progress: bool,
    /// Decoding layers and archive limits (`--max-decode-depth`, `--no-archives`).
    pub decode: decode::Limits,
}

/// What was scanned, for the summary line and the reports.
#[derive(Debug, Default, Serialize)]
pub struct Stats {
    pub files: u64,
    pub blobs: u64,
    pub bytes: u64,
    pub skipped_binary: u64,
    pub skipped_too_large: u64,
    pub lfs_pointers: u64,
}

#[derive(Default)]
struct Counters {
    files: AtomicU64,
    blobs: AtomicU64,
    bytes: AtomicU64,
    skipped_binary: AtomicU64,
    skipped_too_large: AtomicU64,
    lfs_pointers: AtomicU64,
}

impl Counters {
    fn snapshot(&self) -> Stats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Stats {
            files: get(&self.files),
            blobs: get(&self.blobs),
            bytes: get(&self.bytes),
            skipped_binary: get(&self.skipped_binary),
            skipped_too_large: get(&self.skipped_too_large),
            lfs_pointers: get(&self.lfs_pointers),
        }
    }
}

pub struct ScanOutcome {
    pub findings: Vec<Finding>,
    pub notices: Vec<Notice>,
    pub stats: Stats,
    /// The path was a git repository (findings then say whether they are still at HEAD).
    pub repository: bool,
    /// What the filters removed (filled in by `filter::apply`'s caller).
    pub suppressed: crate::filter::Suppressed,
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

/// The shared state of one scan.
struct Scanner<'a> {
    matcher: &'a Matcher<'a>,
    options: &'a ScanOptions,
    counters: Counters,
    progress: ProgressBar,
    /// Files and blobs skipped for their size, and decoding limits reached, each listed so
    /// nothing is dropped silently.
    skipped: Mutex<Vec<Notice>>,
}

impl<'a> Scanner<'a> {
    fn new(matcher: &'a Matcher<'a>, options: &'a ScanOptions, progress: ProgressBar) -> Self {
        Scanner {
            matcher,
            options,
            counters: Counters::default(),
            progress,
            skipped: Mutex::new(Vec::new()),
        }
    }

    /// The size gate for every source: over `--max-file-size`, counted and listed under
    /// `subject` (a path or a blob id). `true` when the bytes may be scanned.
    fn within_size(&self, size: u64, subject: impl FnOnce() -> String) -> bool {
        let limit = self.options.max_file_size;
        if size <= limit {
            return true;
        }
        self.counters
            .skipped_too_large
            .fetch_add(1, Ordering::Relaxed);
        self.skipped.lock().unwrap().push(Notice::warning(
            subject(),
            format!("skipped: {size} bytes is over --max-file-size {limit}"),
        ));
        false
    }

    /// The size gate, then the decoding stage (archives, UTF-16, the binary gate, the matcher
    /// over text and what it decodes to). `None` when the bytes were skipped.
    fn scan_bytes(&self, bytes: &[u8], subject: impl Fn() -> String) -> Option<Vec<Hit>> {
        if !self.within_size(bytes.len() as u64, &subject) {
            return None;
        }
        let Some(outcome) = decode::scan(
            self.matcher,
            bytes,
            &self.options.decode,
            self.options.include_binary,
        ) else {
            self.counters.skipped_binary.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        if !outcome.notes.is_empty() {
            let subject = subject();
            self.skipped.lock().unwrap().extend(
                outcome
                    .notes
                    .into_iter()
                    .map(|note| Notice::warning(&subject, note)),
            );
        }
        self.counters
            .bytes
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        self.progress.inc(bytes.len() as u64);
        Some(outcome.hits)
    }

    /// Scans files from a walk; returns (relative path, hits) for files with hits.
    fn scan_files(
        &self,
        files: &[fs::FileEntry],
        notices: &Mutex<Vec<Notice>>,
    ) -> Vec<(String, Vec<Hit>)> {
        let mut results: Vec<(String, Vec<Hit>)> = files
            .par_iter()
            .filter_map(|file| {
                self.counters.files.fetch_add(1, Ordering::Relaxed);
                // Checked before reading, so a huge file is never read at all.
                if !self.within_size(file.size, || file.relative.clone()) {
                    return None;
                }
                let content = match fs::read(&file.path, file.size) {
                    Ok(c) => c,
                    Err(e) => {
                        notices
                            .lock()
                            .unwrap()
                            .push(Notice::error(&file.relative, format!("cannot read: {e}")));
                        return None;
                    }
                };
                let hits = self.scan_bytes(&content, || file.relative.clone())?;
                (!hits.is_empty()).then(|| (file.relative.clone(), hits))
            })
            .collect();
        results.sort_by(|a, b| a.0.cmp(&b.0));
        results
    }
}

/// Scans `path`: a repository (per `options.scope`) or a plain directory or file.
pub fn scan(path: &Path, rules: &RuleSet, options: &ScanOptions) -> Result<ScanOutcome> {
    let progress = if options.progress {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} scanning: {bytes} ({bytes_per_sec}) {msg}")
                .expect("static template"),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    } else {
        ProgressBar::hidden()
    };
    let matcher = Matcher::new(rules)?;
    let scanner = Scanner::new(&matcher, options, progress);
    let mut findings = FindingSet::default();
    let mut notices = Vec::new();
    let repository = match git::open(path)? {
        Some(repo) => {
            scan_repository(&scanner, &repo, rules, &mut findings, &mut notices)?;
            true
        }
        None => {
            if !matches!(options.scope, Scope::Everything | Scope::WorkTree) {
                anyhow::bail!(
                    "{} is not a git repository (history and range options need one)",
                    path.display()
                );
            }
            scan_directory(
                &scanner,
                path,
                false,
                None,
                rules,
                &mut findings,
                &mut notices,
            );
            false
        }
    };
    scanner.progress.finish_and_clear();
    notices.extend(scanner.skipped.into_inner().unwrap());
    notices.sort();
    notices.dedup();
    Ok(ScanOutcome {
        findings: findings.into_sorted(repository),
        notices,
        stats: scanner.counters.snapshot(),
        repository,
        suppressed: Default::default(),
    })
}

/// A directory walk. With `known_blobs`, files whose content is already an object of the
/// repository are skipped: the history scan has seen those bytes.
fn scan_directory(
    scanner: &Scanner,
    root: &Path,
    skip_nested_repos: bool,
    known_blobs: Option<&gix::ThreadSafeRepository>,
    rules: &RuleSet,
    findings: &mut FindingSet,
    notices: &mut Vec<Notice>,
) {
    let walk_options = fs::WalkOptions {
        respect_ignore: scanner.options.respect_ignore,
        skip_nested_repos,
        threads: scanner.options.threads,
    };
    let (mut files, walk_notices) = fs::walk(root, &walk_options);
    notices.extend(walk_notices);
    if let Some(shared) = known_blobs {
        files = without_committed(files, shared);
    }
    let collected = Mutex::new(Vec::new());
    for (path, hits) in scanner.scan_files(&files, &collected) {
        for hit in &hits {
            findings.add(
                rules,
                hit,
                Occurrence::new(path.clone(), hit, SourceKind::File, None),
            );
        }
    }
    notices.extend(collected.into_inner().unwrap());
}

/// Drops work-tree files whose exact bytes are already in the object database.
///
/// Files whose size and modification time match their index entry (and that were not modified
/// in the same second the index was written, git's "racy" case) are the staged blob, which the
/// history scan has read: they are skipped without reading them. The rest are hashed.
fn without_committed(
    files: Vec<fs::FileEntry>,
    shared: &gix::ThreadSafeRepository,
) -> Vec<fs::FileEntry> {
    let unchanged = unchanged_since_index(&shared.to_thread_local());
    files
        .into_iter()
        .filter(|f| !unchanged.contains(&(f.relative.clone(), f.size, mtime(f.modified))))
        .collect::<Vec<_>>()
        .into_par_iter()
        .map_init(
            || shared.to_thread_local(),
            |repo, file| {
                let known = fs::read(&file.path, file.size).ok().is_some_and(|bytes| {
                    gix::objs::compute_hash(repo.object_hash(), Kind::Blob, &bytes)
                        .is_ok_and(|id| repo.objects.exists(&id))
                });
                (!known).then_some(file)
            },
        )
        .flatten()
        .collect()
}

type StatKey = (String, u64, Option<(u32, u32)>);

fn mtime(time: Option<std::time::SystemTime>) -> Option<(u32, u32)> {
    let since = time?.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some((u32::try_from(since.as_secs()).ok()?, since.subsec_nanos()))
}

/// (path, size, mtime) of index entries a file with the same stat can be trusted to match.
fn unchanged_since_index(repo: &gix::Repository) -> HashSet<StatKey> {
    let Ok(index) = repo.open_index() else {
        return HashSet::new();
    };
    let Some(written) = std::fs::metadata(index.path())
        .ok()
        .and_then(|m| mtime(m.modified().ok()))
    else {
        return HashSet::new();
    };
    index
        .entries()
        .iter()
        .filter(|e| e.stage_raw() == 0 && (e.mode == Mode::FILE || e.mode == Mode::FILE_EXECUTABLE))
        .map(|e| {
            (
                crate::escape::name(e.path(&index)),
                e.stat.size as u64,
                (e.stat.mtime.secs, e.stat.mtime.nsecs),
            )
        })
        .filter(|(_, _, m)| m.0 < written.0) // racily clean entries must be read
        .map(|(path, size, m)| (path, size, Some(m)))
        .collect()
}

fn scan_repository(
    scanner: &Scanner,
    repo: &gix::Repository,
    rules: &RuleSet,
    findings: &mut FindingSet,
    notices: &mut Vec<Notice>,
) -> Result<()> {
    if repo.is_shallow().unwrap_or(false) {
        notices.push(Notice::warning(
            "repository",
            "shallow clone: history before the shallow boundary is not in this clone and was not scanned \
             (run `git fetch --unshallow` to scan it all)",
        ));
    }
    let head = provenance::head_tree(repo).unwrap_or_else(|e| {
        notices.push(Notice::error(
            "HEAD",
            format!("cannot read HEAD's tree: {e}"),
        ));
        provenance::HeadTree::default()
    });
    for (path, commit) in &head.submodules {
        notices.push(Notice::note(
            path,
            format!(
                "submodule (commit {}) not entered: scan its repository separately",
                git::short(commit)
            ),
        ));
    }
    match &scanner.options.scope {
        Scope::Commits(revisions) => {
            let commits = range::commits(repo, revisions)?;
            // With nothing excluded, every blob of every selected commit is new: reading each
            // distinct tree once beats diffing every commit against its parents.
            let introduced = if revisions.exclude.is_empty() {
                range::blobs_of(repo, &commits)?
            } else {
                range::introduced_by(repo, &commits)?
            };
            scan_introduced(
                scanner,
                repo,
                &introduced,
                SourceKind::History,
                rules,
                findings,
                notices,
            );
            // Ranges attribute directly; whether each blob is still in HEAD is one lookup.
            for occurrence in findings.occurrences_mut() {
                occurrence.at_head = occurrence
                    .blob
                    .as_deref()
                    .and_then(|b| ObjectId::from_hex(b.as_bytes()).ok())
                    .is_some_and(|id| head.blobs.contains(&id));
            }
        }
        Scope::Staged => {
            let introduced = range::staged(repo)?;
            scan_introduced(
                scanner,
                repo,
                &introduced,
                SourceKind::Staged,
                rules,
                findings,
                notices,
            );
        }
        scope => {
            if scope.includes_history() {
                scan_history(scanner, repo, &head, rules, findings, notices);
            }
            if scope.includes_work_tree()
                && let Some(workdir) = repo.workdir()
            {
                let shared = scope.includes_history().then(|| repo.clone().into_sync());
                scan_directory(
                    scanner,
                    workdir,
                    true,
                    shared.as_ref(),
                    rules,
                    findings,
                    notices,
                );
            }
        }
    }
    Ok(())
}

/// Every blob of the object database once, then provenance for those that matched.
fn scan_history(
    scanner: &Scanner,
    repo: &gix::Repository,
    head: &provenance::HeadTree,
    rules: &RuleSet,
    findings: &mut FindingSet,
    notices: &mut Vec<Notice>,
) {
    let matched: Mutex<Vec<(ObjectId, Vec<Hit>)>> = Mutex::new(Vec::new());
    let visit = |id: &gix::oid, bytes: &[u8]| {
        scanner.counters.blobs.fetch_add(1, Ordering::Relaxed);
        if git::is_lfs_pointer(bytes) {
            scanner
                .counters
                .lfs_pointers
                .fetch_add(1, Ordering::Relaxed);
        }
        if let Some(hits) = scanner.scan_bytes(bytes, || id.to_string())
            && !hits.is_empty()
        {
            matched.lock().unwrap().push((id.to_owned(), hits));
        }
    };
    notices.extend(git::odb::for_each_blob(
        repo,
        scanner.options.threads,
        &visit,
    ));
    let lfs = scanner.counters.lfs_pointers.load(Ordering::Relaxed);
    if lfs > 0 {
        notices.push(Notice::note(
            "repository",
            format!("{lfs} Git LFS pointer(s): the files they point to live outside git and were not fetched"),
        ));
    }

    let matched = matched.into_inner().unwrap();
    add_with_provenance(repo, head, rules, matched, findings, notices);
}

/// Adds the hits of matched blobs to `findings`, each occurrence with its provenance.
fn add_with_provenance(
    repo: &gix::Repository,
    head: &provenance::HeadTree,
    rules: &RuleSet,
    matched: Vec<(ObjectId, Vec<Hit>)>,
    findings: &mut FindingSet,
    notices: &mut Vec<Notice>,
) {
    let targets: HashSet<ObjectId> = matched.iter().map(|(id, _)| *id).collect();
    let (origins, provenance_notices) = provenance::attribute(repo, &targets, head);
    notices.extend(provenance_notices);
    for (id, hits) in matched {
        let origin = origins.get(&id).cloned().unwrap_or_default();
        let path = origin
            .path
            .clone()
            .unwrap_or_else(|| format!("<unreachable blob {}>", git::short(&id)));
        for hit in &hits {
            let source = if origin.staged {
                SourceKind::Staged
            } else {
                SourceKind::History
            };
            let mut occurrence = Occurrence::new(path.clone(), hit, source, Some(id.to_string()));
            occurrence.commit = origin.commit.clone();
            occurrence.refs = origin.refs.clone();
            occurrence.refs_total = origin.refs_total;
            occurrence.unreachable = origin.unreachable;
            occurrence.at_head = origin.at_head;
            findings.add(rules, hit, occurrence);
        }
    }
}

/// Scans the blobs a range or the index introduces; provenance is direct.
fn scan_introduced(
    scanner: &Scanner,
    repo: &gix::Repository,
    introduced: &[range::Introduced],
    source: SourceKind,
    rules: &RuleSet,
    findings: &mut FindingSet,
    notices: &mut Vec<Notice>,
) {
    let shared = repo.clone().into_sync();
    let problems = Mutex::new(Vec::new());
    let results: Vec<(usize, Vec<Hit>)> = introduced
        .par_iter()
        .enumerate()
        .map_init(
            || (shared.to_thread_local(), Vec::new()),
            |(repo, buf), (i, item)| {
                scanner.counters.blobs.fetch_add(1, Ordering::Relaxed);
                match repo.objects.try_find(&item.blob, buf) {
                    Ok(Some(data)) => scanner
                        .scan_bytes(data.data, || format!("{} (blob {})", item.path, item.blob))
                        .map(|hits| (i, hits)),
                    Ok(None) => {
                        problems.lock().unwrap().push(Notice::error(
                            &item.path,
                            format!("blob {} is missing", item.blob),
                        ));
                        None
                    }
                    Err(e) => {
                        problems.lock().unwrap().push(Notice::error(
                            &item.path,
                            format!("blob {}: {e}", item.blob),
                        ));
                        None
                    }
                }
            },
        )
        .flatten()
        .filter(|(_, hits)| !hits.is_empty())
        .collect();
    notices.extend(problems.into_inner().unwrap());
    let mut commits: HashMap<ObjectId, Option<crate::finding::CommitInfo>> = HashMap::new();
    for (i, hits) in results {
        let item = &introduced[i];
        let commit = item.commit.and_then(|c| {
            commits
                .entry(c)
                .or_insert_with(|| git::commit_info(repo, &c).ok())
                .clone()
        });
        for hit in &hits {
            let mut occurrence =
                Occurrence::new(item.path.clone(), hit, source, Some(item.blob.to_string()));
            occurrence.commit = commit.clone();
            findings.add(rules, hit, occurrence);
        }
    }
}

/// Which blobs of a repository a sweep reads.
#[derive(Debug, Clone)]
pub enum BlobSelection {
    /// Every blob of the object database.
    All,
    /// The blobs that the commits of a range introduce: what is new in a repository swept
    /// before.
    Introduced(range::Revisions),
}

/// One blob a sweep scanned: its hits, or none. `skipped` when the size or binary gate kept
/// it from the matcher (the reason is among the scan's notices).
#[derive(Debug)]
pub struct ScannedBlob {
    pub id: ObjectId,
    pub size: u64,
    pub hits: Vec<Hit>,
    pub skipped: bool,
}

/// A sweep's scan of one repository: each selected blob that `claim` gives to this scan is
/// scanned and handed to `record`, matched or not; blobs not claimed (scanned before, or by a
/// concurrent scan) are not read further, and packs whose objects `known` holds are not read
/// at all. Provenance comes afterwards, from [`attribute`], for
/// every matched blob the repository holds, whoever scanned it.
pub fn scan_claimed_blobs(
    repo: &gix::Repository,
    matcher: &Matcher,
    options: &ScanOptions,
    selection: &BlobSelection,
    known: &git::odb::Known,
    claim: &(dyn Fn(&gix::oid) -> bool + Sync),
    record: &(dyn Fn(ScannedBlob) + Sync),
) -> Result<(Stats, Vec<Notice>)> {
    let scanner = Scanner::new(matcher, options, ProgressBar::hidden());
    let visit = |id: &gix::oid, bytes: &[u8]| {
        if !claim(id) {
            return;
        }
        scanner.counters.blobs.fetch_add(1, Ordering::Relaxed);
        let hits = scanner.scan_bytes(bytes, || id.to_string());
        record(ScannedBlob {
            id: id.to_owned(),
            size: bytes.len() as u64,
            skipped: hits.is_none(),
            hits: hits.unwrap_or_default(),
        });
    };
    let mut notices = match selection {
        BlobSelection::All => {
            git::odb::for_each_new_blob(repo, options.threads, Some(known), &visit)
        }
        BlobSelection::Introduced(revisions) => {
            let commits = range::commits(repo, revisions)?;
            let mut blobs: Vec<ObjectId> = range::introduced_by(repo, &commits)?
                .into_iter()
                .map(|item| item.blob)
                .collect();
            blobs.sort_unstable();
            blobs.dedup();
            read_blobs(repo, &blobs, &visit)
        }
    };
    notices.extend(scanner.skipped.into_inner().unwrap());
    notices.sort();
    Ok((scanner.counters.snapshot(), notices))
}

/// Reads each of `blobs` and hands it to `visit`, in parallel; missing ones are reported.
fn read_blobs(
    repo: &gix::Repository,
    blobs: &[ObjectId],
    visit: &(dyn Fn(&gix::oid, &[u8]) + Sync),
) -> Vec<Notice> {
    let shared = repo.clone().into_sync();
    let problems = Mutex::new(Vec::new());
    blobs.par_iter().for_each_init(
        || (shared.to_thread_local(), Vec::new()),
        |(repo, buf), id| match repo.objects.try_find(id, buf) {
            Ok(Some(data)) => visit(id, data.data),
            Ok(None) => problems
                .lock()
                .unwrap()
                .push(Notice::error(id.to_string(), "blob is missing")),
            Err(e) => problems.lock().unwrap().push(Notice::error(
                id.to_string(),
                format!("cannot read blob: {e}"),
            )),
        },
    );
    problems.into_inner().unwrap()
}

/// The findings of a repository's matched blobs, with provenance (introducing commit, path,
/// refs, presence in HEAD): the second half of a history scan, for blobs scanned earlier.
pub fn attribute(
    repo: &gix::Repository,
    rules: &RuleSet,
    matched: Vec<(ObjectId, Vec<Hit>)>,
) -> (Vec<Finding>, Vec<Notice>) {
    let mut notices = Vec::new();
    let head = provenance::head_tree(repo).unwrap_or_else(|e| {
        notices.push(Notice::error(
            "HEAD",
            format!("cannot read HEAD's tree: {e}"),
        ));
        provenance::HeadTree::default()
    });
    let mut findings = FindingSet::default();
    add_with_provenance(repo, &head, rules, matched, &mut findings, &mut notices);
    (findings.into_sorted(true), notices)
}
