//! The pure update: `update(&mut Model, Msg, now) -> Vec<Effect>`. Routes keys (help overlay,
//! prompts, then the keymap), fetch answers, ticks and resizes to the per-concern helpers in
//! `nav`, `loading` and `actions`. Time comes in as `now`; it never reads the clock or does I/O.

use super::keymap::{self, Action, Mode};
use super::model::{Model, ScreenKind};
use super::msg::{Effect, Fx, Msg};
use super::rows::Tone;
use super::{
    actions, command, loading, nav, partner, partner_view, privacy, profile, reqlog, signin,
};
use crossterm::event::{KeyEvent, KeyEventKind};
use std::time::Instant;
use tui_input::{Input, InputRequest};

/// The first effects: load the customers.
pub fn start(model: &mut Model, now: Instant) -> Vec<Effect> {
    model.now = now;
    let mut fx = Fx::new();
    if let Some(query) = model.top().kind.query() {
        loading::load(model, &query, &mut fx);
    }
    fx.effects.push(Effect::LoadSnapshot);
    model.dirty = true;
    fx.effects
}

/// Applies one message.
pub fn update(model: &mut Model, msg: Msg, now: Instant) -> Vec<Effect> {
    model.now = now;
    let mut fx = Fx::new();
    match msg {
        Msg::Key(key) => on_key(model, key, now, &mut fx),
        Msg::Paste(text) => on_paste(model, &text, now),
        Msg::Resize(width, height) => {
            model.size = (width, height);
            nav::clamp_all(model);
            model.dirty = true;
        }
        Msg::Tick => on_tick(model, now),
        Msg::Fetched(done) => on_fetched(model, done, now, &mut fx),
        Msg::Report { id, kind, result } => partner::on_report(model, id, kind, result),
        Msg::Snapshot(result) => partner::on_snapshot(model, result),
        Msg::ScanProgress(view) => partner::on_scan_progress(model, view),
        Msg::ScanEnded { text, complete } => partner::on_scan_ended(model, text, complete, &mut fx),
        Msg::SignInPrompt {
            attempt,
            user_code,
            verification_uri,
            expires_in,
        } => signin::on_prompt(model, attempt, user_code, verification_uri, expires_in, now),
        Msg::SignedIn { attempt, identity } => {
            signin::on_signed_in(model, attempt, identity, &mut fx)
        }
        Msg::SignInFailed { attempt, message } => signin::on_failed(model, attempt, message),
        Msg::Identity(identity) => signin::on_identity(model, identity),
        Msg::Log { entries, focus } => reqlog::show(model, entries, focus),
        Msg::ProfileSwitched(result) => {
            if profile::on_switched(model, result, now) {
                fx.effects.extend(start(model, now));
            }
        }
        Msg::Retrying { id, query, notice } => loading::on_retrying(model, id, &query, notice, now),
        // pcx cannot know whether the terminal took it: say what was sent, and the one tmux
        // setting that makes it arrive.
        Msg::Copied(result) => flash_outcome(
            model,
            result.map(|id| {
                format!("sent {id} to the clipboard by OSC 52 (in tmux: set -g set-clipboard on)")
            }),
            "copy",
        ),
        Msg::Exported(result) => {
            flash_outcome(model, result.map(|done| exported_text(&done)), "export")
        }
    }
    loading::fire_prefetch(model, now, &mut fx);
    partner_view::fire_rows(model, now, &mut fx);
    privacy::private_effects(model, &mut fx.effects);
    fx.effects
}

fn on_tick(model: &mut Model, now: Instant) {
    if model.busy() {
        model.spinner = model.spinner.wrapping_add(1);
        model.dirty = true;
    }
    if model.signin.visible && model.signin.remaining(now).is_some() {
        model.dirty = true;
    }
    // The token's expiry passed (pcx woke for it): the status bar now says "expired".
    let expiry = model.signin.identity().and_then(|i| i.expires_at);
    if expiry
        .zip(model.wall_now())
        .is_some_and(|(at, wall)| wall >= at)
    {
        model.dirty = true;
    }
}

/// A fetch's answer; when it is the one the screen waits for, what follows from it.
fn on_fetched(model: &mut Model, done: crate::fetch::FetchDone, now: Instant, fx: &mut Fx) {
    let query = done.query.clone();
    let current = model.cache.waiting_for(&query) == Some(done.id);
    loading::on_fetched(model, done, now, fx);
    if current {
        signin::after_fetch(model, &query, fx);
        if matches!(query, crate::fetch::Query::Users { .. }) {
            partner::seek_user(model, &query, fx);
            partner_view::schedule_rows(model, now, fx);
        }
    }
}

