//! What a stage could not do, or wants the user to know: reported, never dropped silently.

use serde::Serialize;

/// How much a notice matters. Errors make the scan incomplete (exit code 2 unless the user
/// accepts that with `--ignore-errors`); warnings and notes are reported and change nothing.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Part of the input could not be read or checked: the result is incomplete.
    Error,
    /// Something left out that the user may want to know: a file over the size limit, a
    /// decoding limit reached, what allowlists suppressed.
    Warning,
    /// For information: symbolic links not followed, nested repositories not entered, baseline
    /// entries that match nothing any more.
    Note,
}

/// Something a source could not do, or wants the user to know.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Notice {
    pub(crate) level: Level,
    /// What it is about: a path, an object id, or the repository.
    pub subject: String,
    pub(crate) message: String,
}

impl Notice {
    /// An [`Level::Error`] notice about `subject`.
    pub fn error(subject: impl Into<String>, message: impl Into<String>) -> Notice {
        Notice {
            level: Level::Error,
            subject: subject.into(),
            message: message.into(),
        }
    }

    /// A [`Level::Warning`] notice about `subject`.
    pub fn warning(subject: impl Into<String>, message: impl Into<String>) -> Notice {
        Notice {
            level: Level::Warning,
            subject: subject.into(),
            message: message.into(),
        }
    }

    /// A [`Level::Note`] notice about `subject`.
    pub fn note(subject: impl Into<String>, message: impl Into<String>) -> Notice {
        Notice {
            level: Level::Note,
            subject: subject.into(),
            message: message.into(),
        }
    }
}
