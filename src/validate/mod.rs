//! `--validate`: asks each finding's provider whether its secret is live.
//!
//! One request per finding (findings are already one per distinct secret), sent only to the
//! provider's fixed HTTPS host (or an endpoint override given on the command line or in the
//! environment, never by a scanned repository), with no redirects followed, connect and total
//! timeouts, a global concurrency cap, a per-provider rate limit and retries with backoff on
//! 429/5xx. Nothing here logs a secret: reasons name hosts and statuses only.
//!
//! Declarative checks come from the rule's `[rules.validate]` table ([`request`]); AWS, GCP and
//! Azure Storage need signed requests and are written in code ([`aws`], [`gcp`], [`azure`]).
//! Database URIs are checked by a login to the host they name ([`db`]), only when the user
//! allows such hosts.

mod aws;
mod azure;
mod client;
mod db;
mod digest;
pub mod endpoint;
mod gcp;
mod request;

use std::{
    collections::HashMap,
    sync::{
        Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

pub(crate) use endpoint::Endpoints;
pub use request::Request;

use crate::http_url::HttpUrl;
use crate::model::{Finding, Occurrence, Validation};
use crate::redact::redact_secret;
use crate::rules::validation::{AccessProbe, Coded, ValidateSpec};
use crate::rules::{Rule, RuleSet};

#[derive(Debug, Clone)]
pub(crate) struct Options {
    /// List the requests instead of sending them.
    pub dry_run: bool,
    /// Requests in flight at once, over all providers.
    pub concurrency: usize,
    /// Minimum spacing of requests to one provider.
    pub per_provider_interval: Duration,
    pub connect_timeout: Duration,
    pub total_timeout: Duration,
    /// Retries after a 429 or 5xx answer.
    pub retries: u32,
    pub endpoints: Endpoints,
    /// After a live answer, send the rule's access probes (`--map-access`).
    pub map_access: bool,
    /// Log in to the hosts database URIs name (`--validate-network-hosts`).
    pub network_hosts: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            dry_run: false,
            concurrency: 8,
            per_provider_interval: Duration::from_millis(50),
            connect_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(10),
            retries: 2,
            endpoints: Endpoints::default(),
            map_access: false,
            network_hosts: false,
        }
    }
}

/// The bytes a finding was found in, for checks that need more than the secret (a GCP key
/// file's private key and client email).
pub type SourceLoader<'a> = dyn Fn(&Occurrence) -> Option<Vec<u8>> + 'a;

/// One request that `--validate` would send, for `--validate-dry-run`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// `live check`, or `map access: NAME` for an access probe.
    pub(crate) purpose: String,
    pub(crate) rule_id: String,
    pub(crate) provider: String,
    pub(crate) method: String,
    pub(crate) host: String,
    /// Path and query, the secret (if it travels there) redacted.
    pub(crate) path: String,
    pub(crate) redacted_secret: String,
}

/// What a check needs to know about one finding.
pub struct Subject<'a> {
    secret: &'a str,
    partner: Option<&'a str>,
    provider: &'a str,
    /// The line the secret was found on.
    pub context: &'a str,
    source: &'a dyn Fn() -> Option<Vec<u8>>,
}

/// Reads a provider's answer into a validation.
type Verdict = fn(&ValidateSpec, &Response) -> Validation;

/// What a check does: send a request and read its answer with the verdict, or log in to a
/// database.
enum Check {
    Http(Request, Verdict),
    Login(db::Login),
}

/// What one finding's check will do: send a request (to the rule's provider) and read the
/// answer, then, if it is live, its access probes; or nothing (why).
type Job<'r> = Result<(Check, &'r Rule, Probes<'r>), Validation>;

/// What `--map-access` sends after a live answer: the rule's declared probes, and for a Google
/// service-account key a second token exchange, whose token then lists the projects.
#[derive(Default)]
struct Probes<'r> {
    declared: Vec<(&'r AccessProbe, Request)>,
    gcp_token: Option<Request>,
    /// An Azure Storage key's container listing (up to 100), signed like the check.
    azure_containers: Option<Request>,
}

