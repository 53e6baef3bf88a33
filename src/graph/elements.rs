//! Splits an answer's `value` list into its elements without needing them to be valid JSON: a byte
//! scanner that knows strings, escapes and bracket depth and nothing else, so one element's bad escape,
//! lone surrogate, invalid UTF-8 or absurd nesting costs only that element, parsed on its own later.
//! Depth is a counter, not a stack: 100,000 nested brackets cost one pass over them and no memory.

use std::ops::Range;

/// An element deeper than this is not a presence (they nest four levels); it is not parsed at all.
pub const MAX_DEPTH: u32 = 64;

/// One element of the list, as sent (surrounding whitespace trimmed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Element<'a> {
    pub bytes: &'a [u8],
    /// Nested deeper than `MAX_DEPTH`.
    pub too_deep: bool,
    /// Its place in the list, from 0.
    pub index: usize,
}

/// What the body's top level turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub enum Split<'a> {
    /// An object whose `value` is a list: its elements.
    List(Vec<Element<'a>>),
    /// An object with `value`, but not a list.
    NotAList,
    /// An object without `value` (a bare presence, perhaps).
    NoValue,
}

/// The body is not an object, or it ends before its `value` list closes.
#[derive(Debug, PartialEq, Eq)]
pub struct Unreadable;

/// Splits `{"...": ..., "value": [e1, e2, ...], ...}` into e1, e2, … Anything after the list is not read.
pub fn value_list(body: &[u8]) -> Result<Split<'_>, Unreadable> {
    split(body, None)
}

/// `value_list`, offering `known` the bytes from the start of each object element to where it most
/// likely ends, with the element's place. Where elements likely end is `pieces`, as
/// `likely_elements` found them (the `}` of the next `},{`, or of the last `}]`). When `known` takes
/// the bytes offered (the very bytes of a whole element it has seen before), they are that element,
/// and are not scanned: only the elements `known` did not take are returned. At 10,000 people, the
/// scan was a third of reading an answer nothing in had changed. A guess that ends inside a string
/// is no element `known` has seen, so that element is scanned like any other; a guess that ends past
/// the element (elements spaced out by whitespace) ends the guessing for the answer, so no byte is
/// offered twice over.
pub fn value_list_known<'a>(
    body: &'a [u8],
    pieces: &[Range<usize>],
    mut known: impl FnMut(usize, &'a [u8]) -> bool,
) -> Result<Split<'a>, Unreadable> {
    split(body, Some((pieces, &mut known)))
}

/// Where the elements of `body`'s value list most likely are, the guesses `value_list_known` offers:
/// from the list's start, each piece runs to the `}` of the next `},{` (the last one to the `}` of
/// the last `}]`). While every guess holds, these are the very pieces it offers, so what each is
/// can be decided for all of them at once. Offsets are into `body`, written into `pieces` (emptied
/// first): none when the body has no value list.
pub fn likely_elements(body: &[u8], pieces: &mut Vec<Range<usize>>) {
    pieces.clear();
    let stripped = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let offset = body.len() - stripped.len();
    let Ok(Some(at)) = member(stripped, b"value") else {
        return;
    };
    if stripped.get(at) != Some(&b'[') {
        return;
    }
    let Some(list_end) = memchr::memmem::rfind(stripped, b"}]").map(|at| at + 1) else {
        return;
    };
    let mut start = at + 1;
    for end in memchr::memmem::find_iter(stripped, b"},{")
        .map(|at| at + 1)
        .chain([list_end])
    {
        if end <= start {
            continue;
        }
        pieces.push(offset + start..offset + end);
        if end == list_end {
            break;
        }
        start = end + 1;
    }
}

/// A value list's pieces (offsets into the body as given) and who decides whether each is known.
type Guesses<'p, 'a> = (
    &'p [Range<usize>],
    &'p mut dyn FnMut(usize, &'a [u8]) -> bool,
);

