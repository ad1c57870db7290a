//! Partner Center resources as pcx reads them. Every field is optional and decoded leniently;
//! the exact JSON the API sent is kept beside the typed view (`Resource::raw`) so JSON output
//! and the raw view show everything, including fields and values pcx does not know.

use super::lenient::{lenient_struct, open_enum};
use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use std::fmt;

open_enum!(
    /// `capabilityStatus` of a SKU or a service plan. Partner Center documents only `Enabled`
    /// and `Assigned`; the others are Microsoft Graph's values, seen on unhealthy subscriptions.
    CapabilityStatus {
        Enabled => "Enabled",
        Assigned => "Assigned",
        Warning => "Warning",
        Suspended => "Suspended",
        Deleted => "Deleted",
        LockedOut => "LockedOut",
        Disabled => "Disabled",
    }
);

open_enum!(
    /// `relationshipToPartner` of a customer.
    Relationship {
        None => "none",
        Reseller => "reseller",
        Advisor => "advisor",
        Syndication => "syndication",
        MicrosoftSupport => "microsoft_support",
        Unknown => "unknown",
    }
);

open_enum!(
    /// `state` of a customer user; `inactive` means soft-deleted.
    UserState {
        Active => "active",
        Inactive => "inactive",
    }
);

open_enum!(
    /// `userDomainType` of a customer user.
    UserDomainType {
        None => "none",
        Managed => "managed",
        Federated => "federated",
    }
);

open_enum!(
    /// `targetType` of a SKU or a service plan.
    TargetType {
        User => "User",
        Tenant => "Tenant",
    }
);

open_enum!(
    /// `licenseGroupId`: group1 is managed by Entra ID, group2 is Minecraft Education.
    LicenseGroup {
        Group1 => "group1",
        Group2 => "group2",
        None => "none",
    }
);

impl LicenseGroup {
    /// The spelling Partner Center expects in the `licenseGroupIds` query parameter.
    pub fn query_value(&self) -> &str {
        match self {
            Self::Group1 => "Group1",
            Self::Group2 => "Group2",
            other => other.as_str(),
        }
    }
}

/// One resource: the typed view pcx uses and the exact JSON the API sent.
#[derive(Clone)]
pub struct Resource<T> {
    pub data: T,
    pub raw: Box<RawValue>,
}

impl<T: DeserializeOwned + Default> Resource<T> {
    /// Decodes the typed view from raw JSON; a value that is not an object keeps an empty view.
    pub fn from_raw(raw: Box<RawValue>) -> Self {
        let data = serde_json::from_str(raw.get()).unwrap_or_default();
        Self { data, raw }
    }

    /// Parses one resource from a response body (a leading BOM already stripped).
    pub fn parse(body: &str) -> Result<Self, serde_json::Error> {
        let raw: Box<RawValue> = serde_json::from_str(body)?;
        Ok(Self::from_raw(raw))
    }
}

impl<T: Serialize> Resource<T> {
    /// Builds a resource from a typed value, as the sandbox and tests do.
    pub fn from_data(data: T) -> Self {
        let text = serde_json::to_string(&data).unwrap_or_else(|_| "{}".into());
        let raw = RawValue::from_string(text).unwrap_or_else(|_| empty_object());
        Self { data, raw }
    }
}

fn empty_object() -> Box<RawValue> {
    RawValue::from_string("{}".into()).expect("{} is valid JSON")
}

impl<T: fmt::Debug> fmt::Debug for Resource<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.data.fmt(f)
    }
}

/// JSON output writes exactly what the API sent.
impl<T> Serialize for Resource<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(s)
    }
}

lenient_struct! {
    /// A customer (the customer's tenant id is its `id`).
    #[derive(Debug)]
    pub struct Customer {
        id: string,
        commerce_id: string,
        company_profile: any<CompanyProfile>,
        relationship_to_partner: any<Relationship>,
        allow_delegated_access: boolean,
        associated_partner_id: string,
    }
}

