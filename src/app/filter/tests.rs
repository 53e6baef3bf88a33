//! Filter tests: the parser table and the matching table.

use super::*;
use crate::graph::model::{Status, WorkLocationKind};

/// A short rendering of a parsed query: `!is:busy`, `w:ann`, `p:"ann lee"`.
fn shape(q: &Query) -> Vec<String> {
    q.terms()
        .iter()
        .map(|t| {
            let bang = if t.negated { "!" } else { "" };
            match &t.atom {
                Atom::Facet(f) => format!("{bang}{}", f.text()),
                Atom::Calendar(CalendarFacet::FreeWithin(m)) => format!("{bang}free:{m}"),
                Atom::Calendar(CalendarFacet::OutsideHours) => format!("{bang}is:outside-hours"),
                Atom::Word(w) if w.phrase => format!("{bang}p:{:?}", w.text),
                Atom::Word(w) => format!("{bang}w:{}", w.text),
            }
        })
        .collect()
}

#[test]
fn parser_table() {
    let table: &[(&str, &[&str])] = &[
        ("", &[]),
        ("   ", &[]),
        ("ann", &["w:ann"]),
        ("  ann   lee ", &["w:ann", "w:lee"]),
        ("is:busy", &["is:busy"]),
        ("free:30", &["free:30"]),
        ("FREE:0 !is:Outside-Hours", &["free:0", "!is:outside-hours"]),
        ("free:", &[]),
        ("is:outside", &[]),
        ("IS:Busy", &["is:busy"]),
        ("!is:offline", &["!is:offline"]),
        ("!bob", &["!w:bob"]),
        (
            "ann is:available !at:remote",
            &["is:available", "!at:remote", "w:ann"],
        ),
        (
            "is:ooo at:office at:timeoff is:dnd is:unknown is:away",
            &[
                "is:ooo",
                "at:office",
                "at:timeoff",
                "is:dnd",
                "is:unknown",
                "is:away",
            ],
        ),
        ("\"ann lee\"", &["p:\"ann lee\""]),
        ("!\"on leave\" x", &["!p:\"on leave\"", "w:x"]),
        ("\"unclosed phrase", &["p:\"unclosed phrase\""]),
        ("\"\" !", &[]),
        ("is:sleepy", &[]),
        ("at:moon ann", &["w:ann"]),
        ("is:bu", &[]),
        ("!at:rem ann", &["w:ann"]),
        ("is:", &[]),
        ("hi!", &["w:hi!"]),
        ("josé", &["w:josé"]),
    ];
    for (text, want) in table {
        let q = Query::parse(text);
        assert_eq!(shape(&q), *want, "{text:?}");
        assert_eq!(q.is_empty(), want.is_empty(), "{text:?}");
    }
    assert_eq!(
        Query::parse("is:sleepy at:moon").unknown_facets(),
        ["is:sleepy", "at:moon"]
    );
    assert!(
        Query::parse("is:sleepy").is_empty(),
        "left out of the matching"
    );
    assert_eq!(Query::parse("is:bu").incomplete(), ["is:bu"]);
    assert!(Query::parse("is:busy").unknown_facets().is_empty());
}

struct P {
    name: &'static str,
    mail: &'static str,
    title: Option<&'static str>,
    dept: Option<&'static str>,
    activity: &'static str,
    message: Option<&'static str>,
    ooo_message: Option<&'static str>,
    status: Status,
    ooo: bool,
    location: Option<WorkLocationKind>,
    place: Option<&'static str>,
}

