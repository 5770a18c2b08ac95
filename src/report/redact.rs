//! `--redact`: a secret is shown as a short prefix and a mask, everywhere it would appear
//! (the secret field, every context line). Fingerprints are hashes and stay as they are.

use crate::finding::Finding;

const MASK: &str = "********";

/// A short prefix (at most 4 characters, at most a fifth of the secret) and a mask.
pub fn redact_secret(secret: &str) -> String {
    let keep = (secret.chars().count() / 5).min(4);
    let prefix: String = secret.chars().take(keep).collect();
    format!("{prefix}{MASK}")
}

/// Redacts every finding in place.
pub fn apply(findings: &mut [Finding]) {
    for finding in findings {
        let redacted = redact_secret(&finding.secret);
        for occurrence in &mut finding.occurrences {
            let at = occurrence.secret_in_context.min(occurrence.context.len());
            let before = occurrence.context.get(..at).unwrap_or_default();
            let after = match occurrence.context.get(at..) {
                Some(rest) if rest.starts_with(&finding.secret) => &rest[finding.secret.len()..],
                // The secret runs past the end of the kept context (long keys): hide all of it.
                _ => "",
            };
            let context = format!("{before}{redacted}{after}");
            occurrence.secret_in_context = before.len();
            occurrence.context = context;
        }
        finding.secret = redacted;
        // The other half of a pair may stand on the same line: after the offset-based pass.
        if let Some(paired) = &mut finding.paired_with {
            let partner = redact_secret(&paired.secret);
            for occurrence in &mut finding.occurrences {
                occurrence.context = occurrence.context.replace(&paired.secret, &partner);
            }
            paired.secret = partner;
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
