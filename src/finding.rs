//! From matcher output to findings: where a match stands (line, column, context), where its bytes
//! came from (an [`Occurrence`]), and one [`Finding`] per distinct secret.
//!
//! Identity is content-based: a finding's fingerprint is a hash of the rule id and the secret,
//! so it survives line moves, renames, rebases and squashes, and the same secret in 40 files or
//! 40 commits is one finding with 40 occurrences.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::matcher::Match;
use crate::model::{Finding, Hit, Location, Occurrence, Paired};
use crate::rules::RuleSet;

/// The longest context line kept, in bytes around the secret.
const CONTEXT_MAX: usize = 240;

/// Markers that, anywhere on the line where a secret starts, suppress it there.
const INLINE_ALLOW: [&[u8]; 2] = [b"keysweep:allow", b"gitleaks:allow"];

/// Turns matches into hits, computing line and column in one pass over the haystack.
pub fn locate(haystack: &[u8], matches: &[Match]) -> Vec<Hit> {
    let mut cursor = LineCursor::default();
    let mut sorted: Vec<&Match> = matches.iter().collect();
    sorted.sort_by_key(|m| m.secret.start);
    sorted
        .into_iter()
        .map(|m| {
            let (line, line_start) = cursor.advance_to(haystack, m.secret.start);
            let column = code_points(&haystack[line_start..m.secret.start]) + 1;
            let (end_line, end_line_start) = {
                let mut end_cursor = LineCursor {
                    offset: line_start,
                    line,
                    line_start,
                };
                end_cursor.advance_to(haystack, m.secret.end)
            };
            let end_column = code_points(&haystack[end_line_start..m.secret.end]) + 1;
            let (context, secret_in_context) = context_line(haystack, line_start, m.secret.clone());
            Hit {
                rule: m.rule,
                secret: String::from_utf8_lossy(&haystack[m.secret.clone()]).into_owned(),
                entropy: m.entropy,
                checksum_valid: m.checksum_valid,
                location: Location {
                    line,
                    column,
                    end_line,
                    end_column,
                    byte_start: m.secret.start,
                    byte_end: m.secret.end,
                },
                context,
                secret_in_context,
                allowed_inline: allowed_inline(haystack, line_start, m.secret.start),
                partner: m.partner.as_ref().map(|p| {
                    (
                        p.rule,
                        String::from_utf8_lossy(&haystack[p.secret.clone()]).into_owned(),
                    )
                }),
                inner_path: None,
                encoding: Vec::new(),
            }
        })
        .collect()
}

impl Hit {
    /// Moves the hit to `span` of `haystack` (the encoded text it was decoded from), keeping
    /// its decoded context line; an inline allow on that line still applies.
    pub fn anchor_to(&mut self, haystack: &[u8], span: std::ops::Range<usize>) {
        let mut cursor = LineCursor::default();
        let (line, line_start) = cursor.advance_to(haystack, span.start);
        let (end_line, end_line_start) = cursor.advance_to(haystack, span.end);
        self.location = Location {
            line,
            column: code_points(&haystack[line_start..span.start]) + 1,
            end_line,
            end_column: code_points(&haystack[end_line_start..span.end]) + 1,
            byte_start: span.start,
            byte_end: span.end,
        };
        self.allowed_inline |= allowed_inline(haystack, line_start, span.start);
    }
}

/// Counts newlines incrementally, so locating many matches in one blob stays linear.
#[derive(Default)]
struct LineCursor {
    offset: usize,
    line: usize,
    line_start: usize,
}

impl LineCursor {
    /// The 1-based line of `target` and the offset where that line starts.
    fn advance_to(&mut self, haystack: &[u8], target: usize) -> (usize, usize) {
        if self.line == 0 {
            self.line = 1;
        }
        for nl in memchr::memchr_iter(b'\n', &haystack[self.offset..target]) {
            self.line += 1;
            self.line_start = self.offset + nl + 1;
        }
        self.offset = target;
        (self.line, self.line_start)
    }
}

