//! The GitHub Action: action.yml's inputs and steps, and its scan step run locally with a fake
//! GitHub environment against real repositories for each event kind.

mod common;
#[path = "common/mock.rs"]
mod mock;

use std::path::{Path, PathBuf};

use common::*;
use mock::{ACME_RULE, Answer, Mock, Received};
use serde_json::{Value, json};

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

#[test]
fn action_yml_declares_the_inputs_and_runs_the_scan_step() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/action.yml")).unwrap();
    let action: Value = yaml_serde::from_str(&text).unwrap();
    let inputs = &action["inputs"];
    for (name, default) in [
        ("path", "."),
        ("args", ""),
        ("redact", "true"),
        ("fail-on-findings", "true"),
        ("sarif-file", "keysweep.sarif"),
        ("validate", "false"),
        ("only-valid", "false"),
        ("only-verified", "false"),
    ] {
        assert_eq!(inputs[name]["default"], default, "input {name}");
    }
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().unwrap();
    let index = |found: Option<usize>| found.expect("the step is in action.yml");
    let install = index(steps.iter().position(|s| s["id"] == "install"));
    let cache = index(steps.iter().position(|s| {
        s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("actions/cache@"))
    }));
    let build = index(steps.iter().position(|s| s["name"] == "Build keysweep"));
    let scan = index(steps.iter().position(|s| s["id"] == "scan"));
    assert!(install < cache && cache < build && build < scan);

    // The release binary of the Action's own version (its ref and repository passed through
    // `env`, where a composite action sees them), put where the build would leave it.
    let run_of = |step: usize| steps[step]["run"].as_str().unwrap_or_default();
    assert!(run_of(install).contains("\"$GITHUB_ACTION_PATH/action/install.sh\""));
    assert!(run_of(install).ends_with("\"$GITHUB_ACTION_PATH/target/release\""));
    assert!(std::path::Path::new(INSTALL_SCRIPT).is_file());
    assert_eq!(
        steps[install]["env"]["ACTION_REF"],
        "${{ github.action_ref }}"
    );
    assert_eq!(
        steps[install]["env"]["ACTION_REPOSITORY"],
        "${{ github.action_repository }}"
    );
    // Built from source only when the install step says so.
    assert!(run_of(build).contains("cargo build --release --locked"));
    for step in [cache, build] {
        assert_eq!(
            steps[step]["if"], "steps.install.outputs.build == 'true'",
            "{}",
            steps[step]
        );
    }
    // Whichever way it came, the binary is where the scan step runs it.
    let binary = "\"$GITHUB_ACTION_PATH/target/release/keysweep\" github-action";
    assert!(run_of(scan).contains(binary));
    let scan = &steps[scan];
    for input in [
        "path",
        "args",
        "redact",
        "fail-on-findings",
        "sarif-file",
        "validate",
        "only-valid",
        "only-verified",
    ] {
        let var = format!("INPUT_{}", input.to_uppercase().replace('-', "_"));
        assert_eq!(
            scan["env"][&var],
            format!("${{{{ inputs.{input} }}}}"),
            "{var} is passed"
        );
    }
}

/// A bare "GitHub" remote and a checkout of it with `origin/*` refs, as actions/checkout leaves.
struct Checkout {
    remote: tempfile::TempDir,
    repo: Repo,
    runner: tempfile::TempDir,
}

