//! Vectorscan's literal matcher, loaded at run time from the system's `libhs` when it is there.
//!
//! Why at run time: with a few hundred keywords, Vectorscan keeps 2-3 GB/s where Teddy falls
//! below 0.5 GB/s (see ARCHITECTURE.md), but linking it would make a C library a build
//! requirement. Loading `libhs.so.5` with `dlopen` keeps `cargo build` pure Rust: a machine with
//! the library (Debian/Ubuntu `libvectorscan5`, Homebrew `vectorscan`) gets the fast engine, any
//! other machine gets Teddy with identical results. The small API surface used here (compile
//! literals, allocate scratch, block scan) has been stable since Hyperscan 5.2.

use std::{
    ffi::{CStr, c_char, c_int, c_uint, c_ulonglong, c_void},
    sync::{Mutex, OnceLock},
};

use libloading::Library;

/// Library names tried in order.
const LIBRARY_NAMES: &[&str] = &["libhs.so.5", "libhs.so", "libhs.5.dylib", "libhs.dylib"];
const HS_SUCCESS: c_int = 0;
const HS_FLAG_CASELESS: c_uint = 1;
const HS_MODE_BLOCK: c_uint = 1;
/// `hs_scan` takes a 32-bit length: larger haystacks are searched in overlapping blocks.
const BLOCK: usize = 1 << 30;

#[repr(C)]
struct CompileError {
    message: *const c_char,
    expression: c_int,
}

type Database = c_void;
type Scratch = c_void;
type MatchHandler =
    unsafe extern "C" fn(c_uint, c_ulonglong, c_ulonglong, c_uint, *mut c_void) -> c_int;

/// The functions keysweep calls, resolved once; `_library` keeps them mapped.
struct Api {
    _library: Library,
    version: unsafe extern "C" fn() -> *const c_char,
    valid_platform: unsafe extern "C" fn() -> c_int,
    #[allow(clippy::type_complexity)]
    compile_lit_multi: unsafe extern "C" fn(
        *const *const c_char,
        *const c_uint,
        *const c_uint,
        *const usize,
        c_uint,
        c_uint,
        *const c_void,
        *mut *mut Database,
        *mut *mut CompileError,
    ) -> c_int,
    free_compile_error: unsafe extern "C" fn(*mut CompileError) -> c_int,
    free_database: unsafe extern "C" fn(*mut Database) -> c_int,
    alloc_scratch: unsafe extern "C" fn(*const Database, *mut *mut Scratch) -> c_int,
    free_scratch: unsafe extern "C" fn(*mut Scratch) -> c_int,
    scan: unsafe extern "C" fn(
        *const Database,
        *const c_char,
        c_uint,
        c_uint,
        *mut Scratch,
        MatchHandler,
        *mut c_void,
    ) -> c_int,
}

/// The loaded library, or `None` if it is absent or cannot run on this CPU.
fn api() -> Option<&'static Api> {
    static API: OnceLock<Option<Api>> = OnceLock::new();
    API.get_or_init(|| {
        LIBRARY_NAMES.iter().find_map(|name| {
            // SAFETY: loading libhs runs no initialisation code with preconditions of ours.
            let library = unsafe { Library::new(*name) }.ok()?;
            let api = Api::resolve(library)?;
            // SAFETY: a plain query with no arguments.
            (unsafe { (api.valid_platform)() } == HS_SUCCESS).then_some(api)
        })
    })
    .as_ref()
}

impl Api {
    fn resolve(library: Library) -> Option<Api> {
        // SAFETY: each symbol is declared with the signature of Hyperscan's C API (hs_*.h).
        unsafe {
            Some(Api {
                version: *library.get(b"hs_version\0").ok()?,
                valid_platform: *library.get(b"hs_valid_platform\0").ok()?,
                compile_lit_multi: *library.get(b"hs_compile_lit_multi\0").ok()?,
                free_compile_error: *library.get(b"hs_free_compile_error\0").ok()?,
                free_database: *library.get(b"hs_free_database\0").ok()?,
                alloc_scratch: *library.get(b"hs_alloc_scratch\0").ok()?,
                free_scratch: *library.get(b"hs_free_scratch\0").ok()?,
                scan: *library.get(b"hs_scan\0").ok()?,
                _library: library,
            })
        }
    }
}

/// The library's version string (e.g. "5.4.9 2023-03-17"), if it is available.
pub fn version() -> Option<String> {
    let api = api()?;
    // SAFETY: hs_version returns a static NUL-terminated string.
    let version = unsafe { CStr::from_ptr((api.version)()) };
    Some(version.to_string_lossy().trim().to_string())
}

/// One block-mode database of caseless literals, and a pool of scratch spaces (each concurrent
/// scan needs its own).
pub struct Engine {
    api: &'static Api,
    database: *mut Database,
    scratch: Mutex<Vec<*mut Scratch>>,
    lengths: Vec<usize>,
    /// The longest keyword's length: blocks overlap by one less, so no keyword is cut in two.
    longest: usize,
}

// SAFETY: the raw pointers are the database and scratch spaces this engine allocated and alone
// owns (nothing else holds them; `Drop` frees them); Hyperscan ties neither to the thread that
// allocated it. `api` is a shared reference to function pointers and a `Library`, which are
// `Sync`.
unsafe impl Send for Engine {}
// SAFETY: through `&Engine`, threads only read the database (compiled databases are immutable
// and Hyperscan allows scanning one from many threads at once) and the plain `lengths` and
// `longest`. A scratch space is never used by two scans at once: `hits` takes one out of the
// `Mutex`-guarded pool (or allocates a fresh one) for the whole scan and puts it back after;
// `alloc_scratch` only reads the database. Freeing needs `&mut self` (`Drop`).
unsafe impl Sync for Engine {}

