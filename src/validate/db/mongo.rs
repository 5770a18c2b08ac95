//! MongoDB: OP_MSG `hello` (asking which SCRAM mechanisms the user has), then SCRAM-SHA-256
//! (or SCRAM-SHA-1) through `saslStart` and `saslContinue` on the URI's authentication
//! database (`authSource`, else the URI's database, else `admin`), then the connection is
//! closed (with `--map-access`, after one `listDatabases` on `admin`, names only, the
//! databases the user is authorized for). Error code 18 (AuthenticationFailed) is a rejected password.

use md5::{Digest, Md5};

use super::bson::{self, Doc, Value};
use super::scram::{Hash, Scram};
use super::uri::Target;
use super::{Conn, Listed, accepted, with_listing};
use crate::model::Validation;
use crate::validate::digest::hex;

const OP_MSG: i32 = 2013;
const AUTHENTICATION_FAILED: f64 = 18.0;

/// The command `--map-access` sends after the login.
pub(super) const LIST_DATABASES: &str = "listDatabases (nameOnly, authorizedDatabases) on admin";

pub(super) fn login(conn: &mut Conn, target: &Target, list: bool) -> Result<Validation, String> {
    if target.user.is_empty() {
        return Err("the URI names no user".into());
    }
    let user = target.user.as_str();
    let source = target
        .option("authSource")
        .or(target.database.as_deref())
        .unwrap_or("admin");
    let mut session = Session { conn, next_id: 0 };
    let hello = session.command(&[
        ("hello", Value::Int32(1)),
        ("saslSupportedMechs", Value::Str(format!("{source}.{user}"))),
        ("$db", Value::Str("admin".into())),
    ])?;
    if let Some(refused) = session.refused(&hello) {
        return refused;
    }
    let offered = |name: &str| match bson::get(&hello, "saslSupportedMechs") {
        Some(Value::Array(names)) => names.contains(&Value::Str(name.into())),
        _ => false,
    };
    let (mechanism, hash) = match target.option("authMechanism") {
        Some("SCRAM-SHA-1") => ("SCRAM-SHA-1", Hash::Sha1),
        // SCRAM-SHA-256: `plan` let no other mechanism through.
        Some(_) => ("SCRAM-SHA-256", Hash::Sha256),
        // The user's mechanisms, as drivers choose: SHA-256 when offered, else SHA-1.
        None if offered("SCRAM-SHA-256") => ("SCRAM-SHA-256", Hash::Sha256),
        None => ("SCRAM-SHA-1", Hash::Sha1),
    };
    // SCRAM-SHA-1's password is MongoDB's own digest of the user and password.
    let password = match hash {
        Hash::Sha1 => {
            let digest =
                Md5::digest([format!("{user}:mongo:").as_bytes(), &target.password].concat());
            hex(&digest).into_bytes()
        }
        Hash::Sha256 => target.password.clone(),
    };
    let mut scram = Scram::new(hash, user, password);
    let reply = session.command(&[
        ("saslStart", Value::Int32(1)),
        ("mechanism", Value::Str(mechanism.into())),
        ("payload", Value::Binary(scram.client_first().into_bytes())),
        ("autoAuthorize", Value::Int32(1)),
        (
            "options",
            Value::Doc(vec![("skipEmptyExchange".into(), Value::Bool(true))]),
        ),
        ("$db", Value::Str(source.into())),
    ])?;
    if let Some(refused) = session.refused(&reply) {
        return refused;
    }
    let conversation = bson::get(&reply, "conversationId")
        .cloned()
        .ok_or_else(|| session.not_mongo())?;
    let last = scram.client_final(&session.payload(&reply)?)?;
    let mut proof = last.into_bytes();
    let mut verified = false;
    // The proof, then (unless the server skips it) one empty message to end the exchange.
    for _ in 0..2 {
        let reply = session.command(&[
            ("saslContinue", Value::Int32(1)),
            ("conversationId", conversation.clone()),
            ("payload", Value::Binary(std::mem::take(&mut proof))),
            ("$db", Value::Str(source.into())),
        ])?;
        if let Some(refused) = session.refused(&reply) {
            return refused;
        }
        if !verified {
            scram.verify(&session.payload(&reply)?)?;
            verified = true;
        }
        if bson::get(&reply, "done") == Some(&Value::Bool(true)) {
            let validation = accepted(&[
                ("user", user),
                ("auth_source", source),
                ("mechanism", mechanism),
            ]);
            return Ok(if list {
                with_listing(validation, session.databases())
            } else {
                validation
            });
        }
    }
    Err(session.not_mongo())
}

