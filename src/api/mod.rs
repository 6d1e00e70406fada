//! The HTTP client for the service (api.md section 1): one reqwest blocking
//! client per run, URL and UserSig handling, one attempt per [`Client::send`].
//! Retries live in [`retry`]; what an answer must look like, and the
//! scrubbing of server text, in [`answer`]. No reqwest type and no URL with a
//! UserSig in it leaves this module.
//!
//! Transport policy (style.md 14): redirects are never followed and no
//! `Referer` is sent (both would carry the UserSig in the URL to another
//! host); a loopback endpoint never goes through a proxy (plain http there
//! would show the UserSig to the proxy); at most [`answer::MAX_ANSWER_BYTES`]
//! of an answer is read.

pub mod answer;
pub mod endpoint;
pub mod pace;
pub mod retry;
pub mod signer;

use serde_json::Value;
use std::io::Read;
use std::time::{Duration, Instant};

use crate::output;
use endpoint::Endpoint;
pub use signer::Signer;

/// What a client needs to address the service.
pub struct ClientConfig {
    pub endpoint: String,
    /// Decimal, or a `<placeholder>` in a dry run.
    pub sdkappid: String,
    pub identifier: String,
    pub timeout: Duration,
    /// `None` for `--dry-run`, which signs nothing.
    pub signer: Option<Signer>,
}

/// The answer fields livectl reads, built only by [`answer::parse`] (a
/// numeric ErrorCode is required; create's echoed RoomId is the one it
/// sent). Every string in it was scrubbed of secrets and control characters.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    pub error_code: i64,
    pub error_info: String,
    pub request_id: String,
    /// get_room_info, get_room_list.
    pub response: Option<Value>,
    /// The answer's other top-level fields, as sent (the account services
    /// answer there: `FailAccounts`, `ResultItem`, `UserProfileItem`).
    pub rest: serde_json::Map<String, Value>,
    /// The HTTP `Date` header (doctor compares clocks).
    pub date: Option<String>,
}

/// A request that got no usable answer.
#[derive(Debug, Clone)]
pub struct Transport {
    pub detail: String,
    /// The request may have reached the service (timeout, cut connection,
    /// 5xx): a create may have happened.
    pub uncertain: bool,
    /// HTTP 429 or 503: slow down.
    pub rate_limited: bool,
}

impl Transport {
    /// The run stopped before the request was sent.
    pub fn not_sent() -> Transport {
        Transport {
            detail: "not sent: the run was stopping".into(),
            uncertain: false,
            rate_limited: false,
        }
    }
}

impl std::fmt::Display for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.detail)
    }
}

/// One client per run; clones share the connection pool.
#[derive(Clone)]
pub struct Client {
    /// `None` for a dry run: it sends nothing, so it does not build the
    /// reqwest client (and its runtime thread).
    http: Option<reqwest::blocking::Client>,
    endpoint: String,
    /// `<endpoint>/v4/`, parsed and normalized once: a URL is this, the
    /// endpoint's path, and the query.
    base: String,
    sdkappid: String,
    identifier: String,
    signer: Option<std::sync::Arc<Signer>>,
}

impl Client {
    pub fn new(cfg: ClientConfig) -> anyhow::Result<Client> {
        let base = reqwest::Url::parse(&format!("{}/v4/", cfg.endpoint))
            .map_err(|e| anyhow::anyhow!("invalid endpoint \"{}\": {e}", cfg.endpoint))?
            .to_string();
        let http = match cfg.signer {
            Some(_) => Some(http_client(&cfg)?),
            None => None,
        };
        if cfg.signer.is_some()
            && let Some(w) = timeout_warning(cfg.timeout)
        {
            output::warn(w);
        }
        Ok(Client {
            http,
            endpoint: cfg.endpoint,
            base,
            sdkappid: cfg.sdkappid,
            identifier: cfg.identifier,
            signer: cfg.signer.map(std::sync::Arc::new),
        })
    }

