//! The `:` command line: the text being typed (tui-input), its history (↑/↓), Tab completion,
//! parsing a line into a command (an unknown word names the nearest command), and what each
//! command does to the model (the request log and privacy mode live in their own modules). Effects go out through `Fx`; nothing here performs I/O.

use super::keymap::Action;
use super::model::{Model, Screen, ScreenKind};
use super::msg::{Effect, Fx};
use super::nav;
use super::report_pane::ReportKind;
use super::rows::Tone;
use tui_input::Input;

/// Every command, with its arguments and what it does (`:help` and the README list these).
pub const COMMANDS: &[(&str, &str, &str)] = &[
    (
        "problems",
        "",
        "every plan needing attention and every over-consumed SKU",
    ),
    (
        "seats",
        "",
        "seats per customer and SKU: bought, used, free, flags",
    ),
    (
        "who-has",
        "QUERY",
        "users holding a SKU or service plan (name, part number, id)",
    ),
    (
        "totals",
        "",
        "per customer: users, licensed, SKUs, seats, problems",
    ),
    (
        "renewals",
        "[DAYS]",
        "subscriptions ending within DAYS (30) and whether to cut seats first",
    ),
    ("snapshots", "", "the scans in the store"),
    (
        "diff",
        "[A] [B]",
        "what changed between two snapshots (default: the latest two)",
    ),
    (
        "scan",
        "[users | stop]",
        "scan the partner in the background (users: every licence)",
    ),
    (
        "customer",
        "PREFIX",
        "jump to the first customer whose name starts with PREFIX",
    ),
    (
        "log",
        "",
        "every HTTP request of the session (Enter: whole, c: copy as curl)",
    ),
    (
        "privacy",
        "",
        "pseudonyms for names, domains and ids on / off (screen sharing)",
    ),
    (
        "profile",
        "[NAME]",
        "switch to another partner profile of the config (none: list them)",
    ),
    ("help", "", "the keys and these commands"),
    ("q", "", "quit"),
];

/// A parsed command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Report(ReportKind),
    Scan { users: bool },
    StopScan,
    Customer(String),
    Log,
    Privacy,
    Profile(Option<String>),
    Help,
    Quit,
}

/// The open command line and the history it walks.
#[derive(Clone, Debug, Default)]
pub struct CommandLine {
    pub input: Input,
    /// Position in the history while walking it with ↑/↓ (None: the line being typed).
    walking: Option<usize>,
    /// What was typed before walking the history, restored by ↓ past the newest.
    typed: String,
}

/// Parses one line (without the `:`).
pub fn parse(line: &str) -> Result<Command, String> {
    let mut words = line.split_whitespace();
    let Some(word) = words.next() else {
        return Err("no command".into());
    };
    let rest: Vec<&str> = words.collect();
    let none = |cmd: Command| match rest.as_slice() {
        [] => Ok(cmd),
        _ => Err(format!(":{word} takes no argument")),
    };
    match word {
        "problems" => none(Command::Report(ReportKind::Problems)),
        "seats" => none(Command::Report(ReportKind::Seats)),
        "totals" => none(Command::Report(ReportKind::Totals)),
        "snapshots" => none(Command::Report(ReportKind::Snapshots)),
        "renewals" => match rest.as_slice() {
            [] => Ok(Command::Report(ReportKind::Renewals(RENEWAL_DAYS))),
            [days] => match days.parse::<u32>() {
                Ok(days) => Ok(Command::Report(ReportKind::Renewals(days))),
                Err(_) => Err(":renewals takes a number of days: :renewals 7".into()),
            },
            _ => Err(":renewals takes a number of days: :renewals 7".into()),
        },
        "who-has" | "whohas" => match rest.as_slice() {
            [] => Err(":who-has needs a SKU or plan: :who-has SPE_E5".into()),
            words => Ok(Command::Report(ReportKind::WhoHas(words.join(" ")))),
        },
        "diff" => {
            let ids: Result<Vec<i64>, _> = rest.iter().map(|w| w.parse::<i64>()).collect();
            match ids.as_deref() {
                Ok([]) => Ok(Command::Report(ReportKind::Diff(None, None))),
                Ok([a]) => Ok(Command::Report(ReportKind::Diff(Some(*a), None))),
                Ok([a, b]) => Ok(Command::Report(ReportKind::Diff(Some(*a), Some(*b)))),
                _ => Err(":diff takes up to two snapshot ids: :diff 3 4".into()),
            }
        }
        "scan" => match rest.as_slice() {
            [] => Ok(Command::Scan { users: false }),
            ["users"] => Ok(Command::Scan { users: true }),
            ["stop"] => Ok(Command::StopScan),
            _ => Err(":scan takes users or stop: :scan users".into()),
        },
        "customer" => match rest.as_slice() {
            [] => Err(":customer needs a name prefix: :customer Contoso".into()),
            words => Ok(Command::Customer(words.join(" "))),
        },
        "log" => none(Command::Log),
        "privacy" => none(Command::Privacy),
        "profile" => match rest.as_slice() {
            [] => Ok(Command::Profile(None)),
            [name] => Ok(Command::Profile(Some(name.to_string()))),
            _ => Err(":profile takes one name: :profile contoso-prod".into()),
        },
        "help" | "h" | "?" => none(Command::Help),
        "q" | "quit" | "q!" => none(Command::Quit),
        other => Err(match nearest(other) {
            Some(near) => format!("unknown command :{other}: did you mean :{near}?"),
            None => format!("unknown command :{other}: :help lists the commands"),
        }),
    }
}

