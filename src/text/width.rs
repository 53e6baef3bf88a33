//! Display width in terminal columns, measured the way terminals (and tmux) place text, and fitting to
//! a width.
//!
//! ratatui measures a grapheme cluster with unicode-width and puts it in one cell; most terminals, tmux
//! among them, measure code point by code point with wcwidth and give each spacing character a cell of
//! its own. The two disagree on vowel signs (Tamil கா: 1 for unicode-width, 2 in tmux), flags (one
//! two-column cell, or two one-column cells), emoji with skin tones or joiners (2, or 4, or 6) and
//! presentation selectors (☀️: 2, or 1). Measured too narrow, a line overflows and card borders move;
//! put in fewer cells than the terminal uses, a mark survives in a cell ratatui never rewrites.
//!
//! So text is drawn as [`Unit`]s, each starting in a cell of its own:
//! - emoji are drawn in the form every terminal agrees on: a flag as its two letters (🇯🇵 → `JP`), no
//!   skin-tone modifier, no presentation selector, a joined sequence as its parts side by side;
//! - a unit takes the larger of unicode-width's width and the sum of its code points' widths, a spacing
//!   mark (general category Mc) counting at least one: where terminals disagree, the text is cut
//!   earlier and never overflows;
//! - a unit terminals may spread over several cells of their own (a base and spacing marks, a
//!   conjunct) is marked `split`: the painter reserves all its cells and rewrites them with it.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::marks::is_spacing_mark;

/// A piece of text that starts in a cell of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit<'a> {
    pub text: Cow<'a, str>,
    /// Columns it is given: the most a terminal may fill with it.
    pub width: u16,
    /// The terminal may place it in more than one cell of its own, or in fewer columns than
    /// `width`: every cell it covers must be reserved and rewritten with it.
    pub split: bool,
}

const VS15: char = '\u{FE0E}';
const VS16: char = '\u{FE0F}';
const ZWJ: char = '\u{200D}';

fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

fn is_skin_tone(c: char) -> bool {
    ('\u{1F3FB}'..='\u{1F3FF}').contains(&c)
}

/// Pictographs a zero-width joiner glues into one emoji (the blocks of `Extended_Pictographic`).
fn is_pictographic(c: char) -> bool {
    matches!(c,
        '\u{A9}' | '\u{AE}' | '\u{203C}' | '\u{2049}' | '\u{2100}'..='\u{2BFF}' | '\u{3030}'
        | '\u{303D}' | '\u{3297}' | '\u{3299}' | '\u{1F000}'..='\u{1FAFF}' | '\u{1FC00}'..='\u{1FFFD}')
}

/// Columns one code point takes where terminals measure with wcwidth; a spacing mark counts one even
/// where unicode-width counts it as part of its base.
fn char_width(c: char) -> u16 {
    match c.width() {
        Some(0) | None if is_spacing_mark(c) => 1,
        Some(w) => w as u16,
        None => 0,
    }
}

/// The unit for `text`, which holds no character that `needs_rewrite` would change; `None` when it
/// shows nothing.
fn measure(text: Cow<'_, str>) -> Option<Unit<'_>> {
    let (mut sum, mut spacing) = (0u16, 0u16);
    for c in text.chars() {
        if c.is_control() {
            // ratatui drops such a cluster; so does the board.
            return None;
        }
        let w = char_width(c);
        sum = sum.saturating_add(w);
        spacing += u16::from(w > 0);
    }
    let cluster = if text.len() == 1 {
        1
    } else {
        text.width() as u16
    };
    let width = sum.max(cluster);
    (width > 0).then_some(Unit {
        split: spacing > 1 || width != cluster,
        width,
        text,
    })
}

/// Whether a cluster holds something terminals draw differently (emoji forms) or a base with nothing
/// to show on it (marks on a space).
fn needs_rewrite(g: &str) -> bool {
    g.chars()
        .any(|c| matches!(c, VS15 | VS16 | ZWJ) || is_regional_indicator(c) || is_skin_tone(c))
        || g.starts_with(char::is_whitespace)
}

/// A cluster in the form every terminal draws alike, as one or more units.
fn rewrite(g: &str, out: &mut Vec<Unit<'static>>) {
    if let Some(space) = g.chars().next().filter(|c| c.is_whitespace()) {
        // Marks on a space belong to nothing; the terminal would put them on the space.
        out.extend(measure(Cow::Owned(space.to_string())));
        return;
    }
    let mut part = String::new();
    let mut last: Option<char> = None;
    let flush = |part: &mut String, out: &mut Vec<Unit<'static>>| {
        if !part.is_empty() {
            out.extend(measure(Cow::Owned(std::mem::take(part))));
        }
    };
    for c in g.chars() {
        match c {
            VS15 | VS16 => {}
            c if is_regional_indicator(c) => {
                flush(&mut part, out);
                let letter = char::from(b'A' + (u32::from(c) - 0x1F1E6) as u8);
                out.extend(measure(Cow::Owned(letter.to_string())));
                last = None;
            }
            c if is_skin_tone(c) && !part.is_empty() => {}
            ZWJ if last.is_some_and(is_pictographic) => {
                flush(&mut part, out);
                last = None;
            }
            c => {
                part.push(c);
                last = Some(c);
            }
        }
    }
    flush(&mut part, out);
}

