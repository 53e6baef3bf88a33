//! The board drawn at fixed sizes (insta snapshots), with colours checked where they carry meaning.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;

use teamboard::app::keymap::Keymap;
use teamboard::app::{App, FailureKind, Msg, Now, Options, PollData, PollFailure};
use teamboard::config::{GroupBy, SortOrder, Symbols, ThemeName};
use teamboard::graph::model::{
    Activity, Availability, ItemBody, OutOfOfficeSettings, Presence, StatusMessage, User, UserId,
    WorkLocation, WorkLocationType,
};
use teamboard::roster::{Roster, RosterSource};
use teamboard::text::SafeText;

fn options(color: bool, symbols: Symbols, group_by: GroupBy) -> Options {
    Options {
        interval: Duration::from_secs(30),
        unfocused_interval: Duration::from_secs(120),
        roster_ttl: Duration::from_secs(86_400),
        sort: SortOrder::Availability,
        group_by,
        symbols,
        color,
        theme: ThemeName::Dark,
        mouse: false,
        keymap: Keymap::default(),
        place_names: false,
        tz: jiff::tz::TimeZone::UTC,
        collation: teamboard::collation::Collation::root(),
        seed: 7,
        sign_in: teamboard::app::SignInOffer::Fixed,
        config: teamboard::config::Config::default(),
        reach: teamboard::app::reach::Reach::default(),
    }
}

/// 2024-05-06 12:03:10 UTC.
fn now() -> Now {
    Now {
        instant: Instant::now(),
        utc: Timestamp::from_second(1_714_996_990).unwrap(),
    }
}

fn user(id: &str, name: &str) -> User {
    User {
        id: UserId::new(id),
        display_name: Some(name.into()),
        user_principal_name: Some(format!("{id}@contoso.com").into()),
        mail: Some(format!("{id}@contoso.com").into()),
        job_title: None,
        department: None,
    }
}

fn presence(id: &str, availability: &str, activity: &str) -> Presence {
    let mut p = Presence::unknown(UserId::new(id));
    p.availability = Availability::parse(availability);
    p.activity = Activity::parse(activity);
    p.sequence_number = Some("1".into());
    p
}

fn with_message(mut p: Presence, text: &str) -> Presence {
    p.status_message = Some(Box::new(StatusMessage {
        message: Some(ItemBody {
            content: Some(text.into()),
            content_type: Some("text".into()),
        }),
        ..StatusMessage::default()
    }));
    p
}

fn at(mut p: Presence, kind: &str) -> Presence {
    p.work_location = Some(WorkLocation {
        work_location_type: WorkLocationType::parse(kind),
        source: teamboard::graph::model::LocationSource::parse("manual"),
        place_id: None,
    });
    p
}

