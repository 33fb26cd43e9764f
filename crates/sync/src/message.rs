//! The messages of the automerge-repo network protocol and their CBOR encoding.
//!
//! Every message is one CBOR map with camelCase keys and a `type` entry. Decoding is written for
//! what the JavaScript implementation (cbor-x) sends: numbers that should be whole may arrive as
//! floats, optional entries may be `null` or `undefined`, and keys we do not know are skipped.
//! Definite- and indefinite-length maps and arrays are both read; indefinite-length (chunked)
//! text and byte strings are refused, since no known peer writes them.

use std::collections::BTreeMap;

use bytes::Bytes;
use minicbor::data::Type;
use minicbor::{Decoder, Encoder};

use crate::document_id::{BadDocumentId, DocumentId};
use crate::peer::{PeerId, PeerMetadata, StorageId};

/// The only protocol version there is.
pub const PROTOCOL_VERSION: &str = "1";

/// One protocol message.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Message {
    /// The dialing side's opening message.
    Join { sender_id: PeerId, supported_protocol_versions: Vec<String>, metadata: Option<PeerMetadata> },
    /// The accepting side's answer to `join`.
    Peer { sender_id: PeerId, target_id: PeerId, selected_protocol_version: String, metadata: Option<PeerMetadata> },
    /// The sender is about to disconnect.
    Leave { sender_id: PeerId },
    /// The first sync message from a peer that does not have the document; it wants
    /// `doc-unavailable` back if the receiver does not have it either.
    Request { document_id: DocumentId, sender_id: PeerId, target_id: PeerId, data: Vec<u8> },
    /// An automerge sync message about one document.
    Sync { document_id: DocumentId, sender_id: PeerId, target_id: PeerId, data: Vec<u8> },
    /// The sender does not have the document (or may not share it).
    DocUnavailable { sender_id: PeerId, target_id: PeerId, document_id: DocumentId },
    /// Application data about a document that is passed on but never stored.
    Ephemeral(EphemeralMessage),
    /// The sender hit a protocol error and is closing the connection.
    Error { message: String },
    /// The sender changes which storage ids it wants head updates about.
    RemoteSubscriptionChange { sender_id: PeerId, target_id: PeerId, add: Vec<StorageId>, remove: Vec<StorageId> },
    /// The heads some storage holds for a document have changed.
    RemoteHeadsChanged {
        sender_id: PeerId,
        target_id: PeerId,
        document_id: DocumentId,
        new_heads: BTreeMap<StorageId, RemoteHeads>,
    },
}

/// An ephemeral message: `count` increases within one `session_id`, so that a peer receiving the
/// same message along two paths can drop the second.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EphemeralMessage {
    pub sender_id: PeerId,
    pub target_id: PeerId,
    pub count: u64,
    pub session_id: String,
    pub document_id: DocumentId,
    pub data: Vec<u8>,
}

/// The heads one storage holds for a document, as gossiped in `remote-heads-changed`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RemoteHeads {
    /// Change hashes, base64 encoded.
    pub heads: Vec<String>,
    /// Milliseconds since the Unix epoch on the peer that first reported them.
    pub timestamp: u64,
}

impl Message {
    /// The `type` field this message is written with.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Join { .. } => "join",
            Message::Peer { .. } => "peer",
            Message::Leave { .. } => "leave",
            Message::Request { .. } => "request",
            Message::Sync { .. } => "sync",
            Message::DocUnavailable { .. } => "doc-unavailable",
            Message::Ephemeral(_) => "ephemeral",
            Message::Error { .. } => "error",
            Message::RemoteSubscriptionChange { .. } => "remote-subscription-change",
            Message::RemoteHeadsChanged { .. } => "remote-heads-changed",
        }
    }
}

/// Bounds on what [`decode`] accepts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DecodeLimits {
    /// The largest encoded message accepted, in bytes. A first sync of a big document travels as
    /// one message, so this must exceed the largest document a peer may send whole.
    pub max_message_bytes: usize,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits { max_message_bytes: 32 * 1024 * 1024 }
    }
}

