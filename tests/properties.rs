//! Property tests of every parser of untrusted bytes: the decoding stage (archives, encoded
//! spans, UTF-16, notebooks), the config file, rule files and imported gitleaks configs,
//! baselines, CODEOWNERS, sweep stores as `merge` and `report` read them, and the pre-push
//! hook's input.
//!
//! Each parser gets arbitrary input and, since a valid input with a few bytes flipped, cut or
//! repeated reaches much deeper than noise does, mutated valid input. Either way it must answer
//! with a value or an error, never a panic, and within its documented bounds; where a valid
//! input can be written, reading it back must give the same answers.
//!
//! Case counts are chosen so this file runs in about 15 s in a debug build on two idle cores
//! (25 s of CPU); each block says its count. `PROPTEST_CASES=N` runs N cases of every property
//! instead (for a longer hunt, best with `--release`).

mod common;

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use base64::Engine as _;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::TestCaseError;

use keysweep::baseline::{Baseline, Entry};
use keysweep::config::Config;
use keysweep::decode::{self, Limits, Outcome};
use keysweep::hook::{RefUpdate, parse_updates};
use keysweep::matcher::Matcher;
use keysweep::model::{Notice, NoticeKind, Validation};
use keysweep::owners::CodeOwners;
use keysweep::request::RuleSelection;
use keysweep::rules::{RuleSet, gitleaks};
use keysweep::store::{BlobRecord, RepoResult, Store, StoredHit, TriageStatus};
use keysweep::sweep::report::{ReportRequest, StoreFormat};

/// `cases` cases, or `PROPTEST_CASES`; failures are not written next to the sources (a failing
/// case is printed, and kept as a named test if it is a bug).
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Mutations of valid inputs.

#[derive(Debug, Clone)]
enum Mutation {
    Xor(Index, u8),
    Set(Index, u8),
    Insert(Index, Vec<u8>),
    Remove(Index, usize),
    /// Repeats a slice in place: doubled headers, lengths, lines.
    Repeat(Index, usize),
    Truncate(Index),
}

/// Bytes that mean something to some parser: ends of strings, lines and numbers, the largest
/// and smallest values of a length byte.
const TELLING_BYTES: &[u8] = b"\0\x01\x7f\x80\xff\n\r\t \"'\\[]{}=:,.#@*/%";

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<Index>(), 1..=255u8).prop_map(|(at, mask)| Mutation::Xor(at, mask)),
        3 => (any::<Index>(), select(TELLING_BYTES)).prop_map(|(at, b)| Mutation::Set(at, b)),
        2 => (any::<Index>(), vec(any::<u8>(), 1..12)).prop_map(|(at, b)| Mutation::Insert(at, b)),
        1 => (any::<Index>(), 1..48usize).prop_map(|(at, n)| Mutation::Remove(at, n)),
        1 => (any::<Index>(), 1..48usize).prop_map(|(at, n)| Mutation::Repeat(at, n)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for mutation in mutations {
        let len = bytes.len();
        match mutation {
            Mutation::Xor(at, mask) if len > 0 => bytes[at.index(len)] ^= mask,
            Mutation::Set(at, b) if len > 0 => bytes[at.index(len)] = *b,
            Mutation::Insert(at, new) => {
                let at = at.index(len + 1);
                bytes.splice(at..at, new.iter().copied());
            }
            Mutation::Remove(at, n) if len > 0 => {
                let at = at.index(len);
                bytes.drain(at..(at + n).min(len));
            }
            Mutation::Repeat(at, n) if len > 0 => {
                let at = at.index(len);
                let end = (at + n).min(len);
                let copy = bytes[at..end].to_vec();
                bytes.splice(end..end, copy);
            }
            Mutation::Truncate(at) => bytes.truncate(at.index(len + 1)),
            _ => {}
        }
    }
    bytes
}

/// `valid`, then one to five mutations.
fn mutated(valid: impl Strategy<Value = Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    (valid, vec(mutation(), 1..6)).prop_map(|(bytes, mutations)| mutate(bytes, &mutations))
}

