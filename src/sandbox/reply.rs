//! A finished API answer held as bytes (status, body, headers) before it becomes an HTTP
//! response, so a fault can still cut or drop the very bytes a good answer would carry.

use super::wire::{ApiFault, GatewayThrottle};
use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_TYPE, HeaderName, HeaderValue, RETRY_AFTER};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub(crate) const JSON_UTF8: &str = "application/json; charset=utf-8";
const BOM: &[u8] = "\u{feff}".as_bytes();

pub(crate) struct Reply {
    pub status: StatusCode,
    pub body: Bytes,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl Reply {
    pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Self {
        Self::encode(status, value, false)
    }

    /// Like `json`, with the UTF-8 byte-order mark some Partner Center answers start with.
    pub(crate) fn json_with_bom<T: Serialize>(status: StatusCode, value: &T) -> Self {
        Self::encode(status, value, true)
    }

    fn encode<T: Serialize>(status: StatusCode, value: &T, bom: bool) -> Self {
        let mut bytes = Vec::with_capacity(4096);
        if bom {
            bytes.extend_from_slice(BOM);
        }
        match serde_json::to_writer(&mut bytes, value) {
            Ok(()) => Self {
                status,
                body: Bytes::from(bytes),
                headers: vec![(CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8))],
            },
            // Serialising these plain structs cannot fail; answer as the service would if it did.
            Err(_) => Self::fault(
                StatusCode::INTERNAL_SERVER_ERROR,
                0,
                "The response could not be serialised.",
            ),
        }
    }

    /// An ApiFault body: `{code, description, data, source}`.
    pub(crate) fn fault(status: StatusCode, code: i64, description: &str) -> Self {
        let body = serde_json::to_vec(&ApiFault::new(code, description)).unwrap_or_default();
        Self {
            status,
            body: Bytes::from(body),
            headers: vec![(CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8))],
        }
    }

    /// The gateway's 429 with `Retry-After`.
    pub(crate) fn throttled(retry_after_secs: u64) -> Self {
        let body = GatewayThrottle {
            status_code: 429,
            message: format!("Rate limit is exceeded. Try again in {retry_after_secs} seconds."),
        };
        let mut reply = Self::json(StatusCode::TOO_MANY_REQUESTS, &body);
        reply
            .headers
            .push((RETRY_AFTER, HeaderValue::from(retry_after_secs)));
        reply
    }

    pub(crate) fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    pub(crate) fn into_response(self) -> Response {
        let mut response = (self.status, Body::from(self.body)).into_response();
        let headers = response.headers_mut();
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        response
    }
}
