//! Where decoding might pay, found at close to memory speed: long runs of the base64/base64url
//! alphabet that could decode to text (base64 and hex candidates), and the bytes that start the
//! other decoders' work (`%` and backslash).
//!
//! Most source code holds nothing to decode, so this pass is what decoding costs there. A run
//! worth decoding holds a 16-byte window of four aligned 4-byte quads, all in the alphabet, that
//! is shaped like base64 of ASCII text (in one of the four phases every character has the value
//! its place in a group allows: [`could_decode_to_text`]) or like hex. Identifiers are alphabet
//! runs too, and long ones fill a third of the chunks of source code, but they are rarely
//! shaped so.
//!
//! So each 256-byte chunk gets a first look that is cheap and never misses such a window: a
//! chain of four bytes, four apart, each `A`-`Z`, `a`-`f` or a digit in a quad that could be all
//! alphabet (one chunk in sixteen of Rust source has one). Only the 64-byte words where a chain
//! ends get the exact look, by masks over the group starts and the characters after them
//! ([`Shapes::windows`]) and then byte by byte on the few windows left; only chunks with a
//! window (or that a run goes on into) have their runs measured. With AVX2 the looks classify
//! bytes by two nibble lookups (`vpshufb`); without it, one byte at a time.

use std::ops::Range;

/// Shortest alphabet run reported. A run this long always covers four aligned quads (19 would).
pub const MIN_RUN: usize = 20;

const CHUNK: usize = 256;

/// What the pass found, in order of position.
#[derive(Debug, Default, PartialEq)]
pub struct Found {
    /// Maximal runs of the base64/base64url alphabet (padding apart), at least `MIN_RUN` long,
    /// that hold a 16-byte window shaped like base64 of ASCII text or like hex: every run that
    /// decodes to ASCII text, whole or after a cut, is among them.
    pub runs: Vec<Range<usize>>,
    /// `%` before two hex digits.
    pub percents: Vec<usize>,
    /// Backslashes that start an escape for which [`is_escape_trigger`] holds.
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

/// `A`-`Z` and `a`-`f`: the characters that can start a 4-character group of base64 of ASCII
/// text (the group's first byte is below 0x80, so its first 6 bits are below 32).
pub fn can_start_group(b: u8) -> bool {
    b.is_ascii_uppercase() || (b'a'..=b'f').contains(&b)
}

/// For a byte at place `r` (0 to 3) of a 16-byte window, `PHASES[r][byte]`: bit p (0 to 3) if
/// the byte can stand there in base64 of ASCII text whose groups start at place p, bit 4 if it
/// is a hex digit. A byte can be a group's first character if its value has bit 5 clear, its
/// second if bit 3 is clear, its third if bit 1 is (three ASCII bytes, each below 0x80, encode
/// so), and its fourth if it is in the alphabet at all.
static PHASES: [[u8; 256]; 4] = {
    let mut table = [[0u8; 256]; 4];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        // The value of each alphabet byte (`+` and `-` are 62, `/` and `_` 63).
        let value = match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' | b'-' => Some(62),
            b'/' | b'_' => Some(63),
            _ => None,
        };
        let hex = if c.is_ascii_hexdigit() { 1 << 4 } else { 0 };
        let mut r = 0;
        while r < 4 {
            let mut bits = hex;
            if let Some(value) = value {
                let mut phase = 0;
                while phase < 4 {
                    let clear = [0b10_0000, 0b1000, 0b10, 0][(r + 4 - phase) % 4];
                    if value & clear == 0 {
                        bits |= 1 << phase;
                    }
                    phase += 1;
                }
            }
            table[r][b] = bits;
            r += 1;
        }
        b += 1;
    }
    table
};

/// Whether 16 bytes that [`Shapes::windows`] let through could lie inside hex, or inside base64
/// of ASCII text: in one of the four phases, every byte can stand at its place in a group (see
/// [`PHASES`]). The shapes look at the characters that start groups; this finishes the test on
/// every character. Identifiers in capitals or camel case that pass the shapes (most of the
/// alphabet runs of source code) rarely pass this.
fn could_decode_to_text(window: &[u8; 16]) -> bool {
    let fits = (window.iter().enumerate())
        .fold(0x1F, |fits, (i, &b)| fits & PHASES[i % 4][usize::from(b)]);
    fits != 0
}

