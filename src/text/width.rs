//! Display width in terminal columns, measured exactly as ratatui places text, and fitting to a width.
//!
//! ratatui 0.30 writes a string cell by cell per grapheme cluster (`Buffer::set_stringn`): a cluster that
//! holds a control character is skipped, the others take `CellWidth::cell_width` columns (unicode-width on
//! the cluster, so emoji ZWJ sequences and flags count 2; zero-width clusters are skipped). Measuring the
//! same way here means a name fitted to 20 columns takes exactly 20 on screen and card borders stay put.

use std::borrow::Cow;

use ratatui::buffer::CellWidth;
use unicode_segmentation::UnicodeSegmentation;

/// Columns one grapheme cluster takes on screen.
fn cluster_width(g: &str) -> usize {
    if g.chars().any(char::is_control) {
        0
    } else {
        usize::from(g.cell_width())
    }
}

/// Display width of `s` in terminal columns, as ratatui lays it out.
pub fn width(s: &str) -> usize {
    s.graphemes(true).map(cluster_width).sum()
}

/// `s` cut to at most `cols` columns at a grapheme boundary, ending in `…` when something was cut.
/// A wide character that would straddle the limit goes whole, so the result may be one column short.
pub fn fit(s: &str, cols: usize) -> Cow<'_, str> {
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

    #[test]
    fn widths() {
        assert_eq!(width(""), 0);
        assert_eq!(width("abc"), 3);
        assert_eq!(width("中文"), 4);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(width("😀"), 2);
        // Family: one ZWJ sequence, two columns.
        assert_eq!(width("👨\u{200d}👩\u{200d}👧\u{200d}👦"), 2);
        // A flag: two regional indicators, one cluster.
        assert_eq!(width("🇫🇷"), 2);
        assert_eq!(width("\u{200b}"), 0);
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
        assert_eq!(
            fit("👨\u{200d}👩\u{200d}👧 family", 3),
            "👨\u{200d}👩\u{200d}👧…"
        );
        assert_eq!(fit("abc", 0), "");
        assert_eq!(fit("", 0), "");
        assert_eq!(fit("ab cd", 4), "ab…");
        for s in [
            "中a中b中c",
            "😀😀x😀",
            "abcdef",
            "🇫🇷🇩🇪🇮🇹",
            "e\u{301}\u{302}xyz",
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
        for s in ["中a中b中c", "😀😀x😀", "abcdef", ""] {
            for cols in 0..12 {
                assert_eq!(width(&pad(s, cols)), cols, "{s} {cols}");
            }
        }
    }
}
