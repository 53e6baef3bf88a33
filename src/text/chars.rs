//! Which characters are unsafe on a terminal, and which are line breaks or spaces.
//!
//! Removed, besides C0, DEL and C1:
//! - every Unicode `Cf` (format) character except ZWNJ U+200C and ZWJ U+200D, which emoji and many
//!   scripts need. `Cf` holds the bidi controls (U+061C, U+200E/F, U+202A–202E, U+2066–2069), the zero-width
//!   and invisible operators (U+200B, U+2060–2064), the BOM U+FEFF, U+180E, the tag characters
//!   U+E0001 and U+E0020–E007F, the soft hyphen U+00AD (terminals disagree on its width), the deprecated
//!   shaping controls U+206A–206F, interlinear annotation U+FFF9–FFFB and a few prepended marks that
//!   only make sense in typeset text. None of them is worth a misaligned column or a reordered line;
//! - the rest of Unicode's default-ignorable code points that are not combining marks or variation
//!   selectors: Hangul fillers U+115F, U+1160, U+3164, U+FFA0 (blank glyphs used to make names look
//!   empty), unassigned U+2065 and U+FFF0–FFF8, and U+E0000–E0FFF outside the variation selectors
//!   U+E0100–E01EF (so a future format character there is removed already).
//!
//! Variation selectors (U+FE00–FE0F, U+E0100–E01EF) stay: emoji presentation needs U+FE0F.

/// What the sanitizer does with one character that is not part of an escape sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// Shown as is.
    Keep,
    /// Horizontal whitespace (tab, NBSP, em space, ...): becomes one ASCII space.
    Space,
    /// A line break (LF, CR, VT, FF, NEL, U+2028, U+2029): a newline in multi-line text, a space otherwise.
    Break,
    /// Removed.
    Drop,
}

/// Unicode 16 `General_Category=Format`, from the UCD (DerivedGeneralCategory.txt).
const FORMAT: &[(char, char)] = &[
    ('\u{ad}', '\u{ad}'),
    ('\u{600}', '\u{605}'),
    ('\u{61c}', '\u{61c}'),
    ('\u{6dd}', '\u{6dd}'),
    ('\u{70f}', '\u{70f}'),
    ('\u{890}', '\u{891}'),
    ('\u{8e2}', '\u{8e2}'),
    ('\u{180e}', '\u{180e}'),
    ('\u{200b}', '\u{200f}'),
    ('\u{202a}', '\u{202e}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{2066}', '\u{206f}'),
    ('\u{feff}', '\u{feff}'),
    ('\u{fff9}', '\u{fffb}'),
    ('\u{110bd}', '\u{110bd}'),
    ('\u{110cd}', '\u{110cd}'),
    ('\u{13430}', '\u{1343f}'),
    ('\u{1bca0}', '\u{1bca3}'),
    ('\u{1d173}', '\u{1d17a}'),
    ('\u{e0001}', '\u{e0001}'),
    ('\u{e0020}', '\u{e007f}'),
];

/// True for a `Cf` character (including ZWJ and ZWNJ).
pub(crate) fn is_format(c: char) -> bool {
    let cp = c as u32;
    // Every Cf is at or above U+00AD; most text is below it.
    if cp < 0xAD {
        return false;
    }
    FORMAT
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Default-ignorable code points that are not `Cf`, combining marks or variation selectors.
fn is_invisible_filler(c: char) -> bool {
    matches!(
        c,
        '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}' | '\u{2065}' | '\u{fff0}'..='\u{fff8}'
    ) || (('\u{e0000}'..='\u{e0fff}').contains(&c) && !('\u{e0100}'..='\u{e01ef}').contains(&c))
}

/// True for C0, DEL and C1 (`Cc`).
pub(crate) fn is_control(c: char) -> bool {
    c.is_control()
}

/// Classifies one character outside escape sequences.
#[inline]
pub(crate) fn classify(c: char) -> Class {
    match c {
        ' ' | '\t' => Class::Space,
        // Printable ASCII (the common case, decided without a table), ZWNJ and ZWJ.
        '!'..='~' | '\u{200c}' | '\u{200d}' => Class::Keep,
        '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => Class::Break,
        _ if is_control(c) || is_format(c) || is_invisible_filler(c) => Class::Drop,
        _ if c.is_whitespace() => Class::Space,
        _ => Class::Keep,
    }
}

/// Characters `to_inert_json` writes as `\u` escapes: everything the sanitizer would remove or turn into
/// whitespace other than the space itself, and ZWJ / ZWNJ too (every `Cf`), so the JSON is inert as bytes.
pub(crate) fn needs_json_escape(c: char) -> bool {
    match c {
        ' '..='~' => false,
        _ => {
            is_control(c)
                || is_format(c)
                || is_invisible_filler(c)
                || matches!(c, '\u{2028}' | '\u{2029}')
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_table_is_sorted_and_disjoint() {
        for pair in FORMAT.windows(2) {
            assert!(pair[0].0 <= pair[0].1 && pair[0].1 < pair[1].0, "{pair:?}");
        }
    }

    #[test]
    fn classes() {
        for c in [
            'a',
            'é',
            '中',
            '😀',
            '\u{301}',
            '\u{200d}',
            '\u{200c}',
            '\u{fe0f}',
            '\u{e0100}',
        ] {
            assert_eq!(classify(c), Class::Keep, "{c:?}");
        }
        for c in ['\t', '\u{a0}', '\u{3000}', '\u{2003}', ' '] {
            assert_eq!(classify(c), Class::Space, "{c:?}");
        }
        for c in [
            '\n', '\r', '\u{85}', '\u{2028}', '\u{2029}', '\u{0b}', '\u{0c}',
        ] {
            assert_eq!(classify(c), Class::Break, "{c:?}");
        }
        for c in [
            '\0',
            '\u{1b}',
            '\u{7}',
            '\u{7f}',
            '\u{80}',
            '\u{9b}',
            '\u{9d}',
            '\u{9f}',
            '\u{ad}',
            '\u{61c}',
            '\u{200b}',
            '\u{200e}',
            '\u{200f}',
            '\u{202a}',
            '\u{202e}',
            '\u{2060}',
            '\u{2064}',
            '\u{2066}',
            '\u{2069}',
            '\u{feff}',
            '\u{180e}',
            '\u{e0001}',
            '\u{e0041}',
            '\u{e007f}',
            '\u{3164}',
            '\u{115f}',
            '\u{ffa0}',
            '\u{e0000}',
            '\u{e0fff}',
        ] {
            assert_eq!(classify(c), Class::Drop, "{c:?}");
        }
    }
}
