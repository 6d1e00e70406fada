//! `livectl doctor`: checks, in order, the config file and its permissions,
//! the profile and each required setting, the endpoint, DNS, reach (TLS and
//! HTTP), the clock against the service's `Date`, and one authenticated read
//! (`get_room_info` on a random room ID: 100004 proves the credentials work).
//! The output is safe to paste: the secret key shows as `****` + 4 at most,
//! and the client redacts the UserSig. Judgements live in [`report`].

pub mod report;

use serde_json::json;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use crate::cmd::Ctx;
use crate::config::{self, LoadedFile, SecretSource, Settings, Source, Sourced};
use crate::error;
use crate::region;
use report::{Check, FailKind, Report};

/// The end of `livectl doctor --help`: exit codes and examples.
pub const HELP: &str = "\
Exit codes:
  0  every check passed (warnings allowed)
  2  a flag value is invalid (e.g. --region)
  3  configuration or credentials missing, unreadable or unsafe, or the clock is off by > 300 s
  4  the service rejected the credentials (wrong key, app, region, or not an App admin)
  5  the service refused the request for another reason (e.g. 60021, IP not allowed)
  7  DNS, connection, TLS or HTTP failure, or the service is busy

Examples:
  livectl doctor
  livectl doctor --profile staging -o json
  livectl explain 70009    # the meaning and fix of a code doctor reports";

pub fn run(ctx: &Ctx) -> crate::cmd::Result<()> {
    let mut r = Report::new(ctx.format());
    let ov = ctx.overrides();
    let Some((path, file)) = config_file(&mut r, &ov) else {
        return r.finish();
    };
    let settings = match config::resolve_with(&ov, path, file.as_ref()) {
        Ok(s) => s,
        Err(e) => {
            let kind = if error::exit_code(&e) == error::EXIT_USAGE {
                FailKind::Usage
            } else {
                FailKind::Config
            };
            let fix = "correct the setting named above; `livectl profile show` shows each value and its source";
            r.add(Check::fail("settings", kind, e.to_string(), fix));
            return r.finish();
        }
    };
    r.add(match &settings.profile {
        Some(p) => Check::ok("profile", format!("\"{}\" (from {})", p.value, p.source)),
        None => Check::ok("profile", "none: settings come from the environment only"),
    });
    if let Some(w) = settings.ignored_warning() {
        r.add(Check::warn(
            "environment",
            w,
            "unset the variables named, or drop --profile to use them",
        ));
    }
    let complete = required_settings(&mut r, &settings);
    let Some(url) = endpoint(&mut r, &settings) else {
        return r.finish();
    };
    r.add(proxy(&settings.endpoint.value, &|name| {
        std::env::var(name).ok()
    }));
    let Some(addrs) = dns(&mut r, &url) else {
        return r.finish();
    };
    let timeout = ctx.timeout;
    if !complete {
        tcp_reach(&mut r, &addrs, timeout);
        return r.finish();
    }
    let client = ctx.client(&settings)?;
    let room = format!("livectl-doctor-{:016x}", rand::random::<u64>());
    let started = Instant::now();
    match client.send(
        &crate::api::endpoint::GET_ROOM_INFO,
        &json!({ "RoomId": room }),
    ) {
        Err(t) => {
            let fix = "check the network, a firewall or proxy (HTTPS_PROXY), and --endpoint; \
                       a TLS error may mean a proxy intercepts HTTPS";
            r.add(Check::fail("reach", FailKind::Network, t.detail, fix));
        }
        Ok(reply) => {
            let ms = started.elapsed().as_millis();
            r.add(Check::ok(
                "reach",
                format!(
                    "{} answered over {} in {ms} ms",
                    settings.endpoint.value,
                    url.scheme()
                ),
            ));
            r.add(report::clock(reply.date.as_deref(), SystemTime::now()));
            r.add(report::credentials(&reply));
        }
    }
    r.finish()
}

