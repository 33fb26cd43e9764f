//! One WebSocket connection: a bounded outbound queue, a close signal, keep-alive pings, and the
//! loop that moves frames between the socket and the rest of the relay.
//!
//! Other tasks never write to a socket directly; they push onto the connection's queue with
//! [`Outbox::send`], which never waits. A connection whose queue is full is too slow to keep up,
//! so it is closed instead of letting the queue grow without bound.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::{self, Bytes};

pub use tokio_tungstenite::tungstenite::Message;

use crate::websocket::WebSocket;

/// How often an idle connection is pinged.
const PING_EVERY: Duration = Duration::from_secs(30);
/// A connection that sends nothing (not even a pong) for this long is dead.
const SILENCE_LIMIT: Duration = Duration::from_secs(90);
/// Longest a single write may block before the client counts as gone.
const WRITE_TIMEOUT: Duration = Duration::from_secs(20);

/// The most payload one written frame carries: a longer message goes out as several frames, so
/// the socket's write buffer never grows past this (RFC 6455 section 5.4, fragmentation).
pub const FRAME_BYTES: usize = 8 * 1024;

/// How long a broken connection stays open after its close frame, so the client can read it.
const ABORT_LINGER: Duration = Duration::from_millis(500);

/// Marks, internally, a connection whose writes failed: the client is gone and gets no close frame.
const CLOSE_GONE: u16 = 4999;

/// Close code for a connection whose outbound queue overflowed.
pub const CLOSE_TOO_SLOW: u16 = 4008;
/// Close code for a malformed message or a protocol violation (RFC 6455 "policy violation").
pub const CLOSE_PROTOCOL: u16 = 1008;
/// Close code for a message over the size limit (RFC 6455 "message too big").
pub const CLOSE_TOO_BIG: u16 = 1009;
/// Close code for a failure inside the relay (RFC 6455 "internal error").
pub const CLOSE_INTERNAL: u16 = 1011;
/// Close code when the relay is full or shutting down (RFC 6455 "try again later").
pub const CLOSE_TRY_LATER: u16 = 1013;

/// Identifies one connection for the life of the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(u64);

impl ConnId {
    /// The number behind the id, unique within the process.
    pub fn get(self) -> u64 {
        self.0
    }

    fn next() -> ConnId {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        ConnId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

impl std::fmt::Display for ConnId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "c{}", self.0)
    }
}

/// Why and how a connection ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Close {
    pub code: u16,
    pub reason: String,
}

impl Close {
    pub fn new(code: u16, reason: impl Into<String>) -> Close {
        Close { code, reason: reason.into() }
    }
}

/// What a connection's queue holds: a message, or a binary message in two parts, a head written
/// for this connection and a body that other connections' messages may share.
#[derive(Debug, Clone, PartialEq)]
enum Outgoing {
    Message(Message),
    Parts { head: Bytes, body: Bytes },
}

/// The sending side of a connection, held by whoever routes messages to it. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Outbox {
    id: ConnId,
    queue: mpsc::Sender<Outgoing>,
    close: Arc<watch::Sender<Option<Close>>>,
}

impl Outbox {
    /// A fresh connection's outbox, with the receiving ends of its queue and close signal.
    fn new(capacity: usize) -> (Outbox, mpsc::Receiver<Outgoing>, watch::Receiver<Option<Close>>) {
        let (queue, queue_rx) = mpsc::channel(capacity.max(1));
        let (close, close_rx) = watch::channel(None);
        (Outbox { id: ConnId::next(), queue, close: Arc::new(close) }, queue_rx, close_rx)
    }

    pub fn id(&self) -> ConnId {
        self.id
    }

    /// How many queued messages the connection has not yet taken to write.
    pub fn waiting(&self) -> usize {
        self.queue.max_capacity() - self.queue.capacity()
    }

    /// Queues a message without waiting. Returns false if the connection is gone or, because its
    /// queue is full, has just been told to close.
    pub fn send(&self, message: Message) -> bool {
        self.queue_up(Outgoing::Message(message))
    }

    /// Queues the binary message `head` followed by `body`, like [`Outbox::send`]. Many
    /// connections' messages may share one body; it is never copied.
    pub fn send_parts(&self, head: Vec<u8>, body: Bytes) -> bool {
        self.queue_up(Outgoing::Parts { head: head.into(), body })
    }

    fn queue_up(&self, outgoing: Outgoing) -> bool {
        match self.queue.try_send(outgoing) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                tracing::warn!(conn = %self.id, "closing a connection that cannot keep up");
                self.close(Close::new(CLOSE_TOO_SLOW, "connection too slow to keep up"));
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }

    /// Asks the connection to close after the messages already queued.
    pub fn close(&self, close: Close) {
        self.close.send_if_modified(|current| {
            let first = current.is_none();
            if first {
                *current = Some(close);
            }
            first
        });
    }
}