/// `value_list`, guessing where elements end only when someone asks about them (`known`): a plain
/// split looks for no `},{`.
fn split<'a>(body: &'a [u8], known: Option<Guesses<'_, 'a>>) -> Result<Split<'a>, Unreadable> {
    let whole = body.len();
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let Some(at) = member(body, b"value")? else {
        return Ok(Split::NoValue);
    };
    if body.get(at) != Some(&b'[') {
        return Ok(Split::NotAList);
    }
    let (pieces, mut known) = known.unzip();
    // Where the pieces end, in the body without its byte order mark.
    let offset = whole - body.len();
    let mut ends = pieces
        .unwrap_or_default()
        .iter()
        .map(|piece| piece.end.saturating_sub(offset))
        .peekable();
    let mut guessing = known.is_some();
    let mut elements = Vec::new();
    let mut i = at + 1;
    let mut index = 0;
    loop {
        i = skip_ws(body, i);
        match body.get(i) {
            None => return Err(Unreadable),
            // The rest of the object must be there too: an answer cut short is not a list.
            Some(b']') => {
                members(body, i + 1, None)?;
                return Ok(Split::List(elements));
            }
            // The brackets disagree: the elements before it stand, the rest is not read.
            Some(b'}') => return Ok(Split::List(elements)),
            Some(_) => {}
        }
        let start = i;
        let mut guess = None;
        if guessing && body[start] == b'{' {
            while ends.next_if(|&end| end <= start).is_some() {}
            guess = ends.peek().copied().filter(|&end| end > start);
            if let (Some(end), Some(known)) = (guess, known.as_mut())
                && known(index, &body[start..end])
            {
                i = end;
                if body.get(i) == Some(&b',') {
                    i += 1;
                }
                index += 1;
                continue;
            }
        }
        let (end, depth) = value_end(body, i)?;
        let bytes = body[start..end].trim_ascii_end();
        if guess.is_some_and(|guess| guess > start + bytes.len()) {
            guessing = false;
        }
        elements.push(Element {
            bytes,
            too_deep: depth > MAX_DEPTH,
            index,
        });
        i = end;
        if body.get(i) == Some(&b',') {
            i += 1;
        }
        index += 1;
    }
}

/// The value of `key` in the object `element` when it is a plain string (no escapes); for naming an
/// element that could not be parsed.
pub fn plain_string_member<'a>(element: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let at = member(element, key).ok()??;
    if element.get(at) != Some(&b'"') {
        return None;
    }
    let end = string_end(element, at).ok()?;
    let inner = &element[at + 1..end - 1];
    (!inner.contains(&b'\\')).then_some(inner)
}

/// Where the value of the top-level member `key` of the object in `body` starts; `None` when the
/// object has no such member. Keys are compared as sent (an escaped key is another key).
fn member(body: &[u8], key: &[u8]) -> Result<Option<usize>, Unreadable> {
    let i = skip_ws(body, 0);
    if body.get(i) != Some(&b'{') {
        return Err(Unreadable);
    }
    members(body, i + 1, Some(key))
}

/// Walks an object's members from `i` (just past its `{`, or past a member's value): where `key`'s
/// value starts, or `None` at the object's closing brace.
fn members(body: &[u8], mut i: usize, key: Option<&[u8]>) -> Result<Option<usize>, Unreadable> {
    loop {
        i = skip_ws(body, i);
        match body.get(i) {
            Some(b'}') => return Ok(None),
            Some(b',') => {
                i += 1;
                continue;
            }
            Some(b'"') => {}
            _ => return Err(Unreadable),
        }
        let end = string_end(body, i)?;
        let name = &body[i + 1..end - 1];
        i = skip_ws(body, end);
        if body.get(i) != Some(&b':') {
            return Err(Unreadable);
        }
        i = skip_ws(body, i + 1);
        if key == Some(name) {
            return Ok(Some(i));
        }
        i = value_end(body, i)?.0;
    }
}

