//! Progress a person can read: one line per repository with done/total, the rate so far and
//! the time left at that rate.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

pub struct Progress {
    total: usize,
    done: AtomicUsize,
    started: Instant,
    quiet: bool,
}

impl Progress {
    pub fn new(total: usize, quiet: bool) -> Progress {
        Progress {
            total,
            done: AtomicUsize::new(0),
            started: Instant::now(),
            quiet,
        }
    }

    /// Prints `[done/total] name: what · rate · ETA` (`bytes`: scanned so far in the sweep).
    /// A `what` of several lines (git's error for a failed clone) keeps its first line there
    /// and the rest below it, indented, each escaped on its own: the progress line stays one
    /// line, and the error stays readable.
    pub fn repo_done(&self, name: &str, what: &str, bytes: u64) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if self.quiet {
            return;
        }
        let elapsed = self.started.elapsed().as_secs_f64().max(1e-3);
        let left = (self.total - done.min(self.total)) as f64 * elapsed / done as f64;
        let per_minute = done as f64 * 60.0 / elapsed;
        let rate = if per_minute >= 120.0 {
            format!("{:.1} repos/s", per_minute / 60.0)
        } else {
            format!("{per_minute:.1} repos/min")
        };
        let mut lines = what.lines().filter(|line| !line.trim().is_empty());
        let first = lines.next().unwrap_or_default();
        let mut text = format!(
            "keysweep: [{done}/{}] {}: {} · {rate}, {:.1} MB/s · ETA {}",
            self.total,
            crate::escape::text(name),
            crate::escape::text(first),
            bytes as f64 / 1e6 / elapsed,
            clock(left)
        );
        for line in lines {
            text.push_str(&format!(
                "\nkeysweep:     {}",
                crate::escape::text(line.trim_end())
            ));
        }
        // One write, so lines of repositories finishing at once do not interleave.
        eprintln!("{text}");
    }
}

/// `1:05:09`, `5:09`.
fn clock(seconds: f64) -> String {
    let s = seconds.round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn clock_reads_like_a_clock() {
        assert_eq!(super::clock(309.4), "5:09");
        assert_eq!(super::clock(3909.0), "1:05:09");
    }
}
