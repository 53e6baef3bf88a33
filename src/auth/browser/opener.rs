//! Opening a URL in the user's browser: the `BROWSER` variable when set (the command, with the URL
//! as its argument; `%s` stands for the URL where a command wants it elsewhere; several commands
//! separated by `:` are tried in turn), else the platform's opener. Never through a shell.

use std::ffi::OsString;
use std::process::{Command, Stdio};

use crate::paths::Env;

/// Which program took the URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened(pub String);

/// Whether a URL may be handed to a browser: https, plain http on loopback (the simulated tenant), or
/// a `mailto:` address (the board's mail key).
pub fn is_openable(url: &str) -> bool {
    let Ok(parsed) = oauth2::url::Url::parse(url) else {
        return false;
    };
    match parsed.scheme() {
        "https" => parsed.host().is_some(),
        "http" => match parsed.host() {
            Some(oauth2::url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(oauth2::url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(oauth2::url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        },
        "mailto" => !parsed.path().is_empty(),
        _ => false,
    }
}

/// The commands to try for `url`, in order: each program with its arguments.
pub fn commands(url: &str, env: &dyn Env) -> Vec<Vec<OsString>> {
    let mut out = Vec::new();
    if let Some(browser) = env.var("BROWSER").filter(|b| !b.is_empty()) {
        for entry in browser.to_string_lossy().split(':') {
            let words: Vec<&str> = entry.split_whitespace().collect();
            if words.is_empty() {
                continue;
            }
            let mut argv: Vec<OsString> =
                words.iter().map(|w| w.replace("%s", url).into()).collect();
            if !words.iter().any(|w| w.contains("%s")) {
                argv.push(url.into());
            }
            out.push(argv);
        }
    }
    let platform = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    out.push(vec![platform.into(), url.into()]);
    out
}

/// Starts the first command that can be started, without waiting for it (a browser may run for
/// hours); a thread reaps it when it ends. `Err` says why nothing could be started.
pub fn open(url: &str, env: &dyn Env) -> Result<Opened, String> {
    if !is_openable(url) {
        return Err("not an https address".into());
    }
    let mut last = String::from("no browser command");
    for argv in commands(url, env) {
        let Some((program, args)) = argv.split_first() else {
            continue;
        };
        let spawned = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            Ok(mut child) => {
                let _ = std::thread::Builder::new()
                    .name("browser-reaper".into())
                    .spawn(move || child.wait());
                return Ok(Opened(program.to_string_lossy().into_owned()));
            }
            Err(e) => last = format!("{}: {e}", program.to_string_lossy()),
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(browser: Option<&'static str>) -> impl Fn(&str) -> Option<OsString> {
        move |name: &str| {
            (name == "BROWSER")
                .then(|| browser.map(OsString::from))
                .flatten()
        }
    }

    #[test]
    fn browser_is_tried_first_with_the_url_as_its_argument() {
        let url = "https://login.example/authorize?x=1";
        let cmds = commands(
            url,
            &env(Some("firefox --new-window:chromium %s --incognito")),
        );
        assert_eq!(cmds[0], ["firefox", "--new-window", url]);
        assert_eq!(cmds[1], ["chromium", url, "--incognito"]);
        assert_eq!(cmds.len(), 3, "then the platform opener");
        assert_eq!(commands(url, &env(None)).len(), 1);
    }

    #[test]
    fn only_https_or_loopback_is_opened() {
        assert!(is_openable("https://login.microsoftonline.com/x"));
        assert!(is_openable("http://127.0.0.1:8080/devicelogin"));
        assert!(is_openable("http://localhost:1/x"));
        assert!(!is_openable("http://evil.example/x"));
        assert!(!is_openable("file:///etc/passwd"));
        assert!(!is_openable("javascript:alert(1)"));
        assert!(open("file:///etc/passwd", &env(None)).is_err());
    }
}
