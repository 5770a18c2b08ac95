//! Finding encoded text cheaply and decoding it: base64/base64url and hex runs, percent-encoded
//! runs, JSON/JS string literals with escapes, and YAML block scalars (joined without their
//! line breaks, so a value wrapped over several lines reads as one).
//!
//! Detection is designed to cost little on ordinary source code: base64 runs are found by
//! sampling every 16th byte (a run long enough to matter always covers a sample), `%` and `\`
//! are found with memchr, and YAML blocks by their `: |` / `: >` headers.

use std::ops::Range;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Shortest base64 run worth decoding (15 bytes decoded): shorter ones cannot hold a credential
/// together with anything that names it.
const MIN_BASE64: usize = 20;
/// Shortest hex run worth decoding (16 bytes).
const MIN_HEX: usize = 32;
/// Decoded bytes must be at least this printable to be scanned as text.
const MIN_PRINTABLE: f64 = 0.9;

/// An encoded stretch of a view and what it decodes to.
#[derive(Debug)]
pub struct Span {
    pub range: Range<usize>,
    pub kind: &'static str,
    pub decoded: Vec<u8>,
}

/// Every decodable span of `bytes`; `max_span` bounds the encoded length decoded (longer ones are
/// reported in `skipped`).
pub fn find(bytes: &[u8], max_span: usize, skipped: &mut Vec<String>) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut percents = Vec::new();
    let mut backslashes = Vec::new();
    base64_and_hex(
        bytes,
        max_span,
        skipped,
        &mut spans,
        &mut percents,
        &mut backslashes,
    );
    percent(bytes, &percents, max_span, &mut spans);
    escaped_lines(bytes, &backslashes, max_span, &mut spans);
    yaml_blocks(bytes, &mut spans);
    spans
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

/// Two bit masks over a block of up to 64 bytes: where the base64/base64url alphabet is, and
/// where a `%` or a backslash is (the other decoders' triggers). Full blocks use SSE2 (every
/// x86-64 CPU has it); elsewhere, bytes one at a time.
#[inline(always)]
fn classify(block: &[u8]) -> (u64, u64) {
    #[cfg(target_arch = "x86_64")]
    if let Ok(block) = block.try_into() {
        // SAFETY: SSE2 is part of the x86-64 baseline, so every x86-64 CPU runs it.
        return unsafe { sse2::classify64(block) };
    }
    classify_bytes(block)
}

fn classify_bytes(block: &[u8]) -> (u64, u64) {
    block
        .iter()
        .enumerate()
        .fold((0u64, 0u64), |(alphabet, special), (i, &b)| {
            (
                alphabet | (u64::from(is_base64_byte(b)) << i),
                special | (u64::from(b == b'%' || b == b'\\') << i),
            )
        })
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::*;

    #[target_feature(enable = "sse2")]
    pub fn classify64(block: &[u8; 64]) -> (u64, u64) {
        let (mut alphabet, mut special) = (0u64, 0u64);
        for (lane, chunk) in block.chunks_exact(16).enumerate() {
            // SAFETY: `chunk` holds 16 readable bytes; unaligned loads are allowed.
            let x = unsafe { _mm_loadu_si128(chunk.as_ptr().cast()) };
            let (a, s) = classify16(x);
            alphabet |= u64::from(a) << (lane * 16);
            special |= u64::from(s) << (lane * 16);
        }
        (alphabet, special)
    }

    /// Signed byte comparisons: bytes >= 0x80 are negative and so never in range.
    #[target_feature(enable = "sse2")]
    fn classify16(x: __m128i) -> (u16, u16) {
        let in_range = |v: __m128i, lo: i8, hi: i8| {
            _mm_and_si128(
                _mm_cmpgt_epi8(v, _mm_set1_epi8(lo - 1)),
                _mm_cmplt_epi8(v, _mm_set1_epi8(hi + 1)),
            )
        };
        let is = |b: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(b as i8));
        let folded = _mm_or_si128(x, _mm_set1_epi8(0x20));
        let letter = in_range(folded, b'a' as i8, b'z' as i8);
        let digit = in_range(x, b'0' as i8, b'9' as i8);
        let symbol = _mm_or_si128(
            _mm_or_si128(is(b'+'), is(b'/')),
            _mm_or_si128(is(b'-'), is(b'_')),
        );
        let alphabet = _mm_or_si128(_mm_or_si128(letter, digit), symbol);
        let special = _mm_or_si128(is(b'%'), is(b'\\'));
        (
            _mm_movemask_epi8(alphabet) as u16,
            _mm_movemask_epi8(special) as u16,
        )
    }
}

