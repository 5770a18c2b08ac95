//! The matcher: bytes in, rule matches out. It knows nothing of files, blobs or reports.
//!
//! Three stages, each cheaper per byte than the next is per call:
//! 1. The [`prefilter`] finds every occurrence of every rule's keywords, ignoring ASCII case,
//!    in one pass of SIMD literal search. Case-sensitive keywords are then confirmed by
//!    comparing the hit's bytes.
//! 2. For each hit, the rules owning that keyword run their regex only in a window of the rule's
//!    `max_len` bytes either side of the hit (overlapping windows of one rule are merged). A match
//!    counts only if it overlaps a keyword hit: keywords are literal text *of* the match.
//! 3. The secret (the capture group) must pass the rule's stopwords, entropy minimum and checksum.
//!
//! Cost: stage 1 is linear in the input (~1.5 GB/s per core over source code, see the README);
//! stages 2-3 are proportional to the number of keyword hits times the window size, so a rule
//! with a common keyword (`password`) pays only around the places where that word occurs.

mod anchored;
pub mod check;
pub mod entropy;
mod placeholder;
mod prefilter;
mod published;
mod vectorscan;
pub mod words;

use std::{cmp::Reverse, ops::Range};

use crate::rules::{Rule, RuleSet};
use prefilter::Prefilter;

/// One rule match in a haystack, all offsets in bytes from the haystack's start.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Index of the rule in the rule set.
    pub rule: usize,
    /// The whole regex match.
    pub span: Range<usize>,
    /// The secret (the rule's capture group).
    pub secret: Range<usize>,
    /// Shannon entropy of the secret, bits per byte.
    pub entropy: f64,
    /// `Some(true)` when the rule has a checksum and it holds (failing ones are dropped).
    pub checksum_valid: Option<bool>,
    /// The other half of a paired credential, joined from a nearby match of the partner rule.
    pub partner: Option<Partner>,
}

/// The joined half of a paired credential.
#[derive(Debug, Clone, PartialEq)]
pub struct Partner {
    pub(crate) rule: usize,
    pub(crate) secret: Range<usize>,
}

/// What one automaton pattern triggers: a rule, and the exact bytes when the rule's keywords are
/// case-sensitive (the automaton itself always ignores ASCII case).
struct Trigger {
    rule: usize,
    exact: Option<Box<[u8]>>,
}

/// A compiled matcher over a rule set. Cheap to share between threads (`&Matcher` is `Sync`).
pub struct Matcher<'r> {
    rules: &'r [Rule],
    prefilter: Prefilter,
    /// Indexed by prefilter keyword id.
    triggers: Vec<Vec<Trigger>>,
    /// For each rule with a `pair`: the partner rule's index and the distance.
    partners: Vec<Option<(usize, usize)>>,
}

/// Why the gates dropped a candidate the regex matched (for `rules check`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Dropped {
    /// The secret group matched nothing.
    Empty,
    /// A character class the rule requires is missing.
    Charset,
    /// It looks like a placeholder (`xxxx`, `<your-key>`, `1234…`).
    Placeholder,
    /// It is a credential published in documentation (see `published.txt`).
    Published,
    /// The rule's `exclude_secret` regex matches it.
    Excluded,
    /// It contains one of the rule's stopwords.
    Stopword,
    /// Its entropy is below the rule's minimum.
    Entropy {
        /// The secret's entropy.
        have: f64,
        /// The rule's minimum.
        min: f64,
    },
    /// It reads as words (token efficiency above the rule's maximum).
    Words,
    /// Its checksum or structure does not hold.
    Checksum,
}

