//! The decoding stage over one file's bytes: archives, UTF-16, notebooks, encoded spans, and the
//! matcher with the built-in rules over all of it.
#![no_main]

use std::sync::OnceLock;

use keysweep::decode::{self, Limits};
use keysweep::matcher::Matcher;
use keysweep::rules::RuleSet;
use libfuzzer_sys::fuzz_target;

fn matcher() -> &'static Matcher<'static> {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    static MATCHER: OnceLock<Matcher<'static>> = OnceLock::new();
    MATCHER.get_or_init(|| Matcher::new(RULES.get_or_init(|| RuleSet::builtin().unwrap())).unwrap())
}

fuzz_target!(|data: &[u8]| {
    // Budgets of a MiB rather than the default hundreds: a bomb is found as surely, and each
    // run stays short enough for the fuzzer to keep its pace.
    let limits = Limits {
        max_inflated: 1 << 20,
        max_decoded: 1 << 20,
        max_span: 256 << 10,
        ..Limits::default()
    };
    let include_binary = data.first().is_some_and(|b| b & 1 == 1);
    let _ = decode::scan(matcher(), data, &limits, include_binary);
});
