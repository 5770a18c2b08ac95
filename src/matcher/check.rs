//! `keysweep rules check`: every rule proves itself with its own examples.
//!
//! Runs each example through the real matcher (keyword prefilter, window, regex, gates), so a
//! rule that passes here behaves the same in a scan.

use super::Matcher;
use crate::rules::{Example, Rule, RuleSet};

/// Minimum number of positive and of negative examples per rule.
pub const MIN_EXAMPLES: usize = 2;

/// One thing wrong with one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The rule's id.
    pub rule: String,
    /// What is wrong, in words (an example that does not match, a negative one that does).
    pub message: String,
}

/// Checks every rule of the set; an empty result means all is well.
pub fn check(set: &RuleSet) -> anyhow::Result<Vec<Problem>> {
    let matcher = Matcher::new(set)?;
    let mut problems = Vec::new();
    for (index, rule) in set.rules.iter().enumerate() {
        let mut report = |message: String| {
            problems.push(Problem {
                rule: rule.id.clone(),
                message,
            })
        };
        if let Err(e) = rule.regex() {
            report(format!("regex does not compile: {e}"));
            continue;
        }
        if rule.examples.len() < MIN_EXAMPLES {
            report(format!(
                "has {} examples, needs at least {MIN_EXAMPLES}",
                rule.examples.len()
            ));
        }
        if rule.negative_examples.len() < MIN_EXAMPLES {
            report(format!(
                "has {} negative examples, needs at least {MIN_EXAMPLES}",
                rule.negative_examples.len()
            ));
        }
        for example in &rule.examples {
            if let Some(problem) = check_example(&matcher, index, example) {
                report(problem);
            }
        }
        for negative in &rule.negative_examples {
            let hits = secrets_of(&matcher, index, negative.as_bytes());
            if !hits.is_empty() {
                report(format!(
                    "negative example {negative:?} matches ({})",
                    hits.join(", ")
                ));
            }
        }
        if let Some(pair) = &rule.pair
            && !set.rules.iter().any(|r| r.id == pair.rule)
        {
            report(format!(
                "pairs with rule {}, which does not exist",
                pair.rule
            ));
        }
        for keyword in &rule.keywords {
            let occurs = rule
                .examples
                .iter()
                .any(|e| keyword_occurs(rule, keyword, e.text().as_bytes()));
            if !occurs {
                report(format!(
                    "keyword {keyword:?} occurs in none of the examples"
                ));
            }
        }
    }
    Ok(problems)
}

/// What one rule makes of a text, for `rules explain`.
#[derive(Debug, serde::Serialize)]
pub struct Explained {
    /// The rule's id.
    pub rule: String,
    /// `found` when it reports a secret there, otherwise the stage that lost it.
    pub stage: &'static str,
    /// The same in words (for a found secret, which one, redacted to its first characters).
    pub outcome: String,
}

/// For every rule one of whose keywords occurs in `text`: what it finds, or why it finds
/// nothing (the same answer `rules check` gives for an example that does not match).
pub fn explain(set: &RuleSet, text: &[u8]) -> anyhow::Result<Vec<Explained>> {
    let matcher = Matcher::new(set)?;
    let found = matcher.find_all(text);
    // The file may be large and hold real secrets: lowered once for the keyword test of every
    // rule, and secrets shown redacted, found or dropped.
    let lower = text.to_ascii_lowercase();
    let redacted = |secret: &str| format!("{:?}", crate::redact::redact_secret(secret));
    let mut explained = Vec::new();
    for (index, rule) in set.rules.iter().enumerate() {
        if !rule
            .keywords
            .iter()
            .any(|k| keyword_occurs_in(rule, k, text, &lower))
        {
            continue;
        }
        let mine: Vec<_> = found.iter().filter(|m| m.rule == index).collect();
        let (stage, outcome) = if let Some(first) = mine.first() {
            let secret = String::from_utf8_lossy(&text[first.secret.clone()]);
            (
                "found",
                format!(
                    "finds {} ({})",
                    crate::plural::count(mine.len(), "secret"),
                    redacted(&secret)
                ),
            )
        } else {
            lost_at(&matcher, index, text, &redacted)
        };
        explained.push(Explained {
            rule: rule.id.clone(),
            stage,
            outcome,
        });
    }
    Ok(explained)
}

