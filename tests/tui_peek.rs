mod tui_support;
use crossterm::event::KeyCode;
use pcx::fetch::Payload;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use tui_support::*;

fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 { skip -= 1; continue; }
            let s = buf[(x, y)].symbol();
            out.push_str(s);
            skip = unicode_width::UnicodeWidthStr::width(s).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}

fn show(d: &Driver, w: u16, h: u16) {
    let theme = pcx::ui::Theme::new(true, false);
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    pcx::ui::draw(&d.model, &theme, "demo", area, &mut buf);
    println!("{}", text(&buf));
}

#[test]
fn peek() {
    let mut d = Driver::new(120, 40);
    show(&d, 120, 20);
    d.customers_loaded(customers(0..30), Some(cursor(1)));
    show(&d, 120, 20);
    let u = fetches(&d.send(code(KeyCode::Enter))).remove(0);
    let mut us = users(0..10); us.push(deleted_user(11));
    d.send(done(&u, Ok(Payload::Users(us, None))));
    show(&d, 120, 20);
    let l = fetches(&d.send(code(KeyCode::Enter))).remove(0);
    d.send(done(&l, Ok(Payload::Licences(vec![licence(1, "Microsoft 365 E5", &["Assigned", "Suspended", "Warning"]), licence(2, "Minecraft", &[])]))));
    show(&d, 120, 20);
    d.send(code(KeyCode::Enter));
    show(&d, 120, 20);
    show(&d, 80, 24);
    d.press("?");
    show(&d, 80, 24);
    d.send(code(KeyCode::Esc));
    d.press("hhs");
    show(&d, 120, 20);
    let s = d.last();
    d.send(done(&s, Err(no_access())));
    show(&d, 80, 24);
    show(&d, 30, 8);
}
