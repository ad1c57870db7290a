//! A synthetic partner of any size, derived from a seed. It stores only the seed and the
//! counts: customer i, its users, subscriptions and licences are computed when asked for,
//! so 20,000 (or 4 billion) customers start instantly. Same seed, same bytes.

use super::catalog::{Catalog, CatalogSku};
use super::hash::{IndexedIds, mix, pick};
use super::people::{NameStyle, Synthetic, fold_ascii};
use super::records::{
    Address, Contact, CustomerDetails, CustomerRec, PlanStatus, Rule, Subscription, UserRec,
    UserSlot,
};
use super::words::{
    AR_COMPANY_STEMS, AR_COMPANY_TRADES, COMPANY_STEMS, COMPANY_TRADES, COUNTRIES, EMOJI,
    FIRST_NAMES, JAPAN, JP_COMPANY_STEMS, JP_COMPANY_TRADES, LAST_NAMES, SAUDI_ARABIA, STREETS,
};
use std::borrow::Cow;
use uuid::Uuid;

/// Main suites; every active user holds the customer's one.
const SUITES: &[&str] = &[
    "SPE_E3",
    "SPE_E5",
    "SPB",
    "O365_BUSINESS_PREMIUM",
    "O365_BUSINESS_ESSENTIALS",
    "ENTERPRISEPACK",
    "SPE_F1",
];

/// Add-ons some users hold.
const ADD_ONS: &[&str] = &[
    "POWER_BI_PRO",
    "VISIOCLIENT",
    "PROJECTPROFESSIONAL",
    "MCOEV",
    "Microsoft_365_Copilot",
    "EMS",
];

type CountryData = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static str,
);

/// The generated partner: nothing per customer is stored.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GeneratedPartner {
    customers: u32,
    users_per_customer: u32,
    seed: u64,
    catalog: &'static Catalog,
    /// Months on (`pcx sandbox --month N`): the first N customers have left, N new ones have
    /// joined, and seats, users, licences and statuses have moved (see `at_month`).
    month: u32,
}

/// Customer i's company facts, computed from the seed.
struct Company {
    name: String,
    domain: String,
    style: NameStyle,
    country: CountryData,
    hash: u64,
}

impl GeneratedPartner {
    pub(crate) fn new(
        customers: u32,
        users_per_customer: u32,
        seed: u64,
        catalog: &'static Catalog,
    ) -> Self {
        Self {
            customers,
            users_per_customer,
            seed,
            catalog,
            month: 0,
        }
    }

    /// The same partner `month` months on. Customer positions shift by `month`: the first
    /// ones leave, as many join at the end; each change is decided from the seed, so the same
    /// month always looks the same.
    pub(crate) fn at_month(self, month: u32) -> Self {
        Self { month, ..self }
    }

    /// The customer's identity index (stable across months) at position i.
    fn real(&self, i: usize) -> u32 {
        (i as u32).wrapping_add(self.month)
    }

    /// A change decision for customer i in this month (0 in month 0: nothing changes).
    fn change(&self, i: usize, salt: &[u64]) -> Option<u64> {
        if self.month == 0 {
            return None;
        }
        let mut parts = vec![self.seed, u64::from(self.real(i)), u64::from(self.month)];
        parts.extend_from_slice(salt);
        Some(mix(&parts))
    }

    /// Active users of customer i: a user leaves here, one or two join there.
    fn active(&self, i: usize) -> u32 {
        let users = self.users_per_customer;
        match self.change(i, &[0xA11]).map(|h| h % 5) {
            Some(0) if users >= 2 => users - 1,
            Some(1) => users + 1,
            Some(2) => users + 2,
            _ => users,
        }
    }

    pub(crate) fn describe(&self) -> String {
        format!(
            "generated partner: {} customers x {} users, seed {}",
            self.customers, self.users_per_customer, self.seed
        )
    }

    pub(crate) fn customer_count(&self) -> usize {
        self.customers as usize
    }

    fn customer_ids(&self) -> IndexedIds {
        IndexedIds::new(mix(&[self.seed, 0xC057]))
    }

    pub(crate) fn find_customer(&self, id: &Uuid) -> Option<usize> {
        let i = self.customer_ids().index_of(id)?.checked_sub(self.month)?;
        (i < self.customers).then_some(i as usize)
    }