impl<'r> Probes<'r> {
    /// The probes of one finding's live check, built while its subject (and the key file a
    /// Google key needs) is at hand.
    fn plan(spec: &'r ValidateSpec, subject: &Subject, options: &Options) -> Probes<'r> {
        if !options.map_access {
            return Probes::default();
        }
        let declared = spec
            .access
            .iter()
            .filter_map(|probe| {
                let probe_spec = request::probe_spec(spec, probe);
                let r = request::declarative(&probe_spec, subject, &options.endpoints);
                r.ok().map(|r| (probe, r))
            })
            .collect();
        let gcp_token = (spec.coded == Some(Coded::GcpServiceAccount))
            .then(|| gcp::request(subject, &options.endpoints).ok())
            .flatten();
        let azure_containers = (spec.coded == Some(Coded::AzureStorage))
            .then(|| azure::containers_request(subject, &options.endpoints).ok())
            .flatten();
        Probes {
            declared,
            gcp_token,
            azure_containers,
        }
    }
}

/// Builds the check of one finding (a request with the verdict that reads its answer, or a
/// login), or says why there is none.
fn plan(spec: &ValidateSpec, subject: &Subject, options: &Options) -> Result<Check, Validation> {
    let endpoints = &options.endpoints;
    let (allowed, list) = (options.network_hosts, options.map_access);
    let login = |kind| db::plan(kind, subject, allowed, list).map(Check::Login);
    let (request, verdict): (Result<Request, Validation>, Verdict) = match spec.coded {
        Some(Coded::AwsSts) => (aws::request(subject, endpoints), aws::verdict),
        Some(Coded::GcpServiceAccount) => (gcp::request(subject, endpoints), gcp::verdict),
        Some(Coded::AzureStorage) => (azure::request(subject, endpoints), azure::verdict),
        Some(Coded::PostgresLogin) => return login(db::Kind::Postgres),
        Some(Coded::MysqlLogin) => return login(db::Kind::Mysql),
        Some(Coded::RedisLogin) => return login(db::Kind::Redis),
        Some(Coded::MongodbLogin) => return login(db::Kind::Mongo),
        None => (
            request::declarative(spec, subject, endpoints),
            request::verdict,
        ),
    };
    request.map(|r| Check::Http(r, verdict))
}

/// Validates every finding whose rule has a check (others get `unsupported`), or with
/// `dry_run` only plans the requests. Returns the plan.
pub(crate) fn run(
    findings: &mut [Finding],
    rules: &RuleSet,
    options: &Options,
    load: &SourceLoader,
) -> Vec<Planned> {
    let mut jobs: Vec<(usize, Job)> = Vec::new();
    let mut planned = Vec::new();
    for (index, finding) in findings.iter().enumerate() {
        let Some(rule) = rules.get(&finding.rule_id) else {
            jobs.push((
                index,
                Err(Validation::unsupported("its rule is not among the rules")),
            ));
            continue;
        };
        let Some(spec) = &rule.validate else {
            jobs.push((
                index,
                Err(Validation::unsupported("no live check for this rule")),
            ));
            continue;
        };
        let first = finding.primary().clone();
        let source = move || load(&first);
        let subject = Subject {
            secret: &finding.secret,
            partner: finding.paired_with.as_ref().map(|p| p.secret.as_str()),
            provider: rule.provider(),
            context: &finding.primary().context,
            source: &source,
        };
        let request = plan(spec, &subject, options);
        let probes = if request.is_ok() {
            Probes::plan(spec, &subject, options)
        } else {
            Probes::default()
        };
        if let Ok(Check::Login(login)) = &request {
            // Listed as "login to HOST:PORT (postgres)".
            planned.push(Planned {
                purpose: "live check".into(),
                rule_id: rule.id.clone(),
                provider: rule.provider().to_string(),
                method: "login to".into(),
                host: login.address(),
                path: format!(" ({})", login.kind()),
                redacted_secret: redact_secret(&finding.secret),
            });
            // "map access: databases (in the same connection): SHOW DATABASES on HOST:PORT".
            planned.extend(login.listing().map(|statement| Planned {
                purpose: "map access: databases (in the same connection)".into(),
                method: format!("{statement} on"),
                ..planned.last().expect("the login was listed").clone()
            }));
        }
        if let Ok(Check::Http(r, _)) = &request {
            let purposes = std::iter::once(("live check".to_string(), r))
                .chain(
                    probes
                        .declared
                        .iter()
                        .map(|(probe, r)| (format!("map access: {}", probe.name), r)),
                )
                .chain(
                    probes
                        .azure_containers
                        .iter()
                        .map(|r| ("map access: containers".to_string(), r)),
                )
                .chain(probes.gcp_token.iter().map(|r| {
                    let purpose = "map access: projects (a second token, then GET \
                                   cloudresourcemanager.googleapis.com/v1/projects)";
                    (purpose.to_string(), r)
                }));
            for (purpose, r) in purposes {
                planned.push(Planned {
                    purpose,
                    rule_id: rule.id.clone(),
                    provider: rule.provider().to_string(),
                    method: r.method.clone(),
                    host: r.host().to_string(),
                    path: r.shown_path(&finding.secret),
                    redacted_secret: redact_secret(&finding.secret),
                });
            }
        }
        if request.is_ok() && options.map_access && spec.coded == Some(Coded::AwsSts) {
            planned.extend(planned_aws_probes(rule, &finding.secret, options));
        }
        jobs.push((index, request.map(|check| (check, rule, probes))));
    }
    if options.dry_run {
        return planned;
    }
    let results = execute(jobs, findings, options);
    for (index, validation) in results {
        findings[index].validation = Some(validation);
    }
    planned
}

/// Sends the requests with at most `concurrency` in flight; returns each finding's result.
fn execute(
    jobs: Vec<(usize, Job)>,
    findings: &[Finding],
    options: &Options,
) -> Vec<(usize, Validation)> {
    let client = client::Client::new(options);
    let limiter = RateLimiter::new(options.per_provider_interval);
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(jobs.len()));
    let workers = options.concurrency.clamp(1, jobs.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((index, job)) = jobs.get(i) else {
                        break;
                    };
                    let finding = &findings[*index];
                    let validation = match job {
                        Err(v) => v.clone(),
                        // Never retried: a refused login may count towards a lockout.
                        Ok((Check::Login(login), rule, _)) => {
                            limiter.wait(rule.provider());
                            login.run(options.connect_timeout, options.total_timeout)
                        }
                        Ok((Check::Http(request, verdict), rule, probes)) => {
                            let spec = rule.validate.as_ref().expect("rule has a check");
                            let send = |request: &Request| {
                                client::with_retries(options.retries, |attempt| {
                                    limiter.wait(rule.provider());
                                    client.send(request, attempt)
                                })
                            };
                            let mut validation = match send(request) {
                                Ok(response) => verdict(spec, &response),
                                Err(reason) => Validation::error(reason),
                            };
                            // Say where: a key of another region or a self-hosted instance is
                            // unknown to the public host (see --validate-endpoint).
                            if validation.status == crate::model::Status::Invalid {
                                validation.reason = Some(format!("rejected by {}", request.host()));
                            }
                            if validation.status == crate::model::Status::Valid {
                                let access = Access {
                                    probes,
                                    spec,
                                    finding,
                                    provider: rule.provider(),
                                    options,
                                };
                                access.map(&mut validation, &send);
                                validation.revoke = spec.revoke_url(&validation.facts);
                            }
                            validation
                        }
                    };
                    // A reason is built from hosts and statuses; make sure of it anyway.
                    let validation = scrub(validation, &finding.secret);
                    results.lock().unwrap().push((*index, validation));
                }
            });
        }
    });
    results.into_inner().unwrap()
}

