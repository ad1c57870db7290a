//! The reports over one snapshot: seats, problems, who-has, totals, and the snapshot list.
//! Each builds a `Report` from the store's rows; friendly names come from `names`.

use super::names::{plan_name, sku_name};
use super::{Cell, Column, Report, col, data};
use crate::store::{HoldingRow, PlanEntry, SkuEntry, SkuSeats, SnapshotInfo, Store, StoreError};
use std::collections::HashMap;

const SEATS: &[Column] = &[
    data("customerId"),
    col("companyName", "CUSTOMER"),
    data("skuId"),
    data("skuPartNumber"),
    col("skuName", "SKU"),
    data("capabilityStatus"),
    col("total", "TOTAL"),
    col("consumed", "USED"),
    col("available", "FREE"),
    col("warning", "WARN"),
    col("suspended", "SUSP"),
    col("flag", "FLAG"),
];

/// The flag of a SKU row, most serious first.
fn seat_flag(row: &SkuSeats, unused: i64) -> Option<&'static str> {
    let status = row.status.as_deref().unwrap_or_default();
    if over_consumed(row) {
        Some("over-consumed")
    } else if row.suspended.unwrap_or(0) > 0 || status.eq_ignore_ascii_case("Suspended") {
        Some("suspended")
    } else if row.warning.unwrap_or(0) > 0 || status.eq_ignore_ascii_case("Warning") {
        Some("warning")
    } else if available(row).is_some_and(|a| a >= unused) {
        Some("unused")
    } else {
        None
    }
}

fn over_consumed(row: &SkuSeats) -> bool {
    matches!((row.total, row.consumed), (Some(t), Some(c)) if c > t)
}

fn available(row: &SkuSeats) -> Option<i64> {
    row.available.or_else(|| Some(row.total? - row.consumed?))
}

/// The SKU's friendly name (Microsoft's list by GUID), else the name Partner Center sent.
fn friendly_sku(id: &str, api_name: Option<&str>) -> Cell {
    Cell::text(sku_name(id).or(api_name))
}

/// One row per customer x SKU with seat counts and a flag (`unused`: at least this many free).
pub fn seats(store: &Store, snapshot: i64, unused: i64) -> Result<Report, StoreError> {
    let mut report = Report::new(SEATS);
    for seat in store.seats(snapshot)? {
        let row = &seat.sku;
        let flag = seat_flag(row, unused.max(1));
        report.push(vec![
            Cell::Text(seat.customer_id.clone()),
            Cell::text(seat.company_name.as_deref()),
            Cell::Text(row.sku_id.clone()),
            Cell::text(row.part_number.as_deref()),
            friendly_sku(&row.sku_id, row.name.as_deref()),
            Cell::text(row.status.as_deref()),
            Cell::int(row.total),
            Cell::int(row.consumed),
            Cell::int(available(row)),
            Cell::int(row.warning),
            Cell::int(row.suspended),
            Cell::text(flag),
        ]);
    }
    Ok(report)
}

const PROBLEMS: &[Column] = &[
    data("customerId"),
    col("companyName", "CUSTOMER"),
    data("userId"),
    col("userPrincipalName", "USER"),
    data("skuId"),
    col("skuPartNumber", "SKU"),
    data("skuName"),
    data("servicePlanId"),
    col("serviceName", "PLAN"),
    data("planName"),
    col("capabilityStatus", "STATUS"),
    col("problem", "PROBLEM"),
];

/// The columns problems and who-has share, from a holding row.
fn holding_cells(r: HoldingRow) -> Vec<Cell> {
    let plan = r.plan_id.as_deref();
    vec![
        Cell::Text(r.customer_id.clone()),
        Cell::text(r.company_name.as_deref()),
        Cell::text(r.user_id.as_deref()),
        Cell::text(r.upn.as_deref()),
        Cell::Text(r.sku_id.clone()),
        Cell::text(r.part_number.as_deref()),
        Cell::text(sku_name(&r.sku_id)),
        Cell::text(plan),
        Cell::text(r.service_name.as_deref()),
        Cell::text(plan.and_then(plan_name)),
        Cell::text(r.status.as_deref()),
    ]
}

