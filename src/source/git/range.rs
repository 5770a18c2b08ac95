//! Exact ranges: the blobs that a set of commits (`A..B`, `--since-commit A`) or the index
//! (`--staged`) introduce, and nothing older.
//!
//! A commit introduces a blob at a path when the blob differs from what every parent has at
//! that path (a root commit introduces everything). Merges are walked like any other commit, so
//! secrets committed on a merged side branch are found; a merge's own blobs are only those that
//! match none of its parents (conflict resolutions). Commits are visited oldest first and each
//! blob is kept once, with the first commit and path that introduced it.

use std::collections::{HashMap, HashSet};

use anyhow::{Context, Result, bail};
use gix::ObjectId;
use gix::bstr::{BString, ByteSlice, ByteVec};
use gix::objs::{Find, Kind, TreeRefIter, tree::EntryMode};

use super::short;

/// A blob the range brings, with where it came from.
#[derive(Debug, Clone)]
pub struct Introduced {
    pub(crate) blob: ObjectId,
    pub(crate) path: String,
    /// `None` for staged blobs.
    pub commit: Option<ObjectId>,
}

/// Which commits to scan: those reachable from any of `include` and from none of `exclude`
/// (git's `B --not A...`). `A..B` is `include: [B], exclude: [A]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Revisions {
    pub(crate) include: Vec<String>,
    pub(crate) exclude: Vec<String>,
    /// Also leave out what the included revisions share: their merge bases (git's `A...B`).
    pub(crate) symmetric: bool,
}

impl Revisions {
    /// Whether the commits selected include all their ancestors (nothing is left out), so that
    /// what they introduce is every blob of their trees.
    pub fn reaches_every_ancestor(&self) -> bool {
        self.exclude.is_empty() && !self.symmetric
    }

    /// Parses a range as git does: `A..B` (what B has and A has not), `A...B` (what either has
    /// and not both), an empty side meaning `HEAD` (`A..`, `..B`, `A...`), or a single revision
    /// (everything reachable from it).
    pub fn parse(spec: &str) -> Revisions {
        let or_head = |side: &str| if side.is_empty() { "HEAD" } else { side }.to_string();
        if let Some((from, to)) = spec.split_once("...") {
            Revisions {
                include: vec![or_head(from), or_head(to)],
                exclude: Vec::new(),
                symmetric: true,
            }
        } else if let Some((from, to)) = spec.split_once("..") {
            Revisions {
                include: vec![or_head(to)],
                exclude: vec![or_head(from)],
                symmetric: false,
            }
        } else {
            Revisions {
                include: vec![spec.to_string()],
                ..Revisions::default()
            }
        }
    }
}

/// The commits `revisions` select, oldest first. Every named revision must exist: a missing one
/// (typically beyond a shallow clone's depth) is an error, never an empty range.
pub fn commits(repo: &gix::Repository, revisions: &Revisions) -> Result<Vec<ObjectId>> {
    let include = revisions
        .include
        .iter()
        .map(|r| resolve(repo, r))
        .collect::<Result<Vec<_>>>()?;
    let mut exclude = revisions
        .exclude
        .iter()
        .map(|r| resolve(repo, r))
        .collect::<Result<Vec<_>>>()?;
    if include.is_empty() {
        return Ok(Vec::new());
    }
    if revisions.symmetric {
        let bases = repo
            .merge_bases_many(include[0], &include[1..])
            .with_context(|| {
                format!(
                    "finding the merge bases of {}",
                    revisions.include.join(" and ")
                )
            })?;
        exclude.extend(bases.into_iter().map(|id| id.detach()));
    }
    let walk = repo.rev_walk(include).with_hidden(exclude);
    let shallow = super::shallow_boundary(repo);
    let mut commits = Vec::new();
    for info in walk.all().context("walking commits")? {
        let info = info.with_context(|| format!("walking commits{SHALLOW_HINT}"))?;
        if shallow.contains(&info.id) {
            bail!(
                "the range reaches the shallow boundary at commit {}: its parents are not in this clone, \
                 so what it introduces cannot be told apart from what it inherited{SHALLOW_HINT}",
                short(&info.id)
            );
        }
        commits.push(info.id);
    }
    commits.reverse();
    Ok(commits)
}

const SHALLOW_HINT: &str = " (fetch more history: `git fetch --deepen=N` or `--unshallow`; in GitHub Actions set actions/checkout `fetch-depth: 0`)";

