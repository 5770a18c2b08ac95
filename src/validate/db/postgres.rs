//! PostgreSQL (protocol 3.0): the startup message, then the password exchange the server asks
//! for (cleartext, MD5 or SCRAM-SHA-256) until AuthenticationOk or an error, then Terminate.
//! No statement runs, but with `--map-access` one read-only simple query lists the databases
//! ([`LIST_DATABASES`]) before Terminate. The password is invalid when the server answers SQLSTATE 28P01, or
//! 28000 after it was sent; a 28000 before any password (no `pg_hba.conf` entry lets this
//! host in, TLS required) says nothing about it.

use md5::{Digest, Md5};

use super::scram::{Hash, Scram};
use super::uri::Target;
use super::{Conn, Listed, accepted, printable, with_listing};
use crate::model::Validation;
use crate::validate::digest::hex;

/// Protocol version 3.0.
const PROTOCOL: u32 = 3 << 16;

/// The query `--map-access` runs after the login: the databases that take connections.
pub(super) const LIST_DATABASES: &str =
    "SELECT datname FROM pg_database WHERE datallowconn ORDER BY 1";

pub(super) fn login(conn: &mut Conn, target: &Target, list: bool) -> Result<Validation, String> {
    let database = target.database.as_deref().unwrap_or(&target.user);
    if target.password.contains(&0) || format!("{}{database}", target.user).contains('\0') {
        return Err("a NUL byte in the user, database or password cannot be sent".into());
    }
    let mut startup = PROTOCOL.to_be_bytes().to_vec();
    for part in ["user", &target.user, "database", database] {
        startup.extend_from_slice(part.as_bytes());
        startup.push(0);
    }
    startup.push(0);
    conn.send(&message(None, &startup))?;
    let mut sent_password = false;
    let mut scram: Option<Scram> = None;
    loop {
        let (kind, body) = read_message(conn)?;
        match kind {
            b'R' => {
                let code = u32_at(&body, 0).ok_or_else(|| not_postgres(conn))?;
                let data = &body[4..];
                let reply = match code {
                    0 => return Ok(logged_in(conn, target, database, list)),
                    3 => cstring(&target.password),
                    5 => {
                        let salt = data.get(..4).ok_or_else(|| not_postgres(conn))?;
                        md5_password(&target.user, &target.password, salt)
                    }
                    10 => {
                        let mechanisms: Vec<&[u8]> = data.split(|b| *b == 0).collect();
                        if !mechanisms.contains(&&b"SCRAM-SHA-256"[..]) {
                            return Err(format!(
                                "{} asks for a SASL mechanism other than SCRAM-SHA-256, which this check does not speak",
                                conn.address
                            ));
                        }
                        let exchange = Scram::new(Hash::Sha256, "", target.password.clone());
                        let first = exchange.client_first();
                        scram = Some(exchange);
                        let mut reply = cstring(b"SCRAM-SHA-256");
                        reply.extend_from_slice(&(first.len() as u32).to_be_bytes());
                        reply.extend_from_slice(first.as_bytes());
                        reply
                    }
                    11 => {
                        let exchange = scram.as_mut().ok_or_else(|| not_postgres(conn))?;
                        exchange.client_final(data)?.into_bytes()
                    }
                    12 => {
                        let exchange = scram.as_ref().ok_or_else(|| not_postgres(conn))?;
                        exchange.verify(data)?;
                        continue;
                    }
                    other => {
                        return Err(format!(
                            "{} asks for {} authentication, which this check does not speak",
                            conn.address,
                            match other {
                                2 => "Kerberos",
                                6 => "SCM credential",
                                7 | 8 => "GSSAPI",
                                9 => "SSPI",
                                _ => "an unknown kind of",
                            }
                        ));
                    }
                };
                sent_password |= code != 10;
                conn.send(&message(Some(b'p'), &reply))?;
            }
            b'E' => return refused(&conn.address, &body, sent_password),
            // Notices, and the server's offer of an older minor version: nothing to answer.
            b'N' | b'v' => {}
            _ => return Err(not_postgres(conn)),
        }
    }
}

