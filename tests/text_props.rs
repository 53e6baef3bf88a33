//! Property tests for `SafeText`, the width helpers and inert JSON, plus the stable-toolchain run of the
//! fuzz targets (`fuzz/README.md`). More cases: `PROPTEST_CASES=20000 cargo test --release --test text_props`.

use proptest::prelude::*;
use teamboard::text::{
    LINE_MAX_CHARS, MULTILINE_MAX_CHARS, SafeText, fit, fuzz, pad, to_inert_json,
    to_inert_json_pretty, width,
};

/// The characters no `SafeText` may hold, written out here independently of the sanitizer's own tables:
/// C0, DEL, C1, bidi controls, zero-width and invisible format characters, tags, line/paragraph separators.
fn forbidden(c: char) -> bool {
    matches!(
        c as u32,
        0x00..=0x1F
            | 0x7F..=0x9F
            | 0xAD
            | 0x061C
            | 0x180E
            | 0x200B
            | 0x200E
            | 0x200F
            | 0x2028..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xE0000..=0xE007F
    )
}

fn assert_clean(out: &SafeText, multiline: bool, cap: usize) -> Result<(), TestCaseError> {
    let s = out.as_str();
    for c in s.chars() {
        prop_assert!(
            !forbidden(c) || multiline && c == '\n',
            "{:?} in {:?}",
            c,
            s
        );
    }
    prop_assert!(s.chars().count() <= cap, "{} chars", s.chars().count());
    prop_assert_eq!(s.trim(), s);
    Ok(())
}

/// Pieces of hostile text: escape introducers and payloads, controls, format characters, marks,
/// emoji, HTML, whitespace; glued together they make partial and nested sequences.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "\u{1b}", "\u{1b}[", "\u{1b}]", "\u{1b}]52;c;", "\u{1b}]8;;http://x\u{1b}\\", "\u{1b}P", "\u{1b}_",
            "\u{1b}^", "\u{1b}X", "\u{1b}k", "\u{1b}(", "\u{1b}#8", "\u{7}", "\u{1b}\\", "\u{9b}", "\u{9d}", "\u{9c}",
            "\u{90}", "\u{98}", "\u{9e}", "\u{9f}", "\u{18}", "\u{1a}", "\u{85}", ";", "0", "2J", "21t", "?1049h",
            "m", "c", "\n", "\r\n", "\r", "\t", " ", "  ", "\u{a0}", "\u{3000}", "\u{2028}", "\u{2029}",
            "\u{301}", "\u{301}\u{301}\u{301}", "\u{200d}", "\u{200c}", "\u{fe0f}", "\u{202e}", "\u{2066}",
            "\u{200b}", "\u{feff}", "\u{e0041}", "\u{3164}", "👨\u{200d}👩\u{200d}👧", "🇫🇷", "中", "a", "word",
            "<p>", "</p>", "<br>", "<b>", "&amp;", "&#27;", "&#x202e;", "&nbsp;", "<", ">", "&", "…", "#",
        ])
        .prop_map(str::to_owned),
        1 => prop::char::range('\0', '\u{ff}').prop_map(String::from),
        1 => prop::char::range('\u{2000}', '\u{206f}').prop_map(String::from),
        1 => prop::char::range('\u{e0000}', '\u{e007f}').prop_map(String::from),
        1 => any::<char>().prop_map(String::from),
    ]
}

fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..48).prop_map(|v| v.concat())
}

/// Arbitrary Unicode or hostile pieces.
fn input() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), hostile()]
}

mod sanitizer {
    use super::*;

