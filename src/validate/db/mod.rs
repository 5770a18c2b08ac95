//! Live checks of database connection URIs: a login to the host the URI names, where a login is
//! the only way to tell a live password. PostgreSQL, MySQL/MariaDB, Redis and MongoDB.
//!
//! The host is the scanned repository's choice, so these checks run only when the user passes
//! `--validate-network-hosts` (loopback and private addresses included: no special case). Each
//! login runs within the connect timeout and one deadline for the whole exchange, reads at
//! most [`MAX_READ`] bytes, sends nothing but the login (and the protocol's goodbye; with
//! `--map-access`, one read-only listing of the databases in between), speaks no
//! TLS, retries nothing (a refused login may count towards a lockout), and never puts the
//! password in a reason: reasons name the address and the server's error code only, never
//! the server's own text.
//!
//! Hand-written, not client crates: the postgres, mysql and mongodb clients bring an async
//! runtime (tokio) or a large dependency tree for what is here one login of a few hundred
//! lines, and some of them query or monitor the server once connected; these send exactly
//! what each module lists. The digests come from ring, sha2 and md-5.

mod bson;
mod mongo;
mod mysql;
mod postgres;
mod redis;
mod scram;
mod uri;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::Subject;
use crate::model::{Status, Validation};
use uri::Target;

/// The most bytes one login reads from the server, over all its messages; no length field
/// read from the server allocates more.
const MAX_READ: usize = 1 << 20;

/// Why a database check did not run without the flag.
const NOT_ALLOWED: &str = "logs in to the host its URI names, which the scanned files choose: \
                           allowed only by `--validate-network-hosts`";

/// The database a URI logs in to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Postgres,
    Mysql,
    Redis,
    Mongo,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Postgres => "postgres",
            Kind::Mysql => "mysql",
            Kind::Redis => "redis",
            Kind::Mongo => "mongodb",
        }
    }

    /// URI schemes (before any `+driver`) that name this database.
    fn schemes(self) -> &'static [&'static str] {
        match self {
            Kind::Postgres => &["postgres", "postgresql"],
            Kind::Mysql => &["mysql", "mariadb"],
            Kind::Redis => &["redis", "rediss"],
            Kind::Mongo => &["mongodb"],
        }
    }

    fn default_port(self) -> u16 {
        match self {
            Kind::Postgres => 5432,
            Kind::Mysql => 3306,
            Kind::Redis => 6379,
            Kind::Mongo => 27017,
        }
    }
}

/// The most database names one listing keeps.
const MAX_NAMES: usize = 100;

/// One login to run: where, as whom, with which password; and whether to list the databases
/// after it (`--map-access`).
#[derive(Debug)]
pub(crate) struct Login {
    kind: Kind,
    target: Target,
    list: bool,
}

impl Login {
    /// `host:port`, for the dry run and reasons.
    pub(crate) fn address(&self) -> String {
        self.target.address()
    }

    /// The protocol, as the dry run names it.
    pub(crate) fn kind(&self) -> &'static str {
        self.kind.name()
    }

    /// What the listing after the login sends (`--map-access`), for the dry run; none
    /// without the flag.
    pub(crate) fn listing(&self) -> Option<&'static str> {
        self.list.then_some(match self.kind {
            Kind::Postgres => postgres::LIST_DATABASES,
            Kind::Mysql => mysql::LIST_DATABASES,
            Kind::Redis => redis::LIST_DATABASES,
            Kind::Mongo => mongo::LIST_DATABASES,
        })
    }

    /// Connects and logs in: valid when the server accepts the password, invalid when it
    /// explicitly rejects it, an error for anything else. A valid login that lists gets the
    /// `access.databases` fact.
    pub(crate) fn run(&self, connect_timeout: Duration, total_timeout: Duration) -> Validation {
        let (target, list) = (&self.target, self.list);
        let answer = Conn::open(target, connect_timeout, total_timeout).and_then(|mut conn| {
            match self.kind {
                Kind::Postgres => postgres::login(&mut conn, target, list),
                Kind::Mysql => mysql::login(&mut conn, target, list),
                Kind::Redis => redis::login(&mut conn, target, list),
                Kind::Mongo => mongo::login(&mut conn, target, list),
            }
        });
        match answer {
            Ok(v) if v.status == Status::Invalid => Validation {
                reason: Some(format!("rejected by {}", self.address())),
                ..v
            },
            Ok(v) => v,
            Err(reason) => Validation::error(reason),
        }
    }
}

