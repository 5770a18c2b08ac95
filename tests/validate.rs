//! `--validate` end to end: the real binary against mock providers on 127.0.0.1, reached
//! through endpoint overrides. Nothing here touches the internet.

mod common;
#[path = "common/mock.rs"]
mod mock;

use std::{collections::BTreeMap, time::Duration};

use common::*;
use mock::{ACME_RULE, Answer, Mock, Received};
use serde_json::Value;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

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
    use std::sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    };
    // The mock counts requests in flight at once: more than one, never more than the cap.
    let most_in_flight = |cap: &str| {
        let (now, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let (n, m) = (now.clone(), most.clone());
        let mock = Mock::start(move |_| {
            m.fetch_max(n.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(100));
            n.fetch_sub(1, Ordering::SeqCst);
            Answer::new(200, r#"{"active":true}"#)
        });
        let dir = tree();
        for i in 0..12 {
            write(
                dir.path(),
                &format!("f{i}.env"),
                format!("ACME={}\n", acme_token(100 + i)),
            );
        }
        let (code, report, stderr) = scan_acme(
            dir.path(),
            Some(&mock.base),
            &[
                "--validate",
                "--validate-concurrency",
                cap,
                "--validate-rate",
                "1000",
            ],
        );
        assert_eq!(code, 1, "{stderr}");
        assert!(
            findings(&report)
                .iter()
                .all(|f| f["validation"]["status"] == "valid")
        );
        assert_eq!(mock.received().len(), 12);
        most.load(Ordering::SeqCst)
    };
    let eight = most_in_flight("8");
    assert!(
        (2..=8).contains(&eight),
        "{eight} in flight with a cap of 8"
    );
    assert_eq!(most_in_flight("1"), 1);
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
        stderr.contains(&format!(
            "would send live check (acme.token, acme): GET {host}/v1/whoami for acme"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 request would be sent; none was"),
        "{stderr}"
    );
    assert!(!stderr.contains(&token), "the secret is redacted: {stderr}");
    assert!(finding_with(&report, &token).get("validation").is_none());
    // Without an override the provider's own host is listed (and still nothing is sent).
    let (_, _, stderr) = scan_acme(dir.path(), None, &["--validate-dry-run"]);
    assert!(
        stderr.contains(": GET api.acme.example/v1/whoami"),
        "{stderr}"
    );
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

// ---- Coded checks: each mock verifies the signature the way the provider would. ----

/// Runs a built-in-rules scan of `dir` with `--validate`, every listed provider sent to `base`.
fn scan_builtin(dir: &std::path::Path, providers: &[&str], base: &str) -> (i32, Value, String) {
    let mut cmd = keysweep();
    cmd.arg("scan").arg(dir).args(["-f", "json", "--validate"]);
    for provider in providers {
        cmd.arg("--validate-endpoint")
            .arg(format!("{provider}={base}"));
    }
    let output = cmd.output().unwrap();
    (
        output.status.code().unwrap(),
        serde_json::from_slice(&output.stdout).unwrap_or(Value::Null),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    ring::hmac::sign(&key, data.as_bytes()).as_ref().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(data: &str) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(data.as_bytes()))
}

/// SigV4 as AWS verifies it, computed here from what the mock received (not from keysweep's
/// code): the signature for `secret` over the request's signed headers and body.
fn expected_sigv4(r: &Received, secret: &str) -> Option<String> {
    let auth = r.header("authorization")?;
    let credential = auth.split("Credential=").nth(1)?.split(',').next()?;
    let mut scope = credential.split_once('/')?.1.split('/');
    let (date, region, service) = (scope.next()?, scope.next()?, scope.next()?);
    let signed: Vec<&str> = auth
        .split("SignedHeaders=")
        .nth(1)?
        .split(',')
        .next()?
        .split(';')
        .collect();
    let canonical_headers: String = signed
        .iter()
        .map(|h| format!("{h}:{}\n", r.header(h).unwrap_or_default().trim()))
        .collect();
    let (path, query) = r.url.split_once('?').unwrap_or((&r.url, ""));
    let canonical = format!(
        "{}\n{path}\n{query}\n{canonical_headers}\n{}\n{}",
        r.method,
        signed.join(";"),
        sha256_hex(&r.body)
    );
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{date}/{region}/{service}/aws4_request\n{}",
        r.header("x-amz-date")?,
        sha256_hex(&canonical)
    );
    let mut key = hmac(format!("AWS4{secret}").as_bytes(), date);
    for part in [region, service, "aws4_request"] {
        key = hmac(&key, part);
    }
    Some(hex(&hmac(&key, &to_sign)))
}

#[test]
fn aws_keys_are_checked_with_a_correct_sigv4_signature() {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (live_id, live_secret) = (aws_key_id(71), random_chars(71, 40, B64));
    let (dead_id, dead_secret) = (aws_key_id(72), random_chars(72, 40, B64));
    let (id, secret) = (live_id.clone(), live_secret.clone());
    let mock = Mock::start(move |r: &Received| {
        let auth = r.header("authorization").unwrap_or_default();
        let signature = auth.split("Signature=").nth(1).unwrap_or_default();
        let good = r.method == "POST"
            && r.body == "Action=GetCallerIdentity&Version=2011-06-15"
            && auth.contains(&format!("Credential={id}/"))
            && auth.contains("/us-east-1/sts/aws4_request")
            && expected_sigv4(r, &secret).as_deref() == Some(signature);
        if good {
            Answer::new(
                200,
                "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::210987654321:user/deploy</Arn><UserId>AIDAEXAMPLEUSERID</UserId><Account>210987654321</Account></GetCallerIdentityResult></GetCallerIdentityResponse>",
            )
        } else {
            Answer::new(
                403,
                "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>",
            )
        }
    });
    let dir = tree();
    write(
        dir.path(),
        "live/credentials",
        format!(
            "[default]\naws_access_key_id = {live_id}\naws_secret_access_key = {live_secret}\n"
        ),
    );
    write(
        dir.path(),
        "dead/credentials",
        format!(
            "[default]\naws_access_key_id = {dead_id}\naws_secret_access_key = {dead_secret}\n"
        ),
    );
    let (code, report, stderr) = scan_builtin(dir.path(), &["aws"], &mock.base);
    assert_eq!(code, 1, "{stderr}");
    let v = validation_of(&report, &live_secret);
    assert_eq!(v["status"], "valid", "{v}");
    assert_eq!(v["facts"]["account"], "210987654321");
    assert_eq!(v["facts"]["arn"], "arn:aws:iam::210987654321:user/deploy");
    assert_eq!(validation_of(&report, &dead_secret)["status"], "invalid");
    assert_eq!(mock.received().len(), 2);
    assert!(v["facts"].get("access.attached-policies").is_none());
}

#[test]
fn gcp_service_account_keys_are_checked_with_a_signed_jwt() {
    use base64::Engine as _;
    let key_file = include_str!("data/gcp-service-account.json");
    let public_key = include_bytes!("data/gcp-service-account.pub.der");
    let mock = Mock::start(move |r: &Received| {
        // --map-access: the projects, with the token the token endpoint issued.
        if r.method == "GET" && r.url == "/v1/projects?pageSize=100" {
            return match r.header("authorization") {
                Some("Bearer ya29.fixture") => Answer::new(
                    200,
                    r#"{"projects":[{"projectId":"acme-prod"},{"projectId":"acme-ci"}]}"#,
                ),
                _ => Answer::new(401, "{}"),
            };
        }
        let assertion = r
            .body
            .split('&')
            .find_map(|kv| kv.strip_prefix("assertion="))
            .unwrap_or_default();
        let mut parts = assertion.rsplitn(2, '.');
        let (signature, signed) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let verified = url.decode(signature).is_ok_and(|sig| {
            ring::signature::UnparsedPublicKey::new(
                &ring::signature::RSA_PKCS1_2048_8192_SHA256,
                &public_key[..],
            )
            .verify(signed.as_bytes(), &sig)
            .is_ok()
        });
        let claims: Value = signed
            .split('.')
            .nth(1)
            .and_then(|c| url.decode(c).ok())
            .and_then(|c| serde_json::from_slice(&c).ok())
            .unwrap_or(Value::Null);
        let grant = r
            .body
            .contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer");
        if verified
            && grant
            && claims["iss"] == "fixture@keysweep-test-fixture.iam.gserviceaccount.com"
            && claims["aud"] == "https://oauth2.googleapis.com/token"
        {
            Answer::new(
                200,
                r#"{"access_token":"ya29.fixture","expires_in":3599,"token_type":"Bearer"}"#,
            )
        } else {
            Answer::new(
                400,
                r#"{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"#,
            )
        }
    });
    let dir = tree();
    write(dir.path(), "deploy/sa.json", key_file);
    // The same key, claimed for another account: Google refuses the grant.
    let tampered = key_file.replace(
        "fixture@keysweep-test-fixture",
        "other@keysweep-test-fixture",
    );
    let key_id: Value = serde_json::from_str(key_file).unwrap();
    let key_id = key_id["private_key_id"].as_str().unwrap().to_string();
    let (code, report, stderr) = scan_builtin(dir.path(), &["gcp"], &mock.base);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        validation_of(&report, &key_id)["status"],
        "valid",
        "{stderr}"
    );
    assert!(
        validation_of(&report, &key_id)["facts"]
            .get("access.projects")
            .is_none()
    );

    // --map-access: a second token, then the projects it can see; the token is not kept.
    let output = keysweep()
        .arg("scan")
        .arg(dir.path())
        .args(["-f", "json", "--map-access", "--validate-endpoint"])
        .arg(format!("gcp={}", mock.base))
        .output()
        .unwrap();
    let mapped: Value = serde_json::from_slice(&output.stdout).unwrap();
    let v = validation_of(&mapped, &key_id);
    assert_eq!(
        v["facts"]["access.projects"], "2: acme-prod, acme-ci",
        "{v}"
    );
    assert!(!String::from_utf8_lossy(&output.stdout).contains("ya29.fixture"));
    let received = mock.received().len();
    assert_eq!(received, 4, "check, second token, projects");

    write(dir.path(), "deploy/sa.json", tampered);
    let (_, report, _) = scan_builtin(dir.path(), &["gcp"], &mock.base);
    assert_eq!(validation_of(&report, &key_id)["status"], "invalid");
    assert_eq!(mock.received().len(), received + 1);
}

#[test]
fn azure_storage_keys_are_checked_with_a_shared_key_signature() {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let live_key = b64.encode(random_chars(81, 64, ALNUM));
    let dead_key = b64.encode(random_chars(82, 64, ALNUM));
    let key = live_key.clone();
    let mock = Mock::start(move |r: &Received| {
        let auth = r.header("authorization").unwrap_or_default();
        let (account, signature) = auth
            .strip_prefix("SharedKey ")
            .and_then(|s| s.split_once(':'))
            .unwrap_or_default();
        // The check lists one container; --map-access lists a hundred, signed the same way.
        let max = r
            .url
            .strip_prefix("/?comp=list&maxresults=")
            .unwrap_or_default();
        let to_sign = format!(
            "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:{}\nx-ms-version:{}\n/{account}/\ncomp:list\nmaxresults:{max}",
            r.header("x-ms-date").unwrap_or_default(),
            r.header("x-ms-version").unwrap_or_default()
        );
        let expected = b64.encode(hmac(&b64.decode(&key).unwrap(), &to_sign));
        if account == "acmebackups" && signature == expected && max == "1" {
            Answer::new(
                200,
                "<EnumerationResults><Containers/></EnumerationResults>",
            )
        } else if account == "acmebackups" && signature == expected && max == "100" {
            Answer::new(
                200,
                "<EnumerationResults><Containers><Container><Name>db-dumps</Name><Properties/></Container><Container><Name>logs</Name></Container></Containers></EnumerationResults>",
            )
        } else {
            Answer::new(403, "<Error><Code>AuthenticationFailed</Code></Error>")
        }
    });
    let dir = tree();
    for (name, key) in [("live", &live_key), ("dead", &dead_key)] {
        write(
            dir.path(),
            &format!("{name}.env"),
            format!(
                "STORAGE=DefaultEndpointsProtocol=https;AccountName=acmebackups;AccountKey={key};EndpointSuffix=core.windows.net\n"
            ),
        );
    }
    let (code, report, stderr) = scan_builtin(dir.path(), &["azure"], &mock.base);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        validation_of(&report, &live_key)["status"],
        "valid",
        "{stderr}"
    );
    assert_eq!(validation_of(&report, &dead_key)["status"], "invalid");
    assert!(
        validation_of(&report, &live_key)["facts"]
            .get("access.containers")
            .is_none()
    );

    let output = keysweep()
        .arg("scan")
        .arg(dir.path())
        .args(["-f", "json", "--map-access", "--validate-endpoint"])
        .arg(format!("azure={}", mock.base))
        .output()
        .unwrap();
    let mapped: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        validation_of(&mapped, &live_key)["facts"]["access.containers"],
        "2: db-dumps, logs"
    );
    assert!(validation_of(&mapped, &dead_key).get("facts").is_none());
}