pub fn find(bytes: &[u8]) -> Found {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU was just found to have AVX2.
        return unsafe { avx2::find(bytes) };
    }
    find_with(bytes, &bytewise::Reader)
}

/// A 256-byte chunk, given a cheap first look and, where that look says so, an exact one.
trait Reader {
    /// Bit i of word i/64: byte i is `A`-`Z`, `a`-`f` or a digit, and its aligned quad could be
    /// all alphabet (the test may take in a few bytes more, never fewer); and whether a `%` or
    /// backslash is in the chunk.
    fn starts(&self, chunk: &[u8; CHUNK]) -> ([u64; 4], bool);
    /// Bit i of word i/64: byte i is `%` or a backslash.
    fn special(&self, chunk: &[u8; CHUNK]) -> [u64; 4];
    /// Bit i of word i/64: byte i is in the alphabet.
    fn alphabet(&self, chunk: &[u8; CHUNK]) -> [u64; 4];
    /// The exact masks of 64 bytes and of the 32 before them.
    fn shapes(&self, before: &[u8; 32], word: &[u8; 64]) -> Shapes;
}

/// Byte masks of 64 bytes and the 32 before them: bit i of word 1 for byte i, and the bytes
/// before in the upper half of word 0.
struct Shapes {
    alphabet: [u64; 2],
    /// `A`-`Z`, `a`-`z`, `0`-`9`: the alphabet without its symbols.
    alnum: [u64; 2],
    /// Bytes for which [`can_start_group`] holds.
    group_start: [u64; 2],
    /// `0`-`9`, `A`-`F`, `a`-`f`.
    hex: [u64; 2],
}

impl Shapes {
    /// Bit k: the 16 bytes ending with quad k of the 64 (bytes 4k-12..4k+4) are all in the
    /// alphabet and could lie inside hex, or inside base64 of text: one of the four phases has
    /// a group start in each of their quads, and the two characters after each of the first
    /// three are letters or digits (in base64 of ASCII text the second and third characters of
    /// a group encode values below 62, so only the fourth can be `+`, `/`, `-` or `_`). Every
    /// such window inside a run that decodes passes, whether the run decodes whole or from a
    /// cut.
    fn windows(&self) -> u64 {
        // Bit i: bit i - by of the mask.
        let back = |mask: &[u64; 2], by: u32| [mask[0] << by, mask[1] << by | mask[0] >> (64 - by)];
        let and = |a: [u64; 2], b: [u64; 2]| [a[0] & b[0], a[1] & b[1]];
        // Bit i: bytes i-15..=i are all in the mask.
        let sixteen = |mask: [u64; 2]| {
            let mask = and(mask, back(&mask, 1));
            let mask = and(mask, back(&mask, 2));
            let mask = and(mask, back(&mask, 4));
            and(mask, back(&mask, 8))
        };
        // Bit i: byte i-2 can start a group and bytes i-1 and i are letters or digits.
        let group = and(
            and(back(&self.group_start, 2), back(&self.alnum, 1)),
            self.alnum,
        );
        // Bit i: byte i can start a group, after three such groups.
        let chain = and(
            and(self.group_start, back(&group, 2)),
            and(back(&group, 6), back(&group, 10)),
        );
        let (alphabet, hex) = (sixteen(self.alphabet), sixteen(self.hex));
        // Bit 4k+3: a chain ends in quad k, or hex does.
        let c = chain[1];
        let ends = alphabet[1] & (c | c << 1 | c << 2 | c << 3 | hex[1]);
        every_fourth_bit(ends >> 3)
    }
}

/// Bits 0, 4, 8, …, 60 of `x`, packed into bits 0..16.
fn every_fourth_bit(x: u64) -> u64 {
    let x = x & 0x1111_1111_1111_1111;
    let x = (x | x >> 3) & 0x0303_0303_0303_0303;
    let x = (x | x >> 6) & 0x000F_000F_000F_000F;
    let x = (x | x >> 12) & 0x0000_00FF_0000_00FF;
    (x | x >> 24) & 0xFFFF
}