fn check_example(matcher: &Matcher, rule: usize, example: &Example) -> Option<String> {
    let text = example.text().as_bytes();
    let secrets = secrets_of(matcher, rule, text);
    // When two rules extract the same secret, the more confident one names it: a rule whose
    // own example is named by another rule is shadowed and would never report.
    let shadowed_by = || {
        matcher
            .find_all(text)
            .into_iter()
            .find(|m| {
                m.rule != rule
                    && example
                        .secret()
                        .is_none_or(|s| text[m.secret.clone()] == *s.as_bytes())
            })
            .map(|m| matcher.rules()[m.rule].id.clone())
    };
    match example.secret() {
        _ if secrets.is_empty() => {
            // Examples are fakes written into rule files: shown whole.
            let (stage, why) = lost_at(matcher, rule, text, &|secret| format!("{secret:?}"));
            // Shadowed only if the rule itself would report it; a rule that does not match is
            // told so, whoever else names the secret.
            Some(match shadowed_by().filter(|_| stage == GATES_PASS) {
                Some(other) => format!(
                    "example {:?} is shadowed by rule {other}, which names its secret",
                    example.text()
                ),
                None => format!("example {:?} does not match: {why}", example.text()),
            })
        }
        Some(claimed) if !secrets.iter().any(|s| s == claimed) => Some(format!(
            "example {:?} yields {} instead of {claimed:?}",
            example.text(),
            secrets.join(", ")
        )),
        _ => None,
    }
}

/// Whether `keyword` of `rule` occurs in `text`, in the rule's case sensitivity.
fn keyword_occurs(rule: &Rule, keyword: &str, text: &[u8]) -> bool {
    if rule.case_insensitive {
        keyword_occurs_in(rule, keyword, text, &text.to_ascii_lowercase())
    } else {
        keyword_occurs_in(rule, keyword, text, text)
    }
}

/// [`keyword_occurs`] with `text` already lowered (`lower`), for many rules over one text.
fn keyword_occurs_in(rule: &Rule, keyword: &str, text: &[u8], lower: &[u8]) -> bool {
    if rule.case_insensitive {
        memchr::memmem::find(lower, keyword.to_ascii_lowercase().as_bytes()).is_some()
    } else {
        memchr::memmem::find(text, keyword.as_bytes()).is_some()
    }
}

/// The stage of a secret the rule's regex and gates accept that it still does not report: no
/// keyword inside the match, or another rule names the secret.
const GATES_PASS: &str = "gates-pass";

/// Which stage lost `rule`'s secret in `text` (a short name for scripts) and why, in words,
/// a dropped secret written as `show` writes it.
fn lost_at(
    matcher: &Matcher,
    rule: usize,
    text: &[u8],
    show: &dyn Fn(&str) -> String,
) -> (&'static str, String) {
    let r = &matcher.rules()[rule];
    if !r.keywords.iter().any(|k| keyword_occurs(r, k, text)) {
        return (
            "no-keyword",
            format!("none of its keywords {:?} occurs in it", r.keywords),
        );
    }
    let compiled = match r.regex() {
        Ok(compiled) => compiled,
        Err(e) => return ("invalid", format!("its regex does not compile: {e}")),
    };
    let mut matched = false;
    for caps in compiled.regex.captures_iter(text) {
        matched = true;
        let (Some(whole), Some(secret)) = (caps.get(0), caps.get(compiled.secret_group)) else {
            continue;
        };
        if let Err(dropped) = matcher.gate(rule, whole.range(), secret.range(), text) {
            return (
                dropped.stage(),
                format!(
                    "its regex matches {}, but {dropped}",
                    show(&String::from_utf8_lossy(secret.as_bytes()))
                ),
            );
        }
    }
    if matched {
        (
            GATES_PASS,
            "its regex matches and the gates pass, but no keyword lies inside the match or a \
             more confident rule names the secret"
                .to_string(),
        )
    } else {
        ("no-match", "its regex does not match".to_string())
    }
}

