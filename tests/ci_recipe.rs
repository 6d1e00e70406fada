//! The README's CI recipe, as written: the emulator block, then the
//! create/get/destroy block, under `bash -eo pipefail` (GitHub Actions'
//! default shell), against a real emulator on loopback.

use std::path::Path;

/// The ```sh blocks of the README's "In CI" section, in order.
fn ci_blocks() -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("## In CI").expect("an In CI section");
    let end = readme[start + 1..]
        .find("\n## ")
        .map_or(readme.len(), |i| start + 1 + i);
    let section = &readme[start..end];
    section
        .split("```sh\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap().to_string())
        .collect()
}

#[test]
fn the_readme_ci_recipe_runs_under_bash_eo_pipefail() {
    let blocks = ci_blocks();
    assert_eq!(blocks.len(), 2, "{blocks:?}");
    let dir = tempfile::tempdir().unwrap();
    // The emulator first (it sets the credentials), then the recipe.
    let script = format!("{}\n{}", blocks[1], blocks[0]);
    let bin = assert_cmd::cargo::cargo_bin("livectl");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("bash")
        .args(["-eo", "pipefail", "-c", &script])
        .env_clear()
        .env("PATH", path)
        .env("BUILD_ID", "42")
        .env("XDG_CONFIG_HOME", dir.path().join("xdg"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("room ci-42 ready"), "{stdout}");
    assert!(stdout.contains("\"room_id\":\"ci-42\""), "{stdout}");

    // The same recipe, the room taken by someone else: the case is reached
    // (exit 1 from its branch, with its message), not skipped by -e.
    let taken = format!(
        "{}\nlivectl user import someone-else >/dev/null\n\
         livectl create ci-43 --owner someone-else >/dev/null\nBUILD_ID=43\n{}",
        blocks[1], blocks[0]
    );
    let out = std::process::Command::new("bash")
        .args(["-eo", "pipefail", "-c", &taken])
        .env_clear()
        .env(
            "PATH",
            format!("{}:/usr/bin:/bin", bin.parent().unwrap().display()),
        )
        .env("XDG_CONFIG_HOME", dir.path().join("xdg2"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("room ID taken by someone else"), "{stderr}");
}
