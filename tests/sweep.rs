//! Organisation sweeps through the binary: real repositories (local, bare, mirrored from a
//! mock GitHub or GitLab API on 127.0.0.1), a real SQLite store, crashes injected at commits.

mod common;
#[path = "common/mock.rs"]
mod mock;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{Repo, git_command, github_token, keysweep, stripe_key};
use mock::{Answer, Mock};
use serde_json::{Value, json};
use tempfile::TempDir;

/// A bare copy of `repo` at `dir/name.git` (what a forge serves).
fn bare_copy(repo: &Repo, dir: &Path, name: &str) -> PathBuf {
    let target = dir.join(format!("{name}.git"));
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    let output = git_command(dir)
        .args(["clone", "-q", "--bare", repo.path_str()])
        .arg(&target)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    target
}

/// A repository with a CODEOWNERS file, a clean commit, then `secret` committed in
/// `config/app.env`. Returns the repository and the commit that introduced the secret.
fn repo_with_secret(secret: &str) -> (Repo, String) {
    let repo = Repo::new();
    repo.write(
        ".github/CODEOWNERS",
        "* @acme/everyone\n/config/ @acme/platform alice@example.com\n!vendor/ @acme/none\n",
    );
    repo.write("README.md", "# service\n");
    repo.commit("initial");
    repo.write("config/app.env", format!("TOKEN={secret}\n"));
    let commit = repo.commit("add config");
    (repo, commit)
}

fn sweep(store: &Path, args: &[&str]) -> (i32, String) {
    let output = keysweep()
        .arg("sweep")
        .arg("--store")
        .arg(store)
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn report_json(store: &Path, args: &[&str]) -> Value {
    let output = keysweep()
        .args(["report", "--format", "json", "--store"])
        .arg(store)
        .args(args)
        .output()
        .unwrap();
    // The exit code is tested where it is the point (report_exits_as_a_scan_would...); here,
    // that the report ran and wrote its document.
    assert!(matches!(output.status.code(), Some(0..=2)), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

/// What must not depend on how a sweep was run (order, shards, crashes): per repository, its
/// state and each finding's secret, status, and primary path, line, commit and owners.
fn normalized(report: &Value) -> BTreeMap<String, Value> {
    report["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|repo| {
            let mut findings: Vec<Value> = repo["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    let o = &f["occurrences"][0];
                    json!([
                        f["rule_id"],
                        f["secret"],
                        f["triage"]["status"],
                        o["path"],
                        o["line"],
                        o["commit"]["id"],
                        o["owners"],
                        f["occurrences"].as_array().unwrap().len()
                    ])
                })
                .collect();
            findings.sort_by_key(|v| v.to_string());
            (
                repo["name"].as_str().unwrap().to_string(),
                json!({"state": repo["state"], "findings": findings}),
            )
        })
        .collect()
}

/// Blobs each run scanned, and the distinct blobs of the store.
fn blob_counts(report: &Value) -> (Vec<u64>, u64) {
    let runs = report["summary"]["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["blobs_scanned"].as_u64().unwrap())
        .collect();
    (runs, report["summary"]["blobs"].as_u64().unwrap())
}

fn repo_named<'a>(report: &'a Value, suffix: &str) -> &'a Value {
    report["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"].as_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("no repository {suffix} in {report:#}"))
}

/// Four repositories in one directory: two with secrets, a fork of one of them (sharing its
/// blobs, adding one), and a clean one.
struct Fleet {
    dir: TempDir,
    secrets: Vec<String>,
}

fn fleet() -> Fleet {
    let dir = tempfile::tempdir().unwrap();
    let secrets = vec![github_token(11), stripe_key(12), github_token(13)];
    let (api, _) = repo_with_secret(&secrets[0]);
    let (web, _) = repo_with_secret(&secrets[1]);
    bare_copy(&api, dir.path(), "api");
    bare_copy(&web, dir.path(), "web");
    api.write("fork.txt", format!("mine = {}\n", secrets[2]));
    api.commit("fork's own secret");
    bare_copy(&api, dir.path(), "api-fork");
    let clean = Repo::new();
    clean.write("main.rs", "fn main() {}\n");
    clean.commit("clean");
    bare_copy(&clean, dir.path(), "clean");
    Fleet { dir, secrets }
}

