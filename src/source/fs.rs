//! Walking a directory tree and reading its files.
//!
//! Walks with `ignore` (`.gitignore`, `.ignore` and `.git/info/exclude` are honoured unless
//! `--no-ignore`; hidden files are scanned, since `.env` is where secrets live; `.git/` is never
//! entered). Files are read, never memory-mapped: a mapped file that shrinks while it is scanned
//! (a log rotated with copytruncate) kills the process with SIGBUS, and every other file's
//! findings with it.

use std::{
    fs::File,
    io::Read,
    path::{Path, PathBuf},
    sync::{
        Mutex,
        atomic::{AtomicUsize, Ordering},
    },
};

use ignore::{WalkBuilder, WalkState};

use crate::model::{Notice, NoticeKind};

#[derive(Debug, Clone)]
pub(crate) struct WalkOptions {
    /// Honour `.gitignore`, `.ignore` and `.git/info/exclude`.
    pub respect_ignore: bool,
    /// Do not descend into nested git repositories (submodules, vendored clones).
    pub skip_nested_repos: bool,
    pub threads: usize,
}

/// A file to scan.
#[derive(Debug, Clone)]
pub struct FileEntry {
    pub(crate) path: PathBuf,
    /// The path relative to the walk's root, with `/` separators (the root itself if a file).
    pub relative: String,
    pub(crate) size: u64,
    /// What git's index records of a file, to tell an unchanged one without reading it.
    pub stat: Option<FileStat>,
}

/// The fields git compares to trust that a file is unchanged since it was staged: times to the
/// nanosecond, inode and owner, truncated to 32 bits as the index stores them. A rewrite of the
/// same size with its mtime restored still changes the ctime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileStat {
    pub(crate) mtime: (u32, u32),
    pub(crate) ctime: (u32, u32),
    pub(crate) ino: u32,
    pub(crate) uid: u32,
    pub(crate) gid: u32,
}

impl FileStat {
    #[cfg(unix)]
    fn of(metadata: &std::fs::Metadata) -> Option<FileStat> {
        use std::os::unix::fs::MetadataExt;
        let time = |secs: i64, nanos: i64| Some((u32::try_from(secs).ok()?, nanos as u32));
        Some(FileStat {
            mtime: time(metadata.mtime(), metadata.mtime_nsec())?,
            ctime: time(metadata.ctime(), metadata.ctime_nsec())?,
            ino: metadata.ino() as u32,
            uid: metadata.uid(),
            gid: metadata.gid(),
        })
    }

    #[cfg(not(unix))]
    fn of(_: &std::fs::Metadata) -> Option<FileStat> {
        None // every file is hashed
    }
}

/// Every file under `root`, sorted by relative path, and what could not be walked.
pub(crate) fn walk(root: &Path, options: &WalkOptions) -> (Vec<FileEntry>, Vec<Notice>) {
    let files = Mutex::new(Vec::new());
    let symlinks = AtomicUsize::new(0);
    let special = AtomicUsize::new(0);
    let notices = Mutex::new(Vec::new());
    let skip_nested = options.skip_nested_repos;
    let root_owned = root.to_path_buf();
    let nested = std::sync::Arc::new(Mutex::new(Vec::new()));
    let nested_seen = nested.clone();
    WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(options.respect_ignore)
        .git_exclude(options.respect_ignore)
        .ignore(options.respect_ignore)
        .parents(options.respect_ignore)
        .git_global(false)
        .require_git(false)
        .threads(options.threads)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if entry.file_name() == ".git" {
                return false;
            }
            let skip = skip_nested
                && is_dir
                && entry.path() != root_owned
                && is_repository(&entry.path().join(".git"));
            if skip {
                nested_seen
                    .lock()
                    .unwrap()
                    .push(relative_path(&root_owned, entry.path()));
            }
            !skip
        })
        .build_parallel()
        .run(|| {
            Box::new(|result| {
                match result {
                    Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                        let metadata = entry.metadata().ok();
                        let size = metadata.as_ref().map_or(0, |m| m.len());
                        let stat = metadata.as_ref().and_then(FileStat::of);
                        let relative = relative_path(root, entry.path());
                        files.lock().unwrap().push(FileEntry {
                            path: entry.into_path(),
                            relative,
                            size,
                            stat,
                        });
                    }
                    Ok(entry) if entry.file_type().is_some_and(|t| t.is_symlink()) => {
                        symlinks.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(entry) if entry.file_type().is_some_and(|t| !t.is_dir()) => {
                        special.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(_) => {}
                    Err(err) => {
                        let subject = match &err {
                            ignore::Error::WithPath { path, .. } => relative_path(root, path),
                            _ => root.display().to_string(),
                        };
                        notices.lock().unwrap().push(Notice::error(
                            NoticeKind::Unreadable,
                            subject,
                            err.to_string(),
                        ));
                    }
                }
                WalkState::Continue
            })
        });
    let mut files = files.into_inner().unwrap();
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    let mut notices = notices.into_inner().unwrap();
    let subject = root.display().to_string();
    match symlinks.into_inner() {
        0 => {}
        n => notices.push(Notice::note(
            NoticeKind::NotScanned,
            &subject,
            format!("{} not followed (a target inside the tree is scanned where it lives; one outside it is not scanned)", crate::plural::count(n, "symbolic link")),
        )),
    }
    let mut nested = std::mem::take(&mut *nested.lock().unwrap());
    nested.sort();
    notices.extend(nested.into_iter().map(|path| {
        Notice::note(
            NoticeKind::NotScanned,
            path,
            "nested git repository (a submodule or a clone inside the tree) not entered, as git does not: scan it separately",
        )
    }));
    match special.into_inner() {
        0 => {}
        n => notices.push(Notice::note(
            NoticeKind::NotScanned,
            &subject,
            format!(
                "{} skipped (FIFOs, sockets, devices)",
                crate::plural::count(n, "special file")
            ),
        )),
    }
    (files, notices)
}

/// Whether a `.git` entry makes its directory a repository of its own, as git decides: a
/// directory with a `HEAD`, or a file pointing elsewhere (`gitdir: …`). Anything else (an empty
/// file, a stray folder) leaves the directory's files part of the tree.
fn is_repository(dot_git: &Path) -> bool {
    if dot_git.is_dir() {
        return dot_git.join("HEAD").is_file();
    }
    let mut start = [0u8; 8];
    File::open(dot_git)
        .and_then(|mut f| f.read_exact(&mut start))
        .is_ok_and(|()| &start == b"gitdir: ")
}

/// `path` relative to `root`, `/`-separated; the file name when `root` is the file itself.
/// Names that are not printable UTF-8 are escaped losslessly ([`crate::escape::name`]).
pub fn relative_path(root: &Path, path: &Path) -> String {
    let relative = match path.strip_prefix(root) {
        Ok(r) if !r.as_os_str().is_empty() => r,
        _ => Path::new(path.file_name().unwrap_or(path.as_os_str())),
    };
    relative
        .components()
        .map(|c| crate::escape::os_name(c.as_os_str()))
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads a file into `buffer` (cleared first): at most `limit` bytes, however much the file
/// grew since it was listed.
pub fn read_into(path: &Path, limit: u64, buffer: &mut Vec<u8>) -> std::io::Result<()> {
    buffer.clear();
    File::open(path)?.take(limit).read_to_end(buffer)?;
    Ok(())
}