fn people() -> Vec<P> {
    let p = |name, mail, status| P {
        name,
        mail,
        title: None,
        dept: None,
        activity: "Available",
        message: None,
        ooo_message: None,
        status,
        ooo: false,
        location: None,
        place: None,
    };
    vec![
        P {
            title: Some("Senior Engineer"),
            dept: Some("Platform"),
            location: Some(WorkLocationKind::Office),
            place: Some("München Campus"),
            ..p("Ann Lee", "ann.lee@contoso.com", Status::Available)
        },
        P {
            message: Some("In Zürich until Friday\nthen back"),
            activity: "In a meeting",
            location: Some(WorkLocationKind::Remote),
            ..p("Bob Stone", "bob@contoso.com", Status::Busy)
        },
        P {
            title: Some("Designer"),
            activity: "Presenting",
            ..p(
                "José Álvarez",
                "jose.alvarez@contoso.com",
                Status::DoNotDisturb,
            )
        },
        P {
            ooo: true,
            location: Some(WorkLocationKind::TimeOff),
            message: Some("On leave"),
            ooo_message: Some("Hiking in Patagonia, back on the 12th"),
            ..p("Zoë Ng", "zoe@contoso.com", Status::Away)
        },
        p("Bjorn Olbrecht", "bjorn@contoso.com", Status::Offline),
        p("王芳", "wang.fang@contoso.com", Status::Unknown),
        p(
            "Hanako Yamamoto",
            "hanako.yamamoto@contoso.com",
            Status::Offline,
        ),
    ]
}

fn availability(status: Status) -> &'static str {
    match status {
        Status::Available => "Available",
        Status::Busy => "Busy",
        Status::DoNotDisturb => "Do not disturb",
        Status::Away => "Away",
        Status::Offline => "Offline",
        Status::Unknown => "Unknown",
    }
}

fn entries() -> Vec<SearchEntry> {
    people()
        .iter()
        .map(|p| {
            SearchEntry::new(&SearchFields {
                name: p.name,
                mail: p.mail,
                job_title: p.title,
                department: p.dept,
                availability: availability(p.status),
                activity: p.activity,
                status_message: p.message,
                ooo_message: p.ooo_message,
                status: p.status,
                out_of_office: p.ooo,
                location: p.location,
                place: p.place,
            })
        })
        .collect()
}

fn names(query: &str) -> Vec<&'static str> {
    let all = people();
    let es = entries();
    let filter = Filter::new();
    let mut out = vec![99];
    filter.apply(&Query::parse(query), es.iter().enumerate(), &mut out);
    out.iter().map(|&i| all[i].name).collect()
}

#[test]
fn matching_table() {
    const ANN: &str = "Ann Lee";
    const BOB: &str = "Bob Stone";
    const JOSE: &str = "José Álvarez";
    const ZOE: &str = "Zoë Ng";
    const BJORN: &str = "Bjorn Olbrecht";
    const WANG: &str = "王芳";
    const HANAKO: &str = "Hanako Yamamoto";
    const ALL: &[&str] = &[ANN, BOB, JOSE, ZOE, BJORN, WANG, HANAKO];
    let table: &[(&str, &[&str])] = &[
        // The empty query keeps everyone, in order.
        ("", ALL),
        // Fuzzy on names: a run of three letters (all of a shorter word) or initials, any case.
        ("ann", &[ANN]),
        ("ANN", &[ANN]),
        ("annlee", &[ANN]),
        ("al", &[ANN, JOSE]),
        ("bs", &[BOB]),
        ("bstn", &[]),
        ("bob", &[BOB]),
        ("hy", &[HANAKO]),
        // Accents fold both ways.
        ("jose", &[JOSE]),
        ("álv", &[JOSE]),
        ("zoe", &[ZOE]),
        ("王", &[WANG]),
        // Fuzzy on the mail's local part, never its domain.
        ("wangfang", &[WANG]),
        ("contoso", &[]),
        ("con", &[]),
        // Substring on title, department and everything the card says.
        ("platform", &[ANN]),
        ("senior", &[ANN]),
        ("zurich", &[BOB]),
        ("leave", &[ZOE]),
        ("patagonia", &[ZOE]),
        ("meeting", &[BOB]),
        ("presenting", &[JOSE]),
        ("do not", &[JOSE]),
        ("office", &[ANN]),
        ("remote", &[BOB]),
        ("time off", &[ZOE]),
        ("munchen", &[ANN]),
        ("münchen", &[ANN]),
        ("dsgnr", &[]),
        ("\"on leave\"", &[ZOE]),
        ("\"ann lee\"", &[ANN]),
        ("\"a lee\"", &[]),
        // No match spans two fields.
        ("friday then", &[BOB]),
        ("\"friday then\"", &[BOB]),
        ("\"engineer platform\"", &[]),
        // Facets.
        ("is:available", &[ANN]),
        ("is:busy", &[BOB, JOSE]),
        ("is:dnd", &[JOSE]),
        ("is:away", &[ZOE]),
        ("is:offline", &[BJORN, HANAKO]),
        ("is:unknown", &[WANG]),
        ("is:ooo", &[ZOE]),
        ("at:office", &[ANN]),
        ("at:remote", &[BOB]),
        ("at:timeoff", &[ZOE]),
        // Negation is the complement, and terms AND.
        ("!is:offline !is:unknown", &[ANN, BOB, JOSE, ZOE]),
        ("!bob", &[ANN, JOSE, ZOE, BJORN, WANG, HANAKO]),
        ("!ann", &[BOB, JOSE, ZOE, BJORN, WANG, HANAKO]),
        ("bo is:busy", &[BOB]),
        ("ann is:available !at:remote", &[ANN]),
        ("ann !is:available", &[]),
        ("han !is:available", &[HANAKO]),
        ("!\"on leave\" is:away", &[]),
        // Unknown and incomplete facets are left out of the matching.
        ("is:sleepy", ALL),
        ("is:free bob", &[BOB]),
        ("is:bu", ALL),
        ("is:bu zoe", &[ZOE]),
    ];
    for (query, want) in table {
        assert_eq!(names(query), *want, "{query:?}");
    }
}

