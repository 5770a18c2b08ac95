//! Finding encoded text cheaply and decoding it: base64/base64url and hex runs, percent-encoded
//! runs, JSON/JS string literals with escapes, YAML block scalars (joined without their line
//! breaks, so a value wrapped over several lines reads as one), string literals split and
//! concatenated in code (`"abc" +\n "def"`, `"abc\` newline `def"`), and the base64 `data:` of a
//! Kubernetes Secret (decoded under its key name, so `password: <base64>` reads as a password).
//!
//! Where to look comes from [`detect`] (alphabet runs, `%` and backslashes, in one cheap pass)
//! and, for YAML blocks, from their `: |` / `: >` headers in YAML-looking text. Each candidate is
//! then rejected as early as possible: most alphabet runs in code are identifiers.

use std::ops::Range;

use super::detect::{self, parse_hex};

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Shortest base64 run worth decoding (15 bytes decoded): shorter ones cannot hold a credential
/// together with anything that names it.
const MIN_BASE64: usize = detect::MIN_RUN;
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

/// Every decodable span of `bytes`, from what [`detect::find`] `found` there; `max_span` bounds
/// the encoded length decoded (longer ones are reported in `skipped`).
pub fn find(
    bytes: &[u8],
    found: detect::Found,
    max_span: usize,
    skipped: &mut Vec<String>,
) -> Vec<Span> {
    let mut spans = Vec::new();
    for run in found.runs {
        consider_run(bytes, run, max_span, skipped, &mut spans);
    }
    percent(bytes, &found.percents, max_span, &mut spans);
    escaped_lines(bytes, &found.backslashes, max_span, &mut spans);
    // Asked once: both YAML decoders look only at YAML-looking text.
    if looks_like_yaml(bytes) {
        yaml_blocks(bytes, &mut spans);
        kubernetes_secret_data(bytes, &mut spans);
    }
    joined_strings(bytes, max_span, &mut spans);
    spans
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
    if let Some(span) = decode_hex(text, run.start) {
        out.push(span);
        return;
    }
    let holds = Holds::of(text);
    // Identifiers (`some_long_function_name`) are runs too; encoded text mixes cases or digits,
    // and a run that does not, has no part that does.
    if !holds.mixed() {
        return;
    }
    if let Some(span) = decode_base64(text, run.start..padded_end) {
        out.push(span);
        return;
    }
    // A name glued to the value (`bedrock-api-key-<base64>`): retry after each of the first
    // few `-` or `_`.
    if !holds.has(Holds::DASH_OR_UNDERSCORE) {
        return;
    }
    for cut in memchr::memchr2_iter(b'-', b'_', text)
        .map(|i| i + 1)
        .take(4)
        .filter(|&cut| text.len() - cut >= MIN_BASE64)
    {
        if let Some(span) = decode_base64(&text[cut..], run.start + cut..padded_end) {
            out.push(span);
            return;
        }
    }
}

/// The kinds of characters a run holds, found in one pass over it.
#[derive(Clone, Copy)]
struct Holds(u8);

impl Holds {
    const DIGIT: u8 = 1;
    const UPPER: u8 = 2;
    const LOWER: u8 = 4;
    const PLUS_OR_SLASH: u8 = 8;
    const DASH_OR_UNDERSCORE: u8 = 16;

    const TABLE: [u8; 256] = {
        let mut table = [0u8; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            let mut kinds = 0;
            if c.is_ascii_digit() {
                kinds |= Holds::DIGIT;
            }
            if c.is_ascii_uppercase() {
                kinds |= Holds::UPPER;
            }
            if c.is_ascii_lowercase() {
                kinds |= Holds::LOWER;
            }
            if c == b'+' || c == b'/' {
                kinds |= Holds::PLUS_OR_SLASH;
            }
            if c == b'-' || c == b'_' {
                kinds |= Holds::DASH_OR_UNDERSCORE;
            }
            table[b] = kinds;
            b += 1;
        }
        table
    };

    fn of(text: &[u8]) -> Holds {
        Holds(
            text.iter()
                .fold(0, |kinds, &b| kinds | Holds::TABLE[b as usize]),
        )
    }

    fn has(self, kinds: u8) -> bool {
        self.0 & kinds != 0
    }

