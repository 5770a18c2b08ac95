//! Every blob of a repository's object database, each distinct one exactly once, and every
//! commit and tag (their messages are scanned too: a token pasted into one is as leaked).
//!
//! History is a set of blobs, not a stream of diffs: a blob changed in 40 commits and kept in
//! 400 is one blob, decoded and scanned once. Reachable or not (dangling, stashed, only in the
//! reflog), packed or loose, in this repository or an alternate: all are scanned.
//!
//! Packs are decoded with gix's delta-tree traversal, which resolves every delta exactly once on
//! top of its already-decoded base (about 3x faster than `git cat-file --batch-all-objects`),
//! on `threads` threads. Memory: the traversal's tree costs a few dozen bytes per object of the
//! pack plus the bases along one delta chain; no set of scanned ids is kept — an object also
//! present in an earlier pack (or loose and packed) is recognised by an index lookup instead.
//! If a pack cannot be traversed (corruption), its objects are looked up one by one and the
//! unreadable ones reported by id; loose objects that cannot be read are reported the same way.

use std::{
    path::{Path, PathBuf},
    sync::{Mutex, atomic::AtomicBool},
};

use gix::ObjectId;
use gix::objs::{Find, Kind};
use gix::odb::pack::{
    self, Bundle,
    index::traverse::{Algorithm, Options, SafetyCheck},
};
use rayon::prelude::*;

use super::short;
use crate::model::{Notice, NoticeKind};

/// Called with each distinct blob's, commit's and tag's id, kind and content, from several
/// threads at once (trees are not handed out: they hold names, not text).
pub type ObjectVisitor<'a> = dyn Fn(&gix::oid, Kind, &[u8]) + Sync + 'a;

/// The kinds an [`ObjectVisitor`] is given.
fn visited(kind: Kind) -> bool {
    matches!(kind, Kind::Blob | Kind::Commit | Kind::Tag)
}

/// Objects a caller has met before (a sweep: blobs scanned, and the commits and trees of
/// repositories swept earlier in the run). A pack whose objects are all known is not read; one
/// with few unknown objects has just those looked up, instead of decoding the whole pack.
pub struct Known<'a> {
    pub(crate) contains: &'a (dyn Fn(&gix::oid) -> bool + Sync),
    /// Told of every commit, tree and tag read, so that later repositories know them.
    pub learn: &'a (dyn Fn(&gix::oid) + Sync),
}

/// Below this share of unknown objects, a pack's unknown objects are looked up one by one
/// (each lookup resolves its own delta chain, so past this it costs more than a traversal).
const LOOKUP_SHARE: f64 = 0.1;

/// Decodes every blob once and hands it to `visit`. Returns what could not be read.
pub fn for_each_object(
    repo: &gix::Repository,
    threads: usize,
    visit: &ObjectVisitor,
) -> Vec<Notice> {
    for_each_new_object(repo, threads, None, visit)
}

/// [`for_each_object`], leaving out what `known` holds (loose objects are always read: they
/// are few, and their type is only known once read).
pub fn for_each_new_object(
    repo: &gix::Repository,
    threads: usize,
    known: Option<&Known>,
    visit: &ObjectVisitor,
) -> Vec<Notice> {
    let notices = Mutex::new(Vec::new());
    let hash_kind = repo.object_hash();
    let (object_dirs, mut pack_indexes) = object_locations(repo, &notices);
    pack_indexes.sort();

    let mut bundles: Vec<Bundle> = Vec::new();
    for idx in &pack_indexes {
        match Bundle::at(idx, hash_kind) {
            Ok(b) => bundles.push(b),
            Err(e) => push(
                &notices,
                Notice::error(
                    NoticeKind::Unreadable,
                    idx.display().to_string(),
                    format!("cannot open pack: {e}"),
                ),
            ),
        }
    }
    for (i, bundle) in bundles.iter().enumerate() {
        let earlier = &bundles[..i];
        match known {
            Some(known) => read_unknown(repo, bundle, earlier, threads, known, visit, &notices),
            None => traverse_pack(repo, bundle, earlier, threads, None, visit, &notices),
        }
    }
    for dir in &object_dirs {
        scan_loose(dir, hash_kind, &bundles, visit, &notices);
    }
    let mut notices = notices.into_inner().unwrap();
    notices.sort();
    notices
}

fn push(notices: &Mutex<Vec<Notice>>, notice: Notice) {
    notices.lock().unwrap().push(notice);
}

/// The objects directories (this repository's and its alternates') and their pack indexes.
fn object_locations(
    repo: &gix::Repository,
    notices: &Mutex<Vec<Notice>>,
) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut dirs = vec![repo.objects.store_ref().path().to_path_buf()];
    match repo.objects.store_ref().structure() {
        Ok(records) => {
            for record in records {
                if let gix::odb::store::structure::Record::LooseObjectDatabase {
                    objects_directory,
                    ..
                } = record
                    && !dirs.contains(&objects_directory)
                {
                    dirs.push(objects_directory);
                }
            }
        }
        Err(e) => push(
            notices,
            Notice::error(
                NoticeKind::Unreadable,
                "object database",
                format!("cannot list alternates: {e}"),
            ),
        ),
    }
    let mut indexes = Vec::new();
    for dir in &dirs {
        let Ok(entries) = std::fs::read_dir(dir.join("pack")) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|x| x == "idx") && path.with_extension("pack").exists()
            {
                indexes.push(path);
            } else if path.extension().is_some_and(|x| x == "pack")
                && !path.with_extension("idx").exists()
            {
                // git cannot read such a pack either; its objects are unknown to every lookup.
                push(
                    notices,
                    Notice::error(
                        NoticeKind::Unreadable,
                        crate::escape::os_name(path.file_name().unwrap_or_default()),
                        "pack has no index (.idx), so its objects cannot be read: run `git index-pack` on it, then scan again",
                    ),
                );
            }
        }
    }
    (dirs, indexes)
}

