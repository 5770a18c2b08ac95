//! The decoding stage between sources and the matcher: every source (directory, history,
//! ranges, hooks) hands its bytes here, so all of them see inside encodings and archives.
//!
//! A file is opened if it is an archive (zip, tar, gzip; nested up to a depth), transcoded if
//! it is UTF-16, skipped if it is binary, and otherwise scanned as text. Text is matched as it
//! is, then every span that looks encoded (base64, hex, percent, string escapes, YAML blocks,
//! notebook cells) is decoded and matched again, recursively up to `max_depth` layers and
//! within a budget of decoded bytes, so a hostile file cannot blow up time or memory. A finding
//! from decoded text names its encoding chain and the location of the encoded text.

mod archive;
mod detect;
mod spans;
mod text;

use crate::finding::locate;
use crate::matcher::Matcher;
use crate::model::Hit;
use crate::rules::Confidence;

/// Bounds on decoding and on archives, per file.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Decoding layers (base64 inside a JSON string is two); 0 turns decoding off.
    pub max_depth: usize,
    /// Open zip, tar and gzip files and scan their entries (`--no-archives` turns it off).
    pub archives: bool,
    /// Archives inside archives.
    pub max_archive_depth: usize,
    /// Entries opened per archive.
    pub max_entries: usize,
    /// Inflated bytes per file, over all its archive levels.
    pub max_inflated: u64,
    /// An entry inflating more than this many times its compressed size (and over 1 MiB) is
    /// not opened.
    pub max_ratio: u64,
    /// Longest encoded span decoded.
    pub max_span: usize,
    /// Decoded bytes per file, over all layers.
    pub max_decoded: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 3,
            archives: true,
            max_archive_depth: 5,
            max_entries: 10_000,
            max_inflated: 256 << 20,
            max_ratio: 200,
            max_span: 8 << 20,
            max_decoded: 64 << 20,
        }
    }
}

/// What scanning one file found, and what it could not open.
pub struct Outcome {
    /// Every hit, in the file's own text or decoded from it, located in the file's bytes (or,
    /// for an archive entry, in the entry's; see [`Hit::inner_path`]).
    pub hits: Vec<Hit>,
    /// Limits reached and archives that could not be read (the rest was scanned).
    pub notes: Vec<String>,
}

/// Scans one file's bytes; `None` when they are binary (and not an archive or UTF-16 text).
pub fn scan(
    matcher: &Matcher,
    bytes: &[u8],
    limits: &Limits,
    include_binary: bool,
) -> Option<Outcome> {
    let mut state = State {
        matcher,
        limits,
        include_binary,
        archive_budget: archive::Budget::new(limits.max_inflated),
        decoded_left: limits.max_decoded,
        decoding_stopped: false,
        notes: Vec::new(),
    };
    let hits = state.file(bytes, None, 0)?;
    Some(Outcome {
        hits,
        notes: state.notes,
    })
}

struct State<'a, 'm> {
    matcher: &'a Matcher<'m>,
    limits: &'a Limits,
    include_binary: bool,
    archive_budget: archive::Budget,
    decoded_left: usize,
    decoding_stopped: bool,
    notes: Vec<String>,
}

impl State<'_, '_> {
    /// A whole file, at the top or inside an archive (`inner` is its path there).
    fn file(
        &mut self,
        bytes: &[u8],
        inner: Option<String>,
        archive_depth: usize,
    ) -> Option<Vec<Hit>> {
        if self.limits.archives
            && let Some(kind) = archive::kind(bytes)
        {
            return Some(self.archive(bytes, kind, inner, archive_depth));
        }
        let (mut hits, encoding) = match text::utf16(bytes) {
            Some((utf8, name)) => (self.text(&utf8, 0), Some(name)),
            None if !self.include_binary && is_binary(bytes) => return None,
            None => (self.text(bytes, 0), None),
        };
        for hit in &mut hits {
            hit.inner_path = inner.clone();
            if let Some(name) = encoding {
                hit.encoding.insert(0, name.to_string());
            }
        }
        Some(hits)
    }

    fn archive(
        &mut self,
        bytes: &[u8],
        kind: archive::Kind,
        inner: Option<String>,
        archive_depth: usize,
    ) -> Vec<Hit> {
        let here = inner
            .as_deref()
            .map(|p| format!("{p}: "))
            .unwrap_or_default();
        if archive_depth >= self.limits.max_archive_depth {
            self.notes.push(format!(
                "{here}archive nested deeper than {} levels: not opened",
                self.limits.max_archive_depth
            ));
            return Vec::new();
        }
        let mut notes = Vec::new();
        let entries = archive::entries(
            bytes,
            kind,
            self.limits,
            &mut self.archive_budget,
            &mut notes,
        );
        self.notes
            .extend(notes.into_iter().map(|n| format!("{here}{n}")));
        let mut hits = Vec::new();
        for entry in entries {
            // A gzip stream holds one unnamed file: it adds a layer, not a path.
            let path = match (&inner, entry.path.is_empty()) {
                (_, true) => inner.clone(),
                (None, false) => Some(entry.path),
                (Some(outer), false) => Some(format!("{outer}!{}", entry.path)),
            };
            let Some(mut found) = self.file(&entry.bytes, path, archive_depth + 1) else {
                continue;
            };
            if kind == archive::Kind::Gzip && archive::kind(&entry.bytes).is_none() {
                for hit in &mut found {
                    hit.encoding.insert(0, "gzip".into());
                }
            }
            hits.extend(found);
        }
        hits
    }

