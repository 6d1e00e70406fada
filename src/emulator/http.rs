//! HTTP/1.1 on one connection, as much as the service's clients use: a
//! request head (parsed by `httparse`) and a `Content-Length` body, read
//! within limits and a deadline; an answer written in one piece. Keep-alive,
//! pipelining, `Expect: 100-continue` and HEAD are handled; chunked request
//! bodies are refused (no client of the service sends them). No routing and
//! no service logic: that is `server.rs` and `service.rs`.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Bytes of a request body read at most (the answer to more is 80002).
pub const BODY_MAX: u64 = 1024 * 1024;
/// A longer body than `BODY_MAX` but at most this is read and dropped, so the
/// client (which sends it all before reading) gets its 80002 and keeps the
/// connection; a longer one is not read: 80002 at once, then the connection
/// closes.
const DRAIN_MAX: u64 = 8 * 1024 * 1024;
/// Headers per request at most (httparse needs a fixed array).
const HEADERS_MAX: usize = 64;

/// What one connection may cost the emulator.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Bytes of a request head (request line and headers) at most: 431 beyond.
    pub head_max: usize,
    /// Bytes of the request target (path and query) at most: 414 beyond.
    pub url_max: usize,
    /// A request must arrive whole (head and body) within this from its
    /// first byte: 408 and the connection closes otherwise.
    pub request_timeout: Duration,
    /// A keep-alive connection with no request for this long is closed.
    pub idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            head_max: 16 * 1024,
            url_max: 8 * 1024,
            request_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// A request as read from the connection.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    /// The request target: path and query, as sent.
    pub url: String,
    pub body: Vec<u8>,
    /// The body was over `BODY_MAX` (and is not in `body`).
    pub too_long: bool,
    /// The connection ends after the answer (asked by the client, HTTP/1.0,
    /// or a body that was not read).
    pub close: bool,
    /// HEAD: the answer has no body.
    pub head: bool,
}

/// Why a connection ends without a request.
#[derive(Debug)]
pub enum End {
    /// Closed by the client, idle too long, or unreadable: nothing to answer.
    Quiet,
    /// A request that is refused: status line and reason, then close.
    Refuse(&'static str, String),
}

/// One client connection: the socket and what was read past the last request.
pub struct Conn {
    pub stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    pub fn new(stream: TcpStream) -> Conn {
        Conn {
            stream,
            buf: Vec::new(),
        }
    }

    /// Reads the next request within `limits`.
    pub fn next(&mut self, limits: &Limits) -> Result<Request, End> {
        // The deadline starts at the request's first byte; before it, the
        // connection is idle.
        let mut deadline: Option<Instant> = None;
        let (head_len, mut req, length, expect) = loop {
            if !self.buf.is_empty() {
                deadline.get_or_insert_with(|| Instant::now() + limits.request_timeout);
                if let Some(parsed) = parse_head(&self.buf, limits)? {
                    break parsed;
                }
            }
            self.fill(deadline, limits)?;
        };
        self.buf.drain(..head_len);
        if length > BODY_MAX {
            req.too_long = true;
            if length > DRAIN_MAX {
                req.close = true;
                return Ok(req);
            }
        }
        if expect && (self.buf.len() as u64) < length {
            self.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                .map_err(|_| End::Quiet)?;
        }
        let deadline = deadline.unwrap_or_else(|| Instant::now() + limits.request_timeout);
        if req.too_long {
            // Dropped as it comes, so memory stays bounded.
            let mut left = length;
            loop {
                let drop = (self.buf.len() as u64).min(left);
                self.buf.drain(..drop as usize);
                left -= drop;
                if left == 0 {
                    return Ok(req);
                }
                self.fill(Some(deadline), limits)?;
            }
        }
        while (self.buf.len() as u64) < length {
            self.fill(Some(deadline), limits)?;
        }
        req.body = self.buf.drain(..length as usize).collect();
        Ok(req)
    }

    /// Reads more bytes, waiting at most until `deadline` (the idle timeout
    /// when no request has started).
    fn fill(&mut self, deadline: Option<Instant>, limits: &Limits) -> Result<(), End> {
        let wait = match deadline {
            None => limits.idle_timeout,
            Some(d) => d.saturating_duration_since(Instant::now()),
        };
        let late = || match deadline {
            None => End::Quiet,
            Some(_) => End::Refuse(
                "408 Request Timeout",
                format!(
                    "the request did not arrive within {} s",
                    limits.request_timeout.as_secs()
                ),
            ),
        };
        if wait.is_zero() {
            return Err(late());
        }
        self.stream
            .set_read_timeout(Some(wait))
            .map_err(|_| End::Quiet)?;
        let mut chunk = [0u8; 16 * 1024];
        match self.stream.read(&mut chunk) {
            Ok(0) => Err(End::Quiet),
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(())
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                Err(late())
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(()),
            Err(_) => Err(End::Quiet),
        }
    }

    /// Writes bytes in one piece (one segment for a small answer, so no
    /// delayed ACK holds half of it back).
    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes)
    }
}

type Head = (usize, Request, u64, bool);

