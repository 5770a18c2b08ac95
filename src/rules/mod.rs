//! The signature model: what a rule says, loading rule files, and compiling a rule's regex.
//!
//! Rules live in `signatures/*.toml` (one file per provider family) and are embedded into the
//! binary at build time; `--rules FILE|DIR` adds more at run time. This module knows nothing of
//! files being scanned, git or output formats.
//!
//! Cost: loading parses TOML only. A rule's regex is compiled the first time one of its keywords
//! is seen (see [`Rule::regex`]), so start-up does not pay for rules a scan never needs.

pub mod assigned;
pub mod checksum;
pub mod gitleaks;
pub mod list;
pub mod validation;

use std::{fmt, sync::OnceLock};

use anyhow::{Result, bail};
use regex::bytes::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use crate::word_enum::word_enum;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_signatures.rs"));
}

/// The longest a whole regex match may be unless a rule says otherwise (bytes).
pub const DEFAULT_MAX_LEN: usize = 256;

/// How much harm a leak of a rule's secret can do. Sets the SARIF level and GitHub's
/// `security-severity`; ordered from `Low` to `Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Little harm on its own: an identifier, a sandbox or client-side token, an encrypted
    /// vault.
    Low,
    /// Limited scope, e.g. a webhook URL or a project token.
    Medium,
    /// API access to one service with the rights of whoever the key belongs to.
    High,
    /// Broad or administrative access: cloud account keys, admin keys, private keys.
    Critical,
}

impl Severity {
    /// GitHub code scanning's numeric `security-severity` (>= 9 critical, 7-8.9 high, 4-6.9 medium).
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        })
    }
}

/// How surely a match of a rule is a real secret rather than a lookalike. Ranks rules that
/// extract the same bytes, sets SARIF's `precision`, and is what `min_confidence` filters on;
/// ordered from `Low` to `High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// A generic shape (a password assignment, credentials in a URL): expect false positives.
    Low,
    /// A format recognised by the provider's name next to it rather than by its own bytes.
    Medium,
    /// A distinctive format (a fixed prefix, a checksum): a match is almost surely a secret.
    High,
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        })
    }
}

/// Joins another rule's match into this rule's finding when it stands within `within` bytes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pair {
    pub(crate) rule: String,
    #[serde(default = "default_pair_distance")]
    pub(crate) within: usize,
}

fn default_pair_distance() -> usize {
    1024
}

word_enum! {
    /// An offline validator a rule may name in its `checksum` field (run by
    /// `matcher::checksum`).
    pub enum Checksum("checksum validator") {
        /// GitHub tokens: `<prefix>_<30 base62><CRC32 of those 30 in 6 base62 digits>`.
        GithubCrc32 = "github-crc32",
        /// npm tokens, laid out as GitHub's.
        NpmCrc32 = "npm-crc32",
        /// A JWT whose header (with `alg`) and payload are JSON objects.
        JwtStructure = "jwt-structure",
        /// A PEM private key whose body is one DER SEQUENCE.
        PemDer = "pem-der",
        /// A token whose body is base64 of a JSON object.
        Base64Json = "base64-json",
        /// Base64 of `user:password` (HTTP Basic, Docker `auth`), both parts present.
        Base64Credential = "base64-credential",
    }
}

/// A class of characters a secret may be required to contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CharClass {
    /// An ASCII digit.
    Digit,
    /// An ASCII letter, either case.
    Letter,
    /// An ASCII uppercase letter.
    Upper,
    /// An ASCII lowercase letter.
    Lower,
    /// Anything but ASCII letters and digits.
    Special,
}

impl CharClass {
    pub(crate) fn occurs_in(self, bytes: &[u8]) -> bool {
        bytes.iter().any(|&b| match self {
            CharClass::Digit => b.is_ascii_digit(),
            CharClass::Letter => b.is_ascii_alphabetic(),
            CharClass::Upper => b.is_ascii_uppercase(),
            CharClass::Lower => b.is_ascii_lowercase(),
            CharClass::Special => !b.is_ascii_alphanumeric(),
        })
    }
}

/// A positive example: text as it would stand in a file, and the secret the rule must extract.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Example {
    /// Only the text: the rule must match somewhere in it.
    Text(String),
    /// The text and exactly the secret the rule must yield from it.
    WithSecret {
        /// The text, as it would stand in a file.
        text: String,
        /// Exactly the secret the rule must extract from `text`.
        secret: String,
    },
}