/// Why bytes could not be read as a message.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("message of {size} bytes is over the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("message ends before its cbor value is complete")]
    Truncated,
    #[error("malformed cbor: {0}")]
    Malformed(String),
    #[error("message is not a cbor map")]
    NotAMap,
    #[error("{0} bytes follow the end of the message")]
    TrailingBytes(usize),
    #[error("field {0:?} appears twice")]
    DuplicateField(&'static str),
    #[error("message has no type")]
    MissingType,
    #[error("{kind} message has no {field:?} field")]
    MissingField { kind: &'static str, field: &'static str },
    #[error("field {field:?} is not {expected}")]
    WrongType { field: &'static str, expected: &'static str },
    #[error("unknown message type {0:?}")]
    UnknownType(String),
    #[error(transparent)]
    BadDocumentId(#[from] BadDocumentId),
}

impl From<minicbor::decode::Error> for DecodeError {
    fn from(e: minicbor::decode::Error) -> Self {
        if e.is_end_of_input() { DecodeError::Truncated } else { DecodeError::Malformed(e.to_string()) }
    }
}

/// Writes a message as CBOR.
pub fn encode(message: &Message) -> Vec<u8> {
    let mut e = Encoder::new(Vec::new());
    write_message(&mut e, message).expect("writing cbor to memory cannot fail");
    e.into_writer()
}

/// A message encoded for one connection: `head`, written for that connection, then `body`, bytes
/// that every connection sent the same sync message shares. Together they are the message as
/// [`encode`] writes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frame {
    pub head: Vec<u8>,
    pub body: Bytes,
}

