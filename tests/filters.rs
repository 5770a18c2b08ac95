//! Config allowlists, inline allow comments and baselines, end to end through the binary.

mod common;

use common::*;

#[test]
fn config_allowlists_paths_secrets_and_disables_rules() {
    let dir = tree();
    let kept = github_token(1);
    write(
        dir.path(),
        "src/app.env",
        format!("T={kept}\nS={}\n", stripe_key(2)),
    );
    write(
        dir.path(),
        "tests/fixtures/fake.env",
        format!("T={}\n", github_token(3)),
    );
    write(dir.path(), "keys.txt", format!("A={}\n", aws_key_id(4)));
    write(
        dir.path(),
        ".keysweep.toml",
        r#"
[allowlist]
paths = ["tests/fixtures/**"]
secrets = ['''^sk_live_''']
[rules]
disable = ["aws"]
"#,
    );
    let (code, report, _) = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(secrets(&report), vec![kept]);
    let suppressed = &report["summary"]["suppressed"];
    assert_eq!(
        (
            suppressed["allowlisted_paths"].as_u64(),
            suppressed["allowlisted_secrets"].as_u64()
        ),
        (Some(1), Some(1))
    );

    // --config names another file; a bad config is an error, not a silent default.
    let other = write(
        dir.path(),
        "strict.toml",
        "[rules]\nmin_confidence = \"high\"\n",
    );
    let (_, report, _) = scan_json(&[
        dir.path().to_str().unwrap(),
        "--config",
        other.to_str().unwrap(),
    ]);
    assert_eq!(findings(&report).len(), 4, "strict.toml allowlists nothing");
    write(dir.path(), "broken.toml", "[allowlist]\npathz = []\n");
    let out = keysweep()
        .args([
            "scan",
            dir.path().to_str().unwrap(),
            "--config",
            dir.path().join("broken.toml").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn inline_allow_suppresses_only_its_own_line() {
    let dir = tree();
    let token = github_token(5);
    let other = github_token(6);
    write(
        dir.path(),
        "a.py",
        format!(
            "TOKEN = '{token}'  # keysweep:allow\nOTHER = '{other}'\nLEGACY = '{}' # gitleaks:allow\n",
            github_token(7)
        ),
    );
    write(dir.path(), "b.py", format!("TOKEN = '{token}'\n"));
    let (_, report, _) = scan_json(&[dir.path().to_str().unwrap()]);
    let mut expected = vec![token.clone(), other];
    expected.sort();
    assert_eq!(secrets(&report), expected);
    let occurrences = finding_with(&report, &token)["occurrences"]
        .as_array()
        .unwrap();
    assert_eq!(occurrences.len(), 1);
    assert_eq!(
        occurrences[0]["path"], "b.py",
        "the allowed line is gone, the other place stays"
    );
    assert_eq!(report["summary"]["suppressed"]["inline_allow"], 2);
}

#[test]
fn baseline_reports_only_new_findings_and_survives_moves() {
    let repo = Repo::new();
    let accepted = github_token(8);
    repo.write("config/a.env", format!("T={accepted}\n"));
    repo.commit("accepted secret");
    let baseline = tree();
    let baseline_file = baseline.path().join("baseline.json");
    let out = keysweep()
        .args([
            "baseline",
            "create",
            repo.path_str(),
            "-o",
            baseline_file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&baseline_file).unwrap();
    assert!(
        !text.contains(&accepted),
        "a baseline holds hashes, not secrets: {text}"
    );
    assert!(!text.contains("line"), "no line numbers to churn: {text}");

    // Move and rename the accepted secret, and put a new secret on its old line.
    let new = github_token(9);
    repo.write(
        "settings/renamed.env",
        format!("# moved down\n\nT={accepted}\n"),
    );
    repo.write("config/a.env", format!("T={new}\n"));
    repo.commit("move and add");
    let (code, report, stderr) = scan_json(&[
        repo.path_str(),
        "--baseline",
        baseline_file.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        secrets(&report),
        vec![new],
        "only the new secret is reported"
    );
    assert_eq!(report["summary"]["suppressed"]["baseline"], 1);
    assert_eq!(
        notices_matching(&report, "note", "unused baseline entry"),
        0
    );

    // Once the accepted secret is gone from every blob, its entry is reported as unused.
    let clean = Repo::new();
    clean.write("x.txt", "nothing\n");
    clean.commit("clean");
    let (code, report, _) = scan_json(&[
        clean.path_str(),
        "--baseline",
        baseline_file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        notices_matching(&report, "note", "unused baseline entry"),
        1
    );
}

#[test]
fn a_gitleaks_config_brings_its_rules_and_allowlist() {
    let dir = tree();
    write(
        dir.path(),
        ".gitleaks.toml",
        r#"
title = "team config"
[extend]
useDefault = true

[[rules]]
id = "acme-token"
description = "ACME API token"
regex = '''(?i)acme[_-]?token\s*[:=]\s*['"]?([a-z0-9]{32})'''
secretGroup = 1
keywords = ["acme"]

[[rules]]
id = "p12-file"
description = "PKCS#12 file"
path = '''\.p12$'''

[allowlist]
paths = ['''^vendor/''']
stopwords = ["deadbeef"]
"#,
    );
    let acme = random_chars(1, 32, b"abcdefghijklmnopqrstuvwxyz0123456789");
    write(
        dir.path(),
        "app/settings.py",
        format!("ACME_TOKEN = '{acme}'\nGH = '{}'\n", github_token(10)),
    );
    write(
        dir.path(),
        "vendor/lib.py",
        format!(
            "ACME_TOKEN = '{}'\n",
            random_chars(2, 32, b"abcdef0123456789")
        ),
    );
    write(
        dir.path(),
        "app/other.py",
        "acme_token: 0000deadbeef0000deadbeef0000aaaa\n",
    );
    let rules = dir.path().join(".gitleaks.toml");
    let (code, report, stderr) = scan_json(&[
        dir.path().to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    let found = summary(&report);
    assert_eq!(
        found,
        vec![
            ("acme-token".to_string(), "app/settings.py".to_string(), 1),
            (
                "github.pat-classic".to_string(),
                "app/settings.py".to_string(),
                2
            ),
        ],
        "built-in rules stay, the vendor path and the stopword are allowed"
    );
    assert_eq!(finding_with(&report, &acme)["rule_name"], "ACME API token");
    assert!(stderr.contains("not imported: rule p12-file"), "{stderr}");
}

#[test]
fn a_rule_selection_that_names_no_rule_is_an_error_not_a_narrower_scan() {
    let dir = tree();
    write(dir.path(), "a.env", format!("T={}\n", github_token(21)));
    let path = dir.path().to_str().unwrap();

    // A typo among good ids fails the run, naming the typo.
    let out = keysweep()
        .args(["scan", path, "--only-rules", "github,stirpe"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("stirpe"), "{stderr}");
    assert!(!stderr.contains("github,"), "only the unknown id: {stderr}");

    // A family prefix is a rule selection, not a typo.
    let (code, report, stderr) = scan_json(&[path, "--only-rules", "github"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(findings(&report).len(), 1);
}

#[test]
fn baseline_create_refuses_a_report_format() {
    let dir = tree();
    write(dir.path(), "a.env", format!("T={}\n", github_token(22)));
    let baseline = dir.path().join("baseline.json");
    let out = keysweep()
        .args(["baseline", "create", dir.path().to_str().unwrap()])
        .args(["-f", "sarif", "-o", baseline.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--format does not apply"), "{stderr}");
    assert!(!baseline.exists(), "no file that looks like a baseline");
}