fn mutated_text(valid: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    mutated(valid.prop_map(String::into_bytes))
        .prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

// ---------------------------------------------------------------------------------------------
// Text with things worth decoding or matching in it.

fn b64(bytes: impl AsRef<[u8]>) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn b64url(bytes: impl AsRef<[u8]>) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn hex(bytes: impl AsRef<[u8]>) -> String {
    bytes.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn percent_all(bytes: impl AsRef<[u8]>) -> String {
    bytes.as_ref().iter().map(|b| format!("%{b:02X}")).collect()
}

/// JSON-style `\uXXXX` escapes for every other character.
fn escape_some(text: &str) -> String {
    text.chars()
        .enumerate()
        .map(|(i, c)| {
            if i % 2 == 0 {
                format!("\\u{:04x}", c as u32 & 0xFFFF)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A fake GitHub token line: the checksum holds, so the matcher reports it.
fn token_line() -> impl Strategy<Value = String> {
    any::<u64>().prop_map(|seed| format!("GITHUB_TOKEN={}\n", common::github_token(seed)))
}

/// Text the built-in rules and checksum validators have to look at closely.
fn bait() -> impl Strategy<Value = String> {
    prop_oneof![
        token_line(),
        any::<u64>().prop_map(|seed| format!(
            "aws_access_key_id = {}\naws_secret_access_key = {}\n",
            common::aws_key_id(seed),
            common::random_chars(
                seed ^ 1,
                40,
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            )
        )),
        any::<u64>().prop_map(|seed| format!("STRIPE_KEY={}\n", common::stripe_key(seed))),
        // A PEM block whose body may or may not be one DER SEQUENCE.
        (vec(any::<u8>(), 0..6), vec(any::<u8>(), 40..120)).prop_map(|(head, body)| {
            let der: Vec<u8> = [&[0x30][..], &head, &body].concat();
            format!(
                "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
                b64(der)
            )
        }),
        // Something shaped like a JWT, with JSON or not inside.
        ("[ -~]{0,30}", "[ -~]{0,60}", "[A-Za-z0-9_-]{16,40}").prop_map(|(h, p, s)| format!(
            "jwt: {}.{}.{s}\n",
            b64url(format!("{{\"alg\":\"{h}\"}}")),
            b64url(format!("{{\"sub\":\"{p}\"}}"))
        )),
        select(
            &[
                "password = \"hunter2hunter2\"\n",
                "secret: ",
                "eyJ",
                "xoxb-",
                "SG.",
                "AKIA",
                "ghp_",
                "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n",
                "\"cell_type\": ",
                "key: |\n  ",
                "\\\":",
                "keysweep:allow",
            ][..]
        )
        .prop_map(String::from),
    ]
}

/// One piece of text: noise, bait, or something in an encoding the decoder opens.
fn fragment() -> impl Strategy<Value = String> {
    let plain = prop_oneof![
        4 => "[ -~\n]{0,40}",
        1 => any::<String>().prop_map(|s| s.chars().take(24).collect()),
        1 => "[A-Za-z0-9+/]{16,90}={0,2}",
        1 => "[0-9a-f]{30,90}",
        1 => "(%[0-9A-Fa-f]{2}|[a-z=&]){4,40}",
        1 => r#"(\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\/|\\":|[a-z"]){2,30}"#,
        3 => bait(),
    ];
    (plain, 0..8u8).prop_map(|(text, how)| match how {
        0 => format!("data: {}\n", b64(&text)),
        1 => format!("{}\n", hex(&text)),
        2 => format!("u={}\n", percent_all(&text)),
        3 => format!("\"{}\"\n", escape_some(&text)),
        4 => format!("value: |\n  {}\n", b64(&text)),
        _ => text,
    })
}

fn text() -> impl Strategy<Value = Vec<u8>> {
    vec(fragment(), 0..16).prop_map(|fragments| fragments.concat().into_bytes())
}

/// Text under up to four layers of encoding, each layer on a line of its own.
fn layered_text() -> impl Strategy<Value = Vec<u8>> {
    (text(), vec(0..4u8, 0..5)).prop_map(|(mut bytes, layers)| {
        for layer in layers {
            let encoded = match layer {
                0 => b64(&bytes),
                1 => hex(&bytes),
                2 => percent_all(&bytes),
                _ => escape_some(&String::from_utf8_lossy(&bytes)),
            };
            bytes = format!("v = \"{encoded}\"\n").into_bytes();
        }
        bytes
    })
}

/// A notebook whose cells hold `text` split across source lines and outputs.
fn notebook() -> impl Strategy<Value = Vec<u8>> {
    vec((vec(fragment(), 0..4), vec(fragment(), 0..2)), 0..4).prop_map(|cells| {
        let cells: Vec<serde_json::Value> = cells
            .into_iter()
            .map(|(source, outputs)| {
                serde_json::json!({
                    "cell_type": "code",
                    "source": source,
                    "outputs": [{"output_type": "stream", "text": outputs}],
                })
            })
            .collect();
        serde_json::to_vec_pretty(&serde_json::json!({"cells": cells, "nbformat": 4})).unwrap()
    })
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend(if big_endian {
            [0xFE, 0xFF]
        } else {
            [0xFF, 0xFE]
        });
    }
    for unit in text.encode_utf16() {
        out.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Archives.

/// Named files, to pack.
type Files = Vec<(String, Vec<u8>)>;

fn zip_of(files: &[(String, Vec<u8>)], deflate: bool) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    for (name, bytes) in files {
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn tar_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    for (name, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, &bytes[..]).unwrap();
    }
    tar.into_inner().unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

#[derive(Debug, Clone, Copy)]
enum Pack {
    Zip,
    StoredZip,
    Tar,
    TarGz,
    Gzip,
}

/// Every kind of archive; all but the last hold several files.
const PACKS: [Pack; 5] = [
    Pack::Zip,
    Pack::StoredZip,
    Pack::Tar,
    Pack::TarGz,
    Pack::Gzip,
];

/// `files` packed; a gzip stream holds the first file only.
fn pack(kind: Pack, files: &[(String, Vec<u8>)]) -> Vec<u8> {
    match kind {
        Pack::Zip => zip_of(files, true),
        Pack::StoredZip => zip_of(files, false),
        Pack::Tar => tar_of(files),
        Pack::TarGz => gzip(&tar_of(files)),
        Pack::Gzip => gzip(files.first().map_or(&[][..], |(_, bytes)| bytes)),
    }
}

/// Text files of distinct names (a zip cannot hold two of one name).
fn files() -> impl Strategy<Value = Files> {
    vec(("[a-z]{1,6}(/[a-z]{1,6}){0,2}\\.txt", text()), 0..4).prop_map(|mut files| {
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files.dedup_by(|a, b| a.0 == b.0);
        files
    })
}

/// Archives of text files, some holding another archive.
fn archive() -> impl Strategy<Value = Vec<u8>> {
    (select(&PACKS[..]), files(), select(&PACKS[..]), files()).prop_map(
        |(outer, mut outer_files, inner, inner_files)| {
            if !outer_files.is_empty() {
                outer_files[0] = ("inner.bin".into(), pack(inner, &inner_files));
            }
            pack(outer, &outer_files)
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Decoding: shared matcher, limits, and what every outcome must satisfy.

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().unwrap())
}

fn matcher() -> &'static Matcher<'static> {
    static MATCHER: OnceLock<Matcher<'static>> = OnceLock::new();
    MATCHER.get_or_init(|| Matcher::new(rules()).unwrap())
}

/// Limits small enough that arbitrary input reaches them, zero included.
fn limits() -> impl Strategy<Value = Limits> {
    (
        0..5usize,
        any::<bool>(),
        0..4usize,
        0..6usize,
        0..64u64 << 10,
        0..300u64,
        0..8usize << 10,
        0..32usize << 10,
    )
        .prop_map(
            |(
                max_depth,
                archives,
                max_archive_depth,
                max_entries,
                inflated,
                ratio,
                span,
                decoded,
            )| {
                Limits {
                    max_depth,
                    archives,
                    max_archive_depth,
                    max_entries,
                    max_inflated: inflated,
                    max_ratio: ratio,
                    max_span: span,
                    max_decoded: decoded,
                }
            },
        )
}

/// Layers a hit's location does not point into: the file was transcoded or inflated first.
fn relocating(layer: &str) -> bool {
    layer.starts_with("utf-16") || layer == "gzip"
}

/// What holds for every outcome of [`decode::scan`] over `input`.
fn check_outcome(input: &[u8], limits: &Limits, outcome: &Outcome) -> Result<(), TestCaseError> {
    let rules = matcher().rules();
    let mut seen = HashSet::new();
    for hit in &outcome.hits {
        let at = &hit.location;
        prop_assert!(hit.rule < rules.len());
        prop_assert!(!hit.secret.is_empty());
        prop_assert!(at.byte_start <= at.byte_end, "{at:?}");
        prop_assert!(
            1 <= at.line && at.line <= at.end_line && at.column >= 1,
            "{at:?}"
        );
        // Decoding layers (notebook cells among them) stop at `max_depth`; archive levels,
        // each at most one gzip label, at `max_archive_depth`; transcoding is one more.
        let decoded_layers = hit.encoding.iter().filter(|l| !relocating(l)).count();
        prop_assert!(decoded_layers <= limits.max_depth, "{:?}", hit.encoding);
        let gzip_layers = hit.encoding.iter().filter(|l| *l == "gzip").count();
        prop_assert!(
            gzip_layers <= limits.max_archive_depth,
            "{:?}",
            hit.encoding
        );
        prop_assert!(hit.inner_path.is_none() || limits.archives);
        if hit.inner_path.is_none() && !hit.encoding.iter().any(|l| relocating(l)) {
            // Plain or decoded: the location is in the input itself, and a plain hit's secret
            // is what stands there.
            prop_assert!(
                at.byte_end <= input.len(),
                "{at:?} in {} bytes",
                input.len()
            );
            let lines = input.iter().filter(|&&b| b == b'\n').count() + 1;
            prop_assert!(at.end_line <= lines, "{at:?} in {lines} lines");
            if hit.encoding.is_empty() {
                let there = String::from_utf8_lossy(&input[at.byte_start..at.byte_end]);
                prop_assert_eq!(&there, &hit.secret);
            }
            // One hit per rule, secret and place.
            prop_assert!(
                seen.insert((hit.rule, hit.secret.clone(), at.byte_start)),
                "duplicate hit {hit:?}"
            );
        }
    }
    Ok(())
}

fn scan(input: &[u8], limits: &Limits) -> Option<Outcome> {
    decode::scan(matcher(), input, limits, false)
}

/// The encodings under which `secret` was found, and where.
fn found(outcome: &Option<Outcome>, secret: &str) -> Vec<(Vec<String>, Option<String>)> {
    outcome
        .iter()
        .flat_map(|o| &o.hits)
        .filter(|h| h.secret == secret)
        .map(|h| (h.encoding.clone(), h.inner_path.clone()))
        .collect()
}

fn notes(outcome: &Option<Outcome>) -> String {
    outcome
        .iter()
        .flat_map(|o| &o.notes)
        .cloned()
        .collect::<Vec<_>>()
        .join("\n")
}

/// A fake GitHub token the matcher reports in plain text: a few random ones hold `xxxxx`, which
/// marks a placeholder.
fn token() -> impl Strategy<Value = String> {
    any::<u64>()
        .prop_map(common::github_token)
        .prop_filter("a placeholder", |token| {
            let line = format!("GITHUB_TOKEN={token}\n");
            !found(&scan(line.as_bytes(), &Limits::default()), token).is_empty()
        })
}

// Arbitrary and mutated input, under arbitrary limits: 256 cases each (about 9 s, archives
// included).
proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn decoding_arbitrary_bytes(input in vec(any::<u8>(), 0..4096), limits in limits(),
                                binary in any::<bool>()) {
        if let Some(outcome) = decode::scan(matcher(), &input, &limits, binary) {
            check_outcome(&input, &limits, &outcome)?;
        }
    }

    #[test]
    fn decoding_text_and_layers(input in layered_text(), limits in limits()) {
        if let Some(outcome) = scan(&input, &limits) {
            check_outcome(&input, &limits, &outcome)?;
        }
    }

    #[test]
    fn decoding_mutated_text(input in mutated(layered_text()), limits in limits()) {
        if let Some(outcome) = scan(&input, &limits) {
            check_outcome(&input, &limits, &outcome)?;
        }
    }

    #[test]
    fn decoding_mutated_notebooks(input in mutated(notebook()), limits in limits()) {
        if let Some(outcome) = scan(&input, &limits) {
            check_outcome(&input, &limits, &outcome)?;
        }
    }

    #[test]
    fn decoding_mutated_utf16(text in text(), big_endian in any::<bool>(), bom in any::<bool>(),
                              mutations in vec(mutation(), 0..4), limits in limits()) {
        let text = String::from_utf8_lossy(&text).into_owned();
        let input = mutate(utf16(&text, big_endian, bom), &mutations);
        if let Some(outcome) = scan(&input, &limits) {
            check_outcome(&input, &limits, &outcome)?;
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn decoding_mutated_archives(input in mutated(archive()), limits in limits()) {
        if let Some(outcome) = scan(&input, &limits) {
            check_outcome(&input, &limits, &outcome)?;
        }
    }

    #[test]
    fn decoding_mutated_archives_with_default_limits(input in mutated(archive())) {
        let limits = Limits::default();
        if let Some(outcome) = scan(&input, &limits) {
            check_outcome(&input, &limits, &outcome)?;
        }
    }
}

// Round trips and documented limits: a token packed or encoded is found exactly when the
// limits allow, with its encoding and path. 64 cases each (about 5 s).
proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn tokens_are_found_through_encoding_layers(token in token(), layers in vec(0..2u8, 0..5),
                                                max_depth in 0..5usize,
                                                before in "[a-zA-Z0-9 ,.;=+/_-]{0,600}") {
        let mut text = format!("GITHUB_TOKEN={token}");
        let mut chain = Vec::new();
        for layer in &layers {
            text = if *layer == 0 { b64(&text) } else { hex(&text) };
            chain.insert(0, if *layer == 0 { "base64" } else { "hex" }.to_string());
        }
        // What comes before moves the encoded run across the detector's 256-byte chunks.
        let input = format!("{before}\nconfig:\n  value: {text}\n");
        let limits = Limits { max_depth, ..Limits::default() };
        let found = found(&scan(input.as_bytes(), &limits), &token);
        if layers.len() <= max_depth {
            prop_assert_eq!(found, vec![(chain, None)]);
        } else {
            prop_assert!(found.is_empty(), "{found:?}");
        }
    }

    #[test]
    fn tokens_are_found_in_utf16(before in "[ -~\n]{0,200}", token in token(),
                                 big_endian in any::<bool>(), bom in any::<bool>()) {
        let text = format!("{before}\nGITHUB_TOKEN={token}\n");
        let input = utf16(&text, big_endian, bom);
        let name = if big_endian { "utf-16be" } else { "utf-16le" };
        prop_assert_eq!(found(&scan(&input, &Limits::default()), &token),
                        vec![(vec![name.to_string()], None)]);
    }

    #[test]
    fn tokens_split_across_notebook_lines_are_found_in_their_cell(
        cells in vec(vec("[ -~]{0,30}\n", 0..3), 1..4), token in token(),
        pick in any::<Index>(), split in 5..40usize,
    ) {
        // Split, the token is nowhere in the notebook's JSON: only the cell reader joins it.
        let line = format!("GITHUB_TOKEN={token}\n");
        let (head, tail) = line.split_at(13 + split);
        let cell = pick.index(cells.len());
        let cells: Vec<serde_json::Value> = cells
            .into_iter()
            .enumerate()
            .map(|(i, mut source)| {
                if i == cell {
                    source.extend([head.to_string(), tail.to_string()]);
                }
                serde_json::json!({"cell_type": "code", "source": source, "outputs": []})
            })
            .collect();
        let input = serde_json::to_vec(&serde_json::json!({"cells": cells})).unwrap();
        prop_assert_eq!(found(&scan(&input, &Limits::default()), &token),
                        vec![(vec![format!("ipynb cell {}", cell + 1)], None)]);
    }

    #[test]
    fn tokens_are_found_in_archives_at_their_path(kind in select(&PACKS[..]),
                                                  mut files in files(), pick in any::<Index>(),
                                                  token in token()) {
        // A gzip stream holds the first file only.
        let at = match kind {
            Pack::Gzip => 0,
            _ => pick.index(files.len() + 1),
        };
        let secret = format!("GITHUB_TOKEN={token}\n").into_bytes();
        files.insert(at, ("secret.env".into(), secret));
        let expected = match kind {
            Pack::Gzip => (vec!["gzip".to_string()], None),
            _ => (vec![], Some("secret.env".to_string())),
        };
        prop_assert_eq!(found(&scan(&pack(kind, &files), &Limits::default()), &token),
                        vec![expected]);
    }

    #[test]
    fn archives_nested_deeper_than_the_limit_are_not_opened(token in token(),
                                                           depth in 1..6usize,
                                                           max_archive_depth in 0..6usize) {
        let mut bytes = format!("GITHUB_TOKEN={token}\n").into_bytes();
        let mut name = "secret.env".to_string();
        for level in (1..depth).rev() {
            bytes = zip_of(&[(name.clone(), bytes)], true);
            name = format!("l{level}.zip");
        }
        let input = zip_of(&[(name, bytes)], true);
        let limits = Limits { max_archive_depth, ..Limits::default() };
        let outcome = scan(&input, &limits);
        let found = found(&outcome, &token);
        if depth <= max_archive_depth {
            let path: String = (1..depth).map(|l| format!("l{l}.zip!")).collect();
            let path = path + "secret.env";
            prop_assert_eq!(found, vec![(vec![], Some(path))]);
        } else {
            prop_assert!(found.is_empty(), "{found:?}");
            prop_assert!(notes(&outcome).contains("nested deeper"), "{}", notes(&outcome));
        }
    }

    #[test]
    fn entries_past_the_limit_are_not_opened(tokens in vec(token(), 1..8),
                                             max_entries in 0..8usize,
                                             kind in select(&PACKS[..4])) {
        let files: Files = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("{i}.env"), format!("GITHUB_TOKEN={t}\n").into_bytes()))
            .collect();
        let limits = Limits { max_entries, ..Limits::default() };
        let outcome = scan(&pack(kind, &files), &limits);
        let opened = tokens.iter().filter(|t| !found(&outcome, t).is_empty()).count();
        prop_assert_eq!(opened, tokens.len().min(max_entries));
        let noted = notes(&outcome).contains("entries were opened");
        prop_assert_eq!(tokens.len() > max_entries, noted);
    }

    #[test]
    fn files_inflating_past_the_budget_are_not_opened(token in token(),
                                                      padding in 0..96usize << 10,
                                                      max_inflated in 0..96u64 << 10,
                                                      kind in select(&PACKS[..])) {
        let mut content = format!("GITHUB_TOKEN={token}\n").into_bytes();
        content.resize(content.len() + padding, b'\n');
        let size = content.len() as u64;
        let input = pack(kind, &[("secret.env".into(), content)]);
        // Everything inflated counts: a tar inside gzip first of all.
        let total = match kind {
            Pack::TarGz => {
                let tar = tar_of(&[("secret.env".into(), vec![0; size as usize])]);
                tar.len() as u64 + size
            }
            _ => size,
        };
        let limits = Limits { max_inflated, ..Limits::default() };
        let outcome = scan(&input, &limits);
        let opened = !found(&outcome, &token).is_empty();
        prop_assert_eq!(opened, total <= max_inflated,
                        "{} of {} bytes: {}", total, max_inflated, notes(&outcome));
        prop_assert_eq!(!opened, notes(&outcome).contains("budget"));
    }

    #[test]
    fn decoding_stops_at_its_budget(tokens in vec(token(), 1..10), max_decoded in 0..1024usize) {
        let input: String = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| format!("k{i}: {}\n", b64(format!("GITHUB_TOKEN={t}"))))
            .collect();
        // Each span decodes to the 53 bytes of its line.
        let fit = max_decoded / 53;
        let limits = Limits { max_decoded, ..Limits::default() };
        let outcome = scan(input.as_bytes(), &limits);
        let decoded = tokens.iter().filter(|t| !found(&outcome, t).is_empty()).count();
        prop_assert_eq!(decoded, tokens.len().min(fit));
        prop_assert_eq!(tokens.len() > fit, notes(&outcome).contains("decoding stopped"));
    }

    #[test]
    fn runs_longer_than_the_span_limit_are_not_decoded(token in token(), padding in 0..200usize,
                                                       max_span in 0..400usize) {
        let line = format!("GITHUB_TOKEN={token}{}", " ".repeat(padding));
        let encoded = b64(&line);
        let input = format!("data: {encoded}\n");
        let limits = Limits { max_span, ..Limits::default() };
        let outcome = scan(input.as_bytes(), &limits);
        let decoded = !found(&outcome, &token).is_empty();
        let run = encoded.trim_end_matches('=').len();
        prop_assert_eq!(decoded, run <= max_span);
        prop_assert_eq!(!decoded, notes(&outcome).contains("was not decoded"));
    }
}

// ---------------------------------------------------------------------------------------------
// The config file.

/// A valid `.keysweep.toml`, as a TOML table; the literal paths and secrets it allows.
#[derive(Debug, Clone)]
struct ConfigSpec {
    paths: Vec<String>,
    secrets: Vec<String>,
    stopwords: Vec<String>,
    disable: Vec<String>,
    extra: Vec<String>,
    confidence: Option<&'static str>,
    max_file_size: Option<(u32, &'static str)>,
}

impl ConfigSpec {
    fn text(&self) -> String {
        let mut file = toml::Table::new();
        let list =
            |items: &[String]| toml::Value::Array(items.iter().map(|s| s.clone().into()).collect());
        let mut allowlist = toml::Table::new();
        let globs: Vec<String> = self.paths.iter().map(|p| globset::escape(p)).collect();
        let regexes: Vec<String> = self.secrets.iter().map(|s| regex::escape(s)).collect();
        allowlist.insert("paths".into(), list(&globs));
        allowlist.insert("secrets".into(), list(&regexes));
        allowlist.insert("stopwords".into(), list(&self.stopwords));
        file.insert("allowlist".into(), allowlist.into());
        let mut rules = toml::Table::new();
        rules.insert("disable".into(), list(&self.disable));
        rules.insert("extra".into(), list(&self.extra));
        if let Some(confidence) = self.confidence {
            rules.insert("min_confidence".into(), confidence.into());
        }
        file.insert("rules".into(), rules.into());
        if let Some((n, unit)) = self.max_file_size {
            let mut scan = toml::Table::new();
            scan.insert("max_file_size".into(), format!("{n}{unit}").into());
            file.insert("scan".into(), scan.into());
        }
        toml::to_string(&file).unwrap()
    }
}

fn config_spec() -> impl Strategy<Value = ConfigSpec> {
    // Relative file paths with every glob metacharacter but the backslash (globset's escape
    // leaves it be). No `.` or `..` component: a scan never asks about one, and a GlobSet of
    // `[[]/..` does not match `[/..` where its Glob alone does (globset 0.4.22).
    let component = "[a-z *?{}\\[\\]!-][a-z. *?{}\\[\\]!-]{0,4}";
    (
        vec(vec(component, 1..4).prop_map(|c| c.join("/")), 0..4),
        vec(any::<String>(), 0..3),
        vec("[a-zA-Z_]{1,8}", 0..3),
        vec("[a-z.-]{1,12}", 0..3),
        vec("[a-z/]{1,12}", 0..2),
        proptest::option::of(select(&["low", "medium", "high"][..])),
        proptest::option::of((0..4096u32, select(&["", "K", "M", "G", "k"][..]))),
    )
        .prop_map(
            |(paths, secrets, stopwords, disable, extra, confidence, max_file_size)| ConfigSpec {
                paths,
                secrets,
                stopwords,
                disable,
                extra,
                confidence,
                max_file_size,
            },
        )
}

/// Config text that is mostly valid TOML, with keys and values of every kind in every section.
fn config_like_text() -> impl Strategy<Value = String> {
    let key = select(
        &[
            "paths",
            "secrets",
            "stopwords",
            "disable",
            "extra",
            "min_confidence",
            "max_file_size",
            "path",
            "x",
        ][..],
    );
    let value = prop_oneof![
        Just("[]".to_string()),
        "\\[(\"[ -!#-\\[\\]-~]{0,8}\", ){0,3}\\]",
        "'''[ -~]{0,12}'''",
        "\"[0-9]{0,20}[KMGkx ]?\"",
        "-?[0-9]{1,20}",
        select(
            &[
                "true",
                "nan",
                "inf",
                "{}",
                "\"low\"",
                "\"medium\"",
                "\"HIGH\""
            ][..]
        )
        .prop_map(String::from),
    ];
    let section = select(
        &[
            "[allowlist]",
            "[rules]",
            "[scan]",
            "[other]",
            "[[allowlist]]",
            "",
        ][..],
    );
    vec((section, vec((key, value), 0..4)), 0..4).prop_map(|sections| {
        sections
            .into_iter()
            .map(|(header, entries)| {
                let body: String = entries
                    .iter()
                    .map(|(k, v)| format!("{k} = {v}\n"))
                    .collect();
                format!("{header}\n{body}")
            })
            .collect()
    })
}

// 512 cases each (about 2 s).
proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn config_arbitrary_text(text in any::<String>(), probe in any::<String>()) {
        if let Ok(config) = Config::parse(&text, Path::new(".keysweep.toml")) {
            config.path_allowed(&probe);
            config.secret_allowed(&probe);
        }
    }

    #[test]
    fn config_like_text_and_its_mutations(text in prop_oneof![
        config_like_text(),
        mutated_text(config_like_text()),
    ], probe in any::<String>()) {
        if let Ok(config) = Config::parse(&text, Path::new("repo/.keysweep.toml")) {
            config.path_allowed(&probe);
            config.secret_allowed(&probe);
        }
    }

    #[test]
    fn config_mutated_valid_files(text in mutated_text(config_spec().prop_map(|c| c.text())),
                                  probe in any::<String>()) {
        if let Ok(config) = Config::parse(&text, Path::new("repo/.keysweep.toml")) {
            config.path_allowed(&probe);
            config.secret_allowed(&probe);
        }
    }

    #[test]
    fn config_written_then_read_allows_the_same(spec in config_spec(),
                                                 probes in vec(any::<String>(), 0..4),
                                                 picks in vec(any::<Index>(), 0..4)) {
        let config = Config::parse(&spec.text(), Path::new("repo/.keysweep.toml")).unwrap();
        // The allowed values themselves, and arbitrary strings around them.
        let mut candidates = probes.clone();
        let all: Vec<&String> =
            spec.paths.iter().chain(&spec.secrets).chain(&spec.stopwords).collect();
        for (i, pick) in picks.iter().enumerate() {
            if !all.is_empty() {
                let chosen = all[pick.index(all.len())];
                candidates.push(format!("{}{chosen}{}", probes.get(i).map_or("", |s| s), i));
                candidates.push(chosen.clone());
            }
        }
        for candidate in &candidates {
            prop_assert_eq!(config.path_allowed(candidate), spec.paths.contains(candidate),
                            "{:?}", candidate);
            let lower = candidate.to_ascii_lowercase();
            let expected = spec.secrets.iter().any(|s| candidate.contains(s.as_str()))
                || spec.stopwords.iter().any(|w| lower.contains(&w.to_ascii_lowercase()));
            prop_assert_eq!(config.secret_allowed(candidate), expected, "{:?}", candidate);
        }
        prop_assert_eq!(&config.disabled_rules, &spec.disable);
        // As written: they are read, relative to the config's directory, when it is loaded.
        let extra: Vec<PathBuf> = spec.extra.iter().map(PathBuf::from).collect();
        prop_assert_eq!(&config.extra_rules, &extra);
        prop_assert_eq!(config.min_confidence.map(|c| c.to_string()),
                        spec.confidence.map(String::from));
        let size = spec.max_file_size.map(|(n, unit)| {
            u64::from(n) << match unit { "K" | "k" => 10, "M" => 20, "G" => 30, _ => 0 }
        });
        prop_assert_eq!(config.max_file_size, size);
    }
}

// ---------------------------------------------------------------------------------------------
// Rule files and imported gitleaks configs.

/// A regex of the kind rules use, often invalid or without a usable group.
fn regex_source() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        4 => "[a-z_]{1,6}",
        1 => "[ -~]{1,3}",
        4 => select(&[
            "[A-Za-z0-9]", "[a-f0-9]", "\\d", "\\w", ".", "\\b", "^", "$", "\\s", "[^\\s\"']",
            "[", ")", "\\", "(?i)", "\\x00", "\\p{L}",
        ][..]).prop_map(String::from),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 1..4).prop_map(|parts| parts.concat()),
            (
                inner.clone(),
                select(
                    &[
                        "", "?", "*", "+", "{2}", "{1,8}", "{4,}", "{0,40}?", "{3,1}"
                    ][..]
                )
            )
                .prop_map(|(r, q)| format!("(?:{r}){q}")),
            inner.clone().prop_map(|r| format!("({r})")),
            inner.clone().prop_map(|r| format!("(?P<secret>{r})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("{a}|{b}")),
        ]
    })
}

fn strings(pattern: &'static str, most: usize) -> impl Strategy<Value = toml::Value> {
    vec(pattern, 0..most)
        .prop_map(|items| toml::Value::Array(items.into_iter().map(Into::into).collect()))
}

/// A validation spec, valid or not.
fn validate_spec() -> impl Strategy<Value = toml::Value> {
    (
        "(https?://)?[a-z{}.@]{0,12}(/[a-z{}?=]{0,10})?",
        select(&["GET", "POST", "DELETE"][..]),
        "[ -~]{0,20}",
        proptest::option::of(select(&["aws-sts", "nope"][..])),
        vec(0..600i64, 0..3),
    )
        .prop_map(|(url, method, header, coded, status)| {
            let mut table = toml::Table::new();
            table.insert("url".into(), url.into());
            table.insert("method".into(), method.into());
            let mut headers = toml::Table::new();
            headers.insert("Authorization".into(), header.into());
            table.insert("headers".into(), headers.into());
            if let Some(coded) = coded {
                table.insert("coded".into(), coded.into());
            }
            let mut valid = toml::Table::new();
            valid.insert(
                "status".into(),
                toml::Value::Array(status.into_iter().map(Into::into).collect()),
            );
            table.insert("valid".into(), valid.into());
            table.into()
        })
}

/// A keysweep rule file of one to three rules, mostly well-formed.
fn rule_file() -> impl Strategy<Value = String> {
    let rule = (
        "[a-z]{1,4}\\.[a-z-]{1,6}",
        strings("[a-zA-Z_.-]{0,6}", 3),
        any::<bool>(),
        regex_source(),
        0..600i64,
        proptest::option::of(0..4i64),
        proptest::option::of(0.0..6.0f64),
        proptest::option::of(select(
            &[
                "github-crc32",
                "jwt-structure",
                "pem-der",
                "base64-json",
                "crc",
            ][..],
        )),
        strings("(digit|letter|upper|lower|special|other)", 3),
        proptest::option::of(regex_source()),
        proptest::option::of(("[a-z]{1,4}\\.[a-z-]{1,6}", 0..2000i64)),
        proptest::option::of(validate_spec()),
    )
        .prop_map(
            |(
                id,
                keywords,
                ci,
                regex,
                max_len,
                group,
                entropy,
                checksum,
                require,
                exclude,
                pair,
                validate,
            )| {
                let mut r = toml::Table::new();
                r.insert("id".into(), id.into());
                r.insert("name".into(), "A rule".into());
                r.insert("keywords".into(), keywords);
                r.insert("case_insensitive".into(), ci.into());
                r.insert("regex".into(), regex.into());
                r.insert("max_len".into(), max_len.into());
                r.insert("severity".into(), "high".into());
                r.insert("confidence".into(), "low".into());
                r.insert("require".into(), require);
                if let Some(g) = group {
                    r.insert("secret_group".into(), g.into());
                }
                if let Some(e) = entropy {
                    r.insert("entropy".into(), e.into());
                }
                if let Some(c) = checksum {
                    r.insert("checksum".into(), c.into());
                }
                if let Some(x) = exclude {
                    r.insert("exclude_secret_regex".into(), x.into());
                }
                if let Some((partner, within)) = pair {
                    let mut p = toml::Table::new();
                    p.insert("rule".into(), partner.into());
                    p.insert("within".into(), within.into());
                    r.insert("pair".into(), p.into());
                }
                if let Some(v) = validate {
                    r.insert("validate".into(), v);
                }
                toml::Value::Table(r)
            },
        );
    vec(rule, 1..4).prop_map(|rules| {
        let mut file = toml::Table::new();
        file.insert("rules".into(), toml::Value::Array(rules));
        toml::to_string(&file).unwrap()
    })
}

/// Haystacks for loaded rules: noise with their keywords in it.
fn haystack(keywords: Vec<String>) -> impl Strategy<Value = Vec<u8>> {
    vec(
        prop_oneof![
            "[ -~\n]{0,30}".prop_map(String::into_bytes),
            vec(any::<u8>(), 0..16),
            select(if keywords.is_empty() {
                vec!["x".to_string()]
            } else {
                keywords
            })
            .prop_map(String::into_bytes),
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

/// Loads rules as a user rule file is loaded (compiling each), then matches and decodes with them.
fn exercise_rules(set: &RuleSet, haystack: &[u8]) -> Result<(), TestCaseError> {
    if set.rules.iter().any(|r| r.regex().is_err()) {
        return Ok(());
    }
    let Ok(matcher) = Matcher::new(set) else {
        return Ok(());
    };
    for m in matcher.find_all(haystack) {
        prop_assert!(
            m.secret.end <= haystack.len() && m.secret.start < m.secret.end,
            "{m:?}"
        );
        prop_assert!(
            m.span.start <= m.secret.start && m.secret.end <= m.span.end,
            "{m:?}"
        );
    }
    decode::scan(&matcher, haystack, &Limits::default(), true);
    Ok(())
}

fn keywords_of(text: &str) -> Vec<String> {
    let value: toml::Table = text.parse().unwrap_or_default();
    value
        .get("rules")
        .and_then(|r| r.as_array())
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("keywords")?.as_array().cloned())
        .flatten()
        .filter_map(|k| k.as_str().map(String::from))
        .collect()
}

/// A rule file, and haystacks with its keywords.
fn rule_file_and_haystack(
    file: impl Strategy<Value = String>,
) -> impl Strategy<Value = (String, Vec<u8>)> {
    file.prop_flat_map(|text| {
        let keywords = keywords_of(&text);
        (Just(text), haystack(keywords))
    })
}

#[derive(Debug, Clone)]
struct GitleaksSpec {
    text: String,
    rules: usize,
    /// Notes the global allowlists must bring: one per odd regex target, one per commit list.
    global_notes: usize,
    path_regexes: Vec<String>,
    secret_regexes: Vec<String>,
    stopwords: Vec<String>,
    disabled: Vec<String>,
}

fn gitleaks_allowlist() -> impl Strategy<Value = (toml::Table, Option<&'static str>, bool)> {
    (
        vec("[a-z^$/.]{0,8}", 0..2),
        vec(regex_source(), 0..2),
        proptest::option::of(select(&["secret", "match", "line"][..])),
        vec("[a-z]{1,6}", 0..2),
        vec("[0-9a-f]{6}", 0..2),
    )
        .prop_map(|(paths, regexes, target, stopwords, commits)| {
            let list = |items: &[String]| {
                toml::Value::Array(items.iter().map(|s| s.clone().into()).collect())
            };
            let mut table = toml::Table::new();
            table.insert("paths".into(), list(&paths));
            table.insert("regexes".into(), list(&regexes));
            if let Some(t) = target {
                table.insert("regexTarget".into(), t.into());
            }
            table.insert("stopwords".into(), list(&stopwords));
            table.insert("commits".into(), list(&commits));
            (table, target, !commits.is_empty())
        })
}

fn gitleaks_spec() -> impl Strategy<Value = GitleaksSpec> {
    let rule = (
        "[a-z-]{1,8}",
        proptest::option::of(regex_source()),
        proptest::option::of(0..4i64),
        proptest::option::of(0.0..5.0f64),
        strings("[a-zA-Z_]{0,5}", 3),
        proptest::option::of("[a-z.\\\\$]{1,6}"),
        proptest::option::of(gitleaks_allowlist()),
    )
        .prop_map(|(id, regex, group, entropy, keywords, path, allowlist)| {
            let mut r = toml::Table::new();
            r.insert("id".into(), id.into());
            if let Some(regex) = regex {
                r.insert("regex".into(), regex.into());
            }
            if let Some(g) = group {
                r.insert("secretGroup".into(), g.into());
            }
            if let Some(e) = entropy {
                r.insert("entropy".into(), e.into());
            }
            r.insert("keywords".into(), keywords);
            if let Some(p) = path {
                r.insert("path".into(), p.into());
            }
            if let Some((a, _, _)) = allowlist {
                r.insert("allowlists".into(), toml::Value::Array(vec![a.into()]));
            }
            toml::Value::Table(r)
        });
    (
        vec(rule, 0..4),
        vec(gitleaks_allowlist(), 0..3),
        vec("[a-z-]{1,8}", 0..3),
    )
        .prop_map(|(rules, allowlists, disabled)| {
            let mut spec = GitleaksSpec {
                text: String::new(),
                rules: rules.len(),
                global_notes: 0,
                path_regexes: Vec::new(),
                secret_regexes: Vec::new(),
                stopwords: Vec::new(),
                disabled: disabled.clone(),
            };
            let mut file = toml::Table::new();
            file.insert("title".into(), "generated".into());
            let mut extend = toml::Table::new();
            extend.insert(
                "disabledRules".into(),
                toml::Value::Array(disabled.into_iter().map(Into::into).collect()),
            );
            file.insert("extend".into(), extend.into());
            let mut tables = Vec::new();
            for (table, target, commits) in allowlists {
                let strings = |key: &str| -> Vec<String> {
                    table[key]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_str().unwrap().to_string())
                        .collect()
                };
                spec.path_regexes.extend(strings("paths"));
                spec.stopwords.extend(strings("stopwords"));
                match target {
                    Some("line") => spec.global_notes += 1,
                    _ => spec.secret_regexes.extend(strings("regexes")),
                }
                spec.global_notes += usize::from(commits);
                tables.push(toml::Value::Table(table));
            }
            // The first as `[allowlist]`, the rest as `[[allowlists]]`: both are read.
            if !tables.is_empty() {
                file.insert("allowlist".into(), tables.remove(0));
            }
            file.insert("allowlists".into(), toml::Value::Array(tables));
            file.insert("rules".into(), toml::Value::Array(rules));
            spec.text = toml::to_string(&file).unwrap();
            spec
        })
}

// 256 cases each, 24 through the application's loader, which loads the built-in rules every
// time (about 5 s).
proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn rule_files_arbitrary_text(text in any::<String>()) {
        let mut set = RuleSet::default();
        if set.add_toml(&text, "arbitrary.toml").is_ok() {
            exercise_rules(&set, text.as_bytes())?;
        }
    }

    #[test]
    fn rule_files_generated_and_mutated((text, haystack) in rule_file_and_haystack(prop_oneof![
        rule_file(),
        mutated_text(rule_file()),
    ])) {
        let mut set = RuleSet::default();
        if set.add_toml(&text, "generated.toml").is_ok() {
            exercise_rules(&set, &haystack)?;
        }
    }

    #[test]
    fn builtin_rule_files_mutated(text in mutated_text(select(&[
        include_str!("../signatures/sendgrid.toml"),
        include_str!("../signatures/jwt.toml"),
        include_str!("../signatures/generic.toml"),
        include_str!("../signatures/aws.toml"),
    ][..]).prop_map(String::from)), haystack in text()) {
        let mut set = RuleSet::default();
        if set.add_toml(&text, "mutated.toml").is_ok() {
            exercise_rules(&set, &haystack)?;
        }
    }

    #[test]
    fn gitleaks_arbitrary_and_mutated_text(text in prop_oneof![
        any::<String>(),
        mutated_text(gitleaks_spec().prop_map(|s| s.text)),
    ], haystack in text()) {
        gitleaks::is_gitleaks(&text);
        if let Ok(imported) = gitleaks::import(&text, "mutated.toml") {
            let _ = Config::default().absorb(&imported);
            let mut set = RuleSet::default();
            if set.add_rules(imported.rules).is_ok() {
                exercise_rules(&set, &haystack)?;
            }
        }
    }

    #[test]
    fn gitleaks_imports_everything_or_says_what_it_skipped(spec in gitleaks_spec(),
                                                           haystack in text()) {
        prop_assert!(gitleaks::is_gitleaks(&spec.text));
        let imported = gitleaks::import(&spec.text, "generated.toml").unwrap();
        prop_assert_eq!(imported.rules.len() + imported.skipped.len(),
                        spec.rules + spec.global_notes, "{:?}", imported.skipped);
        prop_assert_eq!(&imported.path_regexes, &spec.path_regexes);
        prop_assert_eq!(&imported.secret_regexes, &spec.secret_regexes);
        prop_assert_eq!(&imported.stopwords, &spec.stopwords);
        prop_assert_eq!(&imported.disabled_rules, &spec.disabled);
        for rule in &imported.rules {
            prop_assert!(rule.regex().is_ok(), "{}", rule.id);
            prop_assert!(!rule.keywords.is_empty(), "{}", rule.id);
        }
        let _ = Config::default().absorb(&imported);
        let mut set = RuleSet::default();
        if set.add_rules(imported.rules).is_ok() {
            exercise_rules(&set, &haystack)?;
        }
    }
}

proptest! {
    #![proptest_config(config(24))]

    /// The application's loader: a file is sniffed as gitleaks or keysweep, then read with the
    /// built-in rules and a config.
    #[test]
    fn rule_files_through_the_loader(text in prop_oneof![
        rule_file(),
        mutated_text(rule_file()),
        gitleaks_spec().prop_map(|s| s.text),
        mutated_text(gitleaks_spec().prop_map(|s| s.text)),
    ]) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rules.toml");
        std::fs::write(&path, &text).unwrap();
        let args = RuleSelection { extra: vec![path], only: Vec::new() };
        let mut config = Config::default();
        let _ = keysweep::app::load_rules_with(&args, &mut config);
        // A directory of them: each `*.toml` file in it.
        let args = RuleSelection { extra: vec![dir.path().to_path_buf()], only: Vec::new() };
        let _ = keysweep::app::load_rules_with(&args, &mut Config::default());
    }
}

// ---------------------------------------------------------------------------------------------
// Baselines.

fn baseline() -> impl Strategy<Value = Baseline> {
    vec(("[0-9a-f]{32}", "[a-z.-]{1,12}"), 0..8).prop_map(|entries| {
        let mut findings: Vec<Entry> = entries
            .into_iter()
            .map(|(fingerprint, rule_id)| Entry {
                fingerprint,
                rule_id,
            })
            .collect();
        findings.sort();
        findings.dedup();
        Baseline {
            version: 1,
            findings,
        }
    })
}

// 512 cases each (about 1 s).
proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn baselines_arbitrary_and_mutated(bytes in prop_oneof![
        vec(any::<u8>(), 0..512),
        mutated(baseline().prop_map(|b| b.to_json().into_bytes())),
    ], probe in "[0-9a-f]{0,32}") {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        std::fs::write(&path, &bytes).unwrap();
        if let Ok(baseline) = Baseline::load(&path) {
            prop_assert!(baseline.findings.is_sorted());
            prop_assert_eq!(baseline.contains(&probe),
                            baseline.findings.iter().any(|e| e.fingerprint == probe));
        }
    }

    #[test]
    fn baselines_written_then_read_are_the_same(baseline in baseline(), probe in "[0-9a-f]{32}") {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        std::fs::write(&path, baseline.to_json()).unwrap();
        let read = Baseline::load(&path).unwrap();
        prop_assert_eq!(&read, &baseline);
        for entry in &baseline.findings {
            prop_assert!(read.contains(&entry.fingerprint));
        }
        prop_assert_eq!(read.contains(&probe),
                        baseline.findings.iter().any(|e| e.fingerprint == probe));
    }
}

