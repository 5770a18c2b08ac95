//! Lists the repositories of a GitHub organisation (or user) and of a GitLab group with its
//! subgroups, through their REST APIs, for `keysweep sweep --github-org` / `--gitlab-group`.
//!
//! Pages are followed through `Link: <…>; rel="next"`. The token is a secret: it is sent only
//! to the origin of `api_url`, which must be HTTPS (plain HTTP only to loopback, for mocks);
//! redirects are not followed and a next page on another origin is an error.

use std::collections::HashSet;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use ureq::http::HeaderMap;

use crate::http_url::HttpUrl;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
const MAX_PAGES: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListedRepo {
    /// "acme/api" (GitHub full_name) or "group/sub/project" (GitLab path_with_namespace).
    pub name: String,
    /// GitHub `clone_url`, GitLab `http_url_to_repo`.
    pub clone_url: String,
    pub archived: bool,
    pub fork: bool,
}

pub(crate) struct ForgeOptions {
    /// "https://api.github.com", "https://gitlab.com/api/v4", or a loopback mock.
    pub api_url: String,
    pub token: Option<String>,
    pub include_archived: bool,
    pub include_forks: bool,
}

#[derive(Deserialize)]
struct GithubRepo {
    full_name: String,
    clone_url: String,
    #[serde(default)]
    archived: bool,
    #[serde(default)]
    fork: bool,
    #[serde(default)]
    disabled: bool,
}

#[derive(Deserialize)]
struct GitlabProject {
    path_with_namespace: String,
    http_url_to_repo: String,
    #[serde(default)]
    archived: bool,
    #[serde(default)]
    forked_from_project: Option<IgnoredAny>,
}

/// Repositories of a GitHub organisation, or of a user account when no organisation has that name.
pub(crate) fn github_org(org: &str, options: &ForgeOptions) -> Result<Vec<ListedRepo>> {
    let mut headers = vec![
        ("Accept", "application/vnd.github+json".to_string()),
        ("X-GitHub-Api-Version", "2022-11-28".to_string()),
    ];
    if let Some(token) = &options.token {
        headers.push(("Authorization", format!("Bearer {token}")));
    }
    let api = Api::new("GitHub", "GITHUB_TOKEN", options, headers)?;
    let name = path_segment(org).context("a GitHub organisation or user name is required")?;
    let org_url = format!("{}/orgs/{name}/repos?per_page=100&type=all", api.base);
    let repos: Vec<GithubRepo> = match api.list(&org_url)? {
        Some(repos) => repos,
        None => {
            let user_url = format!("{}/users/{name}/repos?per_page=100&type=owner", api.base);
            api.list(&user_url)?
                .with_context(|| format!("no GitHub organisation or user named {org:?}"))?
        }
    };
    let listed = repos
        .into_iter()
        // A disabled repository cannot be cloned.
        .filter(|r| !r.disabled)
        .map(|r| ListedRepo {
            name: r.full_name,
            clone_url: r.clone_url,
            archived: r.archived,
            fork: r.fork,
        })
        .collect();
    Ok(keep(listed, options))
}

/// Projects of a GitLab group and all its subgroups (shared projects excluded).
pub(crate) fn gitlab_group(group: &str, options: &ForgeOptions) -> Result<Vec<ListedRepo>> {
    let headers = options
        .token
        .iter()
        .map(|token| ("PRIVATE-TOKEN", token.clone()))
        .collect();
    let api = Api::new("GitLab", "GITLAB_TOKEN", options, headers)?;
    let path = path_segment(group).context("a GitLab group path is required")?;
    let url = format!(
        "{}/groups/{path}/projects?include_subgroups=true&per_page=100&with_shared=false",
        api.base
    );
    let projects: Vec<GitlabProject> = api.list(&url)?.with_context(|| {
        format!("GitLab group {group:?} not found (or not visible with this token)")
    })?;
    let listed = projects
        .into_iter()
        .map(|p| ListedRepo {
            name: p.path_with_namespace,
            clone_url: p.http_url_to_repo,
            archived: p.archived,
            fork: p.forked_from_project.is_some(),
        })
        .collect();
    Ok(keep(listed, options))
}

