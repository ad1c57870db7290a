//! Property tests of the model and the sanitiser: whatever JSON arrives, parsing never panics,
//! nothing is dropped from the raw JSON, unknown values are kept as themselves, and nothing
//! unsafe survives sanitising.

use pcx::api::*;
use pcx::text::{csv_cell, is_unsafe, sanitize};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Any JSON value, nested a few levels, with hostile strings among the leaves.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,40}".prop_map(Value::String),
        "[\u{0}-\u{1f}\u{7f}-\u{9f}\u{202a}-\u{202e}a=+@-]{0,20}".prop_map(Value::String),
        (1usize..20_000).prop_map(|n| Value::String("x".repeat(n))),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(".{0,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn license_template() -> Value {
    json!({
        "servicePlans": [{"displayName": "Exchange Online (Plan 2)", "serviceName": "EXCHANGE_S_ENTERPRISE",
                          "id": "efb87545-963c-4e0d-99df-69c6916d9eb0", "capabilityStatus": "Assigned", "targetType": "User"}],
        "productSku": {"id": "05e9a617-0261-4cee-bb44-138d3ef5d965", "name": "Microsoft 365 E3",
                       "skuPartNumber": "SPE_E3", "licenseGroupId": "group1"},
        "attributes": {"objectType": "License"}
    })
}

fn sku_template() -> Value {
    json!({"availableUnits": 4, "activeUnits": 5, "consumedUnits": 1, "suspendedUnits": 0, "totalUnits": 5,
           "warningUnits": 0, "capabilityStatus": "Enabled", "servicePlans": [],
           "productSku": {"id": "efccb6f7-5641-4e0e-bd10-b4976e1bf68e", "name": "EMS E3", "skuPartNumber": "EMS"}})
}

fn user_template() -> Value {
    json!({"id": "a45f1416-3300-4f65-9e8d-f123b397a4ea", "userPrincipalName": "a@b.onmicrosoft.com",
           "displayName": "A", "state": "active", "userDomainType": "managed", "usageLocation": "US"})
}

fn customer_template() -> Value {
    json!({"id": "4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04", "relationshipToPartner": "reseller",
           "companyProfile": {"companyName": "Contoso", "domain": "contoso.onmicrosoft.com", "tenantId": "x"}})
}

/// Replaces the value at a path of object keys (creating objects on the way) with `v`.
fn set_path(target: &mut Value, path: &[String], v: Value) {
    match path.split_first() {
        None => *target = v,
        Some((key, rest)) => {
            if !target.is_object() {
                *target = json!({});
            }
            let child = target
                .as_object_mut()
                .unwrap()
                .entry(key.clone())
                .or_insert(Value::Null);
            set_path(child, rest, v);
        }
    }
}

fn known_paths() -> impl Strategy<Value = Vec<String>> {
    prop::sample::select(vec![
        vec!["servicePlans"],
        vec!["productSku"],
        vec!["productSku", "licenseGroupId"],
        vec!["productSku", "name"],
        vec!["capabilityStatus"],
        vec!["totalUnits"],
        vec!["consumedUnits"],
        vec!["companyProfile"],
        vec!["companyProfile", "companyName"],
        vec!["relationshipToPartner"],
        vec!["state"],
        vec!["id"],
        vec!["userPrincipalName"],
        vec!["softDeletionTime"],
        vec!["unknownField"],
        vec!["attributes", "objectType"],
    ])
    .prop_map(|p| p.into_iter().map(String::from).collect())
}

fn check_collection<T: serde::de::DeserializeOwned + Default>(
    item: &Value,
) -> Result<(), TestCaseError> {
    let body = json!({"totalCount": 1, "items": [item], "links": {"next": item}}).to_string();
    let page: Page<T> = Page::parse(&body).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(page.items.len(), 1);
    prop_assert_eq!(
        page.items[0].raw.get(),
        item.to_string(),
        "the raw JSON is kept exactly"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_value_in_any_field_parses_and_is_kept(path in known_paths(), value in any_json()) {
        for mut item in [license_template(), sku_template(), user_template(), customer_template()] {
            set_path(&mut item, &path, value.clone());
            check_collection::<License>(&item)?;
            check_collection::<SubscribedSku>(&item)?;
            check_collection::<CustomerUser>(&item)?;
            check_collection::<Customer>(&item)?;
        }
    }

    #[test]
    fn items_of_any_shape_never_panic(items in prop::collection::vec(any_json(), 0..5), extra in any_json()) {
        let body = json!({"items": items, "links": extra.clone(), "continuationToken": extra}).to_string();
        let page: Page<License> = Page::parse(&body).unwrap();
        prop_assert_eq!(page.items.len(), items.len());
        // Whatever the top level is, parsing returns (Ok or Err) without panicking.
        let _ = Page::<Customer>::parse(&extra.to_string());
    }

    #[test]
    fn unknown_status_values_are_shown_as_themselves(status in "[A-Za-z][A-Za-z_ ]{0,20}") {
        let mut item = license_template();
        item["servicePlans"][0]["capabilityStatus"] = Value::String(status.clone());
        let license: Resource<License> = Resource::parse(&item.to_string()).unwrap();
        let parsed = license.data.service_plans[0].capability_status.clone().unwrap();
        prop_assert!(parsed.as_str().eq_ignore_ascii_case(&status));
        if matches!(parsed, CapabilityStatus::Other(_)) {
            prop_assert_eq!(parsed.as_str(), status.as_str());
        }
    }

    #[test]
    fn sanitised_text_has_nothing_unsafe(text in ".{0,200}", hostile in "[\u{0}-\u{1f}\u{7f}-\u{9f}\u{202a}-\u{202e}\u{2066}-\u{2069}]{0,10}") {
        let mixed = format!("{hostile}{text}{hostile}");
        let clean = sanitize(&mixed);
        prop_assert!(!clean.chars().any(is_unsafe));
        let cell = csv_cell(&mixed);
        prop_assert!(!cell.chars().any(is_unsafe));
        prop_assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']));
    }
}

#[test]
fn deeply_nested_values_do_not_overflow_the_stack() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let body = format!(r#"{{"items":[{{"servicePlans":{deep},"productSku":{{"name":"kept"}}}}]}}"#);
    // The item is kept raw; the typed view gives up on the too-deep field as a whole.
    let page = Page::<License>::parse(&body).unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(page.items[0].raw.get().len() > 200_000);
    let top_level = format!(r#"{{"items":{deep}}}"#);
    let page = Page::<License>::parse(&top_level).unwrap();
    assert_eq!(
        page.items[0].data,
        License::default(),
        "not an object: an empty typed view"
    );
}
