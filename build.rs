//! Records the git commit and its date, when the source is a git checkout, for
//! `livectl --version`. A build from a tarball or crates.io says "unknown".

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn main() {
    // Rebuild when HEAD moves (a commit, a checkout), not on every build.
    for path in [".git/HEAD", ".git/refs/heads", ".git/packed-refs"] {
        if std::path::Path::new(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let commit = git(&["rev-parse", "--short=9", "HEAD"]);
    let date = git(&["log", "-1", "--format=%cs"]);
    let line = match (&commit, &date) {
        (Some(c), Some(d)) => format!("{version} ({c} {d})"),
        _ => version,
    };
    println!("cargo:rustc-env=LIVECTL_VERSION_LINE={line}");
    println!(
        "cargo:rustc-env=LIVECTL_COMMIT={}",
        commit.as_deref().unwrap_or("")
    );
    println!(
        "cargo:rustc-env=LIVECTL_COMMIT_DATE={}",
        date.as_deref().unwrap_or("")
    );
}