/// A team showing every state: each availability, out of office, messages, places, a hostile name,
/// wide characters, someone Graph left out (stale) and someone never seen.
fn team() -> (Arc<Roster>, Vec<Presence>) {
    let people = [
        ("me", "Megan Bowen"),
        ("adele", "Adele Vance"),
        ("alex", "Alex Wilber"),
        ("diego", "Diego Siciliani"),
        ("grady", "Grady Archie"),
        ("isaiah", "Isaiah Langer"),
        ("johanna", "Johanna Lorenz"),
        ("lee", "Lee Gu"),
        ("lynne", "Lynne Robbins"),
        ("miriam", "Miriam Graham"),
        ("nestor", "Nestor Wilke"),
        ("pradeep", "Pradeep Gupta"),
        ("wide", "黄强 (Huang Qiang) 🎧"),
        ("evil", "Evil\u{1b}]0;pwned\u{7} \u{202e}Name"),
        ("never", "Never Seen"),
    ];
    let roster = Roster {
        me: Some(user(people[0].0, people[0].1)),
        members: people[1..]
            .iter()
            .map(|(id, name)| user(id, name))
            .collect(),
        unresolved: Vec::new(),
        source: RosterSource::default(),
        resolved_at: None,
        by_ids_refused_at: None,
    };
    let mut ooo = presence("johanna", "Away", "OutOfOffice");
    ooo.out_of_office_settings = Some(OutOfOfficeSettings {
        is_out_of_office: true,
        message: Some("<p>On holiday until <b>Monday</b> &amp; offline</p>".into()),
    });
    let presences = vec![
        at(presence("me", "Available", "Available"), "office"),
        with_message(
            at(presence("adele", "Busy", "InAMeeting"), "remote"),
            "Quarterly review until 3pm",
        ),
        presence("alex", "Busy", "InACall"),
        with_message(
            presence("diego", "DoNotDisturb", "Presenting"),
            "Presenting to the board\nsecond line",
        ),
        presence("grady", "Focusing", "Focusing"),
        presence("isaiah", "Away", "Away"),
        presence("lee", "BeRightBack", "BeRightBack"),
        presence("lynne", "Offline", "OffWork"),
        at(presence("miriam", "Available", "Available"), "timeOff"),
        presence("nestor", "Sleeping", "Dreaming"),
        presence("pradeep", "AvailableIdle", "Available"),
        with_message(
            presence("wide", "Available", "Available"),
            "出張中です 🚄 東京",
        ),
        with_message(
            presence("evil", "Busy", "Busy"),
            "\u{1b}[2Jcleared?\u{1b}]52;c;aGk=\u{7}",
        ),
        ooo,
    ];
    (Arc::new(roster), presences)
}

fn polled(roster: &Arc<Roster>, presences: Vec<Presence>) -> Msg {
    Msg::Polled(Box::new(Ok(PollData {
        roster: Arc::clone(roster),
        presences: presences.into_iter().map(Arc::new).collect(),
        malformed: 0,
        problem: None,
        min_interval: std::time::Duration::ZERO,
    })))
}

/// A board after two polls: the second changed Adele (flashing, age "now") and left Lee out (stale).
fn board(area: Rect, options: Options) -> App {
    let t0 = now();
    let mut app = App::new(options, area, t0);
    let (roster, presences) = team();
    app.update(Msg::Deadline, t0);
    app.update(polled(&roster, presences.clone()), t0);
    let t1 = t0.after(Duration::from_secs(2));
    app.update(Msg::Key(key('r')), t1);
    let mut second: Vec<Presence> = presences
        .into_iter()
        .filter(|p| p.id.as_str() != "lee")
        .collect();
    second[1] = with_message(
        presence("adele", "Available", "Available"),
        "Back from the review",
    );
    second[1].sequence_number = Some("2".into());
    app.update(polled(&roster, second), t1);
    // A minute and a bit later: Adele's change reads "1m"; nothing flashes any more.
    let t2 = t1.after(Duration::from_secs(65));
    app.update(
        Msg::Resize {
            width: area.width,
            height: area.height,
        },
        t2,
    );
    app
}

fn key(c: char) -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char(c),
        crossterm::event::KeyModifiers::NONE,
    )
}

fn draw(app: &App, width: u16, height: u16) -> Buffer {
    let area = Rect::new(0, 0, width, height);
    let mut buf = Buffer::empty(area);
    teamboard::ui::render(app, area, &mut buf);
    buf
}

/// The buffer as text, one line per row; a wide character's hidden second cell is left out.
fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buf[(x, y)].symbol();
            out.push_str(symbol);
            skip = teamboard::text::width(symbol).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}

/// Where `needle` starts on screen, as (x, y) in cells.
fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let first = needle.chars().next()?.to_string();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            if buf[(x, y)].symbol() != first {
                continue;
            }
            let ok = (x..)
                .zip(needle.chars())
                .all(|(cx, c)| cx < buf.area.width && buf[(cx, y)].symbol() == c.to_string());
            if ok {
                return Some((x, y));
            }
        }
    }
    None
}

