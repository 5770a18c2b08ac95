//! Where a connection URI logs in, read from the line its password was found on: the rules
//! capture only the password, so the URI is the one on that line whose password is, as
//! written, the finding's secret. User, password, database and options are percent-decoded;
//! of several hosts (`h1:27017,h2:27017`) the first is used.

/// What one login needs from a URI (its `Debug` leaves the password out).
pub(crate) struct Target {
    /// Lowercase, with any `+driver` (`postgresql+psycopg2`, `mongodb+srv`).
    pub scheme: String,
    pub user: String,
    pub password: Vec<u8>,
    /// A name or an IP address, without an IPv6 address's brackets.
    pub host: String,
    pub port: u16,
    /// The path's first segment, if any.
    pub database: Option<String>,
    /// The query's `name=value` pairs.
    options: Vec<(String, String)>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("scheme", &self.scheme)
            .field("user", &self.user)
            .field("address", &self.address())
            .field("database", &self.database)
            .finish_non_exhaustive()
    }
}

impl Target {
    /// `host:port`, an IPv6 address in brackets.
    pub fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The value of the query option `name` (case-insensitive, as drivers read them).
    pub fn option(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Characters that end a URI on a line of code or configuration.
fn ends_uri(c: char) -> bool {
    c.is_whitespace() || "\"'`<>".contains(c)
}

/// The URI on `line`, of one of `schemes` (compared before any `+driver`), whose password is
/// `secret` as written; `default_port` when it names none.
pub(crate) fn find(
    line: &str,
    secret: &str,
    schemes: &[&str],
    default_port: u16,
) -> Option<Target> {
    line.match_indices("://").find_map(|(at, _)| {
        let scheme_start = line[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || "+.-".contains(c)))
            .map_or(0, |i| i + 1);
        let scheme = line[scheme_start..at].to_ascii_lowercase();
        let base = scheme.split('+').next().unwrap_or_default();
        if !schemes.contains(&base) {
            return None;
        }
        parse(scheme.clone(), &line[at + 3..], secret, default_port)
    })
}

/// Reads `user:SECRET@host[:port][,more hosts][/database][?options]` from `rest`.
fn parse(scheme: String, rest: &str, secret: &str, default_port: u16) -> Option<Target> {
    let colon = rest.find(':')?;
    let user = &rest[..colon];
    if user.contains(|c: char| c == '@' || c == '/' || ends_uri(c)) {
        return None;
    }
    let rest = rest[colon + 1..].strip_prefix(secret)?.strip_prefix('@')?;
    let (host, rest) = if let Some(bracketed) = rest.strip_prefix('[') {
        let end = bracketed.find(']')?;
        let host = &bracketed[..end];
        if !host
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return None;
        }
        (host, &bracketed[end + 1..])
    } else {
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || "._-".contains(c)))
            .unwrap_or(rest.len());
        (&rest[..end], &rest[end..])
    };
    if host.is_empty() {
        return None;
    }
    let (port, rest) = match rest.strip_prefix(':') {
        Some(after) => {
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            let port: u16 = after[..digits].parse().ok().filter(|p| *p != 0)?;
            (port, &after[digits..])
        }
        None => (default_port, rest),
    };
    // Other hosts of the list, then the path and query up to the end of the URI.
    let rest = &rest[rest
        .find(|c: char| c == '/' || c == '?' || ends_uri(c))
        .unwrap_or(rest.len())..];
    let rest = &rest[..rest
        .find(|c: char| c == '#' || ends_uri(c))
        .unwrap_or(rest.len())];
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let database = path
        .strip_prefix('/')
        .map(|p| p.split('/').next().unwrap_or_default())
        .filter(|p| !p.is_empty())
        .map(decode_text);
    let options = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (decode_text(name), decode_text(value)))
        .collect();
    Some(Target {
        scheme,
        user: decode_text(user),
        password: decode(secret),
        host: host.to_string(),
        port,
        database,
        options,
    })
}

/// Percent-decoding; a `%` not followed by two hex digits stands for itself.
fn decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

fn decode_text(text: &str) -> String {
    String::from_utf8_lossy(&decode(text)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PG: &[&str] = &["postgres", "postgresql"];

    #[test]
    fn the_uri_whose_password_is_the_secret_is_read_from_the_line() {
        let t = find(
            "DATABASE_URL=postgres://app_rw:.~2dsed7a-ucqZ*BJEz9@db.internal.acme.io:5433/orders?sslmode=prefer&application_name=x",
            ".~2dsed7a-ucqZ*BJEz9",
            PG,
            5432,
        )
        .unwrap();
        assert_eq!(t.scheme, "postgres");
        assert_eq!(t.user, "app_rw");
        assert_eq!(t.password, b".~2dsed7a-ucqZ*BJEz9");
        assert_eq!(t.address(), "db.internal.acme.io:5433");
        assert_eq!(t.database.as_deref(), Some("orders"));
        assert_eq!(t.option("SSLMODE"), Some("prefer"));

        // A driver suffix, no port, percent-encoded user and password, quotes around the URI.
        let t = find(
            r#"engine = create_engine("postgresql+psycopg2://ana%40acme:p%40ss%2Fw0rd%zz@10.20.0.15/warehouse")"#,
            "p%40ss%2Fw0rd%zz",
            PG,
            5432,
        )
        .unwrap();
        assert_eq!(
            (t.scheme.as_str(), t.user.as_str()),
            ("postgresql+psycopg2", "ana@acme")
        );
        assert_eq!(t.password, b"p@ss/w0rd%zz");
        assert_eq!(t.address(), "10.20.0.15:5432");
        assert_eq!(t.database.as_deref(), Some("warehouse"));
    }

    #[test]
    fn hosts_lists_ipv6_and_two_uris_on_one_line() {
        let mongo = &["mongodb"];
        let t = find(
            "mongodb://ingest:~Qez8u-wl@mongo-0.mongo:27018,mongo-1.mongo:27017/events?replicaSet=rs0&authSource=admin",
            "~Qez8u-wl",
            mongo,
            27017,
        )
        .unwrap();
        assert_eq!(t.address(), "mongo-0.mongo:27018");
        assert_eq!(t.database.as_deref(), Some("events"));
        assert_eq!(t.option("authsource"), Some("admin"));
        let t = find(
            "redis://:pw-one-1@[::1]:6380/0",
            "pw-one-1",
            &["redis"],
            6379,
        )
        .unwrap();
        assert_eq!(
            (t.user.as_str(), t.address()),
            ("", "[::1]:6380".to_string())
        );
        // The second URI holds the secret; the first is another scheme's.
        let line = "a=mysql://u:other-1@h1/x b=postgres://v:pw-two-2@h2 c";
        let t = find(line, "pw-two-2", PG, 5432).unwrap();
        assert_eq!(
            (t.user.as_str(), t.host.as_str(), t.database),
            ("v", "h2", None)
        );
        assert!(find(line, "other-1", PG, 5432).is_none());
        // A port that is no port, a host that is none, a password only shown elsewhere.
        assert!(find("postgres://u:pw-1234@h:99999/x", "pw-1234", PG, 5432).is_none());
        assert!(find("postgres://u:pw-1234@%2Frun/x", "pw-1234", PG, 5432).is_none());
        assert!(find("PGPASSWORD=pw-1234", "pw-1234", PG, 5432).is_none());
    }
}