    pub(crate) fn customer(&self, i: usize) -> CustomerRec<'static> {
        let company = self.company(i);
        CustomerRec {
            id: self.customer_ids().id(self.real(i)),
            name: Cow::Owned(company.name),
            domain: Cow::Owned(company.domain),
            relationship: if company.hash.is_multiple_of(20) {
                "advisor"
            } else {
                "reseller"
            },
        }
    }

    pub(crate) fn details(&self, i: usize) -> CustomerDetails {
        let company = self.company(i);
        let (code, _, cities, culture) = company.country;
        let h = mix(&[company.hash, 0xAD]);
        let contact_first = FIRST_NAMES[pick(h, FIRST_NAMES.len())];
        let contact_last = LAST_NAMES[pick(h >> 13, LAST_NAMES.len())];
        CustomerDetails {
            gdap: true,
            dap: false,
            address: Address {
                country: Some(code.to_string()),
                region: None,
                city: Some(cities[pick(h >> 7, cities.len())].to_string()),
                address_line1: Some(format!(
                    "{} {}",
                    1 + h % 240,
                    STREETS[pick(h >> 21, STREETS.len())]
                )),
                postal_code: Some(format!("{:05}", (h >> 29) % 100_000)),
                phone_number: Some(format!(
                    "+{} 555 01{:02}",
                    calling_code(code),
                    (h >> 47) % 100
                )),
            },
            contact: Contact {
                email: format!(
                    "{}.{}@{}",
                    fold_ascii(contact_first),
                    fold_ascii(contact_last),
                    company.domain
                ),
                first_name: contact_first.to_string(),
                last_name: contact_last.to_string(),
            },
            culture: culture.to_string(),
            custom_domains: vec![company.domain],
        }
    }

    fn company(&self, i: usize) -> Company {
        let i = self.real(i);
        let h = mix(&[self.seed, u64::from(i), 0xC0]);
        let roll = h % 100;
        let word = |salt: u64, n: usize| pick(mix(&[h, salt]), n);
        // One in twenty companies is Japanese and one in twenty-five Arabic: names of their
        // own script, domains of the names romanised.
        let foreign = match roll {
            0..5 => Some((
                JP_COMPANY_STEMS,
                JP_COMPANY_TRADES,
                NameStyle::Japanese,
                JAPAN,
                ("株式会社", ""),
            )),
            5..9 => Some((
                AR_COMPANY_STEMS,
                AR_COMPANY_TRADES,
                NameStyle::Arabic,
                SAUDI_ARABIA,
                ("شركة ", " "),
            )),
            _ => None,
        };
        if let Some((stems, trades, style, country, (prefix, between))) = foreign {
            let (stem, stem_r) = stems[word(1, stems.len())];
            let (trade, trade_r) = trades[word(2, trades.len())];
            let name = format!("{prefix}{stem}{between}{trade}");
            return Company {
                name,
                domain: format!("{stem_r}{trade_r}{i}.onmicrosoft.com"),
                style,
                country,
                hash: h,
            };
        }
        let country = COUNTRIES[word(3, COUNTRIES.len())];
        let stem = if roll.is_multiple_of(5) {
            LAST_NAMES[word(1, LAST_NAMES.len())]
        } else {
            COMPANY_STEMS[word(1, COMPANY_STEMS.len())]
        };
        let trade = COMPANY_TRADES[word(2, COMPANY_TRADES.len())];
        let name = if roll < 12 {
            format!("{stem} {trade} {}", EMOJI[word(4, EMOJI.len())])
        } else {
            format!("{stem} {trade} {}", country.1[word(5, country.1.len())])
        };
        Company {
            domain: format!(
                "{}{}{i}.onmicrosoft.com",
                fold_ascii(stem),
                fold_ascii(trade)
            ),
            name,
            style: NameStyle::Latin,
            country,
            hash: h,
        }
    }

    /// Customer i's users; `company` must be `self.company(i)`.
    fn people<'d>(&self, i: usize, company: &'d Company) -> Synthetic<'static, 'd> {
        let real = u64::from(self.real(i));
        Synthetic {
            ids: IndexedIds::new(mix(&[self.seed, real, 0x05E7])),
            key: mix(&[self.seed, real, 0x9E]),
            style: company.style,
            domain: &company.domain,
            location: Some(company.country.0),
            active: self.active(i),
            deleted: (company.hash >> 32) as u32 % 3,
            synced: (company.hash >> 8) % 10 < 3,
        }
    }

    pub(crate) fn user_count(&self, i: usize, deleted: bool) -> usize {
        let company = self.company(i);
        let people = self.people(i, &company);
        (if deleted {
            people.deleted
        } else {
            people.active
        }) as usize
    }

    /// Users `from..from + size` of the active (or deleted) ones of customer i, and how many
    /// there are in all; the company is derived once for the whole page.
    pub(crate) fn users(
        &self,
        i: usize,
        deleted: bool,
        from: usize,
        size: usize,
    ) -> (Vec<UserRec<'static>>, usize) {
        let company = self.company(i);
        let people = self.people(i, &company);
        let (offset, count) = if deleted {
            (people.active, people.deleted)
        } else {
            (0, people.active)
        };
        let end = from.saturating_add(size).min(count as usize);
        let users = (from..end)
            .map(|j| people.user(offset + j as u32))
            .collect();
        (users, count as usize)
    }

    pub(crate) fn find_user(&self, i: usize, id: &Uuid) -> Option<UserRec<'static>> {
        let company = self.company(i);
        let people = self.people(i, &company);
        let j = people.ids.index_of(id)?;
        (j < people.len()).then(|| people.user(j))
    }

    /// Customer i's subscriptions and the rules saying which users hold them.
    pub(crate) fn subscriptions(&self, i: usize) -> (Vec<Subscription>, Vec<Rule>) {
        let users = self.active(i);
        let h = mix(&[self.seed, u64::from(self.real(i)), 0x5C]);
        // Seats bought (+2) or cut (-1) on subscription k this month.
        let bought = |k: u64| match self.change(i, &[k, 0x5EA7]).map(|h| h % 6) {
            Some(0) => 2,
            Some(1) => -1,
            _ => 0,
        };
        let mut subs = Vec::new();
        let mut rules = Vec::new();
        let mut add = |sku: &'static CatalogSku,
                       rule: Rule,
                       slack: i64,
                       status: PlanStatus,
                       exceptions: Vec<(usize, PlanStatus)>| {
            let consumed = i64::from(rule.count(users));
            let slack = slack + bought(subs.len() as u64);
            rules.push(Rule {
                subscription: subs.len(),
                ..rule
            });
            subs.push(Subscription {
                sku,
                status,
                plan_exceptions: exceptions,
                total: consumed + slack,
                consumed,
                commerce: None,
            });
        };
        if let Some(suite) = self.catalog.sku(SUITES[pick(h, SUITES.len())]) {
            let status = if h.is_multiple_of(50) {
                PlanStatus::Warning
            } else {
                PlanStatus::Enabled
            };
            let exceptions = self.suite_exceptions(i, h, suite);
            let rule = Rule {
                subscription: 0,
                start: 0,
                every: 1,
                limit: None,
            };
            add(suite, rule, (h >> 8) as i64 % 5, status, exceptions);
        }
        for (k, part) in ADD_ONS.iter().enumerate() {
            let a = mix(&[h, k as u64]);
            let Some(sku) = self.catalog.sku(part).filter(|_| a % 10 < 3) else {
                continue;
            };
            // This month the add-on moves to other users: licences removed and assigned.
            let moved = self
                .change(i, &[k as u64, 0x11C])
                .is_some_and(|x| x % 4 == 0);
            let rule = Rule {
                subscription: 0,
                start: (a >> 8) as u32 % 4 + u32::from(moved),
                every: 3 + (a >> 16) as u32 % 8,
                limit: None,
            };
            // Now and then one add-on has more seats assigned than bought.
            let slack = if a.is_multiple_of(53) {
                -1
            } else {
                (a >> 24) as i64 % 3
            };
            add(sku, rule, slack, PlanStatus::Enabled, Vec::new());
        }
        (subs, rules)
    }

    /// The plans of customer `i`'s suite that are not as the SKU says: Teams suspended now and
    /// then, and now and then a plan turned Suspended or Warning this month.
    fn suite_exceptions(&self, i: usize, h: u64, suite: &CatalogSku) -> Vec<(usize, PlanStatus)> {
        let mut exceptions = match suite.plan_index("TEAMS1") {
            Some(p) if h % 97 == 1 => vec![(p, PlanStatus::Suspended)],
            _ => Vec::new(),
        };
        if let Some(x) = self.change(i, &[0x57A7]).filter(|x| x % 4 == 0)
            && !suite.plans.is_empty()
        {
            let plan = pick(x >> 8, suite.plans.len());
            let status = if (x >> 20) % 2 == 0 {
                PlanStatus::Suspended
            } else {
                PlanStatus::Warning
            };
            exceptions.retain(|(p, _)| *p != plan);
            exceptions.push((plan, status));
        }
        exceptions
    }

    /// Indices (into `subscriptions(i).0`) of the licences a user holds; deleted users hold none.
    pub(crate) fn held(&self, i: usize, user: &UserRec<'_>) -> Vec<usize> {
        let UserSlot::Synthetic(j) = user.slot else {
            return Vec::new();
        };
        if user.is_deleted() {
            return Vec::new();
        }
        let (_, rules) = self.subscriptions(i);
        rules
            .iter()
            .filter(|r| r.holds(j))
            .map(|r| r.subscription)
            .collect()
    }
}

