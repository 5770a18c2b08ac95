//! Mirror clones in the cache: `git clone --mirror` the first time, `git fetch --prune` after.
//! Transport is the `git` CLI (credentials helpers, SSH, proxies as the user has them); the scan
//! itself never runs git.
//!
//! A clone is made under a temporary name and renamed into place, so a sweep killed mid-clone
//! leaves no half mirror behind. A forge token travels as an HTTP header through git's
//! environment (not its command line, which other users can read), and only to the forge's host.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use base64::Engine;

use crate::http_url::HttpUrl;

/// Credentials for one host: clones from elsewhere get none.
#[derive(Clone)]
pub struct HostToken {
    pub host: String,
    /// Sent as HTTP basic auth: GitHub takes `x-access-token`, GitLab `oauth2`.
    pub user: String,
    pub token: String,
}

/// The mirror of `url` in `cache`, cloned or brought up to date.
pub fn mirror(url: &str, name: &str, cache: &Path, tokens: &[HostToken]) -> Result<PathBuf> {
    let dest = cached_path(name, cache);
    let token = tokens
        .iter()
        .find(|t| host_of(url) == Some(t.host.as_str()));
    if dest.join("HEAD").is_file() {
        git(token)
            .arg("--git-dir")
            .arg(&dest)
            .args(["fetch", "--prune", "--quiet", "origin"])
            .run()
            .with_context(|| format!("fetching {url}"))?;
        return Ok(dest);
    }
    let parent = dest.parent().unwrap_or(cache);
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let partial = dest.with_extension("git.partial");
    if partial.exists() {
        std::fs::remove_dir_all(&partial)
            .with_context(|| format!("removing a partial clone {}", partial.display()))?;
    }
    git(token)
        .args(["clone", "--mirror", "--quiet", "--", url])
        .arg(&partial)
        .run()
        .with_context(|| format!("cloning {url}"))?;
    std::fs::rename(&partial, &dest).with_context(|| format!("moving into {}", dest.display()))?;
    Ok(dest)
}

/// Where the mirror of the repository `name` lives in `cache`.
pub fn cached_path(name: &str, cache: &Path) -> PathBuf {
    cache.join(format!("{}.git", safe_relative(name)))
}

/// `host[:port]` of an http(s) URL, without user info; `None` for other URLs and for ones
/// whose host readers could disagree on, so a token never goes to a host it was not meant for.
pub fn host_of(url: &str) -> Option<&str> {
    HttpUrl::parse(url).map(|u| u.host_port())
}

/// A repository name as a relative path: no `..`, no absolute root, no empty parts.
fn safe_relative(name: &str) -> String {
    let parts: Vec<String> = name
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .map(|p| p.replace(':', "_"))
        .collect();
    if parts.is_empty() {
        "_".to_string()
    } else {
        parts.join("/")
    }
}

trait Run {
    fn run(&mut self) -> Result<()>;
}

impl Run for Command {
    fn run(&mut self) -> Result<()> {
        let output = self.output().context("running git (is it installed?)")?;
        anyhow::ensure!(
            output.status.success(),
            "git: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
        Ok(())
    }
}

/// `git` that never prompts, gives up on a stalled transfer, and carries `token` if any.
fn git(token: Option<&HostToken>) -> Command {
    let mut command = Command::new("git");
    command
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GCM_INTERACTIVE", "never")
        .args([
            "-c",
            "http.lowSpeedLimit=1000",
            "-c",
            "http.lowSpeedTime=120",
        ]);
    if let Some(token) = token {
        let basic = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", token.user, token.token));
        command
            .env("GIT_CONFIG_COUNT", "1")
            .env("GIT_CONFIG_KEY_0", "http.extraHeader")
            .env(
                "GIT_CONFIG_VALUE_0",
                format!("Authorization: Basic {basic}"),
            );
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_safe_relative_paths() {
        assert_eq!(safe_relative("github.com/acme/api"), "github.com/acme/api");
        assert_eq!(safe_relative("/../../etc/passwd"), "etc/passwd");
        assert_eq!(safe_relative("127.0.0.1:8080/a/b"), "127.0.0.1_8080/a/b");
    }

    #[test]
    fn tokens_go_to_their_host_only() {
        assert_eq!(
            host_of("https://github.com/acme/api.git"),
            Some("github.com")
        );
        assert_eq!(
            host_of("https://x@gitlab.example/g/p.git"),
            Some("gitlab.example")
        );
        assert_eq!(host_of("git@github.com:acme/api.git"), None);
        assert_eq!(host_of("file:///srv/x.git"), None);
        assert_eq!(host_of("https://x@evil.example@github.com/a/b.git"), None);
        assert_eq!(host_of("https://github.com\\@evil.example/a/b.git"), None);
        assert_eq!(
            host_of("http://127.0.0.1:8080/a/b.git"),
            Some("127.0.0.1:8080")
        );
    }
}
