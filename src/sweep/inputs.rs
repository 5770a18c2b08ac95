//! Which repositories a sweep takes: clone URLs and local paths (given, or from a file), the
//! repositories under a directory, and a forge's listing; each named stably, deduplicated, and
//! narrowed to one shard.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

/// One repository to sweep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Stable identity: `host/owner/name` for a URL, the absolute path for a local repository.
    pub name: String,
    /// What to clone, or the local path.
    pub url: String,
    /// Scanned in place (a local repository) rather than mirrored.
    pub local: Option<PathBuf>,
}

/// A clone URL or a local path. A local path is scanned in place; `host:path` and `scheme://`
/// are clone URLs.
pub fn target(spec: &str) -> Result<Target> {
    let path = Path::new(spec);
    if path.is_dir() {
        let absolute =
            std::fs::canonicalize(path).with_context(|| format!("resolving {}", path.display()))?;
        let name = absolute.display().to_string();
        return Ok(Target {
            name: name.clone(),
            url: name,
            local: Some(absolute),
        });
    }
    if !spec.contains("://") && !spec.contains(':') {
        // A path that is not there (yet): swept as a repository that cannot be opened, so the
        // report says so and the rest of the list is still swept.
        let absolute = std::path::absolute(path).with_context(|| format!("resolving {spec}"))?;
        let name = absolute.display().to_string();
        return Ok(Target {
            name: name.clone(),
            url: name,
            local: Some(absolute),
        });
    }
    Ok(Target {
        name: name_of_url(spec),
        url: spec.to_string(),
        local: None,
    })
}

/// Targets from a file: one URL or path per line; blank lines and `#` comments skipped.
/// Relative paths are relative to the file.
pub fn from_file(file: &Path) -> Result<Vec<Target>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let base = file.parent().unwrap_or(Path::new("."));
    text.lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|line| !line.is_empty())
        .map(|line| {
            let spec = if line.contains("://") || line.contains(':') {
                line.to_string()
            } else {
                base.join(line).to_string_lossy().into_owned()
            };
            target(&spec).with_context(|| format!("in {}", file.display()))
        })
        .collect()
}

/// Every git repository directly under `dir` (a bare repository or a work tree).
pub fn from_dir(dir: &Path) -> Result<Vec<Target>> {
    let mut targets = Vec::new();
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        let is_repo = path.join(".git").exists()
            || (path.join("HEAD").is_file() && path.join("objects").is_dir());
        if path.is_dir() && is_repo {
            targets.push(target(&path.to_string_lossy())?);
        }
    }
    anyhow::ensure!(
        !targets.is_empty(),
        "{} holds no git repository",
        dir.display()
    );
    Ok(targets)
}

/// `https://user@github.com/acme/api.git`, `git@github.com:acme/api.git` and
/// `ssh://git@github.com/acme/api` are all `github.com/acme/api`; `file:///srv/x.git` is
/// `/srv/x`.
pub fn name_of_url(url: &str) -> String {
    let rest = match url.split_once("://") {
        Some((_, rest)) => rest.to_string(),
        // scp-like `user@host:path`
        None => url.replacen(':', "/", 1),
    };
    let rest = match rest.split_once('/') {
        Some((authority, path)) => {
            let host = authority.rsplit('@').next().unwrap_or(authority);
            format!("{host}/{path}")
        }
        None => rest,
    };
    let rest = rest.trim_end_matches('/');
    rest.strip_suffix(".git").unwrap_or(rest).to_string()
}

/// Sorts by name and drops repeats.
pub fn dedup(mut targets: Vec<Target>) -> Vec<Target> {
    targets.sort_by(|a, b| a.name.cmp(&b.name));
    targets.dedup_by(|a, b| a.name == b.name);
    targets
}

/// Shard `index` of `count`: a stable hash of each name, so every worker agrees on the split
/// whatever order it listed the repositories in.
pub fn shard(targets: Vec<Target>, index: usize, count: usize) -> Vec<Target> {
    targets
        .into_iter()
        .filter(|t| shard_of(&t.name, count) == index)
        .collect()
}

fn shard_of(name: &str, count: usize) -> usize {
    let digest = Sha256::digest(name.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % count as u64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_urls_of_every_form_alike() {
        for url in [
            "https://github.com/acme/api.git",
            "https://token@github.com/acme/api",
            "git@github.com:acme/api.git",
            "ssh://git@github.com/acme/api/",
        ] {
            assert_eq!(name_of_url(url), "github.com/acme/api", "{url}");
        }
        assert_eq!(name_of_url("file:///srv/git/x.git"), "/srv/git/x");
    }

    #[test]
    fn shards_partition_the_list() {
        let targets: Vec<Target> = (0..100)
            .map(|i| Target {
                name: format!("github.com/acme/repo{i}"),
                url: String::new(),
                local: None,
            })
            .collect();
        let shards: Vec<Vec<Target>> = (0..3).map(|i| shard(targets.clone(), i, 3)).collect();
        assert_eq!(shards.iter().map(Vec::len).sum::<usize>(), 100);
        assert!(shards.iter().all(|s| s.len() > 15), "a lopsided split");
        for t in &targets {
            assert_eq!(shards.iter().filter(|s| s.contains(t)).count(), 1);
        }
    }
}