#[test]
fn github_org_sweep_finds_every_secret_with_repository_commit_and_owner() {
    let remotes = tempfile::tempdir().unwrap();
    let token_api = github_token(1);
    let token_web = stripe_key(2);
    let (api, api_commit) = repo_with_secret(&token_api);
    let (web, web_commit) = repo_with_secret(&token_web);
    let api_url = format!(
        "file://{}",
        bare_copy(&api, remotes.path(), "acme/api").display()
    );
    let web_url = format!(
        "file://{}",
        bare_copy(&web, remotes.path(), "acme/web").display()
    );
    let archived = format!(
        "file://{}",
        bare_copy(&web, remotes.path(), "acme/old").display()
    );
    let fork = format!(
        "file://{}",
        bare_copy(&api, remotes.path(), "acme/fork").display()
    );
    let listing = move |base: &str, page: &str| -> Answer {
        let repo = |name: &str, url: &str, archived: bool, fork: bool| json!({"full_name": name, "clone_url": url, "archived": archived, "fork": fork});
        match page {
            "1" => Answer::new(
                200,
                json!([repo("acme/api", &api_url, false, false), repo("acme/old", &archived, true, false)])
                    .to_string(),
            )
            .with_header("Link", &format!("<{base}/orgs/acme/repos?per_page=100&type=all&page=2>; rel=\"next\", <{base}/orgs/acme/repos?page=2>; rel=\"last\"")),
            _ => Answer::new(
                200,
                json!([repo("acme/web", &web_url, false, false), repo("acme/fork", &fork, false, true)])
                    .to_string(),
            ),
        }
    };
    let base = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let base_in_mock = base.clone();
    let mock = Mock::start(move |r| {
        let page = if r.url.contains("page=2") { "2" } else { "1" };
        if r.url.starts_with("/orgs/acme/repos") {
            listing(base_in_mock.get().unwrap(), page)
        } else {
            Answer::new(404, "{}")
        }
    });
    base.set(mock.base.clone()).unwrap();

    let work = tempfile::tempdir().unwrap();
    let store = work.path().join("sweep.db");
    let cache = work.path().join("cache");
    let output = keysweep()
        .args([
            "sweep",
            "--github-org",
            "acme",
            "--github-api-url",
            &mock.base,
        ])
        .arg("--store")
        .arg(&store)
        .arg("--cache")
        .arg(&cache)
        .env("GITHUB_TOKEN", "ghs_test-token")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("[2/2]"),
        "progress shows done/total: {stderr}"
    );

    let requests = mock.received();
    assert_eq!(requests.len(), 2, "both pages fetched: {requests:?}");
    assert!(
        requests
            .iter()
            .all(|r| r.header("authorization") == Some("Bearer ghs_test-token"))
    );

    let report = report_json(&store, &[]);
    let names: Vec<&str> = report["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "archived and fork left out: {names:?}");
    for (suffix, secret, commit) in [
        ("acme/api", &token_api, &api_commit),
        ("acme/web", &token_web, &web_commit),
    ] {
        let repo = repo_named(&report, suffix);
        assert_eq!(repo["state"], "scanned");
        let findings = repo["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 1, "{repo:#}");
        let finding = &findings[0];
        assert_eq!(finding["secret"], secret.as_str());
        assert_eq!(finding["triage"]["status"], "new");
        let occurrence = &finding["occurrences"][0];
        assert_eq!(occurrence["path"], "config/app.env");
        assert_eq!(occurrence["line"], 1);
        assert_eq!(occurrence["commit"]["id"], commit.as_str());
        assert_eq!(occurrence["commit"]["author_email"], "alice@example.com");
        assert_eq!(
            occurrence["owners"],
            json!(["@acme/platform", "alice@example.com"])
        );
        let notices = repo["notices"].to_string();
        assert!(
            notices.contains(".github/CODEOWNERS") && notices.contains("line 3"),
            "the line it cannot read is named: {notices}"
        );
    }
    let summary = &report["summary"];
    assert_eq!(summary["by_owner"]["@acme/platform"], 2);
    assert_eq!(summary["states"]["scanned"], 2);
    assert!(
        cache
            .join(format!("{}.git", names[0].trim_start_matches('/')))
            .join("HEAD")
            .is_file()
    );

    // Forks, when asked for, share the parent's blobs: found again without scanning them again.
    let before = blob_counts(&report).1;
    let (code, stderr) = sweep(
        &store,
        &[
            "--include-forks",
            "--github-org",
            "acme",
            "--github-api-url",
            &mock.base,
            "--cache",
            cache.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    let report = report_of(&store);
    let fork = repo_named(&report, "acme/fork");
    assert_eq!(fork["findings"][0]["secret"], token_api.as_str());
    assert_eq!(
        fork["new_blobs"], 0,
        "the fork's blobs were all scanned in acme/api"
    );
    assert_eq!(blob_counts(&report).1, before);
    assert_eq!(
        report["summary"]["in_several_repositories"][0]["repositories"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

fn report_of(store: &Path) -> Value {
    report_json(store, &[])
}

#[test]
fn gitlab_group_sweep_follows_pagination() {
    let remotes = tempfile::tempdir().unwrap();
    let secret = github_token(5);
    let (repo, commit) = repo_with_secret(&secret);
    let url = format!(
        "file://{}",
        bare_copy(&repo, remotes.path(), "group/sub/app").display()
    );
    let clean = Repo::new();
    clean.write("a.txt", "nothing\n");
    clean.commit("clean");
    let clean_url = format!(
        "file://{}",
        bare_copy(&clean, remotes.path(), "group/tools").display()
    );
    let base = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let base_in_mock = base.clone();
    let mock = Mock::start(move |r| {
        let project = |path: &str, url: &str| {
            json!({"path_with_namespace": path, "http_url_to_repo": url, "archived": false,
                   "forked_from_project": null})
        };
        if !r.url.starts_with("/groups/group%2Fsub/projects") {
            return Answer::new(404, "{}");
        }
        if r.url.contains("page=2") {
            Answer::new(200, json!([project("group/tools", &clean_url)]).to_string())
        } else {
            let next = format!(
                "{}/groups/group%2Fsub/projects?include_subgroups=true&page=2",
                base_in_mock.get().unwrap()
            );
            Answer::new(200, json!([project("group/sub/app", &url)]).to_string())
                .with_header("Link", &format!("<{next}>; rel=\"next\""))
        }
    });
    base.set(mock.base.clone()).unwrap();
    let work = tempfile::tempdir().unwrap();
    let store = work.path().join("s.db");
    let (code, stderr) = sweep(
        &store,
        &[
            "--gitlab-group",
            "group/sub",
            "--gitlab-api-url",
            &mock.base,
            "--cache",
            work.path().join("cache").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(mock.received().len(), 2);
    let report = report_of(&store);
    assert_eq!(report["repositories"].as_array().unwrap().len(), 2);
    let app = repo_named(&report, "group/sub/app");
    assert_eq!(
        app["findings"][0]["occurrences"][0]["commit"]["id"],
        commit.as_str()
    );
}

#[test]
fn a_killed_sweep_resumes_to_exactly_the_findings_of_an_uninterrupted_one() {
    let fleet = fleet();
    let dir = fleet.dir.path().to_str().unwrap();
    let work = tempfile::tempdir().unwrap();
    let whole = work.path().join("whole.db");
    let (code, stderr) = sweep(&whole, &["--dir", dir, "--jobs", "2"]);
    assert_eq!(code, 1, "{stderr}");
    let expected = normalized(&report_of(&whole));
    let found: Vec<&str> = expected
        .values()
        .flat_map(|r| r["findings"].as_array().unwrap())
        .map(|f| f[1].as_str().unwrap())
        .collect();
    for secret in &fleet.secrets {
        assert!(
            found.contains(&secret.as_str()),
            "{secret} not found: {expected:#?}"
        );
    }

    // Abort at the 1st, 2nd, ... commit until a run gets through without reaching its fault.
    let mut interrupted = 0;
    for at in 1.. {
        assert!(at < 100, "the sweep never finished");
        let store = work.path().join(format!("killed-{at}.db"));
        let output = keysweep()
            .args(["sweep", "--quiet", "--jobs", "2", "--dir", dir, "--store"])
            .arg(&store)
            .env("KEYSWEEP_FAULT_ABORT_AT_COMMIT", at.to_string())
            .output()
            .unwrap();
        if output.status.code().is_some() {
            break; // no fault reached: every commit point has been tried
        }
        interrupted += 1;
        let (code, stderr) = sweep(&store, &["--quiet", "--dir", dir]);
        assert_eq!(code, 1, "resumed run after abort at commit {at}: {stderr}");
        let resumed = report_of(&store);
        assert_eq!(normalized(&resumed), expected, "abort at commit {at}");
        let (runs, distinct) = blob_counts(&resumed);
        assert_eq!(
            runs.iter().sum::<u64>(),
            distinct,
            "abort at commit {at}: a blob was scanned twice or not at all ({runs:?})"
        );
    }
    assert!(interrupted >= 4, "only {interrupted} commit points");
}

#[test]
fn a_second_sweep_scans_only_new_blobs_and_triage_survives_it() {
    let fleet = fleet();
    let dir = fleet.dir.path().to_str().unwrap();
    let work = tempfile::tempdir().unwrap();
    let store = work.path().join("s.db");
    assert_eq!(sweep(&store, &["--dir", dir]).0, 1);
    let first = report_of(&store);
    let (runs, distinct) = blob_counts(&first);
    assert_eq!(runs, vec![distinct]);

    // Nothing changed: every repository is skipped, no blob is read.
    let (code, stderr) = sweep(&store, &["--dir", dir]);
    assert_eq!(code, 1);
    assert!(stderr.contains("4 unchanged"), "{stderr}");
    assert_eq!(blob_counts(&report_of(&store)).0, vec![distinct, 0]);

    // Triage one secret everywhere it is (the api repository and its fork).
    let fingerprint = repo_named(&first, "/api.git")["findings"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let output = keysweep()
        .args([
            "findings",
            "triage",
            "--status",
            "false-positive",
            "--note",
            "test data",
        ])
        .arg("--store")
        .arg(&store)
        .arg(&fingerprint[..10])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");

    // One new commit in one repository: only its new blob is scanned.
    let clone_dir = tempfile::tempdir().unwrap();
    let clone = Repo::at(clone_dir.path().join("web"));
    git_command(clone_dir.path())
        .args(["clone", "-q"])
        .arg(fleet.dir.path().join("web.git"))
        .arg(clone.path())
        .output()
        .unwrap();
    let late = github_token(99);
    clone.write("late.txt", format!("token: {late}\n"));
    let late_commit = clone.commit("late secret");
    clone.git(&["push", "-q", "origin", "HEAD:main"]);

    let (code, stderr) = sweep(&store, &["--dir", dir]);
    assert_eq!(code, 1, "{stderr}");
    let third = report_of(&store);
    let (runs, distinct) = blob_counts(&third);
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[2], 1, "only late.txt is new: {runs:?}");
    assert_eq!(runs.iter().sum::<u64>(), distinct, "no blob scanned twice");
    let web = repo_named(&third, "/web.git");
    let late_finding = web["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["secret"] == late.as_str())
        .expect("the new secret");
    assert_eq!(
        late_finding["occurrences"][0]["commit"]["id"],
        late_commit.as_str()
    );

    for name in ["/api.git", "/api-fork.git"] {
        let triaged: Vec<&Value> = repo_named(&third, name)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["fingerprint"] == fingerprint.as_str())
            .collect();
        assert_eq!(triaged.len(), 1, "{name}");
        assert_eq!(triaged[0]["triage"]["status"], "false-positive");
        assert_eq!(triaged[0]["triage"]["note"], "test data");
    }
    let new_only = report_json(&store, &["--status", "new"]);
    assert!(
        new_only["repositories"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["findings"].as_array().unwrap())
            .all(|f| f["fingerprint"] != fingerprint.as_str())
    );
}

#[test]
fn merged_shards_equal_one_unsharded_sweep() {
    let fleet = fleet();
    let dir = fleet.dir.path().to_str().unwrap();
    let work = tempfile::tempdir().unwrap();
    let whole = work.path().join("whole.db");
    assert_eq!(sweep(&whole, &["--dir", dir]).0, 1);

    let mut shard_sizes = Vec::new();
    let mut shard_stores = Vec::new();
    for index in 0..3 {
        let store = work.path().join(format!("shard-{index}.db"));
        let (code, stderr) = sweep(&store, &["--dir", dir, "--shard", &format!("{index}/3")]);
        assert!(code == 0 || code == 1, "{stderr}");
        shard_sizes.push(report_of(&store)["repositories"].as_array().unwrap().len());
        shard_stores.push(store);
    }
    assert_eq!(
        shard_sizes.iter().sum::<usize>(),
        4,
        "shards partition the list: {shard_sizes:?}"
    );

    let merged = work.path().join("merged.db");
    let output = keysweep()
        .args(["merge", "--into"])
        .arg(&merged)
        .args(&shard_stores)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    // Merging a shard twice changes nothing.
    let again = keysweep()
        .args(["merge", "--into"])
        .arg(&merged)
        .arg(&shard_stores[0])
        .output()
        .unwrap();
    assert!(again.status.success());

    let (whole_report, merged_report) = (report_of(&whole), report_of(&merged));
    assert_eq!(normalized(&merged_report), normalized(&whole_report));
    assert_eq!(
        merged_report["summary"]["blobs"],
        whole_report["summary"]["blobs"]
    );
    assert_eq!(
        merged_report["summary"]["runs"].as_array().unwrap().len(),
        3
    );

    // A merged store is a store: a later sweep into it is incremental.
    let (code, stderr) = sweep(&merged, &["--dir", dir]);
    assert_eq!(code, 1);
    assert!(stderr.contains("4 unchanged"), "{stderr}");
}

#[test]
fn unreachable_repositories_are_reported_and_the_rest_swept() {
    let fleet = fleet();
    let work = tempfile::tempdir().unwrap();
    let store = work.path().join("s.db");
    let list = work.path().join("repos.txt");
    let missing = format!("file://{}/nowhere.git", work.path().display());
    std::fs::write(
        &list,
        format!(
            "# our repositories\n{}\n{missing}\nnot-cloned-yet\n",
            fleet.dir.path().join("web.git").display()
        ),
    )
    .unwrap();
    let cache = work.path().join("cache");
    let (code, stderr) = sweep(
        &store,
        &[
            "--repos-from",
            list.to_str().unwrap(),
            "--cache",
            cache.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("FAILED"), "{stderr}");
    let report = report_of(&store);
    assert_eq!(repo_named(&report, "/web.git")["state"], "scanned");
    let failed = repo_named(&report, "nowhere");
    assert_eq!(failed["state"], "failed");
    assert!(
        failed["reason"].as_str().unwrap().contains("cloning"),
        "{failed:#}"
    );
    assert_eq!(report["summary"]["not_scanned"][0]["state"], "failed");
    // A path that is not there is a failed repository (named after the list's directory), not
    // the end of the sweep.
    let absent = repo_named(&report, "/not-cloned-yet");
    assert_eq!(absent["state"], "failed");
    assert!(
        absent["name"]
            .as_str()
            .unwrap()
            .starts_with(work.path().to_str().unwrap())
    );

    let one = report_json(&store, &["--repo", "web.git"]);
    assert_eq!(
        one["repositories"].as_array().unwrap().len(),
        1,
        "a unique suffix names it"
    );

    let text = keysweep()
        .args(["report", "--summary", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("not scanned (no findings here does not mean clean)"),
        "{text}"
    );
    assert!(text.contains("nowhere"), "{text}");
}

#[test]
fn sweep_reports_are_valid_sarif_with_one_run_per_repository_with_findings() {
    let fleet = fleet();
    let work = tempfile::tempdir().unwrap();
    let store = work.path().join("s.db");
    assert_eq!(
        sweep(&store, &["--dir", fleet.dir.path().to_str().unwrap()]).0,
        1
    );
    let output = keysweep()
        .args(["report", "--format", "sarif", "--redact", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "untriaged findings");
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    common::validate_sarif(&sarif);
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(
        runs.len(),
        3,
        "one run per repository with findings (not the clean one)"
    );
    let text = String::from_utf8_lossy(&output.stdout);
    for secret in &fleet.secrets {
        assert!(!text.contains(secret.as_str()), "--redact leaked {secret}");
    }
    assert!(
        runs.iter()
            .all(|r| r["versionControlProvenance"][0]["repositoryUri"].is_string())
    );
    // Code scanning refuses an upload whose runs share a category: one per repository.
    let categories: std::collections::BTreeSet<&str> = runs
        .iter()
        .map(|r| r["automationDetails"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(categories.len(), runs.len(), "{categories:?}");
    assert!(
        categories
            .iter()
            .all(|c| c.starts_with("keysweep/") && c.ends_with('/'))
    );
}

#[test]
fn sweep_validates_each_distinct_secret_once_and_remembers_the_answer() {
    let token = format!(
        "acme_{}",
        common::random_chars(7, 24, b"abcdefghijklmnopqrstuvwxyz0123456789")
    );
    let dir = tempfile::tempdir().unwrap();
    let (repo, _) = repo_with_secret(&token);
    bare_copy(&repo, dir.path(), "one");
    bare_copy(&repo, dir.path(), "two"); // the same secret in a second repository
    let work = tempfile::tempdir().unwrap();
    let rules = common::write(work.path(), "acme.toml", mock::ACME_RULE);
    let mock = Mock::start(|r| {
        if r.header("authorization")
            .is_some_and(|a| a.starts_with("Bearer acme_"))
        {
            Answer::new(200, r#"{"active":true,"account":{"name":"acme-ci"}}"#)
        } else {
            Answer::new(401, "{}")
        }
    });
    let store = work.path().join("s.db");
    let args = [
        "--dir",
        dir.path().to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--validate",
        "--validate-endpoint",
        &format!("acme={}", mock.base),
    ];
    let (code, stderr) = sweep(&store, &args);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("1 secret checked, 1 live"), "{stderr}");
    assert_eq!(
        mock.received().len(),
        1,
        "one request for the secret of both repositories"
    );
    let report = report_of(&store);
    for name in ["/one.git", "/two.git"] {
        let finding = &repo_named(&report, name)["findings"][0];
        assert_eq!(finding["secret"], token.as_str());
        assert_eq!(finding["validation"]["status"], "valid");
        assert_eq!(finding["validation"]["facts"]["account.name"], "acme-ci");
    }
    assert_eq!(report["summary"]["by_validity"]["valid"], 2);
    // One live secret (in two repositories), grouped under the account its provider named.
    assert_eq!(
        report["summary"]["live_by_account"],
        json!({"account.name=acme-ci": 1})
    );

    // Asked once: a later sweep (even one that scans something new) does not ask again.
    let (code, stderr) = sweep(&store, &args);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(mock.received().len(), 1);
}

#[test]
fn report_exits_as_a_scan_would_and_writes_jsonl() {
    let fleet = fleet();
    let work = tempfile::tempdir().unwrap();
    let store = work.path().join("s.db");
    let dir = fleet.dir.path().to_str().unwrap();
    assert_eq!(sweep(&store, &["--dir", dir]).0, 1);
    let report = |args: &[&str]| {
        keysweep()
            .arg("report")
            .arg("--store")
            .arg(&store)
            .args(args)
            .output()
            .unwrap()
    };

    // Untriaged findings fail the report, as they fail a scan.
    assert_eq!(report(&[]).status.code(), Some(1));
    let jsonl = report(&["--format", "jsonl"]);
    assert_eq!(jsonl.status.code(), Some(1));
    let lines: Vec<Value> = String::from_utf8_lossy(&jsonl.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut found: Vec<&str> = lines
        .iter()
        .map(|l| l["secret"].as_str().unwrap())
        .collect();
    found.sort();
    found.dedup();
    let mut expected: Vec<&str> = fleet.secrets.iter().map(String::as_str).collect();
    expected.sort();
    assert_eq!(found, expected);
    assert!(
        lines
            .iter()
            .all(|l| l["repository"].is_string() && l["triage"]["status"] == "new")
    );

    // Once every secret is triaged, the report passes.
    for line in &lines {
        let out = keysweep()
            .args(["findings", "triage", "--status", "accepted", "--store"])
            .arg(&store)
            .arg(line["fingerprint"].as_str().unwrap())
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }
    assert_eq!(report(&[]).status.code(), Some(0));

    // A repository that could not be swept makes the report incomplete: an error.
    let missing = work.path().join("gone.git");
    sweep(&store, &[missing.to_str().unwrap()]);
    assert_eq!(report(&["--summary"]).status.code(), Some(2));
}

#[test]
fn a_triage_file_applies_whole_or_not_at_all() {
    let fleet = fleet();
    let work = tempfile::tempdir().unwrap();
    let store = work.path().join("s.db");
    sweep(&store, &["--dir", fleet.dir.path().to_str().unwrap()]);
    let report = report_json(&store, &[]);
    let fingerprints: Vec<String> = report["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["findings"].as_array().unwrap())
        .map(|f| f["fingerprint"].as_str().unwrap().to_string())
        .collect();
    assert!(fingerprints.len() >= 2);
    let apply = |changes: Value| {
        let file = work.path().join("triage.json");
        let text = json!({"keysweep_triage": 1, "changes": changes}).to_string();
        std::fs::write(&file, text).unwrap();
        keysweep()
            .args(["findings", "triage", "--store"])
            .arg(&store)
            .arg("--from")
            .arg(&file)
            .output()
            .unwrap()
    };
    let statuses = || -> Vec<String> {
        report_json(&store, &[])["repositories"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["findings"].as_array().unwrap().clone())
            .map(|f| f["triage"]["status"].as_str().unwrap().to_string())
            .collect()
    };
    // The second change names no finding: nothing is applied, the first one included.
    let output = apply(json!([
        {"fingerprint": fingerprints[0], "status": "accepted"},
        {"fingerprint": "deadbeefdeadbeef", "status": "revoked"},
    ]));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("deadbeefdeadbeef"));
    assert!(statuses().iter().all(|s| s == "new"), "{:?}", statuses());

    let output = apply(json!([
        {"fingerprint": fingerprints[0], "status": "accepted", "note": "rotated"},
        {"fingerprint": fingerprints[1], "status": "false-positive"},
    ]));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let after = statuses();
    assert!(after.contains(&"accepted".to_string()), "{after:?}");
    assert!(after.contains(&"false-positive".to_string()), "{after:?}");
}

#[test]
fn a_failed_clone_keeps_its_progress_line_to_one_line_and_its_error_below() {
    let work = tempfile::tempdir().unwrap();
    let store = work.path().join("s.db");
    let missing = format!("file://{}/missing.git", work.path().display());
    let (code, stderr) = sweep(
        &store,
        &[
            "--cache",
            work.path().join("cache").to_str().unwrap(),
            &missing,
        ],
    );
    assert_eq!(code, 2);
    let progress: Vec<&str> = stderr.lines().filter(|l| l.contains("[1/1]")).collect();
    assert_eq!(progress.len(), 1, "{stderr}");
    assert!(
        progress[0].contains("FAILED") && progress[0].contains("ETA"),
        "{stderr}"
    );
    // git's own lines follow, indented, instead of escaped newlines inside the progress line.
    assert!(!stderr.contains("\\x0a"), "{stderr}");
    assert!(
        stderr.lines().any(|l| l.starts_with("keysweep:     ")),
        "{stderr}"
    );
}

#[test]
fn a_secret_without_an_answer_is_asked_again_once_its_rule_has_a_check() {
    let token = format!(
        "acme_{}",
        common::random_chars(9, 24, b"abcdefghijklmnopqrstuvwxyz0123456789")
    );
    let dir = tempfile::tempdir().unwrap();
    let (repo, _) = repo_with_secret(&token);
    bare_copy(&repo, dir.path(), "one");
    let work = tempfile::tempdir().unwrap();
    // The same rule, first without a check, then with one (as a new keysweep brings).
    let unchecked = mock::ACME_RULE
        .split("[rules.validate]")
        .next()
        .unwrap()
        .to_string();
    let rules = common::write(work.path(), "acme.toml", &unchecked);
    let mock = Mock::start(|_| Answer::new(200, r#"{"active":true}"#));
    let store = work.path().join("s.db");
    let args = [
        "--dir",
        dir.path().to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--validate",
        "--validate-endpoint",
        &format!("acme={}", mock.base),
    ];
    let (_, stderr) = sweep(&store, &args);
    let status = |store: &Path| {
        report_of(store)["repositories"][0]["findings"][0]["validation"]["status"].clone()
    };
    assert_eq!(status(&store), "unsupported", "{stderr}");
    assert_eq!(mock.received().len(), 0);

    common::write(work.path(), "acme.toml", mock::ACME_RULE);
    let (_, stderr) = sweep(&store, &args);
    assert_eq!(mock.received().len(), 1, "{stderr}");
    assert_eq!(status(&store), "valid");
    // Answered now: a third sweep does not ask again.
    sweep(&store, &args);
    assert_eq!(mock.received().len(), 1);
}
