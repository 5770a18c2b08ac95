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
use gix::objs::{Find, Kind};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;

use crate::decode;
use crate::finding::{Finding, FindingSet, Hit, Occurrence, SourceKind};
use crate::matcher::Matcher;
use crate::rules::RuleSet;
use crate::source::{
    Notice, fs,
    git::{self, provenance, range, work_tree},
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
    /// Commit and tag messages scanned.
    pub messages: u64,
    pub bytes: u64,
    pub skipped_binary: u64,
    pub skipped_too_large: u64,
    pub lfs_pointers: u64,
}

#[derive(Default)]
struct Counters {
    files: AtomicU64,
    blobs: AtomicU64,
    messages: AtomicU64,
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
            messages: get(&self.messages),
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

    /// Scans a commit's or a tag's message (the text after its headers); `None` without hits.
    fn scan_message(
        &self,
        id: &gix::oid,
        kind: Kind,
        bytes: &[u8],
        hash: gix::hash::Kind,
    ) -> Option<Vec<Hit>> {
        let message = match kind {
            Kind::Commit => gix::objs::CommitRef::from_bytes(bytes, hash).ok()?.message,
            Kind::Tag => gix::objs::TagRef::from_bytes(bytes, hash).ok()?.message,
            _ => return None,
        };
        self.counters.messages.fetch_add(1, Ordering::Relaxed);
        let hits = self.scan_bytes(message, || format!("{kind} {id} message"))?;
        (!hits.is_empty()).then_some(hits)
    }

    /// Scans files from a walk; returns (relative path, hits) for files with hits.
    fn scan_files(
        &self,
        files: &[fs::FileEntry],
        notices: &Mutex<Vec<Notice>>,
    ) -> Vec<(String, Vec<Hit>)> {
        // Each thread reads into one buffer it keeps: a fresh allocation per file would cost
        // a page fault per 4 KiB, which made reading large files several times dearer.
        let mut results: Vec<(String, Vec<Hit>)> = files
            .par_iter()
            .map_init(Vec::new, |buffer, file| {
                // Checked before reading, so a huge file is never read at all.
                if !self.within_size(file.size, || file.relative.clone()) {
                    return None;
                }
                if let Err(e) = fs::read_into(&file.path, self.options.max_file_size, buffer) {
                    notices
                        .lock()
                        .unwrap()
                        .push(Notice::error(&file.relative, format!("cannot read: {e}")));
                    return None;
                }
                // Counted once read: a file that could not be read was not scanned.
                self.counters.files.fetch_add(1, Ordering::Relaxed);
                let hits = self.scan_bytes(buffer, || file.relative.clone())?;
                (!hits.is_empty()).then(|| (file.relative.clone(), hits))
            })
            .flatten()
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
            let enclosing = git::enclosing_repository(path);
            if !matches!(options.scope, Scope::Everything | Scope::WorkTree) {
                match &enclosing {
                    Some(root) => anyhow::bail!(
                        "{} is inside the git repository at {}: history and range options scan a whole repository, so scan {} itself",
                        path.display(),
                        root.display(),
                        root.display()
                    ),
                    None => anyhow::bail!(
                        "{} is not a git repository (history and range options need one)",
                        path.display()
                    ),
                }
            }
            if let Some(root) = enclosing {
                let here = std::env::current_dir().and_then(|d| d.canonicalize()).ok();
                let root = if here.as_deref() == Some(root.as_path()) {
                    ".".to_string()
                } else {
                    root.display().to_string()
                };
                notices.push(Notice::note(
                    path.display().to_string(),
                    format!(
                        "inside the git repository at {root}: only these files were scanned, not the repository's history; scan {root} for its history"
                    ),
                ));
            }
            scan_directory(&scanner, path, rules, &mut findings, &mut notices);
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

/// A directory walk, then its files scanned.
fn scan_directory(
    scanner: &Scanner,
    root: &Path,
    rules: &RuleSet,
    findings: &mut FindingSet,
    notices: &mut Vec<Notice>,
) {
    let files = walk(scanner, root, false, notices);
    scan_walked(scanner, &files, rules, findings, notices);
}

fn walk(
    scanner: &Scanner,
    root: &Path,
    skip_nested_repos: bool,
    notices: &mut Vec<Notice>,
) -> Vec<fs::FileEntry> {
    let walk_options = fs::WalkOptions {
        respect_ignore: scanner.options.respect_ignore,
        skip_nested_repos,
        threads: scanner.options.threads,
    };
    let (files, walk_notices) = fs::walk(root, &walk_options);
    notices.extend(walk_notices);
    files
}

fn scan_walked(
    scanner: &Scanner,
    files: &[fs::FileEntry],
    rules: &RuleSet,
    findings: &mut FindingSet,
    notices: &mut Vec<Notice>,
) {
    let collected = Mutex::new(Vec::new());
    for (path, hits) in scanner.scan_files(files, &collected) {
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
    notices.extend(head.note.iter().map(|note| Notice::note("HEAD", note)));
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
                    .is_some_and(|id| head.blobs.contains_key(&id));
            }
            // The selected commits' own messages: a pushed token is as leaked there.
            let mut buf = Vec::new();
            let in_messages: Vec<(ObjectId, Vec<Hit>)> = commits
                .iter()
                .filter_map(|id| {
                    let object = repo.objects.try_find(id, &mut buf).ok()??;
                    let hits =
                        scanner.scan_message(id, object.kind, object.data, repo.object_hash())?;
                    Some((*id, hits))
                })
                .collect();
            add_message_hits(repo, rules, in_messages, findings);
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
            // The work tree is split first: a file whose bytes are a blob is scanned as that
            // blob, and named by its work-tree path when no commit holds the blob.
            let mut work_tree = work_tree::Split::default();
            if scope.includes_work_tree()
                && let Some(workdir) = repo.workdir()
            {
                let files = walk(scanner, workdir, true, notices);
                work_tree = if scope.includes_history() {
                    let shared = repo.clone().into_sync();
                    work_tree::split(files, &shared)
                } else {
                    work_tree::Split {
                        uncommitted: files,
                        ..Default::default()
                    }
                };
            }
            if scope.includes_history() {
                scan_history(
                    scanner,
                    repo,
                    &head,
                    &work_tree.known,
                    rules,
                    findings,
                    notices,
                );
            }
            scan_walked(scanner, &work_tree.uncommitted, rules, findings, notices);
        }
    }
    Ok(())
}