/// Commands on one connection, numbered.
struct Session<'c> {
    conn: &'c mut Conn,
    next_id: i32,
}

impl Session<'_> {
    /// Sends `fields` as an OP_MSG and reads the answer's body document.
    fn command(&mut self, fields: &[(&str, Value)]) -> Result<Doc, String> {
        self.next_id += 1;
        let body = bson::encode(fields);
        let mut message = Vec::with_capacity(body.len() + 21);
        for word in [(body.len() + 21) as i32, self.next_id, 0, OP_MSG] {
            message.extend_from_slice(&word.to_le_bytes());
        }
        message.extend_from_slice(&0u32.to_le_bytes()); // no flags
        message.push(0); // a body section
        message.extend_from_slice(&body);
        self.conn.send(&message)?;

        let header = self.conn.read_exact(16)?;
        let word =
            |at: usize| i32::from_le_bytes(header[at..at + 4].try_into().unwrap_or_default());
        let length = usize::try_from(word(0)).unwrap_or_default();
        if length < 21 || word(8) != self.next_id || word(12) != OP_MSG {
            return Err(self.not_mongo());
        }
        let rest = self.conn.read_exact(length - 16)?;
        let flags = u32::from_le_bytes(rest[..4].try_into().unwrap_or_default());
        // A checksum (flag bit 0) trails the sections.
        let end = rest.len() - if flags & 1 != 0 { 4 } else { 0 };
        let mut sections = rest.get(4..end).ok_or_else(|| self.not_mongo())?;
        while let Some((&kind, after)) = sections.split_first() {
            let size = after
                .get(..4)
                .and_then(|s| usize::try_from(i32::from_le_bytes(s.try_into().ok()?)).ok())
                .ok_or_else(|| self.not_mongo())?;
            let section = after.get(..size).ok_or_else(|| self.not_mongo())?;
            if kind == 0 {
                return bson::decode(section).ok_or_else(|| self.not_mongo());
            }
            sections = &after[size..];
        }
        Err(self.not_mongo())
    }

    /// `listDatabases` on `admin`, names only, those the user is authorized for: the
    /// `databases` array's names, or the error code of a refusal.
    fn databases(&mut self) -> Result<Listed, String> {
        let reply = self.command(&[
            ("listDatabases", Value::Int32(1)),
            ("nameOnly", Value::Bool(true)),
            ("authorizedDatabases", Value::Bool(true)),
            ("$db", Value::Str("admin".into())),
        ])?;
        Ok(databases(&reply))
    }

    /// An answer that is not `ok`: invalid for AuthenticationFailed, else an error naming
    /// the code.
    fn refused(&self, reply: &Doc) -> Option<Result<Validation, String>> {
        if bson::get(reply, "ok").and_then(Value::number) == Some(1.0) {
            return None;
        }
        Some(match bson::get(reply, "code").and_then(Value::number) {
            Some(AUTHENTICATION_FAILED) => Ok(Validation::invalid()),
            Some(code) => Err(format!("{} answered error code {code}", self.conn.address)),
            None => Err(self.not_mongo()),
        })
    }

    fn payload(&self, reply: &Doc) -> Result<Vec<u8>, String> {
        match bson::get(reply, "payload") {
            Some(Value::Binary(bytes)) => Ok(bytes.clone()),
            _ => Err(self.not_mongo()),
        }
    }

    fn not_mongo(&self) -> String {
        format!("{} did not answer like MongoDB", self.conn.address)
    }
}