// ---- Every built-in declarative check, against a mock that answers what its spec says. ----

#[derive(Clone)]
struct Expectation {
    rule: String,
    provider: String,
    wants_valid: bool,
    answer_status: u16,
    answer_body: String,
    /// The request the rule declares, with `{secret}` left in: what the mock must receive.
    method: String,
    /// Path and query (`None` when the URL needs the paired half, which the test does not
    /// know).
    path_and_query: Option<String>,
    headers: Vec<(String, String)>,
}

impl Expectation {
    /// What is wrong with the request, compared with the rule's: method, path and query, and
    /// every declared header, the secret put back as `{secret}`.
    fn mismatch(&self, secret: &str, r: &Received) -> Option<String> {
        let encoded = mock::url_encoded(secret);
        if r.method != self.method {
            return Some(format!("method {} instead of {}", r.method, self.method));
        }
        if let Some(expected) = &self.path_and_query {
            let got = r.url.replace(&encoded, "{secret}");
            if &got != expected {
                return Some(format!("request {got} instead of {expected}"));
            }
        }
        for (name, template) in &self.headers {
            let want = template.replace("{secret}", secret);
            if r.header(name) != Some(want.as_str()) {
                return Some(format!("header {name} is {:?}", r.header(name)));
            }
        }
        None
    }
}

