//! Keys, paste and mouse: moving the selection, popups, the filter, quitting and suspending.

use super::*;

#[test]
fn selection_follows_the_person_across_refreshes_sorts_and_filters() {
    let (mut app, r, now) = ready(8);
    app.update(key('l'), now);
    app.update(key('l'), now);
    let chosen = selected_id(&app);
    // Everyone else turns busy: the order changes, the selection stays on the same person.
    app.update(key('r'), now);
    let mut answer: Vec<Presence> = r
        .ids()
        .iter()
        .map(|id| presence(id.as_str(), "Busy", "Busy", Some("5")))
        .collect();
    let idx = answer.iter().position(|p| p.id.as_str() == chosen).unwrap();
    answer[idx] = presence(&chosen, "Offline", "OffWork", Some("5"));
    app.update(polled(&r, answer), now);
    assert_eq!(selected_id(&app), chosen);
    assert_eq!(
        app.cursor(),
        Some(app.visible().len() - 1),
        "offline sorts last"
    );
    app.update(key('s'), now);
    assert_eq!(app.sort(), SortOrder::Name);
    assert_eq!(selected_id(&app), chosen);
    app.update(key('/'), now);
    for c in chosen.chars() {
        app.update(key(c), now);
    }
    assert_eq!(app.visible().len(), 1);
    assert_eq!(selected_id(&app), chosen);
    app.update(code(KeyCode::Esc), now);
    assert_eq!(app.visible().len(), 9);
    assert_eq!(selected_id(&app), chosen);
    app.update(
        Msg::Resize {
            width: 30,
            height: 8,
        },
        now,
    );
    assert_eq!(selected_id(&app), chosen);
}

#[test]
fn vim_moves_follow_the_grid() {
    let (mut app, _, now) = ready(20); // 21 people, three columns at 80x24
    assert_eq!(app.cursor(), Some(0));
    app.update(key('j'), now);
    assert_eq!(app.cursor(), Some(3));
    app.update(key('l'), now);
    assert_eq!(app.cursor(), Some(4));
    app.update(code(KeyCode::Down), now);
    assert_eq!(app.cursor(), Some(7));
    app.update(key('k'), now);
    app.update(key('h'), now);
    assert_eq!(app.cursor(), Some(3));
    app.update(key('G'), now);
    assert_eq!(app.cursor(), Some(20));
    let effects = app.update(key('g'), now);
    assert!(effects.is_empty());
    assert_eq!(app.pending().keys_text(), "g");
    assert_eq!(
        app.next_deadline().unwrap(),
        now.instant + crate::app::keymap::SEQUENCE_TIMEOUT
    );
    app.update(key('g'), now);
    assert_eq!(app.cursor(), Some(0));
    app.update(ctrl('d'), now);
    assert_eq!(app.cursor(), Some(6), "half of four rows is two rows");
    app.update(ctrl('u'), now);
    assert_eq!(app.cursor(), Some(0));
    // A lone g that times out does nothing and clears the prefix.
    app.update(key('g'), now);
    app.update(Msg::Deadline, now.after(Duration::from_secs(2)));
    assert!(app.pending().is_empty());
    assert_eq!(app.cursor(), Some(0));
}

#[test]
fn quit_suspend_resume_and_signals() {
    let (mut app, _, now) = ready(2);
    assert!(matches!(
        app.update(key('q'), now).as_slice(),
        [Effect::Quit]
    ));
    assert!(matches!(
        app.update(ctrl('c'), now).as_slice(),
        [Effect::Quit]
    ));
    assert!(matches!(
        app.update(ctrl('z'), now).as_slice(),
        [Effect::Suspend]
    ));
    assert!(matches!(
        app.update(Msg::Resumed, now).as_slice(),
        [Effect::Redraw]
    ));
    assert!(matches!(
        app.update(Msg::Terminate(Signal::Terminate), now)
            .as_slice(),
        [Effect::Terminate(143)]
    ));
    assert!(matches!(
        app.update(Msg::Terminate(Signal::Hangup), now).as_slice(),
        [Effect::Terminate(129)]
    ));
    assert!(matches!(
        app.update(Msg::Terminate(Signal::Interrupt), now)
            .as_slice(),
        [Effect::Terminate(130)]
    ));
    assert!(matches!(
        app.update(Msg::Terminate(Signal::Quit), now).as_slice(),
        [Effect::Terminate(131)]
    ));
    let release = KeyEvent::new_with_kind(
        KeyCode::Char('q'),
        KeyModifiers::NONE,
        KeyEventKind::Release,
    );
    assert!(
        app.update(Msg::Key(release), now).is_empty(),
        "only presses count"
    );
}

