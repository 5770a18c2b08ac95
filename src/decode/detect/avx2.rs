//! The AVX2 reader of [`super::find_with`]: each chunk's bytes classified 32 at a time by two
//! `vpshufb` nibble lookups, its masks built with `vpmovmskb`. Made only by [`find`], which its
//! caller runs once the CPU is known to have AVX2.

use super::{CHUNK, Found};
use std::arch::x86_64::*;

/// A byte's classes are `LOW[low nibble] & HIGH[high nibble]`: one bit per set of bytes
/// that is a product of high and low nibbles.
struct Tables {
    low: [u8; 16],
    high: [u8; 16],
}

impl Tables {
    /// `classes` lists each class bit with its high nibbles and its low nibbles.
    const fn new(classes: &[(u8, &[u8], &[u8])]) -> Tables {
        let (mut low, mut high) = ([0u8; 16], [0u8; 16]);
        let mut c = 0;
        while c < classes.len() {
            let (bit, highs, lows) = classes[c];
            let mut i = 0;
            while i < highs.len() {
                high[highs[i] as usize] |= bit;
                i += 1;
            }
            let mut i = 0;
            while i < lows.len() {
                low[lows[i] as usize] |= bit;
                i += 1;
            }
            c += 1;
        }
        Tables { low, high }
    }
}

const ONE_TO_SIX: &[u8] = &[1, 2, 3, 4, 5, 6];
const SEVEN_UP: &[u8] = &[7, 8, 9, 0xA, 0xB, 0xC, 0xD, 0xE, 0xF];
const ONE_UP: &[u8] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 0xA, 0xB, 0xC, 0xD, 0xE, 0xF];
const TO_NINE: &[u8] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const TO_TEN: &[u8] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xA];
const ALL: &[u8] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xA, 0xB, 0xC, 0xD, 0xE, 0xF];
const B_D_F: &[u8] = &[0xB, 0xD, 0xF];

// The first look's classes. Every alphabet byte has one, so a quad whose bytes all have
// some class could be all alphabet; a few other bytes have one too (`` ` `` `[` `]` `{` `|`
// `}` `~` DEL `%` `\`), which only lets a few more chunks through to the exact look. A byte
// has at most one of the four classes below 16, so it is a start exactly when its classes
// are 16 or more.
const LOWER: u8 = 1; // 0x60-0x7F, lowercase letters among them
const SYMBOL: u8 = 2; // + - / [ ] _
const PERCENT: u8 = 4;
const BACKSLASH: u8 = 8;
const A_TO_F: u8 = 16; // A-F a-f
const G_TO_O: u8 = 32; // G-O
const P_TO_Z: u8 = 64; // P-Z
const DIGIT: u8 = 128; // 0-9
const FIRST_LOOK: Tables = Tables::new(&[
    (A_TO_F, &[4, 6], ONE_TO_SIX),
    (G_TO_O, &[4], SEVEN_UP),
    (P_TO_Z, &[5], TO_TEN),
    (DIGIT, &[3], TO_NINE),
    (LOWER, &[6, 7], ALL),
    (SYMBOL, &[2, 5], B_D_F),
    (PERCENT, &[2], &[5]),
    (BACKSLASH, &[5], &[0xC]),
]);

// The exact look's classes: the alphabet is all of them.
const HEX_LETTER: u8 = 1; // A-F a-f
const UPPER_A_TO_O: u8 = 2;
const UPPER_P_TO_Z: u8 = 4;
const LOWER_G_TO_O: u8 = 8;
const LOWER_P_TO_Z: u8 = 16;
const HEX_DIGIT: u8 = 32; // 0-9
const PLUS_DASH_SLASH: u8 = 64;
const UNDERSCORE: u8 = 128;
const GROUP_START: u8 = HEX_LETTER | UPPER_A_TO_O | UPPER_P_TO_Z;
const HEX: u8 = HEX_LETTER | HEX_DIGIT;
const EXACT: Tables = Tables::new(&[
    (HEX_LETTER, &[4, 6], ONE_TO_SIX),
    (UPPER_A_TO_O, &[4], ONE_UP),
    (UPPER_P_TO_Z, &[5], TO_TEN),
    (LOWER_G_TO_O, &[6], SEVEN_UP),
    (LOWER_P_TO_Z, &[7], TO_TEN),
    (HEX_DIGIT, &[3], TO_NINE),
    (PLUS_DASH_SLASH, &[2], B_D_F),
    (UNDERSCORE, &[5], &[0xF]),
]);

