//! The client side of SCRAM (RFC 5802, RFC 7677): PostgreSQL's SCRAM-SHA-256 and MongoDB's
//! SCRAM-SHA-1 and SCRAM-SHA-256, without channel binding (no TLS). The proof shows the
//! password without sending it; the server's signature is checked too, so only a server that
//! holds the password's keys can call a login accepted.
//!
//! The password is used as written, without SASLprep: the same for every ASCII password, and
//! for nearly every other (SASLprep changes only unusual spaces, invisible characters and
//! unnormalised text).

use base64::Engine as _;
use ring::{digest, hmac, pbkdf2};

/// The most PBKDF2 iterations a server may ask for: 600,000 is well above PostgreSQL's 4,096
/// and MongoDB's 15,000, and bounds the work a hostile server can make each login cost.
const MAX_ITERATIONS: u32 = 600_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Hash {
    Sha1,
    Sha256,
}

impl Hash {
    fn hmac(self) -> hmac::Algorithm {
        match self {
            Hash::Sha1 => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            Hash::Sha256 => hmac::HMAC_SHA256,
        }
    }

    fn pbkdf2(self) -> pbkdf2::Algorithm {
        match self {
            Hash::Sha1 => pbkdf2::PBKDF2_HMAC_SHA1,
            Hash::Sha256 => pbkdf2::PBKDF2_HMAC_SHA256,
        }
    }

    fn digest(self) -> &'static digest::Algorithm {
        match self {
            Hash::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            Hash::Sha256 => &digest::SHA256,
        }
    }

    fn mac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        hmac::sign(&hmac::Key::new(self.hmac(), key), data)
            .as_ref()
            .to_vec()
    }
}

/// One SCRAM exchange, from the client's first message to the check of the server's last.
pub(super) struct Scram {
    hash: Hash,
    password: Vec<u8>,
    nonce: String,
    client_first_bare: String,
    /// The signature the server must send back, known once the proof is computed.
    server_signature: Option<Vec<u8>>,
}

