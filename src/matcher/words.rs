//! A randomness measure beyond Shannon entropy: *token efficiency*, the average number of
//! characters per token when a candidate is split greedily into common words of source code
//! (longest word first, any other character is a token of its own).
//!
//! Random credentials split into single characters (efficiency ~1.0); identifiers, file paths
//! and prose split into words (`service_account` 5.0, `test_password_reset_token1` 3.3), even
//! when their Shannon entropy looks random enough. It is the cheap cousin of measuring how well
//! a BPE tokenizer's vocabulary compresses a string, with a vocabulary drawn from code.

use std::{collections::HashSet, sync::OnceLock};

/// Shortest vocabulary word: shorter ones occur by chance in random strings too often.
const MIN_WORD: usize = 4;

fn vocabulary() -> &'static (HashSet<&'static [u8]>, usize) {
    static VOCABULARY: OnceLock<(HashSet<&'static [u8]>, usize)> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        let words: HashSet<&[u8]> = include_str!("words.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && l.len() >= MIN_WORD)
            .map(str::as_bytes)
            .collect();
        let longest = words.iter().map(|w| w.len()).max().unwrap_or(MIN_WORD);
        (words, longest)
    })
}

/// Every word of the vocabulary, for other uses of "common in source code" (the prefilter's
/// choice of anchors).
pub fn common_words() -> impl Iterator<Item = &'static [u8]> {
    vocabulary().0.iter().copied()
}

/// Characters per token (>= 1.0; 1.0 for a string with no common word in it).
pub fn token_efficiency(secret: &[u8]) -> f64 {
    if secret.is_empty() {
        return 1.0;
    }
    let (words, longest) = vocabulary();
    let lower = secret.to_ascii_lowercase();
    let (mut at, mut tokens) = (0, 0usize);
    while at < lower.len() {
        let end = (at + longest).min(lower.len());
        let word = (at + MIN_WORD..=end)
            .rev()
            .find(|&stop| words.contains(&lower[at..stop]));
        at = word.unwrap_or(at + 1);
        tokens += 1;
    }
    lower.len() as f64 / tokens as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_strings_are_inefficient_and_identifiers_efficient() {
        for random in [
            "JbbCSSIhpvWjFT7efhWJnt-sJ94Mfys5",
            "Vhmh5LoAuaMikQi9Z57tUWYkHaG1SX0b",
        ] {
            assert!(token_efficiency(random.as_bytes()) < 1.2, "{random}");
        }
        for words in [
            "service_account",
            "test_password_reset_token1",
            "sessionTokenV2Cache",
        ] {
            assert!(token_efficiency(words.as_bytes()) > 1.8, "{words}");
        }
        assert_eq!(token_efficiency(b"account"), 7.0);
    }
}
