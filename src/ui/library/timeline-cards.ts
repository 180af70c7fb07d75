// Which cards the timeline draws, without the DOM (unit-tested in Node): the items of the slots in the
// window, from the months read. A card whose item and place did not change keeps its object from the
// last time, so Svelte, which compares each card's object, updates only the cards a scroll brings in.
import type { ItemRecord } from '../../library/records.ts';
import type { Months } from './timeline.ts';
import type { Section, Slot } from './timeline-layout.ts';

export interface Placed {
  slot: Slot;
  item: ItemRecord;
}

/** The cards drawn last time, by item id (CardPlacer keeps them). */
export class CardPlacer {
  private last = new Map<string, Placed>();

  /**
   * The cards of `ranges` (each a section's slots [first, end)), in order. A slot not read yet (a page on
   * its way) is left out, and so is an item already placed (shown twice for a moment, when pages were
   * read either side of a change not applied yet).
   */
  place(
    ranges: readonly { section: number; first: number; end: number }[],
    sections: readonly Section[],
    months: Months,
  ): Placed[] {
    const placed = new Map<string, Placed>();
    const out: Placed[] = [];
    for (const r of ranges) {
      const section = sections[r.section];
      const items = section && months.get(section.month);
      if (!items) continue;
      for (let i = r.first; i < Math.min(r.end, items.length); i++) {
        const item = items[i];
        if (!item || placed.has(item.id)) continue;
        const before = this.last.get(item.id);
        const card =
          before && before.item === item && before.slot.section === r.section && before.slot.index === i
            ? before
            : { slot: { section: r.section, index: i }, item };
        placed.set(item.id, card);
        out.push(card);
      }
    }
    this.last = placed;
    return out;
  }
}
