//! Bad input closes only the connection that sent it; everyone else keeps syncing.

use futures_util::SinkExt;
use quota_sync::{Message, PeerId, encode};
use tokio::io::AsyncWriteExt;
use tokio_tungstenite::MaybeTlsStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;

use crate::client::{SyncClient, doc_id};
use crate::support::{RelayProcess, Ws, credential, until_closed};

const LIMIT: usize = 64 * 1024;

/// What a misbehaving client sends after its handshake.
enum Abuse {
    /// One WebSocket message.
    Frame(WsMessage),
    /// Raw bytes straight onto the TCP stream, then the write side is shut.
    Raw(Vec<u8>),
}

/// A masked client frame header announcing `len` payload bytes, with a zero mask.
fn frame_header(first_byte: u8, len: u16) -> Vec<u8> {
    let mut header = vec![first_byte, 0x80 | 126];
    header.extend_from_slice(&len.to_be_bytes());
    header.extend_from_slice(&[0, 0, 0, 0]);
    header
}

fn valid_sync_frame() -> Vec<u8> {
    encode(&Message::Sync {
        document_id: doc_id(1),
        sender_id: PeerId::from("abuser"),
        target_id: PeerId::from("relay"),
        data: vec![0x42; 64],
    })
}

fn truncated_cbor() -> Vec<u8> {
    let whole = valid_sync_frame();
    whole[..whole.len() / 2].to_vec()
}

fn truncated_frame() -> Vec<u8> {
    let mut raw = frame_header(0x82, 1000);
    raw.extend_from_slice(&[0xa1; 10]);
    raw
}

fn reserved_bits_frame() -> Vec<u8> {
    let mut raw = frame_header(0x82 | 0x70, 4);
    raw.extend_from_slice(&[1, 2, 3, 4]);
    raw
}

/// Sends the abuse on a fresh, joined connection; returns how the relay closed it and the error
/// messages it sent first.
async fn abuse(url: &str, abuse: Abuse) -> (Option<u16>, Vec<String>) {
    let client = SyncClient::connect(url, "abuser").await;
    let mut ws: Ws = client.ws;
    match abuse {
        Abuse::Frame(frame) => {
            // The relay may close before an oversized frame is fully written; that is the point.
            let _sent = ws.send(frame).await;
        }
        Abuse::Raw(bytes) => {
            let MaybeTlsStream::Plain(tcp) = ws.get_mut() else { panic!("plain tcp") };
            tcp.write_all(&bytes).await.expect("raw write");
            tcp.shutdown().await.expect("shutdown");
        }
    }
    let (close, messages) = until_closed(&mut ws).await;
    let errors = messages
        .iter()
        .filter_map(|frame| match frame {
            WsMessage::Binary(bytes) => match quota_sync::decode(bytes, &Default::default()) {
                Ok(Message::Error { message }) => Some(message),
                _ => None,
            },
            _ => None,
        })
        .collect();
    (close.map(|(code, _)| code), errors)
}

#[tokio::test]
async fn malformed_oversized_and_truncated_frames_close_only_the_offending_connection() {
    let dir = tempfile::tempdir().unwrap();
    let relay = RelayProcess::start(&dir.path().join("data"), &["--max-message-bytes", &LIMIT.to_string()]);
    let (id, token) = credential(1);
    let url = relay.ws_url("sync", &id, &token);
    let doc = doc_id(9);

    let mut writer = SyncClient::connect(&url, "writer").await;
    writer.write_acknowledged(doc, "before", "yes").await;
    let mut reader = SyncClient::connect(&url, "reader").await;
    reader.fetch(doc).await;

    // (case, abuse, expected close code, expected start of the error message; `None` when the
    // client has gone before the relay could answer)
    let cases: Vec<(&str, Abuse, Option<u16>, Option<&str>)> = vec![
        (
            "malformed cbor",
            Abuse::Frame(WsMessage::binary(vec![0xff, 0x00, 0x13])),
            Some(1008),
            Some("malformed message"),
        ),
        ("cbor that is not a map", Abuse::Frame(WsMessage::binary(vec![0x01])), Some(1008), Some("malformed message")),
        ("truncated cbor", Abuse::Frame(WsMessage::binary(truncated_cbor())), Some(1008), Some("malformed message")),
        (
            "invalid sync payload",
            Abuse::Frame(WsMessage::binary(valid_sync_frame())),
            Some(1008),
            Some("invalid sync message"),
        ),
        (
            "text frame",
            Abuse::Frame(WsMessage::text("{\"type\":\"sync\"}")),
            Some(1008),
            Some("automerge-repo messages are binary"),
        ),
        (
            "oversized frame",
            Abuse::Frame(WsMessage::binary(vec![0xa1; LIMIT + 1])),
            Some(1009),
            Some("message too big"),
        ),
        ("reserved bits set", Abuse::Raw(reserved_bits_frame()), None, None),
        ("truncated frame", Abuse::Raw(truncated_frame()), None, None),
    ];
    for (n, (case, bad, code, error)) in cases.into_iter().enumerate() {
        let (closed_with, errors) = abuse(&url, bad).await;
        if let Some(code) = code {
            assert_eq!(closed_with, Some(code), "{case}");
        }
        if let Some(error) = error {
            assert!(errors.len() == 1 && errors[0].starts_with(error), "{case}: errors {errors:?}");
        }

        // The well-behaved clients never noticed.
        let key = format!("after-{n}");
        writer.edit(doc, &key, case);
        writer.push(doc).await;
        reader
            .until(&format!("the edit after {case}"), |reader| reader.value(doc, &key).as_deref() == Some(case))
            .await;
    }

    // Aborted connections linger briefly so their clients can read the close frame.
    relay.wait_for_health("only the writer and the reader to stay connected", |health| health["connections"] == 2);
}
