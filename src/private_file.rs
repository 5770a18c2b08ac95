//! Files keysweep writes that hold secrets in clear (reports without `--redact`, sweep stores)
//! are readable by their owner only: 0600, whether keysweep creates them or finds them there.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Creates or truncates `path` for writing; `private` makes it owner-only, also when it
/// already existed with wider permissions.
pub fn create(path: &Path, private: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    }
    let file = options.open(path)?;
    if private {
        restrict(&file)?;
    }
    Ok(file)
}

/// Makes an open file owner-only. Returns whether its permissions were wider before.
pub fn restrict(file: &File) -> io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(mode & 0o700))?;
            return Ok(true);
        }
    }
    Ok(false)
}
