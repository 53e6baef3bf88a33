//! The token store against a temp directory and an in-memory keyring (the real one: `tests/keyring.rs`).

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, SystemTime};

use super::keyring::{Bounded, Keyring, KeyringError};
use super::*;

const ACCESS: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.access-SECRET-1";
const REFRESH: &str = "0.AAAA-refresh-SECRET-2";
const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const ADELE: &str = "4a5f8e2c-1b3d-4e6f-8a9b-0c1d2e3f4a5b";
const BOB: &str = "9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d";

/// An in-memory keyring; `broken` makes every call fail as a missing or locked keyring does.
#[derive(Default)]
struct FakeKeyring {
    entries: Mutex<BTreeMap<String, Vec<u8>>>,
    broken: Option<&'static str>,
    calls: AtomicUsize,
}

impl FakeKeyring {
    fn working() -> Arc<Self> {
        Arc::default()
    }
    fn broken(reason: &'static str) -> Arc<Self> {
        Arc::new(Self {
            broken: Some(reason),
            ..Self::default()
        })
    }
    fn check(&self) -> Result<(), KeyringError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        match self.broken {
            Some(reason) => Err(KeyringError(SafeText::line(reason))),
            None => Ok(()),
        }
    }
    fn users(&self) -> Vec<String> {
        self.entries.lock().unwrap().keys().cloned().collect()
    }
}

impl Keyring for FakeKeyring {
    fn get(&self, user: &str) -> Result<Option<Vec<u8>>, KeyringError> {
        self.check()?;
        Ok(self.entries.lock().unwrap().get(user).cloned())
    }
    fn set(&self, user: &str, secret: &[u8]) -> Result<(), KeyringError> {
        self.check()?;
        self.entries
            .lock()
            .unwrap()
            .insert(user.to_owned(), secret.to_vec());
        Ok(())
    }
    fn delete(&self, user: &str) -> Result<bool, KeyringError> {
        self.check()?;
        Ok(self.entries.lock().unwrap().remove(user).is_some())
    }
    fn users(&self) -> Result<Vec<String>, KeyringError> {
        self.check()?;
        Ok(FakeKeyring::users(self))
    }
}

fn profile() -> Profile {
    Profile::new(
        "https://login.microsoftonline.com/",
        "11111111-2222-3333-4444-555555555555",
    )
}

fn other_profile() -> Profile {
    Profile::new(
        "https://login.microsoftonline.com",
        "99999999-2222-3333-4444-555555555555",
    )
}

fn signin(object_id: &str, username: &str, access: &str) -> StoredSignIn {
    StoredSignIn {
        account: Account {
            tenant_id: TENANT.into(),
            object_id: object_id.into(),
            username: username.into(),
        },
        access_token: Secret::new(access),
        refresh_token: Some(Secret::new(REFRESH)),
        expires_at: "2030-01-01T12:00:00Z".parse().unwrap(),
        obtained_at: "2030-01-01T11:00:00Z".parse().unwrap(),
        scopes: vec!["Presence.Read.All".into(), "User.ReadBasic.All".into()],
        tenant: "organizations".into(),
    }
}

fn adele() -> StoredSignIn {
    signin(ADELE, "adele@contoso.com", ACCESS)
}

fn store(kind: TokenStoreKind, dir: &Path, keyring: &Arc<FakeKeyring>) -> TokenStore {
    TokenStore::with_keyring(kind, dir.to_path_buf(), keyring.clone())
}

fn file_store(dir: &Path) -> TokenStore {
    store(
        TokenStoreKind::File,
        dir,
        &FakeKeyring::broken("not for file"),
    )
}

fn data_dir(tmp: &tempfile::TempDir) -> PathBuf {
    tmp.path().join("share/teamboard")
}