/// `--map-access` for one live finding: its rule's probes, sent after the live answer.
struct Access<'a> {
    probes: &'a Probes<'a>,
    spec: &'a ValidateSpec,
    finding: &'a Finding,
    provider: &'a str,
    options: &'a Options,
}

impl Access<'_> {
    /// Adds what each probe lists to `validation`'s facts (`access.NAME`).
    fn map(
        &self,
        validation: &mut Validation,
        send: &dyn Fn(&Request) -> Result<Response, String>,
    ) {
        for (probe, request) in &self.probes.declared {
            let (key, text) = request::access_fact(probe, send(request));
            validation.facts.insert(key, text);
        }
        if let Some(request) = &self.probes.azure_containers {
            let text = azure::containers_fact(send(request));
            validation.facts.insert("access.containers".into(), text);
        }
        // A Google key's projects, with a token of its own (the check's is not kept).
        if let Some(token_request) = &self.probes.gcp_token {
            let text = match send(token_request).map(|r| gcp::access_token(&r)) {
                Ok(Some(token)) => {
                    let request =
                        gcp::projects_request(&token, &self.options.endpoints, self.provider);
                    request::access_fact(&gcp::projects_probe(), send(&request)).1
                }
                Ok(None) => "not known: no token was issued the second time".into(),
                Err(reason) => format!("not known: {reason}"),
            };
            validation.facts.insert("access.projects".into(), text);
        }
        // AWS's probes are signed, and need the IAM user the check named.
        let key_id = self.finding.paired_with.as_ref().map(|p| p.secret.as_str());
        if let (true, Some(Coded::AwsSts), Some(key_id)) =
            (self.options.map_access, self.spec.coded, key_id)
        {
            let requests = aws::access_requests(
                &self.finding.secret,
                key_id,
                &validation.facts,
                &self.options.endpoints,
                self.provider,
            );
            for (name, request, element) in requests {
                let text = aws::access_fact(element, send(&request));
                validation.facts.insert(format!("access.{name}"), text);
            }
        }
    }
}

