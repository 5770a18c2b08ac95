//! The only code that talks to the network: one ureq agent with no redirects, connect and
//! total timeouts, and retries with backoff on 429 and 5xx answers.

use std::time::Duration;

use super::{Options, Request, Response};
use crate::http_url::HttpUrl;

/// Largest body read from a provider's answer.
const MAX_BODY: u64 = 1 << 20;
/// Longest wait a `Retry-After` header can impose.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);
const FIRST_BACKOFF: Duration = Duration::from_millis(250);

pub struct Client {
    agent: ureq::Agent,
    total_timeout: Duration,
}

impl Client {
    pub fn new(options: &Options) -> Client {
        let agent = ureq::Agent::config_builder()
            .timeout_connect(Some(options.connect_timeout))
            .timeout_global(Some(options.total_timeout))
            // A 3xx comes back as an answer: a credential never follows a redirect elsewhere.
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent(format!("keysweep/{}", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client {
            agent,
            total_timeout: options.total_timeout,
        }
    }

    /// Sends one request; an error names the host and the kind of failure, never the URL
    /// (which may hold the secret).
    pub fn send(&self, request: &Request, _attempt: u32) -> Result<Response, String> {
        let host = request.host().to_string();
        let mut builder = ureq::http::Request::builder()
            .method(request.method.as_str())
            .uri(&request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let http_request = builder
            .body(request.body.clone().unwrap_or_default())
            .map_err(|_| format!("could not build the request to {host}"))?;
        let mut answer = self.agent.run(http_request).map_err(|e| match e {
            ureq::Error::Timeout(_) => format!(
                "no answer from {host} within {} s",
                self.total_timeout.as_secs_f64()
            ),
            ureq::Error::HostNotFound => format!("{host}: host not found"),
            ureq::Error::ConnectionFailed | ureq::Error::Io(_) => {
                format!("could not connect to {host}")
            }
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) => format!("TLS failure with {host}"),
            _ => format!("request to {host} failed"),
        })?;
        let status = answer.status().as_u16();
        let headers = answer
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect::<Vec<_>>();
        let location = answer
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = answer
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|_| format!("could not read the answer from {host}"))?;
        Ok(Response {
            status,
            headers,
            body,
            location: location.filter(|l| HttpUrl::parse(l).is_some()),
        })
    }
}

/// Calls `send(attempt)` until it gives an answer that is neither 429 nor 5xx, at most
/// `retries + 1` times, waiting `Retry-After` (capped) or an exponential backoff in between.
pub fn with_retries(
    retries: u32,
    send: impl Fn(u32) -> Result<Response, String>,
) -> Result<Response, String> {
    let mut attempt = 0;
    loop {
        let answer = send(attempt)?;
        let retryable = answer.status == 429 || (500..600).contains(&answer.status);
        if !retryable || attempt >= retries {
            return Ok(answer);
        }
        let wait = answer
            .header("retry-after")
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(|s| Duration::from_secs(s).min(MAX_RETRY_AFTER))
            .unwrap_or(FIRST_BACKOFF * 2u32.pow(attempt));
        std::thread::sleep(wait);
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn answer(status: u16) -> Response {
        Response {
            status,
            headers: vec![("Retry-After".into(), "0".into())],
            body: String::new(),
            location: None,
        }
    }

    #[test]
    fn retries_429_and_5xx_then_gives_up() {
        let calls = Cell::new(0);
        let last = with_retries(2, |_| {
            calls.set(calls.get() + 1);
            Ok(answer(503))
        })
        .unwrap();
        assert_eq!((calls.get(), last.status), (3, 503));
        let calls = Cell::new(0);
        let ok = with_retries(2, |attempt| {
            calls.set(calls.get() + 1);
            Ok(answer(if attempt == 0 { 429 } else { 200 }))
        })
        .unwrap();
        assert_eq!((calls.get(), ok.status), (2, 200));
        let calls = Cell::new(0);
        with_retries(2, |_| {
            calls.set(calls.get() + 1);
            Ok(answer(401))
        })
        .unwrap();
        assert_eq!(calls.get(), 1, "a definite answer is not retried");
    }
}
