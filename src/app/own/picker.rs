//! The pickers behind `p` and `L`: your availability then how long, and your work location then
//! (for the office) which place. Pure state: keys in, a `Change` out.

use crossterm::event::{Event, KeyCode, KeyEvent};
use jiff::Zoned;
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

use super::Outcome;
use crate::expiry;
use crate::graph::own::{ManualLocation, Preferred};
use crate::own::{Change, LocationChange};
use crate::text::SafeText;

/// The lengths offered for an availability, in minutes; then "until the end of the day" and
/// "custom".
const LENGTHS: [(u64, &str); 3] = [(30, "30 minutes"), (60, "1 hour"), (120, "2 hours")];

#[derive(Clone, Debug)]
pub enum Step {
    Availability,
    /// How long `preferred` lasts; `custom` while a length or time is being typed.
    Duration {
        preferred: Preferred,
        custom: Option<Input>,
    },
    Location,
    /// Which place (Office), from the places the board knows by name (`Picker::places`).
    Place,
}

#[derive(Clone, Debug)]
pub struct Picker {
    step: Step,
    cursor: usize,
    /// Places the board knows by name, for Office.
    places: Vec<(String, SafeText)>,
    /// What was wrong with the last custom entry.
    error: Option<String>,
}

impl Picker {
    /// `p`: availability first.
    pub fn presence() -> Self {
        Self {
            step: Step::Availability,
            cursor: 0,
            places: Vec::new(),
            error: None,
        }
    }

    /// `L`: the kind of location first; `places` are offered after Office.
    pub fn location(places: Vec<(String, SafeText)>) -> Self {
        Self {
            step: Step::Location,
            cursor: 0,
            places,
            error: None,
        }
    }

    pub fn step(&self) -> &Step {
        &self.step
    }

    pub fn title(&self) -> String {
        match &self.step {
            Step::Availability => "Set your availability".to_owned(),
            Step::Duration { preferred, .. } => format!("{} for how long?", preferred.words()),
            Step::Location => "Set your work location".to_owned(),
            Step::Place => "Which office?".to_owned(),
        }
    }