/// After AuthenticationOk: the server's version from what it reports until it is ready (or
/// says why the session cannot start: the password was accepted all the same), the databases
/// when `list`, then Terminate.
fn logged_in(conn: &mut Conn, target: &Target, database: &str, list: bool) -> Validation {
    let mut version = String::new();
    let mut started = Err("the session did not start".to_string());
    while let Ok((kind, body)) = read_message(conn) {
        match kind {
            b'S' => {
                let mut parts = body.split(|b| *b == 0);
                if parts.next() == Some(b"server_version") {
                    version = printable(parts.next().unwrap_or_default());
                }
            }
            b'Z' => {
                started = Ok(());
                break;
            }
            b'E' => {
                let why = sqlstate(&body);
                started = Err(format!("the session did not start (SQLSTATE {why})"));
                break;
            }
            _ => {}
        }
    }
    let listing = list.then(|| started.and_then(|()| databases(conn)));
    let _ = conn.send(&message(Some(b'X'), &[]));
    let validation = accepted(&[
        ("user", &target.user),
        ("database", database),
        ("server_version", &version),
    ]);
    match listing {
        Some(listing) => with_listing(validation, listing),
        None => validation,
    }
}

/// Runs [`LIST_DATABASES`] as a simple query on a ready session and reads its rows until the
/// server is ready again: the names, or the SQLSTATE of an ErrorResponse.
fn databases(conn: &mut Conn) -> Result<Listed, String> {
    conn.send(&message(Some(b'Q'), &cstring(LIST_DATABASES.as_bytes())))?;
    let mut listed = Listed::Names(Vec::new());
    loop {
        let (kind, body) = read_message(conn)?;
        match kind {
            // DataRow: a column count, then each column's length (-1: NULL) and bytes.
            b'D' => {
                let length = body
                    .get(2..6)
                    .map(|l| i32::from_be_bytes(l.try_into().unwrap_or_default()))
                    .ok_or_else(|| not_postgres(conn))?;
                if let Ok(length) = usize::try_from(length) {
                    let name = body.get(6..6 + length).ok_or_else(|| not_postgres(conn))?;
                    listed.push(name);
                }
            }
            b'E' => listed = Listed::Refused(format!("SQLSTATE {}", sqlstate(&body))),
            b'Z' => return Ok(listed),
            // RowDescription, CommandComplete, notices, parameter changes.
            b'T' | b'C' | b'N' | b'S' | b'I' => {}
            _ => return Err(not_postgres(conn)),
        }
    }
}

/// An ErrorResponse's SQLSTATE (five letters or digits), else `unknown`.
fn sqlstate(body: &[u8]) -> String {
    let code = body
        .split(|b| *b == 0)
        .find_map(|f| f.strip_prefix(b"C"))
        .unwrap_or_default();
    if code.len() == 5 && code.iter().all(u8::is_ascii_alphanumeric) {
        String::from_utf8_lossy(code).into_owned()
    } else {
        "unknown".into()
    }
}

/// An ErrorResponse: invalid for a rejected password, else an error naming the SQLSTATE.
fn refused(address: &str, body: &[u8], sent_password: bool) -> Result<Validation, String> {
    let field = |tag: u8| {
        body.split(|b| *b == 0)
            .find_map(|f| f.strip_prefix(&[tag]))
            .unwrap_or_default()
    };
    let code = sqlstate(body);
    let message = String::from_utf8_lossy(field(b'M'));
    match code.as_str() {
        "28P01" => Ok(Validation::invalid()),
        "28000" if sent_password => Ok(Validation::invalid()),
        // No pg_hba.conf line lets this login in without TLS (the message ends "no
        // encryption", or "SSL off" on older servers): a `hostssl` line may, in TLS.
        "28000"
            if message.contains("no pg_hba.conf entry")
                && (message.contains("no encryption") || message.contains("SSL off")) =>
        {
            Err(format!(
                "{address} has no pg_hba.conf entry for this login without TLS: it requires TLS (or refuses the login), which this check does not speak"
            ))
        }
        "28000" => Err(format!(
            "{address} refused the connection before asking for a password (SQLSTATE 28000: pg_hba.conf rejects this host, user or database)"
        )),
        _ => Err(format!("{address} answered SQLSTATE {code}")),
    }
}