/// Every plan that needs attention (users' licences and subscribed SKUs) and every
/// over-consumed SKU.
pub fn problems(store: &Store, snapshot: i64) -> Result<Report, StoreError> {
    let mut report = Report::new(PROBLEMS);
    for p in store.problem_plans(snapshot)? {
        let mut row = holding_cells(p);
        row.push(Cell::Text("plan-needs-attention".into()));
        report.push(row);
    }
    for seat in store
        .seats(snapshot)?
        .iter()
        .filter(|r| over_consumed(&r.sku))
    {
        let row = &seat.sku;
        report.push(vec![
            Cell::Text(seat.customer_id.clone()),
            Cell::text(seat.company_name.as_deref()),
            Cell::Null,
            Cell::Null,
            Cell::Text(row.sku_id.clone()),
            Cell::text(row.part_number.as_deref()),
            friendly_sku(&row.sku_id, row.name.as_deref()),
            Cell::Null,
            Cell::Null,
            Cell::Null,
            Cell::text(row.status.as_deref()),
            Cell::Text("over-consumed".into()),
        ]);
    }
    Ok(report)
}

/// Who-has shows the same fields as problems, without the problem.
const WHO_HAS: &[Column] = PROBLEMS.split_at(PROBLEMS.len() - 1).0;

/// Which SKU and plan ids a who-has query names: an id exactly, a part number or service
/// name exactly, a SKU or plan name exactly (all ignoring case); when nothing matches
/// exactly, names that contain the query.
fn matching_ids(query: &str, skus: &[SkuEntry], plans: &[PlanEntry]) -> (Vec<String>, Vec<String>) {
    let q = query.trim().to_lowercase();
    let exact = |s: Option<&str>| s.is_some_and(|s| s.to_lowercase() == q);
    let within = |s: Option<&str>| s.is_some_and(|s| s.to_lowercase().contains(&q));
    let pick = |contains: bool| {
        let name = |s| if contains { within(s) } else { exact(s) };
        let sku_ids: Vec<String> = skus
            .iter()
            .filter(|(id, part, api_name)| {
                (!contains && (exact(Some(id)) || exact(part.as_deref())))
                    || name(api_name.as_deref())
                    || name(sku_name(id))
            })
            .map(|(id, _, _)| id.clone())
            .collect();
        let plan_ids: Vec<String> = plans
            .iter()
            .filter(|(id, service)| {
                (!contains && (exact(Some(id)) || exact(service.as_deref()))) || name(plan_name(id))
            })
            .map(|(id, _)| id.clone())
            .collect();
        (sku_ids, plan_ids)
    };
    let (skus_found, plans_found) = pick(false);
    if skus_found.is_empty() && plans_found.is_empty() && !q.is_empty() {
        return pick(true);
    }
    (skus_found, plans_found)
}

/// Every user holding a SKU or service plan the query names.
pub fn who_has(store: &Store, snapshot: i64, query: &str) -> Result<Report, StoreError> {
    let (skus, plans) = store.catalogue(snapshot)?;
    let (sku_ids, plan_ids) = matching_ids(query, &skus, &plans);
    let mut report = Report::new(WHO_HAS);
    for r in store.holders(snapshot, &sku_ids, &plan_ids)? {
        report.push(holding_cells(r));
    }
    Ok(report)
}

const TOTALS: &[Column] = &[
    data("customerId"),
    col("companyName", "CUSTOMER"),
    col("users", "USERS"),
    col("licensedUsers", "LICENSED"),
    col("skus", "SKUS"),
    col("seatsTotal", "SEATS"),
    col("seatsConsumed", "USED"),
    col("problems", "PROBLEMS"),
    col("failure", "FAILURE"),
];

/// Per customer counts and a total row (its `customerId` is null).
pub fn totals(store: &Store, snapshot: i64) -> Result<Report, StoreError> {
    let mut over: HashMap<String, i64> = HashMap::new();
    for row in store
        .seats(snapshot)?
        .iter()
        .filter(|r| over_consumed(&r.sku))
    {
        *over.entry(row.customer_id.clone()).or_default() += 1;
    }
    let mut report = Report::new(TOTALS);
    let mut sum = [0i64; 6];
    for t in store.totals(snapshot)? {
        let problems = t.problems + over.get(&t.customer_id).copied().unwrap_or(0);
        let figures = [
            t.users,
            t.licensed_users,
            t.skus,
            t.seats_total,
            t.seats_consumed,
            problems,
        ];
        for (s, f) in sum.iter_mut().zip(figures) {
            *s += f;
        }
        let mut row = vec![
            Cell::Text(t.customer_id),
            Cell::text(t.company_name.as_deref()),
        ];
        row.extend(figures.map(Cell::Int));
        row.push(Cell::text(t.failure.as_deref()));
        report.push(row);
    }
    let mut total = vec![Cell::Null, Cell::Text("Total".into())];
    total.extend(sum.map(Cell::Int));
    total.push(Cell::Null);
    report.push(total);
    Ok(report)
}

