//! Hundreds of caseless keywords in one pass, in plain Rust: each keyword is *anchored* by its
//! rarest four bytes (never, where avoidable, four bytes of a common word of code), and one loop
//! hashes every four-byte window of the haystack into a bitmap of those anchors (32 KiB: it
//! stays in L1). Only windows whose bit is set are looked up and confirmed against the keywords
//! anchored there.
//!
//! Why not Teddy for all of them: a Teddy searcher holds 16 keywords well, so 600 keywords are
//! ~40 passes over the text; this is one pass whose cost barely grows with the keyword count
//! (the bitmap fills by ~0.25 % per 600 anchors). Keywords shorter than an anchor are found by a
//! Teddy searcher over their case variants beside it (an overlapping Aho-Corasick search for
//! three of them took a third of the time).
//!
//! Folding: a window is compared with every byte ORed with 0x20, which maps `A`–`Z` onto
//! `a`–`z` (and some punctuation onto other punctuation): two texts equal ignoring ASCII case
//! are equal after it, so no keyword is missed; the confirmation compares properly.

use aho_corasick::{
    AhoCorasick, MatchKind, Span,
    packed::{self, Searcher},
};

/// Bytes in an anchor: a `u32` window.
const WIDTH: usize = 4;
/// log2 of the bitmap's size in bits: 2^18 bits (32 KiB) ran 8 % faster than 2^16 on real
/// source (fewer windows pass by a hash collision) and still fits L1.
const BITS: u32 = 18;
/// log2 of a second, smaller bitmap under an independent hash, asked only when the first says
/// yes: with 1,300 anchors the first passes ~0.5 % of windows, nearly all by collision, and
/// each costs a bucket lookup in a 1 MiB table; both together pass ~0.01 %. 2^16 bits (8 KiB)
/// keep the pair within L1.
const FILTER_BITS: u32 = 16;
/// Folds four bytes at once (see the module comment).
const FOLD4: u32 = 0x2020_2020;
const FOLD8: u64 = 0x2020_2020_2020_2020;

pub(super) struct Anchored {
    /// Bit `h` is set when some anchor hashes to `h`.
    bitmap: Vec<u64>,
    /// Bit `f` is set when some anchor's second hash is `f`.
    filter: Vec<u64>,
    /// The anchors hashing to `h` are `anchors[starts[h]..starts[h + 1]]`.
    starts: Vec<u32>,
    anchors: Vec<Anchor>,
    /// Keywords shorter than an anchor.
    short: Short,
}

/// The keywords shorter than an anchor (their indexes among all keywords), and what finds them.
enum Short {
    None,
    /// Finds where one of them starts; each is then compared there.
    Teddy(Searcher, Vec<usize>),
    /// More case variants than a Teddy searcher holds (user rules with many short keywords).
    Automaton(AhoCorasick, Vec<usize>),
}

/// Case variants of the short keywords a Teddy searcher is given at most.
const MAX_SHORT_VARIANTS: usize = 64;

struct Anchor {
    /// The folded window.
    window: u32,
    keyword: usize,
    /// Where the window sits in the keyword.
    offset: usize,
}

impl Anchored {
    /// `keywords` are lowercase and non-empty.
    pub(super) fn new(keywords: &[Vec<u8>]) -> anyhow::Result<Anchored> {
        let mut anchors = Vec::new();
        let mut short = Vec::new();
        for (keyword, text) in keywords.iter().enumerate() {
            if text.len() < WIDTH {
                short.push(keyword);
                continue;
            }
            let offset = rarest_window(text);
            anchors.push(Anchor {
                window: folded_window(&text[offset..]),
                keyword,
                offset,
            });
        }
        // Grouped by hash: bucket `h` is `anchors[starts[h]..starts[h + 1]]`.
        anchors.sort_by_key(|a| hash(a.window));
        let mut bitmap = vec![0u64; (1 << BITS) / 64];
        let mut filter = vec![0u64; (1 << FILTER_BITS) / 64];
        let mut starts = vec![0u32; (1 << BITS) + 1];
        for anchor in &anchors {
            let h = hash(anchor.window);
            bitmap[h / 64] |= 1 << (h % 64);
            let f = filter_hash(anchor.window);
            filter[f / 64] |= 1 << (f % 64);
            starts[h + 1] += 1;
        }
        for h in 0..1 << BITS {
            starts[h + 1] += starts[h];
        }
        let short = short_searcher(keywords, short)?;
        Ok(Anchored {
            bitmap,
            filter,
            starts,
            anchors,
            short,
        })
    }