#[test]
fn a_paste_goes_only_to_the_filter_and_never_quits() {
    let (mut app, _, now) = ready(5);
    assert!(app.update(Msg::Paste("q".into()), now).is_empty());
    assert!(
        !app.filter().is_active(),
        "outside the filter a paste is dropped"
    );
    app.update(key('/'), now);
    assert_eq!(app.mode(), Mode::Filter);
    let effects = app.update(
        Msg::Paste("q\u{3}\x1b[2J\x1b]52;c;aGk=\x07Person 01".into()),
        now,
    );
    assert!(effects.is_empty(), "{effects:?}");
    let value = app.filter().input.value().to_owned();
    assert!(
        !value.contains('\x1b') && !value.contains('\u{3}'),
        "{value:?}"
    );
    assert!(value.ends_with("Person 01"));
    assert_eq!(app.mode(), Mode::Filter);
}

#[test]
fn filter_keeps_with_enter_clears_with_esc_and_says_when_no_one_matches() {
    let (mut app, _, now) = ready(5);
    app.update(key('/'), now);
    for c in "zzzz".chars() {
        app.update(key(c), now);
    }
    assert!(app.visible().is_empty());
    assert_eq!(app.selected().map(|p| p.id.clone()), None);
    app.update(ctrl('w'), now);
    assert_eq!(app.visible().len(), 6, "ctrl-w deletes the word");
    app.update(key('0'), now);
    app.update(key('3'), now);
    app.update(code(KeyCode::Enter), now);
    assert_eq!(app.mode(), Mode::Board);
    assert!(app.filter().is_active());
    let kept = app.visible().len();
    assert!((1..6).contains(&kept));
    assert!(
        matches!(app.update(key('q'), now).as_slice(), [Effect::Quit]),
        "q quits again after Enter"
    );
    app.update(code(KeyCode::Esc), now);
    assert!(!app.filter().is_active());
    assert_eq!(app.visible().len(), 6);
}

#[test]
fn details_and_help_open_and_close() {
    let (mut app, _, now) = ready(3);
    app.update(code(KeyCode::Enter), now);
    assert_eq!(app.mode(), Mode::Details);
    app.update(key('l'), now);
    assert_eq!(
        app.mode(),
        Mode::Details,
        "moving keeps details open on the next person"
    );
    assert_eq!(app.cursor(), Some(1));
    app.update(code(KeyCode::Esc), now);
    assert_eq!(app.mode(), Mode::Board);
    app.update(key('?'), now);
    assert_eq!(app.mode(), Mode::Help);
    app.update(key('?'), now);
    assert_eq!(app.mode(), Mode::Board);
}

#[test]
fn mouse_clicks_select_and_the_wheel_moves_by_rows() {
    let (mut app, _, now) = ready(8);
    let click = |column, row| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    app.update(click(30, 7), now);
    assert_eq!(app.cursor(), Some(4));
    let wheel = Msg::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 0,
        row: 0,
        modifiers: KeyModifiers::NONE,
    });
    app.update(wheel, now);
    assert_eq!(app.cursor(), Some(7));
    let mut off = options();
    off.mouse = false;
    let mut app = App::new(off, Rect::new(0, 0, 80, 24), now);
    app.update(polled(&roster(8), everyone_available(&roster(8))), now);
    app.update(click(30, 7), now);
    assert_eq!(app.cursor(), Some(0), "mouse off: clicks do nothing");
}