/// The secrets rule `rule` extracts from `text`, through the full matcher.
fn secrets_of(matcher: &Matcher, rule: usize, text: &[u8]) -> Vec<String> {
    matcher
        .find_all(text)
        .into_iter()
        .filter(|m| m.rule == rule)
        .map(|m| String::from_utf8_lossy(&text[m.secret]).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_a_rule_whose_negative_example_matches_and_whose_keyword_is_unused() {
        let mut set = RuleSet::default();
        set.add_toml(
            r#"
            [[rules]]
            id = "t.bad"
            name = "Bad"
            keywords = ["tok_", "unused_"]
            regex = '''(tok_[0-9]{4})'''
            severity = "low"
            confidence = "low"
            examples = [{ text = "tok_1234", secret = "tok_1234" }, { text = "a tok_9999", secret = "tok_0000" }]
            negative_examples = ["tok_5678", "tok_12"]
        "#,
            "test",
        )
        .unwrap();
        let problems = check(&set).unwrap();
        let text: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
        assert!(
            text.iter()
                .any(|m| m.contains("yields tok_9999 instead of \"tok_0000\"")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|m| m.contains("negative example \"tok_5678\" matches")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|m| m.contains("keyword \"unused_\"")),
            "{text:?}"
        );
        assert_eq!(problems.len(), 3, "{text:?}");
    }

    #[test]
    fn reports_a_rule_shadowed_by_a_more_confident_one() {
        let mut set = RuleSet::default();
        let rule = |id: &str, confidence: &str| {
            format!(
                "[[rules]]\nid = \"{id}\"\nname = \"{id}\"\nkeywords = [\"tok_\"]\nregex = '''(tok_[0-9]{{4}})'''\n\
                 severity = \"low\"\nconfidence = \"{confidence}\"\nexamples = [\"a tok_1234\", \"b tok_5678\"]\n\
                 negative_examples = [\"tok_12\", \"tok_ab\"]\n"
            )
        };
        set.add_toml(&(rule("t.weak", "low") + &rule("t.strong", "high")), "test")
            .unwrap();
        let problems = check(&set).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems
                .iter()
                .all(|p| p.rule == "t.weak" && p.message.contains("shadowed by rule t.strong")),
            "{problems:?}"
        );
    }

    #[test]
    fn a_failing_example_says_which_stage_lost_it() {
        let mut set = RuleSet::default();
        set.add_toml(
            r#"
            [[rules]]
            id = "t.why"
            name = "Why"
            keywords = ["tok_"]
            regex = '''(tok_[a-z0-9]{8})'''
            entropy = 2.5
            severity = "low"
            confidence = "low"
            examples = ["tok_aaaaaaab", "tok_xxxxxxxx", "key_k3v9q2m8", "tok_SHOUTING"]
        "#,
            "test",
        )
        .unwrap();
        let problems = check(&set).unwrap();
        let said = |example: &str| {
            problems
                .iter()
                .find(|p| p.message.contains(example))
                .map_or(String::new(), |p| p.message.clone())
        };
        assert!(said("tok_aaaaaaab").contains("entropy"), "{problems:?}");
        assert!(said("tok_xxxxxxxx").contains("placeholder"), "{problems:?}");
        assert!(
            said("key_k3v9q2m8").contains("none of its keywords"),
            "{problems:?}"
        );
        assert!(
            said("tok_SHOUTING").contains("regex does not match"),
            "{problems:?}"
        );
    }
}
