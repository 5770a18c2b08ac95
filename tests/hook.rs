//! The pre-push hook end to end: a real bare remote, a clone with the hook installed by the
//! real binary, and real `git push`es.

mod common;

use std::path::Path;
use std::process::Output;

use common::*;

/// A bare remote and a clone of it with one pushed commit and the hook installed.
struct Setup {
    _remote: tempfile::TempDir,
    clone: Repo,
}

/// A bare remote and a clone of it with one pushed commit, no hook yet.
fn clone_with_remote() -> (tempfile::TempDir, Repo) {
    let remote = bare_remote();
    let clone = Repo::new();
    clone.git(&["remote", "add", "origin", remote.path().to_str().unwrap()]);
    clone.write("README.md", "# project\n");
    clone.commit("initial");
    clone.git(&["push", "-q", "origin", "main"]);
    (remote, clone)
}

fn setup() -> Setup {
    let (remote, clone) = clone_with_remote();
    let install = keysweep()
        .args(["hook", "install", clone.path_str()])
        .output()
        .unwrap();
    assert!(
        install.status.success(),
        "{}",
        String::from_utf8_lossy(&install.stderr)
    );
    Setup {
        _remote: remote,
        clone,
    }
}

fn push(repo: &Repo, args: &[&str]) -> Output {
    git_command(repo.path())
        .arg("push")
        .args(args)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn install_writes_an_executable_hook() {
    let s = setup();
    let hook = s.clone.path().join(".git/hooks/pre-push");
    let text = std::fs::read_to_string(&hook).unwrap();
    assert!(text.contains("hook pre-push"), "{text}");
    use std::os::unix::fs::PermissionsExt;
    assert!(std::fs::metadata(&hook).unwrap().permissions().mode() & 0o111 != 0);
}

#[test]
fn a_push_with_a_secret_is_blocked_and_a_clean_push_passes() {
    let s = setup();
    s.clone.write("src/app.py", "print('clean')\n");
    s.clone.commit("clean change");
    let out = push(&s.clone, &["origin", "main"]);
    assert!(
        out.status.success(),
        "clean push must pass: {}",
        stderr(&out)
    );

    let token = github_token(1);
    s.clone
        .write("config/prod.env", format!("GITHUB_TOKEN={token}\n"));
    s.clone.commit("add prod config");
    s.clone
        .write("config/prod.env", "GITHUB_TOKEN=${GITHUB_TOKEN}\n");
    s.clone.commit("use the environment instead");
    let out = push(&s.clone, &["origin", "main"]);
    let err = stderr(&out);
    assert!(!out.status.success(), "push must be blocked: {err}");
    assert!(
        err.contains("github.pat-classic") && err.contains("config/prod.env"),
        "{err}"
    );
    assert!(
        err.contains("Rotate") && err.contains("history only"),
        "{err}"
    );
    assert!(!err.contains(&token), "the hook output is redacted: {err}");
    let remote_main = s.clone.git(&["ls-remote", "origin", "refs/heads/main"]);
    let local_main = s.clone.git(&["rev-parse", "main"]);
    assert!(
        !remote_main.starts_with(&local_main),
        "the remote did not receive the commits"
    );
}

#[test]
fn a_new_branch_scans_only_its_new_commits() {
    let s = setup();
    // A secret already on the remote (pushed past the hook) is not this push's business.
    s.clone.write("old.env", format!("T={}\n", github_token(2)));
    s.clone.commit("old secret");
    assert!(
        push(&s.clone, &["--no-verify", "origin", "main"])
            .status
            .success()
    );
    s.clone.git(&["fetch", "-q", "origin"]);

    s.clone.git(&["checkout", "-q", "-b", "feature"]);
    s.clone.write("feature.txt", "new work\n");
    s.clone.commit("feature");
    let out = push(&s.clone, &["origin", "feature"]);
    assert!(
        out.status.success(),
        "only new commits are scanned: {}",
        stderr(&out)
    );

    s.clone.git(&["checkout", "-q", "-b", "feature2"]);
    s.clone
        .write("feature2.env", format!("A={}\n", aws_key_id(3)));
    s.clone.commit("feature 2");
    let out = push(&s.clone, &["origin", "feature2"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("aws.access-key-id"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn tags_are_peeled_and_deletions_pass() {
    let s = setup();
    s.clone.git(&["tag", "-a", "v1", "-m", "release 1"]);
    let out = push(&s.clone, &["origin", "v1"]);
    assert!(
        out.status.success(),
        "a tag on pushed commits brings nothing new: {}",
        stderr(&out)
    );

    s.clone.git(&["checkout", "-q", "-b", "tmp"]);
    s.clone
        .write("release.env", format!("S={}\n", stripe_key(4)));
    s.clone.commit("release secret");
    s.clone.git(&["tag", "-a", "v2", "-m", "release 2"]);
    s.clone.git(&["checkout", "-q", "main"]);
    let out = push(&s.clone, &["origin", "v2"]);
    assert!(
        !out.status.success(),
        "an annotated tag's commits are scanned"
    );
    assert!(
        stderr(&out).contains("stripe.live-secret-key"),
        "{}",
        stderr(&out)
    );

    assert!(
        push(&s.clone, &["--no-verify", "origin", "tmp"])
            .status
            .success()
    );
    let out = push(&s.clone, &["origin", "--delete", "tmp"]);
    assert!(
        out.status.success(),
        "deleting a branch sends nothing: {}",
        stderr(&out)
    );
}

#[test]
fn several_refs_in_one_push_are_all_scanned() {
    let s = setup();
    s.clone.git(&["checkout", "-q", "-b", "a"]);
    s.clone.write("a.txt", "clean\n");
    s.clone.commit("a");
    s.clone.git(&["checkout", "-q", "main", "-b", "b"]);
    s.clone.write("b.env", format!("T={}\n", github_token(5)));
    s.clone.commit("b");
    let out = push(&s.clone, &["origin", "a", "b"]);
    assert!(
        !out.status.success(),
        "the second ref's secret blocks the push"
    );
    assert!(stderr(&out).contains("b.env"), "{}", stderr(&out));
}

#[test]
fn an_existing_hook_is_refused_replaced_or_chained() {
    let repo = Repo::new();
    let marker = tree();
    let ran = marker.path().join("ran");
    repo.write_executable(
        ".git/hooks/pre-push",
        &format!("#!/bin/sh\ncat > {}\n", ran.display()),
    );
    let path = repo.path_str();

    let refused = keysweep().args(["hook", "install", path]).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("--chain"), "{}", stderr(&refused));

    let chained = keysweep()
        .args(["hook", "install", "--chain", path])
        .output()
        .unwrap();
    assert!(chained.status.success(), "{}", stderr(&chained));
    assert!(
        repo.path()
            .join(".git/hooks/pre-push.keysweep-chained")
            .exists()
    );
    let head = repo.commit("empty");
    let line = format!(
        "refs/heads/main {head} refs/heads/main {}\n",
        "0".repeat(40)
    );
    let out = run_hook(repo.path(), &line);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&ran).unwrap().trim(),
        line.trim(),
        "the chained hook got git's input"
    );

    let forced = keysweep()
        .args(["hook", "install", "--force", path])
        .output()
        .unwrap();
    assert!(forced.status.success());
}

/// Runs the installed hook as git does: from the work tree's root, with the remote's name and
/// URL as arguments and the ref lines on stdin.
fn run_hook(repo: &Path, input: &str) -> Output {
    let mut hook = std::process::Command::new(repo.join(".git/hooks/pre-push"));
    run_with_stdin(hook.current_dir(repo).args(["origin", "unused-url"]), input)
}

#[test]
fn hooks_path_is_honoured() {
    let repo = Repo::new();
    repo.git(&["config", "core.hooksPath", "githooks"]);
    let out = keysweep()
        .args(["hook", "install", repo.path_str()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(repo.path().join("githooks/pre-push").exists());
}

#[test]
fn the_hook_honours_the_repository_config_and_inline_allows() {
    let s = setup();
    s.clone
        .write(".keysweep.toml", "[allowlist]\npaths = [\"fixtures/**\"]\n");
    s.clone
        .write("fixtures/sample.env", format!("T={}\n", github_token(6)));
    s.clone.write(
        "docs/example.md",
        format!("token: {} <!-- keysweep:allow -->\n", github_token(7)),
    );
    s.clone.commit("fixtures and docs");
    let out = push(&s.clone, &["origin", "main"]);
    assert!(
        out.status.success(),
        "allowed by config and inline: {}",
        stderr(&out)
    );
}

/// Whether the repository at `dir` (a bare remote) holds `commit`.
fn holds(dir: &Path, commit: &str) -> bool {
    git_command(dir)
        .args(["cat-file", "-e", &format!("{commit}^{{commit}}")])
        .output()
        .unwrap()
        .status
        .success()
}

/// A branch `shared` whose commit holds a secret, pushed to origin past the hook.
fn secret_on_origin(s: &Setup) -> String {
    s.clone.git(&["checkout", "-q", "-b", "shared"]);
    s.clone
        .write("shared.env", format!("T={}\n", github_token(8)));
    let commit = s.clone.commit("published on origin past the hook");
    assert!(
        push(&s.clone, &["--no-verify", "origin", "shared"])
            .status
            .success()
    );
    commit
}

#[test]
fn commits_only_another_remote_has_are_scanned() {
    let s = setup();
    let public = bare_remote();
    s.clone
        .git(&["remote", "add", "public", public.path().to_str().unwrap()]);
    let secret = secret_on_origin(&s);
    let out = push(&s.clone, &["public", "shared"]);
    let err = stderr(&out);
    assert!(
        !out.status.success(),
        "origin having the commit does not put it on public: {err}"
    );
    assert!(
        err.contains("github.pat-classic") && err.contains("shared.env"),
        "{err}"
    );
    assert!(!holds(public.path(), &secret), "public did not receive it");
}

#[test]
fn commits_the_destination_has_are_not_scanned_again() {
    let s = setup();
    let public = bare_remote();
    s.clone
        .git(&["remote", "add", "public", public.path().to_str().unwrap()]);
    secret_on_origin(&s);
    // A new ref: what origin has is known from origin's remote-tracking refs.
    let out = push(&s.clone, &["origin", "shared:refs/heads/shared-copy"]);
    assert!(out.status.success(), "origin has it: {}", stderr(&out));
    // An existing ref: git names the commit origin has on stdin.
    s.clone.write("clean.txt", "clean\n");
    s.clone.commit("clean change");
    let out = push(&s.clone, &["origin", "shared"]);
    assert!(out.status.success(), "origin has it: {}", stderr(&out));
}

#[test]
fn a_push_to_a_url_trusts_only_what_git_says_the_url_has() {
    let s = setup();
    let secret = secret_on_origin(&s);
    let elsewhere = bare_remote();
    let out = push(&s.clone, &[elsewhere.path().to_str().unwrap(), "shared"]);
    let err = stderr(&out);
    assert!(
        !out.status.success(),
        "a URL is not origin, whatever origin has: {err}"
    );
    assert!(err.contains("github.pat-classic"), "{err}");
    assert!(
        !holds(elsewhere.path(), &secret),
        "the URL did not receive it"
    );

    // Origin's own URL: git's input names the commit it has there.
    s.clone.write("clean.txt", "clean\n");
    s.clone.commit("clean change");
    let origin_url = s.clone.git(&["remote", "get-url", "origin"]);
    let out = push(&s.clone, &[&origin_url, "shared"]);
    assert!(
        out.status.success(),
        "git said the remote has the secret's commit: {}",
        stderr(&out)
    );
}

/// Runs the hook as the pre-commit framework does: no arguments, git's input already read by
/// pre-commit, the push described by `vars`.
fn run_under_pre_commit(repo: &Repo, vars: &[(&str, &str)]) -> Output {
    let mut hook = keysweep();
    hook.current_dir(repo.path()).args(["hook", "pre-push"]);
    for var in [
        "PRE_COMMIT_FROM_REF",
        "PRE_COMMIT_TO_REF",
        "PRE_COMMIT_ORIGIN",
        "PRE_COMMIT_SOURCE",
    ] {
        hook.env_remove(var);
    }
    hook.env("PRE_COMMIT", "1").envs(vars.iter().copied());
    run_with_stdin(&mut hook, "")
}

#[test]
fn under_pre_commit_a_new_history_for_the_remote_is_scanned() {
    let s = setup();
    let public = bare_remote();
    let public_url = public.path().to_str().unwrap();
    s.clone.git(&["remote", "add", "public", public_url]);
    secret_on_origin(&s);
    // `git push public shared`: public lacks even the root commit, so pre-commit names no range.
    let out = run_under_pre_commit(
        &s.clone,
        &[
            ("PRE_COMMIT_REMOTE_NAME", "public"),
            ("PRE_COMMIT_REMOTE_URL", public_url),
            ("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/shared"),
            ("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/shared"),
        ],
    );
    assert!(!out.status.success(), "must be blocked: {}", stderr(&out));
    assert!(
        stderr(&out).contains("github.pat-classic"),
        "{}",
        stderr(&out)
    );

    // `git push origin shared` of a clean commit: pre-commit names the range origin lacks.
    let on_origin = s.clone.git(&["rev-parse", "shared"]);
    s.clone.write("clean.txt", "clean\n");
    let head = s.clone.commit("clean change");
    let origin_url = s.clone.git(&["remote", "get-url", "origin"]);
    let out = run_under_pre_commit(
        &s.clone,
        &[
            ("PRE_COMMIT_FROM_REF", &on_origin),
            ("PRE_COMMIT_TO_REF", &head),
            ("PRE_COMMIT_REMOTE_NAME", "origin"),
            ("PRE_COMMIT_REMOTE_URL", &origin_url),
            ("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/shared"),
            ("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/shared"),
        ],
    );
    assert!(out.status.success(), "origin has it: {}", stderr(&out));
}

/// Puts the binary under test at `at` as a hard link (a symlink would not do: the hook records
/// the resolved path of the binary that installed it), a copy where links fail.
fn place_binary(at: &Path) {
    let binary = env!("CARGO_BIN_EXE_keysweep");
    if std::fs::hard_link(binary, at).is_err() {
        std::fs::copy(binary, at).unwrap();
    }
}

/// A clone whose hook was installed by a keysweep at `installer`, with a secret committed and
/// not yet pushed.
fn clone_with_hook_from(installer: &Path) -> (tempfile::TempDir, Repo) {
    let (remote, clone) = clone_with_remote();
    place_binary(installer);
    let out = std::process::Command::new(installer)
        .args(["hook", "install", clone.path_str()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    clone.write("prod.env", format!("T={}\n", github_token(40)));
    clone.commit("add a secret");
    (remote, clone)
}

/// PATH with only git's directory and `extra` (so no other keysweep is found).
fn path_with(extra: &Path) -> String {
    let git = String::from_utf8(
        std::process::Command::new("sh")
            .args(["-c", "dirname \"$(command -v git)\""])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    format!("{}:{}:/usr/bin:/bin", extra.display(), git.trim())
}

#[test]
fn the_hook_finds_keysweep_on_path_after_the_installing_binary_moved() {
    // Beside the build, so that hard links work.
    let bins = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let (old, new) = (bins.path().join("old"), bins.path().join("new"));
    std::fs::create_dir_all(&old).unwrap();
    std::fs::create_dir_all(&new).unwrap();
    let (_remote, clone) = clone_with_hook_from(&old.join("keysweep"));
    std::fs::remove_file(old.join("keysweep")).unwrap();
    place_binary(&new.join("keysweep"));

    let out = git_command(clone.path())
        .args(["push", "origin", "main"])
        .env("PATH", path_with(&new))
        .output()
        .unwrap();
    assert!(!out.status.success(), "the secret must block the push");
    assert!(stderr(&out).contains("github"), "{}", stderr(&out));

    // With keysweep nowhere, the push is blocked with what to do, not a shell error.
    std::fs::remove_file(new.join("keysweep")).unwrap();
    let out = git_command(clone.path())
        .args(["push", "origin", "main"])
        .env("PATH", path_with(&new))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = stderr(&out);
    assert!(said.contains("keysweep is not on PATH"), "{said}");
    assert!(said.contains("--no-verify"), "{said}");
}
