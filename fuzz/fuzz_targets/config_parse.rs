//! `.keysweep.toml`: parsing, then asking the allowlists about the text itself.
#![no_main]

use std::path::Path;

use keysweep::config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(config) = Config::parse(text, Path::new("repo/.keysweep.toml")) {
        config.path_allowed(text);
        config.secret_allowed(text);
    }
});