fn code_points(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

fn allowed_inline(haystack: &[u8], line_start: usize, secret_start: usize) -> bool {
    let line_end = memchr::memchr(b'\n', &haystack[secret_start..])
        .map_or(haystack.len(), |i| secret_start + i);
    let line = &haystack[line_start..line_end];
    INLINE_ALLOW
        .iter()
        .any(|marker| memchr::memmem::find(line, marker).is_some())
}

/// The line holding the secret's start, cut to a bounded piece around the secret, and the
/// offset of the secret inside it.
fn context_line(
    haystack: &[u8],
    line_start: usize,
    secret: std::ops::Range<usize>,
) -> (String, usize) {
    let line_end = memchr::memchr(b'\n', &haystack[secret.start..])
        .map_or(haystack.len(), |i| secret.start + i);
    let mut from = line_start.max(secret.start.saturating_sub(CONTEXT_MAX / 2));
    let mut to = line_end.min(from + CONTEXT_MAX).max(secret.start);
    // A cut inside a word could show part of another secret, which `--redact` then cannot
    // recognise: a shortened line starts and ends at word boundaries.
    if from > line_start {
        from = haystack[from..secret.start]
            .iter()
            .position(|&b| is_word_boundary(b))
            .map_or(secret.start, |i| from + i + 1);
    }
    if to < line_end {
        let own_end = secret.end.min(to);
        to = haystack[own_end..to]
            .iter()
            .rposition(|&b| is_word_boundary(b))
            .map_or(own_end, |i| own_end + i);
    }
    let mut context = String::from_utf8_lossy(&haystack[from..secret.start]).into_owned();
    let offset = context.len();
    context.push_str(String::from_utf8_lossy(&haystack[secret.start..to]).trim_end_matches('\r'));
    (context, offset)
}

fn is_word_boundary(byte: u8) -> bool {
    byte.is_ascii_whitespace() || b"'\"`,;<>()[]{}".contains(&byte)
}

/// Content identity of a secret: same rule and same secret, same fingerprint.
pub fn fingerprint(rule_id: &str, secret: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"keysweep/v1\0")
        .chain_update(rule_id.as_bytes())
        .chain_update(b"\0")
        .chain_update(secret.as_bytes())
        .finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Collects hits from any number of sources into one finding per (rule, secret).
#[derive(Default)]
pub struct FindingSet {
    by_fingerprint: HashMap<String, Finding>,
}

impl FindingSet {
    pub(crate) fn add(&mut self, rules: &RuleSet, hit: &Hit, occurrence: Occurrence) {
        let rule = &rules.rules[hit.rule];
        let fingerprint = fingerprint(&rule.id, &hit.secret);
        let finding = self
            .by_fingerprint
            .entry(fingerprint.clone())
            .or_insert_with(|| Finding {
                rule_id: rule.id.clone(),
                rule_name: rule.name.clone(),
                severity: rule.severity,
                confidence: rule.confidence,
                fingerprint,
                secret: hit.secret.clone(),
                entropy: (hit.entropy * 1000.0).round() / 1000.0,
                checksum_valid: hit.checksum_valid,
                paired_with: None,
                present_at_head: None,
                validation: None,
                occurrences: Vec::new(),
            });
        if finding.paired_with.is_none()
            && let Some((partner_rule, secret)) = &hit.partner
        {
            finding.paired_with = Some(Paired {
                rule_id: rules.rules[*partner_rule].id.clone(),
                secret: secret.clone(),
            });
        }
        finding.occurrences.push(occurrence);
    }

    /// Every occurrence of every finding, for attaching provenance.
    pub fn occurrences_mut(&mut self) -> impl Iterator<Item = &mut Occurrence> {
        self.by_fingerprint
            .values_mut()
            .flat_map(|f| f.occurrences.iter_mut())
    }

    /// The findings in a deterministic order: by primary path, line, column, then rule id.
    /// `repository` says whether `present_at_head` is meaningful for this scan.
    pub fn into_sorted(self, repository: bool) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self.by_fingerprint.into_values().collect();
        for finding in &mut findings {
            finding
                .occurrences
                .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            finding.occurrences.dedup_by(|a, b| {
                a.path == b.path
                    && a.location == b.location
                    && a.blob == b.blob
                    && a.source == b.source
            });
            if repository {
                finding.present_at_head = Some(false);
                finding.refresh_presence();
            }
        }
        findings.sort_by(|a, b| {
            let (pa, pb) = (a.primary(), b.primary());
            (&pa.path, pa.location.line, pa.location.column, &a.rule_id).cmp(&(
                &pb.path,
                pb.location.line,
                pb.location.column,
                &b.rule_id,
            ))
        });
        findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_depends_on_rule_and_secret_only() {
        let a = fingerprint("aws.access-key-id", "AKIA1234");
        assert_eq!(a, fingerprint("aws.access-key-id", "AKIA1234"));
        assert_ne!(a, fingerprint("aws.access-key-id", "AKIA1235"));
        assert_ne!(a, fingerprint("other.rule", "AKIA1234"));
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn locate_computes_lines_columns_and_context() {
        let hay = "first\nsécond = tok_X\r\nthird tok_Y".as_bytes();
        let start_x = hay.windows(5).position(|w| w == b"tok_X").unwrap();
        let start_y = hay.windows(5).position(|w| w == b"tok_Y").unwrap();
        let matches = [start_y, start_x].map(|s| Match {
            rule: 0,
            span: s..s + 5,
            secret: s..s + 5,
            entropy: 1.0,
            checksum_valid: None,
            partner: None,
        });
        let hits = locate(hay, &matches);
        assert_eq!((hits[0].location.line, hits[0].location.column), (2, 10));
        assert_eq!(hits[0].location.end_column, 15);
        assert_eq!(hits[0].context, "sécond = tok_X");
        assert_eq!((hits[1].location.line, hits[1].location.column), (3, 7));
    }
}
