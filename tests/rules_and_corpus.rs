//! The built-in rule library proves itself (`keysweep rules check`), a scan of the labelled
//! corpus reaches recall >= 0.98 and precision >= 0.97 (printed per rule family), and every
//! filter of the generic rule pays for itself on the corpus.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use serde_json::Value;

#[test]
fn builtin_rules_pass_their_own_examples() {
    let output = keysweep().args(["rules", "check"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("rules checked"), "{stdout}");
}

/// `rules explain` says which rule finds a secret and which stage lost one that is not found.
#[test]
fn rules_explain_names_the_stage_that_lost_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("settings.py");
    std::fs::write(
        &file,
        "OPENAI_API_KEY = \"sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n\
         STRIPE_KEY = \"sk_test_4eC39HqLyjWDarjtT1zdp7dc\"\n\
         pgp = \"$2b$12$tooShort\"\n\
         TAVILY_API_KEY = \"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\"\n\
         DB = \"postgres://app:Ps2020@db.acme.io/app\"\n",
    )
    .unwrap();
    let output = keysweep()
        .args([
            "rules",
            "explain",
            file.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let explained: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let stage = |rule: &str| {
        explained
            .iter()
            .find(|e| e["rule"] == rule)
            .map(|e| e["stage"].as_str().unwrap().to_string())
    };
    assert_eq!(stage("tavily.api-key").as_deref(), Some("found"));
    assert_eq!(stage("openai.api-key").as_deref(), Some("placeholder"));
    assert_eq!(
        stage("stripe.test-secret-key").as_deref(),
        Some("placeholder")
    );
    assert_eq!(stage("password-hash.bcrypt").as_deref(), Some("no-match"));
    assert_eq!(stage("github.pat-classic"), None, "no keyword of it occurs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        !text.contains("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"),
        "a found secret is not printed whole"
    );
    assert_eq!(stage("database.postgres-uri").as_deref(), Some("filtered"));
    assert!(
        !text.contains("Ps2020"),
        "a dropped secret is not printed whole either"
    );
    let refused = keysweep()
        .args(["rules", "explain", "/dev/zero"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("not a regular file"),
        "{refused:?}"
    );
}

#[test]
fn rules_list_names_every_rule_in_text_and_json() {
    let output = keysweep()
        .args(["rules", "list", "--format", "json"])
        .output()
        .unwrap();
    let rules: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert!(rules.len() >= 250, "{} rules", rules.len());
    let ids: BTreeSet<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), rules.len(), "ids are unique");
    let providers: BTreeSet<&str> = rules
        .iter()
        .map(|r| r["provider"].as_str().unwrap())
        .collect();
    assert!(providers.len() >= 150, "{} providers", providers.len());
    let validated: BTreeSet<&str> = rules
        .iter()
        .filter(|r| r["validates"] == true)
        .map(|r| r["provider"].as_str().unwrap())
        .collect();
    assert!(
        validated.len() >= 40,
        "{} providers validate",
        validated.len()
    );
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
        text.contains("checksum:github-crc32")
            && text.contains(&format!(
                "{} rules from {} providers",
                rules.len(),
                providers.len()
            ))
    );
}

type Label = (String, u64, String, String);

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
const MIN_RECALL: f64 = 0.98;
const MIN_PRECISION: f64 = 0.97;

fn labels() -> BTreeSet<Label> {
    std::fs::read_to_string(format!("{CORPUS}/labels.jsonl"))
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
        .collect()
}

fn provider(rule: &str) -> &str {
    rule.split('.').next().unwrap_or(rule)
}

/// Each rule's family: the signature file it comes from (`signatures/cloud.toml` -> `cloud`).
fn families() -> BTreeMap<String, String> {
    let output = keysweep()
        .args(["rules", "list", "--format", "json"])
        .output()
        .unwrap();
    let rules: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    rules
        .iter()
        .map(|r| {
            let origin = r["origin"].as_str().unwrap();
            let stem = origin.rsplit('/').next().unwrap().trim_end_matches(".toml");
            (r["id"].as_str().unwrap().to_string(), stem.to_string())
        })
        .collect()
}

/// (labelled, missed, false positives) of one group of rules.
#[derive(Default, Clone, Copy)]
struct Tally {
    labelled: usize,
    missed: usize,
    false_positives: usize,
}

impl Tally {
    fn recall(self) -> f64 {
        (self.labelled - self.missed) as f64 / self.labelled.max(1) as f64
    }
    fn precision(self) -> f64 {
        let found = self.labelled - self.missed;
        found as f64 / (found + self.false_positives).max(1) as f64
    }
}

