//! Shared helpers for integration tests: fake secrets, temp git repositories built with the
//! `git` CLI, and running the real `keysweep` binary.
#![allow(dead_code)] // each test binary uses a different subset

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use serde_json::Value;
use tempfile::TempDir;

/// Deterministic pseudo-random characters from `alphabet` (xorshift; fake secrets only).
pub fn random_chars(seed: u64, len: usize, alphabet: &[u8]) -> String {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            alphabet[(state % alphabet.len() as u64) as usize] as char
        })
        .collect()
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A fake GitHub classic PAT with a correct CRC32 checksum.
pub fn github_token(seed: u64) -> String {
    let random = random_chars(seed, 30, BASE62);
    let mut value = crc32fast::hash(random.as_bytes());
    let mut check = [b'0'; 6];
    for slot in check.iter_mut().rev() {
        *slot = BASE62[(value % 62) as usize];
        value /= 62;
    }
    format!("ghp_{random}{}", String::from_utf8(check.to_vec()).unwrap())
}

/// The same token with its last checksum digit changed: must never be reported.
pub fn github_token_bad_checksum(seed: u64) -> String {
    let mut token = github_token(seed).into_bytes();
    let last = token.len() - 1;
    token[last] = if token[last] == b'A' { b'B' } else { b'A' };
    String::from_utf8(token).unwrap()
}

/// A fake AWS access key id.
pub fn aws_key_id(seed: u64) -> String {
    format!(
        "AKIA{}",
        random_chars(seed, 16, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    )
}

/// A fake Stripe live secret key.
pub fn stripe_key(seed: u64) -> String {
    format!("sk_live_{}", random_chars(seed, 24, BASE62))
}

pub fn keysweep() -> Command {
    Command::new(env!("CARGO_BIN_EXE_keysweep"))
}

/// Runs keysweep with `args` plus `--format json`, returns the exit code and the report.
pub fn scan_json(args: &[&str]) -> (i32, Value, String) {
    let output = keysweep()
        .arg("scan")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); stderr: {stderr}"));
    (output.status.code().unwrap(), report, stderr)
}

/// `(rule_id, primary path, primary line)` of every finding, in report order.
pub fn summary(report: &Value) -> Vec<(String, String, u64)> {
    findings(report)
        .iter()
        .map(|f| {
            let o = &f["occurrences"][0];
            (
                f["rule_id"].as_str().unwrap().to_string(),
                o["path"].as_str().unwrap().to_string(),
                o["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

pub fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().expect("findings array")
}

/// The one finding whose secret is `secret`.
pub fn finding_with<'a>(report: &'a Value, secret: &str) -> &'a Value {
    let matching: Vec<&Value> = findings(report)
        .iter()
        .filter(|f| f["secret"] == secret)
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "expected exactly one finding for {secret}: {report:#}"
    );
    matching[0]
}

pub fn secrets(report: &Value) -> Vec<String> {
    let mut s: Vec<String> = findings(report)
        .iter()
        .map(|f| f["secret"].as_str().unwrap().to_string())
        .collect();
    s.sort();
    s
}

pub fn notices_matching(report: &Value, level: &str, needle: &str) -> usize {
    report["notices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["level"] == level && n["message"].as_str().unwrap().contains(needle))
        .count()
}

/// A scratch directory.
pub fn tree() -> TempDir {
    tempfile::tempdir().unwrap()
}

pub fn write(root: &Path, relative: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, content).unwrap();
    path
}

/// A git repository in a temp dir, driven by the git CLI with a fixed identity and no user or
/// system configuration.
pub struct Repo {
    root: PathBuf,
    _owned: Option<TempDir>,
    clock: std::cell::Cell<i64>,
}

impl Repo {
    pub fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repo::at(dir.path().to_path_buf());
        repo.git(&["init", "-q", "-b", "main"]);
        Repo {
            _owned: Some(dir),
            ..repo
        }
    }

    /// An existing repository (a clone the test made); whoever made it owns its directory.
    pub fn at(root: PathBuf) -> Repo {
        Repo {
            root,
            _owned: None,
            clock: std::cell::Cell::new(1_700_000_000),
        }
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    pub fn path_str(&self) -> &str {
        self.root.to_str().unwrap()
    }

    /// Runs git in the repository; panics on failure; returns trimmed stdout.
    pub fn git(&self, args: &[&str]) -> String {
        git_in(self.path(), args)
    }

    pub fn write(&self, relative: &str, content: impl AsRef<[u8]>) {
        write(self.path(), relative, content);
    }

    pub fn write_executable(&self, relative: &str, content: &str) {
        use std::os::unix::fs::PermissionsExt;
        let path = write(self.path(), relative, content);
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    /// Stages everything and commits; returns the commit id. Each commit is one minute later.
    pub fn commit(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        let time = self.clock.get() + 60;
        self.clock.set(time);
        let date = format!("@{time} +0000");
        let output = git_command(self.path())
            .args(["commit", "-q", "--allow-empty", "-m", message])
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "commit failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        self.git(&["rev-parse", "HEAD"])
    }
}

pub fn git_command(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Alice Example")
        .env("GIT_AUTHOR_EMAIL", "alice@example.com")
        .env("GIT_COMMITTER_NAME", "Alice Example")
        .env("GIT_COMMITTER_EMAIL", "alice@example.com")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE");
    cmd
}

/// Validates against the official SARIF 2.1.0 schema (OASIS), panicking with every error.
pub fn validate_sarif(sarif: &Value) {
    // The published schema's `language` patterns have a stray `]` that strict validators reject
    // as a regex; fix those patterns (keysweep never writes `language`) and keep the rest as is.
    const BROKEN: &str = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    let text = include_str!("../data/sarif-schema-2.1.0.json");
    assert!(
        text.matches(BROKEN).count() >= 2,
        "the schema's known erratum moved"
    );
    let schema: Value =
        serde_json::from_str(&text.replace(BROKEN, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#))
            .expect("schema is JSON");
    let validator = jsonschema::draft7::options()
        .with_pattern_options(jsonschema::PatternOptions::regex())
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
}

/// An empty bare repository in a temp dir: a stand-in for a hosted remote.
pub fn bare_remote() -> TempDir {
    let dir = tree();
    git_in(dir.path(), &["init", "-q", "--bare", "-b", "main", "."]);
    dir
}

/// Runs git in `dir`; panics with git's message on failure; returns trimmed stdout.
pub fn git_in(dir: &Path, args: &[&str]) -> String {
    let output = git_command(dir).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// Runs `cmd` with `input` on its standard input, capturing its output.
pub fn run_with_stdin(cmd: &mut Command, input: &str) -> Output {
    use std::io::Write;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}
