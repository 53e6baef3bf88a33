//! The layers point one way: the core (`src/app`) never reaches into the UI that draws it, and the
//! simulated tenant never reaches into the command line that starts it. A name in the wrong
//! direction would compile, so this reads the sources.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Files of the module `name` (its `name.rs` and everything under `name/`) that mention `forbidden`.
fn offenders(name: &str, forbidden: &[&str]) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![src.join(format!("{name}.rs"))];
    rust_files(&src.join(name), &mut files);
    assert!(files.len() > 1, "no sources found for {name}");
    files
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            text.lines()
                .enumerate()
                .find(|(_, line)| forbidden.iter().any(|f| line.contains(f)))
                .map(|(n, line)| format!("{}:{}: {}", path.display(), n + 1, line.trim()))
        })
        .collect()
}

#[test]
fn the_core_never_names_the_ui() {
    let found = offenders("app", &["crate::ui", "super::ui", "teamboard::ui"]);
    assert!(
        found.is_empty(),
        "the core names the UI:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_simulated_tenant_never_names_the_command_line() {
    let found = offenders("sim", &["crate::cli", "super::cli"]);
    assert!(
        found.is_empty(),
        "the simulated tenant names the command line:\n{}",
        found.join("\n")
    );
}