    /// Text: the matcher as it is, then every decoded span (and notebook cell), recursively.
    fn text(&mut self, bytes: &[u8], depth: usize) -> Vec<Hit> {
        // Detection before the matcher: measured about a point cheaper than after it. This light
        // pass asks for the file ahead of itself, and the matcher's heavier one finds it cached.
        let found = (depth < self.limits.max_depth).then(|| detect::find(bytes));
        let mut hits = locate(bytes, &self.matcher.find_all(bytes));
        let Some(found) = found else {
            return hits;
        };
        let mut skipped = Vec::new();
        let spans = spans::find(bytes, found, self.limits.max_span, &mut skipped);
        let cells = if depth == 0 {
            text::notebook_cells(bytes)
        } else {
            None
        };
        // Most files: nothing to decode, and nothing more to do.
        if spans.is_empty() && cells.is_none() {
            self.notes.extend(skipped);
            return hits;
        }
        let mut decoded = self.decoded_spans(bytes, spans, depth, &hits);
        self.notes.extend(skipped);
        for (label, cell, cell_start) in cells.into_iter().flatten() {
            if !self.charge(cell.len()) {
                break;
            }
            for mut hit in self.text(cell.as_bytes(), depth + 1) {
                hit.encoding.insert(0, label.clone());
                // Where the secret stands in the notebook's JSON if it is spelled there,
                // else where its cell starts.
                let span = match memchr::memmem::find(bytes, hit.secret.as_bytes()) {
                    Some(at) => at..at + hit.secret.len(),
                    None => cell_start..cell_start,
                };
                hit.anchor_to(bytes, span);
                decoded.push(hit);
            }
        }
        // A decoded hit that repeats a plain one (same rule and secret) adds nothing.
        decoded.retain(|d| {
            !hits
                .iter()
                .any(|h| h.rule == d.rule && h.secret == d.secret)
        });
        let mut seen = std::collections::HashSet::new();
        decoded.retain(|d| seen.insert((d.rule, d.secret.clone(), d.location.byte_start)));
        hits.extend(decoded);
        hits
    }

    /// The hits in the decoded `spans` of `bytes`, anchored to their encoded text; `plain` are
    /// the hits in `bytes` as it is.
    fn decoded_spans(
        &mut self,
        bytes: &[u8],
        spans: Vec<spans::Span>,
        depth: usize,
        plain: &[Hit],
    ) -> Vec<Hit> {
        // All spans decoded into one buffer, one per line, so the matcher (and the next layer)
        // runs once per layer rather than once per span.
        let mut batch = Vec::new();
        let mut spans_in_batch = Vec::new();
        for span in spans {
            if !self.charge(span.decoded.len()) {
                break;
            }
            let at = batch.len();
            batch.extend_from_slice(&span.decoded);
            batch.push(b'\n');
            spans_in_batch.push((at, span.range, span.kind));
        }
        let mut decoded = Vec::new();
        if spans_in_batch.is_empty() {
            return decoded;
        }
        for mut hit in self.text(&batch, depth + 1) {
            let index = spans_in_batch
                .partition_point(|(at, _, _)| *at <= hit.location.byte_start)
                .saturating_sub(1);
            let (_, range, kind) = &spans_in_batch[index];
            let overlaps =
                |p: &Hit| p.location.byte_start < range.end && range.start < p.location.byte_end;
            // The same credential spelled another way (`%3D` for `=`) around a plain hit.
            let respelled = plain.iter().any(|p| p.rule == hit.rule && overlaps(p));
            // Inside a secret already reported whole (a JWT's payload, a Docker auth value),
            // only a provider-specific credential is news (a GitHub token in the Docker auth),
            // not a generic rule's hit (a claim named "token" in the JWT).
            let inside_plain = plain
                .iter()
                .any(|p| p.location.byte_start <= range.start && range.end <= p.location.byte_end);
            let low = self.matcher.rules()[hit.rule].confidence == Confidence::Low;
            if respelled || (inside_plain && low) {
                continue;
            }
            hit.encoding.insert(0, kind.to_string());
            hit.anchor_to(bytes, range.clone());
            decoded.push(hit);
        }
        decoded
    }

    /// Takes `len` decoded bytes from the budget; notes (once) when it runs out.
    fn charge(&mut self, len: usize) -> bool {
        if self.decoding_stopped {
            return false;
        }
        if len <= self.decoded_left {
            self.decoded_left -= len;
            return true;
        }
        self.notes.push(format!(
            "decoding stopped: over {} MB of decoded text in one file",
            self.limits.max_decoded >> 20
        ));
        self.decoding_stopped = true;
        false
    }
}

/// Git's own heuristic: a NUL byte in the first 8 KiB means binary.
pub fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8000)]).is_some()
}
