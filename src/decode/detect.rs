//! Where decoding might pay, found at close to memory speed: long runs of the base64/base64url
//! alphabet that could decode to text (base64 and hex candidates), and the bytes that start the
//! other decoders' work (`%` and backslash).
//!
//! Most source code holds nothing to decode, so this pass is what decoding costs there. It reads
//! 256-byte chunks and keeps one bit per aligned 4-byte quad: set when all four bytes are in the
//! alphabet. A run of [`MIN_RUN`] bytes always covers four consecutive such quads (a 16-byte
//! window), so everywhere else the work per chunk is a few vector instructions and one test.
//! Code is full of such windows, though: long identifiers. A window is looked at further only
//! if it could lie inside base64 of text (every fourth character `A`-`Z` or `a`-`f`, see
//! [`Shapes`]) or inside hex, which identifiers almost never do; only then is its run measured.
//! With AVX2, bytes are classified by two nibble lookups (`vpshufb`); without it, one at a time.

use std::ops::Range;

/// Shortest alphabet run reported. The quad test below relies on it being at least 19.
pub const MIN_RUN: usize = 20;

const CHUNK: usize = 256;

/// What the pass found, in order of position.
#[derive(Debug, Default, PartialEq)]
pub struct Found {
    /// Maximal runs of the base64/base64url alphabet (padding apart), at least `MIN_RUN` long,
    /// that hold a 16-byte window shaped like base64 of text or like hex: every run that decodes
    /// to text, whole or after a cut, is among them.
    pub runs: Vec<Range<usize>>,
    pub percents: Vec<usize>,
    pub backslashes: Vec<usize>,
}

/// Bytes of the base64 and base64url alphabets (padding apart).
static BASE64_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_');
        b += 1;
    }
    table
};

fn is_base64_byte(b: u8) -> bool {
    BASE64_BYTE[b as usize]
}

pub fn find(bytes: &[u8]) -> Found {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU was just found to have AVX2.
        return unsafe { avx2::find(bytes) };
    }
    find_with(bytes, &bytewise::Reader)
}

/// A 256-byte chunk classified once and read three ways, each asked for only when the one
/// before says so.
trait Reader {
    type Classes;
    fn classify(&self, chunk: &[u8; CHUNK]) -> Self::Classes;
    /// Bit k: bytes 4k..4k+4 all in the alphabet; and whether a `%` or backslash is there.
    fn quads(&self, classes: &Self::Classes) -> (u64, bool);
    /// Bit i of word i/64: byte i is in the alphabet.
    fn alphabet(&self, classes: &Self::Classes) -> [u64; 4];
    /// Bit i of word i/64: byte i is `%` or a backslash.
    fn special(&self, classes: &Self::Classes) -> [u64; 4];
    /// Where the bytes could be part of base64 of text, or of hex.
    fn shapes(&self, chunk: &[u8; CHUNK]) -> Shapes;
}

/// Two byte masks of a chunk (bit i of word i/64 for byte i) that tell whether an alphabet run
/// could decode to text.
struct Shapes {
    /// `A`-`Z` and `a`-`f`: the characters that can start a 4-character group of base64 of
    /// ASCII text (the group's first byte is below 0x80, so its first 6 bits are below 32).
    group_start: [u64; 4],
    /// `0`-`9`, `A`-`F`, `a`-`f`.
    hex: [u64; 4],
}

impl Shapes {
    /// Whether the 16 bytes from `at` (a multiple of 4, at most `CHUNK - 16`) could lie inside
    /// base64 of text (one of the four phases starts a group in every 4 bytes) or inside hex.
    /// Every 16-byte aligned window inside a run that decodes passes, whether the run decodes
    /// whole or from a cut.
    #[inline(always)]
    fn could_be_encoded(&self, at: usize) -> bool {
        let window = |mask: &[u64; 4]| {
            let (word, shift) = (at / 64, at % 64);
            let mut bits = mask[word] >> shift;
            if shift > 48 {
                bits |= mask[word + 1] << (64 - shift);
            }
            bits & 0xFFFF
        };
        let starts = window(&self.group_start);
        starts & (starts >> 4) & (starts >> 8) & (starts >> 12) & 0xF != 0
            || window(&self.hex) == 0xFFFF
    }
}