impl Example {
    /// The text to run the rule over.
    pub fn text(&self) -> &str {
        match self {
            Example::Text(t) | Example::WithSecret { text: t, .. } => t,
        }
    }

    /// The secret the rule must extract, when the example names one.
    pub fn secret(&self) -> Option<&str> {
        match self {
            Example::Text(_) => None,
            Example::WithSecret { secret, .. } => Some(secret),
        }
    }
}

/// One signature, as written in a rule file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Unique id, by convention `provider.kind` (e.g. `github.pat-classic`): how findings,
    /// baselines, `--only-rules` and `[rules] disable` name the rule.
    pub id: String,
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) description: String,
    /// Literals for the prefilter; a regex match is only accepted if it overlaps one of them.
    /// An `assigned` rule's names are its keywords when it lists none.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Keywords are matched ignoring ASCII case.
    #[serde(default)]
    pub case_insensitive: bool,
    /// One capture group (or a group named `secret`) is the secret. Empty when `assigned` says
    /// what to match instead.
    #[serde(default)]
    pub regex: String,
    /// A secret with no prefix, found as the value assigned to a name of its provider; the
    /// regex is built from it (see [`assigned`]).
    pub assigned: Option<assigned::Assigned>,
    /// The longest a whole match can be, in bytes: bounds the window searched around a keyword.
    #[serde(default = "default_max_len")]
    pub max_len: usize,
    /// Which capture group is the secret (default: the group named `secret`, or the only one).
    pub secret_group: Option<usize>,
    /// A match must overlap a keyword hit (default). Rules imported from gitleaks-style configs,
    /// whose keywords are context anywhere nearby, set this to false: the keyword then only has
    /// to be within `max_len` bytes of the match.
    #[serde(default = "default_true")]
    pub keywords_inside_match: bool,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    pub entropy: Option<f64>,
    /// Maximum characters per token when the secret is split into common words of code (see
    /// `matcher::words`): random credentials score ~1, identifiers and prose 2 or more.
    pub max_token_efficiency: Option<f64>,
    /// The offline validator its candidates must pass.
    pub checksum: Option<Checksum>,
    /// A secret containing any of these (ASCII case-insensitive) is a placeholder, not a leak.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Character classes that must each occur in the secret (e.g. a digit and a letter): random
    /// credentials have them, identifiers and prose rarely do.
    #[serde(default)]
    pub require: Vec<CharClass>,
    /// A secret matching this regex is not a leak (e.g. a UUID for a generic rule).
    pub exclude_secret_regex: Option<String>,
    /// The other half of a credential that only works as a pair (an AWS secret key's access key
    /// id): a match of that rule nearby is joined into this rule's finding.
    pub pair: Option<Pair>,
    /// How `--validate` asks the provider whether the secret is live.
    pub validate: Option<validation::ValidateSpec>,
    pub(crate) severity: Severity,
    pub(crate) confidence: Confidence,
    #[serde(default)]
    pub(crate) references: Vec<String>,
    #[serde(default)]
    pub(crate) remediation: String,
    /// Texts the rule must match, checked by `keysweep rules check`.
    #[serde(default)]
    pub examples: Vec<Example>,
    #[serde(default)]
    pub(crate) negative_examples: Vec<String>,

    /// Which file the rule came from (for error messages).
    #[serde(skip)]
    pub origin: String,
    #[serde(skip)]
    compiled: OnceLock<Result<CompiledRegex, String>>,
}

fn default_max_len() -> usize {
    DEFAULT_MAX_LEN
}

fn default_true() -> bool {
    true
}

/// A rule's compiled regexes and the index of the group that holds the secret.
#[derive(Debug)]
pub struct CompiledRegex {
    pub(crate) regex: Regex,
    pub(crate) secret_group: usize,
    pub(crate) exclude_secret: Option<Regex>,
}

impl Rule {
    /// The provider the rule belongs to: its id up to the first dot (`github` for
    /// `github.pat-classic`).
    pub fn provider(&self) -> &str {
        self.id.split('.').next().unwrap_or(&self.id)
    }

