//! Findings as every stage after the matcher sees them: a located hit, where its bytes came
//! from (an [`Occurrence`]), one [`Finding`] per distinct secret, and what a provider said.

use std::{collections::BTreeMap, fmt};

use serde::{Deserialize, Serialize};

use crate::rules::{Confidence, Severity};

/// A match located in the bytes it was found in: everything that depends on those bytes.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Index of the rule in the [`RuleSet`](crate::rules::RuleSet) the matcher was built over.
    pub rule: usize,
    /// The secret's bytes as text (invalid UTF-8 replaced).
    pub secret: String,
    /// Shannon entropy of the secret, in bits per character.
    pub entropy: f64,
    /// `Some(true)` when the rule has an offline checksum and it holds.
    pub checksum_valid: Option<bool>,
    /// Where the secret stands in the bytes matched (for a decoded secret, where the encoded
    /// text stands once [`Hit::anchor_to`] has moved it).
    pub location: Location,
    /// The line holding the secret, cut around it at word boundaries.
    pub context: String,
    /// Byte offset of the secret's start inside `context`.
    pub secret_in_context: usize,
    /// The line carries an inline allow marker (`keysweep:allow`, `gitleaks:allow`).
    pub allowed_inline: bool,
    /// The other half of a paired credential (rule index, secret).
    pub partner: Option<(usize, String)>,
    /// Inside an archive: the entry's path (`inner/config.env`, or `b.zip!c.txt` when nested).
    pub inner_path: Option<String>,
    /// The decoding layers the secret was found under, outermost first (`base64`, `escapes`);
    /// the location is then that of the encoded text.
    pub encoding: Vec<String>,
}

/// Where a secret stands inside one file or blob. Lines and columns are 1-based; columns count
/// Unicode code points; byte offsets are 0-based and end-exclusive.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Location {
    /// Line of the secret's first byte.
    pub line: usize,
    /// Column of the secret's first character.
    pub column: usize,
    /// Line on which the secret ends.
    pub end_line: usize,
    /// Column just after the secret's last character (end-exclusive, as `byte_end`).
    pub end_column: usize,
    /// Offset of the secret's first byte.
    pub byte_start: usize,
    /// Offset just after the secret's last byte.
    pub byte_end: usize,
}

/// Where the bytes of an occurrence came from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A file on disk (a plain directory, or a repository's work tree not yet committed).
    File,
    /// A staged blob (the index), not yet committed.
    Staged,
    /// A blob of the repository's history.
    History,
    /// A commit's or a tag's message.
    Message,
}

/// A commit, as reports show it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CommitInfo {
    /// Full hex id.
    pub id: String,
    /// Author name, as the commit gives it (text reports escape it).
    pub author_name: String,
    /// Author e-mail address.
    pub author_email: String,
    /// ISO 8601, UTC.
    pub date: String,
    /// Seconds since the Unix epoch (for sorting).
    #[serde(skip_serializing, default)]
    pub timestamp: i64,
    /// The subject line, capped at 200 characters.
    pub summary: String,
}

impl CommitInfo {
    /// The first 12 hex digits, as messages show commits.
    pub fn short_id(&self) -> &str {
        self.id.get(..12).unwrap_or(&self.id)
    }
}

/// One place a secret was found.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Occurrence {
    /// Path relative to the scanned root (for history: the path at the introducing commit);
    /// inside an archive, `archive.zip!inner/path`.
    pub path: String,
    /// How the secret was encoded there (`base64 -> escapes`); the location is the encoded
    /// text's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// The blob's path in the commit that introduced it, when HEAD has it elsewhere (renamed
    /// since): `path` is then HEAD's, the one code scanning can show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduced_as: Option<String>,
    /// Where the secret stands in that file or blob.
    #[serde(flatten)]
    pub location: Location,
    /// The line holding the secret, cut around it at word boundaries.
    pub context: String,
    #[serde(skip)]
    /// Byte offset of the secret inside `context` (for redaction and highlighting).
    pub secret_in_context: usize,
    #[serde(skip)]
    /// The line carries an inline allow marker (`keysweep:allow`, `gitleaks:allow`).
    pub allowed_inline: bool,
    /// Where the bytes came from: a file, the index, history, a message.
    pub source: SourceKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The blob id (hex) for git sources.
    pub blob: Option<String>,
    /// The commit that first introduced the blob (history) or the commit scanned (ranges).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<CommitInfo>,
    /// Refs from which the introducing commit is reachable (at most a few; see `refs_total`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<String>,
    #[serde(default, skip_serializing_if = "is_zero")]
    /// How many refs reach the introducing commit in all (`refs` lists the first few).
    pub refs_total: usize,
    /// The blob is reachable from no ref (dangling, or only in the reflog).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unreachable: bool,
    /// The blob is part of HEAD's tree.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub at_head: bool,
    /// Not at HEAD: the commit of HEAD's first-parent line that removed the blob from its
    /// path (when the commit that introduced it is on that line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<CommitInfo>,
    /// Who owns the path, from the repository's CODEOWNERS (sweeps).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Occurrence {
    /// An occurrence with no git provenance yet.
    pub fn new(path: String, hit: &Hit, source: SourceKind, blob: Option<String>) -> Occurrence {
        let path = match &hit.inner_path {
            Some(inner) => format!("{path}!{inner}"),
            None => path,
        };
        Occurrence {
            path,
            encoding: (!hit.encoding.is_empty()).then(|| hit.encoding.join(" -> ")),
            introduced_as: None,
            location: hit.location.clone(),
            context: hit.context.clone(),
            secret_in_context: hit.secret_in_context,
            allowed_inline: hit.allowed_inline,
            source,
            blob,
            commit: None,
            refs: Vec::new(),
            refs_total: 0,
            unreachable: false,
            at_head: false,
            removed: None,
            owners: Vec::new(),
        }
    }

    pub(crate) fn sort_key(&self) -> (SourceKind, i64, &str, usize, usize) {
        let time = self.commit.as_ref().map_or(i64::MIN, |c| c.timestamp);
        (
            self.source,
            time,
            &self.path,
            self.location.line,
            self.location.column,
        )
    }
}