    pub fn signer(&self) -> Option<&Signer> {
        self.signer.as_deref()
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The URL with `usersig=<redacted>`: for logs, `--dry-run` and errors.
    pub fn redacted_url(&self, ep: &Endpoint, random: u32) -> String {
        // Placeholders stay readable: `<redacted>`, `<sdkappid>`.
        self.url(ep, "<redacted>", random)
            .replace("%3C", "<")
            .replace("%3E", ">")
    }

    fn url(&self, ep: &Endpoint, usersig: &str, random: u32) -> String {
        let mut url = format!("{}{}?", self.base, ep.path);
        url::form_urlencoded::Serializer::for_suffix(&mut url, self.base.len() + ep.path.len() + 1)
            .append_pair("sdkappid", &self.sdkappid)
            .append_pair("identifier", &self.identifier)
            .append_pair("usersig", usersig)
            .append_pair("random", &random.to_string())
            .append_pair("contenttype", "json");
        url
    }

    /// One attempt: POST `body` to `ep`. A non-200 status, an answer
    /// over the size cap, or a body that is not the service's JSON with a
    /// numeric ErrorCode is a transport failure.
    pub fn send(&self, ep: &Endpoint, body: &Value) -> Result<Reply, Transport> {
        let signer = self
            .signer
            .as_ref()
            .expect("send() needs a signer; dry-run never sends");
        let random: u32 = rand::random();
        let sig = signer.current();
        let url = self.url(ep, sig.expose(), random);
        // The log lines cost a URL and a body copy: only when shown.
        let shown = if output::verbosity() > 0 {
            self.redacted_url(ep, random)
        } else {
            String::new()
        };
        let payload = serde_json::to_vec(body).expect("a JSON value serializes");
        if output::verbosity() >= 2 {
            output::log(
                2,
                format!("> POST {shown}\n> {}", String::from_utf8_lossy(&payload)),
            );
        }
        let own = Some(sig.expose());
        let fail = |t: Transport, ms: u128| {
            output::log(1, format!("POST {shown} -> {} ({ms} ms)", t.detail));
            Err(t)
        };
        let started = Instant::now();
        let result = self
            .http
            .as_ref()
            .expect("a client with a signer has its HTTP client")
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(payload)
            .send();
        let resp = match result {
            Ok(r) => r,
            Err(e) => {
                let t = Transport {
                    uncertain: !e.is_connect(),
                    rate_limited: false,
                    detail: describe(&e, &self.endpoint, own),
                };
                return fail(t, started.elapsed().as_millis());
            }
        };
        let status = resp.status();
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let date = header(reqwest::header::DATE);
        if status.is_redirection() {
            let to = redirect_host(&self.endpoint, header(reqwest::header::LOCATION).as_deref());
            let t = Transport {
                uncertain: false,
                rate_limited: false,
                detail: format!(
                    "HTTP {status} from {}: a redirect to {to} was not followed (livectl never \
                     follows redirects: the URL holds the credentials); check --endpoint, \
                     or a proxy or captive portal in the way",
                    self.endpoint
                ),
            };
            return fail(t, started.elapsed().as_millis());
        }
        let text = match read_capped(resp, &self.endpoint, own) {
            Ok(t) => t,
            Err(t) => return fail(t, started.elapsed().as_millis()),
        };
        let ms = started.elapsed().as_millis();
        // Scrubbed whole, then cut: a cut first could leave part of a UserSig.
        let log_body = || {
            if output::verbosity() >= 2 {
                let clean = answer::scrub(&text, own);
                output::log(2, format!("< {}", truncate(&clean, 2000)));
            }
        };
        if status != reqwest::StatusCode::OK {
            output::log(1, format!("POST {shown} -> HTTP {status} ({ms} ms)"));
            log_body();
            return Err(Transport {
                uncertain: status.is_server_error(),
                rate_limited: status.as_u16() == 429 || status.as_u16() == 503,
                detail: format!("HTTP {status} from {}", self.endpoint),
            });
        }
        log_body();
        let parsed =
            answer::parse(&text, own).and_then(|r| answer::check_shape(ep, &r).map(|()| r));
        let mut reply = match parsed {
            Ok(r) => r,
            Err(why) => {
                // A proxy's `{}` or an error page with status 200: the request
                // may have reached the service, so a create may have happened.
                let t = Transport {
                    uncertain: true,
                    rate_limited: false,
                    detail: format!("unusable answer from {}: {why}", self.endpoint),
                };
                return fail(t, ms);
            }
        };
        reply.date = date.map(|d| answer::scrub(&d, own));
        output::log(
            1,
            format!(
                "POST {shown} -> 200 ErrorCode={} RequestId={} ({ms} ms)",
                reply.error_code, reply.request_id
            ),
        );
        Ok(reply)
    }
}

/// The reqwest client of a run that sends: timeouts, user agent, the
/// transport policy.
fn http_client(cfg: &ClientConfig) -> anyhow::Result<reqwest::blocking::Client> {
    let mut builder = reqwest::blocking::Client::builder()
        .timeout(cfg.timeout)
        .connect_timeout(cfg.timeout.min(Duration::from_secs(10)))
        .user_agent(concat!("livectl/", env!("CARGO_PKG_VERSION")))
        .pool_max_idle_per_host(64)
        // A redirect would carry the UserSig (in the URL, and in Referer)
        // to whatever host it names: a 3xx is a failure instead.
        .redirect(reqwest::redirect::Policy::none())
        .referer(false);
    if is_loopback(&cfg.endpoint) {
        builder = builder.no_proxy();
    }
    builder
        .build()
        .map_err(|e| anyhow::anyhow!("cannot build the HTTP client: {}", e.without_url()))
}

/// Reads the body, at most [`answer::MAX_ANSWER_BYTES`]: a huge answer is a
/// transport failure, not a memory problem (per worker).
fn read_capped(
    resp: reqwest::blocking::Response,
    endpoint: &str,
    own: Option<&str>,
) -> Result<String, Transport> {
    let too_large = || Transport {
        uncertain: true,
        rate_limited: false,
        detail: format!(
            "the answer from {endpoint} is larger than {} MiB; livectl reads no more",
            answer::MAX_ANSWER_BYTES >> 20
        ),
    };
    if resp
        .content_length()
        .is_some_and(|n| n > answer::MAX_ANSWER_BYTES)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    resp.take(answer::MAX_ANSWER_BYTES + 1)
        .read_to_end(&mut body)
        .map_err(|e| {
            // The reqwest error inside may carry the URL: describe it without.
            let detail = match e.get_ref().and_then(|i| i.downcast_ref::<reqwest::Error>()) {
                Some(re) => describe(re, endpoint, own),
                None => answer::scrub(&e.to_string(), own),
            };
            Transport {
                uncertain: true,
                rate_limited: false,
                detail: format!("reading the answer failed: {detail}"),
            }
        })?;
    if body.len() as u64 > answer::MAX_ANSWER_BYTES {
        return Err(too_large());
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// The host (and port) a redirect points to; never its path or query.
fn redirect_host(endpoint: &str, location: Option<&str>) -> String {
    let Some(location) = location else {
        return "nowhere (no Location header)".into();
    };
    let target = reqwest::Url::parse(endpoint).and_then(|base| base.join(location));
    match target
        .as_ref()
        .ok()
        .and_then(|u| u.host_str().map(|h| (h, u.port())))
    {
        Some((host, Some(port))) => format!("host \"{}:{port}\"", answer::scrub(host, None)),
        Some((host, None)) => format!("host \"{}\"", answer::scrub(host, None)),
        None => "an unreadable Location".into(),
    }
}

/// Whether an endpoint's host is loopback (`localhost`, 127.0.0.0/8, ::1).
pub fn is_loopback(endpoint: &str) -> bool {
    match reqwest::Url::parse(endpoint)
        .ok()
        .and_then(|u| u.host().map(|h| h.to_owned()))
    {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The environment variable whose proxy requests to `endpoint` go through,
/// as reqwest reads them (`env` looks a variable up; empty counts as unset).
/// `None` for a loopback endpoint, which never uses a proxy.
pub fn proxy_variable(
    endpoint: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<&'static str> {
    if is_loopback(endpoint) {
        return None;
    }
    let url = reqwest::Url::parse(endpoint).ok()?;
    let host = url
        .host_str()?
        .trim_matches(['[', ']'])
        .to_ascii_lowercase();
    let set = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let no_proxy = set("NO_PROXY")
        .or_else(|| set("no_proxy"))
        .unwrap_or_default();
    let bypassed = no_proxy.split(',').map(str::trim).any(|entry| {
        let entry = entry
            .trim_start_matches("*.")
            .trim_start_matches('.')
            .to_ascii_lowercase();
        entry == "*"
            || (!entry.is_empty() && (host == entry || host.ends_with(&format!(".{entry}"))))
    });
    if bypassed {
        return None;
    }
    let names: [&'static str; 4] = if url.scheme() == "https" {
        ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
    };
    names.into_iter().find(|n| set(n).is_some())
}

/// A warning for a `--timeout` the service's own 3 s limit can exceed.
pub fn timeout_warning(timeout: Duration) -> Option<String> {
    (timeout < Duration::from_secs(4)).then(|| {
        format!(
            "--timeout {} s is short: the service itself may take up to 3 s to answer, so \
             requests may time out (a create may still happen); use 4 s or more (default 10)",
            timeout.as_secs_f64()
        )
    })
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// A reqwest error, without its URL (which holds the UserSig), scrubbed of
/// it anyway in case a cause quotes the URL.
fn describe(e: &reqwest::Error, endpoint: &str, own: Option<&str>) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the answer was cut off"
    } else {
        "request failed"
    };
    // Walk the source chain for the root cause (DNS, TLS, refused, ...); the
    // URL is only on the top-level reqwest error, which we strip.
    let mut cause = String::new();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        cause = s.to_string();
        src = s.source();
    }
    let text = if cause.is_empty() {
        format!("{kind} ({endpoint})")
    } else {
        format!("{kind} ({endpoint}): {cause}")
    };
    answer::scrub(&text, own)
}

/// Prints what a dry run would send.
pub fn print_dry_run(client: &Client, ep: &Endpoint, body: &Value, format: output::Format) {
    let mut text = String::new();
    write_dry_run(&mut text, &dry_run_url(client, ep), body, format);
    output::println(text);
}

/// The URL a dry run shows for `ep`: the same for every request of a run.
pub fn dry_run_url(client: &Client, ep: &Endpoint) -> String {
    client
        .redacted_url(ep, 0)
        .replace("random=0", "random=<random>")
}

/// What a dry run shows for one request (no line end): a JSON line, or
/// `POST URL` and the pretty body.
pub fn write_dry_run(out: &mut String, url: &str, body: &Value, format: output::Format) {
    match format {
        output::Format::Json => {
            // Serialized as it stands: the body is not copied into a new object.
            #[derive(serde::Serialize)]
            struct Request<'a> {
                method: &'a str,
                url: &'a str,
                body: &'a Value,
            }
            let line = Request {
                method: "POST",
                url,
                body,
            };
            out.push_str(&serde_json::to_string(&line).expect("JSON serializes"));
        }
        output::Format::Text => {
            out.push_str("POST ");
            out.push_str(url);
            out.push('\n');
            out.push_str(&serde_json::to_string_pretty(body).expect("JSON serializes"));
        }
    }
}

#[cfg(test)]
mod tests;
