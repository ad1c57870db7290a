//! What a capability status means for the operator, decided in one place: healthy, needing
//! attention, or switched off on purpose / retired. The explorer's rows and marks, the listing
//! commands' `!` and the reports all classify through here. Knows nothing of drawing.

use super::model::{CapabilityStatus, ServicePlan, SubscribedSku};

/// How a service plan or SKU status reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PlanHealth {
    /// Working as intended (`Enabled`, `Assigned`).
    Healthy,
    /// Users lose or are about to lose service (`Warning`, `Suspended`, `LockedOut`), or pcx
    /// does not know the value and cannot vouch for it.
    NeedsAttention,
    /// Switched off on purpose by an admin (`Disabled`) or retired by Microsoft (`Deleted`):
    /// shown dim, never counted as a problem.
    Off,
}

/// The health of a `capabilityStatus` value (case-insensitive, surrounding spaces ignored).
pub fn plan_health(status: &str) -> PlanHealth {
    let status = status.trim();
    let is = |known: &str| status.eq_ignore_ascii_case(known);
    if is("Enabled") || is("Assigned") {
        PlanHealth::Healthy
    } else if is("Disabled") || is("Deleted") {
        PlanHealth::Off
    } else {
        // Warning, Suspended, LockedOut, and whatever Microsoft adds next: an operator must
        // look, because pcx cannot say the plan works.
        PlanHealth::NeedsAttention
    }
}

/// A status that may be absent: a plan without one cannot be vouched for either.
pub fn health_of(status: Option<&str>) -> PlanHealth {
    status.map_or(PlanHealth::NeedsAttention, plan_health)
}

/// A subscribed SKU's own status, with its seats: a SKU switched off or retired while users
/// still consume its seats needs attention (those users are about to lose service); with no
/// seat in use it is merely off. An absent SKU status says nothing on its own (plans decide).
pub fn sku_health(status: Option<&str>, consumed_units: Option<i64>) -> PlanHealth {
    match status.map(plan_health) {
        None => PlanHealth::Healthy,
        Some(PlanHealth::Off) if consumed_units.unwrap_or(0) > 0 => PlanHealth::NeedsAttention,
        Some(health) => health,
    }
}

impl PlanHealth {
    pub fn needs_attention(self) -> bool {
        self == Self::NeedsAttention
    }
}

// The model's own questions, answered here so the rule stays in this one file.

impl CapabilityStatus {
    pub fn health(&self) -> PlanHealth {
        plan_health(self.as_str())
    }

    /// Working as intended: the plan or SKU serves its users.
    pub fn is_healthy(&self) -> bool {
        self.health() == PlanHealth::Healthy
    }
}

impl ServicePlan {
    /// Healthy, needing attention (also a plan with no status) or off on purpose.
    pub fn health(&self) -> PlanHealth {
        health_of(
            self.capability_status
                .as_ref()
                .map(CapabilityStatus::as_str),
        )
    }

    pub fn needs_attention(&self) -> bool {
        self.health().needs_attention()
    }
}

impl SubscribedSku {
    /// The SKU's own status with its seats in use (`sku_health`).
    pub fn health(&self) -> PlanHealth {
        sku_health(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_classified() {
        for s in ["Enabled", "Assigned", "enabled", " ASSIGNED "] {
            assert_eq!(plan_health(s), PlanHealth::Healthy, "{s}");
        }
        for s in ["Warning", "Suspended", "LockedOut", "PendingActivation", ""] {
            assert_eq!(plan_health(s), PlanHealth::NeedsAttention, "{s}");
        }
        for s in ["Disabled", "Deleted", "deleted"] {
            assert_eq!(plan_health(s), PlanHealth::Off, "{s}");
        }
        assert_eq!(health_of(None), PlanHealth::NeedsAttention);
    }

    #[test]
    fn a_sku_switched_off_with_seats_in_use_needs_attention() {
        assert_eq!(
            sku_health(Some("Deleted"), Some(3)),
            PlanHealth::NeedsAttention
        );
        assert_eq!(
            sku_health(Some("Disabled"), Some(1)),
            PlanHealth::NeedsAttention
        );
        assert_eq!(sku_health(Some("Deleted"), Some(0)), PlanHealth::Off);
        assert_eq!(sku_health(Some("Deleted"), None), PlanHealth::Off);
        assert_eq!(sku_health(Some("Enabled"), Some(9)), PlanHealth::Healthy);
        assert_eq!(
            sku_health(Some("Warning"), Some(0)),
            PlanHealth::NeedsAttention
        );
        assert_eq!(sku_health(None, Some(9)), PlanHealth::Healthy);
    }
}