    /// A digit, or both upper and lower case letters.
    fn mixed(self) -> bool {
        self.has(Holds::DIGIT) || (self.has(Holds::UPPER) && self.has(Holds::LOWER))
    }
}

fn decode_hex(run: &[u8], start: usize) -> Option<Span> {
    if run.len() < MIN_HEX || !run.len().is_multiple_of(2) {
        return None;
    }
    // Two hex digits to a byte: below 256. `None` at the first byte that is not a hex digit.
    let decoded: Vec<u8> = run
        .chunks(2)
        .map(|pair| parse_hex(pair).map(|byte| byte as u8))
        .collect::<Option<_>>()?;
    printable(&decoded).then(|| Span {
        range: start..start + run.len(),
        kind: "hex",
        decoded,
    })
}

/// Decoders that take padding or none, and stray bits at the end (a run may be cut short).
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);

fn decode_base64(run: &[u8], range: Range<usize>) -> Option<Span> {
    // Text is ASCII, so every 4-character group starts with `A`-`Z` or `a`-`f`. Most
    // identifiers fail this at once.
    if !run.iter().step_by(4).all(|&b| detect::can_start_group(b)) {
        return None;
    }
    let holds = Holds::of(run);
    if !holds.mixed() {
        return None;
    }
    let engine = match (
        holds.has(Holds::PLUS_OR_SLASH),
        holds.has(Holds::DASH_OR_UNDERSCORE),
    ) {
        (true, true) => return None,
        (_, true) => &URL_SAFE,
        _ => &STANDARD,
    };
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
        if at < covered {
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
                && let Some(byte) = run.get(i + 1..i + 3).and_then(parse_hex)
            {
                // Two hex digits: below 256.
                decoded.push(byte as u8);
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
/// `\":` of JSON serialised into a string; see [`detect::is_escape_trigger`]), unescaped whole,
/// so a key name and its value still stand together.
fn escaped_lines(bytes: &[u8], positions: &[usize], max_span: usize, out: &mut Vec<Span>) {
    let mut covered = 0;
    for &at in positions {
        if at < covered {
            continue;
        }
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |p| p + 1);
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |p| at + p);
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
    while i < literal.len() {
        // Plain text up to the next backslash, copied at once.
        let plain = memchr::memchr(b'\\', &literal[i..]).unwrap_or(literal.len() - i);
        out.extend_from_slice(&literal[i..i + plain]);
        i += plain;
        if i + 1 >= literal.len() {
            out.extend_from_slice(&literal[i..]);
            break;
        }
        let escaped = literal[i + 1];
        i += 2;
        match escaped {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'u' => {
                let Some(mut code) = literal.get(i..i + 4).and_then(parse_hex) else {
                    out.extend_from_slice(b"\\u");
                    continue;
                };
                i += 4;
                // A surrogate pair: \uD83D\uDE00.
                if (0xD800..0xDC00).contains(&code)
                    && literal.get(i..i + 2) == Some(b"\\u")
                    && let Some(low) = literal.get(i + 2..i + 6).and_then(parse_hex)
                    && (0xDC00..0xE000).contains(&low)
                {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    i += 6;
                }
                let c = char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            }
            b'x' => match literal.get(i..i + 2).and_then(parse_hex) {
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
    // The lines, found with memchr: most files are not YAML and this runs on every one.
    let mut rest = Some(bytes);
    let lines = std::iter::from_fn(|| {
        let text = rest?;
        let end = memchr::memchr(b'\n', text);
        rest = end.map(|end| &text[end + 1..]);
        Some(&text[..end.unwrap_or(text.len())])
    });
    let Some(line) = lines
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
/// indentation (a wrapped token or base64 value becomes one run again). For text that
/// [`looks_like_yaml`].
fn yaml_blocks(bytes: &[u8], out: &mut Vec<Span>) {
    let headers = [&b": |"[..], b": >"];
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

/// Entries of a Kubernetes `Secret`'s `data:` (base64 values), decoded as `key: value`: the
/// base64 run alone decodes without the key that says it is a password or a token. For text
/// that [`looks_like_yaml`].
fn kubernetes_secret_data(bytes: &[u8], out: &mut Vec<Span>) {
    use base64::Engine as _;
    if memchr::memmem::find(bytes, b"kind: Secret").is_none() {
        return;
    }
    let mut start = 0;
    for line in bytes.split(|&b| b == b'\n') {
        let range = start..start + line.len();
        start += line.len() + 1;
        let trimmed = line.trim_ascii();
        let Some(colon) = memchr::memchr(b':', trimmed) else {
            continue;
        };
        let (key, value) = (&trimmed[..colon], trimmed[colon + 1..].trim_ascii());
        let is_key = !key.is_empty()
            && key
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
        if !is_key || !line.starts_with(b" ") || value.len() < 8 {
            continue;
        }
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(value) else {
            continue;
        };
        if !printable(&decoded) || decoded.contains(&b'\n') {
            continue;
        }
        let mut view = key.to_vec();
        view.extend_from_slice(b": ");
        view.extend_from_slice(&decoded);
        // Located at the value, and named as what it is: base64 (with its key put back).
        let value_at = range.start + (value.as_ptr() as usize - line.as_ptr() as usize);
        out.push(Span {
            range: value_at..value_at + value.len(),
            kind: "base64",
            decoded: view,
        });
    }
}

/// String literals written in pieces over several lines: concatenated (`"abc" +` newline
/// `"def"`, `'abc' .` newline `'def'`), or one double-quoted literal continued with a backslash
/// at the end of a line. Decoded as the line up to the first piece followed by one
/// literal with the pieces joined, so the name the value is assigned to still stands before it.
fn joined_strings(bytes: &[u8], max_span: usize, out: &mut Vec<Span>) {
    use regex::bytes::Regex;
    use std::sync::LazyLock;
    static PIECES: LazyLock<Regex> = LazyLock::new(|| {
        let piece = r#"(?:"(?:[^"\\\n]|\\\r?\n[ \t]*)+"|'[^'\\\n]+')"#;
        let glue = r"[ \t]*(?:\+|\.|&)?[ \t]*(?:\\?\r?\n[ \t]*(?:\+|\.|&)?[ \t]*)?";
        // Two or more pieces, or one double-quoted piece continued over lines.
        let continued = r#""[^"\\\n]*(?:\\\r?\n[ \t]*[^"\\\n]*)+""#;
        Regex::new(&format!("{piece}(?:{glue}{piece})+|{continued}")).expect("valid regex")
    });
    static PIECE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#""((?:[^"\\\n]|\\\r?\n[ \t]*)+)"|'([^'\\\n]+)'"#).expect("valid regex")
    });
    // Only chains that break a line are looked for, around a literal closed at a line's end
    // before `+`/`.` (`"abc" +` newline) or a backslash ending a line inside a literal: a
    // search of whole files for any concatenation cost a fifth of a history scan.
    const NEEDLES: [&str; 8] = [
        "\" +\n", "\"+\n", "' +\n", "'+\n", "\" .\n", "\" &\n", "\" +\r\n", "\\\n",
    ];
    // Teddy, explicitly: the general automaton picks a rare-bytes prefilter on `"` and `'`,
    // which are anything but rare in code (it cost 7 % of a scan). The automaton is the
    // fallback where Teddy's SIMD is not available.
    static TEDDY: LazyLock<Option<aho_corasick::packed::Searcher>> = LazyLock::new(|| {
        let mut builder = aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
            .builder();
        builder.extend(NEEDLES);
        builder.build()
    });
    static AUTOMATON: LazyLock<aho_corasick::AhoCorasick> =
        LazyLock::new(|| aho_corasick::AhoCorasick::new(NEEDLES).expect("valid needles"));
    let hits: Vec<usize> = match TEDDY.as_ref() {
        Some(teddy) => teddy.find_iter(bytes).map(|m| m.start()).collect(),
        None => AUTOMATON.find_iter(bytes).map(|m| m.start()).collect(),
    };
    let mut searched_to = 0;
    for hit in hits {
        // ` \` at a line's end continues a C macro or a shell command, not a literal.
        let continues_code =
            bytes[hit] == b'\\' && hit > 0 && matches!(bytes[hit - 1], b' ' | b'\t');
        if hit < searched_to || continues_code {
            continue;
        }
        let start = memchr::memrchr(b'\n', &bytes[..hit]).map_or(0, |p| p + 1);
        // The hit's line and the next five: a chain continues over line breaks.
        let end = (0..6).fold(hit, |at, _| {
            memchr::memchr(b'\n', &bytes[at.min(bytes.len())..]).map_or(bytes.len(), |p| at + p + 1)
        });
        let Some(chain) = PIECES.find_at(&bytes[..end.min(bytes.len())], start) else {
            searched_to = end;
            continue;
        };
        searched_to = chain.end();
        if chain.len() > max_span {
            continue;
        }
        let line_start = memchr::memrchr(b'\n', &bytes[..chain.start()]).map_or(0, |p| p + 1);
        let mut view = bytes[line_start..chain.start()].to_vec();
        view.push(b'"');
        for piece in PIECE.captures_iter(chain.as_bytes()) {
            let text = piece
                .get(1)
                .or_else(|| piece.get(2))
                .map_or(&b""[..], |m| m.as_bytes());
            // A backslash-newline inside a literal joins the lines without the indentation.
            let mut rest = text;
            while let Some(at) = memchr::memchr(b'\\', rest) {
                view.extend_from_slice(&rest[..at]);
                rest = rest[at + 1..].trim_ascii_start();
            }
            view.extend_from_slice(rest);
        }
        view.push(b'"');
        out.push(Span {
            range: line_start..chain.end(),
            kind: "joined-strings",
            decoded: view,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_literals_are_joined_under_their_name() {
        let joined = |text: &str| -> Vec<String> {
            let mut out = Vec::new();
            joined_strings(text.as_bytes(), 1 << 20, &mut out);
            out.iter()
                .map(|s| String::from_utf8_lossy(&s.decoded).into_owned())
                .collect()
        };
        assert_eq!(
            joined("api_key = \"sk_live_4eR7\" +\n    \"Tz9qWm2x\"\n"),
            ["api_key = \"sk_live_4eR7Tz9qWm2x\""]
        );
        assert_eq!(
            joined("TOKEN = ('ghp_abc' +\n         'def123')\n"),
            ["TOKEN = (\"ghp_abcdef123\""]
        );
        assert_eq!(
            joined("key: \"AKIA2E0A\\\n  8BWOQ4XPTPNX\"\n"),
            ["key: \"AKIA2E0A8BWOQ4XPTPNX\""]
        );
        assert!(joined("greeting = \"hello \" + name\n").is_empty());
        // On one line, a concatenation does not hide a token from a reader nor from the rules.
        assert!(joined("key = \"ab\" + \"cd\"\n").is_empty());
    }

    #[test]
    fn kubernetes_secret_data_is_decoded_under_its_key() {
        let yaml = "apiVersion: v1\nkind: Secret\ndata:\n  DB_PASSWORD: a3g5dlEybVR6N0xwUjR3Tg==\n  replicas: Mw==\n";
        let mut out = Vec::new();
        kubernetes_secret_data(yaml.as_bytes(), &mut out);
        let views: Vec<_> = out
            .iter()
            .map(|s| String::from_utf8_lossy(&s.decoded).into_owned())
            .collect();
        assert_eq!(views, ["DB_PASSWORD: kx9vQ2mTz7LpR4wN"]);
        let mut none = Vec::new();
        kubernetes_secret_data(
            b"kind: ConfigMap\ndata:\n  DB_PASSWORD: a3g5dlEybVR6N0xwUjR3Tg==\n",
            &mut none,
        );
        assert!(none.is_empty());
    }

    fn kinds(text: &str) -> Vec<(&'static str, String)> {
        find(
            text.as_bytes(),
            detect::find(text.as_bytes()),
            1 << 20,
            &mut Vec::new(),
        )
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
    fn only_escapes_of_printable_characters_open_a_line() {
        // A byte string of control and non-ASCII bytes cannot spell a token.
        assert!(kinds(r#"let header = b"\x00\x1b\xff\x7f";"#).is_empty());
        assert_eq!(
            kinds(r#"k = "\x67hp_token\u0041""#),
            [("escapes", r#"k = "ghp_tokenA""#.to_string())]
        );
    }

    #[test]
    fn long_runs_are_skipped_with_a_reason() {
        let mut skipped = Vec::new();
        let run = "QUJD".repeat(1000);
        assert!(
            find(
                run.as_bytes(),
                detect::find(run.as_bytes()),
                1024,
                &mut skipped
            )
            .is_empty()
        );
        assert!(skipped[0].contains("not decoded"), "{skipped:?}");
    }
}
