//! Puts the commit the binary is built from into `--version` (`0.1.0 (1a2b3c4)`), when built from a
//! git checkout with git installed; the crate version alone otherwise (a crate tarball, no git).
//! Packs the binary's relocations where the linker and the C library both support it.

use std::path::PathBuf;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (out.status.success() && !text.is_empty()).then(|| text.to_owned())
}

/// Links the binary with compact relative relocations (`-z pack-relative-relocs`, `DT_RELR`) when
/// building on Linux with glibc for this machine, and a test link shows the linker takes the flag
/// and the C library loads such binaries (glibc 2.36 and later).
///
/// A position-independent executable lists every pointer to fix up at load. Here that list was
/// 690 KB, read whole at every start and resident for the whole session: a tenth of the memory
/// budget of a 10,000-person board. Packed, it is 13 KB. An older glibc would refuse to start
/// such a binary, hence the test; a cross build, or a linker chosen in the configuration, is left
/// as it is.
fn pack_relocations() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let native = std::env::var("TARGET").ok() == std::env::var("HOST").ok();
    let own_linker = std::env::var_os("RUSTC_LINKER").is_some();
    if os != "linux" || env != "gnu" || !native || own_linker {
        return;
    }
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        return;
    };
    let source = out_dir.join("relr_probe.c");
    let binary = out_dir.join("relr_probe");
    if std::fs::write(&source, "int main(void) { return 0; }\n").is_err() {
        return;
    }
    let linked = Command::new("cc")
        .args([
            "-pie",
            "-fPIE",
            "-Wl,-z,pack-relative-relocs",
            "-Wl,--fatal-warnings",
        ])
        .arg(&source)
        .arg("-o")
        .arg(&binary)
        .output()
        .is_ok_and(|out| out.status.success());
    // The linker adds a need for this version of the C library to what it packs; a glibc that
    // lacks it cannot load the result.
    let loads = linked
        && Command::new(&binary)
            .status()
            .is_ok_and(|status| status.success());
    if loads {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
        // Tells the test that reads the binary to expect packed relocations.
        println!("cargo:rustc-env=TEAMBOARD_PACKED_RELOCATIONS=1");
    }
}

fn main() {
    pack_relocations();
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
