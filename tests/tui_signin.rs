//! Signing in again inside the explorer, driven through `update` with an injected clock: a
//! refused token opens the "signed out" modal only when pcx can sign in itself, a completed
//! sign-in reloads exactly the panes that failed (stack, selections and filters untouched),
//! and the modal hides, shows again, copies its code, counts down and starts over.

mod common;

use common::signin::*;
use common::*;
use crossterm::event::KeyCode;
use pcx::app::cache::LoadStatus;
use pcx::app::model::{Query, ScreenKind};
use pcx::app::msg::{Effect, Msg};
use pcx::app::session::{Account, Flow, Renewal, SignIn};
use pcx::fetch::Payload;
use pcx::ui::Theme;
use std::time::{Duration, UNIX_EPOCH};

#[test]
fn a_refused_token_opens_the_modal_and_asks_for_a_code_when_pcx_can_sign_in() {
    let mut d = on_users(Renewal::InPlace, 120, 40);
    let effects = users_refused(&mut d);
    assert_eq!(starts(&effects), [1]);
    assert!(d.model.signin.visible);
    assert_eq!(d.model.signin.flow, Flow::Starting);
    assert!(
        d.model
            .signin
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("HTTP 401, code 900421")),
        "{:?}",
        d.model.signin.reason
    );
    prompt(&mut d, 1);
    assert!(matches!(&d.model.signin.flow, Flow::Waiting { user_code, .. } if user_code == CODE));
    // A second refusal while the sign-in goes on asks for no second code.
    d.send(code(KeyCode::Esc));
    d.send(code(KeyCode::Tab));
    let cmd = d.last();
    let effects = d.send(done(&cmd, Err(signed_out())));
    assert!(starts(&effects).is_empty());
    assert!(!d.model.signin.visible, "hidden stays hidden");
}

#[test]
fn no_modal_when_the_token_comes_from_elsewhere_and_the_pane_says_what_to_do() {
    let cases = [
        (
            Renewal::EnvToken,
            "PCX_ACCESS_TOKEN, which pcx cannot renew",
        ),
        (
            Renewal::Command,
            "`az login --tenant YOUR_PARTNER_TENANT --allow-no-subscriptions`",
        ),
    ];
    for (renewal, says) in cases {
        let mut d = on_users(renewal, 120, 40);
        let effects = users_refused(&mut d);
        assert!(starts(&effects).is_empty(), "{renewal:?}");
        assert!(!d.model.signin.visible, "{renewal:?}");
        let theme = Theme::new(true, false);
        let lines = pcx::ui::signin::signed_out_lines(&d.model, &signed_out(), &theme)
            .expect("a signed-out pane is explained");
        assert!(
            lines.iter().any(|(l, _)| l.contains(says)),
            "{renewal:?}: {lines:?}"
        );
        let text = screen_text(&render(&d, 120, 40, &theme));
        assert!(
            text.contains("signed out: Partner Center refused the token"),
            "{text}"
        );
        assert!(
            status_line(&render(&d, 120, 40, &Theme::new(true, false)))
                .contains("signed out · the pane says what to do · r retries"),
            "{renewal:?}"
        );
        // L says the same instead of starting a sign-in.
        let effects = d.press("L");
        assert!(starts(&effects).is_empty());
        let flash = d.model.flash.as_ref().expect("L explains");
        assert!(flash.text.contains(says), "{renewal:?}: {}", flash.text);
    }
    // A session with nothing to sign in to (the demo) keeps its old explanation.
    let mut d = on_users(Renewal::None, 120, 40);
    assert!(starts(&users_refused(&mut d)).is_empty());
    let text = screen_text(&render(&d, 120, 40, &Theme::new(true, false)));
    assert!(text.contains("sign in again with `pcx login`"), "{text}");
}

