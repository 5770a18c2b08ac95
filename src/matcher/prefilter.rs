//! Stage 1 of the matcher: every occurrence of every keyword, ignoring ASCII case.
//!
//! Three engines report exactly the same hits (all (keyword, start) pairs, as an overlapping
//! Aho-Corasick search would):
//!
//! - **Vectorscan**, when the system has `libhs` (see [`super::vectorscan`]) and there are more
//!   keywords than one Teddy searcher holds: one database of caseless literals, 2-3 GB/s on one
//!   core from 64 to 350 keywords, ~10-30 ms to compile at start-up.
//! - **Teddy**, built in, for up to 64 keywords: the haystack is folded to lowercase in 64 KiB
//!   chunks (one cheap vectorised pass) and aho-corasick's SIMD Teddy searchers run over it,
//!   each holding at most 16 keywords. Several slim searchers over a cache-resident chunk beat
//!   one overloaded searcher, but each is one more pass: ~1.5 GB/s with 60 keywords, under
//!   0.5 GB/s with 300. Only *minimal* keywords (those containing no other keyword) are
//!   searched; a keyword that contains one is confirmed around that one's hits.
//! - **Anchored windows** ([`super::anchored`]), built in, for more keywords (the full library)
//!   or where the CPU has no Teddy: one pass whatever the keyword count.
//!
//! `KEYSWEEP_PREFILTER` overrides the choice (benchmarks, tests): `vectorscan`, `builtin` (as
//! if Vectorscan were not installed), `teddy` or `anchored`.

use super::InputSize;
use super::anchored::Anchored;
use super::vectorscan;
use aho_corasick::{
    Span,
    packed::{self, Searcher},
};

/// Keywords per Teddy searcher: slim Teddy (8 buckets) with two keywords per bucket.
const GROUP: usize = 16;
/// Bytes folded and searched at a time; fits in L2 with room to spare.
const CHUNK: usize = 64 << 10;

pub struct Prefilter {
    /// Keywords, lowercase.
    keywords: Vec<Vec<u8>>,
    engine: Engine,
}

enum Engine {
    Vectorscan(vectorscan::Engine),
    Teddy {
        /// Each searcher with the keyword index of each of its patterns.
        searchers: Vec<(Searcher, Vec<usize>)>,
        /// For each keyword: the longer keywords containing it, and at which offset.
        containers: Vec<Vec<(usize, usize)>>,
        longest: usize,
    },
    Anchored(Anchored),
}

/// Teddy searchers up to which their passes beat one anchored pass. Measured on
/// rust-lang/cargo's history: with 1 searcher Teddy took 0.88 s against 1.32 s, with 5 and 6
/// both took the same; with the full library (30 searchers) 4.9 s against 2.9 s.
const MAX_TEDDY_SEARCHERS: usize = 4;

/// The engine without Vectorscan: Teddy for a few keywords, anchored windows for more (or
/// where the CPU has no Teddy).
fn built_in(keywords: &[Vec<u8>]) -> anyhow::Result<Engine> {
    match teddy(keywords, MAX_TEDDY_SEARCHERS) {
        Some(engine) => Ok(engine),
        None => Ok(Engine::Anchored(Anchored::new(keywords)?)),
    }
}

impl Prefilter {
    /// `keywords` must be lowercase, non-empty and distinct. Vectorscan is used only for a
    /// large input: its database takes tens of milliseconds to compile.
    pub fn new(keywords: Vec<Vec<u8>>, input: InputSize) -> anyhow::Result<Prefilter> {
        let choice = std::env::var("KEYSWEEP_PREFILTER").unwrap_or_default();
        let large = input == InputSize::Large;
        let engine = match choice.as_str() {
            "" if large && keywords.len() > GROUP => match vectorscan::Engine::new(&keywords) {
                Some(engine) => Engine::Vectorscan(engine?),
                None => built_in(&keywords)?,
            },
            "" | "builtin" => built_in(&keywords)?,
            "vectorscan" => {
                Engine::Vectorscan(vectorscan::Engine::new(&keywords).ok_or_else(|| {
                    anyhow::anyhow!(
                        "KEYSWEEP_PREFILTER=vectorscan, but the Vectorscan library (libhs.so.5) \
                         is not installed or cannot run on this CPU"
                    )
                })??)
            }
            "teddy" => match teddy(&keywords, usize::MAX) {
                Some(engine) => engine,
                None => anyhow::bail!("KEYSWEEP_PREFILTER=teddy, but this CPU has no Teddy"),
            },
            "anchored" => Engine::Anchored(Anchored::new(&keywords)?),
            other => anyhow::bail!(
                "KEYSWEEP_PREFILTER must be vectorscan, builtin, teddy or anchored, not {other:?}"
            ),
        };
        Ok(Prefilter { keywords, engine })
    }

    /// Which engine runs, for `keysweep version`, `rules list` and benchmark reports.
    pub fn engine_name(&self) -> String {
        match &self.engine {
            Engine::Vectorscan(_) => {
                format!("Vectorscan {}", vectorscan::version().unwrap_or_default())
            }
            Engine::Teddy { searchers, .. } => format!("Teddy ({} searchers)", searchers.len()),
            Engine::Anchored(_) => "Anchored windows (built in)".to_string(),
        }
    }

