//! `--redact`: a secret is shown as a short prefix and a mask, everywhere it would appear: the
//! secret field, and in every context line and commit subject, every secret of the report (a
//! line often holds two). Fingerprints are hashes and stay as they are.

use aho_corasick::{AhoCorasick, MatchKind};

use crate::model::Finding;

const MASK: &str = "********";

/// A short prefix (at most 4 characters, at most a fifth of the secret) and a mask.
pub fn redact_secret(secret: &str) -> String {
    let keep = (secret.chars().count() / 5).min(4);
    let prefix: String = secret.chars().take(keep).collect();
    format!("{prefix}{MASK}")
}

/// Every secret of `findings` (and of their pairs), found in any text at once.
struct Secrets {
    redacted: Vec<String>,
    finder: Option<AhoCorasick>,
}

impl Secrets {
    fn of(findings: &[Finding]) -> Secrets {
        let mut secrets: Vec<&str> = findings
            .iter()
            .flat_map(|f| {
                std::iter::once(f.secret.as_str())
                    .chain(f.paired_with.as_ref().map(|p| p.secret.as_str()))
            })
            .filter(|s| !s.is_empty())
            .collect();
        secrets.sort_unstable();
        secrets.dedup();
        Secrets {
            redacted: secrets.iter().map(|s| redact_secret(s)).collect(),
            finder: AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&secrets)
                .ok(),
        }
    }

    /// `text` with every secret masked; with no finder (too many secrets to build one), all of
    /// it: a redacted report must never fail open.
    fn mask(&self, text: &str) -> String {
        match &self.finder {
            Some(finder) => {
                let mut out = String::with_capacity(text.len());
                finder.replace_all_with(text, &mut out, |m, _, dst| {
                    dst.push_str(&self.redacted[m.pattern().as_usize()]);
                    true
                });
                out
            }
            None if text.is_empty() => String::new(),
            None => MASK.to_string(),
        }
    }
}

/// Redacts every finding in place.
pub fn apply(findings: &mut [Finding]) {
    let secrets = Secrets::of(findings);
    for finding in findings.iter_mut() {
        let redacted = redact_secret(&finding.secret);
        for occurrence in &mut finding.occurrences {
            let at = occurrence.secret_in_context.min(occurrence.context.len());
            let before = secrets.mask(occurrence.context.get(..at).unwrap_or_default());
            let after = match occurrence.context.get(at..) {
                Some(rest) if rest.starts_with(&finding.secret) => {
                    secrets.mask(&rest[finding.secret.len()..])
                }
                // The secret runs past the end of the kept context (long keys): hide all of it.
                _ => String::new(),
            };
            occurrence.context = format!("{before}{redacted}{after}");
            occurrence.secret_in_context = before.len();
            for commit in [&mut occurrence.commit, &mut occurrence.removed]
                .into_iter()
                .flatten()
            {
                commit.summary = secrets.mask(&commit.summary);
            }
        }
        finding.secret = redacted;
        if let Some(paired) = &mut finding.paired_with {
            paired.secret = redact_secret(&paired.secret);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::redact_secret;

    #[test]
    fn keeps_a_short_prefix_only() {
        assert_eq!(redact_secret("AKIAZ52KXH4EXAMPLEQ7"), "AKIA********");
        assert_eq!(redact_secret("abc"), "********");
        assert!(!redact_secret("ghp_0123456789abcdef").contains("0123"));
    }
}
