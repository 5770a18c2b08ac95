//! Standard input as a source (`keysweep scan -`): its bytes, read once, scanned as one file
//! named `<stdin>`.

use std::io::Read;

use anyhow::Result;

use super::{Scanner, Scope, Source};
use crate::finding::FindingSet;
use crate::model::{Notice, NoticeKind, Occurrence, SourceKind};
use crate::rules::RuleSet;

/// How an occurrence on standard input is named in reports.
pub const NAME: &str = "<stdin>";

/// Standard input; only a whole-input scope makes sense for it.
pub struct Stdin;

impl Stdin {
    /// Refuses the history and range scopes: standard input has no history.
    pub fn new(scope: &Scope) -> Result<Stdin> {
        anyhow::ensure!(
            matches!(scope, Scope::Everything | Scope::WorkTree),
            "standard input is not a git repository (history and range options need one)"
        );
        Ok(Stdin)
    }
}

impl Source for Stdin {
    fn is_repository(&self) -> bool {
        false
    }

    fn scan(
        &self,
        scanner: &Scanner,
        rules: &RuleSet,
        findings: &mut FindingSet,
        notices: &mut Vec<Notice>,
    ) -> Result<()> {
        // One byte past the limit tells an input over it from one exactly at it, without
        // holding more than the limit in memory.
        let limit = scanner.options.max_file_size;
        let mut bytes = Vec::new();
        let read = std::io::stdin()
            .lock()
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes);
        if let Err(e) = read {
            notices.push(Notice::error(
                NoticeKind::Unreadable,
                NAME,
                format!("cannot read: {e}"),
            ));
            return Ok(());
        }
        if bytes.len() as u64 > limit {
            // Not a silent cut: the notice makes the run an error unless `--ignore-errors`.
            notices.push(Notice::error(
                NoticeKind::TooLarge,
                NAME,
                format!("over --max-file-size {limit}: raise it to scan this input"),
            ));
            return Ok(());
        }
        scanner.count_file();
        for hit in scanner
            .scan_bytes(&bytes, || NAME.to_string())
            .unwrap_or_default()
        {
            findings.add(
                rules,
                &hit,
                Occurrence::new(NAME.to_string(), &hit, SourceKind::File, None),
            );
        }
        Ok(())
    }
}
