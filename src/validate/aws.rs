//! AWS: STS `GetCallerIdentity`, signed with Signature Version 4 from the access key id (the
//! paired finding) and the secret access key. It needs no permission and changes nothing.
//! With `--map-access`, an IAM user's key is then asked which policies it carries (IAM
//! `ListAttachedUserPolicies` and `ListUserPolicies`: read-only, and answered only when the
//! key may list its own user's policies).

use std::collections::BTreeMap;

use super::digest::{hex, hmac_sha256, sha256_hex};
use super::{Endpoints, Request, Response, Subject, Validation};
use crate::http_url::HttpUrl;
use crate::rules::validation::ValidateSpec;
use crate::utc;

const URL: &str = "https://sts.amazonaws.com/";
/// IAM is a global service, signed for us-east-1 like STS's global endpoint.
pub(super) const IAM_URL: &str = "https://iam.amazonaws.com/";
const REGION: &str = "us-east-1";
const BODY: &str = "Action=GetCallerIdentity&Version=2011-06-15";
const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

pub fn request(subject: &Subject, endpoints: &Endpoints) -> Result<Request, Validation> {
    let Some(key_id) = subject.partner else {
        return Err(Validation::unsupported(
            "needs the access key id, which was not found near the secret",
        ));
    };
    let url = endpoints.resolve(subject.provider, URL);
    Ok(signed_post(url, "sts", BODY, key_id, subject.secret))
}

/// The `--map-access` requests for a live key whose check named an IAM user (`arn` fact):
/// (fact name, request, the XML element that names each listed policy). None for a role's or
/// the root's key.
pub(super) fn access_requests(
    secret: &str,
    key_id: &str,
    facts: &BTreeMap<String, String>,
    endpoints: &Endpoints,
    provider: &str,
) -> Vec<(&'static str, Request, &'static str)> {
    let Some(user) = facts.get("user") else {
        return Vec::new();
    };
    // IAM user names are [\w+=,.@-]: only `+`, `=`, `,` and `@` need encoding in a form.
    let user = crate::http_url::percent_encode(user, b"_.-");
    let url = endpoints.resolve(provider, IAM_URL);
    [
        (
            "attached-policies",
            "ListAttachedUserPolicies",
            "PolicyName",
        ),
        ("inline-policies", "ListUserPolicies", "member"),
    ]
    .into_iter()
    .map(|(name, action, element)| {
        let body = format!("Action={action}&UserName={user}&Version=2010-05-08");
        let request = signed_post(url.clone(), "iam", &body, key_id, secret);
        (name, request, element)
    })
    .collect()
}

/// The user name of an IAM user's ARN (`arn:aws:iam::ACCOUNT:user/PATH/NAME`); `None` for a
/// role, a federated user or the root.
fn iam_user(arn: &str) -> Option<&str> {
    let (_, path) = arn.split_once(":user/")?;
    path.rsplit('/').next().filter(|name| !name.is_empty())
}

/// What an IAM listing answered, as the text of an access fact.
pub(super) fn access_fact(element: &str, answer: Result<Response, String>) -> String {
    match answer {
        Ok(response) if response.status == 200 => {
            super::request::listed(xml_fields(&response.body, element))
        }
        Ok(response) => format!("not allowed (HTTP {})", response.status),
        Err(reason) => format!("not known: {reason}"),
    }
}

/// A form POST to `url` for `service`, signed with SigV4.
fn signed_post(url: String, service: &str, body: &str, key_id: &str, secret: &str) -> Request {
    let parsed = HttpUrl::parse(&url);
    let host = parsed.map_or("", |u| u.host_port()).to_string();
    let path = parsed.map_or("/", |u| u.path_and_query()).to_string();
    let amz_date = utc::format(utc::now(), "%Y%m%dT%H%M%SZ");
    let authorization = sign(&Signing {
        method: "POST",
        host: &host,
        path: &path,
        service,
        content_type: CONTENT_TYPE,
        amz_date: &amz_date,
        body,
        key_id,
        secret,
    });
    Request {
        method: "POST".into(),
        url,
        headers: vec![
            ("Content-Type".into(), CONTENT_TYPE.into()),
            ("X-Amz-Date".into(), amz_date),
            ("Authorization".into(), authorization),
        ],
        body: Some(body.as_bytes().to_vec()),
    }
}

