//! A directory or a single file that is not a git repository: walked, each file scanned.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Result;

use super::{Scanner, Scope, Source};
use crate::finding::FindingSet;
use crate::model::{Notice, NoticeKind, Occurrence, SourceKind};
use crate::rules::RuleSet;
use crate::source::{fs, git};

/// A directory (or file) and, when it lies inside a repository, that repository's root.
pub struct Directory {
    path: PathBuf,
    enclosing: Option<PathBuf>,
}

impl Directory {
    /// Refuses history and range scopes: they need a repository, and inside one they would
    /// silently mean less than the user asked for.
    pub fn new(path: &Path, scope: &Scope) -> Result<Directory> {
        let enclosing = git::enclosing_repository(path);
        if !matches!(scope, Scope::Everything | Scope::WorkTree) {
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
        Ok(Directory {
            path: path.to_path_buf(),
            enclosing,
        })
    }
}

impl Source for Directory {
    fn is_repository(&self) -> bool {
        false
    }

    fn scan(
        &self,
        scanner: &Scanner,
        rules: &RuleSet,
        findings: &mut FindingSet,
        notices: &mut Vec<Notice>,
    ) -> Result<()> {
        if let Some(root) = &self.enclosing {
            let here = std::env::current_dir().and_then(|d| d.canonicalize()).ok();
            let root = if here.as_deref() == Some(root.as_path()) {
                ".".to_string()
            } else {
                root.display().to_string()
            };
            notices.push(Notice::note(
                NoticeKind::Scope,
                self.path.display().to_string(),
                format!(
                    "inside the git repository at {root}: only these files were scanned, not the repository's history; scan {root} for its history"
                ),
            ));
        }
        let files = walk(scanner, &self.path, false, notices);
        scan_walked(scanner, &files, rules, findings, notices);
        Ok(())
    }
}

/// The files under `root` the walk options let through.
pub(super) fn walk(
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

/// Scans walked files; each hit is an occurrence at the file's path.
pub(super) fn scan_walked(
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
