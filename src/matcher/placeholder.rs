//! Placeholders and documentation values, for every rule: a credential-shaped string that says
//! "put yours here" (`<your-token>`, `${API_KEY}`, `xxxxxxxx`, `changeme`, AWS's
//! `AKIAIOSFODNN7EXAMPLE`) is not a leak, whatever rule it matches.
//!
//! Each marker is long enough that a random credential contains it by chance with negligible
//! probability (a 5-character marker in a 40-character base62 token: ~1 in 10^7).

/// Substrings (ASCII case-insensitive) that mark a placeholder.
const MARKERS: &[&[u8]] = &[
    b"example",
    b"placeholder",
    b"changeme",
    b"change_me",
    b"your_",
    b"your-",
    b"<your",
    b"redacted",
    b"dummy",
    b"insert_",
    b"replace_me",
    b"replaceme",
    b"${",
    b"{{",
    b"%(",
    b"<%",
    b"xxxxx",
    b"*****",
    // Elided values in documentation: `eyJ0eXAi...`.
    b"...",
    b"#####",
    b"1234567",
    b"abcdefg",
];

/// A run of this many identical characters marks a placeholder in a short secret (`00000000`);
/// long ones (key files, certificates) legitimately hold long runs. Runs of `A` never count:
/// they are zero bytes in base64, which structured tokens (Dropbox's, Twitter's) are full of.
const MAX_RUN: usize = 8;
const RUN_CHECK_MAX_LEN: usize = 100;

pub fn is_placeholder(secret: &[u8]) -> bool {
    let lower = secret.to_ascii_lowercase();
    if MARKERS
        .iter()
        .any(|m| memchr::memmem::find(&lower, m).is_some())
    {
        return true;
    }
    if secret.first() == Some(&b'<') && secret.last() == Some(&b'>') {
        return true;
    }
    secret.len() <= RUN_CHECK_MAX_LEN
        && secret
            .chunk_by(|a, b| a == b)
            .any(|run| run.len() >= MAX_RUN && run[0] != b'A')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_recognised_and_random_tokens_are_not() {
        for placeholder in [
            "AKIAIOSFODNN7EXAMPLE",
            "<your-token>",
            "${GITHUB_TOKEN}",
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "sk_live_CHANGEME",
            "00000000000000000000",
            "{{ secrets.API_KEY }}",
            "abcdefg12346+FJQCK",
        ] {
            assert!(is_placeholder(placeholder.as_bytes()), "{placeholder}");
        }
        for real in [
            "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",
            "AKIAS2AOJ3GAQUI2EQ6T",
            "JbbCSSIhpvWjFT7efhWJnt-sJ94Mfys5",
        ] {
            assert!(!is_placeholder(real.as_bytes()), "{real}");
        }
        assert!(!is_placeholder(b"sl.AAAAAAAAAAB3x9Qk2LmZ7pVt"));
        // Long key material may hold runs of zero bytes (`AAAA…` in base64).
        let key_body = format!("MIIEvQIBADAN{}BgkqhkiG9w0BAQEFAASC", "A".repeat(12)).repeat(5);
        assert!(!is_placeholder(key_body.as_bytes()));
    }
}