/// The same classification, 32 bytes per step.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    /// [`super::scan_blocks`] compiled for AVX2, classifying with it.
    #[target_feature(enable = "avx2")]
    pub fn scan(
        bytes: &[u8],
        max_span: usize,
        skipped: &mut Vec<String>,
        out: &mut Vec<super::Span>,
        percents: &mut Vec<usize>,
        backslashes: &mut Vec<usize>,
    ) {
        let classify = |block: &[u8]| match block.try_into() {
            Ok(block) => classify64(block),
            Err(_) => super::classify_bytes(block),
        };
        super::scan_blocks(
            bytes,
            max_span,
            skipped,
            out,
            percents,
            backslashes,
            classify,
        );
    }

    #[target_feature(enable = "avx2")]
    fn classify64(block: &[u8; 64]) -> (u64, u64) {
        let (mut alphabet, mut special) = (0u64, 0u64);
        for (lane, chunk) in block.chunks_exact(32).enumerate() {
            // SAFETY: `chunk` holds 32 readable bytes; unaligned loads are allowed.
            let x = unsafe { _mm256_loadu_si256(chunk.as_ptr().cast()) };
            let in_range = |v: __m256i, lo: i8, hi: i8| {
                _mm256_and_si256(
                    _mm256_cmpgt_epi8(v, _mm256_set1_epi8(lo - 1)),
                    _mm256_cmpgt_epi8(_mm256_set1_epi8(hi + 1), v),
                )
            };
            let is = |b: u8| _mm256_cmpeq_epi8(x, _mm256_set1_epi8(b as i8));
            let folded = _mm256_or_si256(x, _mm256_set1_epi8(0x20));
            let letter = in_range(folded, b'a' as i8, b'z' as i8);
            let digit = in_range(x, b'0' as i8, b'9' as i8);
            let symbol = _mm256_or_si256(
                _mm256_or_si256(is(b'+'), is(b'/')),
                _mm256_or_si256(is(b'-'), is(b'_')),
            );
            let a = _mm256_or_si256(_mm256_or_si256(letter, digit), symbol);
            let s = _mm256_or_si256(is(b'%'), is(b'\\'));
            alphabet |= u64::from(_mm256_movemask_epi8(a) as u32) << (lane * 32);
            special |= u64::from(_mm256_movemask_epi8(s) as u32) << (lane * 32);
        }
        (alphabet, special)
    }
}

/// Non-zero when `mask` holds a run of at least `MIN_BASE64` (20) set bits.
fn has_long_run(mask: u64) -> bool {
    let at_least_2 = mask & (mask >> 1);
    let at_least_4 = at_least_2 & (at_least_2 >> 2);
    let at_least_8 = at_least_4 & (at_least_4 >> 4);
    let at_least_16 = at_least_8 & (at_least_8 >> 8);
    at_least_16 & (at_least_16 >> 4) != 0
}

/// Runs of the base64 alphabet long enough to decode, and where `%` and backslashes stand.
/// Blocks of 64 bytes are classified at once and runs are read off the bit masks: no byte is
/// looked at one by one unless it belongs to a run long enough to decode.
fn base64_and_hex(
    bytes: &[u8],
    max_span: usize,
    skipped: &mut Vec<String>,
    out: &mut Vec<Span>,
    percents: &mut Vec<usize>,
    backslashes: &mut Vec<usize>,
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU was just found to have AVX2.
        unsafe { avx2::scan(bytes, max_span, skipped, out, percents, backslashes) };
        return;
    }
    scan_blocks(
        bytes,
        max_span,
        skipped,
        out,
        percents,
        backslashes,
        classify,
    );
}

