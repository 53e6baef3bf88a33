//! Unit tests for `SafeText`: one module per class of hostile input (escapes, controls, bidi, invisible
//! and wide characters, huge inputs).

use super::*;

fn line(s: &str) -> String {
    SafeText::line(s).as_str().to_owned()
}

fn multi(s: &str) -> String {
    SafeText::multiline(s).as_str().to_owned()
}

/// an OSC title sequence in a display name.
mod osc_title {
    use super::*;

    #[test]
    fn removed_with_its_payload_bel_or_st() {
        assert_eq!(line("Adele\u{1b}]0;pwned\u{7} Vance"), "Adele Vance");
        assert_eq!(line("Adele\u{1b}]2;pwned\u{1b}\\ Vance"), "Adele Vance");
        assert_eq!(line("\u{9d}0;pwned\u{9c}Adele"), "Adele");
        assert_eq!(line("\u{9d}0;pwned\u{7}Adele"), "Adele");
        // screen/tmux window name.
        assert_eq!(line("\u{1b}kpwned\u{1b}\\Adele"), "Adele");
    }

    #[test]
    fn unterminated_swallows_the_rest() {
        assert_eq!(line("Adele\u{1b}]0;pwned and more\nlines"), "Adele");
        assert_eq!(line("Adele \u{9d}0;pwned"), "Adele");
    }

    #[test]
    fn esc_inside_a_string_starts_a_new_sequence() {
        assert_eq!(line("a\u{1b}]0;x\u{1b}[2Jb"), "ab");
        assert_eq!(line("a\u{1b}]0;x\u{18}b"), "ab");
    }
}

/// OSC 52 clipboard writes and OSC 8 hyperlinks.
mod osc_clipboard_and_links {
    use super::*;

    #[test]
    fn clipboard_write_leaves_no_payload() {
        let out = line("Lunch \u{1b}]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u{7}break");
        assert_eq!(out, "Lunch break");
        assert!(!out.contains("52") && !out.contains("Y3Vy"));
        assert_eq!(line("\u{1b}]52;c;payload\u{1b}\\"), "");
    }

    #[test]
    fn hyperlink_keeps_its_text_only() {
        let out = line("see \u{1b}]8;;https://evil.example/\u{1b}\\the wiki\u{1b}]8;;\u{1b}\\ now");
        assert_eq!(out, "see the wiki now");
        assert_eq!(line("\u{1b}]8;;http://x\u{7}link\u{1b}]8;;\u{7}"), "link");
    }

    #[test]
    fn other_string_sequences_go_whole() {
        for intro in [
            "\u{1b}P", "\u{1b}_", "\u{1b}^", "\u{1b}X", "\u{90}", "\u{9f}", "\u{9e}", "\u{98}",
        ] {
            assert_eq!(
                line(&format!("a{intro}payload\u{1b}\\b")),
                "ab",
                "{intro:?}"
            );
            assert_eq!(line(&format!("a{intro}payload\u{9c}b")), "ab", "{intro:?}");
        }
    }
}

/// clear screen, title report, device attribute queries and other CSI.
mod csi {
    use super::*;

    #[test]
    fn queries_and_screen_changes_go_whole() {
        assert_eq!(line("a\u{1b}[2Jb"), "ab");
        assert_eq!(line("a\u{1b}[21tb"), "ab");
        assert_eq!(line("a\u{1b}[cb\u{1b}[>0c\u{1b}[=c"), "ab");
        assert_eq!(line("a\u{1b}[6nb"), "ab");
        assert_eq!(line("\u{1b}[?1049h\u{1b}[?25lhidden?"), "hidden?");
        assert_eq!(line("\u{1b}[38;2;255;0;0mred\u{1b}[0m"), "red");
        assert_eq!(line("a\u{9b}2Jb"), "ab");
        assert_eq!(line("a\u{1b}[1;2 qb"), "ab");
    }

    #[test]
    fn two_byte_and_charset_sequences() {
        assert_eq!(line("a\u{1b}cb"), "ab");
        assert_eq!(line("a\u{1b}(0qqq\u{1b}(Bb"), "aqqqb");
        assert_eq!(line("a\u{1b}#8b"), "ab");
        assert_eq!(line("a\u{1b}7\u{1b}8b"), "ab");
        assert_eq!(line("trailing\u{1b}"), "trailing");
        assert_eq!(line("a\u{1b}\u{1b}[2Jb"), "ab");
    }