impl Frame {
    /// The whole message, in one piece.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.len());
        bytes.extend_from_slice(&self.head);
        bytes.extend_from_slice(&self.body);
        bytes
    }

    pub fn len(&self) -> usize {
        self.head.len() + self.body.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl From<Vec<u8>> for Frame {
    fn from(head: Vec<u8>) -> Frame {
        Frame { head, body: Bytes::new() }
    }
}

/// Encodes a `sync` message (a `request` if `request`) whose automerge data several connections
/// share: the frame's body is `data` itself, and the frame is what [`encode`] writes for
/// `Message::Sync { document_id, sender_id, target_id, data }`.
pub fn encode_sync(
    request: bool,
    document_id: &DocumentId,
    sender_id: &PeerId,
    target_id: &PeerId,
    data: Bytes,
) -> Frame {
    let mut e = Encoder::new(Vec::new());
    write_sync_head(&mut e, if request { "request" } else { "sync" }, document_id, sender_id, target_id)
        .expect("writing cbor to memory cannot fail");
    let mut head = e.into_writer();
    // The head of a CBOR byte string (major type 2) of `data.len()` bytes; its bytes follow.
    let len = data.len() as u64;
    match len {
        0..=23 => head.push(0x40 | len as u8),
        24..=0xff => head.extend_from_slice(&[0x58, len as u8]),
        0x100..=0xffff => head.extend(std::iter::once(0x59).chain((len as u16).to_be_bytes())),
        0x1_0000..=0xffff_ffff => head.extend(std::iter::once(0x5a).chain((len as u32).to_be_bytes())),
        _ => head.extend(std::iter::once(0x5b).chain(len.to_be_bytes())),
    }
    Frame { head, body: data }
}

/// Everything of a `sync` or `request` message up to the key of its data.
fn write_sync_head(
    e: &mut Write,
    kind: &str,
    document_id: &DocumentId,
    sender_id: &PeerId,
    target_id: &PeerId,
) -> WriteResult {
    e.map(5)?;
    e.str("type")?.str(kind)?;
    e.str("documentId")?.str(&document_id.to_string())?;
    e.str("senderId")?.str(sender_id.as_str())?;
    e.str("targetId")?.str(target_id.as_str())?;
    e.str("data")?;
    Ok(())
}

type Write = Encoder<Vec<u8>>;
type WriteResult = Result<(), minicbor::encode::Error<core::convert::Infallible>>;

fn write_message(e: &mut Write, message: &Message) -> WriteResult {
    let kind = message.kind();
    match message {
        Message::Join { sender_id, supported_protocol_versions, metadata } => {
            e.map(3 + u64::from(metadata.is_some()))?;
            e.str("type")?.str(kind)?;
            e.str("senderId")?.str(sender_id.as_str())?;
            e.str("supportedProtocolVersions")?.array(supported_protocol_versions.len() as u64)?;
            for version in supported_protocol_versions {
                e.str(version)?;
            }
            if let Some(metadata) = metadata {
                e.str("peerMetadata")?;
                write_metadata(e, metadata)?;
            }
        }
        Message::Peer { sender_id, target_id, selected_protocol_version, metadata } => {
            e.map(4 + u64::from(metadata.is_some()))?;
            e.str("type")?.str(kind)?;
            e.str("senderId")?.str(sender_id.as_str())?;
            e.str("targetId")?.str(target_id.as_str())?;
            e.str("selectedProtocolVersion")?.str(selected_protocol_version)?;
            if let Some(metadata) = metadata {
                e.str("peerMetadata")?;
                write_metadata(e, metadata)?;
            }
        }
        Message::Leave { sender_id } => {
            e.map(2)?;
            e.str("type")?.str(kind)?;
            e.str("senderId")?.str(sender_id.as_str())?;
        }
        Message::Request { document_id, sender_id, target_id, data }
        | Message::Sync { document_id, sender_id, target_id, data } => {
            write_sync_head(e, kind, document_id, sender_id, target_id)?;
            e.bytes(data)?;
        }
        Message::DocUnavailable { sender_id, target_id, document_id } => {
            e.map(4)?;
            e.str("type")?.str(kind)?;
            e.str("senderId")?.str(sender_id.as_str())?;
            e.str("targetId")?.str(target_id.as_str())?;
            e.str("documentId")?.str(&document_id.to_string())?;
        }
        Message::Ephemeral(m) => {
            e.map(7)?;
            e.str("type")?.str(kind)?;
            e.str("senderId")?.str(m.sender_id.as_str())?;
            e.str("targetId")?.str(m.target_id.as_str())?;
            e.str("count")?.u64(m.count)?;
            e.str("sessionId")?.str(&m.session_id)?;
            e.str("documentId")?.str(&m.document_id.to_string())?;
            e.str("data")?.bytes(&m.data)?;
        }
        Message::Error { message } => {
            e.map(2)?;
            e.str("type")?.str(kind)?;
            e.str("message")?.str(message)?;
        }
        Message::RemoteSubscriptionChange { sender_id, target_id, add, remove } => {
            e.map(5)?;
            e.str("type")?.str(kind)?;
            e.str("senderId")?.str(sender_id.as_str())?;
            e.str("targetId")?.str(target_id.as_str())?;
            for (key, ids) in [("add", add), ("remove", remove)] {
                e.str(key)?.array(ids.len() as u64)?;
                for id in ids {
                    e.str(&id.0)?;
                }
            }
        }
        Message::RemoteHeadsChanged { sender_id, target_id, document_id, new_heads } => {
            e.map(5)?;
            e.str("type")?.str(kind)?;
            e.str("senderId")?.str(sender_id.as_str())?;
            e.str("targetId")?.str(target_id.as_str())?;
            e.str("documentId")?.str(&document_id.to_string())?;
            e.str("newHeads")?.map(new_heads.len() as u64)?;
            for (storage, heads) in new_heads {
                e.str(&storage.0)?.map(2)?;
                e.str("heads")?.array(heads.heads.len() as u64)?;
                for head in &heads.heads {
                    e.str(head)?;
                }
                e.str("timestamp")?.u64(heads.timestamp)?;
            }
        }
    }
    Ok(())
}

fn write_metadata(e: &mut Write, metadata: &PeerMetadata) -> WriteResult {
    e.map(1 + u64::from(metadata.storage_id.is_some()))?;
    if let Some(storage) = &metadata.storage_id {
        e.str("storageId")?.str(&storage.0)?;
    }
    e.str("isEphemeral")?.bool(metadata.is_ephemeral)?;
    Ok(())
}

/// Reads one message, refusing anything over `limits`, anything that is not a single CBOR map,
/// and messages that lack a field their type requires.
pub fn decode(bytes: &[u8], limits: &DecodeLimits) -> Result<Message, DecodeError> {
    if bytes.len() > limits.max_message_bytes {
        return Err(DecodeError::TooLarge { size: bytes.len(), limit: limits.max_message_bytes });
    }
    let mut d = Decoder::new(bytes);
    let mut f = Fields::default();
    skip_tags(&mut d)?;
    match d.datatype()? {
        Type::Map | Type::MapIndef => {}
        _ => return Err(DecodeError::NotAMap),
    }
    each_entry(&mut d, |d, key| f.read(d, key))?;
    if d.position() < bytes.len() {
        return Err(DecodeError::TrailingBytes(bytes.len() - d.position()));
    }
    f.into_message()
}

/// The entries of a message map, before we know which of them its type needs.
#[derive(Default)]
struct Fields<'b> {
    kind: Option<&'b str>,
    sender_id: Option<&'b str>,
    target_id: Option<&'b str>,
    document_id: Option<DocumentId>,
    data: Option<&'b [u8]>,
    count: Option<u64>,
    session_id: Option<&'b str>,
    message: Option<&'b str>,
    selected_protocol_version: Option<&'b str>,
    supported_protocol_versions: Option<Vec<String>>,
    metadata: Option<PeerMetadata>,
    add: Option<Vec<StorageId>>,
    remove: Option<Vec<StorageId>>,
    new_heads: Option<BTreeMap<StorageId, RemoteHeads>>,
}

