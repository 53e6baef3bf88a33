//! `SafeText`: untrusted strings (names, messages, anything from Graph or the cache) made safe for a terminal.
//!
//! A `SafeText` holds no escape sequence (their payloads go with them), no C0, DEL or C1 control, no
//! bidi, zero-width or other format character except ZWJ and ZWNJ (see `chars.rs` for the full list), at
//! most 4 zero-width characters after a base, and at most 1,024 characters on one line or 8,192 in
//! paragraphs, with `…` where it was cut. Building one reads at most 64 KiB (one line) or 512 KiB
//! (paragraphs) of input in one pass, whatever the input's length. HTML is converted from at most its
//! first 64 KiB and 100 levels of nesting (html2text's time grows with the square of the depth).
//! Convert a message when it arrives or changes, not on every frame: HTML costs tens of microseconds.

mod chars;
pub mod fuzz;
mod html;
mod json;
mod marks;
mod sanitize;
#[cfg(test)]
mod tests;
mod width;
mod wrap;

use std::fmt;
use std::sync::Arc;

use unicode_width::UnicodeWidthChar;

pub use json::{to_inert_json, to_inert_json_pretty};

/// One character of a line being typed, as it may be shown: itself, a space for whitespace and line
/// breaks, or nothing for what the sanitizer removes (controls, bidi and other format characters).
/// For line editors, which show text character by character under a cursor; other text is shown
/// as `SafeText`.
pub fn typed_char(c: char) -> Option<char> {
    match chars::classify(c) {
        chars::Class::Keep => Some(c),
        chars::Class::Space | chars::Class::Break => Some(' '),
        chars::Class::Drop => None,
    }
}
pub use marks::is_spacing_mark;
pub use width::{Unit, fit, for_each_unit, pad, units, width};
pub use wrap::wrap;

/// Most characters in the one-line form (`…` included).
pub const LINE_MAX_CHARS: usize = sanitize::LINE.max_chars;
/// Most characters in the multi-line form (`…` included).
pub const MULTILINE_MAX_CHARS: usize = sanitize::MULTILINE.max_chars;
/// Most zero-width characters (combining marks, ZWJ, variation selectors) kept after one base character.
pub const MAX_MARKS: usize = sanitize::LINE.max_marks;

/// Text that holds no escape sequence, control, bidi or invisible format character, with capped length
/// and combining marks. The only text the board, stderr, `status` and logs accept.
///
/// Shared, not copied: cloning one (the same "In a meeting" on a thousand cards) costs no allocation.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SafeText(Arc<str>);

impl SafeText {
    /// One line: tabs, newlines and other whitespace become single spaces, trimmed (cards, tables, logs).
    pub fn line(raw: &str) -> Self {
        // Unchanged text (most names) is copied once, straight into the shared string.
        Self(Arc::from(&*sanitize::sanitize(raw, sanitize::LINE)))
    }

    /// Paragraphs kept (the detail view): newlines normalised to `\n`, at most one blank line in a row,
    /// trailing spaces trimmed, other whitespace as spaces.
    pub fn multiline(raw: &str) -> Self {
        Self(Arc::from(&*sanitize::sanitize(raw, sanitize::MULTILINE)))
    }

    /// HTML (out-of-office replies) reduced to text, one line: entities decoded, tags gone.
    pub fn html_line(raw: &str) -> Self {
        Self::line(&html::to_text(raw).unwrap_or_else(|| raw.to_owned()))
    }

    /// HTML reduced to text with paragraphs kept.
    pub fn html_multiline(raw: &str) -> Self {
        Self::multiline(&html::to_text(raw).unwrap_or_else(|| raw.to_owned()))
    }

    /// A message that may be HTML or plain text (out-of-office replies carry no content type), one line.
    /// HTML when it has a known tag (`<p>`, `</div>`, `<br>`), a comment, a doctype or an entity
    /// (`&amp;`, `&#8217;`); plain text otherwise, so `a < b` stays as written.
    pub fn message_line(raw: &str) -> Self {
        if html::looks_like_html(raw) {
            Self::html_line(raw)
        } else {
            Self::line(raw)
        }
    }

    /// Like [`SafeText::message_line`], with paragraphs kept.
    pub fn message_multiline(raw: &str) -> Self {
        if html::looks_like_html(raw) {
            Self::html_multiline(raw)
        } else {
            Self::multiline(raw)
        }
    }

    /// An `itemBody` (status messages): `contentType` `html` or `text` decides; without one, sniffed.
    pub fn body_line(content: &str, content_type: Option<&str>) -> Self {
        match content_type {
            Some(t) if t.eq_ignore_ascii_case("html") => Self::html_line(content),
            Some(t) if t.eq_ignore_ascii_case("text") => Self::line(content),
            _ => Self::message_line(content),
        }
    }

    /// Like [`SafeText::body_line`], with paragraphs kept.
    pub fn body_multiline(content: &str, content_type: Option<&str>) -> Self {
        match content_type {
            Some(t) if t.eq_ignore_ascii_case("html") => Self::html_multiline(content),
            Some(t) if t.eq_ignore_ascii_case("text") => Self::multiline(content),
            _ => Self::message_multiline(content),
        }
    }

    /// A person's name, one line: the display name, or when that is missing or shows nothing (empty,
    /// only spaces or invisible characters), the mail address, then the UPN, then `fallback` (e.g. the id).
    pub fn name(
        display_name: Option<&str>,
        mail: Option<&str>,
        upn: Option<&str>,
        fallback: &str,
    ) -> Self {
        [display_name, mail, upn]
            .into_iter()
            .flatten()
            .map(Self::line)
            .find(Self::is_visible)
            .unwrap_or_else(|| Self::line(fallback))
    }

    /// True when the text shows at least one character: something other than spaces, zero-width
    /// characters and the blank braille pattern U+2800.
    pub fn is_visible(&self) -> bool {
        self.0
            .chars()
            .any(|c| !c.is_whitespace() && c != '\u{2800}' && c.width().unwrap_or(0) > 0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Display width in terminal columns, as the board draws it.
    pub fn width(&self) -> usize {
        width(&self.0)
    }
}

impl AsRef<str> for SafeText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SafeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SafeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

/// `s` with every `#` doubled, for tmux's status line (`#` starts a format there). Give it safe text.
pub fn tmux_escape(s: &str) -> String {
    s.replace('#', "##")
}
