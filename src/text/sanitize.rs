//! The one-pass sanitizer: removes whole escape sequences and unsafe characters, folds whitespace, and caps
//! combining marks and length while it scans.
//!
//! Escape sequences are parsed the way a terminal would (ECMA-48 and xterm), so their parameters and
//! payloads go with them: from `ESC ] 52 ; c ; payload BEL` nothing is left. A string sequence (OSC, DCS,
//! SOS, PM, APC, and screen/tmux's `ESC k` title) that never ends swallows the rest of the input: a
//! half-written payload is safer gone than printed.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthChar;

use super::chars::{Class, classify};

/// How much text a form keeps and how it treats line breaks.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Most characters kept, the trailing `…` of cut text included.
    pub max_chars: usize,
    /// Most zero-width characters (combining marks, ZWJ, variation selectors) kept after one base.
    pub max_marks: usize,
    /// Most input bytes read: the rest of a longer input is not looked at (a 1 MB message costs nothing).
    pub max_scan: usize,
    /// Paragraphs kept (newlines) or everything on one line.
    pub multiline: bool,
}

/// Cards, tables, logs: one line of at most 1,024 characters.
pub(crate) const LINE: Limits = Limits {
    max_chars: 1024,
    max_marks: 4,
    max_scan: 64 * 1024,
    multiline: false,
};

/// The detail view: paragraphs, at most 8,192 characters.
pub(crate) const MULTILINE: Limits = Limits {
    max_chars: 8192,
    max_marks: 4,
    max_scan: 512 * 1024,
    multiline: true,
};

/// Where the scanner is inside an escape sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Text,
    /// After ESC.
    Esc,
    /// After ESC and one or more intermediate bytes (0x20–0x2F), e.g. `ESC ( B`, `ESC # 8`.
    EscIntermediate,
    /// Inside a control sequence (CSI): parameters and intermediates up to a final byte 0x40–0x7E.
    Csi,
    /// Inside a string sequence, up to BEL or ST.
    Str,
    /// ESC inside a string: `\` ends it (ST), anything else starts a new sequence.
    StrEsc,
}

/// The sequence a character starts when it is seen as text: ESC and the C1 introducers.
fn introducer(c: char) -> Option<State> {
    match c {
        '\u{1b}' => Some(State::Esc),
        '\u{9b}' => Some(State::Csi),
        // OSC, DCS, APC, PM, SOS.
        '\u{9d}' | '\u{90}' | '\u{9f}' | '\u{9e}' | '\u{98}' => Some(State::Str),
        _ => None,
    }
}

/// CAN and SUB abort any sequence.
fn cancels(c: char) -> bool {
    matches!(c, '\u{18}' | '\u{1a}')
}

struct Scanner {
    limits: Limits,
    state: State,
    out: String,
    out_chars: usize,
    /// Zero-width characters since the last base character.
    marks: usize,
    /// Whitespace seen since the last character kept, written only if more text follows.
    pending_spaces: usize,
    pending_breaks: usize,
    prev_cr: bool,
    /// The length cap was reached: stop scanning.
    full: bool,
    /// Remove escape sequences only: every other character is written as it is, uncounted.
    verbatim: bool,
}

impl Scanner {
    fn new(limits: Limits, input_len: usize) -> Self {
        Self {
            limits,
            state: State::Text,
            out: String::with_capacity(input_len.min(limits.max_chars * 4)),
            out_chars: 0,
            marks: 0,
            pending_spaces: 0,
            pending_breaks: 0,
            prev_cr: false,
            full: false,
            verbatim: false,
        }
    }

