//! The git hooks front end: which commits a push brings, and installing the pre-push hook.
//!
//! Git calls a pre-push hook with the remote's name and URL as arguments and one line per ref
//! on standard input: `<local ref> <local oid> <remote ref> <remote oid>`. Every line counts
//! (a push can carry several branches and tags). A local oid of zeros is a deletion (nothing to
//! scan); a remote oid of zeros is a new ref, and so is a remote oid this clone does not have
//! (someone pushed meanwhile): then the commits not reachable from the destination remote's own
//! remote-tracking refs (`refs/remotes/<name>/*`) are scanned, never another remote's, and none
//! when git was given a URL rather than a remote's name. Otherwise `remote..local` — which, for
//! a forced push, is exactly what is new. Annotated tags are peeled to their commit. No cap on
//! commit count.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::app;
use crate::exit;
use crate::redact;
use crate::report;
use crate::request::{RuleSelection, ScanRequest};
use crate::scan::Scope;
use crate::scan::Target;
use crate::source::git::is_null_id;
use crate::source::git::range::Revisions;

/// One line of the pre-push hook's standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    /// The ref pushed from, e.g. `refs/heads/main` (`(delete)` when deleting).
    pub local_ref: String,
    /// The commit pushed, in hex (all zeros when deleting).
    pub local_oid: String,
    /// The ref updated on the remote.
    pub remote_ref: String,
    /// What the remote ref points to now, in hex (all zeros when the remote lacks it).
    pub remote_oid: String,
}

/// Parses the hook's standard input; blank lines are ignored, malformed ones are an error.
pub fn parse_updates(input: &str) -> Result<Vec<RefUpdate>> {
    input
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [local_ref, local_oid, remote_ref, remote_oid] = fields[..] else {
                bail!("unexpected pre-push input line {line:?} (want: <local ref> <local oid> <remote ref> <remote oid>)");
            };
            Ok(RefUpdate {
                local_ref: local_ref.into(),
                local_oid: local_oid.into(),
                remote_ref: remote_ref.into(),
                remote_oid: remote_oid.into(),
            })
        })
        .collect()
}

/// The update the pre-commit framework describes in its environment (it keeps stdin itself).
/// When the remote lacks even the root commit of what is pushed, pre-commit names no range (it
/// checks all files instead), only the local ref: that ref is then a new ref to scan.
pub fn update_from_pre_commit_env(get: impl Fn(&str) -> Option<String>) -> Option<RefUpdate> {
    let local_ref = get("PRE_COMMIT_LOCAL_BRANCH").unwrap_or_default();
    let to = get("PRE_COMMIT_TO_REF")
        .or_else(|| get("PRE_COMMIT_SOURCE"))
        .or_else(|| (!local_ref.is_empty()).then(|| local_ref.clone()))?;
    let from = get("PRE_COMMIT_FROM_REF")
        .or_else(|| get("PRE_COMMIT_ORIGIN"))
        .unwrap_or_default();
    Some(RefUpdate {
        local_ref,
        local_oid: to,
        remote_ref: get("PRE_COMMIT_REMOTE_BRANCH").unwrap_or_default(),
        remote_oid: if from.is_empty() {
            "0".repeat(40)
        } else {
            from
        },
    })
}

/// The commits a push brings: reachable from what is pushed, not from what the remote has.
/// `remote` is the configured remote pushed to, if git named one.
pub fn revisions_for_push(
    repo: &gix::Repository,
    remote: Option<&str>,
    updates: &[RefUpdate],
) -> Revisions {
    let mut revisions = Revisions::default();
    let mut exclude_tracking = false;
    for update in updates {
        if is_null_id(&update.local_oid) {
            continue; // deleting a ref sends nothing
        }
        revisions.include.push(update.local_oid.clone());
        if !is_null_id(&update.remote_oid) && has_commit(repo, &update.remote_oid) {
            revisions.exclude.push(update.remote_oid.clone());
        } else {
            exclude_tracking = true;
        }
    }
    if exclude_tracking && let Some(remote) = remote {
        revisions.exclude.extend(remote_tracking_tips(repo, remote));
    }
    revisions.include.sort();
    revisions.include.dedup();
    revisions.exclude.sort();
    revisions.exclude.dedup();
    revisions
}