#[test]
fn grouping_by_availability_orders_by_section() {
    let now = t0();
    let mut opts = options();
    opts.group_by = GroupBy::Availability;
    let mut app = App::new(opts, Rect::new(0, 0, 80, 40), now);
    let r = roster(3);
    let answer = vec![
        presence("me", "Offline", "OffWork", None),
        presence("u00", "Away", "Away", None),
        presence("u01", "Available", "Available", None),
        presence("u02", "Busy", "Busy", None),
    ];
    app.update(polled(&r, answer), now);
    let order: Vec<&str> = app
        .visible()
        .iter()
        .map(|&i| app.people()[i].id.as_str())
        .collect();
    assert_eq!(order, ["u01", "u02", "u00", "me"]);
    assert_eq!(app.geometry().sections.len(), 4);
}

#[test]
fn q_closes_a_popup_and_quits_only_from_the_board() {
    let (mut app, _, now) = ready(3);
    app.update(code(KeyCode::Enter), now);
    assert_eq!(app.mode(), Mode::Details);
    assert!(
        app.update(key('q'), now).is_empty(),
        "q in details does not quit"
    );
    assert_eq!(app.mode(), Mode::Board);
    app.update(key('?'), now);
    assert_eq!(app.mode(), Mode::Help);
    assert!(
        app.update(key('q'), now).is_empty(),
        "q in help does not quit"
    );
    assert_eq!(app.mode(), Mode::Board);
    app.update(key('?'), now);
    assert!(
        matches!(app.update(ctrl('c'), now).as_slice(), [Effect::Quit]),
        "ctrl-c quits from a popup"
    );
    app.update(key('q'), now);
    assert!(matches!(
        app.update(key('q'), now).as_slice(),
        [Effect::Quit]
    ));
}

#[test]
fn vim_pages_and_row_ends_work_by_default() {
    let (mut app, _, now) = ready(40);
    let g = app.geometry();
    let cols = usize::from(g.columns);
    assert!(cols > 1, "a grid of several columns");
    app.update(ctrl('f'), now);
    let page = app.cursor().unwrap();
    assert!(page >= cols, "ctrl-f moves a page down");
    app.update(ctrl('b'), now);
    assert_eq!(app.cursor(), Some(0), "ctrl-b moves a page up");
    app.update(key('j'), now);
    app.update(key('l'), now);
    assert_eq!(app.cursor(), Some(cols + 1));
    app.update(key('$'), now);
    assert_eq!(app.cursor(), Some(2 * cols - 1), "$ goes to the row's end");
    app.update(key('0'), now);
    assert_eq!(app.cursor(), Some(cols), "0 goes to the row's start");
    // On the last, short row, $ stops at the last person.
    app.update(key('G'), now);
    app.update(key('0'), now);
    let start = app.cursor().unwrap();
    app.update(key('$'), now);
    assert_eq!(app.cursor(), Some(40));
    assert!(start <= 40 && 40 - start < cols);
}

#[test]
fn tilde_goes_to_your_own_card_or_says_why_not() {
    let (mut app, _, now) = ready(20);
    app.update(key('G'), now);
    assert_ne!(selected_id(&app), "me");
    app.update(key('~'), now);
    assert_eq!(selected_id(&app), "me");
    app.update(key('G'), now);
    app.update(key('/'), now);
    for c in "Person 1".chars() {
        app.update(key(c), now);
    }
    app.update(code(KeyCode::Enter), now);
    let before = app.cursor();
    app.update(key('~'), now);
    assert_eq!(app.cursor(), before, "hidden by the filter: stays");
    assert!(
        app.notice().is_some_and(|n| n.as_str().contains("filter")),
        "{:?}",
        app.notice()
    );
}
