//! One filter keystroke over 10,000 people (budget: 1 ms): `Query::parse` + `Filter::apply`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use teamboard::app::filter::{Filter, Query, SearchEntry, SearchFields};
use teamboard::graph::model::{Status, WorkLocationKind};

const FIRST: &[&str] = &[
    "Adele",
    "Alex",
    "Allan",
    "Ann",
    "Anna",
    "Bianca",
    "Björn",
    "Carlos",
    "Chloé",
    "Diego",
    "Elif",
    "Emma",
    "François",
    "Grady",
    "Hanna",
    "Henrietta",
    "Irvin",
    "Isaiah",
    "Jo",
    "Johanna",
    "José",
    "Lee",
    "Lidia",
    "Lynne",
    "Megan",
    "Miriam",
    "Nestor",
    "Noah",
    "Patti",
    "Pradeep",
    "Raúl",
    "Sakura",
    "Søren",
    "Wei",
    "Zoë",
];
const LAST: &[&str] = &[
    "Vance",
    "Wilber",
    "Deyoung",
    "Lee",
    "Bowen",
    "Kowalski",
    "García",
    "Müller",
    "Nguyen",
    "Holgersson",
    "Sellers",
    "Wilkins",
    "Gonzales",
    "Patel",
    "Tanaka",
    "Ødegaard",
    "Brown",
    "Rossi",
    "Dubois",
    "Silva",
    "O'Brien",
    "Schmidt",
    "Yılmaz",
    "Kim",
    "Haddad",
    "Novak",
];
const TITLES: &[&str] = &[
    "Software Engineer",
    "Senior Engineer",
    "Product Manager",
    "Designer",
    "Sales Lead",
    "Recruiter",
    "Support Specialist",
    "Director of Operations",
];
const DEPARTMENTS: &[&str] = &[
    "Platform",
    "Sales",
    "Marketing",
    "Finance",
    "Operations",
    "Research",
    "Legal",
];
const MESSAGES: &[&str] = &[
    "In meetings all afternoon, ping me on chat",
    "On leave until Monday",
    "Working from the Zürich office this week",
    "Focus time: back at 15:00",
    "Travelling, slow to reply",
];

struct Raw {
    name: String,
    mail: String,
    title: Option<&'static str>,
    dept: Option<&'static str>,
    message: Option<&'static str>,
    status: Status,
    ooo: bool,
    location: Option<WorkLocationKind>,
}

/// 10,000 varied people, deterministic (a simple LCG, so the bench needs no rand seed).
fn people(n: usize) -> Vec<Raw> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |m: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as usize) % m
    };
    (0..n)
        .map(|i| {
            let first = FIRST[next(FIRST.len())];
            let last = LAST[next(LAST.len())];
            let status = Status::ALL[next(Status::ALL.len())];
            Raw {
                name: format!("{first} {last}"),
                mail: format!(
                    "{}.{}{i}@contoso.com",
                    first.to_lowercase(),
                    last.to_lowercase()
                ),
                title: (next(4) != 0).then(|| TITLES[next(TITLES.len())]),
                dept: (next(3) != 0).then(|| DEPARTMENTS[next(DEPARTMENTS.len())]),
                message: (next(3) == 0).then(|| MESSAGES[next(MESSAGES.len())]),
                status,
                ooo: next(15) == 0,
                location: match next(4) {
                    0 => Some(WorkLocationKind::Office),
                    1 => Some(WorkLocationKind::Remote),
                    2 => Some(WorkLocationKind::TimeOff),
                    _ => None,
                },
            }
        })
        .collect()
}

fn words(status: Status) -> &'static str {
    match status {
        Status::Available => "Available",
        Status::Busy => "In a meeting",
        Status::DoNotDisturb => "Presenting",
        Status::Away => "Be right back",
        Status::Offline => "Offline",
        Status::Unknown => "Unknown",
    }
}

fn entries(raw: &[Raw]) -> Vec<SearchEntry> {
    raw.iter()
        .map(|p| {
            SearchEntry::new(&SearchFields {
                name: &p.name,
                mail: &p.mail,
                job_title: p.title,
                department: p.dept,
                availability: words(p.status),
                activity: words(p.status),
                status_message: p.message,
                ooo_message: p
                    .ooo
                    .then_some("Out of the office until Monday, ask Lee for anything urgent"),
                status: p.status,
                out_of_office: p.ooo,
                location: p.location,
                place: (p.location == Some(WorkLocationKind::Office)).then_some("Building 40"),
            })
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let raw = people(10_000);
    c.bench_function("build 10,000 search entries", |b| {
        b.iter(|| entries(black_box(&raw)));
    });
    let es = entries(&raw);
    let filter = Filter::new();
    let mut out = Vec::with_capacity(es.len());
    for query in [
        "a",
        "ann",
        "annlee",
        "av",
        "meeting",
        "zürich",
        "is:busy",
        "ann is:available !at:remote",
        "!is:offline \"on leave\"",
        "xyzzy",
    ] {
        c.bench_function(&format!("keystroke over 10,000: {query}"), |b| {
            b.iter(|| {
                let q = Query::parse(black_box(query));
                filter.apply(&q, es.iter().enumerate(), &mut out);
                black_box(out.len())
            });
        });
    }
}

criterion_group!(benches_group, benches);
criterion_main!(benches_group);