/// The block walk, generic over the classifier so the AVX2 build inlines its own.
#[inline(always)]
fn scan_blocks(
    bytes: &[u8],
    max_span: usize,
    skipped: &mut Vec<String>,
    out: &mut Vec<Span>,
    percents: &mut Vec<usize>,
    backslashes: &mut Vec<usize>,
    classify: impl Fn(&[u8]) -> (u64, u64),
) {
    // The run of alphabet bytes reaching the end of the previous block: its start and length.
    let (mut tail_start, mut carry) = (0usize, 0usize);
    for (index, block) in bytes.chunks(64).enumerate() {
        let start = index * 64;
        let full = u64::MAX >> (64 - block.len());
        let (mask, mut special) = classify(block);
        while special != 0 {
            let at = start + special.trailing_zeros() as usize;
            if bytes[at] == b'%' {
                percents.push(at);
            } else {
                backslashes.push(at);
            }
            special &= special - 1;
        }
        if mask == full {
            // The run goes on through this block.
            tail_start = if carry == 0 { start } else { tail_start };
            carry += block.len();
            continue;
        }
        let head = mask.trailing_ones() as usize;
        // The run from the previous block ends here (it may also have ended right at its end).
        if carry > 0 && carry + head >= MIN_BASE64 {
            consider_run(bytes, tail_start..start + head, max_span, skipped, out);
        }
        let tail = (mask | !full).leading_ones() as usize - (64 - block.len());
        // Runs wholly inside the block: the head and tail runs removed.
        let mut inner = mask & !(full ^ (full >> tail));
        if head > 0 {
            inner &= !(u64::MAX >> (64 - head));
        }
        if has_long_run(inner) {
            while inner != 0 {
                let from = inner.trailing_zeros() as usize;
                let len = (!(inner >> from)).trailing_zeros() as usize;
                if len >= MIN_BASE64 {
                    consider_run(
                        bytes,
                        start + from..start + from + len,
                        max_span,
                        skipped,
                        out,
                    );
                }
                inner &= !((u64::MAX >> (64 - len)) << from);
            }
        }
        // A head run with no run before it is wholly inside too.
        if carry == 0 && head >= MIN_BASE64 {
            consider_run(bytes, start..start + head, max_span, skipped, out);
        }
        tail_start = start + block.len() - tail;
        carry = tail;
    }
    if carry >= MIN_BASE64 {
        consider_run(bytes, tail_start..bytes.len(), max_span, skipped, out);
    }
}

fn consider_run(
    bytes: &[u8],
    run: Range<usize>,
    max_span: usize,
    skipped: &mut Vec<String>,
    out: &mut Vec<Span>,
) {
    if run.len() < MIN_BASE64 {
        return;
    }
    if run.len() > max_span {
        skipped.push(format!(
            "a {} KB encoded run at byte {} was not decoded (over the {} KB limit)",
            run.len() >> 10,
            run.start,
            max_span >> 10
        ));
        return;
    }
    let padded_end = run.end
        + bytes[run.end..]
            .iter()
            .take(2)
            .take_while(|&&b| b == b'=')
            .count();
    let text = &bytes[run.clone()];
    if let Some(span) =
        decode_hex(text, run.start).or_else(|| decode_base64(text, run.start..padded_end))
    {
        out.push(span);
        return;
    }
    // A name glued to the value (`bedrock-api-key-<base64>`): retry after each of the first
    // few `-` or `_`.
    for cut in text
        .iter()
        .enumerate()
        .filter(|(_, b)| matches!(b, b'-' | b'_'))
        .map(|(i, _)| i + 1)
        .take(4)
        .filter(|&cut| text.len() - cut >= MIN_BASE64)
    {
        if let Some(span) = decode_base64(&text[cut..], run.start + cut..padded_end) {
            out.push(span);
            return;
        }
    }
}

fn decode_hex(run: &[u8], start: usize) -> Option<Span> {
    if run.len() < MIN_HEX || !run.len().is_multiple_of(2) || !run.iter().all(u8::is_ascii_hexdigit)
    {
        return None;
    }
    let decoded: Vec<u8> = run
        .chunks(2)
        .map(|pair| (hex_value(pair[0]) << 4) | hex_value(pair[1]))
        .collect();
    printable(&decoded).then(|| Span {
        range: start..start + run.len(),
        kind: "hex",
        decoded,
    })
}

fn hex_value(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b - b'A' + 10,
    }
}

