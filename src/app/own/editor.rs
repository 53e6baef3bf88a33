//! The line editor behind `m`: your status message (the current one filled in) and, on a second
//! line, when it ends ("until 17:00", "for 2h", "tomorrow 09:00", or empty for never). Tab moves
//! between the two; Enter sets it (an empty message clears it); Esc leaves it as it was.

use crossterm::event::{Event, KeyCode, KeyEvent};
use jiff::Zoned;
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

use super::Outcome;
use crate::expiry;
use crate::own::Change;
use crate::text::SafeText;

/// Which line has the keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Message,
    Expiry,
}

#[derive(Clone, Debug)]
pub struct Editor {
    pub message: Input,
    pub expiry: Input,
    pub focus: Field,
    /// What was wrong with the expiry when Enter was pressed.
    error: Option<String>,
}

impl Editor {
    /// Opens with `current` (your message as Graph last reported it) filled in, the cursor after it.
    pub fn new(current: &str) -> Self {
        Self {
            message: Input::new(SafeText::line(current).to_string()),
            expiry: Input::default(),
            focus: Field::Message,
            error: None,
        }
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// What the expiry line reads as now: "until 17:00 today", "no expiry", or what is wrong.
    pub fn preview(&self, now: &Zoned) -> Result<String, String> {
        match expiry::parse_phrase(self.expiry.value(), now) {
            Ok(Some(ends)) => Ok(format!("until {ends}")),
            Ok(None) => Ok("no expiry".to_owned()),
            Err(e) => Err(e.to_string()),
        }
    }

    pub fn key(&mut self, key: KeyEvent, now: &Zoned) -> Outcome {
        match key.code {
            KeyCode::Esc => return Outcome::Closed,
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Down | KeyCode::Up => {
                self.focus = match self.focus {
                    Field::Message => Field::Expiry,
                    Field::Expiry => Field::Message,
                };
            }
            KeyCode::Enter => match expiry::parse_phrase(self.expiry.value(), now) {
                Ok(until) => {
                    let text = self.message.value().trim().to_owned();
                    return Outcome::Chosen(Change::Message {
                        until: until.filter(|_| !text.is_empty()),
                        text,
                    });
                }
                Err(e) => {
                    self.focus = Field::Expiry;
                    self.error = Some(e.to_string());
                }
            },
            _ => {
                if let Some(request) = to_input_request(&Event::Key(key)) {
                    self.focused().handle(request);
                    self.error = None;
                }
            }
        }
        Outcome::Open
    }

    /// A paste goes into the focused line, made safe (one line).
    pub fn paste(&mut self, text: &str) {
        crate::app::input::paste_into(self.focused(), text);
    }

    fn focused(&mut self) -> &mut Input {
        match self.focus {
            Field::Message => &mut self.message,
            Field::Expiry => &mut self.expiry,
        }
    }
}
