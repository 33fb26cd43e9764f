//! Reading and writing protocol messages: round trips, what JavaScript peers send, and the
//! errors bad input gets.

use std::collections::BTreeMap;

use minicbor::Encoder;
use quota_sync::{
    DecodeError, DecodeLimits, DocumentId, EphemeralMessage, Message, PeerId, PeerMetadata, RemoteHeads, StorageId,
    decode, encode, encode_sync,
};

fn doc() -> DocumentId {
    DocumentId([7; 16])
}

fn peer(name: &str) -> PeerId {
    PeerId::from(name)
}

fn read(bytes: &[u8]) -> Result<Message, DecodeError> {
    decode(bytes, &DecodeLimits::default())
}

/// Encodes `message` and checks that decoding gives it back.
fn check_round_trip(message: Message) {
    let bytes = encode(&message);
    assert_eq!(read(&bytes), Ok(message));
}

#[test]
fn every_message_type_survives_a_round_trip() {
    let metadata = PeerMetadata { storage_id: Some(StorageId("store-1".into())), is_ephemeral: false };
    check_round_trip(Message::Join {
        sender_id: peer("a"),
        supported_protocol_versions: vec!["1".into()],
        metadata: Some(metadata.clone()),
    });
    check_round_trip(Message::Join { sender_id: peer("a"), supported_protocol_versions: vec![], metadata: None });
    check_round_trip(Message::Peer {
        sender_id: peer("b"),
        target_id: peer("a"),
        selected_protocol_version: "1".into(),
        metadata: Some(PeerMetadata { storage_id: None, is_ephemeral: true }),
    });
    check_round_trip(Message::Peer {
        sender_id: peer("b"),
        target_id: peer("a"),
        selected_protocol_version: "1".into(),
        metadata: None,
    });
    check_round_trip(Message::Leave { sender_id: peer("a") });
    check_round_trip(Message::Request {
        document_id: doc(),
        sender_id: peer("a"),
        target_id: peer("b"),
        data: vec![1, 2],
    });
    check_round_trip(Message::Sync {
        document_id: doc(),
        sender_id: peer("a"),
        target_id: peer("b"),
        data: vec![0x42],
    });
    check_round_trip(Message::DocUnavailable { sender_id: peer("b"), target_id: peer("a"), document_id: doc() });
    check_round_trip(Message::Ephemeral(EphemeralMessage {
        sender_id: peer("a"),
        target_id: peer("b"),
        count: 9_007_199_254_740_991,
        session_id: "s".into(),
        document_id: doc(),
        data: vec![0xa0],
    }));
    check_round_trip(Message::Error { message: "unsupported protocol version".into() });
    check_round_trip(Message::RemoteSubscriptionChange {
        sender_id: peer("a"),
        target_id: peer("b"),
        add: vec![StorageId("x".into())],
        remove: vec![],
    });
    let mut new_heads = BTreeMap::new();
    new_heads
        .insert(StorageId("x".into()), RemoteHeads { heads: vec!["aGVhZA==".into()], timestamp: 1_700_000_000_000 });
    check_round_trip(Message::RemoteHeadsChanged {
        sender_id: peer("a"),
        target_id: peer("b"),
        document_id: doc(),
        new_heads,
    });
}

/// Writes a map entry by entry, the way a JavaScript encoder might lay it out.
#[test]
fn a_sync_message_with_shared_data_is_the_message_encode_writes_and_keeps_the_data_shared() {
    // Each length that takes a different CBOR byte-string head, and the ones either side.
    for len in [0, 1, 23, 24, 255, 256, 65_535, 65_536, 70_000] {
        let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let shared = bytes::Bytes::from(data.clone());
        for request in [false, true] {
            let frame = encode_sync(request, &doc(), &peer("relay"), &peer("ben"), shared.clone());
            let message = if request {
                Message::Request {
                    document_id: doc(),
                    sender_id: peer("relay"),
                    target_id: peer("ben"),
                    data: data.clone(),
                }
            } else {
                Message::Sync {
                    document_id: doc(),
                    sender_id: peer("relay"),
                    target_id: peer("ben"),
                    data: data.clone(),
                }
            };
            assert_eq!(frame.to_vec(), encode(&message), "{len} bytes, request: {request}");
            assert_eq!(frame.body.as_ptr(), shared.as_ptr(), "the data is not copied");
        }
    }
}