/// The login for one finding, or why there is none: not allowed, no URI around the password,
/// or a URI that asks for what the check does not do (TLS, DNS SRV, another mechanism).
pub(crate) fn plan(
    kind: Kind,
    subject: &Subject,
    allowed: bool,
    list: bool,
) -> Result<Login, Validation> {
    if !allowed {
        return Err(Validation::unsupported(NOT_ALLOWED));
    }
    // The file's own lines that hold the password first: the finding's context is cut to 240
    // bytes around it, which may drop the end of a long URI (its `sslmode`, say).
    let file = (subject.source)().unwrap_or_default();
    let whole_lines = file
        .split(|b| *b == b'\n')
        .filter(|line| memchr::memmem::find(line, subject.secret.as_bytes()).is_some())
        .map(String::from_utf8_lossy);
    let target = whole_lines
        .chain([std::borrow::Cow::Borrowed(subject.context)])
        .find_map(|line| uri::find(&line, subject.secret, kind.schemes(), kind.default_port()))
        .ok_or_else(|| {
            Validation::unsupported(
                "the connection URI around the password was not found on its line",
            )
        })?;
    if let Some(why) = refusal(kind, &target) {
        return Err(Validation::error(why));
    }
    Ok(Login { kind, target, list })
}

/// Why a URI cannot be checked by a plain login, if it cannot.
fn refusal(kind: Kind, target: &Target) -> Option<String> {
    let tls = |what: &str| {
        Some(format!(
            "the URI asks for TLS ({what}), which this check does not speak"
        ))
    };
    let option = |name: &str| target.option(name).map(str::to_ascii_lowercase);
    let truthy = |name: &str| option(name).is_some_and(|v| v == "true" || v == "1");
    match kind {
        Kind::Postgres => match option("sslmode").as_deref() {
            Some(mode @ ("require" | "verify-ca" | "verify-full")) => {
                tls(&format!("sslmode={mode}"))
            }
            _ if truthy("ssl") => tls("ssl=true"),
            _ => None,
        },
        Kind::Mysql => {
            let mode = option("ssl-mode").or_else(|| option("sslmode"));
            match mode.as_deref() {
                Some(mode @ ("required" | "verify_ca" | "verify_identity")) => {
                    tls(&format!("ssl-mode={mode}"))
                }
                _ if truthy("ssl") || truthy("usessl") => tls("ssl=true"),
                // go-sql-driver/mysql: tls=true, skip-verify or a named configuration.
                _ => match option("tls").as_deref() {
                    None | Some("false" | "preferred") => None,
                    Some(_) => tls("tls"),
                },
            }
        }
        Kind::Redis if target.scheme == "rediss" => tls("rediss://"),
        Kind::Redis => None,
        Kind::Mongo if target.scheme == "mongodb+srv" => Some(
            "mongodb+srv:// needs a DNS SRV lookup and TLS, which this check does not do".into(),
        ),
        Kind::Mongo if truthy("tls") || truthy("ssl") => tls("tls=true"),
        Kind::Mongo => match target.option("authMechanism") {
            None | Some("SCRAM-SHA-1" | "SCRAM-SHA-256") => None,
            Some(other) => Some(format!(
                "authMechanism={} is not SCRAM, which this check does not speak",
                printable(other.as_bytes())
            )),
        },
    }
}

/// The facts of an accepted login.
fn accepted(facts: &[(&str, &str)]) -> Validation {
    let facts: BTreeMap<String, String> = facts
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    Validation::valid(facts)
}