/// For each built-in rule with a declarative check, its second example's secret gets the answer
/// the spec calls invalid and the others the answer it calls valid; the binary, pointed at the
/// mock for every provider, must report exactly that. Every validated provider is covered.
#[test]
fn every_builtin_check_reads_its_providers_answers_right() {
    use keysweep::rules::RuleSet;
    let rules = RuleSet::builtin().unwrap();
    let dir = tree();
    let mut expected: BTreeMap<String, Expectation> = BTreeMap::new();
    let mut providers = std::collections::BTreeSet::new();
    for (r, rule) in rules.rules.iter().enumerate() {
        let Some(spec) = rule.validate.as_ref().filter(|s| s.coded.is_none()) else {
            continue;
        };
        providers.insert(rule.provider().to_string());
        let valid = spec.valid.as_ref().unwrap();
        // The second example gets the "invalid" answer, every other one the "valid" answer.
        for (n, example) in rule.examples.iter().enumerate() {
            let Some(secret) = example.secret() else {
                continue;
            };
            let (wants_valid, status, body) = if n != 1 {
                (
                    true,
                    valid.status[0],
                    valid.body_contains.clone().unwrap_or("{}".into()),
                )
            } else if let Some(invalid) = &spec.invalid {
                (
                    false,
                    invalid.status[0],
                    invalid.body_contains.clone().unwrap_or_default(),
                )
            } else {
                continue;
            };
            write(
                dir.path(),
                &format!("r{r}-{n}.txt"),
                format!("{}\n", example.text()),
            );
            let url = spec.url.as_deref().unwrap();
            let path_and_query = (!url.contains("{partner}")).then(|| {
                let after_scheme = &url[url.find("://").unwrap() + 3..];
                after_scheme[after_scheme.find('/').unwrap_or(after_scheme.len())..].to_string()
            });
            expected.insert(
                secret.to_string(),
                Expectation {
                    rule: rule.id.clone(),
                    provider: rule.provider().to_string(),
                    wants_valid,
                    answer_status: status,
                    answer_body: body,
                    method: spec.method.clone(),
                    path_and_query,
                    headers: spec
                        .headers
                        .iter()
                        .filter(|(_, v)| !v.contains("{partner}"))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                },
            );
        }
    }
    assert!(
        providers.len() >= 300,
        "{} providers validate",
        providers.len()
    );
    let table = expected.clone();
    let mismatches = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = mismatches.clone();
    let mock = Mock::start(move |r: &Received| {
        // The longest secret the request carries is the one being checked (a partner, such
        // as an account id, may travel with it).
        match table
            .iter()
            .filter(|(secret, _)| r.carries(secret))
            .max_by_key(|(secret, _)| secret.len())
        {
            Some((secret, e)) => match e.mismatch(secret, r) {
                None => Answer::new(e.answer_status, e.answer_body.clone()),
                Some(wrong) => {
                    seen.lock().unwrap().push(format!("{}: {wrong}", e.rule));
                    Answer::new(418, "not the declared request")
                }
            },
            None => Answer::new(404, "unknown secret"),
        }
    });
    let mut cmd = keysweep();
    cmd.arg("scan")
        .arg(dir.path())
        .args(["-f", "json", "--validate", "--validate-rate", "1000"]);
    for provider in &providers {
        cmd.arg("--validate-endpoint")
            .arg(format!("{provider}={}", mock.base));
    }
    let output = cmd.output().unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut checked = std::collections::BTreeMap::<String, (bool, bool)>::new();
    let mut wrong = Vec::new();
    for (secret, e) in &expected {
        let Some(finding) = findings(&report)
            .iter()
            .find(|f| f["secret"] == secret.as_str() && f["rule_id"] == e.rule.as_str())
        else {
            wrong.push(format!("{}: no finding for its example", e.rule));
            continue;
        };
        let status = finding["validation"]["status"].as_str().unwrap_or_default();
        if status == "unsupported" && finding.get("paired_with").is_none() {
            continue; // the example does not show the partner the check needs
        }
        let want = if e.wants_valid { "valid" } else { "invalid" };
        if status == want {
            let seen = checked.entry(e.provider.clone()).or_default();
            if e.wants_valid {
                seen.0 = true;
            } else {
                seen.1 = true;
            }
        } else {
            wrong.push(format!(
                "{}: {status} ({}), expected {want}",
                e.rule, finding["validation"]
            ));
        }
    }
    let mismatches = mismatches.lock().unwrap().clone();
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    assert!(wrong.is_empty(), "{wrong:#?}");
    let uncovered: Vec<_> = providers
        .iter()
        .filter(|p| checked.get(*p).is_none_or(|(v, _)| !v))
        .collect();
    assert!(
        uncovered.is_empty(),
        "providers never shown valid: {uncovered:?}"
    );
    // No request left for a host other than the mock: every one arrived here.
    assert!(mock.received().len() >= expected.len() / 2);
}

