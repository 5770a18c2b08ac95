//! Where bytes come from: a directory tree ([`fs`]) or a git repository ([`git`]).
//!
//! Sources know nothing of rules: they hand out bytes with an origin, and say what they could
//! not read as [`Notice`]s, so nothing is skipped silently.

pub mod fs;
pub mod git;

use serde::Serialize;

/// How much a notice matters. Errors make the scan incomplete (exit code 2 unless the user
/// accepts that with `--ignore-errors`); warnings and notes are reported and change nothing.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Note,
}

/// Something a source could not do, or wants the user to know.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Notice {
    pub level: Level,
    /// What it is about: a path, an object id, or the repository.
    pub subject: String,
    pub message: String,
}

impl Notice {
    pub fn error(subject: impl Into<String>, message: impl Into<String>) -> Notice {
        Notice {
            level: Level::Error,
            subject: subject.into(),
            message: message.into(),
        }
    }

    pub fn warning(subject: impl Into<String>, message: impl Into<String>) -> Notice {
        Notice {
            level: Level::Warning,
            subject: subject.into(),
            message: message.into(),
        }
    }

    pub fn note(subject: impl Into<String>, message: impl Into<String>) -> Notice {
        Notice {
            level: Level::Note,
            subject: subject.into(),
            message: message.into(),
        }
    }
}

/// Git's own heuristic: a NUL byte in the first 8 KiB means binary.
pub fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8000)]).is_some()
}
