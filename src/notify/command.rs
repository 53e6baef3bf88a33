//! `[watch] command`: the user's program run for an alert, without a shell. Placeholders are
//! replaced inside each argument on its own, so a name with spaces, quotes or `;` stays one argument
//! and is never read as shell syntax or split into more; the program is started detached, and a
//! thread reaps it, so a slow command never holds up the board.

use std::process::{Command, Stdio};

use crate::text::SafeText;

/// What the placeholders stand for in one alert. Each value is untrusted text, made one safe line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields {
    /// `{name}`
    pub name: String,
    /// `{availability}`: in words, "Available", "Do not disturb".
    pub availability: String,
    /// `{activity}`: in words, "In a meeting".
    pub activity: String,
    /// `{mail}`: the mail, else the UPN.
    pub mail: String,
    /// `{id}`
    pub id: String,
}

/// The placeholders a command may use.
pub const PLACEHOLDERS: &[&str] = &["{name}", "{availability}", "{activity}", "{mail}", "{id}"];

/// `template` with each placeholder replaced in each argument; never more or fewer arguments.
pub fn substitute(template: &[String], fields: &Fields) -> Vec<String> {
    let value = |raw: &str| {
        let safe = SafeText::line(raw).as_str().to_owned();
        // A value that opens an argument must not pass for an option of the program.
        match safe.strip_prefix('-') {
            Some(rest) => format!("\u{2010}{rest}"),
            None => safe,
        }
    };
    let pairs = [
        ("{name}", value(&fields.name)),
        ("{availability}", value(&fields.availability)),
        ("{activity}", value(&fields.activity)),
        ("{mail}", value(&fields.mail)),
        ("{id}", value(&fields.id)),
    ];
    template
        .iter()
        .map(|arg| {
            // One pass over the argument, so a value that itself reads "{mail}" stays as it is.
            let mut out = String::with_capacity(arg.len());
            let mut rest = arg.as_str();
            'scan: while !rest.is_empty() {
                for (key, value) in &pairs {
                    if let Some(after) = rest.strip_prefix(key) {
                        out.push_str(value);
                        rest = after;
                        continue 'scan;
                    }
                }
                let mut chars = rest.chars();
                if let Some(c) = chars.next() {
                    out.push(c);
                }
                rest = chars.as_str();
            }
            out
        })
        .collect()
}

/// Starts `argv` detached (no shell, no terminal: stdin, stdout and stderr go nowhere); a thread
/// waits for it and logs a failure. Returns at once.
pub fn spawn(argv: &[String]) {
    let Some((program, args)) = argv.split_first() else {
        return;
    };
    let shown = SafeText::line(program);
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => {
            tracing::warn!(program = %shown, error = %SafeText::line(&e.to_string()), "the [watch] command could not be started");
            return;
        }
    };
    let reaper = std::thread::Builder::new()
        .name("watch-command".into())
        .spawn(move || match child.wait() {
            Ok(status) if status.success() => {}
            Ok(status) => {
                tracing::warn!(program = %shown, %status, "the [watch] command failed");
            }
            Err(e) => {
                tracing::warn!(program = %shown, error = %SafeText::line(&e.to_string()), "the [watch] command could not be waited for");
            }
        });
    if let Err(e) = reaper {
        tracing::warn!(error = %e, "no thread to wait for the [watch] command");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(name: &str) -> Fields {
        Fields {
            name: name.into(),
            availability: "Available".into(),
            activity: "Available".into(),
            mail: "ann@contoso.com".into(),
            id: "42".into(),
        }
    }

    fn template(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn each_argument_is_filled_on_its_own_and_never_split() {
        let t = template(&[
            "notify-send",
            "teamboard",
            "{name} is {availability}",
            "{mail}",
        ]);
        let hostile = "Ann $(rm -rf ~); `x` \"quoted\" 'single' {mail}\n--urgency=critical";
        let argv = substitute(&t, &fields(hostile));
        assert_eq!(argv.len(), 4, "{argv:?}");
        assert_eq!(argv[0], "notify-send");
        assert_eq!(
            argv[2],
            "Ann $(rm -rf ~); `x` \"quoted\" 'single' {mail} --urgency=critical is Available",
            "kept as text, one line, the placeholder inside the name left alone"
        );
        assert_eq!(argv[3], "ann@contoso.com");
    }

    #[test]
    fn a_value_never_passes_for_an_option_or_carries_controls() {
        let argv = substitute(&template(&["{name}"]), &fields("--exec=evil\x1b]0;x\x07"));
        assert!(!argv[0].starts_with('-'), "{argv:?}");
        assert!(!argv[0].chars().any(char::is_control), "{argv:?}");
        // Text around placeholders and unknown braces stay as written.
        let argv = substitute(&template(&["{nope} {id}", "{"]), &fields("A"));
        assert_eq!(argv, ["{nope} 42", "{"]);
    }

    #[test]
    fn a_command_runs_without_a_shell() {
        // A shell would expand `$HOME`; without one, the file's name is the text as written.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let argv = substitute(
            &template(&[
                "sh",
                "-c",
                "printf '%s' \"$1\" > \"$2\"",
                "sh",
                "{name}",
                &out.to_string_lossy(),
            ]),
            &fields("Ann $HOME; `id`"),
        );
        spawn(&argv);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if let Ok(text) = std::fs::read_to_string(&out)
                && !text.is_empty()
            {
                assert_eq!(text, "Ann $HOME; `id`");
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the command never ran"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        spawn(&["/nonexistent/teamboard-test-program".into()]);
    }
}
