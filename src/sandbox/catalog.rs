//! The SKU catalogue the sandbox sells from: real Microsoft product names, SKU ids, part numbers
//! and service plans (`assets/catalog.json`, embedded). Parsed once per process; read-only.

use serde::Deserialize;
use std::sync::OnceLock;
use uuid::Uuid;

const CATALOG_JSON: &str = include_str!("../../assets/catalog.json");

/// A product a customer can subscribe to.
#[derive(Debug)]
pub(crate) struct CatalogSku {
    pub id: String,
    pub part_number: String,
    pub name: String,
    /// `group1` (managed by Entra ID) or `group2` (Minecraft Education).
    pub group: &'static str,
    pub plans: Vec<CatalogPlan>,
}

/// A service plan inside a SKU.
#[derive(Debug)]
pub(crate) struct CatalogPlan {
    pub service_name: String,
    pub id: String,
    pub display_name: String,
    /// `User` or `Tenant`.
    pub target_type: &'static str,
}

#[derive(Debug)]
pub(crate) struct Catalog {
    pub skus: Vec<CatalogSku>,
}

impl Catalog {
    pub(crate) fn sku(&self, part_number: &str) -> Option<&CatalogSku> {
        self.skus.iter().find(|s| s.part_number == part_number)
    }
}

impl CatalogSku {
    pub(crate) fn plan_index(&self, service_name: &str) -> Option<usize> {
        self.plans
            .iter()
            .position(|p| p.service_name == service_name)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireCatalog {
    skus: Vec<WireSku>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSku {
    part_number: String,
    id: String,
    name: String,
    #[serde(default)]
    group: Option<String>,
    plans: Vec<Vec<String>>,
}

/// The embedded catalogue. An error here is a defect in the embedded asset (a test parses it).
pub(crate) fn catalog() -> Result<&'static Catalog, String> {
    static CATALOG: OnceLock<Result<Catalog, String>> = OnceLock::new();
    CATALOG
        .get_or_init(|| parse(CATALOG_JSON))
        .as_ref()
        .map_err(Clone::clone)
}

fn parse(text: &str) -> Result<Catalog, String> {
    let wire: WireCatalog =
        serde_json::from_str(text).map_err(|e| format!("assets/catalog.json: {e}"))?;
    let mut skus = Vec::with_capacity(wire.skus.len());
    for sku in wire.skus {
        check_guid(&sku.id, &sku.part_number)?;
        let group = match sku.group.as_deref() {
            None | Some("group1") => "group1",
            Some("group2") => "group2",
            Some(other) => return Err(format!("SKU {}: unknown group {other}", sku.part_number)),
        };
        let mut plans = Vec::with_capacity(sku.plans.len());
        for entry in sku.plans {
            let (service_name, id, display_name, target) = match entry.as_slice() {
                [s, i, d] => (s, i, d, "User"),
                [s, i, d, t] if t == "Tenant" => (s, i, d, "Tenant"),
                _ => return Err(format!("SKU {}: malformed plan {entry:?}", sku.part_number)),
            };
            check_guid(id, service_name)?;
            plans.push(CatalogPlan {
                service_name: service_name.clone(),
                id: id.clone(),
                display_name: display_name.clone(),
                target_type: target,
            });
        }
        skus.push(CatalogSku {
            id: sku.id,
            part_number: sku.part_number,
            name: sku.name,
            group,
            plans,
        });
    }
    Ok(Catalog { skus })
}

fn check_guid(text: &str, what: &str) -> Result<(), String> {
    let lower = text.len() == 36 && !text.bytes().any(|b| b.is_ascii_uppercase());
    if lower && Uuid::try_parse(text).is_ok() {
        Ok(())
    } else {
        Err(format!("{what}: {text:?} is not a lowercase GUID"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalogue_parses_and_has_the_story_skus() {
        let catalog = catalog().unwrap();
        for part in [
            "SPE_E3",
            "SPE_E5",
            "SPB",
            "EMS",
            "POWER_BI_PRO",
            "CFQ7TTC0K5DR/0002",
        ] {
            assert!(catalog.sku(part).is_some(), "{part} missing");
        }
        let minecraft = catalog.sku("CFQ7TTC0K5DR/0002").unwrap();
        assert_eq!(minecraft.group, "group2");
        assert!(minecraft.plans.is_empty());
        let e3 = catalog.sku("SPE_E3").unwrap();
        assert!(e3.plan_index("EXCHANGE_S_ENTERPRISE").is_some());
    }

    #[test]
    fn malformed_entries_are_refused() {
        let bad = r#"{"skus":[{"partNumber":"X","id":"not-a-guid","name":"X","plans":[]}]}"#;
        assert!(parse(bad).is_err());
        let bad_plan = r#"{"skus":[{"partNumber":"X","id":"05e9a617-0261-4cee-bb44-138d3ef5d965","name":"X","plans":[["A"]]}]}"#;
        assert!(parse(bad_plan).is_err());
    }
}
