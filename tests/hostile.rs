//! Hostile input and everyday git flows that went wrong, one test per item of the "trust" issue,
//! through the real binary on real repositories. Each test names its item.
//! (Item 14, a push to a second remote, is in `tests/hook.rs`; a pull request's own
//! configuration, item 6, is also in `tests/action.rs`.)

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

fn run(args: &[&str]) -> Output {
    keysweep().args(args).output().unwrap()
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

/// Runs keysweep, killing it if it takes longer than `limit` (a hang is a failure, not a
/// stuck test run).
fn run_bounded(args: &[&str], limit: Duration) -> Output {
    let mut child = keysweep()
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("keysweep {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

// Item 1: files the scanned repository names are read only from inside it, and errors quote
// none of their bytes.

#[test]
fn a_config_linked_to_the_environment_is_not_read_and_nothing_of_it_is_printed() {
    let dir = tree();
    std::os::unix::fs::symlink("/proc/self/environ", dir.path().join(".keysweep.toml")).unwrap();
    let canary = format!("canary-{}", random_chars(1, 24, b"abcdefghijklmnop"));
    let out = keysweep()
        .arg("scan")
        .arg(dir.path())
        .env("KEYSWEEP_TEST_CANARY", &canary)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("leaving the repository"), "{stderr}");
    assert!(!stderr.contains(&canary) && !text(&out.stdout).contains(&canary));
}

#[test]
fn rule_files_outside_the_repository_or_special_are_refused_quickly() {
    let dir = tree();
    let fifo = dir.path().join("rules.fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.toml")).unwrap();
    for (extra, expected) in [
        ("/etc/hostname", "only relative paths"),
        ("../outside.toml", "only relative paths"),
        ("zero.toml", "leaving the repository"),
        ("rules.fifo", "not a regular file"),
    ] {
        write(
            dir.path(),
            ".keysweep.toml",
            format!("[rules]\nextra = [\"{extra}\"]\n"),
        );
        let out = run_bounded(
            &["scan", dir.path().to_str().unwrap()],
            Duration::from_secs(60),
        );
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra}: {stderr}");
        assert!(stderr.contains(expected), "{extra}: {stderr}");
    }
}

