//! Offline validity checks: token formats that carry their own checksum, and structural checks
//! (a JWT's header and payload must decode to JSON, the header naming its algorithm).
//!
//! A candidate whose checksum does not hold is not a real token (a typo, a made-up example, a
//! hash that happens to share the prefix), so the matcher drops it. That is the cheapest false
//! positive filter there is: no network, a few nanoseconds per candidate.

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The validators a rule may name in its `checksum` field.
const KNOWN: &[&str] = &["github-crc32", "npm-crc32", "jwt-structure"];

pub fn is_known(name: &str) -> bool {
    KNOWN.contains(&name)
}

/// Runs the named validator over a secret. Unknown names never validate (rules are checked for
/// known names when they are loaded).
pub fn verify(name: &str, secret: &[u8]) -> bool {
    match name {
        // GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_) and npm tokens (npm_) share one layout:
        // `<prefix>_<30 random base62><6 base62 digits of the CRC32 of those 30>`.
        "github-crc32" | "npm-crc32" => prefixed_crc32_base62(secret),
        "jwt-structure" => jwt_structure(secret),
        _ => false,
    }
}

fn prefixed_crc32_base62(secret: &[u8]) -> bool {
    let Some(underscore) = secret.iter().rposition(|&b| b == b'_') else {
        return false;
    };
    let body = &secret[underscore + 1..];
    if body.len() != 36 {
        return false;
    }
    let (random, check) = body.split_at(30);
    base62_fixed(crc32fast::hash(random), 6) == check
}

/// `header.payload.signature`, each base64url without padding; header and payload JSON
/// objects, the header with an `alg`.
fn jwt_structure(token: &[u8]) -> bool {
    use base64::Engine as _;
    let decode = |part: &[u8]| -> Option<serde_json::Map<String, serde_json::Value>> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .ok()?;
        match serde_json::from_slice(&bytes).ok()? {
            serde_json::Value::Object(map) => Some(map),
            _ => None,
        }
    };
    let mut parts = token.split(|&b| b == b'.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    !signature.is_empty()
        && decode(header).is_some_and(|h| h.get("alg").is_some_and(serde_json::Value::is_string))
        && decode(payload).is_some()
}

/// `value` in base 62, left-padded with '0' to `width` digits.
fn base62_fixed(mut value: u32, width: usize) -> Vec<u8> {
    let mut digits = vec![b'0'; width];
    for slot in digits.iter_mut().rev() {
        *slot = BASE62[(value % 62) as usize];
        value /= 62;
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn make_token(prefix: &str, random: &str) -> String {
        let check = base62_fixed(crc32fast::hash(random.as_bytes()), 6);
        format!("{prefix}{random}{}", String::from_utf8(check).unwrap())
    }

    #[test]
    fn github_checksum_accepts_its_own_tokens_and_rejects_a_changed_digit() {
        let token = make_token("ghp_", "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1");
        assert!(verify("github-crc32", token.as_bytes()));
        let mut bad = token.into_bytes();
        let last = bad.len() - 1;
        bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
        assert!(!verify("github-crc32", &bad));
    }

    #[test]
    fn jwt_structure_needs_json_header_with_alg_and_json_payload() {
        let good = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
        assert!(verify("jwt-structure", good));
        // Header without alg, header not JSON, two parts only.
        assert!(!verify(
            "jwt-structure",
            b"eyJ0eXAiOiAiSldUIn0.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
        ));
        assert!(!verify(
            "jwt-structure",
            b"eyJ0IGpzb24gYXQgYWxsIQ.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
        ));
        assert!(!verify(
            "jwt-structure",
            b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0"
        ));
    }

    #[test]
    fn wrong_length_never_validates() {
        assert!(!verify("github-crc32", b"ghp_short"));
        assert!(!verify("npm-crc32", b"no-underscore-at-all"));
    }

    #[test]
    fn base62_pads_small_values() {
        assert_eq!(base62_fixed(0, 6), b"000000");
        assert_eq!(base62_fixed(61, 6), b"00000z");
        assert_eq!(base62_fixed(62, 6), b"000010");
    }
}
