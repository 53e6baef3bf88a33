//! One person's card: name and age in the border, then availability and activity, status message,
//! out-of-office message and work location, as many as there are lines. Every line is fitted to the
//! card's width, the most specific words kept first.

use std::borrow::Cow;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Widget};

use super::calendar_line::CalendarLine;
use super::paint::{Run, put, put_right, run, runs_width};
use super::theme::Theme;
use crate::app::Now;
use crate::app::age;
use crate::app::person::Person;
use crate::presence_style;
use crate::text::{fit, width};

/// What a card needs besides the person.
#[derive(Clone, Copy)]
pub struct CardContext<'a> {
    pub theme: Theme,
    pub now: Now,
    pub selected: bool,
    /// The card is your own: marked "(you)" after the name.
    pub me: bool,
    /// The person is on the watch list: marked before the name.
    pub watched: bool,
    /// What their calendar says (`[calendar] enabled`), drawn in the bottom border.
    pub calendar: Option<&'a CalendarLine>,
}

pub use crate::presence_style::watch_mark;

/// What follows your own name on your card and in the list.
pub const YOU: &str = " (you)";

/// The availability line: symbol (arrow plus hollow state when out of office), word, and the more
/// specific word after it: the activity where it says more ("Presenting"), or "Out of office".
pub fn presence_runs(person: &Person, theme: Theme) -> Vec<Run<'_>> {
    let mut runs = symbol_runs(person, theme);
    runs.push(run(" ", Style::new()));
    runs.push(run(
        person.availability.as_str(),
        theme.status(person.status),
    ));
    if let Some(detail) = specific_word(person) {
        let style = if person.out_of_office {
            theme.out_of_office()
        } else {
            Style::new()
        };
        runs.push(run(theme.separator(), theme.muted()));
        runs.push(run(detail, style));
    }
    runs
}

/// The symbol, or the out-of-office arrow and the hollow state.
fn symbol_runs(person: &Person, theme: Theme) -> Vec<Run<'static>> {
    let colour = theme.status(person.status);
    let mut runs = Vec::with_capacity(5);
    if person.out_of_office {
        runs.push(run(
            presence_style::symbol(person.status, true, theme.symbols),
            theme.out_of_office(),
        ));
        runs.push(run(
            presence_style::hollow_symbol(person.status, theme.symbols),
            colour,
        ));
    } else {
        runs.push(run(
            presence_style::symbol(person.status, false, theme.symbols),
            colour,
        ));
    }
    runs
}

/// What Teams would say first: out of office, else the activity when it differs from the availability.
fn specific_word(person: &Person) -> Option<&str> {
    if person.out_of_office {
        return Some("Out of office");
    }
    let activity = person.activity.as_str();
    (!activity.is_empty() && activity != person.availability.as_str()).then_some(activity)
}

/// The availability line fitted to `room`: all of it when it fits, else the most specific word alone
/// ("⊖ Presenting", not "⊖ Do not disturb · Pr…").
fn presence_line(person: &Person, theme: Theme, room: usize) -> Vec<Run<'_>> {
    let full = presence_runs(person, theme);
    if runs_width(&full) <= room {
        return full;
    }
    let Some(word) = specific_word(person) else {
        return full;
    };
    let style = if person.out_of_office {
        theme.out_of_office()
    } else {
        theme.status(person.status)
    };
    let mut runs = symbol_runs(person, theme);
    runs.push(run(" ", Style::new()));
    runs.push(run(word, style));
    runs
}

/// The out-of-office message, on a line of its own: the presence line already says "Out of office".
fn out_of_office(person: &Person, theme: Theme) -> Option<Vec<Run<'_>>> {
    let message = person.ooo_line().filter(|_| person.out_of_office)?;
    Some(vec![run(message.as_str(), theme.out_of_office())])
}

/// The work location with its place: "▣ Office · Building 40", "✈ Time off".
fn location(person: &Person, theme: Theme) -> Option<Vec<Run<'_>>> {
    let location = person.location.as_ref()?;
    let word = location.word()?;
    let mut runs = Vec::with_capacity(4);
    if let Some(icon) = presence_style::location_symbol(location.kind, theme.symbols) {
        runs.push(run(icon, Style::new()));
        runs.push(run(" ", Style::new()));
    }
    runs.push(run(word, Style::new()));
    if let Some(place) = &location.place_name {
        runs.push(run(theme.separator(), theme.muted()));
        runs.push(run(place.as_str(), theme.muted()));
    }
    Some(runs)
}

/// The age label shown in the top border ("3m"), "stale" marked when Graph left the person out.
pub fn age_label(person: &Person, now: Now) -> Option<Cow<'static, str>> {
    let age = person.changed_at.map(|since| age::label(since, now.utc));
    match (person.stale, age) {
        (true, Some(a)) => Some(Cow::Owned(format!("stale {a}"))),
        (true, None) => Some(Cow::Borrowed("stale")),
        (false, a) => a,
    }
}