#[test]
fn corpus_scan_meets_recall_and_precision_thresholds() {
    let expected = labels();
    let (code, report, stderr) = scan_json(&[&format!("{CORPUS}/cases")]);
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
    assert!(!paired.is_empty(), "the corpus has AWS key pairs to join");
    let missed: Vec<_> = expected
        .difference(&found)
        .filter(|(path, _, rule, secret)| {
            !paired.contains(&(path.clone(), rule.clone(), secret.clone()))
        })
        .collect();
    let false_positives: Vec<_> = found.difference(&expected).collect();
    // Recall and precision per rule family, printed for the record (`-- --nocapture`).
    let family_of = families();
    let family = |rule: &str| family_of.get(rule).cloned().unwrap_or_else(|| rule.into());
    let mut families: BTreeMap<String, Tally> = Default::default();
    let mut total = Tally::default();
    for (_, _, rule, _) in &expected {
        families.entry(family(rule)).or_default().labelled += 1;
        total.labelled += 1;
    }
    for (_, _, rule, _) in &missed {
        families.entry(family(rule)).or_default().missed += 1;
        total.missed += 1;
    }
    for (_, _, rule, _) in &false_positives {
        families.entry(family(rule)).or_default().false_positives += 1;
        total.false_positives += 1;
    }
    for (name, t) in &families {
        println!(
            "corpus {name:<16} labelled {:>3}  recall {:.2}  precision {:.2}",
            t.labelled,
            t.recall(),
            t.precision()
        );
    }
    println!(
        "corpus TOTAL            labelled {:>3}  recall {:.3}  precision {:.3}  files {}",
        total.labelled,
        total.recall(),
        total.precision(),
        expected.iter().map(|l| &l.0).collect::<BTreeSet<_>>().len()
    );
    assert!(
        total.recall() >= MIN_RECALL && total.precision() >= MIN_PRECISION,
        "recall {:.3} precision {:.3}\nmissed: {missed:#?}\nfalse positives: {false_positives:#?}",
        total.recall(),
        total.precision()
    );
    assert!(expected.len() >= 200, "{} labels", expected.len());
}

/// Each filter of the generic rule is switched off in turn: it must remove false positives on
/// the corpus. The table shows what each buys in precision and costs in recall.
#[test]
fn every_generic_filter_removes_false_positives_on_the_corpus() {
    use keysweep::rules::{Rule, RuleSet};
    use keysweep::scan::Target;
    use keysweep::scan::{self, ScanOptions, Scope};

    let expected: BTreeSet<Label> = labels()
        .into_iter()
        .filter(|l| provider(&l.2) == "generic")
        .collect();
    let options = ScanOptions {
        scope: Scope::WorkTree,
        respect_ignore: false,
        include_binary: false,
        max_file_size: 25 << 20,
        threads: 2,
        progress: false,
        decode: keysweep::decode::Limits::default(),
    };
    let tally = |switch_off: &dyn Fn(&mut Rule)| {
        let mut rules = RuleSet::builtin().unwrap();
        for rule in rules
            .rules
            .iter_mut()
            .filter(|r| provider(&r.id) == "generic")
        {
            switch_off(rule);
        }
        let outcome = scan::scan(
            &Target::Path(format!("{CORPUS}/cases").into()),
            &rules,
            &options,
        )
        .unwrap();
        let found: BTreeSet<Label> = outcome
            .findings
            .iter()
            .filter(|f| provider(&f.rule_id) == "generic")
            .flat_map(|f| {
                f.occurrences.iter().map(|o| {
                    (
                        o.path.clone(),
                        o.location.line as u64,
                        f.rule_id.clone(),
                        f.secret.clone(),
                    )
                })
            })
            .collect();
        Tally {
            labelled: expected.len(),
            missed: expected.difference(&found).count(),
            false_positives: found.difference(&expected).count(),
        }
    };
    type Switch = (&'static str, fn(&mut Rule));
    let filters: [Switch; 5] = [
        ("character classes", |r| r.require.clear()),
        ("UUID exclusion", |r| r.exclude_secret_regex = None),
        ("stopwords", |r| r.stopwords.clear()),
        ("entropy minimum", |r| r.entropy = None),
        ("token efficiency", |r| r.max_token_efficiency = None),
    ];
    let all = tally(&|_| {});
    println!("generic rule on the corpus      recall  precision  false positives");
    println!(
        "  all filters                    {:.2}    {:.2}       {}",
        all.recall(),
        all.precision(),
        all.false_positives
    );
    for (name, switch_off) in filters {
        let without = tally(&|r| switch_off(r));
        println!(
            "  without {name:<22} {:.2}    {:.2}       {}",
            without.recall(),
            without.precision(),
            without.false_positives
        );
        assert!(
            without.false_positives > all.false_positives,
            "switching off the {name} filter lets no more false positives through: it buys nothing on the corpus"
        );
    }
    let none = tally(&|r| filters.iter().for_each(|(_, off)| off(r)));
    println!(
        "  no filters                     {:.2}    {:.2}       {}",
        none.recall(),
        none.precision(),
        none.false_positives
    );
    assert!(expected.len() >= 5, "the corpus labels generic secrets");
}