struct Signing<'a> {
    service: &'a str,
    method: &'a str,
    host: &'a str,
    path: &'a str,
    content_type: &'a str,
    amz_date: &'a str,
    body: &'a str,
    key_id: &'a str,
    secret: &'a str,
}

/// The `Authorization` header of a SigV4-signed request with no query string and the
/// content-type, host and x-amz-date headers signed.
fn sign(s: &Signing) -> String {
    let date = &s.amz_date[..8];
    let canonical_request = format!(
        "{}\n{}\n\ncontent-type:{}\nhost:{}\nx-amz-date:{}\n\ncontent-type;host;x-amz-date\n{}",
        s.method,
        s.path,
        s.content_type,
        s.host,
        s.amz_date,
        sha256_hex(s.body.as_bytes())
    );
    let scope = format!("{date}/{REGION}/{}/aws4_request", s.service);
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        s.amz_date,
        sha256_hex(canonical_request.as_bytes())
    );
    let mut key = hmac_sha256(format!("AWS4{}", s.secret).as_bytes(), date.as_bytes());
    for part in [REGION, s.service, "aws4_request"] {
        key = hmac_sha256(&key, part.as_bytes());
    }
    let signature = hex(&hmac_sha256(&key, string_to_sign.as_bytes()));
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders=content-type;host;x-amz-date, Signature={signature}",
        s.key_id
    )
}

pub fn verdict(_spec: &ValidateSpec, response: &Response) -> Validation {
    match response.status {
        200 => {
            let mut facts = BTreeMap::new();
            for field in ["Account", "Arn", "UserId"] {
                if let Some(value) = xml_field(&response.body, field) {
                    facts.insert(field.to_ascii_lowercase(), value.to_string());
                }
            }
            // An IAM user's name: where its keys are revoked, and what --map-access asks about.
            if let Some(user) = facts.get("arn").and_then(|arn| iam_user(arn)) {
                facts.insert("user".into(), user.to_string());
            }
            Validation::valid(facts)
        }
        403 if ["InvalidClientTokenId", "SignatureDoesNotMatch"]
            .iter()
            .any(|code| response.body.contains(code)) =>
        {
            Validation::invalid()
        }
        _ => response.unexpected(),
    }
}

fn xml_field<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    xml_fields(xml, name).into_iter().next()
}

/// The text of every `<name>` element of `xml`, in order.
fn xml_fields<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}>");
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find(&open) {
        rest = &rest[at + open.len()..];
        let Some(end) = rest.find('<') else { break };
        found.push(rest[..end].trim());
        rest = &rest[end..];
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's published SigV4 example (IAM ListUsers, GET, query string) differs in shape, so
    /// the signing key chain is checked against the documented derived key instead.
    #[test]
    fn the_signing_key_chain_matches_aws_documentation() {
        // docs.aws.amazon.com "Examples of how to derive a signing key for Signature Version 4"
        let mut key = hmac_sha256(b"AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", b"20120215");
        for part in ["us-east-1", "iam", "aws4_request"] {
            key = hmac_sha256(&key, part.as_bytes());
        }
        assert_eq!(
            hex(&key),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }

    #[test]
    fn sts_answers_become_verdicts() {
        let answer = |status, body: &str| Response {
            status,
            headers: vec![],
            body: body.into(),
            location: None,
        };
        let spec: ValidateSpec = toml::from_str("coded = 'aws-sts'").unwrap();
        let ok = verdict(
            &spec,
            &answer(
                200,
                "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn><UserId>AIDAX</UserId><Account>123456789012</Account></GetCallerIdentityResult>",
            ),
        );
        assert_eq!(ok.facts["account"], "123456789012");
        assert_eq!(ok.facts["arn"], "arn:aws:iam::123456789012:user/ci");
        assert_eq!(ok.facts["user"], "ci");
        let bad = verdict(&spec, &answer(403, "<Code>InvalidClientTokenId</Code>"));
        assert_eq!(bad.status, crate::model::Status::Invalid);
    }
}
