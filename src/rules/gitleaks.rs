//! Importing a gitleaks or Betterleaks TOML config (`--rules .gitleaks.toml`), so teams keep
//! the rules and allowlists they already have.
//!
//! What maps: `[[rules]]` (`id`, `description`, `regex`, `secretGroup`, `entropy`, `keywords`,
//! rule allowlists' `stopwords` and `regexes` aimed at the secret or the match), the global
//! `[allowlist]` / `[[allowlists]]` (`paths` and `regexes` as regexes, `stopwords`), and
//! `[extend] disabledRules`. A rule without keywords gets its regex's literal prefixes as
//! keywords (the prefilter needs some); their keywords need only be near a match, as in
//! gitleaks. What cannot map is listed, never silently dropped: rules with no regex (file-name
//! rules), rules with no usable literal, path-scoped rules and allowlists, commit allowlists,
//! `line`-targeted regexes, and expression filters.

use anyhow::Result;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use serde::Deserialize;

use super::Rule;

/// A gitleaks-style config, as far as keysweep reads it.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GitleaksFile {
    #[serde(default)]
    rules: Vec<GitleaksRule>,
    allowlist: Option<GitleaksAllowlist>,
    #[serde(default)]
    allowlists: Vec<GitleaksAllowlist>,
    extend: Option<Extend>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Extend {
    #[serde(default)]
    disabled_rules: Vec<String>,
    /// gitleaks' default rules; keysweep's built-in rules take their place.
    use_default: Option<bool>,
    /// Another config file or URL to extend: never followed.
    path: Option<String>,
    url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GitleaksRule {
    id: String,
    #[serde(default)]
    description: String,
    regex: Option<String>,
    secret_group: Option<usize>,
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    path: Option<String>,
    allowlist: Option<GitleaksAllowlist>,
    #[serde(default)]
    allowlists: Vec<GitleaksAllowlist>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GitleaksAllowlist {
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    regexes: Vec<String>,
    regex_target: Option<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    commits: Vec<String>,
}

/// What an import brings: rules, global allowlist parts, and what it could not take over.
#[derive(Debug, Default)]
pub struct Imported {
    /// The config's rules that keysweep can express, converted and their regexes compiled.
    pub rules: Vec<Rule>,
    /// Global allowlist `paths`: regexes over the path.
    pub path_regexes: Vec<String>,
    /// Global allowlist `regexes` that target the secret or the whole match, applied to the
    /// secret.
    pub secret_regexes: Vec<String>,
    /// Global allowlist `stopwords`: a secret containing one is allowed.
    pub stopwords: Vec<String>,
    /// `[extend] disabledRules`: rule ids to drop, as `[rules] disable` does.
    pub disabled_rules: Vec<String>,
    /// Human-readable notes about each thing not imported.
    pub skipped: Vec<String>,
}

/// Looks like a gitleaks/Betterleaks config rather than a keysweep rule file.
pub fn is_gitleaks(text: &str) -> bool {
    let Ok(value) = text.parse::<toml::Table>() else {
        return false;
    };
    let gitleaks_rule = value
        .get("rules")
        .and_then(|r| r.as_array())
        .is_some_and(|rules| {
            // keysweep rules always have a `name` (and may have a `description`, as gitleaks
            // rules do); these keys exist only in gitleaks' format.
            rules.iter().any(|r| {
                r.get("name").is_none()
                    || ["secretGroup", "tags", "allowlist", "allowlists", "path"]
                        .iter()
                        .any(|k| r.get(*k).is_some())
            })
        });
    gitleaks_rule
        || ["allowlist", "allowlists", "extend", "title"]
            .iter()
            .any(|k| value.contains_key(*k))
}

/// Gitleaks rules may be long (private keys): the window searched around a keyword.
const IMPORTED_MAX_LEN: usize = 4096;

/// Converts a gitleaks or Betterleaks config (`origin` names it in messages). Only unparsable
/// TOML is an error: whatever cannot be taken over is listed in [`Imported::skipped`].
pub fn import(text: &str, origin: &str) -> Result<Imported> {
    let file: GitleaksFile = toml::from_str(text).map_err(|e| {
        anyhow::anyhow!(
            "parsing gitleaks config {origin}: {}",
            crate::untrusted::toml_error(&e, text)
        )
    })?;
    let mut out = Imported::default();
    for allowlist in file.allowlist.iter().chain(&file.allowlists) {
        out.path_regexes.extend(allowlist.paths.iter().cloned());
        out.stopwords.extend(allowlist.stopwords.iter().cloned());
        match allowlist.regex_target.as_deref() {
            None | Some("secret") | Some("match") => {
                out.secret_regexes.extend(allowlist.regexes.iter().cloned())
            }
            Some(other) => out
                .skipped
                .push(format!("global allowlist regexes targeting `{other}`")),
        }
        if !allowlist.commits.is_empty() {
            out.skipped.push(format!(
                "{} (use a baseline instead)",
                crate::plural::count(allowlist.commits.len(), "allowlisted commit")
            ));
        }
    }
    if let Some(extend) = file.extend {
        if extend.use_default == Some(true) {
            out.skipped.push(
                "[extend] useDefault (gitleaks' default rules; keysweep's built-in rules apply instead)"
                    .to_string(),
            );
        }
        if extend.path.is_some() || extend.url.is_some() {
            out.skipped
                .push("[extend] path or url (another configuration is never followed)".to_string());
        }
        out.disabled_rules = extend.disabled_rules;
    }
    for rule in file.rules {
        match convert(rule, origin) {
            Ok(r) => out.rules.push(r),
            Err(note) => out.skipped.push(note),
        }
    }
    Ok(out)
}

fn convert(rule: GitleaksRule, origin: &str) -> std::result::Result<Rule, String> {
    let id = rule.id.clone();
    let Some(regex) = rule.regex else {
        return Err(format!("rule {id}: matches file names only (no regex)"));
    };
    if rule.path.is_some() {
        return Err(format!(
            "rule {id}: limited to certain paths, which keysweep rules cannot express yet"
        ));
    }
    if regex.len() > super::MAX_PATTERN {
        return Err(format!(
            "rule {id}: regex longer than {} bytes",
            super::MAX_PATTERN
        ));
    }
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(&regex)
        .map_err(|e| {
            // The error's own text quotes the pattern: only its kind is shown.
            let kind = match &e {
                regex_syntax::Error::Parse(e) => e.kind().to_string(),
                regex_syntax::Error::Translate(e) => e.kind().to_string(),
                _ => "invalid syntax".to_string(),
            };
            format!("rule {id}: regex does not parse: {kind}")
        })?;
    let (keywords, keywords_inside_match) = if rule.keywords.is_empty() {
        (
            literal_prefixes(&hir).ok_or_else(|| {
                format!("rule {id}: no keywords and no literal prefix to find it by")
            })?,
            true,
        )
    } else {
        (
            rule.keywords
                .iter()
                .map(|k| k.to_ascii_lowercase())
                .collect(),
            false,
        )
    };
    let secret_group = rule.secret_group.or(Some(usize::from(
        hir.properties().explicit_captures_len() > 0,
    )));
    let mut stopwords = Vec::new();
    let mut excludes = Vec::new();
    for allowlist in rule.allowlist.iter().chain(&rule.allowlists) {
        stopwords.extend(allowlist.stopwords.iter().map(|w| w.to_ascii_lowercase()));
        match allowlist.regex_target.as_deref() {
            None | Some("secret") | Some("match") => {
                excludes.extend(allowlist.regexes.iter().map(|r| format!("(?:{r})")))
            }
            Some(other) => return Err(format!("rule {id}: allowlist regexes targeting `{other}`")),
        }
        if !allowlist.paths.is_empty() || !allowlist.commits.is_empty() {
            return Err(format!(
                "rule {id}: path or commit allowlists, which keysweep rules cannot express yet"
            ));
        }
    }
    let mut table = toml::Table::new();
    table.insert("id".into(), id.clone().into());
    table.insert(
        "name".into(),
        if rule.description.is_empty() {
            id.clone()
        } else {
            rule.description.clone()
        }
        .into(),
    );
    table.insert("description".into(), rule.description.into());
    table.insert(
        "keywords".into(),
        toml::Value::Array(keywords.into_iter().map(Into::into).collect()),
    );
    table.insert("case_insensitive".into(), true.into());
    table.insert("keywords_inside_match".into(), keywords_inside_match.into());
    table.insert("regex".into(), regex.into());
    table.insert("max_len".into(), (IMPORTED_MAX_LEN as i64).into());
    if let Some(g) = secret_group {
        table.insert("secret_group".into(), (g as i64).into());
    }
    if let Some(e) = rule.entropy {
        table.insert("entropy".into(), e.into());
    }
    if !stopwords.is_empty() {
        table.insert(
            "stopwords".into(),
            toml::Value::Array(stopwords.into_iter().map(Into::into).collect()),
        );
    }
    if !excludes.is_empty() {
        table.insert("exclude_secret_regex".into(), excludes.join("|").into());
    }
    table.insert("severity".into(), "high".into());
    table.insert("confidence".into(), "medium".into());
    table.insert("remediation".into(), "Revoke the credential at its provider and rotate it; removing it from the code does not un-leak it.".into());
    let mut converted: Rule = toml::Value::Table(table)
        .try_into()
        .map_err(|e| format!("rule {id}: {e}"))?;
    converted.origin = origin.to_string();
    converted
        .regex()
        .map_err(|e| format!("rule {id}: regex not supported: {e}"))?;
    Ok(converted)
}

/// The regex's literal prefixes, lowercased, if every way into it starts with one of at least
/// three bytes (otherwise nothing can anchor the prefilter).
fn literal_prefixes(hir: &regex_syntax::hir::Hir) -> Option<Vec<String>> {
    let mut extractor = Extractor::new();
    extractor.kind(ExtractKind::Prefix);
    let seq = extractor.extract(hir);
    let literals = seq.literals()?;
    let mut keywords: Vec<String> = literals
        .iter()
        .map(|l| String::from_utf8_lossy(l.as_bytes()).to_ascii_lowercase())
        .collect();
    if keywords.is_empty()
        || keywords
            .iter()
            .any(|k| k.trim().len() < 3 || k.chars().any(char::is_whitespace))
    {
        return None;
    }
    keywords.sort();
    keywords.dedup();
    Some(keywords)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"
title = "team rules"
[extend]
useDefault = true
disabledRules = ["generic-api-key"]

[[rules]]
id = "acme-token"
description = "ACME API token"
regex = '''(?i)acme[_-]?token\s*[:=]\s*['"]?([a-z0-9]{32})'''
secretGroup = 1
entropy = 3
keywords = ["acme"]

[[rules]]
id = "widget-key"
description = "Widget key"
regex = '''\bwdgt_([A-Za-z0-9]{24})\b'''

[[rules]]
id = "p12-file"
description = "PKCS#12 file"
path = '''\.p12$'''

[[rules]]
id = "no-anchor"
regex = '''[a-f0-9]{40}'''

[allowlist]
paths = ['''^vendor/''']
regexes = ['''EXAMPLE''']
stopwords = ["dummy"]
commits = ["abc123"]
"#;

    #[test]
    fn imports_rules_and_allowlists_and_lists_what_it_skips() {
        assert!(is_gitleaks(CONFIG));
        let imported = import(CONFIG, "test").unwrap();
        let ids: Vec<&str> = imported.rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["acme-token", "widget-key"]);
        assert_eq!(imported.rules[1].keywords, ["wdgt_"]);
        assert!(imported.rules[1].keywords_inside_match);
        assert!(!imported.rules[0].keywords_inside_match);
        assert_eq!(imported.path_regexes, ["^vendor/"]);
        assert_eq!(imported.secret_regexes, ["EXAMPLE"]);
        assert_eq!(imported.stopwords, ["dummy"]);
        assert_eq!(imported.disabled_rules, ["generic-api-key"]);
        assert_eq!(imported.skipped.len(), 4, "{:?}", imported.skipped);
        assert!(
            imported.skipped.iter().any(|s| s.contains("useDefault")),
            "{:?}",
            imported.skipped
        );
    }

    #[test]
    fn keysweep_rule_files_are_not_mistaken_for_gitleaks() {
        let ours = "[[rules]]\nid = \"a.b\"\nname = \"A\"\ndescription = \"Ours, described.\"\nkeywords = [\"x\"]\nregex = '''(x)'''\nseverity = \"low\"\nconfidence = \"low\"\n";
        assert!(!is_gitleaks(ours));
    }
}