#[test]
fn signed_in_reloads_the_failed_panes_and_leaves_stack_selection_and_filters_alone() {
    let mut d = Driver::new(120, 40);
    d.model.signin = SignIn::new(Renewal::InPlace, Account::Token(Some(alice(true))));
    d.customers_loaded(customers(0..12), None);
    // A filter kept on the customers list below, and one on the users list.
    d.press("/Customer 00");
    d.send(code(KeyCode::Enter));
    d.press("j");
    d.send(code(KeyCode::Enter));
    let cmd = d.last_for(&users_query(1));
    d.send(done(&cmd, Ok(Payload::Users(users(0..20), None))));
    d.press("/User 01");
    d.send(code(KeyCode::Enter));
    d.press("jj");
    // The users list refreshes (its rows stay) and a user's licences are opened: both refused.
    d.press("r");
    let refresh = d.last_for(&users_query(1));
    d.send(code(KeyCode::Enter));
    let licenses = d.last();
    assert!(matches!(licenses.query, Query::Licenses { .. }));
    let first = d.send(done(&refresh, Err(signed_out())));
    let second = d.send(done(&licenses, Err(signed_out())));
    assert_eq!(starts(&first), [1], "the first refusal asks for a code");
    assert!(starts(&second).is_empty(), "the second one does not");
    prompt(&mut d, 1);
    d.send(code(KeyCode::Esc));
    d.send(code(KeyCode::Char('L')));
    assert!(d.model.signin.visible);
    let before = stack(&d);
    let asked_before = d.log.len();

    // A late answer from an older attempt changes nothing.
    d.send(Msg::SignedIn {
        attempt: 0,
        identity: alice(true),
    });
    assert!(d.model.signin.visible);
    assert_eq!(d.log.len(), asked_before);

    let mut bob = alice(true);
    bob.user = Some("bob@partner.onmicrosoft.com".into());
    let effects = d.send(Msg::SignedIn {
        attempt: 1,
        identity: bob.clone(),
    });
    let again: Vec<Query> = fetches(&effects).into_iter().map(|c| c.query).collect();
    assert_eq!(again.len(), 2, "{again:?}");
    assert!(again.contains(&users_query(1)));
    assert!(again.contains(&licenses.query));
    assert_eq!(
        stack(&d),
        before,
        "screens, selections and filters untouched"
    );
    assert!(!d.model.signin.visible);
    assert_eq!(d.model.signin.flow, Flow::Idle);
    assert_eq!(d.model.signin.account, Account::Token(Some(bob)));
    assert!(
        d.model
            .flash
            .as_ref()
            .is_some_and(|f| f.text == "signed in as bob@partner.onmicrosoft.com")
    );
    // The reloads land where they were asked for, rows and filter kept.
    let refresh = d.last_for(&users_query(1));
    d.send(done(&refresh, Ok(Payload::Users(users(0..20), None))));
    let licenses = d.last_for(&licenses.query);
    d.send(done(
        &licenses,
        Ok(Payload::Licenses(vec![license(
            1,
            "Microsoft 365 E5",
            &["Enabled"],
        )])),
    ));
    assert!(matches!(
        d.model.cache.status(&licenses.query),
        LoadStatus::Ready { len: 1, .. }
    ));
    // The reloaded pane now has a selected row; everything below is as it was.
    let after = stack(&d);
    assert_eq!(after[..2], before[..2]);
    assert!(matches!(d.model.top().kind, ScreenKind::Licenses { .. }));
}

#[test]
fn the_modal_hides_shows_again_and_copies_its_code() {
    let mut d = on_users(Renewal::InPlace, 120, 40);
    users_refused(&mut d);
    prompt(&mut d, 1);
    let effects = d.press("c");
    assert_eq!(effects, vec![Effect::Copy(CODE.into())]);
    d.send(Msg::Copied(Ok(CODE.into())));
    assert!(d.model.flash.as_ref().is_some_and(|f| {
        f.text
            .starts_with("sent ABCD-EFGH to the clipboard by OSC 52")
    }));
    // Keys do not reach the screens below while it is up.
    let before = stack(&d);
    d.press("jjs");
    assert_eq!(stack(&d), before);
    for hide in [
        code(KeyCode::Esc),
        key('q'),
        key('h'),
        code(KeyCode::Backspace),
    ] {
        d.send(hide);
        assert!(!d.model.signin.visible);
        assert!(!d.model.quit, "q hides, it does not quit");
        let status = status_line(&render(&d, 120, 40, &Theme::new(true, false)));
        assert!(
            status.contains("signing in: enter ABCD-EFGH at https://microsoft.com/devicelogin"),
            "{status}"
        );
        let effects = d.press("L");
        assert!(starts(&effects).is_empty(), "the same code, not a new one");
        assert!(d.model.signin.visible);
    }
    // Ctrl-c still quits.
    let effects = d.send(Msg::Key(crossterm::event::KeyEvent::new(
        KeyCode::Char('c'),
        crossterm::event::KeyModifiers::CONTROL,
    )));
    assert!(effects.is_empty());
    assert!(d.model.quit);
}

