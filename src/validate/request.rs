//! Declarative checks: a rule's `[rules.validate]` table turned into one request, and the
//! provider's answer turned into a verdict.

use std::collections::BTreeMap;

use base64::Engine as _;

use super::{Endpoints, Response, Subject, Validation};
use crate::http_url::HttpUrl;
use crate::rules::validation::{AccessProbe, PARTNER, SECRET, ValidateSpec};

/// One HTTP request, fully resolved.
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) method: String,
    pub(crate) url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Vec<u8>>,
}

impl Request {
    /// `host[:port]` of the URL, for messages (never the URL: it may hold the secret).
    pub fn host(&self) -> &str {
        HttpUrl::parse(&self.url).map_or("", |u| u.host_port())
    }

    /// The URL's path and query with `secret` (as sent, percent-encoded) redacted, for the dry
    /// run's list of requests.
    pub fn shown_path(&self, secret: &str) -> String {
        let after_scheme = self.url.split_once("://").map_or("", |(_, rest)| rest);
        let path = after_scheme.find('/').map_or("/", |at| &after_scheme[at..]);
        let redacted = crate::redact::redact_secret(secret);
        path.replace(&percent_encode(secret), &redacted)
            .replace(secret, &redacted)
    }
}

pub fn declarative(
    spec: &ValidateSpec,
    subject: &Subject,
    endpoints: &Endpoints,
) -> Result<Request, Validation> {
    let uses_partner = spec.templates().any(|t| t.contains(PARTNER));
    let partner = match (uses_partner, subject.partner) {
        (false, _) => "",
        (true, Some(p)) => p,
        (true, None) => {
            return Err(Validation::unsupported(
                "needs the other half of the credential, which was not found nearby",
            ));
        }
    };
    let url = spec.url.as_deref().unwrap_or_default();
    // A partner in the host is an account's subdomain of the provider's domain: one DNS label.
    let dns_label = (1..=63).contains(&partner.len())
        && partner
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if url.contains(&format!("://{PARTNER}.")) && !dns_label {
        return Err(Validation::unsupported(
            "the account name found next to the secret is not a valid host name",
        ));
    }
    let fill = |template: &str| {
        template
            .replace(SECRET, subject.secret)
            .replace(PARTNER, partner)
    };
    let fill_url = |template: &str| {
        template
            .replace(SECRET, &percent_encode(subject.secret))
            .replace(PARTNER, &percent_encode(partner))
    };
    let mut headers: Vec<(String, String)> = spec
        .headers
        .iter()
        .map(|(name, value)| (name.clone(), fill(value)))
        .collect();
    if let Some([user, password]) = &spec.basic {
        let pair = format!("{}:{}", fill(user), fill(password));
        headers.push((
            "Authorization".into(),
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            ),
        ));
    }
    Ok(Request {
        method: spec.method.clone(),
        url: endpoints.resolve(subject.provider, &fill_url(url)),
        headers,
        body: spec.body.as_deref().map(|b| fill(b).into_bytes()),
    })
}

/// Everything but unreserved characters and `:` (allowed in paths and queries, and part of
/// Telegram's bot tokens), percent-encoded, for secrets placed in a URL.
fn percent_encode(text: &str) -> String {
    crate::http_url::percent_encode(text, b"-._~:")
}

pub fn verdict(spec: &ValidateSpec, response: &Response) -> Validation {
    let valid = spec.valid.as_ref();
    if valid.is_some_and(|c| c.holds(response.status, &response.body)) {
        return Validation::valid(facts(spec, response));
    }
    if spec
        .invalid
        .as_ref()
        .is_some_and(|c| c.holds(response.status, &response.body))
    {
        return Validation::invalid();
    }
    response.unexpected()
}

/// The request of an access probe: the check's own headers and authentication, a GET of the
/// probe's URL.
pub fn probe_spec(spec: &ValidateSpec, probe: &AccessProbe) -> ValidateSpec {
    ValidateSpec {
        method: "GET".into(),
        url: Some(probe.url.clone()),
        body: None,
        access: Vec::new(),
        ..spec.clone()
    }
}

