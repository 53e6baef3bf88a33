//! HTML (Outlook out-of-office replies) reduced to plain text with html2text, and the sniff that decides
//! whether a message is HTML at all. The result still goes through the sanitizer.

use std::borrow::Cow;

use html2text::render::{TextDecorator, TrivialDecorator};

/// HTML beyond this many bytes is not parsed (Outlook wraps a two-line reply in kilobytes of markup,
/// but a reply worth reading is far below this).
pub(crate) const MAX_HTML: usize = 64 * 1024;

/// Deepest element nesting passed to html2text: its time grows with the square of the depth (8,000
/// nested lists take a second), while real replies nest a few dozen deep at most.
const MAX_DEPTH: usize = 100;

/// Elements that do not nest: void elements and those whose end tag is optional and usually left out.
const FLAT: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "br", "hr", "img", "meta", "link", "input",
    "col", "area", "base", "wbr", "source", "embed", "param", "track", "o:p",
];

/// Where the element nesting of `html` first goes deeper than `MAX_DEPTH`, estimated in one linear pass
/// (it may overcount, never undercount by much: only the flat elements above are not counted).
fn too_deep_at(html: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(offset) = html.get(at..)?.iter().position(|b| *b == b'<') {
        let start = at + offset;
        let rest = &html[start + 1..];
        if let Some(comment) = rest.strip_prefix(b"!--") {
            let end = comment.windows(3).position(|w| w == b"-->")?;
            at = start + 4 + end + 3;
            continue;
        }
        let (closing, rest) = rest.strip_prefix(b"/").map_or((false, rest), |r| (true, r));
        let name_len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'-'))
            .count();
        at = start + 1;
        if name_len == 0 || !rest[0].is_ascii_alphabetic() {
            continue;
        }
        let name = &rest[..name_len];
        if FLAT.iter().any(|t| t.as_bytes().eq_ignore_ascii_case(name)) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            if depth > MAX_DEPTH {
                return Some(start);
            }
        }
    }
    None
}

/// Lines are not wrapped: the board fits text to its own width.
const WRAP_WIDTH: usize = 10_000;

/// Plain text only: no link brackets or footnotes, no markdown-like emphasis or `#` headings; list items
/// keep a dash so a list still reads as one.
#[derive(Clone, Debug)]
struct Plain(TrivialDecorator);

impl TextDecorator for Plain {
    type Annotation = ();