/// How a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// The client closed the connection or stopped answering.
    ClientLeft,
    /// The relay asked the connection to close (through [`Outbox::close`]), having already
    /// queued whatever explanation the client gets.
    Closed(Close),
    /// The client broke the endpoint's protocol in a well-formed frame; the endpoint should
    /// explain before closing.
    Violated(Close),
    /// The client sent something unreadable at the WebSocket level (a malformed or oversized
    /// frame); the endpoint should explain before aborting.
    Failed(Close),
}

/// What the socket loop hands to the endpoint.
#[derive(Debug)]
pub enum Inbound {
    Binary(Bytes),
    Text(String),
}

/// The receiving side of a connection, driven by its endpoint task. Writing happens in a task
/// of its own, so a client that is slow to read never stops the relay from reading it, and the
/// two sides can never wait on each other's full buffers.
pub struct Socket {
    id: ConnId,
    stream: SplitStream<WebSocket>,
    /// A sender into the connection's own queue, for last words before a close.
    queue: mpsc::Sender<Outgoing>,
    close: watch::Receiver<Option<Close>>,
    writer: Option<Writer>,
    silence_check: tokio::time::Interval,
    last_heard: Instant,
}

/// The writing task and the way to stop it.
struct Writer {
    stop: oneshot::Sender<Close>,
    done: tokio::task::JoinHandle<()>,
}

/// Wraps an upgraded WebSocket: the returned [`Outbox`] feeds the [`Socket`]'s writer.
pub fn open(ws: WebSocket, queue_capacity: usize) -> (Outbox, Socket) {
    let (outbox, queue_rx, close_rx) = Outbox::new(queue_capacity);
    let id = outbox.id;
    let (sink, stream) = ws.split();
    let (stop_tx, stop_rx) = oneshot::channel();
    let done = tokio::spawn(write_loop(id, sink, queue_rx, stop_rx, outbox.close.clone()));
    let mut silence_check = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
    silence_check.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let socket = Socket {
        id,
        stream,
        queue: outbox.queue.clone(),
        close: close_rx,
        writer: Some(Writer { stop: stop_tx, done }),
        silence_check,
        last_heard: Instant::now(),
    };
    (outbox, socket)
}

/// Writes queued messages and keep-alive pings until told to stop; then writes what is still
/// queued and the close frame. A failed or stalled write ends the connection.
async fn write_loop(
    id: ConnId,
    mut sink: SplitSink<WebSocket, Message>,
    mut queue: mpsc::Receiver<Outgoing>,
    mut stop: oneshot::Receiver<Close>,
    close: Arc<watch::Sender<Option<Close>>>,
) {
    let mut ping = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let broken = |reason: &str| {
        tracing::debug!(conn = %id, reason, "connection write failed");
        close.send_if_modified(|current| {
            let first = current.is_none();
            if first {
                *current = Some(Close::new(CLOSE_GONE, "write failed"));
            }
            first
        });
    };
    let final_close = loop {
        tokio::select! {
            biased;
            final_close = &mut stop => break final_close.ok(),
            message = queue.recv() => {
                let Some(message) = message else { break None };
                if let Err(reason) = write(&mut sink, message).await {
                    return broken(reason);
                }
            }
            _ = ping.tick() => {
                if let Err(reason) = write(&mut sink, Outgoing::Message(Message::Ping(Default::default()))).await {
                    return broken(reason);
                }
            }
        }
    };
    queue.close();
    while let Ok(message) = queue.try_recv() {
        if write(&mut sink, message).await.is_err() {
            return;
        }
    }
    if let Some(close) = final_close {
        let frame = CloseFrame { code: close.code.into(), reason: close_reason(&close.reason).into() };
        if let Err(reason) = write(&mut sink, Outgoing::Message(Message::Close(Some(frame)))).await {
            tracing::debug!(conn = %id, reason, "could not send the close frame");
        }
    }
}

/// Writes one message, a binary one longer than [`FRAME_BYTES`] as a run of frames.
async fn write(sink: &mut SplitSink<WebSocket, Message>, outgoing: Outgoing) -> Result<(), &'static str> {
    let frames = match outgoing {
        Outgoing::Message(Message::Binary(bytes)) => binary_frames(vec![bytes]),
        Outgoing::Message(message) => vec![message],
        Outgoing::Parts { head, body } => binary_frames(vec![head, body]),
    };
    for frame in frames {
        match tokio::time::timeout(WRITE_TIMEOUT, sink.send(frame)).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) => return Err("write error"),
            Err(_) => return Err("write timed out"),
        }
    }
    Ok(())
}