    #[test]
    fn cancelled_or_broken_sequences_keep_following_text() {
        assert_eq!(line("a\u{1b}[12\u{18}b"), "ab");
        assert_eq!(line("a\u{1b}[12é"), "aé");
        assert_eq!(line("a\u{1b}é"), "aé");
        assert_eq!(line("a\u{1b}[1\u{1b}[2Jb"), "ab");
    }
}

/// C0, DEL and C1 controls.
mod controls {
    use super::*;

    #[test]
    fn removed() {
        assert_eq!(line("a\u{0}b\u{7}c\u{8}d\u{7f}e"), "abcde");
        assert_eq!(line("a\u{80}b\u{9a}c\u{9c}d"), "abcd");
        // NEL is a line break.
        assert_eq!(line("a\u{85}b"), "a b");
        assert_eq!(multi("a\u{85}b"), "a\nb");
    }
}

/// bidi overrides, embeddings, isolates and marks.
mod bidi {
    use super::*;

    #[test]
    fn removed_and_text_stays_in_logical_order() {
        assert_eq!(line("invoice\u{202e}fdp.exe"), "invoicefdp.exe");
        assert_eq!(
            line("\u{2067}abc\u{2069} \u{2066}d\u{2068}e\u{2069}"),
            "abc de"
        );
        assert_eq!(
            line("a\u{202a}b\u{202b}c\u{202c}d\u{202d}e\u{200e}f\u{200f}g\u{61c}h"),
            "abcdefgh"
        );
        // Right-to-left text itself is kept as written (the terminal orders it).
        assert_eq!(line("שלום Adele"), "שלום Adele");
    }
}

/// zero-width and invisible characters; empty names.
mod invisible {
    use super::*;

    #[test]
    fn format_characters_removed_zwj_zwnj_kept() {
        assert_eq!(
            line("a\u{200b}b\u{feff}c\u{2060}d\u{2064}e\u{180e}f\u{ad}g"),
            "abcdefg"
        );
        assert_eq!(line("flag\u{e0067}\u{e0062}\u{e007f}"), "flag");
        let family = "👨\u{200d}👩\u{200d}👧";
        assert_eq!(line(family), family);
        assert_eq!(line("می\u{200c}خواهم"), "می\u{200c}خواهم");
        assert_eq!(line("❤\u{fe0f}"), "❤\u{fe0f}");
    }

    #[test]
    fn empty_name_falls_back_to_mail_then_upn_then_id() {
        let mail = Some("adele@contoso.com");
        let upn = Some("adele@contoso.onmicrosoft.com");
        for name in [
            "",
            "   ",
            "\u{200b}\u{200b}",
            "\u{3164}",
            "\u{2800}",
            "\u{1b}]0;x\u{7}",
            "\u{202e}\u{feff}",
        ] {
            assert_eq!(
                SafeText::name(Some(name), mail, upn, "id-1").as_str(),
                "adele@contoso.com",
                "{name:?}"
            );
        }
        assert_eq!(
            SafeText::name(None, mail, upn, "id-1").as_str(),
            "adele@contoso.com"
        );
        assert_eq!(
            SafeText::name(Some("\u{200b}"), Some(" "), upn, "id-1").as_str(),
            "adele@contoso.onmicrosoft.com"
        );
        assert_eq!(SafeText::name(None, None, None, "id-1").as_str(), "id-1");
        assert_eq!(
            SafeText::name(Some(" Adele\u{202e} "), mail, upn, "id").as_str(),
            "Adele"
        );
    }
}

/// 5,000 combining marks, a 1 MB message, 10,000 newlines.
mod caps {
    use super::*;

    #[test]
    fn combining_marks_capped_per_base() {
        let zalgo = format!("a{}b", "\u{301}".repeat(5000));
        let out = line(&zalgo);
        assert_eq!(out, format!("a{}b", "\u{301}".repeat(MAX_MARKS)));
        // Vietnamese and Hebrew stacks survive.
        assert_eq!(line("Nguyễn"), "Nguyễn");
        assert_eq!(line("e\u{302}\u{301}"), "e\u{302}\u{301}");
        assert_eq!(line("ש\u{5bc}\u{5c1}\u{5b8}"), "ש\u{5bc}\u{5c1}\u{5b8}");
    }