fn has_commit(repo: &gix::Repository, oid: &str) -> bool {
    crate::source::git::range::resolve(repo, oid).is_ok()
}

/// Whether git's first hook argument, `name`, is a remote configured in this clone. Given a URL
/// (`git push ../copy main`), git passes it as both arguments, and then no remote-tracking ref
/// describes the destination.
fn is_remote_name(configured: &gix::remote::Names, name: &str, url: Option<&str>) -> bool {
    url != Some(name) && configured.iter().any(|n| n == name)
}

/// Tips of `remote`'s remote-tracking refs: commits it is known to have. Without any (nothing
/// fetched from or pushed to it yet), nothing is excluded: all the pushed refs reach is scanned.
fn remote_tracking_tips(repo: &gix::Repository, remote: &str) -> Vec<String> {
    let Ok(platform) = repo.references() else {
        return Vec::new();
    };
    let Ok(refs) = platform.prefixed("refs/remotes/") else {
        return Vec::new();
    };
    let configured = repo.remote_names();
    refs.filter_map(Result::ok)
        .filter(|r| is_tracking_ref_of(r.name().as_bstr(), remote, &configured))
        .filter_map(|mut r| r.peel_to_id().ok().map(|id| id.to_string()))
        .collect()
}

/// Whether `name` is a remote-tracking ref of `remote`: under `refs/remotes/<remote>/`, and not
/// under the refs of another configured remote whose name extends it (`<remote>/fork`).
fn is_tracking_ref_of(name: &[u8], remote: &str, configured: &gix::remote::Names) -> bool {
    let under = |remote: &[u8]| {
        name.strip_prefix(b"refs/remotes/")
            .and_then(|rest| rest.strip_prefix(remote))
            .is_some_and(|rest| rest.starts_with(b"/"))
    };
    under(remote.as_bytes())
        && !configured
            .iter()
            .any(|other| other.len() > remote.len() && under(other))
}

/// The hook script: runs an existing (chained) hook first, then keysweep, both on the same input.
/// keysweep is looked up on `PATH` when the hook runs, so moving or upgrading the binary does not
/// break pushes; the binary that installed the hook is the fallback (a build run from its
/// target directory). Neither found blocks the push with a message saying how to go on.
fn script(keysweep: &Path) -> String {
    format!(
        "#!/bin/sh\n\
         # keysweep pre-push hook: blocks a push that would publish a secret.\n\
         # Installed by `keysweep hook install`; remove this file to uninstall.\n\
         installed='{}'\n\
         if command -v keysweep >/dev/null 2>&1; then\n\
         \tkeysweep=keysweep\n\
         elif [ -x \"$installed\" ]; then\n\
         \tkeysweep=$installed\n\
         else\n\
         \techo 'keysweep pre-push hook: keysweep is not on PATH (nor at '\"$installed\"'):' >&2\n\
         \techo '  install it, or push with --no-verify to skip the scan, or delete '\"$0\" >&2\n\
         \texit 1\n\
         fi\n\
         input=$(cat)\n\
         if [ -x \"$0.keysweep-chained\" ]; then\n\
         \tprintf '%s\\n' \"$input\" | \"$0.keysweep-chained\" \"$@\" || exit $?\n\
         fi\n\
         printf '%s\\n' \"$input\" | \"$keysweep\" hook pre-push \"$@\"\n",
        keysweep.display().to_string().replace('\'', "'\\''")
    )
}

const MARKER: &str = "# keysweep pre-push hook";