    /// Calls `hit(keyword, start)` for every occurrence of every keyword, in no particular
    /// order; each (keyword, start) pair once.
    pub fn for_each_hit(&self, haystack: &[u8], mut hit: impl FnMut(usize, usize)) {
        match &self.engine {
            Engine::Vectorscan(engine) => {
                for (keyword, start) in engine.hits(haystack) {
                    hit(keyword, start);
                }
            }
            Engine::Anchored(anchored) => anchored.for_each_hit(&self.keywords, haystack, &mut hit),
            Engine::Teddy {
                searchers,
                containers,
                longest,
            } => {
                let mut folded = Vec::with_capacity(haystack.len().min(CHUNK + longest));
                let mut found: Vec<(usize, usize)> = Vec::new();
                let mut chunk_start = 0;
                while chunk_start < haystack.len() {
                    // Chunks overlap by `longest - 1` bytes so no keyword is cut in two; a hit
                    // counts in the chunk where it starts.
                    let nominal_end = (chunk_start + CHUNK).min(haystack.len());
                    let end = (nominal_end + longest - 1).min(haystack.len());
                    folded.clear();
                    folded.extend(haystack[chunk_start..end].iter().map(|&b| fold(b)));
                    let limit = nominal_end - chunk_start;
                    for (searcher, ids) in searchers {
                        let mut at = 0;
                        while at < limit {
                            let Some(m) = searcher.find_in(&folded, Span::from(at..folded.len()))
                            else {
                                break;
                            };
                            if m.start() >= limit {
                                break;
                            }
                            let keyword = ids[m.pattern().as_usize()];
                            found.push((keyword, chunk_start + m.start()));
                            for &(container, offset) in &containers[keyword] {
                                if let Some(start) = (chunk_start + m.start()).checked_sub(offset)
                                    && self.occurs_at(haystack, container, start)
                                {
                                    found.push((container, start));
                                }
                            }
                            at = m.start() + 1;
                        }
                    }
                    chunk_start = nominal_end;
                }
                // A keyword containing two minimal keywords was confirmed twice.
                found.sort_unstable();
                found.dedup();
                for (keyword, start) in found {
                    hit(keyword, start);
                }
            }
        }
    }

    pub fn keyword_len(&self, keyword: usize) -> usize {
        self.keywords[keyword].len()
    }

    fn occurs_at(&self, haystack: &[u8], keyword: usize, start: usize) -> bool {
        let k = &self.keywords[keyword];
        haystack
            .get(start..start + k.len())
            .is_some_and(|h| h.iter().zip(k).all(|(&a, &b)| fold(a) == b))
    }
}

fn fold(b: u8) -> u8 {
    b | ((b.wrapping_sub(b'A') < 26) as u8) << 5
}

