//! `--validate` throughput: 50 distinct secrets against a mock provider on 127.0.0.1 that
//! answers each request after 200 ms. Serially that is 10 s. With 8 requests in flight it
//! would take ~1.4 s, but the default per-provider rate limit (20 requests a second) spaces 50
//! requests to one provider over ~2.5 s; secrets of many providers run at the concurrency cap.
//!
//! Run: `cargo bench --bench validate` (prints wall times; no network is used).

#[path = "../tests/common/mock.rs"]
mod mock;

use std::time::{Duration, Instant};

use mock::{ACME_RULE, Answer, Mock};

const SECRETS: usize = 50;
const LATENCY: Duration = Duration::from_millis(200);

fn main() {
    let mock = Mock::start(|_| {
        std::thread::sleep(LATENCY);
        Answer::new(200, r#"{"active":true}"#)
    });
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..SECRETS {
        // Distinct, placeholder-free 24-character tokens.
        let token: String = format!(
            "{:024x}",
            (i as u128 + 1) * 0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835
        )
        .chars()
        .take(24)
        .collect();
        text.push_str(&format!("TOKEN_{i}=acme_{token}\n"));
    }
    std::fs::write(dir.path().join("secrets.env"), text).unwrap();
    let rules = dir.path().join("acme.toml");
    std::fs::write(&rules, ACME_RULE).unwrap();
    let scanned = dir.path().join("secrets.env");
    for (concurrency, rate) in [(1, 20), (8, 20), (8, 1000)] {
        let mut best = Duration::MAX;
        let runs = if concurrency == 1 { 1 } else { 3 };
        for _ in 0..runs {
            let started = Instant::now();
            let output = std::process::Command::new(env!("CARGO_BIN_EXE_keysweep"))
                .arg("scan")
                .arg(&scanned)
                .args(["--rules", rules.to_str().unwrap(), "-f", "json", "-q"])
                .args([
                    "--validate",
                    "--validate-concurrency",
                    &concurrency.to_string(),
                ])
                .args(["--validate-rate", &rate.to_string()])
                .arg("--validate-endpoint")
                .arg(format!("acme={}", mock.base))
                .output()
                .unwrap();
            best = best.min(started.elapsed());
            let report = String::from_utf8_lossy(&output.stdout);
            assert_eq!(
                report.matches("\"status\": \"valid\"").count(),
                SECRETS,
                "{report}"
            );
        }
        println!(
            "validate/{SECRETS}-secrets-200ms/concurrency-{concurrency}/rate-{rate}: {:.2} s (serial {:.1} s)",
            best.as_secs_f64(),
            SECRETS as f64 * LATENCY.as_secs_f64()
        );
    }
}
