//! `.keysweep.toml`: a team's decisions about what is not a leak, kept with the code.
//!
//! Found at the root of the scanned directory or repository work tree, or named with
//! `--config`. Everything in it narrows a scan (allowlists, disabled rules, a confidence floor,
//! a size limit) or adds rules; nothing in it can make keysweep send data anywhere.
//!
//! The file and the rule files it names come from the scanned repository, so they are read only
//! from inside it (see [`crate::untrusted`]): `extra` takes relative paths without `..`, and
//! a symbolic link leaving the directory, a FIFO or a device is an error, not a read.
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
use crate::untrusted::{self, Confined};

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
    allowed_paths: Option<GlobSet>,
    /// Path regexes (imported gitleaks allowlists use regexes, not globs).
    pub allowed_path_regexes: Vec<Regex>,
    allowed_secrets: Vec<Regex>,
    stopwords: Vec<String>,
    /// `[rules] disable`: rule ids or dotted id prefixes to drop (imported gitleaks
    /// `disabledRules` too).
    pub disabled_rules: Vec<String>,
    /// Extra rule files or directories as written, relative to the config file's directory.
    pub extra_rules: Vec<PathBuf>,
    /// Those rule files, read (see [`Config::read_rule_files`]).
    pub rule_files: Vec<RuleText>,
    /// `[rules] min_confidence`: rules below it are dropped.
    pub min_confidence: Option<Confidence>,
    /// `[scan] max_file_size` in bytes; `--max-file-size` wins over it.
    pub max_file_size: Option<u64>,
}

/// A rule file a configuration names, read from where the configuration came from.
#[derive(Debug, Clone)]
pub struct RuleText {
    /// Where it was read from, for messages and rule origins.
    pub origin: String,
    pub(crate) text: String,
}

/// Where a configuration's own files are read from: a directory of the scanned repository, or
/// a commit's tree (a pull request scanned under its base's configuration).
pub trait Files {
    /// The text of the file at `relative`, read under [`crate::untrusted`]'s rules.
    fn read(&self, relative: &Path) -> Result<String>;
    /// The `*.toml` files of directory `relative`, or `None` when it is not a directory.
    fn toml_files(&self, relative: &Path) -> Result<Option<Vec<PathBuf>>>;
    /// How `relative` is named in messages.
    fn origin(&self, relative: &Path) -> String;
}

impl Files for Confined {
    fn read(&self, relative: &Path) -> Result<String> {
        Confined::read(self, relative)
    }

    fn toml_files(&self, relative: &Path) -> Result<Option<Vec<PathBuf>>> {
        Confined::toml_files(self, relative)
    }

    fn origin(&self, relative: &Path) -> String {
        self.root().join(relative).display().to_string()
    }
}

