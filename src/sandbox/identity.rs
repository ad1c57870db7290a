//! The simulated Microsoft identity platform (v2 endpoints) for sign-in tests and demos: the
//! device-code grant (`authorization_pending` until approved after N polls), the refresh-token
//! grant, JWT-shaped unsigned tokens, and the register of issued access tokens that
//! `--strict-auth` checks. A client id ending in `dec1` is declined once the polls are spent.
//! Like the real service, a refresh token is issued only when `offline_access` is in the scope
//! and an id token only when `openid` is. Tokens are never logged or printed. For tests it
//! counts what it was asked, keeps the secrets it handed out (to look for them where none may
//! appear), revokes tokens, and can answer `slow_down` or sign in without MFA.

use super::clock::{iso8601, now_unix};
use super::entra::{self, IdentityError};
use super::{Shared, locked};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use uuid::Uuid;

/// The simulated partner's own tenant (the `tid` of issued tokens).
pub const PARTNER_TENANT_ID: &str = "4f1a8d2e-6b3c-4e5f-9a7b-1c2d3e4f5a6b";
/// Who signs in.
pub const PARTNER_ADMIN: &str = "admin@demo-partner.onmicrosoft.com";
const AUDIENCE: &str = "https://api.partnercenter.microsoft.com";
const DEFAULT_SCOPE: &str = "https://api.partnercenter.microsoft.com/user_impersonation";
const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

pub(crate) struct Identity {
    approve_after: u32,
    token_ttl_secs: AtomicU64,
    device_ttl_secs: u64,
    poll_interval_secs: u64,
    state: Mutex<Ledger>,
    /// The refusal every sign-in meets (`--identity-error`), if any.
    refuse: Mutex<Option<IdentityError>>,
    /// Tokens say the user signed in with a second factor (`amr`).
    mfa: AtomicBool,
    /// The first poll of each device code is answered `slow_down`.
    slow_down: AtomicBool,
}

#[derive(Default)]
struct Ledger {
    devices: HashMap<String, Device>,
    refresh: HashMap<String, Grant>,
    /// Issued access tokens and their expiry (Unix seconds).
    access: HashMap<String, u64>,
    /// Every secret handed out (device codes, access, refresh and id tokens), in order, so a
    /// test can look for them where none may appear (the first 10,000).
    issued: Vec<String>,
    /// The user codes shown, in order (not secrets: a user reads them out).
    user_codes: Vec<String>,
    counts: SignInCounts,
}

/// How many secrets and user codes the ledger keeps for tests to look for.
const KEPT: usize = 10_000;

impl Ledger {
    fn hand_out(&mut self, secret: &str) {
        keep(&mut self.issued, secret);
    }
}

/// Appends to a list the ledger keeps, up to `KEPT` entries.
fn keep(list: &mut Vec<String>, text: &str) {
    if list.len() < KEPT {
        list.push(text.to_string());
    }
}

struct Device {
    client_id: String,
    scope: String,
    polls: u32,
    expires_at: u64,
    redeemed: bool,
    /// Answered `slow_down` once already.
    slowed: bool,
}

/// What the identity platform and strict auth were asked so far, for tests that count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SignInCounts {
    /// Device-code requests.
    pub device_codes: u32,
    /// Polls of the token endpoint with a device code.
    pub polls: u32,
    /// Refresh-token grants asked for.
    pub refreshes: u32,
    /// API requests refused for their token (401).
    pub refused_tokens: u32,
}

#[derive(Clone)]
struct Grant {
    client_id: String,
    scope: String,
}

/// Why a bearer token is refused under strict auth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    NotIssued,
    Expired,
}

impl Identity {
    pub(crate) fn new(
        approve_after: u32,
        token_ttl_secs: u64,
        device_ttl_secs: u64,
        poll_interval_secs: u64,
    ) -> Self {
        Self {
            approve_after,
            token_ttl_secs: AtomicU64::new(token_ttl_secs),
            device_ttl_secs,
            poll_interval_secs,
            state: Mutex::new(Ledger::default()),
            refuse: Mutex::new(None),
            mfa: AtomicBool::new(true),
            slow_down: AtomicBool::new(false),
        }
    }

    pub(crate) fn set_error(&self, error: Option<IdentityError>) {
        *locked(&self.refuse) = error;
    }

    pub(crate) fn error(&self) -> Option<IdentityError> {
        locked(&self.refuse).clone()
    }