    /// Calls `hit(keyword, start)` for every occurrence of every keyword, each pair once.
    pub(super) fn for_each_hit(
        &self,
        keywords: &[Vec<u8>],
        haystack: &[u8],
        hit: &mut impl FnMut(usize, usize),
    ) {
        match &self.short {
            Short::None => {}
            Short::Teddy(searcher, ids) => {
                let mut from = 0;
                while let Some(m) = searcher.find_in(haystack, Span::from(from..haystack.len())) {
                    for &keyword in ids {
                        let text = &keywords[keyword];
                        if haystack
                            .get(m.start()..m.start() + text.len())
                            .is_some_and(|h| h.eq_ignore_ascii_case(text))
                        {
                            hit(keyword, m.start());
                        }
                    }
                    from = m.start() + 1;
                }
            }
            Short::Automaton(automaton, ids) => {
                for m in automaton.find_overlapping_iter(haystack) {
                    hit(ids[m.pattern().as_usize()], m.start());
                }
            }
        }
        if haystack.len() < WIDTH {
            return;
        }
        // Four windows per eight-byte load; the tail one window at a time.
        let mut at = 0;
        while at + 8 <= haystack.len() {
            let word = u64::from_le_bytes(haystack[at..at + 8].try_into().unwrap()) | FOLD8;
            for k in 0..4 {
                let window = (word >> (8 * k)) as u32;
                if let Some(h) = self.bucket(window) {
                    self.confirm(keywords, haystack, window, h, at + k, hit);
                }
            }
            at += 4;
        }
        while at + WIDTH <= haystack.len() {
            let window = folded_window(&haystack[at..]);
            if let Some(h) = self.bucket(window) {
                self.confirm(keywords, haystack, window, h, at, hit);
            }
            at += 1;
        }
    }

    /// The window's hash when its bits in both bitmaps are set (some anchor may be there),
    /// else `None`.
    #[inline(always)]
    fn bucket(&self, window: u32) -> Option<usize> {
        let h = hash(window);
        if self.bitmap[h / 64] & (1 << (h % 64)) == 0 {
            return None;
        }
        let f = filter_hash(window);
        (self.filter[f / 64] & (1 << (f % 64)) != 0).then_some(h)
    }

    /// The keywords anchored on `window` at `at` that really occur there.
    #[inline(never)]
    fn confirm(
        &self,
        keywords: &[Vec<u8>],
        haystack: &[u8],
        window: u32,
        h: usize,
        at: usize,
        hit: &mut impl FnMut(usize, usize),
    ) {
        let bucket = &self.anchors[self.starts[h] as usize..self.starts[h + 1] as usize];
        for anchor in bucket.iter().filter(|a| a.window == window) {
            let Some(start) = at.checked_sub(anchor.offset) else {
                continue;
            };
            let keyword = &keywords[anchor.keyword];
            if haystack
                .get(start..start + keyword.len())
                .is_some_and(|text| text.eq_ignore_ascii_case(keyword))
            {
                hit(anchor.keyword, start);
            }
        }
    }
}

/// A Teddy searcher over every case variant of the short keywords (at most 2^3 each), or an
/// automaton when there are too many variants.
fn short_searcher(keywords: &[Vec<u8>], short: Vec<usize>) -> anyhow::Result<Short> {
    if short.is_empty() {
        return Ok(Short::None);
    }
    let variants: Vec<Vec<u8>> = short
        .iter()
        .flat_map(|&k| case_variants(&keywords[k]))
        .collect();
    if variants.len() <= MAX_SHORT_VARIANTS
        && let Some(searcher) = {
            let mut builder = packed::Config::new()
                .match_kind(packed::MatchKind::LeftmostFirst)
                .builder();
            builder.extend(&variants);
            builder.build()
        }
    {
        return Ok(Short::Teddy(searcher, short));
    }
    let automaton = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(short.iter().map(|&k| &keywords[k]))?;
    Ok(Short::Automaton(automaton, short))
}

