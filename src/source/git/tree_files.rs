//! A commit's tree as the place a configuration's files are read from: a pull request is scanned
//! under its base's `.keysweep.toml` and rule files, which the pull request cannot change.
//!
//! The same rules hold as for a directory (see [`crate::untrusted`]): relative paths without
//! `..`, regular files only (a symbolic link is not followed), at most
//! [`crate::untrusted::MAX_FILE`] bytes.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};
use gix::ObjectId;
use gix::objs::tree::EntryKind;

use crate::config::Files;
use crate::untrusted::MAX_FILE;

pub(crate) struct TreeFiles<'r> {
    repo: &'r gix::Repository,
    commit: ObjectId,
    tree: gix::Tree<'r>,
}

impl<'r> TreeFiles<'r> {
    /// The tree of `commit`.
    pub fn at(repo: &'r gix::Repository, commit: ObjectId) -> Result<TreeFiles<'r>> {
        let tree = repo
            .find_object(commit)
            .with_context(|| format!("commit {commit}"))?
            .peel_to_tree()
            .with_context(|| format!("the tree of {commit}"))?;
        Ok(TreeFiles { repo, commit, tree })
    }

    /// Whether `relative` names an entry of the tree.
    pub fn contains(&self, relative: &Path) -> bool {
        self.entry(relative).ok().flatten().is_some()
    }

    fn entry(&self, relative: &Path) -> Result<Option<(EntryKind, ObjectId)>> {
        if !relative
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        {
            bail!(
                "{}: only relative paths without `..` may be named from inside a repository",
                relative.display()
            );
        }
        let entry = self
            .tree
            .lookup_entry_by_path(relative)
            .with_context(|| relative.display().to_string())?;
        Ok(entry.map(|e| (e.mode().kind(), e.object_id())))
    }
}

impl Files for TreeFiles<'_> {
    fn read(&self, relative: &Path) -> Result<String> {
        let shown = relative.display();
        let Some((kind, id)) = self.entry(relative)? else {
            bail!("{shown} is not in commit {}", self.commit);
        };
        if !matches!(kind, EntryKind::Blob | EntryKind::BlobExecutable) {
            bail!("{shown} is not a regular file in commit {}", self.commit);
        }
        let header = self
            .repo
            .find_header(id)
            .with_context(|| shown.to_string())?;
        if header.size() > MAX_FILE {
            bail!("{shown} is larger than {MAX_FILE} bytes");
        }
        let blob = self
            .repo
            .find_object(id)
            .with_context(|| shown.to_string())?;
        String::from_utf8(blob.data.clone())
            .ok()
            .with_context(|| format!("{shown} is not UTF-8"))
    }

    fn toml_files(&self, relative: &Path) -> Result<Option<Vec<PathBuf>>> {
        let Some((EntryKind::Tree, id)) = self.entry(relative)? else {
            return Ok(None);
        };
        let tree = self
            .repo
            .find_object(id)
            .with_context(|| relative.display().to_string())?
            .into_tree();
        let decoded = tree
            .decode()
            .with_context(|| relative.display().to_string())?;
        let mut files: Vec<PathBuf> = decoded
            .entries
            .iter()
            .filter(|e| e.filename.ends_with(b".toml"))
            .map(|e| relative.join(e.filename.to_string()))
            .collect();
        files.sort();
        Ok(Some(files))
    }

    fn origin(&self, relative: &Path) -> String {
        format!(
            "{} (commit {})",
            relative.display(),
            super::short(&self.commit)
        )
    }
}
