//! `teamboard login`, `login --status` and `logout`: signing in from the command line, saying who
//! is signed in, and forgetting it all.

use std::io::Write;

use crate::auth::flow::{self, Flow, Pending};
use crate::auth::{AuthError, TOKEN_VAR, sources};
use crate::cli::LoginArgs;
use crate::config::{AuthMode, Config};
use crate::exit::{Exit, Failure};
use crate::paths::{self, Env};
use crate::store::Store;
use crate::text::SafeText;

fn failure(e: &AuthError) -> Failure {
    Failure::new(e.exit(), e.to_string())
}

/// `teamboard login [--browser | --device-code | --status]`.
pub async fn run(config: &Config, args: &LoginArgs, env: &dyn Env) -> Result<(), Failure> {
    if args.status {
        return status(config, env).await;
    }
    if config.auth.mode == AuthMode::App {
        return app_only(config, env).await;
    }
    let session = sources::session(config, env).map_err(|e| failure(&e))?;
    let flow = Flow::choose(args.browser, args.device_code, env);
    let entra = session.entra();
    let pending = flow::start(flow, entra, session.scopes())
        .await
        .map_err(|e| failure(&e))?;
    let mut err = std::io::stderr().lock();
    match &pending {
        Pending::Browser(login) => {
            let _ = writeln!(
                err,
                "Signing in in your browser. If no browser window opens, open this address:\n\n  {}\n",
                login.url
            );
            if let Err(why) = crate::auth::browser::open(login.raw_url(), env) {
                let _ = writeln!(
                    err,
                    "(could not open a browser: {}; open the address above by hand, or run `teamboard login --device-code`)",
                    SafeText::line(&why)
                );
            }
            let _ = writeln!(err, "Waiting for the browser…");
        }
        Pending::Device(login) => {
            let expires = login
                .expires_at
                .to_zoned(jiff::tz::TimeZone::system())
                .strftime("%H:%M");
            let _ = writeln!(
                err,
                "To sign in, open {} in a browser on any device and enter the code\n\n  {}\n\nThe code works until {expires}. Waiting…",
                login.verification_uri, login.user_code
            );
        }
    }
    drop(err);
    let granted = flow::finish(entra, pending)
        .await
        .map_err(|e| failure(&e))?;
    let (signin, saved) = session.remember(granted).await.map_err(|e| failure(&e))?;
    if let Some(warning) = saved.warning {
        eprintln!("teamboard: {warning}");
    }
    println!(
        "signed in as {} (tenant {}); the sign-in is kept in {}",
        SafeText::line(&signin.account.username),
        SafeText::line(&signin.account.tenant_id),
        saved.location
    );
    if std::env::var_os(TOKEN_VAR).is_some() {
        eprintln!(
            "teamboard: note: {TOKEN_VAR} is set and takes precedence over this sign-in; unset it to use the sign-in"
        );
    }
    Ok(())
}

/// App-only mode has no user to sign in: check that the secret works, and say so.
async fn app_only(config: &Config, env: &dyn Env) -> Result<(), Failure> {
    let tokens = sources::for_config(config, env);
    if let Some(e) = tokens.unusable {
        return Err(failure(&e));
    }
    tokens.source.bearer().await.map_err(|e| failure(&e))?;
    println!(
        "app-only mode: the app's client secret was accepted; there is no user to sign in (and no \"you\" on the board)"
    );
    Ok(())
}

/// `teamboard login --status`: who, which tenant, what was granted, where it is kept, when the
/// access token expires. Never a token. Exit 3 when nobody is signed in.
async fn status(config: &Config, env: &dyn Env) -> Result<(), Failure> {
    if config.auth.mode == AuthMode::App {
        println!(
            "app-only mode ([auth] mode = \"app\"): no user signs in; the app's secret comes from ${}",
            SafeText::line(config.auth.client_secret_env.as_deref().unwrap_or_default())
        );
        return Ok(());
    }
    let store = std::sync::Arc::new(sources::store(config, env).map_err(|e| failure(&e))?);
    let profile = sources::profile(config);
    let reader = store.clone();
    let loaded = tokio::task::spawn_blocking(move || reader.load(&profile))
        .await
        .map_err(|_| Failure::new(Exit::Unexpected, "the token store was interrupted"))?
        .map_err(|e| Failure::new(Exit::Unexpected, e.to_string()))?;
    let Some((signin, kind)) = loaded else {
        let mut line = String::from("not signed in: run `teamboard login`");
        if std::env::var_os(TOKEN_VAR).is_some() {
            line = format!("{line} ({TOKEN_VAR} is set and is used instead)");
        }
        return Err(Failure::new(Exit::SignIn, line));
    };
    let tz = jiff::tz::TimeZone::system();
    let expires = signin.expires_at.to_zoned(tz).strftime("%Y-%m-%d %H:%M %Z");
    let renewable = if signin.refresh_token.is_some() {
        "renewed automatically"
    } else {
        "cannot be renewed: sign in again then"
    };
    let line = |name: &str, value: &str| println!("{name:<9} {}", SafeText::line(value));
    line("account", &signin.account.username);
    line(
        "tenant",
        &format!(
            "{} (signed in through \"{}\")",
            signin.account.tenant_id, signin.tenant
        ),
    );
    line("client", &config.auth.client_id);
    line("scopes", &signin.scopes.join(" "));
    line("store", store.location(kind).as_str());
    line("expires", &format!("{expires} (access token; {renewable})"));
    if std::env::var_os(TOKEN_VAR).is_some() {
        line("note", &format!("{TOKEN_VAR} is set and takes precedence"));
    }
    Ok(())
}

/// `teamboard logout`: the stored sign-ins (keyring and file) and every cached snapshot and roster.
pub fn logout(config: &Config, env: &dyn Env) -> Result<(), Failure> {
    let mut said = Vec::new();
    match sources::store(config, env) {
        Ok(store) => {
            let removed = store
                .remove_all()
                .map_err(|e| Failure::new(Exit::Unexpected, e.to_string()))?;
            if removed.is_empty() {
                said.push("no sign-in was stored".to_owned());
            }
            for r in removed {
                said.push(format!("removed {r}"));
            }
        }
        Err(e) => said.push(e.to_string()),
    }
    match Store::default_dir() {
        Some(dir) => {
            let shown = SafeText::line(&paths::display(&dir, env));
            let removed = Store::new(dir).clear_all().map_err(|e| {
                Failure::new(
                    Exit::Unexpected,
                    format!(
                        "could not clear {shown}: {}",
                        SafeText::line(&e.to_string())
                    ),
                )
            })?;
            said.push(format!("removed {removed} cached file(s) from {shown}"));
        }
        None => said.push("no cache directory".to_owned()),
    }
    if std::env::var_os(TOKEN_VAR).is_some() {
        said.push(format!("{TOKEN_VAR} is set in this shell: unset it too"));
    }
    println!("{}", said.join("; "));
    Ok(())
}
