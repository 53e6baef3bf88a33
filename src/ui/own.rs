//! Your own presence on screen: the picker and the status-message editor (popups over the board),
//! and the header's words for your message, location and a change still pending.

use std::borrow::Cow;

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use tui_input::Input;

use super::paint::{Run, run};
use super::popup::draw;
use super::theme::Theme;
use crate::app::App;
use crate::app::own::{Dialog, Editor, Field, Picker};
use crate::app::popup::frame as popup;
use crate::presence_style;

/// Widest a popup's text gets.
const MAX_WIDTH: u16 = 64;
/// Columns the header gives your status message before cutting it.
const HEADER_MESSAGE: usize = 28;

/// Draws the open picker or editor; returns where the terminal cursor goes while typing.
pub fn render(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) -> Option<Position> {
    let dialog = app.own().dialog()?;
    let now = app.now().utc.to_zoned(app.tz().clone());
    let width = area.width.saturating_sub(4).clamp(1, MAX_WIDTH);
    match dialog {
        Dialog::Presence(picker) | Dialog::Location(picker) => {
            picker_popup(picker, area, width, buf, theme)
        }
        Dialog::Message(editor) => editor_popup(editor, &now, area, width, buf, theme),
    }
}

fn picker_popup(
    picker: &Picker,
    area: Rect,
    width: u16,
    buf: &mut Buffer,
    theme: Theme,
) -> Option<Position> {
    let mut lines: Vec<Vec<Run<'static>>> = picker
        .rows()
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let selected = i == picker.cursor();
            let style = if selected {
                theme.selected_row()
            } else {
                Style::new()
            };
            let mark = if selected { "›" } else { " " };
            vec![
                run(format!("{mark} {} ", i + 1), theme.key()),
                (Cow::Owned(row), style),
            ]
        })
        .collect();
    let typing = picker.custom();
    if typing.is_some() {
        lines.push(Vec::new());
        lines.push(vec![run("For how long or until when?", theme.muted())]);
        lines.push(Vec::new());
    }
    if let Some(error) = picker.error() {
        lines.push(vec![run(error.to_owned(), theme.error())]);
    }
    let (outer, inner) = popup(area, width, lines.len() as u16);
    let keys = if typing.is_some() {
        " enter set · esc back "
    } else {
        " j/k move · enter choose · esc back "
    };
    draw(
        buf,
        outer,
        theme,
        (&format!(" {} ", picker.title()), keys),
        &lines,
        0,
    );
    let input = typing?;
    let row = picker.rows().len() as u16 + 2;
    input_line(buf, inner, row, "", input, theme)
}

fn editor_popup(
    editor: &Editor,
    now: &jiff::Zoned,
    area: Rect,
    width: u16,
    buf: &mut Buffer,
    theme: Theme,
) -> Option<Position> {
    let preview = match editor.preview(now) {
        Ok(words) => run(format!("  → {words}"), theme.muted()),
        Err(why) => run(format!("  {why}"), theme.warning()),
    };
    let mut lines = vec![
        Vec::new(),
        Vec::new(),
        vec![preview],
        vec![run("An empty message clears it.", theme.muted())],
        vec![run(
            "Ends: for 2h, until 17:00, tomorrow 09:00; empty: never.",
            theme.muted(),
        )],
    ];
    if let Some(error) = editor.error() {
        lines.push(vec![run(error.to_owned(), theme.error())]);
    }
    let (outer, inner) = popup(area, width, lines.len() as u16);
    draw(
        buf,
        outer,
        theme,
        (
            " Your status message ",
            " enter set · tab next line · esc cancel ",
        ),
        &lines,
        0,
    );
    let message = input_line(buf, inner, 0, "Message ", &editor.message, theme);
    let expiry = input_line(buf, inner, 1, "Ends    ", &editor.expiry, theme);
    match editor.focus {
        Field::Message => message,
        Field::Expiry => expiry,
    }
}

/// Writes `label` and the input's visible part on content row `row`; returns the cursor's place.
fn input_line(
    buf: &mut Buffer,
    inner: Rect,
    row: u16,
    label: &str,
    input: &Input,
    theme: Theme,
) -> Option<Position> {
    if row >= inner.height {
        return None;
    }
    let label_w = crate::text::width(label) as u16;
    let room = usize::from(inner.width.saturating_sub(label_w + 1)).max(1);
    let scroll = input.visual_scroll(room);
    let shown: String = {
        let mut out = String::new();
        let mut used = 0;
        let mut skipped = 0;
        // Typed text is shown made safe a character at a time (the cursor counts characters).
        for c in input.value().chars().filter_map(crate::text::typed_char) {
            let w = crate::text::width(c.encode_utf8(&mut [0; 4]));
            if skipped < scroll {
                skipped += w;
                continue;
            }
            if used + w > room {
                break;
            }
            used += w;
            out.push(c);
        }
        out
    };
    let line = Rect::new(inner.x, inner.y + row, inner.width, 1);
    super::paint::put(
        buf,
        line,
        &[
            run(label.to_owned(), theme.key()),
            run(shown, Style::new().add_modifier(Modifier::UNDERLINED)),
        ],
    );
    let x = inner.x + label_w + (input.visual_cursor().saturating_sub(scroll)) as u16;
    Some(Position::new(
        x.min(inner.right().saturating_sub(1)),
        inner.y + row,
    ))
}