/// The databases of a `listDatabases` answer.
fn databases(reply: &Doc) -> Listed {
    if bson::get(reply, "ok").and_then(Value::number) != Some(1.0) {
        return Listed::Refused(match bson::get(reply, "code").and_then(Value::number) {
            Some(code) => format!("error code {code}"),
            None => "an error".into(),
        });
    }
    let mut listed = Listed::Names(Vec::new());
    if let Some(Value::Array(entries)) = bson::get(reply, "databases") {
        for entry in entries {
            if let Value::Doc(entry) = entry
                && let Some(Value::Str(name)) = bson::get(entry, "name")
            {
                listed.push(name.as_bytes());
            }
        }
    }
    listed
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpStream;

    use super::super::{Kind, against};
    use super::*;
    use crate::model::Status;

    /// Reads one OP_MSG and returns its request id and body document.
    fn receive(s: &mut TcpStream) -> (i32, Doc) {
        let mut header = [0u8; 16];
        s.read_exact(&mut header).unwrap();
        let mut rest = vec![0; i32::from_le_bytes(header[..4].try_into().unwrap()) as usize - 16];
        s.read_exact(&mut rest).unwrap();
        assert_eq!(&rest[..5], &[0, 0, 0, 0, 0], "no flags, a body section");
        let id = i32::from_le_bytes(header[4..8].try_into().unwrap());
        (id, bson::decode(&rest[5..]).unwrap())
    }

    /// Answers request `id` with `fields`, with a checksum after the body (flag bit 0).
    fn answer(s: &mut TcpStream, id: i32, fields: &[(&str, Value)]) {
        let body = bson::encode(fields);
        let mut m = Vec::new();
        for word in [(body.len() + 25) as i32, 99, id, OP_MSG] {
            m.extend_from_slice(&word.to_le_bytes());
        }
        m.extend_from_slice(&1u32.to_le_bytes());
        m.push(0);
        m.extend_from_slice(&body);
        m.extend_from_slice(&[0xAA; 4]);
        s.write_all(&m).unwrap();
    }

    #[test]
    fn authentication_failed_is_invalid_and_other_codes_are_errors() {
        for (code, status) in [(18, Status::Invalid), (13, Status::Error)] {
            let v = against(
                Kind::Mongo,
                "mongodb://ingest:pw-Mongo-1@127.0.0.1:PORT/events",
                "pw-Mongo-1",
                move |mut s| {
                    let (id, hello) = receive(&mut s);
                    assert_eq!(
                        bson::get(&hello, "saslSupportedMechs"),
                        Some(&Value::Str("events.ingest".into()))
                    );
                    answer(
                        &mut s,
                        id,
                        &[
                            (
                                "saslSupportedMechs",
                                Value::Array(vec![Value::Str("SCRAM-SHA-1".into())]),
                            ),
                            ("ok", Value::Double(1.0)),
                        ],
                    );
                    let (id, start) = receive(&mut s);
                    assert_eq!(
                        bson::get(&start, "mechanism"),
                        Some(&Value::Str("SCRAM-SHA-1".into()))
                    );
                    assert_eq!(bson::get(&start, "$db"), Some(&Value::Str("events".into())));
                    answer(
                        &mut s,
                        id,
                        &[("ok", Value::Double(0.0)), ("code", Value::Int32(code))],
                    );
                },
            );
            assert_eq!(v.status, status, "{v:?}");
            if status == Status::Error {
                assert!(v.reason.unwrap().ends_with("answered error code 13"));
            }
        }
    }

    #[test]
    fn the_listing_reads_the_names_of_list_databases() {
        let entry = |name: &str| Value::Doc(vec![("name".into(), Value::Str(name.into()))]);
        let reply: Doc = vec![
            (
                "databases".into(),
                Value::Array(vec![entry("admin"), entry("events"), Value::Int32(3)]),
            ),
            ("ok".into(), Value::Double(1.0)),
        ];
        assert_eq!(
            databases(&reply),
            Listed::Names(vec!["admin".into(), "events".into()])
        );
        let refused: Doc = vec![
            ("ok".into(), Value::Double(0.0)),
            ("code".into(), Value::Int32(13)),
        ];
        assert_eq!(databases(&refused), Listed::Refused("error code 13".into()));
        // Through the wire: the command as sent, the checksum-trailed answer read.
        let encoded = bson::encode(&[
            (
                "databases",
                Value::Array(vec![entry("admin"), entry("events")]),
            ),
            ("ok", Value::Double(1.0)),
        ]);
        let fields = bson::decode(&encoded).unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let mut s = listener.accept().unwrap().0;
            let (id, command) = receive(&mut s);
            assert_eq!(
                command,
                vec![
                    ("listDatabases".to_string(), Value::Int32(1)),
                    ("nameOnly".into(), Value::Bool(true)),
                    ("authorizedDatabases".into(), Value::Bool(true)),
                    ("$db".into(), Value::Str("admin".into())),
                ]
            );
            let fields: Vec<(&str, Value)> = fields
                .iter()
                .map(|(n, v)| (n.as_str(), v.clone()))
                .collect();
            answer(&mut s, id, &fields);
        });
        let target = super::super::uri::find(
            &format!("mongodb://u:pw-Mongo-2@127.0.0.1:{port}"),
            "pw-Mongo-2",
            &["mongodb"],
            27017,
        )
        .unwrap();
        let mut conn = Conn::open(
            &target,
            std::time::Duration::from_secs(2),
            std::time::Duration::from_secs(5),
        )
        .unwrap();
        let mut session = Session {
            conn: &mut conn,
            next_id: 3,
        };
        assert_eq!(
            session.databases(),
            Ok(Listed::Names(vec!["admin".into(), "events".into()]))
        );
        server.join().unwrap();
    }
}