fn token_file(dir: &Path, profile: &Profile, object_id: &str) -> PathBuf {
    dir.join("tokens")
        .join(format!("{}-{TENANT}.{object_id}.json", profile.key()))
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn loaded(store: &TokenStore, profile: &Profile) -> Option<(StoredSignIn, StoreKind)> {
    store.load(profile).unwrap()
}

#[test]
fn the_profile_key_is_stable_and_ignores_case_spaces_and_a_trailing_slash() {
    let key = profile().key();
    assert_eq!(key.len(), 16);
    // Pinned: the key names files and keyring entries, so it must not change between builds.
    assert_eq!(key, "2b357ef00b012b38");
    let same = Profile {
        authority: " HTTPS://login.microsoftonline.com// ".into(),
        client_id: "11111111-2222-3333-4444-555555555555".to_uppercase(),
    };
    assert_eq!(same.key(), key);
    assert_ne!(other_profile().key(), key);
    assert_ne!(
        Profile::new("https://login.microsoftonline.us", &profile().client_id).key(),
        key
    );
}

#[test]
fn the_file_store_round_trips_in_private_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = data_dir(&tmp);
    let store = file_store(&dir);
    assert!(
        loaded(&store, &profile()).is_none(),
        "nothing before a save"
    );
    let saved = store.save(&profile(), &adele()).unwrap();
    assert_eq!(saved.kind, StoreKind::File);
    assert!(saved.warning.is_none());
    let path = token_file(&dir, &profile(), ADELE);
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(saved.location.as_str().starts_with("file "));
    assert!(
        saved.location.as_str().ends_with(&name),
        "{}",
        saved.location
    );
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&dir.join("tokens")), 0o700);
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("accounts.json")), 0o600);
    let index = fs::read_to_string(dir.join("accounts.json")).unwrap();
    assert!(index.contains("adele@contoso.com") && !index.contains("SECRET"));

    let (back, kind) = loaded(&file_store(&dir), &profile()).unwrap();
    assert_eq!(kind, StoreKind::File);
    assert_eq!(back, adele());
    let status = store.status(&profile()).unwrap();
    assert_eq!(status.username.as_str(), "adele@contoso.com");
    assert_eq!(status.kind, StoreKind::File);
    assert_eq!(status.scopes.len(), 2);
}

#[test]
fn a_wide_token_file_is_narrowed_when_read_and_when_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = data_dir(&tmp);
    let store = file_store(&dir);
    store.save(&profile(), &adele()).unwrap();
    let path = token_file(&dir, &profile(), ADELE);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    assert!(loaded(&store, &profile()).is_some());
    assert_eq!(mode(&path), 0o600, "narrowed on read");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    fs::set_permissions(dir.join("tokens"), fs::Permissions::from_mode(0o755)).unwrap();
    store.save(&profile(), &adele()).unwrap();
    assert_eq!(mode(&path), 0o600, "narrowed on write");
    assert_eq!(mode(&dir.join("tokens")), 0o700);
}

#[test]
fn a_symlink_at_the_token_path_is_refused_and_its_target_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = data_dir(&tmp);
    let store = file_store(&dir);
    store.save(&profile(), &adele()).unwrap();
    let path = token_file(&dir, &profile(), ADELE);
    let victim = tmp.path().join("victim");
    fs::write(&victim, b"precious").unwrap();
    fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink(&victim, &path).unwrap();

    let e = store.save(&profile(), &adele()).unwrap_err();
    assert!(matches!(e, StoreError::Symlink { .. }), "{e}");
    assert!(e.to_string().contains("symlink"), "{e}");
    let e = store.load(&profile()).unwrap_err();
    assert!(matches!(e, StoreError::Symlink { .. }), "{e}");
    assert_eq!(fs::read(&victim).unwrap(), b"precious");
}

#[test]
fn a_symlinked_tokens_directory_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = data_dir(&tmp);
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    fs::set_permissions(&elsewhere, fs::Permissions::from_mode(0o755)).unwrap();
    fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.join("tokens")).unwrap();
    let store = file_store(&dir);

    let e = store.save(&profile(), &adele()).unwrap_err();
    assert!(matches!(e, StoreError::Symlink { .. }), "{e}");
    assert!(e.to_string().contains("tokens"), "{e}");
    assert_eq!(
        fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "nothing written through it"
    );
    assert_eq!(mode(&elsewhere), 0o755, "its mode left alone");
    assert!(matches!(
        store.remove_all(),
        Err(StoreError::Symlink { .. })
    ));
}

