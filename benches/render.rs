//! Drawing the board (budget: ≤ 1 ms at 200x60, the same for 100 or 10,000 people), and the in-process
//! part of the first frame from a cached snapshot (App from the snapshot, then one render).
//! The whole start-up to the first frame is measured on the real binary by `scripts/measure-board.sh`.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use teamboard::app::keymap::Keymap;
use teamboard::app::{App, Msg, Now, Options, PollData};
use teamboard::config::{GroupBy, SortOrder, Symbols, ThemeName};
use teamboard::graph::model::{
    Activity, Availability, ItemBody, OutOfOfficeSettings, Presence, StatusMessage, User, UserId,
    WorkLocation, WorkLocationType,
};
use teamboard::roster::{Roster, RosterSource};
use teamboard::store::Snapshot;

const STATES: &[(&str, &str)] = &[
    ("Available", "Available"),
    ("Busy", "InAMeeting"),
    ("Busy", "InACall"),
    ("DoNotDisturb", "Presenting"),
    ("Away", "Away"),
    ("BeRightBack", "BeRightBack"),
    ("Offline", "OffWork"),
];
const NAMES: &[&str] = &[
    "Adele Vance",
    "Łukasz Kovács",
    "黄强",
    "Amélie Müller",
    "Sebastián Muñoz",
    "दीपिका पटेल",
];
const MESSAGES: &[&str] = &[
    "Quarterly review until 3pm",
    "出張中です 🚄",
    "Focus time, ping me on chat",
];

fn options() -> Options {
    Options {
        interval: Duration::from_secs(30),
        unfocused_interval: Duration::from_secs(120),
        roster_ttl: Duration::from_secs(86_400),
        sort: SortOrder::Availability,
        group_by: GroupBy::None,
        symbols: Symbols::Unicode,
        color: true,
        theme: ThemeName::Dark,
        mouse: false,
        keymap: Keymap::default(),
        place_names: false,
        tz: jiff::tz::TimeZone::UTC,
        collation: teamboard::collation::Collation::root(),
        seed: 3,
        sign_in: teamboard::app::SignInOffer::Fixed,
        config: teamboard::config::Config::default(),
        reach: teamboard::app::reach::Reach::default(),
    }
}

fn now() -> Now {
    Now {
        instant: Instant::now(),
        utc: jiff::Timestamp::from_second(1_714_996_990).unwrap(),
    }
}

fn snapshot(n: usize) -> Snapshot {
    let users: Vec<User> = (0..n)
        .map(|i| User {
            id: UserId::new(format!("00000000-0000-4000-8000-{i:012}")),
            display_name: Some(format!("{} {i}", NAMES[i % NAMES.len()]).into()),
            user_principal_name: Some(format!("user{i}@contoso.com").into()),
            mail: Some(format!("user{i}@contoso.com").into()),
            job_title: Some("Engineer".into()),
            department: None,
        })
        .collect();
    let presences = users
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let (availability, activity) = STATES[i % STATES.len()];
            let mut p = Presence::unknown(u.id.clone());
            p.availability = Availability::parse(availability);
            p.activity = Activity::parse(activity);
            p.sequence_number = Some(format!("{i}"));
            if i % 3 == 0 {
                p.status_message = Some(Box::new(StatusMessage {
                    message: Some(ItemBody {
                        content: Some(MESSAGES[i % MESSAGES.len()].into()),
                        content_type: Some("text".into()),
                    }),
                    ..StatusMessage::default()
                }));
            }
            if i % 11 == 0 {
                p.out_of_office_settings = Some(OutOfOfficeSettings {
                    is_out_of_office: true,
                    message: Some("<p>On holiday until <b>Monday</b></p>".into()),
                });
            }
            if i % 2 == 0 {
                p.work_location = Some(WorkLocation {
                    work_location_type: WorkLocationType::parse(if i % 4 == 0 {
                        "office"
                    } else {
                        "remote"
                    }),
                    source: teamboard::graph::model::LocationSource::parse("manual"),
                    place_id: None,
                });
            }
            Arc::new(p)
        })
        .collect();
    let t = now().utc;
    Snapshot {
        name_order: teamboard::store::NameOrder::default(),
        places: Vec::new(),
        saved_at: t,
        last_changed: users
            .iter()
            .enumerate()
            .map(|(i, u)| {
                (
                    u.id.clone(),
                    t - jiff::SignedDuration::from_mins((i % 300) as i64),
                )
            })
            .collect(),
        roster: Arc::new(Roster {
            me: None,
            members: users,
            unresolved: Vec::new(),
            source: RosterSource::default(),
            resolved_at: None,
            by_ids_refused_at: None,
        }),
        presences,
    }
}