/// What a listing of databases found: names (the server's text, through [`printable`]), or the
/// server's refusal (`SQLSTATE 42501`, `error 1227`, `NOPERM`, `error code 13`).
#[derive(Debug, PartialEq)]
enum Listed {
    Names(Vec<String>),
    Refused(String),
}

impl Listed {
    /// Keeps a name (at most [`MAX_NAMES`]).
    fn push(&mut self, name: &[u8]) {
        if let Listed::Names(names) = self
            && names.len() < MAX_NAMES
        {
            names.push(printable(name));
        }
    }
}

/// Adds `access.databases` to a valid login: what the listing found, or why it is not known
/// (a connection that failed after the login, a deadline run out, an answer not understood).
fn with_listing(mut validation: Validation, listing: Result<Listed, String>) -> Validation {
    let text = match listing {
        Ok(Listed::Names(names)) => super::request::listed(names),
        Ok(Listed::Refused(why)) => format!("not allowed ({why})"),
        Err(reason) => format!("not known: {reason}"),
    };
    validation.facts.insert("access.databases".into(), text);
    validation
}

/// A server's text as a fact: printable ASCII, at most 64 characters (it comes from a host
/// the scanned files chose).
fn printable(bytes: &[u8]) -> String {
    bytes
        .iter()
        .filter(|b| b.is_ascii_graphic() || **b == b' ')
        .take(64)
        .map(|&b| b as char)
        .collect()
}

/// A TCP connection to the URI's first host, within one deadline, reading at most
/// [`MAX_READ`] bytes in all.
struct Conn {
    stream: TcpStream,
    address: String,
    deadline: Instant,
    total_timeout: Duration,
    /// Read from the socket, not yet consumed.
    buffer: Vec<u8>,
    /// Bytes read so far.
    read: usize,
}

impl Conn {
    fn open(
        target: &Target,
        connect_timeout: Duration,
        total_timeout: Duration,
    ) -> Result<Conn, String> {
        let started = Instant::now();
        let address = target.address();
        let addresses = (target.host.as_str(), target.port)
            .to_socket_addrs()
            .map_err(|_| format!("{address}: host not found"))?;
        for socket_address in addresses {
            let left = total_timeout.saturating_sub(started.elapsed());
            if left.is_zero() {
                break;
            }
            if let Ok(stream) =
                TcpStream::connect_timeout(&socket_address, connect_timeout.min(left))
            {
                return Ok(Conn {
                    stream,
                    address,
                    deadline: started + total_timeout,
                    total_timeout,
                    buffer: Vec::new(),
                    read: 0,
                });
            }
        }
        Err(format!("could not connect to {address}"))
    }

    /// The time left, or the error that says it ran out.
    fn left(&self) -> Result<Duration, String> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            Err(self.timed_out())
        } else {
            Ok(left)
        }
    }

    fn timed_out(&self) -> String {
        format!(
            "no answer from {} within {} s",
            self.address,
            self.total_timeout.as_secs_f64()
        )
    }

    fn failed(&self, error: &std::io::Error) -> String {
        match error.kind() {
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => self.timed_out(),
            _ => format!("the connection to {} failed", self.address),
        }
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        let left = self.left()?;
        self.stream
            .set_write_timeout(Some(left))
            .and_then(|()| self.stream.write_all(bytes))
            .map_err(|e| self.failed(&e))
    }

    /// Reads more of the answer into the buffer.
    fn fill(&mut self) -> Result<(), String> {
        let left = self.left()?;
        let mut chunk = [0u8; 4096];
        let room = (MAX_READ - self.read).min(chunk.len());
        if room == 0 {
            return Err(format!("{} answered more than 1 MiB", self.address));
        }
        let n = self
            .stream
            .set_read_timeout(Some(left))
            .and_then(|()| self.stream.read(&mut chunk[..room]))
            .map_err(|e| self.failed(&e))?;
        if n == 0 {
            // What a server that speaks only TLS does with a plain login.
            return Err(format!(
                "{} closed the connection (a server that requires TLS does that: this check does not speak it)",
                self.address
            ));
        }
        self.read += n;
        self.buffer.extend_from_slice(&chunk[..n]);
        Ok(())
    }

    /// The next `n` bytes of the answer (`n` comes from a length field: over the read budget
    /// it is refused before anything is allocated for it).
    fn read_exact(&mut self, n: usize) -> Result<Vec<u8>, String> {
        if n > MAX_READ {
            return Err(format!("{} announced a message over 1 MiB", self.address));
        }
        while self.buffer.len() < n {
            self.fill()?;
        }
        Ok(self.buffer.drain(..n).collect())
    }

    /// The next line of the answer, without its `\r\n`.
    fn read_line(&mut self) -> Result<Vec<u8>, String> {
        let mut searched: usize = 0;
        loop {
            let from = searched.saturating_sub(1);
            if let Some(at) = memchr::memmem::find(&self.buffer[from..], b"\r\n") {
                let end = from + at;
                let line = self.buffer[..end].to_vec();
                self.buffer.drain(..end + 2);
                return Ok(line);
            }
            searched = self.buffer.len();
            self.fill()?;
        }
    }
}

