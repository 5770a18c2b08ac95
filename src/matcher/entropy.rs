//! Shannon entropy of a candidate secret, the gate that separates `password = "hunter2hunter2"`
//! from `password = "x8Fq2LrT9vBz"`. keysweep:allow (an example, not a secret)

/// Bits per byte: 0 for a constant string, at most log2(len) and at most 8.
pub fn shannon(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let len = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::shannon;

    #[test]
    fn entropy_bounds() {
        assert_eq!(shannon(b""), 0.0);
        assert_eq!(shannon(b"aaaaaaaa"), 0.0);
        assert!((shannon(b"abcd") - 2.0).abs() < 1e-9);
        assert!(shannon(b"x8Fq2LrT9vBzK1mW") > 3.5);
    }
}
