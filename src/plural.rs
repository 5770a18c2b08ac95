//! Counts in words: "1 secret", "2 secrets", rather than "1 secret(s)" in what users read.

/// `n` and the noun in the number it takes: `one` for one, `many` otherwise.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// [`plural`] of a noun that takes an `s` (`count(2, "secret")` is "2 secrets").
pub fn count(n: usize, noun: &str) -> String {
    plural(n, noun, &format!("{noun}s"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_number_plural() {
        assert_eq!(count(1, "secret"), "1 secret");
        assert_eq!(count(0, "secret"), "0 secrets");
        assert_eq!(count(2, "symbolic link"), "2 symbolic links");
        assert_eq!(plural(3, "repository", "repositories"), "3 repositories");
    }
}
