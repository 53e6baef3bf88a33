//! Fuzz-target bodies, shared by the cargo-fuzz targets in `fuzz/` and the stable fallback in
//! `tests/text_props.rs`: each takes arbitrary bytes and panics only when an invariant breaks.

use super::{SafeText, chars, fit, html, sanitize, to_inert_json, to_inert_json_pretty, width};
use crate::graph::model::parse_presence_list;

/// Panics unless `text` is safe: no control or removed format character (no newline either in the
/// one-line form), within the length cap, no leading or trailing whitespace, and unchanged when
/// sanitized again.
pub fn assert_safe(text: &SafeText, multiline: bool) {
    let s = text.as_str();
    let limits = if multiline {
        sanitize::MULTILINE
    } else {
        sanitize::LINE
    };
    for c in s.chars() {
        let allowed_break = multiline && c == '\n';
        assert!(
            allowed_break
                || chars::classify(c) != chars::Class::Drop
                    && !c.is_control()
                    && c != '\u{2028}'
                    && c != '\u{2029}',
            "unsafe character {c:?} in {s:?}"
        );
        assert!(
            c == ' ' || c == '\n' || !c.is_whitespace(),
            "whitespace {c:?} left in {s:?}"
        );
    }
    assert!(
        s.chars().count() <= limits.max_chars,
        "over the cap: {} chars",
        s.chars().count()
    );
    assert_eq!(s.trim(), s, "untrimmed");
    assert!(!s.contains("\n\n\n"), "more than one blank line in a row");
    let again = if multiline {
        SafeText::multiline(s)
    } else {
        SafeText::line(s)
    };
    assert_eq!(again.as_str(), s, "not idempotent");
}

/// The `safetext` target: every constructor, the width helpers and inert JSON on arbitrary input.
pub fn safetext(data: &[u8]) {
    let raw = String::from_utf8_lossy(data);
    let raw = raw.as_ref();
    assert_safe(&SafeText::line(raw), false);
    assert_safe(&SafeText::multiline(raw), true);
    assert_safe(&SafeText::message_line(raw), false);
    assert_safe(&SafeText::message_multiline(raw), true);
    // HTML conversion is the slow part: try it directly only on inputs that would be parsed whole.
    if raw.len() <= html::MAX_HTML / 4 {
        assert_safe(&SafeText::html_line(raw), false);
        assert_safe(&SafeText::html_multiline(raw), true);
    }
    let (first, rest) = raw.split_at(
        raw.char_indices()
            .nth(raw.chars().count() / 2)
            .map_or(0, |(i, _)| i),
    );
    let name = SafeText::name(Some(first), Some(rest), None, "id");
    assert_safe(&name, false);

    let line = SafeText::line(raw);
    for cols in [0, 1, 2, 3, 10, 40] {
        let fitted = fit(line.as_str(), cols);
        assert!(
            width(&fitted) <= cols,
            "fit({line:?}, {cols}) is {} columns",
            width(&fitted)
        );
    }

    for json in [to_inert_json(raw), to_inert_json_pretty(raw)] {
        let Ok(json) = json else {
            panic!("a string always serializes")
        };
        assert!(
            json.chars()
                .all(|c| c == '\n' || !chars::needs_json_escape(c)),
            "raw control in {json:?}"
        );
        let back: Result<String, _> = serde_json::from_str(&json);
        assert_eq!(back.ok().as_deref(), Some(raw), "JSON does not round-trip");
    }
}

/// The `presence_parser` target: a batch body parsed element by element never panics, and whatever it
/// yields writes out as inert JSON holding the same values, and sanitizes.
pub fn presence_parser(data: &[u8]) {
    let Ok(list) = parse_presence_list(data) else {
        return;
    };
    for presence in &list.presences {
        let Ok(json) = to_inert_json(presence) else {
            panic!("a presence always serializes")
        };
        assert!(
            json.chars().all(|c| !chars::needs_json_escape(c)),
            "raw control in {json:?}"
        );
        let back: Result<serde_json::Value, _> = serde_json::from_str(&json);
        assert_eq!(
            back.ok(),
            serde_json::to_value(presence).ok(),
            "JSON does not round-trip"
        );
        assert_safe(&SafeText::line(presence.id.as_str()), false);
        assert_safe(&SafeText::line(presence.availability.raw()), false);
        assert_safe(&SafeText::line(presence.activity.raw()), false);
        if let Some(body) = presence
            .status_message
            .as_ref()
            .and_then(|m| m.message.as_ref())
        {
            let content = body.content.as_deref().unwrap_or_default();
            assert_safe(
                &SafeText::body_multiline(content, body.content_type.as_deref()),
                true,
            );
        }
        if let Some(message) = presence
            .out_of_office_settings
            .as_ref()
            .and_then(|o| o.message.as_deref())
        {
            assert_safe(&SafeText::message_line(message), false);
        }
    }
    for bad in &list.bad {
        assert_safe(&SafeText::line(&bad.reason), false);
    }
}