    #[test]
    fn one_megabyte_message_is_cut_with_an_ellipsis() {
        let big = "word ".repeat(200_000);
        let out = line(&big);
        assert_eq!(out.chars().count(), LINE_MAX_CHARS);
        assert!(out.ends_with("wo…") || out.ends_with("word…") || out.ends_with('…'));
        assert!(!out.ends_with(" …"));
        let out = multi(&big);
        assert_eq!(out.chars().count(), MULTILINE_MAX_CHARS);
        assert!(out.ends_with('…'));
    }

    #[test]
    fn long_junk_is_not_read_past_the_scan_limit() {
        // 1 MB of an unterminated OSC payload: nothing shows, and nothing of the tail is read.
        let junk = format!("\u{1b}]52;c;{}", "A".repeat(1 << 20));
        assert_eq!(line(&junk), "");
        let spaces = format!("a{}b", " ".repeat(1 << 20));
        assert_eq!(line(&spaces), "a…");
    }

    #[test]
    fn exactly_at_the_cap_is_not_cut() {
        let exact = "x".repeat(LINE_MAX_CHARS);
        assert_eq!(line(&exact), exact);
        let over = "x".repeat(LINE_MAX_CHARS + 1);
        assert_eq!(line(&over), format!("{}…", "x".repeat(LINE_MAX_CHARS - 1)));
    }

    #[test]
    fn cut_never_splits_a_cluster() {
        let emoji = "👨\u{200d}👩\u{200d}👧";
        let text = format!("{}{emoji}{emoji}", "x".repeat(LINE_MAX_CHARS - 3));
        let out = line(&text);
        assert_eq!(out, format!("{}…", "x".repeat(LINE_MAX_CHARS - 3)));
        let accents = format!("{}e\u{301}\u{302}", "x".repeat(LINE_MAX_CHARS - 2));
        assert_eq!(
            line(&accents),
            format!("{}…", "x".repeat(LINE_MAX_CHARS - 2))
        );
    }

    #[test]
    fn ten_thousand_newlines_make_one_line() {
        let text = format!("a{}b", "\n".repeat(10_000));
        assert_eq!(line(&text), "a b");
        assert_eq!(multi(&text), "a\n\nb");
        assert_eq!(line(&"\r\n".repeat(10_000)), "");
    }
}

/// Whitespace: the one-line and multi-line forms.
mod whitespace {
    use super::*;

    #[test]
    fn line_folds_and_trims() {
        assert_eq!(
            line("  a\t\tb \r\n c\u{2028}d\u{2029}e\u{a0}f\u{3000}g  "),
            "a b c d e f g"
        );
        assert_eq!(line(""), "");
        assert_eq!(line(" \t\n "), "");
    }

    #[test]
    fn multiline_keeps_paragraphs() {
        assert_eq!(
            multi("Away\r\nBack Monday\r\n\r\n\r\n\r\nThanks  \n"),
            "Away\nBack Monday\n\nThanks"
        );
        assert_eq!(multi("\n\n  a  \n  b\rc\u{2029}d"), "a\n  b\nc\nd");
        assert_eq!(multi("a\tb"), "a b");
        assert_eq!(multi("a \n \n \n b"), "a\n\n b");
    }
}

/// Widths of single characters are tested in `width.rs`; here: `SafeText`'s own width.
mod wide {
    use super::*;

    #[test]
    fn width_of_safe_text() {
        assert_eq!(SafeText::line("中文 😀").width(), 7);
        assert_eq!(fit(SafeText::line("山田太郎さん").as_str(), 7), "山田太…");
    }
}

mod html_messages {
    use super::*;

    const OUTLOOK: &str = "<html><head><style>p.MsoNormal{margin:0cm;font-family:Calibri}</style></head>\
        <body><div class=\"WordSection1\"><p class=\"MsoNormal\">Hi,<o:p></o:p></p>\
        <p class=\"MsoNormal\">I&#8217;m out of office until <b>Monday&nbsp;3&nbsp;March</b>.<o:p></o:p></p>\
        <p>For urgent matters contact <a href=\"mailto:megan@contoso.com\">Megan</a> &amp; the team.</p>\
        <ul><li>Sales: Alex</li><li>IT: Lee</li></ul></div></body></html>";