/// The most names an access fact lists; the rest are counted.
const MAX_LISTED: usize = 20;

/// What an access probe found, as one fact: `access.NAME` = `N: a, b, … (+M more)`, or why
/// there is nothing (the credential may not list it: that is an answer too).
pub fn access_fact(probe: &AccessProbe, answer: Result<Response, String>) -> (String, String) {
    let key = format!("access.{}", probe.name);
    let response = match answer {
        Ok(response) => response,
        Err(reason) => return (key, format!("not known: {reason}")),
    };
    if !(200..300).contains(&response.status) {
        return (key, format!("not allowed (HTTP {})", response.status));
    }
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&response.body) else {
        return (key, "not known: the answer is not JSON".into());
    };
    let mut names = Vec::new();
    collect(
        &json,
        &probe.list.split('.').collect::<Vec<_>>(),
        &mut names,
    );
    // Some APIs (Slack) answer 200 with an error instead of a list.
    if names.is_empty()
        && let Some(error) = ["error", "message"]
            .iter()
            .find_map(|k| json.get(k).and_then(serde_json::Value::as_str))
    {
        let error: String = error.chars().take(100).collect();
        return (key, format!("not allowed ({error})"));
    }
    (key, listed(names))
}

/// Names an access probe found, as a fact: `N: a, b, … (+M more on this page)`, or `none`.
pub(super) fn listed<S: AsRef<str>>(names: Vec<S>) -> String {
    let total = names.len();
    if total == 0 {
        return "none".into();
    }
    let shown: Vec<&str> = names.iter().take(MAX_LISTED).map(AsRef::as_ref).collect();
    let more = if total > MAX_LISTED {
        format!(" (+{} more on this page)", total - MAX_LISTED)
    } else {
        String::new()
    };
    format!("{total}: {}{more}", shown.join(", "))
}

/// The values at `path` (`*` is every element of an array) under `value`.
fn collect(value: &serde_json::Value, path: &[&str], out: &mut Vec<String>) {
    match path.split_first() {
        None => out.extend(fact_text(value)),
        Some((&"*", rest)) => {
            for item in value.as_array().into_iter().flatten() {
                collect(item, rest, out);
            }
        }
        Some((key, rest)) => {
            if let Some(next) = value.get(key) {
                collect(next, rest, out);
            }
        }
    }
}

/// The facts the spec asks for: JSON paths of the body and response headers.
fn facts(spec: &ValidateSpec, response: &Response) -> BTreeMap<String, String> {
    let mut facts = BTreeMap::new();
    if !spec.report.json.is_empty()
        && let Ok(json) = serde_json::from_str::<serde_json::Value>(&response.body)
    {
        for path in &spec.report.json {
            let value = path.split('.').try_fold(&json, |v, key| match v {
                serde_json::Value::Array(items) => {
                    key.parse::<usize>().ok().and_then(|i| items.get(i))
                }
                _ => v.get(key),
            });
            if let Some(text) = value.and_then(fact_text) {
                facts.insert(path.clone(), text);
            }
        }
    }
    for name in &spec.report.headers {
        if let Some(value) = response.header(name) {
            facts.insert(name.to_ascii_lowercase(), value.to_string());
        }
    }
    facts
}