impl Config {
    /// `explicit` if given (it must exist), else `root/.keysweep.toml` if present, else defaults.
    /// The rule files it names are read too, from inside the config file's directory.
    pub fn discover(explicit: Option<&Path>, root: &Path) -> Result<Config> {
        match explicit {
            Some(path) => {
                let text = untrusted::read_capped(path)?;
                let dir = match path.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                };
                let mut config = Config::parse(&text, path)?;
                config.read_rule_files(&Confined::new(dir)?)?;
                Ok(config)
            }
            None => {
                let candidate = root.join(FILE_NAME);
                if !root.is_dir() || candidate.symlink_metadata().is_err() {
                    return Ok(Config::default());
                }
                let files = Confined::new(root)?;
                Config::from_files(&files, Path::new(FILE_NAME))
                    .with_context(|| format!("in config {}", candidate.display()))
            }
        }
    }

    /// The configuration at `relative` of `files`, with the rule files it names.
    pub fn from_files(files: &dyn Files, relative: &Path) -> Result<Config> {
        let text = files.read(relative)?;
        let mut config = Config::parse(&text, Path::new(&files.origin(relative)))?;
        config.read_rule_files(files)?;
        Ok(config)
    }

    /// Parses a configuration's text; its rule files are not read yet.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let shown = path.display();
        let file: File = toml::from_str(text).map_err(|e| {
            anyhow::anyhow!("in config {shown}: {}", untrusted::toml_error(&e, text))
        })?;
        let allowed_paths = if file.allowlist.paths.is_empty() {
            None
        } else {
            let mut builder = GlobSetBuilder::new();
            for (i, glob) in file.allowlist.paths.iter().enumerate() {
                let glob = Glob::new(glob).map_err(|e| {
                    anyhow::anyhow!(
                        "in config {shown}: allowlist path glob #{}: {}",
                        i + 1,
                        e.kind()
                    )
                })?;
                builder.add(glob);
            }
            Some(builder.build()?)
        };
        let allowed_secrets = file
            .allowlist
            .secrets
            .iter()
            .enumerate()
            .map(|(i, r)| {
                Regex::new(r).map_err(|e| {
                    anyhow::anyhow!(
                        "in config {shown}: allowlist secret regex #{}: {}",
                        i + 1,
                        untrusted::regex_error(&e)
                    )
                })
            })
            .collect::<Result<_>>()?;
        let max_file_size = file
            .scan
            .max_file_size
            .as_deref()
            .map(|s| {
                parse_size(s).map_err(|_| {
                    anyhow::anyhow!(
                        "in config {shown}: [scan] max_file_size is not a size like 10M"
                    )
                })
            })
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
            extra_rules: file.rules.extra,
            rule_files: Vec::new(),
            min_confidence: file.rules.min_confidence,
            max_file_size,
        })
    }

    /// Reads the `[rules] extra` files (a directory brings its `*.toml` files) from `files`.
    pub fn read_rule_files(&mut self, files: &dyn Files) -> Result<()> {
        for extra in &self.extra_rules {
            let paths = match files.toml_files(extra)? {
                Some(paths) => paths,
                None => vec![extra.clone()],
            };
            for path in paths {
                let text = files
                    .read(&path)
                    .with_context(|| format!("[rules] extra {}", path.display()))?;
                self.rule_files.push(RuleText {
                    origin: files.origin(&path),
                    text,
                });
            }
        }
        Ok(())
    }

    /// Whether an allowlist glob or path regex matches `path` (relative to the scanned root).
    pub fn path_allowed(&self, path: &str) -> bool {
        self.allowed_paths
            .as_ref()
            .is_some_and(|set| set.is_match(path))
            || self.allowed_path_regexes.iter().any(|r| r.is_match(path))
    }

    /// Takes over an imported gitleaks config's global allowlist and disabled rules.
    pub fn absorb(&mut self, imported: &crate::rules::gitleaks::Imported) -> Result<()> {
        let compile = |what: &str, i: usize, r: &String| {
            Regex::new(r)
                .map_err(|e| anyhow::anyhow!("{what} #{}: {}", i + 1, untrusted::regex_error(&e)))
        };
        for (i, r) in imported.path_regexes.iter().enumerate() {
            self.allowed_path_regexes
                .push(compile("allowlist path regex", i, r)?);
        }
        for (i, r) in imported.secret_regexes.iter().enumerate() {
            self.allowed_secrets.push(compile("allowlist regex", i, r)?);
        }
        self.stopwords
            .extend(imported.stopwords.iter().map(|w| w.to_ascii_lowercase()));
        self.disabled_rules
            .extend(imported.disabled_rules.iter().cloned());
        Ok(())
    }

    /// Whether an allowlist regex matches `secret` or it contains a stopword (ignoring ASCII
    /// case).
    pub fn secret_allowed(&self, secret: &str) -> bool {
        let lower = secret.to_ascii_lowercase();
        self.allowed_secrets.iter().any(|r| r.is_match(secret))
            || self.stopwords.iter().any(|w| lower.contains(w))
    }
}

/// `1024`, `10K`, `25M`, `1G` (binary multiples).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, multiplier) = match text.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m = match c.to_ascii_uppercase() {
                'K' => 1u64 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                _ => return Err(format!("unknown size suffix {c:?} (use K, M or G)")),
            };
            (&text[..i], m)
        }
        _ => (text, 1),
    };
    let value: u64 = digits
        .parse()
        .map_err(|_| format!("not a size: {text:?}"))?;
    value
        .checked_mul(multiplier)
        .ok_or_else(|| format!("size too large: {text:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sizes() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("10K"), Ok(10 * 1024));
        assert_eq!(parse_size("25m"), Ok(25 << 20));
        assert!(parse_size("3X").is_err());
        assert!(parse_size("M").is_err());
    }

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
        assert_eq!(config.extra_rules, vec![PathBuf::from("ci/rules.toml")]);
        assert_eq!(config.min_confidence, Some(Confidence::Medium));
        assert_eq!(config.max_file_size, Some(10 << 20));
    }

    #[test]
    fn unknown_keys_and_bad_patterns_are_errors() {
        assert!(Config::parse("[allowlist]\npath = []\n", Path::new("x")).is_err());
        assert!(Config::parse("[allowlist]\nsecrets = ['(']\n", Path::new("x")).is_err());
    }
}