    /// The compiled regex, built on first use. Errors are kept, so a bad rule fails every time.
    pub fn regex(&self) -> Result<&CompiledRegex, &str> {
        self.compiled
            .get_or_init(|| {
                compile(
                    &self.regex,
                    self.secret_group,
                    self.exclude_secret_regex.as_deref(),
                )
            })
            .as_ref()
            .map_err(String::as_str)
    }
}

/// The longest regex a rule may have (the built-in ones are under 400 bytes).
pub(crate) const MAX_PATTERN: usize = 64 << 10;

fn compile(
    pattern: &str,
    group: Option<usize>,
    exclude_secret: Option<&str>,
) -> Result<CompiledRegex, String> {
    // Unicode off: rules describe ASCII token formats, and byte-oriented classes are both faster
    // and able to match inside files that are not valid UTF-8.
    let build = |p: &str| {
        // Parsing costs about a hundred times the pattern's length in memory before the
        // compiled-size limit can say no: long patterns are refused first.
        if p.len() > MAX_PATTERN {
            return Err(format!("pattern longer than {MAX_PATTERN} bytes"));
        }
        RegexBuilder::new(p)
            .unicode(false)
            .size_limit(8 << 20)
            .build()
            .map_err(|e| crate::untrusted::regex_error(&e))
    };
    let regex = build(pattern)?;
    let exclude_secret = exclude_secret
        .map(|p| build(p).map_err(|e| format!("exclude_secret_regex: {e}")))
        .transpose()?;
    let named = regex.capture_names().position(|n| n == Some("secret"));
    let secret_group = match (group, named) {
        (Some(g), _) if g < regex.captures_len() => g,
        (Some(g), _) => return Err(format!("secret_group {g} does not exist")),
        (None, Some(i)) => i,
        (None, None) if regex.captures_len() == 2 => 1,
        (None, None) => {
            return Err(format!(
                "needs exactly one capture group, a group named `secret`, or secret_group (has {} groups)",
                regex.captures_len() - 1
            ));
        }
    };
    Ok(CompiledRegex {
        regex,
        secret_group,
        exclude_secret,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rules: Vec<Rule>,
}

/// All rules of a scan, in a stable order (by file, then as written).
#[derive(Debug, Default)]
pub struct RuleSet {
    /// The rules; the `rule` of a match or a hit is an index into this.
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// A digest of everything that decides what the rules match (not their names, docs or live
    /// checks), with keysweep's version for the matcher's own code: a sweep's store knows which
    /// blobs were scanned under which rules.
    pub fn matching_digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
        for r in &self.rules {
            let fields = format!(
                "{:?}",
                (
                    (
                        &r.id,
                        &r.keywords,
                        r.case_insensitive,
                        &r.regex,
                        r.max_len,
                        r.secret_group,
                        r.keywords_inside_match,
                    ),
                    (
                        r.entropy,
                        r.max_token_efficiency,
                        // As the words they were when this field held them.
                        r.checksum.map(Checksum::as_str),
                        &r.stopwords,
                        &r.require,
                        &r.exclude_secret_regex,
                        r.pair.as_ref().map(|p| (&p.rule, p.within)),
                    )
                )
            );
            hasher.update(fields.as_bytes());
            hasher.update(b"\0");
        }
        hasher.finalize()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The built-in rules embedded from `signatures/`.
    pub fn builtin() -> Result<RuleSet> {
        let mut set = RuleSet::default();
        for (name, json) in embedded::EMBEDDED_SIGNATURES {
            let origin = format!("signatures/{name}");
            let file: RuleFile = serde_json::from_str(json)
                .map_err(|e| anyhow::anyhow!("built-in rules {origin}: {e}"))?;
            set.add_file_rules(file, &origin)?;
        }
        Ok(set)
    }

    /// Adds the rules of one user rule file's text, compiling them at once: user rules are
    /// few, and a typo should fail before the scan, not during it.
    pub fn add_file(&mut self, text: &str, origin: &str) -> Result<()> {
        let first_new = self.rules.len();
        self.add_toml(text, origin)?;
        for rule in &self.rules[first_new..] {
            if let Err(e) = rule.regex() {
                bail!("rule {} in {}: invalid regex: {e}", rule.id, rule.origin);
            }
        }
        Ok(())
    }

    /// Parses one rule file's text and appends its rules, checking the fields a scan relies on.
    pub fn add_toml(&mut self, text: &str, origin: &str) -> Result<()> {
        let file: RuleFile = toml::from_str(text).map_err(|e| {
            anyhow::anyhow!(
                "parsing rules file {origin}: {}",
                crate::untrusted::toml_error(&e, text)
            )
        })?;
        self.add_file_rules(file, origin)
    }

    /// Appends a parsed file's rules, each told which file it came from.
    fn add_file_rules(&mut self, file: RuleFile, origin: &str) -> Result<()> {
        let rules = file.rules.into_iter().map(|mut r| {
            r.origin = origin.to_string();
            r
        });
        self.add_rules(rules.collect())
    }

    /// Appends rules (their origin set), checking the fields a scan relies on.
    pub fn add_rules(&mut self, rules: Vec<Rule>) -> Result<()> {
        for mut rule in rules {
            let origin = rule.origin.clone();
            if let Some(assigned) = &rule.assigned {
                if !rule.regex.is_empty() {
                    bail!("rule {} in {origin}: has both regex and assigned", rule.id);
                }
                rule.regex = assigned.pattern();
                if rule.keywords.is_empty() {
                    rule.keywords = assigned.names.clone();
                    rule.case_insensitive = true;
                }
            } else if rule.regex.is_empty() {
                bail!("rule {} in {origin}: needs a regex or assigned", rule.id);
            }
            if rule.keywords.is_empty() || rule.keywords.iter().any(|k| k.is_empty()) {
                bail!(
                    "rule {} in {origin}: needs at least one non-empty keyword",
                    rule.id
                );
            }
            if let Some(spec) = &rule.validate
                && let Some(problem) = spec.problems(rule.pair.is_some()).first()
            {
                bail!("rule {} in {origin}: validate: {problem}", rule.id);
            }
            if let Some(existing) = self.rules.iter().find(|r| r.id == rule.id) {
                bail!(
                    "rule id {} is defined twice ({} and {origin})",
                    rule.id,
                    existing.origin
                );
            }
            self.rules.push(rule);
        }
        Ok(())
    }

    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Keeps only the rules whose id is listed (or starts with a listed `prefix.`).
    pub fn retain_ids(&mut self, wanted: &[String]) {
        self.rules.retain(|r| names(r, wanted));
    }

    /// The listed ids (or prefixes) that name no rule of the set: a typo in `--only-rules`
    /// would otherwise narrow the scan silently.
    pub fn unknown_ids<'a>(&self, ids: &'a [String]) -> Vec<&'a str> {
        ids.iter()
            .filter(|id| {
                !self
                    .rules
                    .iter()
                    .any(|r| names(r, std::slice::from_ref(*id)))
            })
            .map(String::as_str)
            .collect()
    }

    /// Drops the rules whose id is listed (or starts with a listed `prefix.`).
    pub fn remove_ids(&mut self, unwanted: &[String]) {
        self.rules.retain(|r| !names(r, unwanted));
    }
}

