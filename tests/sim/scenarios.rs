//! Scenarios over sim time: determinism, `static`, `workday`, `hostile`, and a 10,000-person tenant.

use super::*;

async fn sorted_presences(c: &Client, ids: &[String]) -> Vec<Value> {
    let mut value = c.presences(ids).await.json()["value"]
        .as_array()
        .unwrap()
        .clone();
    value.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    value
}

#[tokio::test]
async fn the_same_seed_gives_the_same_tenant() {
    let (a, b) = (tenant(60, Scenario::Workday), tenant(60, Scenario::Workday));
    let (ca, cb) = (Client::new(&a), Client::new(&b));
    assert_eq!(a.user_ids(), b.user_ids());
    assert_eq!(a.token(), b.token());
    for i in 0..60 {
        let path = format!("/v1.0/users/{}", a.user_id(i));
        assert_eq!(ca.get(&path).await.json(), cb.get(&path).await.json());
    }
    assert_eq!(
        sorted_presences(&ca, &a.user_ids()).await,
        sorted_presences(&cb, &b.user_ids()).await
    );

    let mut other = options(60, Scenario::Workday);
    other.seed = 2;
    let other = Sim::new(other);
    assert_ne!(other.user_ids(), a.user_ids());
    assert_ne!(other.display_name(0), a.display_name(0));
}

#[tokio::test]
async fn names_come_from_several_cultures_and_ids_are_guids() {
    let sim = tenant(200, Scenario::Workday);
    let names: Vec<String> = (0..200).map(|i| sim.display_name(i).unwrap()).collect();
    let has = |pred: fn(char) -> bool| names.iter().any(|n| n.chars().any(pred));
    assert!(has(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "CJK");
    assert!(has(|c| ('\u{0600}'..='\u{06ff}').contains(&c)), "Arabic");
    assert!(has(|c| ('\u{0400}'..='\u{04ff}').contains(&c)), "Cyrillic");
    assert!(
        has(|c| ('\u{0900}'..='\u{097f}').contains(&c)),
        "Devanagari"
    );
    assert!(has(|c| "éüøñçåł".contains(c)), "accents");
    for i in 0..200 {
        let id = sim.user_id(i);
        assert_eq!(id.len(), 36);
        assert_eq!(sim.user_index(&id), Some(i));
        assert_eq!(sim.user_index(&sim.upn(i)), Some(i));
        assert!(sim.upn(i).is_ascii());
    }
}

#[tokio::test(start_paused = true)]
async fn static_never_changes() {
    let sim = tenant(40, Scenario::Static);
    let c = Client::new(&sim);
    let before = sorted_presences(&c, &sim.user_ids()).await;
    for _ in 0..10 {
        tokio::time::advance(Duration::from_secs(3_600)).await;
        assert_eq!(sorted_presences(&c, &sim.user_ids()).await, before);
    }
}

/// A 24-person demo polled every 30 s at the demo's time scale: something changes most polls,
/// and sequence numbers only grow.
#[tokio::test(start_paused = true)]
async fn workday_moves_and_sequence_numbers_grow() {
    let sim = tenant(24, Scenario::Workday);
    let c = Client::new(&sim);
    let mut last = sorted_presences(&c, &sim.user_ids()).await;
    let (mut polls, mut changed_polls) = (0, 0);
    let mut states = std::collections::HashSet::new();
    // 08:00 UTC to 20:00 UTC of sim time is 12 real minutes at 60x.
    for _ in 0..24 {
        tokio::time::advance(Duration::from_secs(30)).await;
        let now = sorted_presences(&c, &sim.user_ids()).await;
        let mut changed = false;
        for (old, new) in last.iter().zip(&now) {
            assert_eq!(old["id"], new["id"]);
            assert!(
                seq(new) >= seq(old),
                "sequence number went back: {} < {}",
                seq(new),
                seq(old)
            );
            if (&old["availability"], &old["activity"]) != (&new["availability"], &new["activity"])
            {
                assert!(
                    seq(new) > seq(old),
                    "a change without a newer sequence number"
                );
                changed = true;
            }
            states.insert(format!("{}/{}", new["availability"], new["activity"]).to_lowercase());
        }
        polls += 1;
        changed_polls += usize::from(changed);
        last = now;
    }
    assert!(
        changed_polls * 10 >= polls * 8,
        "only {changed_polls} of {polls} polls changed"
    );
    for state in [
        "\"busy\"/\"inameeting\"",
        "\"available\"/\"available\"",
        "\"offline\"/\"offwork\"",
    ] {
        assert!(states.contains(state), "{state} never seen in {states:?}");
    }
    let sim_hours = (sim.sim_time().as_second()
        - TUESDAY_MORNING
            .parse::<jiff::Timestamp>()
            .unwrap()
            .as_second())
        / 3_600;
    assert_eq!(sim_hours, 12);
}

#[tokio::test]
async fn ten_thousand_people_cost_nothing_until_asked() {
    let sim = tenant(10_000, Scenario::Workday);
    let c = Client::new(&sim);
    let last = sim.user_id(9_999);
    assert_eq!(
        c.get(&format!("/v1.0/users/{last}")).await.json()["id"],
        last
    );
    let upn = sim.upn(9_999);
    assert_eq!(
        c.get(&format!("/v1.0/users/{upn}")).await.json()["userPrincipalName"],
        upn
    );
    let ids: Vec<String> = (9_350..10_000).map(|i| sim.user_id(i)).collect();
    assert_eq!(
        c.presences(&ids).await.json()["value"]
            .as_array()
            .unwrap()
            .len(),
        650
    );
    assert_eq!(
        c.get(&format!("/v1.0/users/{}", sim.user_id(10_000)))
            .await
            .status,
        404
    );
}

/// Not an assertion: the figures for the report (`cargo test --test sim -- --nocapture footprint`).
#[tokio::test]
async fn footprint_of_a_ten_thousand_person_tenant() {
    fn rss_kib() -> u64 {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines().find(|l| l.starts_with("VmRSS:")).map(|l| {
                    l.split_whitespace()
                        .nth(1)
                        .unwrap_or("0")
                        .parse()
                        .unwrap_or(0)
                })
            })
            .unwrap_or(0)
    }
    // A first tenant pays for one-time set-up (lazy statics, allocator arenas) outside the figure.
    drop(tenant(1, Scenario::Workday));
    let before = rss_kib();
    let started = std::time::Instant::now();
    let sim = tenant(10_000, Scenario::Workday);
    let created = started.elapsed();
    let after_new = rss_kib();
    let c = Client::new(&sim);
    let ids = sim.user_ids();
    let started = std::time::Instant::now();
    for chunk in ids.chunks(650) {
        assert_eq!(c.presences(chunk).await.status, 200);
    }
    let polled = started.elapsed();
    println!(
        "10,000-person tenant: created in {created:?}, RSS {before} KiB before, {after_new} KiB after creating; \
         one full poll (16 batches) in {polled:?}, RSS {} KiB after it",
        rss_kib()
    );
}

