//! Detail popup tests: snapshots at 80x24 and small sizes, local times, scrolling, tiny sizes.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::*;
use crate::app::person::Person;
use crate::config::Symbols;
use crate::graph::model::{User, UserId, parse_single_presence};
use crate::text::SafeText;

const NOW: &str = "2024-07-03T10:00:00Z"; // a Wednesday

fn now() -> Timestamp {
    NOW.parse().unwrap()
}

fn theme() -> Theme {
    Theme::new(false, Symbols::Unicode)
}

fn adele() -> Person {
    let mut p = person(
        "a1",
        Some("Adele Vance"),
        Some("adele.vance@contoso.com"),
        Some("Retail Manager"),
        Some("Sales & Marketing"),
    );
    let presence = parse_single_presence(
        br#"{"id":"a1","availability":"Busy","activity":"InAMeeting",
        "outOfOfficeSettings":{"isOutOfOffice":true,
          "message":"<p>I am away until Monday 8 July.</p><p>For urgent matters contact <b>Megan Bowen</b> &amp; the service desk.</p>"},
        "statusMessage":{"message":{"content":"Quarterly planning all day\nthen 1:1s","contentType":"text"},
          "expiryDateTime":{"dateTime":"2024-07-05T17:30:00.0000000","timeZone":"W. Europe Standard Time"},
          "publishedDateTime":"2024-07-03T07:00:00Z"},
        "workLocation":{"workLocationType":"office","source":"manual","placeId":"eb706f15-137e-4722-b4d1-b601481d9251"},
        "sequenceNumber":"A0129311063"}"#,
    )
    .unwrap();
    p.set_presence(presence);
    if let Some(l) = p.location.as_mut() {
        l.place_name = Some(SafeText::line("Building 4, floor 2"));
    }
    p.changed_at = Some("2024-07-03T09:12:00Z".parse().unwrap());
    p
}

fn person(
    id: &str,
    name: Option<&str>,
    mail: Option<&str>,
    title: Option<&str>,
    dept: Option<&str>,
) -> Person {
    let user = User {
        id: UserId::new(id),
        display_name: name.map(Into::into),
        user_principal_name: mail.map(Into::into),
        mail: mail.map(Into::into),
        job_title: title.map(Into::into),
        department: dept.map(Into::into),
    };
    let person = Person::from_user(&user);
    PROFILES.lock().unwrap().push(Box::leak(Box::new(user)));
    person
}

/// The roster entries `person` made, as the App's roster would hold them.
static PROFILES: std::sync::Mutex<Vec<&'static User>> = std::sync::Mutex::new(Vec::new());

