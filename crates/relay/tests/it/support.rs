//! Running the real relay binary on loopback and talking HTTP and WebSocket to it.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

/// Longest any single wait in these tests may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(20);

pub type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A relay process with its own data directory, killed when dropped.
pub struct RelayProcess {
    child: Child,
    pub addr: SocketAddr,
}

impl RelayProcess {
    /// Starts the relay on a free port and waits for its "listening" line.
    pub fn start(data_dir: &Path, extra: &[&str]) -> RelayProcess {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(data_dir.with_extension("log"))
            .expect("relay log file");
        let mut child = Command::new(env!("CARGO_BIN_EXE_quota-relay"))
            .args(["--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .args(["--log", "quota_relay=debug,info"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("relay starts");
        let stdout = child.stdout.take().expect("relay stdout");
        let (lines_tx, lines_rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let line = lines_rx.recv_timeout(WAIT).expect("relay prints its listening line");
        let url =
            line.strip_prefix("quota-relay listening on http://").unwrap_or_else(|| panic!("unexpected line {line:?}"));
        let addr = url.parse().expect("listening address");
        RelayProcess { child, addr }
    }

    pub fn ws_url(&self, endpoint: &str, workspace: &str, token: &str) -> String {
        format!("ws://{}/{endpoint}?workspace={workspace}&token={token}", self.addr)
    }

    /// Stops the relay at once, as a crash or `kill -9` would.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("relay exits");
    }

    /// Asks the relay to shut down with SIGTERM and waits for it to exit.
    pub fn terminate(&mut self) -> ExitStatus {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().expect("kill runs");
        assert!(status.success(), "kill -TERM failed");
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("relay status") {
                return status;
            }
            assert!(std::time::Instant::now() < deadline, "relay did not exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Polls `/healthz` until `done` holds for its body.
    pub fn wait_for_health(&self, what: &str, done: impl Fn(&serde_json::Value) -> bool) {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let health: serde_json::Value = serde_json::from_slice(&self.get("/healthz").body).expect("health json");
            if done(&health) {
                return;
            }
            assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}; health is {health}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The relay's answer to `GET path`.
    pub fn get(&self, path: &str) -> HttpResponse {
        http_get(self.addr, path)
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _killed = self.child.kill();
            let _reaped = self.child.wait();
        }
    }
}

/// A parsed HTTP/1.1 response.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(&name.to_ascii_lowercase()).map(String::as_str).unwrap_or("")
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A plain HTTP/1.1 GET with `Connection: close`, enough for these tests.
pub fn http_get(addr: SocketAddr, path: &str) -> HttpResponse {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(WAIT)).expect("timeout");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").expect("request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("response");
    let split = raw.windows(4).position(|window| window == b"\r\n\r\n").expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status =
        lines.next().and_then(|line| line.split(' ').nth(1)).and_then(|code| code.parse().ok()).expect("status");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect::<HashMap<_, _>>();
    let mut body = raw[split + 4..].to_vec();
    if headers.get("transfer-encoding").is_some_and(|encoding| encoding == "chunked") {
        body = dechunk(&body);
    }
    HttpResponse { status, headers, body }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|window| window == b"\r\n").expect("chunk size line");
        let size = usize::from_str_radix(std::str::from_utf8(&raw[..line_end]).expect("utf8").trim(), 16).expect("hex");
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&raw[line_end + 2..line_end + 2 + size]);
        raw = &raw[line_end + 2 + size + 2..];
    }
}

/// A workspace id and token as the app would derive them; `n` makes distinct ones.
pub fn credential(n: u8) -> (String, String) {
    (format!("{:032x}", 0x1000 + n as u32), format!("{:064x}", 0xabc000 + n as u32))
}

pub async fn connect(url: &str) -> Ws {
    let (ws, _response) = tokio::time::timeout(WAIT, tokio_tungstenite::connect_async(url))
        .await
        .expect("connect in time")
        .expect("websocket handshake");
    ws
}

/// The next data message (text or binary), skipping pings; `None` on close.
pub async fn next_message(ws: &mut Ws) -> Option<Message> {
    loop {
        let message = tokio::time::timeout(WAIT, ws.next()).await.expect("a message in time")?;
        match message {
            Ok(Message::Ping(_) | Message::Pong(_)) => {}
            Ok(Message::Close(_)) => return None,
            Ok(message) => return Some(message),
            Err(_) => return None,
        }
    }
}

/// Reads until the relay closes the connection; returns the close code and reason, and the data
/// messages seen before it.
pub async fn until_closed(ws: &mut Ws) -> (Option<(u16, String)>, Vec<Message>) {
    let mut seen = Vec::new();
    loop {
        match tokio::time::timeout(WAIT, ws.next()).await.expect("the relay closes in time") {
            Some(Ok(Message::Close(frame))) => {
                let frame = frame.map(|frame| (u16::from(frame.code), frame.reason.to_string()));
                return (frame, seen);
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
            Some(Ok(message)) => seen.push(message),
            Some(Err(_)) | None => return (None, seen),
        }
    }
}

pub async fn send_text(ws: &mut Ws, text: &str) {
    ws.send(Message::text(text)).await.expect("send");
}
