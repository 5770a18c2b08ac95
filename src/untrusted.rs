//! Reading files keysweep did not write, and saying what is wrong with them without echoing them.
//!
//! A scanned repository may bring configuration and rule files. Those are read only from inside
//! it ([`Confined`]): a relative path with no `..`, no symlink that leaves it, a regular file
//! (never a FIFO or a device), at most [`MAX_FILE`] bytes. A parse error names the line and
//! column and masks every quoted piece of the file, since a file's bytes can be anything
//! (`/proc/self/environ`, a CI token) and error messages go to CI logs.

use std::{
    fs::File,
    io::Read,
    path::{Component, Path, PathBuf},
};

use anyhow::{Context, Result, bail};

/// The largest configuration or rule file read: far above any real one, far below trouble.
pub const MAX_FILE: u64 = 4 << 20;

/// Reads a regular file of at most [`MAX_FILE`] bytes as UTF-8 (a file the user named).
pub fn read_capped(path: &Path) -> Result<String> {
    let bytes = read_capped_bytes(path, MAX_FILE)?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} is not UTF-8 (at byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// Reads a regular file of at most `limit` bytes (a file the user named); a FIFO, a device or
/// a larger file is an error, not a hang or an unbounded read.
pub fn read_capped_bytes(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let metadata =
        std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
    if !metadata.is_file() {
        bail!("{} is not a regular file", path.display());
    }
    // Opened only after the type check, so a FIFO can never block the open.
    let file = File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {}", path.display()))?;
    if bytes.len() as u64 > limit {
        bail!("{} is larger than {} bytes", path.display(), limit);
    }
    Ok(bytes)
}

/// A directory whose files may be read only from inside it.
#[derive(Debug, Clone)]
pub struct Confined {
    root: PathBuf,
}

impl Confined {
    pub(crate) fn new(root: &Path) -> Result<Confined> {
        let root = root
            .canonicalize()
            .with_context(|| format!("resolving {}", root.display()))?;
        Ok(Confined { root })
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// `relative`, checked to stay inside the root once every symlink is resolved.
    pub fn resolve(&self, relative: &Path) -> Result<PathBuf> {
        let shown = relative.display();
        if !relative
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        {
            bail!(
                "{shown}: only relative paths without `..` may be named from inside a repository"
            );
        }
        let path = self
            .root
            .join(relative)
            .canonicalize()
            .with_context(|| format!("reading {shown}"))?;
        if !path.starts_with(&self.root) {
            bail!("{shown}: a symbolic link leaving the repository is not followed");
        }
        Ok(path)
    }

    /// Reads `relative` under the rules above.
    pub fn read(&self, relative: &Path) -> Result<String> {
        read_capped(&self.resolve(relative)?)
    }

    /// The `*.toml` files of directory `relative`, each checked as [`Confined::read`] does,
    /// or `None` when it is not a directory.
    pub fn toml_files(&self, relative: &Path) -> Result<Option<Vec<PathBuf>>> {
        let dir = self.resolve(relative)?;
        if !dir.is_dir() {
            return Ok(None);
        }
        let mut files = Vec::new();
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?
        {
            let name = entry?.file_name();
            if Path::new(&name).extension().is_some_and(|x| x == "toml") {
                files.push(relative.join(name));
            }
        }
        files.sort();
        Ok(Some(files))
    }
}

/// A TOML error as `line L, column C: message`, with every quoted piece of `text` masked.
pub fn toml_error(error: &toml::de::Error, text: &str) -> String {
    let place = error
        .span()
        .map(|span| {
            let (line, column) = line_column(text, span.start);
            format!("line {line}, column {column}: ")
        })
        .unwrap_or_default();
    format!("{place}{}", mask_quoted(error.message(), text))
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// Replaces each `` `…` `` or `"…"` piece of `message` that appears in `text` (or is long) with
/// `…`: parsers quote what they read, and what they read may be a secret. Pieces that are not
/// in the file (the names of expected keys) stay, so the message is still useful.
pub fn mask_quoted(message: &str, text: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find(['`', '"']) {
        let quote = rest[open..].chars().next().expect("found above");
        out.push_str(&rest[..=open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find(quote) else {
            out.push('…');
            return out;
        };
        let inner = &after[..close];
        if inner.len() > 40 || (!inner.is_empty() && text.contains(inner)) || has_control(inner) {
            out.push('…');
        } else {
            out.push_str(inner);
        }
        out.push(quote);
        rest = &after[close + 1..];
    }
    // An unquoted tail may still carry bytes of the file (a multi-line snippet): keep its
    // first line only, and only when it quotes nothing of the file.
    let tail = rest.lines().next().unwrap_or_default();
    if !tail.trim().is_empty() && tail.len() > 3 && text.contains(tail.trim()) {
        out.push('…');
    } else {
        out.push_str(tail);
    }
    out
}

/// What is wrong with a regex, without the pattern (regex errors quote it in full).
pub fn regex_error(error: &regex::Error) -> String {
    match error {
        regex::Error::Syntax(text) => text
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix("error: "))
            .unwrap_or("invalid syntax")
            .to_string(),
        regex::Error::CompiledTooBig(limit) => format!("compiles to more than {limit} bytes"),
        _ => "invalid".to_string(),
    }
}

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_what_the_file_says_and_keeps_the_schema() {
        let text = "[allowlist]\npaht = [\"GITHUB_TOKEN=ghs_abc\"]\n";
        let message = "unknown field `paht`, expected one of `paths`, `secrets`";
        assert_eq!(
            mask_quoted(message, text),
            "unknown field `…`, expected one of `paths`, `secrets`"
        );
        assert_eq!(
            mask_quoted("invalid value \"GITHUB_TOKEN=ghs_abc\"", text),
            "invalid value \"…\""
        );
    }

    #[test]
    fn errors_name_line_and_column_only() {
        let text = "a = 1\nGITHUB_TOKEN=ghs_0123456789abcdef\n";
        let error = toml::from_str::<toml::Table>(text).unwrap_err();
        let shown = toml_error(&error, text);
        assert!(shown.starts_with("line 2, column "), "{shown}");
        assert!(!shown.contains("ghs_"), "{shown}");
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
    }

    #[test]
    fn confinement_refuses_escapes_links_and_special_files() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "x").unwrap();
        std::fs::write(dir.path().join("ok.toml"), "a = 1").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("link")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero")).unwrap();
        std::os::unix::fs::symlink("ok.toml", dir.path().join("inside")).unwrap();
        let confined = Confined::new(dir.path()).unwrap();
        assert_eq!(confined.read(Path::new("ok.toml")).unwrap(), "a = 1");
        assert_eq!(confined.read(Path::new("inside")).unwrap(), "a = 1");
        for bad in ["link", "zero", "../x", "/etc/hostname"] {
            assert!(confined.read(Path::new(bad)).is_err(), "{bad}");
        }
    }
}