// ---------------------------------------------------------------------------------------------
// CODEOWNERS.

/// Lines built from the characters CODEOWNERS syntax gives a meaning.
fn codeowners_like_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-z.]{1,5}",
        select(
            &[
                "/",
                "*",
                "**",
                "?",
                "[",
                "]",
                "{",
                "}",
                ",",
                "\\",
                "\\ ",
                " ",
                "#",
                "!",
                "^",
                "[2]",
                "@",
                "@org/team",
                "@@role",
                "dev@example.com",
                "[Section]",
                "^[Opt][1]",
                "\t",
            ][..]
        )
        .prop_map(String::from),
    ];
    vec(vec(piece, 0..8).prop_map(|p| p.concat()), 0..10).prop_map(|lines| lines.join("\n"))
}

/// Anchored literal paths, each owned by one team, written in file order.
fn ownership() -> impl Strategy<Value = Vec<(String, String)>> {
    vec(("[ab](/[ab]){0,2}", "[a-c]"), 1..6)
}

/// Who owns `path` under [`ownership`] rules: the last rule naming it or a directory above it.
fn expected_owner(rules: &[(String, String)], path: &str) -> Vec<String> {
    rules
        .iter()
        .rev()
        .find(|(pattern, _)| path == pattern || path.starts_with(&format!("{pattern}/")))
        .map(|(_, team)| vec![format!("@{team}")])
        .unwrap_or_default()
}

