//! The built-in rule library proves itself (`keysweep rules check`), and a scan of the labelled
//! corpus finds exactly the labelled secrets: full recall, no false positive.

mod common;

use std::collections::BTreeSet;

use common::*;
use serde_json::Value;

#[test]
fn builtin_rules_pass_their_own_examples() {
    let output = keysweep().args(["rules", "check"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("rules checked"), "{stdout}");
}

#[test]
fn rules_list_names_every_rule_in_text_and_json() {
    let output = keysweep()
        .args(["rules", "list", "--format", "json"])
        .output()
        .unwrap();
    let rules: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert!(rules.len() >= 30, "{} rules", rules.len());
    let ids: BTreeSet<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), rules.len(), "ids are unique");
    for id in [
        "aws.access-key-id",
        "github.pat-classic",
        "crypto.private-key",
        "generic.secret-assignment",
    ] {
        assert!(ids.contains(id), "{id} missing");
    }
    let text = keysweep().args(["rules", "list"]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("checksum:github-crc32") && text.contains(&format!("{} rules", rules.len()))
    );
}

type Label = (String, u64, String, String);

#[test]
fn corpus_scan_matches_the_labels_exactly() {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
    let expected: BTreeSet<Label> = std::fs::read_to_string(format!("{corpus}/labels.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let path = v["path"]
                .as_str()
                .unwrap()
                .trim_start_matches("cases/")
                .to_string();
            (
                path,
                v["line"].as_u64().unwrap(),
                v["rule"].as_str().unwrap().into(),
                v["secret"].as_str().unwrap().into(),
            )
        })
        .collect();
    let (code, report, stderr) = scan_json(&[&format!("{corpus}/cases")]);
    assert_eq!(code, 1, "{stderr}");
    let found: BTreeSet<Label> = findings(&report)
        .iter()
        .flat_map(|f| {
            f["occurrences"].as_array().unwrap().iter().map(move |o| {
                (
                    o["path"].as_str().unwrap().to_string(),
                    o["line"].as_u64().unwrap(),
                    f["rule_id"].as_str().unwrap().to_string(),
                    f["secret"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    // The other half of a paired credential (an AWS key id next to its secret) is reported
    // inside its partner's finding, at the partner's occurrences.
    let paired: BTreeSet<(String, String, String)> = findings(&report)
        .iter()
        .filter(|f| f.get("paired_with").is_some())
        .flat_map(|f| {
            f["occurrences"].as_array().unwrap().iter().map(move |o| {
                (
                    o["path"].as_str().unwrap().to_string(),
                    f["paired_with"]["rule_id"].as_str().unwrap().to_string(),
                    f["paired_with"]["secret"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    let missed: Vec<_> = expected
        .difference(&found)
        .filter(|(path, _, rule, secret)| {
            !paired.contains(&(path.clone(), rule.clone(), secret.clone()))
        })
        .collect();
    assert!(!paired.is_empty(), "the corpus has AWS key pairs to join");
    let false_positives: Vec<_> = found.difference(&expected).collect();
    // Recall and precision per rule family (the id's first part), printed for the record
    // (`cargo test -- --nocapture`); the assertion below demands all of both.
    let family = |rule: &str| rule.split('.').next().unwrap_or(rule).to_string();
    let mut families: std::collections::BTreeMap<String, [usize; 3]> = Default::default();
    for (_, _, rule, _) in &expected {
        families.entry(family(rule)).or_default()[0] += 1;
    }
    for (_, _, rule, _) in &missed {
        families.entry(family(rule)).or_default()[1] += 1;
    }
    for (_, _, rule, _) in &false_positives {
        families.entry(family(rule)).or_default()[2] += 1;
    }
    for (name, [labelled, missed, false_positive]) in &families {
        let found = labelled - missed;
        let recall = found as f64 / (*labelled).max(1) as f64;
        let precision = found as f64 / (found + false_positive).max(1) as f64;
        println!(
            "corpus {name:<10} labelled {labelled:>3}  recall {recall:.2}  precision {precision:.2}"
        );
    }
    assert!(
        missed.is_empty() && false_positives.is_empty(),
        "missed: {missed:#?}\nfalse positives: {false_positives:#?}"
    );
    assert!(expected.len() >= 30);
}