#[test]
fn an_unknown_facet_is_a_problem_naming_the_valid_ones() {
    let q = Query::parse("ann is:free");
    let problem = q.problem().unwrap();
    assert!(
        problem.starts_with("no facet \"is:free\"; use is:available is:busy"),
        "{problem}"
    );
    assert!(problem.contains("at:timeoff"), "{problem}");
    assert_eq!(
        Query::parse("!at:moon")
            .problem()
            .unwrap()
            .split(';')
            .next(),
        Some("no facet \"at:moon\"")
    );
    for fine in ["", "ann", "is:busy", "is:bu", "!is:offline \"is:free\""] {
        assert_eq!(Query::parse(fine).problem(), None, "{fine}");
    }
}

proptest::proptest! {
    /// For any word w, the people w matches and those !w matches are the whole team, exactly once.
    #[test]
    fn a_word_and_its_negation_split_the_team(word in "[a-zA-Z0-9äöüéÀ王 .@\"-]{1,8}") {
        let word = word.trim().replace('"', "");
        proptest::prop_assume!(!word.is_empty() && !word.contains(' '));
        let all = people().len();
        for w in [word.clone(), format!("\"{word}\"")] {
            let hits = names(&w).len();
            let misses = names(&format!("!{w}")).len();
            proptest::prop_assert_eq!(hits + misses, all, "{} and !{}", w, w);
        }
    }
}

#[test]
fn matches_agrees_with_apply_and_the_filter_is_reusable() {
    let es = entries();
    let filter = Filter;
    let q = Query::parse("o !is:away");
    let mut out = Vec::new();
    filter.apply(&q, es.iter().enumerate(), &mut out);
    let one_by_one: Vec<usize> = (0..es.len())
        .filter(|&i| filter.matches(&q, &es[i]))
        .collect();
    assert_eq!(out, one_by_one);
    // Indices are the caller's, not positions: a filtered subset keeps its own numbering.
    filter.apply(
        &Query::parse("is:busy"),
        es.iter().enumerate().skip(2).map(|(i, e)| (i * 10, e)),
        &mut out,
    );
    assert_eq!(out, vec![20]);
}

#[test]
fn fold_lowercases_and_strips_accents() {
    assert_eq!(fold("José ÁLVAREZ"), "jose alvarez");
    assert_eq!(fold("Zoë"), "zoe");
    assert_eq!(fold("ANN"), "ann");
    // A decomposed accent (e + combining acute) folds like the composed one.
    assert_eq!(fold("Jose\u{301}"), "jose");
}

