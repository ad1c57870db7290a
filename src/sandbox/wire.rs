//! Partner Center's JSON shapes as the sandbox writes them:
//! resources with `links.self` and `attributes.objectType`, the collection wrapper, ApiFault
//! and gateway error bodies. Borrowing views over the records, serialised straight to bytes.

use super::catalog::CatalogSku;
use super::records::{Address, Assignment, CustomerDetails, CustomerRec, Subscription, UserRec};
use serde::{Serialize, Serializer};
use uuid::Uuid;

/// A GUID written lower-case and hyphenated, without an intermediate String.
#[derive(Clone, Copy)]
pub(crate) struct Guid(pub Uuid);

impl Serialize for Guid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.hyphenated())
    }
}

#[derive(Serialize)]
pub(crate) struct Link<'a> {
    pub uri: String,
    pub method: &'static str,
    pub headers: Vec<LinkHeader<'a>>,
}

#[derive(Serialize)]
pub(crate) struct LinkHeader<'a> {
    pub key: &'static str,
    pub value: &'a str,
}

impl Link<'_> {
    pub(crate) fn get(uri: String) -> Self {
        Self {
            uri,
            method: "GET",
            headers: Vec::new(),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct SelfLinks {
    #[serde(rename = "self")]
    self_link: Link<'static>,
}

fn self_links(uri: String) -> SelfLinks {
    SelfLinks {
        self_link: Link::get(uri),
    }
}

#[serde_with::skip_serializing_none]
#[derive(Serialize)]
pub(crate) struct Attributes {
    etag: Option<String>,
    #[serde(rename = "objectType")]
    object_type: &'static str,
}

fn attributes(object_type: &'static str) -> Attributes {
    Attributes {
        etag: None,
        object_type,
    }
}

#[serde_with::skip_serializing_none]
#[derive(Serialize)]
pub(crate) struct CollectionLinks<'a> {
    #[serde(rename = "self")]
    pub self_link: Link<'a>,
    pub next: Option<Link<'a>>,
}

/// `{continuationToken?, totalCount, items, links?, attributes}`; `totalCount` counts this page.
#[serde_with::skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Collection<'a, T> {
    pub continuation_token: Option<&'a str>,
    pub total_count: usize,
    pub items: Vec<T>,
    pub links: Option<CollectionLinks<'a>>,
    pub attributes: Attributes,
}

impl<'a, T> Collection<'a, T> {
    pub(crate) fn new(
        items: Vec<T>,
        links: Option<CollectionLinks<'a>>,
        continuation_token: Option<&'a str>,
    ) -> Self {
        Self {
            continuation_token,
            total_count: items.len(),
            items,
            links,
            attributes: attributes("Collection"),
        }
    }
}

#[serde_with::skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CustomerJson<'a> {
    id: Guid,
    commerce_id: Option<Guid>,
    company_profile: CompanyProfileJson<'a>,
    billing_profile: Option<BillingProfileJson<'a>>,
    relationship_to_partner: &'a str,
    allow_delegated_access: Option<bool>,
    custom_domains: Option<&'a [String]>,
    links: SelfLinks,
    attributes: Attributes,
}

#[serde_with::skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CompanyProfileJson<'a> {
    tenant_id: Guid,
    domain: &'a str,
    company_name: &'a str,
    address: Option<&'a Address>,
    email: Option<&'a str>,
    links: SelfLinks,
    attributes: Attributes,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BillingProfileJson<'a> {
    id: Guid,
    first_name: &'a str,
    last_name: &'a str,
    email: &'a str,
    culture: &'a str,
    language: &'a str,
    company_name: &'a str,
    default_address: &'a Address,
    links: SelfLinks,
    attributes: Attributes,
}

/// A customer as listed, or with `details` as `GET /customers/{id}` returns it. Without a
/// GDAP role the address, email and custom domains are withheld, as the real service does.
pub(crate) fn customer<'a>(
    c: &'a CustomerRec<'a>,
    details: Option<&'a CustomerDetails>,
    commerce_id: Uuid,
    billing_id: Uuid,
) -> CustomerJson<'a> {
    let id = c.id;
    let full = details.filter(|d| d.gdap);
    CustomerJson {
        id: Guid(id),
        commerce_id: details.map(|_| Guid(commerce_id)),
        company_profile: CompanyProfileJson {
            tenant_id: Guid(id),
            domain: &c.domain,
            company_name: &c.name,
            address: full.map(|d| &d.address),
            email: full.map(|d| d.contact.email.as_str()),
            links: self_links(format!("/customers/{id}/profiles/company")),
            attributes: attributes("CustomerCompanyProfile"),
        },
        billing_profile: details.map(|d| BillingProfileJson {
            id: Guid(billing_id),
            first_name: &d.contact.first_name,
            last_name: &d.contact.last_name,
            email: &d.contact.email,
            culture: &d.culture,
            language: d.culture.split('-').next().unwrap_or("en"),
            company_name: &c.name,
            default_address: &d.address,
            links: self_links(format!("/customers/{id}/profiles/billing")),
            attributes: Attributes {
                etag: Some(format!("{}", (commerce_id.as_u128() as i64) >> 1)),
                object_type: "CustomerBillingProfile",
            },
        }),
        relationship_to_partner: c.relationship,
        allow_delegated_access: details.map(|d| d.dap),
        custom_domains: full.map(|d| d.custom_domains.as_slice()),
        links: self_links(format!("/customers/{id}")),
        attributes: attributes("Customer"),
    }
}