    fn decorate_link_start(&mut self, url: &str) -> (String, ()) {
        self.0.decorate_link_start(url)
    }
    fn decorate_link_end(&mut self) -> String {
        self.0.decorate_link_end()
    }
    fn decorate_em_start(&self) -> (String, ()) {
        self.0.decorate_em_start()
    }
    fn decorate_em_end(&self) -> String {
        self.0.decorate_em_end()
    }
    fn decorate_strong_start(&self) -> (String, ()) {
        self.0.decorate_strong_start()
    }
    fn decorate_strong_end(&self) -> String {
        self.0.decorate_strong_end()
    }
    fn decorate_strikeout_start(&self) -> (String, ()) {
        self.0.decorate_strikeout_start()
    }
    fn decorate_strikeout_end(&self) -> String {
        self.0.decorate_strikeout_end()
    }
    fn decorate_code_start(&self) -> (String, ()) {
        self.0.decorate_code_start()
    }
    fn decorate_code_end(&self) -> String {
        self.0.decorate_code_end()
    }
    fn decorate_preformat_first(&self) {}
    fn decorate_preformat_cont(&self) {}
    fn decorate_image(&mut self, _src: &str, title: &str) -> (String, ()) {
        (title.to_string(), ())
    }
    fn header_prefix(&self, _level: usize) -> String {
        String::new()
    }
    fn quote_prefix(&self) -> String {
        String::new()
    }
    fn unordered_item_prefix(&self) -> String {
        "- ".to_string()
    }
    fn ordered_item_prefix(&self, i: i64) -> String {
        format!("{i}. ")
    }
    fn make_subblock_decorator(&self) -> Self {
        self.clone()
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Renders HTML as plain text (entities decoded, tags gone, paragraphs as blank lines). Input past
/// `MAX_HTML` bytes or nested deeper than `MAX_DEPTH` is dropped and marked with `…`. `None` when
/// html2text fails.
pub(crate) fn to_text(html: &str) -> Option<String> {
    let mut input = prefix(html, MAX_HTML);
    if let Some(cut) = too_deep_at(input.as_bytes()) {
        // `cut` is at a `<`, so on a character boundary.
        input = input.get(..cut).unwrap_or_default();
    }
    // Control characters written as character references are decoded first, so the escape sequences
    // they spell are removed whole with the raw ones: html2text would decode them and then drop ESC and
    // BEL alone, leaving a payload such as "]0;title" behind as text.
    let decoded = decode_control_references(input);
    let stripped = super::sanitize::strip_sequences(&decoded);
    let mut text = html2text::config::with_decorator(Plain(TrivialDecorator::new()))
        .link_footnotes(false)
        .no_table_borders()
        .allow_width_overflow()
        .string_from_read(stripped.as_bytes(), WRAP_WIDTH)
        .ok()?;
    if input.len() < html.len() {
        text.push('…');
    }
    Some(text)
}

/// `html` with every numeric character reference to a control character (`&#27;`, `&#x1B`, with or
/// without the `;`) replaced by that character; everything else, other references included, as it was.
/// C1 references are controls only where HTML does not read them as windows-1252 (`&#155;` is `›`).
fn decode_control_references(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut at = 0;
    while let Some(offset) = memchr::memmem::find(&bytes[at..], b"&#") {
        let start = at + offset;
        at = start + 2;
        let hex = matches!(bytes.get(at), Some(b'x' | b'X'));
        let digits_at = at + usize::from(hex);
        let radix = if hex { 16 } else { 10 };
        let digits = bytes[digits_at..]
            .iter()
            .take_while(|b| char::from(**b).is_digit(radix))
            .count();
        if digits == 0 {
            continue;
        }
        let mut end = digits_at + digits;
        // Leading zeros are allowed; beyond eight significant digits no value is a control.
        let significant = html[digits_at..end].trim_start_matches('0');
        let value = match significant.len() {
            0 => Some(0),
            1..=8 => u32::from_str_radix(significant, radix).ok(),
            _ => None,
        };
        let Some(c) = value
            .and_then(char::from_u32)
            .filter(|c| is_control_reference(*c))
        else {
            continue;
        };
        if bytes.get(end) == Some(&b';') {
            end += 1;
        }
        out.push_str(&html[copied..start]);
        out.push(c);
        copied = end;
        at = end;
    }
    if copied == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// A character a numeric reference decodes to that is a terminal control: C0 (NUL aside, which HTML
/// turns into U+FFFD), DEL, and the C1 codes windows-1252 leaves unassigned (0x90 DCS and 0x9D OSC among
/// them).
fn is_control_reference(c: char) -> bool {
    matches!(
        c,
        '\u{1}'..='\u{1f}' | '\u{7f}' | '\u{81}' | '\u{8d}' | '\u{8f}' | '\u{90}' | '\u{9d}'
    )
}

/// HTML tag names that mark a message as HTML (plain text that merely has `<` in it must stay text).
const TAGS: &[&str] = &[
    "a",
    "b",
    "i",
    "u",
    "p",
    "br",
    "hr",
    "div",
    "span",
    "font",
    "html",
    "head",
    "body",
    "meta",
    "style",
    "title",
    "table",
    "tbody",
    "tr",
    "td",
    "th",
    "ul",
    "ol",
    "li",
    "em",
    "strong",
    "blockquote",
    "pre",
    "code",
    "center",
    "img",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "o:p",
    "sup",
    "sub",
    "small",
    "big",
    "s",
    "strike",
];

/// Named entities common enough in mail to count as evidence of HTML.
const ENTITIES: &[&str] = &[
    "amp", "lt", "gt", "quot", "apos", "nbsp", "#39", "rsquo", "lsquo", "rdquo", "ldquo",
];

/// At `rest` (just after a `<`): a known tag, opening or closing, followed by `>`, `/` or whitespace;
/// or a comment / doctype.
fn tag_at(rest: &[u8]) -> bool {
    if rest.starts_with(b"!--") || rest.len() >= 8 && rest[..8].eq_ignore_ascii_case(b"!doctype") {
        return true;
    }
    let rest = rest.strip_prefix(b"/").unwrap_or(rest);
    let name_len = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b':')
        .count();
    let (name, after) = rest.split_at(name_len);
    let ends_tag = match after {
        [b'>', ..] | [b'/', b'>', ..] => true,
        // `<b and c>` in plain text is not a tag: after whitespace an attribute (`name=`) or `/>` must follow.
        [b' ' | b'\t' | b'\n' | b'\r', attrs @ ..] => {
            let attrs = attrs.trim_ascii_start();
            let attr_len = attrs
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':'))
                .count();
            attrs.starts_with(b"/>")
                || attr_len > 0 && attrs[attr_len..].trim_ascii_start().starts_with(b"=")
        }
        _ => false,
    };
    ends_tag && TAGS.iter().any(|t| t.as_bytes().eq_ignore_ascii_case(name))
}