/// The flash for a finished copy or export: what was done, or why `what` failed.
fn flash_outcome(model: &mut Model, result: Result<String, String>, what: &str) {
    match result {
        Ok(text) => model.flash(text, Tone::Ok),
        Err(why) => model.flash(format!("{what} failed: {why}"), Tone::Bad),
    }
}

/// "exported 309 users to pcx-users-….csv in /home/op", saying when a filter left rows out.
/// The file name before its directory: a narrow status bar cuts the end, and the name is what
/// the operator looks for.
fn exported_text(done: &super::msg::Exported) -> String {
    let shown = |p: Option<&std::path::Path>| {
        crate::text::sanitize(&p.map(|p| p.display().to_string()).unwrap_or_default()).into_owned()
    };
    let name = shown(done.path.file_name().map(std::path::Path::new));
    let dir = shown(done.path.parent());
    let what = match done.rows < done.total {
        true => format!("{} of {} {} (filtered)", done.rows, done.total, done.noun),
        false => format!("{} {}", done.rows, done.noun),
    };
    format!("exported {what} to {name} in {dir}")
}

fn on_key(model: &mut Model, key: KeyEvent, now: Instant, fx: &mut Fx) {
    if key.kind == KeyEventKind::Release {
        return;
    }
    if model.flash.take().is_some() || std::mem::take(&mut model.snapshot_hint) {
        model.dirty = true;
    }
    let (w, h) = model.size;
    if super::layout::too_small(ratatui::layout::Rect::new(0, 0, w, h)) {
        // Only "terminal too small (q quits)" is on screen: q quits whatever the mode (even
        // while a filter is typed), and no other key acts unseen.
        model.quit = keymap::action(Mode::List, &key) == Some(Action::Quit);
        return;
    }
    let mode = model.mode();
    let Some(action) = keymap::action(mode, &key) else {
        return;
    };
    if action == Action::Quit {
        model.quit = true;
        return;
    }
    if mode == Mode::List
        && model.export.is_some()
        && matches!(action, Action::Back | Action::Export)
    {
        // The pages already asked for still arrive and stay loaded; only the file is dropped.
        model.export = None;
        model.flash("export cancelled: nothing written", Tone::Dim);
        return;
    }
    match mode {
        Mode::Modal => signin::modal_action(model, action, fx),
        Mode::Help => help_action(model, action),
        Mode::Prompt => search_action(model, action, now, fx),
        Mode::Filter => filter_action(model, action, now, fx),
        Mode::Command => command::action(model, action, fx),
        Mode::Log => reqlog::action(model, action, fx),
        Mode::List => act(model, action, now, fx),
    }
}

/// Performs one keymap action.
pub(crate) fn act(model: &mut Model, action: Action, now: Instant, fx: &mut Fx) {
    match action {
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::HalfPageUp
        | Action::HalfPageDown
        | Action::Top
        | Action::Bottom => {
            nav::move_cursor(model, action);
            nav::after_move(model, now, fx);
        }
        Action::Open if matches!(model.top().kind, ScreenKind::Report { .. }) => {
            partner::jump(model, fx)
        }
        Action::Open => nav::open(model, fx),
        Action::Back => nav::back(model, fx),
        Action::NextTab => nav::tab(model, true, fx),
        Action::PrevTab => nav::tab(model, false, fx),
        Action::Skus => nav::skus(model, fx),
        Action::Filter => start_filter(model),
        Action::Search => start_search(model),
        Action::Raw => actions::raw(model),
        Action::Copy => actions::copy(model, fx),
        Action::Export => actions::export(model, fx),
        Action::Refresh => match &model.top().kind {
            ScreenKind::Report { kind } => {
                let kind = kind.clone();
                partner::refresh_report(model, &kind, fx)
            }
            _ => loading::refresh_top(model, fx),
        },
        Action::Command => command::open(model),
        Action::Sort => partner::sort(model, false),
        Action::Reverse => partner::sort(model, true),
        Action::SignIn => signin::sign_in(model, fx),
        Action::Help => {
            model.help = Some(0);
            model.dirty = true;
        }
        Action::Quit => model.quit = true,
        Action::Submit
        | Action::Cancel
        | Action::Edit(_)
        | Action::Close
        | Action::CopyCode
        | Action::Complete => {}
    }
}