fn in_any(bundles: &[Bundle], id: &gix::oid) -> bool {
    bundles.iter().any(|b| b.index.lookup(id).is_some())
}

/// The pack's objects that `known` does not hold: none, a few looked up, or a traversal.
fn read_unknown(
    repo: &gix::Repository,
    bundle: &Bundle,
    earlier: &[Bundle],
    threads: usize,
    known: &Known,
    visit: &ObjectVisitor,
    notices: &Mutex<Vec<Notice>>,
) {
    let total = bundle.index.num_objects() as usize;
    let unknown: Vec<ObjectId> = bundle
        .index
        .iter()
        .map(|e| e.oid)
        .filter(|id| !(known.contains)(id) && !in_any(earlier, id))
        .collect();
    if unknown.len() as f64 > total as f64 * LOOKUP_SHARE {
        traverse_pack(repo, bundle, earlier, threads, Some(known), visit, notices);
    } else {
        lookup(repo, &unknown, Some(known), visit, notices);
    }
}

fn traverse_pack(
    repo: &gix::Repository,
    bundle: &Bundle,
    earlier: &[Bundle],
    threads: usize,
    known: Option<&Known>,
    visit: &ObjectVisitor,
    notices: &Mutex<Vec<Notice>>,
) {
    // Blobs handed out before a traversal fails are not handed out again by the fallback
    // (counted twice otherwise). A few bytes per blob, kept for one pack at a time.
    let handed_out = Mutex::new(Vec::new());
    let processor = |kind: Kind,
                     data: &[u8],
                     entry: &pack::index::Entry,
                     _: &dyn gix::Progress|
     -> gix::Result {
        if kind != Kind::Blob
            && let Some(known) = known
        {
            (known.learn)(&entry.oid);
        }
        if visited(kind) && !in_any(earlier, &entry.oid) {
            visit(&entry.oid, kind, data);
            handed_out.lock().unwrap().push(entry.oid);
        }
        Ok(())
    };
    let outcome = bundle.index.traverse(
        &bundle.pack,
        &mut gix::progress::Discard,
        &AtomicBool::new(false),
        processor,
        Options {
            traversal: Algorithm::DeltaTreeLookup,
            thread_limit: Some(threads.max(1)),
            check: SafetyCheck::SkipFileAndObjectChecksumVerification,
            alloc_limit_bytes: None,
            make_pack_lookup_cache: || pack::cache::Never,
        },
    );
    if let Err(e) = outcome {
        let mut handed_out = handed_out.into_inner().unwrap();
        handed_out.sort_unstable();
        let pack_name = bundle.pack.path().file_name().map(crate::escape::os_name);
        push(
            notices,
            Notice::warning(
                NoticeKind::Unreadable,
                pack_name.clone().unwrap_or_default(),
                format!("pack could not be traversed ({e}); reading its objects one by one"),
            ),
        );
        let ids: Vec<ObjectId> = bundle
            .index
            .iter()
            .map(|e| e.oid)
            .filter(|id| !in_any(earlier, id) && handed_out.binary_search(id).is_err())
            .collect();
        lookup(repo, &ids, known, visit, notices);
    }
}

/// Objects looked up one by one (a damaged pack's, or a pack's few unknown ones); failures
/// are reported.
fn lookup(
    repo: &gix::Repository,
    ids: &[ObjectId],
    known: Option<&Known>,
    visit: &ObjectVisitor,
    notices: &Mutex<Vec<Notice>>,
) {
    let shared = repo.clone().into_sync();
    ids.par_iter().for_each_init(
        || (shared.to_thread_local(), Vec::new()),
        |(repo, buf), id| match repo.objects.try_find(id, buf) {
            Ok(Some(data)) => {
                if data.kind != Kind::Blob
                    && let Some(known) = known
                {
                    (known.learn)(id);
                }
                if visited(data.kind) {
                    visit(id, data.kind, data.data);
                }
            }
            Ok(None) => push(
                notices,
                Notice::error(
                    NoticeKind::Unreadable,
                    id.to_string(),
                    "object listed in pack index is missing",
                ),
            ),
            Err(e) => push(
                notices,
                Notice::error(
                    NoticeKind::Unreadable,
                    id.to_string(),
                    format!("corrupt object: {e}"),
                ),
            ),
        },
    );
}

fn scan_loose(
    dir: &Path,
    hash_kind: gix::hash::Kind,
    packs: &[Bundle],
    visit: &ObjectVisitor,
    notices: &Mutex<Vec<Notice>>,
) {
    let store = gix::odb::loose::Store::at(dir, hash_kind);
    let mut ids = Vec::new();
    for id in store.iter() {
        match id {
            Ok(id) if !in_any(packs, &id) => ids.push(id),
            Ok(_) => {}
            Err(e) => push(
                notices,
                Notice::error(
                    NoticeKind::Unreadable,
                    dir.display().to_string(),
                    format!("cannot list loose objects: {e}"),
                ),
            ),
        }
    }
    ids.par_iter()
        .for_each_init(Vec::new, |buf, id| match store.try_find(id, buf) {
            Ok(Some(data)) if visited(data.kind) => visit(id, data.kind, data.data),
            Ok(Some(_)) | Ok(None) => {}
            Err(e) => push(
                notices,
                Notice::error(
                    NoticeKind::Unreadable,
                    id.to_string(),
                    format!("corrupt loose object {}: {e}", short(id)),
                ),
            ),
        });
}
