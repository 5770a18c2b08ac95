//! `keysweep scan DIR` end to end: the real binary on temp trees with planted fake secrets and
//! hard negatives.

mod common;

use common::*;
use serde_json::Value;

/// A small project: two planted secrets, several near misses.
fn planted_tree() -> (tempfile::TempDir, String, String) {
    let dir = tree();
    let github = github_token(1);
    let aws = aws_key_id(2);
    write(
        dir.path(),
        "app.py",
        "import os\n\ndef main():\n    print('hello')\n",
    );
    write(
        dir.path(),
        ".env",
        format!("# local settings\nGITHUB_TOKEN={github}\nDEBUG=true\n"),
    );
    write(
        dir.path(),
        "config/deploy.yaml",
        format!("region: eu-west-1\naccess_key_id: {aws}\n"),
    );
    // Hard negatives: a token with a broken checksum, one too short, an AWS-looking word.
    write(
        dir.path(),
        "docs/README.md",
        format!(
            "Set GITHUB_TOKEN to something like {}.\nNot a token: ghp_short123\nAKIA is the prefix of AWS key ids.\n",
            github_token_bad_checksum(3)
        ),
    );
    (dir, github, aws)
}

#[test]
fn finds_planted_secrets_with_locations_and_ignores_near_misses() {
    let (dir, github, aws) = planted_tree();
    let (code, report, _) = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "findings exit 1");
    assert_eq!(
        summary(&report),
        vec![
            ("github.pat-classic".to_string(), ".env".to_string(), 2),
            (
                "aws.access-key-id".to_string(),
                "config/deploy.yaml".to_string(),
                2
            ),
        ]
    );
    let gh = finding_with(&report, &github);
    assert_eq!(gh["occurrences"][0]["column"], 14);
    assert_eq!(
        gh["occurrences"][0]["context"],
        format!("GITHUB_TOKEN={github}")
    );
    assert_eq!(gh["checksum_valid"], true);
    assert_eq!(gh["severity"], "critical");
    let start = gh["occurrences"][0]["byte_start"].as_u64().unwrap() as usize;
    let content = std::fs::read_to_string(dir.path().join(".env")).unwrap();
    assert_eq!(&content[start..start + github.len()], github);
    assert!(
        finding_with(&report, &aws)["fingerprint"]
            .as_str()
            .unwrap()
            .len()
            == 32
    );
    assert!(
        gh.get("present_at_head").is_none(),
        "plain directories have no HEAD"
    );
}

#[test]
fn clean_tree_exits_zero() {
    let dir = tree();
    write(
        dir.path(),
        "main.rs",
        "fn main() { let token = std::env::var(\"TOKEN\"); }\n",
    );
    let output = keysweep()
        .args(["scan", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "No secrets found."
    );
}

#[test]
fn every_format_reports_the_same_findings() {
    let (dir, github, aws) = planted_tree();
    let path = dir.path().to_str().unwrap();
    let run = |format: &str| {
        let output = keysweep()
            .args(["scan", path, "--format", format])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{format}");
        String::from_utf8(output.stdout).unwrap()
    };

    let text = run("text");
    assert!(
        text.contains("github.pat-classic") && text.contains(".env:2:14"),
        "{text}"
    );
    assert!(
        text.contains("config/deploy.yaml:2:") && text.contains(&aws),
        "{text}"
    );

    let lines: Vec<Value> = run("jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["secret"], github);

    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["ruleId"], "github.pat-classic");
    assert_eq!(results[0]["level"], "error");
    let loc = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], ".env");
    assert_eq!(loc["region"]["startLine"], 2);
    let json: Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(
        results[0]["partialFingerprints"]["keysweepSecret/v1"],
        json["findings"][0]["fingerprint"]
    );
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), 2, "only rules with results are listed");
    let rule = rules
        .iter()
        .find(|r| r["id"] == "github.pat-classic")
        .unwrap();
    assert!(
        rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("How to fix")
    );
    assert_eq!(rule["properties"]["security-severity"], "9.5");
    assert!(
        rule["properties"]["tags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("security"))
    );
}

