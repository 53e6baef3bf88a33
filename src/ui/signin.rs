//! The sign-in panel, drawn over the last known board: what to do to sign in, and the keys that
//! help (copy the code, open the page). Long URLs are wrapped, never cut: the user may have to
//! copy them by hand.

use std::borrow::Cow;

use jiff::tz::TimeZone;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::paint::Run;
use super::popup::draw;
use super::theme::Theme;
use crate::app::popup::frame as popup;
use crate::app::{SignInPanel, SignInPrompt};

/// Widest the panel's text gets, so lines stay readable on a wide terminal.
const MAX_WIDTH: usize = 76;

pub fn render(panel: &SignInPanel, tz: &TimeZone, area: Rect, buf: &mut Buffer, theme: Theme) {
    let width = usize::from(area.width.saturating_sub(4)).clamp(1, MAX_WIDTH);
    let lines = lines(panel, tz, width, theme);
    let content_w = lines
        .iter()
        .map(|l| super::paint::runs_width(l))
        .max()
        .unwrap_or(0);
    let (outer, _) = popup(area, content_w as u16, lines.len() as u16);
    let keys = match panel {
        SignInPanel::Waiting(SignInPrompt::DeviceCode { .. }) => {
            " y copy code · o open page · q quit "
        }
        SignInPanel::Waiting(SignInPrompt::Browser { .. }) => " o open again · q quit ",
        SignInPanel::Failed(_) => " enter start again · q quit ",
        SignInPanel::Starting | SignInPanel::Unusable(_) => " q quit ",
    };
    draw(
        buf,
        outer,
        theme,
        (" Sign in to Microsoft 365 ", keys),
        &lines,
        0,
    );
}

fn text(s: impl Into<String>, style: Style) -> Vec<Run<'static>> {
    vec![(Cow::Owned(s.into()), style)]
}

/// `s` in pieces of at most `width` columns (URLs and codes are ASCII after sanitising; anything
/// wider is still cut by columns).
fn wrapped(s: &str, width: usize, style: Style, out: &mut Vec<Vec<Run<'static>>>) {
    let mut piece = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = crate::text::width(c.encode_utf8(&mut [0; 4]));
        if used + w > width && !piece.is_empty() {
            out.push(text(std::mem::take(&mut piece), style));
            used = 0;
        }
        piece.push(c);
        used += w;
    }
    if !piece.is_empty() {
        out.push(text(piece, style));
    }
}

/// Words wrapped at `width` columns.
fn paragraph(s: &str, width: usize, style: Style, out: &mut Vec<Vec<Run<'static>>>) {
    let mut line = String::new();
    for word in s.split_whitespace() {
        let needed =
            crate::text::width(&line) + usize::from(!line.is_empty()) + crate::text::width(word);
        if needed > width && !line.is_empty() {
            out.push(text(std::mem::take(&mut line), style));
        }
        if crate::text::width(word) > width {
            wrapped(word, width, style, out);
            continue;
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push(text(line, style));
    }
}

fn lines(panel: &SignInPanel, tz: &TimeZone, width: usize, theme: Theme) -> Vec<Vec<Run<'static>>> {
    let mut out = Vec::new();
    let plain = Style::new();
    match panel {
        SignInPanel::Starting => paragraph("Starting sign-in…", width, theme.muted(), &mut out),
        SignInPanel::Waiting(SignInPrompt::Browser { url, opened, .. }) => {
            let first = if *opened {
                "A browser window was opened to sign in. If it did not appear, open this address:"
            } else {
                "No browser could be opened. Open this address in a browser on this machine:"
            };
            paragraph(first, width, plain, &mut out);
            out.push(Vec::new());
            wrapped(url.as_str(), width, theme.key(), &mut out);
            out.push(Vec::new());
            paragraph(
                "The board continues as soon as you have signed in.",
                width,
                theme.muted(),
                &mut out,
            );
        }
        SignInPanel::Waiting(SignInPrompt::DeviceCode {
            url,
            code,
            expires_at,
            ..
        }) => {
            paragraph("On any device, open", width, plain, &mut out);
            wrapped(url.as_str(), width, theme.key(), &mut out);
            paragraph("and enter the code", width, plain, &mut out);
            out.push(Vec::new());
            out.push(text(format!("    {code}"), theme.title()));
            out.push(Vec::new());
            let until = expires_at
                .to_zoned(tz.clone())
                .strftime("%H:%M")
                .to_string();
            paragraph(
                &format!(
                    "The code works until {until}. The board continues as soon as you have signed in."
                ),
                width,
                theme.muted(),
                &mut out,
            );
        }
        SignInPanel::Failed(why) => {
            paragraph(why.as_str(), width, theme.error(), &mut out);
            out.push(Vec::new());
            paragraph("Press Enter to start again.", width, plain, &mut out);
        }
        SignInPanel::Unusable(why) => {
            paragraph(
                "This config cannot sign in:",
                width,
                theme.error(),
                &mut out,
            );
            paragraph(why.as_str(), width, plain, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::SafeText;

    fn screen(panel: &SignInPanel, w: u16, h: u16) -> String {
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        render(
            panel,
            &TimeZone::UTC,
            area,
            &mut buf,
            Theme::new(false, crate::config::Symbols::Unicode),
        );
        (0..h)
            .map(|y| {
                (0..w)
                    .map(|x| buf[(x, y)].symbol().to_owned())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_device_code_panel_shows_url_code_and_expiry_by_the_minute() {
        let panel = SignInPanel::Waiting(SignInPrompt::DeviceCode {
            url: SafeText::line("https://microsoft.com/devicelogin"),
            raw_url: Some("https://microsoft.com/devicelogin".into()),
            code: SafeText::line("ABCD2345K"),
            expires_at: "2024-05-06T14:05:59Z".parse().unwrap(),
        });
        let s = screen(&panel, 80, 24);
        assert!(s.contains("https://microsoft.com/devicelogin"), "{s}");
        assert!(s.contains("ABCD2345K"), "{s}");
        assert!(s.contains("until 14:05."), "{s}");
        assert!(s.contains("y copy code"), "{s}");
    }

    #[test]
    fn a_long_url_is_wrapped_whole() {
        let url = format!(
            "http://127.0.0.1:1234/organizations/oauth2/v2.0/authorize?{}",
            "x".repeat(300)
        );
        let panel = SignInPanel::Waiting(SignInPrompt::Browser {
            url: SafeText::line(&url),
            raw_url: url.clone(),
            opened: true,
        });
        let s = screen(&panel, 60, 30);
        let joined: String = s
            .lines()
            .map(|l| l.trim_matches(|c: char| c == '│' || c == ' '))
            .collect();
        assert!(joined.contains(&url), "{s}");
        // Small terminals do not panic.
        let _ = screen(&panel, 10, 3);
        let _ = screen(&panel, 1, 1);
    }
}