impl Engine {
    /// `None` when the library is not available.
    pub fn new(keywords: &[Vec<u8>]) -> Option<anyhow::Result<Engine>> {
        let api = api()?;
        Some(Engine::compile(api, keywords))
    }

    fn compile(api: &'static Api, keywords: &[Vec<u8>]) -> anyhow::Result<Engine> {
        let pointers: Vec<*const c_char> = keywords.iter().map(|k| k.as_ptr().cast()).collect();
        let lengths: Vec<usize> = keywords.iter().map(Vec::len).collect();
        let flags = vec![HS_FLAG_CASELESS; keywords.len()];
        let ids: Vec<c_uint> = (0..keywords.len() as c_uint).collect();
        let mut database = std::ptr::null_mut();
        let mut error = std::ptr::null_mut();
        // SAFETY: the arrays all hold `keywords.len()` elements and outlive the call; literals
        // are passed with their lengths, so they need no NUL terminator.
        let status = unsafe {
            (api.compile_lit_multi)(
                pointers.as_ptr(),
                flags.as_ptr(),
                ids.as_ptr(),
                lengths.as_ptr(),
                keywords.len() as c_uint,
                HS_MODE_BLOCK,
                std::ptr::null(),
                &mut database,
                &mut error,
            )
        };
        if status != HS_SUCCESS {
            let message = if error.is_null() {
                format!("error {status}")
            } else {
                // SAFETY: on failure `error` points to a compile error we must free.
                unsafe {
                    let text = CStr::from_ptr((*error).message)
                        .to_string_lossy()
                        .into_owned();
                    (api.free_compile_error)(error);
                    text
                }
            };
            anyhow::bail!("Vectorscan could not compile the keywords: {message}");
        }
        let engine = Engine {
            api,
            database,
            scratch: Mutex::new(Vec::new()),
            longest: lengths.iter().copied().max().unwrap_or(1),
            lengths,
        };
        // Allocate one scratch now, so a broken library fails here and not mid-scan.
        let scratch = engine.alloc_scratch()?;
        engine.scratch.lock().unwrap().push(scratch);
        Ok(engine)
    }

    fn alloc_scratch(&self) -> anyhow::Result<*mut Scratch> {
        let mut scratch = std::ptr::null_mut();
        // SAFETY: `database` is a valid compiled database.
        let status = unsafe { (self.api.alloc_scratch)(self.database, &mut scratch) };
        anyhow::ensure!(
            status == HS_SUCCESS,
            "Vectorscan could not allocate scratch space (error {status})"
        );
        Ok(scratch)
    }

    /// Every (keyword, start) pair, sorted and distinct.
    pub fn hits(&self, haystack: &[u8]) -> Vec<(usize, usize)> {
        let pooled = self.scratch.lock().unwrap().pop();
        let scratch = match pooled {
            Some(s) => s,
            None => self
                .alloc_scratch()
                .expect("Vectorscan allocated scratch space for this database before"),
        };
        let longest = self.longest;
        let mut state = ScanState {
            lengths: &self.lengths,
            found: Vec::new(),
            block_start: 0,
            nominal_end: 0,
        };
        while state.block_start < haystack.len() {
            state.nominal_end = (state.block_start + BLOCK).min(haystack.len());
            let end = (state.nominal_end + longest - 1).min(haystack.len());
            let block = &haystack[state.block_start..end];
            // SAFETY: `block` is at most BLOCK + longest bytes (fits in u32), `scratch` belongs
            // to this scan alone, and `state` outlives the call.
            let status = unsafe {
                (self.api.scan)(
                    self.database,
                    block.as_ptr().cast(),
                    block.len() as c_uint,
                    0,
                    scratch,
                    on_match,
                    (&mut state as *mut ScanState).cast(),
                )
            };
            // The callback never asks to stop, so any other status is a broken library.
            assert_eq!(status, HS_SUCCESS, "Vectorscan scan failed");
            state.block_start = state.nominal_end;
        }
        self.scratch.lock().unwrap().push(scratch);
        let mut found = state.found;
        found.sort_unstable();
        found.dedup();
        found
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        // SAFETY: the database and scratches were allocated by this library and are not in use.
        unsafe {
            for scratch in self.scratch.get_mut().unwrap().drain(..) {
                (self.api.free_scratch)(scratch);
            }
            (self.api.free_database)(self.database);
        }
    }
}

struct ScanState<'a> {
    lengths: &'a [usize],
    found: Vec<(usize, usize)>,
    block_start: usize,
    nominal_end: usize,
}

/// Called by Vectorscan for each match: records it (a hit belongs to the block it starts in).
unsafe extern "C" fn on_match(
    id: c_uint,
    _from: c_ulonglong,
    to: c_ulonglong,
    _flags: c_uint,
    context: *mut c_void,
) -> c_int {
    // SAFETY: `context` is the `ScanState` passed to hs_scan, alive and not otherwise borrowed.
    let state = unsafe { &mut *context.cast::<ScanState>() };
    let keyword = id as usize;
    let start = state.block_start + to as usize - state.lengths[keyword];
    if start < state.nominal_end {
        state.found.push((keyword, start));
    }
    0
}
