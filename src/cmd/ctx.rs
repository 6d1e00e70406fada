//! [`Ctx`]: what every command gets from the global flags, as plain values
//! (no clap type), and the clients built from the settings they resolve.
//! It lives under `cmd/` so that commands need not import `app`.

use std::time::Duration;

use crate::api::retry::Policy;
use crate::api::{Client, ClientConfig, Signer, signer};
use crate::batch;
use crate::config::{self, Overrides, Settings};
use crate::output::Format;

/// Environment variable that sets the first retry backoff in milliseconds
/// (default 250); tests set it low.
pub const ENV_RETRY_BASE_MS: &str = "LIVECTL_RETRY_BASE_MS";

/// What every command gets: the global flags, resolved lazily.
pub struct Ctx {
    /// `--config`, `--profile`, `--region`, `--endpoint`.
    pub overrides: Overrides,
    /// What `-o` makes commands write.
    pub format: Format,
    /// `--timeout`, per request.
    pub timeout: Duration,
    /// `--retries`.
    pub retries: u32,
}

impl Ctx {
    pub fn overrides(&self) -> Overrides {
        self.overrides.clone()
    }

    /// The output format a command writes (`-o raw` is JSON here: see
    /// `output::Mode`).
    pub fn format(&self) -> Format {
        self.format
    }

    pub fn settings(&self) -> anyhow::Result<Settings> {
        config::resolve(&self.overrides())
    }

    pub fn policy(&self) -> Policy {
        let base = config::env_var(ENV_RETRY_BASE_MS)
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(Policy::default().base, Duration::from_millis);
        Policy {
            retries: self.retries,
            base,
            ..Policy::default()
        }
    }

    /// What the batch engine needs of the context, as plain values.
    pub fn batch_io(&self) -> batch::Io<'_> {
        batch::Io {
            format: self.format,
            policy: self.policy(),
            connect: Box::new(|dry_run| self.connect(dry_run)),
        }
    }

    /// Resolves the settings and makes the client of a run: one that signs,
    /// or for `--dry-run` one that signs nothing.
    pub fn connect(&self, dry_run: bool) -> anyhow::Result<Client> {
        let settings = self.settings()?;
        if dry_run {
            self.dry_client(&settings)
        } else {
            self.client(&settings)
        }
    }

    /// A client that signs requests: needs sdkappid, identifier and secret.
    pub fn client(&self, s: &Settings) -> anyhow::Result<Client> {
        let sdkappid = s.require_sdkappid()?;
        let identifier = s.require_identifier()?;
        let key = s.require_secret()?;
        crate::error::set_credential_sources(credential_sources(s, &key));
        crate::error::set_local_endpoint(crate::api::is_loopback(&s.endpoint.value));
        let signer = Signer::new(
            sdkappid,
            &identifier,
            key,
            s.usersig_ttl.value,
            signer::system_clock,
        );
        Client::new(ClientConfig {
            endpoint: s.endpoint.value.clone(),
            sdkappid: sdkappid.to_string(),
            identifier,
            timeout: self.timeout,
            signer: Some(signer),
        })
    }

    /// A client for `--dry-run`: signs nothing, needs no secret; missing
    /// sdkappid or identifier show as placeholders.
    pub fn dry_client(&self, s: &Settings) -> anyhow::Result<Client> {
        Client::new(ClientConfig {
            endpoint: s.endpoint.value.clone(),
            sdkappid: s
                .sdkappid
                .as_ref()
                .map_or("<sdkappid>".into(), |v| v.value.to_string()),
            identifier: s
                .identifier
                .as_ref()
                .map_or("<identifier>".into(), |v| v.value.clone()),
            timeout: self.timeout,
            signer: None,
        })
    }
}

/// Where each credential came from, for an error the service gave them
/// (60006, 70009, …): a stale `LIVECTL_SECRET_KEY` that overrides the
/// default profile is visible at once. The key only masked.
fn credential_sources(s: &Settings, key: &crate::secret::Secret) -> String {
    let from = |src: &crate::config::Source| src.to_string();
    let mut parts = Vec::new();
    if let Some(v) = &s.sdkappid {
        parts.push(format!("sdkappid {} from {}", v.value, from(&v.source)));
    }
    if let Some(v) = &s.identifier {
        parts.push(format!("identifier {} from {}", v.value, from(&v.source)));
    }
    if let Some(v) = &s.secret {
        parts.push(format!(
            "secret key {} from {}",
            key.masked(),
            from(&v.source)
        ));
    }
    parts.push(format!(
        "region {} from {}",
        s.region.value,
        from(&s.region.source)
    ));
    format!("credentials used: {}", parts.join(", "))
}
