//! The HTTP client for the service (api.md section 1): one reqwest blocking
//! client per run, URL and UserSig handling, one attempt per [`Client::send`].
//! Retries live in [`retry`]. No reqwest type and no URL with a UserSig in it
//! leaves this module.

pub mod endpoint;
pub mod retry;
pub mod signer;

use serde::Deserialize;
use serde_json::Value;
use std::time::{Duration, Instant};

use crate::output;
pub use signer::Signer;

/// A bare command name (`create_room`) is a command of this service; other
/// services are named in the command (`room_engine_http_mic/lock_seat`).
const LIVE_SERVICE: &str = "live_engine_http_srv";

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

/// The answer fields livectl reads (ErrorCode decides, not ActionStatus;
/// create's echoed RoomId is the one it sent). Others are ignored.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct Reply {
    #[serde(rename = "ErrorCode", default)]
    pub error_code: i64,
    #[serde(rename = "ErrorInfo", default)]
    pub error_info: String,
    #[serde(rename = "RequestId", default)]
    pub request_id: String,
    /// get_room_info, get_room_list.
    #[serde(rename = "Response", default)]
    pub response: Option<Value>,
    /// The HTTP `Date` header (doctor compares clocks).
    #[serde(skip)]
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
    http: reqwest::blocking::Client,
    endpoint: String,
    sdkappid: String,
    identifier: String,
    signer: Option<std::sync::Arc<Signer>>,
}

impl Client {
    pub fn new(cfg: ClientConfig) -> anyhow::Result<Client> {
        let http = reqwest::blocking::Client::builder()
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("livectl/", env!("CARGO_PKG_VERSION")))
            .pool_max_idle_per_host(64)
            .build()
            .map_err(|e| anyhow::anyhow!("cannot build the HTTP client: {}", e.without_url()))?;
        Ok(Client {
            http,
            endpoint: cfg.endpoint,
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
    pub fn redacted_url(&self, command: &str, random: u32) -> String {
        // Placeholders stay readable: `<redacted>`, `<sdkappid>`.
        self.url(command, "<redacted>", random)
            .replace("%3C", "<")
            .replace("%3E", ">")
    }

    fn url(&self, command: &str, usersig: &str, random: u32) -> String {
        let path = if command.contains('/') {
            command.to_string()
        } else {
            format!("{LIVE_SERVICE}/{command}")
        };
        let mut url = reqwest::Url::parse(&format!("{}/v4/{path}", self.endpoint))
            .expect("endpoint was checked when the settings were resolved");
        url.query_pairs_mut()
            .append_pair("sdkappid", &self.sdkappid)
            .append_pair("identifier", &self.identifier)
            .append_pair("usersig", usersig)
            .append_pair("random", &random.to_string())
            .append_pair("contenttype", "json");
        url.to_string()
    }

    /// One attempt: POST `body` to `command`. A non-200 status or a body that
    /// is not the service's JSON is a transport failure.
    pub fn send(&self, command: &str, body: &Value) -> Result<Reply, Transport> {
        let signer = self
            .signer
            .as_ref()
            .expect("send() needs a signer; dry-run never sends");
        let random: u32 = rand::random();
        let sig = signer.current();
        let url = self.url(command, sig.expose(), random);
        // The log lines cost a URL parse and a body copy: only when shown.
        let shown = if output::verbosity() > 0 {
            self.redacted_url(command, random)
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
        let started = Instant::now();
        let result = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(payload)
            .send();
        let ms = started.elapsed().as_millis();
        let resp = match result {
            Ok(r) => r,
            Err(e) => {
                let t = Transport {
                    uncertain: !e.is_connect(),
                    rate_limited: false,
                    detail: describe(&e, &self.endpoint),
                };
                output::log(1, format!("POST {shown} -> {} ({ms} ms)", t.detail));
                return Err(t);
            }
        };
        let status = resp.status();
        let date = resp
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let text = resp.text().map_err(|e| Transport {
            uncertain: true,
            rate_limited: false,
            detail: format!(
                "reading the answer failed: {}",
                describe(&e, &self.endpoint)
            ),
        });
        let text = match text {
            Ok(t) => t,
            Err(t) => {
                output::log(1, format!("POST {shown} -> {} ({ms} ms)", t.detail));
                return Err(t);
            }
        };
        if status != reqwest::StatusCode::OK {
            output::log(1, format!("POST {shown} -> HTTP {status} ({ms} ms)"));
            output::log(2, format!("< {}", truncate(&text, 2000)));
            return Err(Transport {
                uncertain: status.is_server_error(),
                rate_limited: status.as_u16() == 429 || status.as_u16() == 503,
                detail: format!("HTTP {status} from {}", self.endpoint),
            });
        }
        output::log(2, format!("< {}", truncate(&text, 2000)));
        let mut reply: Reply = serde_json::from_str(&text).map_err(|e| Transport {
            uncertain: true,
            rate_limited: false,
            detail: format!(
                "the answer from {} is not the service's JSON ({e})",
                self.endpoint
            ),
        })?;
        reply.date = date;
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

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// A reqwest error, without its URL (which holds the UserSig).
fn describe(e: &reqwest::Error, endpoint: &str) -> String {
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
    if cause.is_empty() {
        format!("{kind} ({endpoint})")
    } else {
        format!("{kind} ({endpoint}): {cause}")
    }
}