// 512 cases each (about 1 s).
proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn codeowners_arbitrary_and_mutated(text in prop_oneof![
        any::<String>(),
        codeowners_like_text(),
        mutated_text(codeowners_like_text()),
    ], paths in vec("[ -~]{0,20}", 0..4)) {
        let owners = CodeOwners::parse(&text);
        let lines = text.lines().count();
        // One problem at most per line, and one for the whole set of patterns.
        prop_assert!(owners.problems().len() <= lines + 1, "{:?}", owners.problems());
        for path in &paths {
            let found = owners.owners_of(path);
            let distinct: HashSet<&String> = found.iter().collect();
            prop_assert_eq!(distinct.len(), found.len(), "{:?}", found);
            // Owners come from the file, as written.
            for owner in &found {
                prop_assert!(text.contains(owner.as_str()), "{owner}");
            }
        }
    }

    #[test]
    fn codeowners_last_matching_rule_wins(rules in ownership(),
                                          paths in vec("[ab](/[ab]){0,3}", 1..6)) {
        let text: String = rules.iter().map(|(p, team)| format!("/{p} @{team}\n")).collect();
        let owners = CodeOwners::parse(&text);
        prop_assert!(owners.problems().is_empty(), "{:?}", owners.problems());
        for path in &paths {
            prop_assert_eq!(owners.owners_of(path), expected_owner(&rules, path), "{}", path);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The pre-push hook's input.

fn ref_update() -> impl Strategy<Value = RefUpdate> {
    (
        "\\S{1,20}",
        "[0-9a-f]{40}|0{40}|\\S{1,8}",
        "\\S{1,20}",
        "[0-9a-f]{40}|0{40}|\\S{1,8}",
    )
        .prop_map(|(local_ref, local_oid, remote_ref, remote_oid)| RefUpdate {
            local_ref,
            local_oid,
            remote_ref,
            remote_oid,
        })
}

// 1024 cases each (about 1 s).
proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn hook_input_arbitrary_and_mutated(input in prop_oneof![
        any::<String>(),
        "([ -~]{0,20}[ \t\n\r]){0,10}",
        mutated_text(vec(ref_update(), 0..4).prop_map(|updates| updates.iter().map(|u| format!(
            "{} {} {} {}\n", u.local_ref, u.local_oid, u.remote_ref, u.remote_oid)).collect())),
    ]) {
        if let Ok(updates) = parse_updates(&input) {
            let lines = input.lines().filter(|l| !l.trim().is_empty()).count();
            prop_assert_eq!(updates.len(), lines);
            for u in &updates {
                for field in [&u.local_ref, &u.local_oid, &u.remote_ref, &u.remote_oid] {
                    prop_assert!(!field.is_empty() && !field.contains(char::is_whitespace),
                                 "{field:?}");
                }
            }
        }
    }

    #[test]
    fn hook_input_written_then_parsed_is_the_same(updates in vec(ref_update(), 0..6),
                                                   separators in vec("[ \t]{1,3}", 3),
                                                   blank in vec("[ \t\r]{0,3}", 0..3),
                                                   crlf in any::<bool>()) {
        let end = if crlf { "\r\n" } else { "\n" };
        let mut input = blank.concat() + end;
        for u in &updates {
            input += &format!("{}{}{}{}{}{}{}{end}", u.local_ref, separators[0], u.local_oid,
                              separators[1], u.remote_ref, separators[2], u.remote_oid);
            input += &blank.concat();
            input += end;
        }
        prop_assert_eq!(parse_updates(&input).unwrap(), updates);
    }
}

// ---------------------------------------------------------------------------------------------
// Sweep stores, as `merge` and then `report` read them.

/// A shard as a sweep leaves it: a scanned repository with a triaged, validated finding, a
/// failed one, blobs with and without hits, a finished run. Its file's bytes.
fn sweep_shard() -> &'static [u8] {
    static SHARD: OnceLock<Vec<u8>> = OnceLock::new();
    SHARD.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shard.db");
        let token = common::github_token(7);
        let blob = gix::ObjectId::from_hex(b"1111111111111111111111111111111111111111").unwrap();
        let large = gix::ObjectId::from_hex(b"2222222222222222222222222222222222222222").unwrap();
        let hit = StoredHit {
            rule: "github.pat-classic".into(),
            secret: token.clone(),
            entropy: 4.5,
            checksum_valid: Some(true),
            location: keysweep::model::Location {
                line: 1,
                column: 14,
                end_line: 1,
                end_column: 54,
                byte_start: 13,
                byte_end: 53,
            },
            context: format!("GITHUB_TOKEN={token}"),
            secret_in_context: 13,
            allowed_inline: false,
            partner: None,
            inner_path: Some("inner/a.env".into()),
            encoding: vec!["base64".into()],
        };
        let fingerprint = "0123456789abcdef0123456789abcdef";
        let finding: keysweep::model::Finding = serde_json::from_value(serde_json::json!({
            "rule_id": "github.pat-classic",
            "rule_name": "GitHub personal access token (classic)",
            "severity": "high",
            "confidence": "high",
            "fingerprint": fingerprint,
            "secret": token,
            "entropy": 4.5,
            "checksum_valid": true,
            "paired_with": {"rule_id": "aws.access-key-id", "secret": "AKIAEXAMPLE"},
            "present_at_head": false,
            "occurrences": [{
                "path": "config/a.env",
                "encoding": "base64",
                "line": 1, "column": 14, "end_line": 1, "end_column": 54,
                "byte_start": 13, "byte_end": 53,
                "context": format!("GITHUB_TOKEN={token}"),
                "source": "history",
                "blob": blob.to_string(),
                "commit": {
                    "id": "3333333333333333333333333333333333333333",
                    "author_name": "Dev",
                    "author_email": "dev@example.com",
                    "date": "2024-01-02T03:04:05Z",
                    "summary": "Add config",
                },
                "refs": ["refs/heads/main"],
                "refs_total": 1,
                "owners": ["@acme/platform"],
            }],
        }))
        .unwrap();
        let mut store = Store::open(&path).unwrap();
        store.use_rules("digest").unwrap();
        let run = store.start_run(Some("0/2"), 2).unwrap();
        let scanned = store
            .repo("github.com/acme/api", "https://github.com/acme/api")
            .unwrap();
        let failed = store
            .repo("github.com/acme/web", "https://github.com/acme/web")
            .unwrap();
        store
            .record_blobs(
                run,
                &[
                    BlobRecord {
                        id: blob,
                        size: 60,
                        skipped: None,
                        hits: vec![hit],
                    },
                    BlobRecord {
                        id: large,
                        size: 1 << 30,
                        skipped: Some("too large".into()),
                        hits: vec![],
                    },
                ],
            )
            .unwrap();
        store
            .record_repo(&RepoResult {
                repo: scanned.id,
                tips: [("refs/heads/main".to_string(), "3".repeat(40))].into(),
                rules_digest: "digest".into(),
                blobs: 2,
                new_blobs: 2,
                bytes: 60,
                seconds: 0.5,
                findings: vec![finding],
                notices: vec![Notice::warning(
                    NoticeKind::TooLarge,
                    "big.bin",
                    "too large",
                )],
            })
            .unwrap();
        store.record_failure(failed.id, "clone failed").unwrap();
        let validation: Validation = serde_json::from_value(
            serde_json::json!({"status": "valid", "facts": {"user": "dev"}}),
        )
        .unwrap();
        store.record_validation(fingerprint, &validation).unwrap();
        store
            .triage(
                &[fingerprint.to_string()],
                TriageStatus::Accepted,
                Some("test key"),
            )
            .unwrap();
        store.finish_run(run).unwrap();
        // Closing the last connection checkpoints the write-ahead log into the file.
        drop(store);
        std::fs::read(&path).unwrap()
    })
}

