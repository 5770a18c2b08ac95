//! Provenance of matched blobs: the commit that first introduced each one, its path there, the
//! refs that reach it, and whether it is still in HEAD.
//!
//! Computed only for blobs that matched, after scanning, so a clean history pays nothing. The
//! commit graph of every ref (id, tree, parents: ~100 bytes per commit) is taken from the
//! commits the scan already decoded ([`CommitParents`]) and ordered parents-before-children;
//! trees are then walked oldest commit first, each distinct tree once, until every target blob
//! has been seen. The first commit whose tree holds a blob introduced it; topological order
//! makes that immune to clock skew. The walk is split into runs of commits walked in parallel
//! (see [`first_introductions`]). Reachability from refs is propagated along the same order as
//! bit sets, 64 introducing commits per pass.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context;
use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice, ByteVec};
use gix::objs::{Find, Kind, TreeRefIter};

use super::{commit_info, display_path, short};
use crate::model::{CommitInfo, Notice, NoticeKind};
use rayon::prelude::*;

/// Commits per run of the parallel tree walk. Each run starts with no tree seen, so it walks
/// its first commit's whole tree; past that, only the trees new in its run.
const COMMITS_PER_RUN: usize = 4096;

/// The pack cache of each thread of the tree walk. Successive versions of a directory are
/// deltas of each other; keeping their bases decoded cut the walk on git/git by a third
/// against the default cache (64 entries). 8 MiB did within 2 % of 256 MiB there, and kept
/// peak RSS on rust-lang/cargo at 220 MiB where 32 MiB per thread took it to 270.
const WALK_PACK_CACHE_BYTES: usize = 8 << 20;

/// The tree and parents of each commit the object database scan decoded, so provenance does
/// not read every commit a second time (commits it did not meet are read on demand).
#[derive(Default)]
pub struct CommitParents {
    commits: Mutex<gix::hashtable::HashMap<ObjectId, (ObjectId, Vec<ObjectId>)>>,
}

impl CommitParents {
    /// Keeps a commit's tree and parents (a commit that did not parse is not noted: it is read,
    /// and reported, later).
    pub fn note(&self, id: &gix::oid, commit: &gix::objs::CommitRef<'_>) {
        let parents = commit.parents().collect();
        self.commits
            .lock()
            .unwrap()
            .insert(id.to_owned(), (commit.tree(), parents));
    }

    fn take(&self, id: &gix::oid) -> Option<(ObjectId, Vec<ObjectId>)> {
        self.commits.lock().unwrap().remove(id)
    }
}

/// How many ref names an occurrence lists (the total is always given).
const MAX_REFS_LISTED: usize = 10;

/// Where a blob came from.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    pub(crate) commit: Option<CommitInfo>,
    /// Path of the blob in the introducing commit's tree.
    pub path: Option<String>,
    pub(crate) refs: Vec<String>,
    pub(crate) refs_total: usize,
    /// Reachable from no ref (nor from the index).
    pub unreachable: bool,
    /// Not in any commit, but staged in the index (at `path`).
    pub staged: bool,
    /// Part of HEAD's tree.
    pub at_head: bool,
    /// Gone from HEAD: the commit of HEAD's first-parent line that dropped it from its path
    /// (known when the introducing commit is on that line).
    pub(crate) removed: Option<CommitInfo>,
}

/// What HEAD's tree holds: its blobs (each at its first path there), and the submodules
/// (gitlinks) the scan does not enter.
#[derive(Debug, Default)]
pub struct HeadTree {
    pub(crate) blobs: HashMap<ObjectId, String>,
    pub(crate) submodules: Vec<(String, ObjectId)>,
    /// Set when HEAD names a branch that does not exist and another branch stood in for it.
    pub note: Option<String>,
}

