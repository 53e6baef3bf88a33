//! Whether the terminal shows synchronized updates (DEC mode 2026), decided from the environment.
//!
//! Asking the terminal (DECRQM `CSI ? 2026 $ p`) would be exact, but the answer arrives on stdin: it
//! must be read before crossterm's event stream starts, it costs a round trip before the first frame,
//! and a terminal that answers late, or never, leaves its reply to be read as keys (`$`, `y`). The
//! environment costs nothing and cannot be misread. It names the terminal the board writes to: inside
//! tmux that is tmux (which sets `TERM_PROGRAM=tmux` and its version for every pane), and tmux honours
//! the mode for its panes only from 3.7 on; earlier versions, GNU screen and unknown terminals get
//! nothing, which costs only the tearing the mode would have hidden.

/// Terminals known to support the mode, by `TERM_PROGRAM`.
const PROGRAMS: &[&str] = &["WezTerm", "ghostty", "iTerm.app", "contour", "rio"];
/// ... and by `TERM`, where they set their own.
const TERMS: &[&str] = &[
    "xterm-kitty",
    "xterm-ghostty",
    "alacritty",
    "foot",
    "foot-extra",
    "wezterm",
    "contour",
    "rio",
];
/// The first tmux that holds a pane's output back during a synchronized update.
const TMUX: (u32, u32) = (3, 7);

/// Whether to wrap frames in synchronized updates; `env` reads an environment variable.
pub fn supported(env: impl Fn(&str) -> Option<String>) -> bool {
    let program = env("TERM_PROGRAM").unwrap_or_default();
    if env("TMUX").is_some_and(|v| !v.is_empty()) || program == "tmux" {
        return program == "tmux"
            && env("TERM_PROGRAM_VERSION").and_then(|v| version(&v)) >= Some(TMUX);
    }
    if env("STY").is_some() {
        // GNU screen passes nothing of the kind through.
        return false;
    }
    let term = env("TERM").unwrap_or_default();
    PROGRAMS.contains(&program.as_str()) || TERMS.contains(&term.as_str())
}

/// "3.7b" → (3, 7); "next-3.8" → (3, 8).
fn version(text: &str) -> Option<(u32, u32)> {
    let text = text.trim_start_matches(|c: char| !c.is_ascii_digit());
    let (major, rest) = text.split_once('.')?;
    let minor: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((major.parse().ok()?, minor.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> bool {
        supported(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn tmux_from_3_7_and_known_terminals_only() {
        let tmux = |version| {
            with(&[
                ("TMUX", "/tmp/tmux-0/default,1,0"),
                ("TERM_PROGRAM", "tmux"),
                ("TERM_PROGRAM_VERSION", version),
                ("TERM", "tmux-256color"),
            ])
        };
        assert!(!tmux("3.3a"));
        assert!(!tmux("3.5a"));
        assert!(tmux("3.7"));
        assert!(tmux("3.7b"));
        assert!(tmux("next-3.8"));
        assert!(tmux("4.0"));
        // Inside tmux only tmux counts, whatever terminal it runs in.
        assert!(!with(&[("TMUX", "/tmp/x,1,0"), ("TERM", "xterm-kitty")]));
        assert!(with(&[("TERM", "xterm-kitty")]));
        assert!(with(&[
            ("TERM_PROGRAM", "WezTerm"),
            ("TERM", "xterm-256color")
        ]));
        assert!(!with(&[("TERM", "xterm-256color")]));
        assert!(!with(&[("TERM", "screen"), ("STY", "1234.pts-0")]));
        assert!(!with(&[]));
    }
}