/// The request head at the start of `buf`: `None` while incomplete; its
/// length, the request, the body length and whether 100-continue was asked.
fn parse_head(buf: &[u8], limits: &Limits) -> Result<Option<Head>, End> {
    let mut headers = [httparse::EMPTY_HEADER; HEADERS_MAX];
    let mut parsed = httparse::Request::new(&mut headers);
    let too_big = || {
        End::Refuse(
            "431 Request Header Fields Too Large",
            format!(
                "the request head is over {} bytes or {HEADERS_MAX} headers",
                limits.head_max
            ),
        )
    };
    let head_len = match parsed.parse(buf) {
        Ok(httparse::Status::Complete(n)) if n <= limits.head_max => n,
        Ok(httparse::Status::Complete(_)) => return Err(too_big()),
        Ok(httparse::Status::Partial) if buf.len() >= limits.head_max => return Err(too_big()),
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(too_big()),
        Err(e) => {
            return Err(End::Refuse(
                "400 Bad Request",
                format!("not an HTTP/1.1 request ({e})"),
            ));
        }
    };
    let url = parsed.path.unwrap_or("/");
    if url.len() > limits.url_max {
        return Err(End::Refuse(
            "414 URI Too Long",
            format!("the request URL is over {} bytes", limits.url_max),
        ));
    }
    let method = parsed.method.unwrap_or("").to_string();
    let mut close = parsed.version == Some(0);
    let mut length: Option<u64> = None;
    let mut expect = false;
    for h in parsed.headers.iter() {
        let value = String::from_utf8_lossy(h.value);
        let value = value.trim();
        if h.name.eq_ignore_ascii_case("content-length") {
            let n = value
                .parse::<u64>()
                .ok()
                .filter(|n| length.is_none_or(|l| l == *n));
            match n {
                Some(n) => length = Some(n),
                None => {
                    return Err(End::Refuse(
                        "400 Bad Request",
                        "Content-Length is not one number".into(),
                    ));
                }
            }
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(End::Refuse(
                "501 Not Implemented",
                "chunked request bodies are not supported: send Content-Length".into(),
            ));
        } else if h.name.eq_ignore_ascii_case("connection") {
            let v = value.to_ascii_lowercase();
            if v.contains("close") {
                close = true;
            } else if v.contains("keep-alive") {
                close = false;
            }
        } else if h.name.eq_ignore_ascii_case("expect") {
            expect = value.eq_ignore_ascii_case("100-continue");
        }
    }
    let req = Request {
        head: method == "HEAD",
        method,
        url: url.to_string(),
        body: Vec::new(),
        too_long: false,
        close,
    };
    Ok(Some((head_len, req, length.unwrap_or(0), expect)))
}

/// A 200 answer with a JSON body, head and body in one buffer.
pub fn answer(body: &[u8], close: bool, head: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 160);
    let _ = write!(
        out,
        "HTTP/1.1 200 OK\r\nServer: livectl-emulator\r\nDate: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{}\r\n",
        httpdate::fmt_http_date(std::time::SystemTime::now()),
        body.len(),
        if close { "Connection: close\r\n" } else { "" }
    );
    if !head {
        out.extend_from_slice(body);
    }
    out
}

/// A refusal of the transport (`status` like `431 Request Header Fields Too
/// Large`), with its reason as text; the connection closes after it.
pub fn refusal(status: &str, reason: &str) -> Vec<u8> {
    let text = format!("{reason}\n");
    format!(
        "HTTP/1.1 {status}\r\nServer: livectl-emulator\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(raw: &str) -> Result<Option<Head>, End> {
        parse_head(raw.as_bytes(), &Limits::default())
    }

    #[test]
    fn a_head_gives_the_request_and_its_body_length() {
        let (n, req, len, expect) = head(
            "POST /v4/a/b?x=1 HTTP/1.1\r\nContent-Length: 12\r\nExpect: 100-continue\r\n\r\n{",
        )
        .unwrap()
        .unwrap();
        assert_eq!(n, 71, "up to the empty line");
        assert_eq!(
            (req.method.as_str(), req.url.as_str()),
            ("POST", "/v4/a/b?x=1")
        );
        assert_eq!((len, expect, req.close, req.head), (12, true, false, false));
        assert!(head("POST / HTTP/1.1\r\nContent-Le").unwrap().is_none());
        let (_, req, ..) = head("GET / HTTP/1.0\r\n\r\n").unwrap().unwrap();
        assert!(req.close, "HTTP/1.0 closes unless asked to keep alive");
        let (_, req, ..) = head("HEAD / HTTP/1.1\r\nConnection: close\r\n\r\n")
            .unwrap()
            .unwrap();
        assert!(req.close && req.head);
    }

    #[test]
    fn heads_over_the_limits_are_refused() {
        let status = |r: Result<Option<Head>, End>| match r {
            Err(End::Refuse(s, _)) => s,
            other => panic!("not refused: {other:?}"),
        };
        let long_url = format!("POST /{} HTTP/1.1\r\n\r\n", "a".repeat(9000));
        assert_eq!(status(head(&long_url)), "414 URI Too Long");
        let big = format!("POST / HTTP/1.1\r\nX: {}", "a".repeat(17_000));
        assert!(status(head(&big)).starts_with("431"), "even before it ends");
        let many: String = (0..70).map(|i| format!("X{i}: y\r\n")).collect();
        assert!(status(head(&format!("POST / HTTP/1.1\r\n{many}\r\n"))).starts_with("431"));
        assert!(
            status(head(
                "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"
            ))
            .starts_with("400")
        );
        assert!(
            status(head(
                "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            ))
            .starts_with("501")
        );
        assert!(status(head("\x1b[31m / HTTP/1.1\r\n\r\n")).starts_with("400"));
    }

    #[test]
    fn an_answer_is_one_buffer_with_its_length() {
        let a = String::from_utf8(answer(b"{}", true, false)).unwrap();
        assert!(
            a.starts_with("HTTP/1.1 200 OK\r\n") && a.ends_with("\r\n\r\n{}"),
            "{a}"
        );
        assert!(a.contains("Content-Length: 2\r\n") && a.contains("Connection: close\r\n"));
        let h = String::from_utf8(answer(b"{}", false, true)).unwrap();
        assert!(h.ends_with("\r\n\r\n") && !h.contains("Connection"), "{h}");
    }
}