/// Every spelling of `keyword` that differs in the case of its ASCII letters.
fn case_variants(keyword: &[u8]) -> Vec<Vec<u8>> {
    let mut variants = vec![Vec::with_capacity(keyword.len())];
    for &byte in keyword {
        let upper = byte.to_ascii_uppercase();
        if upper == byte {
            variants.iter_mut().for_each(|v| v.push(byte));
        } else {
            let mut uppers = variants.clone();
            variants.iter_mut().for_each(|v| v.push(byte));
            uppers.iter_mut().for_each(|v| v.push(upper));
            variants.extend(uppers);
        }
    }
    variants
}

/// The first four bytes of `bytes`, folded, as a little-endian `u32`.
fn folded_window(bytes: &[u8]) -> u32 {
    u32::from_le_bytes(bytes[..WIDTH].try_into().unwrap()) | FOLD4
}

/// Fibonacci hashing: the multiplication spreads every input bit into the top `BITS`.
#[inline(always)]
fn hash(window: u32) -> usize {
    (window.wrapping_mul(0x9E37_79B1) >> (32 - BITS)) as usize
}

/// A second hash, independent of [`hash`] (another odd multiplier, its own top bits).
fn filter_hash(window: u32) -> usize {
    (window.wrapping_mul(0x85EB_CA6B) >> (32 - FILTER_BITS)) as usize
}

/// The offset of the keyword's four-byte window made of the rarest bytes in source text, so
/// that as few windows of a haystack as possible need confirming.
fn rarest_window(keyword: &[u8]) -> usize {
    let common = common_windows();
    (0..=keyword.len() - WIDTH)
        .min_by_key(|&offset| {
            let window = &keyword[offset..offset + WIDTH];
            // A window inside a common word of code (`pack` of `restpack`, `work` of
            // `worksnaps`) occurs thousands of times in any repository, whatever its letters.
            let in_common_word = common.binary_search(&folded_window(window)).is_ok();
            let letters: u32 = window.iter().map(|&b| commonness(b)).sum();
            (in_common_word, letters)
        })
        .unwrap_or(0)
}

/// The folded four-byte windows of the common words of source code (`matcher::words`), also
/// where a word meets the `_` or `.` joining it to the next (`_api`, `key.`).
fn common_windows() -> &'static [u32] {
    // A sorted vector, not a hash set: built at every start, and hashing its 100,000 windows
    // took a quarter of a small scan's instructions.
    static WINDOWS: std::sync::OnceLock<Vec<u32>> = std::sync::OnceLock::new();
    WINDOWS.get_or_init(|| {
        let mut windows = Vec::new();
        let mut joined = Vec::new();
        for word in super::words::common_words() {
            joined.clear();
            joined.push(b'_');
            joined.extend_from_slice(word);
            joined.push(b'_');
            windows.extend(joined.windows(WIDTH).map(folded_window));
            // With `.` joints only the first and last windows differ.
            let last = joined.len() - 1;
            joined[0] = b'.';
            joined[last] = b'.';
            windows.push(folded_window(&joined));
            windows.push(folded_window(&joined[last + 1 - WIDTH..]));
        }
        windows.sort_unstable();
        windows.dedup();
        windows
    })
}

/// A rough rank of how often a (lowercase) byte occurs in source code and prose.
fn commonness(byte: u8) -> u32 {
    const LETTERS_BY_FREQUENCY: &[u8] = b"etaoinsrlcdmuphgfbywvkxjqz";
    match byte {
        b' ' | b'\n' | b'\t' => 40,
        b'a'..=b'z' => {
            let rank = LETTERS_BY_FREQUENCY.iter().position(|&l| l == byte);
            30 - rank.unwrap_or(25) as u32
        }
        b'_' | b'.' | b'"' | b'=' | b'(' | b')' | b',' | b';' | b'/' => 12,
        b'0'..=b'9' => 8,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_anchor_is_the_rarest_window() {
        assert_eq!(&b"ghp_token"[rarest_window(b"ghp_token")..][..4], b"ghp_");
        let window = &b"the_zq_key"[rarest_window(b"the_zq_key")..][..4];
        assert!(window.starts_with(b"zq") || window.starts_with(b"_zq"));
        // Not a window of a common word of code, even when its letters are rarer.
        let window = &b"restpack"[rarest_window(b"restpack")..][..4];
        assert_ne!(window, b"pack");
    }
}