/// Every blob of the object database once, then provenance for those that matched.
fn scan_history(
    scanner: &Scanner,
    repo: &gix::Repository,
    head: &provenance::HeadTree,
    work_tree: &HashMap<ObjectId, String>,
    rules: &RuleSet,
    findings: &mut FindingSet,
    notices: &mut Vec<Notice>,
) {
    let matched: Mutex<Vec<(ObjectId, Vec<Hit>)>> = Mutex::new(Vec::new());
    let in_messages: Mutex<Vec<(ObjectId, Vec<Hit>)>> = Mutex::new(Vec::new());
    let hash = repo.object_hash();
    let visit = |id: &gix::oid, kind: Kind, bytes: &[u8]| {
        if kind != Kind::Blob {
            if let Some(hits) = scanner.scan_message(id, kind, bytes, hash) {
                in_messages.lock().unwrap().push((id.to_owned(), hits));
            }
            return;
        }
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
    notices.extend(git::odb::for_each_object(
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
    add_with_provenance(repo, head, work_tree, rules, matched, findings, notices);
    add_message_hits(repo, rules, in_messages.into_inner().unwrap(), findings);
}

/// Adds the hits found in commit and tag messages: each at `<commit ID message>` (or `<tag
/// NAME message>`), with the commit (a tag's: the commit it names) as its provenance.
fn add_message_hits(
    repo: &gix::Repository,
    rules: &RuleSet,
    matched: Vec<(ObjectId, Vec<Hit>)>,
    findings: &mut FindingSet,
) {
    let mut buf = Vec::new();
    for (id, hits) in matched {
        let Ok(Some(object)) = repo.objects.try_find(&id, &mut buf) else {
            continue; // read a moment ago: only a concurrent gc removes it
        };
        let (path, commit) = match object.kind {
            Kind::Tag => {
                let tag = gix::objs::TagRef::from_bytes(object.data, repo.object_hash()).ok();
                let name = tag
                    .as_ref()
                    .map_or("?".into(), |t| crate::escape::name(t.name));
                let target = tag.map(|t| t.target());
                (
                    format!("<tag {name} message>"),
                    target.and_then(|t| git::commit_info(repo, &t).ok()),
                )
            }
            _ => (
                format!("<commit {} message>", git::short(&id)),
                git::commit_info(repo, &id).ok(),
            ),
        };
        for hit in &hits {
            let mut occurrence = Occurrence::new(path.clone(), hit, SourceKind::Message, None);
            occurrence.commit = commit.clone();
            findings.add(rules, hit, occurrence);
        }
    }
}

/// Adds the hits of matched blobs to `findings`, each occurrence with its provenance. A blob is
/// named by its path in HEAD when HEAD holds it (its introducing path is kept beside), else by
/// its introducing path, else by its work-tree path (`work_tree`), else as unreachable.
fn add_with_provenance(
    repo: &gix::Repository,
    head: &provenance::HeadTree,
    work_tree: &HashMap<ObjectId, String>,
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
        let in_work_tree = origin.unreachable.then(|| work_tree.get(&id)).flatten();
        let head_path = head.blobs.get(&id);
        let path = head_path
            .or(origin.path.as_ref())
            .or(in_work_tree)
            .cloned()
            .unwrap_or_else(|| format!("<unreachable blob {}>", git::short(&id)));
        let source = if in_work_tree.is_some() {
            SourceKind::File // dangling, but the file is right there, not yet committed
        } else if origin.staged {
            SourceKind::Staged
        } else {
            SourceKind::History
        };
        for hit in &hits {
            let mut occurrence = Occurrence::new(path.clone(), hit, source, Some(id.to_string()));
            occurrence.introduced_as = origin
                .path
                .clone()
                .filter(|p| head_path.is_some_and(|at_head| at_head != p));
            occurrence.commit = origin.commit.clone();
            occurrence.refs = origin.refs.clone();
            occurrence.refs_total = origin.refs_total;
            occurrence.unreachable = origin.unreachable && in_work_tree.is_none();
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
    // Sweeps record blobs by id; messages are not yet kept in the store.
    let visit = |id: &gix::oid, kind: Kind, bytes: &[u8]| {
        if kind != Kind::Blob || !claim(id) {
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
            git::odb::for_each_new_object(repo, options.threads, Some(known), &visit)
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
    visit: &git::odb::ObjectVisitor,
) -> Vec<Notice> {
    let shared = repo.clone().into_sync();
    let problems = Mutex::new(Vec::new());
    blobs.par_iter().for_each_init(
        || (shared.to_thread_local(), Vec::new()),
        |(repo, buf), id| match repo.objects.try_find(id, buf) {
            Ok(Some(data)) => visit(id, Kind::Blob, data.data),
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
    notices.extend(head.note.iter().map(|note| Notice::note("HEAD", note)));
    let no_work_tree = HashMap::new();
    add_with_provenance(
        repo,
        &head,
        &no_work_tree,
        rules,
        matched,
        &mut findings,
        &mut notices,
    );
    (findings.into_sorted(true), notices)
}
