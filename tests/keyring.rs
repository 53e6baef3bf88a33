//! The token store against a real Secret Service: a private D-Bus session bus and a gnome-keyring
//! (unlocked, or locked with nothing to prompt) started for the test, with the store run in a child
//! process (this binary again) that has the bus's address, since the crate forbids the `unsafe` of
//! `set_var`.
//!
//! Without dbus-daemon, dbus-send or gnome-keyring-daemon these tests print a loud SKIPPED line and
//! pass, unless `TEAMBOARD_KEYRING=require`. Waiting is a bounded poll, never a timing assertion.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use teamboard::auth::Secret;
use teamboard::auth::token_store::{
    Account, Profile, StoreError, StoreKind, StoredSignIn, TokenStore,
};
use teamboard::config::TokenStoreKind;

/// Set (to a data directory) only in the child; without it the `#[ignore]`d halves do nothing.
const CHILD: &str = "TEAMBOARD_KEYRING_CHILD";
const WAIT: Duration = Duration::from_secs(20);
const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const ADELE: &str = "4a5f8e2c-1b3d-4e6f-8a9b-0c1d2e3f4a5b";
const ACCESS: &str = "access-token-from-the-keyring-test";

fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Whether the daemons are here; without them, skip loudly, or fail when CI requires them.
fn daemons_installed() -> bool {
    let missing: Vec<&str> = ["dbus-daemon", "dbus-send", "gnome-keyring-daemon"]
        .into_iter()
        .filter(|p| !installed(p))
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("TEAMBOARD_KEYRING").as_deref() != Ok("require"),
        "{} not installed and TEAMBOARD_KEYRING=require",
        missing.join(", ")
    );
    eprintln!(
        "\n==============================================\nSKIPPED: {} not installed (keyring tests)\n==============================================\n",
        missing.join(", ")
    );
    false
}

/// A private session bus with gnome-keyring on it, both killed on drop.
struct Session {
    bus: Child,
    keyring: Child,
    address: String,
    _bus_stdout: BufReader<ChildStdout>,
    _dir: tempfile::TempDir,
}

impl Session {
    /// Locked: no login keyring was unlocked, and nothing on the bus can show an unlock prompt.
    fn start(unlocked: bool) -> Session {
        let dir = tempfile::tempdir().unwrap();
        let (bus, address, stdout) = start_bus(dir.path());
        let keyring = start_keyring(dir.path(), &address, unlocked);
        let session = Session {
            bus,
            keyring,
            address,
            _bus_stdout: stdout,
            _dir: dir,
        };
        session.wait_for_secret_service();
        session
    }