/// The commit a revision names (tags peeled). Fetching more history is suggested only where it
/// could help: in a shallow clone.
pub fn resolve(repo: &gix::Repository, rev: &str) -> Result<ObjectId> {
    // Asked only when resolving fails: most revisions resolve.
    let hint = || {
        if repo.is_shallow().unwrap_or(false) {
            SHALLOW_HINT
        } else {
            ""
        }
    };
    let id = repo
        .rev_parse_single(rev)
        .with_context(|| format!("unknown revision {rev:?}: not in this repository{}", hint()))?;
    let object = id
        .object()
        .with_context(|| format!("revision {rev:?} points to a missing object{}", hint()))?;
    let commit = object
        .peel_to_commit()
        .with_context(|| format!("revision {rev:?} is not a commit"))?;
    Ok(commit.id)
}

/// The blobs the given commits introduce (first introduction of each blob only).
pub fn introduced_by(repo: &gix::Repository, commits: &[ObjectId]) -> Result<Vec<Introduced>> {
    let mut out: Vec<Introduced> = Vec::new();
    let mut known: HashSet<ObjectId> = HashSet::new();
    let mut buf = Vec::new();
    for commit in commits {
        let data = find(repo, commit, Kind::Commit, &mut buf)?;
        let parsed = gix::objs::CommitRef::from_bytes(&data, repo.object_hash())
            .with_context(|| format!("commit {commit}"))?;
        let tree = parsed.tree();
        let parent_trees = parsed
            .parents()
            .map(|p| {
                let data = find(repo, &p, Kind::Commit, &mut Vec::new())
                    .with_context(|| format!("parent of commit {}{SHALLOW_HINT}", short(commit)))?;
                gix::objs::CommitRef::from_bytes(&data, repo.object_hash())
                    .map(|c| c.tree())
                    .with_context(|| format!("commit {p}"))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut found = Vec::new();
        diff_tree(
            repo,
            tree,
            parent_trees.into_iter().map(Some).collect(),
            BString::default(),
            &mut found,
        )?;
        for (path, blob) in found {
            if known.insert(blob) {
                out.push(Introduced {
                    blob,
                    path: super::display_path(path.as_bstr()),
                    commit: Some(*commit),
                });
            }
        }
    }
    Ok(out)
}

/// Every blob in the trees of `commits` (oldest first), each with the first commit and path
/// that hold it. Each distinct tree is read once. Equal to [`introduced_by`] when the commits
/// include all their ancestors (nothing excluded), at a fraction of the cost.
pub fn blobs_of(repo: &gix::Repository, commits: &[ObjectId]) -> Result<Vec<Introduced>> {
    use super::provenance::{EntryKind, TreeEntry, walk_tree};
    let mut seen_trees = gix::hashtable::HashSet::default();
    let mut seen_blobs = HashSet::new();
    let mut out = Vec::new();
    let mut buf = Vec::new();
    for commit in commits {
        let data = find(repo, commit, Kind::Commit, &mut buf)?;
        let tree = gix::objs::CommitRef::from_bytes(&data, repo.object_hash())
            .with_context(|| format!("commit {commit}"))?
            .tree();
        let mut visit = |entry: &TreeEntry, kind: EntryKind, id: &gix::oid| {
            if kind == EntryKind::Blob && seen_blobs.insert(id.to_owned()) {
                out.push(Introduced {
                    blob: id.to_owned(),
                    path: entry.path(),
                    commit: Some(*commit),
                });
            }
            true
        };
        walk_tree(repo, tree, &mut Some(&mut seen_trees), &mut visit)?;
    }
    Ok(out)
}

/// The blobs staged in the index that differ from HEAD at their path.
pub fn staged(repo: &gix::Repository) -> Result<Vec<Introduced>> {
    let index = repo.open_index().context("reading the index")?;
    let mut head: HashMap<BString, ObjectId> = HashMap::new();
    if let Ok(tree) = repo.head_tree_id() {
        let mut found = Vec::new();
        diff_tree(
            repo,
            tree.detach(),
            Vec::new(),
            BString::default(),
            &mut found,
        )?;
        head.extend(found);
    }
    let mut out = Vec::new();
    for entry in index.entries() {
        if entry.mode == gix::index::entry::Mode::COMMIT {
            continue;
        }
        let path = entry.path(&index);
        if head.get(path) != Some(&entry.id) {
            out.push(Introduced {
                blob: entry.id,
                path: super::display_path(path),
                commit: None,
            });
        }
    }
    Ok(out)
}

fn find(repo: &gix::Repository, id: &gix::oid, kind: Kind, buf: &mut Vec<u8>) -> Result<Vec<u8>> {
    let data = repo
        .objects
        .try_find(id, buf)
        .with_context(|| format!("object {id}"))?
        .with_context(|| format!("object {id} is missing"))?;
    if data.kind != kind {
        bail!("object {id} is a {}, expected a {kind}", data.kind);
    }
    Ok(data.data.to_vec())
}

type Entries = Vec<(BString, EntryMode, ObjectId)>;

fn entries(repo: &gix::Repository, tree: &gix::oid) -> Result<Entries> {
    let data = find(repo, tree, Kind::Tree, &mut Vec::new())?;
    TreeRefIter::from_bytes(&data, repo.object_hash())
        .map(|e| {
            e.map(|e| (e.filename.to_owned(), e.mode, e.oid.to_owned()))
                .map_err(|err| anyhow::anyhow!("tree {tree}: {err}"))
        })
        .collect()
}

/// Blobs under `tree` (at `prefix`) that differ from every parent tree at the same path.
fn diff_tree(
    repo: &gix::Repository,
    tree: ObjectId,
    parents: Vec<Option<ObjectId>>,
    prefix: BString,
    out: &mut Vec<(BString, ObjectId)>,
) -> Result<()> {
    let parent_entries: Vec<HashMap<BString, (EntryMode, ObjectId)>> = parents
        .iter()
        .map(|p| {
            let list = p.map_or_else(|| Ok(Vec::new()), |p| entries(repo, &p))?;
            Ok(list
                .into_iter()
                .map(|(name, mode, id)| (name, (mode, id)))
                .collect())
        })
        .collect::<Result<_>>()?;
    for (name, mode, id) in entries(repo, &tree)? {
        let at_parents: Vec<Option<&(EntryMode, ObjectId)>> =
            parent_entries.iter().map(|pe| pe.get(&name)).collect();
        if at_parents
            .iter()
            .any(|e| e.is_some_and(|(_, pid)| *pid == id))
        {
            continue;
        }
        let mut path = prefix.clone();
        if !path.is_empty() {
            path.push_byte(b'/');
        }
        path.push_str(&name);
        if mode.is_tree() {
            let sub_parents = at_parents
                .iter()
                .map(|e| e.filter(|(m, _)| m.is_tree()).map(|(_, pid)| *pid))
                .collect();
            diff_tree(repo, id, sub_parents, path, out)?;
        } else if !mode.is_commit() {
            out.push((path, id));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Revisions, resolve};

    #[test]
    fn a_git_error_keeps_its_cause() {
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("git")
            .args(["init", "-q"])
            .arg(dir.path())
            .status()
            .unwrap();
        assert!(status.success());
        let repo = super::super::open(dir.path()).unwrap().unwrap();
        let error = resolve(&repo, "no-such-rev").unwrap_err();
        // gix's own error is still there to inspect, under what keysweep was doing.
        assert!(error.downcast_ref::<gix::Error>().is_some(), "{error:?}");
        let shown = format!("{error:#}");
        assert!(
            shown.starts_with("unknown revision \"no-such-rev\": not in this repository"),
            "{shown}"
        );
        assert!(
            !shown.contains("fetch more history"),
            "not shallow: {shown}"
        );
        assert!(error.chain().count() >= 2, "{shown}");
    }

    fn r(include: &[&str], exclude: &[&str]) -> Revisions {
        Revisions {
            include: include.iter().map(|s| s.to_string()).collect(),
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
            symmetric: false,
        }
    }

    #[test]
    fn parses_range_forms_as_git_does() {
        assert_eq!(Revisions::parse("a..b"), r(&["b"], &["a"]));
        assert_eq!(Revisions::parse("a.."), r(&["HEAD"], &["a"]));
        assert_eq!(Revisions::parse("..b"), r(&["b"], &["HEAD"]));
        assert_eq!(Revisions::parse("main"), r(&["main"], &[]));
        let symmetric = Revisions {
            symmetric: true,
            ..r(&["a", "HEAD"], &[])
        };
        assert_eq!(Revisions::parse("a..."), symmetric);
    }
}
