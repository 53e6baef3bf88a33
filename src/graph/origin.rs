//! Where a bearer token may go: the configured Graph origin only, over https (plain http only to this
//! machine). Also the path-segment encoding for ids and UPNs.

use std::fmt::Write as _;

use reqwest::Url;

/// The configured Graph endpoint, validated: `https://host[:port]/path`, or `http://` on loopback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl {
    /// Without a trailing slash, e.g. `https://graph.microsoft.com/v1.0`.
    url: String,
    origin: Origin,
}

/// scheme + host + port: the unit of trust for the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl Origin {
    pub fn of(url: &Url) -> Option<Self> {
        Some(Self {
            scheme: url.scheme().to_ascii_lowercase(),
            host: url.host_str()?.to_ascii_lowercase(),
            port: url.port_or_known_default()?,
        })
    }

    pub fn is_loopback(&self) -> bool {
        is_loopback_host(&self.host)
    }
}

/// `127.0.0.1` (all of 127/8), `::1` and `localhost`.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// Why a URL may not carry the token, or `Ok` when it may: https anywhere, http only on loopback.
pub fn check_scheme(url: &Url) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if url.host_str().is_some_and(is_loopback_host) => Ok(()),
        "http" => Err(format!(
            "plain http to {} (only loopback may use http)",
            url.host_str().unwrap_or("?")
        )),
        other => Err(format!("the {other} scheme")),
    }
}

impl BaseUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let url = Url::parse(raw.trim()).map_err(|e| format!("not a URL ({e})"))?;
        check_scheme(&url)?;
        if url.query().is_some() || url.fragment().is_some() {
            return Err("it has a query or fragment".into());
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("it carries credentials".into());
        }
        let origin = Origin::of(&url).ok_or("it has no host")?;
        let url = url.as_str().trim_end_matches('/').to_owned();
        Ok(Self { url, origin })
    }

    pub fn as_str(&self) -> &str {
        &self.url
    }

    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// `path` starts with `/` and is already encoded (see `segment`).
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Whether an absolute URL Graph handed us (an `@odata.nextLink`) may receive the token.
    pub fn allows(&self, absolute: &str) -> Result<Url, String> {
        let url = Url::parse(absolute).map_err(|_| "a link that is not a URL".to_owned())?;
        check_scheme(&url)?;
        // Credentials in a link are someone's attempt to dress up a host, or to add a second
        // authorization beside the token: never sent.
        if !url.username().is_empty() || url.password().is_some() {
            return Err("a link that carries credentials".into());
        }
        match Origin::of(&url) {
            Some(o) if o == self.origin => Ok(url),
            Some(o) => Err(format!(
                "another origin ({}://{}:{})",
                o.scheme, o.host, o.port
            )),
            None => Err("a link without a host".into()),
        }
    }
}

/// Percent-encodes one path segment (an object id or a UPN): everything but unreserved characters and
/// `@` is escaped, so a guest's `#EXT#` becomes `%23EXT%23` and `/`, `?` or `%` cannot change the path.
pub fn segment(raw: &str) -> String {
    percent_encode(raw, b"-._~@")
}

/// `raw` with every byte but ASCII letters, digits and `keep` percent-encoded.
pub fn percent_encode(raw: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_refused_off_loopback() {
        assert!(BaseUrl::parse("https://graph.microsoft.com/v1.0").is_ok());
        assert!(BaseUrl::parse("http://127.0.0.1:8080/v1.0").is_ok());
        assert!(BaseUrl::parse("http://127.1.2.3/v1.0").is_ok());
        assert!(BaseUrl::parse("http://[::1]:9/v1.0").is_ok());
        assert!(BaseUrl::parse("http://localhost/v1.0/").is_ok());
        for bad in [
            "http://graph.microsoft.com/v1.0",
            "http://10.0.0.1/v1.0",
            "ftp://127.0.0.1/",
            "graph.microsoft.com",
            "https://user:pw@graph.microsoft.com/v1.0",
            "https://graph.microsoft.com/v1.0?x=1",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            BaseUrl::parse("http://localhost/v1.0/")
                .unwrap()
                .join("/me"),
            "http://localhost/v1.0/me"
        );
    }

    #[test]
    fn next_links_must_stay_on_the_origin() {
        let base = BaseUrl::parse("https://graph.microsoft.com/v1.0").unwrap();
        assert!(
            base.allows("https://graph.microsoft.com/v1.0/groups/g/members?$skiptoken=x")
                .is_ok()
        );
        assert!(
            base.allows("https://GRAPH.microsoft.com:443/v1.0/x")
                .is_ok()
        );
        for bad in [
            "https://evil.example/v1.0/groups/g/members",
            "http://graph.microsoft.com/v1.0/x",
            "https://graph.microsoft.com:8443/v1.0/x",
            "https://graph.microsoft.com.evil.example/v1.0/x",
            "/v1.0/relative",
        ] {
            assert!(base.allows(bad).is_err(), "{bad}");
        }
        let local = BaseUrl::parse("http://127.0.0.1:4000/v1.0").unwrap();
        assert!(local.allows("http://127.0.0.1:4000/v1.0/next").is_ok());
        assert!(local.allows("http://127.0.0.1:4001/v1.0/next").is_err());
    }

    #[test]
    fn links_dressed_up_as_the_origin_are_refused() {
        let local = BaseUrl::parse("http://127.0.0.1:4000/v1.0").unwrap();
        for bad in [
            "http://127.0.0.1:4000@evil.example/v1.0/next",
            "http://[::ffff:127.0.0.1]:4000/v1.0/next",
            "http://localhost:4000/v1.0/next",
            "//evil.example/v1.0/next",
            "//127.0.0.1:4000/v1.0/next",
            "https://127.0.0.1:4000/v1.0/next",
            "http://user:pw@127.0.0.1:4000/v1.0/next",
            "http://:pw@127.0.0.1:4000/v1.0/next",
        ] {
            assert!(local.allows(bad).is_err(), "{bad}");
        }
        let graph = BaseUrl::parse("https://graph.microsoft.com/v1.0").unwrap();
        for bad in [
            "https://graph.microsoft.com@evil.example/v1.0/x",
            "https://graph.microsoft.com:443@evil.example/v1.0/x",
            "//graph.microsoft.com/v1.0/x",
            "https://me@graph.microsoft.com/v1.0/x",
        ] {
            assert!(graph.allows(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn segments_are_encoded() {
        assert_eq!(segment("adele@contoso.com"), "adele@contoso.com");
        assert_eq!(
            segment("guest_fabrikam.com#EXT#@contoso.onmicrosoft.com"),
            "guest_fabrikam.com%23EXT%23@contoso.onmicrosoft.com"
        );
        assert_eq!(segment("a/b?c%d e"), "a%2Fb%3Fc%25d%20e");
        assert_eq!(segment("o'brien@x"), "o%27brien@x");
    }
}
