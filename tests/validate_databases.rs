//! Live checks of database URIs end to end: the real binary logs in to real PostgreSQL,
//! MariaDB and Redis servers started here on 127.0.0.1 (free ports, temporary data
//! directories; as `nobody` when the tests run as root, since PostgreSQL and MariaDB refuse
//! root), and to a MongoDB wire-protocol mock that runs SCRAM-SHA-256's server side. Without
//! `--validate-network-hosts` nothing connects.
//!
//! A server whose binaries are missing is skipped with a message, unless
//! `KEYSWEEP_DATABASE_TESTS=required` (CI), which makes it a failure.

mod common;

use std::{
    fs::File,
    io::{Read, Write},
    net::TcpListener,
    os::unix::fs::MetadataExt,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use common::*;
use serde_json::Value;
use tempfile::TempDir;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A password the URI rules report (random letters and digits, no stopword).
fn password(seed: u64) -> String {
    format!("Kx{}", random_chars(seed, 18, ALNUM))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `keysweep scan DIR` with the database rules, JSON output and `args`.
fn scan(dir: &Path, args: &[&str]) -> (Value, String) {
    let output = keysweep()
        .arg("scan")
        .arg(dir)
        .args(["--only-rules", "database", "-f", "json"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); stderr: {stderr}"));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    (report, stderr)
}

fn validation<'a>(report: &'a Value, secret: &str) -> &'a Value {
    &finding_with(report, secret)["validation"]
}

/// Asserts the status of each secret's check, and that no password shows in a reason or on
/// stderr.
fn assert_statuses(report: &Value, stderr: &str, expected: &[(&str, &str)]) {
    for (secret, status) in expected {
        let v = validation(report, secret);
        assert_eq!(v["status"], *status, "{secret}: {v}\n{stderr}");
        assert!(!v.to_string().contains(secret), "{v}");
        assert!(!stderr.contains(secret), "{stderr}");
    }
}

// ---- Starting servers ----

fn required() -> bool {
    std::env::var("KEYSWEEP_DATABASE_TESTS").as_deref() == Ok("required")
}

/// The first of `candidates` that exists; None (after saying the test is skipped) when none
/// does, a failure when the tests are required.
fn find_binary(what: &str, candidates: &[PathBuf]) -> Option<PathBuf> {
    let found = candidates.iter().find(|p| p.is_file()).cloned();
    if found.is_none() {
        assert!(
            !required(),
            "{what} not found (KEYSWEEP_DATABASE_TESTS=required): install it"
        );
        eprintln!(
            "skipped: {what} not found (set KEYSWEEP_DATABASE_TESTS=required to fail instead)"
        );
    }
    found
}

/// `name` in each directory of PATH, then in `extra` directories.
fn on_path(name: &str, extra: &[&str]) -> Vec<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(extra.iter().map(PathBuf::from))
        .map(|dir| dir.join(name))
        .collect()
}

/// PostgreSQL's server binaries: Debian keeps them in /usr/lib/postgresql/VERSION/bin.
fn postgres_bin(name: &str) -> Vec<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path())))
        .collect();
    versions.sort();
    let mut candidates: Vec<PathBuf> = versions
        .into_iter()
        .rev()
        .map(|(_, dir)| dir.join("bin").join(name))
        .collect();
    candidates.extend(on_path(name, &[]));
    candidates
}

fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").unwrap().uid() == 0
}

/// A scratch directory the servers may own: `nobody`'s when running as root.
fn server_dir() -> TempDir {
    let dir = tree();
    if running_as_root() {
        std::os::unix::fs::chown(dir.path(), Some(65534), Some(65534)).unwrap();
    }
    dir
}

