//! Rules for secrets with no prefix of their own, found where a name of their provider is
//! assigned a value: `ADAFRUIT_IO_KEY = "…"`, `apify: { token: … }`, `--sumo-key …`,
//! `Airtable(api_key="…")`.
//!
//! Hundreds of providers issue bare random strings (32 hex, 40 alphanumerics…). Writing the
//! "provider name, then an assignment, then the value" regex by hand for each of them gave as many
//! slightly different shapes as rules; one template means one place to teach them all a new
//! shape (YAML nesting, a header, a constructor call).

use serde::Deserialize;

/// `assigned = { names = [...], secret = '...' }` in a rule file, instead of `regex`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assigned {
    /// Words naming the provider in the assigned name (matched ignoring ASCII case, anywhere in
    /// it: `adafruit` matches `MY_ADAFRUIT_IO_KEY`). They are also the rule's keywords unless
    /// the rule lists its own.
    pub names: Vec<String>,
    /// The value's own format, without anchors or capture groups (e.g. `[a-f0-9]{32}`).
    pub secret: String,
}

impl Assigned {
    /// The rule's regex: a name, then either the rest of an identifier with an optional nesting
    /// of up to four lines (YAML, TOML tables, JSON objects) or a key word later on the same
    /// line, an assignment, an optional scheme word, then the value as the only capture group,
    /// not followed by more token characters.
    pub fn pattern(&self) -> String {
        format!(
            concat!(
                r"{names}(?:[\w.()'\x22-]{{0,30}}?",
                // `adafruit:` or `[adafruit]` or `"adafruit": {{`, then the value's key a few
                // lines down, indented.
                r#"(?:["'\]]?[ \t]*(?:[:=][ \t]*\{{?|\{{)?[ \t]*\r?\n(?:[ \t]*[^\n]{{0,120}}\n){{0,4}}?[ \t]*["']?[\w.-]{{0,30}}?)?"#,
                // or a key word later on the name's line: `api.acme.io -H "Authorization: …"`.
                r"|[^\n]{{0,80}}?(?i:authorization|key|token|secret|password)[\w-]{{0,20}})",
                r#"["']?(?:[ \t]*(?::=|=>|=|:|\(|,)[ \t]*|[ \t]+)["'`]?"#,
                r"(?:(?i:bearer|token|basic|oauth|apikey|api-key|ssws)[ \t]+)?",
                r"({secret})(?:[^\w+/=-]|$)"
            ),
            names = self.names_at_word_start(),
            secret = self.secret,
        )
    }

    /// The names, each where a word starts: after a non-letter (`MY_ACME_KEY`, `acme.key`) or
    /// as the capitalised part of a camelCase identifier (`getAcmeKey`), so that `here` does not
    /// match inside `where` nor `front` inside `storefront`.
    fn names_at_word_start(&self) -> String {
        let alternatives: Vec<String> = self
            .names
            .iter()
            .map(|name| {
                let escaped = regex::escape(name);
                let mut chars = name.chars();
                match chars.next() {
                    Some(first) if first.is_ascii_alphabetic() => format!(
                        "(?:^|[^A-Za-z])(?i:{escaped})|[a-z]{}(?i:{})",
                        first.to_ascii_uppercase(),
                        regex::escape(chars.as_str())
                    ),
                    _ => format!("(?i:{escaped})"),
                }
            })
            .collect();
        format!("(?:{})", alternatives.join("|"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::bytes::RegexBuilder;

    fn secret_in(text: &str) -> Option<String> {
        let rule = Assigned {
            names: vec!["acme".into()],
            secret: "[a-f0-9]{32}".into(),
        };
        let re = RegexBuilder::new(&rule.pattern())
            .unicode(false)
            .build()
            .unwrap();
        re.captures(text.as_bytes())
            .map(|c| String::from_utf8_lossy(&c[1]).into_owned())
    }

    const KEY: &str = "0f3c9a7d5e1b2c4d6e8f0a1b3c5d7e9f";

    #[test]
    fn finds_the_value_in_common_shapes() {
        for text in [
            format!("ACME_API_KEY={KEY}"),
            format!("export MY_ACME_TOKEN=\"{KEY}\""),
            format!("acme_key: '{KEY}'"),
            format!("client = Acme.Client(\"{KEY}\")"),
            format!("acme = AcmeClient(api_key='{KEY}')"),
            format!("{{\"acme\": {{\n  \"token\": \"{KEY}\"\n}}}}"),
            format!("acme:\n  url: https://api.acme.io\n  key: {KEY}\n"),
            format!("[acme]\napi_key = \"{KEY}\"\n"),
            format!("curl -H \"X-Acme-Key: {KEY}\" https://api.acme.io"),
            format!("curl https://api.acme.io/v1 -H 'Authorization: Bearer {KEY}'"),
            format!("acme-cli --acme-key {KEY} deploy"),
            format!("client.setAcmeKey(\"{KEY}\")"),
            format!("const client = require('acme')('{KEY}')"),
        ] {
            assert_eq!(secret_in(&text).as_deref(), Some(KEY), "in {text:?}");
        }
    }

    #[test]
    fn needs_the_name_and_the_whole_value() {
        for text in [
            format!("API_KEY={KEY}"),
            format!("ACME_KEY={KEY}0"),
            format!("ACME_KEY={KEY}-ffff"),
            format!("ACME_KEY={}", &KEY[1..]),
            format!("PACME_KEY={KEY}"),
            format!("getpacmeKey = \"{KEY}\""),
            format!("acme:\n  a: 1\n  b: 2\n  c: 3\n  d: 4\n  e: 5\n  key: {KEY}\n"),
        ] {
            assert_eq!(secret_in(&text), None, "in {text:?}");
        }
    }
}