/// [`super::find_with`] compiled for AVX2, with its reader.
#[target_feature(enable = "avx2")]
pub fn find(bytes: &[u8]) -> Found {
    super::find_with(bytes, &Reader)
}

struct Reader;

type Classes = [__m256i; CHUNK / 32];

/// Bytes 32i..32i+32 of the chunk.
#[inline]
#[target_feature(enable = "avx2")]
fn load(chunk: &[u8; CHUNK], i: usize) -> __m256i {
    assert!(i < CHUNK / 32);
    // SAFETY: bytes 32i..32i+32 are in the chunk; unaligned loads are allowed.
    unsafe { _mm256_loadu_si256(chunk.as_ptr().add(32 * i).cast()) }
}

/// Each byte's classes, 32 bytes at a time.
#[target_feature(enable = "avx2")]
fn lookup(chunk: &[u8; CHUNK], tables: &Tables) -> Classes {
    std::array::from_fn(|i| lookup_vector(load(chunk, i), tables))
}

/// A byte's classes; bytes from 0x80 have none (`vpshufb` gives 0 for them from the low
/// table, and 0 is the high table's entry for them too).
#[inline]
#[target_feature(enable = "avx2")]
fn lookup_vector(x: __m256i, tables: &Tables) -> __m256i {
    // SAFETY: the tables hold 16 readable bytes each; unaligned loads are allowed.
    let (low, high) = unsafe {
        (
            _mm256_broadcastsi128_si256(_mm_loadu_si128(tables.low.as_ptr().cast())),
            _mm256_broadcastsi128_si256(_mm_loadu_si128(tables.high.as_ptr().cast())),
        )
    };
    let nibble = _mm256_set1_epi8(0x0F);
    _mm256_and_si256(
        _mm256_shuffle_epi8(low, x),
        _mm256_shuffle_epi8(high, _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble)),
    )
}

/// Bit i of word i/64: byte i has one of the `bits`.
#[target_feature(enable = "avx2")]
fn bytes_with(classes: &Classes, bits: u8) -> [u64; 4] {
    std::array::from_fn(|word| {
        vector_bytes_with(classes[2 * word], bits)
            | vector_bytes_with(classes[2 * word + 1], bits) << 32
    })
}

/// Bit i: byte i of the vector has one of the `bits`.
#[inline]
#[target_feature(enable = "avx2")]
fn vector_bytes_with(classes: __m256i, bits: u8) -> u64 {
    let none = _mm256_cmpeq_epi8(
        _mm256_and_si256(classes, _mm256_set1_epi8(bits as i8)),
        _mm256_setzero_si256(),
    );
    u64::from(!(_mm256_movemask_epi8(none) as u32))
}

/// How far ahead of the chunk in hand the first look asks for bytes.
const PREFETCH_AHEAD: usize = 4096;

