//! Lookup order and every kind of bad config: each error names file, line, key and the fix.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, "~/.config/teamboard/config.toml")
}

fn err(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

#[test]
fn the_example_documents_exactly_the_defaults() {
    let example = parse(EXAMPLE).unwrap();
    assert_eq!(example, Config::default());
    // Every key of the schema appears in the example (uncommented), so the documentation cannot drift.
    for (table, keys) in raw::SCHEMA {
        assert!(EXAMPLE.contains(&format!("[{table}]")), "[{table}] missing");
        for (key, _) in *keys {
            assert!(
                EXAMPLE.lines().any(|l| l.starts_with(&format!("{key} = "))),
                "{key} missing"
            );
        }
    }
}

#[test]
fn an_empty_file_is_the_defaults() {
    assert_eq!(parse("").unwrap(), Config::default());
}

#[test]
fn values_are_read() {
    let c = parse(
        r#"
[graph]
base_url = "http://127.0.0.1:8080/v1.0/"
timeout_secs = 3
[auth]
token_store = "file"
tenant = "contoso.onmicrosoft.com"
[team]
members = ["adele@contoso.com", "66825e03-7ef5-42da-9069-724602c31f6b", "x_y#EXT#@contoso.onmicrosoft.com"]
groups = ["g1"]
include_me = false
roster_ttl_hours = 0
[refresh]
interval_secs = 5
[ui]
symbols = "ascii"
sort = "recent"
group_by = "availability"
mouse = true
[keys]
"ctrl-f" = "page_down"
"a" = "quit"
"#,
    )
    .unwrap();
    assert_eq!(c.graph.base_url, "http://127.0.0.1:8080/v1.0");
    assert_eq!(c.graph.timeout, Duration::from_secs(3));
    assert_eq!(c.auth.token_store, TokenStoreKind::File);
    assert_eq!(c.team.members.len(), 3);
    assert_eq!(c.team.groups, ["g1"]);
    assert!(!c.team.include_me);
    assert_eq!(c.team.roster_ttl, Duration::ZERO);
    assert_eq!(c.refresh.interval, Duration::from_secs(5));
    assert_eq!(c.ui.symbols, Symbols::Ascii);
    assert_eq!(c.ui.sort, SortOrder::Recent);
    assert_eq!(c.ui.group_by, GroupBy::Availability);
    assert!(c.ui.mouse);
    // File order, not alphabetical, with lines.
    assert_eq!(
        c.keys,
        [
            KeyOverride {
                key: "ctrl-f".into(),
                command: "page_down".into(),
                line: 21
            },
            KeyOverride {
                key: "a".into(),
                command: "quit".into(),
                line: 22
            },
        ]
    );
}

#[test]
fn unknown_key_names_file_line_key_and_a_suggestion() {
    assert_eq!(
        err("[graph]\ntimeout_secs = 5\n\n[refresh]\n\n\nintervall = 3\n"),
        r#"~/.config/teamboard/config.toml:7: unknown key "intervall" in [refresh] (did you mean "interval_secs"?)"#
    );
    let e = err("[ui]\ncolour = \"red\"\n");
    assert!(e.starts_with("~/.config/teamboard/config.toml:2: unknown key \"colour\" in [ui] (keys here are: symbols, sort"), "{e}");
    let e = err("[graph]\ninterval_secs = 30\n");
    assert!(
        e.ends_with(":2: unknown key \"interval_secs\" in [graph] (it belongs in [refresh])"),
        "{e}"
    );
}

#[test]
fn unknown_tables_and_keys_outside_tables() {
    assert!(err("[uii]\nmouse = true\n").ends_with(":1: unknown table [uii] (did you mean [ui]?)"));
    let e = err("[colours]\n");
    assert!(
        e.ends_with(
            ":1: unknown table [colours] (tables are: graph, auth, team, refresh, ui, calendar, keys, watch)"
        ),
        "{e}"
    );
    assert!(
        err("mouse = true\n").ends_with(":1: \"mouse\" must be inside a table: move it under [ui]")
    );
    assert!(err("[graph.extra]\nx = 1\n").contains(":1: unknown key \"extra\" in [graph]"));
}

#[test]
fn wrong_types_name_what_is_expected() {
    let e = err("[refresh]\ninterval_secs = \"30\"\n");
    assert_eq!(
        e,
        "~/.config/teamboard/config.toml:2: \"interval_secs\" in [refresh] must be a whole number of seconds, 5 or more, e.g. 30, not text"
    );
    assert!(
        err("[ui]\nmouse = \"yes\"\n")
            .ends_with(":2: \"mouse\" in [ui] must be true or false, not text")
    );
    let e = err("[team]\nmembers = [\n  \"a@b.c\",\n  42,\n]\n");
    assert!(
        e.contains(":4: \"members\" in [team] must be a list of UPNs"),
        "{e}"
    );
    assert!(
        err("[team]\nmembers = \"a@b.c\"\n").contains(":2: \"members\" in [team] must be a list")
    );
    assert!(
        err("graph = 5\n").ends_with(
            ":1: [graph] must be a table, written [graph] on its own line, not a number"
        )
    );
    assert!(err("[keys]\n\"ctrl-f\" = 3\n").ends_with(":2: \"ctrl-f\" in [keys] must be a command name in quotes, e.g. \"page_down\", not a number"));
    assert!(err("[graph]\ntimeout_secs = 1.5\n").contains(":2: \"timeout_secs\" in [graph] must be a whole number of seconds, e.g. 15, not a decimal number"));
}

#[test]
fn bad_choices_list_the_allowed_values() {
    assert_eq!(
        err("[ui]\nsymbols = \"emoji\"\n"),
        "~/.config/teamboard/config.toml:2: \"symbols\" in [ui] is \"emoji\"; use one of \"unicode\", \"ascii\""
    );
    assert!(
        err("[ui]\nsort = \"Name\"\n")
            .ends_with("use one of \"availability\", \"name\", \"recent\", \"free\"")
    );
    assert!(
        err("[auth]\ntoken_store = \"vault\"\n")
            .contains(":2: \"token_store\" in [auth] is \"vault\"; use one of")
    );
}

#[test]
fn numbers_out_of_range() {
    assert_eq!(
        err("[refresh]\ninterval_secs = 4\n"),
        "~/.config/teamboard/config.toml:2: \"interval_secs\" in [refresh] is 4; use a number of seconds from 5 to 86400"
    );
    assert!(err("[graph]\ntimeout_secs = 0\n").contains("\"timeout_secs\" in [graph] is 0;"));
    assert!(
        err("[team]\nroster_ttl_hours = -1\n")
            .contains(":2: \"roster_ttl_hours\" in [team] is -1; use a number of hours")
    );
}

#[test]
fn plain_http_only_to_loopback() {
    for ok in [
        "https://graph.microsoft.com/v1.0",
        "https://graph.microsoft.us/v1.0",
        "http://127.0.0.1:1234/v1.0",
        "http://localhost:9/v1.0",
        "http://[::1]:80/v1.0",
    ] {
        assert!(
            parse(&format!("[graph]\nbase_url = \"{ok}\"\n")).is_ok(),
            "{ok}"
        );
    }
    for bad in [
        "http://graph.microsoft.com/v1.0",
        "ftp://x/",
        "graph.microsoft.com",
        "",
        "https://",
    ] {
        let e = err(&format!("[graph]\nbase_url = \"{bad}\"\n"));
        assert!(e.contains(":2: \"base_url\" in [graph] is"), "{bad}: {e}");
        assert!(e.contains("use an https:// URL"), "{e}");
    }
    assert!(
        err("[auth]\nauthority = \"http://login.example.com\"\n")
            .contains("\"authority\" in [auth]")
    );
}

#[test]
fn empty_members_are_rejected_with_their_line() {
    let e = err("[team]\nmembers = [\"a@b.c\",\n \"\"]\n");
    assert!(
        e.contains(":3: \"members\" in [team] is \"\"; use a UPN"),
        "{e}"
    );
}

#[test]
fn syntax_errors_name_the_line() {
    let e = err("[graph]\nbase_url = \"https://x\n");
    assert!(
        e.starts_with("~/.config/teamboard/config.toml:2: not valid TOML:"),
        "{e}"
    );
    let e = err("[ui]\nmouse = true\nmouse = false\n");
    assert!(
        e.starts_with("~/.config/teamboard/config.toml:3: not valid TOML:"),
        "{e}"
    );
}

#[test]
fn hostile_keys_and_values_are_sanitized_in_errors() {
    let e = err("[ui]\n\"\u{1b}]0;pwned\u{7}\" = 1\n");
    assert!(!e.contains('\u{1b}') && !e.contains('\u{7}'), "{e:?}");
    let e = err("[ui]\nsymbols = \"\u{1b}[2J\u{202e}x\"\n");
    assert!(!e.contains('\u{1b}') && !e.contains('\u{202e}'), "{e:?}");
    assert!(!e.contains('\n'));
}

// ---- lookup order and files ----

struct Vars(Vec<(&'static str, OsString)>);

impl crate::paths::Env for Vars {
    fn var(&self, name: &str) -> Option<OsString> {
        self.0
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    }
}

fn vars(list: &[(&'static str, &Path)]) -> Vars {
    Vars(
        list.iter()
            .map(|(k, v)| (*k, v.as_os_str().to_owned()))
            .collect(),
    )
}

#[test]
fn lookup_order_flag_env_xdg_home() {
    let flag = Path::new("/flag.toml");
    let all = vars(&[
        ("TEAMBOARD_CONFIG", Path::new("/env.toml")),
        ("XDG_CONFIG_HOME", Path::new("/xdg")),
        ("HOME", Path::new("/home/u")),
    ]);
    let at = |explicit: Option<&Path>, env: &Vars| locate(explicit, env).unwrap();
    assert_eq!(
        at(Some(flag), &all),
        Location {
            path: flag.into(),
            origin: Origin::Flag
        }
    );
    assert_eq!(
        at(None, &all),
        Location {
            path: "/env.toml".into(),
            origin: Origin::EnvVar
        }
    );
    let no_env = vars(&[
        ("XDG_CONFIG_HOME", Path::new("/xdg")),
        ("HOME", Path::new("/home/u")),
    ]);
    assert_eq!(
        at(None, &no_env).path,
        PathBuf::from("/xdg/teamboard/config.toml")
    );
    assert_eq!(at(None, &no_env).origin, Origin::Default);
    let home_only = vars(&[("HOME", Path::new("/home/u"))]);
    assert_eq!(
        at(None, &home_only).path,
        PathBuf::from("/home/u/.config/teamboard/config.toml")
    );
}

#[test]
fn a_missing_default_file_is_the_defaults_but_a_named_one_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let env = vars(&[("XDG_CONFIG_HOME", dir.path()), ("HOME", dir.path())]);
    assert_eq!(Config::load_with(None, &env).unwrap(), Config::default());

    let missing = dir.path().join("nope.toml");
    let e = Config::load_with(Some(&missing), &env).unwrap_err();
    assert_eq!(e.line, None);
    assert_eq!(
        e.to_string(),
        "~/nope.toml: no such file (check the --config path, or run `teamboard init` to write one)"
    );

    let by_env = vars(&[("TEAMBOARD_CONFIG", &missing), ("HOME", dir.path())]);
    let e = Config::load_with(None, &by_env).unwrap_err();
    assert!(e.to_string().contains("check $TEAMBOARD_CONFIG"), "{e}");
}

#[test]
fn files_are_read_and_their_source_kept() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("teamboard").join("config.toml");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "[refresh]\ninterval_secs = 60\n").unwrap();
    let env = vars(&[
        ("XDG_CONFIG_HOME", dir.path()),
        ("HOME", Path::new("/nonexistent")),
    ]);
    let c = Config::load_with(None, &env).unwrap();
    assert_eq!(c.refresh.interval, Duration::from_secs(60));
    assert_eq!(c.source.as_deref(), Some(file.as_path()));
}

#[test]
fn unreadable_directory_and_bad_utf8_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let env = vars(&[("HOME", Path::new("/nonexistent"))]);

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, b"[ui]\nmouse = true\nsymbols = \"\xff\"\n").unwrap();
    let e = Config::load_with(Some(&bad), &env).unwrap_err();
    assert_eq!(e.line, Some(3));
    assert!(e.message.as_str().contains("not valid UTF-8"), "{e}");

    let e = Config::load_with(Some(dir.path()), &env).unwrap_err();
    assert!(e.message.as_str().contains("not its directory"), "{e}");

    let locked = dir.path().join("locked.toml");
    std::fs::write(&locked, "").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // root reads anything; the check only means something for ordinary users.
    if std::fs::read(&locked).is_err() {
        let e = Config::load_with(Some(&locked), &env).unwrap_err();
        assert!(e.message.as_str().contains("permission denied"), "{e}");
    }
}

