//! What a rule says about checking a secret with its provider (`[rules.validate]`): either one
//! declarative HTTPS request, or the name of a check written in code (where a request must be
//! signed, or a database login is the check). Only the data and its well-formedness live here;
//! `crate::validate` runs checks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::http_url::HttpUrl;
use crate::word_enum::word_enum;

word_enum! {
    /// A check written in code: for providers whose requests must be signed, and for logins
    /// to the databases that connection URIs name.
    pub enum Coded("coded check") {
        /// AWS STS `GetCallerIdentity`, signed with SigV4.
        AwsSts = "aws-sts",
        /// A Google service-account key's signed JWT, exchanged for a token.
        GcpServiceAccount = "gcp-service-account",
        /// An Azure Storage account key, signing a SharedKey request.
        AzureStorage = "azure-storage",
        /// A login to the PostgreSQL server a `postgres://` URI names.
        PostgresLogin = "postgres-login",
        /// A login to the MySQL or MariaDB server a `mysql://` URI names.
        MysqlLogin = "mysql-login",
        /// `AUTH` to the Redis server a `redis://` URI names.
        RedisLogin = "redis-login",
        /// A SCRAM login to the MongoDB server a `mongodb://` URI names.
        MongodbLogin = "mongodb-login",
    }
}

/// The placeholder a request template holds for the secret.
pub(crate) const SECRET: &str = "{secret}";
/// The placeholder a request template holds for the paired rule's secret (see `Rule::pair`).
pub(crate) const PARTNER: &str = "{partner}";

/// A rule's `[rules.validate]` table: how `--validate` asks the provider whether a secret is
/// live, by a check written in code or by one HTTPS request and what its answers mean.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ValidateSpec {
    /// A check written in code; the other fields are then unused.
    pub coded: Option<Coded>,
    /// GET (the default), POST, HEAD or PUT.
    #[serde(default = "default_method")]
    pub method: String,
    /// The provider's fixed HTTPS endpoint. `{secret}` and `{partner}` (the paired rule's
    /// secret) may appear in the path or query, never in the host.
    pub url: Option<String>,
    /// Request headers, placeholders allowed in their values.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// HTTP basic authentication: `[user, password]`, placeholders allowed.
    pub basic: Option<[String; 2]>,
    pub(crate) body: Option<String>,
    /// The answer that means "live". Required for HTTP checks.
    pub valid: Option<Condition>,
    /// The answer that means "revoked or never valid"; anything else is an error.
    pub invalid: Option<Condition>,
    /// What to record from a live answer (account, user, scopes, expiry).
    #[serde(default)]
    pub report: Report,
    /// `--map-access`: read-only requests, after a live answer, that list what the credential
    /// can reach (repositories, projects, channels), sent with the check's own headers.
    #[serde(default)]
    pub access: Vec<AccessProbe>,
    /// Where a live credential is revoked: an `https://` page of the provider, in which
    /// `{FACT}` stands for a fact of the live answer (`{account}`); shown with live findings.
    pub revoke: Option<String>,
}

impl ValidateSpec {
    /// The revocation page of a live credential with these `facts`: `None` when the rule names
    /// none, or a fact it needs was not in the answer. Facts are percent-encoded into it.
    pub fn revoke_url(&self, facts: &BTreeMap<String, String>) -> Option<String> {
        let template = self.revoke.as_deref()?;
        let mut url = String::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let close = open + rest[open..].find('}')?;
            url.push_str(&rest[..open]);
            let value = facts.get(&rest[open + 1..close])?;
            url.push_str(&crate::http_url::percent_encode(value, b"-._~"));
            rest = &rest[close + 1..];
        }
        url.push_str(rest);
        Some(url)
    }
}

/// The most access probes a rule may have: `--map-access` stays a handful of requests.
pub const MAX_ACCESS_PROBES: usize = 4;

/// One `[[rules.validate.access]]` request: a GET on the check's host, and what to keep.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccessProbe {
    /// What it lists (`repositories`): the facts are named `access.NAME`.
    pub name: String,
    /// A GET on the same host as the check's `url`; placeholders as there.
    pub url: String,
    /// A dotted path to the listed items' names, `*` standing for every element of an array
    /// (`*.full_name`, `data.*.id`).
    pub list: String,
}

fn default_method() -> String {
    "GET".into()
}

/// Holds when the status is one of `status` and the body contains `body_contains` (if set).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// HTTP status codes, any one of which matches.
    pub status: Vec<u16>,
    /// Text the body must also contain.
    pub body_contains: Option<String>,
}