/// Stores a field's value, refusing a second occurrence of the same key.
fn set<T>(slot: &mut Option<T>, field: &'static str, value: T) -> Result<(), DecodeError> {
    if slot.is_some() {
        return Err(DecodeError::DuplicateField(field));
    }
    *slot = Some(value);
    Ok(())
}

impl<'b> Fields<'b> {
    fn read(&mut self, d: &mut Decoder<'b>, key: Option<&'b str>) -> Result<(), DecodeError> {
        let Some(key) = key else { return skip(d) };
        // A known key whose value is null or undefined counts as absent, as it does in JavaScript.
        if KNOWN_KEYS.contains(&key) && take_absent(d)? {
            return Ok(());
        }
        match key {
            "type" => set(&mut self.kind, "type", text(d, "type")?),
            "senderId" => set(&mut self.sender_id, "senderId", text(d, "senderId")?),
            "targetId" => set(&mut self.target_id, "targetId", text(d, "targetId")?),
            "documentId" => set(&mut self.document_id, "documentId", document_id(d)?),
            "data" => set(&mut self.data, "data", bytes(d, "data")?),
            "count" => set(&mut self.count, "count", whole_number(d, "count")?),
            "sessionId" => set(&mut self.session_id, "sessionId", text(d, "sessionId")?),
            "message" => set(&mut self.message, "message", text(d, "message")?),
            "selectedProtocolVersion" => {
                set(&mut self.selected_protocol_version, "selectedProtocolVersion", text(d, "selectedProtocolVersion")?)
            }
            "supportedProtocolVersions" => {
                let versions = text_list(d, "supportedProtocolVersions")?.into_iter().map(str::to_string).collect();
                set(&mut self.supported_protocol_versions, "supportedProtocolVersions", versions)
            }
            // Older peers wrote `metadata`; current ones write `peerMetadata`.
            "peerMetadata" | "metadata" => set(&mut self.metadata, "peerMetadata", metadata(d)?),
            "add" => set(&mut self.add, "add", storage_ids(d, "add")?),
            "remove" => set(&mut self.remove, "remove", storage_ids(d, "remove")?),
            "newHeads" => set(&mut self.new_heads, "newHeads", new_heads(d)?),
            _ => skip(d),
        }
    }