/// How to treat a pre-push hook that is not ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Fail and leave it in place (the default).
    Refuse,
    /// Replace it (`--force`).
    Overwrite,
    /// Move it to `pre-push.keysweep-chained` and run it before keysweep (`--chain`).
    Chain,
}

/// Writes the pre-push hook into the repository's hooks directory (honouring `core.hooksPath`).
pub fn install(repo_dir: &Path, keysweep: &Path, existing: Existing) -> Result<PathBuf> {
    // Ask git itself where hooks live: `core.hooksPath` may be set in any config scope.
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(repo_dir)
        .args(["rev-parse", "--git-path", "hooks"])
        .output()
        .context("running git to find the hooks directory")?;
    if !output.status.success() {
        bail!(
            "{} is not a git repository: {}",
            repo_dir.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let hooks = repo_dir.join(String::from_utf8_lossy(&output.stdout).trim());
    std::fs::create_dir_all(&hooks).with_context(|| format!("creating {}", hooks.display()))?;
    let hook = hooks.join("pre-push");
    if let Ok(current) = std::fs::read_to_string(&hook)
        && !current.contains(MARKER)
    {
        match existing {
            Existing::Refuse => bail!(
                "{} already exists and is not keysweep's: use --chain to run it before keysweep, or --force to replace it",
                hook.display()
            ),
            Existing::Chain => {
                let chained = hooks.join("pre-push.keysweep-chained");
                std::fs::rename(&hook, &chained).with_context(|| {
                    format!("moving the existing hook to {}", chained.display())
                })?;
            }
            Existing::Overwrite => {}
        }
    }
    std::fs::write(&hook, script(keysweep))
        .with_context(|| format!("writing {}", hook.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(hook)
}

/// git runs hooks from the work tree's root (or the git directory of a bare repository).
/// `remote` and `url` are the hook's arguments, as git passes them.
pub fn run_pre_push(
    rules: &RuleSelection,
    remote: Option<String>,
    url: Option<String>,
) -> Result<u8> {
    let env = |k: &str| std::env::var(k).ok();
    let (updates, remote, url) = match update_from_pre_commit_env(env) {
        // pre-commit keeps git's arguments too, and passes them on in its environment.
        Some(update) => (
            vec![update],
            env("PRE_COMMIT_REMOTE_NAME"),
            env("PRE_COMMIT_REMOTE_URL"),
        ),
        None => {
            let mut input = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut input)
                .context("reading git's pre-push input")?;
            (parse_updates(&input)?, remote, url)
        }
    };
    let here = std::env::current_dir()?;
    let repo = crate::source::git::open(&here)?
        .context("the pre-push hook must run inside a git repository")?;
    let remote = remote.filter(|name| is_remote_name(&repo.remote_names(), name, url.as_deref()));
    let revisions = revisions_for_push(&repo, remote.as_deref(), &updates);
    if revisions.include.is_empty() {
        return Ok(exit::CLEAN); // only deletions
    }
    // Same config as a scan of the repository: the hook and CI must agree on what is allowed.
    let request = ScanRequest {
        rules: rules.clone(),
        scope: Scope::Commits(revisions),
        ..ScanRequest::new(Target::Path(here))
    };
    let (mut outcome, _) = app::scan_filtered(&request)?;
    redact::apply(&mut outcome.findings);
    app::print_notices(&outcome.notices, app::Verbosity::Normal);
    let errors = app::has_errors(&outcome);
    if outcome.findings.is_empty() && !errors {
        return Ok(exit::CLEAN);
    }
    let mut err = std::io::stderr().lock();
    if !outcome.findings.is_empty() {
        writeln!(
            err,
            "keysweep: this push would publish {}:\n",
            crate::plural::count(outcome.findings.len(), "secret")
        )?;
        let paint = report::text::Paint::auto(std::io::stderr().is_terminal());
        report::text::write(&outcome, &mut err, paint)?;
        writeln!(
            err,
            "What to do:\n  1. Rotate each secret at its provider now: a secret that reached any commit may\n     already be copied, and deleting the commit does not un-leak it.\n  2. Remove it from the commits being pushed (edit the file, then `git commit --amend` or\n     `git rebase -i`), and load it from the environment or a secret manager instead.\n  3. Push again. Only if it is a false positive: `git push --no-verify`."
        )?;
    } else {
        writeln!(
            err,
            "keysweep: the push was not fully scanned (see the errors above); blocking it to be safe"
        )?;
    }
    Ok(exit::code(errors, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_line_and_rejects_garbage() {
        let input =
            "refs/heads/main 1111 refs/heads/main 2222\n\nrefs/tags/v1 3333 refs/tags/v1 0000\n";
        let updates = parse_updates(input).unwrap();
        assert_eq!(updates.len(), 2);
        assert_eq!(updates[1].local_ref, "refs/tags/v1");
        assert!(parse_updates("just three fields").is_err());
        assert!(parse_updates("").unwrap().is_empty());
    }

    #[test]
    fn zero_ids_of_both_hash_lengths() {
        assert!(is_null_id(&"0".repeat(40)) && is_null_id(&"0".repeat(64)));
        assert!(!is_null_id("0000a") && !is_null_id(""));
    }

    #[test]
    fn pre_commit_environment_becomes_an_update() {
        let env = |k: &str| match k {
            "PRE_COMMIT_TO_REF" => Some("abc".to_string()),
            "PRE_COMMIT_FROM_REF" => Some(String::new()),
            _ => None,
        };
        let update = update_from_pre_commit_env(env).unwrap();
        assert_eq!(update.local_oid, "abc");
        assert!(
            is_null_id(&update.remote_oid),
            "no FROM_REF means a new ref"
        );
        assert!(update_from_pre_commit_env(|_| None).is_none());

        let whole_history = |k: &str| match k {
            "PRE_COMMIT_LOCAL_BRANCH" => Some("refs/heads/main".to_string()),
            "PRE_COMMIT_REMOTE_NAME" => Some("public".to_string()),
            _ => None,
        };
        let update = update_from_pre_commit_env(whole_history).unwrap();
        assert_eq!(
            update.local_oid, "refs/heads/main",
            "the local ref is pushed"
        );
        assert!(is_null_id(&update.remote_oid), "as a new ref");
    }

    fn names(names: &[&str]) -> gix::remote::Names {
        names.iter().map(|&n| n.into()).collect()
    }

    #[test]
    fn a_url_in_place_of_a_remote_name_is_no_remote() {
        let configured = names(&["origin", "public"]);
        assert!(is_remote_name(&configured, "public", Some("../public.git")));
        assert!(
            !is_remote_name(&configured, "../copy", Some("../copy")),
            "git was given a URL"
        );
        assert!(
            !is_remote_name(&configured, "public", Some("public")),
            "a remote without a URL of its own is pushed to as a path"
        );
        assert!(!is_remote_name(
            &configured,
            "mirror",
            Some("../mirror.git")
        ));
    }

    #[test]
    fn tracking_refs_are_the_destinations_own() {
        let configured = names(&["origin", "origin/fork", "public"]);
        let of = |name: &str, remote| is_tracking_ref_of(name.as_bytes(), remote, &configured);
        assert!(of("refs/remotes/origin/main", "origin"));
        assert!(of("refs/remotes/origin/feature/x", "origin"));
        assert!(
            !of("refs/remotes/public/main", "origin"),
            "another remote's"
        );
        assert!(!of("refs/remotes/origin-old/main", "origin"));
        assert!(
            !of("refs/remotes/origin/fork/main", "origin"),
            "origin/fork's"
        );
        assert!(of("refs/remotes/origin/fork/main", "origin/fork"));
        assert!(!of("refs/heads/origin/main", "origin"));
    }
}