    #[inline]
    fn feed(&mut self, c: char) {
        // A character that ends a sequence without being part of it is looked at again as text.
        let again = match self.state {
            State::Text => {
                self.text(c);
                false
            }
            State::Esc => self.after_esc(c),
            State::EscIntermediate => match c {
                ' '..='/' => false,
                '0'..='~' => {
                    self.state = State::Text;
                    false
                }
                _ => self.abort(c),
            },
            State::Csi => match c {
                ' '..='?' => false,
                '@'..='~' => {
                    self.state = State::Text;
                    false
                }
                // Other C0 controls inside CSI are executed by terminals, not printed: drop them.
                _ if c < ' ' && c != '\u{1b}' && !cancels(c) => false,
                _ => self.abort(c),
            },
            State::Str => {
                match c {
                    '\u{7}' | '\u{9c}' => self.state = State::Text,
                    '\u{1b}' => self.state = State::StrEsc,
                    _ if cancels(c) => self.state = State::Text,
                    _ => {}
                }
                false
            }
            State::StrEsc => {
                if c == '\\' {
                    self.state = State::Text;
                    false
                } else {
                    // xterm: ESC inside a string ends it and starts a new sequence.
                    self.state = State::Esc;
                    self.after_esc(c)
                }
            }
        };
        if again {
            self.text(c);
        }
    }

    /// The character after ESC. Returns true when `c` is not part of the sequence and must be read as text.
    fn after_esc(&mut self, c: char) -> bool {
        self.state = match c {
            '[' => State::Csi,
            // OSC, DCS, SOS, PM, APC, and `ESC k` (screen and tmux set the window name with it).
            ']' | 'P' | 'X' | '^' | '_' | 'k' => State::Str,
            ' '..='/' => State::EscIntermediate,
            // Two-character sequences (ESC c resets the terminal, ESC \ is a stray ST, ...).
            '0'..='~' => State::Text,
            _ => return self.abort(c),
        };
        false
    }

    /// A character that cannot continue the current sequence: CAN/SUB end it, ESC and C1 introducers
    /// start a new one, anything else ends it and is read as text. Returns true in that last case.
    fn abort(&mut self, c: char) -> bool {
        if cancels(c) {
            self.state = State::Text;
            false
        } else if let Some(next) = introducer(c) {
            self.state = next;
            false
        } else {
            self.state = State::Text;
            true
        }
    }

    #[inline]
    fn text(&mut self, c: char) {
        if let Some(next) = introducer(c) {
            self.state = next;
            self.prev_cr = false;
            return;
        }
        if self.verbatim {
            self.out.push(c);
            return;
        }
        let cr_lf = self.prev_cr && c == '\n';
        self.prev_cr = c == '\r';
        match classify(c) {
            Class::Keep => self.keep(c),
            Class::Break if self.limits.multiline => {
                if !cr_lf {
                    self.pending_breaks += 1;
                }
                // Trailing spaces of a line go.
                self.pending_spaces = 0;
            }
            Class::Space | Class::Break => self.pending_spaces += 1,
            Class::Drop => {}
        }
    }

    /// Writes pending whitespace (unless at the start), then `c`, within the caps.
    #[inline]
    fn keep(&mut self, c: char) {
        if !self.out.is_empty() && (self.pending_breaks > 0 || self.pending_spaces > 0) {
            let breaks = self.pending_breaks.min(2);
            // One line folds every run of whitespace to one space; paragraphs keep indentation.
            let spaces = if self.limits.multiline {
                self.pending_spaces
            } else {
                self.pending_spaces.min(1)
            };
            for _ in 0..breaks {
                self.push('\n');
            }
            for _ in 0..spaces {
                self.push(' ');
            }
            self.marks = 0;
        }
        self.pending_breaks = 0;
        self.pending_spaces = 0;
        if !c.is_ascii() && c.width() == Some(0) {
            if self.marks >= self.limits.max_marks {
                return;
            }
            self.marks += 1;
        } else {
            self.marks = 0;
        }
        self.push(c);
    }

    #[inline]
    fn push(&mut self, c: char) {
        if self.full {
            return;
        }
        if self.out_chars == self.limits.max_chars {
            self.full = true;
            return;
        }
        self.out.push(c);
        self.out_chars += 1;
    }

    /// Drops whole grapheme clusters from the end until at most `max` characters remain, so a cut never
    /// splits an emoji sequence or a letter from its accents; then trailing whitespace.
    fn shorten_to(&mut self, max: usize) {
        while self.out_chars > max {
            let Some(last) = self.out.graphemes(true).next_back() else {
                break;
            };
            let (len, chars) = (last.len(), last.chars().count());
            self.out.truncate(self.out.len() - len);
            self.out_chars -= chars;
        }
        while self.out.ends_with([' ', '\n']) {
            self.out.pop();
            self.out_chars -= 1;
        }
    }