    fn into_message(self) -> Result<Message, DecodeError> {
        let kind = self.kind.ok_or(DecodeError::MissingType)?;
        let Some(kind) = KINDS.iter().copied().find(|k| *k == kind) else {
            return Err(DecodeError::UnknownType(kind.to_string()));
        };
        let need = |value: Option<&'b str>, field: &'static str| {
            value.map(str::to_string).ok_or(DecodeError::MissingField { kind, field })
        };
        let peer = |value: Option<&'b str>, field: &'static str| need(value, field).map(PeerId);
        let document = |value: Option<DocumentId>| value.ok_or(DecodeError::MissingField { kind, field: "documentId" });
        let data = |value: Option<&'b [u8]>| {
            value.map(<[u8]>::to_vec).ok_or(DecodeError::MissingField { kind, field: "data" })
        };
        Ok(match kind {
            "join" => Message::Join {
                sender_id: peer(self.sender_id, "senderId")?,
                supported_protocol_versions: self
                    .supported_protocol_versions
                    .ok_or(DecodeError::MissingField { kind, field: "supportedProtocolVersions" })?,
                metadata: self.metadata,
            },
            "peer" => Message::Peer {
                sender_id: peer(self.sender_id, "senderId")?,
                target_id: peer(self.target_id, "targetId")?,
                selected_protocol_version: need(self.selected_protocol_version, "selectedProtocolVersion")?,
                metadata: self.metadata,
            },
            "leave" => Message::Leave { sender_id: peer(self.sender_id, "senderId")? },
            "request" => Message::Request {
                document_id: document(self.document_id)?,
                sender_id: peer(self.sender_id, "senderId")?,
                target_id: peer(self.target_id, "targetId")?,
                data: data(self.data)?,
            },
            "sync" => Message::Sync {
                document_id: document(self.document_id)?,
                sender_id: peer(self.sender_id, "senderId")?,
                target_id: peer(self.target_id, "targetId")?,
                data: data(self.data)?,
            },
            "doc-unavailable" => Message::DocUnavailable {
                sender_id: peer(self.sender_id, "senderId")?,
                target_id: peer(self.target_id, "targetId")?,
                document_id: document(self.document_id)?,
            },
            "ephemeral" => Message::Ephemeral(EphemeralMessage {
                sender_id: peer(self.sender_id, "senderId")?,
                target_id: peer(self.target_id, "targetId")?,
                count: self.count.ok_or(DecodeError::MissingField { kind, field: "count" })?,
                session_id: need(self.session_id, "sessionId")?,
                document_id: document(self.document_id)?,
                data: data(self.data)?,
            }),
            "error" => Message::Error { message: need(self.message, "message")? },
            "remote-subscription-change" => Message::RemoteSubscriptionChange {
                sender_id: peer(self.sender_id, "senderId")?,
                target_id: peer(self.target_id, "targetId")?,
                add: self.add.unwrap_or_default(),
                remove: self.remove.unwrap_or_default(),
            },
            "remote-heads-changed" => Message::RemoteHeadsChanged {
                sender_id: peer(self.sender_id, "senderId")?,
                target_id: peer(self.target_id, "targetId")?,
                document_id: document(self.document_id)?,
                new_heads: self.new_heads.ok_or(DecodeError::MissingField { kind, field: "newHeads" })?,
            },
            _ => unreachable!("every entry of KINDS is matched above"),
        })
    }
}

/// Every message type, as written in the `type` field.
const KINDS: [&str; 10] = [
    "join",
    "peer",
    "leave",
    "request",
    "sync",
    "doc-unavailable",
    "ephemeral",
    "error",
    "remote-subscription-change",
    "remote-heads-changed",
];