fn fg_at(buf: &Buffer, needle: &str) -> Color {
    let (x, y) =
        find(buf, needle).unwrap_or_else(|| panic!("{needle:?} not on screen:\n{}", text(buf)));
    buf[(x, y)].fg
}

#[test]
fn board_80x24() {
    let app = board(
        Rect::new(0, 0, 80, 24),
        options(true, Symbols::Unicode, GroupBy::None),
    );
    let buf = draw(&app, 80, 24);
    insta::assert_snapshot!("board_80x24", text(&buf));
    // Colour follows availability, as Teams draws it.
    assert_eq!(fg_at(&buf, "✓ Available"), Color::Green);
    assert_eq!(fg_at(&buf, "● Busy"), Color::Red);
    assert_eq!(fg_at(&buf, "⊖ Presenting"), Color::Red);
    assert_eq!(fg_at(&buf, "◷ Away"), Color::Yellow);
    // No escape sequence from the hostile name or message reached the screen.
    let shown = text(&buf);
    assert!(!shown.contains('\u{1b}') && !shown.contains("52;c") && !shown.contains('\u{202e}'));
}

#[test]
fn board_160x48_shows_everyone_with_their_colours() {
    let app = board(
        Rect::new(0, 0, 160, 48),
        options(true, Symbols::Unicode, GroupBy::None),
    );
    let buf = draw(&app, 160, 48);
    insta::assert_snapshot!("board_160x48", text(&buf));
    assert_eq!(fg_at(&buf, "⊗ Offline"), Color::Gray);
    assert_eq!(
        fg_at(&buf, "○ Sleeping"),
        Color::DarkGray,
        "an unknown value shows as unknown"
    );
    assert_eq!(fg_at(&buf, "⇠"), Color::Magenta, "out of office is purple");
    assert_eq!(fg_at(&buf, "Out of office"), Color::Magenta);
    assert!(
        find(&buf, "On holiday until").is_some(),
        "HTML reduced to text"
    );
    assert!(!text(&buf).contains("<p>"));
    assert!(
        find(&buf, "stale").is_some(),
        "Lee was left out of the last answer"
    );
    assert!(find(&buf, " 1m ").is_some(), "Adele changed a minute ago");
    assert!(find(&buf, "updated 12:03").is_some());
}

#[test]
fn board_30x8_is_the_list_where_one_column_of_cards_would_hide_most() {
    let app = board(
        Rect::new(0, 0, 30, 8),
        options(true, Symbols::Unicode, GroupBy::None),
    );
    let buf = draw(&app, 30, 8);
    insta::assert_snapshot!("board_30x8", text(&buf));
    assert!(app.geometry().compact);
    assert!(text(&buf).contains("1–6 of 15"), "{}", text(&buf));
}

/// A team of `n`, everyone available, after one poll.
fn big_board(area: Rect, n: usize) -> App {
    let t0 = now();
    let mut app = App::new(options(true, Symbols::Unicode, GroupBy::None), area, t0);
    let roster = Arc::new(Roster {
        me: Some(user("me", "Megan Bowen")),
        members: (0..n)
            .map(|i| user(&format!("u{i:04}"), &format!("Person {i:04}")))
            .collect(),
        unresolved: Vec::new(),
        source: RosterSource::default(),
        resolved_at: None,
        by_ids_refused_at: None,
    });
    let presences = std::iter::once("me".to_owned())
        .chain((0..n).map(|i| format!("u{i:04}")))
        .map(|id| presence(&id, "Available", "Available"))
        .collect();
    app.update(Msg::Deadline, t0);
    app.update(polled(&roster, presences), t0);
    app
}

