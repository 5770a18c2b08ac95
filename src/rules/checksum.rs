//! Offline validity checks: token formats that carry their own checksum, and structural checks
//! (a JWT's header and payload must decode to JSON, the header naming its algorithm).
//!
//! A candidate whose checksum does not hold is not a real token (a typo, a made-up example, a
//! hash that happens to share the prefix), so the matcher drops it. That is the cheapest false
//! positive filter there is: no network, a few nanoseconds per candidate.

use crate::rules::Checksum;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Runs a validator over a secret.
pub fn verify(checksum: Checksum, secret: &[u8]) -> bool {
    match checksum {
        // GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_) and npm tokens (npm_) share one layout:
        // `<prefix>_<30 random base62><6 base62 digits of the CRC32 of those 30>`.
        Checksum::GithubCrc32 | Checksum::NpmCrc32 => prefixed_crc32_base62(secret),
        Checksum::JwtStructure => jwt_structure(secret),
        Checksum::PemDer => pem_der(secret),
        Checksum::Base64Json => base64_json(secret),
        Checksum::Base64Credential => base64_credential(secret),
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

/// A PEM private key whose body is base64 of one DER SEQUENCE spanning exactly the decoded
/// bytes: what every PKCS#1, SEC1, DSA and PKCS#8 (plain or encrypted) key is, and what random
/// or hand-edited text almost never is. Legacy encrypted PEM (`Proc-Type:` headers) holds
/// ciphertext, so only its armor can be checked.
fn pem_der(block: &[u8]) -> bool {
    use base64::Engine as _;
    if memchr::memmem::find(block, b"Proc-Type:").is_some() {
        return true;
    }
    let Some(body) = pem_body(block) else {
        return false;
    };
    let Ok(der) = base64::engine::general_purpose::STANDARD.decode(body) else {
        return false;
    };
    der_sequence_len(&der) == Some(der.len())
}

/// The base64 between the BEGIN and END lines, without whitespace or escaped newlines.
fn pem_body(block: &[u8]) -> Option<Vec<u8>> {
    let after_begin = memchr::memmem::find(block, b"-----BEGIN")? + 10;
    let start = after_begin + memchr::memmem::find(&block[after_begin..], b"-----")? + 5;
    let end = start + memchr::memmem::find(&block[start..], b"-----END")?;
    let mut body = Vec::with_capacity(end - start);
    let mut bytes = block[start..end].iter().peekable();
    while let Some(&b) = bytes.next() {
        match b {
            // `\n` and `\r` in keys embedded in JSON or code strings.
            b'\\' => {
                bytes.next();
            }
            b if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=') => body.push(b),
            _ => {}
        }
    }
    Some(body)
}

/// Total length (header + content) of the DER SEQUENCE at the start of `der`.
fn der_sequence_len(der: &[u8]) -> Option<usize> {
    if der.first() != Some(&0x30) {
        return None;
    }
    let first = *der.get(1)? as usize;
    if first < 0x80 {
        return Some(2 + first);
    }
    let count = first & 0x7f;
    if count == 0 || count > 4 {
        return None;
    }
    let length = der
        .get(2..2 + count)?
        .iter()
        .fold(0usize, |acc, &b| acc << 8 | b as usize);
    Some(2 + count + length)
}

/// Base64 of `user:password` as HTTP Basic and Docker's `auth` carry it: printable text with a
/// colon, a user before it, and after it a password that could be a real one. Docker writes
/// `user:` with an empty password for credential helpers, which holds no secret; test suites
/// are full of `user:secret`, `testuser:testpass` and `daniel:mysecret` (curl's has hundreds),
/// so the password must be at least 8 characters of two or more character classes, with no
/// test word in it, and not a template variable (`${X}`, `{{ x }}`, `<x>`, `%X%`; the matcher's
/// placeholder check runs on the encoded form).
fn base64_credential(encoded: &[u8]) -> bool {
    use base64::Engine as _;
    const TEST_WORDS: &[&[u8]] = &[
        b"pass",
        b"secret",
        b"test",
        b"user",
        b"example",
        b"changeme",
        b"foo",
        b"bar",
        b"demo",
        b"admin",
        b"dummy",
        b"fake",
    ];
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded) else {
        return false;
    };
    let Some(colon) = memchr::memchr(b':', &decoded) else {
        return false;
    };
    let (user, password) = (&decoded[..colon], &decoded[colon + 1..]);
    let classes = [
        password.iter().any(u8::is_ascii_lowercase),
        password.iter().any(u8::is_ascii_uppercase),
        password.iter().any(u8::is_ascii_digit),
        password.iter().any(|b| !b.is_ascii_alphanumeric()),
    ];
    let lower = password.to_ascii_lowercase();
    decoded.iter().all(|&b| (0x20..0x7f).contains(&b))
        && !user.is_empty()
        && password.len() >= 8
        && classes.iter().filter(|&&c| c).count() >= 2
        && !TEST_WORDS
            .iter()
            .any(|w| memchr::memmem::find(&lower, w).is_some())
        && !matches!(password.first(), Some(b'$' | b'{' | b'<' | b'%'))
}

/// A token whose body is base64 of a JSON object (Grafana Cloud, Sentry org tokens, 1Password
/// service accounts, Mapbox…): the part from the first `eyJ` (base64 of `{"`) up to the next
/// character outside the base64url alphabet must decode to a JSON object.
fn base64_json(token: &[u8]) -> bool {
    use base64::Engine as _;
    let Some(start) = memchr::memmem::find(token, b"eyJ") else {
        return false;
    };
    let encoded: Vec<u8> = token[start..]
        .iter()
        .copied()
        .take_while(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_' | b'='))
        .filter(|&b| b != b'=')
        .map(|b| match b {
            b'+' => b'-',
            b'/' => b'_',
            b => b,
        })
        .collect();
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&encoded)
        .ok()
        .and_then(|json| serde_json::from_slice::<serde_json::Value>(&json).ok())
        .is_some_and(|v| v.is_object())
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

    #[test]
    fn base64_credentials_need_a_user_and_a_real_password() {
        use base64::Engine as _;
        let encode = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        assert!(base64_credential(encode("deploy:Vq8!rT2mZx").as_bytes()));
        for not_one in [
            "deploy:",
            ":Vq8!rT2mZx",
            "no colon here",
            "deploy:${PASSWORD}",
            "a:b\n",
            "testuser:testpass",
            "daniel:mysecret",
            "monster:underbed",
            "alberto:einstein",
        ] {
            assert!(!base64_credential(encode(not_one).as_bytes()), "{not_one}");
        }
        assert!(!base64_credential(b"not base64!"));
    }

    fn make_token(prefix: &str, random: &str) -> String {
        let check = base62_fixed(crc32fast::hash(random.as_bytes()), 6);
        format!("{prefix}{random}{}", String::from_utf8(check).unwrap())
    }

    #[test]
    fn github_checksum_accepts_its_own_tokens_and_rejects_a_changed_digit() {
        let token = make_token("ghp_", "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1");
        assert!(verify(Checksum::GithubCrc32, token.as_bytes()));
        let mut bad = token.into_bytes();
        let last = bad.len() - 1;
        bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
        assert!(!verify(Checksum::GithubCrc32, &bad));
    }

    #[test]
    fn jwt_structure_needs_json_header_with_alg_and_json_payload() {
        let good = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
        assert!(verify(Checksum::JwtStructure, good));
        // Header without alg, header not JSON, two parts only.
        assert!(!verify(
            Checksum::JwtStructure,
            b"eyJ0eXAiOiAiSldUIn0.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
        ));
        assert!(!verify(
            Checksum::JwtStructure,
            b"eyJ0IGpzb24gYXQgYWxsIQ.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
        ));
        assert!(!verify(
            Checksum::JwtStructure,
            b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0"
        ));
    }

    #[test]
    fn pem_der_needs_one_sequence_spanning_the_body() {
        use base64::Engine as _;
        let encode = |der: &[u8]| base64::engine::general_purpose::STANDARD.encode(der);
        let mut der = vec![0x30, 0x81, 0x90];
        der.extend(std::iter::repeat_n(0x5a, 0x90));
        let key = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----",
            encode(&der)
        );
        assert!(verify(Checksum::PemDer, key.as_bytes()));
        // The same key as a JSON string, newlines escaped.
        assert!(verify(
            Checksum::PemDer,
            key.replace('\n', "\\n").as_bytes()
        ));
        // One byte short of what the header declares, and not a SEQUENCE at all.
        let short = key.replace(&encode(&der), &encode(&der[..der.len() - 1]));
        assert!(!verify(Checksum::PemDer, short.as_bytes()));
        der[0] = 0x31;
        let not_sequence = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----",
            encode(&der)
        );
        assert!(!verify(Checksum::PemDer, not_sequence.as_bytes()));
    }

    #[test]
    fn base64_json_needs_an_object_after_the_prefix() {
        // base64 of {"o":"1","n":"x"}
        assert!(verify(
            Checksum::Base64Json,
            b"glc_eyJvIjoiMSIsIm4iOiJ4In0="
        ));
        assert!(!verify(Checksum::Base64Json, b"glc_eyJvIjoiMSIsIm4iOiJ4I"));
        assert!(!verify(Checksum::Base64Json, b"glc_abcdefghijklmnop"));
    }

    #[test]
    fn wrong_length_never_validates() {
        assert!(!verify(Checksum::GithubCrc32, b"ghp_short"));
        assert!(!verify(Checksum::NpmCrc32, b"no-underscore-at-all"));
    }

    #[test]
    fn base62_pads_small_values() {
        assert_eq!(base62_fixed(0, 6), b"000000");
        assert_eq!(base62_fixed(61, 6), b"00000z");
        assert_eq!(base62_fixed(62, 6), b"000010");
    }
}
