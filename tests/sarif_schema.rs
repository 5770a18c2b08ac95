//! The SARIF report validates against the official SARIF 2.1.0 JSON schema (OASIS), for a
//! plain directory and for a repository whose findings carry history and related locations.

mod common;

use common::*;
use serde_json::Value;

fn sarif_of(path: &str, extra: &[&str]) -> Value {
    let output = keysweep()
        .args(["scan", path, "--format", "sarif"])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn directory_scan_sarif_is_schema_valid() {
    let dir = tree();
    write(
        dir.path(),
        "odd name #1.env",
        format!("GH={}\nAWS={}\n", github_token(1), aws_key_id(1)),
    );
    let sarif = sarif_of(dir.path().to_str().unwrap(), &[]);
    validate_sarif(&sarif);
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "odd%20name%20%231.env"
    );
}

#[test]
fn history_scan_sarif_is_schema_valid_and_names_the_commit() {
    let repo = Repo::new();
    let token = github_token(2);
    repo.write("a.env", format!("T={token}\n"));
    let first = repo.commit("add a");
    repo.write("b.env", format!("# copy\nT={token}\n"));
    repo.commit("add b");
    repo.git(&["rm", "-q", "a.env", "b.env"]);
    repo.commit("remove both");
    let sarif = sarif_of(repo.path_str(), &["--redact"]);
    validate_sarif(&sarif);
    let result = &sarif["runs"][0]["results"][0];
    let message = result["message"]["text"].as_str().unwrap();
    assert!(
        message.contains(&first[..12]) && message.contains("history only"),
        "{message}"
    );
    assert_eq!(result["properties"]["commit"], first);
    assert_eq!(result["properties"]["presentAtHead"], false);
    assert_eq!(result["relatedLocations"].as_array().unwrap().len(), 1);
}