#[test]
fn parse_errors_give_line_and_column_but_no_content() {
    let dir = tree();
    let token = github_token(11);
    write(
        dir.path(),
        ".keysweep.toml",
        format!("[allowlist]\nGITHUB_TOKEN={token}\n"),
    );
    let out = run(&["scan", dir.path().to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("line 2, column"), "{stderr}");
    assert!(!stderr.contains(&token[..12]), "{stderr}");

    // A rule file with a broken regex: the pattern is not echoed either.
    write(
        dir.path(),
        ".keysweep.toml",
        "[rules]\nextra = [\"r.toml\"]\n",
    );
    write(
        dir.path(),
        "r.toml",
        format!(
            "[[rules]]\nid = \"t.x\"\nname = \"X\"\nkeywords = [\"x\"]\nregex = '''({token}'''\nseverity = \"low\"\nconfidence = \"low\"\n"
        ),
    );
    let out = run(&["scan", dir.path().to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("invalid regex"), "{stderr}");
    assert!(!stderr.contains(&token[..12]), "{stderr}");

    // A baseline is often committed too.
    std::fs::remove_file(dir.path().join(".keysweep.toml")).unwrap();
    let baseline = write(
        dir.path(),
        "baseline.json",
        format!("{{\"version\": \"{token}\"}}"),
    );
    let out = run(&[
        "scan",
        dir.path().to_str().unwrap(),
        "--baseline",
        baseline.to_str().unwrap(),
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("line 1 column"), "{stderr}");
    assert!(!stderr.contains(&token[..12]), "{stderr}");
}

// Item 2: --redact masks every secret on a context line, the same one twice too.

#[test]
fn redact_masks_every_secret_on_the_line_in_every_format() {
    let dir = tree();
    let github = github_token(21);
    let stripe = stripe_key(22);
    write(
        dir.path(),
        "env.sh",
        format!("export GH={github} STRIPE={stripe} AGAIN={github}\n"),
    );
    for format in ["text", "json", "jsonl", "sarif"] {
        let out = run(&[
            "scan",
            dir.path().to_str().unwrap(),
            "--redact",
            "--format",
            format,
        ]);
        assert_eq!(out.status.code(), Some(1));
        let stdout = text(&out.stdout);
        for secret in [&github, &stripe] {
            assert!(
                !stdout.contains(&secret[8..]),
                "{format} shows {secret}: {stdout}"
            );
        }
        assert!(stdout.contains("********"), "{format}: {stdout}");
    }
}

// Item 3: commit subjects are capped and redacted; messages are scanned.

#[test]
fn huge_subjects_are_capped_and_secrets_in_messages_are_found_and_redacted() {
    let repo = Repo::new();
    repo.write("a.env", format!("A={}\n", aws_key_id(31)));
    let subject = "x".repeat(100_000);
    repo.commit(&subject);
    let pasted = github_token(32);
    repo.write("b.txt", "nothing here\n");
    repo.commit(&format!("deploy with {pasted}\n\nbody {pasted}"));

    let (code, report, _) = scan_json(&[repo.path_str()]);
    assert_eq!(code, 1);
    let aws = finding_with(&report, &aws_key_id(31));
    let summary = aws["occurrences"][0]["commit"]["summary"].as_str().unwrap();
    assert!(summary.chars().count() <= 201, "{}", summary.len());
    let in_message = finding_with(&report, &pasted);
    let occurrence = &in_message["occurrences"][0];
    assert_eq!(occurrence["source"], "message");
    assert!(
        occurrence["path"].as_str().unwrap().starts_with("<commit "),
        "{occurrence}"
    );

    let out = run(&["scan", repo.path_str(), "--redact"]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("<commit "), "{stdout}");
    assert!(!stdout.contains(&pasted[8..]), "{stdout}");
}

// Item 4: control characters from names, lines and subjects never reach the terminal raw.

#[test]
fn control_characters_are_escaped_in_the_text_report() {
    let dir = tree();
    let token = github_token(41);
    write(
        dir.path(),
        "evil\nFAKE LINE\u{1b}[2J.env",
        format!("T={token} \u{1b}]0;title\u{7}\r\n"),
    );
    let out = run(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(!stdout.contains('\u{1b}') && !stdout.contains('\u{7}') && !stdout.contains('\r'));
    assert!(
        !stdout.lines().any(|l| l.starts_with("FAKE LINE")),
        "{stdout}"
    );
    assert!(
        stdout.contains("evil\\x0aFAKE LINE\\x1b[2J.env"),
        "{stdout}"
    );
}

// Item 5: reports and stores holding secrets are owner-only.

#[test]
fn reports_and_stores_with_secrets_are_owner_only() {
    let dir = tree();
    write(dir.path(), "a.env", format!("T={}\n", github_token(51)));
    let report = dir.path().join("out.json");
    std::fs::write(&report, "").unwrap();
    std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(&[
        "scan",
        dir.path().to_str().unwrap(),
        "-o",
        report.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(mode(&report), 0o600);

    let repo = Repo::new();
    repo.write("a.env", format!("T={}\n", github_token(52)));
    repo.commit("secret");
    let store_dir = tree();
    let store = store_dir.path().join("sweep.db");
    let out = run(&["sweep", "--store", store.to_str().unwrap(), repo.path_str()]);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(mode(&store), 0o600);
    std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(&["report", "--store", store.to_str().unwrap()]);
    assert!(
        text(&out.stderr).contains("owner-only"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(mode(&store), 0o600);
}

// Item 6: what a configuration suppresses is said, loudly.

#[test]
fn what_the_configuration_suppresses_is_reported() {
    let dir = tree();
    write(dir.path(), "a.env", format!("T={}\n", github_token(61)));
    write(
        dir.path(),
        ".keysweep.toml",
        "[allowlist]\npaths = [\"**\"]\n",
    );
    let (code, report, stderr) = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(findings(&report).is_empty());
    assert_eq!(notices_matching(&report, "warning", "suppressed"), 1);
    assert!(stderr.contains("1 suppressed by allowlists"), "{stderr}");
}

// Item 7: a file that shrinks while it is read kills nothing.

#[test]
fn files_truncated_during_the_scan_never_kill_the_process() {
    let dir = tree();
    // Over the 1 MiB at which files used to be memory-mapped.
    let big = "A".repeat(2 << 20);
    let paths: Vec<_> = (0..2)
        .map(|i| write(dir.path(), &format!("log{i}.txt"), &big))
        .collect();
    write(dir.path(), "z.env", format!("T={}\n", github_token(71)));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let truncator = {
        let stop = stop.clone();
        let paths = paths.clone();
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for path in &paths {
                    let _ = std::fs::write(path, "");
                    std::thread::sleep(Duration::from_millis(5));
                    let _ = std::fs::write(path, "A".repeat(2 << 20));
                }
            }
        })
    };
    for _ in 0..3 {
        let out = run(&["scan", dir.path().to_str().unwrap(), "-j", "4"]);
        assert_eq!(out.status.code(), Some(1), "killed: {:?}", out.status);
        assert!(text(&out.stdout).contains("z.env"));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    truncator.join().unwrap();
}

// Item 8: a pack without its index is an error, not a clean history.

#[test]
fn a_pack_without_its_index_is_an_error() {
    let repo = Repo::new();
    let token = github_token(81);
    repo.write("a.env", format!("T={token}\n"));
    repo.commit("secret");
    repo.write("a.env", "T=\n");
    repo.commit("remove");
    repo.git(&["gc", "-q"]);
    let pack_dir = repo.path().join(".git/objects/pack");
    for entry in std::fs::read_dir(&pack_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "idx") {
            std::fs::remove_file(path).unwrap();
        }
    }
    let (code, report, stderr) = scan_json(&[repo.path_str(), "--history-only"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(notices_matching(&report, "error", "pack has no index"), 1);
}

// Item 9: every member of a multi-member gzip is read.

#[test]
fn every_member_of_a_gzip_is_read() {
    use std::io::Write;
    let gzip = |bytes: &[u8]| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    };
    let token = github_token(91);
    let mut file = gzip(b"first member, nothing here\n");
    file.extend(gzip(format!("T={token}\n").as_bytes()));
    let dir = tree();
    write(dir.path(), "logs.gz", file);
    let (code, report, _) = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    finding_with(&report, &token);
}

// Item 10: a `.git` entry that is not a repository hides nothing; a real one is named.

#[test]
fn a_stray_dot_git_entry_does_not_hide_a_directory() {
    let repo = Repo::new();
    repo.write("README.md", "# r\n");
    repo.commit("initial");
    let token = github_token(101);
    repo.write("sub/.git", "");
    repo.write("sub/a.env", format!("T={token}\n"));
    let nested = repo.path().join("vendored");
    std::fs::create_dir(&nested).unwrap();
    git_in(&nested, &["init", "-q"]);
    let (code, report, _) = scan_json(&[repo.path_str()]);
    assert_eq!(code, 1);
    assert_eq!(
        finding_with(&report, &token)["occurrences"][0]["path"],
        "sub/a.env"
    );
    assert_eq!(
        notices_matching(&report, "note", "nested git repository"),
        1
    );
}

// Item 11: a same-size rewrite with its mtime restored is read, as git would.

#[test]
fn a_same_size_rewrite_with_the_old_mtime_is_scanned() {
    let repo = Repo::new();
    let old = github_token(111);
    let new = github_token(112);
    assert_eq!(old.len(), new.len());
    repo.write("a.env", format!("T={old}\n"));
    let file = repo.path().join("a.env");
    let touch = |path: &Path| {
        assert!(
            std::process::Command::new("touch")
                .args(["-d", "2020-01-01 00:00:00"])
                .arg(path)
                .status()
                .unwrap()
                .success()
        );
    };
    touch(&file);
    repo.commit("old");
    std::thread::sleep(Duration::from_millis(1100)); // a ctime in another second
    std::fs::write(&file, format!("T={new}\n")).unwrap();
    touch(&file);
    let (code, report, _) = scan_json(&[repo.path_str()]);
    assert_eq!(code, 1);
    let found = finding_with(&report, &new);
    assert_eq!(found["occurrences"][0]["path"], "a.env");
}

// Item 13, smaller ones.

#[test]
fn unsupported_gitleaks_extend_is_noted() {
    let dir = tree();
    let rules = dir.path().join("gitleaks.toml");
    std::fs::write(
        &rules,
        "[extend]\nuseDefault = true\n\n[[rules]]\nid = \"acme\"\nregex = '''acme_([a-z0-9]{20})'''\nkeywords = [\"acme_\"]\n",
    )
    .unwrap();
    let out = run(&["rules", "list", "--rules", rules.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("not imported: [extend] useDefault"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn plain_http_endpoints_must_be_loopback_addresses() {
    let dir = tree();
    write(dir.path(), "a.env", format!("T={}\n", github_token(131)));
    let out = run(&[
        "scan",
        dir.path().to_str().unwrap(),
        "--validate-dry-run",
        "--validate-endpoint",
        "github=http://localhost:9",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("plain http only to 127.0.0.1"));
}

#[test]
fn huge_regexes_are_refused_before_they_cost_memory() {
    let dir = tree();
    let rules = dir.path().join("big.toml");
    std::fs::write(
        &rules,
        format!(
            "[[rules]]\nid = \"t.big\"\nname = \"Big\"\nkeywords = [\"big\"]\nregex = '''big({})'''\nseverity = \"low\"\nconfidence = \"low\"\n",
            "a".repeat(1 << 20)
        ),
    )
    .unwrap();
    let out = run(&["rules", "list", "--rules", rules.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("pattern longer than"),
        "{}",
        text(&out.stderr)
    );
}

// Item 15: staged, then unstaged: the file is in the work tree, not an unreachable blob.

#[test]
fn a_file_staged_then_unstaged_is_reported_at_its_path() {
    let repo = Repo::new();
    repo.write("README.md", "# r\n");
    repo.commit("initial");
    let token = github_token(151);
    repo.write("new.env", format!("T={token}\n"));
    repo.git(&["add", "new.env"]);
    repo.git(&["reset", "-q", "new.env"]);
    let (code, report, _) = scan_json(&[repo.path_str()]);
    assert_eq!(code, 1);
    let found = finding_with(&report, &token);
    let occurrence = &found["occurrences"][0];
    assert_eq!(occurrence["path"], "new.env");
    assert_eq!(occurrence["source"], "file");
    assert!(occurrence.get("unreachable").is_none(), "{occurrence}");
    assert_eq!(found["present_at_head"], true);

    // A truly dangling blob is described as local only.
    std::fs::remove_file(repo.path().join("new.env")).unwrap();
    let out = run(&["scan", repo.path_str()]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("dangling"), "{stdout}");
    assert!(!stdout.contains("still in every clone"), "{stdout}");
}

// Item 16: a renamed file is reported at its path in HEAD.

#[test]
fn a_renamed_file_is_reported_at_its_head_path() {
    let repo = Repo::new();
    let token = github_token(161);
    repo.write("old/name.env", format!("T={token}\n"));
    let gone = github_token(162);
    repo.write("gone.env", format!("T={gone}\n"));
    repo.commit("add");
    std::fs::remove_file(repo.path().join("gone.env")).unwrap();
    std::fs::create_dir(repo.path().join("config")).unwrap();
    repo.git(&["mv", "old/name.env", "config/prod.env"]);
    repo.commit("rename");
    let (code, report, _) = scan_json(&[repo.path_str()]);
    assert_eq!(code, 1);
    let occurrence = &finding_with(&report, &token)["occurrences"][0];
    assert_eq!(occurrence["path"], "config/prod.env");
    assert_eq!(occurrence["introduced_as"], "old/name.env");
    // Removed, not renamed: no introducing path beside the path.
    let removed = &finding_with(&report, &gone)["occurrences"][0];
    assert_eq!(removed["path"], "gone.env");
    assert!(removed.get("introduced_as").is_none(), "{removed}");
    let out = run(&["scan", repo.path_str(), "--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "config/prod.env"
    );
}

// Item 17: a bare repository whose HEAD names a missing branch.

#[test]
fn a_bare_repository_with_a_dangling_head_judges_presence_by_its_branch() {
    let repo = Repo::new();
    let token = github_token(171);
    repo.write("a.env", format!("T={token}\n"));
    repo.commit("add");
    let bare = tree();
    git_in(
        bare.path(),
        &["clone", "-q", "--bare", repo.path_str(), "repo.git"],
    );
    let bare_repo = bare.path().join("repo.git");
    git_in(&bare_repo, &["symbolic-ref", "HEAD", "refs/heads/master"]);
    let (code, report, _) = scan_json(&[bare_repo.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(finding_with(&report, &token)["present_at_head"], true);
    assert_eq!(notices_matching(&report, "note", "refs/heads/main"), 1);
}

// Item 18: a subdirectory of a repository.

#[test]
fn a_subdirectory_scan_says_what_it_is() {
    let repo = Repo::new();
    repo.write("sub/a.env", format!("T={}\n", github_token(181)));
    repo.commit("add");
    let sub = repo.path().join("sub");
    let (code, report, _) = scan_json(&[sub.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(
        notices_matching(&report, "note", "inside the git repository"),
        1
    );
    let out = run(&["scan", sub.to_str().unwrap(), "--history-only"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("inside the git repository"),
        "{}",
        text(&out.stderr)
    );
}