fn map(entries: usize, write: impl FnOnce(&mut Encoder<Vec<u8>>)) -> Vec<u8> {
    let mut e = Encoder::new(Vec::new());
    e.map(entries as u64).unwrap();
    write(&mut e);
    e.into_writer()
}

#[test]
fn a_leave_message_written_byte_by_byte_is_read() {
    // {"type": "leave", "senderId": "a"}: a map of two, then each key and value as text.
    let bytes = [
        0xa2, 0x64, b't', b'y', b'p', b'e', 0x65, b'l', b'e', b'a', b'v', b'e', 0x68, b's', b'e', b'n', b'd', b'e',
        b'r', b'I', b'd', 0x61, b'a',
    ];
    assert_eq!(read(&bytes), Ok(Message::Leave { sender_id: peer("a") }));
}

#[test]
fn counts_written_as_floats_are_read_as_whole_numbers() {
    let ephemeral = |write_count: fn(&mut Encoder<Vec<u8>>)| {
        map(7, |e| {
            e.str("type").unwrap().str("ephemeral").unwrap();
            e.str("senderId").unwrap().str("a").unwrap();
            e.str("targetId").unwrap().str("b").unwrap();
            e.str("count").unwrap();
            write_count(e);
            e.str("sessionId").unwrap().str("s").unwrap();
            e.str("documentId").unwrap().str(&doc().to_string()).unwrap();
            e.str("data").unwrap().bytes(&[1]).unwrap();
        })
    };
    let count_of = |bytes: Vec<u8>| match read(&bytes) {
        Ok(Message::Ephemeral(m)) => Ok(m.count),
        Ok(other) => panic!("expected an ephemeral message, got {other:?}"),
        Err(e) => Err(e),
    };
    assert_eq!(
        count_of(ephemeral(|e| {
            e.f64(3.0).unwrap();
        })),
        Ok(3)
    );
    assert_eq!(
        count_of(ephemeral(|e| {
            e.f32(65536.0).unwrap();
        })),
        Ok(65536)
    );
    // 0xf9 0x4a 0x00 is the half-precision float 12.0.
    assert_eq!(
        count_of(ephemeral(|e| {
            e.writer_mut().extend([0xf9, 0x4a, 0x00]);
        })),
        Ok(12)
    );
    let not_whole = DecodeError::WrongType { field: "count", expected: "a non-negative whole number" };
    assert_eq!(
        count_of(ephemeral(|e| {
            e.f64(1.5).unwrap();
        })),
        Err(not_whole.clone())
    );
    assert_eq!(
        count_of(ephemeral(|e| {
            e.f64(-1.0).unwrap();
        })),
        Err(not_whole.clone())
    );
    assert_eq!(
        count_of(ephemeral(|e| {
            e.f64(f64::NAN).unwrap();
        })),
        Err(not_whole.clone())
    );
    assert_eq!(
        count_of(ephemeral(|e| {
            e.str("3").unwrap();
        })),
        Err(not_whole)
    );
}

#[test]
fn undefined_metadata_entries_and_unknown_keys_are_tolerated() {
    let bytes = map(5, |e| {
        e.str("type").unwrap().str("join").unwrap();
        e.str("senderId").unwrap().str("js-peer").unwrap();
        e.str("supportedProtocolVersions").unwrap().array(1).unwrap().str("1").unwrap();
        e.str("peerMetadata").unwrap().map(3).unwrap();
        e.str("storageId").unwrap().undefined().unwrap();
        e.str("isEphemeral").unwrap().bool(true).unwrap();
        e.str("somethingNew")
            .unwrap()
            .array(2)
            .unwrap()
            .u8(1)
            .unwrap()
            .map(1)
            .unwrap()
            .str("x")
            .unwrap()
            .null()
            .unwrap();
        e.str("futureField").unwrap().map(1).unwrap().u8(1).unwrap().f64(2.5).unwrap();
    });
    assert_eq!(
        read(&bytes),
        Ok(Message::Join {
            sender_id: peer("js-peer"),
            supported_protocol_versions: vec!["1".into()],
            metadata: Some(PeerMetadata { storage_id: None, is_ephemeral: true }),
        })
    );
}