/// The config file: found and parsed, or absent at the default path. `None`
/// when it is unusable and nothing else can be checked.
fn config_file(
    r: &mut Report,
    ov: &config::Overrides,
) -> Option<(Option<PathBuf>, Option<LoadedFile>)> {
    let (path, file) = match config::read_file(ov) {
        Ok(loaded) => loaded,
        Err(e) => {
            let fix = format!(
                "check the path given by --config or {}, or edit the line named (every key: \
                 `livectl help config`); `livectl profile set NAME KEY VALUE` changes one key and checks it",
                config::ENV_CONFIG
            );
            r.add(Check::fail(
                "config file",
                FailKind::Config,
                e.to_string(),
                fix,
            ));
            return None;
        }
    };
    match (&path, &file) {
        (None, _) => r.add(Check::ok(
            "config file",
            "no config directory; settings come from the environment only",
        )),
        (Some(p), None) => r.add(Check::ok(
            "config file",
            format!(
                "none at {}; settings come from the environment",
                p.display()
            ),
        )),
        (Some(_), Some(f)) => {
            let n = f.raw.profiles.len();
            let s = if n == 1 { "" } else { "s" };
            r.add(Check::ok(
                "config file",
                format!("{} parses ({n} profile{s})", f.path.display()),
            ));
            r.add(permissions("config permissions", &f.path));
        }
    }
    Some((path, file))
}

/// A file that may hold a key must not be readable by group or others.
fn permissions(name: &'static str, path: &std::path::Path) -> Check {
    let shown = path.display();
    if config::readable_by_others(path) {
        Check::warn(
            name,
            format!("{shown} is readable by other users"),
            format!("chmod 600 {shown}"),
        )
    } else {
        Check::ok(name, format!("{shown} is readable by its owner only"))
    }
}

/// sdkappid, identifier and a readable secret key. True when all are there.
fn required_settings(r: &mut Report, s: &Settings) -> bool {
    let mut complete = true;
    for (name, value, env) in [
        (
            "sdkappid",
            s.sdkappid
                .as_ref()
                .map(|v| format!("{} (from {})", v.value, v.source)),
            config::ENV_SDKAPPID,
        ),
        (
            "identifier",
            s.identifier
                .as_ref()
                .map(|v| format!("{} (from {})", v.value, v.source)),
            config::ENV_IDENTIFIER,
        ),
    ] {
        match value {
            Some(v) => r.add(Check::ok(name, v)),
            None => {
                r.add(Check::fail(
                    name,
                    FailKind::Config,
                    "not set",
                    s.how_to_set(env, name),
                ));
                complete = false;
            }
        }
    }
    let fix = s.how_to_set(config::ENV_SECRET_KEY, "secret_key_env");
    if let Some(Sourced {
        value: SecretSource::File(p),
        ..
    }) = &s.secret
    {
        r.add(permissions("secret key file permissions", p));
    }
    match s.require_secret() {
        Ok(key) => {
            let from = s.secret.as_ref().map_or(String::new(), |src| {
                format!(" (from {})", crate::cmd::profile::secret_origin(src))
            });
            r.add(Check::ok("secret key", format!("{}{from}", key.masked())));
            let len = key.expose().len();
            if len != 64 || !key.expose().bytes().all(|b| b.is_ascii_hexdigit()) {
                r.add(Check::warn(
                    "secret key format",
                    format!("the key is {len} characters; keys from the console are 64 hex digits"),
                    "copy the key again, whole, from the console (Basic configuration)",
                ));
            }
        }
        Err(e) => {
            r.add(Check::fail(
                "secret key",
                FailKind::Config,
                e.to_string(),
                fix,
            ));
            complete = false;
        }
    }
    complete
}

/// The endpoint in force, and whether it is one of the service's domains.
fn endpoint(r: &mut Report, s: &Settings) -> Option<url::Url> {
    let Ok(url) = url::Url::parse(&s.endpoint.value) else {
        // resolve() checked it; unreachable in practice.
        r.add(Check::fail(
            "endpoint",
            FailKind::Config,
            format!("\"{}\" is not a URL", s.endpoint.value),
            "fix --endpoint",
        ));
        return None;
    };
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let known = region::REGIONS
        .iter()
        .find(|g| g.domain == host || g.backup == host);
    let from = format!("from {}", s.endpoint.source);
    let region_set = !matches!(s.region.source, Source::Default);
    let check = match known {
        Some(g) if region_set && g.name != s.region.value => Check::warn(
            "endpoint",
            format!(
                "{} is the {} domain, but the region is {} ({from})",
                s.endpoint.value, g.name, s.region.value
            ),
            match &s.endpoint.source {
                Source::File { profile, .. } => format!(
                    "`livectl profile unset {profile} endpoint` to use the region's domain, or \
                     `livectl profile set {profile} region {}`",
                    g.name
                ),
                Source::Env(var) => {
                    format!("unset {var} to use the region's domain, or fix the region")
                }
                _ => "drop --endpoint to use the region's domain, or fix the region".to_string(),
            },
        ),
        Some(g) => Check::ok(
            "endpoint",
            format!("{} (region {}, {from})", s.endpoint.value, g.name),
        ),
        None if url.scheme() == "http" => Check::warn(
            "endpoint",
            format!(
                "{} is a loopback address, not the service ({from})",
                s.endpoint.value
            ),
            "fine for a local test server; otherwise unset LIVECTL_ENDPOINT / the endpoint setting",
        ),
        None => Check::warn(
            "endpoint",
            format!(
                "{} is not one of the service's domains ({from})",
                s.endpoint.value
            ),
            format!(
                "fine for a proxy; otherwise use --region instead (regions: {})",
                region::valid_names()
            ),
        ),
    };
    r.add(check);
    Some(url)
}

