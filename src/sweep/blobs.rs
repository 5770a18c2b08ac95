//! A sweep's view of one repository: scan only the blobs no earlier scan claimed, then
//! attribute the matched ones (whoever scanned them) to their commits.

use std::collections::HashMap;
use std::sync::{Mutex, atomic::Ordering};

use anyhow::Result;
use gix::ObjectId;
use gix::objs::{Find, Kind};
use indicatif::ProgressBar;
use rayon::prelude::*;

use crate::finding::FindingSet;
use crate::matcher::Matcher;
use crate::model::{Finding, Hit, Notice, NoticeKind, Stats};
use crate::rules::RuleSet;
use crate::scan::{History, ScanOptions, Scanner, add_with_provenance};
use crate::source::git::{self, provenance, range};

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
    let (stats, skipped) = scanner.finish();
    notices.extend(skipped);
    notices.sort();
    Ok((stats, notices))
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
            Ok(None) => problems.lock().unwrap().push(Notice::error(
                NoticeKind::Unreadable,
                id.to_string(),
                "blob is missing",
            )),
            Err(e) => problems.lock().unwrap().push(Notice::error(
                NoticeKind::Unreadable,
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
    let head = provenance::head_tree_noting(repo, &mut notices);
    let mut findings = FindingSet::default();
    let no_work_tree = HashMap::new();
    // A sweep reads commits apart from its blobs (and skips those it knows): provenance reads
    // the commits it needs.
    let no_commits = provenance::CommitParents::default();
    let history = History {
        head: &head,
        work_tree: &no_work_tree,
        commits: &no_commits,
    };
    add_with_provenance(repo, &history, rules, matched, &mut findings, &mut notices);
    (findings.into_sorted(true), notices)
}
