//! Subscriptions parsed from bodies composed in the shapes of Partner Center's published
//! samples (legacy and new commerce, software, marketplace, Azure, add-on, suspended): every
//! quirk those samples carry is read or kept as sent, nothing fails the response.

use pcx::api::{
    CatalogSku, Offer, Page, ProvisioningStatus, Resource, Subscription, SubscriptionStatus,
};
use pcx::subscriptions::dates::{days_between, shown, term_words, utc_date};

fn one(json: &str) -> Resource<Subscription> {
    Resource::parse(json).expect("valid JSON")
}

/// The legacy list: `totalCount` 37 for one item, no offer id or name, dates with stray
/// spaces, a self link with a placeholder, no collection links.
#[test]
fn legacy_collection_with_spaced_dates() {
    let body = r#"{
        "totalCount": 37,
        "items": [{
            "id": "83ef9d05-4169-4ef9-9657-0e86b1eab1de",
            "entitlementId": "a356ac8c-e310-44f4-bf85-C7f29044af99",
            "friendlyName": "nickname",
            "quantity": 1,
            "unitType": "none",
            "creationDate": "2015-11-25T06: 41: 12Z",
            "effectiveStartDate": "2015-11-24T08: 00: 00Z",
            "commitmentEndDate": "2016-12-12T08: 00: 00Z",
            "status": "active",
            "autoRenewEnabled": false,
            "billingType": "none",
            "contractType": "subscription",
            "links": {"self": {"uri": "/subscriptions?key=<key>", "method": "GET", "headers": []}},
            "orderId": "6183db3d-6318-4e52-877e-25806e4971be",
            "attributes": {"etag": "<etag>", "objectType": "Subscription"}
        }],
        "attributes": {"objectType": "Collection"}
    }"#;
    let page: Page<Subscription> = Page::parse(body).unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(page.next.is_none());
    let s = &page.items[0].data;
    assert_eq!(
        s.label(),
        "nickname",
        "no offer name: the friendly name stands in"
    );
    assert_eq!(s.offer_id, None);
    assert_eq!(s.nce_product_sku(), None);
    assert_eq!(s.status, Some(SubscriptionStatus::Active));
    assert_eq!(
        s.commitment_end_date.as_deref(),
        Some("2016-12-12T08: 00: 00Z")
    );
    assert_eq!(shown(s.commitment_end_date.as_deref()), "2016-12-12");
    let end = utc_date(s.commitment_end_date.as_deref().unwrap()).unwrap();
    assert_eq!(days_between(jiff::civil::date(2016, 12, 1), end), Some(11));
    assert_eq!(s.term_duration, None, "legacy items carry no term");
    // Nothing dropped: the raw JSON keeps what pcx does not model.
    assert!(page.items[0].raw.get().contains("\"entitlementId\""));
}

/// New commerce, expired, monthly billing of a yearly term, `refundOptions`, seven fractional
/// digits, lines ending in spaces, no etag.
#[test]
fn new_commerce_expired_subscription() {
    let s = one("{ \n \"id\": \"a4c1340d-6911-4758-bba3-0c4c6007d161\", \n\
         \"offerId\": \"CFQ7TTC0LH18:0001:CFQ7TTC0K971\", \"offerName\": \"Microsoft 365 Business Basic\", \n\
         \"productType\": {\"id\": \"OnlineServicesNCE\", \"displayName\": \"OnlineServicesNCE\"}, \n\
         \"quantity\": 1, \n \"unitType\": \"Licenses\", \"creationDate\": \"2021-01-14T16:57:15.0966728Z\", \n\
         \"effectiveStartDate\": \"2021-01-14T16:57:14.498252Z\", \"commitmentEndDate\": \"2022-01-13T00:00:00Z\", \n\
         \"status\": \"expired\", \n \"autoRenewEnabled\": false, \n \"isTrial\": false, \"billingCycle\": \"monthly\", \n\
         \"termDuration\": \"P1Y\", \"renewalTermDuration\": \"\", \n\
         \"refundOptions\": [{\"type\": \"Full\", \"expiresAt\": \"2021-01-15T00:00:00Z\"}], \n\
         \"attributes\": {\"objectType\": \"Subscription\"} \n} \n");
    let s = &s.data;
    assert_eq!(s.status, Some(SubscriptionStatus::Expired));
    assert!(s.status.as_ref().unwrap().is_stopped());
    assert_eq!(s.nce_product_sku(), Some(("CFQ7TTC0LH18", "0001")));
    assert_eq!(term_words(s.term_duration.as_deref().unwrap()), "1 year");
    assert_eq!(s.billing_cycle.as_deref(), Some("monthly"));
    assert_eq!(
        utc_date(s.creation_date.as_deref().unwrap()),
        Some(jiff::civil::date(2021, 1, 14))
    );
    assert_eq!(s.is_trial, Some(false));
    assert_eq!(s.refundable_quantity, None);
}