impl Condition {
    pub(crate) fn holds(&self, status: u16, body: &str) -> bool {
        self.status.contains(&status)
            && self
                .body_contains
                .as_ref()
                .is_none_or(|needle| body.contains(needle.as_str()))
    }
}

/// What to keep from a live answer as the finding's validation facts.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// Dotted paths into a JSON body (`user.login`, `scopes`).
    #[serde(default)]
    pub json: Vec<String>,
    /// Response headers (`x-oauth-scopes`).
    #[serde(default)]
    pub headers: Vec<String>,
}

impl ValidateSpec {
    /// Every part of the request where `{secret}` and `{partner}` may be filled in.
    pub fn templates(&self) -> impl Iterator<Item = &str> {
        self.url
            .as_deref()
            .into_iter()
            .chain(self.headers.values().map(String::as_str))
            .chain(self.basic.iter().flatten().map(String::as_str))
            .chain(self.body.as_deref())
    }

    /// What is wrong with the spec; empty when it can run. `paired` says whether the rule has a
    /// partner for `{partner}`.
    pub fn problems(&self, paired: bool) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(revoke) = &self.revoke {
            let host = revoke
                .strip_prefix("https://")
                .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
            if host.is_none_or(|h| h.is_empty() || h.contains('{')) {
                problems.push(format!(
                    "revoke {revoke:?} must be an https:// page on a fixed host"
                ));
            }
        }
        if self.coded.is_some() {
            return problems;
        }
        let Some(url) = &self.url else {
            return vec!["needs `url` (or `coded`)".into()];
        };
        // Placeholders cannot stand in a host (braces are not host characters), with one
        // exception: an account's own subdomain of the provider's domain
        // (`{partner}.myshopify.com`), filled only with a bare DNS label; a stand-in label
        // takes its place here.
        let stand_in = url.replacen(&format!("://{PARTNER}."), "://partner.", 1);
        match HttpUrl::parse(&stand_in) {
            Some(parsed) if !parsed.is_https() => {
                problems.push(format!("url {url:?} must start with https://"));
            }
            Some(parsed) if !parsed.has_userinfo() && parsed.host().contains('.') => {}
            _ if !url.to_ascii_lowercase().starts_with("https://") => {
                problems.push(format!("url {url:?} must start with https://"));
            }
            _ => problems.push(format!(
                "url {url:?}: the host must be fixed (no placeholder but a leading \
                 {{partner}} subdomain, no user info) and the URL well-formed"
            )),
        }
        if !["GET", "POST", "HEAD", "PUT"].contains(&self.method.as_str()) {
            problems.push(format!(
                "method {:?} is not GET, POST, HEAD or PUT",
                self.method
            ));
        }
        let mut uses_secret = false;
        for template in self.templates() {
            uses_secret |= template.contains(SECRET);
            if template.contains(PARTNER) && !paired {
                problems.push("uses {partner} but the rule has no `pair`".into());
            }
            // `{name}` that is neither placeholder is a typo (JSON and GraphQL braces are fine).
            let unknown = template.match_indices('{').any(|(at, _)| {
                let rest = &template[at + 1..];
                let name_len = rest
                    .bytes()
                    .take_while(|b| b.is_ascii_lowercase() || *b == b'_')
                    .count();
                name_len > 0
                    && rest.as_bytes().get(name_len) == Some(&b'}')
                    && !matches!(&rest[..name_len], "secret" | "partner")
            });
            if unknown {
                problems.push(format!(
                    "{template:?}: only {{secret}} and {{partner}} can be filled in"
                ));
            }
        }
        if !uses_secret {
            problems.push("the request never sends {secret}".into());
        }
        match &self.valid {
            None => problems.push("needs a `valid` condition".into()),
            Some(c) if c.status.is_empty() => problems.push("`valid.status` is empty".into()),
            Some(_) => {}
        }
        if self.invalid.as_ref().is_some_and(|c| c.status.is_empty()) {
            problems.push("`invalid.status` is empty".into());
        }
        problems.extend(self.access_problems(url));
        problems
    }

    /// Access probes go where the check goes (the same host), list something, and are few.
    fn access_problems(&self, check_url: &str) -> Vec<String> {
        let mut problems = Vec::new();
        if self.access.len() > MAX_ACCESS_PROBES {
            problems.push(format!("more than {MAX_ACCESS_PROBES} access probes"));
        }
        let host = |url: &str| HttpUrl::parse(url).map(|u| u.host_port().to_ascii_lowercase());
        for probe in &self.access {
            if probe.name.is_empty()
                || !probe
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-')
            {
                problems.push(format!(
                    "access probe name {:?}: lowercase words and dashes",
                    probe.name
                ));
            }
            if !probe.url.starts_with("https://")
                || host(&probe.url).is_none()
                || host(&probe.url) != host(check_url)
            {
                problems.push(format!(
                    "access probe {:?}: its url must be https:// on the check's own host",
                    probe.name
                ));
            }
            if probe.list.is_empty() || !probe.list.contains('*') {
                problems.push(format!(
                    "access probe {:?}: `list` needs a `*` over the listed array",
                    probe.name
                ));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revoke_page_is_filled_from_the_answer_and_needs_a_fixed_host() {
        let aws = spec(
            "coded = 'aws-sts'\nrevoke = 'https://console.aws.amazon.com/iam/home#/users/details/{user}?x=1'",
        );
        let facts = BTreeMap::from([("user".to_string(), "ci/bot+1".to_string())]);
        assert_eq!(
            aws.revoke_url(&facts).unwrap(),
            "https://console.aws.amazon.com/iam/home#/users/details/ci%2Fbot%2B1?x=1"
        );
        // A fact the answer did not give: no link rather than a wrong one.
        assert_eq!(aws.revoke_url(&BTreeMap::new()), None);
        let elsewhere = spec("coded = 'aws-sts'\nrevoke = 'https://{user}.example.com/'");
        assert!(elsewhere.problems(false)[0].contains("fixed host"));
        let plain = spec("coded = 'aws-sts'\nrevoke = 'http://example.com/'");
        assert!(!plain.problems(false).is_empty());
    }

    fn spec(toml_text: &str) -> ValidateSpec {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn a_fixed_https_host_and_a_valid_condition_are_required() {
        let good = spec(
            "url = 'https://api.example.com/user'\nheaders = { Authorization = 'Bearer {secret}' }\nvalid = { status = [200] }",
        );
        assert!(
            good.problems(false).is_empty(),
            "{:?}",
            good.problems(false)
        );
        let http = spec("url = 'http://api.example.com/{secret}'\nvalid = { status = [200] }");
        assert!(http.problems(false)[0].contains("https://"));
        let host = spec("url = 'https://{secret}.example.com/'\nvalid = { status = [200] }");
        assert!(host.problems(false)[0].contains("host must be fixed"));
        let subdomain = spec(
            "url = 'https://{partner}.myshopify.com/a?k={secret}'\nvalid = { status = [200] }",
        );
        assert!(
            subdomain.problems(true).is_empty(),
            "{:?}",
            subdomain.problems(true)
        );
        let partner =
            spec("url = 'https://a.example.com/{partner}/{secret}'\nvalid = { status = [200] }");
        assert!(partner.problems(false)[0].contains("no `pair`"));
        assert!(partner.problems(true).is_empty());
        let no_secret = spec("url = 'https://a.example.com/'\nvalid = { status = [200] }");
        assert!(no_secret.problems(false)[0].contains("never sends"));
        assert!(spec("coded = 'aws-sts'").problems(false).is_empty());
        let unknown = toml::from_str::<ValidateSpec>("coded = 'nope'").unwrap_err();
        assert!(
            unknown
                .message()
                .starts_with(r#"unknown coded check "nope" (one of: aws-sts, "#),
            "{unknown}"
        );
        let graphql = spec(
            "method = 'POST'\nurl = 'https://api.example.com/graphql'\nheaders = { Authorization = '{secret}' }\nbody = '{\"query\": \"{ viewer { id } }\"}'\nvalid = { status = [200] }",
        );
        assert!(
            graphql.problems(false).is_empty(),
            "{:?}",
            graphql.problems(false)
        );
        for tricky in [
            "https://a@evil.com@api.example.com/{secret}",
            "https://user@api.example.com/{secret}",
            "https://api.example.com\\@evil.com/{secret}",
            "https://{partner}.{secret}.example.com/",
            "https://{partner}/{secret}",
            "https://localhost/{secret}",
        ] {
            let problems =
                spec(&format!("url = '{tricky}'\nvalid = {{ status = [200] }}")).problems(true);
            assert!(
                problems[0].contains("host must be fixed"),
                "{tricky}: {problems:?}"
            );
        }
        let upper = spec("url = 'HTTPS://api.example.com/{secret}'\nvalid = { status = [200] }");
        assert!(
            upper.problems(false).is_empty(),
            "{:?}",
            upper.problems(false)
        );
        let ftp = spec("url = 'ftp://api.example.com/{secret}'\nvalid = { status = [200] }");
        assert!(ftp.problems(false)[0].contains("https://"));
        let typo =
            spec("url = 'https://a.example.com/{secert}/{secret}'\nvalid = { status = [200] }");
        assert!(typo.problems(false)[0].contains("only {secret}"));
    }
}