/// The binary message made of `parts`, end to end: one frame if it fits in [`FRAME_BYTES`],
/// else a run of frames of at most that size that share the parts' bytes.
fn binary_frames(parts: Vec<Bytes>) -> Vec<Message> {
    let len: usize = parts.iter().map(Bytes::len).sum();
    if len <= FRAME_BYTES {
        return vec![Message::Binary(match <[Bytes; 1]>::try_from(parts) {
            Ok([whole]) => whole,
            Err(parts) => parts.concat().into(),
        })];
    }
    let pieces: Vec<Bytes> = parts
        .iter()
        .flat_map(|part| {
            (0..part.len()).step_by(FRAME_BYTES).map(|start| part.slice(start..(start + FRAME_BYTES).min(part.len())))
        })
        .collect();
    let count = pieces.len();
    pieces
        .into_iter()
        .enumerate()
        .map(|(index, piece)| {
            let opcode = if index == 0 { Data::Binary } else { Data::Continue };
            Message::Frame(Frame::message(piece, OpCode::Data(opcode), index + 1 == count))
        })
        .collect()
}

impl Socket {
    pub fn id(&self) -> ConnId {
        self.id
    }

    /// The next inbound message, or how the connection ended.
    pub async fn next(&mut self) -> Result<Inbound, Ended> {
        loop {
            tokio::select! {
                biased;
                changed = self.close.changed() => {
                    let close = if changed.is_ok() { self.close.borrow().clone() } else { None };
                    let close = close.unwrap_or_else(|| Close::new(1000, ""));
                    if close.code == CLOSE_GONE {
                        return Err(Ended::ClientLeft);
                    }
                    return Err(Ended::Closed(close));
                }
                incoming = self.stream.next() => {
                    self.last_heard = Instant::now();
                    match incoming {
                        None | Some(Ok(Message::Close(_))) => return Err(Ended::ClientLeft),
                        Some(Ok(Message::Binary(bytes))) => return Ok(Inbound::Binary(own(bytes))),
                        Some(Ok(Message::Text(text))) => return Ok(Inbound::Text(text.as_str().to_owned())),
                        Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                        Some(Err(error)) => return Err(classify(error)),
                    }
                }
                _ = self.silence_check.tick() => {
                    if self.last_heard.elapsed() > SILENCE_LIMIT {
                        tracing::debug!(conn = %self.id, "closing a silent connection");
                        return Err(Ended::ClientLeft);
                    }
                }
            }
        }
    }

    /// Queues a message ahead of a close (an explanation); dropped if the queue is full, since
    /// such a client is not reading anyway.
    pub fn send_now(&mut self, message: Message) {
        if self.queue.try_send(Outgoing::Message(message)).is_err() {
            tracing::debug!(conn = %self.id, "no room for the last message before closing");
        }
    }

    /// Ends the connection: writes what is queued and the close frame, then waits briefly for
    /// the client's answer so the TCP connection ends cleanly.
    pub async fn finish(mut self, close: Close) {
        if self.stop_writer(close).await {
            let stream = &mut self.stream;
            let drain = async { while let Some(Ok(_)) = stream.next().await {} };
            let _answered = tokio::time::timeout(Duration::from_secs(2), drain).await;
        }
    }

    /// Ends a connection whose incoming stream is broken (a malformed or oversized frame): writes
    /// what is queued and the close frame, then waits a moment without reading before dropping
    /// the socket. Reading on could mean buffering an oversized frame whole; closing at once
    /// would make the kernel reset the connection over the unread bytes, and the client could
    /// lose the close frame.
    pub async fn abort(mut self, close: Close) {
        if self.stop_writer(close).await {
            tokio::time::sleep(ABORT_LINGER).await;
        }
    }

    /// Tells the writer to finish with `close`; true once it has written everything.
    async fn stop_writer(&mut self, close: Close) -> bool {
        let Some(writer) = self.writer.take() else { return false };
        if writer.stop.send(close).is_err() {
            return false;
        }
        matches!(tokio::time::timeout(WRITE_TIMEOUT, writer.done).await, Ok(Ok(())))
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        if let Some(writer) = self.writer.take() {
            writer.done.abort();
        }
    }
}

/// A message read off the socket, in memory of its own if it is small. The library hands out a
/// message as a view into its read buffer, which keeps that whole buffer alive: a thousand small
/// acknowledgements waiting for the workspace task would otherwise hold a thousand read buffers.
fn own(bytes: Bytes) -> Bytes {
    if bytes.len() < FRAME_BYTES { Bytes::copy_from_slice(&bytes) } else { bytes }
}

/// A close frame's reason may hold at most 123 bytes; longer text is cut at a character boundary.
fn close_reason(reason: &str) -> &str {
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    &reason[..end]
}

