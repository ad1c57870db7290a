//! The breadcrumb line: where the operator is (`Customers › Contoso › alice@… › Microsoft 365
//! E5`) and, on the right, what pcx is connected to. Cuts from the left when too long.

use super::theme::Theme;
use super::widgets::put_right;
use crate::app::model::{Model, ScreenKind};
use crate::text::width;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// The breadcrumb items of the screen stack.
pub fn crumbs(model: &Model) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for screen in &model.screens {
        let push_customer = |out: &mut Vec<String>, name: &str| {
            if out.last().map(String::as_str) != Some(name) {
                out.push(name.to_string());
            }
        };
        match &screen.kind {
            ScreenKind::Customers { search: None } => out.push("Customers".into()),
            ScreenKind::Customers {
                search: Some(prefix),
            } => out.push(format!("search \"{}\"", crate::text::sanitize(prefix))),
            ScreenKind::Users {
                customer,
                deleted: false,
            } => push_customer(&mut out, &customer.name),
            ScreenKind::Users {
                customer,
                deleted: true,
            } => {
                push_customer(&mut out, &customer.name);
                out.push("deleted users".into());
            }
            ScreenKind::Skus { customer } => {
                push_customer(&mut out, &customer.name);
                out.push("subscribed SKUs".into());
            }
            ScreenKind::Subscriptions { customer } => {
                push_customer(&mut out, &customer.name);
                out.push("subscriptions".into());
            }
            ScreenKind::Licenses { user, .. } => out.push(user.name.to_string()),
            ScreenKind::Plans { sku, .. } => out.push(sku.name.to_string()),
            ScreenKind::Raw { .. } => out.push("raw JSON".into()),
            ScreenKind::Report { kind } => out.push(kind.title()),
        }
    }
    out
}

pub fn draw(buf: &mut Buffer, area: Rect, model: &Model, theme: &Theme, title: &str) {
    let right = format!("pcx{}{}", theme.dot(), crate::text::sanitize(title));
    let right_w = width(&right) as u16;
    // One column of margin on the left, two between the crumbs and the title.
    let room = area.width.saturating_sub(right_w + 4);
    let crumbs = crumbs(model);
    let sep = theme.separator();
    let mut text = crumbs.join(sep);
    // Keep the deepest levels: drop leading crumbs until it fits.
    let mut skip = 0;
    while width(&text) > usize::from(room) && skip + 1 < crumbs.len() {
        skip += 1;
        let lead = if theme.ascii { "..." } else { "…" };
        text = format!("{lead}{sep}{}", crumbs[skip..].join(sep));
    }
    let text = theme.fit(&text, usize::from(room));
    let end = text.len();
    let last = crumbs.last().map_or(0, |c| c.len());
    // The current level in bold, the way there plain.
    let (way, here) = if end >= last && text.ends_with(crumbs.last().map_or("", String::as_str)) {
        text.split_at(end - last)
    } else {
        (&*text, "")
    };
    let (x, _) = buf.set_stringn(area.x + 1, area.y, way, usize::from(room), theme.dim());
    let used = x - (area.x + 1);
    buf.set_stringn(
        x,
        area.y,
        here,
        usize::from(room.saturating_sub(used)),
        theme.title(),
    );
    put_right(buf, area, &right, right_w, theme.dim());
}