/// The JSON columns of a store, as (table, column).
const JSON_COLUMNS: [(&str, &str); 4] = [
    ("repos", "tips"),
    ("blob_hits", "hits"),
    ("findings", "validation"),
    ("repo_findings", "finding"),
];

/// Every column of the store's schema, as (table, column).
const COLUMNS: &[(&str, &str)] = &[
    ("meta", "key"),
    ("meta", "value"),
    ("repos", "id"),
    ("repos", "name"),
    ("repos", "url"),
    ("repos", "state"),
    ("repos", "reason"),
    ("repos", "tips"),
    ("repos", "rules_digest"),
    ("repos", "scanned_at"),
    ("repos", "blobs"),
    ("repos", "new_blobs"),
    ("repos", "bytes"),
    ("repos", "seconds"),
    ("blobs", "id"),
    ("blobs", "size"),
    ("blobs", "skipped"),
    ("blob_hits", "blob"),
    ("blob_hits", "hits"),
    ("findings", "fingerprint"),
    ("findings", "rule_id"),
    ("findings", "status"),
    ("findings", "note"),
    ("findings", "triaged_at"),
    ("findings", "first_seen"),
    ("findings", "validation"),
    ("repo_findings", "repo"),
    ("repo_findings", "fingerprint"),
    ("repo_findings", "finding"),
    ("notices", "repo"),
    ("notices", "level"),
    ("notices", "subject"),
    ("notices", "message"),
    ("runs", "id"),
    ("runs", "started"),
    ("runs", "finished"),
    ("runs", "shard"),
    ("runs", "repos"),
    ("runs", "blobs_scanned"),
    ("runs", "bytes_scanned"),
];