#[test]
fn output_file_and_redaction_hide_the_secret_everywhere() {
    let (dir, github, aws) = planted_tree();
    let out_dir = tree();
    for format in ["text", "json", "jsonl", "sarif"] {
        let out = out_dir.path().join(format!("report.{format}"));
        let status = keysweep()
            .args([
                "scan",
                dir.path().to_str().unwrap(),
                "--redact",
                "--format",
                format,
                "--output",
            ])
            .arg(&out)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(1));
        let written = std::fs::read_to_string(&out).unwrap();
        assert!(
            !written.contains(&github) && !written.contains(&aws[4..]),
            "{format} leaks a secret:\n{written}"
        );
        assert!(
            written.contains("ghp_********"),
            "{format} shows the redacted form:\n{written}"
        );
    }
}

#[test]
fn same_secret_in_two_files_is_one_finding() {
    let dir = tree();
    let token = github_token(7);
    write(dir.path(), "a.env", format!("T={token}\n"));
    write(dir.path(), "b/c.sh", format!("\n\nexport GH={token}\n"));
    let (_, report, _) = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(findings(&report).len(), 1);
    let occurrences = findings(&report)[0]["occurrences"].as_array().unwrap();
    let places: Vec<(&str, u64)> = occurrences
        .iter()
        .map(|o| (o["path"].as_str().unwrap(), o["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(places, vec![("a.env", 1), ("b/c.sh", 3)]);
}

#[test]
fn binary_files_are_skipped_unless_asked() {
    let dir = tree();
    let token = github_token(8);
    let mut blob = vec![0u8, 1, 2, 3];
    blob.extend_from_slice(token.as_bytes());
    write(dir.path(), "image.bin", &blob);
    let path = dir.path().to_str().unwrap();
    let (code, report, _) = scan_json(&[path]);
    assert_eq!((code, findings(&report).len()), (0, 0));
    assert_eq!(report["summary"]["skipped_binary"], 1);
    let (code, report, _) = scan_json(&[path, "--include-binary"]);
    assert_eq!(code, 1);
    assert_eq!(secrets(&report), vec![token]);
}

#[test]
fn gitignore_is_honoured_unless_no_ignore() {
    let dir = tree();
    let token = github_token(9);
    write(dir.path(), ".gitignore", "secrets/\n");
    write(dir.path(), "secrets/prod.env", format!("TOKEN={token}\n"));
    let path = dir.path().to_str().unwrap();
    assert_eq!(scan_json(&[path]).0, 0);
    let (code, report, _) = scan_json(&[path, "--no-ignore"]);
    assert_eq!(code, 1);
    assert_eq!(summary(&report)[0].1, "secrets/prod.env");
}

#[test]
fn files_over_max_size_are_listed_not_dropped() {
    let dir = tree();
    write(
        dir.path(),
        "big.log",
        format!("{}\nTOKEN={}\n", "x".repeat(5000), github_token(10)),
    );
    let (code, report, stderr) =
        scan_json(&[dir.path().to_str().unwrap(), "--max-file-size", "4K"]);
    assert_eq!(code, 0);
    assert_eq!(
        notices_matching(&report, "warning", "over --max-file-size 4096"),
        1
    );
    assert!(stderr.contains("big.log"), "{stderr}");
}

#[test]
fn large_memory_mapped_and_non_utf8_files_are_scanned() {
    let dir = tree();
    let token = github_token(11);
    let mut big = "let x = 1;\n".repeat(200_000).into_bytes(); // 2.2 MB: memory-mapped
    big.extend_from_slice(format!("key = \"{token}\"\n").as_bytes());
    write(dir.path(), "big.rs", &big);
    let mut latin1 = b"caf\xe9 = 1\n".to_vec();
    latin1.extend_from_slice(format!("aws = {}\n", aws_key_id(12)).as_bytes());
    write(dir.path(), "latin1.txt", &latin1);
    let (_, report, _) = scan_json(&[dir.path().to_str().unwrap()]);
    let found = summary(&report);
    assert!(
        found.contains(&("github.pat-classic".into(), "big.rs".into(), 200_001)),
        "{found:?}"
    );
    assert!(
        found.contains(&("aws.access-key-id".into(), "latin1.txt".into(), 2)),
        "{found:?}"
    );
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let dir = tree();
    for i in 0..40 {
        write(
            dir.path(),
            &format!("d{}/f{i}.env", i % 7),
            format!("A={}\nB={}\n", github_token(i), aws_key_id(i)),
        );
    }
    let path = dir.path().to_str().unwrap();
    let one = keysweep()
        .args(["scan", path, "--format", "json", "-j", "1"])
        .output()
        .unwrap();
    let two = keysweep()
        .args(["scan", path, "--format", "json", "-j", "2"])
        .output()
        .unwrap();
    assert_eq!(
        findings(&serde_json::from_slice(&one.stdout).unwrap()).len(),
        80
    );
    assert_eq!(one.stdout, two.stdout);
}

#[test]
fn user_rules_extend_the_builtin_set() {
    let dir = tree();
    write(dir.path(), "app.cfg", "internal = ACME-7f3a9c1b2e4d5f60\n");
    let rules = write(
        dir.path(),
        "rules/acme.toml",
        r#"
[[rules]]
id = "acme.internal-token"
name = "ACME internal token"
keywords = ["ACME-"]
regex = '''\b(ACME-[0-9a-f]{16})\b'''
severity = "high"
confidence = "high"
"#,
    );
    let (code, report, _) = scan_json(&[
        dir.path().join("app.cfg").to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        summary(&report),
        vec![("acme.internal-token".into(), "app.cfg".into(), 1)]
    );

    write(
        dir.path(),
        "bad/broken.toml",
        "[[rules]]\nid = \"x\"\nname = \"x\"\nkeywords = [\"a\"]\nregex = '''(unclosed'''\nseverity = \"low\"\nconfidence = \"low\"\n",
    );
    let output = keysweep()
        .args([
            "scan",
            dir.path().to_str().unwrap(),
            "--rules",
            dir.path().join("bad").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("invalid regex"));
}

/// Root reads any file whatever its mode, so when run as root the scan runs as `nobody`.
fn run_unprivileged(args: &[&str]) -> std::process::Output {
    let uid = std::process::Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&uid.stdout).trim() == "0" {
        std::process::Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                env!("CARGO_BIN_EXE_keysweep"),
            ])
            .args(args)
            .output()
            .unwrap()
    } else {
        keysweep().args(args).output().unwrap()
    }
}

#[test]
fn unreadable_files_are_reported_and_make_the_exit_code_2() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let readable = write(dir.path(), "ok.env", format!("T={}\n", github_token(20)));
    let locked = write(
        dir.path(),
        "locked.env",
        format!("T={}\n", github_token(21)),
    );
    std::fs::set_permissions(&readable, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let path = dir.path().to_str().unwrap();

    let output = run_unprivileged(&["scan", path, "--format", "json"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("locked.env") && stderr.contains("cannot read"),
        "{stderr}"
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        summary(&report),
        vec![("github.pat-classic".into(), "ok.env".into(), 1)]
    );
    assert_eq!(notices_matching(&report, "error", "cannot read"), 1);
    assert_eq!(
        report["summary"]["files"], 1,
        "the unreadable file was not scanned"
    );

    let output = run_unprivileged(&["scan", path, "--format", "sarif", "--ignore-errors"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "--ignore-errors: exit by findings"
    );
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert!(
        invocation["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("locked.env")
    );
}

#[test]
fn missing_path_is_an_error() {
    let output = keysweep()
        .args(["scan", "/definitely/not/here"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("does not exist"));
}

#[test]
fn an_aws_key_pair_is_one_finding_and_both_halves_are_redacted() {
    let dir = tree();
    let id = aws_key_id(30);
    let secret = random_chars(
        31,
        40,
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+",
    );
    write(
        dir.path(),
        "credentials",
        format!("[default]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n"),
    );
    let lone = aws_key_id(32);
    write(
        dir.path(),
        "other.env",
        format!("AWS_ACCESS_KEY_ID={lone}\n"),
    );
    let (_, report, _) = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(secrets(&report), {
        let mut s = vec![secret.clone(), lone];
        s.sort();
        s
    });
    let pair = finding_with(&report, &secret);
    assert_eq!(pair["rule_id"], "aws.secret-access-key");
    assert_eq!(pair["paired_with"]["rule_id"], "aws.access-key-id");
    assert_eq!(pair["paired_with"]["secret"], id);

    let out = keysweep()
        .args(["scan", dir.path().to_str().unwrap(), "--redact"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("paired with: aws.access-key-id AKIA********"),
        "{text}"
    );
    assert!(!text.contains(&id) && !text.contains(&secret), "{text}");
}

#[test]
fn symlinks_and_special_files_are_noted_not_silently_dropped() {
    let dir = tree();
    let outside = tree();
    write(
        outside.path(),
        "secret.env",
        format!("T={}\n", github_token(40)),
    );
    std::os::unix::fs::symlink(
        outside.path().join("secret.env"),
        dir.path().join("link.env"),
    )
    .unwrap();
    let fifo = dir.path().join("pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    write(dir.path(), "plain.txt", "nothing\n");
    let (code, report, _) = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "a link is not followed out of the tree");
    assert_eq!(
        notices_matching(&report, "note", "1 symbolic link not followed"),
        1
    );
    assert_eq!(
        notices_matching(&report, "note", "1 special file skipped"),
        1
    );
}

#[test]
fn standard_input_is_scanned_as_one_file_named_stdin() {
    let github = github_token(40);
    let aws = aws_key_id(41);
    let input = format!("line one\nexport GH={github}\nkey = {aws}\n");
    let dir = tree(); // an empty working directory: no configuration applies
    let out = run_with_stdin(
        keysweep()
            .current_dir(dir.path())
            .args(["scan", "-", "--format", "json"]),
        &input,
    );
    assert_eq!(out.status.code(), Some(1), "findings exit 1");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        summary(&report),
        vec![
            ("github.pat-classic".to_string(), "<stdin>".to_string(), 2),
            ("aws.access-key-id".to_string(), "<stdin>".to_string(), 3),
        ]
    );
    assert_eq!(report["summary"]["files"], 1);

    let clean = run_with_stdin(
        keysweep().current_dir(dir.path()).args(["scan", "-"]),
        "nothing here\n",
    );
    assert_eq!(clean.status.code(), Some(0));
}

#[test]
fn standard_input_refuses_history_and_never_cuts_silently() {
    let out = run_with_stdin(keysweep().args(["scan", "-", "--history-only"]), "x\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("standard input is not a git repository"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Over the size limit: an error naming the limit, not a clean run over half the input.
    let big = format!("{}\nGH={}\n", "a".repeat(2048), github_token(42));
    let out = run_with_stdin(
        keysweep().args(["scan", "-", "--max-file-size", "1K", "--format", "json"]),
        &big,
    );
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(notices_matching(&report, "error", "max-file-size"), 1);
}

#[test]
fn every_notice_says_its_kind() {
    let dir = tree();
    write(dir.path(), "big.txt", "x".repeat(4096));
    write(dir.path(), "small.txt", "nothing\n");
    std::os::unix::fs::symlink("/etc/hostname", dir.path().join("outside")).unwrap();
    let (code, report, _) = scan_json(&[dir.path().to_str().unwrap(), "--max-file-size", "1K"]);
    assert_eq!(code, 0);
    let kinds: Vec<(&str, &str)> = report["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["subject"].as_str().unwrap(), n["kind"].as_str().unwrap()))
        .collect();
    assert!(kinds.contains(&("big.txt", "too-large")), "{kinds:?}");
    assert!(
        kinds.iter().any(|(_, kind)| *kind == "not-scanned"),
        "the symbolic link leaving the tree: {kinds:?}"
    );
}

#[test]
fn version_names_the_build_its_rules_and_the_prefilter_it_runs() {
    let out = keysweep().arg("version").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.starts_with(&format!("keysweep {}\n", env!("CARGO_PKG_VERSION"))),
        "{stdout}"
    );
    let rules: usize = stdout
        .lines()
        .find_map(|l| l.strip_prefix("rules: ")?.strip_suffix(" built in"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no rule count: {stdout}"));
    assert!(rules >= 400, "{stdout}");
    // Which engine runs depends on the machine; that one is named is the point.
    let engine = stdout
        .lines()
        .find_map(|l| l.strip_prefix("prefilter: "))
        .unwrap_or_else(|| panic!("no prefilter line: {stdout}"));
    assert!(
        ["Vectorscan", "Teddy", "Anchored"]
            .iter()
            .any(|name| engine.starts_with(name)),
        "{stdout}"
    );
}

#[test]
fn exit_code_names_the_code_for_findings_and_keeps_2_for_errors() {
    let dir = tree();
    write(dir.path(), "a.env", format!("T={}\n", github_token(41)));
    let path = dir.path().to_str().unwrap();
    let code = |extra: &[&str]| {
        keysweep()
            .args(["scan", path, "-q"])
            .args(extra)
            .output()
            .unwrap()
    };
    assert_eq!(code(&[]).status.code(), Some(1));
    assert_eq!(code(&["--exit-code", "0"]).status.code(), Some(0));
    assert_eq!(code(&["--exit-code", "7"]).status.code(), Some(7));
    let refused = code(&["--exit-code", "2"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("pick another"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    // A clean scan stays 0 whatever the code for findings.
    let clean = tree();
    write(clean.path(), "a.txt", "nothing\n");
    let out = keysweep()
        .args(["scan", clean.path().to_str().unwrap(), "--exit-code", "7"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn colour_when_asked_plain_when_piped_and_plurals_in_the_summary() {
    let dir = tree();
    write(dir.path(), "one.env", format!("T={}\n", github_token(91)));
    let run = |args: &[&str], no_color: bool| {
        let mut command = keysweep();
        command.arg("scan").arg(dir.path()).args(args);
        if no_color {
            command.env("NO_COLOR", "1");
        }
        let output = command.output().unwrap();
        (
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (piped, stderr) = run(&[], false);
    assert!(!piped.contains('\x1b'), "no colour into a pipe");
    assert!(stderr.contains("1 finding in 1 file,"), "{stderr}");
    let (always, _) = run(&["--color", "always"], true);
    assert!(
        always.contains("\x1b[") && always.contains("critical"),
        "{always}"
    );
    let (never, _) = run(&["--color", "never"], false);
    assert_eq!(never, piped);
}

#[test]
fn verbose_prints_every_notice_and_what_the_scan_ran_with() {
    let dir = tree();
    // 25 files over the size limit: 25 warnings, more than a normal run prints.
    for n in 0..25 {
        write(dir.path(), &format!("big{n}.txt"), "x".repeat(2048));
    }
    let stderr = |args: &[&str]| {
        let output = keysweep()
            .arg("scan")
            .arg(dir.path())
            .args(["--max-file-size", "1K"])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let warnings = |text: &str| text.lines().filter(|l| l.contains("warning: big")).count();
    let normal = stderr(&[]);
    assert_eq!(warnings(&normal), 20, "{normal}");
    assert!(normal.contains("--verbose prints them all"), "{normal}");
    let verbose = stderr(&["--verbose"]);
    assert_eq!(warnings(&verbose), 25, "{verbose}");
    assert!(
        verbose.contains("scanned with ") && verbose.contains("rules"),
        "{verbose}"
    );
    assert!(!stderr(&["--quiet"]).contains("warning"));
}
