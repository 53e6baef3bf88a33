//! Fuzzy matching with a quality floor: a word's letters in order, gaps allowed, but only in one of
//! two shapes a person means when typing a name: a run of at least three letters in a row (all of
//! them when the word is shorter) with the rest in order around it (`ann` in "Johanna", `annlee`), or
//! initials, every run of letters starting a word (`av` for "Adele Vance", `jal` for "José Álvarez").
//! Letters scattered through a long name (`ann` in "hanako yamamoto") are not a match.
//!
//! Both shapes are checked together in one pass over the text, the matched prefixes of the word held
//! as bit sets (bit k: the first k letters are matched), so a field costs a few operations a byte.

/// The longest run a word needs; shorter words need all their letters in a row.
const RUN: u32 = 3;

use super::matcher::Needle;

/// A folded word ready for matching against folded text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// The folded word.
    word: Needle,
    /// Letters in the word (at most `MAX_LEN`).
    len: u32,
    /// `char_mask` of the first letter (0 when it is not ASCII).
    first: u64,
    /// For an ASCII word: per ASCII byte, the bits of the positions holding it.
    ascii: Option<Box<[u64; 128]>>,
    /// For any other word: its characters.
    chars: Box<[char]>,
}

/// Longer words are matched as substrings only (a bit per letter, plus the empty prefix, in a `u64`).
pub const MAX_LEN: usize = 63;

impl Pattern {
    /// `None` for the empty word and for words longer than `MAX_LEN`.
    pub fn new(folded: &str) -> Option<Pattern> {
        let chars: Box<[char]> = folded.chars().collect();
        if chars.is_empty() || chars.len() > MAX_LEN {
            return None;
        }
        let ascii = folded.is_ascii().then(|| {
            let mut table = Box::new([0u64; 128]);
            for (k, b) in folded.bytes().enumerate() {
                table[usize::from(b)] |= 1 << k;
            }
            table
        });
        Some(Pattern {
            first: folded
                .chars()
                .next()
                .filter(char::is_ascii)
                .map_or(0, |c| super::matcher::char_mask(c.encode_utf8(&mut [0; 4]))),
            word: Needle::new(folded),
            len: chars.len() as u32,
            ascii,
            chars,
        })
    }

    /// Whether `text` (folded) holds the word in one of the two shapes. `initials` is a `char_mask`
    /// holding at least the characters that start a word of `text` (all bits: unknown).
    pub fn matches(&self, text: &str, initials: u64) -> bool {
        // Cheap answers first, for the keystrokes nearly everyone types: the word whole in the text
        // is a match (its run is the whole word); a single letter can match no other way, nor can a
        // word of up to three letters whose first letter starts no word (its run would be the whole
        // word); and a word whose letters are not all there in order cannot match at all.
        if self.word.is_in(text) {
            return true;
        }
        let no_initials = self.first != 0 && initials & self.first == 0;
        if self.len == 1
            || (self.len <= RUN && no_initials)
            || !is_subsequence(self.word.as_str().as_bytes(), text.as_bytes())
        {
            return false;
        }
        let mut state = State::new(self.len);
        let mut letter_before = false;
        if let Some(table) = &self.ascii {
            for &b in text.as_bytes() {
                // A byte of a non-ASCII character never equals an ASCII letter, but it is part of a
                // word: the letter after it does not start one.
                let eq = if b.is_ascii() {
                    table[usize::from(b)]
                } else {
                    0
                };
                if state.step(eq, !letter_before) {
                    return true;
                }
                letter_before = !b.is_ascii() || b.is_ascii_alphanumeric();
            }
        } else {
            for c in text.chars() {
                let eq = self
                    .chars
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n == c)
                    .fold(0u64, |m, (k, _)| m | 1 << k);
                if state.step(eq, !letter_before) {
                    return true;
                }
                letter_before = c.is_alphanumeric();
            }
        }
        false
    }
}

/// `needle`'s bytes in order in `haystack`, gaps allowed: true whenever its characters are in order
/// (so it only ever rules out what cannot match).
fn is_subsequence(needle: &[u8], haystack: &[u8]) -> bool {
    let mut rest = haystack;
    for &b in needle {
        match memchr::memchr(b, rest) {
            Some(i) => rest = &rest[i + 1..],
            None => return false,
        }
    }
    true
}

/// The prefixes of the word matched so far, in each shape.
struct State {
    /// Bit of the whole word.
    done: u64,
    /// The run a match needs.
    run: u32,
    /// Matched without a long enough run yet, the last letter anywhere before.
    open: u64,
    /// Of `open`, those whose last letter was the text's previous character, by run length 1 and 2.
    in_run: [u64; 2],
    /// Matched with a long enough run.
    ran: u64,
    /// Matched as initials (every run starting a word), the last letter anywhere before.
    initials: u64,
    /// Of `initials`, those whose last letter was the previous character.
    initials_run: u64,
}