fn classify(error: tungstenite::Error) -> Ended {
    // Size limits are capacity errors; everything else that reaches here is a malformed frame or
    // a broken stream.
    let close = match error {
        tungstenite::Error::Capacity(_) => Close::new(CLOSE_TOO_BIG, "message too big"),
        error => {
            tracing::debug!(%error, "unreadable websocket frame");
            Close::new(CLOSE_PROTOCOL, "malformed websocket frame")
        }
    };
    Ended::Failed(close)
}

/// The open connections, counted against the configured limit, so that shutdown can close them.
#[derive(Debug, Default)]
pub struct Connections {
    open: Mutex<HashMap<u64, Option<Outbox>>>,
    next_slot: AtomicU64,
}

/// Holds one place under the connection limit until dropped.
#[derive(Debug)]
pub struct Slot {
    connections: Arc<Connections>,
    key: u64,
}

impl Connections {
    /// Takes a slot if fewer than `limit` connections are open.
    pub fn acquire(self: &Arc<Self>, limit: usize) -> Option<Slot> {
        let mut open = self.lock();
        if open.len() >= limit {
            return None;
        }
        let key = self.next_slot.fetch_add(1, Ordering::Relaxed);
        open.insert(key, None);
        Some(Slot { connections: self.clone(), key })
    }

    pub fn count(&self) -> usize {
        self.lock().len()
    }

    /// Asks every open connection to close.
    pub fn close_all(&self, close: &Close) {
        for outbox in self.lock().values().flatten() {
            outbox.close(close.clone());
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Option<Outbox>>> {
        self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Slot {
    /// Records the connection that holds this slot, so shutdown can reach it.
    pub fn attach(&self, outbox: &Outbox) {
        self.connections.lock().insert(self.key, Some(outbox.clone()));
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.connections.lock().remove(&self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_whose_queue_overflows_is_told_to_close_as_too_slow() {
        let (outbox, mut queue, close) = Outbox::new(2);
        assert!(outbox.send(Message::text("one")));
        assert!(outbox.send(Message::text("two")));
        assert_eq!(*close.borrow(), None);

        assert!(!outbox.send(Message::text("three")));
        assert_eq!(close.borrow().as_ref().map(|close| close.code), Some(CLOSE_TOO_SLOW));
        // What was queued before the overflow is still delivered; nothing beyond it.
        assert_eq!(queue.try_recv().ok(), Some(Outgoing::Message(Message::text("one"))));
        assert_eq!(queue.try_recv().ok(), Some(Outgoing::Message(Message::text("two"))));
        assert!(queue.try_recv().is_err());
    }

    #[test]
    fn a_long_binary_message_goes_out_as_frames_of_bounded_size_that_join_up_to_it() {
        let head = Bytes::from_static(b"a head for one connection");
        let body: Bytes = (0..=255u8).cycle().take(2 * FRAME_BYTES + 5).collect::<Vec<u8>>().into();
        let frames = binary_frames(vec![head.clone(), body.clone()]);
        let mut joined = Vec::new();
        for (index, message) in frames.iter().enumerate() {
            let Message::Frame(frame) = message else { panic!("frame {index} is {message:?}") };
            let opcode = if index == 0 { Data::Binary } else { Data::Continue };
            assert_eq!(frame.header().opcode, OpCode::Data(opcode), "frame {index}");
            assert_eq!(frame.header().is_final, index + 1 == frames.len(), "frame {index}");
            assert!(frame.payload().len() <= FRAME_BYTES);
            joined.extend_from_slice(frame.payload());
        }
        assert_eq!(frames.len(), 4, "the head, then the body in three");
        assert_eq!(joined, [head, body].concat());
    }

    #[test]
    fn a_short_message_goes_out_as_one_frame() {
        let parts = vec![Bytes::from_static(b"head "), Bytes::from_static(b"and body")];
        assert_eq!(binary_frames(parts), vec![Message::binary(&b"head and body"[..])]);
        let whole = Bytes::from(vec![7u8; FRAME_BYTES]);
        assert_eq!(binary_frames(vec![whole.clone()]), vec![Message::Binary(whole)]);
    }

    #[test]
    fn the_first_close_reason_wins() {
        let (outbox, _queue, close) = Outbox::new(1);
        outbox.close(Close::new(CLOSE_PROTOCOL, "malformed message"));
        outbox.close(Close::new(CLOSE_TOO_SLOW, "too slow"));
        assert_eq!(*close.borrow(), Some(Close::new(CLOSE_PROTOCOL, "malformed message")));
    }

    #[test]
    fn close_reasons_are_cut_to_fit_a_close_frame() {
        let long = "é".repeat(100);
        let cut = close_reason(&long);
        assert!(cut.len() <= 123 && long.starts_with(cut) && cut.len() >= 122);
        assert_eq!(close_reason("short"), "short");
    }
}