#[test]
fn pane_sizes_show_more_people_and_say_where_the_screen_is() {
    // A tall narrow pane: the list, everyone of 24 on screen.
    let app = big_board(Rect::new(0, 0, 40, 30), 23);
    let shown = text(&draw(&app, 40, 30));
    assert!(app.geometry().compact, "{shown}");
    assert!(shown.contains("Person 0022"), "{shown}");
    assert!(
        !shown.contains(" of 24"),
        "everyone fits: no position\n{shown}"
    );
    // 80x24: twelve of 24, and the footer says so.
    let app = big_board(Rect::new(0, 0, 80, 24), 23);
    let shown = text(&draw(&app, 80, 24));
    assert!(
        shown.lines().last().unwrap().contains("1–12 of 24"),
        "{shown}"
    );
    // 200x60, 500 people: where the screen is, after moving to the end.
    let mut app = big_board(Rect::new(0, 0, 200, 60), 499);
    let shown = text(&draw(&app, 200, 60));
    assert!(
        shown.lines().last().unwrap().contains("1–77 of 500"),
        "{shown}"
    );
    app.update(Msg::Key(key('G')), now());
    let shown = text(&draw(&app, 200, 60));
    assert!(shown.lines().last().unwrap().contains("of 500"), "{shown}");
    assert!(
        shown.lines().last().unwrap().contains("–500 of 500"),
        "{shown}"
    );
    // 20x5: three lines of the list, and where they are.
    let app = big_board(Rect::new(0, 0, 20, 5), 23);
    let shown = text(&draw(&app, 20, 5));
    assert!(
        shown.lines().last().unwrap().contains("1–3 of 24"),
        "{shown}"
    );
}

#[test]
fn compact_list_20x5_and_tiny_sizes_never_panic() {
    let app = board(
        Rect::new(0, 0, 20, 5),
        options(true, Symbols::Unicode, GroupBy::None),
    );
    let buf = draw(&app, 20, 5);
    insta::assert_snapshot!("compact_20x5", text(&buf));
    assert!(app.geometry().compact);
    assert_eq!(fg_at(&buf, "✓"), Color::Green);
    for (w, h) in [(1, 1), (0, 0), (2, 1), (1, 9), (7, 3), (300, 100), (19, 4)] {
        let _ = draw(&app, w, h);
        let grouped = board(
            Rect::new(0, 0, w, h),
            options(false, Symbols::Ascii, GroupBy::Availability),
        );
        let _ = draw(&grouped, w, h);
    }
}

#[test]
fn no_color_and_ascii_keep_every_meaning_in_words_and_symbols() {
    let app = board(
        Rect::new(0, 0, 80, 24),
        options(false, Symbols::Ascii, GroupBy::None),
    );
    let buf = draw(&app, 80, 24);
    insta::assert_snapshot!("board_80x24_ascii_no_color", text(&buf));
    assert!(
        buf.content().iter().all(|c| c.fg == Color::Reset),
        "NO_COLOR: no colours at all"
    );
    let shown = text(&buf);
    assert!(
        !shown.contains(['╭', '│', '┃', '·', '✓', '●']),
        "ascii borders and symbols:\n{shown}"
    );
    assert!(find(&buf, "+ Available").is_some());
    assert!(find(&buf, "* Busy").is_some());
}

#[test]
fn grouped_by_availability_draws_sections() {
    let app = board(
        Rect::new(0, 0, 120, 60),
        options(true, Symbols::Unicode, GroupBy::Availability),
    );
    let buf = draw(&app, 120, 60);
    insta::assert_snapshot!("grouped_120x60", text(&buf));
    assert!(find(&buf, "Available (5)").is_some());
    assert!(find(&buf, "Busy (2)").is_some());
    assert!(find(&buf, "Do not disturb (2)").is_some());
}

