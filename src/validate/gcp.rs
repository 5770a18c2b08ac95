//! Google Cloud service-account keys: a JWT signed with the key file's private key, exchanged
//! at Google's OAuth token endpoint. A key that was deleted or disabled (or whose account was)
//! gets `invalid_grant`. The token endpoint is fixed: a key file's own `token_uri` is not
//! trusted, since the scanned repository wrote it.

use std::collections::BTreeMap;

use base64::Engine as _;

use super::{Endpoints, Request, Response, Subject, Validation};
use crate::rules::validation::ValidateSpec;

const TOKEN_URL: &str = "https://oauth2.googleapis.com/token";
const SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform.read-only";
/// `--map-access`: the projects the service account can see (Resource Manager, read-only).
const PROJECTS_URL: &str = "https://cloudresourcemanager.googleapis.com/v1/projects?pageSize=100";

/// The access token of a token endpoint's answer (used for one request, never kept).
pub(super) fn access_token(response: &Response) -> Option<String> {
    if response.status != 200 {
        return None;
    }
    let answer: serde_json::Value = serde_json::from_str(&response.body).ok()?;
    Some(answer.get("access_token")?.as_str()?.to_string())
}

/// The projects listing with `token` (the read-only scope the check asks for).
pub(super) fn projects_request(token: &str, endpoints: &Endpoints, provider: &str) -> Request {
    Request {
        method: "GET".into(),
        url: endpoints.resolve(provider, PROJECTS_URL),
        headers: vec![("Authorization".into(), format!("Bearer {token}"))],
        body: None,
    }
}

/// What the projects listing is read as: `access.projects`, the ids.
pub(super) fn projects_probe() -> crate::rules::validation::AccessProbe {
    crate::rules::validation::AccessProbe {
        name: "projects".into(),
        url: PROJECTS_URL.into(),
        list: "projects.*.projectId".into(),
    }
}

pub fn request(subject: &Subject, endpoints: &Endpoints) -> Result<Request, Validation> {
    let source = (subject.source)()
        .ok_or_else(|| Validation::unsupported("the key file could not be read again"))?;
    let key =
        KeyFile::find(&String::from_utf8_lossy(&source), subject.secret).ok_or_else(|| {
            Validation::unsupported("no client_email and private_key next to the key id")
        })?;
    let assertion = key.assertion(crate::utc::now())?;
    let body = format!(
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion={assertion}"
    );
    Ok(Request {
        method: "POST".into(),
        url: endpoints.resolve(subject.provider, TOKEN_URL),
        headers: vec![(
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        )],
        body: Some(body.into_bytes()),
    })
}

/// The parts of a service-account key file the check needs.
#[derive(Debug, PartialEq)]
struct KeyFile {
    key_id: String,
    client_email: String,
    private_key_pem: String,
}

impl KeyFile {
    /// The JSON object in `text` whose `private_key_id` is `key_id` (a whole-file key, or one
    /// embedded in a larger JSON document or string).
    fn find(text: &str, key_id: &str) -> Option<KeyFile> {
        let string_field = |name: &str| -> Option<String> {
            let pattern = format!(r#""{name}"\s*:\s*"((?:[^"\\]|\\.)*)""#);
            let raw = regex::Regex::new(&pattern)
                .ok()?
                .captures(text)?
                .get(1)?
                .as_str();
            serde_json::from_str::<String>(&format!("\"{raw}\"")).ok()
        };
        let found = KeyFile {
            key_id: string_field("private_key_id")?,
            client_email: string_field("client_email")?,
            private_key_pem: string_field("private_key")?,
        };
        (found.key_id == key_id).then_some(found)
    }

    /// A signed JWT asking for a read-only token, valid for five minutes from `now`.
    fn assertion(&self, now: i64) -> Result<String, Validation> {
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = serde_json::json!({ "alg": "RS256", "typ": "JWT", "kid": self.key_id });
        let claims = serde_json::json!({
            "iss": self.client_email, "scope": SCOPE, "aud": TOKEN_URL,
            "iat": now, "exp": now + 300,
        });
        let signing_input = format!(
            "{}.{}",
            url.encode(header.to_string()),
            url.encode(claims.to_string())
        );
        let der = pem_to_der(&self.private_key_pem)
            .ok_or_else(|| Validation::unsupported("the private key is not PEM"))?;
        let key = ring::signature::RsaKeyPair::from_pkcs8(&der)
            .map_err(|_| Validation::unsupported("the private key is not an RSA PKCS#8 key"))?;
        let mut signature = vec![0; key.public().modulus_len()];
        key.sign(
            &ring::signature::RSA_PKCS1_SHA256,
            &ring::rand::SystemRandom::new(),
            signing_input.as_bytes(),
            &mut signature,
        )
        .map_err(|_| Validation::error("signing the token request failed"))?;
        Ok(format!("{signing_input}.{}", url.encode(signature)))
    }
}

fn pem_to_der(pem: &str) -> Option<Vec<u8>> {
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .flat_map(|l| l.trim().chars())
        .collect();
    base64::engine::general_purpose::STANDARD.decode(body).ok()
}

pub fn verdict(_spec: &ValidateSpec, response: &Response) -> Validation {
    let error = serde_json::from_str::<serde_json::Value>(&response.body)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string));
    match (response.status, error.as_deref()) {
        (200, _) => {
            let mut facts = BTreeMap::new();
            facts.insert("token".into(), "issued (not kept)".into());
            Validation::valid(facts)
        }
        (400 | 401, Some("invalid_grant" | "invalid_client" | "unauthorized_client")) => {
            Validation::invalid()
        }
        _ => response.unexpected(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_is_found_by_its_key_id_and_unescaped() {
        let text = r#"{"type": "service_account", "private_key_id": "abc123",
            "private_key": "-----BEGIN PRIVATE KEY-----\nQUJD\n-----END PRIVATE KEY-----\n",
            "client_email": "ci@acme-prod.iam.gserviceaccount.com"}"#;
        let key = KeyFile::find(text, "abc123").unwrap();
        assert_eq!(key.client_email, "ci@acme-prod.iam.gserviceaccount.com");
        assert!(key.private_key_pem.contains("\nQUJD\n"));
        assert_eq!(pem_to_der(&key.private_key_pem).unwrap(), b"ABC");
        assert!(KeyFile::find(text, "other").is_none());
    }
}
