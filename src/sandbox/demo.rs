//! The demo partner: about 25 customers telling an operator's story (`assets/demo-partner.json`,
//! embedded). Parsed and checked once per process: every licence must refer to a SKU the
//! customer subscribes to and to plans that SKU has, and seat counts are computed from who holds
//! what, so users' licences and subscribed SKUs always agree. Large tenants declare a user count
//! and get synthetic users on demand.

use super::catalog::{Catalog, catalog};
use super::demo_spec::{
    BulkSpec, CustomerSpec, DemoFile, LicenseSpec, SkuSpec, UserSpec, at_month,
};
use super::hash::{IndexedIds, guid, str_key};
use super::people::{NameStyle, Synthetic};
use super::records::{
    CustomerDetails, CustomerRec, PlanStatus, Rule, Subscription, UserRec, UserSlot,
};
use super::{clock, locked};
use base64::Engine as _;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};
use uuid::Uuid;

const DEMO_JSON: &str = include_str!("../../assets/demo-partner.json");

/// The demo partner, checked and ready to serve.
#[derive(Debug)]
pub(crate) struct DemoPartner {
    customers: Vec<DemoCustomer>,
}

#[derive(Debug)]
struct DemoCustomer {
    id: Uuid,
    name: String,
    domain: String,
    relationship: String,
    details: CustomerDetails,
    subscriptions: Vec<Subscription>,
    active: Vec<NamedUser>,
    deleted: Vec<NamedUser>,
    bulk: Bulk,
    user_domain: String,
    style: NameStyle,
}

#[derive(Debug)]
struct Bulk {
    active: u32,
    deleted: u32,
    location: Option<String>,
    synced: bool,
    rules: Vec<Rule>,
    key: u64,
}

#[derive(Debug)]
struct NamedUser {
    id: Uuid,
    upn: String,
    first: String,
    last: String,
    display: String,
    location: Option<String>,
    deleted: Option<String>,
    last_sync: Option<String>,
    immutable_id: Option<String>,
    /// (subscription index, per-user plan statuses)
    licenses: Vec<(usize, Vec<(usize, PlanStatus)>)>,
}

/// The embedded demo partner as it stands `month` months on. An error is a defect in the
/// asset (a test parses it). Each month is built once per process.
pub(crate) fn demo_partner(month: u32) -> Result<&'static DemoPartner, String> {
    static DEMO: OnceLock<Result<DemoPartner, String>> = OnceLock::new();
    static LATER: Mutex<BTreeMap<u32, &'static DemoPartner>> = Mutex::new(BTreeMap::new());
    if month == 0 {
        return DEMO
            .get_or_init(|| parse(DEMO_JSON, catalog()?, 0))
            .as_ref()
            .map_err(Clone::clone);
    }
    let mut later = locked(&LATER);
    if let Some(partner) = later.get(&month) {
        return Ok(partner);
    }
    // Leaked on purpose: a handful of months at most per process, shared by every request.
    let partner: &'static DemoPartner = Box::leak(Box::new(parse(DEMO_JSON, catalog()?, month)?));
    later.insert(month, partner);
    Ok(partner)
}

fn parse(text: &str, catalog: &'static Catalog, month: u32) -> Result<DemoPartner, String> {
    let file: DemoFile =
        serde_json::from_str(text).map_err(|e| format!("assets/demo-partner.json: {e}"))?;
    let mut customers = Vec::with_capacity(file.customers.len());
    for mut spec in file.customers {
        if spec.since_month > month || spec.until_month.is_some_and(|m| m <= month) {
            continue;
        }
        at_month(&mut spec, month);
        let name = spec.name.clone();
        let customer =
            compile(spec, catalog).map_err(|e| format!("demo customer {name:?}: {e}"))?;
        if customers.iter().any(|c: &DemoCustomer| c.id == customer.id) {
            return Err(format!("demo customer {name:?}: duplicate id"));
        }
        customers.push(customer);
    }
    Ok(DemoPartner { customers })
}