/// Runs `script` as the server of one connection on 127.0.0.1 and logs in to it with `line`'s
/// URI (`PORT` standing for the server's port), whose password is `secret`.
#[cfg(test)]
fn against(
    kind: Kind,
    line: &str,
    secret: &str,
    script: impl FnOnce(TcpStream) + Send + 'static,
) -> Validation {
    against_listing(kind, line, secret, false, script)
}

/// [`against`], listing the databases after the login when `list`.
#[cfg(test)]
fn against_listing(
    kind: Kind,
    line: &str,
    secret: &str,
    list: bool,
    script: impl FnOnce(TcpStream) + Send + 'static,
) -> Validation {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || script(listener.accept().unwrap().0));
    let line = line.replace("PORT", &port.to_string());
    let target = uri::find(&line, secret, kind.schemes(), kind.default_port()).unwrap();
    let validation =
        Login { kind, target, list }.run(Duration::from_secs(2), Duration::from_secs(5));
    server.join().unwrap();
    validation
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject<'a>(secret: &'a str, context: &'a str) -> Subject<'a> {
        Subject {
            secret,
            partner: None,
            provider: "database",
            context,
            source: &|| None,
        }
    }

    #[test]
    fn nothing_is_planned_without_the_flag_and_tls_uris_are_not_tried() {
        let line = "DATABASE_URL=postgres://app:s3cr3t-Pw@db.internal:6543/orders";
        let refused = plan(Kind::Postgres, &subject("s3cr3t-Pw", line), false, true).unwrap_err();
        assert_eq!(refused.status, Status::Unsupported);
        assert!(refused.reason.unwrap().contains("--validate-network-hosts"));
        let login = plan(Kind::Postgres, &subject("s3cr3t-Pw", line), true, false).unwrap();
        assert_eq!(
            (login.address(), login.kind()),
            ("db.internal:6543".into(), "postgres")
        );
        assert_eq!(
            login.listing(),
            None,
            "nothing but the login without --map-access"
        );
        let listing = plan(Kind::Postgres, &subject("s3cr3t-Pw", line), true, true).unwrap();
        assert_eq!(listing.listing(), Some(postgres::LIST_DATABASES));

        for (kind, line, why) in [
            (
                Kind::Postgres,
                "postgres://a:s3cr3t-Pw@h/db?sslmode=require",
                "sslmode=require",
            ),
            (
                Kind::Mysql,
                "mysql://a:s3cr3t-Pw@h/db?ssl-mode=REQUIRED",
                "ssl-mode=required",
            ),
            (
                Kind::Mysql,
                "mysql://a:s3cr3t-Pw@h/db?tls=skip-verify",
                "(tls)",
            ),
            (Kind::Redis, "rediss://:s3cr3t-Pw@h:6380", "rediss://"),
            (
                Kind::Mongo,
                "mongodb+srv://a:s3cr3t-Pw@c.example.net/x",
                "DNS SRV",
            ),
            (
                Kind::Mongo,
                "mongodb://a:s3cr3t-Pw@h/x?tls=true",
                "tls=true",
            ),
            (
                Kind::Mongo,
                "mongodb://a:s3cr3t-Pw@h/?authMechanism=PLAIN",
                "not SCRAM",
            ),
        ] {
            let v = plan(kind, &subject("s3cr3t-Pw", line), true, false).unwrap_err();
            assert_eq!(v.status, Status::Error, "{line}");
            assert!(v.reason.as_ref().unwrap().contains(why), "{line}: {v:?}");
        }
        for (kind, line) in [
            (Kind::Postgres, "postgres://a:s3cr3t-Pw@h/db?sslmode=prefer"),
            (Kind::Mysql, "mysql://a:s3cr3t-Pw@h/db?tls=false"),
            (
                Kind::Mongo,
                "mongodb://a:s3cr3t-Pw@h/?authMechanism=SCRAM-SHA-1",
            ),
        ] {
            assert!(
                plan(kind, &subject("s3cr3t-Pw", line), true, false).is_ok(),
                "{line}"
            );
        }
        let elsewhere = plan(
            Kind::Redis,
            &subject("s3cr3t-Pw", "password: s3cr3t-Pw"),
            true,
            false,
        );
        assert_eq!(elsewhere.unwrap_err().status, Status::Unsupported);
    }

    #[test]
    fn the_whole_line_of_the_file_is_read_before_the_cut_context() {
        // The context was cut before the URI's sslmode; the file's line still has it.
        let file = || {
            Some(
                b"x\nURL=postgres://a:s3cr3t-Pw@h/db?application_name=x&sslmode=require\n".to_vec(),
            )
        };
        let cut = Subject {
            source: &file,
            ..subject(
                "s3cr3t-Pw",
                "URL=postgres://a:s3cr3t-Pw@h/db?application_name=x",
            )
        };
        let v = plan(Kind::Postgres, &cut, true, false).unwrap_err();
        assert!(v.reason.unwrap().contains("sslmode=require"));
        // A file that no longer holds it (or a decoded finding): the context is used.
        let gone = || Some(b"nothing here".to_vec());
        let from_context = Subject {
            source: &gone,
            ..subject("s3cr3t-Pw", "URL=postgres://a:s3cr3t-Pw@h/db")
        };
        assert_eq!(
            plan(Kind::Postgres, &from_context, true, false)
                .unwrap()
                .address(),
            "h:5432"
        );
    }

    #[test]
    fn a_closed_port_is_an_error_naming_the_address_and_never_the_password() {
        // Bind then drop: the port is (almost certainly) closed now.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let line = format!("redis://:s3cr3t-Pw@127.0.0.1:{port}");
        let login = plan(Kind::Redis, &subject("s3cr3t-Pw", &line), true, false).unwrap();
        let v = login.run(Duration::from_secs(1), Duration::from_secs(2));
        assert_eq!(v.status, Status::Error);
        assert_eq!(
            v.reason.unwrap(),
            format!("could not connect to 127.0.0.1:{port}")
        );
    }

    #[test]
    fn a_silent_server_runs_into_the_deadline_and_a_flood_into_the_read_cap() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            // First connection: accept and say nothing. Second: send 2 MiB of one line.
            let (_silent, _) = listener.accept().unwrap();
            let (mut flood, _) = listener.accept().unwrap();
            // Read the command first: unread bytes would make closing reset the connection.
            let _ = flood.read(&mut [0; 64]);
            let _ = flood.write_all(&vec![b'+'; 2 << 20]);
        });
        let line = format!("redis://:s3cr3t-Pw@127.0.0.1:{port}");
        let login = plan(Kind::Redis, &subject("s3cr3t-Pw", &line), true, false).unwrap();
        let started = Instant::now();
        let v = login.run(Duration::from_secs(1), Duration::from_millis(300));
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(v.reason.unwrap().starts_with("no answer from 127.0.0.1:"));
        let v = login.run(Duration::from_secs(1), Duration::from_secs(10));
        assert_eq!(
            v.reason.unwrap(),
            format!("127.0.0.1:{port} answered more than 1 MiB")
        );
        server.join().unwrap();
    }
}
