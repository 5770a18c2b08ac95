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

/// The table: a header, one line per rule (id, severity, confidence, [`checks`], name) in
/// columns as wide as their widest cell, then totals naming the keyword prefilter's engine,
/// `prefilter`.
pub fn text(set: &RuleSet, prefilter: &str, out: &mut impl Write) -> std::io::Result<()> {
    const HEADER: [&str; 5] = ["ID", "SEVERITY", "CONFIDENCE", "CHECKS", "NAME"];
    let rows: Vec<[String; 5]> = set
        .rules
        .iter()
        .map(|r| {
            let checks = checks(r);
            [
                r.id.clone(),
                r.severity.to_string(),
                r.confidence.to_string(),
                if checks.is_empty() {
                    "-".to_string()
                } else {
                    checks.join(",")
                },
                r.name.clone(),
            ]
        })
        .collect();
    let mut widths = HEADER.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 5]| {
        let mut line = String::new();
        for (i, cell) in cells.iter().enumerate().take(4) {
            line.push_str(&format!("{cell:<width$}  ", width = widths[i]));
        }
        line.push_str(cells[4]);
        line
    };
    writeln!(out, "{}", line(HEADER))?;
    for row in &rows {
        writeln!(out, "{}", line(row.each_ref().map(String::as_str)))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_a_header_and_every_column_lines_up() {
        let set = RuleSet::builtin().unwrap();
        let mut out = Vec::new();
        text(&set, "test", &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with("ID "), "{}", lines[0]);
        // Each rule's name starts where the header's NAME does.
        let name_at = lines[0].find("NAME").unwrap();
        for (line, rule) in lines[1..].iter().zip(&set.rules) {
            assert_eq!(
                line.char_indices().nth(name_at).map(|(i, _)| &line[i..]),
                Some(rule.name.as_str()),
                "{line}"
            );
        }
        assert_eq!(lines.len(), set.rules.len() + 2);
    }
}
