//! Which sign-in flow, and the two flows behind one face for `login` and the board's panel.
//!
//! The browser flow wherever a browser can be opened: `BROWSER` set (editors' remote sessions set
//! it and forward localhost), or a desktop session (macOS, `DISPLAY`, `WAYLAND_DISPLAY`) not reached
//! over ssh. Device code otherwise: it works from any machine, but many tenants block it.

use super::AuthError;
use super::browser::{self, BrowserLogin};
use super::device_code::{self, DeviceLogin};
use super::entra::{Entra, Granted};
use crate::paths::Env;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Browser,
    DeviceCode,
}

impl Flow {
    /// `--browser` or `--device-code` when given, else what this environment allows.
    pub fn choose(browser: bool, device_code: bool, env: &dyn Env) -> Flow {
        let set = |name: &str| env.var(name).is_some_and(|v| !v.is_empty());
        if browser {
            Flow::Browser
        } else if device_code {
            Flow::DeviceCode
        } else if set("BROWSER")
            || ((cfg!(target_os = "macos") || set("DISPLAY") || set("WAYLAND_DISPLAY"))
                && !set("SSH_CONNECTION"))
        {
            Flow::Browser
        } else {
            Flow::DeviceCode
        }
    }
}

/// A sign-in waiting for the user.
#[derive(Debug)]
pub enum Pending {
    Browser(BrowserLogin),
    Device(DeviceLogin),
}

/// Starts `flow`: a listener and the sign-in page's URL, or a device code.
pub async fn start(flow: Flow, entra: &Entra, scopes: &[String]) -> Result<Pending, AuthError> {
    Ok(match flow {
        Flow::Browser => Pending::Browser(browser::start(entra, scopes).await?),
        Flow::DeviceCode => Pending::Device(device_code::start(entra, scopes).await?),
    })
}

/// Waits for the user to finish signing in.
pub async fn finish(entra: &Entra, pending: Pending) -> Result<Granted, AuthError> {
    match pending {
        Pending::Browser(login) => browser::finish(entra, login, browser::WAIT).await,
        Pending::Device(login) => device_code::finish(entra, &login).await,
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<OsString> {
        move |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn flags_win_then_browser_then_a_local_desktop() {
        let none = env(&[]);
        assert_eq!(Flow::choose(true, false, &none), Flow::Browser);
        assert_eq!(
            Flow::choose(false, true, &env(&[("BROWSER", "x")])),
            Flow::DeviceCode
        );
        assert_eq!(
            Flow::choose(
                false,
                false,
                &env(&[("BROWSER", "x"), ("SSH_CONNECTION", "a b c d")])
            ),
            Flow::Browser
        );
        if !cfg!(target_os = "macos") {
            assert_eq!(Flow::choose(false, false, &none), Flow::DeviceCode);
            assert_eq!(
                Flow::choose(false, false, &env(&[("DISPLAY", ":0")])),
                Flow::Browser
            );
            assert_eq!(
                Flow::choose(false, false, &env(&[("WAYLAND_DISPLAY", "wayland-0")])),
                Flow::Browser
            );
        }
        assert_eq!(
            Flow::choose(
                false,
                false,
                &env(&[("DISPLAY", ":0"), ("SSH_CONNECTION", "a b c d")])
            ),
            Flow::DeviceCode
        );
    }
}
