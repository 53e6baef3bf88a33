//! Carrying out alerts in the loop: the bell and the desktop notification written to the terminal,
//! the user's command started detached, and the watch list file written off the loop.

use std::cell::OnceCell;
use std::io::{self, Write};
use std::process::{Command, Stdio};

use crate::app::Outgoing;
use crate::config::Config;
use crate::graph::model::UserId;
use crate::notify::{Desktop, Sequence, command};
use crate::paths::{Env, ProcessEnv};
use crate::text::SafeText;
use crate::watch_file::WatchFile;

pub struct Alerts {
    desktop: Desktop,
    /// The desktop notification this terminal shows, if any: decided at the first alert (asking
    /// tmux takes up to three processes, which a board nobody is watched on never needs).
    sequence: OnceCell<Option<Sequence>>,
    file: Option<WatchFile>,
}

impl Alerts {
    /// The notification `[watch] desktop` asks for, and where the watch list is kept.
    pub fn for_config(config: &Config, file: Option<WatchFile>) -> Self {
        Self {
            desktop: config.watch.desktop,
            sequence: OnceCell::new(),
            file,
        }
    }

    /// A reloaded `[watch] desktop`: decided again at the next alert.
    pub fn set_desktop(&mut self, desktop: Desktop) {
        self.desktop = desktop;
        self.sequence = OnceCell::new();
    }

    /// The bell (tmux marks the window; `monitor-bell` users see it from elsewhere), then the
    /// notification. The command is started detached and never waited for here.
    pub fn ring(&self, out: &mut impl Write, alert: &Outgoing) -> io::Result<()> {
        out.write_all(b"\x07")?;
        if let Some(sequence) = *self.sequence.get_or_init(|| sequence_for(self.desktop)) {
            out.write_all(sequence.build(&alert.text).as_bytes())?;
        }
        out.flush()?;
        if !alert.command.is_empty() {
            command::spawn(&alert.command);
        }
        Ok(())
    }

    /// Keeps the people marked with `w`, on a blocking thread.
    pub fn save(&self, ids: Vec<UserId>) {
        let Some(file) = self.file.clone() else {
            return;
        };
        tokio::task::spawn_blocking(move || {
            if let Err(e) = file.save(&ids) {
                tracing::warn!(error = %SafeText::line(&e.to_string()), "could not keep the watch list");
            }
        });
    }
}

fn sequence_for(desktop: Desktop) -> Option<Sequence> {
    let env = &ProcessEnv;
    let in_tmux = env.var("TMUX").is_some_and(|v| !v.is_empty());
    let passthrough = in_tmux && desktop != Desktop::Off && tmux_allows_passthrough();
    let sequence = Sequence::choose(desktop, env, passthrough);
    tracing::info!(?sequence, in_tmux, "desktop notifications");
    sequence
}

/// Whether tmux passes escape sequences through to the terminal outside (`allow-passthrough`, tmux
/// 3.3 and later; the pane's setting, else the window's and global ones it inherits). An older
/// tmux, or one that cannot be asked, is taken as no.
fn tmux_allows_passthrough() -> bool {
    let ask = |scope: &str| {
        Command::new("tmux")
            .args(["show-options", scope, "-qv", "allow-passthrough"])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let value = ask("-p").or_else(|| ask("-w")).or_else(|| ask("-g"));
    matches!(value.as_deref(), Some("on" | "all"))
}
