// Where every card of the timeline sits, without the DOM (unit-tested in Node): each month is a heading
// and rows of cards of one height, so the whole timeline's height, and which cards a scroll position shows,
// follow from the months' counts alone. Only the cards in (or near) view are drawn.

export interface Geometry {
  /** Cards per row (1 in the list layout). */
  cols: number;
  /** Height of a row of cards, gap included, in px. */
  rowHeight: number;
  /** Height of a month's heading, in px. */
  headHeight: number;
}

export interface Section {
  month: number;
  count: number;
  /** Where its heading starts, in px from the top of the timeline. */
  top: number;
  rows: number;
}

export interface Layout {
  sections: Section[];
  height: number;
}

export function layoutOf(buckets: readonly { month: number; count: number }[], g: Geometry): Layout {
  let top = 0;
  const sections = buckets.map(({ month, count }) => {
    const rows = Math.ceil(count / g.cols);
    const section = { month, count, top, rows };
    top += g.headHeight + rows * g.rowHeight;
    return section;
  });
  return { sections, height: top };
}

/** A card's place: its month's section and its index within that month. */
export interface Slot {
  section: number;
  index: number;
}

/** Top of a card in px from the top of the timeline. */
export function slotTop(layout: Layout, g: Geometry, slot: Slot): number {
  const s = layout.sections[slot.section]!;
  return s.top + g.headHeight + Math.floor(slot.index / g.cols) * g.rowHeight;
}

/** The section whose span holds `y` (the last one for y past the end). */
export function sectionAt(layout: Layout, y: number): number {
  const { sections } = layout;
  let lo = 0;
  let hi = sections.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sections[mid]!.top <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** For each section that shows between `from` and `to` (px), the range [first, end) of its cards there. */
export function visibleRanges(
  layout: Layout,
  g: Geometry,
  from: number,
  to: number,
): { section: number; first: number; end: number }[] {
  const out: { section: number; first: number; end: number }[] = [];
  if (!layout.sections.length) return out;
  for (let i = sectionAt(layout, Math.max(0, from)); i < layout.sections.length; i++) {
    const s = layout.sections[i]!;
    if (s.top > to) break;
    const rowsTop = s.top + g.headHeight;
    const firstRow = Math.max(0, Math.floor((from - rowsTop) / g.rowHeight));
    const endRow = Math.min(s.rows, Math.ceil((to - rowsTop) / g.rowHeight));
    if (endRow > firstRow)
      out.push({ section: i, first: firstRow * g.cols, end: Math.min(s.count, endRow * g.cols) });
  }
  return out;
}

export type MoveKey =
  'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown';

/**
 * The card a key moves the focus to, across months: left and right go to the previous and next card, up
 * and down a row (into the next month's first or the previous month's last row, same column where it
 * has one), page up and down by `pageRows` rows, Home and End to the first and last card.
 */
export function moveSlot(layout: Layout, g: Geometry, from: Slot, key: MoveKey, pageRows = 1): Slot {
  const { sections } = layout;
  if (!sections.length) return from;
  const last = sections.length - 1;
  switch (key) {
    case 'Home':
      return { section: 0, index: 0 };
    case 'End':
      return { section: last, index: sections[last]!.count - 1 };
    case 'ArrowRight':
      if (from.index + 1 < sections[from.section]!.count) return { ...from, index: from.index + 1 };
      return from.section < last ? { section: from.section + 1, index: 0 } : from;
    case 'ArrowLeft':
      if (from.index > 0) return { ...from, index: from.index - 1 };
      return from.section > 0
        ? { section: from.section - 1, index: sections[from.section - 1]!.count - 1 }
        : from;
    case 'ArrowDown':
    case 'PageDown': {
      let slot = from;
      for (let n = key === 'PageDown' ? Math.max(1, pageRows) : 1; n > 0; n--)
        slot = rowDown(layout, g, slot);
      return slot;
    }
    case 'ArrowUp':
    case 'PageUp': {
      let slot = from;
      for (let n = key === 'PageUp' ? Math.max(1, pageRows) : 1; n > 0; n--) slot = rowUp(layout, g, slot);
      return slot;
    }
  }
}

function rowDown(layout: Layout, g: Geometry, from: Slot): Slot {
  const s = layout.sections[from.section]!;
  const col = from.index % g.cols;
  const row = Math.floor(from.index / g.cols);
  if (row + 1 < s.rows) return { ...from, index: Math.min(s.count - 1, from.index + g.cols) };
  if (from.section + 1 >= layout.sections.length) return from;
  const next = layout.sections[from.section + 1]!;
  return { section: from.section + 1, index: Math.min(next.count - 1, col) };
}

function rowUp(layout: Layout, g: Geometry, from: Slot): Slot {
  const col = from.index % g.cols;
  if (from.index >= g.cols) return { ...from, index: from.index - g.cols };
  if (from.section === 0) return from;
  const prev = layout.sections[from.section - 1]!;
  const lastRow = (prev.rows - 1) * g.cols;
  return { section: from.section - 1, index: Math.min(prev.count - 1, lastRow + col) };
}