impl Dropped {
    /// A short name for scripts: `placeholder` for values that say "not a real one"
    /// (placeholders, published examples, stopwords), `checksum` for a failed checksum or
    /// structure, `filtered` for the statistical filters.
    pub(crate) fn stage(&self) -> &'static str {
        match self {
            Dropped::Placeholder | Dropped::Published | Dropped::Stopword => "placeholder",
            Dropped::Checksum => "checksum",
            Dropped::Empty
            | Dropped::Charset
            | Dropped::Excluded
            | Dropped::Entropy { .. }
            | Dropped::Words => "filtered",
        }
    }
}

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Dropped::Empty => f.write_str("its secret group is empty"),
            Dropped::Charset => f.write_str("a required character class is missing"),
            Dropped::Placeholder => f.write_str("it is dropped as a placeholder"),
            Dropped::Published => f.write_str("it is a published documentation example"),
            Dropped::Excluded => f.write_str("the rule's exclude_secret matches it"),
            Dropped::Stopword => f.write_str("it contains one of the rule's stopwords"),
            Dropped::Entropy { have, min } => {
                write!(f, "its entropy {have:.2} is below the rule's {min}")
            }
            Dropped::Words => f.write_str("it reads as words (token efficiency too high)"),
            Dropped::Checksum => f.write_str("its checksum or structure does not hold"),
        }
    }
}

/// A region of the haystack where one rule's regex must run, with the keyword hits inside it.
struct Window {
    rule: usize,
    range: Range<usize>,
    hits: Vec<Range<usize>>,
}

/// How much text a matcher is built for, which decides whether compiling Vectorscan's database
/// (~100 ms for the full library) pays off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputSize {
    /// A push's few blobs, the index, a work tree or a directory: start fast.
    Small,
    /// A repository's whole history: the fastest engine there is, however long it takes to
    /// build.
    Large,
}