#[test]
fn failures_throttling_and_sign_in_show_in_header_and_footer() {
    let area = Rect::new(0, 0, 80, 24);
    let mut app = board(area, options(true, Symbols::Unicode, GroupBy::None));
    // The fixture's next poll is already running (due 30 s after the second).
    let t = now().after(Duration::from_secs(100));
    let throttled = PollFailure {
        kind: FailureKind::Throttled {
            retry_after: Some(Duration::from_secs(300)),
        },
        message: SafeText::line(
            "Microsoft Graph is throttling this app; polling is paused for 5 min",
        ),
    };
    app.update(Msg::Polled(Box::new(Err(throttled))), t);
    let buf = draw(&app, 80, 24);
    let shown = text(&buf);
    assert!(
        shown
            .lines()
            .next()
            .unwrap()
            .contains("throttled until 12:09"),
        "{shown}"
    );
    assert_eq!(fg_at(&buf, "throttled until"), Color::Yellow);
    assert!(
        shown.lines().last().unwrap().contains("polling is paused"),
        "{shown}"
    );
    assert!(find(&buf, "Adele Vance").is_some(), "data kept");

    let mut empty = App::new(options(true, Symbols::Unicode, GroupBy::None), area, now());
    empty.update(Msg::Deadline, now());
    let signed_out = PollFailure {
        kind: FailureKind::SignedOut,
        message: SafeText::line(
            "not signed in: run `teamboard login`, or set TEAMBOARD_ACCESS_TOKEN",
        ),
    };
    empty.update(Msg::Polled(Box::new(Err(signed_out))), now());
    let buf = draw(&empty, 80, 24);
    insta::assert_snapshot!("signed_out_80x24", text(&buf));
    assert_eq!(fg_at(&buf, "signed out"), Color::Red);
}

#[test]
fn throttled_without_retry_after_shows_no_until_time() {
    let area = Rect::new(0, 0, 80, 24);
    let mut app = board(area, options(true, Symbols::Unicode, GroupBy::None));
    let t = now().after(Duration::from_secs(100));
    let throttled = PollFailure {
        kind: FailureKind::Throttled { retry_after: None },
        message: SafeText::line(
            "Microsoft Graph is throttling this app without saying for how long; polling backs off and resumes by itself",
        ),
    };
    app.update(Msg::Polled(Box::new(Err(throttled))), t);
    let shown = text(&draw(&app, 80, 24));
    let header = shown.lines().next().unwrap();
    assert!(header.contains("throttled"), "{shown}");
    assert!(!header.contains("until"), "{shown}");
    assert!(
        find(&draw(&app, 80, 24), "Adele Vance").is_some(),
        "data kept"
    );
}

#[test]
fn filter_narrows_and_says_when_no_one_matches() {
    let area = Rect::new(0, 0, 80, 24);
    let mut app = board(area, options(true, Symbols::Unicode, GroupBy::None));
    let t = now();
    app.update(Msg::Key(key('/')), t);
    for c in "is:busy".chars() {
        app.update(Msg::Key(key(c)), t);
    }
    let buf = draw(&app, 80, 24);
    insta::assert_snapshot!("filter_is_busy_80x24", text(&buf));
    for c in " zzz".chars() {
        app.update(Msg::Key(key(c)), t);
    }
    let buf = draw(&app, 80, 24);
    assert!(
        find(&buf, "No one matches the filter.").is_some(),
        "{}",
        text(&buf)
    );
    assert!(find(&buf, "no one matches").is_some());
}

#[test]
fn an_unknown_facet_is_an_error_in_the_prompt_not_an_empty_board() {
    let area = Rect::new(0, 0, 80, 24);
    let mut app = board(area, options(true, Symbols::Unicode, GroupBy::None));
    let everyone = app.visible().len();
    let t = now();
    app.update(Msg::Key(key('/')), t);
    for c in "is:free".chars() {
        app.update(Msg::Key(key(c)), t);
    }
    let buf = draw(&app, 80, 24);
    let footer = text(&buf).lines().last().unwrap().to_owned();
    assert!(
        footer.starts_with("/is:free  no facet \"is:free\"; use is:available"),
        "{footer}"
    );
    assert_eq!(fg_at(&buf, "no facet"), Color::Red, "shown as an error");
    assert!(find(&buf, "no one matches").is_none(), "{}", text(&buf));
    assert_eq!(app.visible().len(), everyone);
}

#[test]
fn an_unchanged_board_renders_the_same_frame() {
    let app = board(
        Rect::new(0, 0, 120, 40),
        options(true, Symbols::Unicode, GroupBy::None),
    );
    assert_eq!(draw(&app, 120, 40), draw(&app, 120, 40));
}