impl Customer {
    pub fn company_name(&self) -> Option<&str> {
        self.company_profile.as_ref()?.company_name.as_deref()
    }

    pub fn domain(&self) -> Option<&str> {
        self.company_profile.as_ref()?.domain.as_deref()
    }
}

lenient_struct! {
    /// `companyProfile` of a customer.
    #[derive(Debug)]
    pub struct CompanyProfile {
        tenant_id: string,
        domain: string,
        company_name: string,
        email: string,
    }
}

lenient_struct! {
    /// A user account in a customer's tenant.
    #[derive(Debug)]
    pub struct CustomerUser {
        id: string,
        user_principal_name: string,
        display_name: string,
        first_name: string,
        last_name: string,
        usage_location: string,
        state: any<UserState>,
        soft_deletion_time: string,
        last_directory_sync_time: string,
        user_domain_type: any<UserDomainType>,
    }
}

impl CustomerUser {
    /// Soft-deleted (in the 30-day recovery window).
    pub fn is_deleted(&self) -> bool {
        self.state == Some(UserState::Inactive) || self.soft_deletion_time.is_some()
    }

    /// The state in one word wherever pcx shows it (table, CSV, explorer): a soft-deleted user
    /// is "deleted", whatever `state` the API used for it ("inactive"). JSON keeps the API's.
    pub fn state_word(&self) -> String {
        match (&self.state, self.is_deleted()) {
            (_, true) => "deleted".into(),
            (Some(s), false) => s.to_string(),
            (None, false) => String::new(),
        }
    }

    /// The state with the day of deletion: "deleted 2026-11-10" (the day is what an operator
    /// needs against the 30-day window; CSV and JSON keep the full time).
    pub fn state_with_day(&self) -> String {
        let day = self
            .soft_deletion_time
            .as_deref()
            .and_then(|t| t.get(..10))
            .filter(|d| d.as_bytes().get(4) == Some(&b'-'));
        match (self.is_deleted(), day) {
            (true, Some(day)) => format!("deleted {day}"),
            _ => self.state_word(),
        }
    }
}

lenient_struct! {
    /// The SKU of a licence or a subscribed SKU.
    #[derive(Debug)]
    pub struct ProductSku {
        id: string,
        name: string,
        sku_part_number: string,
        target_type: any<TargetType>,
        license_group_id: any<LicenseGroup>,
    }
}

lenient_struct! {
    /// One service plan of a SKU, with its capability status.
    #[derive(Debug)]
    pub struct ServicePlan {
        display_name: string,
        service_name: string,
        id: string,
        capability_status: any<CapabilityStatus>,
        target_type: any<TargetType>,
    }
}

lenient_struct! {
    /// A licence assigned to a user: a SKU and its service plans.
    #[derive(Debug)]
    pub struct License {
        service_plans: list<ServicePlan>,
        product_sku: any<ProductSku>,
    }
}

impl License {
    /// How many of the licence's plans need attention (switched-off plans do not count).
    pub fn plans_needing_attention(&self) -> usize {
        self.service_plans
            .iter()
            .filter(|p| p.needs_attention())
            .count()
    }
}

lenient_struct! {
    /// A SKU the customer has bought, with seat counts.
    #[derive(Debug)]
    pub struct SubscribedSku {
        available_units: int,
        active_units: int,
        consumed_units: int,
        suspended_units: int,
        total_units: int,
        warning_units: int,
        product_sku: any<ProductSku>,
        service_plans: list<ServicePlan>,
        capability_status: any<CapabilityStatus>,
    }
}

impl SubscribedSku {
    /// More seats assigned than bought.
    pub fn is_over_consumed(&self) -> bool {
        matches!((self.consumed_units, self.total_units), (Some(c), Some(t)) if c > t)
    }

    /// Seats left to assign: `availableUnits` when sent, else total minus consumed.
    pub fn seats_left(&self) -> Option<i64> {
        self.available_units
            .or_else(|| Some(self.total_units? - self.consumed_units?))
    }
}
