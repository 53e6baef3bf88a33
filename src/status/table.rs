//! The `status` table: name, availability (symbol and word), activity, out of office, status message
//! (first line) and work location. Every cell sanitized and fitted; colour only on a terminal.

use crossterm::style::Stylize;

use crate::config::Symbols;
use crate::graph::model::{Presence, Status, WorkLocationKind};
use crate::presence_style::{activity_words, availability_words, humanize, symbol};
use crate::text::{SafeText, fit, pad, width};

use super::rows::Row;

/// How the table is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    pub symbols: Symbols,
    /// ANSI colour for availability (stdout is a terminal and `NO_COLOR` is not set).
    pub colour: bool,
    /// Terminal width, when known; the message column takes what the others leave.
    pub columns: Option<usize>,
}

const HEADERS: [&str; 6] = [
    "NAME",
    "AVAILABILITY",
    "ACTIVITY",
    "OOO",
    "MESSAGE",
    "LOCATION",
];
/// Widest each column may be (the message's applies when the terminal width is unknown).
const CAPS: [usize; 6] = [28, 20, 24, 3, 60, 12];
const GAP: &str = "  ";

/// The cells of one row, sanitized.
fn cells(row: &Row, symbols: Symbols) -> [String; 6] {
    let p = &row.presence;
    let status = p.availability.status();
    [
        row.name.to_string(),
        format!(
            "{} {}",
            symbol(status, p.is_out_of_office(), symbols),
            SafeText::line(&availability_words(&p.availability))
        ),
        SafeText::line(&activity_words(&p.activity)).to_string(),
        if p.is_out_of_office() {
            "OOO".to_owned()
        } else {
            String::new()
        },
        message(p).to_string(),
        location(p).to_string(),
    ]
}

/// The status message's first line; without one, an out-of-office reply's.
pub fn message(p: &Presence) -> SafeText {
    let status = p
        .status_message
        .as_ref()
        .and_then(|m| m.message.as_ref())
        .and_then(|b| {
            b.content
                .as_deref()
                .map(|c| SafeText::body_multiline(c, b.content_type.as_deref()))
        });
    let ooo = p
        .out_of_office_settings
        .as_ref()
        .filter(|o| o.is_out_of_office)
        .and_then(|o| o.message.as_deref())
        .map(SafeText::message_multiline);
    [status, ooo]
        .into_iter()
        .flatten()
        .find_map(|t| {
            t.as_str()
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(SafeText::line)
        })
        .unwrap_or_default()
}

fn location(p: &Presence) -> SafeText {
    let Some(loc) = &p.work_location else {
        return SafeText::default();
    };
    match loc.work_location_type.kind() {
        WorkLocationKind::Office => SafeText::line("Office"),
        WorkLocationKind::Remote => SafeText::line("Remote"),
        WorkLocationKind::TimeOff => SafeText::line("Time off"),
        WorkLocationKind::Unspecified | WorkLocationKind::UnknownFutureValue => SafeText::default(),
        WorkLocationKind::Other => SafeText::line(&humanize(loc.work_location_type.raw())),
    }
}

/// Column widths: each as wide as its widest cell up to its cap; on a terminal the message column
/// gets what is left of the width (at least 10).
fn widths(rows: &[[String; 6]], columns: Option<usize>) -> [usize; 6] {
    let mut w = HEADERS.map(width);
    for cells in rows {
        for (i, cell) in cells.iter().enumerate() {
            w[i] = w[i].max(width(cell).min(CAPS[i]));
        }
    }
    if let Some(total) = columns {
        let others: usize = w
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 4)
            .map(|(_, n)| n + GAP.len())
            .sum();
        w[4] = w[4].min(total.saturating_sub(others).max(10));
    }
    w
}

fn colour(cell: &str, status: Status) -> String {
    match status {
        Status::Available => cell.green().to_string(),
        Status::Busy | Status::DoNotDisturb => cell.red().to_string(),
        Status::Away => cell.yellow().to_string(),
        Status::Offline | Status::Unknown => cell.dark_grey().to_string(),
    }
}

/// The whole table, header first, one line per row, each ending in a newline.
pub fn render(rows: &[Row], style: Style) -> String {
    let all: Vec<[String; 6]> = rows.iter().map(|r| cells(r, style.symbols)).collect();
    let w = widths(&all, style.columns);
    let mut out = String::new();
    let header: Vec<String> = HEADERS
        .iter()
        .zip(w)
        .map(|(h, n)| pad(h, n).into_owned())
        .collect();
    let header = header.join(GAP);
    out.push_str(header.trim_end());
    out.push('\n');
    for (row, cells) in rows.iter().zip(&all) {
        let mut line = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                line.push_str(GAP);
            }
            let fitted = if i == cells.len() - 1 {
                fit(cell, w[i])
            } else {
                pad(cell, w[i])
            };
            if i == 1 && style.colour {
                line.push_str(&colour(&fitted, row.presence.availability.status()));
            } else {
                line.push_str(&fitted);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::{Availability, UserId, parse_single_presence};

    fn row(name: &str, presence: Presence) -> Row {
        Row {
            id: None,
            display_name: None,
            user_principal_name: None,
            mail: None,
            presence,
            unresolved: false,
            name: SafeText::line(name),
        }
    }

    const PLAIN: Style = Style {
        symbols: Symbols::Unicode,
        colour: false,
        columns: None,
    };

    #[test]
    fn a_plain_table() {
        let busy = parse_single_presence(
            br#"{"id":"a","availability":"Busy","activity":"InAMeeting",
                "statusMessage":{"message":{"content":"<p>Planning</p><p>second line</p>","contentType":"html"}},
                "workLocation":{"workLocationType":"office","source":"automatic"}}"#,
        )
        .unwrap();
        let ooo = parse_single_presence(
            br#"{"id":"b","availability":"Away","activity":"OffWork","outOfOfficeSettings":{"isOutOfOffice":true,"message":"Back Monday\nThanks"}}"#,
        )
        .unwrap();
        let out = render(
            &[
                row("Adele Vance", busy),
                row("Bob", ooo),
                row("Cy", Presence::unknown(UserId::new("c"))),
            ],
            PLAIN,
        );
        insta::assert_snapshot!(out);
    }

    #[test]
    fn hostile_cells_are_sanitized_and_fitted() {
        let mut p = Presence::unknown(UserId::new("x"));
        p.availability = Availability::parse("\u{1b}]0;title\u{7}Sleeping");
        p.status_message = Some(Box::new(crate::graph::model::StatusMessage {
            message: Some(crate::graph::model::ItemBody {
                content: Some(format!("\u{1b}[2J{}", "long ".repeat(100))),
                content_type: None,
            }),
            ..Default::default()
        }));
        let out = render(
            &[row(&"\u{202e}W".repeat(50), p)],
            Style {
                columns: Some(80),
                ..PLAIN
            },
        );
        assert!(
            !out.chars()
                .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'),
            "{out:?}"
        );
        for line in out.lines() {
            assert!(width(line) <= 80, "{line}");
        }
    }

    #[test]
    fn colour_only_when_asked() {
        let mut p = Presence::unknown(UserId::new("x"));
        p.availability = Availability::parse("Available");
        assert!(!render(&[row("a", p.clone())], PLAIN).contains('\u{1b}'));
        assert!(
            render(
                &[row("a", p)],
                Style {
                    colour: true,
                    ..PLAIN
                }
            )
            .contains("\u{1b}[")
        );
    }
}