#[test]
fn init_writes_the_example_once() {
    let dir = tempfile::tempdir().unwrap();
    let env = vars(&[("XDG_CONFIG_HOME", dir.path()), ("HOME", dir.path())]);
    let path = write_example(None, &env, &super::InitValues::default()).unwrap();
    assert_eq!(path, dir.path().join("teamboard/config.toml"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), EXAMPLE);
    assert_eq!(
        Config::load_with(None, &env).unwrap().source.as_deref(),
        Some(path.as_path())
    );
    let again = write_example(None, &env, &super::InitValues::default()).unwrap_err();
    assert_eq!(again.exit, crate::exit::Exit::Usage);
    assert!(
        again.message.as_str().contains("already exists"),
        "{}",
        again.message
    );
}

#[test]
fn init_fills_in_the_client_id_and_tenant_and_refuses_bad_ones() {
    let values = super::InitValues {
        client_id: Some("3f2a1c9e-1111-4222-8333-444455556666".into()),
        tenant: Some("contoso.onmicrosoft.com".into()),
    };
    let text = super::example_with(&values).unwrap();
    let config = Config::parse(&text, "init").unwrap();
    assert_eq!(
        config.auth.client_id,
        "3f2a1c9e-1111-4222-8333-444455556666"
    );
    assert_eq!(config.auth.tenant, "contoso.onmicrosoft.com");
    let bad = super::InitValues {
        tenant: Some("two words".into()),
        ..super::InitValues::default()
    };
    let e = super::example_with(&bad).unwrap_err();
    assert_eq!(e.exit, crate::exit::Exit::Usage);
    assert!(e.message.as_str().contains("tenant"), "{}", e.message);
}