#[serde_with::skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserJson<'a> {
    usage_location: Option<&'a str>,
    id: Guid,
    user_principal_name: &'a str,
    first_name: &'a str,
    last_name: &'a str,
    display_name: &'a str,
    immutable_id: Option<&'a str>,
    last_directory_sync_time: Option<&'a str>,
    user_domain_type: &'a str,
    state: &'static str,
    soft_deletion_time: Option<&'a str>,
    links: SelfLinks,
    attributes: Attributes,
}

pub(crate) fn user<'a>(customer: Uuid, u: &'a UserRec<'a>) -> UserJson<'a> {
    UserJson {
        usage_location: u.usage_location.as_deref(),
        id: Guid(u.id),
        user_principal_name: &u.upn,
        first_name: &u.first,
        last_name: &u.last,
        display_name: &u.display,
        immutable_id: u.immutable_id.as_deref(),
        last_directory_sync_time: u.last_sync.as_deref(),
        user_domain_type: u.domain_type,
        state: if u.is_deleted() { "inactive" } else { "active" },
        soft_deletion_time: u.soft_deletion_time.as_deref(),
        links: self_links(format!("/customers/{customer}/users/{}", u.id)),
        attributes: attributes("CustomerUser"),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PlanJson<'a> {
    display_name: &'a str,
    service_name: &'a str,
    id: &'a str,
    capability_status: &'static str,
    target_type: &'static str,
}

#[serde_with::skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProductSkuJson<'a> {
    id: &'a str,
    name: &'a str,
    sku_part_number: &'a str,
    target_type: Option<&'static str>,
    license_group_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LicenseJson<'a> {
    service_plans: Vec<PlanJson<'a>>,
    product_sku: ProductSkuJson<'a>,
    attributes: Attributes,
}

/// A user's licence; its `productSku` has no `targetType`, as in the real samples.
pub(crate) fn license<'a>(a: &Assignment<'a>) -> LicenseJson<'a> {
    let sku = a.subscription.sku;
    LicenseJson {
        service_plans: plans(sku, |p| a.plan_status(p)),
        product_sku: product_sku(sku, None),
        attributes: attributes("License"),
    }
}

/// A SKU's service plans, each with the status `status` gives the plan at its index.
fn plans<'a>(sku: &'a CatalogSku, status: impl Fn(usize) -> &'static str) -> Vec<PlanJson<'a>> {
    sku.plans
        .iter()
        .enumerate()
        .map(|(p, plan)| PlanJson {
            display_name: &plan.display_name,
            service_name: &plan.service_name,
            id: &plan.id,
            capability_status: status(p),
            target_type: plan.target_type,
        })
        .collect()
}

fn product_sku<'a>(sku: &'a CatalogSku, target_type: Option<&'static str>) -> ProductSkuJson<'a> {
    ProductSkuJson {
        id: &sku.id,
        name: &sku.name,
        sku_part_number: &sku.part_number,
        target_type,
        license_group_id: sku.group,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SubscribedSkuJson<'a> {
    available_units: i64,
    active_units: i64,
    consumed_units: i64,
    suspended_units: i64,
    total_units: i64,
    warning_units: i64,
    product_sku: ProductSkuJson<'a>,
    service_plans: Vec<PlanJson<'a>>,
    capability_status: &'static str,
    attributes: Attributes,
}

pub(crate) fn subscribed_sku(s: &Subscription) -> SubscribedSkuJson<'_> {
    let (active, warning, suspended) = s.units();
    let sku = s.sku;
    SubscribedSkuJson {
        available_units: s.total - s.consumed,
        active_units: active,
        consumed_units: s.consumed,
        suspended_units: suspended,
        total_units: s.total,
        warning_units: warning,
        product_sku: product_sku(sku, Some("User")),
        service_plans: plans(sku, |p| s.plan_status(p).as_str()),
        capability_status: s.status.as_str(),
        attributes: attributes("SubscribedSku"),
    }
}

/// Partner Center's error body: `{code, description, data, source}`.
#[derive(Serialize)]
pub(crate) struct ApiFault<'a> {
    pub code: i64,
    pub description: &'a str,
    pub data: [(); 0],
    pub source: &'static str,
}

impl<'a> ApiFault<'a> {
    pub(crate) fn new(code: i64, description: &'a str) -> Self {
        Self {
            code,
            description,
            data: [],
            source: "PartnerFD",
        }
    }
}

/// The API gateway's throttling body.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GatewayThrottle {
    pub status_code: u16,
    pub message: String,
}
