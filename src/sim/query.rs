//! URL query strings and urlencoded forms, parsed without rejections: a bad parameter becomes the
//! service's own error body, never axum's plain-text one.

use std::fmt::Write as _;

/// Decodes `%XX` escapes (and `+` as space when `plus` is set); invalid escapes stay as written.
pub(crate) fn percent_decode(s: &str, plus: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    out.push(b);
                    i += 3;
                } else {
                    out.push(b'%');
                    i += 1;
                }
            }
            b'+' if plus => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes everything but RFC 3986's unreserved characters: a query value or form field.
pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// `a=1&b=2` into decoded pairs, in order.
pub(crate) fn pairs(s: &str, plus: bool) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k, plus), percent_decode(v, plus))
        })
        .collect()
}

/// The first value of `key` (`OData` system options compare case-insensitively).
pub(crate) fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_queries_and_forms() {
        assert_eq!(percent_decode("a%23EXT%23b", false), "a#EXT#b");
        assert_eq!(percent_decode("a+b%2", true), "a b%2");
        assert_eq!(percent_decode("%zz%", false), "%zz%");
        let p = pairs("%24select=id,displayName&%24top=5&x", false);
        assert_eq!(get(&p, "$select"), Some("id,displayName"));
        assert_eq!(get(&p, "$TOP"), Some("5"));
        assert_eq!(get(&p, "x"), Some(""));
        let text = "AADSTS65001: a b\r\n/?&=é";
        assert_eq!(percent_decode(&percent_encode(text), false), text);
        assert_eq!(percent_encode("a b&c"), "a%20b%26c");
    }
}