/// The chunk walk, generic over the reader so the AVX2 build inlines its own.
///
/// Most chunks (eight in nine of Rust source) have no chain and no trigger byte: for them the walk
/// is the first look and nothing more. The rest go to [`Walk::visit`], kept out of line so that
/// this loop stays small.
#[inline(always)]
fn find_with(bytes: &[u8], reader: &impl Reader) -> Found {
    let mut walk = Walk::default();
    let mut carry = Carry::default();
    let (whole, tail) = bytes.as_chunks::<CHUNK>();
    let mut look = |start: usize, chunk: &[u8; CHUNK]| {
        let (starts, special) = reader.starts(chunk);
        let chains = carry.chains(starts);
        if special || chains.iter().fold(0, |any, c| any | c) != 0 || walk.open.is_some() {
            walk.visit(bytes, start, chunk, chains, special, reader);
        }
    };
    for (index, chunk) in whole.iter().enumerate() {
        look(index * CHUNK, chunk);
    }
    if !tail.is_empty() {
        // Padded with zero bytes (in no class).
        let mut padded = [0u8; CHUNK];
        padded[..tail.len()].copy_from_slice(tail);
        look(whole.len() * CHUNK, &padded);
    }
    walk.finish(bytes.len())
}

/// The last word of starts and of pairs of starts, so chains can cross words and chunks.
#[derive(Default)]
struct Carry {
    starts: u64,
    pairs: u64,
}

impl Carry {
    /// Bit i of word i/64: bytes i, i-4, i-8 and i-12 of the chunk all hold starts. Every
    /// window of [`Shapes::windows`] has such a chain ending in its last quad.
    #[inline(always)]
    fn chains(&mut self, starts: [u64; 4]) -> [u64; 4] {
        starts.map(|word| {
            let pairs = word & (word << 4 | self.starts >> 60);
            let chains = pairs & (pairs << 8 | self.pairs >> 56);
            (self.starts, self.pairs) = (word, pairs);
            chains
        })
    }
}

/// What the walk has found so far, and the run it may be inside.
#[derive(Default)]
struct Walk {
    found: Found,
    /// The start of a run that reached the end of the previous chunk.
    open: Option<usize>,
    /// Where the last run measured ended: windows before it belong to that run.
    measured_to: usize,
}

impl Walk {
    /// A chunk (from `start` in `bytes`) with a chain or a trigger byte, or that a run goes on
    /// into.
    // Cold: rare enough (one chunk in nine) that the walk's loop keeps its constants in
    // registers and reloads them after a visit, rather than on every chunk.
    #[inline(never)]
    #[cold]
    fn visit(
        &mut self,
        bytes: &[u8],
        start: usize,
        chunk: &[u8; CHUNK],
        chains: [u64; 4],
        special: bool,
        reader: &impl Reader,
    ) {
        if special {
            for_each_set_bit(&reader.special(chunk), |i| {
                self.found.push_trigger(bytes, start + i)
            });
        }
        // A run from an earlier chunk is measured first: inside a long one (a big base64
        // blob) every word has a chain, and none of its windows needs a look.
        let mut alphabet = None;
        if let Some(run_start) = self.open.take() {
            let mask = alphabet.insert(reader.alphabet(chunk));
            let Some(end) = first_clear(mask, 0) else {
                // The whole chunk is alphabet: the run goes on.
                self.open = Some(run_start);
                return;
            };
            self.found.push_run(run_start..start + end);
            self.measured_to = start + end;
        }
        // Bit k: a window ends with quad k. Only the words with a chain are looked at.
        let mut windows = 0;
        for w in (0..CHUNK / 64).filter(|&w| chains[w] != 0) {
            let before = match (w, start.checked_sub(32)) {
                (1.., _) => chunk[64 * w - 32..64 * w].try_into().unwrap(),
                (0, Some(from)) => bytes[from..start].try_into().unwrap(),
                (0, None) => &[0; 32],
            };
            let word = chunk[64 * w..64 * w + 64].try_into().unwrap();
            windows |= reader.shapes(before, word).windows() << (16 * w);
        }
        while windows != 0 {
            let at = 4 * windows.trailing_zeros() as usize;
            windows &= windows - 1;
            if start + at < self.measured_to
                || !(start + at)
                    .checked_sub(12)
                    .and_then(|from| bytes.get(from..start + at + 4))
                    .and_then(|window| window.try_into().ok())
                    .is_some_and(could_decode_to_text)
            {
                continue;
            }
            let alphabet = alphabet.get_or_insert_with(|| reader.alphabet(chunk));
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
                    self.found.push_run(run_start..start + end);
                    self.measured_to = start + end;
                }
                None => {
                    self.open = Some(run_start);
                    self.measured_to = usize::MAX;
                }
            }
        }
    }

    fn finish(mut self, len: usize) -> Found {
        if let Some(run_start) = self.open {
            self.found.push_run(run_start..len);
        }
        self.found
    }
}

