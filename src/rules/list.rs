//! `keysweep rules list`: every rule with its provider, severity, confidence and the offline
//! checks that gate it, as a table or JSON, with totals.

use std::{collections::BTreeSet, io::Write};

use super::{Rule, RuleSet};

/// The offline checks a rule's candidates must pass, in words (e.g. `checksum:github-crc32`).
pub fn checks(rule: &Rule) -> Vec<String> {
    let mut checks = Vec::new();
    if let Some(c) = &rule.checksum {
        checks.push(format!("checksum:{c}"));
    }
    if let Some(e) = rule.entropy {
        checks.push(format!("entropy>={e}"));
    }
    if !rule.require.is_empty() {
        checks.push("charset".into());
    }
    if let Some(pair) = &rule.pair {
        checks.push(format!("pair:{}", pair.rule));
    }
    if rule.validate.is_some() {
        checks.push("live".into());
    }
    checks
}

/// Distinct providers (the part of a rule id before the first dot).
pub fn providers(set: &RuleSet) -> BTreeSet<&str> {
    set.rules.iter().map(Rule::provider).collect()
}

/// Providers with at least one rule that `--validate` can check live.
pub fn validated_providers(set: &RuleSet) -> BTreeSet<&str> {
    set.rules
        .iter()
        .filter(|r| r.validate.is_some())
        .map(Rule::provider)
        .collect()
}

/// The table: one line per rule (id, severity, confidence, [`checks`], name), then totals
/// naming the keyword prefilter's engine, `prefilter`.
pub fn text(set: &RuleSet, prefilter: &str, out: &mut impl Write) -> std::io::Result<()> {
    for r in &set.rules {
        let checks = checks(r);
        let checks = if checks.is_empty() {
            "-".to_string()
        } else {
            checks.join(",")
        };
        writeln!(
            out,
            "{:<40} {:<9} {:<7} {:<30} {}",
            r.id, r.severity, r.confidence, checks, r.name
        )?;
    }
    writeln!(
        out,
        "{} rules from {} providers, {} validated live by {} providers (keyword prefilter: {prefilter})",
        set.rules.len(),
        providers(set).len(),
        set.rules.iter().filter(|r| r.validate.is_some()).count(),
        validated_providers(set).len()
    )
}

/// A JSON array with one object per rule, adding provider, checksum, entropy, keywords and
/// origin to the table's columns.
pub fn json(set: &RuleSet, out: &mut impl Write) -> std::io::Result<()> {
    let list: Vec<_> = set
        .rules
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id, "provider": r.provider(), "name": r.name, "severity": r.severity,
                "confidence": r.confidence, "checks": checks(r), "checksum": r.checksum,
                "entropy": r.entropy, "keywords": r.keywords, "origin": r.origin,
                "validates": r.validate.is_some(),
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &list)?;
    writeln!(out)
}