/// Software: three years, billed triennially, with a cancellation window.
#[test]
fn software_subscription_with_a_cancellation_window() {
    let s = one(
        r#"{"id": "924671ba-eab9-45d7-95ed-dbd9477f182b", "offerId": "DG7GMGF0FKZV:0003:DG7GMGF0DQLM",
            "offerName": "SQL Server Enterprise - 2 Core License Pack - 3 year",
            "productType": {"id": "Software", "displayName": "Software"}, "quantity": 1,
            "commitmentEndDate": "2024-10-14T00:00:00Z", "cancellationAllowedUntilDate": "2021-11-14T23:59:00Z",
            "status": "active", "autoRenewEnabled": true, "billingCycle": "triennial", "termDuration": "P3Y",
            "partnerId": "", "orderId": "12345678901"}"#,
    );
    let s = &s.data;
    assert_eq!(term_words(s.term_duration.as_deref().unwrap()), "3 years");
    assert_eq!(
        shown(s.cancellation_allowed_until_date.as_deref()),
        "2021-11-14"
    );
    assert_eq!(s.auto_renew_enabled, Some(true));
}

/// The PowerShell fixture's second item: suspended, with reasons and capitalised actions.
#[test]
fn suspended_subscription_keeps_its_reasons() {
    let s = one(
        r#"{"id": "B34024C7-9258-4841-BD0B-1E2A5D5C9D8D", "offerId": "BD938F12-058F-4927-BBA3-AE36B1D2501C",
            "offerName": "Office 365 Business Essentials", "quantity": 1, "unitType": "Licenses",
            "commitmentEndDate": "2019-03-26T00:00:00Z", "status": "suspended", "autoRenewEnabled": true,
            "billingCycle": "monthly", "actions": [ "Cancel", "Edit" ],
            "suspensionReasons": [ "CustomerCancellation" ], "attributes": {"etag": "removed", "objectType": "Subscription"}}"#,
    );
    let s = &s.data;
    assert_eq!(s.status, Some(SubscriptionStatus::Suspended));
    assert_eq!(
        s.suspension_reasons,
        vec![Box::<str>::from("CustomerCancellation")]
    );
    assert_eq!(s.nce_product_sku(), None, "a legacy GUID offer");
}

/// Marketplace, cancelled: `+00:00` offsets; Azure: usage-based, ending in year 9999; add-on.
#[test]
fn marketplace_azure_and_add_on_shapes() {
    let market = one(
        r#"{"id": "6e7aa601-629e-461b-8933-0898c3cc3c7c", "offerId": "DZH318Z0BXWC:0001:DZH318Z0BMJX",
            "unitType": "License(s)", "effectiveStartDate": "2019-01-09T00:21:45.9263727+00:00",
            "commitmentEndDate": "2019-02-08T00:21:45.9263727+00:00", "status": "deleted",
            "termDuration": "P1M", "publisherName": "publisher Name", "attributes": {"etag": ""}}"#,
    );
    assert_eq!(market.data.status, Some(SubscriptionStatus::Deleted));
    assert_eq!(
        shown(market.data.commitment_end_date.as_deref()),
        "2019-02-08"
    );
    assert_eq!(term_words("P1M"), "1 month");
    let azure = one(
        r#"{"id": "A356AC8C-E310-44F4-BF85-C7F29044AF99", "offerId": "MS-AZR-0145P", "offerName": "Microsoft Azure",
            "unitType": "Usage-based", "commitmentEndDate": "9999-12-10T00:00:00Z", "status": "active",
            "billingType": "usage"}"#,
    );
    assert_eq!(azure.data.nce_product_sku(), None);
    assert_eq!(
        shown(azure.data.commitment_end_date.as_deref()),
        "9999-12-10"
    );
    let addon = one(
        r#"{"id": "968BA1CF-C146-4ADF-A300-308DCF718EEE", "offerId": "2828BE95-46BA-4F91-B2FD-0BEF192ECF60",
            "parentSubscriptionId": "1C2B75C1-74A5-472A-A729-7F8CEFC477F9", "quantity": 2, "status": "active"}"#,
    );
    assert_eq!(
        addon.data.parent_subscription_id.as_deref(),
        Some("1C2B75C1-74A5-472A-A729-7F8CEFC477F9")
    );
}