impl Found {
    fn push_run(&mut self, run: Range<usize>) {
        if run.len() >= MIN_RUN {
            self.runs.push(run);
        }
    }

    /// The `%` or backslash at `at`, if what follows it makes it a trigger.
    fn push_trigger(&mut self, bytes: &[u8], at: usize) {
        let next = &bytes[at + 1..];
        match bytes[at] {
            b'%' if next.get(..2).and_then(parse_hex).is_some() => self.percents.push(at),
            b'\\' if is_escape_trigger(next) => self.backslashes.push(at),
            _ => {}
        }
    }
}

/// Whether the escape whose backslash comes just before `next` can split a token or its name:
/// `\/`, `\uXXXX` and `\xXX` of a printable character, and the `\":` of JSON serialised into a
/// string. Most backslashes in code are not: `\n`, `\\`, `\x00\x1b` in a byte string, Rust's
/// `\u{…}`, a quote escaped inside a string.
pub fn is_escape_trigger(next: &[u8]) -> bool {
    let printable = |digits: usize, below: u32| {
        next.get(1..1 + digits)
            .and_then(parse_hex)
            .is_some_and(|c| (0x20..below).contains(&c) && c != 0x7F)
    };
    match next.first() {
        Some(b'/') => true,
        Some(b'u') => printable(4, u32::MAX),
        Some(b'x') => printable(2, 0x80),
        Some(b'"') => next.get(1) == Some(&b':'),
        _ => false,
    }
}