#[test]
fn a_temp_left_by_a_killed_save_is_ignored_then_cleaned() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = data_dir(&tmp);
    let store = file_store(&dir);
    store.save(&profile(), &adele()).unwrap();
    let path = token_file(&dir, &profile(), ADELE);
    // What `kill -9` between write and rename leaves: a torn temp beside the intact file.
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let temp = dir.join("tokens").join(format!(".{name}.999999-0.tmp"));
    fs::write(&temp, br#"{"version":1,"access_token":"torn"#).unwrap();
    let old = SystemTime::now() - Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(&temp)
        .unwrap()
        .set_modified(old)
        .unwrap();

    let (back, _) = loaded(&store, &profile()).unwrap();
    assert_eq!(
        back.access_token.expose(),
        ACCESS,
        "the old file still loads"
    );
    store
        .save(&profile(), &signin(ADELE, "adele@contoso.com", "newer"))
        .unwrap();
    assert!(!temp.exists(), "the stale temp is removed by the next save");
    let (back, _) = loaded(&store, &profile()).unwrap();
    assert_eq!(back.access_token.expose(), "newer");
}

#[test]
fn a_corrupt_or_foreign_token_file_reads_as_signed_out() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = data_dir(&tmp);
    let store = file_store(&dir);
    store.save(&profile(), &adele()).unwrap();
    let path = token_file(&dir, &profile(), ADELE);
    for bad in [
        &b"{\"version\":1,\"access_tok"[..],
        b"null",
        br#"{"version":2,"profile":"x","tenant_id":"a","object_id":"b","username":"u","access_token":"t","expires_at":"2030-01-01T00:00:00Z","obtained_at":"2030-01-01T00:00:00Z"}"#,
    ] {
        fs::write(&path, bad).unwrap();
        assert!(loaded(&store, &profile()).is_none());
    }
    // Bob's record copied over Adele's file name: it belongs to another account.
    let bob = record::encode(&profile().key(), &signin(BOB, "bob@contoso.com", ACCESS));
    fs::write(&path, bob).unwrap();
    assert!(loaded(&store, &profile()).is_none());
    // Another profile's record under this profile's name.
    let foreign = record::encode(&other_profile().key(), &adele());
    fs::write(&path, foreign).unwrap();
    assert!(loaded(&store, &profile()).is_none());
}

#[test]
fn a_corrupt_or_hostile_index_reads_as_signed_out() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = data_dir(&tmp);
    let store = file_store(&dir);
    store.save(&profile(), &adele()).unwrap();
    let index = dir.join("accounts.json");
    let key = profile().key();
    let entry = |tenant: &str, object: &str, username: &str| {
        format!(
            r#"{{"version":1,"profiles":{{"{key}":{{"authority":"a","client_id":"c","accounts":[{{"tenant_id":"{tenant}","object_id":"{object}","username":"{username}","store":"file","tenant":"t","expires_at":"2030-01-01T00:00:00Z","obtained_at":"2030-01-01T00:00:00Z"}}]}}}}}}"#
        )
    };
    for bad in [
        "{\"version\":1,\"prof".to_owned(),
        "[]".to_owned(),
        entry("../../..", ADELE, "x"),
        entry(TENANT, "a/b", "x"),
        entry(TENANT, "", "x"),
        entry(TENANT, ADELE, "x").replace("\"version\":1", "\"version\":7"),
    ] {
        fs::write(&index, bad).unwrap();
        assert!(loaded(&store, &profile()).is_none());
        assert!(store.status(&profile()).is_none());
    }
    // A username with terminal escapes is shown inert.
    fs::write(&index, entry(TENANT, ADELE, "\\u001b]52;c;AAAA\\u0007evil")).unwrap();
    let status = store.status(&profile()).unwrap();
    assert!(!status.username.as_str().contains('\u{1b}'));
    assert!(
        loaded(&store, &profile()).is_some(),
        "ids are sound, so the file loads"
    );
}

#[test]
fn two_profiles_and_two_accounts_never_overwrite_each_other() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = data_dir(&tmp);
    let keyring = FakeKeyring::working();
    for kind in [TokenStoreKind::File, TokenStoreKind::Keyring] {
        let store = store(kind, &dir, &keyring);
        let bob = signin(BOB, "bob@contoso.com", "bob-access");
        let other = signin(ADELE, "adele@contoso.com", "other-profile-access");
        store.save(&profile(), &adele()).unwrap();
        store.save(&other_profile(), &other).unwrap();
        assert_eq!(loaded(&store, &profile()).unwrap().0, adele());
        assert_eq!(loaded(&store, &other_profile()).unwrap().0, other);
        // Bob signs in through the first profile: he becomes its account; Adele's tokens stay apart.
        store.save(&profile(), &bob).unwrap();
        assert_eq!(loaded(&store, &profile()).unwrap().0, bob);
        assert_eq!(loaded(&store, &other_profile()).unwrap().0, other);
        store.save(&profile(), &adele()).unwrap();
        assert_eq!(loaded(&store, &profile()).unwrap().0, adele());
        store.remove_all().unwrap();
    }
}

