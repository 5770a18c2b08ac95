//! Where bytes come from: a directory tree ([`fs`]) or a git repository ([`git`]).
//!
//! Sources know nothing of rules: they hand out bytes with an origin, and say what they could
//! not read as [`Notice`](crate::model::Notice)s, so nothing is skipped silently.

pub mod fs;
pub mod git;
