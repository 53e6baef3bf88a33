//! Word wrapping by display width, so long messages, wide characters and emoji stay inside the popup.

use unicode_segmentation::UnicodeSegmentation;

use crate::text::width;

/// `text` wrapped to `cols` columns: paragraphs (`\n`) kept, blank lines kept, words moved whole to the
/// next line, a word wider than the line cut between graphemes. Nothing is returned for zero columns.
pub fn wrap(text: &str, cols: usize) -> Vec<String> {
    let mut out = Vec::new();
    if cols == 0 {
        return out;
    }
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let w = width(word);
            if used > 0 && used + 1 + w <= cols {
                line.push(' ');
                line.push_str(word);
                used += 1 + w;
                continue;
            }
            if used > 0 {
                out.push(std::mem::take(&mut line));
                used = 0;
            }
            if w <= cols {
                line.push_str(word);
                used = w;
                continue;
            }
            // Longer than a whole line: cut between graphemes, at least one per line.
            for g in word.graphemes(true) {
                let gw = width(g);
                if used > 0 && used + gw > cols {
                    out.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push_str(g);
                used += gw;
            }
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_by_width_and_keeps_paragraphs() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("a\n\nb", 10), ["a", "", "b"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("x abcdefghij", 4), ["x", "abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 5), [""]);
        assert!(wrap("anything", 0).is_empty());
        // Wide characters count two columns and are never split.
        assert_eq!(wrap("日本語テキスト", 5), ["日本", "語テ", "キス", "ト"]);
        for line in wrap("Zoë 🇬🇧 e\u{301}e\u{301} 王芳王芳王芳 café", 6) {
            assert!(width(&line) <= 6, "{line:?}");
        }
        // A grapheme wider than the line still goes somewhere, one per line.
        assert_eq!(wrap("日本", 1), ["日", "本"]);
    }
}