/// Scans one value from `i`: returns where it ends (the `,` or closing bracket that follows it at its
/// own level, not included) and how deep it nests.
fn value_end(body: &[u8], mut i: usize) -> Result<(usize, u32), Unreadable> {
    let mut depth: u32 = 0;
    let mut deepest: u32 = 0;
    while let Some(&b) = body.get(i) {
        match b {
            b'"' => {
                i = string_end(body, i)?;
                continue;
            }
            b'{' | b'[' => {
                depth = depth.saturating_add(1);
                deepest = deepest.max(depth);
            }
            b'}' | b']' | b',' if depth == 0 => return Ok((i, deepest)),
            b'}' | b']' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    Err(Unreadable)
}

/// `i` is at an opening quote: the index just past the closing one. A backslash escapes the next byte,
/// whatever it is (the element's parser judges the escape).
fn string_end(body: &[u8], i: usize) -> Result<usize, Unreadable> {
    let mut j = i + 1;
    // Strings are most of an answer's bytes: jumped over to the next quote or backslash at once.
    while let Some(found) = body
        .get(j..)
        .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
    {
        j += found;
        if body[j] == b'"' {
            return Ok(j + 1);
        }
        j += 2;
    }
    Err(Unreadable)
}

fn skip_ws(body: &[u8], mut i: usize) -> usize {
    while body.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where `likely_elements` puts the elements of `body`.
    fn guesses(body: &[u8]) -> Vec<Range<usize>> {
        let mut pieces = Vec::new();
        likely_elements(body, &mut pieces);
        pieces
    }

    fn list(body: &str) -> Vec<&str> {
        match value_list(body.as_bytes()).unwrap() {
            Split::List(elements) => elements
                .iter()
                .map(|e| std::str::from_utf8(e.bytes).unwrap())
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn elements_are_split_at_their_own_level_whatever_their_strings_hold() {
        assert_eq!(
            list(r#"{"@odata.context":"x,]}","value":[ {"a":"],\"}"} , [1,[2]],"s\\q",3 ],"z":1}"#),
            [r#"{"a":"],\"}"}"#, "[1,[2]]", r#""s\\q""#, "3"]
        );
        assert_eq!(list(r#"{"value":[]}"#), Vec::<&str>::new());
        assert_eq!(list("\u{feff}{\"value\":[1,]}"), ["1"]);
        assert_eq!(list(r#"{"value":[1,,2}"#), ["1", "", "2"]);
    }

    #[test]
    fn known_elements_are_taken_without_a_scan_and_the_rest_are_returned_in_place() {
        let body = br#"{"value":[{"id":"a","m":{"x":1}},{"id":"b","s":"},{"},{"id":"c"}],"z":1}"#;
        let mut offered = Vec::new();
        let Split::List(rest) = value_list_known(body, &guesses(body), |index, bytes| {
            offered.push((index, String::from_utf8_lossy(bytes).into_owned()));
            bytes == br#"{"id":"a","m":{"x":1}}"# || bytes == br#"{"id":"c"}"#
        })
        .unwrap() else {
            panic!()
        };
        assert_eq!(
            offered,
            [
                (0, r#"{"id":"a","m":{"x":1}}"#.to_string()),
                // The guess ends inside b's string: not taken, so b is scanned whole.
                (1, r#"{"id":"b","s":"}"#.to_string()),
                (2, r#"{"id":"c"}"#.to_string()),
            ]
        );
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].bytes, br#"{"id":"b","s":"},{"}"#);
        assert_eq!(rest[0].index, 1);
    }

    #[test]
    fn elements_spaced_out_are_offered_once_then_scanned() {
        let body = br#"{"value":[ {"id":"a"}, {"id":"b"}, {"id":"c"}]}"#;
        let mut offers = 0;
        let Split::List(rest) = value_list_known(body, &guesses(body), |_, _| {
            offers += 1;
            false
        })
        .unwrap() else {
            panic!()
        };
        assert_eq!(offers, 1, "the first guess went past its element");
        let ids: Vec<usize> = rest.iter().map(|e| e.index).collect();
        assert_eq!(ids, [0, 1, 2]);
        assert_eq!(rest[2].bytes, br#"{"id":"c"}"#);
    }

    #[test]
    fn the_likely_elements_are_the_guesses_offered() {
        let plain =
            br#"{"@odata.context":"x","value":[{"id":"a","m":{"x":1}},{"id":"b"},{"id":"c"}]}"#;
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), plain].concat();
        for body in [plain.as_slice(), &with_bom] {
            let mut pieces = vec![0..1, 2..3];
            likely_elements(body, &mut pieces);
            assert_eq!(pieces.len(), 3);
            let mut offered = Vec::new();
            value_list_known(body, &pieces, |_, bytes| {
                let start = bytes.as_ptr() as usize - body.as_ptr() as usize;
                offered.push(start..start + bytes.len());
                true
            })
            .unwrap();
            assert_eq!(pieces, offered);
            assert_eq!(&body[pieces[2].clone()], br#"{"id":"c"}"#);
        }
        for none in [&br#"{"value":1}"#[..], b"[]", br#"{"other":[{"a":1}]}"#] {
            let mut pieces = vec![0..1, 2..3];
            likely_elements(none, &mut pieces);
            assert!(pieces.is_empty());
        }
    }

    /// Answers built at random from pieces that fool a guess (`},{` and `}]` inside strings, escaped
    /// quotes, nested objects, spacing): taking every guess that is byte for byte an element the plain
    /// scan found, plus the elements returned, gives the plain scan's list, in place.
    #[test]
    fn guessing_never_changes_what_the_list_holds() {
        const PIECES: [&str; 8] = ["a", "},{", "}]", r#"\""#, "]", "{", "x,y", r"\\"];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n
        };
        let mut guessed = 0;
        for _ in 0..500 {
            let count = next(6);
            let mut items = Vec::new();
            for k in 0..count {
                let text: String = (0..next(4)).map(|_| PIECES[next(8) as usize]).collect();
                let nested = if next(2) == 0 {
                    r#","o":{"p":[1,{"q":2}]}"#
                } else {
                    ""
                };
                items.push(format!(r#"{{"id":"{k}","s":"{text}"{nested}}}"#));
            }
            let separator = if next(4) == 0 { ", " } else { "," };
            let body = format!(r#"{{"value":[{}],"n":1}}"#, items.join(separator));
            let Ok(Split::List(plain)) = value_list(body.as_bytes()) else {
                panic!("{body}")
            };
            let mut taken = Vec::new();
            let pieces = guesses(body.as_bytes());
            let Ok(Split::List(rest)) =
                value_list_known(body.as_bytes(), &pieces, |index, bytes| {
                    // As the element map does: any element seen, wherever it stood.
                    let known = plain.iter().any(|e| e.bytes == bytes);
                    if known {
                        taken.push((index, bytes));
                    }
                    known
                })
            else {
                panic!("{body}")
            };
            guessed += taken.len();
            let mut all: Vec<(usize, &[u8])> = taken;
            all.extend(rest.iter().map(|e| (e.index, e.bytes)));
            all.sort_by_key(|(index, _)| *index);
            let expected: Vec<(usize, &[u8])> = plain.iter().map(|e| (e.index, e.bytes)).collect();
            assert_eq!(all, expected, "{body}");
        }
        assert!(
            guessed > 300,
            "most compact elements are taken by their guess: {guessed}"
        );
    }

    #[test]
    fn other_shapes_are_told_apart() {
        assert_eq!(value_list(br#"{"value":3}"#), Ok(Split::NotAList));
        assert_eq!(value_list(br#"{"id":"a"}"#), Ok(Split::NoValue));
        for bad in [
            &b"[1,2]"[..],
            b"",
            b"<html>",
            br#"{"value":[{"id":"a""#,
            br#"{"value""#,
            br#"{"value":[{"id":"a"}]"#,
            br#"{"value":[],"more":"#,
        ] {
            assert_eq!(
                value_list(bad),
                Err(Unreadable),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn depth_is_counted_not_recursed() {
        let deep = format!(
            r#"{{"value":[{}{},{{"id":"b"}}]}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let Split::List(elements) = value_list(deep.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!(elements.len(), 2);
        assert!(elements[0].too_deep);
        assert!(!elements[1].too_deep);
    }

    #[test]
    fn plain_ids_are_found_in_broken_elements() {
        assert_eq!(
            plain_string_member(br#"{"x":"\q","id":"a-1","y":[}"#, b"id"),
            Some(&b"a-1"[..])
        );
        assert_eq!(plain_string_member(br#"{"id":"a\"b"}"#, b"id"), None);
        assert_eq!(plain_string_member(br#"{"id":5}"#, b"id"), None);
        assert_eq!(plain_string_member(b"[1]", b"id"), None);
    }
}