    fn finish(mut self, unread: bool) -> String {
        if (self.full || unread) && !self.out.is_empty() {
            self.shorten_to(self.limits.max_chars.saturating_sub(1));
            if self.limits.max_chars > 0 {
                self.out.push('…');
            }
        }
        self.out
    }
}

/// Sanitizes `raw` for a terminal within `limits`. Never panics; reads at most `limits.max_scan` bytes
/// (plus the rest of the character there).
pub(crate) fn sanitize(raw: &str, limits: Limits) -> Cow<'_, str> {
    if unchanged(raw, limits) {
        return Cow::Borrowed(raw);
    }
    Cow::Owned(scan(raw, limits))
}

/// Printable ASCII with single spaces between words, shorter than the cap, comes out of `scan` as it
/// went in. Most names, mail addresses and ids are like that, and 10,000 people hold 40,000 of them:
/// they skip the scanner.
fn unchanged(raw: &str, limits: Limits) -> bool {
    let bytes = raw.as_bytes();
    bytes.len() < limits.max_chars
        && bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ')
        && bytes.iter().all(|b| (0x20..=0x7e).contains(b))
        && !bytes.windows(2).any(|pair| pair == b"  ")
}

/// The character-by-character sanitizer behind `sanitize`.
fn scan(raw: &str, limits: Limits) -> String {
    let mut scanner = Scanner::new(limits, raw.len());
    let scan = raw.len().min(limits.max_scan);
    let bytes = raw.as_bytes();
    let mut at = 0;
    while at < scan && !scanner.full {
        // Runs of ASCII whitespace fold to one space on one line: skip them byte by byte (10,000
        // newlines cost next to nothing).
        if !limits.multiline && scanner.state == State::Text {
            let run = bytes[at..scan]
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                .count();
            if run > 0 {
                scanner.pending_spaces += run;
                at += run;
                continue;
            }
        }
        // `at` is always on a character boundary: it moves by whole characters or ASCII bytes.
        let Some(c) = raw.get(at..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        scanner.feed(c);
        at += c.len_utf8();
    }
    let unread = !scanner.full && at < raw.len();
    scanner.finish(unread)
}

/// `raw` without its escape sequences, every other character kept as it is. For HTML, before html2text:
/// it drops ESC and BEL but keeps what was between them, which would print a payload as text.
pub(crate) fn strip_sequences(raw: &str) -> Cow<'_, str> {
    if !raw.chars().any(|c| introducer(c).is_some()) {
        return Cow::Borrowed(raw);
    }
    let mut scanner = Scanner::new(MULTILINE, raw.len());
    scanner.verbatim = true;
    for c in raw.chars() {
        scanner.feed(c);
    }
    Cow::Owned(scanner.out)
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;

    /// Every string the fast path takes comes out of the scanner unchanged too.
    fn check(raw: &str) {
        for limits in [LINE, MULTILINE] {
            if unchanged(raw, limits) {
                assert_eq!(scan(raw, limits), raw, "{raw:?}");
            }
            assert_eq!(sanitize(raw, limits), scan(raw, limits), "{raw:?}");
        }
    }

    #[test]
    fn the_ascii_fast_path_agrees_with_the_scanner() {
        let alphabet = [b'a', b' ', b'~', b'!', b'\t', b'Z'];
        let mut taken = 0;
        for len in 0..=6u32 {
            for n in 0..alphabet.len().pow(len) {
                let mut k = n;
                let raw: String = (0..len)
                    .map(|_| {
                        let c = alphabet[k % alphabet.len()];
                        k /= alphabet.len();
                        char::from(c)
                    })
                    .collect();
                taken += usize::from(unchanged(&raw, LINE));
                check(&raw);
            }
        }
        assert!(
            taken > 1000,
            "the fast path was exercised ({taken} strings)"
        );
        // Around the length cap: the scanner cuts with `…` there, so the fast path must not apply.
        for len in [1022, 1023, 1024, 1025, 8191, 8192, 8193] {
            check(&"x".repeat(len));
        }
        check("Adele Vance");
        check("adele.vance@contoso.com");
    }
}
