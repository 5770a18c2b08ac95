//! The exit codes CI systems and hooks rely on, and the one rule that picks among them.

/// Nothing found, everything read.
pub const CLEAN: u8 = 0;
/// Something found.
pub const FINDINGS: u8 = 1;
/// Part of the input could not be read, or the run failed.
pub const ERROR: u8 = 2;

/// An incomplete run is an error even when it found something: a green light must mean the
/// whole input was read. `errors` and `findings` are what the caller counts as such (a run
/// with `--ignore-errors` passes `false` for errors).
pub fn code(errors: bool, findings: bool) -> u8 {
    if errors {
        ERROR
    } else if findings {
        FINDINGS
    } else {
        CLEAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_win_over_findings() {
        assert_eq!(code(true, true), ERROR);
        assert_eq!(code(true, false), ERROR);
        assert_eq!(code(false, true), FINDINGS);
        assert_eq!(code(false, false), CLEAN);
    }
}
