//! Document ids as automerge-repo writes them: 16 bytes in bs58check, and `automerge:` URLs.

use std::fmt;
use std::str::FromStr;

/// The id of one synced document: 16 bytes, unguessable when drawn at random or derived from a
/// secret. Written as bs58check (base58 with a four-byte double SHA-256 checksum), the form
/// automerge-repo puts in the `documentId` field of its messages.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocumentId(pub [u8; 16]);

/// The text was not a document id or an `automerge:` URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid document id: {0}")]
pub struct BadDocumentId(pub String);

/// The scheme of automerge-repo document URLs.
const URL_SCHEME: &str = "automerge:";

impl DocumentId {
    /// The id's raw bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// The id from raw bytes, which must be exactly 16 long.
    pub fn from_bytes(bytes: &[u8]) -> Result<DocumentId, BadDocumentId> {
        let bytes: [u8; 16] =
            bytes.try_into().map_err(|_| BadDocumentId(format!("expected 16 bytes, found {}", bytes.len())))?;
        Ok(DocumentId(bytes))
    }

    /// The `automerge:` URL that automerge-repo peers use to open this document.
    pub fn to_url(&self) -> String {
        format!("{URL_SCHEME}{self}")
    }

    /// Reads an `automerge:<bs58check id>` URL. URLs that pin the document to particular heads
    /// (a `#` suffix) are refused rather than silently opened at the latest version.
    pub fn from_url(url: &str) -> Result<DocumentId, BadDocumentId> {
        let url = url.trim();
        let rest = url
            .strip_prefix(URL_SCHEME)
            .ok_or_else(|| BadDocumentId(format!("{url:?} does not start with {URL_SCHEME:?}")))?;
        if rest.contains('#') {
            return Err(BadDocumentId(format!("{url:?} names particular heads, which are not supported")));
        }
        rest.parse()
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&bs58::encode(self.0).with_check().into_string())
    }
}

impl fmt::Debug for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DocumentId({self})")
    }
}

impl FromStr for DocumentId {
    type Err = BadDocumentId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Long text cannot hold 16 bytes; refusing it early keeps decoding cheap for hostile input.
        if s.is_empty() || s.len() > 40 {
            return Err(BadDocumentId(format!("{} characters is not the length of an id", s.len())));
        }
        let bytes = bs58::decode(s).with_check(None).into_vec().map_err(|e| {
            let reason = match e {
                bs58::decode::Error::InvalidChecksum { .. } => "its checksum does not match".to_string(),
                bs58::decode::Error::InvalidCharacter { character, .. } => {
                    format!("{character:?} is not a base58 character")
                }
                other => other.to_string(),
            };
            BadDocumentId(format!("{s:?}: {reason}"))
        })?;
        DocumentId::from_bytes(&bytes).map_err(|e| BadDocumentId(format!("{s:?}: {}", e.0)))
    }
}
