//! Where everything is on screen: one pure function shared by the core (move by rows, page, hit-test
//! clicks) and the UI (draw), so the two never disagree.

use std::ops::Range;

use ratatui::layout::Rect;

/// Narrowest card; the grid fits as many as the width allows.
pub const CARD_MIN_WIDTH: u16 = 26;
/// A card: border, three lines, border.
pub const CARD_HEIGHT: u16 = 5;

/// The header, body and footer rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chrome {
    pub header: Rect,
    pub body: Rect,
    pub footer: Rect,
}

/// Header and footer take a row each when there is room; the body gets the rest (it shrinks first to 1 row).
pub fn chrome(area: Rect) -> Chrome {
    let row = |y: u16, height: u16| Rect::new(area.x, y, area.width, height);
    match area.height {
        0 | 1 => Chrome {
            header: row(area.y, 0),
            body: area,
            footer: row(area.bottom(), 0),
        },
        2 | 3 => Chrome {
            header: row(area.y, 1),
            body: row(area.y + 1, area.height - 1),
            footer: row(area.bottom(), 0),
        },
        h => Chrome {
            header: row(area.y, 1),
            body: row(area.y + 1, h - 2),
            footer: row(area.bottom() - 1, 1),
        },
    }
}

/// One section of the board (all of it when not grouped): a header line when grouped, then rows of cards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// Index into the caller's section list (so the UI can label it).
    pub key: usize,
    /// First item (index into the visible order) and how many.
    pub items: Range<usize>,
    /// Content line of the section header (when there is one) or of its first row.
    pub top: usize,
    pub header: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Geometry {
    pub chrome: Chrome,
    /// A grid of cards, or the compact list (one line per person) on small terminals.
    pub compact: bool,
    pub columns: u16,
    pub card_width: u16,
    /// Lines per row: `CARD_HEIGHT`, or 1 in the compact list.
    pub row_height: u16,
    pub sections: Vec<Section>,
    /// Content line shown at the top of the body; always the start of a row or section header.
    pub scroll: usize,
    /// Total content lines.
    pub height: usize,
}

/// Lays out `counts[k]` items per section (sections with none are left out; headers only when `grouped`),
/// keeping `scroll` where it was if possible.
pub fn geometry(area: Rect, counts: &[usize], grouped: bool, scroll: usize) -> Geometry {
    let chrome = chrome(area);
    let body = chrome.body;
    // Cards when they fit, and in a pane too narrow for two columns only when every card fits: one
    // column of cards in a tall narrow pane shows a handful of people where the list shows dozens.
    let total: usize = counts.iter().sum();
    let card_columns = usize::from(body.width / CARD_MIN_WIDTH);
    let card_rows = usize::from(body.height / CARD_HEIGHT);
    let compact = card_columns == 0 || card_rows == 0 || (card_columns == 1 && total > card_rows);
    let (columns, row_height) = if compact {
        (1, 1)
    } else {
        ((body.width / CARD_MIN_WIDTH).max(1), CARD_HEIGHT)
    };
    let card_width = if compact {
        body.width
    } else {
        body.width / columns
    };
    let mut sections = Vec::with_capacity(counts.len());
    let (mut top, mut start) = (0usize, 0usize);
    for (key, &count) in counts.iter().enumerate() {
        if count == 0 {
            continue;
        }
        sections.push(Section {
            key,
            items: start..start + count,
            top,
            header: grouped,
        });
        top +=
            usize::from(grouped) + count.div_ceil(usize::from(columns)) * usize::from(row_height);
        start += count;
    }
    let mut g = Geometry {
        chrome,
        compact,
        columns,
        card_width,
        row_height,
        sections,
        scroll: 0,
        height: top,
    };
    g.scroll = g.snap_down(scroll.min(g.max_scroll()));
    g
}

impl Geometry {
    pub fn item_count(&self) -> usize {
        self.sections.last().map_or(0, |s| s.items.end)
    }

    fn body_lines(&self) -> usize {
        usize::from(self.chrome.body.height)
    }

    fn cols(&self) -> usize {
        usize::from(self.columns)
    }

    fn section_of(&self, item: usize) -> Option<&Section> {
        self.sections.iter().find(|s| s.items.contains(&item))
    }

