//! Workspace credentials: trust on first use, with an optional registration token.
//!
//! The app derives a workspace id (32 hex digits) and a token (64 hex digits) from the workspace
//! secret. The first connection for a workspace id registers `sha256(token)` in the data
//! directory; every later connection must present a token with the same hash. The relay never
//! stores the token itself.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::storage::write_atomically;

/// A workspace id: 16 bytes, written as 32 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorkspaceId([u8; 16]);

/// A workspace access token: 32 bytes, written as 64 hex digits.
#[derive(Clone, PartialEq, Eq)]
pub struct Token([u8; 32]);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid workspace id: expected 32 hex digits")]
pub struct BadWorkspaceId;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid workspace token: expected 64 hex digits")]
pub struct BadToken;

/// Why a connection was refused. Every variant is reported to the client before closing.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("invalid workspace credential")]
    InvalidCredential,
    #[error("registering a new workspace needs a valid registration token")]
    RegistrationRefused,
    #[error("cannot read or write workspace credentials: {0}")]
    Io(#[from] std::io::Error),
}

impl AuthError {
    /// The WebSocket close code that carries this refusal (4401 mirrors HTTP 401, and so on).
    pub fn close_code(&self) -> u16 {
        match self {
            AuthError::InvalidCredential => 4401,
            AuthError::RegistrationRefused => 4403,
            AuthError::Io(_) => 1011,
        }
    }

    /// The message shown to the client; storage details stay in the relay's log.
    pub fn client_message(&self) -> String {
        match self {
            AuthError::Io(_) => "the relay cannot check workspace credentials right now".to_owned(),
            other => other.to_string(),
        }
    }
}

/// Checks and registers workspace credentials stored under `<data>/workspaces/<id>/credential`.
pub struct Credentials {
    root: PathBuf,
    registration: Option<Token32>,
    /// Hashes already read from disk. The mutex also serialises registrations, so two first
    /// connections with different tokens cannot both succeed.
    known: Mutex<HashMap<WorkspaceId, [u8; 32]>>,
}

/// The registration token's hash, so comparing it takes the same time whatever the input.
type Token32 = [u8; 32];

impl Credentials {
    /// Credentials kept in `<data_dir>/workspaces`.
    pub fn new(data_dir: &Path, registration_token: Option<&str>) -> Credentials {
        Credentials {
            root: data_dir.join("workspaces"),
            registration: registration_token.map(|token| sha256(token.as_bytes())),
            known: Mutex::new(HashMap::new()),
        }
    }

    /// Checks the query parameters of a connection and returns the workspace it may access,
    /// registering the workspace if this is its first connection.
    pub fn authorize(
        &self,
        workspace: Option<&str>,
        token: Option<&str>,
        registration: Option<&str>,
    ) -> Result<WorkspaceId, AuthError> {
        let workspace: WorkspaceId =
            workspace.and_then(|text| text.parse().ok()).ok_or(AuthError::InvalidCredential)?;
        let token: Token = token.and_then(|text| text.parse().ok()).ok_or(AuthError::InvalidCredential)?;
        let presented = sha256(&token.0);

        let mut known = self.known.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let stored = match known.get(&workspace) {
            Some(hash) => Some(*hash),
            None => self.read(workspace)?,
        };
        match stored {
            Some(hash) => {
                known.insert(workspace, hash);
                if constant_time_eq(&hash, &presented) { Ok(workspace) } else { Err(AuthError::InvalidCredential) }
            }
            None => {
                if let Some(expected) = &self.registration {
                    let offered = registration.map(|text| sha256(text.as_bytes()));
                    if !offered.is_some_and(|offered| constant_time_eq(expected, &offered)) {
                        return Err(AuthError::RegistrationRefused);
                    }
                }
                let path = self.path(workspace);
                std::fs::create_dir_all(path.parent().expect("credential path has a parent"))?;
                write_atomically(&path, hex::encode(presented).as_bytes())?;
                known.insert(workspace, presented);
                tracing::info!(%workspace, "registered a new workspace");
                Ok(workspace)
            }
        }
    }

    /// How many workspaces are registered on disk.
    pub fn count_registered(&self) -> usize {
        let Ok(entries) = std::fs::read_dir(&self.root) else { return 0 };
        entries.filter_map(Result::ok).filter(|entry| entry.path().join("credential").is_file()).count()
    }

    fn path(&self, workspace: WorkspaceId) -> PathBuf {
        self.root.join(workspace.to_string()).join("credential")
    }

