//! Subscription rows for the explorer's tests, built from JSON shaped like Partner Center's
//! new-commerce sample and joined to a subscribed SKU with a chosen number of free seats.

use super::rows::guid;
use pcx::api::{Resource, SubscribedSku, Subscription};
use pcx::fetch::records::SubscriptionRow;
use pcx::subscriptions::{MatchedBy, SkuMatch};

/// The fixed "today" of these rows.
pub const SUBS_TODAY: jiff::civil::Date = jiff::civil::date(2026, 11, 30);

/// Subscription `i`: `status`, ending `days` after `SUBS_TODAY`, auto-renew as given, feeding
/// SKU `i` that has `free` unassigned seats.
pub fn subscription(
    i: u32,
    name: &str,
    status: &str,
    days: i64,
    renew: bool,
    free: i64,
) -> SubscriptionRow {
    let end = SUBS_TODAY
        .checked_add(jiff::Span::new().days(days))
        .unwrap_or(SUBS_TODAY);
    let json = serde_json::json!({
        "id": guid(7, i),
        "offerId": format!("CFQ7TTC0LH{i:02}:0001:CFQ7TTC0K971"),
        "offerName": name,
        "friendlyName": name,
        "quantity": 20,
        "unitType": "Licenses",
        "status": status,
        "autoRenewEnabled": renew,
        "isTrial": false,
        "billingCycle": "monthly",
        "termDuration": "P1Y",
        "commitmentEndDate": format!("{end}T00:00:00Z"),
        "cancellationAllowedUntilDate": "2025-12-07T23:59:00Z",
        "attributes": {"objectType": "Subscription"},
    });
    let sku = serde_json::json!({
        "availableUnits": free, "consumedUnits": 20 - free, "totalUnits": 20,
        "productSku": {"id": guid(3, i).to_uppercase(), "name": name},
    });
    let skus = vec![Resource::<SubscribedSku>::parse(&sku.to_string()).unwrap()];
    let matched = SkuMatch {
        sku_id: guid(3, i).into(),
        by: MatchedBy::Id,
    };
    SubscriptionRow::new(
        Resource::<Subscription>::parse(&json.to_string()).unwrap(),
        Some(matched),
        &skus,
        SUBS_TODAY,
    )
}
