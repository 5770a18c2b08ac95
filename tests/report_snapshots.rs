//! Snapshots of the reports as a user gets them: the real binary's exit code, standard output
//! and standard error for the text, JSON and SARIF formats, on the bundled demo tree (README's
//! `scan corpus/cases`) and on a small repository whose secret was committed and then deleted.
//! Any change in the shape of a report fails here and shows as a diff of `tests/snapshots/`;
//! to accept an intended one, see README ("The two commands").
//!
//! Only what varies between runs is masked: the scan's duration, the temp directory and the
//! tool's version.

mod common;

use std::path::Path;

use common::{Repo, keysweep, stripe_key};

/// Runs `keysweep scan ARGS` in `dir` and lays out what it printed, every byte of it: the
/// stream markers keep trailing newlines, which insta would otherwise trim, in the comparison.
fn scan(dir: &Path, args: &[&str]) -> String {
    let output = keysweep()
        .current_dir(dir)
        .arg("scan")
        .args(args)
        .output()
        .unwrap();
    format!(
        "$ keysweep scan {}\n{}\n----- stdout -----\n{}----- stderr -----\n{}----- end -----\n",
        args.join(" "),
        output.status,
        String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    )
}

/// Asserts `name`'s snapshot with the run-to-run variations masked, `temp_dir` (as given and
/// canonical) among them wherever it appears.
fn assert_report(name: &str, report: &str, temp_dir: Option<&Path>) {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"scanned in \d+\.\d+ s\b", "scanned in [DURATION] s");
    settings.add_filter(
        &format!(
            r#""(version|semanticVersion)": "{}""#,
            regex::escape(env!("CARGO_PKG_VERSION"))
        ),
        r#""$1": "[VERSION]""#,
    );
    if let Some(dir) = temp_dir {
        for form in [dir.to_path_buf(), dir.canonicalize().unwrap()] {
            settings.add_filter(&regex::escape(form.to_str().unwrap()), "[TEMP]");
        }
    }
    settings.bind(|| insta::assert_snapshot!(name, report));
}

fn demo(args: &[&str]) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = vec!["corpus/cases"];
    all.extend_from_slice(args);
    scan(root, &all)
}

#[test]
fn demo_text() {
    assert_report("demo_text", &demo(&["--format", "text"]), None);
}

#[test]
fn demo_text_redacted() {
    assert_report(
        "demo_text_redacted",
        &demo(&["--format", "text", "--redact"]),
        None,
    );
}

#[test]
fn demo_json() {
    assert_report("demo_json", &demo(&["--format", "json"]), None);
}

#[test]
fn demo_sarif() {
    assert_report("demo_sarif", &demo(&["--format", "sarif"]), None);
}

/// README's first example: a Stripe key committed in the second commit and deleted in the
/// third, so it is only in history. Fixed identity and dates make the commit ids stable.
fn history_repo() -> Repo {
    let repo = Repo::new();
    repo.write("README.md", "# demo\n");
    repo.commit("initial");
    repo.write(
        "settings.env",
        format!("DEBUG=1\nSTRIPE_KEY={}\n", stripe_key(2026)),
    );
    repo.commit("add settings");
    repo.git(&["rm", "-q", "settings.env"]);
    repo.commit("remove settings");
    repo
}

fn history(args: &[&str]) -> (Repo, String) {
    let repo = history_repo();
    let mut all = vec!["."];
    all.extend_from_slice(args);
    let report = scan(repo.path(), &all);
    (repo, report)
}

#[test]
fn history_text() {
    let (repo, report) = history(&["--format", "text"]);
    assert_report("history_text", &report, Some(repo.path()));
}

#[test]
fn history_json() {
    let (repo, report) = history(&["--format", "json"]);
    assert_report("history_json", &report, Some(repo.path()));
}

#[test]
fn history_sarif() {
    let (repo, report) = history(&["--format", "sarif"]);
    assert_report("history_sarif", &report, Some(repo.path()));
}