#[test]
fn non_ascii_words_match_fuzzily_with_the_same_floor() {
    let entry = |name: &str| {
        SearchEntry::new(&SearchFields {
            name,
            mail: "d@contoso.com",
            job_title: Some("Инженер"),
            department: None,
            availability: "Available",
            activity: "Available",
            status_message: None,
            ooo_message: None,
            status: Status::Available,
            out_of_office: false,
            location: None,
            place: None,
        })
    };
    let dmitri = entry("Дмитрий Иванов");
    let filter = Filter::new();
    for (query, want) in [
        ("ди", true),
        ("ДИВ", true),
        ("иванов", true),
        ("дв", false),
        ("вд", false),
        ("инж", true),
        ("ижн", false),
    ] {
        assert_eq!(
            filter.matches(&Query::parse(query), &dmitri),
            want,
            "{query}"
        );
    }
    // A non-ASCII needle never matches a plain ASCII name.
    assert!(!filter.matches(&Query::parse("д"), &entry("Dmitri")));
}

/// The demo's 24 people: a word finds those whose name or mail it is in, not everyone whose name and
/// mail domain happen to hold its letters.
#[cfg(feature = "sim")]
#[test]
fn on_the_demo_team_a_name_finds_its_people_and_a_word_and_its_negation_split_it() {
    use crate::sim::{Scenario, Sim, SimOptions};
    let sim = Sim::new(SimOptions::new(24, Scenario::Workday));
    let team: Vec<(String, String)> = (0..24)
        .map(|i| (sim.display_name(i).unwrap(), sim.upn(i)))
        .collect();
    let entries: Vec<SearchEntry> = team
        .iter()
        .map(|(name, mail)| {
            SearchEntry::new(&SearchFields {
                name,
                mail,
                job_title: None,
                department: None,
                availability: "Available",
                activity: "Available",
                status_message: None,
                ooo_message: None,
                status: Status::Available,
                out_of_office: false,
                location: None,
                place: None,
            })
        })
        .collect();
    let filter = Filter::new();
    let mut out = Vec::new();
    let mut count = |query: &str| {
        filter.apply(&Query::parse(query), entries.iter().enumerate(), &mut out);
        out.len()
    };
    for word in ["ann", "a", "an", "lee", "mül", "xyz", "contoso", "o", "山"] {
        assert_eq!(count(word) + count(&format!("!{word}")), 24, "{word}");
    }
    for (name, mail) in &team {
        let first = name.split_whitespace().next().unwrap();
        assert!(count(first) >= 1, "{first} finds {name} ({mail})");
    }
    assert_eq!(
        count("contoso"),
        0,
        "the domain everyone shares finds no one"
    );
    // No one in the demo is called Ann (it once found 10 of 24 through "hanako.yamamoto@contoso").
    assert!(team.iter().all(|(name, _)| !fold(name).contains("ann")));
    assert_eq!(count("ann"), 0);
}

#[test]
fn calendar_facets_parse_and_a_malformed_one_is_reported() {
    let q = Query::parse("free:45 !is:outside-hours ann");
    let terms: Vec<(bool, CalendarFacet)> = q.calendar_terms().collect();
    assert_eq!(
        terms,
        [
            (false, CalendarFacet::FreeWithin(45)),
            (true, CalendarFacet::OutsideHours)
        ]
    );
    // Calendar terms are the core's to apply: the search entry leaves them out.
    let entry = SearchEntry::new(&SearchFields {
        name: "Ann",
        mail: "ann@example.com",
        job_title: None,
        department: None,
        availability: "Busy",
        activity: "In a meeting",
        status_message: None,
        ooo_message: None,
        status: Status::Busy,
        out_of_office: false,
        location: None,
        place: None,
    });
    assert!(Filter::new().matches(&q, &entry));
    let bad = Query::parse("free:soon");
    let problem = bad.problem().expect("reported");
    assert!(
        problem.contains("free:MINUTES is:outside-hours"),
        "{problem}"
    );
    assert!(
        Query::parse("free:99999").problem().is_some(),
        "more than a day"
    );
}
