//! Redis: `AUTH user password` (an ACL user, Redis 6 and later) or `AUTH password` (no user,
//! or `default`: what `requirepass` sets, and all that servers before 6 know), then QUIT.
//! `+OK` is live; `-WRONGPASS` (before Redis 6, `-ERR invalid password`) a rejected password.
//! Redis has no challenge: the password travels as written, in the clear, to the URI's host.

use super::uri::Target;
use super::{Conn, accepted};
use crate::model::Validation;

pub(super) fn login(conn: &mut Conn, target: &Target) -> Result<Validation, String> {
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
    let _ = conn.send(&array(&[b"QUIT"]));
    verdict(&conn.address, &answer).map(|live| {
        if live {
            accepted(&[("user", user)])
        } else {
            Validation::invalid()
        }
    })
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
    // The error's first word only (`DENIED`, `NOPERM`): the rest is the server's own text.
    let word: String = text
        .strip_prefix('-')
        .unwrap_or_default()
        .chars()
        .take_while(char::is_ascii_uppercase)
        .take(20)
        .collect();
    if word.is_empty() {
        Err(format!("{address} did not answer like Redis"))
    } else {
        Err(format!("{address} answered {word}"))
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

    use super::super::{Kind, against};
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
}
