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
    /// Columns the table may take (see [`columns`]); every row fits in them, on one line.
    pub columns: usize,
}

/// The width a table is printed at when stdout is not a terminal and `COLUMNS` is not set: the same
/// every run, so scripts that cut columns get the same table whatever terminal started them.
pub const PIPED_COLUMNS: usize = 120;

/// The width to print at: the terminal's when stdout is one, else `COLUMNS` when it is a number, else
/// [`PIPED_COLUMNS`].
pub fn columns(terminal: Option<usize>, columns_env: Option<&str>) -> usize {
    terminal
        .filter(|w| *w > 0)
        .or_else(|| {
            columns_env
                .and_then(|c| c.trim().parse::<usize>().ok())
                .filter(|w| *w > 0)
        })
        .unwrap_or(PIPED_COLUMNS)
}

const HEADERS: [&str; 6] = [
    "NAME",
    "AVAILABILITY",
    "ACTIVITY",
    "OOO",
    "MESSAGE",
    "LOCATION",
];
const NAME: usize = 0;
const ACTIVITY: usize = 2;
const OOO: usize = 3;
const MESSAGE: usize = 4;
const LOCATION: usize = 5;
/// Widest each column may be.
const CAPS: [usize; 6] = [28, 20, 24, 3, 60, 12];
/// What a narrow terminal gives up, first to last (the message shrinks to `MIN_MESSAGE` before it
/// goes); name and availability are never dropped, only shortened.
const GIVEN_UP: [usize; 4] = [MESSAGE, LOCATION, OOO, ACTIVITY];
const MIN_MESSAGE: usize = 12;
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

