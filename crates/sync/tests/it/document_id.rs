//! Document ids and `automerge:` URLs as automerge-repo writes them.

use proptest::prelude::*;
use quota_sync::DocumentId;

#[test]
fn a_url_written_by_automerge_repo_is_read_and_written_back_unchanged() {
    // This URL is the well-formed example in automerge-repo's own tests.
    let url = "automerge:4NMNnkMhL8jXrdJ9jamS58PAVdXu";
    let id = DocumentId::from_url(url).expect("a valid url");
    assert_eq!(id.to_url(), url);
    assert_eq!(id.to_string(), "4NMNnkMhL8jXrdJ9jamS58PAVdXu");
}

/// Parses `input` as a URL and compares the outcome with `expect` (`Ok` with the id's text).
fn check(input: &str, expect: Result<&str, &str>) {
    let got = DocumentId::from_url(input).map(|id| id.to_string()).map_err(|e| e.to_string());
    let expect = expect.map(str::to_string).map_err(str::to_string);
    assert_eq!(got, expect, "parsing {input:?}");
}

#[test]
fn urls_that_are_not_document_urls_are_refused_with_a_reason() {
    check(" automerge:4NMNnkMhL8jXrdJ9jamS58PAVdXu ", Ok("4NMNnkMhL8jXrdJ9jamS58PAVdXu"));
    check("automerge:badbadbad", Err("invalid document id: \"badbadbad\": its checksum does not match"));
    check(
        "4NMNnkMhL8jXrdJ9jamS58PAVdXu",
        Err("invalid document id: \"4NMNnkMhL8jXrdJ9jamS58PAVdXu\" does not start with \"automerge:\""),
    );
    check(
        "automerge:4NMNnkMhL8jXrdJ9jamS58PAVdXu#abc",
        Err(
            "invalid document id: \"automerge:4NMNnkMhL8jXrdJ9jamS58PAVdXu#abc\" names particular heads, which are not supported",
        ),
    );
    check(
        "automerge:4NMNnkMhL8jXrdJ9jamS58PAVdX0",
        Err("invalid document id: \"4NMNnkMhL8jXrdJ9jamS58PAVdX0\": '0' is not a base58 character"),
    );
    check("automerge:", Err("invalid document id: 0 characters is not the length of an id"));
}

#[test]
fn a_checksummed_payload_of_the_wrong_length_is_not_an_id() {
    let fifteen = bs58::encode([1u8; 15]).with_check().into_string();
    assert_eq!(
        fifteen.parse::<DocumentId>().map_err(|e| e.to_string()),
        Err(format!("invalid document id: {fifteen:?}: expected 16 bytes, found 15"))
    );
}

proptest! {
    #[test]
    fn any_id_reads_back_from_its_text_and_its_url(bytes in any::<[u8; 16]>()) {
        let id = DocumentId(bytes);
        prop_assert_eq!(id.to_string().parse::<DocumentId>(), Ok(id));
        prop_assert_eq!(DocumentId::from_url(&id.to_url()), Ok(id));
    }
}
