//! What a 403 means for each call, in one place: partner-level data (the customer list and
//! search) needs a Partner Center role for the signed-in user; a customer's data (users,
//! licences, subscribed SKUs) needs a GDAP role in that customer. Words only; no I/O.

/// The calls pcx makes, as far as access is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// The customer list or a customer search (partner-level).
    Customers,
    /// A customer's users (active or deleted).
    Users,
    /// A user's licences.
    Licenses,
    /// A customer's subscribed SKUs.
    Skus,
    /// A customer's subscriptions (commerce data: partner-level, like the customer list).
    Subscriptions,
}

/// The Partner Center roles that can read the customer list.
pub const PARTNER_CENTER_ROLES: &str = "Admin agent, Sales agent or Helpdesk agent";

/// The Entra roles, any one of which a GDAP relationship must grant for this call (Microsoft's
/// role names: "Directory Readers" is plural); None for partner-level calls.
pub fn gdap_roles(call: Call) -> Option<&'static str> {
    match call {
        Call::Customers | Call::Subscriptions => None,
        Call::Users => Some("Directory Readers, Global Reader or User Administrator"),
        Call::Licenses => Some(
            "Directory Readers, Directory Writers, User Administrator or License Administrator",
        ),
        Call::Skus => {
            Some("Directory Readers, Global Reader, User Administrator or License Administrator")
        }
    }
}

/// What a 403 on this call means and what to do, in one line.
pub fn no_access_advice(call: Call) -> String {
    match gdap_roles(call) {
        Some(roles) => format!("the partner needs one of the GDAP roles {roles} for this customer"),
        None => format!(
            "the signed-in user lacks a Partner Center role: a Partner Center admin must give them \
             {PARTNER_CENTER_ROLES} (Partner Center → Account settings → User management)"
        ),
    }
}