#[test]
fn remove_forgets_one_profile_in_both_stores() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = data_dir(&tmp);
    let keyring = FakeKeyring::working();
    let store = store(TokenStoreKind::Auto, &dir, &keyring);
    store.save(&profile(), &adele()).unwrap();
    store.save(&other_profile(), &adele()).unwrap();
    // A stale file copy of the same account (an earlier fallback whose removal failed).
    fs::create_dir_all(dir.join("tokens")).unwrap();
    fs::write(token_file(&dir, &profile(), ADELE), b"{}").unwrap();

    let removed = store.remove(&profile()).unwrap();
    let said: Vec<String> = removed.iter().map(ToString::to_string).collect();
    assert!(
        said.contains(&"the tokens of adele@contoso.com from the system keyring".to_owned()),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|s| s.starts_with("the tokens of adele@contoso.com from file ")),
        "{said:?}"
    );
    assert!(loaded(&store, &profile()).is_none());
    assert!(!token_file(&dir, &profile(), ADELE).exists());
    assert!(
        loaded(&store, &other_profile()).is_some(),
        "the other profile is untouched"
    );
    assert!(
        store.remove(&profile()).unwrap().is_empty(),
        "a second remove finds nothing"
    );
}

#[test]
fn remove_all_removes_indexed_accounts_and_strays() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = data_dir(&tmp);
    let keyring = FakeKeyring::working();
    let auto = store(TokenStoreKind::Auto, &dir, &keyring);
    let file = store(TokenStoreKind::File, &dir, &keyring);
    auto.save(&profile(), &adele()).unwrap();
    file.save(&other_profile(), &signin(BOB, "bob@contoso.com", "b"))
        .unwrap();
    // Strays the index does not name: a lost index's keyring entry and token file, and a torn temp.
    let stray_key = "00000000000000ff";
    keyring
        .set(
            &format!("{stray_key}/{TENANT}.{ADELE}"),
            &record::encode(stray_key, &adele()),
        )
        .unwrap();
    keyring.set("not-ours", b"x").unwrap();
    let tokens = dir.join("tokens");
    fs::write(
        tokens.join(format!("{stray_key}-{TENANT}.{BOB}.json")),
        b"garbage",
    )
    .unwrap();
    let temp = tokens.join(format!(".{stray_key}-{TENANT}.{BOB}.json.1-0.tmp"));
    fs::write(&temp, b"torn").unwrap();
    fs::write(tokens.join("notes.txt"), b"mine").unwrap();

    let removed = auto.remove_all().unwrap();
    let said: Vec<String> = removed.iter().map(ToString::to_string).collect();
    assert_eq!(removed.len(), 4, "{said:?}");
    assert!(
        said.iter()
            .any(|s| s.starts_with("the tokens of bob@contoso.com from file ")),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|s| s.starts_with("the tokens of an unknown account from file")),
        "{said:?}"
    );
    assert_eq!(
        said.iter()
            .filter(|s| s.ends_with("from the system keyring"))
            .count(),
        2,
        "{said:?}"
    );
    assert_eq!(keyring.users(), ["not-ours"], "only teamboard's entries go");
    assert!(!temp.exists());
    assert!(
        tokens.join("notes.txt").exists(),
        "other files are left alone"
    );
    assert!(!dir.join("accounts.json").exists());
    assert!(loaded(&auto, &profile()).is_none() && loaded(&auto, &other_profile()).is_none());
    assert!(auto.remove_all().unwrap().is_empty());
}

#[test]
fn auto_uses_the_keyring_when_it_works_and_keeps_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = data_dir(&tmp);
    let keyring = FakeKeyring::working();
    let store = store(TokenStoreKind::Auto, &dir, &keyring);
    let saved = store.save(&profile(), &adele()).unwrap();
    assert_eq!((saved.kind, saved.warning), (StoreKind::Keyring, None));
    assert_eq!(saved.location.as_str(), "the system keyring");
    assert_eq!(
        keyring.users(),
        [format!("{}/{TENANT}.{ADELE}", profile().key())]
    );
    assert!(!token_file(&dir, &profile(), ADELE).exists());
    assert_eq!(
        loaded(&store, &profile()).unwrap(),
        (adele(), StoreKind::Keyring)
    );
}

