//! What a stage could not do, or wants the user to know: reported, never dropped silently.

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