fn decode_base64(run: &[u8], range: Range<usize>) -> Option<Span> {
    // Text is ASCII: each byte's top bit is 0, so the first character of every 4-character
    // group encodes a value below 32 (`A`-`Z`, `a`-`f`). Most identifiers fail this at once.
    if !run
        .iter()
        .step_by(4)
        .all(|&b| b.is_ascii_uppercase() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    let has = |set: &[u8]| run.iter().any(|b| set.contains(b));
    // Identifiers (`some_long_function_name`) are runs too; encoded text mixes cases or digits.
    let mixed = run.iter().any(u8::is_ascii_digit)
        || (run.iter().any(u8::is_ascii_uppercase) && run.iter().any(u8::is_ascii_lowercase));
    if !mixed {
        return None;
    }
    let alphabet = match (has(b"+/"), has(b"-_")) {
        (true, true) => return None,
        (_, true) => base64::alphabet::URL_SAFE,
        _ => base64::alphabet::STANDARD,
    };
    let engine = GeneralPurpose::new(
        &alphabet,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    // A length of 4n+1 cannot be base64: the last character is not part of it.
    let usable = if run.len() % 4 == 1 {
        &run[..run.len() - 1]
    } else {
        run
    };
    let decoded = engine.decode(usable).ok()?;
    printable(&decoded).then_some(Span {
        range,
        kind: "base64",
        decoded,
    })
}

/// Mostly printable ASCII or valid UTF-8 text.
pub fn printable(bytes: &[u8]) -> bool {
    if bytes.len() < 12 {
        return false;
    }
    if std::str::from_utf8(bytes).is_ok_and(|s| !s.contains('\0')) {
        return true;
    }
    let good = bytes
        .iter()
        .filter(|&&b| (0x20..0x7f).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r'))
        .count();
    good as f64 >= bytes.len() as f64 * MIN_PRINTABLE
}

/// Bytes that end a URL-ish run around a `%XX` escape.
fn ends_run(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'`' | b'<' | b'>' | b'(' | b')')
}

fn percent(bytes: &[u8], positions: &[usize], max_span: usize, out: &mut Vec<Span>) {
    let mut covered = 0;
    for &at in positions {
        if at < covered
            || !bytes
                .get(at + 1..at + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
        {
            continue;
        }
        let start = bytes[..at]
            .iter()
            .rposition(|&b| ends_run(b))
            .map_or(0, |p| p + 1);
        let end = bytes[at..]
            .iter()
            .position(|&b| ends_run(b))
            .map_or(bytes.len(), |p| at + p);
        covered = end;
        if end - start > max_span {
            continue;
        }
        let run = &bytes[start..end];
        let mut decoded = Vec::with_capacity(run.len());
        let mut i = 0;
        while i < run.len() {
            if run[i] == b'%'
                && run
                    .get(i + 1..i + 3)
                    .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
            {
                decoded.push((hex_value(run[i + 1]) << 4) | hex_value(run[i + 2]));
                i += 3;
            } else {
                decoded.push(run[i]);
                i += 1;
            }
        }
        out.push(Span {
            range: start..end,
            kind: "percent",
            decoded,
        });
    }
}

/// Lines holding escapes that can split a token or its context (`\/`, `\uXXXX`, `\xXX`, and the
/// `\":` of JSON serialised into a string), unescaped whole, so a key name and its value still
/// stand together.
fn escaped_lines(bytes: &[u8], positions: &[usize], max_span: usize, out: &mut Vec<Span>) {
    let mut covered = 0;
    for &at in positions {
        let next = bytes.get(at + 1..).unwrap_or_default();
        let hex = |n: usize| {
            next.get(1..1 + n)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
        };
        let trigger = next.first() == Some(&b'/')
            || (next.first() == Some(&b'u') && hex(4))
            || (next.first() == Some(&b'x') && hex(2))
            || next.starts_with(b"\":");
        if at < covered || !trigger {
            continue;
        }
        let start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let end = bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |p| at + p);
        covered = end;
        if end - start > max_span {
            continue;
        }
        out.push(Span {
            range: start..end,
            kind: "escapes",
            decoded: unescape(&bytes[start..end]),
        });
    }
}

/// JSON/JavaScript/Python string escapes, leniently (unknown escapes keep their character).
fn unescape(literal: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(literal.len());
    let mut i = 0;
    let hex = |s: &[u8]| -> Option<u32> {
        std::str::from_utf8(s)
            .ok()
            .and_then(|s| u32::from_str_radix(s, 16).ok())
    };
    while i < literal.len() {
        if literal[i] != b'\\' || i + 1 == literal.len() {
            out.push(literal[i]);
            i += 1;
            continue;
        }
        let escaped = literal[i + 1];
        i += 2;
        match escaped {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'u' => {
                let Some(mut code) = literal.get(i..i + 4).and_then(hex) else {
                    out.extend_from_slice(b"\\u");
                    continue;
                };
                i += 4;
                // A surrogate pair: \uD83D\uDE00.
                if (0xD800..0xDC00).contains(&code)
                    && literal.get(i..i + 2) == Some(b"\\u")
                    && let Some(low) = literal.get(i + 2..i + 6).and_then(hex)
                    && (0xDC00..0xE000).contains(&low)
                {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    i += 6;
                }
                let c = char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            }
            b'x' => match literal.get(i..i + 2).and_then(hex) {
                Some(byte) => {
                    out.push(byte as u8);
                    i += 2;
                }
                None => out.extend_from_slice(b"\\x"),
            },
            other => out.push(other),
        }
    }
    out
}

/// Whether the text reads like YAML: its first line that is neither blank nor a comment is
/// `---` or `key:` / `key: value`. Cheap, so source code does not pay for the block search.
fn looks_like_yaml(bytes: &[u8]) -> bool {
    let Some(line) = bytes
        .split(|&b| b == b'\n')
        .take(64)
        .map(<[u8]>::trim_ascii)
        .find(|l| !l.is_empty() && !l.starts_with(b"#"))
    else {
        return false;
    };
    if line.starts_with(b"---") {
        return true;
    }
    let key_len = line
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'"'))
        .count();
    key_len > 0
        && line.get(key_len) == Some(&b':')
        && matches!(line.get(key_len + 1), None | Some(b' '))
}

