//! `livectl completions SHELL` completes values, not only flags: regions,
//! seat modes, output formats, and the config file's profile names.

mod common;

use common::*;
use predicates::prelude::*;

#[test]
fn completions_offer_the_profiles_of_the_config_file() {
    let env = TestEnv::new();
    let cfg = env.default_config();
    std::fs::create_dir_all(cfg.parent().unwrap()).unwrap();
    std::fs::write(
        &cfg,
        "[profiles.prod-sgp]\nsdkappid = 1400000001\n\n[profiles.staging-usa]\nsdkappid = 1400000002\n",
    )
    .unwrap();
    for shell in ["bash", "zsh", "fish"] {
        env.bare_cmd()
            .args(["completions", shell])
            .assert()
            .code(0)
            .stdout(
                predicate::str::contains("prod-sgp")
                    .and(predicate::str::contains("staging-usa"))
                    .and(predicate::str::contains("silicon-valley"))
                    .and(predicate::str::contains("ApplyToTake")),
            );
    }
}

#[test]
fn completions_work_without_a_config_file() {
    let env = TestEnv::new();
    env.bare_cmd()
        .args(["completions", "bash"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("livectl"));
}
