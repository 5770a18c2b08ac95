//! Endpoint overrides: where a provider's checks go instead of its public host (GitHub
//! Enterprise, GitLab self-managed, mock servers in tests).
//!
//! They come only from the command line (`--validate-endpoint github=https://ghe.acme.com/api/v3`)
//! or the environment (`KEYSWEEP_VALIDATE_ENDPOINT_GITHUB=…`), never from a scanned
//! repository's files: a repository must not be able to send its readers' findings elsewhere.
//! An override must be HTTPS, except plain HTTP to the loopback interface (local mocks).

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};

use crate::http_url::HttpUrl;

const ENV_PREFIX: &str = "KEYSWEEP_VALIDATE_ENDPOINT_";

#[derive(Debug, Clone, Default)]
pub(crate) struct Endpoints {
    /// Provider → base URL (scheme, host, optional port and path prefix; no trailing slash).
    bases: BTreeMap<String, String>,
}

impl Endpoints {
    /// From `provider=URL` arguments, then the environment (arguments win).
    pub fn from_args_and_env(args: &[String]) -> Result<Endpoints> {
        let mut endpoints = Endpoints::default();
        for (name, value) in std::env::vars() {
            if let Some(provider) = name.strip_prefix(ENV_PREFIX) {
                let provider = provider.to_ascii_lowercase().replace('_', "-");
                endpoints
                    .insert(&provider, &value)
                    .with_context(|| format!("environment variable {name}"))?;
            }
        }
        for arg in args {
            let (provider, url) = arg
                .split_once('=')
                .with_context(|| format!("--validate-endpoint {arg:?}: expected PROVIDER=URL"))?;
            endpoints
                .insert(provider, url)
                .with_context(|| format!("--validate-endpoint {arg:?}"))?;
        }
        Ok(endpoints)
    }

    fn insert(&mut self, provider: &str, url: &str) -> Result<()> {
        let base = url.trim_end_matches('/');
        // Loopback addresses, not names: `localhost` is whatever name resolution says.
        let parsed = HttpUrl::parse(base)
            .filter(|u| u.is_https() || u.is_loopback_ip())
            .context("an endpoint must be https:// (plain http only to 127.0.0.1 or [::1])")?;
        // User info would be sent nowhere but could hide the host from a reader.
        if parsed.has_userinfo() {
            bail!("an endpoint must not hold user info (`user@`)");
        }
        self.bases
            .insert(provider.to_ascii_lowercase(), base.to_string());
        Ok(())
    }

    /// The URL to call: `url` itself, or its path and query under the provider's override.
    pub fn resolve(&self, provider: &str, url: &str) -> String {
        match self.bases.get(provider) {
            None => url.to_string(),
            Some(base) => format!(
                "{base}{}",
                HttpUrl::parse(url).map_or("/", |u| u.path_and_query())
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_keep_the_path_and_refuse_plain_http_elsewhere() {
        let mut e = Endpoints::default();
        e.insert("github", "https://ghe.acme.io/api/v3/").unwrap();
        e.insert("gitlab", "http://127.0.0.1:8080").unwrap();
        assert_eq!(
            e.resolve("github", "https://api.github.com/user?x=1"),
            "https://ghe.acme.io/api/v3/user?x=1"
        );
        assert_eq!(
            e.resolve("gitlab", "https://gitlab.com/api/v4/user"),
            "http://127.0.0.1:8080/api/v4/user"
        );
        assert_eq!(
            e.resolve("slack", "https://slack.com/api/auth.test"),
            "https://slack.com/api/auth.test"
        );
        assert!(e.insert("x", "http://evil.example.com").is_err());
        assert!(e.insert("x", "ftp://127.0.0.1").is_err());
        assert!(e.insert("x", "http://localhost:8080").is_err());
        assert!(e.insert("x", "http://127.0.0.1.evil.example").is_err());
        assert!(e.insert("x", "http://[::1]:8080").is_ok());
        assert!(e.insert("x", "HTTP://127.0.0.1:8080").is_ok());
        assert!(e.insert("x", "http://127.0.0.1:80@evil.example").is_err());
        assert!(e.insert("x", "https://a@evil.example@ghe.acme.io").is_err());
        assert!(e.insert("x", "https://user@ghe.acme.io").is_err());
        assert!(e.insert("x", "http://127.0.0.1\\@evil.example").is_err());
    }
}
