//! Puts the commit the binary is built from into `--version` (`0.1.0 (1a2b3c4)`), when built from a
//! git checkout with git installed; the crate version alone otherwise (a crate tarball, no git).

use std::path::PathBuf;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (out.status.success() && !text.is_empty()).then(|| text.to_owned())
}

fn main() {
    let version = env!("CARGO_PKG_VERSION");
    println!("cargo:rerun-if-changed=build.rs");
    match git(&["rev-parse", "--short", "HEAD"]) {
        Some(commit) => {
            println!("cargo:rustc-env=TEAMBOARD_VERSION={version} ({commit})");
            // Run again when HEAD moves: HEAD itself (a checkout), the branch it names (a commit) and
            // packed refs. Only paths that exist: cargo reruns on every build for a missing one.
            let git_dir = git(&["rev-parse", "--git-dir"]).map(PathBuf::from);
            let common = git(&["rev-parse", "--git-common-dir"]).map(PathBuf::from);
            let branch = git(&["symbolic-ref", "-q", "HEAD"]);
            let watched = [
                git_dir.as_ref().map(|d| d.join("HEAD")),
                common.as_ref().zip(branch).map(|(d, b)| d.join(b)),
                common.as_ref().map(|d| d.join("packed-refs")),
            ];
            for path in watched.into_iter().flatten().filter(|p| p.exists()) {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
        None => println!("cargo:rustc-env=TEAMBOARD_VERSION={version}"),
    }
}