#[test]
fn place_names_follow_the_location_word_sanitized() {
    let t0 = now();
    let mut options = options(true, Symbols::Unicode, GroupBy::None);
    options.place_names = true;
    let mut app = App::new(options, Rect::new(0, 0, 80, 24), t0);
    let (roster, mut presences) = team();
    // Megan (you) works at the office, at a place whose name carries an escape sequence.
    if let Some(location) = presences[0].work_location.as_mut() {
        location.place_id = Some("b40".into());
    }
    app.update(Msg::Deadline, t0);
    let effects = app.update(polled(&roster, presences), t0);
    assert!(
        effects.iter().any(|e| matches!(e, teamboard::app::Effect::LookUpPlaces(ids) if ids == &["b40".to_string()])),
        "{effects:?}"
    );
    let answer = teamboard::graph::places::PlaceLookup {
        named: vec![("b40".into(), "Building 40\u{1b}]0;pwned\u{7}".into())],
        ..Default::default()
    };
    app.update(Msg::Places(Box::new(Some(answer))), t0);
    let shown = text(&draw(&app, 80, 24));
    assert!(shown.contains("Office · Building 40"), "{shown}");
    assert!(!shown.contains("pwned") && !shown.contains('\u{1b}'));
}

#[test]
fn r_shows_refreshing_in_the_header_until_the_poll_lands() {
    let area = Rect::new(0, 0, 80, 24);
    let mut app = board(area, options(true, Symbols::Unicode, GroupBy::None));
    // Well after the fixture's polls, and past the next scheduled one, which has landed.
    let t = now().after(Duration::from_secs(200));
    let (roster, presences) = team();
    app.update(Msg::Deadline, t);
    app.update(polled(&roster, presences.clone()), t);
    let header = |app: &App| text(&draw(app, 80, 24)).lines().next().unwrap().to_owned();
    assert!(header(&app).contains("updated 12:06"), "{}", header(&app));
    let asked = t.after(Duration::from_secs(40));
    app.update(Msg::Key(key('r')), asked);
    insta::assert_snapshot!("header_refreshing_80x24", header(&app));
    assert!(header(&app).contains("refreshing…"));
    app.update(
        polled(&roster, presences),
        asked.after(Duration::from_secs(30)),
    );
    assert!(header(&app).contains("updated 12:07"), "{}", header(&app));
}

#[test]
fn the_light_theme_reads_on_a_light_background_and_no_color_still_wins() {
    let mut light = options(true, Symbols::Unicode, GroupBy::None);
    light.theme = ThemeName::Light;
    let app = board(Rect::new(0, 0, 160, 48), light.clone());
    let buf = draw(&app, 160, 48);
    for cell in buf.content() {
        assert!(
            !matches!(
                cell.fg,
                Color::Yellow | Color::Gray | Color::White | Color::Cyan | Color::LightYellow
            ),
            "{:?} in {:?}: hard to read on a light background",
            cell.symbol(),
            cell.fg
        );
    }
    assert_eq!(fg_at(&buf, "◷ Away"), Color::Blue);
    assert_eq!(fg_at(&buf, "⊗ Offline"), Color::DarkGray);
    assert_eq!(fg_at(&buf, "✓ Available"), Color::Green);
    light.color = false;
    let app = board(Rect::new(0, 0, 160, 48), light);
    let buf = draw(&app, 160, 48);
    assert!(
        buf.content().iter().all(|c| c.fg == Color::Reset),
        "NO_COLOR wins"
    );
    let mut mono = options(true, Symbols::Unicode, GroupBy::None);
    mono.theme = ThemeName::Mono;
    let buf = draw(&board(Rect::new(0, 0, 80, 24), mono), 80, 24);
    assert!(
        buf.content().iter().all(|c| c.fg == Color::Reset),
        "mono has no colour"
    );
}