/// Statuses pcx does not know, fields of the wrong type, and nothing at all.
#[test]
fn unknown_statuses_wrong_types_and_missing_fields() {
    for (sent, known) in [
        ("pending", Some(SubscriptionStatus::Pending)),
        ("Disabled", Some(SubscriptionStatus::Disabled)),
        ("migrated", None),
        ("", None),
    ] {
        let s = one(&format!(r#"{{"status": "{sent}"}}"#));
        let status = s.data.status.unwrap();
        assert_eq!(
            status.as_str(),
            if known.is_some() {
                sent.to_lowercase()
            } else {
                sent.to_string()
            }
        );
        if let Some(known) = known {
            assert_eq!(status, known);
        } else {
            assert!(matches!(status, SubscriptionStatus::Other(_)));
        }
    }
    let odd = one(
        r#"{"quantity": "25", "autoRenewEnabled": "true", "isTrial": 3, "status": 7,
            "commitmentEndDate": {"when": "soon"}, "suspensionReasons": "none",
            "refundableQuantity": {"totalQuantity": 3, "details": [{"quantity": 3, "allowedUntilDateTime": "2026-12-01T00:00:00Z"}]}}"#,
    );
    let s = &odd.data;
    assert_eq!(s.quantity, Some(25));
    assert_eq!(s.auto_renew_enabled, Some(true));
    assert_eq!(s.is_trial, None);
    assert_eq!(s.status.as_ref().map(|x| x.as_str()), Some("7"));
    assert_eq!(s.commitment_end_date, None);
    assert!(s.suspension_reasons.is_empty());
    assert_eq!(
        s.refundable_quantity
            .as_ref()
            .and_then(|r| r.total_quantity),
        Some(3)
    );
    let empty = one("{}");
    assert_eq!(empty.data, Subscription::default());
    assert_eq!(empty.data.label(), "(unnamed subscription)");
    assert_eq!(shown(Some("not a date")), "not a date");
}

/// The three answers the SKU join reads.
#[test]
fn join_helpers_shapes() {
    let sku: Resource<CatalogSku> = Resource::parse(
        r#"{"id": "0001", "productId": "CFQ7TTC0LH18", "title": "Microsoft 365 Business Basic",
            "supportedBillingCycles": ["annual", "monthly"],
            "dynamicAttributes": {"isMicrosoftProduct": true, "upgradeTargetOffers": ["CFQ7TTC0LDPB:0001"],
                                  "provisioningId": "3b555118-da6a-4418-894f-7df1e2096870", "internal": false}}"#,
    )
    .unwrap();
    assert_eq!(
        sku.data
            .dynamic_attributes
            .unwrap()
            .provisioning_id
            .as_deref(),
        Some("3b555118-da6a-4418-894f-7df1e2096870")
    );
    let offer: Resource<Offer> = Resource::parse(
        r#"{"id": "031C9E47-4802-4248-838E-778FB1D2CC05", "name": "Office 365 Business Premium",
            "description": "For businesses\n                    plus anywhere access.",
            "product": {"id": "f245ecc8-75af-4f8e-b61f-27d8114de5f3", "name": "Office 365 Business Premium", "unit": "Licenses"},
            "links": {"learnMore": {"uri": "http: //g.microsoftonline.com/0BXPS00en/909", "method": "GET", "headers": []}}}"#,
    )
    .unwrap();
    assert_eq!(
        offer.data.product.unwrap().id.as_deref(),
        Some("f245ecc8-75af-4f8e-b61f-27d8114de5f3")
    );
    let status: Resource<ProvisioningStatus> = Resource::parse(
        r#"{"skuId": "6FD2C87F-B296-42F0-B197-1E91E994B900", "status": "success", "quantity": 5,
            "endDate": "2018-05-10T00:00:00Z", "attributes": {"objectType": "SubscriptionProvisioningStatus"}}"#,
    )
    .unwrap();
    assert_eq!(
        status.data.sku_id.as_deref(),
        Some("6FD2C87F-B296-42F0-B197-1E91E994B900")
    );
}

/// A page with a next link continues; the continuation token travels as a header.
#[test]
fn a_paged_list_continues() {
    let page: Page<Subscription> = Page::parse(
        r#"{"totalCount": 1, "items": [{"id": "x"}],
            "links": {"next": {"uri": "/customers/c/subscriptions?seekOperation=Next", "method": "GET",
                               "headers": [{"key": "MS-ContinuationToken", "value": "abc"}]}}}"#,
    )
    .unwrap();
    let next = page.next.unwrap();
    assert_eq!(
        next.path_and_query(),
        "/v1/customers/c/subscriptions?seekOperation=Next"
    );
    assert_eq!(next.headers()[0].0, "MS-ContinuationToken");
}
