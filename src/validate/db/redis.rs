//! Redis: `AUTH user password` (an ACL user, Redis 6 and later) or `AUTH password` (no user,
//! or `default`: what `requirepass` sets, and all that servers before 6 know), then QUIT (with
//! `--map-access`, [`LIST_DATABASES`] before it: the numbered databases that hold keys).
//! `+OK` is live; `-WRONGPASS` (before Redis 6, `-ERR invalid password`) a rejected password.
//! Redis has no challenge: the password travels as written, in the clear, to the URI's host.

use super::uri::Target;
use super::{Conn, Listed, accepted, with_listing};
use crate::model::Validation;

/// The command `--map-access` sends after the login.
pub(super) const LIST_DATABASES: &str = "INFO keyspace";

pub(super) fn login(conn: &mut Conn, target: &Target, list: bool) -> Result<Validation, String> {
    let user = if target.user.is_empty() {
        "default"
    } else {
        &target.user
    };
    let mut command: Vec<&[u8]> = vec![b"AUTH"];
    if user != "default" {
        command.push(user.as_bytes());
    }
    command.push(&target.password);
    conn.send(&array(&command))?;
    let answer = conn.read_line()?;
    let live = verdict(&conn.address, &answer);
    let listing = (list && live == Ok(true)).then(|| databases(conn));
    let _ = conn.send(&array(&[b"QUIT"]));
    live.map(|live| match (live, listing) {
        (true, Some(listing)) => with_listing(accepted(&[("user", user)]), listing),
        (true, None) => accepted(&[("user", user)]),
        (false, _) => Validation::invalid(),
    })
}

/// Sends `INFO keyspace` and reads its bulk string: a `dbN:keys=K,expires=…` line for each
/// database that holds keys, listed as `dbN (K keys)`. An error reply is a refusal, named by
/// its first word (`NOPERM`).
fn databases(conn: &mut Conn) -> Result<Listed, String> {
    let command: Vec<&[u8]> = LIST_DATABASES.split(' ').map(str::as_bytes).collect();
    conn.send(&array(&command))?;
    let header = conn.read_line()?;
    if header.first() == Some(&b'-') {
        return Ok(Listed::Refused(
            error_word(&header).unwrap_or("an error").into(),
        ));
    }
    let length = header
        .strip_prefix(b"$")
        .and_then(|n| std::str::from_utf8(n).ok()?.parse::<usize>().ok())
        .ok_or_else(|| format!("{} did not answer like Redis", conn.address))?;
    let body = conn.read_exact(length.saturating_add(2))?;
    Ok(keyspace(&body[..length]))
}

/// The databases of an `INFO keyspace` answer.
fn keyspace(text: &[u8]) -> Listed {
    let mut listed = Listed::Names(Vec::new());
    for line in text.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some((db, stats)) = std::str::from_utf8(line)
            .ok()
            .and_then(|l| l.split_once(':'))
        else {
            continue;
        };
        let numbered = db.strip_prefix("db").is_some_and(|n| {
            !n.is_empty() && n.len() <= 5 && n.bytes().all(|b| b.is_ascii_digit())
        });
        let keys = stats
            .split(',')
            .find_map(|kv| kv.strip_prefix("keys="))
            .and_then(|k| k.parse::<u64>().ok());
        if let (true, Some(keys)) = (numbered, keys) {
            let plural = if keys == 1 { "" } else { "s" };
            listed.push(format!("{db} ({keys} key{plural})").as_bytes());
        }
    }
    listed
}

/// An error reply's first word (`DENIED`, `NOPERM`): the rest is the server's own text.
fn error_word(answer: &[u8]) -> Option<&str> {
    let rest = answer.strip_prefix(b"-")?;
    let end = rest
        .iter()
        .position(|b| !b.is_ascii_uppercase())
        .unwrap_or(rest.len())
        .min(20);
    std::str::from_utf8(&rest[..end])
        .ok()
        .filter(|w| !w.is_empty())
}

/// Whether the answer to AUTH accepts the password (true) or rejects it (false).
fn verdict(address: &str, answer: &[u8]) -> Result<bool, String> {
    let text = String::from_utf8_lossy(answer);
    if text == "+OK" {
        return Ok(true);
    }
    if text.starts_with("-WRONGPASS") || text.starts_with("-ERR invalid password") {
        return Ok(false);
    }
    if text.contains("no password is set") || text.contains("without any password configured") {
        return Err(format!(
            "{address} has no password set: it lets anyone in, so the password proves nothing"
        ));
    }
    if text.starts_with("-ERR wrong number of arguments") {
        return Err(format!(
            "{address} does not know ACL users (a Redis before 6): this user's password cannot be checked"
        ));
    }
    match error_word(answer) {
        None => Err(format!("{address} did not answer like Redis")),
        Some(word) => Err(format!("{address} answered {word}")),
    }
}