    /// (section index, row within the section, column) of an item.
    fn place(&self, item: usize) -> Option<(usize, usize, usize)> {
        let (i, s) = self
            .sections
            .iter()
            .enumerate()
            .find(|(_, s)| s.items.contains(&item))?;
        let local = item - s.items.start;
        Some((i, local / self.cols(), local % self.cols()))
    }

    /// Content line of an item's row.
    fn row_top(&self, item: usize) -> Option<usize> {
        let (i, row, _) = self.place(item)?;
        let s = &self.sections[i];
        Some(s.top + usize::from(s.header) + row * usize::from(self.row_height))
    }

    /// The last scroll that still fills the body, snapped to a row start.
    fn max_scroll(&self) -> usize {
        let want = self.height.saturating_sub(self.body_lines());
        self.snap_up(want)
    }

    /// Every line a row or section header starts at, in order (at most a few per section, computed).
    fn row_start_at_or_after(&self, line: usize) -> Option<usize> {
        let rh = usize::from(self.row_height);
        for s in &self.sections {
            let first_row = s.top + usize::from(s.header);
            let rows = s.items.len().div_ceil(self.cols());
            let end = first_row + rows * rh;
            if line <= s.top {
                return Some(s.top);
            }
            if line < end {
                let k = (line - first_row).div_ceil(rh);
                let start = first_row + k * rh;
                if start < end {
                    return Some(start);
                }
            }
        }
        None
    }

    fn row_start_at_or_before(&self, line: usize) -> usize {
        let rh = usize::from(self.row_height);
        let mut best = 0;
        for s in &self.sections {
            if s.top > line {
                break;
            }
            best = s.top;
            let first_row = s.top + usize::from(s.header);
            if line >= first_row {
                let rows = s.items.len().div_ceil(self.cols());
                let k = ((line - first_row) / rh).min(rows.saturating_sub(1));
                best = first_row + k * rh;
            }
        }
        best
    }

    fn snap_up(&self, line: usize) -> usize {
        self.row_start_at_or_after(line)
            .unwrap_or_else(|| self.row_start_at_or_before(line))
    }

    fn snap_down(&self, line: usize) -> usize {
        self.row_start_at_or_before(line)
    }

    /// The scroll that shows `item` whole, moving as little as possible from the current one.
    #[must_use]
    pub fn scrolled_to(mut self, item: usize) -> Self {
        let Some(top) = self.row_top(item) else {
            return self;
        };
        let (i, row, _) = self.place(item).unwrap_or_default();
        let s = &self.sections[i];
        // The first row of a section brings its header along.
        let want_top = if row == 0 { s.top } else { top };
        let bottom = top + usize::from(self.row_height);
        if want_top < self.scroll {
            self.scroll = want_top;
        } else if bottom > self.scroll + self.body_lines() {
            let need = bottom.saturating_sub(self.body_lines());
            self.scroll = self.snap_up(need).min(top);
        }
        self
    }

    /// Items drawn whole on screen: a contiguous range of the visible order.
    pub fn on_screen(&self) -> Range<usize> {
        let (top, bottom) = (self.scroll, self.scroll + self.body_lines());
        let rh = usize::from(self.row_height);
        let mut first = None;
        let mut last = 0;
        for s in &self.sections {
            let first_row = s.top + usize::from(s.header);
            let rows = s.items.len().div_ceil(self.cols());
            for r in top.saturating_sub(first_row).div_ceil(rh)..rows {
                let line = first_row + r * rh;
                if line < top {
                    continue;
                }
                if line + rh > bottom {
                    break;
                }
                let a = s.items.start + r * self.cols();
                let b = (a + self.cols()).min(s.items.end);
                first.get_or_insert(a);
                last = b;
            }
        }
        first.map_or(0..0, |f| f..last)
    }

    /// Where an item is drawn, when it is whole on screen.
    pub fn item_rect(&self, item: usize) -> Option<Rect> {
        let top = self.row_top(item)?;
        let body = self.chrome.body;
        if top < self.scroll || top + usize::from(self.row_height) > self.scroll + self.body_lines()
        {
            return None;
        }
        let (_, _, col) = self.place(item)?;
        Some(Rect::new(
            body.x + self.card_width * col as u16,
            body.y + (top - self.scroll) as u16,
            self.card_width,
            self.row_height,
        ))
    }