impl Scram {
    /// `user` goes into the first message as given (PostgreSQL sends it empty: the startup
    /// message named the user).
    pub(super) fn new(hash: Hash, user: &str, password: Vec<u8>) -> Scram {
        let mut random = [0u8; 18];
        // The system's random source failing is not recoverable anywhere; a zero nonce would
        // still log in, only without freshness.
        let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut random);
        Scram::with_nonce(
            hash,
            user,
            password,
            &base64::engine::general_purpose::STANDARD.encode(random),
        )
    }

    fn with_nonce(hash: Hash, user: &str, password: Vec<u8>, nonce: &str) -> Scram {
        // `=` and `,` are escaped in a SCRAM user name.
        let user = user.replace('=', "=3D").replace(',', "=2C");
        Scram {
            hash,
            password,
            nonce: nonce.to_string(),
            client_first_bare: format!("n={user},r={nonce}"),
            server_signature: None,
        }
    }

    /// The client's first message: no channel binding, no authorisation identity.
    pub(super) fn client_first(&self) -> String {
        format!("n,,{}", self.client_first_bare)
    }

    /// Reads the server's first message (nonce, salt, iterations) and returns the client's
    /// final message with its proof.
    pub(super) fn client_final(&mut self, server_first: &[u8]) -> Result<String, String> {
        let malformed = || "the server's SCRAM challenge is malformed".to_string();
        let text = std::str::from_utf8(server_first).map_err(|_| malformed())?;
        let attribute = |name: &str| {
            text.split(',')
                .find_map(|part| part.strip_prefix(name)?.strip_prefix('='))
        };
        let nonce = attribute("r")
            .filter(|r| r.len() > self.nonce.len() && r.starts_with(&self.nonce))
            .ok_or_else(malformed)?;
        let salt = attribute("s")
            .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
            .ok_or_else(malformed)?;
        let iterations: u32 = attribute("i")
            .and_then(|i| i.parse().ok())
            .filter(|i| *i > 0)
            .ok_or_else(malformed)?;
        if iterations > MAX_ITERATIONS {
            return Err(format!(
                "the server asks for {iterations} SCRAM iterations, over the {MAX_ITERATIONS} this check computes"
            ));
        }
        let mut salted = vec![0u8; self.hash.digest().output_len()];
        pbkdf2::derive(
            self.hash.pbkdf2(),
            std::num::NonZeroU32::new(iterations).ok_or_else(malformed)?,
            &salt,
            &self.password,
            &mut salted,
        );
        let without_proof = format!("c=biws,r={nonce}");
        let auth_message = format!("{},{text},{without_proof}", self.client_first_bare);
        let client_key = self.hash.mac(&salted, b"Client Key");
        let stored_key = digest::digest(self.hash.digest(), &client_key);
        let signature = self.hash.mac(stored_key.as_ref(), auth_message.as_bytes());
        let proof: Vec<u8> = client_key
            .iter()
            .zip(&signature)
            .map(|(k, s)| k ^ s)
            .collect();
        let server_key = self.hash.mac(&salted, b"Server Key");
        self.server_signature = Some(self.hash.mac(&server_key, auth_message.as_bytes()));
        Ok(format!(
            "{without_proof},p={}",
            base64::engine::general_purpose::STANDARD.encode(proof)
        ))
    }

    /// Checks the server's final message: its signature proves it holds the password's keys.
    pub(super) fn verify(&self, server_final: &[u8]) -> Result<(), String> {
        let signature = std::str::from_utf8(server_final)
            .ok()
            .and_then(|text| text.strip_prefix("v="))
            .and_then(|v| {
                base64::engine::general_purpose::STANDARD
                    .decode(v.trim_end())
                    .ok()
            });
        match (signature, &self.server_signature) {
            (Some(got), Some(expected)) if &got == expected => Ok(()),
            _ => Err("the server's SCRAM signature does not match: it does not hold this password's keys".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_5802_and_rfc_7677_examples() {
        // RFC 5802, section 5: SCRAM-SHA-1, user "user", password "pencil".
        let mut sha1 = Scram::with_nonce(
            Hash::Sha1,
            "user",
            b"pencil".to_vec(),
            "fyko+d2lbbFgONRv9qkxdawL",
        );
        assert_eq!(sha1.client_first(), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
        let last = sha1
            .client_final(b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096")
            .unwrap();
        assert_eq!(
            last,
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
        );
        sha1.verify(b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ=").unwrap();
        assert!(sha1.verify(b"v=AAAApqV8S7suAoZWja4dJRkFsKQ=").is_err());
        assert!(sha1.verify(b"e=invalid-proof").is_err());

        // RFC 7677, section 3: SCRAM-SHA-256, the same user and password.
        let mut sha256 = Scram::with_nonce(
            Hash::Sha256,
            "user",
            b"pencil".to_vec(),
            "rOprNGfwEbeRWgbNEkqO",
        );
        let last = sha256
            .client_final(b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
            .unwrap();
        assert_eq!(
            last,
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        sha256
            .verify(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
            .unwrap();
    }

    #[test]
    fn hostile_challenges_are_refused() {
        let mut s = Scram::with_nonce(Hash::Sha256, "a,b=c", b"pw".to_vec(), "abc");
        assert_eq!(s.client_first(), "n,,n=a=2Cb=3Dc,r=abc");
        for challenge in [
            &b"r=xyz123,s=QSXCR+Q6sek8bf92,i=4096"[..], // not our nonce
            b"r=abc,s=QSXCR+Q6sek8bf92,i=4096",         // nothing of the server's
            b"r=abcd,s=!!!,i=4096",
            b"r=abcd,s=QSXCR+Q6sek8bf92,i=0",
            b"r=abcd,s=QSXCR+Q6sek8bf92",
            b"\xff\xfe",
        ] {
            assert!(s.client_final(challenge).is_err());
        }
        let err = s
            .client_final(b"r=abcd,s=QSXCR+Q6sek8bf92,i=4000000000")
            .unwrap_err();
        assert!(err.contains("4000000000 SCRAM iterations"), "{err}");
        // No proof computed, so no signature can match.
        assert!(s.verify(b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ=").is_err());
    }
}
