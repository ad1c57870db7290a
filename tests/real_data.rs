//! Meanings a real tenant shows, against the sandbox over HTTP: the two kinds of 403 (a
//! Partner Center role for partner-level data, a GDAP role for a customer's data), capability
//! statuses classified in one place (off on purpose is not a problem; a SKU switched off while
//! its seats are in use is), 408 retried like other transient failures, and next-page links
//! given as absolute URLs.

mod common;

use pcx::api::status::{PlanHealth, plan_health};
use pcx::api::{ApiClient, ApiError, CallContext, CustomerQuery, Resource, SubscribedSku};
use pcx::app::model::Query;
use pcx::app::rows::{LicenseRow, Mark, PLAN_COLUMNS, Row, SkuRow, Tone, plan_cell};
use pcx::cli::{ListCommand, OutputArgs, OutputFormat};
use pcx::sandbox::{FaultConfig, FaultKind, Sandbox, SandboxConfig};
use pcx::ui::theme::Theme;
use std::time::Duration;

async fn start(config: SandboxConfig) -> Sandbox {
    common::start_sandbox(config).await
}

fn client(sandbox: &Sandbox) -> ApiClient {
    common::client_with(&sandbox.base_url(), common::token("any"), |c| {
        c.retry.base_delay = Duration::from_millis(5);
        c.retry.max_delay = Duration::from_millis(20);
        c.retry.max_retry_after = Duration::from_secs(2);
    })
}

/// A listing command as `pcx` runs it: its output, or its error as printed.
async fn run(client: &ApiClient, command: ListCommand) -> Result<String, String> {
    let mut out = Vec::new();
    pcx::listing::run(client, &command, 100, &mut out)
        .await
        .map(|_| String::from_utf8_lossy(&out).into_owned())
        .map_err(|e| e.to_string())
}

fn table() -> OutputArgs {
    OutputArgs {
        output: Some(OutputFormat::Table),
    }
}

fn customers() -> ListCommand {
    ListCommand::Customers {
        search: None,
        domain: None,
        output: table(),
    }
}

/// The id of the demo customer with this name.
async fn demo_customer(client: &ApiClient, company: &str) -> String {
    let all = CustomerQuery {
        page_size: 500,
        search: None,
    };
    let page = client
        .customers_page(&CallContext::new(), &all, None)
        .await
        .unwrap();
    page.items
        .iter()
        .find(|c| {
            c.data
                .company_profile
                .as_ref()
                .and_then(|p| p.company_name.as_deref())
                == Some(company)
        })
        .and_then(|c| c.data.id.as_deref())
        .unwrap()
        .to_string()
}

/// The demo customer with this name, and the id of its user whose UPN starts with `upn`.
async fn demo_user(client: &ApiClient, company: &str, upn: &str) -> (String, String) {
    let customer = demo_customer(client, company).await;
    let (users, _) = common::all_users(client, &customer, 500, false).await;
    let user = users
        .iter()
        .find(|u| {
            u.data
                .user_principal_name
                .as_deref()
                .is_some_and(|p| p.starts_with(upn))
        })
        .and_then(|u| u.data.id.as_deref())
        .unwrap()
        .to_string();
    (customer, user)
}

