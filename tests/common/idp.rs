//! A small simulated Microsoft identity platform plus a one-endpoint Partner Center, on
//! loopback, for the sign-in tests: device code with pending polls, refresh grants, strict
//! bearer checks, and counters of what happened. It stays beside the sandbox's identity platform
//! for what that one does not do: count polls, refreshes and refused calls, answer
//! `slow_down`, sign in without MFA, and withhold a refresh token the client asked for.

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path as FsPath, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Clone, Debug)]
pub struct IdpConfig {
    /// Polls answered `authorization_pending` before approval.
    pub approve_after: u32,
    /// Answer `slow_down` on the first poll.
    pub slow_down_once: bool,
    pub token_ttl: u64,
    pub mfa: bool,
    /// Give a refresh token with the device-code grant.
    pub offline: bool,
}

impl Default for IdpConfig {
    fn default() -> Self {
        Self {
            approve_after: 2,
            slow_down_once: false,
            token_ttl: 3600,
            mfa: true,
            offline: true,
        }
    }
}

impl IdpConfig {
    /// The defaults, but the tokens say the sign-in used no second factor.
    pub fn without_mfa() -> Self {
        Self {
            mfa: false,
            ..Self::default()
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub devicecode: u32,
    pub polls: u32,
    pub refreshes: u32,
    pub api_calls: u32,
    pub api_401: u32,
}

#[derive(Default)]
struct Inner {
    config: Mutex<Option<IdpConfig>>,
    counters: Mutex<Counters>,
    /// Every secret issued (access, refresh, id tokens, device codes), to check none leaks.
    issued: Mutex<Vec<String>>,
    valid_access: Mutex<HashMap<String, u64>>,
    valid_refresh: Mutex<HashSet<String>>,
    device_polls: Mutex<HashMap<String, u32>>,
    serial: Mutex<u64>,
}

#[derive(Clone)]
pub struct Idp {
    pub addr: SocketAddr,
    inner: Arc<Inner>,
    task: Arc<tokio::task::JoinHandle<()>>,
}

impl Idp {
    pub async fn start(config: IdpConfig) -> Self {
        let inner = Arc::new(Inner::default());
        *inner.config.lock().unwrap() = Some(config);
        let app = Router::new()
            .route("/{tenant}/oauth2/v2.0/devicecode", post(devicecode))
            .route("/{tenant}/oauth2/v2.0/token", post(token))
            .route("/v1/customers", get(customers))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            addr,
            inner,
            task: Arc::new(task),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What happened so far (a copy).
    pub fn counters(&self) -> Counters {
        *self.inner.counters.lock().unwrap()
    }

    pub fn issued(&self) -> Vec<String> {
        self.inner.issued.lock().unwrap().clone()
    }

    /// The API stops accepting every access token issued so far (as after a server-side revoke).
    pub fn revoke_access_tokens(&self) {
        self.inner.valid_access.lock().unwrap().clear();
    }

    /// The identity platform forgets every refresh token (the sign-in must be redone).
    pub fn revoke_refresh_tokens(&self) {
        self.inner.valid_refresh.lock().unwrap().clear();
    }
}

impl Drop for Idp {
    fn drop(&mut self) {
        if Arc::strong_count(&self.task) == 1 {
            self.task.abort();
        }
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn oauth_error(error: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": error, "error_description": format!("AADSTS00000: {error}.\r\nTrace ID: x")})),
    )
        .into_response()
}

async fn devicecode(
    State(s): State<Arc<Inner>>,
    Path(_tenant): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    s.counters.lock().unwrap().devicecode += 1;
    if !form
        .get("scope")
        .is_some_and(|sc| sc.contains("offline_access"))
    {
        return oauth_error("invalid_scope");
    }
    let serial = next(&s);
    let code = format!("device-code-SECRET-{serial}");
    s.issued.lock().unwrap().push(code.clone());
    s.device_polls.lock().unwrap().insert(code.clone(), 0);
    Json(json!({
        "device_code": code,
        "user_code": "ABCD-1234",
        "verification_uri": "http://127.0.0.1/devicelogin",
        "expires_in": 900,
        "interval": 0,
        "message": "To sign in, use a web browser."
    }))
    .into_response()
}

fn next(s: &Inner) -> u64 {
    let mut serial = s.serial.lock().unwrap();
    *serial += 1;
    *serial
}

fn jwt(claims: serde_json::Value) -> String {
    let b64 = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    format!(
        "{}.{}.c2lnbmF0dXJl",
        b64(r#"{"typ":"JWT","alg":"none"}"#),
        b64(&claims.to_string())
    )
}

fn issue(s: &Inner, config: &IdpConfig, with_refresh: bool) -> Response {
    let serial = next(s);
    let exp = now() + config.token_ttl;
    let amr = if config.mfa {
        json!(["pwd", "mfa"])
    } else {
        json!(["pwd"])
    };
    let access = jwt(json!({
        "aud": "https://api.partnercenter.microsoft.com",
        "tid": "11111111-2222-3333-4444-555555555555",
        "upn": "ops@contoso.example",
        "amr": amr,
        "exp": exp,
        "jti": format!("access-SECRET-{serial}"),
    }));
    let refresh = format!("refresh-SECRET-{serial}");
    let id = jwt(
        json!({"preferred_username": "ops@contoso.example", "nonce": format!("id-SECRET-{serial}")}),
    );
    s.issued
        .lock()
        .unwrap()
        .extend([access.clone(), refresh.clone(), id.clone()]);
    s.valid_access.lock().unwrap().insert(access.clone(), exp);
    let mut body = json!({
        "token_type": "Bearer",
        "scope": "https://api.partnercenter.microsoft.com/user_impersonation",
        "expires_in": config.token_ttl,
        "access_token": access,
        "id_token": id,
    });
    if with_refresh {
        s.valid_refresh.lock().unwrap().insert(refresh.clone());
        body["refresh_token"] = json!(refresh);
    }
    Json(body).into_response()
}

async fn token(
    State(s): State<Arc<Inner>>,
    Path(_tenant): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let config = s.config.lock().unwrap().clone().unwrap();
    let client_id = form.get("client_id").cloned().unwrap_or_default();
    match form.get("grant_type").map(String::as_str) {
        Some("urn:ietf:params:oauth:grant-type:device_code") => {
            s.counters.lock().unwrap().polls += 1;
            let code = form.get("device_code").cloned().unwrap_or_default();
            let polls = {
                let mut all = s.device_polls.lock().unwrap();
                let Some(n) = all.get_mut(&code) else {
                    return oauth_error("bad_verification_code");
                };
                *n += 1;
                *n
            };
            if client_id.ends_with("dec1") {
                return oauth_error("authorization_declined");
            }
            if client_id.ends_with("e4e4") {
                return oauth_error("expired_token");
            }
            if config.slow_down_once && polls == 1 {
                return oauth_error("slow_down");
            }
            if polls <= config.approve_after {
                return oauth_error("authorization_pending");
            }
            s.device_polls.lock().unwrap().remove(&code);
            issue(&s, &config, config.offline)
        }
        Some("refresh_token") => {
            s.counters.lock().unwrap().refreshes += 1;
            let presented = form.get("refresh_token").cloned().unwrap_or_default();
            if !s.valid_refresh.lock().unwrap().contains(&presented) {
                return oauth_error("invalid_grant");
            }
            issue(&s, &config, true)
        }
        _ => oauth_error("unsupported_grant_type"),
    }
}

async fn customers(State(s): State<Arc<Inner>>, headers: HeaderMap) -> Response {
    s.counters.lock().unwrap().api_calls += 1;
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_string();
    let valid = s
        .valid_access
        .lock()
        .unwrap()
        .get(&bearer)
        .is_some_and(|exp| *exp > now());
    if !valid {
        s.counters.lock().unwrap().api_401 += 1;
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"code": 900300, "description": "token not accepted"})),
        )
            .into_response();
    }
    Json(json!({
        "totalCount": 1,
        "items": [{"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "companyProfile": {"companyName": "Contoso"}}],
        "attributes": {"objectType": "Collection"}
    }))
    .into_response()
}