    fn read(&self, workspace: WorkspaceId) -> Result<Option<[u8; 32]>, AuthError> {
        match std::fs::read_to_string(self.path(workspace)) {
            Ok(text) => {
                let mut hash = [0; 32];
                hex::decode_to_slice(text.trim(), &mut hash).map_err(|_| {
                    std::io::Error::new(std::io::ErrorKind::InvalidData, "credential file is not a sha256 hex digest")
                })?;
                Ok(Some(hash))
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error.into()),
        }
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromStr for WorkspaceId {
    type Err = BadWorkspaceId;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut bytes = [0; 16];
        hex::decode_to_slice(text, &mut bytes).map_err(|_| BadWorkspaceId)?;
        Ok(WorkspaceId(bytes))
    }
}

impl fmt::Display for WorkspaceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for WorkspaceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WorkspaceId({self})")
    }
}

impl FromStr for Token {
    type Err = BadToken;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut bytes = [0; 32];
        hex::decode_to_slice(text, &mut bytes).map_err(|_| BadToken)?;
        Ok(Token(bytes))
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKSPACE: &str = "00112233445566778899aabbccddeeff";
    const TOKEN: &str = "0000000000000000000000000000000000000000000000000000000000000001";
    const OTHER_TOKEN: &str = "0000000000000000000000000000000000000000000000000000000000000002";

    fn check(credentials: &Credentials, workspace: Option<&str>, token: Option<&str>, expect: Result<(), &str>) {
        let actual = credentials.authorize(workspace, token, None).map(|_| ()).map_err(|error| error.to_string());
        assert_eq!(actual, expect.map_err(str::to_owned), "workspace {workspace:?} token {token:?}");
    }

    #[test]
    fn the_first_token_is_trusted_and_later_ones_must_match() {
        let dir = tempfile::tempdir().unwrap();
        let credentials = Credentials::new(dir.path(), None);
        check(&credentials, Some(WORKSPACE), Some(TOKEN), Ok(()));
        check(&credentials, Some(WORKSPACE), Some(TOKEN), Ok(()));
        check(&credentials, Some(WORKSPACE), Some(OTHER_TOKEN), Err("invalid workspace credential"));
        check(&credentials, Some(WORKSPACE), None, Err("invalid workspace credential"));
        check(&credentials, Some("not-hex"), Some(TOKEN), Err("invalid workspace credential"));
        check(&credentials, None, Some(TOKEN), Err("invalid workspace credential"));
        check(&credentials, Some(WORKSPACE), Some("abc"), Err("invalid workspace credential"));
    }

    #[test]
    fn a_registered_workspace_is_remembered_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        Credentials::new(dir.path(), None).authorize(Some(WORKSPACE), Some(TOKEN), None).unwrap();
        let restarted = Credentials::new(dir.path(), None);
        assert_eq!(restarted.count_registered(), 1);
        check(&restarted, Some(WORKSPACE), Some(OTHER_TOKEN), Err("invalid workspace credential"));
        check(&restarted, Some(WORKSPACE), Some(TOKEN), Ok(()));
    }

    #[test]
    fn the_token_itself_is_never_written_to_disk() {
        let dir = tempfile::tempdir().unwrap();
        Credentials::new(dir.path(), None).authorize(Some(WORKSPACE), Some(TOKEN), None).unwrap();
        let stored = std::fs::read_to_string(dir.path().join("workspaces").join(WORKSPACE).join("credential")).unwrap();
        assert_ne!(stored.trim(), TOKEN);
        assert_eq!(stored.trim().len(), 64);
    }

    #[test]
    fn registration_needs_the_registration_token_when_one_is_configured() {
        let dir = tempfile::tempdir().unwrap();
        let credentials = Credentials::new(dir.path(), Some("let-me-in"));
        let refused = credentials.authorize(Some(WORKSPACE), Some(TOKEN), Some("guess"));
        assert!(matches!(refused, Err(AuthError::RegistrationRefused)), "{refused:?}");
        let refused = credentials.authorize(Some(WORKSPACE), Some(TOKEN), None);
        assert!(matches!(refused, Err(AuthError::RegistrationRefused)), "{refused:?}");
        credentials.authorize(Some(WORKSPACE), Some(TOKEN), Some("let-me-in")).unwrap();
        // Once registered, the workspace's own token is enough.
        credentials.authorize(Some(WORKSPACE), Some(TOKEN), None).unwrap();
    }
}