/// Applies the archived/fork filters and sorts by name.
fn keep(mut repos: Vec<ListedRepo>, options: &ForgeOptions) -> Vec<ListedRepo> {
    repos.retain(|r| {
        (options.include_archived || !r.archived) && (options.include_forks || !r.fork)
    });
    repos.sort_by(|a, b| a.name.cmp(&b.name));
    // Offset pagination can repeat an item when the listing changes while it is paged.
    repos.dedup_by(|a, b| a.name == b.name);
    repos
}

/// One forge's API: where it is, what every request carries.
struct Api {
    forge: &'static str,
    token_variable: &'static str,
    base: String,
    origin: Origin,
    headers: Vec<(&'static str, String)>,
    agent: ureq::Agent,
}

impl Api {
    fn new(
        forge: &'static str,
        token_variable: &'static str,
        options: &ForgeOptions,
        headers: Vec<(&'static str, String)>,
    ) -> Result<Api> {
        let base = options.api_url.trim_end_matches('/').to_string();
        let origin = api_origin(&base)?;
        let agent = ureq::Agent::config_builder()
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_global(Some(REQUEST_TIMEOUT))
            // A 3xx comes back as an answer: the token never follows a redirect elsewhere.
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent(format!("keysweep/{}", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(Api {
            forge,
            token_variable,
            base,
            origin,
            headers,
            agent,
        })
    }

    /// Every item of every page from `first` on; `None` when the first page answers 404.
    fn list<T: DeserializeOwned>(&self, first: &str) -> Result<Option<Vec<T>>> {
        let mut items = Vec::new();
        let mut fetched = HashSet::new();
        let mut next = Some(first.to_string());
        while let Some(url) = next {
            if origin_of(&url).as_ref() != Some(&self.origin) {
                bail!(
                    "{} API gave a next page on another origin ({}); not followed",
                    self.forge,
                    without_query(&url)
                );
            }
            if fetched.len() >= MAX_PAGES {
                bail!("{} API: more than {MAX_PAGES} pages, giving up", self.forge);
            }
            if !fetched.insert(url.clone()) {
                bail!(
                    "{} API: pagination loops back to {}",
                    self.forge,
                    without_query(&url)
                );
            }
            let mut response = self.send(&url)?;
            let status = response.status().as_u16();
            if status == 404 && fetched.len() == 1 {
                return Ok(None);
            }
            if !response.status().is_success() {
                bail!("{}", self.status_error(status, &url, response.headers()));
            }
            next = response
                .headers()
                .get_all("link")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(next_link)
                .map(str::to_string);
            let body = response
                .body_mut()
                .read_to_string()
                .with_context(|| format!("reading the answer of {}", without_query(&url)))?;
            let page: Vec<T> = serde_json::from_str(&body).with_context(|| {
                format!(
                    "{} API: unexpected answer from {}",
                    self.forge,
                    without_query(&url)
                )
            })?;
            items.extend(page);
        }
        Ok(Some(items))
    }

    fn send(&self, url: &str) -> Result<ureq::http::Response<ureq::Body>> {
        let mut request = self.agent.get(url);
        for (name, value) in &self.headers {
            request = request.header(*name, value.as_str());
        }
        // ureq's error text is not shown: only its kind, so no header value can leak.
        request.call().map_err(|e| {
            let what = match e {
                ureq::Error::Timeout(_) => "no answer in time",
                ureq::Error::HostNotFound => "host not found",
                ureq::Error::ConnectionFailed | ureq::Error::Io(_) => "could not connect",
                ureq::Error::Tls(_) | ureq::Error::Rustls(_) => "TLS failure",
                ureq::Error::Http(_) => "invalid request (is the token valid header text?)",
                _ => "request failed",
            };
            anyhow!(
                "{} API request to {} failed: {what}",
                self.forge,
                without_query(url)
            )
        })
    }

    fn status_error(&self, status: u16, url: &str, headers: &HeaderMap) -> String {
        let why = rate_limit(status, headers).unwrap_or_else(|| match status {
            300..=399 => "redirects are not followed (moved or renamed?)".to_string(),
            401 => format!("check {}", self.token_variable),
            403 => format!(
                "access denied: check {} and its scopes",
                self.token_variable
            ),
            404 => "not found, or not visible with this token".to_string(),
            _ => "unexpected answer".to_string(),
        });
        format!(
            "{} API answered {status} for {}: {why}",
            self.forge,
            without_query(url)
        )
    }
}

/// Why a 403 or 429 is a rate limit, when its headers say so.
fn rate_limit(status: u16, headers: &HeaderMap) -> Option<String> {
    if !matches!(status, 403 | 429) {
        return None;
    }
    if let Some(after) = header(headers, "retry-after") {
        return Some(format!("rate limited, retry after {after} s"));
    }
    let remaining = header(headers, "x-ratelimit-remaining");
    (remaining == Some("0")).then(|| match header(headers, "x-ratelimit-reset") {
        Some(reset) => format!("rate limit exhausted until Unix time {reset}"),
        None => "rate limit exhausted".to_string(),
    })
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// The URL of `rel="next"` in one `Link` header value, if any.
fn next_link(value: &str) -> Option<&str> {
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>')?;
        let params = &after[end + 1..];
        let params_end = params.find(',').unwrap_or(params.len());
        let is_next = params[..params_end].split(';').any(|param| {
            param.split_once('=').is_some_and(|(key, rels)| {
                key.trim().eq_ignore_ascii_case("rel")
                    && rels
                        .trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|rel| rel.eq_ignore_ascii_case("next"))
            })
        });
        if is_next {
            return Some(after[..end].trim());
        }
        rest = &params[params_end..];
    }
    None
}

/// Scheme, host and port: where a URL's requests (and the token) go.
#[derive(Debug, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

fn origin_of(url: &str) -> Option<Origin> {
    let url = HttpUrl::parse(url)?;
    // User info would make the host ambiguous to a reader ("https://api.github.com@evil.io").
    if url.has_userinfo() {
        return None;
    }
    let (scheme, default_port) = if url.is_https() {
        ("https", 443)
    } else {
        ("http", 80)
    };
    Some(Origin {
        scheme: scheme.to_string(),
        host: url.host().to_ascii_lowercase(),
        port: url.port().unwrap_or(default_port),
    })
}

/// The origin of `api_url`, which must be HTTPS or plain HTTP to the loopback interface.
fn api_origin(api_url: &str) -> Result<Origin> {
    let origin =
        origin_of(api_url).with_context(|| format!("API URL {api_url:?} is not an http(s) URL"))?;
    let loopback = matches!(origin.host.as_str(), "127.0.0.1" | "[::1]" | "localhost");
    if origin.scheme != "https" && !loopback {
        bail!(
            "API URL {api_url} must be https:// (plain http only to 127.0.0.1, ::1 or localhost)"
        );
    }
    Ok(origin)
}

/// `name` without surrounding slashes, percent-encoded as one path segment ("a/b" → "a%2Fb").
fn path_segment(name: &str) -> Option<String> {
    let name = name.trim_matches('/');
    if name.is_empty() {
        return None;
    }
    Some(crate::http_url::percent_encode(name, b"-._~"))
}

fn without_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_next_link_among_several() {
        let github = r#"<https://api.github.com/organizations/1/repos?page=2>; rel="next", <https://api.github.com/organizations/1/repos?page=5>; rel="last""#;
        assert_eq!(
            next_link(github),
            Some("https://api.github.com/organizations/1/repos?page=2")
        );
        let gitlab = r#"<https://gitlab.com/api/v4/groups/a/projects?page=1>; rel="prev",<https://gitlab.com/api/v4/groups/a/projects?page=3>; rel="next""#;
        assert_eq!(
            next_link(gitlab),
            Some("https://gitlab.com/api/v4/groups/a/projects?page=3")
        );
        let odd = "< http://127.0.0.1:9/x?page=2 > ;REL = next ; title=\"n\"";
        assert_eq!(next_link(odd), Some("http://127.0.0.1:9/x?page=2"));
        assert_eq!(
            next_link(r#"<http://h/x>; rel="prev next""#),
            Some("http://h/x")
        );
        assert_eq!(
            next_link(r#"<http://h/1>; rel="first", <http://h/9>; rel="last""#),
            None
        );
        assert_eq!(next_link(r#"<http://h/1>; rel="nextish""#), None);
        assert_eq!(next_link(""), None);
        assert_eq!(next_link("<unterminated; rel=next"), None);
    }

    #[test]
    fn the_token_goes_only_to_the_api_origin() {
        let api = api_origin("https://api.github.com").unwrap();
        let same = origin_of("https://API.github.com:443/orgs/a/repos?page=2");
        assert_eq!(same.as_ref(), Some(&api));
        for other in [
            "https://evil.example/orgs/a/repos",
            "http://api.github.com/orgs/a/repos",
            "https://api.github.com:8443/x",
            "https://api.github.com@evil.example/x",
            "https://x@evil.example@api.github.com/x",
            "https://api.github.com\\@evil.example/x",
            "/orgs/a/repos?page=2",
        ] {
            assert_ne!(origin_of(other).as_ref(), Some(&api), "{other}");
        }
        let mock = api_origin("http://127.0.0.1:8080/api/v4").unwrap();
        let same = origin_of("http://127.0.0.1:8080/api/v4/x?page=2");
        assert_eq!(same, Some(mock));
        assert!(api_origin("http://[::1]:9000").is_ok());
        assert!(api_origin("http://localhost").is_ok());
        assert!(api_origin("http://gitlab.example.com/api/v4").is_err());
        assert!(api_origin("http://127.0.0.1.evil.example").is_err());
        assert!(api_origin("ftp://127.0.0.1").is_err());
    }

    #[test]
    fn group_paths_are_one_encoded_segment() {
        assert_eq!(path_segment("acme").as_deref(), Some("acme"));
        assert_eq!(
            path_segment("/acme/sub-group/my.team/").as_deref(),
            Some("acme%2Fsub-group%2Fmy.team")
        );
        assert_eq!(path_segment("a b?c#d").as_deref(), Some("a%20b%3Fc%23d"));
        assert_eq!(path_segment("//"), None);
    }

    #[test]
    fn filters_archived_and_forks_and_sorts() {
        let repo = |name: &str, archived, fork| ListedRepo {
            name: name.into(),
            clone_url: format!("https://h/{name}.git"),
            archived,
            fork,
        };
        let all = vec![
            repo("b/plain", false, false),
            repo("a/archived", true, false),
            repo("c/fork", false, true),
            repo("b/plain", false, false),
        ];
        let mut options = ForgeOptions {
            api_url: String::new(),
            token: None,
            include_archived: false,
            include_forks: false,
        };
        let names = |r: Vec<ListedRepo>| r.into_iter().map(|r| r.name).collect::<Vec<_>>();
        assert_eq!(names(keep(all.clone(), &options)), ["b/plain"]);
        options.include_archived = true;
        options.include_forks = true;
        assert_eq!(
            names(keep(all, &options)),
            ["a/archived", "b/plain", "c/fork"]
        );
    }

    #[test]
    fn a_null_forked_from_project_is_not_a_fork() {
        let page: Vec<GitlabProject> = serde_json::from_str(
            r#"[{"path_with_namespace":"g/a","http_url_to_repo":"u","archived":false,"forked_from_project":null},
                {"path_with_namespace":"g/b","http_url_to_repo":"u","archived":false,"forked_from_project":{"id":1}},
                {"path_with_namespace":"g/c","http_url_to_repo":"u","archived":true}]"#,
        )
        .unwrap();
        let forks: Vec<bool> = page
            .iter()
            .map(|p| p.forked_from_project.is_some())
            .collect();
        assert_eq!(forks, [false, true, false]);
    }
}
