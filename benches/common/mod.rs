//! The benchmarks' input: the Rust sources of this project's dependencies in the cargo registry
//! (real code with few secrets, present on any machine that built keysweep), capped at 32 MiB.

use std::path::{Path, PathBuf};

use keysweep::decode;
use keysweep::matcher::Matcher;

const CORPUS_LIMIT: usize = 32 << 20;

/// The sources, one buffer per file (as a scan sees them), in path order.
pub fn registry_files() -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    collect_rs(&cargo_home().join("registry").join("src"), &mut files);
    files.sort();
    let (mut out, mut total) = (Vec::new(), 0);
    for file in files {
        if total >= CORPUS_LIMIT {
            break;
        }
        if let Ok(bytes) = std::fs::read(&file) {
            total += bytes.len();
            out.push(bytes);
        }
    }
    assert!(
        total > 1 << 20,
        "expected the cargo registry sources to hold over 1 MiB of Rust"
    );
    out
}

/// The decoding stage off, as `--max-decode-depth 0 --no-archives` sets it.
pub fn decoding_off() -> decode::Limits {
    decode::Limits {
        max_depth: 0,
        archives: false,
        ..decode::Limits::default()
    }
}

/// The whole per-file path a scan takes, file by file; the number of hits.
pub fn scan_file_by_file(matcher: &Matcher, files: &[Vec<u8>], limits: &decode::Limits) -> usize {
    files
        .iter()
        .filter_map(|f| decode::scan(matcher, f, limits, false))
        .map(|o| o.hits.len())
        .sum()
}

fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .expect("CARGO_HOME or HOME")
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_rs(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}