/// Whether requests to the endpoint go through a proxy, and which variable
/// sets it (the proxy's host only: its URL may hold a password).
fn proxy(endpoint: &str, env: &dyn Fn(&str) -> Option<String>) -> Check {
    match crate::api::proxy_variable(endpoint, env) {
        Some(var) => {
            let via = env(var)
                .and_then(|v| url::Url::parse(&v).ok())
                .and_then(|u| u.host_str().map(|h| format!(" through {h}")))
                .unwrap_or_default();
            Check::ok(
                "proxy",
                format!(
                    "{var} is in use: requests to {endpoint} go{via} (NO_PROXY can exempt the host)"
                ),
            )
        }
        None if crate::api::is_loopback(endpoint) => Check::ok(
            "proxy",
            "none: a loopback endpoint never goes through a proxy",
        ),
        None => Check::ok("proxy", "none: direct connection"),
    }
}

/// Resolves the endpoint's host. `None` when it does not resolve.
fn dns(r: &mut Report, url: &url::Url) -> Option<Vec<SocketAddr>> {
    let port = url.port_or_known_default().unwrap_or(443);
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_matches(['[', ']'])
        .to_string();
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        r.add(Check::ok(
            "dns",
            format!("{host} is an IP address; no lookup needed"),
        ));
        return Some(vec![SocketAddr::new(ip, port)]);
    }
    match (host.as_str(), port).to_socket_addrs() {
        Ok(addrs) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            let ips: Vec<String> = addrs.iter().take(3).map(|a| a.ip().to_string()).collect();
            r.add(Check::ok(
                "dns",
                format!("{host} resolves to {}", ips.join(", ")),
            ));
            Some(addrs)
        }
        Err(e) => {
            let backup = region::REGIONS.iter().find(|g| g.domain == host).map_or(
                String::new(),
                |g| {
                    format!(
                        "; if your DNS misroutes it, try the backup host: --endpoint https://{}",
                        g.backup
                    )
                },
            );
            let fix = format!("check the machine's network and DNS settings{backup}");
            r.add(Check::fail(
                "dns",
                FailKind::Network,
                format!("{host} does not resolve: {e}"),
                fix,
            ));
            None
        }
    }
}

/// Without credentials no request can be signed: at least try a TCP
/// connection, so network trouble is found in the same run.
fn tcp_reach(r: &mut Report, addrs: &[SocketAddr], timeout: Duration) {
    let Some(addr) = addrs.first() else { return };
    let started = Instant::now();
    match TcpStream::connect_timeout(addr, timeout) {
        Ok(_) => r.add(Check::ok(
            "reach",
            format!("TCP connection to {addr} in {} ms (TLS and the service not checked: credentials missing)", started.elapsed().as_millis()),
        )),
        Err(e) => r.add(Check::fail(
            "reach",
            FailKind::Network,
            format!("cannot connect to {addr}: {e}"),
            "check the network, a firewall or proxy, and --endpoint",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_line_names_the_variable_and_the_proxy_host_only() {
        let env = |name: &str| {
            (name == "HTTPS_PROXY").then(|| "http://user:secretpw@proxy.corp:3128/".to_string())
        };
        let c = proxy("https://adminapisgp.im.qcloud.com", &env);
        assert_eq!(c.status, report::CheckStatus::Ok);
        assert!(
            c.detail.starts_with("HTTPS_PROXY is in use"),
            "{}",
            c.detail
        );
        assert!(c.detail.contains("through proxy.corp"), "{}", c.detail);
        assert!(!c.detail.contains("secretpw"), "{}", c.detail);
        let loopback = proxy("http://127.0.0.1:8080", &env);
        assert!(loopback.detail.contains("never"), "{}", loopback.detail);
        let none = proxy("https://adminapisgp.im.qcloud.com", &|_: &str| None);
        assert_eq!(none.detail, "none: direct connection");
    }
}