/// The units of one grapheme cluster, handed to `f` in order.
fn cluster_units<'a>(g: &'a str, f: &mut impl FnMut(Unit<'a>) -> bool) -> bool {
    if g.len() == 1 {
        let b = g.as_bytes()[0];
        if b.is_ascii_control() {
            return true;
        }
        return f(Unit {
            text: Cow::Borrowed(g),
            width: 1,
            split: false,
        });
    }
    if needs_rewrite(g) {
        let mut units = Vec::new();
        rewrite(g, &mut units);
        for unit in units {
            if !f(unit) {
                return false;
            }
        }
        return true;
    }
    match measure(Cow::Borrowed(g)) {
        Some(unit) => f(unit),
        None => true,
    }
}

/// Calls `f` with each unit of `s`, left to right, until it returns false.
pub fn for_each_unit<'a>(s: &'a str, mut f: impl FnMut(Unit<'a>) -> bool) {
    // Printable ASCII breaks between every two characters, each one column wide: the segmenter
    // would find exactly that, and asking it was a sixth of drawing a frame.
    if is_plain_ascii(s) {
        for at in 0..s.len() {
            let unit = Unit {
                text: Cow::Borrowed(&s[at..=at]),
                width: 1,
                split: false,
            };
            if !f(unit) {
                return;
            }
        }
        return;
    }
    for g in s.graphemes(true) {
        if !cluster_units(g, &mut f) {
            return;
        }
    }
}

/// The units of `s`, in the form they are drawn.
pub fn units(s: &str) -> Vec<Unit<'_>> {
    let mut out = Vec::new();
    for_each_unit(s, |u| {
        out.push(u);
        true
    });
    out
}

fn is_plain_ascii(s: &str) -> bool {
    s.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// Columns a grapheme cluster is given on screen (the sum of its units).
fn cluster_width(g: &str) -> usize {
    let mut w = 0;
    cluster_units(g, &mut |u| {
        w += usize::from(u.width);
        true
    });
    w
}

/// Display width of `s` in terminal columns, as the board draws it.
pub fn width(s: &str) -> usize {
    if is_plain_ascii(s) {
        return s.len();
    }
    s.graphemes(true).map(cluster_width).sum()
}

/// `s` cut to at most `cols` columns at a grapheme boundary, ending in `…` when something was cut.
/// A wide character that would straddle the limit goes whole, so the result may be one column short.
pub fn fit(s: &str, cols: usize) -> Cow<'_, str> {
    if is_plain_ascii(s) && s.len() <= cols {
        return Cow::Borrowed(s);
    }
    let mut used = 0;
    // End of the longest prefix that leaves a column for the ellipsis.
    let mut room_end = 0;
    for (at, g) in s.grapheme_indices(true) {
        let w = cluster_width(g);
        if used + w > cols {
            if cols == 0 {
                return Cow::Borrowed("");
            }
            let mut cut = String::with_capacity(room_end + '…'.len_utf8());
            cut.push_str(s[..room_end].trim_end());
            cut.push('…');
            return Cow::Owned(cut);
        }
        used += w;
        if used < cols {
            room_end = at + g.len();
        }
    }
    Cow::Borrowed(s)
}