/// The window `:renewals` looks at without a number (as `pcx report renewals`).
const RENEWAL_DAYS: u32 = 30;

/// The command closest to a mistyped word.
pub fn nearest(word: &str) -> Option<&'static str> {
    COMMANDS
        .iter()
        .map(|(name, _, _)| (strsim::damerau_levenshtein(word, name), *name))
        .filter(|(d, name)| *d <= name.len().max(3) / 2 + 1 || name.starts_with(word))
        .min()
        .map(|(_, name)| name)
}

/// Tab: completes the command word (or `:scan`'s argument, or a profile's name) to the
/// longest common prefix of what matches.
pub fn complete(line: &str, profiles: &[String]) -> Option<String> {
    let (head, word, options): (&str, &str, Vec<&str>) = match line.split_once(' ') {
        None => (
            "",
            line,
            COMMANDS.iter().map(|(name, _, _)| *name).collect(),
        ),
        Some(("scan", arg)) if !arg.contains(' ') => ("scan ", arg, vec!["users", "stop"]),
        Some(("profile", arg)) if !arg.contains(' ') => (
            "profile ",
            arg,
            profiles.iter().map(String::as_str).collect(),
        ),
        Some(_) => return None,
    };
    let matches: Vec<&str> = options
        .into_iter()
        .filter(|o| o.starts_with(word))
        .collect();
    let first = matches.first()?;
    let mut common = first.len();
    for m in &matches[1..] {
        common = common.min(
            first
                .bytes()
                .zip(m.bytes())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    let mut out = format!("{head}{}", &first[..common]);
    if matches.len() == 1 {
        out.push(' ');
    }
    (out != line).then_some(out)
}

/// `:` opens the command line.
pub fn open(model: &mut Model) {
    model.command = Some(CommandLine::default());
    model.dirty = true;
}

/// A key's action while the command line has the keyboard.
pub(crate) fn action(model: &mut Model, action: Action, fx: &mut Fx) {
    let Some(line) = model.command.as_mut() else {
        return;
    };
    match action {
        Action::Cancel => model.command = None,
        Action::Submit => {
            let text = line.input.value().trim().to_string();
            model.command = None;
            if !text.is_empty() {
                if model.history.last() != Some(&text) {
                    model.history.push(text.clone());
                }
                run_line(model, &text, fx);
            }
        }
        Action::Complete => {
            if let Some(done) = complete(line.input.value(), &model.profiles) {
                line.input = Input::new(done);
            }
        }
        Action::Up | Action::Down => walk_history(line, &model.history, action == Action::Up),
        Action::Edit(request) => {
            line.input.handle(request);
            line.walking = None;
        }
        _ => return,
    }
    model.dirty = true;
}

fn walk_history(line: &mut CommandLine, history: &[String], older: bool) {
    if history.is_empty() {
        return;
    }
    let next = match (line.walking, older) {
        (None, true) => {
            line.typed = line.input.value().to_string();
            Some(history.len() - 1)
        }
        (None, false) => return,
        (Some(i), true) => Some(i.saturating_sub(1)),
        (Some(i), false) if i + 1 < history.len() => Some(i + 1),
        (Some(_), false) => None,
    };
    line.walking = next;
    let text = match next {
        Some(i) => history[i].clone(),
        None => std::mem::take(&mut line.typed),
    };
    line.input = Input::new(text);
}

/// Runs a typed line; a bad one says why in the status bar.
pub(crate) fn run_line(model: &mut Model, text: &str, fx: &mut Fx) {
    match parse(text) {
        Ok(command) => run(model, command, fx),
        Err(why) => model.flash(why, Tone::Bad),
    }
}

pub(crate) fn run(model: &mut Model, command: Command, fx: &mut Fx) {
    match command {
        Command::Report(kind) => open_report(model, kind, fx),
        Command::Scan { users } => {
            if model.scan.is_some() {
                model.flash("a scan is already running: :scan stop stops it", Tone::Dim);
                return;
            }
            model.scan = Some(super::model::ScanState::starting(users));
            fx.effects.push(Effect::StartScan { with_users: users });
            model.dirty = true;
        }
        Command::StopScan => {
            if model.scan.is_none() {
                model.flash("no scan is running", Tone::Dim);
                return;
            }
            fx.effects.push(Effect::StopScan);
            model.flash("stopping the scan (:scan resumes it)", Tone::Dim);
        }
        Command::Customer(prefix) => jump_to_customer(model, &prefix, fx),
        Command::Log => super::reqlog::open(model, fx),
        Command::Privacy => super::privacy::toggle(model),
        Command::Profile(name) => super::profile::switch(model, name, fx),
        Command::Help => {
            model.help = Some(0);
            model.dirty = true;
        }
        Command::Quit => model.quit = true,
    }
}

/// Opens a report as a pane on top (replacing a report already on top) and loads it.
fn open_report(model: &mut Model, kind: ReportKind, fx: &mut Fx) {
    if matches!(model.top().kind, ScreenKind::Report { .. }) && model.screens.len() > 1 {
        model.screens.pop();
    }
    model
        .screens
        .push(Screen::new(ScreenKind::Report { kind: kind.clone() }));
    model.prefetch = None;
    super::partner::load_report(model, &kind, fx);
    nav::refilter(model);
    model.dirty = true;
}

/// `:customer PREFIX`: back to the customers list, on the first loaded customer whose name
/// starts with the prefix; if none is loaded, a server-side search for it.
fn jump_to_customer(model: &mut Model, prefix: &str, fx: &mut Fx) {
    while model.screens.len() > 1 {
        nav::back_one(model, fx);
    }
    model.top_mut().filter = None;
    let wanted = prefix.to_lowercase();
    let found = {
        let screen = model.top();
        let view = screen.view(&model.cache);
        view.table()
            .and_then(|t| (0..t.len()).find(|&i| t.label(i).to_lowercase().starts_with(&wanted)))
    };
    match found {
        Some(pos) => {
            let screen = model.top_mut();
            screen.selected = pos;
            screen.selected_id = None;
            nav::refilter(model);
            nav::after_move(model, model.now, fx);
        }
        None => nav::search_customers(model, prefix.to_string(), model.now, fx),
    }
    model.dirty = true;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_with_their_arguments() {
        assert_eq!(
            parse("who-has  SPE_E5 "),
            Ok(Command::Report(ReportKind::WhoHas("SPE_E5".into())))
        );
        assert_eq!(
            parse("diff 3 4"),
            Ok(Command::Report(ReportKind::Diff(Some(3), Some(4))))
        );
        assert_eq!(parse("scan users"), Ok(Command::Scan { users: true }));
        assert_eq!(parse("scan stop"), Ok(Command::StopScan));
        assert!(parse("diff x").is_err());
        assert!(parse("problems now").is_err());
        assert!(parse("who-has").is_err());
    }

    #[test]
    fn an_unknown_command_names_the_nearest() {
        let err = parse("problms").unwrap_err();
        assert!(err.contains(":problems"), "{err}");
        let err = parse("frobnicate").unwrap_err();
        assert!(err.contains("unknown command"), "{err}");
    }

    #[test]
    fn tab_completes_to_the_common_prefix() {
        assert_eq!(complete("prob", &[]).as_deref(), Some("problems "));
        assert_eq!(
            complete("s", &[]),
            None,
            "seats, snapshots and scan share only the s"
        );
        assert_eq!(complete("sn", &[]).as_deref(), Some("snapshots "));
        assert_eq!(complete("scan u", &[]).as_deref(), Some("scan users "));
        assert_eq!(complete("zzz", &[]), None);
        let profiles = ["contoso-prod".to_string(), "sandbox".to_string()];
        assert_eq!(
            complete("profile c", &profiles).as_deref(),
            Some("profile contoso-prod ")
        );
    }
}