    /// The configured refusal, when it applies to this request, as Entra would answer it.
    fn refusal(&self, shared: &Shared, request: &entra::Request<'_>) -> Option<Response> {
        let error = self.error()?;
        let r = entra::refusal(&error, request)?;
        Some(entra_error(
            shared,
            r.status,
            r.error,
            r.code,
            r.suberror,
            &r.description,
        ))
    }

    pub(crate) fn set_token_ttl(&self, secs: u64) {
        self.token_ttl_secs.store(secs, Ordering::Relaxed);
    }

    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        locked(&self.state)
    }

    pub(crate) fn set_mfa(&self, mfa: bool) {
        self.mfa.store(mfa, Ordering::Relaxed);
    }

    pub(crate) fn set_slow_down(&self, slow_down: bool) {
        self.slow_down.store(slow_down, Ordering::Relaxed);
    }

    pub(crate) fn counts(&self) -> SignInCounts {
        self.ledger().counts
    }

    /// The secrets handed out so far.
    pub(crate) fn issued(&self) -> Vec<String> {
        self.ledger().issued.clone()
    }

    pub(crate) fn user_codes(&self) -> Vec<String> {
        self.ledger().user_codes.clone()
    }

    /// From now on the access tokens issued so far are refused, as after a revocation on the
    /// server's side.
    pub(crate) fn revoke_access(&self) {
        self.ledger().access.clear();
    }

    /// From now on the refresh tokens issued so far are refused (the sign-in must be redone).
    pub(crate) fn revoke_refresh(&self) {
        self.ledger().refresh.clear();
    }

    /// Strict auth: only unexpired tokens this sandbox issued pass.
    pub(crate) fn check(&self, token: &str) -> Result<(), Refusal> {
        let mut ledger = self.ledger();
        let checked = match ledger.access.get(token) {
            None => Err(Refusal::NotIssued),
            Some(&exp) if now_unix() >= exp => Err(Refusal::Expired),
            Some(_) => Ok(()),
        };
        if checked.is_err() {
            ledger.counts.refused_tokens += 1;
        }
        checked
    }

    /// Access (and, as the scope asks, refresh and id) tokens for a grant.
    fn issue(&self, grant: &Grant) -> Value {
        let ttl = self.token_ttl_secs.load(Ordering::Relaxed);
        let now = now_unix();
        let exp = now + ttl;
        let oid = "8d3b2c51-0f4e-4a8c-9b7d-2e6f1a3c5d7e";
        let access = jwt(&json!({
            "aud": AUDIENCE,
            "iss": format!("https://sts.windows.net/{PARTNER_TENANT_ID}/"),
            "iat": now, "nbf": now, "exp": exp,
            "amr": if self.mfa.load(Ordering::Relaxed) { json!(["pwd", "mfa"]) } else { json!(["pwd"]) },
            "appid": grant.client_id,
            "idtyp": "user",
            "name": "Demo Partner Admin",
            "given_name": "Demo", "family_name": "Admin",
            "oid": oid,
            "scp": "user_impersonation",
            "tid": PARTNER_TENANT_ID,
            "upn": PARTNER_ADMIN,
            "unique_name": PARTNER_ADMIN,
            "preferred_username": PARTNER_ADMIN,
            "uti": URL_SAFE_NO_PAD.encode(Uuid::new_v4().as_bytes()),
            "ver": "1.0",
        }));
        let scopes: Vec<&str> = grant.scope.split_whitespace().collect();
        let has = |s: &str| scopes.iter().any(|x| x.eq_ignore_ascii_case(s));
        let granted: Vec<&str> = scopes
            .iter()
            .copied()
            .filter(|s| {
                !["openid", "profile", "email", "offline_access"]
                    .iter()
                    .any(|o| s.eq_ignore_ascii_case(o))
            })
            .collect();
        let mut body = json!({
            "token_type": "Bearer",
            "scope": if granted.is_empty() { DEFAULT_SCOPE.to_string() } else { granted.join(" ") },
            "expires_in": ttl,
            "ext_expires_in": ttl,
            "access_token": &access,
        });
        let mut ledger = self.ledger();
        ledger.hand_out(&access);
        ledger.access.insert(access, exp);
        if has("offline_access") {
            let refresh = format!(
                "0.AXsandbox.{}{}",
                URL_SAFE_NO_PAD.encode(Uuid::new_v4().as_bytes()),
                URL_SAFE_NO_PAD.encode(Uuid::new_v4().as_bytes())
            );
            ledger.refresh.insert(refresh.clone(), grant.clone());
            ledger.hand_out(&refresh);
            body["refresh_token"] = Value::String(refresh);
        }
        if has("openid") {
            let id_token = jwt(&json!({
                "aud": grant.client_id,
                "iss": format!("https://login.microsoftonline.com/{PARTNER_TENANT_ID}/v2.0"),
                "iat": now, "nbf": now, "exp": exp,
                "name": "Demo Partner Admin",
                "oid": oid, "sub": oid,
                "preferred_username": PARTNER_ADMIN,
                "tid": PARTNER_TENANT_ID,
                "ver": "2.0",
            }));
            ledger.hand_out(&id_token);
            body["id_token"] = Value::String(id_token);
        }
        body
    }
}

