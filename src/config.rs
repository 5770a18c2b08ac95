//! `.keysweep.toml`: a team's decisions about what is not a leak, kept with the code.
//!
//! Found at the root of the scanned directory or repository work tree, or named with
//! `--config`. Everything in it narrows a scan (allowlists, disabled rules, a confidence floor,
//! a size limit) or adds rules; nothing in it can make keysweep send data anywhere.
//!
//! ```toml
//! [allowlist]
//! paths = ["tests/fixtures/**", "**/*.lock"]   # globs over the path relative to the root
//! secrets = ['''^sk_test_''']                  # regexes over the secret
//! stopwords = ["dummy"]                        # a secret containing one of these is allowed
//!
//! [rules]
//! disable = ["generic.secret-assignment"]      # rule ids or id prefixes
//! extra = ["ci/keysweep-rules.toml"]           # rule files or directories, relative to this file
//! min_confidence = "medium"
//!
//! [scan]
//! max_file_size = "10M"
//! ```

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;
use serde::Deserialize;

use crate::rules::Confidence;

/// The file name looked for at the root of a scan.
pub const FILE_NAME: &str = ".keysweep.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    allowlist: AllowlistSection,
    #[serde(default)]
    rules: RulesSection,
    #[serde(default)]
    scan: ScanSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowlistSection {
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    secrets: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesSection {
    #[serde(default)]
    disable: Vec<String>,
    #[serde(default)]
    extra: Vec<PathBuf>,
    min_confidence: Option<Confidence>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScanSection {
    max_file_size: Option<String>,
}

/// A loaded, compiled configuration. The default allows nothing and changes nothing.
#[derive(Debug, Default)]
pub struct Config {
    /// Where it was read from, for messages.
    pub source: Option<PathBuf>,
    pub allowed_paths: Option<GlobSet>,
    /// Path regexes (imported gitleaks allowlists use regexes, not globs).
    pub allowed_path_regexes: Vec<Regex>,
    pub allowed_secrets: Vec<Regex>,
    pub stopwords: Vec<String>,
    pub disabled_rules: Vec<String>,
    /// Extra rule files, resolved against the config file's directory.
    pub extra_rules: Vec<PathBuf>,
    pub min_confidence: Option<Confidence>,
    pub max_file_size: Option<u64>,
}

impl Config {
    /// `explicit` if given (it must exist), else `root/.keysweep.toml` if present, else defaults.
    pub fn discover(explicit: Option<&Path>, root: &Path) -> Result<Config> {
        match explicit {
            Some(path) => Config::load(path),
            None => {
                let candidate = root.join(FILE_NAME);
                if root.is_dir() && candidate.is_file() {
                    Config::load(&candidate)
                } else {
                    Ok(Config::default())
                }
            }
        }
    }

    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading config {}", path.display()))?;
        Config::parse(&text, path).with_context(|| format!("in config {}", path.display()))
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let file: File = toml::from_str(text)?;
        let allowed_paths = if file.allowlist.paths.is_empty() {
            None
        } else {
            let mut builder = GlobSetBuilder::new();
            for glob in &file.allowlist.paths {
                builder
                    .add(Glob::new(glob).with_context(|| format!("allowlist path glob {glob:?}"))?);
            }
            Some(builder.build()?)
        };
        let allowed_secrets = file
            .allowlist
            .secrets
            .iter()
            .map(|r| Regex::new(r).with_context(|| format!("allowlist secret regex {r:?}")))
            .collect::<Result<_>>()?;
        let base = path.parent().unwrap_or(Path::new("."));
        let max_file_size = file
            .scan
            .max_file_size
            .as_deref()
            .map(|s| crate::cli::parse_size(s).map_err(anyhow::Error::msg))
            .transpose()?;
        Ok(Config {
            source: Some(path.to_path_buf()),
            allowed_paths,
            allowed_path_regexes: Vec::new(),
            allowed_secrets,
            stopwords: file
                .allowlist
                .stopwords
                .iter()
                .map(|w| w.to_ascii_lowercase())
                .collect(),
            disabled_rules: file.rules.disable,
            extra_rules: file.rules.extra.iter().map(|p| base.join(p)).collect(),
            min_confidence: file.rules.min_confidence,
            max_file_size,
        })
    }

    pub fn path_allowed(&self, path: &str) -> bool {
        self.allowed_paths
            .as_ref()
            .is_some_and(|set| set.is_match(path))
            || self.allowed_path_regexes.iter().any(|r| r.is_match(path))
    }

    /// Takes over an imported gitleaks config's global allowlist and disabled rules.
    pub fn absorb(&mut self, imported: &crate::rules::gitleaks::Imported) -> Result<()> {
        for r in &imported.path_regexes {
            self.allowed_path_regexes
                .push(Regex::new(r).with_context(|| format!("allowlist path regex {r:?}"))?);
        }
        for r in &imported.secret_regexes {
            self.allowed_secrets
                .push(Regex::new(r).with_context(|| format!("allowlist regex {r:?}"))?);
        }
        self.stopwords
            .extend(imported.stopwords.iter().map(|w| w.to_ascii_lowercase()));
        self.disabled_rules
            .extend(imported.disabled_rules.iter().cloned());
        Ok(())
    }

    pub fn secret_allowed(&self, secret: &str) -> bool {
        let lower = secret.to_ascii_lowercase();
        self.allowed_secrets.iter().any(|r| r.is_match(secret))
            || self.stopwords.iter().any(|w| lower.contains(w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_section() {
        let config = Config::parse(
            r#"
            [allowlist]
            paths = ["tests/fixtures/**", "**/*.lock"]
            secrets = ['''^sk_test_''']
            stopwords = ["DUMMY"]
            [rules]
            disable = ["generic"]
            extra = ["ci/rules.toml"]
            min_confidence = "medium"
            [scan]
            max_file_size = "10M"
            "#,
            Path::new("repo/.keysweep.toml"),
        )
        .unwrap();
        assert!(config.path_allowed("tests/fixtures/a/b.env"));
        assert!(config.path_allowed("web/package.lock"));
        assert!(!config.path_allowed("src/tests/fixtures.rs"));
        assert!(config.secret_allowed("sk_test_123") && config.secret_allowed("xdummyx"));
        assert!(!config.secret_allowed("sk_live_123"));
        assert_eq!(
            config.extra_rules,
            vec![PathBuf::from("repo/ci/rules.toml")]
        );
        assert_eq!(config.min_confidence, Some(Confidence::Medium));
        assert_eq!(config.max_file_size, Some(10 << 20));
    }

    #[test]
    fn unknown_keys_and_bad_patterns_are_errors() {
        assert!(Config::parse("[allowlist]\npath = []\n", Path::new("x")).is_err());
        assert!(Config::parse("[allowlist]\nsecrets = ['(']\n", Path::new("x")).is_err());
    }
}