/// At `rest` (just after a `&`): a known entity or a numeric character reference, then `;`.
fn entity_at(rest: &[u8]) -> bool {
    let Some(end) = rest.iter().take(10).position(|b| *b == b';') else {
        return false;
    };
    let name = &rest[..end];
    let numeric = name.len() >= 2
        && name[0] == b'#'
        && (name[1..].iter().all(u8::is_ascii_digit)
            || (name[1] | 0x20) == b'x'
                && name.len() > 2
                && name[2..].iter().all(u8::is_ascii_hexdigit));
    numeric
        || ENTITIES
            .iter()
            .any(|e| e.as_bytes().eq_ignore_ascii_case(name))
}

/// Whether a message is HTML: a known tag (`<p>`, `</div>`, `<br/>`, ...), a comment or doctype, or an
/// entity (`&amp;`, `&#8217;`). Only the part that would be parsed is looked at.
pub(crate) fn looks_like_html(s: &str) -> bool {
    let bytes = prefix(s, MAX_HTML).as_bytes();
    bytes.iter().enumerate().any(|(i, b)| match b {
        b'<' => tag_at(&bytes[i + 1..]),
        b'&' => entity_at(&bytes[i + 1..]),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_html_but_not_text_with_angle_brackets() {
        for html in [
            "<p>Away</p>",
            "Back on Monday<br>Thanks",
            "Back <BR/> soon",
            "<html><body>x</body></html>",
            "Tom &amp; Jerry",
            "it&#8217;s",
            "<!DOCTYPE html><p>x",
            "<div class=\"x\">y</div>",
            "a <o:p></o:p>",
            "Back<br />soon",
            "<p style=\"margin:0\">x",
            "<td\n  class=x>",
        ] {
            assert!(looks_like_html(html), "{html}");
        }
        for text in [
            "a < b",
            "a<b and c>d",
            "if a <b then c> d",
            "<b",
            "x <= y",
            "<3 you",
            "AT&T",
            "R&D; meeting",
            "email <jo@contoso.com>",
            "",
            "<",
            "&",
            "&#;",
        ] {
            assert!(!looks_like_html(text), "{text}");
        }
    }

    #[test]
    fn nesting_is_estimated_and_cut() {
        let deep = format!("<p>ok</p>{}x", "<ul><li>".repeat(5000));
        let cut = too_deep_at(deep.as_bytes()).unwrap();
        assert_eq!(cut, "<p>ok</p>".len() + 8 * MAX_DEPTH);
        assert_eq!(
            too_deep_at(format!("{}x", "<div></div>".repeat(5000)).as_bytes()),
            None
        );
        assert_eq!(
            too_deep_at(format!("{}x", "<p><li><td><br>".repeat(5000)).as_bytes()),
            None
        );
        assert_eq!(too_deep_at(b"<!-- <div><div> -->"), None);
        assert_eq!(too_deep_at(b"<div"), None);
        assert!(too_deep_at("<blockquote>".repeat(MAX_DEPTH + 1).as_bytes()).is_some());
        assert_eq!(
            too_deep_at("<blockquote>".repeat(MAX_DEPTH).as_bytes()),
            None
        );
        let text = to_text(&deep).unwrap();
        assert!(text.starts_with("ok\n") && text.ends_with('…'), "{text:?}");
    }

    #[test]
    fn control_references_are_decoded_and_nothing_else() {
        assert_eq!(
            decode_control_references("a&#27;]0;t&#7;b"),
            "a\u{1b}]0;t\u{7}b"
        );
        assert_eq!(
            decode_control_references("&#x1B[2J&#X9d;&#0027&#x0000000000001b;"),
            "\u{1b}[2J\u{9d}\u{1b}\u{1b}"
        );
        for kept in [
            "&#155;",
            "&#8217;",
            "&amp;",
            "&#;",
            "&#x;",
            "&#",
            "a & b",
            "&#0;",
            "&#99999999999999999999;",
        ] {
            assert_eq!(decode_control_references(kept), kept);
        }
    }

    #[test]
    fn prefix_keeps_char_boundaries() {
        assert_eq!(prefix("héllo", 2), "h");
        assert_eq!(prefix("héllo", 3), "hé");
        assert_eq!(prefix("abc", 10), "abc");
    }
}