const KNOWN_KEYS: [&str; 15] = [
    "type",
    "senderId",
    "targetId",
    "documentId",
    "data",
    "count",
    "sessionId",
    "message",
    "selectedProtocolVersion",
    "supportedProtocolVersions",
    "peerMetadata",
    "metadata",
    "add",
    "remove",
    "newHeads",
];

/// Steps over tags in front of a value: they add nothing we use.
fn skip_tags(d: &mut Decoder<'_>) -> Result<(), DecodeError> {
    while d.datatype()? == Type::Tag {
        d.tag()?;
    }
    Ok(())
}

fn skip(d: &mut Decoder<'_>) -> Result<(), DecodeError> {
    d.skip()?;
    Ok(())
}

/// Consumes a `null` or `undefined` and says whether there was one.
fn take_absent(d: &mut Decoder<'_>) -> Result<bool, DecodeError> {
    skip_tags(d)?;
    match d.datatype()? {
        Type::Null => d.null()?,
        Type::Undefined => d.undefined()?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// Calls `entry` for every entry of the map at the decoder, with the key if it is text; an entry
/// with any other key must be skipped by `entry`.
fn each_entry<'b>(
    d: &mut Decoder<'b>,
    mut entry: impl FnMut(&mut Decoder<'b>, Option<&'b str>) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    let len = d.map()?;
    let mut read = 0u64;
    loop {
        match len {
            Some(len) if read == len => break,
            None if d.datatype()? == Type::Break => {
                d.skip()?;
                break;
            }
            _ => {}
        }
        skip_tags(d)?;
        let key = if d.datatype()? == Type::String {
            Some(d.str()?)
        } else {
            d.skip()?;
            None
        };
        entry(d, key)?;
        read += 1;
    }
    Ok(())
}

/// Calls `item` for every element of the array at the decoder.
fn each_item<'b>(
    d: &mut Decoder<'b>,
    field: &'static str,
    mut item: impl FnMut(&mut Decoder<'b>) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    skip_tags(d)?;
    let len = match d.datatype()? {
        Type::Array | Type::ArrayIndef => d.array()?,
        _ => return Err(DecodeError::WrongType { field, expected: "an array" }),
    };
    let mut read = 0u64;
    loop {
        match len {
            Some(len) if read == len => break,
            None if d.datatype()? == Type::Break => {
                d.skip()?;
                break;
            }
            _ => {}
        }
        item(d)?;
        read += 1;
    }
    Ok(())
}

fn text<'b>(d: &mut Decoder<'b>, field: &'static str) -> Result<&'b str, DecodeError> {
    skip_tags(d)?;
    match d.datatype()? {
        Type::String => Ok(d.str()?),
        _ => Err(DecodeError::WrongType { field, expected: "a definite-length text string" }),
    }
}

fn bytes<'b>(d: &mut Decoder<'b>, field: &'static str) -> Result<&'b [u8], DecodeError> {
    skip_tags(d)?;
    match d.datatype()? {
        Type::Bytes => Ok(d.bytes()?),
        _ => Err(DecodeError::WrongType { field, expected: "a definite-length byte string" }),
    }
}

fn boolean(d: &mut Decoder<'_>, field: &'static str) -> Result<bool, DecodeError> {
    skip_tags(d)?;
    match d.datatype()? {
        Type::Bool => Ok(d.bool()?),
        _ => Err(DecodeError::WrongType { field, expected: "a boolean" }),
    }
}

/// The largest integer a JavaScript number holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A count or a timestamp: JavaScript encoders may write whole numbers as floats.
fn whole_number(d: &mut Decoder<'_>, field: &'static str) -> Result<u64, DecodeError> {
    skip_tags(d)?;
    let wrong = DecodeError::WrongType { field, expected: "a non-negative whole number" };
    let float = match d.datatype()? {
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => return Ok(d.u64()?),
        Type::F16 => half_float(d)?,
        Type::F32 | Type::F64 => d.f64()?,
        _ => return Err(wrong),
    };
    if float.is_finite() && float >= 0.0 && float.fract() == 0.0 && float <= MAX_SAFE_INTEGER {
        Ok(float as u64)
    } else {
        Err(wrong)
    }
}

/// Reads an IEEE half-precision float, which minicbor reads only with an extra feature.
fn half_float(d: &mut Decoder<'_>) -> Result<f64, DecodeError> {
    let at = d.position();
    let raw = d.input().get(at + 1..at + 3).ok_or(DecodeError::Truncated)?;
    let bits = u16::from_be_bytes([raw[0], raw[1]]);
    d.set_position(at + 3);
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exponent = i32::from((bits >> 10) & 0x1f);
    let mantissa = f64::from(bits & 0x3ff);
    let magnitude = match exponent {
        0 => mantissa * 2f64.powi(-24),
        31 if mantissa == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1.0 + mantissa / 1024.0) * 2f64.powi(exponent - 15),
    };
    Ok(sign * magnitude)
}

