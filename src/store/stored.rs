//! Hits as the store keeps them: rule ids instead of indexes into one run's rule set, so a later
//! run (or a report) can read them back under its own rules.

use serde::{Deserialize, Serialize};

use crate::model::{Hit, Location};
use crate::rules::RuleSet;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredHit {
    pub rule: String,
    pub secret: String,
    pub entropy: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum_valid: Option<bool>,
    pub location: Location,
    pub context: String,
    pub secret_in_context: usize,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allowed_inline: bool,
    /// The other half of a paired credential: (rule id, secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<(String, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inner_path: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub encoding: Vec<String>,
}

impl StoredHit {
    pub fn from_hit(hit: &Hit, rules: &RuleSet) -> StoredHit {
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
