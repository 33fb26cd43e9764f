//! Load generator: N WebSocket clients sync one shared document through a relay for S seconds;
//! or, with `--offline-edits N`, two peers that each made N edits offline converge through it.
//!
//! `--editors` of the clients edit the document `--rate` times a second each; each edit's commit
//! message carries its author, sequence number and the moment it was made, so every other client
//! can tell how long the edit took to reach it. The other clients only read: they keep the heads
//! of what they have received instead of a whole document, so a thousand of them fit in one
//! process on one core. Editors keep the whole document but, like readers, speak the sync
//! protocol's first format by hand rather than through Automerge's sync, which walks the
//! document's history on every message (see `Replica::Editor`). The two peers of the convergence
//! run sync the way Automerge does. At the end it prints edits and deliveries per second, latency
//! percentiles (per delivery, and until an edit had reached every other client), the relay's
//! peak resident memory (VmHWM from /proc) and the CPU time of the relay and of this process,
//! which shows whether the load generator itself kept up.
//!
//! ```text
//! cargo run --release -p quota-relay --example load -- --clients 1000 --editors 100 --seconds 60
//! cargo run --release -p quota-relay --example load -- --url ws://127.0.0.1:3030 --pid 1234 --json
//! cargo run --release -p quota-relay --example load -- --offline-edits 1000
//! ```
//!
//! Without `--url` it starts the relay binary (`--relay`, else `QUOTA_RELAY_BIN`, else the
//! `quota-relay` built beside it) on a free loopback port with a temporary data directory and
//! stops it afterwards; the URL then carries a workspace credential, which the relay registers
//! on first use. With `--url` it connects to any automerge-repo server as is (a plain
//! automerge-repo sync server takes no credential), so the same run can measure another
//! implementation; `--pid` then names the process whose memory and CPU time to report.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use automerge::sync::{self, BloomFilter, ChunkList, Have, MessageVersion, SyncDoc};
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{Automerge, Change, ChangeHash, ROOT};
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use quota_sync::{DecodeError, DecodeLimits, DocumentId, Message, PeerId, decode, encode};
use tokio::sync::{Barrier, Semaphore};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// How long a client may take to connect and receive the document before the run starts.
const SET_UP_LIMIT: Duration = Duration::from_secs(120);

/// How long the whole convergence run may take.
const CONVERGE_LIMIT: Duration = Duration::from_secs(180);

/// Latency histogram resolution and range: 100 µs buckets up to 60 s.
const BUCKET_US: u64 = 100;
const BUCKETS: usize = 600_000;

#[derive(Parser, Debug)]
#[command(about = "Opens N WebSocket clients that sync one shared document through a relay and reports throughput, \
             latency and the relay's peak memory; or times two peers converging after offline edits.")]
struct Args {
    /// Concurrent clients.
    #[arg(long, default_value_t = 200)]
    clients: usize,
    /// How many of the clients edit [default: all of them].
    #[arg(long)]
    editors: Option<usize>,
    /// Seconds of editing.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Edits per editing client per second.
    #[arg(long, default_value_t = 1.0)]
    rate: f64,
    /// Seconds to wait after editing stops for the last edits to arrive everywhere.
    #[arg(long, default_value_t = 15)]
    drain: u64,
    /// Instead of the load run: two peers each make this many edits offline, then both connect
    /// and the time until they hold the same document is reported.
    #[arg(long)]
    offline_edits: Option<usize>,
    /// The relay binary to start [default: quota-relay beside this example].
    #[arg(long, env = "QUOTA_RELAY_BIN")]
    relay: Option<PathBuf>,
    /// Connect to this WebSocket URL instead of starting a relay.
    #[arg(long)]
    url: Option<String>,
    /// With --url: the server's process id, for its peak memory and CPU time.
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
    editors: usize,
    max_seq: usize,
    edits: AtomicU64,
    deliveries: AtomicU64,
    /// Per edit (author * max_seq + seq): how many clients received it and the slowest arrival.
    reached: Vec<AtomicU32>,
    slowest_us: Vec<AtomicU64>,
    histogram: Vec<AtomicU64>,
    disconnected: AtomicUsize,
    /// Set when measuring is over; connections failing after that are the teardown, not news.
    finished: AtomicBool,
}