fn compile(spec: CustomerSpec, catalog: &'static Catalog) -> Result<DemoCustomer, String> {
    let id = lowercase_guid(&spec.id)?;
    let user_domain = spec.custom_domains.first().unwrap_or(&spec.domain).clone();
    let style = match spec.names.as_deref() {
        None | Some("latin") => NameStyle::Latin,
        Some("japanese") => NameStyle::Japanese,
        Some("arabic") => NameStyle::Arabic,
        Some(other) => return Err(format!("unknown name style {other:?}")),
    };
    let mut subscriptions = spec
        .skus
        .iter()
        .map(|sku| subscription(sku, catalog))
        .collect::<Result<Vec<_>, _>>()?;
    let subscription_of = |part: &str| {
        subscriptions
            .iter()
            .position(|s| s.sku.part_number == part)
            .ok_or_else(|| {
                format!("a licence refers to {part}, which the customer does not subscribe to")
            })
    };
    let key = str_key(&spec.id);
    let mut active = Vec::new();
    let mut deleted = Vec::new();
    for user in spec.users {
        let named = named_user(user, key, &user_domain, &subscription_of, &subscriptions)?;
        if named.deleted.is_some() {
            deleted.push(named);
        } else {
            active.push(named);
        }
    }
    let bulk = bulk(spec.bulk.unwrap_or_default(), key, &subscription_of)?;
    for (k, (sub, spec_sku)) in subscriptions.iter_mut().zip(&spec.skus).enumerate() {
        count_seats(sub, k, spec_sku, &active, &bulk)?;
    }
    let mut custom_domains = vec![spec.domain.clone()];
    custom_domains.extend(spec.custom_domains);
    Ok(DemoCustomer {
        id,
        name: spec.name,
        domain: spec.domain,
        relationship: spec.relationship,
        details: CustomerDetails {
            gdap: spec.gdap,
            dap: spec.dap,
            address: spec.address,
            contact: spec.contact,
            culture: spec.culture,
            custom_domains,
        },
        subscriptions,
        active,
        deleted,
        bulk,
        user_domain,
        style,
    })
}

/// A SKU of the spec as a subscription from the catalog, its plan exceptions checked (seats
/// are counted once the users are known).
fn subscription(sku: &SkuSpec, catalog: &'static Catalog) -> Result<Subscription, String> {
    let entry = catalog
        .sku(&sku.sku)
        .ok_or_else(|| format!("unknown SKU {}", sku.sku))?;
    let mut plan_exceptions = Vec::new();
    for (plan, status) in &sku.plans {
        let p = entry
            .plan_index(plan)
            .ok_or_else(|| format!("SKU {} has no plan {plan}", sku.sku))?;
        plan_exceptions.push((p, *status));
    }
    Ok(Subscription {
        sku: entry,
        status: sku.status,
        plan_exceptions,
        total: 0,
        consumed: 0,
        commerce: sku.commerce.clone(),
    })
}

/// The bulk users of the spec (none when it has no `bulk`), at most one rule per subscription.
fn bulk(
    spec: BulkSpec,
    key: u64,
    subscription_of: &dyn Fn(&str) -> Result<usize, String>,
) -> Result<Bulk, String> {
    let mut rules = Vec::new();
    for r in &spec.licenses {
        let subscription = subscription_of(&r.sku)?;
        if rules.iter().any(|x: &Rule| x.subscription == subscription) {
            return Err(format!("two bulk rules for {}", r.sku));
        }
        rules.push(Rule {
            subscription,
            start: r.start,
            every: r.every,
            limit: r.limit,
        });
    }
    Ok(Bulk {
        active: spec.count,
        deleted: spec.deleted,
        location: spec.location,
        synced: spec.synced,
        rules,
        key,
    })
}

/// Subscription `k`'s seats: consumed by the named and the bulk users who hold it; the total
/// as the spec gives it, or the consumed plus what the spec says is available.
fn count_seats(
    sub: &mut Subscription,
    k: usize,
    spec: &SkuSpec,
    active: &[NamedUser],
    bulk: &Bulk,
) -> Result<(), String> {
    let named = active
        .iter()
        .filter(|u| u.licenses.iter().any(|(s, _)| *s == k))
        .count() as i64;
    let synthetic: i64 = bulk
        .rules
        .iter()
        .filter(|r| r.subscription == k)
        .map(|r| i64::from(r.count(bulk.active)))
        .sum();
    sub.consumed = named + synthetic;
    sub.total = match (spec.total, spec.available) {
        (Some(total), None) => total,
        (None, Some(available)) => sub.consumed + available,
        _ => {
            return Err(format!(
                "SKU {}: give exactly one of total or available",
                spec.sku
            ));
        }
    };
    Ok(())
}