#[test]
fn auto_without_a_keyring_keeps_tokens_in_a_file_with_one_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = data_dir(&tmp);
    let broken = FakeKeyring::broken("no session bus");
    let store = store(TokenStoreKind::Auto, &dir, &broken);
    let saved = store.save(&profile(), &adele()).unwrap();
    assert_eq!(saved.kind, StoreKind::File);
    let warning = saved.warning.unwrap();
    assert!(
        warning
            .as_str()
            .starts_with("no usable keyring (no session bus); tokens are kept in "),
        "{warning}"
    );
    assert!(
        warning.as_str().ends_with(".json, readable only by you"),
        "{warning}"
    );
    let calls = broken.calls.load(Ordering::SeqCst);
    assert_eq!(
        loaded(&store, &profile()).unwrap(),
        (adele(), StoreKind::File)
    );
    assert_eq!(
        broken.calls.load(Ordering::SeqCst),
        calls,
        "a file account loads without the keyring"
    );

    // The keyring comes back: the next save moves the tokens there and the file goes.
    let keyring = FakeKeyring::working();
    let store = self::store(TokenStoreKind::Auto, &dir, &keyring);
    assert_eq!(
        store.save(&profile(), &adele()).unwrap().kind,
        StoreKind::Keyring
    );
    assert!(!token_file(&dir, &profile(), ADELE).exists());
}

#[test]
fn keyring_without_a_keyring_is_a_clear_error_and_nothing_is_saved() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = data_dir(&tmp);
    let store = store(
        TokenStoreKind::Keyring,
        &dir,
        &FakeKeyring::broken("collection is locked"),
    );
    let e = store.save(&profile(), &adele()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the system keyring cannot be used (collection is locked); set [auth] token_store = \"file\" to keep tokens in a file"
    );
    assert!(!dir.join("accounts.json").exists() && !dir.join("tokens").exists());
    assert!(loaded(&store, &profile()).is_none());
}

#[test]
fn reading_from_a_keyring_that_became_unusable_says_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = data_dir(&tmp);
    store(TokenStoreKind::Auto, &dir, &FakeKeyring::working())
        .save(&profile(), &adele())
        .unwrap();
    let store = store(TokenStoreKind::Auto, &dir, &FakeKeyring::broken("locked"));
    let e = store.load(&profile()).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("could not read the tokens from the system keyring (locked); unlock it"),
        "{e}"
    );
    let e = store.remove(&profile()).unwrap_err();
    assert!(matches!(e, StoreError::Keyring { .. }), "{e}");
    assert!(
        store.status(&profile()).is_some(),
        "an account whose tokens could not be removed stays known"
    );
}

#[test]
fn the_file_kind_never_opens_the_keyring() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = data_dir(&tmp);
    let keyring = FakeKeyring::working();
    let store = store(TokenStoreKind::File, &dir, &keyring);
    store.save(&profile(), &adele()).unwrap();
    loaded(&store, &profile()).unwrap();
    store.remove(&profile()).unwrap();
    store.save(&profile(), &adele()).unwrap();
    store.remove_all().unwrap();
    assert_eq!(keyring.calls.load(Ordering::SeqCst), 0);
}

#[test]
fn a_second_lock_waits_until_the_first_is_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = data_dir(&tmp);
    let store = Arc::new(file_store(&dir));
    let first = store.lock(&profile(), Duration::ZERO).unwrap();
    assert_eq!(mode(first.path()), 0o600);
    assert!(first.path().ends_with(format!("{}.lock", profile().key())));
    // Another profile has a lock of its own.
    drop(store.lock(&other_profile(), Duration::ZERO).unwrap());

    let (tx, rx) = mpsc::channel();
    let waiter = {
        let store = store.clone();
        std::thread::spawn(move || {
            let second = store.lock(&profile(), Duration::from_secs(30));
            tx.send(second.is_ok()).unwrap();
            second
        })
    };
    assert_eq!(
        rx.recv_timeout(Duration::from_millis(200)),
        Err(mpsc::RecvTimeoutError::Timeout),
        "the second lock is not given while the first is held"
    );
    drop(first);
    assert_eq!(rx.recv_timeout(Duration::from_secs(30)), Ok(true));
    let second = waiter.join().unwrap().unwrap();
    let e = store
        .lock(&profile(), Duration::from_millis(30))
        .unwrap_err();
    assert!(matches!(e, StoreError::Busy { .. }));
    assert!(
        e.to_string().starts_with("another teamboard is signing in"),
        "{e}"
    );
    drop(second);
}