/// A board as it is after a poll: loaded, polled, selection in the middle of the screen.
fn board(n: usize, area: Rect) -> App {
    board_with(n, area, options()).0
}

/// The same board with calendars on and everyone's schedule read: local times in other zones, "free
/// 14:30" on busy cards.
fn calendar_board(n: usize, area: Rect) -> App {
    use teamboard::app::Effect;
    use teamboard::app::calendar::ScheduleOutcome;
    use teamboard::graph::schedule::{Schedule, WorkingHours, parse_view};
    let mut o = options();
    o.config.calendar.enabled = true;
    let (mut app, asked) = board_with(n, area, o);
    let ask = asked.into_iter().find_map(|e| match e {
        Effect::ReadSchedules(ask) => Some(*ask),
        _ => None,
    });
    let Some(ask) = ask else {
        return app;
    };
    let zones = [
        "W. Europe Standard Time",
        "India Standard Time",
        "UTC",
        "Asia/Tokyo",
    ];
    let answers = ask
        .people
        .iter()
        .enumerate()
        .map(|(i, (id, mail))| {
            let view: String = (0..5 * 96)
                .map(|s| if (s + i) % 7 < 2 { '2' } else { '0' })
                .collect();
            let zone = zones[i % zones.len()];
            let schedule = Schedule {
                schedule_id: mail.clone(),
                slots: parse_view(&view),
                working_hours: Some(WorkingHours {
                    days: 0b0011_1110,
                    start_secs: 9 * 3600,
                    end_secs: 17 * 3600,
                    zone: teamboard::time_zone::time_zone(zone),
                    zone_name: zone.into(),
                }),
            };
            (id.clone(), Ok(schedule))
        })
        .collect();
    app.update(
        Msg::Schedules(Box::new(ScheduleOutcome {
            ask,
            answers,
            failure: None,
        })),
        now(),
    );
    assert_eq!(app.calendar().len(), n, "everyone's calendar is held");
    app
}

/// The board after a poll, and what that poll's answer asked the loop to do.
fn board_with(n: usize, area: Rect, options: Options) -> (App, Vec<teamboard::app::Effect>) {
    let snap = snapshot(n);
    let roster = Arc::clone(&snap.roster);
    let presences = snap.presences.clone();
    let mut app = App::new(options, area, now());
    {
        let now = app.now();
        app.update(Msg::Cached(Box::new(snap)), now);
    }
    app.update(Msg::Deadline, now());
    let effects = app.update(
        Msg::Polled(Box::new(Ok(PollData {
            roster,
            presences,
            malformed: 0,
            problem: None,
            min_interval: std::time::Duration::ZERO,
        }))),
        now(),
    );
    for c in "jjl".chars() {
        let key = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            crossterm::event::KeyModifiers::NONE,
        );
        app.update(Msg::Key(key), now());
    }
    (app, effects)
}

fn render(c: &mut Criterion) {
    let area = Rect::new(0, 0, 200, 60);
    let mut group = c.benchmark_group("render 200x60");
    for n in [100, 10_000] {
        let app = board(n, area);
        let mut buf = Buffer::empty(area);
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| {
                buf.reset();
                black_box(teamboard::ui::render(&app, area, &mut buf));
            });
        });
        // What the loop adds per wake-up: a fresh buffer and the comparison with the last frame.
        let last = {
            let mut b = Buffer::empty(area);
            teamboard::ui::render(&app, area, &mut b);
            b
        };
        group.bench_with_input(BenchmarkId::new("render+compare", n), &n, |b, _| {
            b.iter(|| {
                let mut frame = Buffer::empty(area);
                teamboard::ui::render(&app, area, &mut frame);
                black_box(frame == last)
            });
        });
        let app = calendar_board(n, area);
        group.bench_with_input(BenchmarkId::new("calendars", n), &n, |b, _| {
            b.iter(|| {
                buf.reset();
                black_box(teamboard::ui::render(&app, area, &mut buf));
            });
        });
    }
    group.finish();
}

fn first_frame(c: &mut Criterion) {
    let area = Rect::new(0, 0, 120, 40);
    let mut group = c.benchmark_group("first frame from snapshot (in-process part)");
    group.sample_size(20);
    for n in [40, 10_000] {
        let snap = snapshot(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| {
                let mut app = App::new(options(), area, now());
                {
                    let now = app.now();
                    app.update(Msg::Cached(Box::new(snap.clone())), now);
                }
                let mut buf = Buffer::empty(area);
                teamboard::ui::render(&app, area, &mut buf);
                black_box(buf)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, render, first_frame);
criterion_main!(benches);
