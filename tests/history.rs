//! Full-history and range scans of real repositories built with the git CLI.

mod common;

use common::*;
use serde_json::Value;

fn occurrence(finding: &Value) -> &Value {
    &finding["occurrences"][0]
}

#[test]
fn secret_added_then_deleted_is_found_with_its_introducing_commit() {
    let repo = Repo::new();
    repo.write("README.md", "# demo\n");
    repo.commit("initial");
    let token = github_token(1);
    repo.write(
        "config/settings.env",
        format!("DEBUG=1\nGITHUB_TOKEN={token}\n"),
    );
    let introducing = repo.commit("add settings");
    repo.write("README.md", "# demo, still with settings\n");
    repo.commit("unrelated");
    repo.git(&["rm", "-q", "config/settings.env"]);
    let removing = repo.commit("remove settings");
    for n in 0..5 {
        repo.write("README.md", format!("# demo {n}\n"));
        repo.commit("later");
    }

    let (code, report, _) = scan_json(&[repo.path_str()]);
    assert_eq!(code, 1);
    let finding = finding_with(&report, &token);
    assert_eq!(finding["present_at_head"], false, "history only");
    let o = occurrence(finding);
    assert_eq!(o["path"], "config/settings.env");
    assert_eq!(o["line"], 2);
    assert_eq!(o["source"], "history");
    assert_eq!(o["commit"]["id"], introducing);
    assert_eq!(o["commit"]["author_name"], "Alice Example");
    assert_eq!(o["commit"]["author_email"], "alice@example.com");
    assert_eq!(o["commit"]["summary"], "add settings");
    assert_eq!(o["commit"]["date"], "2023-11-14T22:15:20Z");
    // The commit that took it out of HEAD's line, found among the later ones.
    assert_eq!(o["removed"]["id"], removing);
    assert_eq!(o["removed"]["summary"], "remove settings");
    assert!(
        o["refs"]
            .as_array()
            .unwrap()
            .contains(&Value::from("refs/heads/main"))
    );

    let text = keysweep().args(["scan", repo.path_str()]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("history only") && text.contains(&introducing[..12]),
        "{text}"
    );
    assert!(
        text.contains(&format!("removed:     {}", &removing[..12])),
        "{text}"
    );
}

#[test]
fn secret_still_in_head_is_present() {
    let repo = Repo::new();
    let token = github_token(2);
    repo.write("app.env", format!("T={token}\n"));
    repo.commit("add");
    let (_, report, _) = scan_json(&[repo.path_str()]);
    let finding = finding_with(&report, &token);
    assert_eq!(finding["present_at_head"], true);
    assert_eq!(occurrence(finding)["at_head"], true);
}

