//! The demo partner's file format (`assets/demo-partner.json`): customers, their SKUs, users,
//! licences and rules as written, and how a customer's spec stands N months later. Plain data;
//! `demo` checks and compiles it.

use super::commerce::CommerceSpec;
use super::hash::{mix, str_key};
use super::records::{Address, Contact, PlanStatus};
use serde::Deserialize;
use std::collections::BTreeMap;

// A field of type `Option` may be left out (serde reads it as `None`); other fields that may be
// left out say their default.

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct DemoFile {
    #[serde(default, rename = "_about")]
    pub(super) _about: Option<String>,
    pub(super) customers: Vec<CustomerSpec>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct CustomerSpec {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) domain: String,
    #[serde(default)]
    pub(super) custom_domains: Vec<String>,
    #[serde(default = "reseller")]
    pub(super) relationship: String,
    #[serde(default = "yes")]
    pub(super) gdap: bool,
    #[serde(default)]
    pub(super) dap: bool,
    #[serde(default)]
    pub(super) address: Address,
    pub(super) contact: Contact,
    #[serde(default = "en_us")]
    pub(super) culture: String,
    pub(super) names: Option<String>,
    /// What this customer shows an operator (for whoever edits the file).
    #[serde(default, rename = "_story")]
    pub(super) _story: Option<String>,
    #[serde(default)]
    pub(super) skus: Vec<SkuSpec>,
    #[serde(default)]
    pub(super) users: Vec<UserSpec>,
    pub(super) bulk: Option<BulkSpec>,
    /// The month the customer joins the partner (`pcx sandbox --month N`).
    #[serde(default)]
    pub(super) since_month: u32,
    /// The month the customer leaves.
    pub(super) until_month: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct SkuSpec {
    pub(super) sku: String,
    pub(super) total: Option<i64>,
    pub(super) available: Option<i64>,
    #[serde(default = "enabled")]
    pub(super) status: PlanStatus,
    #[serde(default)]
    pub(super) plans: BTreeMap<String, PlanStatus>,
    /// Pins the subscription behind this SKU (term, days to its end, auto-renew).
    pub(super) commerce: Option<CommerceSpec>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct UserSpec {
    pub(super) first: String,
    pub(super) last: String,
    pub(super) display: Option<String>,
    pub(super) upn: String,
    pub(super) location: Option<String>,
    pub(super) deleted: Option<String>,
    #[serde(default)]
    pub(super) synced: bool,
    #[serde(default)]
    pub(super) licenses: Vec<LicenseSpec>,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum LicenseSpec {
    Sku(String),
    Detailed {
        sku: String,
        plans: BTreeMap<String, PlanStatus>,
    },
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct BulkSpec {
    pub(super) count: u32,
    #[serde(default)]
    pub(super) deleted: u32,
    pub(super) location: Option<String>,
    #[serde(default)]
    pub(super) synced: bool,
    #[serde(default)]
    pub(super) licenses: Vec<RuleSpec>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct RuleSpec {
    pub(super) sku: String,
    #[serde(default = "one")]
    pub(super) every: u32,
    #[serde(default)]
    pub(super) start: u32,
    pub(super) limit: Option<u32>,
}

fn reseller() -> String {
    "reseller".into()
}
fn yes() -> bool {
    true
}
fn en_us() -> String {
    "en-US".into()
}
fn enabled() -> PlanStatus {
    PlanStatus::Enabled
}
fn one() -> u32 {
    1
}

/// The demo's changes by `month`, decided per customer and SKU from their ids, so every run
/// sees the same: seats bought and cut, a user leaving or joining, a licence removed or added,
/// a SKU's status changing, bulk users joining.
pub(super) fn at_month(spec: &mut CustomerSpec, month: u32) {
    if month == 0 {
        return;
    }
    let h = mix(&[str_key(&spec.id), u64::from(month), 0xD1FF]);
    for (k, sku) in spec.skus.iter_mut().enumerate() {
        let delta = match mix(&[h, k as u64]) % 5 {
            0 => 2,
            1 => -1,
            _ => 0,
        };
        match (&mut sku.total, &mut sku.available) {
            (Some(total), _) => *total = (*total + delta).max(0),
            (None, Some(available)) => *available = (*available + delta).max(0),
            _ => {}
        }
    }
    let active: Vec<usize> = (0..spec.users.len())
        .filter(|&u| spec.users[u].deleted.is_none())
        .collect();
    match h % 4 {
        0 if active.len() >= 3 => {
            if let Some(&last) = active.last() {
                spec.users.remove(last);
            }
        }
        1 => {
            if let Some(&first) = active.first() {
                let licenses = spec.users[first]
                    .licenses
                    .iter()
                    .map(|l| match l {
                        LicenseSpec::Sku(part) | LicenseSpec::Detailed { sku: part, .. } => {
                            LicenseSpec::Sku(part.clone())
                        }
                    })
                    .collect();
                spec.users.push(UserSpec {
                    first: "Jordan".into(),
                    last: format!("Reyes {month}"),
                    display: None,
                    upn: format!("jordan.reyes{month}"),
                    location: spec.users[first].location.clone(),
                    deleted: None,
                    synced: false,
                    licenses,
                });
            }
        }
        2 => {
            if let Some(user) = active.get(1).and_then(|&u| spec.users.get_mut(u)) {
                if user.licenses.len() >= 2 {
                    user.licenses.pop();
                } else if let Some(extra) = spec.skus.iter().map(|s| s.sku.clone()).find(|part| {
                    !user.licenses.iter().any(|l| matches!(l, LicenseSpec::Sku(p) | LicenseSpec::Detailed { sku: p, .. } if p == part))
                }) {
                    user.licenses.push(LicenseSpec::Sku(extra));
                }
            }
        }
        _ => {}
    }
    if (h >> 8).is_multiple_of(3)
        && let Some(sku) = spec.skus.first_mut()
    {
        sku.status = match sku.status {
            PlanStatus::Enabled => PlanStatus::Warning,
            PlanStatus::Warning => PlanStatus::Enabled,
            other => other,
        };
    }
    if let Some(bulk) = spec.bulk.as_mut().filter(|_| (h >> 16).is_multiple_of(2)) {
        bulk.count += 2 * month;
    }
}