#[tokio::test]
async fn a_403_on_partner_data_names_partner_center_roles_and_on_customer_data_gdap_roles() {
    let mut config = SandboxConfig::demo();
    config.partner_role = false;
    let sandbox = start(config).await;
    let err = run(&client(&sandbox), customers()).await.unwrap_err();
    assert!(err.contains("HTTP 403"), "{err}");
    assert!(
        err.contains("Partner Center role")
            && err.contains("Admin agent, Sales agent or Helpdesk agent"),
        "{err}"
    );
    assert!(!err.contains("GDAP"), "{err}");
    let search = ListCommand::Customers {
        search: Some("Co".into()),
        domain: None,
        output: table(),
    };
    let err = run(&client(&sandbox), search).await.unwrap_err();
    assert!(err.contains("Admin agent"), "{err}");
    // The explorer's pane says the same for the customer list.
    let refused = client(&sandbox)
        .customers_page(&CallContext::new(), &CustomerQuery::default(), None)
        .await
        .unwrap_err();
    let theme = Theme::new(false, false);
    let line = pcx::ui::state::headline(&refused, Some(&Query::Customers { search: None }), &theme);
    assert!(
        line.contains("Admin agent") && !line.contains("GDAP"),
        "{line}"
    );

    // A customer whose GDAP relationship expired: its users, licences and SKUs.
    let sandbox = start(SandboxConfig::demo()).await;
    let client = client(&sandbox);
    let expired = demo_customer(&client, "Graphic Design Institute").await;
    let users = ListCommand::Users {
        customer_id: expired.clone(),
        deleted: false,
        output: table(),
    };
    let err = run(&client, users).await.unwrap_err();
    assert!(
        err.contains("GDAP roles Directory Readers, Global Reader or User Administrator"),
        "{err}"
    );
    assert!(!err.contains("Admin agent"), "{err}");
    let skus = ListCommand::Skus {
        customer_id: expired.clone(),
        groups: vec![],
        output: table(),
    };
    let err = run(&client, skus).await.unwrap_err();
    assert!(
        err.contains("License Administrator") && err.contains("Directory Readers"),
        "{err}"
    );
    let refused = client
        .subscribed_skus(&CallContext::new(), &expired, &[])
        .await
        .unwrap_err();
    assert!(matches!(refused, ApiError::NoAccess(_)));
    let line = pcx::ui::state::headline(
        &refused,
        Some(&Query::Skus {
            customer_id: expired.into(),
        }),
        &theme,
    );
    assert!(line.contains("GDAP roles Directory Readers"), "{line}");
}

#[tokio::test]
async fn plans_switched_off_or_retired_are_not_problems_and_real_problems_still_are() {
    let sandbox = start(SandboxConfig::demo()).await;
    let client = client(&sandbox);
    let ctx = CallContext::new();
    // Lynne has two plans of E3 switched off on purpose (and one Microsoft retired), and EMS
    // Suspended: only EMS needs attention.
    let (lamna, lynne) = demo_user(&client, "Lamna Healthcare Company", "lynne.robbins").await;
    let licenses = client
        .user_licenses(&ctx, &lamna, &lynne, &[])
        .await
        .unwrap();
    let rows: Vec<LicenseRow> = licenses.into_iter().map(LicenseRow::new).collect();
    let part = |r: &LicenseRow| {
        r.res
            .data
            .product_sku
            .as_ref()
            .and_then(|s| s.sku_part_number.as_deref())
            .unwrap_or_default()
            .to_string()
    };
    let e3 = rows.iter().find(|r| part(r) == "SPE_E3").unwrap();
    let off: Vec<_> = e3
        .res
        .data
        .service_plans
        .iter()
        .filter(|p| p.health() == PlanHealth::Off)
        .collect();
    assert!(off.len() >= 2, "Disabled and Deleted plans: {off:?}");
    assert_eq!((e3.attention, e3.mark()), (0, Mark::None));
    for plan in off {
        let cell = plan_cell(plan, 0);
        assert_eq!(cell.tone, Tone::Dim, "{}", cell.text);
    }
    let ems = rows.iter().find(|r| part(r) == "EMS").unwrap();
    assert!(ems.attention > 0 && ems.mark() == Mark::Attention);

    // The listing marks the same way: `! Suspended`, but `Disabled` unmarked.
    let listed = run(
        &client,
        ListCommand::Licenses {
            customer_id: lamna.clone(),
            user_id: lynne,
            groups: vec![],
            output: table(),
        },
    )
    .await
    .unwrap();
    assert!(listed.contains("! Suspended"), "{listed}");
    assert!(
        listed.contains(" Disabled") && !listed.contains("! Disabled"),
        "{listed}"
    );
    assert!(!listed.contains("! Deleted"), "{listed}");

    // Lamna's E3 SKU holds only a retired plan: not a problem; EMS is.
    let skus = client.subscribed_skus(&ctx, &lamna, &[]).await.unwrap();
    let sku = |part: &str| sku_of(&skus, part);
    assert!(!sku("SPE_E3").data.needs_attention());
    assert!(sku("EMS").data.needs_attention());
}

