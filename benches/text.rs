//! Benchmarks for `SafeText`: a typical name, a 1 MB hostile message, a typical HTML auto-reply.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use teamboard::text::{SafeText, fit, to_inert_json};

const AUTO_REPLY: &str = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\
<style>p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0cm; font-size:11.0pt; font-family:\"Calibri\",sans-serif;}\
a:link, span.MsoHyperlink {color:#0563C1; text-decoration:underline;}</style></head>\
<body lang=\"EN-GB\" link=\"#0563C1\"><div class=\"WordSection1\">\
<p class=\"MsoNormal\">Hello,<o:p></o:p></p><p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p>\
<p class=\"MsoNormal\">Thank you for your message. I&#8217;m out of the office from Monday 3 March until \
Friday 14 March with limited access to e-mail.<o:p></o:p></p>\
<p class=\"MsoNormal\">For urgent matters please contact <a href=\"mailto:megan@contoso.com\">Megan Bowen</a> \
(+44 20 7946 0000) or the service desk &amp; I will reply when I&#8217;m back.<o:p></o:p></p>\
<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p><p class=\"MsoNormal\">Kind regards,<br>Adele<o:p></o:p></p>\
</div></body></html>";

fn hostile_megabyte() -> String {
    let unit = "Lunch \u{1b}]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u{7}\u{202e}break\u{200b} e\u{301}\u{301}\u{301}\u{301}\u{301}\n";
    unit.repeat((1 << 20) / unit.len() + 1)
}

fn benches(c: &mut Criterion) {
    let name = "Adele Vance (Contoso) 🇬🇧";
    c.bench_function("line/typical name", |b| {
        b.iter(|| SafeText::line(black_box(name)));
    });
    let big = hostile_megabyte();
    c.bench_function("line/1 MB hostile message", |b| {
        b.iter(|| SafeText::line(black_box(&big)));
    });
    c.bench_function("multiline/1 MB hostile message", |b| {
        b.iter(|| SafeText::multiline(black_box(&big)));
    });
    let newlines = format!("a{}b", "\n".repeat(1 << 20));
    c.bench_function("line/1 MB of newlines", |b| {
        b.iter(|| SafeText::line(black_box(&newlines)));
    });
    c.bench_function("html_multiline/auto-reply", |b| {
        b.iter(|| SafeText::html_multiline(black_box(AUTO_REPLY)));
    });
    c.bench_function("message_line/auto-reply", |b| {
        b.iter(|| SafeText::message_line(black_box(AUTO_REPLY)));
    });
    let huge_html = format!("<p>{}</p>", "word &amp; ".repeat(100_000));
    c.bench_function("html_multiline/1 MB html", |b| {
        b.iter(|| SafeText::html_multiline(black_box(&huge_html)));
    });
    let nested = format!("{}x", "<ul><li>".repeat(8000));
    c.bench_function("html_multiline/8,000 nested lists", |b| {
        b.iter(|| SafeText::html_multiline(black_box(&nested)));
    });
    let safe = SafeText::line(name);
    c.bench_function("fit/name to 12 columns", |b| {
        b.iter(|| fit(black_box(safe.as_str()), 12).len());
    });
    let hostile = "a\u{1b}]0;x\u{7}\u{202e}\u{e0041}".repeat(20);
    c.bench_function("to_inert_json/hostile string", |b| {
        b.iter(|| to_inert_json(black_box(&hostile)));
    });
}

criterion_group!(text, benches);
criterion_main!(text);