    /// Section headers whole on screen: (section, the line's rect).
    pub fn headers_on_screen(&self) -> impl Iterator<Item = (&Section, Rect)> {
        let body = self.chrome.body;
        self.sections
            .iter()
            .filter(move |s| {
                s.header && s.top >= self.scroll && s.top < self.scroll + self.body_lines()
            })
            .map(move |s| {
                (
                    s,
                    Rect::new(body.x, body.y + (s.top - self.scroll) as u16, body.width, 1),
                )
            })
    }

    /// The item under a mouse click, if any.
    pub fn hit(&self, x: u16, y: u16) -> Option<usize> {
        let body = self.chrome.body;
        if !body.contains(ratatui::layout::Position::new(x, y)) {
            return None;
        }
        self.on_screen()
            .find(|&i| self.item_rect(i).is_some_and(|r| r.contains((x, y).into())))
    }

    /// The item `rows` grid rows below (negative: above), keeping the column where the row is long enough.
    pub fn move_rows(&self, item: usize, rows: isize) -> usize {
        let Some((mut si, mut row, col)) = self.place(item) else {
            return item;
        };
        let cols = self.cols();
        for _ in 0..rows.unsigned_abs() {
            let s = &self.sections[si];
            let rows_here = s.items.len().div_ceil(cols);
            if rows > 0 {
                if row + 1 < rows_here {
                    row += 1;
                } else if si + 1 < self.sections.len() {
                    si += 1;
                    row = 0;
                } else {
                    break;
                }
            } else if row > 0 {
                row -= 1;
            } else if si > 0 {
                si -= 1;
                row = self.sections[si].items.len().div_ceil(cols) - 1;
            } else {
                break;
            }
        }
        let s = &self.sections[si];
        (s.items.start + row * cols + col).min(s.items.end - 1)
    }

    /// The first and last item of the grid row holding `item` (`0` / `$`).
    pub fn row_bounds(&self, item: usize) -> Option<(usize, usize)> {
        let (i, row, _) = self.place(item)?;
        let s = &self.sections[i];
        let start = s.items.start + row * self.cols();
        Some((start, (start + self.cols()).min(s.items.end) - 1))
    }

    /// Which items are on screen, `(first, last, of)` counted from 1, when not all of them are: the
    /// board then says where it is ("13–24 of 500").
    pub fn position(&self) -> Option<(usize, usize, usize)> {
        let shown = self.on_screen();
        let total = self.item_count();
        (shown.len() < total).then(|| (shown.start + 1, shown.end.max(shown.start + 1), total))
    }

    /// Half the rows that fit on screen, at least one (Ctrl-d / Ctrl-u).
    pub fn half_page_rows(&self) -> isize {
        let rows = self.body_lines() / usize::from(self.row_height.max(1));
        (rows / 2).max(1) as isize
    }