pub fn render(person: &Person, area: Rect, buf: &mut Buffer, cx: CardContext) {
    let theme = cx.theme;
    if area.width < 4 || area.height < 3 {
        return;
    }
    let border_set = theme.border_set(cx.selected);
    let border_style = if cx.selected {
        theme.selected_border()
    } else {
        theme.border()
    };
    Block::bordered()
        .border_set(border_set)
        .border_style(border_style)
        .render(area, buf);

    // Top border: " Name " on the left, " 3m " on the right when the whole name leaves room for it:
    // the name comes first.
    let top = Rect::new(area.x + 1, area.y, area.width - 2, 1);
    let you = if cx.me { YOU } else { "" };
    let mark = if cx.watched {
        watch_mark(theme.symbols)
    } else {
        ""
    };
    let mark_width = if cx.watched { width(mark) + 1 } else { 0 };
    let room = usize::from(top.width)
        .saturating_sub(2)
        .saturating_sub(width(you))
        .saturating_sub(mark_width);
    let fits = |label: &str| person.name.width() + 3 + width(label) <= room;
    let age = match age_label(person, cx.now) {
        Some(label) if fits(&label) => Some(label),
        // Stale is a state, not an age: it stays, the name is cut for it.
        _ if person.stale => Some(Cow::Borrowed("stale")),
        _ => None,
    };
    let name_room = room.saturating_sub(age.as_deref().map_or(0, |a| width(a) + 3));
    let name_style = if person.is_flashing(cx.now.instant) {
        theme.flash()
    } else {
        theme.name()
    };
    let name = fit(person.name.as_str(), name_room);
    put(
        buf,
        top,
        &[
            run(" ", Style::new()),
            run(mark, theme.watched()),
            run(if cx.watched { " " } else { "" }, Style::new()),
            run(name, name_style),
            run(you, theme.muted()),
            run(" ", Style::new()),
        ],
    );
    if let Some(age) = age {
        let style = if person.stale {
            theme.warning()
        } else {
            theme.muted()
        };
        put_right(
            buf,
            top,
            &[
                run(" ", Style::new()),
                run(age, style),
                run(" ", Style::new()),
            ],
        );
    }

    let inner = Rect::new(
        area.x + 2,
        area.y + 1,
        area.width.saturating_sub(4),
        area.height - 2,
    );
    let line = |n: u16| Rect::new(inner.x, inner.y + n, inner.width, 1);
    // Every field there is room for, most telling first: presence, status message, out-of-office
    // message, work location.
    let mut lines: Vec<Vec<Run<'_>>> = vec![presence_line(person, theme, usize::from(inner.width))];
    if let Some(message) = person.status_line() {
        lines.push(vec![run(message.as_str(), theme.status_message())]);
    }
    lines.extend(out_of_office(person, theme));
    lines.extend(location(person, theme));
    for (n, runs) in lines.iter().enumerate().take(usize::from(inner.height)) {
        put(buf, line(n as u16), runs);
    }
    if let Some(calendar) = cx.calendar {
        // The bottom border's right end, like the age in the top one: no content line is taken.
        let bottom = Rect::new(area.x + 1, area.y + area.height - 1, area.width - 2, 1);
        let room = usize::from(bottom.width).saturating_sub(4);
        if let Some(text) = calendar.fitted(room, theme.separator()) {
            put_right(
                buf,
                bottom,
                &[
                    run(" ", Style::new()),
                    run(text, theme.muted()),
                    run(" ", Style::new()),
                ],
            );
        }
    }
    if person.stale {
        buf.set_style(inner, theme.stale());
    }
}