/// One distinct secret of one rule, with every place it was found.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    /// The rule, by id (see [`RuleSet::get`]): a finding read back from a store or a report
    /// has no index into a rule set, so it carries none.
    pub rule_id: String,
    /// The rule's human name.
    pub rule_name: String,
    /// How bad a leak of this kind is.
    pub severity: Severity,
    /// How sure the rule is that a match is a real secret.
    pub confidence: Confidence,
    /// Content identity: a hash of rule id and secret (see `finding::fingerprint`).
    pub fingerprint: String,
    /// The secret, as matched (reports mask it with `--redact`).
    pub secret: String,
    /// Shannon entropy of the secret, in bits per character.
    pub entropy: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// `Some(true)` when the rule has an offline checksum and it holds.
    pub checksum_valid: Option<bool>,
    /// The other half of a paired credential, found next to this one (e.g. the AWS access key
    /// id of a secret access key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paired_with: Option<Paired>,
    /// For repositories: is the secret in HEAD or the work tree (`true`), or only in history?
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub present_at_head: Option<bool>,
    /// What the provider said about the secret (`--validate` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<Validation>,
    /// The first occurrence is the one reports show as the finding's location.
    pub occurrences: Vec<Occurrence>,
}

impl Finding {
    /// The occurrence reports show as the finding's location.
    pub fn primary(&self) -> &Occurrence {
        &self.occurrences[0]
    }

    /// Whom to ask about the finding: the CODEOWNERS owners of its path, else the introducing
    /// commit's author (`author EMAIL`); empty when neither is known.
    pub fn owners(&self) -> Vec<String> {
        let primary = self.primary();
        if !primary.owners.is_empty() {
            return primary.owners.clone();
        }
        primary
            .commit
            .iter()
            .map(|commit| format!("author {}", commit.author_email))
            .collect()
    }

    /// Recomputes `present_at_head` from the occurrences (for repository scans only): in HEAD
    /// or the work tree, or only in history.
    pub fn refresh_presence(&mut self) {
        if self.present_at_head.is_some() {
            self.present_at_head =
                Some(self.occurrences.iter().any(|o| {
                    o.at_head || matches!(o.source, SourceKind::File | SourceKind::Staged)
                }));
        }
    }
}

/// The joined half of a paired credential.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Paired {
    /// The rule of the other half.
    pub rule_id: String,
    /// The other half's secret.
    pub secret: String,
}

/// What the provider said about a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The provider accepted the secret: it is live.
    Valid,
    /// The provider refused it: revoked, expired or never valid.
    Invalid,
    /// The check could not tell: a network error, a redirect, rate limiting, an unexpected
    /// answer.
    Error,
    /// No live check for this rule, or the check lacks what it needs (the paired half, a key
    /// it can parse).
    Unsupported,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Valid => "valid",
            Status::Invalid => "invalid",
            Status::Error => "error",
            Status::Unsupported => "unsupported",
        })
    }
}

/// A finding's validation result, in every report format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validation {
    /// Live, revoked, unknown (error) or not checkable.
    pub status: Status,
    /// Why, for errors and unsupported secrets (never contains the secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What the provider told about the credential (account, user, scopes, expiry).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: BTreeMap<String, String>,
    /// Live: the page or API where this credential is revoked, for its account when the
    /// provider's answer named it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoke: Option<String>,
}

impl Validation {
    fn new(status: Status, reason: Option<String>) -> Validation {
        Validation {
            status,
            reason,
            facts: BTreeMap::new(),
            revoke: None,
        }
    }

    /// The provider accepted the secret; `facts` are what it told about it.
    pub fn valid(facts: BTreeMap<String, String>) -> Validation {
        Validation {
            status: Status::Valid,
            reason: None,
            facts,
            revoke: None,
        }
    }

    /// The provider rejected the secret.
    pub fn invalid() -> Validation {
        Validation::new(Status::Invalid, None)
    }

    /// No answer could be had (network, timeout, an unexpected reply).
    pub fn error(reason: impl Into<String>) -> Validation {
        Validation::new(Status::Error, Some(reason.into()))
    }

    /// Who the credential belongs to, as its provider told: the facts as `key=value`, joined
    /// (what `--map-access` listed, `access.*`, left out); `None` when the provider said
    /// nothing of it.
    pub fn identity(&self) -> Option<String> {
        let facts: Vec<String> = self
            .facts
            .iter()
            .filter(|(k, _)| !k.starts_with("access."))
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        (!facts.is_empty()).then(|| facts.join(", "))
    }

    /// The secret cannot be checked (no check for its rule, or a missing partner).
    pub fn unsupported(reason: impl Into<String>) -> Validation {
        Validation::new(Status::Unsupported, Some(reason.into()))
    }
}
