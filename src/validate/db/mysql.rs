//! MySQL and MariaDB: the server's handshake (protocol 10), one handshake response with
//! `mysql_native_password` or `caching_sha2_password`'s scramble (and an answer to a switch to
//! the other), then COM_QUIT after an OK (with `--map-access`, one COM_QUERY
//! [`LIST_DATABASES`] before it). No database is named, so an account that may log in
//! but not use the URI's database still counts as live. Error 1045 is a rejected password.
//! When `caching_sha2_password` has no cached entry for the account it asks for full
//! authentication, which needs TLS or the server's RSA key: that answer is unknown (an
//! error), never invalid. MySQL's `require_secure_transport` answers error 3159 (an error
//! here). An account that must use TLS (`REQUIRE SSL`, or MariaDB's
//! `require_secure_transport`) gets the same 1045 as a wrong password, so 1045 reads as
//! invalid only from a server that does not offer TLS at all; from one that does, a live
//! credential could be behind it, and the answer is unknown.

use sha2::{Digest, Sha256};

use super::uri::Target;
use super::{Conn, Listed, accepted, printable, with_listing};
use crate::model::Validation;

const NATIVE: &str = "mysql_native_password";
const CACHING_SHA2: &str = "caching_sha2_password";

const LONG_PASSWORD: u32 = 0x1;
/// The server offers TLS (so an account may require it).
const CLIENT_SSL: u32 = 0x800;
const PROTOCOL_41: u32 = 0x200;
const TRANSACTIONS: u32 = 0x2000;
const SECURE_CONNECTION: u32 = 0x8000;
const PLUGIN_AUTH: u32 = 0x8_0000;

/// The query `--map-access` sends after the login.
pub(super) const LIST_DATABASES: &str = "SHOW DATABASES";

/// Packets longer than this are split by the protocol; no login packet comes near it.
const MAX_PACKET: usize = 0xFF_FFFF;

/// The server's greeting, as far as a login needs it.
struct Handshake {
    version: String,
    capabilities: u32,
    scramble: Vec<u8>,
    plugin: String,
}