/// The AWS probes a dry run lists: sent only if the check names an IAM user.
fn planned_aws_probes(rule: &Rule, secret: &str, options: &Options) -> Vec<Planned> {
    let url = options.endpoints.resolve(rule.provider(), aws::IAM_URL);
    let host = HttpUrl::parse(&url).map_or(String::new(), |u| u.host_port().to_string());
    ["attached-policies", "inline-policies"]
        .into_iter()
        .map(|name| Planned {
            purpose: format!("map access: {name} (if the check names an IAM user)"),
            rule_id: rule.id.clone(),
            provider: rule.provider().to_string(),
            method: "POST".into(),
            host: host.clone(),
            path: "/".into(),
            redacted_secret: redact_secret(secret),
        })
        .collect()
}

/// Replaces any appearance of the secret in a reason or fact with its redacted form.
fn scrub(mut validation: Validation, secret: &str) -> Validation {
    if secret.is_empty() {
        return validation;
    }
    let redacted = redact_secret(secret);
    if let Some(reason) = &mut validation.reason {
        *reason = reason.replace(secret, &redacted);
    }
    for value in validation.facts.values_mut() {
        *value = value.replace(secret, &redacted);
    }
    validation
}

/// Spaces requests to one provider at least `interval` apart.
struct RateLimiter {
    interval: Duration,
    next_slot: Mutex<HashMap<String, Instant>>,
}

impl RateLimiter {
    fn new(interval: Duration) -> RateLimiter {
        RateLimiter {
            interval,
            next_slot: Mutex::new(HashMap::new()),
        }
    }

    fn wait(&self, provider: &str) {
        let slot = {
            let mut slots = self.next_slot.lock().unwrap();
            let now = Instant::now();
            let slot = slots.get(provider).copied().unwrap_or(now).max(now);
            slots.insert(provider.to_string(), slot + self.interval);
            slot
        };
        let now = Instant::now();
        if slot > now {
            std::thread::sleep(slot - now);
        }
    }
}

/// A provider's answer, as the verdicts need it.
#[derive(Debug)]
pub struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
    /// Where a 3xx answer pointed (not followed).
    pub location: Option<String>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// An error for answers no check interprets: redirects, rate limits, anything else.
    pub fn unexpected(&self) -> Validation {
        match self.status {
            300..=399 => Validation::error(format!(
                "HTTP {}: redirected{} and not followed",
                self.status,
                self.location
                    .as_deref()
                    .and_then(HttpUrl::parse)
                    .map(|u| format!(" to {}", u.host_port()))
                    .unwrap_or_default()
            )),
            429 => Validation::error("HTTP 429: rate limited by the provider (after retries)"),
            status => Validation::error(format!("unexpected answer: HTTP {status}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_limiter_spaces_requests_to_one_provider() {
        let limiter = RateLimiter::new(Duration::from_millis(30));
        let started = Instant::now();
        for _ in 0..4 {
            limiter.wait("acme");
        }
        // Three gaps of 30 ms for one provider.
        assert!(started.elapsed() >= Duration::from_millis(90));
        // Another provider's first request has no slot to wait for.
        let other = Instant::now();
        limiter.wait("other");
        assert!(other.elapsed() < Duration::from_millis(30));
    }

    #[test]
    fn secrets_are_scrubbed_from_reasons_and_facts() {
        let mut v = Validation::error("bad token ghp_abcdef0123456789");
        v.facts.insert("echo".into(), "ghp_abcdef0123456789".into());
        let v = scrub(v, "ghp_abcdef0123456789");
        assert!(!format!("{v:?}").contains("ghp_abcdef0123456789"));
    }
}
