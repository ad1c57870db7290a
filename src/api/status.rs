//! How healthy a `capabilityStatus` is, by one rule shared by the explorer's marks and the
//! partner-wide reports. Pure text classification; no I/O.

/// What a plan or SKU status means to an operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanHealth {
    /// Working as intended (`Enabled`, `Assigned`).
    Healthy,
    /// Something to look at: `Warning`, `Suspended`, `LockedOut`, or a value pcx does not know.
    NeedsAttention,
    /// Turned off on purpose (`Disabled`, `Deleted`).
    Off,
}

/// Classifies a status as Partner Center spells it (case-insensitive, surrounding spaces ignored).
pub fn plan_health(status: &str) -> PlanHealth {
    let status = status.trim();
    let is = |name: &str| status.eq_ignore_ascii_case(name);
    if is("Enabled") || is("Assigned") {
        PlanHealth::Healthy
    } else if is("Disabled") || is("Deleted") {
        PlanHealth::Off
    } else {
        // Unknown values included: a status pcx cannot read is worth a look, never hidden.
        PlanHealth::NeedsAttention
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_classified_by_the_shared_rule() {
        for s in ["Enabled", "Assigned", "assigned"] {
            assert_eq!(plan_health(s), PlanHealth::Healthy, "{s}");
        }
        for s in ["Warning", "Suspended", "LockedOut", "PendingActivation", ""] {
            assert_eq!(plan_health(s), PlanHealth::NeedsAttention, "{s}");
        }
        for s in ["Disabled", "Deleted"] {
            assert_eq!(plan_health(s), PlanHealth::Off, "{s}");
        }
    }
}
