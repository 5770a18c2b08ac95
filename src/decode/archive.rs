//! Archives opened in memory: zip (and jar, whl, nupkg, which are zips), tar, and gzip (so
//! tar.gz and tgz too). Every entry read is charged to a budget of inflated bytes; entries that
//! would exceed it, that inflate suspiciously (a zip bomb), or that exceed the entry count are
//! skipped with a note, and the rest of the archive is still read.
//!
//! The budget holds for the whole process too: a file takes its budget from a shared pool of
//! [`POOL_BYTES`] the first time it opens an archive, waiting while other threads hold the pool,
//! so `-j8` over eight lying gzips holds at most the pool, not eight budgets.

use std::io::{Cursor, Read};
use std::sync::{Condvar, Mutex};

use super::Limits;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Zip,
    Gzip,
    Tar,
}

/// The archive format, by its magic bytes.
pub fn kind(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(b"PK\x03\x04") {
        Some(Kind::Zip)
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        Some(Kind::Gzip)
    } else if bytes.get(257..262) == Some(b"ustar") {
        Some(Kind::Tar)
    } else {
        None
    }
}

/// One file inside an archive. `path` is empty for a gzip stream (it has one file, unnamed).
pub struct Entry {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Inflated bytes every thread together may hold.
pub const POOL_BYTES: u64 = 512 << 20;

/// Bytes of [`POOL_BYTES`] reserved now, and the threads waiting for some.
static POOL: (Mutex<u64>, Condvar) = (Mutex::new(0), Condvar::new());

/// Inflated bytes still allowed for one top-level file, shared by every nesting level.
pub struct Budget {
    pub remaining: u64,
    reserved: u64,
}

impl Budget {
    /// A budget of `bytes`, taken from the pool only when an archive is first opened: files
    /// without archives never wait.
    pub fn new(bytes: u64) -> Budget {
        Budget {
            remaining: bytes,
            reserved: 0,
        }
    }

    /// Each file reserves once and never while holding a reservation, so no thread waits
    /// on another that waits too; one file alone may always proceed.
    fn reserve(&mut self) {
        if self.reserved > 0 || self.remaining == 0 {
            return;
        }
        let want = self.remaining.min(POOL_BYTES);
        let (lock, freed) = &POOL;
        let mut in_use = lock.lock().unwrap_or_else(|e| e.into_inner());
        while *in_use > 0 && *in_use + want > POOL_BYTES {
            in_use = freed.wait(in_use).unwrap_or_else(|e| e.into_inner());
        }
        *in_use += want;
        self.reserved = want;
        self.remaining = want;
    }
}

impl Drop for Budget {
    fn drop(&mut self) {
        if self.reserved > 0 {
            let (lock, freed) = &POOL;
            *lock.lock().unwrap_or_else(|e| e.into_inner()) -= self.reserved;
            freed.notify_all();
        }
    }
}

/// The entries of an archive, within the limits; what was skipped goes to `notes`.
pub fn entries(
    bytes: &[u8],
    kind: Kind,
    limits: &Limits,
    budget: &mut Budget,
    notes: &mut Vec<String>,
) -> Vec<Entry> {
    budget.reserve();
    let result = match kind {
        Kind::Zip => zip_entries(bytes, limits, budget, notes),
        Kind::Gzip => gzip_entry(bytes, limits, budget, notes).map(|e| e.into_iter().collect()),
        Kind::Tar => tar_entries(bytes, limits, budget, notes),
    };
    result.unwrap_or_else(|e| {
        notes.push(format!("archive could not be read: {e}"));
        Vec::new()
    })
}

/// Reads at most `declared` bytes (and the budget), refusing bombs: returns `None` with a note.
fn read_limited(
    reader: impl Read,
    name: &str,
    declared: u64,
    compressed: u64,
    limits: &Limits,
    budget: &mut Budget,
    notes: &mut Vec<String>,
) -> Option<Vec<u8>> {
    if declared > budget.remaining {
        notes.push(format!(
            "{name}: not opened: {declared} bytes would exceed the {} MB inflated-size budget",
            limits.max_inflated >> 20
        ));
        return None;
    }
    if declared > 1 << 20 && declared / compressed.max(1) > limits.max_ratio {
        notes.push(format!(
            "{name}: not opened: inflates {}x ({compressed} to {declared} bytes), likely a zip bomb",
            declared / compressed.max(1)
        ));
        return None;
    }
    // Headers can lie: never read more than the budget, whatever they declare.
    let mut out = Vec::new();
    let read = reader.take(budget.remaining + 1).read_to_end(&mut out);
    if read.is_err() {
        notes.push(format!("{name}: could not be inflated"));
        return None;
    }
    if out.len() as u64 > budget.remaining {
        notes.push(format!(
            "{name}: not opened: inflates beyond the {} MB budget",
            limits.max_inflated >> 20
        ));
        budget.remaining = 0;
        return None;
    }
    budget.remaining -= out.len() as u64;
    Some(out)
}

fn zip_entries(
    bytes: &[u8],
    limits: &Limits,
    budget: &mut Budget,
    notes: &mut Vec<String>,
) -> Result<Vec<Entry>, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    if archive.len() > limits.max_entries {
        notes.push(format!(
            "only the first {} of {} entries were opened",
            limits.max_entries,
            archive.len()
        ));
    }
    let mut out = Vec::new();
    for index in 0..archive.len().min(limits.max_entries) {
        let Ok(file) = archive.by_index(index) else {
            notes.push(format!("entry {index} could not be read"));
            continue;
        };
        if file.is_dir() {
            continue;
        }
        let name = crate::escape::name(file.name_raw());
        let (declared, compressed) = (file.size(), file.compressed_size());
        if let Some(bytes) = read_limited(file, &name, declared, compressed, limits, budget, notes)
        {
            out.push(Entry { path: name, bytes });
        }
    }
    Ok(out)
}

