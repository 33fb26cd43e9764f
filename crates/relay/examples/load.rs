//! Load generator: N WebSocket clients sync one shared document through a relay for S seconds.
//!
//! Every client edits the document `--rate` times a second; each edit's commit message carries
//! its author, sequence number and the moment it was made, so every other client can tell how
//! long the edit took to reach it. At the end it prints edits and deliveries per second, latency
//! percentiles (per delivery, and until an edit had reached every other client), and the relay's
//! peak resident memory (VmHWM from /proc).
//!
//! ```text
//! cargo run --release -p quota-relay --example load -- --clients 200 --seconds 10
//! cargo run --release -p quota-relay --example load -- --url ws://127.0.0.1:3030 --pid 1234 --json
//! ```
//!
//! Without `--url` it starts the relay binary built beside it (or `--relay PATH`) on a free
//! loopback port with a temporary data directory, and stops it afterwards. With `--url` it
//! connects to a running automerge-repo server as is (any query string is kept), so the same run
//! can measure another implementation; `--pid` then names the process whose memory to report.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use automerge::sync::{self, SyncDoc};
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{Automerge, ROOT};
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use quota_sync::{DecodeLimits, DocumentId, Message, PeerId, decode, encode};
use tokio::sync::{Barrier, Semaphore};
use tokio_tungstenite::tungstenite::Message as WsMessage;

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Latency histogram resolution and range: 100 µs buckets up to 60 s.
const BUCKET_US: u64 = 100;
const BUCKETS: usize = 600_000;