const SNAPSHOTS: &[Column] = &[
    col("id", "ID"),
    col("partner", "PARTNER"),
    data("baseUrl"),
    data("tenant"),
    col("started", "STARTED"),
    col("finished", "FINISHED"),
    col("withUsers", "USERS?"),
    data("scope"),
    col("complete", "COMPLETE"),
    col("customers", "CUSTOMERS"),
    col("users", "USERS"),
    col("requests", "REQUESTS"),
    data("throttled"),
    col("failures", "FAILURES"),
];

/// The snapshots in a store, oldest first.
pub fn snapshots(list: &[SnapshotInfo]) -> Report {
    let mut report = Report::new(SNAPSHOTS);
    for s in list {
        report.push(vec![
            Cell::Int(s.id),
            Cell::Text(s.partner().label()),
            Cell::Text(s.base_url.clone()),
            Cell::Text(s.tenant.clone()),
            Cell::Text(s.started.clone()),
            Cell::text(s.finished.as_deref()),
            Cell::Bool(s.with_users),
            Cell::Text(s.scope.clone()),
            Cell::Bool(s.complete),
            Cell::Int(s.customers),
            Cell::Int(s.users),
            Cell::Int(s.requests),
            Cell::Int(s.throttled),
            Cell::Int(s.failures),
        ]);
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seat(total: i64, consumed: i64, warning: i64, suspended: i64) -> SkuSeats {
        SkuSeats {
            sku_id: "s".into(),
            part_number: None,
            name: None,
            status: Some("Enabled".into()),
            total: Some(total),
            consumed: Some(consumed),
            available: None,
            warning: Some(warning),
            suspended: Some(suspended),
        }
    }

    #[test]
    fn seat_flags_put_the_most_serious_first() {
        assert_eq!(seat_flag(&seat(5, 6, 0, 5), 1), Some("over-consumed"));
        assert_eq!(seat_flag(&seat(5, 1, 0, 5), 1), Some("suspended"));
        assert_eq!(seat_flag(&seat(5, 1, 5, 0), 1), Some("warning"));
        assert_eq!(seat_flag(&seat(5, 3, 0, 0), 2), Some("unused"));
        assert_eq!(seat_flag(&seat(5, 4, 0, 0), 2), None);
        assert_eq!(seat_flag(&seat(5, 5, 0, 0), 1), None);
    }

    #[test]
    fn who_has_matches_ids_exactly_and_names_loosely() {
        let skus = vec![
            (
                "06ebc4ee-1bb5-47dd-8120-11324bc54e06".to_string(),
                Some("SPE_E5".to_string()),
                None,
            ),
            (
                "05e9a617-0261-4cee-bb44-138d3ef5d965".to_string(),
                Some("SPE_E3".to_string()),
                None,
            ),
        ];
        let plans = vec![(
            "efb87545-963c-4e0d-99df-69c6916d9eb0".to_string(),
            Some("EXCHANGE_S_ENTERPRISE".to_string()),
        )];
        assert_eq!(
            matching_ids("spe_e5", &skus, &plans).0,
            vec![skus[0].0.clone()]
        );
        assert_eq!(
            matching_ids("EFB87545-963C-4E0D-99DF-69C6916D9EB0", &skus, &plans).1,
            vec![plans[0].0.clone()]
        );
        // Microsoft's friendly names, exactly or (when nothing is exact) contained.
        assert_eq!(
            matching_ids("Microsoft 365 E5", &skus, &plans).0,
            vec![skus[0].0.clone()]
        );
        assert_eq!(
            matching_ids("exchange online (plan 2)", &skus, &plans)
                .1
                .len(),
            1
        );
        assert_eq!(matching_ids("Microsoft 365 E", &skus, &plans).0.len(), 2);
        assert!(matching_ids("06ebc4ee", &skus, &plans).0.is_empty());
    }
}