/// A JSON value as one short line (arrays joined with commas); objects are skipped.
fn fact_text(value: &serde_json::Value) -> Option<String> {
    const MAX: usize = 200;
    let text = match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(_) | serde_json::Value::Bool(_) => value.to_string(),
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(fact_text)
            .collect::<Vec<_>>()
            .join(","),
        serde_json::Value::Null | serde_json::Value::Object(_) => return None,
    };
    Some(text.chars().take(MAX).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> ValidateSpec {
        toml::from_str(
            r#"
            url = "https://api.acme.io/v1/check?key={secret}"
            headers = { Authorization = "Bearer {secret}" }
            basic = ["{partner}", "{secret}"]
            valid = { status = [200], body_contains = '"ok":true' }
            invalid = { status = [401] }
            report = { json = ["user.name", "scopes"], headers = ["x-plan"] }
            "#,
        )
        .unwrap()
    }

    #[test]
    fn placeholders_are_filled_and_the_url_encoded() {
        let source = || None;
        let subject = Subject {
            secret: "a+b/c",
            partner: Some("ACME"),
            provider: "acme",
            context: "",
            source: &source,
        };
        let r = declarative(&spec(), &subject, &Endpoints::default()).unwrap();
        assert_eq!(r.url, "https://api.acme.io/v1/check?key=a%2Bb%2Fc");
        // The dry run shows where it goes, never the secret.
        assert_eq!(r.shown_path("a+b/c"), "/v1/check?key=a********");
        assert!(
            r.headers
                .contains(&("Authorization".into(), "Bearer a+b/c".into()))
        );
        assert!(
            r.headers
                .contains(&("Authorization".into(), "Basic QUNNRTphK2IvYw==".into()))
        );
        let alone = Subject {
            partner: None,
            ..subject
        };
        let missing = declarative(&spec(), &alone, &Endpoints::default()).unwrap_err();
        assert_eq!(missing.status, crate::model::Status::Unsupported);
    }

    #[test]
    fn access_probes_list_names_under_a_wildcard_path_and_say_when_refused() {
        let probe = AccessProbe {
            name: "repositories".into(),
            url: "https://api.acme.io/repos".into(),
            list: "data.*.name".into(),
        };
        let answer = |status: u16, body: &str| {
            Ok(Response {
                status,
                headers: Vec::new(),
                body: body.into(),
                location: None,
            })
        };
        let body = r#"{"data":[{"name":"api"},{"name":"web"},{"id":3}]}"#;
        assert_eq!(
            access_fact(&probe, answer(200, body)),
            ("access.repositories".into(), "2: api, web".into())
        );
        let many = format!(
            r#"{{"data":[{}]}}"#,
            (0..25)
                .map(|i| format!(r#"{{"name":"r{i}"}}"#))
                .collect::<Vec<_>>()
                .join(",")
        );
        let (_, text) = access_fact(&probe, answer(200, &many));
        assert!(
            text.starts_with("25: r0, r1") && text.ends_with("(+5 more on this page)"),
            "{text}"
        );
        assert_eq!(
            access_fact(&probe, answer(403, "")).1,
            "not allowed (HTTP 403)"
        );
        let refused = r#"{"ok":false,"error":"missing_scope"}"#;
        assert_eq!(
            access_fact(&probe, answer(200, refused)).1,
            "not allowed (missing_scope)"
        );
    }

    #[test]
    fn verdicts_follow_the_conditions_and_collect_facts() {
        let answer = |status, body: &str| Response {
            status,
            headers: vec![("X-Plan".into(), "pro".into())],
            body: body.into(),
            location: None,
        };
        let live = verdict(
            &spec(),
            &answer(
                200,
                r#"{"ok":true,"user":{"name":"ci-bot"},"scopes":["read","write"]}"#,
            ),
        );
        assert_eq!(live.status, crate::model::Status::Valid);
        assert_eq!(live.facts["user.name"], "ci-bot");
        assert_eq!(live.facts["scopes"], "read,write");
        assert_eq!(live.facts["x-plan"], "pro");
        assert_eq!(
            verdict(&spec(), &answer(401, "")).status,
            crate::model::Status::Invalid
        );
        // 200 without the marker, a 500, a redirect: errors, with the status.
        let odd = verdict(&spec(), &answer(200, "<html>maintenance</html>"));
        assert_eq!(odd.reason.as_deref(), Some("unexpected answer: HTTP 200"));
        let moved = Response {
            location: Some("https://elsewhere.example/x".into()),
            ..answer(302, "")
        };
        assert!(
            verdict(&spec(), &moved)
                .reason
                .unwrap()
                .contains("elsewhere.example")
        );
    }
}