pub(super) fn login(conn: &mut Conn, target: &Target, list: bool) -> Result<Validation, String> {
    if target.user.contains('\0') {
        return Err("a NUL byte in the user cannot be sent".into());
    }
    let (mut seq, greeting) = read_packet(conn)?;
    if greeting.first() == Some(&0xFF) {
        return Err(match error_code(&greeting) {
            Some(code @ (1129 | 1130)) => format!(
                "{} does not let this host in (MySQL error {code})",
                conn.address
            ),
            code => format!(
                "{} refused the connection (MySQL error {})",
                conn.address,
                code.unwrap_or_default()
            ),
        });
    }
    let handshake = Handshake::parse(&greeting).ok_or_else(|| not_mysql(conn))?;
    if handshake.capabilities & (PROTOCOL_41 | SECURE_CONNECTION) != PROTOCOL_41 | SECURE_CONNECTION
    {
        return Err(format!(
            "{} speaks a MySQL protocol older than 4.1, which this check does not",
            conn.address
        ));
    }
    // Answer with the server's default method when it is one of ours; otherwise the server
    // switches to the account's own method, which may be.
    let mut plugin = if handshake.plugin == CACHING_SHA2 {
        CACHING_SHA2
    } else {
        NATIVE
    };
    let plugin_auth = handshake.capabilities & PLUGIN_AUTH != 0;
    let mut response = Vec::new();
    let capabilities = LONG_PASSWORD
        | PROTOCOL_41
        | TRANSACTIONS
        | SECURE_CONNECTION
        | if plugin_auth { PLUGIN_AUTH } else { 0 };
    response.extend_from_slice(&capabilities.to_le_bytes());
    response.extend_from_slice(&(1u32 << 24).to_le_bytes());
    response.push(0x21); // utf8_general_ci
    response.extend_from_slice(&[0; 23]);
    response.extend_from_slice(target.user.as_bytes());
    response.push(0);
    let scrambled = scramble(plugin, &target.password, &handshake.scramble).unwrap_or_default();
    response.push(scrambled.len() as u8);
    response.extend_from_slice(&scrambled);
    if plugin_auth {
        response.extend_from_slice(plugin.as_bytes());
        response.push(0);
    }
    seq = seq.wrapping_add(1);
    conn.send(&packet(seq, &response))?;
    // A switch of method, a fast-path note and the final answer: a few packets at most.
    for _ in 0..4 {
        let (next, answer) = read_packet(conn)?;
        seq = next;
        match answer.first() {
            Some(0x00) => {
                let listing = list.then(|| databases(conn));
                let _ = conn.send(&packet(0, &[0x01])); // COM_QUIT
                let version = handshake.version.trim_start_matches("5.5.5-");
                let validation = accepted(&[("user", &target.user), ("server_version", version)]);
                return Ok(match listing {
                    Some(listing) => with_listing(validation, listing),
                    None => validation,
                });
            }
            Some(0xFF) => {
                return match error_code(&answer) {
                    Some(1045) if handshake.capabilities & CLIENT_SSL == 0 => {
                        Ok(Validation::invalid())
                    }
                    Some(1045) => Err(format!(
                        "{} refused the login: a wrong password, or an account that requires \
                         TLS, which this check does not speak",
                        conn.address
                    )),
                    Some(3159) => Err(format!(
                        "{} requires TLS, which this check does not speak",
                        conn.address
                    )),
                    code => Err(format!(
                        "{} answered MySQL error {}",
                        conn.address,
                        code.unwrap_or_default()
                    )),
                };
            }
            Some(0xFE) => {
                let rest = &answer[1..];
                let end = rest.iter().position(|b| *b == 0).unwrap_or(rest.len());
                let asked = String::from_utf8_lossy(&rest[..end]);
                let data = rest.get(end + 1..).unwrap_or_default();
                let data = data.strip_suffix(&[0]).unwrap_or(data);
                let (name, reply) = [NATIVE, CACHING_SHA2]
                    .into_iter()
                    .find(|p| *p == asked)
                    .zip(scramble(&asked, &target.password, data))
                    .ok_or_else(|| {
                        format!(
                            "{} asks for {} authentication, which this check does not speak",
                            conn.address,
                            printable(asked.as_bytes())
                        )
                    })?;
                plugin = name;
                seq = seq.wrapping_add(1);
                conn.send(&packet(seq, &reply))?;
            }
            Some(0x01) if plugin == CACHING_SHA2 => match answer.get(1) {
                // Fast authentication succeeded: the OK packet follows.
                Some(3) => {}
                Some(4) => {
                    return Err(format!(
                        "{} asks for caching_sha2_password's full authentication, which needs TLS or its RSA key: not known",
                        conn.address
                    ));
                }
                _ => return Err(not_mysql(conn)),
            },
            _ => return Err(not_mysql(conn)),
        }
    }
    Err(not_mysql(conn))
}

/// Sends COM_QUERY [`LIST_DATABASES`] and reads its text result set (CLIENT_DEPRECATE_EOF is
/// not asked for): the column count, its definitions and an EOF, the rows, an EOF. An ERR
/// packet is a refusal.
fn databases(conn: &mut Conn) -> Result<Listed, String> {
    let mut query = vec![0x03];
    query.extend_from_slice(LIST_DATABASES.as_bytes());
    conn.send(&packet(0, &query))?;
    let (_, first) = read_packet(conn)?;
    let columns = match first.first() {
        Some(0xFF) => return Ok(refused(&first)),
        // An OK: no result set, so nothing listed.
        Some(0x00) => return Ok(Listed::Names(Vec::new())),
        _ => lenenc(&first).ok_or_else(|| not_mysql(conn))?.0,
    };
    // Column definitions, then their EOF.
    for _ in 0..=columns {
        read_packet(conn)?;
    }
    let mut listed = Listed::Names(Vec::new());
    loop {
        let (_, row) = read_packet(conn)?;
        match row.first() {
            Some(0xFE) if row.len() < 9 => return Ok(listed),
            Some(0xFF) => return Ok(refused(&row)),
            // The first column; NULL (0xFB) is no name.
            Some(0xFB) => {}
            _ => {
                let (length, used) = lenenc(&row).ok_or_else(|| not_mysql(conn))?;
                let name = usize::try_from(length)
                    .ok()
                    .and_then(|length| row.get(used..used.checked_add(length)?))
                    .ok_or_else(|| not_mysql(conn))?;
                listed.push(name);
            }
        }
    }
}