/// Column widths, 0 for a column left out: each as wide as its widest cell up to its cap, then, while
/// the table is wider than `columns`, the message shrinks, then columns are given up in `GIVEN_UP`
/// order, then the widest of name and availability loses a column at a time.
fn widths(rows: &[[String; 6]], columns: usize) -> [usize; 6] {
    let mut w = HEADERS.map(width);
    for cells in rows {
        for (i, cell) in cells.iter().enumerate() {
            w[i] = w[i].max(width(cell).min(CAPS[i]));
        }
    }
    let total = |w: &[usize; 6]| -> usize {
        let shown: Vec<usize> = w.iter().copied().filter(|n| *n > 0).collect();
        shown.iter().sum::<usize>() + GAP.len() * shown.len().saturating_sub(1)
    };
    for column in GIVEN_UP {
        let over = total(&w).saturating_sub(columns);
        if over == 0 {
            return w;
        }
        if column == MESSAGE && w[MESSAGE] > MIN_MESSAGE {
            w[MESSAGE] = w[MESSAGE].saturating_sub(over).max(MIN_MESSAGE);
            if total(&w) <= columns {
                return w;
            }
        }
        w[column] = 0;
    }
    while total(&w) > columns {
        let widest = if w[NAME] >= w[1] { NAME } else { 1 };
        if w[widest] <= 1 {
            // Too narrow even for a column each: the name alone.
            w[1] = 0;
            w[NAME] = columns.max(1);
            break;
        }
        w[widest] -= 1;
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

/// The whole table, header first, one line per row, each ending in a newline: fitted to
/// `style.columns`, a row is always one line.
pub fn render(rows: &[Row], style: Style) -> String {
    let all: Vec<[String; 6]> = rows.iter().map(|r| cells(r, style.symbols)).collect();
    let w = widths(&all, style.columns);
    let last = w.iter().rposition(|n| *n > 0).unwrap_or(0);
    let line = |cells: &[&str; 6], status: Option<Status>| {
        let mut line = String::new();
        for (i, cell) in cells.iter().enumerate().filter(|(i, _)| w[*i] > 0) {
            if !line.is_empty() {
                line.push_str(GAP);
            }
            let fitted = if i == last {
                fit(cell, w[i])
            } else {
                pad(cell, w[i])
            };
            match status {
                Some(status) if i == 1 => line.push_str(&colour(&fitted, status)),
                _ => line.push_str(&fitted),
            }
        }
        let mut line = line.trim_end().to_owned();
        line.push('\n');
        line
    };
    let mut out = line(&HEADERS, None);
    for (row, cells) in rows.iter().zip(&all) {
        let cells = [0, 1, 2, 3, 4, 5].map(|i| cells[i].as_str());
        let status = style.colour.then(|| row.presence.availability.status());
        out.push_str(&line(&cells, status));
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
        columns: PIPED_COLUMNS,
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
                columns: 80,
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

    fn team() -> Vec<Row> {
        let p = |json: &str| parse_single_presence(json.as_bytes()).unwrap();
        vec![
            row(
                "Amélie Müller-Schmidt",
                p(
                    r#"{"id":"a","availability":"DoNotDisturb","activity":"InAConferenceCall",
                    "statusMessage":{"message":{"content":"Planning the Q3 offsite, back after lunch","contentType":"text"}},
                    "workLocation":{"workLocationType":"timeOff","source":"manual"}}"#,
                ),
            ),
            row(
                "山本 花子",
                p(
                    r#"{"id":"b","availability":"Away","activity":"OffWork","outOfOfficeSettings":{"isOutOfOffice":true,"message":"Back Monday"}}"#,
                ),
            ),
            row(
                "Bob",
                p(r#"{"id":"c","availability":"Available","activity":"Available"}"#),
            ),
        ]
    }

    #[test]
    fn the_table_fits_the_width_giving_up_the_message_then_the_location() {
        let all: &[&str] = &[
            "NAME",
            "AVAILABILITY",
            "ACTIVITY",
            "OOO",
            "MESSAGE",
            "LOCATION",
        ];
        let expected_headers: [(usize, &[&str]); 6] = [
            (120, all),
            (100, all),
            (80, &["NAME", "AVAILABILITY", "ACTIVITY", "OOO", "LOCATION"]),
            (70, &["NAME", "AVAILABILITY", "ACTIVITY", "OOO"]),
            (60, &["NAME", "AVAILABILITY"]),
            (40, &["NAME", "AVAILABILITY"]),
        ];
        for (columns, headers) in expected_headers {
            let out = render(&team(), Style { columns, ..PLAIN });
            let lines: Vec<&str> = out.lines().collect();
            assert_eq!(lines.len(), 4, "one line per row at {columns}:\n{out}");
            for line in &lines {
                assert!(
                    width(line) <= columns,
                    "{columns}: {line:?} is {}",
                    width(line)
                );
            }
            let shown: Vec<&str> = lines[0].split_whitespace().collect();
            assert_eq!(shown, headers, "at {columns}:\n{out}");
            assert!(lines[1].starts_with("Amélie Müller-Schmidt  "), "{out}");
        }
        // The message shrinks before it goes.
        let out = render(
            &team(),
            Style {
                columns: 100,
                ..PLAIN
            },
        );
        assert!(out.contains("Planning the Q3 offsi…"), "{out}");
        // Narrower than name and availability: they are shortened, never wrapped.
        for columns in [30, 12, 3] {
            let out = render(&team(), Style { columns, ..PLAIN });
            assert_eq!(out.lines().count(), 4);
            for line in out.lines() {
                assert!(width(line) <= columns, "{columns}: {line:?}");
            }
        }
    }

    #[test]
    fn the_width_is_the_terminals_else_columns_else_a_stable_default() {
        assert_eq!(columns(Some(83), Some("200")), 83);
        assert_eq!(columns(None, Some("200")), 200);
        assert_eq!(columns(None, Some(" 61 ")), 61);
        assert_eq!(columns(None, Some("wide")), PIPED_COLUMNS);
        assert_eq!(columns(None, Some("0")), PIPED_COLUMNS);
        assert_eq!(columns(Some(0), None), PIPED_COLUMNS);
        assert_eq!(columns(None, None), 120);
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