const TABLES: [&str; 8] = [
    "meta",
    "repos",
    "blobs",
    "blob_hits",
    "findings",
    "repo_findings",
    "notices",
    "runs",
];

/// A change a hand, a bug or a disk could make to a shard that is still a database.
#[derive(Debug, Clone)]
enum Tamper {
    /// One column of every row set to one value, whatever its declared type.
    Set((&'static str, &'static str), rusqlite::types::Value),
    Empty(&'static str),
    /// A table of the same name with other columns.
    Reshape(&'static str),
}

/// A change to one node of the JSON documents of a column: the node is found among all nodes,
/// or (half the time) among arrays and objects only, where a change reshapes most.
#[derive(Debug, Clone)]
struct JsonTamper {
    column: (&'static str, &'static str),
    node: Index,
    containers_only: bool,
    change: JsonChange,
}

#[derive(Debug, Clone)]
enum JsonChange {
    /// `[]`, `{}`, `""`, `0` or `false`, as the node's type allows.
    Emptied,
    Removed,
    Replaced(serde_json::Value),
}

fn sql_value() -> impl Strategy<Value = rusqlite::types::Value> {
    use rusqlite::types::Value;
    prop_oneof![
        Just(Value::Null),
        prop_oneof![
            Just(i64::MIN),
            Just(i64::MAX),
            Just(-1i64),
            Just(0i64),
            any::<i64>()
        ]
        .prop_map(Value::Integer),
        prop_oneof![
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(-0.0f64),
            any::<f64>()
        ]
        .prop_map(Value::Real),
        prop_oneof![
            any::<String>(),
            Just("scanned".to_string()),
            Just("{}".to_string()),
            Just("null".to_string()),
            Just("1".to_string())
        ]
        .prop_map(Value::Text),
        vec(any::<u8>(), 0..24).prop_map(Value::Blob),
    ]
}

fn tamper() -> impl Strategy<Value = Tamper> {
    prop_oneof![
        4 => (select(COLUMNS), sql_value()).prop_map(|(c, v)| Tamper::Set(c, v)),
        1 => select(&TABLES[..]).prop_map(Tamper::Empty),
        1 => select(&TABLES[..]).prop_map(Tamper::Reshape),
    ]
}

fn json_tamper() -> impl Strategy<Value = JsonTamper> {
    use serde_json::json;
    let replacement = prop_oneof![
        select(vec![
            json!(null),
            json!(-1),
            json!(u64::MAX),
            json!(1e308),
            json!(true),
            json!([[]])
        ]),
        any::<String>().prop_map(serde_json::Value::String),
    ];
    let change = prop_oneof![
        Just(JsonChange::Emptied),
        Just(JsonChange::Removed),
        replacement.prop_map(JsonChange::Replaced),
    ];
    (
        select(&JSON_COLUMNS[..]),
        any::<Index>(),
        any::<bool>(),
        change,
    )
        .prop_map(|(column, node, containers_only, change)| JsonTamper {
            column,
            node,
            containers_only,
            change,
        })
}

/// Every node of a JSON document, by a path of keys and indexes, in document order.
fn json_paths(value: &serde_json::Value, here: Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(here.clone());
    let children: Vec<(String, &serde_json::Value)> = match value {
        serde_json::Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Vec::new(),
    };
    for (key, child) in children {
        let mut path = here.clone();
        path.push(key);
        json_paths(child, path, out);
    }
}

fn json_node<'a>(value: &'a mut serde_json::Value, path: &[String]) -> &'a mut serde_json::Value {
    path.iter().fold(value, |node, key| match node {
        serde_json::Value::Array(items) => &mut items[key.parse::<usize>().unwrap()],
        _ => &mut node[key.as_str()],
    })
}