/// An ERR packet as a refusal of the listing.
fn refused(packet: &[u8]) -> Listed {
    Listed::Refused(format!("error {}", error_code(packet).unwrap_or_default()))
}

/// A length-encoded integer at the start of `bytes`, and how many bytes it took.
fn lenenc(bytes: &[u8]) -> Option<(u64, usize)> {
    let width = match *bytes.first()? {
        small @ 0..=0xFA => return Some((u64::from(small), 1)),
        0xFC => 2,
        0xFD => 3,
        0xFE => 8,
        _ => return None,
    };
    let mut value = [0u8; 8];
    value[..width].copy_from_slice(bytes.get(1..1 + width)?);
    Some((u64::from_le_bytes(value), 1 + width))
}

impl Handshake {
    fn parse(payload: &[u8]) -> Option<Handshake> {
        let (&protocol, rest) = payload.split_first()?;
        if protocol != 10 {
            return None;
        }
        let end = rest.iter().position(|b| *b == 0)?;
        let version = printable(&rest[..end]);
        let rest = &rest[end + 1..];
        // Connection id (4), the scramble's first 8 bytes, a filler, capabilities' low half.
        let mut scramble = rest.get(4..12)?.to_vec();
        let mut capabilities = u32::from(u16::from_le_bytes(rest.get(13..15)?.try_into().ok()?));
        let mut plugin = String::new();
        if let Some(more) = rest.get(15..) {
            // Character set (1), status (2), capabilities' high half, scramble length,
            // 10 reserved bytes, the scramble's rest (12 bytes and a NUL), the plugin name.
            let high = u16::from_le_bytes(more.get(3..5)?.try_into().ok()?);
            capabilities |= u32::from(high) << 16;
            let tail = more.get(16..)?;
            let part2 = (usize::from(*more.get(5)?)).saturating_sub(8).max(13);
            scramble.extend_from_slice(tail.get(..12)?);
            if capabilities & PLUGIN_AUTH != 0 {
                let name = tail.get(part2..).unwrap_or_default();
                let end = name.iter().position(|b| *b == 0).unwrap_or(name.len());
                plugin = String::from_utf8_lossy(&name[..end]).into_owned();
            }
        }
        Some(Handshake {
            version,
            capabilities,
            scramble,
            plugin,
        })
    }
}

/// The auth response of `plugin` for `password` and the server's `nonce` (first 20 bytes);
/// none for a method this check does not speak.
fn scramble(plugin: &str, password: &[u8], nonce: &[u8]) -> Option<Vec<u8>> {
    let nonce = nonce.get(..20).unwrap_or(nonce);
    if password.is_empty() {
        return Some(Vec::new());
    }
    let xor = |a: &[u8], b: &[u8]| a.iter().zip(b).map(|(x, y)| x ^ y).collect();
    match plugin {
        // SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password)))
        NATIVE => {
            let sha1 = |data: &[u8]| {
                ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, data)
                    .as_ref()
                    .to_vec()
            };
            let hashed = sha1(password);
            Some(xor(&hashed, &sha1(&[nonce, &sha1(&hashed)].concat())))
        }
        // SHA256(password) XOR SHA256(SHA256(SHA256(password)) + nonce)
        CACHING_SHA2 => {
            let hashed = Sha256::digest(password);
            let twice = Sha256::digest(hashed);
            Some(xor(&hashed, &Sha256::digest([&twice[..], nonce].concat())))
        }
        _ => None,
    }
}

fn packet(seq: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = (payload.len() as u32).to_le_bytes()[..3].to_vec();
    out.push(seq);
    out.extend_from_slice(payload);
    out
}

/// The next packet: its sequence number and payload (a login's packets are never split).
fn read_packet(conn: &mut Conn) -> Result<(u8, Vec<u8>), String> {
    let header = conn.read_exact(4)?;
    let length = u32::from_le_bytes([header[0], header[1], header[2], 0]) as usize;
    if length == 0 || length >= MAX_PACKET {
        return Err(not_mysql(conn));
    }
    Ok((header[3], conn.read_exact(length)?))
}