/// The help overlay: close it, or scroll it on a short terminal.
fn help_action(model: &mut Model, action: Action) {
    let max = super::layout::help_max_offset(model.size);
    let before = model.help;
    match (action, &mut model.help) {
        (Action::Close, help) => *help = None,
        (Action::Down, Some(offset)) => *offset = (*offset + 1).min(max),
        (Action::Up, Some(offset)) => *offset = offset.saturating_sub(1),
        _ => {}
    }
    model.dirty |= before != model.help;
}

fn start_filter(model: &mut Model) {
    if matches!(model.top().kind, ScreenKind::Raw { .. }) {
        model.flash("the raw JSON view has no filter", Tone::Dim);
        return;
    }
    let screen = model.top_mut();
    match &mut screen.filter {
        Some(filter) => filter.editing = true,
        None => screen.filter = Some(super::filter::Filter::new()),
    }
    model.dirty = true;
}

fn start_search(model: &mut Model) {
    match &model.top().kind {
        ScreenKind::Customers { search } => {
            let current = search.clone().unwrap_or_default();
            model.search = Some(Input::new(current));
            model.dirty = true;
        }
        _ => model.flash(
            "S searches customers by name: go back to the customers list first",
            Tone::Dim,
        ),
    }
}

/// Pasted text goes into an open prompt as one line; with no prompt it is ignored, so a paste
/// can never run commands.
fn on_paste(model: &mut Model, text: &str, now: Instant) {
    let clean = crate::text::sanitize(text);
    let chars = clean.trim().chars().map(InputRequest::InsertChar);
    if let Some(line) = model.command.as_mut() {
        for request in chars {
            line.input.handle(request);
        }
        model.dirty = true;
    } else if let Some(input) = model.search.as_mut() {
        for request in chars {
            input.handle(request);
        }
        model.dirty = true;
    } else if let Some(filter) = model.top_mut().filter.as_mut().filter(|f| f.editing) {
        for request in chars {
            filter.edit(request);
        }
        filter.follow_best = true;
        nav::refilter(model);
        after_edit(model, now);
    }
}

/// After the filter's text changed: the best match is selected (`refilter`), its users are
/// prefetched; no page is fetched, so typing that matches nothing does not pull in the list.
fn after_edit(model: &mut Model, now: Instant) {
    super::loading::schedule_prefetch(model, now);
}

fn filter_action(model: &mut Model, action: Action, now: Instant, fx: &mut Fx) {
    match action {
        Action::Cancel => {
            model.top_mut().filter = None;
            nav::refilter(model);
        }
        Action::Submit => {
            let screen = model.top_mut();
            if let Some(filter) = &mut screen.filter {
                filter.editing = false;
                if filter.query().trim().is_empty() {
                    screen.filter = None;
                }
            }
            nav::refilter(model);
        }
        Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
            nav::move_cursor(model, action);
            nav::after_move(model, now, fx);
        }
        Action::Edit(request) => {
            let changed = model.top_mut().filter.as_mut().is_some_and(|f| {
                let changed = f.edit(request);
                f.follow_best |= changed;
                changed
            });
            if changed {
                nav::refilter(model);
                after_edit(model, now);
            }
        }
        _ => return,
    }
    model.dirty = true;
}

fn search_action(model: &mut Model, action: Action, now: Instant, fx: &mut Fx) {
    match action {
        Action::Cancel => model.search = None,
        Action::Submit => {
            let prefix = model
                .search
                .as_ref()
                .map(|i| i.value().trim().to_string())
                .unwrap_or_default();
            let max = crate::api::client::MAX_SEARCH_CHARS;
            let typed = prefix.chars().count();
            if typed > max {
                // Partner Center would answer 400, which `r` cannot fix: say the limit now and
                // keep the prompt (and the text) for shortening.
                model.flash(
                    format!(
                        "at most {max} characters ({typed} typed): the start of the company \
                         name is enough"
                    ),
                    Tone::Warn,
                );
                return;
            }
            model.search = None;
            nav::search_customers(model, prefix, now, fx);
        }
        Action::Edit(request) => {
            if let Some(input) = model.search.as_mut() {
                input.handle(request);
            }
        }
        _ => return,
    }
    model.dirty = true;
}
