//! Credentials published in providers' own documentation (jwt.io's sample token, Stripe's
//! shared test keys, MongoDB's manual's password…). They turn up in tutorials and forks
//! everywhere and grant nothing, so a secret containing one is dropped, whatever rule matched.
//! The list is `published.txt`, one value per line with its source above it.

use std::sync::LazyLock;

static PUBLISHED: LazyLock<Vec<&'static [u8]>> = LazyLock::new(|| {
    include_str!("published.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::as_bytes)
        .collect()
});

/// Whether `secret` contains a published documentation credential.
pub fn is_published(secret: &[u8]) -> bool {
    PUBLISHED
        .iter()
        .any(|p| memchr::memmem::find(secret, p).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documentation_credentials_are_recognised_and_others_are_not() {
        let jwt_io = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        assert!(is_published(jwt_io.as_bytes()));
        assert!(is_published(b"sk_test_4eC39HqLyjWDarjtT1zdp7dc"));
        assert!(!is_published(b"sk_test_5148yCvMFmsyGkrGSMgbIifsHs72PHtM"));
    }

    #[test]
    fn every_entry_is_long_enough_not_to_hit_by_chance() {
        assert!(PUBLISHED.len() >= 5);
        assert!(PUBLISHED.iter().all(|p| p.len() >= 10));
    }
}