/// A command as a RESP array of bulk strings.
fn array(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", parts.len()).into_bytes();
    for part in parts {
        out.extend_from_slice(format!("${}\r\n", part.len()).as_bytes());
        out.extend_from_slice(part);
        out.extend_from_slice(b"\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Write};

    use super::super::{Kind, against, against_listing};
    use super::*;
    use crate::model::Status;

    #[test]
    fn answers_to_auth_become_verdicts() {
        let at = "cache:6379";
        assert_eq!(verdict(at, b"+OK"), Ok(true));
        let wrongpass = b"-WRONGPASS invalid username-password pair or user is disabled.";
        assert_eq!(verdict(at, wrongpass), Ok(false));
        assert_eq!(verdict(at, b"-ERR invalid password"), Ok(false));
        let open =
            b"-ERR AUTH <password> called without any password configured for the default user.";
        assert!(verdict(at, open).unwrap_err().contains("no password set"));
        let denied = b"-DENIED Redis is running in protected mode \x1b[2J";
        assert_eq!(
            verdict(at, denied),
            Err("cache:6379 answered DENIED".into())
        );
        assert_eq!(
            verdict(at, b"HTTP/1.1 400"),
            Err("cache:6379 did not answer like Redis".into())
        );
        assert_eq!(
            array(&[b"AUTH", b"p w"]),
            b"*2\r\n$4\r\nAUTH\r\n$3\r\np w\r\n"
        );
    }

    #[test]
    fn the_default_user_authenticates_with_the_password_alone() {
        for (uri, sent) in [
            ("redis://:pw-Red-1@127.0.0.1:PORT/0", "*2\r\n"),
            ("redis://default:pw-Red-1@127.0.0.1:PORT", "*2\r\n"),
            ("redis://worker:pw-Red-1@127.0.0.1:PORT", "*3\r\n"),
        ] {
            let v = against(Kind::Redis, uri, "pw-Red-1", move |s| {
                let mut reader = BufReader::new(s.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                assert_eq!(line, sent);
                (&s).write_all(b"+OK\r\n").unwrap();
            });
            assert_eq!(v.status, Status::Valid, "{uri}: {v:?}");
        }
    }

    #[test]
    fn the_listing_reads_the_keyspace_or_names_the_refusal() {
        let info = "# Keyspace\r\ndb0:keys=12,expires=0,avg_ttl=0\r\ndb3:keys=1,expires=1,avg_ttl=5\r\nxdb:keys=2\r\n";
        assert_eq!(
            keyspace(info.as_bytes()),
            Listed::Names(vec!["db0 (12 keys)".into(), "db3 (1 key)".into()])
        );
        assert_eq!(keyspace(b"# Keyspace\r\n"), Listed::Names(vec![]));
        let uri = "redis://:pw-Red-2@127.0.0.1:PORT";
        for (reply, expected) in [
            (
                format!("${}\r\n{info}\r\n", info.len()),
                "2: db0 (12 keys), db3 (1 key)",
            ),
            (
                "-NOPERM User default has no permissions to run the 'info' command\r\n".into(),
                "not allowed (NOPERM)",
            ),
        ] {
            let v = against_listing(Kind::Redis, uri, "pw-Red-2", true, move |s| {
                let mut reader = BufReader::new(s.try_clone().unwrap());
                let mut line = String::new();
                for _ in 0..5 {
                    reader.read_line(&mut line).unwrap();
                }
                (&s).write_all(b"+OK\r\n").unwrap();
                line.clear();
                for _ in 0..5 {
                    reader.read_line(&mut line).unwrap();
                }
                assert_eq!(line, "*2\r\n$4\r\nINFO\r\n$8\r\nkeyspace\r\n");
                (&s).write_all(reply.as_bytes()).unwrap();
                line.clear();
                reader.read_line(&mut line).unwrap();
                assert_eq!(line, "*1\r\n", "QUIT");
            });
            assert_eq!(v.status, Status::Valid, "{v:?}");
            assert_eq!(v.facts["access.databases"], expected);
        }
    }
}