    proptest! {
        #[test]
        fn every_constructor_output_is_clean(raw in input()) {
            assert_clean(&SafeText::line(&raw), false, LINE_MAX_CHARS)?;
            assert_clean(&SafeText::multiline(&raw), true, MULTILINE_MAX_CHARS)?;
            assert_clean(&SafeText::html_line(&raw), false, LINE_MAX_CHARS)?;
            assert_clean(&SafeText::html_multiline(&raw), true, MULTILINE_MAX_CHARS)?;
            assert_clean(&SafeText::message_line(&raw), false, LINE_MAX_CHARS)?;
            assert_clean(&SafeText::message_multiline(&raw), true, MULTILINE_MAX_CHARS)?;
            assert_clean(&SafeText::name(Some(&raw), Some(&raw), None, "id"), false, LINE_MAX_CHARS)?;
        }

        #[test]
        fn line_form_is_one_line(raw in input()) {
            prop_assert!(!SafeText::line(&raw).as_str().contains('\n'));
            prop_assert!(!SafeText::html_line(&raw).as_str().contains('\n'));
        }

        #[test]
        fn sanitizing_twice_changes_nothing(raw in input()) {
            let once = SafeText::line(&raw);
            prop_assert_eq!(&SafeText::line(once.as_str()), &once);
            let once = SafeText::multiline(&raw);
            prop_assert_eq!(&SafeText::multiline(once.as_str()), &once);
            let html = SafeText::html_multiline(&raw);
            prop_assert_eq!(&SafeText::multiline(html.as_str()), &html);
        }

        #[test]
        fn long_inputs_are_capped(raw in hostile(), repeat in 1usize..400) {
            let long = raw.repeat(repeat);
            assert_clean(&SafeText::line(&long), false, LINE_MAX_CHARS)?;
            assert_clean(&SafeText::multiline(&long), true, MULTILINE_MAX_CHARS)?;
        }

        #[test]
        fn plain_printable_text_survives(words in prop::collection::vec("[a-zA-Z0-9<>&;.,!?]{1,8}", 1..20)) {
            let text = words.join(" ");
            prop_assert_eq!(SafeText::line(&text).to_string(), text.clone());
            prop_assert_eq!(SafeText::multiline(&text).to_string(), text);
        }
    }
}

mod widths {
    use super::*;

    proptest! {
        #[test]
        fn fit_and_pad_never_exceed_the_columns(raw in input(), cols in 0usize..30) {
            let safe = SafeText::line(&raw);
            let fitted = fit(safe.as_str(), cols);
            prop_assert!(width(&fitted) <= cols);
            if width(safe.as_str()) <= cols {
                prop_assert_eq!(fitted.as_ref(), safe.as_str());
            } else if cols > 0 {
                prop_assert!(fitted.ends_with('…'));
            }
            prop_assert_eq!(width(&pad(safe.as_str(), cols)), cols);
        }
    }
}

mod json {
    use super::*;

    proptest! {
        #[test]
        fn inert_json_round_trips_and_holds_no_raw_control(raw in input(), key in input()) {
            let value = std::collections::BTreeMap::from([(key.clone(), vec![raw.clone()])]);
            let compact = to_inert_json(&value).unwrap();
            let pretty = to_inert_json_pretty(&value).unwrap();
            let inert = |c: char| !forbidden(c) && c != '\u{200d}' && c != '\u{200c}';
            prop_assert!(compact.chars().all(inert), "raw control in {:?}", compact);
            prop_assert!(pretty.chars().all(|c| c == '\n' || inert(c)), "raw control in {:?}", pretty);
            for json in [compact, pretty] {
                let back: std::collections::BTreeMap<String, Vec<String>> = serde_json::from_str(&json).unwrap();
                prop_assert_eq!(&back, &value);
            }
        }
    }
}

/// The fuzz targets on stable: arbitrary bytes, and presence bodies carrying hostile strings with random
/// byte damage.
mod fuzz_fallback {
    use super::*;

    fn presence_body() -> impl Strategy<Value = Vec<u8>> {
        (
            hostile(),
            hostile(),
            hostile(),
            prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        )
            .prop_map(|(id, message, ooo, damage)| {
                let body = serde_json::json!({"value": [
                    {"id": id, "availability": "Busy", "activity": message,
                     "statusMessage": {"message": {"content": message, "contentType": "html"}},
                     "outOfOfficeSettings": {"isOutOfOffice": true, "message": ooo},
                     "workLocation": {"workLocationType": "office"}, "sequenceNumber": "C1"},
                    {"id": "2", "availability": 7},
                ]});
                let mut bytes = serde_json::to_vec(&body).unwrap();
                for (at, byte) in damage {
                    let i = at.index(bytes.len());
                    bytes[i] = byte;
                }
                bytes
            })
    }

    proptest! {
        #[test]
        fn safetext_target(data in prop::collection::vec(any::<u8>(), 0..512)) {
            fuzz::safetext(&data);
        }

        #[test]
        fn safetext_target_on_hostile_text(raw in hostile()) {
            fuzz::safetext(raw.as_bytes());
        }

        #[test]
        fn presence_parser_target(data in presence_body()) {
            fuzz::presence_parser(&data);
        }

        #[test]
        fn presence_parser_target_on_bytes(data in prop::collection::vec(any::<u8>(), 0..256)) {
            fuzz::presence_parser(&data);
        }
    }
}