fn error_code(packet: &[u8]) -> Option<u16> {
    Some(u16::from_le_bytes(packet.get(1..3)?.try_into().ok()?))
}

fn not_mysql(conn: &Conn) -> String {
    format!("{} did not answer like MySQL", conn.address)
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpStream;

    use super::super::{Kind, against, against_listing};
    use super::*;
    use crate::model::Status;

    const NONCE: &[u8; 20] = b"abcdefghij0123456789";

    fn greeting(plugin: &str) -> Vec<u8> {
        greeting_with(plugin, 0)
    }

    /// A server greeting offering `plugin`, with `extra` capabilities (CLIENT_SSL).
    fn greeting_with(plugin: &str, extra: u32) -> Vec<u8> {
        let mut p = vec![10];
        p.extend_from_slice(b"8.4.0\0");
        p.extend_from_slice(&7u32.to_le_bytes());
        p.extend_from_slice(&NONCE[..8]);
        p.push(0);
        let caps = PROTOCOL_41 | SECURE_CONNECTION | PLUGIN_AUTH | LONG_PASSWORD | extra;
        p.extend_from_slice(&(caps as u16).to_le_bytes());
        p.push(0xff);
        p.extend_from_slice(&[2, 0]);
        p.extend_from_slice(&((caps >> 16) as u16).to_le_bytes());
        p.push(21);
        p.extend_from_slice(&[0; 10]);
        p.extend_from_slice(&NONCE[8..]);
        p.push(0);
        p.extend_from_slice(plugin.as_bytes());
        p.push(0);
        p
    }

    fn read(stream: &mut TcpStream) -> (u8, Vec<u8>) {
        let mut header = [0; 4];
        stream.read_exact(&mut header).unwrap();
        let mut body = vec![0; u32::from_le_bytes([header[0], header[1], header[2], 0]) as usize];
        stream.read_exact(&mut body).unwrap();
        (header[3], body)
    }

    /// The auth response inside a handshake response: after the fixed 32 bytes and the user.
    fn auth_response(response: &[u8]) -> Vec<u8> {
        let user_end = 32 + response[32..].iter().position(|b| *b == 0).unwrap();
        let len = response[user_end + 1] as usize;
        response[user_end + 2..user_end + 2 + len].to_vec()
    }

    const OK: &[u8] = &[0, 0, 0, 2, 0, 0, 0];

    #[test]
    fn caching_sha2_fast_path_is_valid_and_full_authentication_is_unknown() {
        for full in [false, true] {
            let v = against(
                Kind::Mysql,
                "mysql://app:pw-Fast-1@127.0.0.1:PORT/shop",
                "pw-Fast-1",
                move |mut s| {
                    s.write_all(&packet(0, &greeting(CACHING_SHA2))).unwrap();
                    let (seq, response) = read(&mut s);
                    assert_eq!(seq, 1);
                    assert!(response.ends_with(b"caching_sha2_password\0"));
                    assert_eq!(
                        auth_response(&response),
                        scramble(CACHING_SHA2, b"pw-Fast-1", NONCE).unwrap()
                    );
                    if full {
                        s.write_all(&packet(2, &[1, 4])).unwrap();
                        return;
                    }
                    s.write_all(&packet(2, &[1, 3])).unwrap();
                    s.write_all(&packet(3, OK)).unwrap();
                    assert_eq!(read(&mut s), (0, vec![1]), "COM_QUIT");
                },
            );
            if full {
                assert_eq!(v.status, Status::Error);
                assert!(v.reason.unwrap().contains("full authentication"));
            } else {
                assert_eq!(v.status, Status::Valid, "{v:?}");
                assert_eq!(v.facts["server_version"], "8.4.0");
            }
        }
    }

    #[test]
    fn a_switch_to_native_password_is_followed_and_1045_is_invalid() {
        for right in [true, false] {
            let v = against(
                Kind::Mysql,
                "mysql://app:pw-Native-2@127.0.0.1:PORT",
                "pw-Native-2",
                move |mut s| {
                    s.write_all(&packet(0, &greeting(CACHING_SHA2))).unwrap();
                    read(&mut s);
                    let fresh = b"ZYXWVUTSRQ9876543210";
                    let mut switch = vec![0xFE];
                    switch.extend_from_slice(b"mysql_native_password\0");
                    switch.extend_from_slice(fresh);
                    switch.push(0);
                    s.write_all(&packet(2, &switch)).unwrap();
                    let (seq, reply) = read(&mut s);
                    assert_eq!(seq, 3);
                    let expected = scramble(NATIVE, b"pw-Native-2", fresh).unwrap();
                    if right {
                        assert_eq!(reply, expected);
                        s.write_all(&packet(4, OK)).unwrap();
                    } else {
                        let mut err = vec![0xFF, 0x15, 0x04];
                        err.extend_from_slice(
                            b"#28000Access denied for user 'app'@'x' (using password: YES)",
                        );
                        s.write_all(&packet(4, &err)).unwrap();
                    }
                },
            );
            let want = if right {
                Status::Valid
            } else {
                Status::Invalid
            };
            assert_eq!(v.status, want, "{v:?}");
        }
        // From a server that offers TLS, 1045 may be an account that requires it: unknown.
        let v = against(
            Kind::Mysql,
            "mysql://app:pw-Tls-4@127.0.0.1:PORT",
            "pw-Tls-4",
            |mut s| {
                s.write_all(&packet(0, &greeting_with(NATIVE, CLIENT_SSL)))
                    .unwrap();
                read(&mut s);
                let mut err = vec![0xFF, 0x15, 0x04];
                err.extend_from_slice(b"#28000Access denied for user 'app'@'x'");
                s.write_all(&packet(2, &err)).unwrap();
            },
        );
        assert_eq!(v.status, Status::Error, "{v:?}");
        assert!(
            v.reason.as_deref().unwrap().contains("requires TLS"),
            "{v:?}"
        );
        // A method this check does not speak is an error naming it, not a verdict.
        let v = against(
            Kind::Mysql,
            "mysql://app:pw-Ed-3@127.0.0.1:PORT",
            "pw-Ed-3",
            |mut s| {
                s.write_all(&packet(0, &greeting(NATIVE))).unwrap();
                read(&mut s);
                s.write_all(&packet(2, b"\xFEclient_ed25519\0nonce\0"))
                    .unwrap();
            },
        );
        assert_eq!(v.status, Status::Error);
        assert!(
            v.reason
                .as_deref()
                .unwrap()
                .contains("client_ed25519 authentication"),
            "{v:?}"
        );
    }

    #[test]
    fn refusals_that_say_nothing_of_the_password_are_errors() {
        // MySQL's require_secure_transport answers a plain login with error 3159.
        let v = against(
            Kind::Mysql,
            "mysql://app:pw-Tls-4@127.0.0.1:PORT",
            "pw-Tls-4",
            |mut s| {
                s.write_all(&packet(0, &greeting(NATIVE))).unwrap();
                read(&mut s);
                let error =
                    b"\xFF\x57\x0C#HY000Connections using insecure transport are prohibited";
                s.write_all(&packet(2, error)).unwrap();
            },
        );
        assert_eq!(v.status, Status::Error);
        assert!(
            v.reason
                .unwrap()
                .ends_with(" requires TLS, which this check does not speak")
        );
        // A host the server does not let in is refused before any handshake (error 1130).
        let v = against(
            Kind::Mysql,
            "mysql://app:pw-Host-5@127.0.0.1:PORT",
            "pw-Host-5",
            |mut s| {
                s.write_all(&packet(0, b"\xFF\x6A\x04Host is not allowed to connect"))
                    .unwrap();
            },
        );
        assert_eq!(v.status, Status::Error);
        assert!(
            v.reason
                .unwrap()
                .ends_with("does not let this host in (MySQL error 1130)")
        );
    }

    #[test]
    fn scrambles_verify_the_way_servers_check_them() {
        let sha1 = |d: &[u8]| {
            ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, d)
                .as_ref()
                .to_vec()
        };
        let xor = |a: &[u8], b: &[u8]| a.iter().zip(b).map(|(x, y)| x ^ y).collect::<Vec<u8>>();
        // mysql_native_password: the server keeps SHA1(SHA1(pw)), unmasks the reply with
        // SHA1(nonce + that) and hashes the result back to it.
        let stored = sha1(&sha1(b"pw"));
        let reply = scramble(NATIVE, b"pw", NONCE).unwrap();
        let candidate = xor(&reply, &sha1(&[&NONCE[..], &stored].concat()));
        assert_eq!(sha1(&candidate), stored);
        // caching_sha2_password: unmasked with SHA256(SHA256(SHA256(pw)) + nonce) it is
        // SHA256(pw), whose digest the server caches.
        let reply = scramble(CACHING_SHA2, b"pw", NONCE).unwrap();
        let cached = Sha256::digest(Sha256::digest(b"pw"));
        let unmasked = xor(&reply, &Sha256::digest([&cached[..], &NONCE[..]].concat()));
        assert_eq!(Sha256::digest(&unmasked)[..], cached[..]);

        assert_eq!(scramble(NATIVE, b"", NONCE).unwrap(), Vec::<u8>::new());
        assert!(scramble("sha256_password", b"pw", NONCE).is_none());
        assert!(Handshake::parse(b"\x09junk").is_none());
        let h = Handshake::parse(&greeting(CACHING_SHA2)).unwrap();
        assert_eq!(
            (h.scramble.as_slice(), h.plugin.as_str()),
            (&NONCE[..], CACHING_SHA2)
        );
    }

    /// A server that accepts any login and answers the listing with `answer` (packets from
    /// sequence number 1), or expects COM_QUIT straight away when `answer` is none.
    fn listing_server(answer: Option<Vec<Vec<u8>>>) -> impl FnOnce(TcpStream) + Send + 'static {
        move |mut s| {
            s.write_all(&packet(0, &greeting(NATIVE))).unwrap();
            read(&mut s);
            s.write_all(&packet(2, OK)).unwrap();
            if let Some(answer) = answer {
                let mut query = vec![0x03];
                query.extend_from_slice(b"SHOW DATABASES");
                assert_eq!(read(&mut s), (0, query), "COM_QUERY");
                for (seq, payload) in answer.iter().enumerate() {
                    s.write_all(&packet(seq as u8 + 1, payload)).unwrap();
                }
            }
            assert_eq!(read(&mut s), (0, vec![1]), "COM_QUIT");
        }
    }

    #[test]
    fn the_listing_reads_a_text_result_set_or_an_err_packet() {
        let uri = "mysql://app:pw-List-2@127.0.0.1:PORT";
        let eof = vec![0xFE, 0, 0, 2, 0];
        let mut column = b"\x03def\x12information_schema\x08SCHEMATA\x08SCHEMATA".to_vec();
        column.extend_from_slice(
            b"\x08Database\x0bSCHEMA_NAME\x0c\x21\x00\x00\x01\x00\x00\xfd\x01\x00\x00\x00\x00",
        );
        let answer = vec![
            vec![1],
            column,
            eof.clone(),
            b"\x12information_schema".to_vec(),
            b"\x04shop".to_vec(),
            vec![0xFB],
            [&[0xFC, 5, 0][..], b"mysql"].concat(),
            eof,
        ];
        let v = against_listing(
            Kind::Mysql,
            uri,
            "pw-List-2",
            true,
            listing_server(Some(answer)),
        );
        assert_eq!(v.status, Status::Valid, "{v:?}");
        assert_eq!(
            v.facts["access.databases"],
            "3: information_schema, shop, mysql"
        );

        let mut err = vec![0xFF, 0x2A, 0x04];
        err.extend_from_slice(b"#42000Access denied; you need the SHOW DATABASES privilege");
        let v = against_listing(
            Kind::Mysql,
            uri,
            "pw-List-2",
            true,
            listing_server(Some(vec![err])),
        );
        assert_eq!(v.facts["access.databases"], "not allowed (error 1066)");

        let v = against_listing(Kind::Mysql, uri, "pw-List-2", false, listing_server(None));
        assert_eq!(v.status, Status::Valid);
        assert!(!v.facts.contains_key("access.databases"), "{v:?}");

        assert_eq!(lenenc(&[0xFD, 1, 2, 3]), Some((0x030201, 4)));
        assert_eq!(lenenc(&[0xFC, 1]), None);
    }
}