fn not_postgres(conn: &Conn) -> String {
    format!("{} did not answer like PostgreSQL", conn.address)
}

/// A message: its type byte (none for the startup message), its length, its body.
fn message(kind: Option<u8>, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 5);
    out.extend(kind);
    out.extend_from_slice(&((body.len() + 4) as u32).to_be_bytes());
    out.extend_from_slice(body);
    out
}

fn read_message(conn: &mut Conn) -> Result<(u8, Vec<u8>), String> {
    let header = conn.read_exact(5)?;
    let length = u32_at(&header, 1).unwrap_or_default() as usize;
    if length < 4 {
        return Err(not_postgres(conn));
    }
    Ok((header[0], conn.read_exact(length - 4)?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn cstring(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out.push(0);
    out
}

/// `md5` + hex(md5(hex(md5(password + user)) + salt)), NUL-terminated.
fn md5_password(user: &str, password: &[u8], salt: &[u8]) -> Vec<u8> {
    let hex = |bytes: &[u8]| hex(&Md5::digest(bytes));
    let inner = hex(&[password, user.as_bytes()].concat());
    cstring(format!("md5{}", hex(&[inner.as_bytes(), salt].concat())).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::super::{Kind, against_listing};
    use super::*;

    #[test]
    fn md5_passwords_are_hashed_as_libpq_does() {
        // RFC 1321's test vector, so the digest is MD5; then libpq's two rounds.
        assert_eq!(
            hex(&Md5::digest(b"abc")),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        let inner = hex(&Md5::digest(b"secretalice"));
        let outer = hex(&Md5::digest([inner.as_bytes(), &[1, 2, 3, 4]].concat()));
        assert_eq!(
            md5_password("alice", b"secret", &[1, 2, 3, 4]),
            format!("md5{outer}\0").into_bytes()
        );
    }

    #[test]
    fn only_a_refused_password_is_invalid() {
        let error =
            |code: &str, message: &str| format!("SFATAL\0C{code}\0M{message}\0\0").into_bytes();
        let status = |body: &[u8], sent| refused("db:5432", body, sent).map(|v| v.status);
        let invalid = Ok(crate::model::Status::Invalid);
        let failed = error("28P01", "password authentication failed for user \"app\"");
        assert_eq!(status(&failed, true), invalid);
        assert_eq!(
            status(&error("28000", "role is not permitted"), true),
            invalid
        );
        let hba = error(
            "28000",
            "no pg_hba.conf entry for host \"10.0.0.1\", user \"app\", database \"x\", no encryption",
        );
        assert!(status(&hba, false).unwrap_err().contains("it requires TLS"));
        let rejected = error(
            "28000",
            "pg_hba.conf rejects connection for host \"10.0.0.1\", user \"app\", database \"x\", no encryption",
        );
        assert!(
            status(&rejected, false)
                .unwrap_err()
                .contains("before asking for a password")
        );
        assert_eq!(
            status(&error("53300", "sorry, too many clients already"), false),
            Err("db:5432 answered SQLSTATE 53300".into())
        );
        assert_eq!(
            status(&error("\x1b[31m", "x"), false),
            Err("db:5432 answered SQLSTATE unknown".into())
        );
    }

    #[test]
    fn messages_are_framed_with_their_length() {
        assert_eq!(message(Some(b'X'), &[]), vec![b'X', 0, 0, 0, 4]);
        assert_eq!(message(None, b"ab"), vec![0, 0, 0, 6, b'a', b'b']);
    }

    /// Reads one message a client sends (the startup message has no type byte).
    fn receive(s: &mut std::net::TcpStream, typed: bool) -> (u8, Vec<u8>) {
        use std::io::Read;
        let mut kind = [0u8];
        if typed {
            s.read_exact(&mut kind).unwrap();
        }
        let mut length = [0u8; 4];
        s.read_exact(&mut length).unwrap();
        let mut body = vec![0; u32::from_be_bytes(length) as usize - 4];
        s.read_exact(&mut body).unwrap();
        (kind[0], body)
    }

    /// A DataRow of one column.
    fn row(value: Option<&str>) -> Vec<u8> {
        let mut body = 1u16.to_be_bytes().to_vec();
        match value {
            Some(v) => {
                body.extend_from_slice(&(v.len() as i32).to_be_bytes());
                body.extend_from_slice(v.as_bytes());
            }
            None => body.extend_from_slice(&(-1i32).to_be_bytes()),
        }
        message(Some(b'D'), &body)
    }

    /// A trusting server (AuthenticationOk at once) that answers the listing query with
    /// `answer`, or expects Terminate straight away when `answer` is none.
    fn trusting(answer: Option<Vec<u8>>) -> impl FnOnce(std::net::TcpStream) + Send + 'static {
        use std::io::Write;
        move |mut s| {
            receive(&mut s, false);
            let mut hello = message(Some(b'R'), &0u32.to_be_bytes());
            hello.extend(message(Some(b'S'), b"server_version\x0016.4\0"));
            hello.extend(message(Some(b'Z'), b"I"));
            s.write_all(&hello).unwrap();
            if let Some(answer) = answer {
                let (kind, query) = receive(&mut s, true);
                assert_eq!(kind, b'Q');
                assert_eq!(query, cstring(LIST_DATABASES.as_bytes()));
                s.write_all(&answer).unwrap();
            }
            assert_eq!(receive(&mut s, true), (b'X', vec![]), "Terminate");
        }
    }

    #[test]
    fn the_listing_reads_the_rows_of_one_query_or_its_sqlstate() {
        let uri = "postgres://app:pw-List-1@127.0.0.1:PORT/shop";
        let mut rows = message(
            Some(b'T'),
            b"\0\x01datname\0\0\0\0\0\0\0\0\0\0\x13\0\x40\xff\xff\xff\xff\0\0",
        );
        for name in [Some("postgres"), Some("shop\x1b[2J"), None] {
            rows.extend(row(name));
        }
        rows.extend(message(Some(b'C'), b"SELECT 3\0"));
        rows.extend(message(Some(b'Z'), b"I"));
        let v = against_listing(Kind::Postgres, uri, "pw-List-1", true, trusting(Some(rows)));
        assert_eq!(v.status, crate::model::Status::Valid, "{v:?}");
        assert_eq!(v.facts["access.databases"], "2: postgres, shop[2J");
        assert_eq!(v.facts["server_version"], "16.4");

        let mut refused = message(Some(b'E'), b"SERROR\0C42501\0Mpermission denied\0\0");
        refused.extend(message(Some(b'Z'), b"I"));
        let v = against_listing(
            Kind::Postgres,
            uri,
            "pw-List-1",
            true,
            trusting(Some(refused)),
        );
        assert_eq!(v.facts["access.databases"], "not allowed (SQLSTATE 42501)");

        // Without --map-access: no query, no fact.
        let v = against_listing(Kind::Postgres, uri, "pw-List-1", false, trusting(None));
        assert_eq!(v.status, crate::model::Status::Valid);
        assert!(!v.facts.contains_key("access.databases"), "{v:?}");
    }
}
