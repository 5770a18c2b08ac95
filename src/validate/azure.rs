//! Azure Storage: "List Containers" (at most one) signed with the account key (SharedKey).
//! The account name comes from the connection string the key was found in; the request goes
//! only to that account's endpoint under Azure's own storage domains. `--map-access` lists up
//! to 100 containers the same way.

use std::collections::BTreeMap;

use base64::Engine as _;

use super::digest::hmac_sha256;
use super::{Endpoints, Request, Response, Subject, Validation};
use crate::rules::validation::ValidateSpec;
use crate::utc;

/// Azure's public, China and US Government storage domains.
const SUFFIXES: &[&str] = &[
    "core.windows.net",
    "core.chinacloudapi.cn",
    "core.usgovcloudapi.net",
];
const VERSION: &str = "2021-08-06";

pub fn request(subject: &Subject, endpoints: &Endpoints) -> Result<Request, Validation> {
    list_containers(subject, endpoints, 1)
}

/// `--map-access`: the account's containers, up to 100 (`access.containers`).
pub(super) fn containers_request(
    subject: &Subject,
    endpoints: &Endpoints,
) -> Result<Request, Validation> {
    list_containers(subject, endpoints, 100)
}

/// What a container listing is read as.
pub(super) fn containers_fact(answer: Result<Response, String>) -> String {
    match answer {
        Ok(response) if response.status == 200 => {
            // `<Container><Name>…</Name>`: each container's first element.
            let names: Vec<&str> = response
                .body
                .split("<Container><Name>")
                .skip(1)
                .filter_map(|rest| rest.split('<').next())
                .collect();
            super::request::listed(names)
        }
        Ok(response) => format!("not allowed (HTTP {})", response.status),
        Err(reason) => format!("not known: {reason}"),
    }
}

/// A SharedKey-signed List Containers of at most `max` containers.
fn list_containers(
    subject: &Subject,
    endpoints: &Endpoints,
    max: u32,
) -> Result<Request, Validation> {
    let text = String::from_utf8_lossy(&(subject.source)().unwrap_or_default()).into_owned();
    let connection = [subject.context, text.as_str()]
        .into_iter()
        .find(|t| field(t, "AccountName").is_some() && t.contains(subject.secret))
        .ok_or_else(|| Validation::unsupported("no AccountName next to the key"))?;
    let account = field(connection, "AccountName")
        .filter(|a| {
            (3..=24).contains(&a.len())
                && a.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        .ok_or_else(|| Validation::unsupported("the AccountName is not a storage account name"))?;
    let suffix = field(connection, "EndpointSuffix").unwrap_or(SUFFIXES[0]);
    if !SUFFIXES.contains(&suffix) {
        return Err(Validation::unsupported(format!(
            "endpoint suffix {suffix} is not one of Azure's storage domains"
        )));
    }
    let key = base64::engine::general_purpose::STANDARD
        .decode(subject.secret)
        .map_err(|_| Validation::unsupported("the key is not base64"))?;
    let date = rfc1123(utc::now());
    let string_to_sign = format!(
        "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:{date}\nx-ms-version:{VERSION}\n/{account}/\ncomp:list\nmaxresults:{max}"
    );
    let signature = base64::engine::general_purpose::STANDARD
        .encode(hmac_sha256(&key, string_to_sign.as_bytes()));
    let url = endpoints.resolve(
        subject.provider,
        &format!("https://{account}.blob.{suffix}/?comp=list&maxresults={max}"),
    );
    Ok(Request {
        method: "GET".into(),
        url,
        headers: vec![
            ("x-ms-date".into(), date),
            ("x-ms-version".into(), VERSION.into()),
            (
                "Authorization".into(),
                format!("SharedKey {account}:{signature}"),
            ),
        ],
        body: None,
    })
}

/// `Name=value` in a `;`-separated connection string.
fn field<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let start = text.find(&format!("{name}="))? + name.len() + 1;
    let value = &text[start..];
    let end = value
        .find(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .unwrap_or(value.len());
    Some(&value[..end])
}

/// `Sun, 29 Nov 2026 10:00:00 GMT`
fn rfc1123(unix: i64) -> String {
    utc::format(unix, "%a, %d %b %Y %H:%M:%S GMT")
}

pub fn verdict(_spec: &ValidateSpec, response: &Response) -> Validation {
    match response.status {
        200 => Validation::valid(BTreeMap::new()),
        403 if response.body.contains("AuthenticationFailed") => Validation::invalid(),
        _ => response.unexpected(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_connection_string_fields() {
        assert_eq!(rfc1123(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(rfc1123(1_796_000_000), "Mon, 30 Nov 2026 00:53:20 GMT");
        let cs = "DefaultEndpointsProtocol=https;AccountName=acmelogs;AccountKey=abc==;EndpointSuffix=core.windows.net\"";
        assert_eq!(field(cs, "AccountName"), Some("acmelogs"));
        assert_eq!(field(cs, "EndpointSuffix"), Some("core.windows.net"));
        assert_eq!(field(cs, "Missing"), None);
    }
}
