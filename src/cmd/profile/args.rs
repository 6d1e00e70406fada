//! The clap arguments of `livectl profile` and its subcommands.

use clap::{Args, Subcommand};

const PROFILE_ADD_HELP: &str = "\
The file is created 0600 (its directory 0700) if missing; other profiles and comments are
kept. With neither --secret-key-stdin nor --secret-key-env, the key must come from
LIVECTL_SECRET_KEY when the profile is used. With --force on an existing profile, only the
keys given change (a new secret source replaces the old one); the others are kept. To change
one key, `livectl profile set NAME KEY VALUE` does the same.

Examples:
  # key kept in the environment (CI, secret managers)
  livectl profile add prod --sdkappid 1400000001 --region sgp --secret-key-env LIVE_PROD_KEY
  # key stored in the config file, read from a file or a pipe, never from a flag
  livectl profile add test --sdkappid 1400000002 --secret-key-stdin --default < test.key
  # replace the stored key of an existing profile, keeping its other keys
  livectl profile add test --force --secret-key-stdin < new.key
  livectl doctor --profile prod";

const PROFILE_SET_HELP: &str = "\
Keys: sdkappid, identifier, region, endpoint, secret_key_env, secret_key_file, usersig_ttl,
checked as when the file is read. Comments and the other keys are kept.
secret_key (the key itself) is never an argument: it would show in ps and in shell history;
store it with `livectl profile add NAME --force --secret-key-stdin < key.txt`.
A profile has exactly one secret source: setting secret_key_env or secret_key_file removes
the other; a stored secret_key is never dropped this way (unset it first).

Examples:
  livectl profile set prod region singapore
  livectl profile set prod secret_key_env LIVE_PROD_KEY
  livectl profile unset prod endpoint";

#[derive(Subcommand, Debug, Clone)]
pub enum ProfileCommand {
    /// List the profiles in the config file (default marked *); never shows a secret
    #[command(after_long_help = "Example:\n  livectl profile list")]
    List,
    /// Show every setting of a profile and where it came from; secrets masked
    ///
    /// Each setting's value and source: a flag, an environment variable (by name), the config
    /// file (with its path and profile), or the default. The secret key shows as `****` plus
    /// its last 4 characters with where it is read from, or why it cannot be read.
    #[command(
        after_long_help = "Examples:\n  livectl profile show\n  livectl profile show staging"
    )]
    Show(ProfileShowArgs),
    /// Add a profile to the config file; --region/--endpoint set its region or endpoint
    #[command(after_long_help = PROFILE_ADD_HELP)]
    Add(ProfileAddArgs),
    /// Remove a profile (and default_profile, if it named it)
    #[command(after_long_help = "Example:\n  livectl profile remove staging")]
    Remove(ProfileRemoveArgs),
    /// Make a profile the default (sets default_profile; nothing else changes)
    #[command(after_long_help = "Example:\n  livectl profile use staging")]
    Use(ProfileUseArgs),
    /// Set one key of a profile, keeping the others and the comments
    #[command(after_long_help = PROFILE_SET_HELP)]
    Set(ProfileSetArgs),
    /// Remove one key from a profile, keeping the others and the comments
    #[command(after_long_help = PROFILE_SET_HELP)]
    Unset(ProfileUnsetArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ProfileUseArgs {
    /// Profile name
    pub name: String,
}

#[derive(Args, Debug, Clone)]
pub struct ProfileSetArgs {
    /// Profile name
    pub name: String,
    /// The key: sdkappid, identifier, region, endpoint, secret_key_env, secret_key_file, usersig_ttl
    pub key: String,
    /// Its new value
    pub value: String,
}

#[derive(Args, Debug, Clone)]
pub struct ProfileUnsetArgs {
    /// Profile name
    pub name: String,
    /// The key to remove
    pub key: String,
}

#[derive(Args, Debug, Clone)]
pub struct ProfileShowArgs {
    /// Profile name [default: the profile in force]
    pub name: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct ProfileAddArgs {
    /// Profile name: letters, digits, - and _
    pub name: String,
    /// The app's SDKAppID (console: Basic configuration), 1 to 4294967295; required for a new profile
    #[arg(long, value_name = "N")]
    pub sdkappid: Option<u64>,
    /// An App admin account of the app (console: Users, type Admin) [default for a new profile: administrator]
    #[arg(long, value_name = "USER")]
    pub identifier: Option<String>,
    /// Read the secret key from stdin (trimmed) and store it as secret_key in the 0600 file
    #[arg(long, conflicts_with = "secret_key_env")]
    pub secret_key_stdin: bool,
    /// Store secret_key_env = VAR: the key is read from environment variable VAR when used
    #[arg(long, value_name = "VAR")]
    pub secret_key_env: Option<String>,
    /// UserSig lifetime in seconds, 5 to 15552000 [default when unset: 3600]
    #[arg(long, value_name = "SECS")]
    pub usersig_ttl: Option<u64>,
    /// Make it the default profile (the first profile of a file always is)
    #[arg(long)]
    pub default: bool,
    /// Change a profile of the same name: the keys given replace theirs, the others are kept
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug, Clone)]
pub struct ProfileRemoveArgs {
    /// Profile name
    pub name: String,
    /// Do not ask for confirmation; needed when stdin is not a terminal
    #[arg(long, short = 'y')]
    pub yes: bool,
}