/// An unsigned JWT (`alg: none`): clients read its claims, nobody verifies it.
fn jwt(claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"none"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.")
}

/// The fields of a form body, as both endpoints take them (any content type, like the body
/// they were read from before; a repeated field keeps its last value).
pub(crate) struct Form(HashMap<String, String>);

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = BytesRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = Bytes::from_request(request, state).await?;
        Ok(Self(
            url::form_urlencoded::parse(&body).into_owned().collect(),
        ))
    }
}

fn random_code(alphabet: &[u8], len: usize) -> String {
    let bytes = *Uuid::new_v4().as_bytes();
    let extra = *Uuid::new_v4().as_bytes();
    bytes
        .iter()
        .chain(&extra)
        .take(len)
        .map(|b| alphabet[usize::from(*b) % alphabet.len()] as char)
        .collect()
}

/// `POST /{tenant}/oauth2/v2.0/devicecode` (form: client_id, scope).
pub(crate) async fn devicecode(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    Form(params): Form,
) -> Response {
    let Some(client_id) = params.get("client_id").filter(|c| !c.trim().is_empty()) else {
        return missing(&shared, "client_id");
    };
    let Some(scope) = params.get("scope").filter(|s| !s.trim().is_empty()) else {
        return missing(&shared, "scope");
    };
    let identity = &shared.identity;
    let request = entra::Request {
        device_grant: false,
        tenant: &tenant,
        client_id,
    };
    if let Some(refused) = identity.refusal(&shared, &request) {
        return refused;
    }
    let device_code = format!(
        "DAQABIQEAAAD{}",
        random_code(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
            40
        )
    );
    let user_code = random_code(b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 9);
    let mut ledger = identity.ledger();
    ledger.counts.device_codes += 1;
    ledger.hand_out(&device_code);
    keep(&mut ledger.user_codes, &user_code);
    ledger.devices.insert(
        device_code.clone(),
        Device {
            client_id: client_id.clone(),
            scope: scope.clone(),
            polls: 0,
            expires_at: now_unix() + identity.device_ttl_secs,
            redeemed: false,
            slowed: false,
        },
    );
    drop(ledger);
    let verification_uri = format!("{}/devicelogin", shared.base_url);
    json_response(
        StatusCode::OK,
        &json!({
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": verification_uri,
            "expires_in": identity.device_ttl_secs,
            "interval": identity.poll_interval_secs,
            "message": format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."),
        }),
    )
}

/// `POST /{tenant}/oauth2/v2.0/token`: the device-code and refresh-token grants.
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    Form(params): Form,
) -> Response {
    let param = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let Some(client_id) = param("client_id") else {
        return missing(&shared, "client_id");
    };
    let request = entra::Request {
        device_grant: param("grant_type") == Some(DEVICE_CODE_GRANT),
        tenant: &tenant,
        client_id,
    };
    if let Some(refused) = shared.identity.refusal(&shared, &request) {
        return refused;
    }
    match param("grant_type") {
        Some(DEVICE_CODE_GRANT) => {
            shared.identity.ledger().counts.polls += 1;
            let Some(code) = param("device_code") else {
                return missing(&shared, "device_code");
            };
            device_grant(&shared, client_id, code)
        }
        Some("refresh_token") => {
            shared.identity.ledger().counts.refreshes += 1;
            let Some(refresh) = param("refresh_token") else {
                return missing(&shared, "refresh_token");
            };
            refresh_grant(&shared, client_id, refresh, param("scope"))
        }
        Some(_) => oauth_error(
            &shared,
            "unsupported_grant_type",
            70003,
            "The app requested an unsupported grant type.",
        ),
        None => missing(&shared, "grant_type"),
    }
}

