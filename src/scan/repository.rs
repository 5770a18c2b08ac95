//! A git repository as a source: every blob of the object database once (then provenance for
//! the few that matched), the uncommitted work tree, the blobs a commit range introduces, or the
//! index.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, atomic::Ordering};

use anyhow::Result;
use gix::ObjectId;
use gix::objs::{Find, Kind};
use rayon::prelude::*;

use super::directory::{scan_walked, walk};
use super::{Scanner, Scope, Source};
use crate::finding::FindingSet;
use crate::model::{Hit, Notice, NoticeKind, Occurrence, SourceKind};
use crate::rules::RuleSet;
use crate::source::git::{self, provenance, range, work_tree};

/// A git repository: its object database, work tree, a commit range or the index, as the
/// scan's scope selects.
pub struct Repository {
    repo: gix::Repository,
}

impl Repository {
    /// The repository `repo`, opened by the caller.
    pub fn new(repo: gix::Repository) -> Repository {
        Repository { repo }
    }
}

impl Source for Repository {
    fn is_repository(&self) -> bool {
        true
    }

    fn scan(
        &self,
        scanner: &Scanner,
        rules: &RuleSet,
        findings: &mut FindingSet,
        notices: &mut Vec<Notice>,
    ) -> Result<()> {
        scan_repository(scanner, &self.repo, rules, findings, notices)
    }
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
            NoticeKind::NotScanned,
            "repository",
            "shallow clone: history before the shallow boundary is not in this clone and was not scanned \
             (run `git fetch --unshallow` to scan it all)",
        ));
    }
    let head = provenance::head_tree_noting(repo, notices);
    for (path, commit) in &head.submodules {
        notices.push(Notice::note(
            NoticeKind::NotScanned,
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
            let introduced = if revisions.reaches_every_ancestor() {
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
                    let message = git::message_of(object.kind, object.data, repo.object_hash())?;
                    let hits = scanner.scan_message(id, object.kind, message)?;
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
    let commits = provenance::CommitParents::default();
    let hash = repo.object_hash();
    let visit = |id: &gix::oid, kind: Kind, bytes: &[u8]| {
        if kind != Kind::Blob {
            // A commit is parsed once: provenance keeps its tree and parents, the scan its message.
            let message = match kind {
                Kind::Commit => {
                    gix::objs::CommitRef::from_bytes(bytes, hash)
                        .ok()
                        .map(|commit| -> &[u8] {
                            commits.note(id, &commit);
                            commit.message
                        })
                }
                _ => git::message_of(kind, bytes, hash),
            };
            if let Some(hits) = message.and_then(|m| scanner.scan_message(id, kind, m)) {
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
            NoticeKind::NotScanned,
            "repository",
            format!(
                "{}: the files they point to live outside git and were not fetched",
                crate::plural::count(lfs as usize, "Git LFS pointer")
            ),
        ));
    }

    let matched = matched.into_inner().unwrap();
    let history = History {
        head,
        work_tree,
        commits: &commits,
    };
    add_with_provenance(repo, &history, rules, matched, findings, notices);
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

/// What provenance is computed against: HEAD's tree, the work tree's blobs (path by id), and
/// the commits the scan already decoded.
pub(crate) struct History<'a> {
    pub(crate) head: &'a provenance::HeadTree,
    pub(crate) work_tree: &'a HashMap<ObjectId, String>,
    pub(crate) commits: &'a provenance::CommitParents,
}

/// Adds the hits of matched blobs to `findings`, each occurrence with its provenance. A blob is
/// named by its path in HEAD when HEAD holds it (its introducing path is kept beside), else by
/// its introducing path, else by its work-tree path, else as unreachable.
pub(crate) fn add_with_provenance(
    repo: &gix::Repository,
    history: &History,
    rules: &RuleSet,
    matched: Vec<(ObjectId, Vec<Hit>)>,
    findings: &mut FindingSet,
    notices: &mut Vec<Notice>,
) {
    let targets: HashSet<ObjectId> = matched.iter().map(|(id, _)| *id).collect();
    let History {
        head,
        work_tree,
        commits,
    } = history;
    let (origins, provenance_notices) = provenance::attribute(repo, &targets, head, commits);
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
            occurrence.removed = origin.removed.clone();
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
                            NoticeKind::Unreadable,
                            &item.path,
                            format!("blob {} is missing", item.blob),
                        ));
                        None
                    }
                    Err(e) => {
                        problems.lock().unwrap().push(Notice::error(
                            NoticeKind::Unreadable,
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
    let mut commits: HashMap<ObjectId, Option<crate::model::CommitInfo>> = HashMap::new();
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