fn sku_of<'a>(skus: &'a [Resource<SubscribedSku>], part: &str) -> &'a Resource<SubscribedSku> {
    skus.iter()
        .find(|s| {
            s.data
                .product_sku
                .as_ref()
                .and_then(|p| p.sku_part_number.as_deref())
                == Some(part)
        })
        .unwrap_or_else(|| panic!("no {part}"))
}

#[tokio::test]
async fn a_sku_deleted_while_its_seats_are_in_use_needs_attention() {
    let sandbox = start(SandboxConfig::demo()).await;
    let client = client(&sandbox);
    let (trey, _) = demo_user(&client, "Trey Research", "ruth.bakker").await;
    let skus = client
        .subscribed_skus(&CallContext::new(), &trey, &[])
        .await
        .unwrap();
    let retired = sku_of(&skus, "POWERAPPS_PER_USER");
    let status = retired
        .data
        .capability_status
        .as_ref()
        .map(|s| s.as_str().to_string());
    assert_eq!(status.as_deref(), Some("Deleted"));
    assert!(retired.data.consumed_units.unwrap_or(0) > 0);
    assert_eq!(plan_health("Deleted"), PlanHealth::Off);
    // Off by its status alone, but users still consume its seats: they are about to lose it.
    assert!(retired.data.needs_attention());
    assert_eq!(SkuRow::new(retired.clone()).mark(), Mark::Attention);
    assert!(!sku_of(&skus, "VISIOCLIENT").data.needs_attention());
    let listed = run(
        &client,
        ListCommand::Skus {
            customer_id: trey,
            groups: vec![],
            output: table(),
        },
    )
    .await
    .unwrap();
    let line = listed.lines().find(|l| l.contains("Power Apps")).unwrap();
    assert!(line.contains("! Deleted"), "{listed}");
}

#[test]
fn a_status_pcx_does_not_know_shows_whole_while_the_pane_has_room() {
    let unknown = "PendingProvisioningConfiguration";
    let widths = [unknown.chars().count() as u16, 30, 20, 6, 36];
    let spans = pcx::ui::widgets::layout(PLAN_COLUMNS, &widths, 120);
    let status = spans.iter().find(|s| s.column == 0).unwrap();
    // The glyph and a space, then the whole value.
    assert!(status.width as usize >= unknown.len() + 2, "{spans:?}");
    assert_eq!(plan_health(unknown), PlanHealth::NeedsAttention);
}

#[tokio::test]
async fn http_408_is_retried_like_other_transient_failures() {
    let sandbox = start(SandboxConfig::generated(3, 2, 1)).await;
    sandbox.set_faults(FaultConfig::only(&[FaultKind::RequestTimeout], 1.0));
    let client = client(&sandbox);
    let err = client
        .customers_page(&CallContext::new(), &CustomerQuery::default(), None)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(408), "{err}");
    assert_eq!(
        sandbox.api_request_count(),
        3,
        "every attempt the policy allows"
    );
}

#[tokio::test]
async fn an_absolute_next_link_on_the_api_host_is_followed_and_one_elsewhere_is_an_error() {
    let sandbox = start(SandboxConfig::generated(250, 1, 5)).await;
    sandbox.set_next_link_root(Some(sandbox.base_url()));
    let client = client(&sandbox);
    let json = ListCommand::Customers {
        search: None,
        domain: None,
        output: OutputArgs {
            output: Some(OutputFormat::Json),
        },
    };
    let listed = run(&client, json).await.unwrap();
    let all: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(all.as_array().map(Vec::len), Some(250));
    assert_eq!(sandbox.api_request_count(), 3);

    sandbox.set_next_link_root(Some("https://elsewhere.example".into()));
    let err = run(&client, customers()).await.unwrap_err();
    assert!(
        err.contains("another host (https://elsewhere.example)"),
        "{err}"
    );
    assert!(err.contains("not the API host"), "{err}");
    assert_eq!(
        sandbox.api_request_count(),
        4,
        "the foreign link was not requested"
    );
}
