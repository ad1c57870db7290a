//! The sandbox's simulated Microsoft identity platform: the device-code grant with
//! `authorization_pending`, declines, bad and expired codes, the refresh grant with rotation,
//! JWT-shaped tokens, and strict auth accepting only unexpired tokens it issued.

mod common;

use base64::Engine as _;
use pcx::sandbox::{PARTNER_ADMIN, PARTNER_TENANT_ID, Sandbox, SandboxConfig};
use serde_json::Value;
use std::time::Duration;

const CLIENT: &str = "00000000-0000-0000-0000-0000000000c1";
const SCOPE: &str =
    "https://api.partnercenter.microsoft.com/user_impersonation offline_access openid profile";

async fn start(config: SandboxConfig) -> Sandbox {
    common::start_sandbox(config).await
}

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// The status and JSON body of the answer to `request`.
async fn answer(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn post(sandbox: &Sandbox, endpoint: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let base = sandbox.base_url();
    let url = format!("{base}/organizations/oauth2/v2.0/{endpoint}");
    answer(http().post(url).form(form)).await
}

async fn device_code(sandbox: &Sandbox, client_id: &str, scope: &str) -> Value {
    let (status, body) = post(
        sandbox,
        "devicecode",
        &[("client_id", client_id), ("scope", scope)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn poll(sandbox: &Sandbox, client_id: &str, code: &str) -> (u16, Value) {
    post(
        sandbox,
        "token",
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", client_id),
            ("device_code", code),
        ],
    )
    .await
}

async fn refresh(sandbox: &Sandbox, refresh_token: &str) -> (u16, Value) {
    post(
        sandbox,
        "token",
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT),
            ("refresh_token", refresh_token),
            ("scope", SCOPE),
        ],
    )
    .await
}

fn claims(jwt: &str) -> Value {
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "JWT-shaped");
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(parts[1])
        .unwrap();
    serde_json::from_slice(&payload).unwrap()
}

async fn api_status(sandbox: &Sandbox, token: &str) -> (u16, Value) {
    let url = format!("{}/v1/customers?size=1", sandbox.base_url());
    answer(http().get(url).bearer_auth(token)).await
}