/// Width a person's presence line needs (for the compact list's column).
pub fn presence_width(person: &Person, theme: Theme) -> usize {
    runs_width(&presence_runs(person, theme))
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;
    use crate::config::Symbols;
    use crate::graph::model::{User, UserId, parse_single_presence};

    const NOW: i64 = 1_714_996_990;

    fn person(name: &str, presence: &str) -> Person {
        let user = User {
            id: UserId::new("p"),
            display_name: Some(name.into()),
            user_principal_name: Some("p@contoso.com".into()),
            mail: None,
            job_title: None,
            department: None,
        };
        let mut person = Person::from_user(&user);
        let json = format!(r#"{{"id":"p",{presence}}}"#);
        person.set_presence(parse_single_presence(json.as_bytes()).unwrap());
        person.changed_at = Some(jiff::Timestamp::from_second(NOW - 20).unwrap());
        person
    }

    fn people() -> Vec<Person> {
        vec![
            person(
                "Diego Siciliani",
                r#""availability":"DoNotDisturb","activity":"Presenting",
                "statusMessage":{"message":{"content":"Presenting to the board","contentType":"text"}}"#,
            ),
            person(
                "François Schröder",
                r#""availability":"Available","activity":"Available""#,
            ),
            person(
                "Céline Dupré",
                r#""availability":"Away","activity":"OutOfOffice",
                "outOfOfficeSettings":{"isOutOfOffice":true,
                  "message":"<p>Bonjour,</p><p>Je suis en cong&eacute;s jusqu'&agrave; lundi.</p>"},
                "workLocation":{"workLocationType":"timeOff","source":"manual"}"#,
            ),
            person(
                "Adele Vance",
                r#""availability":"Busy","activity":"InAMeeting",
                "statusMessage":{"message":{"content":"Quarterly review until 3pm","contentType":"text"}},
                "workLocation":{"workLocationType":"office","source":"manual"}"#,
            ),
        ]
    }

    /// The cards one under the other at `width`, as text.
    fn cards(width: u16) -> String {
        let people = people();
        let height = 5 * people.len() as u16;
        let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
        let cx = CardContext {
            theme: Theme::new(false, Symbols::Unicode),
            now: Now {
                instant: Instant::now(),
                utc: jiff::Timestamp::from_second(NOW).unwrap(),
            },
            selected: false,
            me: false,
            watched: false,
            calendar: None,
        };
        for (n, p) in people.iter().enumerate() {
            render(p, Rect::new(0, 5 * n as u16, width, 5), &mut buf, cx);
        }
        let mut out = String::new();
        for y in 0..height {
            let mut x = 0;
            while x < width {
                let symbol = buf[(x, y)].symbol();
                out.push_str(symbol);
                x += width_of(symbol);
            }
            out.push('\n');
        }
        out
    }

    #[test]
    fn a_watched_card_carries_its_mark_before_the_name_in_both_symbol_sets() {
        let people = people();
        for (symbols, mark) in [(Symbols::Unicode, "⚑"), (Symbols::Ascii, "*")] {
            let mut buf = Buffer::empty(Rect::new(0, 0, 26, 5));
            let cx = CardContext {
                theme: Theme::new(false, symbols),
                now: Now {
                    instant: Instant::now(),
                    utc: jiff::Timestamp::from_second(NOW).unwrap(),
                },
                selected: false,
                me: false,
                watched: true,
                calendar: None,
            };
            render(&people[0], Rect::new(0, 0, 26, 5), &mut buf, cx);
            let top: String = (0..26).map(|x| buf[(x, 0)].symbol().to_owned()).collect();
            let name = people[0].name.as_str();
            let shown: String = name.chars().take(8).collect();
            assert!(top.contains(&format!(" {mark} {shown}")), "{top}");
            assert_eq!(width(&top), 26, "the mark fits inside the border: {top}");
        }
    }

    fn width_of(symbol: &str) -> u16 {
        (width(symbol) as u16).max(1)
    }

    /// The first and third cards (busy and away) with what their calendars say, at `width`.
    fn calendar_cards(width: u16) -> String {
        let people = people();
        let lines = [
            CalendarLine {
                when: Some("free 14:30".into()),
                local: Some("18:05☾".into()),
            },
            CalendarLine {
                when: Some("out until Mon 09:00".into()),
                local: None,
            },
        ];
        let mut buf = Buffer::empty(Rect::new(0, 0, width, 10));
        for (n, (p, line)) in [&people[0], &people[2]].into_iter().zip(&lines).enumerate() {
            let cx = CardContext {
                theme: Theme::new(false, Symbols::Unicode),
                now: Now {
                    instant: Instant::now(),
                    utc: jiff::Timestamp::from_second(NOW).unwrap(),
                },
                selected: false,
                me: false,
                calendar: Some(line),
                watched: false,
            };
            render(p, Rect::new(0, 5 * n as u16, width, 5), &mut buf, cx);
        }
        (0..10)
            .map(|y| {
                let mut row = String::new();
                let mut x = 0;
                while x < width {
                    let symbol = buf[(x, y)].symbol();
                    row.push_str(symbol);
                    x += width_of(symbol);
                }
                row + "\n"
            })
            .collect()
    }

    #[test]
    fn the_calendar_sits_in_the_bottom_border_and_gives_way_to_the_width() {
        let wide = calendar_cards(34);
        assert!(wide.contains(" free 14:30 · 18:05☾ ╯"), "{wide}");
        assert!(wide.contains(" out until Mon 09:00 ╯"), "{wide}");
        let narrow = calendar_cards(22);
        assert!(
            narrow.contains(" free 14:30 ╯"),
            "the local time gives way:\n{narrow}"
        );
        insta::assert_snapshot!("cards_calendar_34", wide);
        insta::assert_snapshot!("cards_calendar_22", narrow);
    }

    #[test]
    fn the_most_specific_words_win_at_every_width() {
        for w in [22, 26, 34] {
            insta::assert_snapshot!(format!("cards_{w}"), cards(w));
        }
        let narrow = cards(22);
        assert!(narrow.contains("⊖ Presenting"), "{narrow}");
        assert!(
            narrow.contains("╭ François Schröder ─╮"),
            "the name before the age:\n{narrow}"
        );
        assert!(narrow.contains("Bonjour"), "{narrow}");
        assert!(
            narrow.contains("✈ Time off"),
            "every field there is room for:\n{narrow}"
        );
        let wide = cards(34);
        assert!(wide.contains("⊖ Do not disturb · Presenting"), "{wide}");
        assert!(wide.contains("François Schröder ───"), "{wide}");
        assert!(
            wide.contains("─ 1m ╮"),
            "the age when the name leaves room:\n{wide}"
        );
    }
}