/// Whether `ids` names `rule`, by its whole id or a dotted prefix of it.
fn names(rule: &Rule, ids: &[String]) -> bool {
    ids.iter().any(|id| {
        rule.id == *id
            || rule
                .id
                .strip_prefix(id.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule_file(extra: &str) -> String {
        format!(
            "[[rules]]\nid = 't.x'\nname = 'X'\nkeywords = ['x_']\nregex = 'x_([a-z]{{8}})'\n\
             severity = 'low'\nconfidence = 'low'\n{extra}\n"
        )
    }

    #[test]
    fn named_checks_are_known_when_the_rules_load() {
        let mut set = RuleSet::default();
        set.add_toml(&rule_file("checksum = 'jwt-structure'"), "ok.toml")
            .unwrap();
        assert_eq!(set.rules[0].checksum, Some(Checksum::JwtStructure));
        for (extra, unknown) in [
            ("checksum = 'crc-nope'", "unknown checksum validator"),
            ("checksum = 'JWT-Structure'", "unknown checksum validator"),
            ("validate = { coded = 'aws-nope' }", "unknown coded check"),
        ] {
            let error = RuleSet::default()
                .add_toml(&rule_file(extra), "bad.toml")
                .unwrap_err()
                .to_string();
            assert!(
                error.starts_with("parsing rules file bad.toml: line "),
                "{error}"
            );
            assert!(error.contains(unknown), "{error}");
            assert!(error.contains("(one of: "), "{error}");
        }
    }
}