/// `program`, run as `nobody` when the tests run as root (PostgreSQL and MariaDB refuse to
/// run as root).
fn unprivileged(program: &Path) -> Command {
    if running_as_root() {
        let mut command = Command::new("setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn run(mut command: Command, what: &str) {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A server process, stopped (with `stop_signal`) when dropped.
struct Server {
    child: Child,
    log: PathBuf,
    stop_signal: &'static str,
    port: u16,
    _dir: TempDir,
}

impl Server {
    /// Starts `command` (its output into `dir/server.log`) and waits until `log` (the same
    /// file unless the server writes its own) says `ready`.
    fn start(
        mut command: Command,
        dir: TempDir,
        log: Option<PathBuf>,
        ready: &str,
        port: u16,
        stop_signal: &'static str,
    ) -> Server {
        let output_log = dir.path().join("server.log");
        let out = File::create(&output_log).unwrap();
        let child = command
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap();
        let mut server = Server {
            child,
            log: log.unwrap_or(output_log),
            stop_signal,
            port,
            _dir: dir,
        };
        let started = Instant::now();
        loop {
            let text = std::fs::read_to_string(&server.log).unwrap_or_default();
            if text.contains(ready) {
                return server;
            }
            let exited = server.child.try_wait().unwrap().is_some();
            assert!(
                !exited && started.elapsed() < Duration::from_secs(20),
                "the server did not start: {text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args([self.stop_signal, &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---- PostgreSQL ----

/// The passwords of the test cluster's roles, each logging in its own way (pg_hba.conf).
struct PostgresRoles {
    /// `md5user`: an MD5 hash, the md5 method.
    md5: String,
    /// `scramuser`: SCRAM-SHA-256.
    scram: String,
    /// `plainuser`: the cleartext `password` method.
    cleartext: String,
    /// `blocked`: refused by pg_hba.conf before any password.
    blocked: String,
}

/// initdb into a fresh directory, roles created in single-user mode (one with an MD5 hash,
/// the others SCRAM), pg_hba.conf choosing each role's method, then the server on a free
/// port.
fn start_postgres(roles: &PostgresRoles) -> Option<Server> {
    let initdb = find_binary("PostgreSQL's initdb", &postgres_bin("initdb"))?;
    let postgres = find_binary("PostgreSQL's postgres", &postgres_bin("postgres"))?;
    let dir = server_dir();
    let data = dir.path().join("data");
    let superuser_password = write(dir.path(), "pwfile", password(900));
    let mut command = unprivileged(&initdb);
    command
        .arg("-D")
        .arg(&data)
        .args([
            "-U",
            "admin",
            "--auth=scram-sha-256",
            "--no-sync",
            "--pwfile",
        ])
        .arg(&superuser_password);
    run(command, "initdb");
    let sql = format!(
        "SET password_encryption = 'md5';\n\
         CREATE ROLE md5user LOGIN PASSWORD '{}';\n\
         SET password_encryption = 'scram-sha-256';\n\
         CREATE ROLE scramuser LOGIN PASSWORD '{}';\n\
         CREATE ROLE plainuser LOGIN PASSWORD '{}';\n\
         CREATE ROLE blocked LOGIN PASSWORD '{}';\n\
         CREATE DATABASE orders;\n",
        roles.md5, roles.scram, roles.cleartext, roles.blocked
    );
    let mut single = unprivileged(&postgres);
    single
        .args(["--single", "-D"])
        .arg(&data)
        .arg("postgres")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = single.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(sql.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // pg_hba.conf is the server user's file: rewrite it in place, keeping its owner.
    std::fs::write(
        data.join("pg_hba.conf"),
        "host all md5user 127.0.0.1/32 md5\n\
         host all plainuser 127.0.0.1/32 password\n\
         host all blocked 127.0.0.1/32 reject\n\
         host all all 127.0.0.1/32 scram-sha-256\n",
    )
    .unwrap();
    let port = free_port();
    let mut command = unprivileged(&postgres);
    command
        .arg("-D")
        .arg(&data)
        .arg("-k")
        .arg(dir.path())
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-c",
            "fsync=off",
        ])
        .args(["-c", "log_connections=on", "-c", "log_statement=all"]);
    Some(Server::start(
        command,
        dir,
        None,
        "database system is ready to accept connections",
        port,
        "-INT",
    ))
}

#[test]
fn postgres_logins_with_md5_scram_and_cleartext_passwords() {
    let roles = PostgresRoles {
        md5: password(1),
        scram: format!("{}@{}", password(2), password(3)),
        cleartext: password(4),
        blocked: password(5),
    };
    let Some(server) = start_postgres(&roles) else {
        return;
    };
    let port = server.port;
    let dir = tree();
    // The SCRAM role's password holds an `@`: the URI carries it percent-encoded.
    let scram_in_uri = roles.scram.replace('@', "%40");
    let (wrong_md5, wrong_scram, wrong_plain) = (password(11), password(12), password(13));
    write(
        dir.path(),
        "app.env",
        format!(
            "MD5_URL=postgres://md5user:{}@127.0.0.1:{port}\n\
             SCRAM_URL=postgresql://scramuser:{scram_in_uri}@127.0.0.1:{port}/postgres?sslmode=prefer\n\
             PLAIN_URL=postgresql+psycopg2://plainuser:{}@127.0.0.1:{port}/postgres\n\
             BLOCKED_URL=postgres://blocked:{}@127.0.0.1:{port}/postgres\n\
             OLD_MD5_URL=postgres://md5user:{wrong_md5}@127.0.0.1:{port}/postgres\n\
             OLD_SCRAM_URL=postgres://scramuser:{wrong_scram}@127.0.0.1:{port}/postgres\n\
             OLD_PLAIN_URL=postgres://plainuser:{wrong_plain}@127.0.0.1:{port}/postgres\n",
            roles.md5, roles.cleartext, roles.blocked
        ),
    );
    let (report, stderr) = scan(dir.path(), &["--validate", "--validate-network-hosts"]);
    assert_statuses(
        &report,
        &stderr,
        &[
            (&roles.md5, "valid"),
            (&scram_in_uri, "valid"),
            (&roles.cleartext, "valid"),
            (&wrong_md5, "invalid"),
            (&wrong_scram, "invalid"),
            (&wrong_plain, "invalid"),
            (&roles.blocked, "error"),
        ],
    );
    // The MD5 URI names no database: the role's own (missing) one, refused only after the
    // password was accepted.
    let v = validation(&report, &roles.md5);
    assert_eq!(v["facts"]["user"], "md5user");
    assert_eq!(v["facts"]["database"], "md5user");
    let v = validation(&report, &scram_in_uri);
    let version = v["facts"]["server_version"].as_str().unwrap_or_default();
    assert!(version.starts_with(|c: char| c.is_ascii_digit()), "{v}");
    let v = validation(&report, &wrong_scram);
    assert_eq!(v["reason"], format!("rejected by 127.0.0.1:{port}"));
    let v = validation(&report, &roles.blocked);
    assert!(
        v["reason"]
            .as_str()
            .unwrap()
            .contains("before asking for a password"),
        "a pg_hba.conf refusal says nothing of the password: {v}"
    );
    // Each role's own method was used (the server logs which one authenticated it).
    let log = std::fs::read_to_string(&server.log).unwrap();
    for (user, method) in [
        ("md5user", "md5"),
        ("scramuser", "scram-sha-256"),
        ("plainuser", "password"),
    ] {
        assert!(
            log.contains(&format!(
                "connection authenticated: identity=\"{user}\" method={method}"
            )),
            "{user} by {method}: {log}"
        );
    }
    // Without --map-access no statement ran; with it, one listing per live login.
    assert!(!log.contains("pg_database"), "{log}");
    let (report, stderr) = scan(
        dir.path(),
        &["--validate", "--validate-network-hosts", "--map-access"],
    );
    assert_statuses(&report, &stderr, &[(&scram_in_uri, "valid")]);
    for secret in [&scram_in_uri, &roles.cleartext] {
        let v = validation(&report, secret);
        let listed = v["facts"]["access.databases"].as_str().unwrap_or_default();
        assert!(listed.starts_with("3: "), "{v}");
        for name in ["orders", "postgres", "template1"] {
            assert!(listed.split([' ', ',']).any(|n| n == name), "{name}: {v}");
        }
    }
    // The MD5 role's own database does not exist: its session never started.
    assert_eq!(
        validation(&report, &roles.md5)["facts"]["access.databases"],
        "not known: the session did not start (SQLSTATE 3D000)"
    );
    assert!(validation(&report, &wrong_md5)["facts"]["access.databases"].is_null());
    let log = std::fs::read_to_string(&server.log).unwrap();
    let statement = "statement: SELECT datname FROM pg_database WHERE datallowconn ORDER BY 1";
    assert_eq!(log.matches(statement).count(), 2, "{log}");
}

// ---- MariaDB ----

fn start_mariadb(app_password: &str) -> Option<Server> {
    let install = find_binary(
        "MariaDB's mariadb-install-db",
        &[
            on_path("mariadb-install-db", &[]),
            on_path("mysql_install_db", &[]),
        ]
        .concat(),
    )?;
    let server = find_binary(
        "MariaDB's mariadbd",
        &[
            on_path("mariadbd", &["/usr/sbin"]),
            on_path("mysqld", &["/usr/sbin"]),
        ]
        .concat(),
    )?;
    let dir = server_dir();
    let data = dir.path().join("data");
    let mut command = unprivileged(&install);
    command
        .arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .args(["--auth-root-authentication-method=normal", "--skip-test-db"]);
    run(command, "mariadb-install-db");
    let init = write(
        dir.path(),
        "init.sql",
        format!(
            "CREATE USER 'app'@'%' IDENTIFIED BY '{app_password}';\n\
             CREATE DATABASE shop;\n\
             GRANT SELECT ON shop.* TO 'app'@'%';\n"
        ),
    );
    let port = free_port();
    let error_log = dir.path().join("error.log");
    let mut command = unprivileged(&server);
    command
        .arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .arg(format!("--socket={}", dir.path().join("sock").display()))
        .arg(format!("--pid-file={}", dir.path().join("pid").display()))
        .arg(format!("--log-error={}", error_log.display()))
        .arg("--general-log=1")
        .arg(format!(
            "--general-log-file={}",
            dir.path().join("general.log").display()
        ))
        .arg(format!("--init-file={}", init.display()))
        .arg(format!("--port={port}"))
        .args([
            "--bind-address=127.0.0.1",
            "--skip-networking=0",
            "--skip-name-resolve",
        ])
        .args([
            "--innodb-buffer-pool-size=16M",
            "--innodb-flush-log-at-trx-commit=0",
        ]);
    Some(Server::start(
        command,
        dir,
        Some(error_log),
        "ready for connections",
        port,
        "-TERM",
    ))
}

#[test]
fn mariadb_logins_with_native_passwords() {
    let right = password(21);
    let Some(server) = start_mariadb(&right) else {
        return;
    };
    let port = server.port;
    let (wrong, stranger) = (password(22), password(23));
    let dir = tree();
    write(
        dir.path(),
        "config.yml",
        format!(
            "primary: mysql://app:{right}@127.0.0.1:{port}/shop\n\
             replica: mariadb://app:{wrong}@127.0.0.1:{port}/shop\n\
             legacy: mysql+pymysql://ghost:{stranger}@127.0.0.1:{port}\n"
        ),
    );
    let (report, stderr) = scan(dir.path(), &["--validate", "--validate-network-hosts"]);
    assert_statuses(
        &report,
        &stderr,
        &[
            (&right, "valid"),
            (&wrong, "invalid"),
            (&stranger, "invalid"),
        ],
    );
    let v = validation(&report, &right);
    assert_eq!(v["facts"]["user"], "app");
    assert!(
        v["facts"]["server_version"]
            .as_str()
            .unwrap()
            .contains("MariaDB"),
        "{v}"
    );
    // Without --map-access no statement ran; with it, SHOW DATABASES lists what `app` may see.
    let general = server.log.with_file_name("general.log");
    let queries = || {
        let log = std::fs::read_to_string(&general).unwrap_or_default();
        log.matches("SHOW DATABASES").count()
    };
    assert_eq!(queries(), 0);
    let (report, stderr) = scan(
        dir.path(),
        &["--validate", "--validate-network-hosts", "--map-access"],
    );
    assert_statuses(&report, &stderr, &[(&right, "valid"), (&wrong, "invalid")]);
    let v = validation(&report, &right);
    assert_eq!(
        v["facts"]["access.databases"], "2: information_schema, shop",
        "{v}"
    );
    assert!(validation(&report, &wrong)["facts"]["access.databases"].is_null());
    assert_eq!(queries(), 1);
}

// ---- Redis ----

fn start_redis(default_password: &str, worker_password: &str) -> Option<Server> {
    let redis = find_binary("redis-server", &on_path("redis-server", &["/usr/bin"]))?;
    let dir = server_dir();
    let port = free_port();
    let mut command = Command::new(redis);
    command
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--requirepass", default_password])
        .args([
            "--user",
            "worker",
            "on",
            &format!(">{worker_password}"),
            "~*",
            "&*",
            "+@all",
        ])
        .args(["--save", "", "--appendonly", "no", "--logfile", ""])
        .arg("--dir")
        .arg(dir.path());
    Some(Server::start(
        command,
        dir,
        None,
        "Ready to accept connections",
        port,
        "-TERM",
    ))
}

#[test]
fn redis_auth_with_requirepass_and_an_acl_user() {
    let (default_password, worker_password) = (password(31), password(32));
    let Some(server) = start_redis(&default_password, &worker_password) else {
        return;
    };
    let port = server.port;
    let (wrong_default, wrong_worker, tls) = (password(33), password(34), password(35));
    let dir = tree();
    write(
        dir.path(),
        "settings.py",
        format!(
            "CACHE = \"redis://:{default_password}@127.0.0.1:{port}/0\"\n\
             QUEUE = \"redis://worker:{worker_password}@127.0.0.1:{port}\"\n\
             OLD_CACHE = \"redis://default:{wrong_default}@127.0.0.1:{port}/1\"\n\
             OLD_QUEUE = \"redis://worker:{wrong_worker}@127.0.0.1:{port}\"\n\
             SECURE = \"rediss://:{tls}@127.0.0.1:{port}\"\n"
        ),
    );
    let (report, stderr) = scan(dir.path(), &["--validate", "--validate-network-hosts"]);
    assert_statuses(
        &report,
        &stderr,
        &[
            (&default_password, "valid"),
            (&worker_password, "valid"),
            (&wrong_default, "invalid"),
            (&wrong_worker, "invalid"),
            (&tls, "error"),
        ],
    );
    assert_eq!(
        validation(&report, &worker_password)["facts"]["user"],
        "worker"
    );
    assert_eq!(
        validation(&report, &tls)["reason"],
        "the URI asks for TLS (rediss://), which this check does not speak"
    );
    // Without --map-access no INFO was sent; with it, one per live login, listing db0's key.
    let infos_sent = || redis_command(port, &default_password, &["INFO", "commandstats"]);
    let calls = |stats: &str| {
        stats
            .lines()
            .find_map(|l| l.strip_prefix("cmdstat_info:calls="))
            .map_or(0, |rest| {
                rest.split(',').next().unwrap().parse::<u32>().unwrap()
            })
    };
    assert_eq!(calls(&infos_sent()), 0, "INFO sent without --map-access");
    assert!(redis_command(port, &default_password, &["SET", "greeting", "hello"]).contains("OK"));
    let (report, stderr) = scan(
        dir.path(),
        &["--validate", "--validate-network-hosts", "--map-access"],
    );
    assert_statuses(&report, &stderr, &[(&default_password, "valid")]);
    for secret in [&default_password, &worker_password] {
        let v = validation(&report, secret);
        assert_eq!(v["facts"]["access.databases"], "1: db0 (1 key)", "{v}");
    }
    // Two listings, and the first INFO commandstats above (counted once it ran).
    assert_eq!(calls(&infos_sent()), 3);
}

/// Sends one command (after AUTH with `password`) over RESP and returns the raw answer.
fn redis_command(port: u16, password: &str, command: &[&str]) -> String {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut out = Vec::new();
    for parts in [&["AUTH", password][..], command] {
        out.extend_from_slice(format!("*{}\r\n", parts.len()).as_bytes());
        for part in parts {
            out.extend_from_slice(format!("${}\r\n{part}\r\n", part.len()).as_bytes());
        }
    }
    out.extend_from_slice(b"*1\r\n$4\r\nQUIT\r\n");
    stream.write_all(&out).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

// ---- MongoDB: a mock of the wire protocol ----

/// The little BSON the mock reads and writes: strings, int32, doubles, booleans, binary and
/// arrays of strings (as documents keyed 0, 1, …).
#[derive(Debug, Clone, PartialEq)]
enum Bson {
    Str(String),
    Int(i32),
    Double(f64),
    Bool(bool),
    Binary(Vec<u8>),
    Strings(Vec<String>),
    /// An array of `{name: …}` documents (`listDatabases`'s `databases`).
    Names(Vec<String>),
}

fn bson_encode(fields: &[(&str, Bson)]) -> Vec<u8> {
    let mut out = vec![0; 4];
    for (name, value) in fields {
        let (kind, bytes) = match value {
            Bson::Str(s) => (
                0x02,
                [&(s.len() as i32 + 1).to_le_bytes()[..], s.as_bytes(), &[0]].concat(),
            ),
            Bson::Int(i) => (0x10, i.to_le_bytes().to_vec()),
            Bson::Double(d) => (0x01, d.to_le_bytes().to_vec()),
            Bson::Bool(b) => (0x08, vec![u8::from(*b)]),
            Bson::Binary(b) => (
                0x05,
                [&(b.len() as i32).to_le_bytes()[..], &[0], b].concat(),
            ),
            Bson::Strings(items) => {
                let keyed: Vec<(String, Bson)> = items
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (i.to_string(), Bson::Str(s.clone())))
                    .collect();
                let refs: Vec<(&str, Bson)> =
                    keyed.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                (0x04, bson_encode(&refs))
            }
            Bson::Names(names) => {
                let docs: Vec<Vec<u8>> = names
                    .iter()
                    .map(|n| bson_encode(&[("name", Bson::Str(n.clone()))]))
                    .collect();
                let mut array = vec![0; 4];
                for (i, doc) in docs.iter().enumerate() {
                    array.push(0x03);
                    array.extend_from_slice(i.to_string().as_bytes());
                    array.push(0);
                    array.extend_from_slice(doc);
                }
                array.push(0);
                let length = (array.len() as i32).to_le_bytes();
                array[..4].copy_from_slice(&length);
                (0x04, array)
            }
        };
        out.push(kind);
        out.extend_from_slice(name.as_bytes());
        out.push(0);
        out.extend_from_slice(&bytes);
    }
    out.push(0);
    let length = (out.len() as i32).to_le_bytes();
    out[..4].copy_from_slice(&length);
    out
}

/// The fields of a command document the client sends (the types `bson_encode` writes, and
/// embedded documents, skipped).
fn bson_decode(doc: &[u8]) -> Vec<(String, Bson)> {
    let mut fields = Vec::new();
    let mut at = 4;
    while doc[at] != 0 {
        let kind = doc[at];
        let name_end = at + 1 + doc[at + 1..].iter().position(|b| *b == 0).unwrap();
        let name = String::from_utf8(doc[at + 1..name_end].to_vec()).unwrap();
        let rest = &doc[name_end + 1..];
        let int = |at: usize| i32::from_le_bytes(rest[at..at + 4].try_into().unwrap()) as usize;
        let (value, used) = match kind {
            0x02 => (
                Some(Bson::Str(
                    String::from_utf8(rest[4..4 + int(0) - 1].to_vec()).unwrap(),
                )),
                4 + int(0),
            ),
            0x10 => (Some(Bson::Int(int(0) as i32)), 4),
            0x08 => (Some(Bson::Bool(rest[0] != 0)), 1),
            0x05 => (Some(Bson::Binary(rest[5..5 + int(0)].to_vec())), 5 + int(0)),
            0x03 => (None, int(0)),
            other => panic!("unexpected BSON type {other:#x} in {name}"),
        };
        if let Some(value) = value {
            fields.push((name, value));
        }
        at = name_end + 1 + used;
    }
    fields
}

fn field<'a>(doc: &'a [(String, Bson)], name: &str) -> Option<&'a Bson> {
    doc.iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

/// What the mock saw: every command's name and database.
type Commands = Arc<Mutex<Vec<(String, String)>>>;

/// A MongoDB that knows one user of `admin`, `user` with `password` (SCRAM-SHA-256, 4096
/// iterations), and answers `hello`, `saslStart` and `saslContinue` as mongod does, and
/// `listDatabases` (names only, authorized databases only) with `admin` and `events`.
fn mongo_mock(user: &'static str, password: String) -> (u16, Commands) {
    use base64::{Engine as _, engine::general_purpose::STANDARD as B64};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen: Commands = Arc::default();
    let commands = seen.clone();
    let salt = b"keysweep-mongo-salt".to_vec();
    let mut salted = [0u8; 32];
    ring::pbkdf2::derive(
        ring::pbkdf2::PBKDF2_HMAC_SHA256,
        std::num::NonZeroU32::new(4096).unwrap(),
        &salt,
        password.as_bytes(),
        &mut salted,
    );
    let mac = |key: &[u8], data: &[u8]| {
        ring::hmac::sign(&ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key), data)
            .as_ref()
            .to_vec()
    };
    let client_key = mac(&salted, b"Client Key");
    let stored_key = ring::digest::digest(&ring::digest::SHA256, &client_key)
        .as_ref()
        .to_vec();
    let server_key = mac(&salted, b"Server Key");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let (seen, stored_key, server_key, salt) = (
                commands.clone(),
                stored_key.clone(),
                server_key.clone(),
                salt.clone(),
            );
            std::thread::spawn(move || {
                let mut conversation: Option<(String, String)> = None; // client-first-bare, server-first
                loop {
                    let mut header = [0u8; 16];
                    if stream.read_exact(&mut header).is_err() {
                        return; // the client closed the connection
                    }
                    let length = i32::from_le_bytes(header[..4].try_into().unwrap()) as usize;
                    let request_id = i32::from_le_bytes(header[4..8].try_into().unwrap());
                    assert_eq!(
                        i32::from_le_bytes(header[12..16].try_into().unwrap()),
                        2013,
                        "OP_MSG"
                    );
                    let mut rest = vec![0; length - 16];
                    stream.read_exact(&mut rest).unwrap();
                    assert_eq!(rest[4], 0, "a body section");
                    let command = bson_decode(&rest[5..]);
                    let name = command[0].0.clone();
                    let db = match field(&command, "$db") {
                        Some(Bson::Str(db)) => db.clone(),
                        _ => String::new(),
                    };
                    seen.lock().unwrap().push((name.clone(), db.clone()));
                    let failed = vec![
                        ("ok", Bson::Double(0.0)),
                        ("errmsg", Bson::Str("Authentication failed.".into())),
                        ("code", Bson::Int(18)),
                        ("codeName", Bson::Str("AuthenticationFailed".into())),
                    ];
                    let payload = |doc: &[(String, Bson)]| match field(doc, "payload") {
                        Some(Bson::Binary(b)) => String::from_utf8(b.clone()).unwrap(),
                        _ => panic!("no payload"),
                    };
                    let reply: Vec<(&str, Bson)> = match name.as_str() {
                        "hello" => vec![
                            ("isWritablePrimary", Bson::Bool(true)),
                            ("maxWireVersion", Bson::Int(21)),
                            (
                                "saslSupportedMechs",
                                Bson::Strings(vec!["SCRAM-SHA-256".into(), "SCRAM-SHA-1".into()]),
                            ),
                            ("ok", Bson::Double(1.0)),
                        ],
                        "saslStart" => {
                            assert_eq!(
                                field(&command, "mechanism"),
                                Some(&Bson::Str("SCRAM-SHA-256".into()))
                            );
                            let first = payload(&command);
                            let bare = first.strip_prefix("n,,").unwrap().to_string();
                            let nonce = bare.split(",r=").nth(1).unwrap();
                            let server_first =
                                format!("r={nonce}MockServerNonce,s={},i=4096", B64.encode(&salt));
                            conversation = Some((bare.clone(), server_first.clone()));
                            if db != "admin" || !bare.starts_with(&format!("n={user},")) {
                                failed.clone()
                            } else {
                                vec![
                                    ("conversationId", Bson::Int(1)),
                                    ("done", Bson::Bool(false)),
                                    ("payload", Bson::Binary(server_first.into_bytes())),
                                    ("ok", Bson::Double(1.0)),
                                ]
                            }
                        }
                        "saslContinue" => {
                            let (bare, server_first) =
                                conversation.clone().expect("saslStart first");
                            let last = payload(&command);
                            let (without_proof, proof) = last.rsplit_once(",p=").unwrap();
                            let auth_message = format!("{bare},{server_first},{without_proof}");
                            let signature = mac(&stored_key, auth_message.as_bytes());
                            let client_key: Vec<u8> = B64
                                .decode(proof)
                                .unwrap()
                                .iter()
                                .zip(&signature)
                                .map(|(p, s)| p ^ s)
                                .collect();
                            let proven = ring::digest::digest(&ring::digest::SHA256, &client_key)
                                .as_ref()
                                == stored_key;
                            if proven && field(&command, "conversationId") == Some(&Bson::Int(1)) {
                                let verifier = format!(
                                    "v={}",
                                    B64.encode(mac(&server_key, auth_message.as_bytes()))
                                );
                                vec![
                                    ("conversationId", Bson::Int(1)),
                                    ("done", Bson::Bool(true)),
                                    ("payload", Bson::Binary(verifier.into_bytes())),
                                    ("ok", Bson::Double(1.0)),
                                ]
                            } else {
                                failed.clone()
                            }
                        }
                        "listDatabases" => {
                            assert_eq!(field(&command, "nameOnly"), Some(&Bson::Bool(true)));
                            assert_eq!(
                                field(&command, "authorizedDatabases"),
                                Some(&Bson::Bool(true))
                            );
                            vec![
                                (
                                    "databases",
                                    Bson::Names(vec!["admin".into(), "events".into()]),
                                ),
                                ("ok", Bson::Double(1.0)),
                            ]
                        }
                        other => panic!("the check sent {other}, which a login never needs"),
                    };
                    let body = bson_encode(&reply);
                    let mut message = Vec::new();
                    for word in [(body.len() + 21) as i32, 7, request_id, 2013] {
                        message.extend_from_slice(&word.to_le_bytes());
                    }
                    message.extend_from_slice(&[0, 0, 0, 0, 0]);
                    message.extend_from_slice(&body);
                    stream.write_all(&message).unwrap();
                }
            });
        }
    });
    (port, seen)
}

#[test]
fn mongodb_scram_sha_256_against_a_wire_protocol_mock() {
    let right = password(41);
    let (port, commands) = mongo_mock("ingest", right.clone());
    let (wrong, other_source) = (password(42), password(43));
    let dir = tree();
    write(
        dir.path(),
        "docker-compose.yml",
        format!(
            "      MONGO_URL: mongodb://ingest:{right}@127.0.0.1:{port},127.0.0.1:1/events?authSource=admin&replicaSet=rs0\n\
             \x20     OLD_MONGO_URL: mongodb://ingest:{wrong}@127.0.0.1:{port}\n\
             \x20     ARCHIVE_URL: mongodb://ingest:{other_source}@127.0.0.1:{port}/archive\n"
        ),
    );
    let (report, stderr) = scan(dir.path(), &["--validate", "--validate-network-hosts"]);
    assert_statuses(
        &report,
        &stderr,
        &[
            (&right, "valid"),
            (&wrong, "invalid"),
            (&other_source, "invalid"),
        ],
    );
    let v = validation(&report, &right);
    assert_eq!(v["facts"]["mechanism"], "SCRAM-SHA-256");
    assert_eq!(v["facts"]["auth_source"], "admin");
    // Only the login: hello on admin, then SASL on the authentication database (the URI's
    // database when it names no authSource).
    let mut seen = commands.lock().unwrap().clone();
    seen.sort();
    let count = |name: &str, db: &str| seen.iter().filter(|(n, d)| n == name && d == db).count();
    assert_eq!(count("hello", "admin"), 3, "{seen:?}");
    assert_eq!(count("saslStart", "admin"), 2, "{seen:?}");
    assert_eq!(count("saslContinue", "admin"), 2, "{seen:?}");
    assert_eq!(count("saslStart", "archive"), 1, "{seen:?}");
    assert_eq!(seen.len(), 8, "{seen:?}");
    assert!(v["facts"]["access.databases"].is_null(), "{v}");

    // With --map-access: the same logins, and one listDatabases on admin after the live one.
    commands.lock().unwrap().clear();
    let (report, stderr) = scan(
        dir.path(),
        &["--validate", "--validate-network-hosts", "--map-access"],
    );
    assert_statuses(&report, &stderr, &[(&right, "valid"), (&wrong, "invalid")]);
    let v = validation(&report, &right);
    assert_eq!(v["facts"]["access.databases"], "2: admin, events", "{v}");
    assert!(validation(&report, &wrong)["facts"]["access.databases"].is_null());
    let mut seen = commands.lock().unwrap().clone();
    seen.sort();
    let count = |name: &str, db: &str| seen.iter().filter(|(n, d)| n == name && d == db).count();
    assert_eq!(count("hello", "admin"), 3, "{seen:?}");
    assert_eq!(count("saslStart", "admin"), 2, "{seen:?}");
    assert_eq!(count("saslContinue", "admin"), 2, "{seen:?}");
    assert_eq!(count("saslStart", "archive"), 1, "{seen:?}");
    assert_eq!(count("listDatabases", "admin"), 1, "{seen:?}");
    assert_eq!(seen.len(), 9, "{seen:?}");
}

// ---- Off unless allowed ----

#[test]
fn without_the_flag_nothing_connects_and_the_dry_run_lists_the_logins() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let secrets: Vec<String> = (51..55).map(password).collect();
    let dir = tree();
    write(
        dir.path(),
        "urls.txt",
        format!(
            "postgres://app:{}@127.0.0.1:{port}/app\n\
             mysql://app:{}@127.0.0.1:{port}/app\n\
             redis://:{}@127.0.0.1:{port}\n\
             mongodb://app:{}@127.0.0.1:{port}/app\n",
            secrets[0], secrets[1], secrets[2], secrets[3]
        ),
    );
    let nothing_connected = || {
        assert!(
            matches!(listener.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
            "a check connected without --validate-network-hosts"
        );
    };
    let (report, stderr) = scan(dir.path(), &["--validate"]);
    nothing_connected();
    for secret in &secrets {
        let v = validation(&report, secret);
        assert_eq!(v["status"], "unsupported", "{v}");
        assert!(
            v["reason"]
                .as_str()
                .unwrap()
                .contains("--validate-network-hosts"),
            "{v}"
        );
    }
    assert!(
        stderr.contains("0 valid, 0 invalid, 0 error, 4 unsupported"),
        "{stderr}"
    );

    let (_, stderr) = scan(
        dir.path(),
        &["--validate-dry-run", "--validate-network-hosts"],
    );
    nothing_connected();
    for (rule, kind, secret) in [
        ("database.postgres-uri", "postgres", &secrets[0]),
        ("database.mysql-uri", "mysql", &secrets[1]),
        ("database.redis-uri", "redis", &secrets[2]),
        ("database.mongodb-uri", "mongodb", &secrets[3]),
    ] {
        let line = format!(
            "keysweep: would send live check ({rule}, database): login to 127.0.0.1:{port} ({kind}) for {}",
            &secret[..4]
        );
        assert!(stderr.contains(&line), "{line}\n{stderr}");
        assert!(!stderr.contains(secret.as_str()), "{stderr}");
    }
    assert!(
        stderr.contains("4 requests would be sent; none was"),
        "{stderr}"
    );
    assert!(!stderr.contains("map access"), "{stderr}");

    // With --map-access each login is followed by its listing, in the same connection.
    let (_, stderr) = scan(
        dir.path(),
        &[
            "--validate-dry-run",
            "--validate-network-hosts",
            "--map-access",
        ],
    );
    nothing_connected();
    for (rule, kind, statement, secret) in [
        (
            "database.postgres-uri",
            "postgres",
            "SELECT datname FROM pg_database WHERE datallowconn ORDER BY 1",
            &secrets[0],
        ),
        ("database.mysql-uri", "mysql", "SHOW DATABASES", &secrets[1]),
        ("database.redis-uri", "redis", "INFO keyspace", &secrets[2]),
        (
            "database.mongodb-uri",
            "mongodb",
            "listDatabases (nameOnly, authorizedDatabases) on admin",
            &secrets[3],
        ),
    ] {
        let line = format!(
            "keysweep: would send map access: databases (in the same connection) ({rule}, database): {statement} on 127.0.0.1:{port} ({kind}) for {}",
            &secret[..4]
        );
        assert!(stderr.contains(&line), "{line}\n{stderr}");
    }
    assert!(
        stderr.contains("8 requests would be sent; none was"),
        "{stderr}"
    );
}