#[tokio::test]
async fn hostile_people_carry_every_attack() {
    let sim = tenant(24, Scenario::Hostile);
    let c = Client::new(&sim);
    let names: Vec<String> = (0..24).map(|i| sim.display_name(i).unwrap()).collect();
    let any_name = |needle: &str| names.iter().any(|n| n.contains(needle));
    for needle in [
        "\u{1b}]0;",
        "\u{1b}]52;c;",
        "\u{1b}[2J",
        "\u{1b}P",
        "\u{1b}_",
        "\u{9b}",
        "\u{9d}",
        "\u{202e}",
        "\u{2066}",
    ] {
        assert!(any_name(needle), "no name carries {needle:?}");
    }
    assert!(
        names
            .iter()
            .any(|n| n.chars().filter(|c| *c == '\u{301}').count() == 5_000)
    );
    assert!(names.iter().any(|n| !n.is_empty()
        && n.chars().all(|c| matches!(
            c,
            '\u{200b}' | '\u{feff}' | '\u{200e}' | '\u{200f}' | '\u{e0000}'..='\u{e007f}'
        ))));
    let invisible = (0..24)
        .find(|i| sim.display_name(*i).unwrap().starts_with('\u{200b}'))
        .unwrap();
    let user = c
        .get(&format!(
            "/v1.0/users/{}?$select=displayName,mail",
            sim.user_id(invisible)
        ))
        .await
        .json();
    assert!(
        user["mail"].as_str().unwrap().is_ascii(),
        "a mail to fall back to"
    );

    let raw = c.presences(&sim.user_ids()).await;
    assert_eq!(raw.status, 200);
    let value = raw.json()["value"].as_array().unwrap().clone();
    let messages: Vec<String> = value
        .iter()
        .filter_map(|p| {
            p["statusMessage"]["message"]["content"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    for needle in [
        "\u{1b}]8;;",
        "\u{1b}[21t",
        "\u{1b}[c",
        "\u{1b}^",
        "\u{1b}X",
        "\u{85}",
        "\u{2028}",
        "🎉",
    ] {
        assert!(
            messages.iter().any(|m| m.contains(needle)),
            "no message carries {needle:?}"
        );
    }
    assert!(
        messages.iter().any(|m| m.len() >= 1_000_000),
        "a 1 MB message"
    );
    assert!(
        messages.iter().any(|m| m.matches('\n').count() == 10_000),
        "10,000 newlines"
    );
    assert!(value.iter().any(|p| p["availability"] == "Teleporting"
        && p["activity"] == "InTheMultiverse"
        && p["futureProperty"].is_object()));
    assert!(
        value
            .iter()
            .any(|p| p["workLocation"]["workLocationType"] == "moonBase")
    );
    assert_eq!(
        value
            .iter()
            .filter(|p| !p["availability"].is_string())
            .count(),
        1,
        "one malformed element"
    );
    assert!(value.iter().any(|p| {
        p["outOfOfficeSettings"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("&#27;]0;"))
    }));
    let evil_place = value
        .iter()
        .find_map(|p| {
            p["workLocation"]["placeId"]
                .as_str()
                .filter(|_| p["workLocation"]["workLocationType"] == "moonBase")
        })
        .unwrap()
        .to_owned();
    let place = c.get(&format!("/v1.0/places/{evil_place}")).await.json();
    assert!(place["displayName"].as_str().unwrap().contains('\u{1b}'));
}