#[derive(Parser, Debug)]
#[command(
    about = "Opens N WebSocket clients that sync one shared document through a relay and reports throughput, latency and the relay's peak memory."
)]
struct Args {
    /// Concurrent clients.
    #[arg(long, default_value_t = 200)]
    clients: usize,
    /// Seconds of editing.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Edits per client per second.
    #[arg(long, default_value_t = 1.0)]
    rate: f64,
    /// Seconds to wait after editing stops for the last edits to arrive everywhere.
    #[arg(long, default_value_t = 15)]
    drain: u64,
    /// The relay binary to start [default: quota-relay beside this example].
    #[arg(long)]
    relay: Option<PathBuf>,
    /// Connect to this WebSocket URL instead of starting a relay.
    #[arg(long)]
    url: Option<String>,
    /// With --url: the server's process id, for its peak memory.
    #[arg(long)]
    pid: Option<u32>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Figures shared by all clients while the run goes on.
struct Stats {
    epoch: Instant,
    clients: usize,
    max_seq: usize,
    edits: AtomicU64,
    deliveries: AtomicU64,
    /// Per edit (author * max_seq + seq): how many clients received it and the slowest arrival.
    reached: Vec<AtomicU32>,
    slowest_us: Vec<AtomicU64>,
    histogram: Vec<AtomicU64>,
    disconnected: AtomicUsize,
    /// Set when measuring is over; connections failing after that are the teardown, not news.
    finished: std::sync::atomic::AtomicBool,
}

impl Stats {
    fn now_us(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    fn record(&self, author: usize, seq: usize, made_us: u64) {
        if author >= self.clients || seq >= self.max_seq {
            return;
        }
        let latency = self.now_us().saturating_sub(made_us);
        let index = author * self.max_seq + seq;
        self.reached[index].fetch_add(1, Ordering::Relaxed);
        self.slowest_us[index].fetch_max(latency, Ordering::Relaxed);
        let bucket = usize::try_from(latency / BUCKET_US).unwrap_or(BUCKETS - 1).min(BUCKETS - 1);
        self.histogram[bucket].fetch_add(1, Ordering::Relaxed);
        self.deliveries.fetch_add(1, Ordering::Relaxed);
    }

    fn all_delivered(&self) -> bool {
        let expected = self.edits.load(Ordering::Relaxed) * (self.clients as u64 - 1);
        self.deliveries.load(Ordering::Relaxed) >= expected
    }
}

fn percentile_of_histogram(histogram: &[AtomicU64], fraction: f64) -> Option<f64> {
    let total: u64 = histogram.iter().map(|bucket| bucket.load(Ordering::Relaxed)).sum();
    if total == 0 {
        return None;
    }
    let target = ((total as f64) * fraction).ceil() as u64;
    let mut seen = 0;
    for (index, bucket) in histogram.iter().enumerate() {
        seen += bucket.load(Ordering::Relaxed);
        if seen >= target {
            return Some(((index as u64 + 1) * BUCKET_US) as f64 / 1000.0);
        }
    }
    None
}

fn percentile(sorted_us: &[u64], fraction: f64) -> Option<f64> {
    if sorted_us.is_empty() {
        return None;
    }
    let index = (((sorted_us.len() as f64) * fraction).ceil() as usize).clamp(1, sorted_us.len()) - 1;
    Some(sorted_us[index] as f64 / 1000.0)
}

/// A relay started for the run.
struct Spawned {
    child: Child,
    _data: tempfile::TempDir,
}

impl Drop for Spawned {
    fn drop(&mut self) {
        if let Err(error) = self.child.kill() {
            eprintln!("cannot stop the relay: {error}");
        }
        if let Err(error) = self.child.wait() {
            eprintln!("cannot reap the relay: {error}");
        }
    }
}

fn start_relay(args: &Args) -> anyhow::Result<(Spawned, String, u32)> {
    let binary = match &args.relay {
        Some(path) => path.clone(),
        None => {
            let exe = std::env::current_exe()?;
            let dir = exe.parent().and_then(|examples| examples.parent()).context("no target directory")?;
            dir.join("quota-relay")
        }
    };
    let data = tempfile::tempdir()?;
    let mut child = Command::new(&binary)
        .args(["--listen", "127.0.0.1:0", "--log", "warn", "--max-connections"])
        .arg((args.clients + 100).to_string())
        .arg("--data-dir")
        .arg(data.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("cannot start {}", binary.display()))?;
    let stdout = child.stdout.take().context("relay stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let Some(addr) = line.trim().strip_prefix("quota-relay listening on http://") else {
        bail!("unexpected first line from the relay: {line:?}");
    };
    let workspace = "10ad0000000000000000000000000001";
    let token = "10ad000000000000000000000000000000000000000000000000000000000001";
    let url = format!("ws://{addr}/sync?workspace={workspace}&token={token}");
    let pid = child.id();
    Ok((Spawned { child, _data: data }, url, pid))
}

/// Peak resident memory of a process in KiB.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time a process has used, in seconds (user plus system, at the usual 100 ticks a second).
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; the fields after it are plain numbers.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

/// One client's connection and copy of the document. Frames go out through a writer task, so
/// the client keeps reading however slowly the server takes what it writes.
struct Client {
    index: usize,
    stream: futures_util::stream::SplitStream<Ws>,
    out: tokio::sync::mpsc::UnboundedSender<WsMessage>,
    peer: PeerId,
    relay: PeerId,
    doc: Automerge,
    state: sync::State,
    seq: usize,
}

const DOC: DocumentId = DocumentId([0x10, 0xad, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

impl Client {
    async fn connect(url: &str, index: usize) -> anyhow::Result<Client> {
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await.context("websocket handshake")?;
        let peer = PeerId(format!("load-{index}"));
        let join =
            Message::Join { sender_id: peer.clone(), supported_protocol_versions: vec!["1".into()], metadata: None };
        ws.send(WsMessage::binary(encode(&join))).await?;
        loop {
            match read(&mut ws).await? {
                Message::Peer { sender_id, .. } => {
                    let (mut sink, stream) = ws.split();
                    let (out, mut queue) = tokio::sync::mpsc::unbounded_channel();
                    tokio::spawn(async move {
                        while let Some(frame) = queue.recv().await {
                            if sink.send(frame).await.is_err() {
                                break;
                            }
                        }
                    });
                    return Ok(Client {
                        index,
                        stream,
                        out,
                        peer,
                        relay: sender_id,
                        doc: Automerge::new(),
                        state: sync::State::new(),
                        seq: 0,
                    });
                }
                Message::Error { message } => bail!("refused: {message}"),
                _ => {}
            }
        }
    }

    async fn push(&mut self) -> anyhow::Result<()> {
        let Some(message) = self.doc.generate_sync_message(&mut self.state) else { return Ok(()) };
        let data = message.encode();
        let (sender_id, target_id) = (self.peer.clone(), self.relay.clone());
        let message = if self.doc.get_heads().is_empty() {
            Message::Request { document_id: DOC, sender_id, target_id, data }
        } else {
            Message::Sync { document_id: DOC, sender_id, target_id, data }
        };
        self.out.send(WsMessage::binary(encode(&message))).context("connection writer stopped")?;
        Ok(())
    }

    /// Applies one incoming message; returns the messages of the changes it brought.
    async fn receive(&mut self, message: Message, stats: Option<&Stats>) -> anyhow::Result<()> {
        match message {
            Message::Sync { data, .. } | Message::Request { data, .. } => {
                let before = self.doc.get_heads();
                self.doc.receive_sync_message(&mut self.state, sync::Message::decode(&data)?)?;
                if let Some(stats) = stats
                    && self.doc.get_heads() != before
                {
                    for change in self.doc.get_changes_meta(&before) {
                        if let Some((author, seq, made)) = change.message.as_deref().and_then(parse_edit)
                            && author != self.index
                        {
                            stats.record(author, seq, made);
                        }
                    }
                }
                self.push().await
            }
            Message::Error { message } => bail!("relay error: {message}"),
            Message::DocUnavailable { .. } => bail!("the shared document is unavailable"),
            _ => Ok(()),
        }
    }

    fn edit(&mut self, stats: &Stats) {
        let message = format!("{}:{}:{}", self.index, self.seq, stats.now_us());
        let key = format!("c{}", self.index);
        let seq = self.seq as i64;
        let result = self.doc.transact_with::<_, _, automerge::AutomergeError, _>(
            |_| CommitOptions::default().with_message(message),
            |tx| tx.put(ROOT, key, seq).map(|_| ()),
        );
        if result.is_ok() {
            self.seq += 1;
            stats.edits.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn parse_edit(message: &str) -> Option<(usize, usize, u64)> {
    let mut parts = message.split(':');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

async fn read<S>(ws: &mut S) -> anyhow::Result<Message>
where
    S: futures_util::Stream<Item = Result<WsMessage, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match ws.next().await.context("connection closed")?? {
            WsMessage::Binary(bytes) => return Ok(decode(&bytes, &DecodeLimits::default())?),
            WsMessage::Close(frame) => bail!("closed by the server: {frame:?}"),
            _ => {}
        }
    }
}

/// Waits until the client holds the shared document (the first client creates it).
async fn set_up(client: &mut Client) -> anyhow::Result<()> {
    if client.index == 0 {
        client
            .doc
            .transact::<_, _, automerge::AutomergeError>(|tx| tx.put(ROOT, "created", true).map(|_| ()))
            .map_err(|failure| failure.error)?;
        client.push().await?;
        while client.state.their_heads.as_ref() != Some(&client.doc.get_heads()) {
            let message = read(&mut client.stream).await?;
            client.receive(message, None).await?;
        }
    } else {
        client.push().await?;
        while client.doc.get_heads().is_empty() {
            let message = read(&mut client.stream).await?;
            client.receive(message, None).await?;
        }
    }
    Ok(())
}

async fn run_client(
    mut client: Client,
    stats: Arc<Stats>,
    start: Instant,
    end: Instant,
    period: Duration,
) -> anyhow::Result<()> {
    // Clients take turns through the period so edits arrive evenly rather than in bursts.
    let offset = period.mul_f64(client.index as f64 / stats.clients as f64);
    let mut ticks = tokio::time::interval_at((start + offset).into(), period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut editing = true;
    loop {
        tokio::select! {
            _ = ticks.tick(), if editing => {
                if Instant::now() >= end || client.seq >= stats.max_seq {
                    editing = false;
                } else {
                    client.edit(&stats);
                    client.push().await?;
                }
            }
            message = read(&mut client.stream) => {
                client.receive(message?, Some(&stats)).await?;
            }
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.clients < 2 {
        bail!("--clients must be at least 2");
    }
    let (spawned, url, pid) = match &args.url {
        Some(url) => (None, url.clone(), args.pid),
        None => {
            let (spawned, url, pid) = start_relay(&args)?;
            (Some(spawned), url, Some(pid))
        }
    };

    let max_seq = (args.rate * args.seconds as f64).ceil() as usize + 2;
    let stats = Arc::new(Stats {
        epoch: Instant::now(),
        clients: args.clients,
        max_seq,
        edits: AtomicU64::new(0),
        deliveries: AtomicU64::new(0),
        reached: (0..args.clients * max_seq).map(|_| AtomicU32::new(0)).collect(),
        slowest_us: (0..args.clients * max_seq).map(|_| AtomicU64::new(0)).collect(),
        histogram: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
        disconnected: AtomicUsize::new(0),
        finished: std::sync::atomic::AtomicBool::new(false),
    });

    // The first client creates the document before anyone asks for it.
    let mut first = Client::connect(&url, 0).await?;
    set_up(&mut first).await?;
    let handshakes = Arc::new(Semaphore::new(64));
    let ready = Arc::new(Barrier::new(args.clients + 1));
    let period = Duration::from_secs_f64(1.0 / args.rate);
    let start_at = Arc::new(std::sync::OnceLock::<(Instant, Instant)>::new());
    let mut tasks = Vec::new();
    let mut pending_first = Some(first);
    for index in 0..args.clients {
        let (url, handshakes, ready, stats, start_at) =
            (url.clone(), handshakes.clone(), ready.clone(), stats.clone(), start_at.clone());
        let first = if index == 0 { pending_first.take() } else { None };
        tasks.push(tokio::spawn(async move {
            let client = async {
                let _permit = handshakes.acquire().await?;
                let client = match first {
                    Some(client) => client,
                    None => {
                        let mut client = Client::connect(&url, index).await?;
                        set_up(&mut client).await?;
                        client
                    }
                };
                anyhow::Ok(client)
            }
            .await;
            ready.wait().await;
            let result = match client {
                Ok(client) => {
                    let (start, end) = *start_at.get().expect("the start is set before the barrier opens");
                    run_client(client, stats.clone(), start, end, period).await
                }
                Err(error) => Err(error),
            };
            if let Err(error) = &result
                && !stats.finished.load(Ordering::Relaxed)
                && stats.disconnected.fetch_add(1, Ordering::Relaxed) < 3
            {
                eprintln!("client {index}: {error:#}");
            }
        }));
    }
    // Every client is connected and holds the document once the barrier opens; editing starts
    // a moment later for all of them at once.
    let start = Instant::now() + Duration::from_millis(200);
    let end = start + Duration::from_secs(args.seconds);
    start_at.set((start, end)).expect("set once");
    ready.wait().await;
    tokio::time::sleep_until(end.into()).await;
    let edit_time = end - start;
    let drain_deadline = Instant::now() + Duration::from_secs(args.drain);
    while !stats.all_delivered() && Instant::now() < drain_deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let total_time = start.elapsed();
    stats.finished.store(true, Ordering::Relaxed);
    let peak_kib = pid.and_then(peak_rss_kib);
    let relay_cpu = pid.and_then(cpu_seconds);
    for task in &tasks {
        task.abort();
    }
    drop(spawned);

    let edits = stats.edits.load(Ordering::Relaxed);
    let deliveries = stats.deliveries.load(Ordering::Relaxed);
    let everywhere: Vec<u64> = {
        let mut complete: Vec<u64> = (0..args.clients * max_seq)
            .filter(|&index| stats.reached[index].load(Ordering::Relaxed) as usize >= args.clients - 1)
            .map(|index| stats.slowest_us[index].load(Ordering::Relaxed))
            .collect();
        complete.sort_unstable();
        complete
    };
    let expected = edits * (args.clients as u64 - 1);
    let report = serde_json::json!({
        "clients": args.clients,
        "seconds": args.seconds,
        "rate_per_client": args.rate,
        "edits": edits,
        "edits_per_second": edits as f64 / edit_time.as_secs_f64(),
        "deliveries": deliveries,
        "deliveries_expected": expected,
        "deliveries_per_second": deliveries as f64 / total_time.as_secs_f64(),
        "edits_reaching_everyone": everywhere.len(),
        "latency_ms_p50": percentile_of_histogram(&stats.histogram, 0.50),
        "latency_ms_p99": percentile_of_histogram(&stats.histogram, 0.99),
        "everyone_latency_ms_p50": percentile(&everywhere, 0.50),
        "everyone_latency_ms_p99": percentile(&everywhere, 0.99),
        "disconnected_clients": stats.disconnected.load(Ordering::Relaxed),
        "relay_peak_rss_kib": peak_kib,
        "relay_cpu_seconds": relay_cpu,
    });
    if args.json {
        println!("{report}");
    } else {
        println!("clients                 {}", args.clients);
        println!(
            "edits                   {edits} in {:.1} s ({:.1}/s)",
            edit_time.as_secs_f64(),
            report["edits_per_second"].as_f64().unwrap_or(0.0)
        );
        println!(
            "deliveries              {deliveries} of {expected} ({:.1}/s)",
            report["deliveries_per_second"].as_f64().unwrap_or(0.0)
        );
        println!("edits reaching everyone {} of {edits}", everywhere.len());
        println!("latency per delivery    p50 {} ms, p99 {} ms", report["latency_ms_p50"], report["latency_ms_p99"]);
        println!(
            "latency to everyone     p50 {} ms, p99 {} ms",
            report["everyone_latency_ms_p50"], report["everyone_latency_ms_p99"]
        );
        println!("disconnected clients    {}", report["disconnected_clients"]);
        if let Some(cpu) = relay_cpu {
            println!("relay CPU time          {cpu:.1} s");
        }
        match peak_kib {
            Some(kib) => println!("relay peak RSS          {:.1} MiB", kib as f64 / 1024.0),
            None => println!("relay peak RSS          unknown (pass --pid)"),
        }
    }
    Ok(())
}