/// The chunk walk, generic over the reader so the AVX2 build inlines its own.
#[inline(always)]
fn find_with(bytes: &[u8], reader: &impl Reader) -> Found {
    let mut found = Found::default();
    let mut padded = [0u8; CHUNK];
    // The previous chunk's quads, so four quads can stand together across chunks.
    let mut previous = 0u64;
    // The start of a run that reached the end of the previous chunk.
    let mut open: Option<usize> = None;
    // Where the last run measured ended: candidates before it belong to that run.
    let mut measured_to = 0;
    for (index, chunk) in bytes.chunks(CHUNK).enumerate() {
        let start = index * CHUNK;
        let chunk: &[u8; CHUNK] = match chunk.try_into() {
            Ok(full) => full,
            // The tail, padded with zero bytes (in no class).
            Err(_) => {
                padded[..chunk.len()].copy_from_slice(chunk);
                &padded
            }
        };
        let classes = reader.classify(chunk);
        let (quads, special) = reader.quads(&classes);
        if special {
            for_each_set_bit(&reader.special(&classes), |i| match chunk[i] {
                b'%' => found.percents.push(start + i),
                _ => found.backslashes.push(start + i),
            });
        }
        // Bit k: quads k-3..=k all in the alphabet (the lower ones maybe in the last chunk).
        let mut four = quads
            & ((quads << 1) | (previous >> 63))
            & ((quads << 2) | (previous >> 62))
            & ((quads << 3) | (previous >> 61));
        previous = quads;
        if (four == 0 && open.is_none()) || (quads == u64::MAX && open.is_some()) {
            continue;
        }
        let shapes = reader.shapes(chunk);
        let mut alphabet = None;
        if let Some(run_start) = open.take() {
            let alphabet = alphabet.get_or_insert_with(|| reader.alphabet(&classes));
            let end = start + first_clear(alphabet, 0).unwrap_or(CHUNK);
            found.push_run(run_start..end);
            measured_to = end;
        }
        while four != 0 {
            let k = four.trailing_zeros() as usize;
            four &= four - 1;
            let at = 4 * k;
            let could_be_encoded = match at.checked_sub(12) {
                Some(window) => shapes.could_be_encoded(window),
                // The window reaches into the previous chunk: tested byte by byte.
                None => window_could_be_encoded(&bytes[start + at - 12..start + at + 4]),
            };
            if start + at < measured_to || !could_be_encoded {
                continue;
            }
            let alphabet = alphabet.get_or_insert_with(|| reader.alphabet(&classes));
            let run_start = match last_clear_before(alphabet, at) {
                Some(i) => start + i + 1,
                // The run began in an earlier chunk.
                None => {
                    start
                        - bytes[..start]
                            .iter()
                            .rev()
                            .take_while(|&&b| is_base64_byte(b))
                            .count()
                }
            };
            match first_clear(alphabet, at) {
                Some(end) => {
                    found.push_run(run_start..start + end);
                    measured_to = start + end;
                }
                None => {
                    open = Some(run_start);
                    measured_to = usize::MAX;
                }
            }
        }
    }
    if let Some(run_start) = open {
        found.push_run(run_start..bytes.len());
    }
    found
}

impl Found {
    fn push_run(&mut self, run: Range<usize>) {
        if run.len() >= MIN_RUN {
            self.runs.push(run);
        }
    }
}

/// [`Shapes::could_be_encoded`] for 16 bytes, one at a time.
fn window_could_be_encoded(window: &[u8]) -> bool {
    let starts_group = |b: &u8| b.is_ascii_uppercase() || (b'a'..=b'f').contains(b);
    (0..4).any(|phase| window.iter().skip(phase).step_by(4).all(starts_group))
        || window.iter().all(u8::is_ascii_hexdigit)
}

/// The first clear bit at or after `from`.
fn first_clear(mask: &[u64; 4], from: usize) -> Option<usize> {
    (from / 64..4).find_map(|word| {
        let below = if word == from / 64 { from % 64 } else { 0 };
        let clear = !mask[word] & (u64::MAX << below);
        (clear != 0).then(|| word * 64 + clear.trailing_zeros() as usize)
    })
}

