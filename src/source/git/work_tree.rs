//! Which work-tree files a history scan has already read: those whose bytes are a blob of the
//! object database. Their findings come from the blob, reported at the work-tree path when no
//! commit holds it (a file staged and then unstaged leaves a dangling blob behind).
//!
//! A file whose stat matches its index entry the way git checks it (size, mtime and ctime to the
//! nanosecond, inode, owner; and not modified in the second the index was written, git's "racy"
//! case) is the staged blob, known without reading it. The rest are read and hashed.

use std::collections::{HashMap, HashSet};

use gix::ObjectId;
use gix::index::entry::Mode;
use gix::objs::{Exists, Kind};
use rayon::prelude::*;

use std::sync::atomic::AtomicBool;

use crate::source::fs::{FileEntry, FileStat};

/// The split of a work tree against the object database.
#[derive(Debug, Default)]
pub struct Split {
    /// Files whose bytes are no object: the work tree's own content, to scan.
    pub uncommitted: Vec<FileEntry>,
    /// Blobs that are also work-tree files (hashed ones only), by id: their path there.
    pub known: HashMap<ObjectId, String>,
}

/// Splits `files`.
pub fn split(files: Vec<FileEntry>, shared: &gix::ThreadSafeRepository) -> Split {
    let unchanged = unchanged_since_index(&shared.to_thread_local());
    let hashed: Vec<(FileEntry, Option<ObjectId>)> = files
        .into_iter()
        .filter(|f| {
            f.stat
                .is_none_or(|stat| !unchanged.contains(&(f.relative.clone(), f.size, stat)))
        })
        .collect::<Vec<_>>()
        .into_par_iter()
        .map_init(
            || shared.to_thread_local(),
            |repo, file| {
                // Hashed as a stream: a file over the size limit costs no memory either.
                let id = std::fs::File::open(&file.path)
                    .ok()
                    .and_then(|mut reader| {
                        gix::objs::compute_stream_hash(
                            repo.object_hash(),
                            Kind::Blob,
                            &mut reader,
                            file.size,
                            &mut gix::progress::Discard,
                            &AtomicBool::new(false),
                        )
                        .ok()
                    })
                    .filter(|id| repo.objects.exists(id));
                (file, id)
            },
        )
        .collect();
    let mut split = Split::default();
    for (file, id) in hashed {
        match id {
            Some(id) => {
                split.known.entry(id).or_insert(file.relative);
            }
            None => split.uncommitted.push(file),
        }
    }
    split
}

/// (path, size, stat) of index entries a file with the same stat can be trusted to match.
fn unchanged_since_index(repo: &gix::Repository) -> HashSet<(String, u64, FileStat)> {
    let Ok(index) = repo.open_index() else {
        return HashSet::new();
    };
    let Some(written) = std::fs::metadata(index.path())
        .ok()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
    else {
        return HashSet::new();
    };
    index
        .entries()
        .iter()
        .filter(|e| e.stage_raw() == 0 && (e.mode == Mode::FILE || e.mode == Mode::FILE_EXECUTABLE))
        // Racily clean entries must be read.
        .filter(|e| u64::from(e.stat.mtime.secs) < written.as_secs())
        .map(|e| {
            let stat = FileStat {
                mtime: (e.stat.mtime.secs, e.stat.mtime.nsecs),
                ctime: (e.stat.ctime.secs, e.stat.ctime.nsecs),
                ino: e.stat.ino,
                uid: e.stat.uid,
                gid: e.stat.gid,
            };
            (
                crate::escape::name(e.path(&index)),
                e.stat.size as u64,
                stat,
            )
        })
        .collect()
}
