//! Encoded, escaped and packed secrets, through the binary: each is found at the path and line
//! of the encoded text, with its encoding chain; hostile inputs stay within their limits.

mod common;

use std::io::Write as _;

use base64::Engine as _;
use common::*;
use serde_json::Value;

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// (path, line, encoding) of every occurrence of `secret`.
fn occurrences_of(report: &Value, secret: &str) -> Vec<(String, u64, String)> {
    findings(report)
        .iter()
        .filter(|f| f["secret"] == secret)
        .flat_map(|f| f["occurrences"].as_array().unwrap().iter())
        .map(|o| {
            (
                o["path"].as_str().unwrap().to_string(),
                o["line"].as_u64().unwrap(),
                o["encoding"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn tar_gz_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (name, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, *bytes).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap()
}

#[test]
fn secrets_in_every_encoding_are_found_where_the_encoded_text_stands() {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let t: Vec<String> = (0..10).map(|i| github_token(500 + i)).collect();
    let aws_secret = format!(
        "{}+{}/{}",
        random_chars(1, 20, ALNUM),
        random_chars(2, 10, ALNUM),
        random_chars(3, 8, ALNUM)
    );
    let dir = tree();
    let root = dir.path();
    write(
        root,
        "k8s/secret.yaml",
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci\ntype: Opaque\ndata:\n  GITHUB_TOKEN: {}\n",
            b64(&t[0])
        ),
    );
    write(
        root,
        "docker/config.json",
        format!(
            "{{\n  \"auths\": {{\n    \"ghcr.io\": {{\n      \"auth\": \"{}\"\n    }}\n  }}\n}}\n",
            b64(&format!("octocat:{}", t[1]))
        ),
    );
    write(
        root,
        "deploy/env.b64",
        format!(
            "# the production .env, base64\n{}\n",
            b64(&format!("DEBUG=false\nGITHUB_TOKEN={}\nREGION=eu\n", t[2]))
        ),
    );
    write(
        root,
        "app/links.md",
        format!(
            "Clone with:\n\n    https://api.example.com/clone?access_token={}&depth=1\n",
            t[3].replacen("ghp_", "ghp%5F", 1)
        ),
    );
    write(
        root,
        "app/settings.json",
        format!(
            "{{\n  \"aws\": {{\n    \"aws_access_key_id\": \"{}\",\n    \"aws_secret_access_key\": \"{}\"\n  }}\n}}\n",
            aws_key_id(7),
            aws_secret.replace('+', "\\u002B").replace('/', "\\/")
        ),
    );
    let (head, tail) = t[4].split_at(20);
    write(
        root,
        "ci/values.yaml",
        format!("deploy:\n  token: >-\n    {head}\n    {tail}\n  region: eu\n"),
    );
    // A stream output that printed the token in two chunks, and a repr with an escape.
    let (first, rest) = t[5].split_at(16);
    let notebook = serde_json::to_string_pretty(&serde_json::json!({
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Exploration\n"]},
            {"cell_type": "code", "execution_count": 1, "metadata": {},
             "source": ["print(client.config)\n"],
             "outputs": [
                 {"output_type": "stream", "name": "stdout", "text": [format!("token: {first}"), format!("{rest}\n")]},
                 {"output_type": "execute_result", "execution_count": 1, "metadata": {},
                  "data": {"text/plain": [format!("Config(token=\"{}\")", t[6].replace('_', "\\u005f"))]}}
             ]}
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5
    }))
    .unwrap();
    let second_cell_line = notebook[..notebook.match_indices("\"cell_type\"").nth(1).unwrap().0]
        .matches('\n')
        .count() as u64
        + 1;
    write(root, "notebooks/explore.ipynb", &notebook);
    let inner_zip = zip_of(&[(
        "config/prod.env",
        format!("GITHUB_TOKEN={}\n", t[7]).as_bytes(),
    )]);
    write(
        root,
        "release.tar.gz",
        tar_gz_of(&[("bundle/app.zip", &inner_zip)]),
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            format!("REM build settings\r\nset TOKEN={}\r\n", t[8])
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    write(root, "win/build.cmd", utf16);

    let (code, report, stderr) = scan_json(&[root.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    let expect = |secret: &str, path: &str, line: u64, encoding: &str| {
        let found = occurrences_of(&report, secret);
        assert!(
            found.contains(&(path.to_string(), line, encoding.to_string())),
            "{secret} expected at {path}:{line} via {encoding:?}, found {found:?}"
        );
    };
    expect(&t[0], "k8s/secret.yaml", 7, "base64");
    expect(&t[1], "docker/config.json", 4, "base64");
    expect(&t[2], "deploy/env.b64", 2, "base64");
    expect(&t[3], "app/links.md", 3, "percent");
    expect(&aws_secret, "app/settings.json", 4, "escapes");
    expect(&t[4], "ci/values.yaml", 3, "yaml-block");
    expect(
        &t[5],
        "notebooks/explore.ipynb",
        second_cell_line,
        "ipynb cell 2 output",
    );
    expect(
        &t[6],
        "notebooks/explore.ipynb",
        second_cell_line,
        "ipynb cell 2 output -> escapes",
    );
    expect(
        &t[7],
        "release.tar.gz!bundle/app.zip!config/prod.env",
        1,
        "",
    );
    expect(&t[8], "win/build.cmd", 2, "utf-16le");
}

#[test]
fn hostile_inputs_stay_within_limits_and_the_scan_goes_on() {
    let dir = tree();
    // A zip bomb: 64 MiB of zeros, deflated to a few tens of KB.
    let zeros = vec![0u8; 64 << 20];
    std::fs::write(
        dir.path().join("bomb.zip"),
        zip_of(&[("zeros.bin", &zeros)]),
    )
    .unwrap();
    // An archive nested ten levels deep, a secret at the bottom.
    let deep_token = github_token(900);
    let mut nested = zip_of(&[("secret.env", format!("TOKEN={deep_token}\n").as_bytes())]);
    for level in 0..10 {
        nested = zip_of(&[(&format!("level{level}.zip"), &nested)]);
    }
    std::fs::write(dir.path().join("deep.zip"), nested).unwrap();
    // 50 MB of base64 on one line.
    let blob = b64(&random_chars(
        9,
        37 << 20,
        b"abcdefghijklmnopqrstuvwxyz0123456789",
    ));
    write(dir.path(), "blob.txt", format!("data={blob}\n"));
    // And a plain secret the scan must still report.
    let plain = github_token(901);
    write(dir.path(), "app.env", format!("GITHUB_TOKEN={plain}\n"));

    let (code, report, stderr) =
        scan_json(&[dir.path().to_str().unwrap(), "--max-file-size", "100M"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(secrets(&report), vec![plain], "{stderr}");
    assert_eq!(
        notices_matching(&report, "warning", "zip bomb"),
        1,
        "{report}"
    );
    assert_eq!(
        notices_matching(&report, "warning", "nested deeper than 5 levels"),
        1,
        "{report}"
    );
    assert_eq!(
        notices_matching(&report, "warning", "was not decoded (over the"),
        1,
        "{report}"
    );
    // The same limits, said on stderr too.
    assert!(stderr.contains("zip bomb"), "{stderr}");
}

#[test]
fn archives_in_history_are_opened_and_no_archives_turns_it_off() {
    let token = github_token(950);
    let repo = Repo::new();
    std::fs::write(
        repo.path().join("assets.zip"),
        zip_of(&[("keys/ci.env", format!("GITHUB_TOKEN={token}\n").as_bytes())]),
    )
    .unwrap();
    repo.commit("add assets");
    repo.git(&["rm", "-q", "assets.zip"]);
    repo.commit("remove assets");
    let (code, report, stderr) = scan_json(&[repo.path_str(), "--history-only"]);
    assert_eq!(code, 1, "{stderr}");
    let found = occurrences_of(&report, &token);
    assert_eq!(found[0].0, "assets.zip!keys/ci.env", "{found:?}");
    let (code, report, _) = scan_json(&[repo.path_str(), "--history-only", "--no-archives"]);
    assert_eq!(code, 0);
    assert!(findings(&report).is_empty());
    // Decoding off: the base64 value is not looked into.
    let dir = tree();
    write(
        dir.path(),
        "s.yaml",
        format!("data:\n  T: {}\n", b64(&token)),
    );
    let (code, _, _) = scan_json(&[dir.path().to_str().unwrap(), "--max-decode-depth", "0"]);
    assert_eq!(code, 0);
}

#[test]
fn the_text_report_names_the_encoding() {
    let token = github_token(960);
    let dir = tree();
    write(
        dir.path(),
        "secret.yaml",
        format!("kind: Secret\ndata:\n  TOKEN: {}\n", b64(&token)),
    );
    let output = keysweep()
        .arg("scan")
        .arg(dir.path())
        .arg("--redact")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("location:    secret.yaml:3:10"), "{text}");
    assert!(
        text.contains("encoding:    base64 (the location is the encoded text's)"),
        "{text}"
    );
    assert!(!text.contains(&token));
}
