//! A git repository as a source: every blob of the object database once ([`odb`]), the blobs a
//! commit range or the index introduces ([`range`]), and provenance for the blobs that matched
//! ([`provenance`]).
//!
//! Untrusted repositories are safe to scan: everything here reads objects, refs and the index
//! with gix, opened in isolation (no system, global or environment configuration). Nothing here
//! runs hooks, filters, fsmonitor or any command named in the repository's configuration, and
//! no `git` process is started.

pub mod odb;
pub mod provenance;
pub mod range;
pub mod tree_files;
pub mod work_tree;

use std::path::Path;

use anyhow::{Context, Result};
use gix::ObjectId;
use gix::bstr::BStr;
use gix::objs::Find;

/// Opens `path` as a repository if it is one (a work tree root, a `.git` directory or a bare
/// repository); `Ok(None)` if it is not a repository at all.
pub fn open(path: &Path) -> Result<Option<gix::Repository>> {
    let looks_like_repo = path.join(".git").exists()
        || (path.join("HEAD").is_file() && path.join("objects").is_dir());
    if !looks_like_repo {
        return Ok(None);
    }
    let options = gix::open::Options::isolated();
    let repo = gix::open_opts(path, options)
        .with_context(|| format!("opening git repository {}", path.display()))?;
    Ok(Some(repo))
}

/// The repository whose work tree holds `path` (a directory below its root), found upwards as
/// git finds it; `None` when there is none.
pub fn enclosing_repository(path: &Path) -> Option<std::path::PathBuf> {
    let absolute = path.canonicalize().ok()?;
    absolute
        .ancestors()
        .skip(1)
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The commits at a shallow clone's boundary (their parents are not in the clone); empty for a
/// complete repository.
pub fn shallow_boundary(repo: &gix::Repository) -> std::collections::HashSet<ObjectId> {
    repo.shallow_commits()
        .ok()
        .flatten()
        .map(|c| c.iter().cloned().collect())
        .unwrap_or_default()
}

/// The message of a commit or a tag (the text after its headers); `None` for other objects and
/// for one that does not parse.
pub fn message_of(kind: gix::objs::Kind, bytes: &[u8], hash: gix::hash::Kind) -> Option<&[u8]> {
    match kind {
        gix::objs::Kind::Commit => {
            Some(gix::objs::CommitRef::from_bytes(bytes, hash).ok()?.message)
        }
        gix::objs::Kind::Tag => Some(gix::objs::TagRef::from_bytes(bytes, hash).ok()?.message),
        _ => None,
    }
}

/// Git writes an id of all zeros (40 digits, 64 in SHA-256 repositories) for "no object".
pub fn is_null_id(oid: &str) -> bool {
    !oid.is_empty() && oid.bytes().all(|b| b == b'0')
}

/// Git LFS keeps large files outside the repository; what is committed is a small pointer.
pub fn is_lfs_pointer(bytes: &[u8]) -> bool {
    bytes.len() < 1024 && bytes.starts_with(b"version https://git-lfs.github.com/spec/v1")
}

/// A path inside a tree, escaped losslessly when it is not printable UTF-8.
pub fn display_path(path: &BStr) -> String {
    crate::escape::name(path)
}

/// Short form of an object id for messages.
pub fn short(id: &ObjectId) -> String {
    id.to_hex_with_len(12).to_string()
}

/// The longest commit subject kept, in characters: a subject is repeated once per finding, and
/// a repository can make one megabytes long.
const MAX_SUMMARY: usize = 200;

fn capped_summary(summary: &BStr) -> String {
    let text = String::from_utf8_lossy(summary);
    match text.char_indices().nth(MAX_SUMMARY) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.into_owned(),
    }
}

/// Reads a commit's metadata for reports.
pub fn commit_info(repo: &gix::Repository, id: &gix::oid) -> Result<crate::model::CommitInfo> {
    let mut buf = Vec::new();
    let data = repo
        .objects
        .try_find(id, &mut buf)
        .with_context(|| format!("reading commit {id}"))?
        .with_context(|| format!("commit {id} is missing"))?;
    let commit = gix::objs::CommitRef::from_bytes(data.data, repo.object_hash())
        .with_context(|| format!("commit {id}"))?;
    let author = commit.author().with_context(|| format!("commit {id}"))?;
    let timestamp = author.seconds();
    Ok(crate::model::CommitInfo {
        id: id.to_string(),
        author_name: author.name.to_string(),
        author_email: author.email.to_string(),
        date: crate::utc::iso8601(timestamp),
        timestamp,
        summary: capped_summary(&commit.message().summary()),
    })
}