fn checkout() -> Checkout {
    let remote = bare_remote();
    let repo = Repo::new();
    repo.git(&["remote", "add", "origin", remote.path().to_str().unwrap()]);
    Checkout {
        remote,
        repo,
        runner: tree(),
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    sarif: Value,
    summary: String,
    outputs: String,
}

impl Checkout {
    fn push_all(&self) {
        self.repo.git(&["push", "-q", "--all", "origin"]);
        self.repo.git(&["fetch", "-q", "origin"]);
    }

    /// Runs the Action's scan step as GitHub would, with `event` as the payload.
    fn run(&self, event_name: &str, event: Value, inputs: &[(&str, &str)]) -> Run {
        let runner = self.runner.path();
        let event_path = runner.join("event.json");
        std::fs::write(&event_path, event.to_string()).unwrap();
        let summary = runner.join("summary.md");
        let outputs = runner.join("outputs.txt");
        let _ = std::fs::remove_file(&summary);
        let _ = std::fs::remove_file(&outputs);
        let mut cmd = keysweep();
        cmd.arg("github-action")
            .current_dir(self.repo.path())
            .env("GITHUB_WORKSPACE", self.repo.path())
            .env("GITHUB_EVENT_NAME", event_name)
            .env("GITHUB_EVENT_PATH", &event_path)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_OUTPUT", &outputs);
        for (name, value) in inputs {
            cmd.env(
                format!("INPUT_{}", name.to_uppercase().replace('-', "_")),
                value,
            );
        }
        let out = cmd.output().unwrap();
        let sarif_path = self.repo.path().join("keysweep.sarif");
        Run {
            code: out.status.code().unwrap(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            sarif: read_json(&sarif_path),
            summary: std::fs::read_to_string(&summary).unwrap_or_default(),
            outputs: std::fs::read_to_string(&outputs).unwrap_or_default(),
        }
    }
}

fn read_json(path: &Path) -> Value {
    std::fs::read_to_string(path)
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap_or(Value::Null)
}

fn rule_ids(sarif: &Value) -> Vec<String> {
    let mut ids: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .map(|r| {
            r.iter()
                .map(|x| x["ruleId"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

fn push_event(before: &str, after: &str, git_ref: &str) -> Value {
    json!({"ref": git_ref, "before": before, "after": after, "forced": false, "deleted": false,
           "repository": {"default_branch": "main"}})
}

const ZERO: &str = "0000000000000000000000000000000000000000";

#[test]
fn push_scans_exactly_the_pushed_commits() {
    let c = checkout();
    c.repo.write("old.env", format!("T={}\n", github_token(1)));
    let before = c.repo.commit("old secret, already on the remote");
    c.push_all();
    let token = aws_key_id(2);
    c.repo.write("deploy/new.env", format!("A={token}\n"));
    let after = c.repo.commit("new secret");

    let run = c.run("push", push_event(&before, &after, "refs/heads/main"), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    validate_sarif(&run.sarif);
    assert_eq!(rule_ids(&run.sarif), vec!["aws.access-key-id"]);
    assert!(
        run.stdout.contains(
            "::error file=deploy/new.env,line=1,col=3,title=keysweep%3A AWS access key ID::"
        ),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains(&token) && !run.sarif.to_string().contains(&token),
        "redacted by default"
    );
    assert!(
        run.summary.contains("| high |") || run.summary.contains("| medium |"),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains("`deploy/new.env:1`"),
        "{}",
        run.summary
    );
    assert!(run.outputs.contains("findings=1"), "{}", run.outputs);

    let lenient = c.run(
        "push",
        push_event(&before, &after, "refs/heads/main"),
        &[("fail-on-findings", "false")],
    );
    assert_eq!(
        lenient.code, 0,
        "fail-on-findings: false still writes SARIF"
    );
    assert_eq!(rule_ids(&lenient.sarif).len(), 1);
}

#[test]
fn new_branch_scans_only_what_the_default_branch_lacks() {
    let c = checkout();
    c.repo.write("old.env", format!("T={}\n", github_token(3)));
    c.repo.commit("old secret on main");
    c.push_all();
    c.repo.git(&["checkout", "-q", "-b", "feature"]);
    c.repo
        .write("feature.env", format!("S={}\n", stripe_key(4)));
    let after = c.repo.commit("feature secret");

    let run = c.run("push", push_event(ZERO, &after, "refs/heads/feature"), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        rule_ids(&run.sarif),
        vec!["stripe.live-secret-key"],
        "main's old secret is not this push's"
    );
}

#[test]
fn first_push_of_the_default_branch_scans_the_whole_history() {
    let c = checkout();
    c.repo.write("old.env", format!("T={}\n", github_token(11)));
    c.repo.commit("secret");
    c.repo.git(&["rm", "-q", "old.env"]);
    let after = c.repo.commit("removed");
    let run = c.run("push", push_event(ZERO, &after, "refs/heads/main"), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(rule_ids(&run.sarif), vec!["github.pat-classic"]);
    assert!(run.summary.contains("full history"), "{}", run.summary);
}

#[test]
fn forced_push_scans_what_is_new() {
    let c = checkout();
    c.repo.write("a.txt", "a\n");
    let base = c.repo.commit("base");
    c.repo.write("b.env", format!("T={}\n", github_token(5)));
    let old_tip = c.repo.commit("to be rewritten");
    c.push_all();
    c.repo.git(&["reset", "-q", "--hard", &base]);
    c.repo.write("c.env", format!("A={}\n", aws_key_id(6)));
    let new_tip = c.repo.commit("rewritten");

    let mut event = push_event(&old_tip, &new_tip, "refs/heads/main");
    event["forced"] = json!(true);
    let run = c.run("push", event.clone(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        rule_ids(&run.sarif),
        vec!["aws.access-key-id"],
        "only the rewritten commit"
    );

    // The old tip gone from the clone: still a scan of what the default branch lacks, not an error.
    event["before"] = json!("1111111111111111111111111111111111111111");
    let run = c.run("push", event, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn a_forced_push_without_its_old_tip_scans_only_what_it_brings() {
    let c = checkout();
    c.repo.write("a.txt", "a\n");
    let base = c.repo.commit("base");
    c.repo.git(&["checkout", "-q", "-b", "other"]);
    c.repo
        .write("other.env", format!("T={}\n", github_token(18)));
    c.repo.commit("a secret only on another branch");
    c.repo.git(&["checkout", "-q", "main"]);
    c.repo
        .write("replaced.env", format!("S={}\n", stripe_key(19)));
    c.repo.commit("to be rewritten");
    c.push_all();
    c.repo.git(&["reset", "-q", "--hard", &base]);
    c.repo.write("new.env", format!("A={}\n", aws_key_id(20)));
    let new_tip = c.repo.commit("rewritten");
    c.repo.git(&["push", "-q", "--force", "origin", "main"]);
    c.repo.git(&["fetch", "-q", "origin"]);

    // The default branch, rewritten: its old tip is in no ref a checkout fetches.
    let gone = "1111111111111111111111111111111111111111";
    let mut event = push_event(gone, &new_tip, "refs/heads/main");
    event["forced"] = json!(true);
    let run = c.run("push", event, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        rule_ids(&run.sarif),
        vec!["aws.access-key-id"],
        "not the other branch's secret, nor the replaced commit's"
    );
    assert!(
        run.summary.contains("forced push") && run.summary.contains(gone),
        "{}",
        run.summary
    );
}

#[test]
fn merge_group_scans_the_queued_commits_under_the_base_configuration() {
    let c = checkout();
    c.repo.write("old.env", format!("T={}\n", github_token(12)));
    let base = c.repo.commit("old secret on main");
    c.repo.git(&["checkout", "-q", "-b", "other"]);
    c.repo.write("other.env", format!("A={}\n", aws_key_id(13)));
    c.repo.commit("a secret only on another branch");
    c.repo
        .git(&["checkout", "-q", "-b", "gh-readonly-queue/main/pr-7", &base]);
    // The queued pull request's own allowlist must not hide its secret.
    c.repo
        .write(".keysweep.toml", "[allowlist]\npaths = [\"**\"]\n");
    c.repo
        .write("queued.env", format!("S={}\n", stripe_key(14)));
    let head = c.repo.commit("queued pull request");
    c.push_all();

    let event = json!({"merge_group": {"base_sha": base, "head_sha": head}});
    let run = c.run("merge_group", event, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    validate_sarif(&run.sarif);
    assert_eq!(rule_ids(&run.sarif), vec!["stripe.live-secret-key"]);
    assert!(
        run.stderr.contains("merge group: the base commit"),
        "{}",
        run.stderr
    );
    assert!(run.summary.contains("merge group"), "{}", run.summary);
}

#[test]
fn release_scans_what_its_tag_brings() {
    let c = checkout();
    c.repo.write("old.env", format!("T={}\n", github_token(15)));
    c.repo.commit("secret of the first release");
    c.repo.git(&["tag", "v1.0.0"]);
    c.repo.git(&["checkout", "-q", "-b", "other"]);
    c.repo.write("other.env", format!("A={}\n", aws_key_id(16)));
    c.repo.commit("a secret only on another branch");
    c.repo.git(&["checkout", "-q", "main"]);
    c.repo.write("new.env", format!("S={}\n", stripe_key(17)));
    c.repo.commit("secret of the second release");
    c.repo.git(&["tag", "-a", "-m", "second release", "v1.1.0"]);
    c.push_all();

    let event = json!({"action": "published", "release": {"tag_name": "v1.1.0"}});
    let run = c.run("release", event, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        rule_ids(&run.sarif),
        vec!["stripe.live-secret-key"],
        "not the first release's secret, nor another branch's"
    );
    assert!(run.summary.contains("release `v1.1.0`"), "{}", run.summary);
}

#[test]
fn pull_request_scans_base_to_head() {
    let c = checkout();
    c.repo.write("old.env", format!("T={}\n", github_token(7)));
    let base = c.repo.commit("base with an old secret");
    c.repo.git(&["checkout", "-q", "-b", "pr"]);
    c.repo.write("pr.env", format!("S={}\n", stripe_key(8)));
    let head = c.repo.commit("pr secret");
    let event = json!({"pull_request": {"base": {"sha": base}, "head": {"sha": head}}});
    let run = c.run("pull_request", event, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    validate_sarif(&run.sarif);
    assert_eq!(rule_ids(&run.sarif), vec!["stripe.live-secret-key"]);
}

/// A pull request cannot allowlist its own secret: the base's configuration applies.
#[test]
fn a_pull_request_is_scanned_under_its_base_configuration() {
    let c = checkout();
    c.repo
        .write(".keysweep.toml", "[allowlist]\npaths = [\"docs/**\"]\n");
    let base = c.repo.commit("base config");
    c.repo.git(&["checkout", "-q", "-b", "pr"]);
    c.repo
        .write(".keysweep.toml", "[allowlist]\npaths = [\"**\"]\n");
    c.repo.write("pr.env", format!("S={}\n", stripe_key(81)));
    c.repo
        .write("docs/example.env", format!("S={}\n", stripe_key(82)));
    let head = c.repo.commit("pr: secret and a config that hides it");
    let event = json!({"pull_request": {"base": {"sha": base}, "head": {"sha": head}}});
    let run = c.run("pull_request", event, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(rule_ids(&run.sarif), vec!["stripe.live-secret-key"]);
    assert!(
        run.stderr.contains("the head's is not used"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("suppressed"), "{}", run.stderr);
}

#[test]
fn schedule_scans_full_history_and_deletions_scan_nothing() {
    let c = checkout();
    c.repo.write("old.env", format!("T={}\n", github_token(9)));
    c.repo.commit("secret");
    c.repo.git(&["rm", "-q", "old.env"]);
    c.repo.commit("removed");
    let run = c.run("schedule", json!({}), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(rule_ids(&run.sarif), vec!["github.pat-classic"]);

    let mut deletion = push_event(ZERO, ZERO, "refs/heads/gone");
    deletion["deleted"] = json!(true);
    let run = c.run("push", deletion, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    validate_sarif(&run.sarif);
    assert!(run.summary.contains("nothing"), "{}", run.summary);
}

#[test]
fn a_checkout_too_shallow_for_the_range_fails_loudly() {
    let c = checkout();
    c.repo.write("a.txt", "a\n");
    let before = c.repo.commit("a");
    c.repo.write("b.txt", "b\n");
    c.repo.commit("b");
    c.repo.write("c.env", format!("T={}\n", github_token(10)));
    let after = c.repo.commit("c");
    c.push_all();
    let shallow_dir: PathBuf = c.runner.path().join("shallow");
    let url = format!("file://{}", c.remote.path().display());
    git_in(
        c.runner.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            &url,
            shallow_dir.to_str().unwrap(),
        ],
    );
    let shallow = Checkout {
        remote: tree(),
        repo: Repo::at(shallow_dir),
        runner: tree(),
    };
    let run = shallow.run("push", push_event(&before, &after, "refs/heads/main"), &[]);
    assert_eq!(run.code, 2, "never a clean scan: {}", run.stderr);
    assert!(run.stderr.contains("fetch-depth"), "{}", run.stderr);
    // The step still leaves what the workflow's next steps read: a SARIF run marked failed
    // with the reason, the summary, the outputs and an error annotation.
    let invocation = &run.sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false, "{}", run.sarif);
    let reason = invocation["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap_or_default();
    assert!(reason.contains("fetch-depth"), "{}", run.sarif);
    assert!(run.summary.contains("could not run"), "{}", run.summary);
    assert!(run.outputs.contains("findings=0"), "{}", run.outputs);
    assert!(
        run.stdout
            .contains("::error title=keysweep could not scan::"),
        "{}",
        run.stdout
    );
}

#[test]
fn validate_and_only_valid_inputs_check_secrets_live() {
    let live = format!("acme_{}", random_chars(61, 24, ALNUM));
    let dead = format!("acme_{}", random_chars(62, 24, ALNUM));
    let live_in_mock = live.clone();
    let mock = Mock::start(move |r: &Received| {
        if r.carries(&live_in_mock) {
            Answer::new(200, r#"{"active":true,"account":{"name":"ci|<bot>"}}"#)
        } else {
            Answer::new(401, "")
        }
    });
    let rules = tree();
    let rules_file = write(rules.path(), "acme.toml", ACME_RULE);
    let c = checkout();
    c.repo.write("a.env", format!("A={live}\nB={dead}\n"));
    let head = c.repo.commit("a");
    let args = format!(
        "--rules {} --validate-endpoint acme={}",
        rules_file.display(),
        mock.base
    );
    let validation_of = |run: &Run, secret: &str| {
        run.sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["properties"]["secret"] == secret)
            .map(|r| r["properties"]["validation"].clone())
            .unwrap_or(Value::Null)
    };
    let run = c.run(
        "push",
        push_event(ZERO, &head, "refs/heads/main"),
        &[("validate", "true"), ("redact", "false"), ("args", &args)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(validation_of(&run, &live), "valid", "{}", run.sarif);
    assert_eq!(validation_of(&run, &dead), "invalid");
    assert!(run.stdout.contains("[live check: valid]"), "{}", run.stdout);
    assert!(
        run.summary.contains("live check: invalid"),
        "{}",
        run.summary
    );
    // Whose it is, as the provider said, kept from breaking the summary's table.
    assert!(
        run.summary
            .contains("live check: valid (account.name=ci\\|'bot')"),
        "{}",
        run.summary
    );
    // The revocation page, for the account the provider named (percent-encoded into the link).
    assert!(
        run.summary
            .contains("[revoke](https://console.acme.example/accounts/ci%7C%3Cbot%3E/tokens)"),
        "{}",
        run.summary
    );
    // `only-valid` (the CLI's name) and `only-verified` (its old name) do the same.
    for only_valid in ["only-valid", "only-verified"] {
        let run = c.run(
            "push",
            push_event(ZERO, &head, "refs/heads/main"),
            &[(only_valid, "true"), ("redact", "false"), ("args", &args)],
        );
        let results = run.sarif["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 1, "{only_valid}: {}", run.sarif);
        assert_eq!(results[0]["properties"]["secret"], live.as_str());
    }
}

/// A push of one commit without secrets, under the given inputs.
fn clean_push(inputs: &[(&str, &str)]) -> (Checkout, Run) {
    let c = checkout();
    c.repo.write("a.txt", "nothing to see\n");
    let head = c.repo.commit("a");
    let run = c.run("push", push_event(ZERO, &head, "refs/heads/main"), inputs);
    (c, run)
}

#[test]
fn the_sarif_file_may_name_folders_that_do_not_exist_yet() {
    let (c, run) = clean_push(&[("sarif-file", "reports/keysweep/scan.sarif")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = read_json(&c.repo.path().join("reports/keysweep/scan.sarif"));
    assert_eq!(written["version"], "2.1.0", "{}", run.stderr);
}

#[test]
fn a_bad_args_input_still_leaves_the_sarif_and_an_error_annotation() {
    let (_, run) = clean_push(&[("args", "--no-such-flag")]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let invocation = &run.sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false, "{}", run.sarif);
    assert!(
        run.stdout
            .contains("::error title=keysweep could not scan::the `args` input"),
        "{}",
        run.stdout
    );
    assert!(run.outputs.contains("findings=0"), "{}", run.outputs);
}

/// action/install.sh: the Action's install step.
const INSTALL_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/action/install.sh");
const RELEASE_TAG: &str = "v1.2.3";
/// The release target of a Linux x86_64 runner.
const LINUX_X64: &str = "x86_64-unknown-linux-musl";

/// A release archive as the release workflow packs it: `keysweep-<tag>-<target>/keysweep`, here
/// a script saying where it came from, and the README.
fn release_archive(tag: &str, target: &str) -> Vec<u8> {
    let script = format!("#!/bin/sh\necho \"keysweep {tag} from the release archive\"\n");
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (name, mode, bytes) in [
        ("keysweep", 0o755, script.as_bytes()),
        ("README.md", 0o644, b"# keysweep\n".as_slice()),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(bytes.len() as u64);
        header.set_mode(mode);
        header.set_cksum();
        tar.append_data(
            &mut header,
            format!("keysweep-{tag}-{target}/{name}"),
            bytes,
        )
        .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A SHA256SUMS that gives `digest` for the Linux x86_64 archive, among other targets' lines.
fn sha256sums(digest: &str) -> String {
    format!(
        "{}  keysweep-{RELEASE_TAG}-aarch64-apple-darwin.tar.gz\n\
         {digest}  keysweep-{RELEASE_TAG}-{LINUX_X64}.tar.gz\n\
         {}  keysweep-{RELEASE_TAG}-x86_64-pc-windows-msvc.zip\n",
        "a".repeat(64),
        "b".repeat(64)
    )
}

/// The download folder of `RELEASE_TAG`'s release, as GitHub serves it.
fn release_path() -> String {
    format!("/keysweep/keysweep/releases/download/{RELEASE_TAG}")
}

/// GitHub serving the release `RELEASE_TAG`: `archive` for Linux x86_64 and `sums` as its
/// SHA256SUMS (`None`: the release has none); anything else is a 404.
fn release_mock(archive: Vec<u8>, sums: Option<String>) -> Mock {
    let archive_path = format!(
        "{}/keysweep-{RELEASE_TAG}-{LINUX_X64}.tar.gz",
        release_path()
    );
    let sums_path = format!("{}/SHA256SUMS", release_path());
    Mock::start(move |r: &Received| match &sums {
        _ if r.url == archive_path => Answer::bytes(200, archive.clone()),
        Some(sums) if r.url == sums_path => Answer::new(200, sums.clone()),
        _ => Answer::new(404, "Not Found"),
    })
}

/// What the install step did.
struct Install {
    code: i32,
    stderr: String,
    /// The step's outputs (`$GITHUB_OUTPUT`).
    outputs: String,
}

/// Runs the install step of the Action at `git_ref` on a Linux x86_64 runner, downloading from
/// `base` and installing into `dest/bin`; its temporary files go to `dest/tmp`.
fn install(base: &str, git_ref: &str, dest: &Path) -> Install {
    let tmp = dest.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let outputs = dest.join("outputs.txt");
    let _ = std::fs::remove_file(&outputs);
    let out = std::process::Command::new("bash")
        .arg(INSTALL_SCRIPT)
        .args([git_ref, "keysweep/keysweep", "Linux", "X64"])
        .arg(dest.join("bin"))
        .env("KEYSWEEP_RELEASE_BASE_URL", base)
        .env("GITHUB_OUTPUT", &outputs)
        .env("TMPDIR", &tmp)
        // The mock is on this machine: no proxy in between.
        .env("no_proxy", "127.0.0.1")
        .env("NO_PROXY", "127.0.0.1")
        .output()
        .unwrap();
    Install {
        code: out.status.code().unwrap(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        outputs: std::fs::read_to_string(&outputs).unwrap_or_default(),
    }
}

/// Whether the install step left files in its temporary folder (an extracted binary).
fn leftovers(dest: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dest.join("tmp"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect()
}

#[test]
fn a_release_tag_installs_the_release_binary_once_its_checksum_matches() {
    let archive = release_archive(RELEASE_TAG, LINUX_X64);
    let mock = release_mock(archive.clone(), Some(sha256sums(&sha256_hex(&archive))));
    let dest = tree();
    let run = install(&mock.base, RELEASE_TAG, dest.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let binary = dest.path().join("bin/keysweep");
    assert_eq!(
        run.outputs,
        format!("build=false\nbinary={}\n", binary.display()),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("using the release binary"),
        "{}",
        run.stderr
    );
    let out = std::process::Command::new(&binary)
        .arg("version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "keysweep v1.2.3 from the release archive\n"
    );
    let asked: Vec<String> = mock.received().into_iter().map(|r| r.url).collect();
    assert_eq!(
        asked,
        [
            format!(
                "{}/keysweep-{RELEASE_TAG}-{LINUX_X64}.tar.gz",
                release_path()
            ),
            format!("{}/SHA256SUMS", release_path()),
        ]
    );
    assert_eq!(leftovers(dest.path()), Vec::<PathBuf>::new());
}

#[test]
fn a_checksum_mismatch_fails_the_step_and_leaves_no_binary_to_run() {
    let archive = release_archive(RELEASE_TAG, LINUX_X64);
    let published = sha256_hex(b"the archive the release workflow built");
    let mock = release_mock(archive, Some(sha256sums(&published)));
    let dest = tree();
    // Nor one from an earlier install.
    write(dest.path(), "bin/keysweep", "#!/bin/sh\necho stale\n");
    let run = install(&mock.base, RELEASE_TAG, dest.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("::error title=keysweep install::SHA-256 checksum mismatch"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(&published), "{}", run.stderr);
    assert_eq!(
        run.outputs, "",
        "no build either: a mismatch is tampering, not a missing release"
    );
    assert!(!dest.path().join("bin/keysweep").exists());
    assert_eq!(leftovers(dest.path()), Vec::<PathBuf>::new());
}

#[test]
fn a_release_without_a_checksum_for_its_archive_fails_the_step() {
    let archive = release_archive(RELEASE_TAG, LINUX_X64);
    // The right digest, under another archive's name; then no SHA256SUMS at all.
    let elsewhere = format!(
        "{}  keysweep-{RELEASE_TAG}-aarch64-apple-darwin.tar.gz\n",
        sha256_hex(&archive)
    );
    for sums in [Some(elsewhere), None] {
        let mock = release_mock(archive.clone(), sums.clone());
        let dest = tree();
        let run = install(&mock.base, RELEASE_TAG, dest.path());
        assert_eq!(run.code, 1, "{sums:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("::error") && run.stderr.contains("unverified binary"),
            "{sums:?}: {}",
            run.stderr
        );
        assert_eq!(run.outputs, "", "{sums:?}");
        assert!(!dest.path().join("bin/keysweep").exists());
    }
}

#[test]
fn a_tag_without_a_release_builds_from_source() {
    let archive = release_archive(RELEASE_TAG, LINUX_X64);
    let mock = release_mock(archive.clone(), Some(sha256sums(&sha256_hex(&archive))));
    let dest = tree();
    let run = install(&mock.base, "v1.2.4", dest.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.outputs, "build=true\n", "{}", run.stderr);
    assert!(!dest.path().join("bin/keysweep").exists());
    let asked: Vec<String> = mock.received().into_iter().map(|r| r.url).collect();
    assert_eq!(
        asked,
        [format!(
            "/keysweep/keysweep/releases/download/v1.2.4/keysweep-v1.2.4-{LINUX_X64}.tar.gz"
        )]
    );
}

#[test]
fn a_branch_or_commit_ref_builds_without_downloading_anything() {
    let mock = Mock::start(|_: &Received| Answer::new(500, ""));
    // Empty: a local action (`uses: ./`).
    for git_ref in [
        "main",
        "release/v1",
        "0123456789abcdef0123456789abcdef01234567",
        "",
    ] {
        let dest = tree();
        let run = install(&mock.base, git_ref, dest.path());
        assert_eq!(run.code, 0, "{git_ref}: {}", run.stderr);
        assert_eq!(run.outputs, "build=true\n", "{git_ref}: {}", run.stderr);
    }
    assert!(mock.received().is_empty(), "{:?}", mock.received());
}

#[test]
fn a_download_error_other_than_404_fails_the_step_rather_than_building() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dest = tree();
    let run = install(
        &format!("http://127.0.0.1:{closed}"),
        RELEASE_TAG,
        dest.path(),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("::error title=keysweep install::downloading"),
        "{}",
        run.stderr
    );
    assert_eq!(run.outputs, "");
}

#[test]
fn downloads_only_over_https_or_from_the_local_test_override() {
    let mock = Mock::start(|_: &Received| Answer::new(404, ""));
    let port = mock.base.rsplit(':').next().unwrap();
    for base in [
        format!("http://localhost:{port}"),
        format!("http://127.0.0.1.nip.io:{port}"),
        format!("http://127.0.0.1:{port}@example.com"),
        format!("ftp://127.0.0.1:{port}"),
        "http://example.com".to_string(),
        "file:///etc".to_string(),
    ] {
        let dest = tree();
        let run = install(&base, RELEASE_TAG, dest.path());
        assert_eq!(run.code, 1, "{base}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("::error title=keysweep install::refusing to download"),
            "{base}: {}",
            run.stderr
        );
        assert_eq!(run.outputs, "", "{base}");
    }
    assert!(mock.received().is_empty(), "{:?}", mock.received());
}