/// The last clear bit before `before`.
fn last_clear_before(mask: &[u64; 4], before: usize) -> Option<usize> {
    (0..=before / 64).rev().find_map(|word| {
        let kept = if word == before / 64 {
            (1u64 << (before % 64)) - 1
        } else {
            u64::MAX
        };
        let clear = !mask.get(word)? & kept;
        (clear != 0).then(|| word * 64 + 63 - clear.leading_zeros() as usize)
    })
}

fn for_each_set_bit(mask: &[u64; 4], mut f: impl FnMut(usize)) {
    for (word, &bits) in mask.iter().enumerate() {
        let mut bits = bits;
        while bits != 0 {
            f(word * 64 + bits.trailing_zeros() as usize);
            bits &= bits - 1;
        }
    }
}

/// One byte at a time, for CPUs without AVX2.
mod bytewise {
    use super::{CHUNK, is_base64_byte};

    pub struct Reader;

    fn mask(chunk: &[u8; CHUNK], test: impl Fn(u8) -> bool) -> [u64; 4] {
        let mut mask = [0u64; 4];
        for (i, &b) in chunk.iter().enumerate() {
            mask[i / 64] |= u64::from(test(b)) << (i % 64);
        }
        mask
    }

    impl super::Reader for Reader {
        type Classes = [u8; CHUNK];

        fn classify(&self, chunk: &[u8; CHUNK]) -> [u8; CHUNK] {
            *chunk
        }

        fn quads(&self, chunk: &[u8; CHUNK]) -> (u64, bool) {
            let quads = chunk
                .chunks_exact(4)
                .enumerate()
                .fold(0u64, |mask, (k, quad)| {
                    mask | (u64::from(quad.iter().all(|&b| is_base64_byte(b))) << k)
                });
            (quads, memchr::memchr2(b'%', b'\\', chunk).is_some())
        }

        fn alphabet(&self, chunk: &[u8; CHUNK]) -> [u64; 4] {
            mask(chunk, is_base64_byte)
        }

        fn special(&self, chunk: &[u8; CHUNK]) -> [u64; 4] {
            mask(chunk, |b| b == b'%' || b == b'\\')
        }

