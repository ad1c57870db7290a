//! What the scan hands the store for one customer: plain rows, each with the raw JSON Partner
//! Center sent, so nothing is lost. No SQL and no HTTP here.

use crate::subscriptions::{SkuMatch, SubscriptionTerms};

/// One customer as scanned: its SKUs and (with `--users`) its users, or why it failed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CustomerRecord {
    pub id: String,
    pub company_name: Option<String>,
    pub domain: Option<String>,
    /// The customer item as listed.
    pub raw: String,
    /// Why the customer could not be read (403 without GDAP, 404, ...); then no rows below.
    pub failure: Option<String>,
    pub skus: Vec<SkuRecord>,
    pub users: Vec<UserRecord>,
    pub subscriptions: Vec<SubscriptionRecord>,
}

/// A subscribed SKU with its seat counts and tenant-level plans.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SkuRecord {
    pub sku: SkuSeats,
    pub raw: String,
    pub plans: Vec<PlanRecord>,
}

/// A subscribed SKU and its seat counts: what the scan stores and `report seats` reads back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SkuSeats {
    pub sku_id: String,
    pub part_number: Option<String>,
    pub name: Option<String>,
    pub status: Option<String>,
    pub total: Option<i64>,
    pub consumed: Option<i64>,
    pub available: Option<i64>,
    pub warning: Option<i64>,
    pub suspended: Option<i64>,
}

/// A service plan and its status (in a SKU or in a user's licence).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanRecord {
    pub plan_id: String,
    pub service_name: Option<String>,
    pub status: Option<String>,
}

/// A user and the licences it holds (both licence groups).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UserRecord {
    pub user_id: String,
    pub upn: Option<String>,
    pub display_name: Option<String>,
    pub raw: String,
    pub licenses: Vec<LicenseRecord>,
}

/// A licence assigned to a user, with its plans' statuses.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LicenseRecord {
    pub sku_id: String,
    pub part_number: Option<String>,
    pub raw: String,
    pub plans: Vec<PlanRecord>,
}

/// A subscription, with the subscribed SKU the scan tied it to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SubscriptionRecord {
    pub subscription_id: String,
    pub terms: SubscriptionTerms,
    pub auto_renew: Option<bool>,
    pub sku: Option<SkuMatch>,
    pub raw: String,
}