/// Walks HEAD's tree once. A HEAD that names a missing branch (a bare repository whose default
/// branch was renamed) is judged by `main`, `master` or the only branch, with a note; with no
/// branch at all the tree is empty.
pub fn head_tree(repo: &gix::Repository) -> anyhow::Result<HeadTree> {
    let mut head = HeadTree::default();
    let tree = match repo.head_tree_id() {
        Ok(tree) => tree.detach(),
        Err(_) => match stand_in_branch(repo) {
            Some((name, tree)) => {
                let missing = repo
                    .head_name()
                    .ok()
                    .flatten()
                    .map_or("an unborn branch".to_string(), |n| n.as_bstr().to_string());
                head.note = Some(format!(
                    "HEAD names {missing}, which does not exist: \"present in the current tree\" is judged by {name}"
                ));
                tree
            }
            None => return Ok(head),
        },
    };
    let mut visit = |entry: &TreeEntry, kind: EntryKind, id: &gix::oid| {
        match kind {
            EntryKind::Blob => {
                head.blobs
                    .entry(id.to_owned())
                    .or_insert_with(|| entry.path());
            }
            EntryKind::Submodule => head.submodules.push((entry.path(), id.to_owned())),
        }
        true
    };
    walk_tree(repo, tree, &mut None, &mut visit)?;
    head.submodules.sort();
    Ok(head)
}

/// HEAD's tree for a scan: one that cannot be read is an error notice (and an empty tree, so
/// nothing is said to be at HEAD), a stand-in branch a note.
pub fn head_tree_noting(repo: &gix::Repository, notices: &mut Vec<Notice>) -> HeadTree {
    let head = head_tree(repo).unwrap_or_else(|e| {
        notices.push(Notice::error(
            NoticeKind::Unreadable,
            "HEAD",
            format!("cannot read HEAD's tree: {e}"),
        ));
        HeadTree::default()
    });
    notices.extend(
        head.note
            .iter()
            .map(|note| Notice::note(NoticeKind::Scope, "HEAD", note)),
    );
    head
}

/// The branch that stands in for a missing HEAD: `main`, `master`, or the only branch.
fn stand_in_branch(repo: &gix::Repository) -> Option<(String, ObjectId)> {
    let tree_of = |name: &str| -> Option<ObjectId> {
        let mut reference = repo.find_reference(name).ok()?;
        Some(reference.peel_to_commit().ok()?.tree_id().ok()?.detach())
    };
    for name in ["refs/heads/main", "refs/heads/master"] {
        if let Some(tree) = tree_of(name) {
            return Some((name.to_string(), tree));
        }
    }
    let platform = repo.references().ok()?;
    let branches: Vec<String> = platform
        .local_branches()
        .ok()?
        .filter_map(Result::ok)
        .map(|r| r.name().as_bstr().to_string())
        .collect();
    match &branches[..] {
        [only] => tree_of(only).map(|tree| (only.clone(), tree)),
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum EntryKind {
    Blob,
    Submodule,
}

/// An entry met by [`walk_tree`]: the directory it is in and its name. The path is joined only
/// when a visitor asks for it: most entries of most trees are passed over.
pub(super) struct TreeEntry<'a> {
    dir: &'a BStr,
    name: &'a BStr,
}

impl TreeEntry<'_> {
    /// The entry's path from the walked tree's root, for display.
    pub(super) fn path(&self) -> String {
        if self.dir.is_empty() {
            return display_path(self.name);
        }
        let mut path = BString::from(self.dir);
        path.push_byte(b'/');
        path.push_str(self.name);
        display_path(path.as_bstr())
    }
}

