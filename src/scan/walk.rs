//! One customer's part of a scan: its subscribed SKUs, its subscriptions (joined to those SKUs)
//! and, with users, every user's licences
//! (both licence groups), each request through the scheduler. The result is one record for one
//! store transaction; a customer that cannot be read becomes a record with its reason.

use super::convert;
use super::{Scan, ScanError, Target};
use crate::api::{ApiError, CallContext, Cursor, LicenseGroup, Resource, SubscribedSku, UserQuery};
use crate::store::{CustomerRecord, SubscriptionRecord, UserRecord};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;

const GROUPS: [LicenseGroup; 2] = [LicenseGroup::Group1, LicenseGroup::Group2];
/// Rounds of the scheduler's own retries after the client's have run out.
const ROUNDS: u32 = 4;

/// Errors that no other customer would escape: the scan stops instead of failing each one.
fn is_fatal(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::SignedOut(_) | ApiError::Credentials(_) | ApiError::InsecureUrl { .. }
    )
}

impl Scan {
    /// One request through the scheduler: the tenant's budget and pause, the cap, then the
    /// client (with its own retries); throttled or transient failures go round again.
    pub(crate) async fn call<T, F, Fut>(&self, tenant: &str, mut f: F) -> Result<T, ApiError>
    where
        F: FnMut(CallContext) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let mut round = 0;
        loop {
            while let Some(wait) = self.budget.admit(tenant, std::time::Instant::now()) {
                tokio::time::sleep(wait).await;
            }
            let permit = self.cap.acquire().await;
            self.progress.request();
            let result = f(self.context(tenant)).await;
            drop(permit);
            let error = match result {
                Ok(value) => {
                    self.cap.clean();
                    self.progress.set_cap(self.cap.current());
                    return Ok(value);
                }
                Err(error) => error,
            };
            round += 1;
            let wait = match &error {
                ApiError::Throttled { retry_after, .. } => {
                    self.progress.throttle();
                    let wait = retry_after.unwrap_or(Duration::from_secs(5));
                    self.throttled(tenant, wait);
                    wait
                }
                e if e.is_transient() => Duration::from_millis(250 * u64::from(round)),
                _ => return Err(error),
            };
            if round >= ROUNDS {
                return Err(error);
            }
            tokio::time::sleep(wait).await;
        }
    }

    fn throttled(&self, tenant: &str, wait: Duration) {
        self.cap.throttled();
        self.progress.set_cap(self.cap.current());
        self.budget.pause(tenant, wait);
    }

    /// Each call's context tells the scheduler about the client's own retries.
    fn context(&self, tenant: &str) -> CallContext {
        let scan = self.weak.clone();
        let tenant = tenant.to_string();
        CallContext::new().with_retry_observer(Arc::new(move |notice| {
            let Some(scan) = scan.upgrade() else {
                return;
            };
            scan.progress.request();
            scan.budget.count(&tenant);
            if notice.reason.starts_with("throttled") {
                scan.progress.throttle();
                scan.throttled(&tenant, notice.wait);
            }
        }))
    }

    /// Reads one customer. `Err` only for what stops the whole scan.
    pub(crate) async fn customer(
        self: &Arc<Self>,
        target: Target,
    ) -> Result<CustomerRecord, ScanError> {
        let mut record = CustomerRecord {
            id: target.id.clone(),
            company_name: target.name,
            domain: target.domain,
            raw: target.raw,
            ..CustomerRecord::default()
        };
        let result = self.customer_rows(&target.id, &mut record).await;
        self.budget.forget(&target.id);
        match result {
            Ok(()) => Ok(record),
            Err(e) if is_fatal(&e) => Err(ScanError::Api(e)),
            Err(e) => {
                let reason = crate::text::sanitize(&e.to_string()).into_owned();
                Ok(CustomerRecord {
                    failure: Some(reason),
                    skus: Vec::new(),
                    users: Vec::new(),
                    ..record
                })
            }
        }
    }

    async fn customer_rows(
        self: &Arc<Self>,
        id: &str,
        record: &mut CustomerRecord,
    ) -> Result<(), ApiError> {
        let client = &self.client;
        let skus = self
            .call(id, |ctx| async move {
                client.subscribed_skus(&ctx, id, &GROUPS).await
            })
            .await?;
        record.skus = skus.iter().filter_map(convert::sku).collect();
        record.subscriptions = self.subscriptions(id, &skus).await?;
        if self.options.with_users {
            record.users = self.users(id).await?;
        }
        Ok(())
    }

    /// A customer's subscriptions, each tied to the subscribed SKU it feeds. A partner whose
    /// account may not read them (403) still gets the customer's seats stored.
    async fn subscriptions(
        &self,
        id: &str,
        skus: &[Resource<SubscribedSku>],
    ) -> Result<Vec<SubscriptionRecord>, ApiError> {
        let client = &self.client;
        let subs = match self
            .call(
                id,
                |ctx| async move { client.subscriptions(&ctx, id).await },
            )
            .await
        {
            Ok(subs) => subs,
            Err(e @ ApiError::NoAccess(_)) => {
                tracing::warn!(customer = id, error = %e, "subscriptions not readable");
                return Ok(Vec::new());
            }
            Err(e) => return Err(e),
        };
        let matches = self
            .resolver
            .resolve_all(&self.context(id), id, &subs, skus)
            .await;
        Ok(subs
            .iter()
            .zip(matches)
            .filter_map(|(sub, found)| convert::subscription(sub, found))
            .collect())
    }

    /// Every active user of a customer with its licences; licences load in parallel under the cap.
    async fn users(self: &Arc<Self>, id: &str) -> Result<Vec<UserRecord>, ApiError> {
        let query = UserQuery {
            page_size: self.options.page_size,
            deleted: false,
        };
        let mut cursor: Option<Cursor> = None;
        let mut tasks: JoinSet<Result<UserRecord, ApiError>> = JoinSet::new();
        loop {
            let client = &self.client;
            let (q, c) = (&query, &cursor);
            let page = self
                .call(id, |ctx| async move {
                    client.users_page(&ctx, id, q, c.as_ref()).await
                })
                .await?;
            self.progress.users_listed(page.items.len() as u64);
            for user in page.items.iter().filter_map(convert::user) {
                let scan = Arc::clone(self);
                let customer = id.to_string();
                tasks.spawn(async move { scan.licenses(customer, user).await });
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let mut users = Vec::with_capacity(tasks.len());
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(user) => users.push(user?),
                Err(e) => {
                    return Err(ApiError::BadData {
                        message: format!("a licence task failed: {e}"),
                        correlation_id: None,
                    });
                }
            }
        }
        Ok(users)
    }

    async fn licenses(
        &self,
        customer: String,
        mut user: UserRecord,
    ) -> Result<UserRecord, ApiError> {
        let client = &self.client;
        let (c, u) = (customer.as_str(), user.user_id.as_str());
        let items = self
            .call(c, |ctx| async move {
                client.user_licenses(&ctx, c, u, &GROUPS).await
            })
            .await?;
        user.licenses = items.iter().filter_map(convert::license).collect();
        self.progress.user_done();
        Ok(user)
    }
}