/// Applies `tampers` to the database at `path`; a change SQLite refuses is skipped.
fn tamper_with(path: &Path, tampers: &[Tamper]) {
    let conn = rusqlite::Connection::open(path).unwrap();
    for tamper in tampers {
        let _ = match tamper {
            Tamper::Set((table, column), value) => {
                conn.execute(&format!("UPDATE {table} SET {column} = ?1"), [value])
            }
            Tamper::Empty(table) => conn.execute(&format!("DELETE FROM {table}"), []),
            Tamper::Reshape(table) => conn
                .execute_batch(&format!(
                    "DROP TABLE {table}; CREATE TABLE {table}(x, y TEXT)"
                ))
                .map(|_| 0),
        };
    }
}

/// Applies `tamper` to every JSON document of its column in the database at `path`.
fn tamper_with_json(path: &Path, tamper: &JsonTamper) -> rusqlite::Result<()> {
    let conn = rusqlite::Connection::open(path)?;
    let (table, column) = tamper.column;
    // `blob_hits` has no rowid: it is keyed by its blob.
    let key = if table == "blob_hits" {
        "blob"
    } else {
        "rowid"
    };
    let rows: Vec<(rusqlite::types::Value, String)> = conn
        .prepare(&format!(
            "SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL"
        ))?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (row, text) in rows {
        let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut paths = Vec::new();
        json_paths(&json, Vec::new(), &mut paths);
        if tamper.containers_only {
            paths.retain(|p| {
                json_node(&mut json, p).is_array() || json_node(&mut json, p).is_object()
            });
        }
        if paths.is_empty() {
            continue;
        }
        let path = &paths[tamper.node.index(paths.len())];
        match (&tamper.change, path.split_last()) {
            (JsonChange::Removed, Some((last, parent))) => match json_node(&mut json, parent) {
                serde_json::Value::Array(items) => drop(items.remove(last.parse().unwrap())),
                serde_json::Value::Object(map) => drop(map.remove(last)),
                _ => unreachable!("a parent is a container"),
            },
            (JsonChange::Removed, None) => json = serde_json::Value::Null,
            (JsonChange::Emptied, _) => {
                let node = json_node(&mut json, path);
                *node = match node {
                    serde_json::Value::Array(_) => serde_json::json!([]),
                    serde_json::Value::Object(_) => serde_json::json!({}),
                    serde_json::Value::String(_) => serde_json::json!(""),
                    serde_json::Value::Number(_) => serde_json::json!(0),
                    _ => serde_json::json!(false),
                }
            }
            (JsonChange::Replaced(value), _) => *json_node(&mut json, path) = value.clone(),
        }
        conn.execute(
            &format!("UPDATE {table} SET {column} = ?1 WHERE {key} = ?2"),
            rusqlite::params![json.to_string(), row],
        )?;
    }
    Ok(())
}