fn error_of(body: &Value) -> &str {
    body["error"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn device_code_is_pending_n_times_then_issues_tokens() {
    let mut config = SandboxConfig::generated(5, 1, 1);
    config.approve_after = 3;
    let sandbox = start(config).await;
    let code = device_code(&sandbox, CLIENT, SCOPE).await;
    assert_eq!(code["expires_in"], 900);
    assert_eq!(code["interval"], 1);
    let uri = code["verification_uri"].as_str().unwrap();
    assert!(uri.starts_with(&sandbox.base_url()));
    let user_code = code["user_code"].as_str().unwrap();
    assert!(code["message"].as_str().unwrap().contains(user_code));
    assert!(code["message"].as_str().unwrap().contains(uri));
    assert_eq!(http().get(uri).send().await.unwrap().status().as_u16(), 200);

    let device = code["device_code"].as_str().unwrap();
    for _ in 0..3 {
        let (status, body) = poll(&sandbox, CLIENT, device).await;
        assert_eq!(status, 400);
        assert_eq!(error_of(&body), "authorization_pending");
        assert_eq!(body["error_codes"][0], 70016);
        assert!(
            body["error_description"]
                .as_str()
                .unwrap()
                .starts_with("AADSTS70016")
        );
    }
    let (status, tokens) = poll(&sandbox, CLIENT, device).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 3600);
    assert_eq!(
        tokens["scope"],
        "https://api.partnercenter.microsoft.com/user_impersonation"
    );
    let access = claims(tokens["access_token"].as_str().unwrap());
    assert_eq!(access["aud"], "https://api.partnercenter.microsoft.com");
    assert_eq!(access["tid"], PARTNER_TENANT_ID);
    assert_eq!(access["upn"], PARTNER_ADMIN);
    assert_eq!(access["amr"], serde_json::json!(["pwd", "mfa"]));
    assert_eq!(
        access["exp"].as_u64().unwrap() - access["iat"].as_u64().unwrap(),
        3600
    );
    assert!(
        tokens["refresh_token"].is_string(),
        "offline_access was asked for"
    );
    assert_eq!(claims(tokens["id_token"].as_str().unwrap())["aud"], CLIENT);

    // A redeemed code cannot be used again.
    assert_eq!(
        error_of(&poll(&sandbox, CLIENT, device).await.1),
        "invalid_grant"
    );
    assert_eq!(sandbox.api_request_count(), 0, "sign-in is not API traffic");
}

#[tokio::test]
async fn without_offline_access_there_is_no_refresh_token() {
    let mut config = SandboxConfig::demo();
    config.approve_after = 0;
    let sandbox = start(config).await;
    let code = device_code(
        &sandbox,
        CLIENT,
        "https://api.partnercenter.microsoft.com/.default",
    )
    .await;
    let (status, tokens) = poll(&sandbox, CLIENT, code["device_code"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert!(tokens.get("refresh_token").is_none());
    assert!(tokens.get("id_token").is_none());
}

#[tokio::test]
async fn declined_unknown_and_expired_codes() {
    let mut config = SandboxConfig::demo();
    config.approve_after = 1;
    let sandbox = start(config).await;
    let declining = "00000000-0000-0000-0000-00000000dec1";
    let code = device_code(&sandbox, declining, SCOPE).await;
    let device = code["device_code"].as_str().unwrap();
    assert_eq!(
        error_of(&poll(&sandbox, declining, device).await.1),
        "authorization_pending"
    );
    assert_eq!(
        error_of(&poll(&sandbox, declining, device).await.1),
        "authorization_declined"
    );
    assert_eq!(
        error_of(&poll(&sandbox, CLIENT, "no-such-code").await.1),
        "bad_verification_code"
    );

    let mut config = SandboxConfig::demo();
    config.device_code_ttl = Duration::ZERO;
    let expiring = start(config).await;
    let code = device_code(&expiring, CLIENT, SCOPE).await;
    assert_eq!(
        error_of(
            &poll(&expiring, CLIENT, code["device_code"].as_str().unwrap())
                .await
                .1
        ),
        "expired_token"
    );

    let (status, body) = post(
        &sandbox,
        "token",
        &[("grant_type", "password"), ("client_id", CLIENT)],
    )
    .await;
    assert_eq!((status, error_of(&body)), (400, "unsupported_grant_type"));
    let (status, body) = post(&sandbox, "devicecode", &[("scope", SCOPE)]).await;
    assert_eq!((status, error_of(&body)), (400, "invalid_request"));
}

async fn sign_in(sandbox: &Sandbox) -> Value {
    let code = device_code(sandbox, CLIENT, SCOPE).await;
    let (status, tokens) = poll(sandbox, CLIENT, code["device_code"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{tokens}");
    tokens
}

#[tokio::test]
async fn refresh_grant_issues_new_tokens_and_rotates_the_refresh_token() {
    let mut config = SandboxConfig::demo();
    config.approve_after = 0;
    let sandbox = start(config).await;
    let tokens = sign_in(&sandbox).await;
    let old_refresh = tokens["refresh_token"].as_str().unwrap();
    let (status, renewed) = refresh(&sandbox, old_refresh).await;
    assert_eq!(status, 200, "{renewed}");
    assert_ne!(renewed["access_token"], tokens["access_token"]);
    assert!(renewed["refresh_token"].is_string());
    assert_ne!(renewed["refresh_token"], tokens["refresh_token"]);
    let (status, body) = refresh(&sandbox, "not-a-refresh-token").await;
    assert_eq!((status, error_of(&body)), (400, "invalid_grant"));
}

#[tokio::test]
async fn strict_auth_accepts_only_unexpired_tokens_it_issued() {
    let mut config = SandboxConfig::generated(3, 1, 1);
    config.strict_auth = true;
    config.approve_after = 0;
    let sandbox = start(config).await;

    let (status, body) = api_status(&sandbox, "some-foreign-token").await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], 400);
    let tokens = sign_in(&sandbox).await;
    assert_eq!(
        api_status(&sandbox, tokens["access_token"].as_str().unwrap())
            .await
            .0,
        200
    );

    // Tokens issued with a zero lifetime are expired on arrival; the refresh grant still works.
    sandbox.set_token_ttl(Duration::ZERO);
    let (_, expired) = refresh(&sandbox, tokens["refresh_token"].as_str().unwrap()).await;
    let (status, body) = api_status(&sandbox, expired["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 401);
    assert!(
        body["description"].as_str().unwrap().contains("expired"),
        "{body}"
    );
    sandbox.set_token_ttl(Duration::from_secs(60));
    let (_, fresh) = refresh(&sandbox, expired["refresh_token"].as_str().unwrap()).await;
    assert_eq!(
        api_status(&sandbox, fresh["access_token"].as_str().unwrap())
            .await
            .0,
        200
    );
}
