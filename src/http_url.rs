//! Where an http(s) URL sends its requests: the one parser behind every check of a URL's host
//! (endpoint overrides, rule request templates, the hosts a sweep's forge token goes to).
//!
//! It is `http::Uri`, the parser that ureq (the validation requests, the forge API) builds its
//! requests with, so a check sees the host the request goes to: no parser differential
//! between a check and the client. On top of it a URL is refused where readers disagree on
//! its host: several `@` (some take the first as the end of the user info, some the last),
//! and a port that is not a number (`http::Uri` would drop it).

use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use http::uri::{Scheme, Uri};

/// An absolute `http://` or `https://` URL (scheme in any case), as parts of the text it was
/// parsed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpUrl<'a> {
    https: bool,
    userinfo: bool,
    host: &'a str,
    host_port: &'a str,
    port: Option<u16>,
    rest: &'a str,
}

impl<'a> HttpUrl<'a> {
    /// `None` unless `url` is an absolute http(s) URL with an unambiguous host.
    pub fn parse(url: &'a str) -> Option<HttpUrl<'a>> {
        let uri = Uri::from_str(url).ok()?;
        let https = match uri.scheme()? {
            s if *s == Scheme::HTTPS => true,
            s if *s == Scheme::HTTP => false,
            _ => return None,
        };
        // `http::Uri` keeps the authority as written, right after the scheme's `://`.
        let after_scheme = &url[url.find("://")? + 3..];
        let (authority, rest) = after_scheme.split_at(uri.authority()?.as_str().len());
        let (host_port, userinfo) = match authority.split_once('@') {
            Some((_, host_port)) if host_port.contains('@') => return None,
            Some((_, host_port)) => (host_port, true),
            None => (authority, false),
        };
        let host = &host_port[..uri.host()?.len()];
        let port = match &host_port[host.len()..] {
            "" => None,
            colon_port => Some(colon_port.strip_prefix(':')?.parse().ok()?),
        };
        (!host.is_empty()).then_some(HttpUrl {
            https,
            userinfo,
            host,
            host_port,
            port,
            rest,
        })
    }

    pub(crate) fn is_https(&self) -> bool {
        self.https
    }

    /// Whether user info (`user[:password]@`) precedes the host.
    pub fn has_userinfo(&self) -> bool {
        self.userinfo
    }

    /// As written: a name (any case, a trailing dot kept), an IPv4 address, or an IPv6
    /// address in brackets.
    pub fn host(&self) -> &'a str {
        self.host
    }

    /// The port written in the URL, if any.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// `host[:port]` as written, without user info.
    pub fn host_port(&self) -> &'a str {
        self.host_port
    }

    /// Everything after the host and port (`/user?x=1`), or `/`.
    pub fn path_and_query(&self) -> &'a str {
        if self.rest.is_empty() { "/" } else { self.rest }
    }

    /// Whether the host is the loopback address 127.0.0.1 or [::1]. Addresses, not names:
    /// `localhost` is whatever name resolution says it is.
    pub fn is_loopback_ip(&self) -> bool {
        match self
            .host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
        {
            Some(v6) => v6.parse::<Ipv6Addr>() == Ok(Ipv6Addr::LOCALHOST),
            None => self.host.parse::<Ipv4Addr>() == Ok(Ipv4Addr::LOCALHOST),
        }
    }
}

