//! The header: title, your own presence, counts per availability, and how fresh the board is.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::card::presence_runs;
use super::paint::{Run, put, put_right_if_room, run};
use super::theme::Theme;
use crate::app::{App, FailureKind};
use crate::graph::model::Status;
use crate::presence_style;

/// How fresh the board is, in words (and a style that repeats what the words say).
pub fn freshness(app: &App, theme: Theme) -> Run<'static> {
    let sync = app.freshness();
    let now = app.now();
    if sync.refreshing {
        // Static: a spinner would redraw the board for nothing but itself.
        return run("refreshing…", theme.muted());
    }
    if sync.signed_out {
        return run("signed out", theme.error());
    }
    let throttled = sync
        .error
        .as_ref()
        .is_some_and(|e| matches!(e.kind, FailureKind::Throttled { .. }));
    if throttled {
        // Only Graph's own Retry-After gives a time worth showing.
        return match sync.throttled_until {
            Some(until) if until > now.utc => run(
                format!("throttled until {}", app.clock(until)),
                theme.warning(),
            ),
            _ => run("throttled", theme.warning()),
        };
    }
    match (sync.updated_at, sync.cached_at, &sync.error) {
        (Some(at), _, Some(_)) => run(
            format!("stale · updated {}", app.clock(at)),
            theme.warning(),
        ),
        (Some(at), _, None) => run(format!("updated {}", app.clock(at)), theme.muted()),
        (None, Some(at), _) => run(format!("stale · cached {}", app.clock(at)), theme.warning()),
        (None, None, Some(_)) => run("no data yet", theme.warning()),
        (None, None, None) => run("connecting…", theme.muted()),
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) {
    if area.is_empty() {
        return;
    }
    let state = [
        run(" ", Style::new()),
        freshness(app, theme),
        run(" ", Style::new()),
    ];
    let left_room = put_right_if_room(buf, area, &state, 12);

    let mut runs: Vec<Run<'_>> = vec![run(" teamboard ", theme.title())];
    if let Some(me) = app.me() {
        runs.push(run(" you ", theme.muted()));
        // Symbol and word only (activity is on your card).
        runs.extend(
            presence_runs(me, theme)
                .into_iter()
                .take(if me.out_of_office { 4 } else { 3 }),
        );
        runs.push(run(" ", Style::new()));
    }
    let (counts, out_of_office) = app.counts();
    runs.push(run(" ", Style::new()));
    for (status, &n) in Status::ALL.iter().zip(counts) {
        if n > 0 {
            runs.push(run(
                presence_style::symbol(*status, false, theme.symbols),
                theme.status(*status),
            ));
            runs.push(run(format!("{n} "), Style::new()));
        }
    }
    if out_of_office > 0 {
        runs.push(run(
            presence_style::symbol(Status::Unknown, true, theme.symbols),
            theme.out_of_office(),
        ));
        runs.push(run(format!("{out_of_office} "), Style::new()));
    }
    put(buf, Rect::new(area.x, area.y, left_room, 1), &runs);
}