#[test]
fn a_declined_or_expired_sign_in_says_so_and_enter_asks_for_a_new_code() {
    let mut d = on_users(Renewal::InPlace, 120, 40);
    users_refused(&mut d);
    prompt(&mut d, 1);
    d.send(Msg::SignInFailed {
        attempt: 1,
        message: "the sign-in was declined in the browser".into(),
    });
    assert!(d.model.signin.visible, "the modal says why");
    let text = screen_text(&render(&d, 120, 40, &Theme::new(true, false)));
    assert!(
        text.contains("The sign-in did not complete: the sign-in was declined"),
        "{text}"
    );
    assert!(text.contains("Enter or L asks for a new code"), "{text}");
    let effects = d.send(code(KeyCode::Enter));
    assert_eq!(starts(&effects), [2]);
    assert_eq!(d.model.signin.flow, Flow::Starting);
    // The old attempt's code arriving late is not shown.
    prompt(&mut d, 1);
    assert_eq!(d.model.signin.flow, Flow::Starting);
    prompt(&mut d, 2);
    assert!(matches!(d.model.signin.flow, Flow::Waiting { .. }));
    d.send(Msg::SignInFailed {
        attempt: 2,
        message: "the code expired before the sign-in was completed".into(),
    });
    // Closed after a failure, a further refusal does not reopen it; L does.
    d.send(code(KeyCode::Esc));
    let cmd = {
        d.send(code(KeyCode::Tab));
        d.last()
    };
    let effects = d.send(done(&cmd, Err(signed_out())));
    assert!(starts(&effects).is_empty());
    assert!(!d.model.signin.visible);
    let text = screen_text(&render(&d, 120, 40, &Theme::new(true, false)));
    assert!(
        text.contains("the sign-in did not complete: the code expired"),
        "{text}"
    );
    let effects = d.press("L");
    assert_eq!(starts(&effects), [3]);
    assert!(d.model.signin.visible);
}

#[test]
fn the_countdown_ticks_once_a_second_only_while_the_modal_is_up() {
    let mut d = on_users(Renewal::InPlace, 120, 40);
    users_refused(&mut d);
    prompt(&mut d, 1);
    let start = d.now;
    assert_eq!(
        d.model.next_deadline(start),
        Some(start + Duration::from_secs(1))
    );
    d.advance(Duration::from_millis(1500));
    assert_eq!(
        d.model.next_deadline(d.now),
        Some(start + Duration::from_secs(2))
    );
    let text = screen_text(&render(&d, 120, 40, &Theme::new(true, false)));
    assert!(
        text.contains("The code is valid for 14 min 59 s more."),
        "{text}"
    );
    d.send(code(KeyCode::Esc));
    assert_eq!(
        d.model.next_deadline(d.now),
        None,
        "hidden: no ticks, no output"
    );
    d.press("L");
    d.advance(Duration::from_secs(900));
    assert_eq!(
        d.model.next_deadline(d.now),
        None,
        "expired: nothing left to count"
    );
    let text = screen_text(&render(&d, 120, 40, &Theme::new(true, false)));
    assert!(text.contains("The code has expired."), "{text}");
}

#[test]
fn identity_updates_follow_the_token_and_a_token_without_mfa_is_flagged_once() {
    let mut d = Driver::new(120, 40);
    d.model.signin = SignIn::new(Renewal::InPlace, Account::Token(None));
    d.model.dirty = false;
    d.send(Msg::Identity(None));
    assert!(!d.model.dirty, "no change, no frame");
    d.send(Msg::Identity(Some(alice(false))));
    assert_eq!(d.model.signin.identity(), Some(&alice(false)));
    let flash = d.model.flash.clone().expect("a warning");
    assert!(flash.text.contains(pcx::auth::NO_MFA_WARNING));
    d.press("j");
    assert!(d.model.flash.is_none());
    // A silent refresh (a new expiry) is shown, but not warned about again.
    let mut later = alice(false);
    later.expires_at = Some(UNIX_EPOCH + Duration::from_secs(1_700_003_600));
    d.send(Msg::Identity(Some(later.clone())));
    assert_eq!(d.model.signin.identity(), Some(&later));
    assert!(d.model.flash.is_none());
    // Sessions without an account ignore identities.
    let mut demo = Driver::new(120, 40);
    demo.model.signin = SignIn::new(Renewal::None, Account::Demo);
    demo.send(Msg::Identity(Some(alice(true))));
    assert_eq!(demo.model.signin.account, Account::Demo);
}

#[test]
fn l_is_bound_to_sign_in() {
    use crossterm::event::{KeyEvent, KeyModifiers};
    let event = KeyEvent::new(KeyCode::Char('L'), KeyModifiers::SHIFT);
    assert_eq!(
        pcx::app::keymap::action(pcx::app::keymap::Mode::List, &event),
        Some(pcx::app::keymap::Action::SignIn)
    );
}