#[test]
fn indefinite_maps_byte_document_ids_and_null_optionals_are_read() {
    let mut e = Encoder::new(Vec::new());
    e.begin_map().unwrap();
    e.str("type").unwrap().str("sync").unwrap();
    e.str("documentId").unwrap().bytes(&doc().0).unwrap();
    e.str("senderId").unwrap().str("a").unwrap();
    e.str("targetId").unwrap().str("b").unwrap();
    e.str("data").unwrap().bytes(&[0x42]).unwrap();
    e.str("peerMetadata").unwrap().null().unwrap();
    e.u32(17).unwrap().str("a key that is not text").unwrap();
    e.end().unwrap();
    assert_eq!(
        read(e.writer()),
        Ok(Message::Sync { document_id: doc(), sender_id: peer("a"), target_id: peer("b"), data: vec![0x42] })
    );
}

fn sync_bytes() -> Vec<u8> {
    encode(&Message::Sync {
        document_id: doc(),
        sender_id: peer("alice"),
        target_id: peer("bob"),
        data: vec![0x42; 20],
    })
}

#[test]
fn every_truncation_of_a_message_is_reported_as_truncated() {
    let bytes = sync_bytes();
    for len in 0..bytes.len() {
        assert_eq!(read(&bytes[..len]), Err(DecodeError::Truncated), "cut after {len} bytes");
    }
}

#[test]
fn a_message_over_the_size_limit_is_refused_before_it_is_read() {
    let bytes = sync_bytes();
    let limits = DecodeLimits { max_message_bytes: bytes.len() - 1 };
    assert_eq!(decode(&bytes, &limits), Err(DecodeError::TooLarge { size: bytes.len(), limit: bytes.len() - 1 }));
    assert!(decode(&bytes, &DecodeLimits { max_message_bytes: bytes.len() }).is_ok());
}

/// Decodes `bytes` and compares the result with `expect`.
fn check(bytes: &[u8], expect: Result<Message, DecodeError>) {
    assert_eq!(read(bytes), expect, "decoding {bytes:02x?}");
}