        fn shapes(&self, chunk: &[u8; CHUNK]) -> super::Shapes {
            super::Shapes {
                group_start: mask(chunk, |b| {
                    b.is_ascii_uppercase() || (b'a'..=b'f').contains(&b)
                }),
                hex: mask(chunk, |b| b.is_ascii_hexdigit()),
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{CHUNK, Found};
    use std::arch::x86_64::*;

    // Classes by nibble lookup: a byte's class is LOW[low nibble] & HIGH[high nibble], one
    // bit per group of characters sharing a high nibble.
    const SYMBOL: u8 = 1; // + - /      (0x2B 0x2D 0x2F)
    const DIGIT: u8 = 2; // 0-9         (0x30-0x39)
    const LETTER_LOW: u8 = 4; // A-O a-o (0x41-0x4F, 0x61-0x6F)
    const LETTER_HIGH: u8 = 8; // P-Z p-z (0x50-0x5A, 0x70-0x7A)
    const UNDERSCORE: u8 = 16; //        (0x5F)
    const PERCENT: u8 = 32; //           (0x25)
    const BACKSLASH: u8 = 64; //         (0x5C)
    const ALPHABET: u8 = SYMBOL | DIGIT | LETTER_LOW | LETTER_HIGH | UNDERSCORE;

    const fn low_table() -> [u8; 16] {
        let mut table = [0u8; 16];
        let mut n = 0;
        while n < 16 {
            let mut class = 0;
            if n == 0xB || n == 0xD || n == 0xF {
                class |= SYMBOL;
            }
            if n <= 9 {
                class |= DIGIT;
            }
            if n >= 1 {
                class |= LETTER_LOW;
            }
            if n <= 0xA {
                class |= LETTER_HIGH;
            }
            if n == 0xF {
                class |= UNDERSCORE;
            }
            if n == 5 {
                class |= PERCENT;
            }
            if n == 0xC {
                class |= BACKSLASH;
            }
            table[n] = class;
            n += 1;
        }
        table
    }

    const LOW: [u8; 16] = low_table();
    const HIGH: [u8; 16] = [
        0,
        0,
        SYMBOL | PERCENT,
        DIGIT,
        LETTER_LOW,
        LETTER_HIGH | UNDERSCORE | BACKSLASH,
        LETTER_LOW,
        LETTER_HIGH,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
    ];

    /// [`super::find_with`] compiled for AVX2, with its reader.
    #[target_feature(enable = "avx2")]
    pub fn find(bytes: &[u8]) -> Found {
        super::find_with(bytes, &Reader)
    }

    struct Reader;

    /// Each byte's class bits, 32 bytes at a time.
    #[target_feature(enable = "avx2")]
    fn classes(chunk: &[u8; CHUNK]) -> Classes {
        lookup(chunk, &LOW, &HIGH)
    }

    /// `low[byte & 15] & high[byte >> 4]` for every byte of the chunk.
    #[target_feature(enable = "avx2")]
    fn lookup(chunk: &[u8; CHUNK], low: &[u8; 16], high: &[u8; 16]) -> Classes {
        // SAFETY: the tables hold 16 readable bytes each; unaligned loads are allowed.
        let (low, high) = unsafe {
            (
                _mm256_broadcastsi128_si256(_mm_loadu_si128(low.as_ptr().cast())),
                _mm256_broadcastsi128_si256(_mm_loadu_si128(high.as_ptr().cast())),
            )
        };
        let nibble = _mm256_set1_epi8(0x0F);
        std::array::from_fn(|i| {
            // SAFETY: bytes 32i..32i+32 are in the chunk; unaligned loads are allowed.
            let x = unsafe { _mm256_loadu_si256(chunk.as_ptr().add(32 * i).cast()) };
            _mm256_and_si256(
                _mm256_shuffle_epi8(low, _mm256_and_si256(x, nibble)),
                _mm256_shuffle_epi8(high, _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble)),
            )
        })
    }

    /// Bit i of word i/64: byte i has one of the `bits`.
    #[target_feature(enable = "avx2")]
    fn bytes_with(classes: &Classes, bits: u8) -> [u64; 4] {
        let bits = _mm256_set1_epi8(bits as i8);
        let zero = _mm256_setzero_si256();
        let without = |i: usize| {
            let none = _mm256_cmpeq_epi8(_mm256_and_si256(classes[i], bits), zero);
            u64::from(_mm256_movemask_epi8(none) as u32)
        };
        std::array::from_fn(|word| !(without(2 * word) | (without(2 * word + 1) << 32)))
    }

    type Classes = [__m256i; CHUNK / 32];

    impl super::Reader for Reader {
        type Classes = Classes;

        #[inline(always)]
        fn classify(&self, chunk: &[u8; CHUNK]) -> Classes {
            // SAFETY: this reader is only made by `find`, which runs with AVX2.
            unsafe { classes(chunk) }
        }

        #[inline(always)]
        fn quads(&self, classes: &Classes) -> (u64, bool) {
            // SAFETY: as above.
            unsafe { quads(classes) }
        }

        #[inline(always)]
        fn alphabet(&self, classes: &Classes) -> [u64; 4] {
            // SAFETY: as above.
            unsafe { bytes_with(classes, ALPHABET) }
        }

        #[inline(always)]
        fn special(&self, classes: &Classes) -> [u64; 4] {
            // SAFETY: as above.
            unsafe { bytes_with(classes, PERCENT | BACKSLASH) }
        }

        #[inline(always)]
        fn shapes(&self, chunk: &[u8; CHUNK]) -> super::Shapes {
            // SAFETY: as above.
            unsafe { shapes(chunk) }
        }
    }

    // The second pair of tables, for [`super::Shapes`].
    const UPPER_A_O: u8 = 1; // 0x41-0x4F
    const UPPER_P_Z: u8 = 2; // 0x50-0x5A
    const LOWER_A_F: u8 = 4; // 0x61-0x66
    const UPPER_A_F: u8 = 8; // 0x41-0x46
    const DIGIT_: u8 = 16; // 0x30-0x39
    const GROUP_START: u8 = UPPER_A_O | UPPER_P_Z | LOWER_A_F;
    const HEX: u8 = LOWER_A_F | UPPER_A_F | DIGIT_;

    const fn shape_low_table() -> [u8; 16] {
        let mut table = [0u8; 16];
        let mut n = 0;
        while n < 16 {
            let mut class = 0;
            if n >= 1 {
                class |= UPPER_A_O;
            }
            if n <= 0xA {
                class |= UPPER_P_Z;
            }
            if n >= 1 && n <= 6 {
                class |= LOWER_A_F | UPPER_A_F;
            }
            if n <= 9 {
                class |= DIGIT_;
            }
            table[n] = class;
            n += 1;
        }
        table
    }

    const SHAPE_LOW: [u8; 16] = shape_low_table();
    const SHAPE_HIGH: [u8; 16] = {
        let mut table = [0u8; 16];
        table[3] = DIGIT_;
        table[4] = UPPER_A_O | UPPER_A_F;
        table[5] = UPPER_P_Z;
        table[6] = LOWER_A_F;
        table
    };

    #[target_feature(enable = "avx2")]
    fn shapes(chunk: &[u8; CHUNK]) -> super::Shapes {
        let classes = lookup(chunk, &SHAPE_LOW, &SHAPE_HIGH);
        super::Shapes {
            group_start: bytes_with(&classes, GROUP_START),
            hex: bytes_with(&classes, HEX),
        }
    }

    #[target_feature(enable = "avx2")]
    fn quads(classes: &Classes) -> (u64, bool) {
        let alphabet = _mm256_set1_epi8(ALPHABET as i8);
        let zero = _mm256_setzero_si256();
        let mut quads = 0u64;
        let mut seen = zero;
        for (i, &class) in classes.iter().enumerate() {
            let outside = _mm256_cmpeq_epi8(_mm256_and_si256(class, alphabet), zero);
            // 32-bit lanes (quads) with no byte outside the alphabet.
            let whole = _mm256_cmpeq_epi32(outside, zero);
            let mask = _mm256_movemask_ps(_mm256_castsi256_ps(whole)) as u8;
            quads |= u64::from(mask) << (i * 8);
            seen = _mm256_or_si256(seen, class);
        }
        let special = _mm256_set1_epi8((PERCENT | BACKSLASH) as i8);
        (quads, _mm256_testz_si256(seen, special) == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    /// Every alphabet run of `MIN_RUN` or more, and every trigger, the obvious way.
    fn every_run_and_trigger(bytes: &[u8]) -> Found {
        let mut found = Found::default();
        let mut i = 0;
        while i < bytes.len() {
            let len = bytes[i..]
                .iter()
                .take_while(|&&b| is_base64_byte(b))
                .count();
            if len >= MIN_RUN {
                found.runs.push(i..i + len);
            }
            i += len.max(1);
        }
        for (at, &b) in bytes.iter().enumerate() {
            match b {
                b'%' => found.percents.push(at),
                b'\\' => found.backslashes.push(at),
                _ => {}
            }
        }
        found
    }

    /// Whether some aligned 16-byte window inside the run passes the shape test, byte by byte.
    fn has_encoded_window(bytes: &[u8], run: &Range<usize>) -> bool {
        let group_start = |b: u8| b.is_ascii_uppercase() || (b'a'..=b'f').contains(&b);
        (run.start.next_multiple_of(4)..)
            .step_by(4)
            .take_while(|&at| at + 16 <= run.end)
            .any(|at| {
                let window = &bytes[at..at + 16];
                (0..4).any(|phase| {
                    window
                        .iter()
                        .skip(phase)
                        .step_by(4)
                        .all(|&b| group_start(b))
                }) || window.iter().all(u8::is_ascii_hexdigit)
            })
    }

    /// The contract: triggers exactly; runs only real ones, and surely those that could decode.
    fn check(bytes: &[u8], context: &str) {
        let all = every_run_and_trigger(bytes);
        for found in [find(bytes), find_with(bytes, &bytewise::Reader)] {
            assert_eq!(found.percents, all.percents, "{context}");
            assert_eq!(found.backslashes, all.backslashes, "{context}");
            for run in &found.runs {
                assert!(all.runs.contains(run), "{context}: {run:?} is not a run");
            }
            for run in all.runs.iter().filter(|r| has_encoded_window(bytes, r)) {
                assert!(found.runs.contains(run), "{context}: {run:?} missed");
            }
        }
    }

    /// A small deterministic generator (xorshift), so failures reproduce.
    fn noise(seed: u64, len: usize, alphabet: &[u8]) -> Vec<u8> {
        let mut state = seed | 1;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                alphabet[(state % alphabet.len() as u64) as usize]
            })
            .collect()
    }

    #[test]
    fn runs_and_triggers_are_found_at_every_length_and_alignment() {
        // Mostly alphabet with separators now and then: runs of every length, across chunks.
        let alphabet: Vec<u8> = (b'a'..=b'z')
            .chain(b'A'..=b'Z')
            .chain(b"0123456789+/-_".iter().copied())
            .chain(b" .%\\\n=\"\xC3\xA9\0".iter().copied())
            .collect();
        for seed in 1..300u64 {
            let len = (seed as usize * 37) % 1500;
            let mut bytes = noise(seed, len, &alphabet);
            // Runs of every length at varied offsets, some across one or more chunk borders,
            // of a character that passes the shape test and of one that does not.
            let run_at = (seed as usize * 13) % (len + 1);
            let run_len = (seed as usize * 7 % 700).min(len - run_at);
            let fill = if seed % 2 == 0 { b'Q' } else { b'z' };
            bytes[run_at..run_at + run_len].fill(fill);
            check(&bytes, &format!("seed {seed}"));
        }
    }

    #[test]
    fn base64_of_text_and_hex_are_found_among_identifiers() {
        let identifiers: Vec<u8> = (b'a'..=b'z')
            .chain(b"_____ ( ) . :: CamelCase Name 0 1".iter().copied())
            .collect();
        let engine = base64::engine::general_purpose::STANDARD;
        for seed in 1..400u64 {
            let mut bytes = noise(seed, 900, &identifiers);
            let text = noise(
                seed * 7,
                15 + seed as usize % 60,
                b"key=value token:ghp_0123 \n",
            );
            let encoded = match seed % 3 {
                0 => engine.encode(&text).into_bytes(),
                1 => text
                    .iter()
                    .flat_map(|b| format!("{b:02x}").into_bytes())
                    .collect(),
                // A name glued to the value, as `consider_run` cuts it off.
                _ => [&b"some-name-"[..], engine.encode(&text).as_bytes()].concat(),
            };
            let at = (seed as usize * 29) % (bytes.len() - encoded.len() - 2);
            bytes[at] = b'"';
            bytes[at + 1..at + 1 + encoded.len()].copy_from_slice(&encoded);
            bytes[at + 1 + encoded.len()] = b'"';
            let padding = encoded.iter().rev().take_while(|&&b| b == b'=').count();
            let want = at + 1..at + 1 + encoded.len() - padding;
            assert!(
                find(&bytes)
                    .runs
                    .iter()
                    .any(|r| r.start <= want.start && want.end <= r.end),
                "seed {seed}: {:?} not found",
                String::from_utf8_lossy(&encoded)
            );
            check(&bytes, &format!("seed {seed}"));
        }
    }

    #[test]
    fn runs_of_exactly_the_minimum_are_found_at_every_offset() {
        for offset in 0..300 {
            let mut bytes = vec![b' '; 600];
            bytes[offset..offset + MIN_RUN].fill(b'A');
            assert_eq!(
                find(&bytes).runs,
                vec![(offset..offset + MIN_RUN)],
                "{offset}"
            );
            bytes[offset + MIN_RUN - 1] = b'.';
            assert!(find(&bytes).runs.is_empty(), "{offset}");
        }
    }

    #[test]
    fn identifiers_are_not_reported() {
        let code = b"fn some_long_function_name_here(argument_number_one: usize) {\n    let value = CodePointInversionListBuilder::new();\n}\n".repeat(20);
        assert!(find(&code).runs.is_empty(), "{:?}", find(&code).runs);
    }

    #[test]
    fn every_byte_is_classified_as_the_table_says() {
        for b in 0..=255u8 {
            let mut bytes = vec![b'A'; 2 * CHUNK];
            bytes[CHUNK + 100] = b;
            let found = find(&bytes);
            let expected_runs = if is_base64_byte(b) { 1 } else { 2 };
            assert_eq!(found.runs.len(), expected_runs, "byte {b:#04x}");
            assert_eq!(found.percents.len(), usize::from(b == b'%'), "{b:#04x}");
            assert_eq!(found.backslashes.len(), usize::from(b == b'\\'), "{b:#04x}");
        }
    }
}
