//! Imported gitleaks configs: sniffing, importing, taking over the allowlist, then matching the
//! imported rules over the text itself.
#![no_main]

use keysweep::config::Config;
use keysweep::matcher::Matcher;
use keysweep::rules::{RuleSet, gitleaks};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    gitleaks::is_gitleaks(text);
    let Ok(imported) = gitleaks::import(text, "fuzz.toml") else {
        return;
    };
    let _ = Config::default().absorb(&imported);
    let mut set = RuleSet::default();
    if set.add_rules(imported.rules).is_ok()
        && let Ok(matcher) = Matcher::new(&set)
    {
        matcher.find_all(data);
    }
});