/// The international calling code of the countries the generator uses.
fn calling_code(country: &str) -> u32 {
    match country {
        "GB" => 44,
        "DE" => 49,
        "FR" => 33,
        "NL" => 31,
        "SE" => 46,
        "DK" => 45,
        "NO" => 47,
        "AU" => 61,
        "IE" => 353,
        "ES" => 34,
        "IT" => 39,
        "PL" => 48,
        "CH" => 41,
        "JP" => 81,
        "SA" => 966,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::super::catalog::catalog;
    use super::*;

    #[test]
    fn holds_only_seed_and_counts() {
        // By design: no per-customer storage, whatever the size.
        assert!(std::mem::size_of::<GeneratedPartner>() <= 32);
        let huge = GeneratedPartner::new(u32::MAX, 25, 9, catalog().unwrap());
        let last = huge.customer(u32::MAX as usize - 1);
        assert_eq!(huge.find_customer(&last.id), Some(u32::MAX as usize - 1));
    }

    #[test]
    fn same_seed_same_customers_other_seed_other_ids() {
        let a = GeneratedPartner::new(100, 3, 7, catalog().unwrap());
        let b = GeneratedPartner::new(100, 3, 7, catalog().unwrap());
        let c = GeneratedPartner::new(100, 3, 8, catalog().unwrap());
        for i in [0, 1, 50, 99] {
            assert_eq!(a.customer(i), b.customer(i));
            assert_ne!(a.customer(i).id, c.customer(i).id);
        }
        assert_eq!(a.find_customer(&c.customer(3).id), None);
    }

    #[test]
    fn a_later_month_shifts_customers_and_keeps_seats_consistent() {
        let now = GeneratedPartner::new(40, 37, 3, catalog().unwrap());
        let later = now.at_month(1);
        // The first customer left, the others keep their ids, one joined at the end.
        assert_eq!(later.find_customer(&now.customer(0).id), None);
        assert_eq!(later.customer(0).id, now.customer(1).id);
        assert_eq!(later.find_customer(&later.customer(39).id), Some(39));
        assert_eq!(now.find_customer(&later.customer(39).id), None);
        let users: Vec<usize> = (0..39).map(|i| later.user_count(i, false)).collect();
        assert!(
            users.iter().any(|&n| n != 37),
            "users joined or left somewhere"
        );
        for i in 0..40 {
            let (subs, _) = later.subscriptions(i);
            let mut held = vec![0i64; subs.len()];
            for user in &later.users(i, false, 0, usize::MAX).0 {
                for k in later.held(i, user) {
                    held[k] += 1;
                }
            }
            let consumed: Vec<i64> = subs.iter().map(|s| s.consumed).collect();
            assert_eq!(held, consumed, "customer {i} in month 1");
        }
    }

    #[test]
    fn seat_counts_match_the_users_holding_them() {
        let p = GeneratedPartner::new(40, 37, 3, catalog().unwrap());
        for i in 0..40 {
            let (subs, _) = p.subscriptions(i);
            let mut held = vec![0i64; subs.len()];
            let (users, _) = p.users(i, false, 0, usize::MAX);
            for user in &users {
                for k in p.held(i, user) {
                    held[k] += 1;
                }
            }
            let consumed: Vec<i64> = subs.iter().map(|s| s.consumed).collect();
            assert_eq!(held, consumed, "customer {i}");
            assert_eq!(held[0], 37, "every active user holds the suite");
        }
    }
}