#[test]
fn bad_messages_get_errors_that_say_what_is_wrong() {
    let with_trailing_byte = [sync_bytes(), vec![0]].concat();
    check(&with_trailing_byte, Err(DecodeError::TrailingBytes(1)));
    check(&[0x82, 0x01, 0x02], Err(DecodeError::NotAMap));
    check(&[0x01], Err(DecodeError::NotAMap));
    // A map whose only key is text with invalid UTF-8.
    assert!(matches!(read(&[0xa1, 0x62, 0xff, 0xfe, 0x01]), Err(DecodeError::Malformed(_))));
    check(
        &map(1, |e| {
            e.str("senderId").unwrap().str("a").unwrap();
        }),
        Err(DecodeError::MissingType),
    );
    check(
        &map(2, |e| {
            e.str("type").unwrap().str("gossip").unwrap();
            e.str("senderId").unwrap().str("a").unwrap();
        }),
        Err(DecodeError::UnknownType("gossip".into())),
    );
    check(
        &map(4, |e| {
            e.str("type").unwrap().str("sync").unwrap();
            e.str("documentId").unwrap().str(&doc().to_string()).unwrap();
            e.str("senderId").unwrap().str("a").unwrap();
            e.str("targetId").unwrap().str("b").unwrap();
        }),
        Err(DecodeError::MissingField { kind: "sync", field: "data" }),
    );
    check(
        &map(2, |e| {
            e.str("type").unwrap().str("leave").unwrap();
            e.str("senderId").unwrap().u8(5).unwrap();
        }),
        Err(DecodeError::WrongType { field: "senderId", expected: "a definite-length text string" }),
    );
    check(
        &map(3, |e| {
            e.str("type").unwrap().str("leave").unwrap();
            e.str("senderId").unwrap().str("a").unwrap();
            e.str("type").unwrap().str("leave").unwrap();
        }),
        Err(DecodeError::DuplicateField("type")),
    );
    check(
        &map(4, |e| {
            e.str("type").unwrap().str("doc-unavailable").unwrap();
            e.str("senderId").unwrap().str("a").unwrap();
            e.str("targetId").unwrap().str("b").unwrap();
            e.str("documentId").unwrap().str("badbadbad").unwrap();
        }),
        Err(DecodeError::BadDocumentId("badbadbad".parse::<DocumentId>().unwrap_err())),
    );
    check(
        &map(2, |e| {
            e.str("type").unwrap().str("error").unwrap();
            e.str("message").unwrap().begin_str().unwrap().str("chunked").unwrap().end().unwrap();
        }),
        Err(DecodeError::WrongType { field: "message", expected: "a definite-length text string" }),
    );
}

#[test]
fn a_huge_declared_length_does_not_allocate_before_failing() {
    // A map claiming 2^64-1 entries, then an array claiming as many, in ten bytes each.
    check(&[0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], Err(DecodeError::Truncated));
    let mut bytes = map(1, |e| {
        e.str("supportedProtocolVersions").unwrap();
    });
    bytes.extend([0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    check(&bytes, Err(DecodeError::Truncated));
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

#[test]
fn messages_written_by_cbor_x_as_automerge_repo_configures_it_are_read() {
    // Bytes produced by cbor-x with `useRecords: false, tagUint8Array: false`. It writes map
    // lengths in two bytes (0xb9), `undefined` as 0xf7, and whole numbers past 2^32 as doubles.
    let id: DocumentId = "4NMNnkMhL8jXrdJ9jamS58PAVdXu".parse().unwrap();
    let join = "b900046474797065646a6f696e6873656e646572496468706565722d6162636c706565724d65746164617461b90002\
                6973746f726167654964f76b6973457068656d6572616cf47819737570706f7274656450726f746f636f6c56657273\
                696f6e73816131";
    assert_eq!(
        read(&unhex(join)),
        Ok(Message::Join {
            sender_id: peer("peer-abc"),
            supported_protocol_versions: vec!["1".into()],
            metadata: Some(PeerMetadata { storage_id: None, is_ephemeral: false }),
        })
    );
    let sync = "b9000564747970656473796e636873656e646572496468706565722d616263687461726765744964657265\
                6c61796a646f63756d656e744964781c344e4d4e6e6b4d684c386a5872644a396a616d53353850415664587564\
                6461746143420001";
    assert_eq!(
        read(&unhex(sync)),
        Ok(Message::Sync {
            document_id: id,
            sender_id: peer("peer-abc"),
            target_id: peer("relay"),
            data: vec![0x42, 0, 1]
        })
    );
    // The count is 3 * 2^40, written as the double 0x4288000000000000.
    let ephemeral = "b90007647479706569657068656d6572616c6873656e646572496468706565722d61626368746172676574\
                     49646572656c617965636f756e74fb42880000000000006973657373696f6e496464736573736a646f6375\
                     6d656e744964781c344e4d4e6e6b4d684c386a5872644a396a616d533538504156645875646461746141a0";
    assert_eq!(
        read(&unhex(ephemeral)),
        Ok(Message::Ephemeral(EphemeralMessage {
            sender_id: peer("peer-abc"),
            target_id: peer("relay"),
            count: 3 << 40,
            session_id: "sess".into(),
            document_id: id,
            data: vec![0xa0],
        }))
    );
}