fn document_id(d: &mut Decoder<'_>) -> Result<DocumentId, DecodeError> {
    skip_tags(d)?;
    match d.datatype()? {
        Type::String => Ok(d.str()?.parse()?),
        // Some implementations put the raw bytes on the wire instead of the bs58check text.
        Type::Bytes => Ok(DocumentId::from_bytes(d.bytes()?)?),
        _ => Err(DecodeError::WrongType { field: "documentId", expected: "a text or byte string" }),
    }
}

fn text_list<'b>(d: &mut Decoder<'b>, field: &'static str) -> Result<Vec<&'b str>, DecodeError> {
    let mut out = Vec::new();
    each_item(d, field, |d| {
        out.push(text(d, field)?);
        Ok(())
    })?;
    Ok(out)
}

fn storage_ids(d: &mut Decoder<'_>, field: &'static str) -> Result<Vec<StorageId>, DecodeError> {
    Ok(text_list(d, field)?.into_iter().map(|s| StorageId(s.to_string())).collect())
}

fn metadata(d: &mut Decoder<'_>) -> Result<PeerMetadata, DecodeError> {
    skip_tags(d)?;
    if !matches!(d.datatype()?, Type::Map | Type::MapIndef) {
        return Err(DecodeError::WrongType { field: "peerMetadata", expected: "a map" });
    }
    let mut out = PeerMetadata::default();
    each_entry(d, |d, key| {
        if take_absent(d)? {
            return Ok(());
        }
        match key {
            Some("storageId") => out.storage_id = Some(StorageId(text(d, "storageId")?.to_string())),
            Some("isEphemeral") => out.is_ephemeral = boolean(d, "isEphemeral")?,
            _ => skip(d)?,
        }
        Ok(())
    })?;
    Ok(out)
}

fn new_heads(d: &mut Decoder<'_>) -> Result<BTreeMap<StorageId, RemoteHeads>, DecodeError> {
    skip_tags(d)?;
    if !matches!(d.datatype()?, Type::Map | Type::MapIndef) {
        return Err(DecodeError::WrongType { field: "newHeads", expected: "a map" });
    }
    let mut out = BTreeMap::new();
    each_entry(d, |d, storage| {
        let Some(storage) = storage else { return skip(d) };
        skip_tags(d)?;
        if !matches!(d.datatype()?, Type::Map | Type::MapIndef) {
            return Err(DecodeError::WrongType { field: "newHeads", expected: "a map of maps" });
        }
        let mut heads = RemoteHeads { heads: Vec::new(), timestamp: 0 };
        each_entry(d, |d, key| {
            match key {
                Some("heads") => heads.heads = text_list(d, "heads")?.into_iter().map(str::to_string).collect(),
                Some("timestamp") => heads.timestamp = whole_number(d, "timestamp")?,
                _ => skip(d)?,
            }
            Ok(())
        })?;
        out.insert(StorageId(storage.to_string()), heads);
        Ok(())
    })?;
    Ok(out)
}