/// ACME's rule with two access probes: its projects and its members.
fn acme_with_access() -> String {
    format!(
        "{ACME_RULE}
[[rules.validate.access]]
name = \"projects\"
url = \"https://api.acme.example/v1/projects?limit=100\"
list = \"data.*.name\"

[[rules.validate.access]]
name = \"members\"
url = \"https://api.acme.example/v1/members\"
list = \"*.login\"
"
    )
}

#[test]
fn map_access_lists_what_a_live_credential_reaches_only_when_asked() {
    let live = acme_token(31);
    let dead = acme_token(32);
    let live_in_mock = live.clone();
    let mock = Mock::start(move |r: &Received| {
        let authorized = r.header("authorization") == Some(&format!("Bearer {live_in_mock}"));
        match (authorized, r.method.as_str(), r.url.as_str()) {
            (false, _, _) => Answer::new(401, ""),
            (true, "GET", "/v1/whoami") => {
                Answer::new(200, r#"{"active":true,"account":{"name":"acme-ci"}}"#)
            }
            (true, "GET", "/v1/projects?limit=100") => {
                Answer::new(200, r#"{"data":[{"name":"billing"},{"name":"web"}]}"#)
            }
            (true, "GET", "/v1/members") => Answer::new(403, r#"{"error":"forbidden"}"#),
            _ => Answer::new(404, ""),
        }
    });
    let dir = tree();
    write(dir.path(), "a.env", format!("A={live}\nB={dead}\n"));
    let rules_dir = tree();
    let rules = write(rules_dir.path(), "acme.toml", acme_with_access());
    let scan = |args: &[&str]| {
        let output = keysweep()
            .arg("scan")
            .arg(dir.path())
            .args(["--rules", rules.to_str().unwrap(), "-f", "json"])
            .args(args)
            .env("KEYSWEEP_VALIDATE_ENDPOINT_ACME", &mock.base)
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        (report, String::from_utf8_lossy(&output.stderr).into_owned())
    };

    // --validate alone: one request per secret, no probe.
    let (report, _) = scan(&["--validate"]);
    assert_eq!(mock.received().len(), 2);
    assert!(
        validation_of(&report, &live)["facts"]
            .get("access.projects")
            .is_none()
    );

    // The dry run lists the probes a live answer would bring, and sends nothing.
    let (_, stderr) = scan(&["--map-access", "--validate-dry-run"]);
    assert_eq!(mock.received().len(), 2);
    assert!(
        stderr.contains("would send map access: projects (acme.token, acme): GET"),
        "{stderr}"
    );
    assert!(stderr.contains("6 requests would be sent"), "{stderr}");

    // --map-access: the probes follow the live answer only, with its headers, and say what
    // they found, or that the credential may not list it.
    let (report, _) = scan(&["--map-access"]);
    let received = mock.received();
    let probes: Vec<&Received> = received[2..]
        .iter()
        .filter(|r| r.url != "/v1/whoami")
        .collect();
    assert_eq!(probes.len(), 2, "{received:#?}");
    assert!(probes.iter().all(|r| r.method == "GET" && r.carries(&live)));
    let facts = &validation_of(&report, &live)["facts"];
    assert_eq!(facts["access.projects"], "2: billing, web");
    // The text report says it too.
    let text = keysweep()
        .arg("scan")
        .arg(dir.path())
        .args(["--rules", rules.to_str().unwrap(), "--map-access"])
        .env("KEYSWEEP_VALIDATE_ENDPOINT_ACME", &mock.base)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("  reaches:     projects: 2: billing, web"),
        "{text}"
    );
    assert_eq!(facts["access.members"], "not allowed (HTTP 403)");
    assert_eq!(facts["account.name"], "acme-ci");
    // Where to revoke it, for the account the answer named.
    assert_eq!(
        validation_of(&report, &live)["revoke"],
        "https://console.acme.example/accounts/acme-ci/tokens"
    );
    assert!(validation_of(&report, &dead).get("revoke").is_none());
    assert_eq!(validation_of(&report, &dead)["status"], "invalid");
    assert!(validation_of(&report, &dead).get("facts").is_none());
}

#[test]
fn an_access_probe_must_stay_on_the_checks_host() {
    let rules_dir = tree();
    let elsewhere = acme_with_access().replace(
        "https://api.acme.example/v1/members",
        "https://collector.example.net/v1/members",
    );
    let rules = write(rules_dir.path(), "acme.toml", elsewhere);
    let output = keysweep()
        .args(["rules", "check", "--rules", rules.to_str().unwrap()])
        .output()
        .unwrap();
    assert_ne!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned()
        + &String::from_utf8_lossy(&output.stdout);
    assert!(stderr.contains("the check's own host"), "{stderr}");
}

/// A JSON body holding two names at `list` (`data.*.id`): `{"data":[{"id":"n0"},{"id":"n1"}]}`.
fn body_listing(list: &[&str], tag: &mut usize) -> Value {
    match list.split_first() {
        None => {
            *tag += 1;
            Value::from(format!("n{tag}"))
        }
        Some((&"*", rest)) => Value::Array(vec![body_listing(rest, tag), body_listing(rest, tag)]),
        Some((key, rest)) => serde_json::json!({ *key: body_listing(rest, tag) }),
    }
}

/// Every built-in access probe, against a mock that checks it is the declared GET with the
/// check's headers and answers a list at the declared path: the fact lists those names.
#[test]
fn every_builtin_access_probe_lists_what_its_provider_answers() {
    use keysweep::rules::RuleSet;
    let rules = RuleSet::builtin().unwrap();
    let dir = tree();
    // secret -> (rule id, check path, valid body, probes: path -> body)
    let mut table: BTreeMap<String, (String, String, String, BTreeMap<String, Value>)> =
        BTreeMap::new();
    let mut providers = std::collections::BTreeSet::new();
    for (r, rule) in rules.rules.iter().enumerate() {
        let Some(spec) = rule.validate.as_ref().filter(|s| !s.access.is_empty()) else {
            continue;
        };
        let Some(example) = rule.examples.iter().find(|e| e.secret().is_some()) else {
            continue;
        };
        let path_of = |url: &str| {
            let rest = &url[url.find("://").unwrap() + 3..];
            rest[rest.find('/').unwrap()..].to_string()
        };
        let probes = spec
            .access
            .iter()
            .map(|p| {
                let list: Vec<&str> = p.list.split('.').collect();
                (path_of(&p.url), body_listing(&list, &mut 0))
            })
            .collect();
        let valid = spec.valid.as_ref().unwrap();
        table.insert(
            example.secret().unwrap().to_string(),
            (
                rule.id.clone(),
                path_of(spec.url.as_deref().unwrap()),
                valid.body_contains.clone().unwrap_or("{}".into()),
                probes,
            ),
        );
        providers.insert(rule.provider().to_string());
        write(
            dir.path(),
            &format!("r{r}.txt"),
            format!("{}\n", example.text()),
        );
    }
    assert!(providers.len() >= 4, "{providers:?}");
    let answers = table.clone();
    let mock = Mock::start(move |r: &Received| {
        let Some((_, (_, check, valid, probes))) =
            answers.iter().find(|(secret, _)| r.carries(secret))
        else {
            return Answer::new(404, "");
        };
        if &r.url == check {
            return Answer::new(200, valid.clone());
        }
        match probes.get(&r.url) {
            Some(body) if r.method == "GET" => Answer::new(200, body.to_string()),
            _ => Answer::new(418, "not a declared probe"),
        }
    });
    let mut cmd = keysweep();
    cmd.arg("scan")
        .arg(dir.path())
        .args(["-f", "json", "--map-access", "--validate-rate", "1000"]);
    for provider in &providers {
        cmd.arg("--validate-endpoint")
            .arg(format!("{provider}={}", mock.base));
    }
    let output = cmd.output().unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut wrong = Vec::new();
    for (secret, (rule, _, _, probes)) in &table {
        let Some(finding) = findings(&report)
            .iter()
            .find(|f| f["secret"] == secret.as_str() && f["rule_id"] == rule.as_str())
        else {
            wrong.push(format!("{rule}: no finding"));
            continue;
        };
        let facts = &finding["validation"]["facts"];
        let listed = facts
            .as_object()
            .map(|o| o.keys().filter(|k| k.starts_with("access.")).count())
            .unwrap_or(0);
        let lists_names = facts
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| k.starts_with("access."))
            .all(|(_, v)| v.as_str().is_some_and(|v| v.contains("n1")));
        if listed != probes.len() || !lists_names {
            wrong.push(format!("{rule}: {}", finding["validation"]));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn map_access_asks_iam_which_policies_a_live_users_key_carries() {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (key_id, secret) = (aws_key_id(81), random_chars(81, 40, B64));
    let signing_secret = secret.clone();
    let mock = Mock::start(move |r: &Received| {
        let auth = r.header("authorization").unwrap_or_default();
        let signature = auth.split("Signature=").nth(1).unwrap_or_default();
        if expected_sigv4(r, &signing_secret).as_deref() != Some(signature) {
            return Answer::new(403, "<Code>SignatureDoesNotMatch</Code>");
        }
        let iam = auth.contains("/us-east-1/iam/aws4_request");
        match (iam, r.body.as_str()) {
            (false, "Action=GetCallerIdentity&Version=2011-06-15") => Answer::new(
                200,
                "<GetCallerIdentityResult><Arn>arn:aws:iam::210987654321:user/ci/deploy+bot</Arn><Account>210987654321</Account></GetCallerIdentityResult>",
            ),
            (true, "Action=ListAttachedUserPolicies&UserName=deploy%2Bbot&Version=2010-05-08") => {
                Answer::new(
                    200,
                    "<AttachedPolicies><member><PolicyName>AdministratorAccess</PolicyName></member><member><PolicyName>ReadOnlyAccess</PolicyName></member></AttachedPolicies>",
                )
            }
            (true, "Action=ListUserPolicies&UserName=deploy%2Bbot&Version=2010-05-08") => {
                Answer::new(403, "<Code>AccessDenied</Code>")
            }
            _ => Answer::new(400, "unexpected"),
        }
    });
    let dir = tree();
    write(
        dir.path(),
        "credentials",
        format!("[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"),
    );
    let (code, report, stderr) = scan_builtin(dir.path(), &["aws"], &mock.base);
    assert_eq!(code, 1, "{stderr}");
    let received = mock.received().len();
    let mut cmd = keysweep();
    cmd.arg("scan")
        .arg(dir.path())
        .args(["-f", "json", "--map-access", "--only-rules", "aws"])
        .arg("--validate-endpoint")
        .arg(format!("aws={}", mock.base));
    let output = cmd.output().unwrap();
    let mapped: Value = serde_json::from_slice(&output.stdout).unwrap();
    let v = validation_of(&mapped, &secret);
    assert_eq!(v["status"], "valid", "{v}");
    assert_eq!(
        v["facts"]["access.attached-policies"],
        "2: AdministratorAccess, ReadOnlyAccess"
    );
    assert_eq!(
        v["facts"]["access.inline-policies"],
        "not allowed (HTTP 403)"
    );
    assert_eq!(
        mock.received().len(),
        received + 3,
        "the check and two IAM listings"
    );
    assert!(
        validation_of(&report, &secret)["facts"]
            .get("access.attached-policies")
            .is_none()
    );
}