    /// The rows of the current step, in order (the cursor indexes them).
    pub fn rows(&self) -> Vec<String> {
        match &self.step {
            Step::Availability => Preferred::ALL
                .iter()
                .map(|p| p.words().to_owned())
                .chain(["Reset to automatic".to_owned()])
                .collect(),
            Step::Duration { .. } => LENGTHS
                .iter()
                .map(|(_, words)| (*words).to_owned())
                .chain([
                    "Until the end of the day".to_owned(),
                    "Custom… (90m, until 17:30, tomorrow 09:00)".to_owned(),
                ])
                .collect(),
            Step::Location => ["Office", "Remote", "Time off", "Clear (back to automatic)"]
                .map(str::to_owned)
                .to_vec(),
            Step::Place => ["Office, no particular place".to_owned()]
                .into_iter()
                .chain(
                    self.places
                        .iter()
                        .map(|(_, name)| format!("Office · {name}")),
                )
                .collect(),
        }
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The custom length or time being typed.
    pub fn custom(&self) -> Option<&Input> {
        match &self.step {
            Step::Duration { custom, .. } => custom.as_ref(),
            _ => None,
        }
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// A key: `j`/`k` or arrows move, a digit picks that row, Enter takes the row, Esc goes back a
    /// step (closing from the first). While typing a custom time, keys edit it.
    pub fn key(&mut self, key: KeyEvent, now: &Zoned) -> Outcome {
        if let Step::Duration {
            preferred,
            custom: Some(input),
        } = &mut self.step
        {
            match key.code {
                KeyCode::Esc => {
                    self.error = None;
                    self.step = Step::Duration {
                        preferred: *preferred,
                        custom: None,
                    };
                }
                KeyCode::Enter => match expiry::parse_phrase(input.value(), now) {
                    Ok(Some(ends)) => {
                        return Outcome::Chosen(Change::Presence {
                            preferred: *preferred,
                            until: Some(ends),
                        });
                    }
                    Ok(None) => self.error = Some("type a length or a time first".to_owned()),
                    Err(e) => self.error = Some(e.to_string()),
                },
                _ => {
                    if let Some(request) = to_input_request(&Event::Key(key)) {
                        input.handle(request);
                        self.error = None;
                    }
                }
            }
            return Outcome::Open;
        }
        let rows = self.rows().len();
        match key.code {
            KeyCode::Esc => return self.back(),
            KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
                self.cursor = (self.cursor + 1).min(rows - 1);
            }
            KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => {
                self.cursor = self.cursor.saturating_sub(1);
            }
            KeyCode::Home | KeyCode::Char('g') => self.cursor = 0,
            KeyCode::End | KeyCode::Char('G') => self.cursor = rows - 1,
            KeyCode::Char(c @ '1'..='9') => {
                let row = c as usize - '1' as usize;
                if row < rows {
                    self.cursor = row;
                    return self.take(now);
                }
            }
            KeyCode::Enter => return self.take(now),
            _ => {}
        }
        Outcome::Open
    }

    /// A paste goes into the custom time being typed, made safe; elsewhere it is dropped.
    pub fn paste(&mut self, text: &str) {
        if let Step::Duration {
            custom: Some(input),
            ..
        } = &mut self.step
        {
            crate::app::input::paste_into(input, text);
        }
    }

    fn back(&mut self) -> Outcome {
        self.error = None;
        match &self.step {
            Step::Duration { preferred, .. } => {
                self.cursor = Preferred::ALL
                    .iter()
                    .position(|p| p == preferred)
                    .unwrap_or(0);
                self.step = Step::Availability;
                Outcome::Open
            }
            Step::Place => {
                self.cursor = 0;
                self.step = Step::Location;
                Outcome::Open
            }
            Step::Availability | Step::Location => Outcome::Closed,
        }
    }

    fn take(&mut self, now: &Zoned) -> Outcome {
        let at = self.cursor;
        match &self.step {
            Step::Availability => match Preferred::ALL.get(at) {
                Some(&preferred) => {
                    self.step = Step::Duration {
                        preferred,
                        custom: None,
                    };
                    self.cursor = 1;
                    Outcome::Open
                }
                None => Outcome::Chosen(Change::Reset),
            },
            Step::Duration { preferred, .. } => {
                let preferred = *preferred;
                let until = match at {
                    i if i < LENGTHS.len() => {
                        expiry::parse_for(&format!("{}m", LENGTHS[i].0), now).ok()
                    }
                    i if i == LENGTHS.len() => expiry::end_of_day(now).ok(),
                    _ => {
                        self.step = Step::Duration {
                            preferred,
                            custom: Some(Input::default()),
                        };
                        return Outcome::Open;
                    }
                };
                if let Some(ends) = until {
                    Outcome::Chosen(Change::Presence {
                        preferred,
                        until: Some(ends),
                    })
                } else {
                    self.error = Some("that time cannot be written here".to_owned());
                    Outcome::Open
                }
            }
            Step::Location => {
                let set = |location| {
                    Outcome::Chosen(Change::Location(LocationChange::Set {
                        location,
                        place: None,
                    }))
                };
                match at {
                    0 if !self.places.is_empty() => {
                        self.step = Step::Place;
                        self.cursor = 0;
                        Outcome::Open
                    }
                    0 => set(ManualLocation::Office),
                    1 => set(ManualLocation::Remote),
                    2 => set(ManualLocation::TimeOff),
                    _ => Outcome::Chosen(Change::Location(LocationChange::Clear)),
                }
            }
            Step::Place => Outcome::Chosen(Change::Location(LocationChange::Set {
                location: ManualLocation::Office,
                place: at.checked_sub(1).and_then(|i| self.places.get(i).cloned()),
            })),
        }
    }
}