/// After your availability in the header: a change still pending ("→ Busy…"), else your status
/// message's first line and your work location, as Graph last reported them.
pub fn header_runs(app: &App, theme: Theme) -> Vec<Run<'static>> {
    if let Some((change, _)) = app.own().pending() {
        return vec![run(format!(" → {}…", change.summary()), theme.warning())];
    }
    let Some(me) = app.me() else {
        return Vec::new();
    };
    let mut runs = Vec::new();
    if let Some(message) = me.status_line() {
        runs.push(run(
            format!(
                "{}{}",
                theme.separator(),
                crate::text::fit(message.as_str(), HEADER_MESSAGE)
            ),
            theme.status_message(),
        ));
    }
    if let Some(location) = &me.location
        && let Some(word) = location.word()
    {
        let symbol = presence_style::location_symbol(location.kind, theme.symbols)
            .map(|s| format!("{s} "))
            .unwrap_or_default();
        runs.push(run(
            format!("{}{symbol}{word}", theme.separator()),
            theme.muted(),
        ));
    }
    runs
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;

    use crate::app::state::tests::{options, presence, roster, t0};
    use crate::app::{App, Msg, PollData};

    fn key(c: char) -> Msg {
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
    }

    /// A board at 80x24 that has polled once: you are Available with the message "Lunch".
    fn board() -> App {
        let now = t0();
        let mut app = App::new(options(), Rect::new(0, 0, 80, 24), now);
        app.update(Msg::Deadline, now);
        let mut mine = presence("me", "Available", "Available", Some("A1"));
        mine.status_message = serde_json::from_value(
            serde_json::json!({"message":{"content":"Lunch","contentType":"text"}}),
        )
        .ok();
        let data = PollData {
            roster: roster(2),
            presences: vec![Arc::new(mine)],
            malformed: 0,
            problem: None,
            min_interval: std::time::Duration::ZERO,
        };
        app.update(Msg::Polled(Box::new(Ok(data))), now);
        app
    }

    fn draw(app: &App) -> (String, Option<ratatui::layout::Position>) {
        let area = Rect::new(0, 0, 80, 24);
        let mut buf = Buffer::empty(area);
        let cursor = crate::ui::render(app, area, &mut buf);
        let text = (0..area.height)
            .map(|y| {
                (0..area.width)
                    .map(|x| buf[(x, y)].symbol().to_owned())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n");
        (text, cursor)
    }

    #[test]
    fn the_header_shows_your_message_then_a_pending_change() {
        let mut app = board();
        let (screen, _) = draw(&app);
        let header = screen.lines().next().unwrap();
        assert!(header.contains("you ✓ Available · Lunch"), "{header}");
        app.update(key('p'), t0());
        app.update(key('2'), t0());
        app.update(key('1'), t0());
        let (screen, _) = draw(&app);
        let header = screen.lines().next().unwrap();
        assert!(header.contains("→ Busy until 12:30 today…"), "{header}");
    }

    #[test]
    fn the_editor_shows_both_lines_and_puts_the_cursor_after_the_text() {
        let mut app = board();
        app.update(key('m'), t0());
        let (screen, cursor) = draw(&app);
        assert!(screen.contains("Your status message"), "{screen}");
        let row = screen
            .lines()
            .position(|l| l.contains("Message Lunch"))
            .unwrap_or_else(|| panic!("no message line:\n{screen}"));
        let cursor = cursor.expect("a cursor while typing");
        assert_eq!(usize::from(cursor.y), row);
        let line = screen.lines().nth(row).unwrap();
        let after = line.find("Lunch").unwrap() + "Lunch".len();
        assert_eq!(usize::from(cursor.x), line[..after].chars().count());
        assert!(screen.contains("→ no expiry"), "{screen}");
    }

    #[test]
    fn the_picker_marks_the_row_it_is_on() {
        let mut app = board();
        app.update(key('p'), t0());
        app.update(key('j'), t0());
        let (screen, cursor) = draw(&app);
        assert!(cursor.is_none(), "no cursor in a list");
        assert!(screen.contains("Set your availability"), "{screen}");
        assert!(screen.contains("› 2 Busy"), "{screen}");
        assert!(screen.contains("  7 Reset to automatic"), "{screen}");
    }
}
