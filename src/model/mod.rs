//! The types every stage shares, at the bottom of the pipeline (only the rule vocabulary of
//! [`crate::rules`] is below): findings and their occurrences, notices, the outcome of a scan.
//! Stages import from here; nothing here imports a stage.

mod finding;
mod notice;
mod outcome;

pub use finding::{
    CommitInfo, Finding, Hit, Location, Occurrence, Paired, SourceKind, Status, Validation,
};
pub use notice::{Level, Notice, NoticeKind};
pub use outcome::{ScanOutcome, Stats, Suppressed};