    /// The section holding an item (for group labels).
    pub fn section_key(&self, item: usize) -> Option<usize> {
        self.section_of(item).map(|s| s.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eighty_by_twenty_four_is_a_three_column_grid_of_four_rows() {
        let g = geometry(Rect::new(0, 0, 80, 24), &[40], false, 0);
        assert!(!g.compact);
        assert_eq!((g.columns, g.card_width, g.row_height), (3, 26, 5));
        assert_eq!(g.chrome.body, Rect::new(0, 1, 80, 22));
        assert_eq!(g.on_screen(), 0..12);
        assert_eq!(g.item_rect(4), Some(Rect::new(26, 6, 26, 5)));
        assert_eq!(g.item_rect(12), None);
        assert_eq!(g.hit(30, 7), Some(4));
        assert_eq!(
            g.hit(79, 7),
            None,
            "the strip right of the last column is no card"
        );
    }

    #[test]
    fn small_terminals_get_the_compact_list_and_tiny_ones_do_not_panic() {
        let g = geometry(Rect::new(0, 0, 20, 5), &[40], false, 0);
        assert!(g.compact);
        assert_eq!(g.on_screen(), 0..3);
        for (w, h) in [(0, 0), (1, 1), (1, 3), (3, 1), (300, 100)] {
            let g = geometry(Rect::new(0, 0, w, h), &[7, 0, 5], true, 99);
            let _ = g.on_screen();
            let _ = g.move_rows(3, 5);
            let _ = g.hit(0, 0);
        }
    }

    #[test]
    fn rows_move_by_columns_and_clamp_on_a_short_last_row() {
        let g = geometry(Rect::new(0, 0, 80, 24), &[8], false, 0);
        assert_eq!(g.move_rows(1, 1), 4);
        assert_eq!(g.move_rows(4, 1), 7, "row 3 holds 6..8; column 1 is 7");
        assert_eq!(g.move_rows(5, 1), 7, "column 2 does not exist there: clamp");
        assert_eq!(g.move_rows(7, 1), 7);
        assert_eq!(g.move_rows(7, -2), 1);
        assert_eq!(g.move_rows(0, -1), 0);
    }

    #[test]
    fn scrolling_keeps_the_item_whole_and_moves_as_little_as_possible() {
        let g = geometry(Rect::new(0, 0, 80, 24), &[40], false, 0);
        let g = g.scrolled_to(12);
        assert_eq!(g.scroll, 5);
        assert_eq!(g.on_screen(), 3..15);
        let g = g.scrolled_to(13);
        assert_eq!(g.scroll, 5);
        let g = g.scrolled_to(0);
        assert_eq!(g.scroll, 0);
        let g = g.scrolled_to(39);
        assert!(g.on_screen().contains(&39));
    }

    #[test]
    fn grouped_sections_have_headers_and_moves_cross_them() {
        // Sections of 4 and 2 in three columns: header, 2 rows, header, 1 row.
        let g = geometry(Rect::new(0, 0, 80, 40), &[4, 0, 2], true, 0);
        assert_eq!(g.sections.len(), 2);
        assert_eq!(g.sections[1].key, 2);
        assert_eq!(g.sections[1].top, 1 + 2 * 5);
        assert_eq!(g.item_rect(0), Some(Rect::new(0, 2, 26, 5)));
        assert_eq!(g.item_rect(4), Some(Rect::new(0, 1 + 12, 26, 5)));
        assert_eq!(g.move_rows(3, 1), 4);
        assert_eq!(g.move_rows(2, 1), 3, "column 2 of a one-item row clamps");
        assert_eq!(g.move_rows(5, -1), 3);
        assert_eq!(g.headers_on_screen().count(), 2);
    }

    #[test]
    fn pane_sizes_choose_cards_or_the_list_and_say_where_the_screen_is() {
        // 40x30: one column of five cards would hide most of 24 people; the list shows 28 lines.
        let g = geometry(Rect::new(0, 0, 40, 30), &[24], false, 0);
        assert!(g.compact);
        assert_eq!(g.on_screen(), 0..24);
        assert_eq!(g.position(), None, "everyone fits");
        // ... but a small team that fits as cards gets cards.
        let g = geometry(Rect::new(0, 0, 40, 30), &[4], false, 0);
        assert!(!g.compact);
        assert_eq!((g.columns, g.card_width), (1, 40));
        // 80x24: twelve of twenty-four cards, and the footer says which.
        let g = geometry(Rect::new(0, 0, 80, 24), &[24], false, 0);
        assert!(!g.compact);
        assert_eq!(g.position(), Some((1, 12, 24)));
        let g = g.scrolled_to(23);
        assert_eq!(g.position(), Some((13, 24, 24)));
        // 200x60: seven columns of eleven rows.
        let g = geometry(Rect::new(0, 0, 200, 60), &[500], false, 0);
        assert_eq!((g.columns, g.card_width), (7, 28));
        assert_eq!(g.position(), Some((1, 77, 500)));
        let g = g.scrolled_to(499);
        assert_eq!(
            g.position().map(|(_, last, of)| (last, of)),
            Some((500, 500))
        );
        // 20x5: the list, three lines.
        let g = geometry(Rect::new(0, 0, 20, 5), &[24], false, 0);
        assert!(g.compact);
        assert_eq!(g.position(), Some((1, 3, 24)));
    }

    #[test]
    fn a_shrink_clamps_the_scroll() {
        let g = geometry(Rect::new(0, 0, 80, 24), &[40], false, 30);
        let big = geometry(Rect::new(0, 0, 300, 100), &[40], false, g.scroll);
        assert_eq!(big.scroll, 0, "everything fits: no scroll");
        assert_eq!(big.on_screen(), 0..40);
    }
}
