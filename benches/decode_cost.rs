//! What the decoding stage costs on plain source code, measured in pairs.
//!
//! Each round scans the same files (the cargo registry's Rust sources, see `common`) file by
//! file through `decode::scan`, once with decoding on (the defaults) and once off
//! (`--max-decode-depth 0 --no-archives`), in alternating order. On a shared machine whose speed
//! drifts between runs, the ratio within a pair is steadier than two separate criterion runs.
//! Prints the best time of each and the median of the paired ratios.
//!
//! Run: `cargo bench --bench decode_cost [-- ROUNDS]` (40 rounds by default).
//!
//! Timings on a shared machine swing by several points between runs. Instruction counts do
//! not: `-- once on|off|none` makes one pass with decoding on, off, or none at all, for
//! `benches/decode-instructions.sh` to count under cachegrind. Each first makes a warm-up pass
//! with decoding on, uncounted in effect (`none` is that and nothing more): a rule compiles its
//! regex on its first keyword hit, and without the warm-up the counted pass would include
//! those compilations, which the timed rounds above pay only once.

mod common;

use std::time::{Duration, Instant};

use keysweep::decode;
use keysweep::matcher::Matcher;
use keysweep::rules::RuleSet;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rounds: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(40);
    let once = args
        .iter()
        .position(|a| a == "once")
        .map(|at| args.get(at + 1).map_or("", String::as_str));
    let files = common::registry_files();
    let bytes: usize = files.iter().map(Vec::len).sum();
    let rules = RuleSet::builtin().unwrap();
    let matcher = Matcher::new(&rules).unwrap();
    let (on, off) = (decode::Limits::default(), common::decoding_off());
    if let Some(mode) = once {
        let limits = match mode {
            "on" => Some(&on),
            "off" => Some(&off),
            "none" => None,
            other => panic!("once takes on, off or none, not {other:?}"),
        };
        std::hint::black_box(common::scan_file_by_file(&matcher, &files, &on));
        let Some(limits) = limits else { return };
        std::hint::black_box(common::scan_file_by_file(&matcher, &files, limits));
        return;
    }
    let scan = |limits: &decode::Limits| {
        let started = Instant::now();
        std::hint::black_box(common::scan_file_by_file(&matcher, &files, limits));
        started.elapsed()
    };
    let (mut best_on, mut best_off) = (Duration::MAX, Duration::MAX);
    let mut ratios = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (on_time, off_time) = if round % 2 == 0 {
            let on_time = scan(&on);
            (on_time, scan(&off))
        } else {
            let off_time = scan(&off);
            (scan(&on), off_time)
        };
        best_on = best_on.min(on_time);
        best_off = best_off.min(off_time);
        ratios.push(on_time.as_secs_f64() / off_time.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let mib_s = |t: Duration| bytes as f64 / (1 << 20) as f64 / t.as_secs_f64();
    println!(
        "{} files, {} MiB, prefilter {}, {rounds} rounds",
        files.len(),
        bytes >> 20,
        matcher.prefilter_engine()
    );
    println!(
        "decoding on:  best {:.1} ms ({:.0} MiB/s)",
        best_on.as_secs_f64() * 1e3,
        mib_s(best_on)
    );
    println!(
        "decoding off: best {:.1} ms ({:.0} MiB/s)",
        best_off.as_secs_f64() * 1e3,
        mib_s(best_off)
    );
    println!(
        "cost: {:+.1} % best to best, {:+.1} % median of pairs",
        (best_on.as_secs_f64() / best_off.as_secs_f64() - 1.0) * 100.0,
        (ratios[rounds / 2] - 1.0) * 100.0
    );
}
