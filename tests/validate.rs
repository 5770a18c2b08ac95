//! `--validate` end to end: the real binary against mock providers on 127.0.0.1, reached
//! through endpoint overrides. Nothing here touches the internet.

mod common;
#[path = "common/mock.rs"]
mod mock;

use std::{collections::BTreeMap, time::Duration};

use common::*;
use mock::{Answer, Mock, Received};
use serde_json::Value;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A provider of our own, so each failure mode can be staged precisely.
const ACME_RULE: &str = r#"
[[rules]]
id = "acme.token"
name = "ACME API token"
keywords = ["acme_"]
regex = '''\b(acme_[A-Za-z0-9]{24})\b'''
severity = "high"
confidence = "high"

[rules.validate]
url = "https://api.acme.example/v1/whoami"
headers = { Authorization = "Bearer {secret}" }
valid = { status = [200], body_contains = '"active":true' }
invalid = { status = [401] }
report = { json = ["account.name", "scopes"], headers = ["x-token-expires"] }
"#;

fn acme_token(seed: u64) -> String {
    format!("acme_{}", random_chars(seed, 24, ALNUM))
}

fn validation_of<'a>(report: &'a Value, secret: &str) -> &'a Value {
    &finding_with(report, secret)["validation"]
}

/// Runs `keysweep scan DIR --rules acme.toml -f json ARGS` with the ACME override set.
fn scan_acme(dir: &std::path::Path, endpoint: Option<&str>, args: &[&str]) -> (i32, Value, String) {
    let rules_dir = tree();
    let rules = write(rules_dir.path(), "acme.toml", ACME_RULE);
    let mut cmd = keysweep();
    cmd.arg("scan")
        .arg(dir)
        .args(["--rules", rules.to_str().unwrap(), "-f", "json"])
        .args(args);
    if let Some(base) = endpoint {
        cmd.env("KEYSWEEP_VALIDATE_ENDPOINT_ACME", base);
    }
    let output = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (
        output.status.code().unwrap(),
        report,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn every_kind_of_answer_becomes_the_right_validation() {
    let [
        valid,
        invalid,
        limited_once,
        limited,
        slow,
        redirected,
        malformed,
    ] = [1, 2, 3, 4, 5, 6, 7].map(acme_token);
    let elsewhere = Mock::start(|_| Answer::new(200, r#"{"active":true}"#));
    let target = format!("{}/steal", elsewhere.base);
    let behaviours: BTreeMap<String, &'static str> = [
        (&valid, "valid"),
        (&invalid, "invalid"),
        (&limited_once, "429 then 200"),
        (&limited, "always 429"),
        (&slow, "slow"),
        (&redirected, "redirect"),
        (&malformed, "malformed"),
    ]
    .into_iter()
    .map(|(s, b)| (s.clone(), b))
    .collect();
    let seen_limited_once = std::sync::atomic::AtomicBool::new(false);
    let mock = Mock::start(move |r: &Received| {
        let token = r
            .header("authorization")
            .and_then(|a| a.strip_prefix("Bearer "))
            .unwrap_or_default();
        let live = Answer::new(
            200,
            r#"{"active":true,"account":{"name":"acme-ci"},"scopes":["read","deploy"]}"#,
        )
        .with_header("X-Token-Expires", "2027-01-31");
        match behaviours.get(token).copied() {
            Some("valid") => live,
            Some("invalid") => Answer::new(401, r#"{"error":"bad token"}"#),
            Some("429 then 200")
                if !seen_limited_once.swap(true, std::sync::atomic::Ordering::SeqCst) =>
            {
                Answer::new(429, "").with_header("Retry-After", "0")
            }
            Some("429 then 200") => live,
            Some("always 429") => Answer::new(429, "slow down").with_header("Retry-After", "0"),
            Some("slow") => {
                std::thread::sleep(Duration::from_secs(4));
                live
            }
            Some("redirect") => Answer::new(302, "").with_header("Location", &target),
            Some("malformed") => Answer::new(200, "<html>gateway error</html>"),
            _ => Answer::new(404, ""),
        }
    });
    let dir = tree();
    for (i, token) in [
        &valid,
        &invalid,
        &limited_once,
        &limited,
        &slow,
        &redirected,
        &malformed,
    ]
    .iter()
    .enumerate()
    {
        write(
            dir.path(),
            &format!("svc{i}.env"),
            format!("ACME_TOKEN={token}\n"),
        );
    }
    // The valid token a second time: still one request.
    write(dir.path(), "copy.env", format!("token: {valid}\n"));
    let (code, report, stderr) = scan_acme(
        dir.path(),
        Some(&mock.base),
        &["--validate", "--validate-timeout", "1"],
    );
    assert_eq!(code, 1, "{stderr}");

    let v = validation_of(&report, &valid);
    assert_eq!(v["status"], "valid", "{v}");
    assert_eq!(v["facts"]["account.name"], "acme-ci");
    assert_eq!(v["facts"]["scopes"], "read,deploy");
    assert_eq!(v["facts"]["x-token-expires"], "2027-01-31");
    assert_eq!(validation_of(&report, &invalid)["status"], "invalid");
    assert_eq!(validation_of(&report, &limited_once)["status"], "valid");
    let v = validation_of(&report, &limited);
    assert_eq!(v["status"], "error");
    assert!(v["reason"].as_str().unwrap().contains("429"), "{v}");
    let v = validation_of(&report, &slow);
    assert_eq!(v["status"], "error");
    assert!(v["reason"].as_str().unwrap().contains("no answer"), "{v}");
    let v = validation_of(&report, &redirected);
    assert_eq!(v["status"], "error");
    assert!(
        v["reason"].as_str().unwrap().contains("not followed"),
        "{v}"
    );
    let v = validation_of(&report, &malformed);
    assert_eq!(v["status"], "error");
    assert_eq!(v["reason"], "unexpected answer: HTTP 200");

    // The redirect was not followed: the other host never saw the credential.
    assert!(elsewhere.received().is_empty());
    let requests = mock.received();
    let count = |secret: &str| requests.iter().filter(|r| r.carries(secret)).count();
    assert_eq!(count(&valid), 1, "one request per distinct secret");
    assert_eq!(count(&invalid), 1);
    assert_eq!(count(&limited_once), 2, "retried once after 429");
    assert_eq!(count(&limited), 3, "two retries, then given up");
    assert!(
        requests
            .iter()
            .all(|r| r.url == "/v1/whoami" && r.method == "GET")
    );
    // Reasons and stderr never carry a secret.
    for token in secrets(&report) {
        assert!(!stderr.contains(&token), "{stderr}");
    }
    assert!(
        stderr.contains("validation: 2 valid, 1 invalid, 4 error, 0 unsupported"),
        "{stderr}"
    );
}

#[test]
fn requests_run_concurrently_under_the_cap() {
    let mock = Mock::start(|_| {
        std::thread::sleep(Duration::from_millis(300));
        Answer::new(200, r#"{"active":true}"#)
    });
    let dir = tree();
    for i in 0..16 {
        write(
            dir.path(),
            &format!("f{i}.env"),
            format!("ACME={}\n", acme_token(100 + i)),
        );
    }
    let started = std::time::Instant::now();
    let (code, report, stderr) = scan_acme(
        dir.path(),
        Some(&mock.base),
        &["--validate", "--validate-concurrency", "8"],
    );
    let elapsed = started.elapsed();
    assert_eq!(code, 1, "{stderr}");
    assert!(
        findings(&report)
            .iter()
            .all(|f| f["validation"]["status"] == "valid")
    );
    assert_eq!(mock.received().len(), 16);
    // 16 requests of 300 ms, 8 at a time: two rounds, not sixteen.
    assert!(elapsed < Duration::from_millis(3000), "{elapsed:?}");
}

#[test]
fn dry_run_lists_hosts_and_redacted_secrets_and_sends_nothing() {
    let mock = Mock::start(|_| Answer::new(200, r#"{"active":true}"#));
    let dir = tree();
    let token = acme_token(9);
    write(dir.path(), "a.env", format!("ACME={token}\n"));
    let (code, report, stderr) = scan_acme(dir.path(), Some(&mock.base), &["--validate-dry-run"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(mock.received().is_empty());
    let host = mock.base.trim_start_matches("http://");
    assert!(
        stderr.contains(&format!("would check acme.token (acme) with GET {host}")),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 request(s) would be sent; none was"),
        "{stderr}"
    );
    assert!(!stderr.contains(&token), "the secret is redacted: {stderr}");
    assert!(finding_with(&report, &token).get("validation").is_none());
    // Without an override the provider's own host is listed (and still nothing is sent).
    let (_, _, stderr) = scan_acme(dir.path(), None, &["--validate-dry-run"]);
    assert!(stderr.contains("with GET api.acme.example"), "{stderr}");
}

#[test]
fn only_valid_keeps_the_live_secrets() {
    let live = acme_token(21);
    let dead = acme_token(22);
    let live_in_mock = live.clone();
    let mock = Mock::start(move |r: &Received| {
        if r.carries(&live_in_mock) {
            Answer::new(200, r#"{"active":true}"#)
        } else {
            Answer::new(401, "")
        }
    });
    let dir = tree();
    write(dir.path(), "a.env", format!("A={live}\nB={dead}\n"));
    let (code, report, stderr) = scan_acme(dir.path(), Some(&mock.base), &["--only-valid"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(secrets(&report), vec![live]);
}

#[test]
fn a_scanned_repository_cannot_choose_where_secrets_are_sent() {
    // The repository's own config brings a rule file whose check points at another host.
    let trap = Mock::start(|_| Answer::new(200, r#"{"active":true}"#));
    let dir = tree();
    let evil_rule = ACME_RULE.replace(
        "https://api.acme.example",
        &trap.base.replace("http://", "https://"),
    );
    write(dir.path(), "rules/acme.toml", evil_rule);
    write(
        dir.path(),
        ".keysweep.toml",
        "[rules]\nextra = [\"rules/acme.toml\"]\n",
    );
    let token = acme_token(31);
    write(dir.path(), "app.env", format!("ACME={token}\n"));
    let output = keysweep()
        .arg("scan")
        .arg(dir.path())
        .args(["-f", "json", "--validate"])
        .env("KEYSWEEP_VALIDATE_ENDPOINT_ACME", &trap.base)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let v = validation_of(&report, &token);
    assert_eq!(v["status"], "unsupported", "{v}");
    assert!(trap.received().is_empty());
    // Nor can its config name an endpoint.
    write(
        dir.path(),
        ".keysweep.toml",
        "[validate]\nendpoint = \"http://127.0.0.1:1\"\n",
    );
    let output = keysweep().arg("scan").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn endpoint_overrides_must_be_https_or_loopback() {
    let dir = tree();
    write(dir.path(), "a.env", format!("ACME={}\n", acme_token(41)));
    let (code, _, stderr) = scan_acme(dir.path(), Some("http://203.0.113.9"), &["--validate"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("https://"), "{stderr}");
}