/// `text` with every byte but ASCII letters, digits and those in `keep` percent-encoded (`%2F`):
/// a URL path segment keeps `-._~`, a whole path also `/`.
pub fn percent_encode(text: &str, keep: &[u8]) -> String {
    let mut encoded = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host_port(url: &str) -> Option<&str> {
        HttpUrl::parse(url).map(|u| u.host_port())
    }

    #[test]
    fn the_parts_of_a_url() {
        let u = HttpUrl::parse("https://a.example:8443/x/y?q=1#f").unwrap();
        assert!(u.is_https() && !u.has_userinfo());
        assert_eq!(
            (u.host(), u.port(), u.host_port()),
            ("a.example", Some(8443), "a.example:8443")
        );
        assert_eq!(u.path_and_query(), "/x/y?q=1#f");
        assert_eq!(
            HttpUrl::parse("http://a.example?q")
                .unwrap()
                .path_and_query(),
            "?q"
        );
        assert_eq!(
            HttpUrl::parse("http://a.example").unwrap().path_and_query(),
            "/"
        );
    }

    #[test]
    fn only_absolute_http_urls() {
        for url in [
            "git@github.com:acme/api.git",
            "file:///srv/x.git",
            "ftp://127.0.0.1/",
            "/orgs/a/repos",
            "https://",
            "https:///path",
            "a.example:443",
            "",
        ] {
            assert_eq!(HttpUrl::parse(url), None, "{url}");
        }
    }

    #[test]
    fn user_info_is_seen_and_an_ambiguous_one_refused() {
        let u = HttpUrl::parse("https://x:pw@gitlab.example/g/p.git").unwrap();
        assert!(u.has_userinfo());
        assert_eq!(u.host_port(), "gitlab.example");
        // Which `@` ends the user info is where readers differ.
        assert_eq!(host_port("https://a@evil.com@good.com/"), None);
        assert_eq!(host_port("https://good.com@evil.com/"), Some("evil.com"));
        assert_eq!(
            host_port("https://good.com:443@evil.com/"),
            Some("evil.com")
        );
        assert_eq!(host_port("https://x@/"), None);
    }

    #[test]
    fn backslashes_never_end_or_hide_a_host() {
        assert_eq!(host_port("https://good.com\\@evil.com/"), None);
        assert_eq!(host_port("https://evil.com\\good.com/"), None);
        assert_eq!(host_port("http://127.0.0.1\\@evil.com/"), None);
        // In the path it is only a character of the path.
        let u = HttpUrl::parse("https://good.com/a\\b").unwrap();
        assert_eq!((u.host(), u.path_and_query()), ("good.com", "/a\\b"));
    }

    #[test]
    fn ports_must_be_numbers() {
        assert_eq!(host_port("https://a.example:99999/"), None);
        assert_eq!(host_port("https://a.example:8x/"), None);
        assert_eq!(host_port("https://a.example:/"), None);
        assert_eq!(host_port("https://a.example:1:2/"), None);
    }

    #[test]
    fn schemes_in_any_case() {
        assert!(HttpUrl::parse("HTTPS://a.example/").unwrap().is_https());
        assert!(!HttpUrl::parse("Http://a.example/").unwrap().is_https());
        assert_eq!(host_port("HTTPS://A.Example/"), Some("A.Example"));
    }

    #[test]
    fn loopback_addresses_but_no_names() {
        let loopback = |url| HttpUrl::parse(url).is_some_and(|u| u.is_loopback_ip());
        for url in [
            "http://127.0.0.1",
            "http://127.0.0.1:8080/x",
            "http://[::1]:9000",
            "http://[0:0:0:0:0:0:0:1]/",
        ] {
            assert!(loopback(url), "{url}");
        }
        for url in [
            "http://localhost:8080",
            "http://127.0.0.1.evil.example",
            "http://127.0.0.1./",
            "http://127.0.0.2/",
            "http://[127.0.0.1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://0x7f.1/",
            "http://2130706433/",
            "http://127.0.0.1:80@evil.example/",
        ] {
            assert!(!loopback(url), "{url}");
        }
        let v6 = HttpUrl::parse("http://[::1]:9000/a").unwrap();
        assert_eq!((v6.host(), v6.port()), ("[::1]", Some(9000)));
    }

    #[test]
    fn trailing_dots_stay_part_of_the_host() {
        assert_eq!(host_port("https://good.com./x"), Some("good.com."));
    }
}