/// Depth-first walk of a tree; `seen` (when given) skips trees already walked. `visit` returns
/// `false` to stop the walk early.
pub(super) fn walk_tree(
    repo: &gix::Repository,
    root: ObjectId,
    seen: &mut Option<&mut gix::hashtable::HashSet<ObjectId>>,
    visit: &mut dyn FnMut(&TreeEntry, EntryKind, &gix::oid) -> bool,
) -> anyhow::Result<bool> {
    let mut stack: Vec<(ObjectId, BString)> = vec![(root, BString::default())];
    let mut buf = Vec::new();
    while let Some((tree_id, dir)) = stack.pop() {
        if let Some(seen) = seen.as_deref_mut()
            && !seen.insert(tree_id)
        {
            continue;
        }
        let data = repo
            .objects
            .try_find(&tree_id, &mut buf)
            .with_context(|| format!("tree {tree_id}"))?
            .with_context(|| format!("tree {tree_id} is missing"))?;
        if data.kind != Kind::Tree {
            anyhow::bail!("object {tree_id} is a {}, expected a tree", data.kind);
        }
        for entry in TreeRefIter::from_bytes(data.data, repo.object_hash()) {
            let entry = entry.with_context(|| format!("tree {tree_id}"))?;
            if entry.mode.is_tree() {
                let mut path = dir.clone();
                if !path.is_empty() {
                    path.push_byte(b'/');
                }
                path.push_str(entry.filename);
                stack.push((entry.oid.to_owned(), path));
                continue;
            }
            let kind = if entry.mode.is_commit() {
                EntryKind::Submodule
            } else {
                EntryKind::Blob
            };
            let at = TreeEntry {
                dir: dir.as_bstr(),
                name: entry.filename,
            };
            if !visit(&at, kind, entry.oid) {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// A ref tip, peeled through tags.
struct Tip {
    name: String,
    id: ObjectId,
    kind: Kind,
}

fn tips(repo: &gix::Repository, notices: &mut Vec<Notice>) -> Vec<Tip> {
    let mut tips = Vec::new();
    let mut buf = Vec::new();
    let mut add = |name: String, id: ObjectId, tips: &mut Vec<Tip>| match repo
        .objects
        .try_find(&id, &mut buf)
    {
        Ok(Some(data)) => tips.push(Tip {
            name,
            id,
            kind: data.kind,
        }),
        _ => notices.push(Notice::error(
            NoticeKind::Unreadable,
            name,
            format!("points to missing object {id}"),
        )),
    };
    if let Ok(head) = repo.head_id() {
        add("HEAD".into(), head.detach(), &mut tips);
    }
    let Ok(platform) = repo.references() else {
        return tips;
    };
    let Ok(all) = platform.all() else { return tips };
    let mut broken = Vec::new();
    for reference in all {
        match reference {
            Ok(mut r) => {
                let name = r.name().as_bstr().to_string();
                match r.peel_to_id() {
                    Ok(id) => add(name, id.detach(), &mut tips),
                    Err(e) => broken.push(Notice::error(
                        NoticeKind::Unreadable,
                        name,
                        format!("cannot resolve ref: {e}"),
                    )),
                }
            }
            Err(e) => broken.push(Notice::error(
                NoticeKind::Unreadable,
                "refs",
                format!("cannot read a ref: {e}"),
            )),
        }
    }
    notices.extend(broken);
    tips
}

/// A commit of the graph: its tree and its parents (indexes into the graph).
struct Node {
    id: ObjectId,
    tree: ObjectId,
    parents: Vec<usize>,
}

/// Every commit reachable from `tips`, parents before children.
fn commit_graph(
    repo: &gix::Repository,
    tips: &[Tip],
    known: &CommitParents,
    notices: &mut Vec<Notice>,
) -> Vec<Node> {
    let shallow = super::shallow_boundary(repo);
    let mut index: gix::hashtable::HashMap<ObjectId, usize> = Default::default();
    let mut loaded: gix::hashtable::HashMap<ObjectId, (ObjectId, Vec<ObjectId>)> =
        Default::default();
    let mut order: Vec<Node> = Vec::new();
    let mut buf = Vec::new();
    let mut stack: Vec<(ObjectId, bool)> = tips
        .iter()
        .filter(|t| t.kind == Kind::Commit)
        .map(|t| (t.id, false))
        .collect();
    stack.reverse();
    let mut missing_reported = HashSet::new();
    while let Some((id, expanded)) = stack.pop() {
        if expanded {
            if index.contains_key(&id) {
                continue;
            }
            let (tree, parents) = loaded.remove(&id).expect("expanded commits were loaded");
            let parents = parents
                .iter()
                .filter_map(|p| index.get(p).copied())
                .collect();
            index.insert(id, order.len());
            order.push(Node { id, tree, parents });
            continue;
        }
        if index.contains_key(&id) || loaded.contains_key(&id) {
            continue;
        }
        let commit = match known.take(&id) {
            Some(commit) => Ok(commit),
            None => read_commit(repo, &id, &mut buf),
        };
        match commit {
            Ok((tree, mut parents)) => {
                if shallow.contains(&id) {
                    parents.clear();
                }
                stack.push((id, true));
                for parent in parents.iter().rev() {
                    if !index.contains_key(parent) && !loaded.contains_key(parent) {
                        stack.push((*parent, false));
                    }
                }
                loaded.insert(id, (tree, parents));
            }
            Err(message) => {
                if missing_reported.insert(id) {
                    notices.push(Notice::error(
                        NoticeKind::Unreadable,
                        id.to_string(),
                        format!("commit {} {message}", short(&id)),
                    ));
                }
            }
        }
    }
    order
}

/// A commit's tree and parents, read from the object database; the error says why not.
fn read_commit(
    repo: &gix::Repository,
    id: &gix::oid,
    buf: &mut Vec<u8>,
) -> Result<(ObjectId, Vec<ObjectId>), String> {
    match repo.objects.try_find(id, buf) {
        Ok(Some(data)) if data.kind == Kind::Commit => {
            gix::objs::CommitRef::from_bytes(data.data, repo.object_hash())
                .map(|c| (c.tree(), c.parents().collect()))
                .map_err(|e| e.to_string())
        }
        Ok(Some(data)) => Err(format!("is a {}, expected a commit", data.kind)),
        Ok(None) => Err("is missing".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Provenance for each of `targets`. Blobs not found from any ref are marked unreachable.
pub fn attribute(
    repo: &gix::Repository,
    targets: &HashSet<ObjectId>,
    head: &HeadTree,
    commits: &CommitParents,
) -> (HashMap<ObjectId, Provenance>, Vec<Notice>) {
    let mut notices = Vec::new();
    let mut result: HashMap<ObjectId, Provenance> = HashMap::new();
    if targets.is_empty() {
        return (result, notices);
    }
    let tips = tips(repo, &mut notices);
    let graph = commit_graph(repo, &tips, commits, &mut notices);

    let introduced = first_introductions(repo, &graph, targets, &mut notices);
    // Refs that point straight at a tree or a blob (rare, but tags can).
    for tip in &tips {
        match tip.kind {
            Kind::Blob if targets.contains(&tip.id) => {
                result
                    .entry(tip.id)
                    .or_default()
                    .refs
                    .push(tip.name.clone());
            }
            Kind::Tree => {
                let mut visit = |entry: &TreeEntry, kind: EntryKind, id: &gix::oid| {
                    if kind == EntryKind::Blob && targets.contains(id) {
                        let p = result.entry(id.to_owned()).or_default();
                        p.path.get_or_insert_with(|| entry.path());
                        p.refs.push(tip.name.clone());
                    }
                    true
                };
                let _ = walk_tree(repo, tip.id, &mut None, &mut visit);
            }
            _ => {}
        }
    }

    let commits_refs = refs_reaching(&graph, &tips, introduced.values().map(|(pos, _)| *pos));
    for id in targets {
        let entry = result.entry(*id).or_default();
        if let Some((position, path)) = introduced.get(id) {
            let node = &graph[*position];
            match commit_info(repo, &node.id) {
                Ok(info) => entry.commit = Some(info),
                Err(e) => notices.push(Notice::error(
                    NoticeKind::Unreadable,
                    node.id.to_string(),
                    e.to_string(),
                )),
            }
            entry.path = Some(path.clone());
            entry
                .refs
                .extend(commits_refs.get(position).cloned().unwrap_or_default());
        }
        entry.refs.sort();
        entry.refs.dedup();
        entry.refs_total = entry.refs.len();
        entry.refs.truncate(MAX_REFS_LISTED);
        entry.at_head = head.blobs.contains_key(id);
    }
    let gone = introduced
        .iter()
        .filter(|(id, _)| !head.blobs.contains_key(*id));
    for (id, position) in removals(repo, &graph, &tips, gone) {
        if let (Some(entry), Ok(info)) =
            (result.get_mut(&id), commit_info(repo, &graph[position].id))
        {
            entry.removed = Some(info);
        }
    }
    // The index is a root too: a blob that is only staged is about to be committed.
    let unattributed: Vec<ObjectId> = result
        .iter()
        .filter(|(_, p)| p.refs_total == 0 && p.path.is_none())
        .map(|(id, _)| *id)
        .collect();
    if !unattributed.is_empty()
        && let Ok(index) = repo.open_index()
    {
        for entry in index.entries() {
            if let Some(p) = result.get_mut(&entry.id)
                && unattributed.contains(&entry.id)
                && !p.staged
            {
                p.staged = true;
                p.path = Some(display_path(entry.path(&index)));
            }
        }
    }
    for p in result.values_mut() {
        p.unreachable = p.refs_total == 0 && !p.staged;
    }
    (result, notices)
}

/// For blobs gone from HEAD, the graph position of the commit that removed each: the first
/// commit of HEAD's first-parent line, after the one that introduced the blob, whose tree does
/// not hold it at the path it was introduced at. Only blobs introduced on that line are asked
/// (a blob from a merged branch has no single place on it to start from).
///
/// A blob stays at its path from its introduction until a commit drops it, so a binary search
/// between the introducing commit (there) and HEAD (not there) reads about log2(line length)
/// trees per blob, not the whole line: 17 on git/git. A blob that came and went twice gets one
/// of its removals.
fn removals<'a>(
    repo: &gix::Repository,
    graph: &[Node],
    tips: &[Tip],
    gone: impl Iterator<Item = (&'a ObjectId, &'a (usize, String))>,
) -> Vec<(ObjectId, usize)> {
    // Most scans have nothing gone from HEAD: then HEAD's line is not walked at all.
    let mut gone = gone.peekable();
    if gone.peek().is_none() {
        return Vec::new();
    }
    let Some(head) = tips.iter().find(|t| t.name == "HEAD") else {
        return Vec::new();
    };
    let Some(head) = graph.iter().position(|node| node.id == head.id) else {
        return Vec::new();
    };
    // HEAD's first-parent line, newest first, and each commit's place on it.
    let mut line = vec![head];
    while let Some(&parent) = graph[*line.last().unwrap()].parents.first() {
        line.push(parent);
    }
    let on_line: HashMap<usize, usize> = line.iter().enumerate().map(|(i, &p)| (p, i)).collect();
    let holds = |step: usize, blob: &ObjectId, path: &str| -> Option<bool> {
        let tree = repo.find_tree(graph[line[step]].tree).ok()?;
        let entry = tree.lookup_entry_by_path(path).ok()?;
        Some(entry.is_some_and(|e| e.object_id() == *blob))
    };
    let mut found = Vec::new();
    'blobs: for (blob, (introduced, path)) in gone {
        let Some(&(mut there)) = on_line.get(introduced) else {
            continue;
        };
        let mut not_there = 0;
        while there - not_there > 1 {
            let middle = not_there + (there - not_there) / 2;
            match holds(middle, blob, path) {
                Some(true) => there = middle,
                Some(false) => not_there = middle,
                None => continue 'blobs, // an unreadable tree: no answer rather than a wrong one
            }
        }
        found.push((*blob, line[not_there]));
    }
    found
}

/// For each target found in the graph's trees: the position of the oldest commit holding it,
/// and its path there.
///
/// Oldest first, each distinct tree once: a tree already walked holds nothing new. The graph is
/// cut into runs of [`COMMITS_PER_RUN`] commits, which the pool's threads take in order, each
/// run with its own set of walked trees; the earliest find of each target wins. A run stops
/// once every target has been found at or before the commit it reached, so a history whose
/// secrets are old is not walked to its end.
fn first_introductions(
    repo: &gix::Repository,
    graph: &[Node],
    targets: &HashSet<ObjectId>,
    notices: &mut Vec<Notice>,
) -> HashMap<ObjectId, (usize, String)> {
    // Every entry of every distinct tree is looked up: object ids are hashed by their own bytes.
    let wanted: gix::hashtable::HashSet<ObjectId> = targets.iter().copied().collect();
    let found: Mutex<HashMap<ObjectId, (usize, String)>> = Mutex::new(HashMap::new());
    // No commit after this position can improve on what is found (usize::MAX until all are).
    let settled = AtomicUsize::new(usize::MAX);
    let next_run = AtomicUsize::new(0);
    // (graph position, what could not be read): a tree error names the tree.
    let unreadable: Mutex<Vec<(usize, String)>> = Mutex::new(Vec::new());
    let runs = graph.len().div_ceil(COMMITS_PER_RUN);
    let shared = repo.clone().into_sync();
    let workers = rayon::current_num_threads().clamp(1, runs.max(1));
    (0..workers).into_par_iter().for_each(|_| {
        let mut repo = shared.to_thread_local();
        repo.objects.set_pack_cache(|| {
            Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
                WALK_PACK_CACHE_BYTES,
            ))
        });
        loop {
            let run = next_run.fetch_add(1, Ordering::Relaxed);
            let start = run * COMMITS_PER_RUN;
            if run >= runs || start > settled.load(Ordering::Relaxed) {
                break;
            }
            let mut seen = gix::hashtable::HashSet::default();
            let mut here: HashMap<ObjectId, (usize, String)> = HashMap::new();
            let end = (start + COMMITS_PER_RUN).min(graph.len());
            for (position, node) in graph.iter().enumerate().take(end).skip(start) {
                if here.len() == wanted.len() || position > settled.load(Ordering::Relaxed) {
                    break;
                }
                let mut visit = |entry: &TreeEntry, kind: EntryKind, id: &gix::oid| {
                    if kind == EntryKind::Blob && wanted.contains(id) && !here.contains_key(id) {
                        here.insert(id.to_owned(), (position, entry.path()));
                    }
                    here.len() < wanted.len()
                };
                if let Err(e) = walk_tree(&repo, node.tree, &mut Some(&mut seen), &mut visit) {
                    unreadable.lock().unwrap().push((position, e.to_string()));
                }
            }
            let mut found = found.lock().unwrap();
            for (id, (position, path)) in here {
                match found.entry(id) {
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert((position, path));
                    }
                    std::collections::hash_map::Entry::Occupied(mut best) => {
                        if position < best.get().0 {
                            best.insert((position, path));
                        }
                    }
                }
            }
            if found.len() == wanted.len() {
                let last_needed = found.values().map(|(p, _)| *p).max().unwrap_or(0);
                settled.fetch_min(last_needed, Ordering::Relaxed);
            }
        }
    });
    // Each unreadable tree once, at the oldest commit that reaches it (as a walk in one piece
    // would say it), in graph order so reports do not depend on thread timing.
    let mut unreadable = unreadable.into_inner().unwrap();
    unreadable.sort();
    let mut said = HashSet::new();
    for (position, error) in unreadable {
        let commit = &graph[position].id;
        if said.insert(error.clone()) {
            notices.push(Notice::error(
                NoticeKind::Unreadable,
                commit.to_string(),
                format!("cannot read tree of commit {}: {error}", short(commit)),
            ));
        }
    }
    found.into_inner().unwrap()
}

/// For each of the given graph positions, the names of the refs whose history contains it.
fn refs_reaching(
    graph: &[Node],
    tips: &[Tip],
    positions: impl Iterator<Item = usize>,
) -> HashMap<usize, Vec<String>> {
    let mut wanted: Vec<usize> = positions.collect();
    wanted.sort_unstable();
    wanted.dedup();
    let position_of: gix::hashtable::HashMap<ObjectId, usize> =
        graph.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
    let mut result: HashMap<usize, Vec<String>> = HashMap::new();
    for chunk in wanted.chunks(64) {
        // bits[c] has bit k set when chunk[k] is an ancestor of (or is) commit c.
        let mut bits = vec![0u64; graph.len()];
        for (k, &pos) in chunk.iter().enumerate() {
            bits[pos] |= 1 << k;
        }
        for (i, node) in graph.iter().enumerate() {
            let inherited = node.parents.iter().fold(0, |acc, &p| acc | bits[p]);
            bits[i] |= inherited;
        }
        for tip in tips {
            let Some(&pos) = position_of.get(&tip.id) else {
                continue;
            };
            for (k, &wanted_pos) in chunk.iter().enumerate() {
                if bits[pos] & (1 << k) != 0 {
                    result.entry(wanted_pos).or_default().push(tip.name.clone());
                }
            }
        }
    }
    result
}