/// YAML `key: |` / `key: >` blocks of two or more lines, joined without line breaks or
/// indentation (a wrapped token or base64 value becomes one run again).
fn yaml_blocks(bytes: &[u8], out: &mut Vec<Span>) {
    let headers = [&b": |"[..], b": >"];
    if !looks_like_yaml(bytes) {
        return;
    }
    for header in headers {
        for at in memchr::memmem::find_iter(bytes, header) {
            let line_start = bytes[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            let Some(header_end) = bytes[at..].iter().position(|&b| b == b'\n').map(|p| at + p)
            else {
                continue;
            };
            // Only chomping/indentation indicators may follow the `|` or `>`.
            if !bytes[at + 3..header_end]
                .iter()
                .all(|&b| matches!(b, b'-' | b'+' | b'0'..=b'9' | b' ' | b'\t' | b'\r'))
            {
                continue;
            }
            let indent = bytes[line_start..]
                .iter()
                .take_while(|&&b| b == b' ')
                .count();
            let mut joined = Vec::new();
            let mut lines = 0;
            let mut end = header_end + 1;
            for line in bytes[header_end + 1..].split(|&b| b == b'\n') {
                let content = line.trim_ascii();
                let line_indent = line.iter().take_while(|&&b| b == b' ').count();
                if !content.is_empty() && line_indent <= indent {
                    break;
                }
                joined.extend_from_slice(content);
                lines += usize::from(!content.is_empty());
                end += line.len() + 1;
            }
            if lines >= 2 {
                out.push(Span {
                    range: header_end + 1..end.min(bytes.len()),
                    kind: "yaml-block",
                    decoded: joined,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(&'static str, String)> {
        find(text.as_bytes(), 1 << 20, &mut Vec::new())
            .into_iter()
            .map(|s| (s.kind, String::from_utf8_lossy(&s.decoded).into_owned()))
            .collect()
    }

    #[test]
    fn base64_hex_percent_escapes_and_yaml_blocks_decode() {
        assert_eq!(
            kinds("  password: c3VwZXItc2VjcmV0LXZhbHVlLTEyMw==\n"),
            [("base64", "super-secret-value-123".to_string())]
        );
        assert_eq!(
            kinds("x = 68656c6c6f2d776f726c642d6865782d76616c7565\n"),
            [("hex", "hello-world-hex-value".to_string())]
        );
        assert_eq!(
            kinds("url = https://a.io/?t=ghp%5Fabc%2Fdef\n"),
            [("percent", "https://a.io/?t=ghp_abc/def".to_string())]
        );
        assert_eq!(
            kinds(r#"{"u": "https:\/\/hooks.example.com\/x\u002By"}"#),
            [(
                "escapes",
                r#"{"u": "https://hooks.example.com/x+y"}"#.to_string()
            )]
        );
        assert_eq!(
            kinds("key: >-\n  abcdefgh\n  ijklmnop\nnext: 1\n"),
            [("yaml-block", "abcdefghijklmnop".to_string())]
        );
    }

    #[test]
    fn a_name_glued_to_a_base64_value_is_cut_off() {
        // "bedrock-api-key-" + base64("service=bedrock&token=abc123")
        assert_eq!(
            kinds("KEY=bedrock-api-key-c2VydmljZT1iZWRyb2NrJnRva2VuPWFiYzEyMw==\n"),
            [("base64", "service=bedrock&token=abc123".to_string())]
        );
    }

    #[test]
    fn ordinary_code_yields_nothing_to_decode() {
        let code = "fn some_long_function_name_here(argument_number_one: usize) -> Result<()> {\n    let sha = \"3f786850e387550fdab836ed7e6dc881de23001b\";\n    println!(\"{}\\n\", value);\n}\n";
        assert!(kinds(code).is_empty(), "{:?}", kinds(code));
    }

    #[test]
    fn long_runs_are_skipped_with_a_reason() {
        let mut skipped = Vec::new();
        let run = "QUJD".repeat(1000);
        assert!(find(run.as_bytes(), 1024, &mut skipped).is_empty());
        assert!(skipped[0].contains("not decoded"), "{skipped:?}");
    }
}