fn named_user(
    user: UserSpec,
    key: u64,
    domain: &str,
    subscription_of: &dyn Fn(&str) -> Result<usize, String>,
    subscriptions: &[Subscription],
) -> Result<NamedUser, String> {
    let upn = if user.upn.contains('@') {
        user.upn
    } else {
        format!("{}@{domain}", user.upn)
    };
    if user.deleted.is_some() && !user.licenses.is_empty() {
        return Err(format!("deleted user {upn} cannot hold licences"));
    }
    let mut licenses = Vec::new();
    for spec in user.licenses {
        let (part, plans) = match spec {
            LicenseSpec::Sku(part) => (part, BTreeMap::new()),
            LicenseSpec::Detailed { sku, plans } => (sku, plans),
        };
        let k = subscription_of(&part)?;
        let mut overrides = Vec::new();
        for (plan, status) in plans {
            let p = subscriptions[k]
                .sku
                .plan_index(&plan)
                .ok_or_else(|| format!("{upn}: SKU {part} has no plan {plan}"))?;
            overrides.push((p, status));
        }
        licenses.push((k, overrides));
    }
    let id = guid(&[key, str_key(&upn)]);
    let (last_sync, immutable_id) = if user.synced {
        let sync = clock::iso8601(1_794_786_000 - key % 3600);
        (
            Some(sync),
            Some(base64::engine::general_purpose::STANDARD.encode(id.as_bytes())),
        )
    } else {
        (None, None)
    };
    Ok(NamedUser {
        id,
        display: user
            .display
            .unwrap_or_else(|| format!("{} {}", user.first, user.last)),
        upn,
        first: user.first,
        last: user.last,
        location: user.location,
        deleted: user.deleted,
        last_sync,
        immutable_id,
        licenses,
    })
}

fn lowercase_guid(text: &str) -> Result<Uuid, String> {
    let ok = text.len() == 36 && !text.bytes().any(|b| b.is_ascii_uppercase());
    match Uuid::try_parse(text) {
        Ok(id) if ok => Ok(id),
        _ => Err(format!("{text:?} is not a lowercase GUID")),
    }
}

impl DemoPartner {
    pub(crate) fn describe(&self) -> String {
        format!("demo partner: {} customers", self.customers.len())
    }

    pub(crate) fn customer_count(&self) -> usize {
        self.customers.len()
    }

    pub(crate) fn find_customer(&self, id: &Uuid) -> Option<usize> {
        self.customers.iter().position(|c| c.id == *id)
    }

    pub(crate) fn customer(&self, i: usize) -> Option<CustomerRec<'_>> {
        let c = self.customers.get(i)?;
        Some(CustomerRec {
            id: c.id,
            name: Cow::Borrowed(&c.name),
            domain: Cow::Borrowed(&c.domain),
            relationship: &c.relationship,
        })
    }

    pub(crate) fn details(&self, i: usize) -> Option<CustomerDetails> {
        self.customers.get(i).map(|c| c.details.clone())
    }

    pub(crate) fn has_gdap_role(&self, i: usize) -> bool {
        self.customers.get(i).is_some_and(|c| c.details.gdap)
    }

    pub(crate) fn user_count(&self, i: usize, deleted: bool) -> usize {
        self.customers.get(i).map_or(0, |c| {
            if deleted {
                c.deleted.len() + c.bulk.deleted as usize
            } else {
                c.active.len() + c.bulk.active as usize
            }
        })
    }

    pub(crate) fn user(&self, i: usize, deleted: bool, j: usize) -> Option<UserRec<'_>> {
        let c = self.customers.get(i)?;
        let named = if deleted { &c.deleted } else { &c.active };
        if let Some(user) = named.get(j) {
            let k = if deleted { c.active.len() + j } else { j };
            return Some(user.rec(k));
        }
        let synthetic = c.synthetic();
        let j = u32::try_from(j - named.len()).ok()?;
        let j = if deleted {
            c.bulk.active.checked_add(j)?
        } else {
            j
        };
        (j < synthetic.len()).then(|| synthetic.user(j))
    }

    pub(crate) fn find_user(&self, i: usize, id: &Uuid) -> Option<UserRec<'_>> {
        let c = self.customers.get(i)?;
        if let Some(k) = c.active.iter().chain(&c.deleted).position(|u| u.id == *id) {
            let user = c
                .active
                .get(k)
                .or_else(|| c.deleted.get(k - c.active.len()))?;
            return Some(user.rec(k));
        }
        let synthetic = c.synthetic();
        let j = synthetic.ids.index_of(id)?;
        (j < synthetic.len()).then(|| synthetic.user(j))
    }

    pub(crate) fn subscriptions(&self, i: usize) -> &[Subscription] {
        self.customers.get(i).map_or(&[], |c| &c.subscriptions)
    }

    /// (subscription index, per-user plan statuses) of each licence the user holds.
    pub(crate) fn held(
        &self,
        i: usize,
        user: &UserRec<'_>,
    ) -> Vec<(usize, &[(usize, PlanStatus)])> {
        let Some(c) = self.customers.get(i) else {
            return Vec::new();
        };
        if user.is_deleted() {
            return Vec::new();
        }
        match user.slot {
            UserSlot::Named(k) => c
                .active
                .get(k)
                .map(|u| u.licenses.iter().map(|(s, o)| (*s, o.as_slice())).collect())
                .unwrap_or_default(),
            UserSlot::Synthetic(j) => c
                .bulk
                .rules
                .iter()
                .filter(|r| r.holds(j))
                .map(|r| (r.subscription, &[][..]))
                .collect(),
        }
    }
}