impl<'r> Matcher<'r> {
    /// [`Matcher::for_input`] of a large input.
    pub fn new(set: &'r RuleSet) -> anyhow::Result<Matcher<'r>> {
        Matcher::for_input(set, InputSize::Large)
    }

    /// Builds the keyword prefilter over every rule's keywords; regexes are compiled later, on
    /// a rule's first keyword hit (see [`Rule::regex`]).
    pub fn for_input(set: &'r RuleSet, input: InputSize) -> anyhow::Result<Matcher<'r>> {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut triggers: Vec<Vec<Trigger>> = Vec::new();
        for (rule_index, rule) in set.rules.iter().enumerate() {
            for keyword in &rule.keywords {
                let folded = keyword.to_ascii_lowercase().into_bytes();
                let pattern = match patterns.iter().position(|p| *p == folded) {
                    Some(i) => i,
                    None => {
                        patterns.push(folded);
                        triggers.push(Vec::new());
                        patterns.len() - 1
                    }
                };
                let exact = (!rule.case_insensitive).then(|| keyword.as_bytes().into());
                triggers[pattern].push(Trigger {
                    rule: rule_index,
                    exact,
                });
            }
        }
        let partners = set
            .rules
            .iter()
            .map(|r| {
                let pair = r.pair.as_ref()?;
                let partner = set.rules.iter().position(|p| p.id == pair.rule)?;
                Some((partner, pair.within))
            })
            .collect();
        Ok(Matcher {
            partners,
            rules: &set.rules,
            prefilter: Prefilter::new(patterns, input)?,
            triggers,
        })
    }

    /// The rules matched, in the set's order: [`Match::rule`] indexes this.
    pub fn rules(&self) -> &'r [Rule] {
        self.rules
    }

    /// The keyword prefilter's engine, e.g. "Vectorscan 5.4.9" or "Anchored windows (built in)".
    pub fn prefilter_engine(&self) -> String {
        self.prefilter.engine_name()
    }

    /// All matches in `haystack`, sorted by secret position, without duplicates. When several
    /// rules extract the very same secret bytes (a generic `secret = "..."` rule and a provider
    /// rule), only the most confident rule's match is kept: one secret, one name.
    pub fn find_all(&self, haystack: &[u8]) -> Vec<Match> {
        let windows = self.windows(haystack);
        let mut matches = Vec::new();
        for window in windows {
            self.confirm(haystack, &window, &mut matches);
        }
        let rank = |m: &Match| {
            let rule = &self.rules[m.rule];
            (
                Reverse(rule.confidence),
                Reverse(rule.severity),
                m.rule,
                m.span.start,
            )
        };
        matches.sort_by(|a, b| {
            (a.secret.start, a.secret.end, rank(a)).cmp(&(b.secret.start, b.secret.end, rank(b)))
        });
        matches.dedup_by(|later, kept| later.secret == kept.secret);
        self.join_pairs(&mut matches);
        matches
    }

    /// Joins each paired rule's match with the nearest unjoined match of its partner rule
    /// within the pair's distance; the partner's own match is then part of it, not separate.
    fn join_pairs(&self, matches: &mut Vec<Match>) {
        if matches.len() < 2 || self.partners.iter().all(Option::is_none) {
            return;
        }
        let mut joined = vec![false; matches.len()];
        for i in 0..matches.len() {
            let Some((partner_rule, within)) = self.partners[matches[i].rule] else {
                continue;
            };
            let here = &matches[i].secret;
            let nearest = (0..matches.len())
                .filter(|&j| {
                    j != i
                        && !joined[j]
                        && matches[j].rule == partner_rule
                        && matches[j].partner.is_none()
                })
                .map(|j| {
                    let there = &matches[j].secret;
                    (
                        there
                            .start
                            .saturating_sub(here.end)
                            .max(here.start.saturating_sub(there.end)),
                        j,
                    )
                })
                .filter(|&(distance, _)| distance <= within)
                .min();
            if let Some((_, j)) = nearest {
                joined[j] = true;
                matches[i].partner = Some(Partner {
                    rule: partner_rule,
                    secret: matches[j].secret.clone(),
                });
            }
        }
        let mut index = 0;
        matches.retain(|_| {
            index += 1;
            !joined[index - 1]
        });
    }

    /// Stage 1: keyword hits, turned into merged per-rule windows.
    fn windows(&self, haystack: &[u8]) -> Vec<Window> {
        let mut raw: Vec<(usize, Range<usize>, Range<usize>)> = Vec::new();
        self.prefilter.for_each_hit(haystack, |keyword, start| {
            let hit_range = start..start + self.prefilter.keyword_len(keyword);
            for trigger in &self.triggers[keyword] {
                if let Some(exact) = &trigger.exact
                    && haystack[hit_range.clone()] != **exact
                {
                    continue;
                }
                let max_len = self.rules[trigger.rule].max_len;
                let window =
                    start.saturating_sub(max_len)..(hit_range.end + max_len).min(haystack.len());
                raw.push((trigger.rule, window, hit_range.clone()));
            }
        });
        raw.sort_by_key(|(rule, window, _)| (*rule, window.start));
        let mut merged: Vec<Window> = Vec::new();
        for (rule, range, hit) in raw {
            match merged.last_mut() {
                Some(last) if last.rule == rule && range.start <= last.range.end => {
                    last.range.end = last.range.end.max(range.end);
                    last.hits.push(hit);
                }
                _ => merged.push(Window {
                    rule,
                    range,
                    hits: vec![hit],
                }),
            }
        }
        merged
    }

    /// Stages 2 and 3 for one window.
    fn confirm(&self, haystack: &[u8], window: &Window, out: &mut Vec<Match>) {
        let rule = &self.rules[window.rule];
        // A regex that does not compile can only be a built-in rule bug (user rules are compiled
        // when loaded, and `rules check` compiles every built-in one in CI).
        let Ok(compiled) = rule.regex() else { return };
        let bounded = &haystack[..window.range.end];
        let truncated_end = window.range.end < haystack.len();
        let mut at = window.range.start;
        while at < bounded.len() {
            let Some(caps) = compiled.regex.captures_at(bounded, at) else {
                break;
            };
            let whole = caps.get(0).expect("group 0 always participates");
            at = if whole.end() > whole.start() {
                whole.end()
            } else {
                whole.start() + 1
            };
            let span = whole.start()..whole.end();
            // A match running into the window's end may be cut short: a real one fits inside.
            if truncated_end && span.end == bounded.len() {
                continue;
            }
            if rule.keywords_inside_match
                && !window
                    .hits
                    .iter()
                    .any(|h| h.start < span.end && span.start < h.end)
            {
                continue;
            }
            let Some(secret) = caps.get(compiled.secret_group) else {
                continue;
            };
            if let Ok(m) = self.gate(window.rule, span, secret.start()..secret.end(), haystack) {
                out.push(m);
            }
        }
    }

    /// Stage 3: character classes, placeholders, exclusions, stopwords, entropy, token efficiency
    /// and checksum over the secret; `Err` says which one dropped it.
    fn gate(
        &self,
        rule_index: usize,
        span: Range<usize>,
        secret: Range<usize>,
        haystack: &[u8],
    ) -> Result<Match, Dropped> {
        let rule = &self.rules[rule_index];
        let bytes = &haystack[secret.clone()];
        if bytes.is_empty() {
            return Err(Dropped::Empty);
        }
        if !rule.require.iter().all(|class| class.occurs_in(bytes)) {
            return Err(Dropped::Charset);
        }
        if placeholder::is_placeholder(bytes) {
            return Err(Dropped::Placeholder);
        }
        if published::is_published(bytes) {
            return Err(Dropped::Published);
        }
        if let Ok(compiled) = rule.regex()
            && compiled
                .exclude_secret
                .as_ref()
                .is_some_and(|r| r.is_match(bytes))
        {
            return Err(Dropped::Excluded);
        }
        if !rule.stopwords.is_empty() {
            let lower = bytes.to_ascii_lowercase();
            let is_placeholder = rule
                .stopwords
                .iter()
                .any(|w| memchr::memmem::find(&lower, w.to_ascii_lowercase().as_bytes()).is_some());
            if is_placeholder {
                return Err(Dropped::Stopword);
            }
        }
        let entropy = entropy::shannon(bytes);
        if let Some(min) = rule.entropy
            && entropy < min
        {
            return Err(Dropped::Entropy { have: entropy, min });
        }
        if rule
            .max_token_efficiency
            .is_some_and(|max| words::token_efficiency(bytes) > max)
        {
            return Err(Dropped::Words);
        }
        let checksum_valid = match rule.checksum {
            Some(checksum) if !crate::rules::checksum::verify(checksum, bytes) => {
                return Err(Dropped::Checksum);
            }
            Some(_) => Some(true),
            None => None,
        };
        Ok(Match {
            rule: rule_index,
            span,
            secret,
            entropy,
            checksum_valid,
            partner: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(toml: &str) -> RuleSet {
        let mut set = RuleSet::default();
        set.add_toml(toml, "test").unwrap();
        set
    }

    const TOKEN_RULE: &str = r#"
        [[rules]]
        id = "test.token"
        name = "Test token"
        keywords = ["tok_"]
        regex = '''\b(tok_[A-Za-z0-9]{16})\b'''
        severity = "high"
        confidence = "high"
    "#;

    #[test]
    fn finds_secret_span_and_respects_keyword_case() {
        let set = set(TOKEN_RULE);
        let matcher = Matcher::new(&set).unwrap();
        let hay = b"x = 'tok_q8Zr2LwT9vBxK3mN' and TOK_abcdEFGH12345678";
        let found = matcher.find_all(hay);
        assert_eq!(
            found.len(),
            1,
            "uppercase keyword must not trigger a case-sensitive rule"
        );
        assert_eq!(&hay[found[0].secret.clone()], b"tok_q8Zr2LwT9vBxK3mN");
    }

    #[test]
    fn match_must_overlap_a_keyword_hit() {
        let set = set(r#"
            [[rules]]
            id = "test.ctx"
            name = "Context rule"
            keywords = ["apikey"]
            case_insensitive = true
            regex = '''(?i)apikey\s*=\s*"([a-z0-9]{12})"'''
            severity = "medium"
            confidence = "medium"
        "#);
        let matcher = Matcher::new(&set).unwrap();
        assert_eq!(matcher.find_all(br#"APIKEY = "abcdef123456""#).len(), 1); // keysweep:allow
        assert!(matcher.find_all(br#"other = "abcdef123456""#).is_empty());
    }

    #[test]
    fn entropy_and_stopwords_gate_the_secret() {
        let set = set(r#"
            [[rules]]
            id = "test.generic"
            name = "Generic"
            keywords = ["secret"]
            regex = '''secret = "([^"]{8,})"'''
            entropy = 3.0
            stopwords = ["example"]
            severity = "low"
            confidence = "low"
        "#);
        let matcher = Matcher::new(&set).unwrap();
        assert!(matcher.find_all(br#"secret = "aaaaaaaaaaaa""#).is_empty());
        assert!(
            matcher
                .find_all(br#"secret = "Ex4mpleEXAMPLEx9""#)
                .is_empty()
        );
        assert_eq!(matcher.find_all(br#"secret = "q8Zr2LwT9vBx""#).len(), 1); // keysweep:allow
    }

    #[test]
    fn the_most_confident_rule_names_a_secret_two_rules_extract() {
        let mut set = set(TOKEN_RULE);
        set.add_toml(
            r#"
            [[rules]]
            id = "test.generic"
            name = "Generic"
            keywords = ["key"]
            regex = '''key = "([^"]+)"'''
            severity = "low"
            confidence = "low"
        "#,
            "test",
        )
        .unwrap();
        let matcher = Matcher::new(&set).unwrap();
        let found = matcher.find_all(br#"key = "tok_q8Zr2LwT9vBxK3mN""#);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(set.rules[found[0].rule].id, "test.token");
        assert_eq!(matcher.find_all(br#"key = "something-else""#).len(), 1);
    }

    #[test]
    fn paired_halves_near_each_other_become_one_match() {
        let set = set(r#"
            [[rules]]
            id = "t.id"
            name = "Key id"
            keywords = ["KID"]
            regex = '''\b(KID[0-9]{6})\b'''
            severity = "medium"
            confidence = "high"

            [[rules]]
            id = "t.secret"
            name = "Key secret"
            keywords = ["ksecret"]
            regex = '''ksecret=([a-z]{10})'''
            pair = { rule = "t.id", within = 40 }
            severity = "critical"
            confidence = "high"
        "#);
        let matcher = Matcher::new(&set).unwrap();
        let near = b"id=KID123456\nksecret=qwhzkrtmpv\n";
        let found = matcher.find_all(near);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(set.rules[found[0].rule].id, "t.secret");
        let partner = found[0].partner.as_ref().expect("joined");
        assert_eq!(&near[partner.secret.clone()], b"KID123456");

        let mut far = b"id=KID123456\n".to_vec();
        far.extend_from_slice(&[b'.'; 100]);
        far.extend_from_slice(b"\nksecret=qwhzkrtmpv\n");
        let found = matcher.find_all(&far);
        assert_eq!(found.len(), 2, "too far apart to pair");
        assert!(found.iter().all(|m| m.partner.is_none()));
    }

    #[test]
    fn many_hits_of_one_rule_give_each_match_once() {
        let set = set(TOKEN_RULE);
        let matcher = Matcher::new(&set).unwrap();
        let mut hay = Vec::new();
        for i in 0..50 {
            // Distinct, placeholder-free values (no long run of one digit).
            let value = 0x9e37_79b9_7f4a_7c15_u64.wrapping_mul(i + 1);
            hay.extend_from_slice(format!("k{i} = tok_{value:016x}\n").as_bytes());
        }
        assert_eq!(matcher.find_all(&hay).len(), 50);
    }
}