/// Report formats; SARIF loads the built-in rules each time, so it is the slowest.
const FORMATS: [StoreFormat; 5] = [
    StoreFormat::Text,
    StoreFormat::Json,
    StoreFormat::Sarif,
    StoreFormat::Jsonl,
    StoreFormat::Html,
];

/// Merges the shard at `shard` into a new store, then reads the result every way a command
/// does: nothing may panic, whatever the shard holds.
fn merge_and_report(dir: &Path, shard: &Path, format: StoreFormat, redact: bool) {
    let into = dir.join("into.db");
    let mut store = Store::open(&into).unwrap();
    if store.merge_from(shard).is_err() {
        return;
    }
    let _ = store.runs();
    let _ = store.blob_totals();
    if let Ok((blobs, _)) = store.scanned_blobs() {
        for blob in blobs {
            let _ = store.hits_of(&blob);
        }
    }
    for repo in store.repos(None).unwrap_or_default() {
        let _ = store.findings_of(repo.id);
        let _ = store.notices_of(repo.id);
    }
    drop(store);
    let args = ReportRequest {
        store: into,
        repo: None,
        status: Vec::new(),
        format,
        summary: false,
        output: Some(dir.join("report")),
        redact,
        color: false,
        rules: RuleSelection::default(),
    };
    let _ = keysweep::sweep::report::run(&args);
}

/// A mutation aimed at the 16 bytes that open a database page (its b-tree header), where a
/// flip matters more than in a page's free space.
fn page_header_mutation() -> impl Strategy<Value = (Index, usize, u8)> {
    (any::<Index>(), 0..16usize, 1..=255u8)
}

// 128 cases each (about 2 s).
proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn merging_arbitrary_files(bytes in prop_oneof![
        vec(any::<u8>(), 0..2048),
        // SQLite's own 16-byte magic, then noise.
        vec(any::<u8>(), 0..2048).prop_map(|noise| [&b"SQLite format 3\0"[..], &noise].concat()),
    ]) {
        let dir = tempfile::tempdir().unwrap();
        let shard = dir.path().join("shard.db");
        std::fs::write(&shard, bytes).unwrap();
        merge_and_report(dir.path(), &shard, StoreFormat::Json, false);
    }

    #[test]
    fn merging_corrupted_shards(mutations in vec(mutation(), 0..4),
                                headers in vec(page_header_mutation(), 0..4),
                                format in select(&FORMATS[..2]),
                                redact in any::<bool>()) {
        let mut bytes = mutate(sweep_shard().to_vec(), &mutations);
        let pages = bytes.len() / 4096;
        for (page, offset, mask) in headers {
            if pages > 0 {
                // Page 1 opens with the 100-byte database header.
                let page = page.index(pages);
                let at = page * 4096 + offset + if page == 0 { 100 } else { 0 };
                bytes[at] ^= mask;
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let shard = dir.path().join("shard.db");
        std::fs::write(&shard, bytes).unwrap();
        merge_and_report(dir.path(), &shard, format, redact);
    }

    #[test]
    fn merging_shards_with_tampered_rows(tampers in vec(tamper(), 1..4),
                                         format in select(&FORMATS[..2]),
                                         redact in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let shard = dir.path().join("shard.db");
        std::fs::write(&shard, sweep_shard()).unwrap();
        tamper_with(&shard, &tampers);
        merge_and_report(dir.path(), &shard, format, redact);
    }
}

// 192 cases (about 4 s): the JSON a store keeps is what its readers trust most.
proptest! {
    #![proptest_config(config(192))]

    #[test]
    fn merging_shards_with_tampered_json(tampers in vec(json_tamper(), 1..6),
                                         format in select(&FORMATS[..]),
                                         redact in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let shard = dir.path().join("shard.db");
        std::fs::write(&shard, sweep_shard()).unwrap();
        for tamper in &tampers {
            tamper_with_json(&shard, tamper).unwrap();
        }
        merge_and_report(dir.path(), &shard, format, redact);
    }
}
