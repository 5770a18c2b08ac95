//! Matcher throughput over real source code, with the full built-in rule set.
//!
//! Input: the Rust sources of this project's dependencies in the cargo registry (real code with
//! few secrets, and present on any machine that built keysweep), capped at 32 MiB. Reports MB/s
//! on one core. Also measures what one call costs on a small file (a scan makes one per file
//! or blob), and start-up: loading the rules and building the matcher.
//!
//! Run: `cargo bench --bench matcher` (Vectorscan where installed; `KEYSWEEP_PREFILTER=builtin`
//! measures the built-in prefilter, `=teddy` or `=anchored` one engine).

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use keysweep::decode;
use keysweep::matcher::Matcher;
use keysweep::rules::RuleSet;

fn matcher_throughput(c: &mut Criterion) {
    let files = common::registry_files();
    // The same sources as one buffer, for the matcher alone.
    let corpus = files.concat();
    let rules = RuleSet::builtin().unwrap();
    let matcher = Matcher::new(&rules).unwrap();
    eprintln!(
        "matcher: {} rules, {} MiB of source, keyword prefilter {}",
        rules.rules.len(),
        corpus.len() >> 20,
        matcher.prefilter_engine()
    );
    let mut group = c.benchmark_group("matcher");
    group.throughput(Throughput::Bytes(corpus.len() as u64));
    group.sample_size(10);
    group.bench_function("find_all/source-code", |b| {
        b.iter(|| matcher.find_all(&corpus).len())
    });
    // The whole per-file path a scan takes, file by file: decoding stage on (default) and off.
    let (on, off) = (decode::Limits::default(), common::decoding_off());
    let scan_files = |limits| common::scan_file_by_file(&matcher, &files, limits);
    group.bench_function("decode-on/source-files", |b| b.iter(|| scan_files(&on)));
    group.bench_function("decode-off/source-files", |b| b.iter(|| scan_files(&off)));
    group.finish();
    // What each call costs apart from its bytes: a scan calls the matcher once per file and
    // per blob, and most are small. One buffer of 32 MiB hides this cost; 3,000 files show it.
    let small = b"//! A small module.\nuse std::io;\n\npub fn answer() -> usize {\n    40 + 2\n}\n";
    c.bench_function("matcher/find_all/one-small-file", |b| {
        b.iter(|| matcher.find_all(std::hint::black_box(small)).len())
    });
}

fn startup(c: &mut Criterion) {
    c.bench_function("startup/load-rules-and-build-matcher", |b| {
        b.iter(|| {
            let rules = RuleSet::builtin().unwrap();
            Matcher::new(&rules).map(|m| m.rules().len()).unwrap()
        })
    });
}

criterion_group!(benches, matcher_throughput, startup);
criterion_main!(benches);