    #[test]
    fn outlook_reply_to_paragraphs() {
        let out = SafeText::html_multiline(OUTLOOK);
        assert_eq!(
            out.as_str(),
            "Hi,\n\nI’m out of office until Monday 3 March.\n\nFor urgent matters contact Megan & the team.\n\
             - Sales: Alex\n- IT: Lee"
        );
        assert_eq!(
            SafeText::html_line(OUTLOOK).as_str(),
            "Hi, I’m out of office until Monday 3 March. For urgent matters contact Megan & the team. - Sales: Alex - IT: Lee"
        );
    }

    #[test]
    fn br_and_entities() {
        assert_eq!(
            SafeText::html_multiline("Away<br>back &lt;soon&gt;<br/>x").as_str(),
            "Away\nback <soon>\nx"
        );
        assert_eq!(SafeText::html_line("a &lt; b").as_str(), "a < b");
    }

    #[test]
    fn escapes_hidden_in_html_are_removed_after_decoding() {
        assert_eq!(
            SafeText::html_line("<p>a\u{1b}]52;c;x\u{7}b</p>").as_str(),
            "ab"
        );
        assert_eq!(
            SafeText::html_line("<p>a\u{9d}52;c;x\u{9c}b \u{1b}[2Jc</p>").as_str(),
            "ab c"
        );
        // Written as character references, they are decoded first and removed whole: no payload is left.
        assert_eq!(
            SafeText::html_line("<p>a&#27;]52;c;x&#7;b</p>").as_str(),
            "ab"
        );
        assert_eq!(
            SafeText::message_line("&#27;]0;title&#7;Back at 3").as_str(),
            "Back at 3"
        );
        assert_eq!(
            SafeText::html_line("a&#x1b;[31mred&#X1B;[0m &#x9d;0;t&#7;b").as_str(),
            "ared b"
        );
        assert_eq!(SafeText::html_line("<p>a&#155;2Jb</p>").as_str(), "a›2Jb");
        assert_eq!(
            SafeText::html_line("<p>a&#x202e;b&#x200b;c</p>").as_str(),
            "abc"
        );
        assert_eq!(
            SafeText::html_line("<script>alert(1)</script><p>ok</p>").as_str(),
            "ok"
        );
    }

    #[test]
    fn message_sniffs() {
        assert_eq!(
            SafeText::message_line("a < b and c > d").as_str(),
            "a < b and c > d"
        );
        assert_eq!(
            SafeText::message_line("<p>Away</p><p>Back</p>").as_str(),
            "Away Back"
        );
        assert_eq!(
            SafeText::message_multiline("Tom &amp; Jerry").as_str(),
            "Tom & Jerry"
        );
        assert_eq!(
            SafeText::message_multiline("x <= y\n\nz").as_str(),
            "x <= y\n\nz"
        );
        assert_eq!(
            SafeText::body_line("<b>x</b>", Some("text")).as_str(),
            "<b>x</b>"
        );
        assert_eq!(SafeText::body_line("<b>x</b>", Some("HTML")).as_str(), "x");
        assert_eq!(SafeText::body_line("<b>x</b>", None).as_str(), "x");
    }

    #[test]
    fn huge_html_is_cut_before_parsing() {
        let huge = format!("<p>{}</p>", "word ".repeat(100_000));
        let out = SafeText::html_multiline(&huge);
        assert!(out.as_str().ends_with('…'));
        assert!(out.as_str().chars().count() <= MULTILINE_MAX_CHARS);
    }
}

mod misc {
    use super::*;

    #[test]
    fn tmux_doubles_hashes() {
        assert_eq!(
            tmux_escape("#[fg=red]#(rm -rf ~) ##"),
            "##[fg=red]##(rm -rf ~) ####"
        );
    }

    #[test]
    fn display_and_debug() {
        let t = SafeText::line("a\"b");
        assert_eq!(t.to_string(), "a\"b");
        assert_eq!(format!("{t:?}"), "\"a\\\"b\"");
        assert!(SafeText::line("\u{200b}").is_empty());
    }
}

#[test]
fn typed_characters_show_safe_one_at_a_time() {
    assert_eq!(typed_char('a'), Some('a'));
    assert_eq!(typed_char('ö'), Some('ö'));
    assert_eq!(typed_char('\t'), Some(' '));
    assert_eq!(typed_char('\n'), Some(' '));
    for dropped in ['\u{1b}', '\u{202e}', '\u{7f}', '\u{9b}', '\u{200b}'] {
        assert_eq!(typed_char(dropped), None, "{dropped:?}");
    }
}
