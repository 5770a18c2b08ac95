//! What a stage could not do, or wants the user to know: reported, never dropped silently.

use serde::Serialize;

use crate::word_enum::word_enum;

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

word_enum! {
    /// What a notice is about, so a consumer of the JSON or SARIF report can select notices
    /// without reading their messages.
    pub enum NoticeKind("notice kind") {
        /// Bytes that could not be read: a file, a blob, a pack, a ref, HEAD's tree.
        Unreadable = "unreadable",
        /// Input over `--max-file-size`, not scanned.
        TooLarge = "too-large",
        /// A decoding or archive limit reached, or an archive that could not be opened.
        Decoding = "decoding",
        /// Left out on purpose, as git leaves it out: submodules, nested repositories, symbolic
        /// links, special files, Git LFS content, history beyond a shallow clone.
        NotScanned = "not-scanned",
        /// What part of a repository was scanned (a subdirectory, HEAD's branch).
        Scope = "scope",
        /// A configuration or CODEOWNERS file, and which one applied.
        Configuration = "configuration",
        /// Findings the allowlists removed.
        Allowlist = "allowlist",
        /// Baseline entries that matched nothing.
        Baseline = "baseline",
        /// The report itself (cut to fit a size limit).
        Report = "report",
        /// The run could not start or finish (the Action's event or checkout, say).
        Failed = "failed",
        /// Read from a sweep store written before notices had kinds.
        Other = "other",
    }
}

/// Something a stage could not do, or wants the user to know.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Notice {
    /// Whether the scan is incomplete (an error) or only informed (a warning, a note).
    pub level: Level,
    /// What it is about: a path, an object id, or the repository.
    pub subject: String,
    /// What happened, for a person (never bytes of a scanned file).
    pub message: String,
    /// What it is about, for a program selecting notices.
    pub kind: NoticeKind,
}

impl Notice {
    /// A notice of `level`.
    pub fn new(
        level: Level,
        kind: NoticeKind,
        subject: impl Into<String>,
        message: impl Into<String>,
    ) -> Notice {
        Notice {
            level,
            subject: subject.into(),
            message: message.into(),
            kind,
        }
    }

    /// Part of the input was not read: the scan is incomplete.
    pub fn error(
        kind: NoticeKind,
        subject: impl Into<String>,
        message: impl Into<String>,
    ) -> Notice {
        Notice::new(Level::Error, kind, subject, message)
    }

    /// Something the user should look at; the scan is complete.
    pub fn warning(
        kind: NoticeKind,
        subject: impl Into<String>,
        message: impl Into<String>,
    ) -> Notice {
        Notice::new(Level::Warning, kind, subject, message)
    }

    /// For information.
    pub fn note(
        kind: NoticeKind,
        subject: impl Into<String>,
        message: impl Into<String>,
    ) -> Notice {
        Notice::new(Level::Note, kind, subject, message)
    }
}