#[test]
fn a_symlink_at_the_lock_path_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = data_dir(&tmp);
    fs::create_dir_all(&dir).unwrap();
    let victim = tmp.path().join("victim");
    fs::write(&victim, b"precious").unwrap();
    std::os::unix::fs::symlink(&victim, dir.join(format!("{}.lock", profile().key()))).unwrap();
    let e = file_store(&dir)
        .lock(&profile(), Duration::ZERO)
        .unwrap_err();
    assert!(matches!(e, StoreError::Symlink { .. }), "{e}");
    assert_eq!(fs::read(&victim).unwrap(), b"precious");
}

#[test]
fn a_keyring_that_never_answers_is_given_up_on_and_then_skipped() {
    let bounded = Bounded::new(Duration::from_millis(20));
    let (release, stuck) = mpsc::channel::<()>();
    let e = bounded
        .run(move || {
            let _ = stuck.recv();
            Ok(())
        })
        .unwrap_err();
    assert!(e.0.as_str().contains("did not answer"), "{}", e.0);
    let again = bounded.run(|| Ok(1)).unwrap_err();
    assert_eq!(
        again.0, e.0,
        "later calls fail at once, without a new thread"
    );
    release.send(()).unwrap();
    assert_eq!(
        Bounded::new(Duration::from_secs(30)).run(|| Ok(7)).unwrap(),
        7
    );
}

#[test]
fn no_token_in_debug_display_errors_or_logs_of_records() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = data_dir(&tmp);
    let keyring = FakeKeyring::working();
    let store = store(TokenStoreKind::Auto, &dir, &keyring);
    let signin = adele();
    let saved = store.save(&profile(), &signin).unwrap();
    let lock = store.lock(&profile(), Duration::ZERO).unwrap();
    let status = store.status(&profile()).unwrap();
    let loaded = store.load(&profile()).unwrap();
    let removed = store.remove(&profile()).unwrap();
    let errors = [
        StoreError::KeyringUnavailable {
            reason: SafeText::line("r"),
        },
        StoreError::Keyring {
            action: "read the tokens from",
            reason: SafeText::line("r"),
        },
        StoreError::file("write", &dir, &std::io::Error::other("denied")),
        StoreError::symlink(&dir),
        StoreError::Busy {
            path: SafeText::line("p"),
        },
        StoreError::Account { what: "tenant id" },
    ];
    let shown = [
        format!("{signin:?}"),
        format!("{:?}", signin.account),
        format!("{saved:?}"),
        format!("{lock:?}"),
        format!("{status:?}"),
        format!("{loaded:?}"),
        format!("{removed:?} {}", removed[0]),
        format!("{store:?} {:?} {}", profile(), StoreKind::File),
        format!("{errors:?}"),
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    ];
    for text in &shown {
        assert!(!text.contains("SECRET"), "a token in {text}");
    }
    assert!(
        shown[0].contains("adele@contoso.com"),
        "Debug still shows the account"
    );

    // A record whose token sits where a number belongs: the decode error must not quote it.
    let id = record::AccountId::of(&signin.account).unwrap();
    let bad = br#"{"version":"eyJ-SECRET-3","profile":"p"}"#;
    let why = record::decode(bad, &profile().key(), &id).unwrap_err();
    assert!(!why.contains("SECRET"), "{why}");
    let garbled = br#"{"version":1,"access_token":12, "x":"SECRET"}"#;
    let why = record::decode(garbled, &profile().key(), &id).unwrap_err();
    assert!(!why.contains("SECRET"), "{why}");
}

#[test]
fn accounts_with_ids_that_could_escape_a_path_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let store = file_store(&data_dir(&tmp));
    for (tenant, object) in [
        ("../x", ADELE),
        (TENANT, "a.b"),
        (TENANT, ""),
        (TENANT, "a\0b"),
    ] {
        let mut s = adele();
        s.account.tenant_id = tenant.into();
        s.account.object_id = object.into();
        let e = store.save(&profile(), &s).unwrap_err();
        assert!(matches!(e, StoreError::Account { .. }), "{e}");
    }
    assert!(!data_dir(&tmp).exists(), "nothing written");
}
