//! One way tests build an API client: against a loopback server, with retries short enough
//! that a test never waits long, and `quick` timeouts for the fault tests.

use pcx::api::{ApiClient, ClientConfig, RetryPolicy, Secret, StaticToken, TokenProvider};
use std::sync::Arc;
use std::time::Duration;

/// A fixed bearer token.
pub fn token(value: &str) -> Arc<dyn TokenProvider> {
    StaticToken::new(Secret::new(value))
}

/// A client of `base_url` with these tokens, three attempts and short backoffs; `tweak`
/// changes anything else.
pub fn client_with(
    base_url: &str,
    tokens: Arc<dyn TokenProvider>,
    tweak: impl FnOnce(&mut ClientConfig),
) -> ApiClient {
    let mut config = ClientConfig::new(base_url);
    config.retry = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(200),
        max_retry_after: Duration::from_secs(5),
    };
    tweak(&mut config);
    ApiClient::new(config, tokens).expect("a loopback URL")
}

/// A client of `base_url` with a fixed token.
pub fn client(base_url: &str, token_value: &str) -> ApiClient {
    client_with(base_url, token(token_value), |_| {})
}

/// Short timeouts and few retries, so every fault shows within a second.
pub fn quick(config: &mut ClientConfig) {
    config.retry = RetryPolicy {
        max_attempts: 2,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(5),
    };
    config.connect_timeout = Duration::from_secs(2);
    config.request_timeout = Duration::from_millis(300);
    config.max_body_bytes = 1024 * 1024;
}

/// A client with `quick` settings.
pub fn quick_client(base_url: &str, token_value: &str) -> ApiClient {
    client_with(base_url, token(token_value), quick)
}

/// Every customer `query` selects, page by page.
pub async fn all_customers(
    api: &ApiClient,
    query: &pcx::api::CustomerQuery,
) -> Vec<pcx::api::Resource<pcx::api::Customer>> {
    let ctx = pcx::api::CallContext::new();
    let mut page = api.customers_page(&ctx, query, None).await.unwrap();
    let mut all = std::mem::take(&mut page.items);
    while let Some(cursor) = page.next.take() {
        page = api
            .customers_page(&ctx, query, Some(&cursor))
            .await
            .unwrap();
        all.append(&mut page.items);
    }
    all
}

/// Every user of a customer, page by page (pages of `page_size`), and how many pages it took;
/// the first error if a page is refused (a customer without a GDAP role: 403).
pub async fn try_all_users(
    api: &ApiClient,
    customer: &str,
    page_size: u32,
    deleted: bool,
) -> Result<(Vec<pcx::api::Resource<pcx::api::CustomerUser>>, usize), pcx::api::ApiError> {
    let ctx = pcx::api::CallContext::new();
    let query = pcx::api::UserQuery { page_size, deleted };
    let mut page = api.users_page(&ctx, customer, &query, None).await?;
    let mut users = std::mem::take(&mut page.items);
    let mut pages = 1;
    while let Some(cursor) = page.next.take() {
        page = api
            .users_page(&ctx, customer, &query, Some(&cursor))
            .await?;
        users.append(&mut page.items);
        pages += 1;
    }
    Ok((users, pages))
}

/// `try_all_users` that panics on a refused page.
pub async fn all_users(
    api: &ApiClient,
    customer: &str,
    page_size: u32,
    deleted: bool,
) -> (Vec<pcx::api::Resource<pcx::api::CustomerUser>>, usize) {
    try_all_users(api, customer, page_size, deleted)
        .await
        .unwrap()
}

/// The partner's personal values a screen must not show in privacy mode: every customer's
/// company name, domain and id, and the names, UPNs and ids of the first `with_users`
/// customers' users (values of five characters or fewer are too short to tell).
pub async fn partner_secrets(api: &ApiClient, with_users: usize) -> Vec<String> {
    let query = pcx::api::CustomerQuery {
        page_size: 500,
        search: None,
    };
    let customers = all_customers(api, &query).await;
    let mut out: Vec<String> = Vec::new();
    for (n, customer) in customers.iter().enumerate() {
        let c = &customer.data;
        let profile = c.company_profile.as_ref();
        out.extend(c.id.iter().map(|s| s.to_string()));
        out.extend(
            profile
                .and_then(|p| p.company_name.as_deref())
                .map(str::to_string),
        );
        out.extend(
            profile
                .and_then(|p| p.domain.as_deref())
                .map(str::to_string),
        );
        // Customers without a GDAP role (403) show no users anywhere.
        if n < with_users
            && let Some(id) = c.id.as_deref()
            && let Ok((users, _)) = try_all_users(api, id, 500, false).await
        {
            for user in users {
                let u = &user.data;
                for v in [&u.id, &u.user_principal_name, &u.display_name] {
                    out.extend(v.as_deref().map(str::to_string));
                }
            }
        }
    }
    out.retain(|s| s.chars().count() > 5);
    out.sort();
    out.dedup();
    out
}

/// The first secret `text` shows, if any (case as written).
pub fn leak<'a>(text: &str, secrets: &'a [String]) -> Option<&'a str> {
    secrets
        .iter()
        .find(|s| text.contains(s.as_str()))
        .map(String::as_str)
}