impl State {
    fn new(len: u32) -> Self {
        Self {
            done: 1 << len,
            run: len.min(RUN),
            open: 1,
            in_run: [0; 2],
            ran: 0,
            initials: 1,
            initials_run: 0,
        }
    }

    /// Takes one character of the text: `eq` holds bit k when it is the word's letter k, `word_start`
    /// when it begins a word. Returns whether the whole word is now matched.
    fn step(&mut self, eq: u64, word_start: bool) -> bool {
        let next = |set: u64| (set & eq) << 1;
        let (ran, run1, run2) = match self.run {
            1 => (next(self.open), 0, 0),
            2 => (next(self.in_run[0]), next(self.open), 0),
            _ => (next(self.in_run[1]), next(self.open), next(self.in_run[0])),
        };
        self.ran |= ran | next(self.ran);
        self.in_run = [run1, run2];
        self.open |= run1 | run2;
        let starts = if word_start { self.initials } else { 0 };
        self.initials_run = next(self.initials_run | starts);
        self.initials |= self.initials_run;
        (self.ran | self.initials) & self.done != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(word: &str, text: &str) -> bool {
        Pattern::new(&crate::app::filter::fold(word))
            .unwrap()
            .matches(&crate::app::filter::fold(text), u64::MAX)
    }

    #[test]
    fn a_run_of_three_or_initials() {
        for (word, text) in [
            ("ann", "ann lee"),
            ("ann", "johanna"),
            ("annlee", "ann lee"),
            ("lee", "ann lee"),
            ("anle", "ann lee"),
            ("al", "ann lee"),
            ("av", "adele vance"),
            ("adva", "adele vance"),
            ("jal", "josé álvarez"),
            ("joalv", "josé álvarez"),
            ("wangfang", "wang.fang"),
            ("a", "hanako"),
            ("ko", "hanako"),
            ("ди", "дмитрий иванов"),
            ("ива", "дмитрий иванов"),
            ("王", "王芳"),
            ("王芳", "王芳"),
        ] {
            assert!(m(word, text), "{word:?} in {text:?}");
        }
        for (word, text) in [
            ("ann", "hanako.yamamoto"),
            ("ann", "adele vance"),
            ("bstn", "bob stone"),
            ("aln", "adele vance"),
            ("ko", "kevin nohr"),
            ("вд", "дмитрий иванов"),
            ("王芳", "王x芳"),
            ("annlee", "ann le"),
        ] {
            assert!(!m(word, text), "{word:?} in {text:?}");
        }
        // Initials must each start a word; a run may sit anywhere.
        assert!(m("ko", "kevin oh"));
        assert!(!m("ko", "hkao"));
        assert!(m("王芳", "王 芳"));
    }

    #[test]
    fn the_floor_needs_all_letters_of_short_words_in_a_row() {
        assert!(
            m("an", "hanako"),
            "a run of two is the whole of a two-letter word"
        );
        assert!(!m("hk", "hanako"));
        assert!(m("hk", "hanako kato"));
        assert!(m("hanakoyama", "hanako.yamamoto"));
    }

    #[test]
    fn agrees_with_a_brute_force_search() {
        // Every alignment tried: the shapes above, decided the slow way.
        fn brute(word: &[u8], text: &[u8]) -> bool {
            fn go(word: &[u8], text: &[u8], k: usize, from: usize, picks: &mut Vec<usize>) -> bool {
                if k == word.len() {
                    let mut longest = 0;
                    let mut run = 0;
                    let mut initials = true;
                    for (i, &p) in picks.iter().enumerate() {
                        let continues = i > 0 && picks[i - 1] + 1 == p;
                        run = if continues { run + 1 } else { 1 };
                        longest = longest.max(run);
                        let starts = p == 0 || !text[p - 1].is_ascii_alphanumeric();
                        initials &= continues || starts;
                    }
                    return longest >= word.len().min(3) || initials;
                }
                for p in from..text.len() {
                    if text[p] == word[k] {
                        picks.push(p);
                        if go(word, text, k + 1, p + 1, picks) {
                            return true;
                        }
                        picks.pop();
                    }
                }
                false
            }
            go(word, text, 0, 0, &mut Vec::new())
        }
        let texts = [
            "ab ab", "aab.b", "abcab", "a b c", "ba ab", "abab a", "cab", "b-aa c",
        ];
        let words = [
            "a", "b", "ab", "ba", "aa", "abc", "aab", "abb", "bab", "abab", "acb", "ac",
        ];
        for text in texts {
            for word in words {
                assert_eq!(
                    Pattern::new(word).unwrap().matches(text, u64::MAX),
                    brute(word.as_bytes(), text.as_bytes()),
                    "{word:?} in {text:?}"
                );
            }
        }
    }
}