#[target_feature(enable = "avx2")]
fn starts(chunk: &[u8; CHUNK]) -> ([u64; 4], bool) {
    // This pass is the first to read the file (the matcher's comes after it), and the
    // hardware prefetcher does not bring it to L1 fast enough for so light a loop: asking
    // for it 4 KB ahead makes the timed micro-benchmark about 2 points cheaper.
    for line in 0..CHUNK / 64 {
        // A prefetch never faults, whatever the address: past the file's end is harmless.
        let ahead = chunk.as_ptr().wrapping_add(PREFETCH_AHEAD + 64 * line);
        _mm_prefetch::<_MM_HINT_T0>(ahead.cast());
    }
    let zero = _mm256_setzero_si256();
    // Adding this sets the top bit of exactly the classes from 16 up.
    let to_top_bit = _mm256_set1_epi8(0x70);
    let mut seen = zero;
    let masks: [u64; 8] = std::array::from_fn(|i| {
        let class = lookup_vector(load(chunk, i), &FIRST_LOOK);
        // 32-bit lanes (quads) with no byte outside every class.
        let quad = _mm256_cmpeq_epi32(_mm256_cmpeq_epi8(class, zero), zero);
        let start = _mm256_adds_epu8(class, to_top_bit);
        seen = _mm256_or_si256(seen, class);
        u64::from(_mm256_movemask_epi8(_mm256_and_si256(start, quad)) as u32)
    });
    let special = _mm256_set1_epi8((PERCENT | BACKSLASH) as i8);
    (
        std::array::from_fn(|w| masks[2 * w] | masks[2 * w + 1] << 32),
        // A movemask rather than `vptest`, which LLVM turned into a horizontal OR here.
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(seen, special), zero)) != -1,
    )
}

/// Compared byte by byte rather than read from the classes, so that the first look need
/// not keep its classes (and spill them) for the few chunks that have these bytes.
#[target_feature(enable = "avx2")]
fn special(chunk: &[u8; CHUNK]) -> [u64; 4] {
    let masks: [u64; 8] = std::array::from_fn(|i| {
        let x = load(chunk, i);
        let special = _mm256_or_si256(
            _mm256_cmpeq_epi8(x, _mm256_set1_epi8(b'%' as i8)),
            _mm256_cmpeq_epi8(x, _mm256_set1_epi8(b'\\' as i8)),
        );
        u64::from(_mm256_movemask_epi8(special) as u32)
    });
    std::array::from_fn(|w| masks[2 * w] | masks[2 * w + 1] << 32)
}

#[target_feature(enable = "avx2")]
fn shapes(before: &[u8; 32], word: &[u8; 64]) -> super::Shapes {
    // SAFETY: the loads are of the 32 bytes of `before` and of each half of `word`;
    // unaligned loads are allowed.
    let [before, low, high] = [before.as_ptr(), word.as_ptr(), word[32..].as_ptr()]
        .map(|at| lookup_vector(unsafe { _mm256_loadu_si256(at.cast()) }, &EXACT));
    let with = |bits: u8| {
        [
            vector_bytes_with(before, bits) << 32,
            vector_bytes_with(low, bits) | vector_bytes_with(high, bits) << 32,
        ]
    };
    super::Shapes {
        alphabet: with(u8::MAX),
        alnum: with(!(PLUS_DASH_SLASH | UNDERSCORE)),
        group_start: with(GROUP_START),
        hex: with(HEX),
    }
}

impl super::Reader for Reader {
    #[inline(always)]
    fn starts(&self, chunk: &[u8; CHUNK]) -> ([u64; 4], bool) {
        // SAFETY: this reader is only made by `find`, which runs with AVX2.
        unsafe { starts(chunk) }
    }

    #[inline(always)]
    fn special(&self, chunk: &[u8; CHUNK]) -> [u64; 4] {
        // SAFETY: as above.
        unsafe { special(chunk) }
    }

    #[inline(always)]
    fn alphabet(&self, chunk: &[u8; CHUNK]) -> [u64; 4] {
        // SAFETY: as above.
        unsafe { bytes_with(&lookup(chunk, &EXACT), u8::MAX) }
    }

    #[inline(always)]
    fn shapes(&self, before: &[u8; 32], word: &[u8; 64]) -> super::Shapes {
        // SAFETY: as above.
        unsafe { shapes(before, word) }
    }
}
