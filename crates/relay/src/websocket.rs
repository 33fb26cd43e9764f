//! The WebSocket handshake (RFC 6455 over HTTP/1.1), done here rather than by axum so that the
//! relay holds the socket itself and can write a large message as a run of small frames: the
//! WebSocket library keeps a connection's write buffer as large as the largest frame it has
//! written, and a thousand connections that each once carried a 64 KiB message would otherwise
//! keep a thousand 64 KiB buffers.

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Version, header};
use axum::response::{IntoResponse, Response};
use hyper::upgrade::{OnUpgrade, Upgraded};
use hyper_util::rt::TokioIo;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

/// An open WebSocket, server side.
pub type WebSocket = WebSocketStream<TokioIo<Upgraded>>;

/// A request to open a WebSocket, checked and ready to be answered.
pub struct Upgrade {
    key: HeaderValue,
    on_upgrade: OnUpgrade,
}

/// Why a request cannot become a WebSocket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAWebSocket(&'static str);

impl IntoResponse for NotAWebSocket {
    fn into_response(self) -> Response {
        (StatusCode::BAD_REQUEST, format!("{}\n", self.0)).into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Upgrade {
    type Rejection = NotAWebSocket;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Upgrade, NotAWebSocket> {
        check(parts)?;
        let key = parts
            .headers
            .get(header::SEC_WEBSOCKET_KEY)
            .cloned()
            .ok_or(NotAWebSocket("no Sec-WebSocket-Key header"))?;
        let on_upgrade = parts
            .extensions
            .remove::<OnUpgrade>()
            .ok_or(NotAWebSocket("this connection cannot be upgraded to a WebSocket"))?;
        Ok(Upgrade { key, on_upgrade })
    }
}

/// The checks RFC 6455 (section 4.2.1) asks of an opening handshake, but for the key itself.
fn check(parts: &Parts) -> Result<(), NotAWebSocket> {
    if parts.version != Version::HTTP_11 {
        return Err(NotAWebSocket("a WebSocket opens over HTTP/1.1"));
    }
    if parts.method != Method::GET {
        return Err(NotAWebSocket("a WebSocket opens with a GET request"));
    }
    if !header_has_token(&parts.headers, header::CONNECTION, "upgrade") {
        return Err(NotAWebSocket("the Connection header does not ask for an upgrade"));
    }
    if !header_has_token(&parts.headers, header::UPGRADE, "websocket") {
        return Err(NotAWebSocket("the Upgrade header does not ask for a WebSocket"));
    }
    if parts.headers.get(header::SEC_WEBSOCKET_VERSION).map(HeaderValue::as_bytes) != Some(b"13") {
        return Err(NotAWebSocket("only WebSocket version 13 is spoken here"));
    }
    Ok(())
}

/// Whether a comma-separated header holds `token`, ignoring case.
fn header_has_token(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|part| part.trim().eq_ignore_ascii_case(token))
}

impl Upgrade {
    /// Answers the handshake and, once the client has the answer, runs `callback` with the open
    /// socket in a task of its own.
    pub fn on_upgrade<F, Fut>(self, config: WebSocketConfig, callback: F) -> Response
    where
        F: FnOnce(WebSocket) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let on_upgrade = self.on_upgrade;
        tokio::spawn(async move {
            match on_upgrade.await {
                Ok(upgraded) => {
                    let socket =
                        WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config)).await;
                    callback(socket).await;
                }
                Err(error) => tracing::debug!(%error, "a WebSocket upgrade failed"),
            }
        });
        let accept = derive_accept_key(self.key.as_bytes());
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let headers = response.headers_mut();
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        if let Ok(accept) = HeaderValue::from_str(&accept) {
            headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use axum::http::Request;

    use super::*;

    /// A browser's opening handshake, changed by `edit`.
    fn handshake(edit: impl FnOnce(&mut Parts)) -> Parts {
        let mut parts = Request::builder()
            .uri("/sync")
            .version(Version::HTTP_11)
            .header(header::CONNECTION, "keep-alive, Upgrade")
            .header(header::UPGRADE, "websocket")
            .header(header::SEC_WEBSOCKET_VERSION, "13")
            .header(header::SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ==")
            .body(())
            .expect("a request")
            .into_parts()
            .0;
        edit(&mut parts);
        parts
    }

    #[test]
    fn a_browser_handshake_passes_the_checks() {
        assert_eq!(check(&handshake(|_| {})), Ok(()));
    }

    #[test]
    fn requests_that_are_not_websocket_handshakes_are_refused_with_the_reason() {
        let cases: [(&str, Parts, &str); 5] = [
            ("HTTP/1.0", handshake(|p| p.version = Version::HTTP_10), "HTTP/1.1"),
            ("POST", handshake(|p| p.method = Method::POST), "GET"),
            (
                "no upgrade",
                handshake(|p| drop(p.headers.insert(header::CONNECTION, HeaderValue::from_static("close")))),
                "Connection",
            ),
            (
                "not websocket",
                handshake(|p| drop(p.headers.insert(header::UPGRADE, HeaderValue::from_static("h2c")))),
                "Upgrade",
            ),
            (
                "version 8",
                handshake(|p| drop(p.headers.insert(header::SEC_WEBSOCKET_VERSION, HeaderValue::from_static("8")))),
                "version 13",
            ),
        ];
        for (case, parts, reason) in cases {
            match check(&parts) {
                Err(NotAWebSocket(said)) => assert!(said.contains(reason), "{case}: {said}"),
                Ok(()) => panic!("{case} passed"),
            }
        }
    }
}
