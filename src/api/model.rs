//! Partner Center resources as pcx reads them. Every field is optional and decoded leniently;
//! the exact JSON the API sent is kept beside the typed view (`Resource::raw`) so JSON output
//! and the raw view show everything, including fields and values pcx does not know.

use super::lenient;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use std::fmt;

/// Declares a string enum that keeps values it does not know as their own text.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)+
            /// A value this version of pcx does not know, kept exactly as sent.
            Other(Box<str>),
        }

        impl $name {
            /// The wire text: the canonical spelling for known values, the original otherwise.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Other(text) => text,
                }
            }

            /// Known values match case-insensitively (the docs mix cases); others are kept.
            pub fn parse(text: &str) -> Self {
                $(if text.eq_ignore_ascii_case($text) { return Self::$variant; })+
                Self::Other(text.into())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = lenient::string(d)?.unwrap_or_default();
                Ok(Self::parse(&text))
            }
        }
    };
}

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

impl CapabilityStatus {
    /// What this status means for the operator (`api::status` decides).
    pub fn health(&self) -> super::status::PlanHealth {
        super::status::plan_health(self.as_str())
    }

    /// Working as intended: the plan or SKU serves its users.
    pub fn is_healthy(&self) -> bool {
        self.health() == super::status::PlanHealth::Healthy
    }
}

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

/// A customer (the customer's tenant id is its `id`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub commerce_id: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub company_profile: Option<CompanyProfile>,
    #[serde(
        default,
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub relationship_to_partner: Option<Relationship>,
    #[serde(
        default,
        deserialize_with = "lenient::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub allow_delegated_access: Option<bool>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub associated_partner_id: Option<Box<str>>,
}

impl Customer {
    pub fn company_name(&self) -> Option<&str> {
        self.company_profile.as_ref()?.company_name.as_deref()
    }

    pub fn domain(&self) -> Option<&str> {
        self.company_profile.as_ref()?.domain.as_deref()
    }
}

/// `companyProfile` of a customer.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CompanyProfile {
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub tenant_id: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub domain: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub company_name: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub email: Option<Box<str>>,
}

/// A user account in a customer's tenant.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CustomerUser {
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_principal_name: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub display_name: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub first_name: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_name: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub usage_location: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub state: Option<UserState>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub soft_deletion_time: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_directory_sync_time: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_domain_type: Option<UserDomainType>,
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

/// The SKU of a licence or a subscribed SKU.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ProductSku {
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub sku_part_number: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub target_type: Option<TargetType>,
    #[serde(
        default,
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub license_group_id: Option<LicenseGroup>,
}

/// One service plan of a SKU, with its capability status.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ServicePlan {
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub display_name: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub service_name: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub capability_status: Option<CapabilityStatus>,
    #[serde(
        default,
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub target_type: Option<TargetType>,
}

impl ServicePlan {
    /// Healthy, needing attention (also a plan with no status) or off on purpose.
    pub fn health(&self) -> super::status::PlanHealth {
        super::status::health_of(
            self.capability_status
                .as_ref()
                .map(CapabilityStatus::as_str),
        )
    }

    pub fn needs_attention(&self) -> bool {
        self.health().needs_attention()
    }
}

/// A licence assigned to a user: a SKU and its service plans.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct License {
    #[serde(default, deserialize_with = "lenient::list")]
    pub service_plans: Vec<ServicePlan>,
    #[serde(
        default,
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub product_sku: Option<ProductSku>,
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

/// A SKU the customer has bought, with seat counts.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SubscribedSku {
    #[serde(
        default,
        deserialize_with = "lenient::int",
        skip_serializing_if = "Option::is_none"
    )]
    pub available_units: Option<i64>,
    #[serde(
        default,
        deserialize_with = "lenient::int",
        skip_serializing_if = "Option::is_none"
    )]
    pub active_units: Option<i64>,
    #[serde(
        default,
        deserialize_with = "lenient::int",
        skip_serializing_if = "Option::is_none"
    )]
    pub consumed_units: Option<i64>,
    #[serde(
        default,
        deserialize_with = "lenient::int",
        skip_serializing_if = "Option::is_none"
    )]
    pub suspended_units: Option<i64>,
    #[serde(
        default,
        deserialize_with = "lenient::int",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_units: Option<i64>,
    #[serde(
        default,
        deserialize_with = "lenient::int",
        skip_serializing_if = "Option::is_none"
    )]
    pub warning_units: Option<i64>,
    #[serde(
        default,
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub product_sku: Option<ProductSku>,
    #[serde(default, deserialize_with = "lenient::list")]
    pub service_plans: Vec<ServicePlan>,
    #[serde(
        default,
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub capability_status: Option<CapabilityStatus>,
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

    /// The SKU's own status with its seats in use (`api::status::sku_health`).
    pub fn health(&self) -> super::status::PlanHealth {
        super::status::sku_health(
            self.capability_status
                .as_ref()
                .map(CapabilityStatus::as_str),
            self.consumed_units,
        )
    }

    /// Over-consumed seats, the SKU's own status (a SKU switched off while seats are in use
    /// counts), or one of its plans needs attention.
    pub fn needs_attention(&self) -> bool {
        self.is_over_consumed()
            || self.health().needs_attention()
            || self.service_plans.iter().any(ServicePlan::needs_attention)
    }
}

/// A link in a resource or collection (`links.next` carries the continuation token header).
#[derive(Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub uri: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub method: Option<Box<str>>,
    #[serde(default, deserialize_with = "lenient::list")]
    pub headers: Vec<LinkHeader>,
}

/// Header values can hold continuation tokens, so Debug shows only the keys.
impl fmt::Debug for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<&str> = self
            .headers
            .iter()
            .filter_map(|h| h.key.as_deref())
            .collect();
        f.debug_struct("Link")
            .field("uri", &self.uri)
            .field("method", &self.method)
            .field("header_keys", &keys)
            .finish()
    }
}

/// One `{key, value}` header of a link.
#[derive(Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct LinkHeader {
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub key: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub value: Option<Box<str>>,
}

/// `links` of a collection.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct Links {
    #[serde(
        rename = "self",
        default,
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub self_link: Option<Link>,
    #[serde(
        default,
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub next: Option<Link>,
    #[serde(
        default,
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub previous: Option<Link>,
}