/// `s` fitted to `cols` columns and padded with spaces to exactly `cols` (for aligned columns).
pub fn pad(s: &str, cols: usize) -> Cow<'_, str> {
    let fitted = fit(s, cols);
    let w = width(&fitted);
    if w >= cols {
        return fitted;
    }
    let mut padded = fitted.into_owned();
    padded.extend(std::iter::repeat_n(' ', cols - w));
    Cow::Owned(padded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(s: &str) -> Vec<(String, u16, bool)> {
        units(s)
            .into_iter()
            .map(|u| (u.text.into_owned(), u.width, u.split))
            .collect()
    }

    #[test]
    fn printable_ascii_is_split_as_the_segmenter_splits_it() {
        let every: String = (0x20u8..0x7f).map(char::from).collect();
        for s in [every.as_str(), "Ada Lovelace", "", " ", "a.b@c-d_e", "x  y"] {
            let mut segmented = Vec::new();
            for g in s.graphemes(true) {
                cluster_units(g, &mut |u| {
                    segmented.push(u);
                    true
                });
            }
            assert_eq!(units(s), segmented, "{s:?}");
        }
        let mut first_two = Vec::new();
        for_each_unit("abc", |u| {
            first_two.push(u.text);
            first_two.len() < 2
        });
        assert_eq!(first_two, ["a", "b"], "stops when told");
    }

    #[test]
    fn widths() {
        assert_eq!(width(""), 0);
        assert_eq!(width("abc"), 3);
        assert_eq!(width("中文"), 4);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(width("😀"), 2);
        // A flag is drawn as its two letters.
        assert_eq!(width("🇫🇷"), 2);
        assert_eq!(width("\u{200b}"), 0);
        // Joined emoji are drawn side by side: the width every terminal agrees on.
        assert_eq!(width("👨\u{200d}👩\u{200d}👧\u{200d}👦"), 8);
        // Skin tones and presentation selectors are left out.
        assert_eq!(width("👍🏽"), 2);
        assert_eq!(width("☀\u{fe0f}"), 1);
    }

    #[test]
    fn indic_and_thai_clusters_take_every_column_a_terminal_may_give_them() {
        // Devanagari: a vowel sign is a spacing mark with a cell of its own in tmux.
        assert_eq!(width("दीपिका"), 6);
        assert_eq!(width("यात्रा पर हूँ"), 10);
        // Tamil and Bengali vowel signs unicode-width counts as zero; wcwidth as one.
        assert_eq!(width("கா"), 2);
        assert_eq!(width("ভা"), 2);
        // Thai: a tone mark sits on its base; SARA AM takes a column.
        assert_eq!(width("ก้"), 1);
        assert_eq!(width("น้ำ"), 2);
        // Arabic lam-alef: one column for unicode-width, two where each letter is measured.
        assert_eq!(width("لا"), 2);
        assert_eq!(
            shown("दी"),
            [("दी".to_owned(), 2, true)],
            "one unit, reserved whole"
        );
        assert_eq!(
            shown("कि a"),
            [
                ("कि".to_owned(), 2, true),
                (" ".to_owned(), 1, false),
                ("a".to_owned(), 1, false)
            ]
        );
        assert_eq!(
            shown("中"),
            [("中".to_owned(), 2, false)],
            "a wide character is one cell"
        );
        assert_eq!(shown("e\u{301}"), [("e\u{301}".to_owned(), 1, false)]);
    }

    #[test]
    fn emoji_are_drawn_in_the_form_terminals_agree_on() {
        assert_eq!(
            shown("🇯🇵"),
            [("J".to_owned(), 1, false), ("P".to_owned(), 1, false)]
        );
        assert_eq!(shown("👍🏽"), [("👍".to_owned(), 2, false)]);
        assert_eq!(shown("☀\u{fe0f}"), [("☀".to_owned(), 1, false)]);
        assert_eq!(
            shown("👨\u{200d}💻"),
            [("👨".to_owned(), 2, false), ("💻".to_owned(), 2, false)]
        );
        // A joiner between letters (Indic half forms) stays.
        assert_eq!(width("क\u{94d}\u{200d}ष"), 2);
        // Marks on a space belong to nothing.
        assert_eq!(shown(" \u{301}"), [(" ".to_owned(), 1, false)]);
        for s in ["🇯🇵", "👍🏽", "☀\u{fe0f}", "👩\u{200d}🚀", "1\u{fe0f}\u{20e3}"] {
            for u in units(s) {
                assert!(
                    !u.text.chars().any(|c| is_regional_indicator(c)
                        || is_skin_tone(c)
                        || matches!(c, VS15 | VS16 | ZWJ)),
                    "{s:?} drawn as {u:?}"
                );
            }
        }
    }

    #[test]
    fn fit_cuts_at_clusters_and_never_overflows() {
        assert_eq!(fit("hello", 5), "hello");
        assert!(matches!(fit("hello", 5), Cow::Borrowed(_)));
        assert_eq!(fit("hello world", 5), "hell…");
        assert_eq!(fit("ab中", 3), "ab…");
        assert_eq!(fit("a中b", 3), "a…");
        assert_eq!(fit("中中中", 4), "中…");
        assert_eq!(fit("中中中", 5), "中中…");
        assert_eq!(fit("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
        assert_eq!(fit("👨\u{200d}👩\u{200d}👧 family", 5), "…");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(fit("", 0), "");
        assert_eq!(fit("ab cd", 4), "ab…");
        assert_eq!(fit("கா கா", 4), "கா…");
        for s in [
            "中a中b中c",
            "😀😀x😀",
            "abcdef",
            "🇫🇷🇩🇪🇮🇹",
            "e\u{301}\u{302}xyz",
            "दीपिका पटेल",
            "น้ำตก สวย",
        ] {
            for cols in 0..12 {
                let f = fit(s, cols);
                assert!(width(&f) <= cols, "{s} {cols} {f}");
            }
        }
    }

    #[test]
    fn pad_fills_to_exact_width() {
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("a中b", 3), "a… ");
        assert_eq!(pad("中", 2), "中");
        for s in ["中a中b中c", "😀😀x😀", "abcdef", "", "ภาษาไทย"] {
            for cols in 0..12 {
                assert_eq!(width(&pad(s, cols)), cols, "{s} {cols}");
            }
        }
    }
}
