//! Hits as the store keeps them: rule ids instead of indexes into one run's rule set, so a later
//! run (or a report) can read them back under its own rules.

use serde::{Deserialize, Serialize};

use crate::model::{Hit, Location};
use crate::rules::RuleSet;

/// A [`Hit`] as the store keeps it (as JSON, in its blob's row).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredHit {
    /// The rule's id.
    pub rule: String,
    /// The secret's bytes as text.
    pub secret: String,
    /// Shannon entropy of the secret, in bits per byte.
    pub entropy: f64,
    /// `Some(true)` when the rule has an offline checksum and it holds; `None` without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum_valid: Option<bool>,
    /// Where the secret stands in the blob (in the archive entry, with `inner_path`).
    pub location: Location,
    /// The line the secret starts on, cut to at most 240 bytes around it.
    pub context: String,
    /// Byte offset of the secret's start inside `context`.
    pub secret_in_context: usize,
    /// The line carries an inline allow marker (`keysweep:allow`, `gitleaks:allow`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allowed_inline: bool,
    /// The other half of a paired credential: (rule id, secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<(String, String)>,
    /// Inside an archive: the entry's path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inner_path: Option<String>,
    /// The decoding layers the secret was found under, outermost first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub encoding: Vec<String>,
}

impl StoredHit {
    pub(crate) fn from_hit(hit: &Hit, rules: &RuleSet) -> StoredHit {
        StoredHit {
            rule: rules.rules[hit.rule].id.clone(),
            secret: hit.secret.clone(),
            entropy: hit.entropy,
            checksum_valid: hit.checksum_valid,
            location: hit.location.clone(),
            context: hit.context.clone(),
            secret_in_context: hit.secret_in_context,
            allowed_inline: hit.allowed_inline,
            partner: hit
                .partner
                .as_ref()
                .map(|(rule, secret)| (rules.rules[*rule].id.clone(), secret.clone())),
            inner_path: hit.inner_path.clone(),
            encoding: hit.encoding.clone(),
        }
    }

    /// The hit under `rules`; `None` when its rule is not among them.
    pub fn to_hit(&self, rules: &RuleSet) -> Option<Hit> {
        let index_of = |id: &str| rules.rules.iter().position(|r| r.id == id);
        Some(Hit {
            rule: index_of(&self.rule)?,
            secret: self.secret.clone(),
            entropy: self.entropy,
            checksum_valid: self.checksum_valid,
            location: self.location.clone(),
            context: self.context.clone(),
            secret_in_context: self.secret_in_context,
            allowed_inline: self.allowed_inline,
            partner: self
                .partner
                .as_ref()
                .and_then(|(rule, secret)| Some((index_of(rule)?, secret.clone()))),
            inner_path: self.inner_path.clone(),
            encoding: self.encoding.clone(),
        })
    }
}
