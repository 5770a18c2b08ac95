//! A mock HTTP server on 127.0.0.1 for live-validation tests: every request is recorded and
//! answered by a closure, each on its own thread (so concurrency and slowness are real).
#![allow(dead_code)] // each test binary uses a different subset

use std::{
    sync::{Arc, Mutex},
    thread,
};

/// A provider of our own for validation tests and benchmarks (`acme_` + 24 alphanumerics),
/// checked at a host that does not exist, so each answer can be staged precisely by a mock
/// reached through `--validate-endpoint acme=…`. Live means 200 with `"active":true`.
pub const ACME_RULE: &str = r#"
[[rules]]
id = "acme.token"
name = "ACME API token"
keywords = ["acme_"]
regex = '''\b(acme_[A-Za-z0-9]{24})\b'''
severity = "high"
confidence = "high"

[rules.validate]
revoke = "https://console.acme.example/accounts/{account.name}/tokens"
url = "https://api.acme.example/v1/whoami"
headers = { Authorization = "Bearer {secret}" }
valid = { status = [200], body_contains = '"active":true' }
invalid = { status = [401] }
report = { json = ["account.name", "scopes"], headers = ["x-token-expires"] }
"#;

/// One request as the mock received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Everything a secret could travel in: URL, headers, body, and decoded basic auth.
    pub fn carries(&self, secret: &str) -> bool {
        use base64::Engine as _;
        let encoded = url_encoded(secret);
        let basic = self
            .header("authorization")
            .and_then(|v| v.strip_prefix("Basic "))
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        self.url.contains(secret)
            || self.url.contains(&encoded)
            || self.headers.iter().any(|(_, v)| v.contains(secret))
            || self.body.contains(secret)
            || basic.contains(secret)
    }
}

/// `text` as a secret travels in a URL: all but unreserved characters and `:` percent-encoded.
pub fn url_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~:".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// What the mock answers: status, headers, body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    /// A text body, labelled as tiny_http labels strings (`with_header` may relabel it).
    pub fn new(status: u16, body: impl Into<String>) -> Answer {
        Answer::bytes(status, body.into().into_bytes())
            .with_header("Content-Type", "text/plain; charset=UTF-8")
    }

    /// A body that need not be text (an archive).
    pub fn bytes(status: u16, body: Vec<u8>) -> Answer {
        Answer {
            status,
            headers: Vec::new(),
            body,
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Answer {
        self.headers.push((name.into(), value.into()));
        self
    }
}

pub struct Mock {
    pub base: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Mock {
    /// Starts serving `answer` on a free port of 127.0.0.1 until the test process ends.
    pub fn start(answer: impl Fn(&Received) -> Answer + Send + Sync + 'static) -> Mock {
        Mock::start_on("127.0.0.1", answer)
    }

    pub fn start_on(
        address: &str,
        answer: impl Fn(&Received) -> Answer + Send + Sync + 'static,
    ) -> Mock {
        let server = Arc::new(tiny_http::Server::http(format!("{address}:0")).unwrap());
        let base = format!("http://{}", server.server_addr().to_ip().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let answer = Arc::new(answer);
        let log = received.clone();
        thread::spawn(move || {
            for mut request in server.incoming_requests() {
                let log = log.clone();
                let answer = answer.clone();
                thread::spawn(move || {
                    let mut body = String::new();
                    let _ = request.as_reader().read_to_string(&mut body);
                    let seen = Received {
                        method: request.method().to_string(),
                        url: request.url().to_string(),
                        headers: request
                            .headers()
                            .iter()
                            .map(|h| (h.field.to_string(), h.value.to_string()))
                            .collect(),
                        body,
                    };
                    log.lock().unwrap().push(seen.clone());
                    let a = answer(&seen);
                    let mut response =
                        tiny_http::Response::from_data(a.body).with_status_code(a.status);
                    for (n, v) in a.headers {
                        response.add_header(
                            tiny_http::Header::from_bytes(n.as_bytes(), v.as_bytes()).unwrap(),
                        );
                    }
                    let _ = request.respond(response);
                });
            }
        });
        Mock { base, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}