/// The value of up to eight hex digits; `None` if one is not a hex digit.
pub fn parse_hex(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0, |value, &d| {
        let digit = char::from(d).to_digit(16)?;
        Some(value << 4 | digit)
    })
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
    use super::{CHUNK, can_start_group, is_base64_byte};

    pub struct Reader;

    fn mask(chunk: &[u8; CHUNK], test: impl Fn(u8) -> bool) -> [u64; 4] {
        let mut mask = [0u64; 4];
        for (i, &b) in chunk.iter().enumerate() {
            mask[i / 64] |= u64::from(test(b)) << (i % 64);
        }
        mask
    }

    impl super::Reader for Reader {
        fn starts(&self, chunk: &[u8; CHUNK]) -> ([u64; 4], bool) {
            let mut starts = [0u64; 4];
            for (k, quad) in chunk.chunks_exact(4).enumerate() {
                if quad.iter().all(|&b| is_base64_byte(b)) {
                    for (i, &b) in (4 * k..).zip(quad) {
                        let start = can_start_group(b) || b.is_ascii_digit();
                        starts[i / 64] |= u64::from(start) << (i % 64);
                    }
                }
            }
            (starts, memchr::memchr2(b'%', b'\\', chunk).is_some())
        }

        fn special(&self, chunk: &[u8; CHUNK]) -> [u64; 4] {
            mask(chunk, |b| b == b'%' || b == b'\\')
        }

        fn alphabet(&self, chunk: &[u8; CHUNK]) -> [u64; 4] {
            mask(chunk, is_base64_byte)
        }

        fn shapes(&self, before: &[u8; 32], word: &[u8; 64]) -> super::Shapes {
            let with = |test: fn(u8) -> bool| {
                let bits = |bytes: &[u8]| {
                    (bytes.iter().rev()).fold(0, |m, &b| m << 1 | u64::from(test(b)))
                };
                [bits(before) << 32, bits(word)]
            };
            super::Shapes {
                alphabet: with(is_base64_byte),
                alnum: with(|b| b.is_ascii_alphanumeric()),
                group_start: with(can_start_group),
                hex: with(|b| b.is_ascii_hexdigit()),
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2;

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
        for (at, three) in bytes.windows(3).enumerate() {
            match three {
                [b'%', a, b] if a.is_ascii_hexdigit() && b.is_ascii_hexdigit() => {
                    found.percents.push(at)
                }
                _ => {}
            }
        }
        for (at, &b) in bytes.iter().enumerate() {
            if b == b'\\' && is_escape_trigger(&bytes[at + 1..]) {
                found.backslashes.push(at);
            }
        }
        found
    }

    /// Whether some aligned 16-byte window inside the run is all hex, or decodes to ASCII in one
    /// of the four phases (filled out to whole groups with `A`, which adds zero bits).
    fn has_encoded_window(bytes: &[u8], run: &Range<usize>) -> bool {
        let engine = base64::engine::general_purpose::STANDARD;
        (run.start.next_multiple_of(4)..)
            .step_by(4)
            .take_while(|&at| at + 16 <= run.end)
            .any(|at| {
                let window = &bytes[at..at + 16];
                let ascii_in_phase = |phase: usize| {
                    let mut groups = vec![b'A'; (4 - phase) % 4];
                    groups.extend(window.iter().map(|&b| match b {
                        b'-' => b'+',
                        b'_' => b'/',
                        b => b,
                    }));
                    groups.resize(groups.len().next_multiple_of(4), b'A');
                    engine.decode(&groups).is_ok_and(|text| text.is_ascii())
                };
                (0..4).any(ascii_in_phase) || window.iter().all(u8::is_ascii_hexdigit)
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
        // Names whose group starts fit a phase (capitals start groups), but not the rest.
        for name in [
            "ID_STC_BUILD_STATUS_CHECKED_AA_PATH",
            "FLAG_IGNORE_NUMBERED_GROUPS_WHEN_NAMED_GROUPS_EXIST",
            "PropertyNameParseHangulSyllableTypeV1",
            "ParseableEnumeratedProperty",
        ] {
            let code = format!("    let x = {name};\n").repeat(20);
            assert!(find(code.as_bytes()).runs.is_empty(), "{name}");
        }
    }

    #[test]
    fn escape_triggers_are_escapes_of_printable_characters() {
        for (escape, trigger) in [
            (r"\/", true),
            (r"\u002B", true),
            (r"\x41", true),
            (r#"\":"#, true),
            (r"\n", false),
            (r"\\", false),
            (r"\x00", false),
            (r"\x7f", false),
            (r"\xE2", false),
            (r"\u001b", false),
            (r"\u{1F600}", false),
            (r"\u12", false),
            (r#"\""#, false),
            (r"\", false),
        ] {
            assert_eq!(
                is_escape_trigger(&escape.as_bytes()[1..]),
                trigger,
                "{escape}"
            );
            let text = format!("let s = \"{escape}\";");
            let at = text.find('\\').unwrap();
            let expected = if trigger { vec![at] } else { vec![] };
            assert_eq!(find(text.as_bytes()).backslashes, expected, "{escape}");
        }
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
            bytes[CHUNK + 101] = b'/';
            assert_eq!(
                find(&bytes).backslashes.len(),
                usize::from(b == b'\\'),
                "{b:#04x}"
            );
        }
    }

    #[test]
    fn every_group_start_is_a_start_in_the_first_look() {
        // Runs of 20 where only one phase can start groups, with `b` in that phase and a letter
        // that cannot start one elsewhere (`g`, whose value suits a group's other places):
        // found exactly when `b` can start a group.
        for b in 0..=255u8 {
            let mut bytes = vec![b' '; 2 * CHUNK];
            for (i, byte) in bytes[CHUNK - 8..CHUNK + 12].iter_mut().enumerate() {
                *byte = if i % 4 == 0 { b } else { b'g' };
            }
            for found in [find(&bytes), find_with(&bytes, &bytewise::Reader)] {
                assert_eq!(!found.runs.is_empty(), can_start_group(b), "byte {b:#04x}");
            }
        }
        // Hex of digits alone has no letter to start a group: digits count as starts too.
        let mut bytes = vec![b' '; 2 * CHUNK];
        bytes[CHUNK - 8..CHUNK + 12].copy_from_slice(b"31323334353637383930");
        assert_eq!(find(&bytes).runs, vec![CHUNK - 8..CHUNK + 12]);
    }
}
