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
        ("is:sleepy", &["w:is:sleepy"]),
        ("at:moon ann", &["w:at:moon", "w:ann"]),
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
    assert_eq!(Query::parse("is:bu").incomplete(), ["is:bu"]);
    assert!(Query::parse("is:busy").unknown_facets().is_empty());
}

struct P {
    name: &'static str,
    mail: &'static str,
    title: Option<&'static str>,
    dept: Option<&'static str>,
    message: Option<&'static str>,
    status: Status,
    ooo: bool,
    location: Option<WorkLocationKind>,
}

fn people() -> Vec<P> {
    let p = |name, mail, status| P {
        name,
        mail,
        title: None,
        dept: None,
        message: None,
        status,
        ooo: false,
        location: None,
    };
    vec![
        P {
            title: Some("Senior Engineer"),
            dept: Some("Platform"),
            location: Some(WorkLocationKind::Office),
            ..p("Ann Lee", "ann.lee@contoso.com", Status::Available)
        },
        P {
            message: Some("In Zürich until Friday\nthen back"),
            location: Some(WorkLocationKind::Remote),
            ..p("Bob Stone", "bob@contoso.com", Status::Busy)
        },
        P {
            title: Some("Designer"),
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
            ..p("Zoë Ng", "zoe@contoso.com", Status::Away)
        },
        p("Bjorn Olbrecht", "bjorn@contoso.com", Status::Offline),
        p("王芳", "wang.fang@contoso.com", Status::Unknown),
    ]
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
                status_message: p.message,
                status: p.status,
                out_of_office: p.ooo,
                location: p.location,
            })
        })
        .collect()
}

fn names(query: &str) -> Vec<&'static str> {
    let all = people();
    let es = entries();
    let mut filter = Filter::new();
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
    let table: &[(&str, &[&str])] = &[
        // The empty query keeps everyone, in order.
        ("", &[ANN, BOB, JOSE, ZOE, BJORN, WANG]),
        // Fuzzy on names: letters in order, gaps allowed, any case.
        ("al", &[ANN, JOSE]),
        ("ANN", &[ANN, WANG]), // wang.fang@ has a, n, n in order
        ("bstn", &[BOB]),
        ("bob", &[BOB, BJORN]),
        // Accents fold both ways.
        ("jose", &[JOSE]),
        ("álv", &[JOSE]),
        ("zoe", &[ZOE]),
        ("王", &[WANG]),
        // Fuzzy on mail.
        ("wangfang", &[WANG]),
        ("contoso", &[ANN, BOB, JOSE, ZOE, BJORN, WANG]),
        // Substring on title, department and status message, not fuzzy.
        ("platform", &[ANN]),
        ("senior", &[ANN]),
        ("zurich", &[BOB]),
        ("leave", &[ZOE]),
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
        ("is:offline", &[BJORN]),
        ("is:unknown", &[WANG]),
        ("is:ooo", &[ZOE]),
        ("at:office", &[ANN]),
        ("at:remote", &[BOB]),
        ("at:timeoff", &[ZOE]),
        // Negation and AND.
        ("!is:offline !is:unknown", &[ANN, BOB, JOSE, ZOE]),
        ("!bob", &[ANN, JOSE, ZOE, BJORN, WANG]),
        ("!ol", &[ANN, BOB, JOSE, ZOE, WANG]),
        ("b is:busy", &[BOB]),
        ("ann is:available !at:remote", &[ANN]),
        ("ann !is:available", &[WANG]),
        ("!\"on leave\" is:away", &[]),
        // Unknown facets are words; incomplete facets are ignored.
        ("is:sleepy", &[]),
        ("is:bu", &[ANN, BOB, JOSE, ZOE, BJORN, WANG]),
        ("is:bu zoe", &[ZOE]),
    ];
    for (query, want) in table {
        assert_eq!(names(query), *want, "{query:?}");
    }
}

#[test]
fn matches_agrees_with_apply_and_the_filter_is_reusable() {
    let es = entries();
    let mut filter = Filter::default();
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
fn non_ascii_needles_match_fuzzily_through_nucleo() {
    let entry = |name: &str| {
        SearchEntry::new(&SearchFields {
            name,
            mail: "d@contoso.com",
            job_title: Some("Инженер"),
            department: None,
            status_message: None,
            status: Status::Available,
            out_of_office: false,
            location: None,
        })
    };
    let dmitri = entry("Дмитрий Иванов");
    let mut filter = Filter::new();
    for (query, want) in [
        ("дв", true),
        ("ДИВ", true),
        ("иванов", true),
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
