//! An emulator child process on port 0 in a sandbox: its base URL from the
//! first stdout line, its stderr in a file, killed on drop. Clients: the
//! real `livectl` binary, and direct HTTP signed by the independent
//! TLSSigAPIv2 implementation in `tlssig.rs`.

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};

use super::tlssig;

pub const DEMO_KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
pub const DEMO_APP: u64 = 1_400_000_000;

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

pub fn code(v: &Value) -> i64 {
    v["ErrorCode"]
        .as_i64()
        .unwrap_or_else(|| panic!("no ErrorCode: {v}"))
}

/// The sandboxed binary (no credentials, no HOME) run in `dir`.
pub fn bare(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("livectl").unwrap();
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("XDG_CONFIG_HOME", dir.join("xdg"))
        .env("LIVECTL_RETRY_BASE_MS", "1")
        .current_dir(dir);
    cmd
}

pub struct Emu {
    child: Option<Child>,
    pub url: String,
    dir: PathBuf,
    _temp: Option<tempfile::TempDir>,
    err_file: PathBuf,
    http: reqwest::blocking::Client,
}

impl Emu {
    /// Starts `livectl emulator ARGS` in a fresh temp dir with no credentials.
    pub fn start(args: &[&str]) -> Emu {
        let temp = tempfile::tempdir().unwrap();
        let mut emu = Emu::start_in(temp.path(), args, &[]);
        emu._temp = Some(temp);
        emu
    }

    /// Starts it in `dir` with extra environment variables.
    pub fn start_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Emu {
        let err_file = dir.join(format!("emulator-{}.err", rand_suffix()));
        let mut cmd = Command::cargo_bin("livectl").unwrap();
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("XDG_CONFIG_HOME", dir.join("xdg"))
            .envs(env.iter().copied())
            .current_dir(dir)
            .arg("emulator")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&err_file).unwrap());
        let mut child = cmd.spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line.trim().to_string();
        if url.is_empty() {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the emulator did not start:\n{}",
                std::fs::read_to_string(&err_file).unwrap_or_default()
            );
        }
        Emu {
            child: Some(child),
            url,
            dir: dir.to_path_buf(),
            _temp: None,
            err_file,
            http: reqwest::blocking::Client::new(),
        }
    }

    /// The process ID (for /proc/PID/status: threads, memory).
    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// `host:port`, for raw sockets.
    pub fn addr(&self) -> String {
        self.url.trim_start_matches("http://").to_string()
    }

    /// The query string of a request signed now with the demo credentials.
    pub fn query(&self) -> String {
        let sig = tlssig::mint(DEMO_KEY, DEMO_APP, "administrator", now(), 600);
        format!(
            "sdkappid={DEMO_APP}&identifier=administrator&usersig={sig}&random=7&contenttype=json"
        )
    }

    /// A line of /proc/PID/status as a number (`Threads`, `VmRSS` in kB).
    pub fn proc_status(&self, field: &str) -> u64 {
        let s = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        s.lines()
            .find_map(|l| l.strip_prefix(&format!("{field}:")))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc status"))
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    pub fn write(&self, name: &str, content: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    /// `livectl` with the demo credentials and this emulator as endpoint.
    pub fn client(&self) -> assert_cmd::Command {
        let mut cmd = bare(&self.dir);
        cmd.env("LIVECTL_SDKAPPID", DEMO_APP.to_string())
            .env("LIVECTL_IDENTIFIER", "administrator")
            .env("LIVECTL_SECRET_KEY", DEMO_KEY)
            .env("LIVECTL_ENDPOINT", &self.url);
        cmd
    }

    /// POSTs `body` to `v4/PATH`, signed now with the demo credentials.
    pub fn post(&self, path: &str, body: Value) -> Value {
        let sig = tlssig::mint(DEMO_KEY, DEMO_APP, "administrator", now(), 600);
        self.post_signed(path, &sig, body)
    }

    /// Imports `users` (multiaccount_import), as a test's setup.
    pub fn import(&self, users: &[&str]) {
        let list: Vec<Value> = users
            .iter()
            .map(|u| serde_json::json!({"UserID": u}))
            .collect();
        let got = self.post(
            "im_open_login_svc/multiaccount_import",
            serde_json::json!({"AccountList": list}),
        );
        assert_eq!(code(&got), 0, "{got}");
        assert_eq!(got["FailAccounts"], serde_json::json!([]), "{got}");
    }

    pub fn post_signed(&self, path: &str, sig: &str, body: Value) -> Value {
        let query = format!(
            "sdkappid={DEMO_APP}&identifier=administrator&usersig={sig}&random=7&contenttype=json"
        );
        self.post_query(path, &query, body)
    }

    pub fn post_query(&self, path: &str, query: &str, body: Value) -> Value {
        let resp = self
            .http
            .post(format!("{}/v4/{path}?{query}", self.url))
            .body(body.to_string())
            .send()
            .unwrap();
        assert_eq!(resp.status(), 200);
        resp.json().unwrap()
    }

    /// SIGTERM, then the exit status and everything it wrote on stderr.
    pub fn stop(self) -> (ExitStatus, String) {
        self.stop_with("-TERM")
    }

    /// Sends `signal` and waits at most `limit` for the exit: `None` if it
    /// is still running then (it is killed on drop).
    pub fn stop_within(
        mut self,
        signal: &str,
        limit: std::time::Duration,
    ) -> (Option<ExitStatus>, String) {
        let child = self.child.as_mut().unwrap();
        let sent = Command::new("sh")
            .args(["-c", "kill \"$0\" \"$1\"", signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill {signal} failed");
        let until = std::time::Instant::now() + limit;
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break Some(s);
            }
            if std::time::Instant::now() > until {
                break None;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        (
            status,
            std::fs::read_to_string(&self.err_file).unwrap_or_default(),
        )
    }

    pub fn stop_with(mut self, signal: &str) -> (ExitStatus, String) {
        let mut child = self.child.take().unwrap();
        // The shell's builtin kill: no procps binary needed.
        let sent = Command::new("sh")
            .args(["-c", "kill \"$0\" \"$1\"", signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill {signal} failed");
        let status = child.wait().unwrap();
        (
            status,
            std::fs::read_to_string(&self.err_file).unwrap_or_default(),
        )
    }
}

impl Drop for Emu {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}