/// Teddy searchers over the minimal keywords, unless more than `max_searchers` are needed or
/// the CPU has no Teddy.
fn teddy(keywords: &[Vec<u8>], max_searchers: usize) -> Option<Engine> {
    let contains = |outer: &[u8], inner: &[u8]| {
        outer.len() > inner.len() && memchr::memmem::find(outer, inner).is_some()
    };
    // Given up as soon as more minimal keywords turn up than the searchers hold: with the full
    // library that is after ~65 of ~600, before the quadratic containment work.
    let limit = max_searchers.saturating_mul(GROUP);
    let mut minimal = Vec::new();
    for i in 0..keywords.len() {
        if !keywords.iter().any(|other| contains(&keywords[i], other)) {
            if minimal.len() == limit {
                return None;
            }
            minimal.push(i);
        }
    }
    let mut containers = vec![Vec::new(); keywords.len()];
    for &m in &minimal {
        for (outer, keyword) in keywords.iter().enumerate() {
            // Every occurrence inside the container, not just the first.
            if contains(keyword, &keywords[m]) {
                for offset in memchr::memmem::find_iter(keyword, &keywords[m]) {
                    containers[m].push((outer, offset));
                }
            }
        }
    }
    // Keywords of similar length share a searcher, so long ones get longer fingerprints.
    minimal.sort_by_key(|&i| (keywords[i].len(), i));
    let mut searchers = Vec::new();
    for group in minimal.chunks(GROUP) {
        let mut config = packed::Config::new();
        config
            .match_kind(packed::MatchKind::LeftmostFirst)
            .only_teddy(true);
        let mut builder = config.builder();
        for &k in group {
            builder.add(&keywords[k]);
        }
        searchers.push((builder.build()?, group.to_vec()));
    }
    Some(Engine::Teddy {
        searchers,
        containers,
        longest: keywords.iter().map(Vec::len).max().unwrap_or(1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every engine must report exactly what an overlapping Aho-Corasick search does.
    fn assert_same_as_automaton(keywords: &[&str], haystack: &[u8]) {
        let keywords: Vec<Vec<u8>> = keywords.iter().map(|k| k.as_bytes().to_vec()).collect();
        let reference = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&keywords)
            .unwrap();
        let mut want: Vec<(usize, usize)> = reference
            .find_overlapping_iter(haystack)
            .map(|m| (m.pattern().as_usize(), m.start()))
            .collect();
        want.sort_unstable();
        let mut engines = vec![Engine::Anchored(Anchored::new(&keywords).unwrap())];
        engines.extend(teddy(&keywords, usize::MAX));
        // Where the library is installed (CI installs it), Vectorscan must agree too.
        if let Some(engine) = vectorscan::Engine::new(&keywords) {
            engines.push(Engine::Vectorscan(engine.unwrap()));
        }
        for engine in engines {
            let prefilter = Prefilter {
                keywords: keywords.clone(),
                engine,
            };
            let mut got = Vec::new();
            prefilter.for_each_hit(haystack, |k, s| got.push((k, s)));
            got.sort_unstable();
            assert_eq!(got, want, "{}", prefilter.engine_name());
        }
    }

    #[test]
    fn many_keywords_use_vectorscan_where_it_is_installed() {
        let keywords: Vec<Vec<u8>> = (0..40).map(|i| format!("kw{i:02}x").into_bytes()).collect();
        let prefilter = Prefilter::new(keywords.clone(), InputSize::Large).unwrap();
        let installed = vectorscan::version().is_some();
        assert_eq!(
            matches!(prefilter.engine, Engine::Vectorscan(_)),
            installed && std::env::var_os("KEYSWEEP_PREFILTER").is_none(),
            "{}",
            prefilter.engine_name()
        );
        // A hook's few commits do not wait for Vectorscan's database to compile.
        let small = Prefilter::new(keywords, InputSize::Small).unwrap();
        assert_eq!(
            matches!(small.engine, Engine::Vectorscan(_)),
            std::env::var("KEYSWEEP_PREFILTER").as_deref() == Ok("vectorscan"),
            "{}",
            small.engine_name()
        );
    }

    #[test]
    fn without_vectorscan_few_keywords_get_teddy_and_many_the_anchored_windows() {
        let keywords = |n: usize| -> Vec<Vec<u8>> {
            (0..n).map(|i| format!("kw{i:03}x").into_bytes()).collect()
        };
        let few = built_in(&keywords(40)).unwrap();
        let many = built_in(&keywords(600)).unwrap();
        assert!(matches!(many, Engine::Anchored(_)));
        // Teddy needs SSSE3/AVX2 or NEON; where it is missing the anchored windows run.
        if teddy(&keywords(1), 1).is_some() {
            assert!(matches!(few, Engine::Teddy { .. }));
        }
    }

    #[test]
    fn short_keywords_and_folding_neighbours_are_told_apart() {
        // '@' and '`' are equal once ORed with 0x20, as are '[' and '{': the anchor may match,
        // the confirmation must not. Short keywords (under four bytes) take their own path.
        assert_same_as_automaton(
            &["`key", "a{b}c", "sg.", "eyj", "ab", "x", "cio"],
            b"@key `KEY a[b]c A{B}C SG. sG.x eyJ ab AB x CIO cio@ `key",
        );
        assert_same_as_automaton(&["abcd", "bcde"], b"abc");
        assert_same_as_automaton(&["abcd"], b"");
    }

    #[test]
    fn nested_and_overlapping_keywords_are_all_reported() {
        let keywords = [
            "auth",
            "token",
            "auth_token",
            "authtoken",
            "secret",
            "aws_secret",
            "sk_",
            "sk_live_",
            "okenn",
        ];
        assert_same_as_automaton(
            &keywords,
            b"AUTH_TOKEN=x authtokenn aws_SECRET sk_live_sk_live_ auth",
        );
    }

    #[test]
    fn keywords_across_chunk_boundaries_are_found_once() {
        let mut haystack = vec![b'.'; CHUNK * 2 + 100];
        for at in [CHUNK - 3, CHUNK - 1, CHUNK, 2 * CHUNK - 2] {
            haystack[at..at + 5].copy_from_slice(b"ToKeN");
        }
        assert_same_as_automaton(&["token", "oke", "ken"], &haystack);
    }

    #[test]
    fn many_keywords_match_the_automaton() {
        let keywords: Vec<String> = (0..70).map(|i| format!("kw{i:02}x")).collect();
        let refs: Vec<&str> = keywords.iter().map(String::as_str).collect();
        let mut haystack = Vec::new();
        for i in (0..70).rev() {
            haystack.extend_from_slice(format!("..KW{i:02}X kw{i:02}xkw").as_bytes());
        }
        assert_same_as_automaton(&refs, &haystack);
    }

    proptest::proptest! {
        /// Keywords and text over a small alphabet (so keywords overlap, nest and fold onto
        /// each other's neighbours), text in mixed case: every engine agrees with the automaton.
        #[test]
        fn every_engine_finds_what_the_automaton_finds(
            keywords in proptest::collection::btree_set("[ab@`_ {\\[]{1,7}", 1..40),
            text in "[abAB@`_ {\\[]{0,300}",
        ) {
            let keywords: Vec<&str> = keywords.iter().map(String::as_str).collect();
            assert_same_as_automaton(&keywords, text.as_bytes());
        }
    }
}