fn gzip_entry(
    bytes: &[u8],
    limits: &Limits,
    budget: &mut Budget,
    notes: &mut Vec<String>,
) -> Result<Option<Entry>, String> {
    // A gzip file may hold several members one after another (`cat a.gz b.gz`, pigz, bgzip):
    // all are read.
    let decoder = flate2::read::MultiGzDecoder::new(bytes);
    // gzip records the size modulo 2^32 in its last four bytes (of the last member only): a
    // hint, not a promise.
    let declared = bytes
        .len()
        .checked_sub(4)
        .map(|at| u32::from_le_bytes(bytes[at..].try_into().unwrap()) as u64)
        .unwrap_or(0);
    let compressed = bytes.len() as u64;
    Ok(read_limited(
        decoder,
        "gzip stream",
        declared,
        compressed,
        limits,
        budget,
        notes,
    )
    .map(|bytes| Entry {
        path: String::new(),
        bytes,
    }))
}

fn tar_entries(
    bytes: &[u8],
    limits: &Limits,
    budget: &mut Budget,
    notes: &mut Vec<String>,
) -> Result<Vec<Entry>, String> {
    let mut archive = tar::Archive::new(bytes);
    let mut out = Vec::new();
    for (index, entry) in archive.entries().map_err(|e| e.to_string())?.enumerate() {
        if index >= limits.max_entries {
            notes.push(format!(
                "only the first {} entries were opened",
                limits.max_entries
            ));
            break;
        }
        let Ok(entry) = entry else {
            notes.push(format!("entry {index} could not be read"));
            break;
        };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = crate::escape::name(&entry.path_bytes());
        let size = entry.size();
        // tar does not compress: its own size is the honest one.
        if let Some(bytes) = read_limited(entry, &name, size, size, limits, budget, notes) {
            out.push(Entry { path: name, bytes });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod pool_tests {
    use super::*;

    /// Eight files inflating at once never hold more than the pool between them.
    #[test]
    fn threads_together_stay_within_the_pool() {
        let peak = std::sync::atomic::AtomicU64::new(0);
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    let mut budget = Budget::new(256 << 20);
                    budget.reserve();
                    let in_use = *POOL.0.lock().unwrap();
                    peak.fetch_max(in_use, std::sync::atomic::Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                });
            }
        });
        let peak = peak.into_inner();
        assert!((256 << 20..=POOL_BYTES).contains(&peak), "{peak}");
    }
}