/// The refresh-token grant: the same grant again (for `scope` if asked), with a new refresh
/// token (rotation).
fn refresh_grant(shared: &Shared, client_id: &str, refresh: &str, scope: Option<&str>) -> Response {
    let grant = shared.identity.ledger().refresh.get(refresh).cloned();
    match grant {
        Some(grant) if grant.client_id == client_id => {
            let scope = match scope {
                Some(s)
                    if grant.scope.contains("offline_access") && !s.contains("offline_access") =>
                {
                    format!("{s} offline_access")
                }
                Some(s) => s.to_string(),
                None => grant.scope.clone(),
            };
            let issued = shared.identity.issue(&Grant { scope, ..grant });
            token_response(issued)
        }
        _ => oauth_error(
            shared,
            "invalid_grant",
            70000,
            "The provided refresh token is invalid, expired or was issued to another client.",
        ),
    }
}

fn device_grant(shared: &Shared, client_id: &str, code: &str) -> Response {
    let identity = &shared.identity;
    let outcome = {
        let mut ledger = identity.ledger();
        match ledger.devices.get_mut(code) {
            None => Err((
                "bad_verification_code",
                70000,
                "The provided value for the input parameter 'device_code' is not valid.",
            )),
            Some(d) if d.client_id != client_id => Err((
                "bad_verification_code",
                70000,
                "The device code was issued to another client.",
            )),
            Some(d) if d.redeemed => Err((
                "invalid_grant",
                54005,
                "The device code was already redeemed.",
            )),
            Some(d) if now_unix() >= d.expires_at => {
                Err(("expired_token", 70019, "Verification code expired."))
            }
            Some(d) if identity.slow_down.load(Ordering::Relaxed) && !d.slowed => {
                d.slowed = true;
                Err((
                    "slow_down",
                    70016,
                    "The client polls too often; wait longer between polls.",
                ))
            }
            Some(d) if d.polls < identity.approve_after => {
                d.polls += 1;
                Err((
                    "authorization_pending",
                    70016,
                    "The provided request has not yet been authorized by the user. The user must input their code.",
                ))
            }
            Some(d) if d.client_id.ends_with("dec1") => {
                d.redeemed = true;
                Err((
                    "authorization_declined",
                    65004,
                    "The user declined to sign in to the application.",
                ))
            }
            Some(d) => {
                d.redeemed = true;
                Ok(Grant {
                    client_id: d.client_id.clone(),
                    scope: d.scope.clone(),
                })
            }
        }
    };
    match outcome {
        Ok(grant) => token_response(identity.issue(&grant)),
        Err((error, code, description)) => oauth_error(shared, error, code, description),
    }
}

/// `GET /devicelogin`: where the printed sign-in message points.
pub(crate) async fn devicelogin(State(shared): State<Arc<Shared>>) -> Response {
    let text = format!(
        "pcx sandbox: sign-in is simulated. A device code is approved after {} polls of the token endpoint \
         (a client id ending in dec1 is declined instead); there is nothing to enter here.\n",
        shared.identity.approve_after
    );
    (
        [(
            CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        )],
        text,
    )
        .into_response()
}

fn token_response(body: Value) -> Response {
    json_response(StatusCode::OK, &body)
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            ),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("no-store, no-cache"),
            ),
        ],
        body.to_string(),
    )
        .into_response()
}

/// The answer to a request without the form parameter `name`.
fn missing(shared: &Shared, name: &str) -> Response {
    let description = format!("The request body must contain the following parameter: '{name}'.");
    oauth_error(shared, "invalid_request", 900144, &description)
}

/// The identity platform's error body, `AADSTS` code and trace details included.
fn oauth_error(shared: &Shared, error: &str, code: u32, description: &str) -> Response {
    entra_error(
        shared,
        StatusCode::BAD_REQUEST,
        error,
        code,
        None,
        description,
    )
}

/// Entra's error body exactly as it is shaped: the description opens with the AADSTS code and
/// ends with trace lines; `suberror` only when Entra sends one.
fn entra_error(
    shared: &Shared,
    status: StatusCode,
    error: &str,
    code: u32,
    suberror: Option<&str>,
    description: &str,
) -> Response {
    let timestamp = iso8601(now_unix()).replace('T', " ");
    let trace = Uuid::new_v4();
    let correlation = Uuid::new_v4();
    let mut body = json!({
            "error": error,
            "error_description": format!(
                "AADSTS{code}: {description}\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}\r\nTimestamp: {timestamp}"
            ),
            "error_codes": [code],
            "timestamp": timestamp,
            "trace_id": trace.to_string(),
            "correlation_id": correlation.to_string(),
            "error_uri": format!("{}/error?code={code}", shared.base_url),
    });
    if let Some(suberror) = suberror {
        body["suberror"] = Value::String(suberror.to_string());
    }
    json_response(status, &body)
}