#[test]
fn secrets_only_on_a_side_branch_a_tag_a_stash_or_an_unreachable_object_are_found() {
    let repo = Repo::new();
    repo.write("README.md", "# demo\n");
    repo.commit("initial");

    let on_branch = github_token(10);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("feature.env", format!("T={on_branch}\n"));
    repo.commit("feature work");
    repo.git(&["checkout", "-q", "main"]);

    let in_tag = aws_key_id(11);
    repo.git(&["checkout", "-q", "-b", "release-tmp"]);
    repo.write("release.env", format!("AWS={in_tag}\n"));
    repo.commit("release");
    repo.git(&["tag", "-a", "v1.0", "-m", "release v1.0"]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["branch", "-q", "-D", "release-tmp"]);

    let in_stash = stripe_key(12);
    repo.write("README.md", format!("# demo\nstripe: {in_stash}\n"));
    repo.git(&["stash", "-q"]);

    let dangling = github_token(13);
    let file = repo.path().join("loose.txt");
    std::fs::write(&file, format!("T={dangling}\n")).unwrap();
    let dangling_blob = repo.git(&["hash-object", "-w", "loose.txt"]);
    std::fs::remove_file(&file).unwrap();

    let (code, report, stderr) = scan_json(&[repo.path_str()]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(secrets(&report), {
        let mut s = vec![
            on_branch.clone(),
            in_tag.clone(),
            in_stash.clone(),
            dangling.clone(),
        ];
        s.sort();
        s
    });
    let refs = |secret: &str| occurrence(finding_with(&report, secret))["refs"].clone();
    assert_eq!(refs(&on_branch), serde_json::json!(["refs/heads/feature"]));
    assert_eq!(refs(&in_tag), serde_json::json!(["refs/tags/v1.0"]));
    assert_eq!(refs(&in_stash), serde_json::json!(["refs/stash"]));
    let lost = occurrence(finding_with(&report, &dangling));
    assert_eq!(lost["unreachable"], true);
    assert_eq!(lost["blob"], dangling_blob);
    assert!(lost["path"].as_str().unwrap().contains("unreachable"));
}

#[test]
fn one_secret_in_many_commits_and_files_is_one_finding() {
    let repo = Repo::new();
    let token = github_token(20);
    for i in 0..5 {
        repo.write(
            &format!("service{i}/.env"),
            format!("# service {i}\nTOKEN={token}\n"),
        );
        repo.commit(&format!("service {i}"));
    }
    let (_, report, _) = scan_json(&[repo.path_str()]);
    assert_eq!(findings(&report).len(), 1);
    let finding = &findings(&report)[0];
    assert_eq!(finding["occurrences"].as_array().unwrap().len(), 5);
    assert_eq!(finding["fingerprint"], keysweep_fingerprint_of_dir(&token));
}

/// The fingerprint a plain directory scan gives the same secret: identity is content only.
fn keysweep_fingerprint_of_dir(token: &str) -> Value {
    let dir = tree();
    write(dir.path(), "x.txt", format!("moved elsewhere {token}\n"));
    let (_, report, _) = scan_json(&[dir.path().to_str().unwrap()]);
    findings(&report)[0]["fingerprint"].clone()
}

#[test]
fn work_tree_changes_are_scanned_and_scopes_select_parts() {
    let repo = Repo::new();
    let committed = github_token(30);
    repo.write("old.env", format!("T={committed}\n"));
    repo.commit("add");
    repo.git(&["rm", "-q", "old.env"]);
    repo.commit("remove");
    let untracked = aws_key_id(31);
    repo.write("notes/todo.txt", format!("aws {untracked}\n"));
    let ignored = stripe_key(32);
    repo.write(".gitignore", "build/\n");
    repo.write("build/out.txt", format!("{ignored}\n"));

    let (_, everything, _) = scan_json(&[repo.path_str()]);
    assert_eq!(secrets(&everything), {
        let mut s = vec![committed.clone(), untracked.clone()];
        s.sort();
        s
    });
    let wt = occurrence(finding_with(&everything, &untracked));
    assert_eq!(
        (wt["source"].as_str(), wt["path"].as_str()),
        (Some("file"), Some("notes/todo.txt"))
    );
    assert_eq!(
        finding_with(&everything, &untracked)["present_at_head"],
        true
    );

    let (_, history, _) = scan_json(&[repo.path_str(), "--history-only"]);
    assert_eq!(secrets(&history), vec![committed.clone()]);
    let (_, work_tree, _) = scan_json(&[repo.path_str(), "--no-history"]);
    assert_eq!(secrets(&work_tree), vec![untracked]);
}

#[test]
fn committed_work_tree_files_are_not_scanned_twice() {
    let repo = Repo::new();
    repo.write("a.env", format!("T={}\n", github_token(33)));
    repo.commit("add");
    let (_, report, _) = scan_json(&[repo.path_str()]);
    assert_eq!(
        report["summary"]["files"], 0,
        "the only file is a committed blob"
    );
    assert_eq!(occurrence(&findings(&report)[0])["source"], "history");
}

#[test]
fn bare_repositories_are_scanned() {
    let repo = Repo::new();
    let token = github_token(40);
    repo.write("k.env", format!("T={token}\n"));
    repo.commit("add");
    let bare = tree();
    let bare_path = bare.path().join("mirror.git");
    git_in(
        repo.path(),
        &[
            "clone",
            "-q",
            "--bare",
            repo.path_str(),
            bare_path.to_str().unwrap(),
        ],
    );
    let (code, report, _) = scan_json(&[bare_path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(secrets(&report), vec![token]);
    assert_eq!(occurrence(&findings(&report)[0])["path"], "k.env");
}

#[test]
fn range_scan_reports_exactly_what_its_commits_introduce() {
    let repo = Repo::new();
    let old = github_token(50);
    repo.write("old.env", format!("T={old}\n"));
    let base = repo.commit("old secret");

    let side = stripe_key(51);
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("side.env", format!("S={side}\n"));
    repo.commit("side secret");
    repo.git(&["checkout", "-q", "main"]);
    let new = aws_key_id(52);
    repo.write("new.env", format!("A={new}\n"));
    let new_commit = repo.commit("new secret");
    repo.git(&["merge", "-q", "--no-ff", "side", "-m", "merge side"]);
    let head = repo.git(&["rev-parse", "HEAD"]);

    let range = format!("{base}..{head}");
    let (code, report, _) = scan_json(&[repo.path_str(), "--range", &range]);
    assert_eq!(code, 1);
    let mut expected = vec![side.clone(), new.clone()];
    expected.sort();
    assert_eq!(
        secrets(&report),
        expected,
        "the old secret is not in the range; the merged side branch is"
    );
    assert_eq!(
        occurrence(finding_with(&report, &new))["commit"]["id"],
        new_commit
    );
    assert_eq!(finding_with(&report, &new)["present_at_head"], true);

    let (_, since, _) = scan_json(&[repo.path_str(), "--since-commit", &base]);
    assert_eq!(secrets(&since), expected);

    let (code, only_new, _) =
        scan_json(&[repo.path_str(), "--range", &format!("{base}..{new_commit}")]);
    assert_eq!((code, secrets(&only_new)), (1, vec![new.clone()]));

    let (code, nothing, _) = scan_json(&[repo.path_str(), "--range", &format!("{head}..{head}")]);
    assert_eq!((code, findings(&nothing).len()), (0, 0));
    // A single revision: everything it reaches, each blob attributed to its first commit.
    let (_, everything, _) = scan_json(&[repo.path_str(), "--range", &head]);
    let mut all = vec![old.clone(), side, new];
    all.sort();
    assert_eq!(secrets(&everything), all);
    assert_eq!(
        occurrence(finding_with(&everything, &old))["commit"]["id"],
        base
    );
}

#[test]
fn range_with_an_unknown_commit_fails_loudly() {
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    repo.commit("a");
    let output = keysweep()
        .args([
            "scan",
            repo.path_str(),
            "--range",
            "0123456789abcdef0123456789abcdef01234567..HEAD",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown revision"), "{stderr}");
    // A full clone: fetching more history would not help, so it is not suggested.
    assert!(!stderr.contains("fetch-depth"), "{stderr}");
}

#[test]
fn ranges_with_three_dots_or_an_empty_side_mean_what_they_mean_to_git() {
    let repo = Repo::new();
    let shared = github_token(70);
    repo.write("shared.env", format!("T={shared}\n"));
    repo.commit("shared");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let on_feature = stripe_key(71);
    repo.write("feature.env", format!("S={on_feature}\n"));
    repo.commit("feature secret");
    repo.git(&["checkout", "-q", "main"]);
    let on_main = aws_key_id(72);
    repo.write("main.env", format!("A={on_main}\n"));
    repo.commit("main secret");
    let scan = |range: &str| {
        let (code, report, stderr) = scan_json(&[repo.path_str(), "--range", range]);
        assert_eq!(code, 1, "{range}: {stderr}");
        let mut got = secrets(&report);
        got.sort();
        got
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    // Either side's own commits, not the shared one.
    let both = sorted(vec![on_feature.clone(), on_main.clone()]);
    assert_eq!(scan("main...feature"), both);
    assert_eq!(scan("feature..."), both, "an empty side is HEAD (main)");
    assert_eq!(scan("main..feature"), vec![on_feature.clone()]);
    // `..feature` is HEAD..feature: the shared commit is left out, as git leaves it out.
    assert_eq!(scan("..feature"), vec![on_feature]);
}

#[test]
fn a_full_scan_attributes_staged_only_blobs_to_the_index() {
    let repo = Repo::new();
    repo.write("README.md", "# demo\n");
    repo.commit("initial");
    let staged = github_token(63);
    repo.write("conf/new.env", format!("T={staged}\n"));
    repo.git(&["add", "conf/new.env"]);
    let (_, report, _) = scan_json(&[repo.path_str()]);
    let o = occurrence(finding_with(&report, &staged));
    assert_eq!(
        (o["source"].as_str(), o["path"].as_str()),
        (Some("staged"), Some("conf/new.env"))
    );
    assert!(o.get("unreachable").is_none(), "the index is a root: {o}");
    assert_eq!(finding_with(&report, &staged)["present_at_head"], true);
}

#[test]
fn staged_scan_sees_only_the_index() {
    let repo = Repo::new();
    let committed = github_token(60);
    repo.write("a.env", format!("T={committed}\n"));
    repo.commit("add");
    let staged = aws_key_id(61);
    repo.write("b.env", format!("A={staged}\n"));
    repo.git(&["add", "b.env"]);
    repo.write("c.env", format!("U={}\n", stripe_key(62)));

    let (code, report, _) = scan_json(&[repo.path_str(), "--staged"]);
    assert_eq!(code, 1);
    assert_eq!(secrets(&report), vec![staged]);
    assert_eq!(occurrence(&findings(&report)[0])["source"], "staged");
}

#[test]
fn shallow_clones_are_scanned_and_said_to_be_shallow() {
    let repo = Repo::new();
    let deep = github_token(70);
    repo.write("old.env", format!("T={deep}\n"));
    let first = repo.commit("old");
    repo.git(&["rm", "-q", "old.env"]);
    repo.commit("remove");
    let recent = aws_key_id(71);
    repo.write("new.env", format!("A={recent}\n"));
    repo.commit("new");

    let clones = tree();
    let shallow = clones.path().join("shallow");
    let url = format!("file://{}", repo.path_str());
    git_in(
        clones.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            &url,
            shallow.to_str().unwrap(),
        ],
    );

    let (code, report, stderr) = scan_json(&[shallow.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(secrets(&report), vec![recent], "only what the clone holds");
    assert_eq!(notices_matching(&report, "warning", "shallow clone"), 1);
    assert!(stderr.contains("shallow clone"), "{stderr}");

    let output = keysweep()
        .args([
            "scan",
            shallow.to_str().unwrap(),
            "--range",
            &format!("{first}..HEAD"),
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "a range beyond the shallow boundary is an error"
    );
}

/// A pack that cannot be traversed is read object by object; what the traversal already handed
/// out is not read (nor counted) twice.
#[test]
fn a_damaged_pack_is_read_object_by_object_and_counted_once() {
    let repo = Repo::new();
    for i in 0..30 {
        repo.write(
            &format!("f{i}.txt"),
            format!("file {i}\n{}\n", "x".repeat(200 + i)),
        );
    }
    repo.write("a.env", format!("T={}\n", github_token(77)));
    repo.commit("files");
    repo.git(&["gc", "-q"]);
    let (_, clean, _) = scan_json(&[repo.path_str(), "--history-only"]);
    let blobs = clean["summary"]["blobs"].as_u64().unwrap();

    let pack = std::fs::read_dir(repo.path().join(".git/objects/pack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "pack"))
        .unwrap();
    let mut bytes = std::fs::read(&pack).unwrap();
    let at = bytes.len() - 30; // inside the last object's data, before the trailer
    bytes[at] ^= 0xff;
    bytes[at - 1] ^= 0xff;
    std::fs::write(&pack, bytes).unwrap();
    let (code, damaged, stderr) = scan_json(&[repo.path_str(), "--history-only"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        notices_matching(&damaged, "warning", "could not be traversed"),
        1,
        "{stderr}"
    );
    let read = damaged["summary"]["blobs"].as_u64().unwrap();
    assert!(
        read <= blobs,
        "{read} blobs counted, but the pack holds {blobs}"
    );
}

#[test]
fn corrupt_loose_object_is_reported_by_id_and_the_rest_scanned() {
    let repo = Repo::new();
    let good = github_token(80);
    repo.write("good.env", format!("T={good}\n"));
    repo.commit("good");
    let bad_blob = {
        let path = repo.path().join("victim.txt");
        std::fs::write(&path, "this object will be corrupted\n").unwrap();
        let id = repo.git(&["hash-object", "-w", "victim.txt"]);
        std::fs::remove_file(path).unwrap();
        id
    };
    let object_file = repo
        .path()
        .join(".git/objects")
        .join(&bad_blob[..2])
        .join(&bad_blob[2..]);
    let mut perms = std::fs::metadata(&object_file).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&object_file, perms).unwrap();
    std::fs::write(&object_file, b"\x78\x9c garbage, not zlib").unwrap();

    let (code, report, stderr) = scan_json(&[repo.path_str()]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(secrets(&report), vec![good.clone()], "the rest is scanned");
    assert!(
        stderr.contains(&bad_blob),
        "the corrupt object is named: {stderr}"
    );
    let (code, _, _) = scan_json(&[repo.path_str(), "--ignore-errors"]);
    assert_eq!(code, 1);
}

#[test]
fn untrusted_repository_config_runs_nothing() {
    let repo = Repo::new();
    let marker = tree();
    let pwned = marker.path().join("pwned");
    let cmd = format!("touch {}", pwned.display());
    repo.write(".gitattributes", "* filter=evil diff=evil\n");
    repo.write("a.env", format!("T={}\n", github_token(90)));
    repo.commit("add");
    for (key, value) in [
        ("core.fsmonitor", cmd.as_str()),
        ("core.hooksPath", "hooks"),
        ("core.sshCommand", cmd.as_str()),
        ("core.pager", cmd.as_str()),
        ("core.editor", cmd.as_str()),
        ("filter.evil.clean", cmd.as_str()),
        ("filter.evil.smudge", cmd.as_str()),
        ("filter.evil.process", cmd.as_str()),
        ("diff.evil.textconv", cmd.as_str()),
        ("credential.helper", &format!("!{cmd}")),
        ("uploadpack.packObjectsHook", cmd.as_str()),
    ] {
        repo.git(&["config", key, value]);
    }
    for hook in [
        "pre-commit",
        "post-checkout",
        "fsmonitor-watchman",
        "reference-transaction",
    ] {
        repo.write_executable(&format!("hooks/{hook}"), &format!("#!/bin/sh\n{cmd}\n"));
    }
    repo.write("modified.env", format!("U={}\n", aws_key_id(91)));

    for scope in [&[][..], &["--staged"][..], &["--range", "HEAD~0"][..]] {
        let output = keysweep()
            .arg("scan")
            .arg(repo.path())
            .args(scope)
            .output()
            .unwrap();
        assert!(
            output.status.code().unwrap() <= 1,
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert!(
        !pwned.exists(),
        "scanning executed something the repository configured"
    );
}

#[test]
fn submodules_lfs_pointers_and_oversized_blobs_are_noted() {
    let repo = Repo::new();
    repo.write("big.bin.txt", "x".repeat(10_000));
    repo.write(
        "model.bin",
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
    );
    repo.commit("files");
    let fake = repo.git(&["rev-parse", "HEAD"]);
    repo.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{fake},vendor/lib"),
    ]);
    repo.git(&["commit", "-q", "-m", "add submodule"]); // not `add -A`: it would drop the gitlink

    let (code, report, _) = scan_json(&[repo.path_str(), "--max-file-size", "5K"]);
    assert_eq!(code, 0);
    assert_eq!(notices_matching(&report, "note", "submodule"), 1);
    assert_eq!(notices_matching(&report, "note", "Git LFS pointer"), 1);
    assert_eq!(
        notices_matching(&report, "warning", "over --max-file-size"),
        1
    );
    assert!(
        report["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["subject"] == "vendor/lib")
    );
}

#[cfg(unix)]
#[test]
fn non_utf8_paths_are_reported() {
    use std::os::unix::ffi::OsStrExt;
    let repo = Repo::new();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.env");
    std::fs::write(repo.path().join(name), format!("T={}\n", github_token(95))).unwrap();
    repo.commit("latin-1 name");
    let (code, report, _) = scan_json(&[repo.path_str()]);
    assert_eq!(code, 1);
    // Lossless: the byte that is not UTF-8 is shown escaped, not replaced.
    assert_eq!(occurrence(&findings(&report)[0])["path"], "caf\\xe9.env");
}

#[test]
fn linked_worktrees_are_scanned_with_the_shared_history() {
    let repo = Repo::new();
    let committed = github_token(96);
    repo.write("a.env", format!("T={committed}\n"));
    repo.commit("add");
    let trees = tree();
    let linked = trees.path().join("linked");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "other",
        linked.to_str().unwrap(),
    ]);
    let uncommitted = aws_key_id(97);
    write(&linked, "wip.env", format!("A={uncommitted}\n"));

    let (code, report, stderr) = scan_json(&[linked.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    let mut expected = vec![committed, uncommitted.clone()];
    expected.sort();
    assert_eq!(secrets(&report), expected);
    assert_eq!(
        occurrence(finding_with(&report, &uncommitted))["path"],
        "wip.env"
    );
}

#[test]
fn sha256_repositories_are_scanned() {
    let dir = tree();
    git_in(
        dir.path(),
        &["init", "-q", "--object-format=sha256", "-b", "main", "."],
    );
    let repo = Repo::at(dir.path().to_path_buf());
    let token = github_token(98);
    repo.write("a.env", format!("T={token}\n"));
    let introducing = repo.commit("add");
    assert_eq!(introducing.len(), 64);
    repo.git(&["rm", "-q", "a.env"]);
    let head = repo.commit("remove");
    let (code, report, stderr) = scan_json(&[repo.path_str()]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        occurrence(finding_with(&report, &token))["commit"]["id"],
        introducing
    );

    // The pre-push hook's new-ref line carries 64 zeros in such a repository.
    let line = format!(
        "refs/heads/main {head} refs/heads/main {}\n",
        "0".repeat(64)
    );
    let out = run_with_stdin(
        keysweep()
            .args(["hook", "pre-push", "origin", "url"])
            .current_dir(repo.path()),
        &line,
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_tracked_file_changed_in_place_is_scanned_even_at_the_same_size() {
    let repo = Repo::new();
    let token = github_token(99);
    repo.write("conf.env", format!("T={}\n", "x".repeat(token.len())));
    repo.commit("placeholder");
    std::thread::sleep(std::time::Duration::from_millis(20));
    repo.write("conf.env", format!("T={token}\n"));
    let (code, report, _) = scan_json(&[repo.path_str()]);
    assert_eq!(code, 1);
    let o = occurrence(finding_with(&report, &token));
    assert_eq!(
        (o["source"].as_str(), o["path"].as_str()),
        (Some("file"), Some("conf.env"))
    );
}

#[test]
fn oversized_blobs_in_a_range_are_listed_not_dropped() {
    let repo = Repo::new();
    let base = repo.commit("empty");
    repo.write(
        "dump.sql",
        format!("{}\nT={}\n", "x".repeat(6000), github_token(97)),
    );
    repo.commit("big dump");
    let (code, report, stderr) = scan_json(&[
        repo.path_str(),
        "--range",
        &format!("{base}..HEAD"),
        "--max-file-size",
        "4K",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        notices_matching(&report, "warning", "over --max-file-size 4096"),
        1
    );
    assert!(
        stderr.contains("dump.sql"),
        "the skipped blob is named by its path: {stderr}"
    );
}

/// Provenance walks long histories in runs of commits on several threads; the oldest commit
/// holding a secret must win whichever run finds it, with one thread or two.
#[test]
fn a_long_history_names_the_oldest_commit_of_each_secret_on_any_thread_count() {
    let repo = Repo::new();
    let (kept, moved) = (github_token(30), stripe_key(31));
    // 9,000 commits (more than two runs of the walk) in one fast-import stream: `kept` arrives
    // at commit 100 and stays to the end; `moved` arrives at 6,000 in b.env and is copied to
    // c.env at 7,000.
    let mut stream = String::new();
    for n in 1..=9000u32 {
        stream.push_str(&format!(
            "commit refs/heads/main\nmark :{n}\ncommitter Alice Example <alice@example.com> {} +0000\ndata 2\nc\n",
            1_700_000_000 + n
        ));
        if n > 1 {
            stream.push_str(&format!("from :{}\n", n - 1));
        }
        let counter = format!("{n}\n");
        stream.push_str(&format!(
            "M 100644 inline counter.txt\ndata {}\n{counter}\n",
            counter.len()
        ));
        let mut add = |path: &str, text: String| {
            stream.push_str(&format!(
                "M 100644 inline {path}\ndata {}\n{text}\n",
                text.len()
            ));
        };
        match n {
            100 => add("a.env", format!("T={kept}\n")),
            6000 => add("b.env", format!("S={moved}\n")),
            7000 => add("c.env", format!("S={moved}\n")),
            _ => {}
        }
    }
    let out = run_with_stdin(
        git_command(repo.path()).args(["fast-import", "--quiet"]),
        &stream,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let commits: Vec<String> = repo
        .git(&["rev-list", "--reverse", "main"])
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(commits.len(), 9000);

    let mut reports = Vec::new();
    for threads in ["1", "2"] {
        let (code, report, stderr) =
            scan_json(&[repo.path_str(), "--history-only", "--threads", threads]);
        assert_eq!(code, 1, "{stderr}");
        let kept_at = occurrence(finding_with(&report, &kept));
        assert_eq!(kept_at["commit"]["id"], commits[99]);
        assert_eq!(kept_at["path"], "a.env");
        let moved_at = occurrence(finding_with(&report, &moved));
        assert_eq!(moved_at["commit"]["id"], commits[5999]);
        reports.push(report["findings"].clone());
    }
    assert_eq!(reports[0], reports[1], "the thread count changes nothing");
}