impl Stats {
    fn new(clients: usize, editors: usize, max_seq: usize) -> Stats {
        Stats {
            epoch: Instant::now(),
            clients,
            editors,
            max_seq,
            edits: AtomicU64::new(0),
            deliveries: AtomicU64::new(0),
            reached: (0..editors * max_seq).map(|_| AtomicU32::new(0)).collect(),
            slowest_us: (0..editors * max_seq).map(|_| AtomicU64::new(0)).collect(),
            histogram: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            disconnected: AtomicUsize::new(0),
            finished: AtomicBool::new(false),
        }
    }

    fn now_us(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    /// The edit's slot, if the commit message names one this run made.
    fn slot(&self, edit: Edit) -> Option<usize> {
        (edit.author < self.editors && edit.seq < self.max_seq).then_some(edit.author * self.max_seq + edit.seq)
    }

    fn record(&self, edit: Edit) {
        let Some(index) = self.slot(edit) else { return };
        let latency = self.now_us().saturating_sub(edit.made_us);
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

/// What an edit's commit message says: who made it, its number, and when (µs since the epoch).
#[derive(Clone, Copy)]
struct Edit {
    author: usize,
    seq: usize,
    made_us: u64,
}

impl Edit {
    fn parse(message: &str) -> Option<Edit> {
        let mut parts = message.split(':');
        Some(Edit {
            author: parts.next()?.parse().ok()?,
            seq: parts.next()?.parse().ok()?,
            made_us: parts.next()?.parse().ok()?,
        })
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
    // Any well-formed credential will do: the relay registers a workspace id with the first
    // token it sees, and every later client of the run presents the same one.
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

/// Seconds the threads of a process now alive have spent ready to run but waiting for a CPU
/// (from /proc/PID/task/*/schedstat): a busy machine shows here rather than in CPU time.
fn runqueue_wait_seconds(pid: u32) -> Option<f64> {
    let mut nanos = 0u64;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        let Ok(stat) = std::fs::read_to_string(task.ok()?.path().join("schedstat")) else { continue };
        nanos += stat.split_whitespace().nth(1).and_then(|field| field.parse::<u64>().ok()).unwrap_or(0);
    }
    Some(nanos as f64 / 1e9)
}

/// CPU time a process has used, in seconds (user plus system, at the usual 100 ticks a second).
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; the fields after it are plain numbers.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

/// The shared document of the load run, and the one of the convergence run: they differ so that
/// both runs can go against the same server.
const LOAD_DOC: DocumentId = DocumentId([0x10, 0xad, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
const CONVERGE_DOC: DocumentId = DocumentId([0x10, 0xad, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);

/// What a client keeps of the document.
enum Replica {
    /// The whole document, synced the way Automerge syncs, for the two peers of the convergence
    /// run.
    Full { doc: Box<Automerge>, state: sync::State },
    /// The whole document, for a client that edits under load. Like a reader it speaks the sync
    /// protocol's first format by hand: it says it has its heads, sends its new changes along and
    /// applies what arrives, keeping no sync state. Automerge's own sync walks the document's
    /// history on every message; a hundred editors doing that would leave this process, on its
    /// one core, unable to keep up with a server that delivers every update.
    Editor {
        doc: Box<Automerge>,
        seen: Heads,
        /// This client's changes not yet sent.
        unsent: Vec<Vec<u8>>,
        /// The heads the server last said it has.
        server_heads: Vec<ChangeHash>,
    },
    /// Only the heads of what arrived, for a client that reads. It speaks the sync protocol in
    /// its first format, which never carries a whole document, so every change arrives on its
    /// own and is counted by its commit message without being applied anywhere.
    Heads(Heads),
}

struct Heads {
    heads: Vec<ChangeHash>,
    /// Which edits of the run this client has already counted, by slot.
    seen: Vec<u64>,
    /// Changes that carry no edit of the run (the one that created the document).
    other: HashSet<ChangeHash>,
}

impl Heads {
    fn new(slots: usize) -> Heads {
        Heads { heads: Vec::new(), seen: vec![0; slots.div_ceil(64)], other: HashSet::new() }
    }

    /// Takes the changes of a sync message, putting those not seen before in `fresh`; true if
    /// the heads moved.
    fn take(
        &mut self,
        message: &sync::Message,
        own: usize,
        stats: Option<&Stats>,
        mut fresh_changes: Option<&mut Vec<Change>>,
    ) -> anyhow::Result<bool> {
        let mut moved = false;
        for chunk in message.changes.iter() {
            let change = parsed(chunk)?;
            let slot = match (change.edit, stats) {
                (Some(edit), Some(stats)) => stats.slot(edit),
                _ => None,
            };
            let fresh = match slot {
                Some(slot) => {
                    let (word, bit) = (slot / 64, 1u64 << (slot % 64));
                    let fresh = self.seen[word] & bit == 0;
                    self.seen[word] |= bit;
                    fresh
                }
                None => self.other.insert(change.hash),
            };
            if !fresh {
                continue;
            }
            if let (Some(edit), Some(stats)) = (change.edit, stats)
                && edit.author != own
            {
                stats.record(edit);
            }
            self.heads.retain(|head| !change.deps.contains(head));
            self.heads.push(change.hash);
            moved = true;
            if let Some(fresh) = fresh_changes.as_deref_mut() {
                fresh.push(Change::try_from(chunk).context("a change in a sync message")?);
            }
        }
        self.heads.sort_unstable();
        Ok(moved)
    }

    /// What this client has, as the sync protocol says it: its heads, and no changes beyond
    /// them, so the server sends everything after those heads.
    fn message(&self) -> sync::Message {
        heads_message(self.heads.clone(), Vec::new())
    }
}

/// What a reading client needs of a change: its hash, its dependencies and the edit it carries.
struct Parsed {
    hash: ChangeHash,
    deps: Vec<ChangeHash>,
    edit: Option<Edit>,
}

thread_local! {
    /// Changes parsed so far, by their bytes. Every reader receives the same changes; parsing and
    /// hashing each copy again would make this process, not the server, the bottleneck.
    static PARSED: RefCell<HashMap<Vec<u8>, Rc<Parsed>>> = RefCell::new(HashMap::new());
}

/// The change in `chunk`, parsed once per process.
fn parsed(chunk: &[u8]) -> anyhow::Result<Rc<Parsed>> {
    if let Some(known) = PARSED.with_borrow(|parsed| parsed.get(chunk).cloned()) {
        return Ok(known);
    }
    let change = Change::try_from(chunk).context("a change in a sync message")?;
    let edit = change.message().and_then(Edit::parse);
    let parsed = Rc::new(Parsed { hash: change.hash(), deps: change.deps().to_vec(), edit });
    PARSED.with_borrow_mut(|known| known.insert(chunk.to_vec(), parsed.clone()));
    Ok(parsed)
}

/// A sync message in the protocol's first format saying the sender has `heads` and everything
/// before them, carrying `changes`.
fn heads_message(heads: Vec<ChangeHash>, changes: Vec<Vec<u8>>) -> sync::Message {
    sync::Message {
        have: vec![Have { last_sync: heads.clone(), bloom: BloomFilter::default() }],
        heads,
        need: Vec::new(),
        changes: if changes.is_empty() { ChunkList::empty() } else { ChunkList::from(changes) },
        flags: None,
        version: MessageVersion::V1,
    }
}

/// One client's connection and copy of the document. Frames go out through a writer task, so
/// the client keeps reading however slowly the server takes what it writes.
struct Client {
    index: usize,
    document: DocumentId,
    stream: futures_util::stream::SplitStream<Ws>,
    out: tokio::sync::mpsc::UnboundedSender<WsMessage>,
    peer: PeerId,
    server: PeerId,
    replica: Replica,
    seq: usize,
}

impl Client {
    async fn connect(url: &str, document: DocumentId, index: usize, replica: Replica) -> anyhow::Result<Client> {
        // Small buffers: the library's default of 128 KiB each, times a thousand clients, would
        // cost this process more memory than the server it measures.
        let config = WebSocketConfig::default().read_buffer_size(8 * 1024).write_buffer_size(8 * 1024);
        let (mut ws, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), true)
            .await
            .context("websocket handshake")?;
        // A fresh peer id per connection, as automerge-repo peers draw one per session: a server
        // may still be closing an earlier connection of the same client under the old id.
        static SESSIONS: AtomicU64 = AtomicU64::new(0);
        let peer = PeerId(format!("load-{index}-{}", SESSIONS.fetch_add(1, Ordering::Relaxed)));
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
                    return Ok(Client { index, document, stream, out, peer, server: sender_id, replica, seq: 0 });
                }
                Message::Error { message } => bail!("refused: {message}"),
                _ => {}
            }
        }
    }

    fn heads(&self) -> Vec<ChangeHash> {
        match &self.replica {
            Replica::Full { doc, .. } | Replica::Editor { doc, .. } => doc.get_heads(),
            Replica::Heads(heads) => heads.heads.clone(),
        }
    }

    /// Whether the server has said it holds everything this client has.
    fn acknowledged(&self) -> bool {
        match &self.replica {
            Replica::Full { doc, state } => state.their_heads.as_ref() == Some(&doc.get_heads()),
            Replica::Editor { doc, server_heads, .. } => *server_heads == doc.get_heads(),
            Replica::Heads(_) => true,
        }
    }

    /// Sends the next sync message, if there is anything to say.
    fn push(&mut self) -> anyhow::Result<()> {
        let message = match &mut self.replica {
            Replica::Full { doc, state } => doc.generate_sync_message(state),
            Replica::Editor { doc, unsent, .. } => Some(heads_message(doc.get_heads(), std::mem::take(unsent))),
            Replica::Heads(heads) => Some(heads.message()),
        };
        let Some(message) = message else { return Ok(()) };
        let data = message.encode();
        let (sender_id, target_id) = (self.peer.clone(), self.server.clone());
        let document_id = self.document;
        let message = if self.heads().is_empty() {
            Message::Request { document_id, sender_id, target_id, data }
        } else {
            Message::Sync { document_id, sender_id, target_id, data }
        };
        self.out.send(WsMessage::binary(encode(&message))).context("connection writer stopped")?;
        Ok(())
    }

    /// Applies one incoming message, counts the edits it brought, and answers it.
    fn receive(&mut self, message: Message, stats: Option<&Stats>) -> anyhow::Result<()> {
        match message {
            Message::Sync { data, .. } | Message::Request { data, .. } => {
                let message = sync::Message::decode(&data)?;
                let answer = match &mut self.replica {
                    Replica::Full { doc, state } => {
                        let before = doc.get_heads();
                        doc.receive_sync_message(state, message)?;
                        if let Some(stats) = stats
                            && doc.get_heads() != before
                        {
                            for change in doc.get_changes_meta(&before) {
                                if let Some(edit) = change.message.as_deref().and_then(Edit::parse)
                                    && edit.author != self.index
                                {
                                    stats.record(edit);
                                }
                            }
                        }
                        true
                    }
                    Replica::Editor { doc, seen, server_heads, .. } => {
                        let mut fresh = Vec::new();
                        let moved = seen.take(&message, self.index, stats, Some(&mut fresh))?;
                        server_heads.clone_from(&message.heads);
                        server_heads.sort_unstable();
                        doc.apply_changes(fresh)?;
                        moved
                    }
                    Replica::Heads(heads) => heads.take(&message, self.index, stats, None)?,
                };
                if answer { self.push() } else { Ok(()) }
            }
            Message::Error { message } => bail!("server error: {message}"),
            Message::DocUnavailable { .. } => bail!("the shared document is unavailable"),
            _ => Ok(()),
        }
    }

    fn edit(&mut self, stats: &Stats) -> anyhow::Result<()> {
        let Replica::Editor { doc, unsent, .. } = &mut self.replica else { bail!("a reading client cannot edit") };
        let message = format!("{}:{}:{}", self.index, self.seq, stats.now_us());
        let key = format!("c{}", self.index);
        let seq = self.seq as i64;
        doc.transact_with::<_, _, automerge::AutomergeError, _>(
            |_| CommitOptions::default().with_message(message),
            |tx| tx.put(ROOT, key, seq).map(|_| ()),
        )
        .map_err(|failure| failure.error)?;
        queue_last_change(doc, unsent)?;
        self.seq += 1;
        stats.edits.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// The next protocol message; message types this client does not know are skipped.
async fn read<S>(ws: &mut S) -> anyhow::Result<Message>
where
    S: futures_util::Stream<Item = Result<WsMessage, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match ws.next().await.context("connection closed")?? {
            WsMessage::Binary(bytes) => match decode(&bytes, &DecodeLimits::default()) {
                Ok(message) => return Ok(message),
                Err(DecodeError::UnknownType(_)) => {}
                Err(error) => return Err(error.into()),
            },
            WsMessage::Close(frame) => bail!("closed by the server: {frame:?}"),
            _ => {}
        }
    }
}

fn full() -> Replica {
    Replica::Full { doc: Box::default(), state: sync::State::new() }
}

/// Puts the editor's latest change among those its next message carries.
fn queue_last_change(doc: &Automerge, unsent: &mut Vec<Vec<u8>>) -> anyhow::Result<()> {
    let change = doc.get_last_local_change().context("the edit made no change")?;
    unsent.push(change.raw_bytes().to_vec());
    Ok(())
}

fn editor(slots: usize) -> Replica {
    Replica::Editor { doc: Box::default(), seen: Heads::new(slots), unsent: Vec::new(), server_heads: Vec::new() }
}

/// Waits until the client holds the shared document (client 0 creates it) and, for a client
/// that keeps the whole document, until the server has acknowledged everything the client has.
async fn set_up(client: &mut Client) -> anyhow::Result<()> {
    if client.index == 0 {
        let create = |doc: &mut Automerge| {
            doc.transact::<_, _, automerge::AutomergeError>(|tx| tx.put(ROOT, "created", true).map(|_| ()))
                .map_err(|failure| failure.error)
        };
        match &mut client.replica {
            Replica::Full { doc, .. } => {
                create(doc)?;
            }
            Replica::Editor { doc, unsent, .. } => {
                create(doc)?;
                queue_last_change(doc, unsent)?;
            }
            Replica::Heads(_) => {}
        }
    }
    client.push()?;
    while client.heads().is_empty() || !client.acknowledged() {
        let message = read(&mut client.stream).await?;
        client.receive(message, None)?;
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
    // Editors take turns through the period so edits arrive evenly rather than in bursts.
    let editing_client = client.index < stats.editors;
    let offset = period.mul_f64(client.index as f64 / stats.editors.max(1) as f64);
    let mut ticks = tokio::time::interval_at((start + offset).into(), period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut editing = editing_client;
    loop {
        tokio::select! {
            _ = ticks.tick(), if editing => {
                if Instant::now() >= end || client.seq >= stats.max_seq {
                    editing = false;
                } else {
                    client.edit(&stats)?;
                    client.push()?;
                }
            }
            message = read(&mut client.stream) => {
                client.receive(message?, Some(&stats))?;
            }
        }
    }
}

// One thread: the load generator uses at most one core and leaves the other to the server, and
// its own CPU time, reported at the end, shows whether it kept up.
#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let (spawned, url, pid) = match &args.url {
        Some(url) => (None, url.clone(), args.pid),
        None => {
            let (spawned, url, pid) = start_relay(&args)?;
            (Some(spawned), url, Some(pid))
        }
    };
    let report = match args.offline_edits {
        Some(edits) => tokio::time::timeout(CONVERGE_LIMIT, converge(&url, edits, pid))
            .await
            .context("the convergence run did not finish in time")??,
        None => load(&args, &url, pid).await?,
    };
    drop(spawned);
    if args.json {
        println!("{report}");
    } else {
        print_report(&report);
    }
    Ok(())
}

async fn load(args: &Args, url: &str, pid: Option<u32>) -> anyhow::Result<serde_json::Value> {
    if args.clients < 2 {
        bail!("--clients must be at least 2");
    }
    let editors = args.editors.unwrap_or(args.clients).clamp(1, args.clients);
    let max_seq = (args.rate * args.seconds as f64).ceil() as usize + 2;
    let stats = Arc::new(Stats::new(args.clients, editors, max_seq));
    let own_cpu_before = cpu_seconds(std::process::id());
    let server_cpu_before = pid.and_then(cpu_seconds);
    let own_wait_before = runqueue_wait_seconds(std::process::id());
    let server_wait_before = pid.and_then(runqueue_wait_seconds);

    // The first client creates the document before anyone asks for it.
    let slots = editors * max_seq;
    let mut first = Client::connect(url, LOAD_DOC, 0, editor(slots)).await?;
    set_up(&mut first).await?;
    let handshakes = Arc::new(Semaphore::new(64));
    let ready = Arc::new(Barrier::new(args.clients + 1));
    let period = Duration::from_secs_f64(1.0 / args.rate);
    let start_at = Arc::new(std::sync::OnceLock::<(Instant, Instant)>::new());
    let mut tasks = Vec::new();
    let mut pending_first = Some(first);
    for index in 0..args.clients {
        let (url, handshakes, ready, stats, start_at) =
            (url.to_owned(), handshakes.clone(), ready.clone(), stats.clone(), start_at.clone());
        let first = if index == 0 { pending_first.take() } else { None };
        tasks.push(tokio::spawn(async move {
            let client = async {
                let _permit = handshakes.acquire().await?;
                let client = match first {
                    Some(client) => client,
                    None => {
                        let replica = if index < editors { editor(slots) } else { Replica::Heads(Heads::new(slots)) };
                        let joined = async {
                            let mut client = Client::connect(&url, LOAD_DOC, index, replica).await?;
                            set_up(&mut client).await?;
                            anyhow::Ok(client)
                        };
                        tokio::time::timeout(SET_UP_LIMIT, joined)
                            .await
                            .context("no document within the time allowed for setting up")??
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
    let connecting = Instant::now();
    ready.wait().await;
    let connected_in = connecting.elapsed();
    tokio::time::sleep_until(end.into()).await;
    let edit_time = end - start;
    let drain_deadline = Instant::now() + Duration::from_secs(args.drain);
    while !stats.all_delivered() && Instant::now() < drain_deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let total_time = start.elapsed();
    stats.finished.store(true, Ordering::Relaxed);
    let peak_kib = pid.and_then(peak_rss_kib);
    let server_cpu = pid.and_then(cpu_seconds).zip(server_cpu_before).map(|(after, before)| after - before);
    let own_cpu = cpu_seconds(std::process::id()).zip(own_cpu_before).map(|(after, before)| after - before);
    let server_wait = pid.and_then(runqueue_wait_seconds).zip(server_wait_before).map(|(after, before)| after - before);
    let own_wait = runqueue_wait_seconds(std::process::id()).zip(own_wait_before).map(|(after, before)| after - before);
    let load_average = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().and_then(|first| first.parse::<f64>().ok()));
    for task in &tasks {
        task.abort();
    }

    let edits = stats.edits.load(Ordering::Relaxed);
    let deliveries = stats.deliveries.load(Ordering::Relaxed);
    let everywhere: Vec<u64> = {
        let mut complete: Vec<u64> = (0..slots)
            .filter(|&index| stats.reached[index].load(Ordering::Relaxed) as usize >= args.clients - 1)
            .map(|index| stats.slowest_us[index].load(Ordering::Relaxed))
            .collect();
        complete.sort_unstable();
        complete
    };
    let expected = edits * (args.clients as u64 - 1);
    let busy = |cpu: Option<f64>| cpu.map(|cpu| cpu / total_time.as_secs_f64());
    Ok(serde_json::json!({
        "scenario": "load",
        "clients": args.clients,
        "editors": editors,
        "seconds": args.seconds,
        "rate_per_editor": args.rate,
        "connect_seconds": connected_in.as_secs_f64(),
        "edits": edits,
        "edits_per_second": edits as f64 / edit_time.as_secs_f64(),
        "deliveries": deliveries,
        "deliveries_expected": expected,
        "deliveries_per_second": deliveries as f64 / total_time.as_secs_f64(),
        "measured_seconds": total_time.as_secs_f64(),
        "edits_reaching_everyone": everywhere.len(),
        "latency_ms_p50": percentile_of_histogram(&stats.histogram, 0.50),
        "latency_ms_p99": percentile_of_histogram(&stats.histogram, 0.99),
        "everyone_latency_ms_p50": percentile(&everywhere, 0.50),
        "everyone_latency_ms_p99": percentile(&everywhere, 0.99),
        "disconnected_clients": stats.disconnected.load(Ordering::Relaxed),
        "server_peak_rss_kib": peak_kib,
        "server_cpu_seconds": server_cpu,
        "server_cpu_share": busy(server_cpu),
        "load_cpu_seconds": own_cpu,
        "load_cpu_share": busy(own_cpu),
        "server_runqueue_wait_seconds": server_wait,
        "load_runqueue_wait_seconds": own_wait,
        "machine_load_average": load_average,
    }))
}

/// Two peers share the document, go offline, each make `edits` edits as separate changes (some
/// to a key both write), then connect at once; reports how long until both hold the same heads.
async fn converge(url: &str, edits: usize, pid: Option<u32>) -> anyhow::Result<serde_json::Value> {
    let mut first = Client::connect(url, CONVERGE_DOC, 0, full()).await?;
    set_up(&mut first).await?;
    let mut second = Client::connect(url, CONVERGE_DOC, 1, full()).await?;
    set_up(&mut second).await?;
    let shared = first.heads();
    let mut docs = Vec::new();
    for client in [first, second] {
        let Replica::Full { doc, .. } = client.replica else { bail!("a full replica") };
        docs.push((client.index, doc));
    }
    for (index, doc) in &mut docs {
        for i in 0..edits {
            doc.transact::<_, _, automerge::AutomergeError>(|tx| {
                tx.put(ROOT, format!("p{index}-{i}"), i as i64)?;
                if i % 10 == 0 {
                    tx.put(ROOT, "shared", format!("p{index}-{i}"))?;
                }
                Ok(())
            })
            .map_err(|failure| failure.error)?;
        }
    }
    let new: usize = docs.iter().map(|(_, doc)| doc.get_changes(&shared).len()).sum();
    let expected = new + docs[0].1.get_changes(&[]).len() - docs[0].1.get_changes(&shared).len();

    let started = Instant::now();
    let mut clients = Vec::new();
    for (index, doc) in docs {
        // A new session: the peers remember nothing of the old connection but their documents.
        let replica = Replica::Full { doc, state: sync::State::new() };
        let mut client = Client::connect(url, CONVERGE_DOC, index, replica).await?;
        client.push()?;
        clients.push(client);
    }
    let [mut a, mut b] = <[Client; 2]>::try_from(clients).map_err(|_| anyhow::anyhow!("two clients"))?;
    let settled = |a: &Client, b: &Client| a.heads() == b.heads() && a.acknowledged() && b.acknowledged();
    while !settled(&a, &b) {
        tokio::select! {
            message = read(&mut a.stream) => a.receive(message?, None)?,
            message = read(&mut b.stream) => b.receive(message?, None)?,
        }
    }
    let took = started.elapsed();
    let changes = match &a.replica {
        Replica::Full { doc, .. } | Replica::Editor { doc, .. } => doc.get_changes(&[]).len(),
        Replica::Heads(_) => 0,
    };
    if changes != expected {
        bail!("converged on {changes} changes, expected {expected}");
    }
    Ok(serde_json::json!({
        "scenario": "converge",
        "offline_edits_per_peer": edits,
        "changes": changes,
        "converge_ms": took.as_secs_f64() * 1000.0,
        "server_peak_rss_kib": pid.and_then(peak_rss_kib),
    }))
}

fn print_report(report: &serde_json::Value) {
    let number = |key: &str| report[key].as_f64().map_or_else(|| "-".to_owned(), |v| format!("{v:.1}"));
    if report["scenario"] == "converge" {
        println!("offline edits per peer  {}", report["offline_edits_per_peer"]);
        println!("changes after merging   {}", report["changes"]);
        println!("time to convergence     {} ms", number("converge_ms"));
        return;
    }
    println!("clients                 {} ({} editing)", report["clients"], report["editors"]);
    println!("connected in            {} s", number("connect_seconds"));
    println!("edits                   {} ({}/s)", report["edits"], number("edits_per_second"));
    println!(
        "deliveries              {} of {} ({}/s)",
        report["deliveries"],
        report["deliveries_expected"],
        number("deliveries_per_second")
    );
    println!("edits reaching everyone {} of {}", report["edits_reaching_everyone"], report["edits"]);
    println!("latency per delivery    p50 {} ms, p99 {} ms", number("latency_ms_p50"), number("latency_ms_p99"));
    println!(
        "latency to everyone     p50 {} ms, p99 {} ms",
        number("everyone_latency_ms_p50"),
        number("everyone_latency_ms_p99")
    );
    println!("disconnected clients    {}", report["disconnected_clients"]);
    println!(
        "server CPU              {} s ({} of a core)",
        number("server_cpu_seconds"),
        report["server_cpu_share"].as_f64().map_or_else(|| "-".to_owned(), |v| format!("{:.0}%", v * 100.0))
    );
    println!(
        "load generator CPU      {} s ({} of a core)",
        number("load_cpu_seconds"),
        report["load_cpu_share"].as_f64().map_or_else(|| "-".to_owned(), |v| format!("{:.0}%", v * 100.0))
    );
    println!(
        "waiting for a CPU       server {} s, load generator {} s (load average {})",
        number("server_runqueue_wait_seconds"),
        number("load_runqueue_wait_seconds"),
        number("machine_load_average")
    );
    match report["server_peak_rss_kib"].as_f64() {
        Some(kib) => println!("server peak RSS         {:.1} MiB", kib / 1024.0),
        None => println!("server peak RSS         unknown (pass --pid)"),
    }
}
