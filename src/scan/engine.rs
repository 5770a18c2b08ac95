//! The engine every source shares: the size gate, the decoding stage and the matcher over
//! bytes, with the counters behind the summary line.

use std::sync::{
    Mutex,
    atomic::{AtomicU64, Ordering},
};

use gix::objs::Kind;
use indicatif::ProgressBar;
use rayon::prelude::*;

use super::ScanOptions;
use crate::decode;
use crate::matcher::Matcher;
use crate::model::{Hit, Notice, NoticeKind, Stats};
use crate::source::fs;

/// What has been scanned so far, counted from every thread.
#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) files: AtomicU64,
    pub(crate) blobs: AtomicU64,
    pub(crate) messages: AtomicU64,
    pub(crate) bytes: AtomicU64,
    pub(crate) skipped_binary: AtomicU64,
    pub(crate) skipped_too_large: AtomicU64,
    pub(crate) lfs_pointers: AtomicU64,
}

impl Counters {
    pub(crate) fn snapshot(&self) -> Stats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Stats {
            files: get(&self.files),
            blobs: get(&self.blobs),
            messages: get(&self.messages),
            bytes: get(&self.bytes),
            skipped_binary: get(&self.skipped_binary),
            skipped_too_large: get(&self.skipped_too_large),
            lfs_pointers: get(&self.lfs_pointers),
        }
    }
}

/// The shared state of one scan, and what every source scans its bytes with: the size gate,
/// the decoding stage, the matcher, the counters behind the summary line.
pub struct Scanner<'a> {
    matcher: &'a Matcher<'a>,
    pub(crate) options: &'a ScanOptions,
    pub(crate) counters: Counters,
    progress: ProgressBar,
    /// Files and blobs skipped for their size, and decoding limits reached, each listed so
    /// nothing is dropped silently.
    skipped: Mutex<Vec<Notice>>,
}

impl<'a> Scanner<'a> {
    /// A scanner drawing progress on `progress` (hidden for none).
    pub fn new(matcher: &'a Matcher<'a>, options: &'a ScanOptions, progress: ProgressBar) -> Self {
        Scanner {
            matcher,
            options,
            counters: Counters::default(),
            progress,
            skipped: Mutex::new(Vec::new()),
        }
    }

    /// The size gate for every source: over `--max-file-size`, counted and listed under
    /// `subject` (a path or a blob id). `true` when the bytes may be scanned.
    pub fn within_size(&self, size: u64, subject: impl FnOnce() -> String) -> bool {
        let limit = self.options.max_file_size;
        if size <= limit {
            return true;
        }
        self.counters
            .skipped_too_large
            .fetch_add(1, Ordering::Relaxed);
        self.skipped.lock().unwrap().push(Notice::warning(
            NoticeKind::TooLarge,
            subject(),
            format!("skipped: {size} bytes is over --max-file-size {limit}"),
        ));
        false
    }

    /// The size gate, then the decoding stage (archives, UTF-16, the binary gate, the matcher
    /// over text and what it decodes to). `None` when the bytes were skipped.
    pub fn scan_bytes(&self, bytes: &[u8], subject: impl Fn() -> String) -> Option<Vec<Hit>> {
        if !self.within_size(bytes.len() as u64, &subject) {
            return None;
        }
        let Some(outcome) = decode::scan(
            self.matcher,
            bytes,
            &self.options.decode,
            self.options.include_binary,
        ) else {
            self.counters.skipped_binary.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        if !outcome.notes.is_empty() {
            let subject = subject();
            self.skipped.lock().unwrap().extend(
                outcome
                    .notes
                    .into_iter()
                    .map(|note| Notice::warning(NoticeKind::Decoding, &subject, note)),
            );
        }
        self.counters
            .bytes
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        self.progress.inc(bytes.len() as u64);
        Some(outcome.hits)
    }

    /// Scans a commit's or a tag's `message` (the text after its headers, see
    /// [`crate::source::git::message_of`]); `None` without hits.
    pub fn scan_message(&self, id: &gix::oid, kind: Kind, message: &[u8]) -> Option<Vec<Hit>> {
        self.counters.messages.fetch_add(1, Ordering::Relaxed);
        let hits = self.scan_bytes(message, || format!("{kind} {id} message"))?;
        (!hits.is_empty()).then_some(hits)
    }

    /// Scans files from a walk; returns (relative path, hits) for files with hits.
    pub fn scan_files(
        &self,
        files: &[fs::FileEntry],
        notices: &Mutex<Vec<Notice>>,
    ) -> Vec<(String, Vec<Hit>)> {
        // Each thread reads into one buffer it keeps: a fresh allocation per file would cost
        // a page fault per 4 KiB, which made reading large files several times dearer.
        let mut results: Vec<(String, Vec<Hit>)> = files
            .par_iter()
            .map_init(Vec::new, |buffer, file| {
                // Checked before reading, so a huge file is never read at all.
                if !self.within_size(file.size, || file.relative.clone()) {
                    return None;
                }
                if let Err(e) = fs::read_into(&file.path, self.options.max_file_size, buffer) {
                    notices.lock().unwrap().push(Notice::error(
                        NoticeKind::Unreadable,
                        &file.relative,
                        format!("cannot read: {e}"),
                    ));
                    return None;
                }
                // Counted once read: a file that could not be read was not scanned.
                self.counters.files.fetch_add(1, Ordering::Relaxed);
                let hits = self.scan_bytes(buffer, || file.relative.clone())?;
                (!hits.is_empty()).then(|| (file.relative.clone(), hits))
            })
            .flatten()
            .collect();
        results.sort_by(|a, b| a.0.cmp(&b.0));
        results
    }

    /// Counts one file read (a source that reads files itself calls this once per file).
    pub fn count_file(&self) {
        self.counters.files.fetch_add(1, Ordering::Relaxed);
    }

    /// What was scanned, and the notices of skipped bytes: the scan is over.
    pub fn finish(self) -> (Stats, Vec<Notice>) {
        self.progress.finish_and_clear();
        (self.counters.snapshot(), self.skipped.into_inner().unwrap())
    }
}