impl DemoCustomer {
    fn synthetic(&self) -> Synthetic<'_, '_> {
        Synthetic {
            ids: IndexedIds::new(self.bulk.key ^ 0xB01C),
            key: self.bulk.key,
            style: self.style,
            domain: &self.user_domain,
            location: self.bulk.location.as_deref(),
            active: self.bulk.active,
            deleted: self.bulk.deleted,
            synced: self.bulk.synced,
        }
    }
}

impl NamedUser {
    /// `k` indexes active users first, then deleted ones.
    fn rec(&self, k: usize) -> UserRec<'_> {
        UserRec {
            id: self.id,
            upn: Cow::Borrowed(&self.upn),
            first: Cow::Borrowed(&self.first),
            last: Cow::Borrowed(&self.last),
            display: Cow::Borrowed(&self.display),
            usage_location: self.location.as_deref().map(Cow::Borrowed),
            domain_type: if self.last_sync.is_some() {
                "managed"
            } else {
                "none"
            },
            soft_deletion_time: self.deleted.as_deref().map(Cow::Borrowed),
            last_sync: self.last_sync.as_deref().map(Cow::Borrowed),
            immutable_id: self.immutable_id.clone(),
            slot: UserSlot::Named(k),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_demo_partner_parses() {
        let demo = demo_partner(0).unwrap();
        assert!(demo.customer_count() >= 20);
    }

    #[test]
    fn a_licence_for_an_unsubscribed_sku_is_refused() {
        let text = r#"{"customers":[{"id":"6f1c9e52-9a3e-4c41-9d0e-2a51b6f0c001","name":"X","domain":"x.onmicrosoft.com",
            "contact":{"firstName":"A","lastName":"B","email":"a@x.com"},
            "skus":[{"sku":"SPB","total":5}],
            "users":[{"first":"A","last":"B","upn":"a","licenses":["SPE_E5"]}]}]}"#;
        let err = parse(text, catalog().unwrap(), 0).unwrap_err();
        assert!(err.contains("does not subscribe"), "{err}");
    }

    #[test]
    fn seat_counts_come_from_the_holders() {
        let text = r#"{"customers":[{"id":"6f1c9e52-9a3e-4c41-9d0e-2a51b6f0c001","name":"X","domain":"x.onmicrosoft.com",
            "contact":{"firstName":"A","lastName":"B","email":"a@x.com"},
            "skus":[{"sku":"SPB","available":0},{"sku":"POWER_BI_PRO","total":2}],
            "users":[{"first":"A","last":"B","upn":"a","licenses":["SPB","POWER_BI_PRO"]}],
            "bulk":{"count":10,"licenses":[{"sku":"SPB"},{"sku":"POWER_BI_PRO","every":5}]}}]}"#;
        let demo = parse(text, catalog().unwrap(), 0).unwrap();
        let subs = demo.subscriptions(0);
        assert_eq!((subs[0].consumed, subs[0].total), (11, 11));
        assert_eq!((subs[1].consumed, subs[1].total), (3, 2));
        assert_eq!(demo.user_count(0, false), 11);
        let bulk_user = demo.user(0, false, 1).unwrap();
        assert_eq!(demo.held(0, &bulk_user).len(), 2);
        assert_eq!(demo.find_user(0, &bulk_user.id), Some(bulk_user));
    }
}