    fn wait_for_secret_service(&self) {
        let start = Instant::now();
        loop {
            let out = Command::new("dbus-send")
                .arg(format!("--bus={}", self.address))
                .args([
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .output()
                .unwrap();
            if String::from_utf8_lossy(&out.stdout).contains("boolean true") {
                return;
            }
            assert!(
                start.elapsed() < WAIT,
                "gnome-keyring never took org.freedesktop.secrets on the test bus"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        for child in [&mut self.keyring, &mut self.bus] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `dbus-daemon` in the foreground with a config of our own: no service directories, so nothing
/// is activated behind the test's back (and left running after it).
fn start_bus(dir: &Path) -> (Child, String, BufReader<ChildStdout>) {
    let config = dir.join("bus.conf");
    std::fs::write(
        &config,
        format!(
            r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
            dir.display()
        ),
    )
    .unwrap();
    let mut bus = Command::new("dbus-daemon")
        .arg(format!("--config-file={}", config.display()))
        .args(["--nofork", "--print-address=1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The address is printed once the bus listens: reading it is the wait.
    let mut stdout = BufReader::new(bus.stdout.take().unwrap());
    let mut address = String::new();
    stdout.read_line(&mut address).unwrap();
    let address = address.trim().to_owned();
    if address.is_empty() {
        let _ = bus.kill();
        let _ = bus.wait();
        panic!("dbus-daemon printed no address");
    }
    (bus, address, stdout)
}

/// gnome-keyring's Secret Service, when `unlocked` with its login keyring created and unlocked with a
/// password on stdin, in directories of the test's own (never the user's keyrings).
fn start_keyring(dir: &Path, address: &str, unlocked: bool) -> Child {
    let run = dir.join("run");
    std::fs::create_dir_all(&run).unwrap();
    std::fs::set_permissions(&run, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let mut keyring = Command::new("gnome-keyring-daemon")
        .args(["--foreground", "--components=secrets"])
        .args(unlocked.then_some("--unlock"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir.join("home"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_RUNTIME_DIR", &run)
        .env("DBUS_SESSION_BUS_ADDRESS", address)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = keyring.stdin.take().unwrap();
    if unlocked {
        stdin.write_all(b"test-keyring-password").unwrap();
    }
    drop(stdin);
    keyring
}

/// Runs the `#[ignore]`d test `name` of this binary in a child with `envs`, and checks that it ran
/// (printed `marker`) and passed.
fn run_child(name: &str, marker: &str, envs: &[(&str, &Path)], bus: &str) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            name,
            "--nocapture",
            "--ignored",
            "--test-threads=1",
        ])
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .envs(envs.iter().map(|(k, v)| (*k, *v)))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains(marker),
        "child {name} failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
}

fn profile() -> Profile {
    Profile::new(
        "https://login.microsoftonline.com",
        "11111111-2222-3333-4444-555555555555",
    )
}

fn adele() -> StoredSignIn {
    StoredSignIn {
        account: Account {
            tenant_id: TENANT.into(),
            object_id: ADELE.into(),
            username: "adele@contoso.com".into(),
        },
        access_token: Secret::new(ACCESS),
        refresh_token: Some(Secret::new("refresh-token-from-the-keyring-test")),
        expires_at: "2030-01-01T12:00:00Z".parse().unwrap(),
        obtained_at: "2030-01-01T11:00:00Z".parse().unwrap(),
        scopes: vec!["Presence.Read.All".into()],
        tenant: "organizations".into(),
    }
}

fn child_dir() -> Option<PathBuf> {
    std::env::var_os(CHILD).map(PathBuf::from)
}

#[test]
fn tokens_round_trip_through_a_real_secret_service() {
    if !daemons_installed() {
        return;
    }
    let session = Session::start(true);
    let data = tempfile::tempdir().unwrap();
    run_child(
        "keyring_child",
        "KEYRING CHILD PASSED",
        &[(CHILD, data.path())],
        &session.address,
    );
    drop(session);
}

#[test]
fn auto_falls_back_to_a_file_when_the_keyring_is_locked() {
    if !daemons_installed() {
        return;
    }
    let session = Session::start(false);
    let data = tempfile::tempdir().unwrap();
    run_child(
        "fallback_child",
        "FALLBACK CHILD PASSED",
        &[(CHILD, data.path())],
        &session.address,
    );
    drop(session);
}

#[test]
fn auto_falls_back_to_a_file_when_the_bus_is_not_there() {
    let data = tempfile::tempdir().unwrap();
    let nowhere = format!("unix:path={}", data.path().join("no-bus").display());
    run_child(
        "fallback_child",
        "FALLBACK CHILD PASSED",
        &[(CHILD, data.path())],
        &nowhere,
    );
}

/// The keyring half: runs only in the child, whose session bus is the test's.
#[test]
#[ignore = "run by tokens_round_trip_through_a_real_secret_service in a child process"]
fn keyring_child() {
    let Some(dir) = child_dir() else { return };
    let user = format!("{}/{TENANT}.{ADELE}", profile().key());
    let in_keyring = || match keyring::Entry::new("teamboard", &user)
        .unwrap()
        .get_secret()
    {
        Ok(secret) => Some(String::from_utf8(secret).unwrap()),
        Err(keyring::Error::NoEntry) => None,
        Err(e) => panic!("{e}"),
    };

    let store = TokenStore::new(TokenStoreKind::Keyring, dir.clone());
    let saved = store.save(&profile(), &adele()).unwrap();
    assert_eq!((saved.kind, saved.warning), (StoreKind::Keyring, None));
    assert!(
        in_keyring().unwrap().contains(ACCESS),
        "the entry is in gnome-keyring"
    );
    assert!(!dir.join("tokens").exists(), "no token file");
    assert_eq!(
        store.load(&profile()).unwrap(),
        Some((adele(), StoreKind::Keyring))
    );

    // A new store (a later run, `auto` this time) finds it, and saving replaces the one entry.
    let auto = TokenStore::new(TokenStoreKind::Auto, dir.clone());
    assert_eq!(
        auto.load(&profile()).unwrap(),
        Some((adele(), StoreKind::Keyring))
    );
    let mut refreshed = adele();
    refreshed.access_token = Secret::new("a-refreshed-access-token");
    assert_eq!(
        auto.save(&profile(), &refreshed).unwrap().kind,
        StoreKind::Keyring
    );
    assert_eq!(auto.load(&profile()).unwrap().unwrap().0, refreshed);

    let removed = auto.remove(&profile()).unwrap();
    assert_eq!(removed.len(), 1, "{removed:?}");
    assert_eq!(
        removed[0].to_string(),
        "the tokens of adele@contoso.com from the system keyring"
    );
    assert_eq!(in_keyring(), None, "gone from gnome-keyring");
    assert_eq!(auto.load(&profile()).unwrap(), None);

    // `logout` with the index lost still finds teamboard's entry in the keyring.
    auto.save(&profile(), &adele()).unwrap();
    std::fs::remove_file(dir.join("accounts.json")).unwrap();
    let removed = auto.remove_all().unwrap();
    assert_eq!(removed.len(), 1, "{removed:?}");
    assert_eq!(removed[0].username.as_str(), "adele@contoso.com");
    assert_eq!(in_keyring(), None);
    println!("KEYRING CHILD PASSED");
}

/// The fallback half: runs only in the child, whose session bus leads nowhere or to a locked keyring.
#[test]
#[ignore = "run by the auto_falls_back_to_a_file tests in a child process"]
fn fallback_child() {
    let Some(dir) = child_dir() else { return };
    let auto = TokenStore::new(TokenStoreKind::Auto, dir.clone());
    let saved = auto.save(&profile(), &adele()).unwrap();
    assert_eq!(saved.kind, StoreKind::File);
    let warning = saved.warning.unwrap();
    assert!(
        warning.as_str().starts_with("no usable keyring (")
            && warning.as_str().ends_with(".json, readable only by you"),
        "{warning}"
    );
    println!("warning: {warning}");
    assert!(dir.join("tokens").read_dir().unwrap().count() == 1);
    assert_eq!(
        auto.load(&profile()).unwrap(),
        Some((adele(), StoreKind::File))
    );

    let keyring_only = TokenStore::new(TokenStoreKind::Keyring, dir.clone());
    let e = keyring_only.save(&profile(), &adele()).unwrap_err();
    assert!(matches!(e, StoreError::KeyringUnavailable { .. }), "{e}");
    assert!(
        e.to_string()
            .ends_with("set [auth] token_store = \"file\" to keep tokens in a file"),
        "{e}"
    );
    assert!(!e.to_string().contains(ACCESS));
    println!("FALLBACK CHILD PASSED");
}
