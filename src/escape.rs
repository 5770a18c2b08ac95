//! Bytes from a scanned repository made safe to show: file names in a lossless escaped form,
//! and text with no control character that a terminal or a log would act on.
//!
//! A file name, a context line or a commit subject may hold ESC (terminal escape sequences), BEL,
//! CR or LF (a newline in a name forges report lines), or bidirectional overrides (text that
//! reads differently than it is). Names are escaped once, where a source reads them, so every
//! report shows the same name; free text is escaped where the text report writes it.

use std::borrow::Cow;
use std::fmt::Write as _;

/// A name (a path) from raw bytes: unchanged when it is printable UTF-8 without a backslash,
/// else with each control character, invalid byte and backslash escaped (`\x1b`, `\xff`,
/// `\\`), so that two different names never look the same.
pub fn name(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.chars().any(|c| c == '\\' || needs_escape(c)) => text.to_string(),
        _ => {
            let mut out = String::with_capacity(bytes.len() + 8);
            for chunk in bytes.utf8_chunks() {
                for c in chunk.valid().chars() {
                    if c == '\\' {
                        out.push_str("\\\\");
                    } else {
                        push_char(&mut out, c);
                    }
                }
                for byte in chunk.invalid() {
                    let _ = write!(out, "\\x{byte:02x}");
                }
            }
            out
        }
    }
}

/// A name from an OS path (see [`name`]).
pub fn os_name(path: &std::ffi::OsStr) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        name(path.as_bytes())
    }
    #[cfg(not(unix))]
    {
        name(path.to_string_lossy().as_bytes())
    }
}

/// Text for a terminal or a log: control characters (but tab) and bidirectional controls
/// escaped; everything else, backslashes included, as it is.
pub fn text(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\t' && needs_escape(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c == '\t' {
            out.push(c);
        } else {
            push_char(&mut out, c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn push_char(out: &mut String, c: char) {
    if !needs_escape(c) {
        out.push(c);
    } else if (c as u32) < 0x100 {
        let _ = write!(out, "\\x{:02x}", c as u32);
    } else {
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lossless_and_printable() {
        assert_eq!(name(b"src/main.rs"), "src/main.rs");
        assert_eq!(name(b"a\nb"), "a\\x0ab");
        assert_eq!(name(b"bad\xff.env"), "bad\\xff.env");
        assert_eq!(
            name(b"dir\\x0a"),
            "dir\\\\x0a",
            "a literal backslash is doubled"
        );
        assert_ne!(name(b"a\nb"), name(b"a\\x0ab"));
    }

    #[test]
    fn text_escapes_controls_only() {
        assert_eq!(
            text("KEY=\u{1b}[31mred\u{7}\r"),
            "KEY=\\x1b[31mred\\x07\\x0d"
        );
        assert_eq!(text("tab\there C:\\path"), "tab\there C:\\path");
        assert_eq!(text("a\u{202e}b"), "a\\u{202e}b");
        assert!(matches!(text("plain"), Cow::Borrowed(_)));
    }
}