#[test]
fn app_only_mode_needs_a_secret_variable_and_user_mode_takes_none() {
    let app = parse("[auth]\nmode = \"app\"\nclient_secret_env = \"TB_SECRET\"\n").unwrap();
    assert_eq!(app.auth.mode, AuthMode::App);
    assert_eq!(app.auth.client_secret_env.as_deref(), Some("TB_SECRET"));
    assert!(!app.team.include_me, "no /me without a user");
    assert!(
        app.warnings
            .iter()
            .any(|w| w.as_str().contains("include_me"))
    );
    let e = err("[auth]\nmode = \"app\"\n");
    assert!(e.contains(":2:") && e.contains("client_secret_env"), "{e}");
    let e = err("[auth]\nclient_secret_env = \"TB_SECRET\"\n");
    assert!(
        e.contains("only with mode = \\\"app\\\"") || e.contains("only with mode"),
        "{e}"
    );
    let e = err("[auth]\nmode = \"app\"\nclient_secret_env = \"not a name\"\n");
    assert!(
        e.contains(":3:") && e.contains("environment variable"),
        "{e}"
    );
    assert_eq!(
        parse("[auth]\nclient_secret_env = \"\"\n").unwrap(),
        Config::default()
    );
}

#[test]
fn the_unfocused_interval_is_never_shorter_than_the_interval() {
    let c = parse("[refresh]\ninterval_secs = 300\n").unwrap();
    assert_eq!(c.refresh.unfocused_interval, Duration::from_secs(300));
    let c = parse("[refresh]\nunfocused_interval_secs = 600\n").unwrap();
    assert_eq!(c.refresh.unfocused_interval, Duration::from_secs(600));
    assert_eq!(
        Config::default().refresh.unfocused_interval,
        Duration::from_secs(120)
    );
}