/// `detail` with its person's roster entry, as `ui::popup` gives it.
fn with_profile(mut detail: Detail<'_>) -> Detail<'_> {
    let id = detail.model.person.id.clone();
    detail.model.profile = PROFILES
        .lock()
        .unwrap()
        .iter()
        .rev()
        .find(|u| u.id == id)
        .copied();
    detail
}

fn render(detail: &Detail<'_>, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| f.render_widget(detail, f.area())).unwrap();
    term
}

#[test]
fn every_field_at_80x24() {
    let p = adele();
    let tz = TimeZone::UTC;
    let detail = with_profile(Detail::new(&p, theme(), &tz, now()));
    assert_eq!(detail.max_scroll(Rect::new(0, 0, 80, 24)), 0);
    let term = render(&detail, 80, 24);
    let text = term.backend().to_string();
    for want in [
        "Adele Vance",
        "adele.vance@contoso.com",
        "Retail Manager · Sales & Marketing",
        "● Busy",
        "In a meeting",
        "Out of office",
        "Changed       09:12",
        "Office · set manually · Building 4, floor 2",
        "eb706f15-137e-4722-b4d1-b601481d9251",
        "A0129311063",
        "Status message, until Fri 15:30",
        "Quarterly planning all day",
        "then 1:1s",
        "Megan Bowen & the service desk",
    ] {
        assert!(text.contains(want), "{want:?} missing:\n{text}");
    }
    insta::assert_snapshot!("detail_80x24", term.backend());
}

#[test]
fn expiry_is_shown_in_the_local_zone() {
    let p = adele();
    let berlin = TimeZone::get("Europe/Berlin").unwrap();
    let text = render(
        &with_profile(Detail::new(&p, theme(), &berlin, now())),
        80,
        24,
    )
    .backend()
    .to_string();
    assert!(text.contains("until Fri 17:30"), "{text}");
    assert!(text.contains("Changed       11:12"), "{text}");
    let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
    let text = render(
        &with_profile(Detail::new(&p, theme(), &tokyo, now())),
        80,
        24,
    )
    .backend()
    .to_string();
    assert!(text.contains("until Sat 00:30"), "{text}");
}

#[test]
fn never_expiring_and_expired_messages() {
    let mut p = adele();
    let mut presence = (*p.presence.clone().unwrap()).clone();
    let sm = presence.status_message.as_mut().unwrap();
    sm.expiry_date_time.as_mut().unwrap().date_time = "9999-12-31T23:59:59.9999999".into();
    p.set_presence(presence.clone());
    let tz = TimeZone::UTC;
    let text = render(&with_profile(Detail::new(&p, theme(), &tz, now())), 80, 24)
        .backend()
        .to_string();
    assert!(text.contains("Status message, no expiry"), "{text}");

    let sm = presence.status_message.as_mut().unwrap();
    sm.expiry_date_time.as_mut().unwrap().date_time = "2024-07-01T08:00:00".into();
    sm.expiry_date_time.as_mut().unwrap().time_zone = Some("UTC".into());
    p.set_presence(presence.clone());
    let text = render(&with_profile(Detail::new(&p, theme(), &tz, now())), 80, 24)
        .backend()
        .to_string();
    assert!(text.contains("Status message, expired Mon 08:00"), "{text}");

    let sm = presence.status_message.as_mut().unwrap();
    sm.expiry_date_time.as_mut().unwrap().time_zone = Some("Mars Standard Time".into());
    p.set_presence(presence.clone());
    let text = render(&with_profile(Detail::new(&p, theme(), &tz, now())), 100, 24)
        .backend()
        .to_string();
    assert!(
        text.contains("until 2024-07-01T08:00:00 Mars Standard Time (time zone"),
        "{text}"
    );
    assert!(text.contains("not recognised)"), "{text}");

    // Graph omits the expiry when reading someone else: no clause at all.
    presence.status_message.as_mut().unwrap().expiry_date_time = None;
    p.set_presence(presence);
    let text = render(&with_profile(Detail::new(&p, theme(), &tz, now())), 80, 24)
        .backend()
        .to_string();
    assert!(
        text.contains("Status message") && !text.contains("Status message,"),
        "{text}"
    );
}

#[test]
fn local_time_is_as_short_as_is_clear() {
    let tz = TimeZone::UTC;
    let at = |s: &str| local_time(s.parse().unwrap(), now(), &tz);
    assert_eq!(at("2024-07-03T17:30:00Z"), "17:30");
    assert_eq!(at("2024-07-05T17:30:00Z"), "Fri 17:30");
    assert_eq!(at("2024-06-28T08:05:00Z"), "Fri 08:05");
    assert_eq!(at("2024-08-12T09:00:00Z"), "Mon 12 Aug 09:00");
    assert_eq!(at("2025-01-02T09:00:00Z"), "2 Jan 2025 09:00");
}

#[test]
fn someone_never_seen() {
    let p = person("x", None, Some("ghost@contoso.com"), None, None);
    let tz = TimeZone::UTC;
    let term = render(&with_profile(Detail::new(&p, theme(), &tz, now())), 50, 14);
    let text = term.backend().to_string();
    assert!(text.contains("No presence seen yet."), "{text}");
    assert!(!text.contains("stale"), "{text}");
    insta::assert_snapshot!("detail_never_seen_50x14", term.backend());
}

#[test]
fn a_stale_person_is_marked() {
    let mut p = adele();
    let tz = TimeZone::UTC;
    let fresh = render(&with_profile(Detail::new(&p, theme(), &tz, now())), 80, 30)
        .backend()
        .to_string();
    assert!(
        !fresh.contains("stale") && !fresh.contains("last presence seen"),
        "{fresh}"
    );
    p.stale = true;
    let text = render(&with_profile(Detail::new(&p, theme(), &tz, now())), 80, 30)
        .backend()
        .to_string();
    assert!(text.contains("Adele Vance  (stale)"), "{text}");
    assert!(
        text.contains("Graph left this person out of its last answer"),
        "{text}"
    );
}

#[test]
fn long_messages_scroll_in_a_small_terminal() {
    let p = adele();
    let tz = TimeZone::UTC;
    let mut detail = with_profile(Detail::new(
        &p,
        Theme::new(false, Symbols::Ascii),
        &tz,
        now(),
    ));
    let area = Rect::new(0, 0, 40, 12);
    let max = detail.max_scroll(area);
    assert!(max > 0);
    let top = render(&detail, 40, 12);
    assert!(top.backend().to_string().contains("v more"));
    insta::assert_snapshot!("detail_40x12", top.backend());
    detail.scroll = max;
    let bottom = render(&detail, 40, 12).backend().to_string();
    assert!(bottom.contains("service desk."), "{bottom}");
    assert!(!bottom.contains("v more"), "{bottom}");
    detail.scroll = u16::MAX;
    assert_eq!(
        render(&detail, 40, 12).backend().to_string(),
        bottom,
        "scroll is clamped"
    );
}

#[test]
fn wide_text_never_pushes_the_border() {
    let mut p = adele();
    p.name = SafeText::line(
        "王芳王芳王芳王芳王芳王芳王芳王芳王芳王芳王芳王芳王芳王芳王芳王芳王芳王芳王芳王芳 🇬🇧👩‍👩‍👧",
    );
    p.set_status_full(SafeText::multiline(&"日本語のテキスト 🇯🇵 ".repeat(20)));
    let tz = TimeZone::UTC;
    let detail = with_profile(Detail::new(&p, theme(), &tz, now()));
    for (w, h) in [(80, 24), (37, 30), (21, 40)] {
        let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
        (&detail).render(buf.area, &mut buf);
        let (outer, ..) = detail.model.layout(buf.area);
        for y in outer.y + 1..outer.bottom() - 1 {
            assert_eq!(
                buf[(outer.x, y)].symbol(),
                "│",
                "left border, row {y} at {w}x{h}"
            );
            assert_eq!(
                buf[(outer.right() - 1, y)].symbol(),
                "│",
                "right border, row {y} at {w}x{h}"
            );
        }
    }
}

#[test]
fn tiny_sizes_do_not_panic() {
    let p = adele();
    let tz = TimeZone::UTC;
    let detail = with_profile(Detail::new(
        &p,
        Theme::new(true, Symbols::Unicode),
        &tz,
        now(),
    ));
    for (w, h) in [
        (1, 1),
        (2, 2),
        (1, 30),
        (30, 1),
        (4, 3),
        (5, 3),
        (20, 5),
        (0, 0),
    ] {
        let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
        (&detail).render(buf.area, &mut buf);
        let _ = detail.max_scroll(buf.area);
    }
    insta::assert_snapshot!("detail_20x5", render(&detail, 20, 5).backend());
}
