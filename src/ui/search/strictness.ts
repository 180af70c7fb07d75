// The strictness setting: how sure a result must be before it is shown. Each level moves the search's cut
// (the calibrated score a match needs, src/search/calibrate.ts) a fixed number of units from the default,
// and is saved in this browser.
import { defaultCut } from '../../search/calibrate.ts';

export type StrictnessLevel = 'loosest' | 'looser' | 'balanced' | 'stricter' | 'strictest';

export interface Strictness {
  id: StrictnessLevel;
  label: string;
  /** Units the cut moves from the default. */
  shift: number;
  /** What the level does, in a sentence. */
  says: string;
}

export const LEVELS: readonly Strictness[] = [
  {
    id: 'loosest',
    label: 'Loosest',
    shift: -2,
    says: 'Shows anything that leans towards your words, weak matches included: expect unrelated results.',
  },
  { id: 'looser', label: 'Looser', shift: -1, says: 'Shows weaker matches too.' },
  { id: 'balanced', label: 'Balanced', shift: 0, says: 'Shows what clearly matches (the default).' },
  { id: 'stricter', label: 'Stricter', shift: 2, says: 'Shows only strong matches.' },
  {
    id: 'strictest',
    label: 'Strictest',
    shift: 4,
    says: 'Shows only the strongest matches: many searches will find nothing.',
  },
];

export const DEFAULT_LEVEL: StrictnessLevel = 'balanced';

const KEY = 'trove.search.strictness';

export function levelOf(id: StrictnessLevel): Strictness {
  return LEVELS.find((l) => l.id === id) ?? LEVELS.find((l) => l.id === DEFAULT_LEVEL)!;
}

/** The cut a level searches with. */
export function cutFor(id: StrictnessLevel): number {
  return defaultCut('query-bank') + levelOf(id).shift;
}

/** The saved level, or the default when none is saved (or storage is unavailable). */
export function savedStrictness(
  storage: Pick<Storage, 'getItem'> | undefined = safeStorage(),
): StrictnessLevel {
  const saved = storage?.getItem(KEY);
  return LEVELS.some((l) => l.id === saved) ? (saved as StrictnessLevel) : DEFAULT_LEVEL;
}

export function saveStrictness(
  id: StrictnessLevel,
  storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined = safeStorage(),
): void {
  try {
    if (id === DEFAULT_LEVEL) storage?.removeItem(KEY);
    else storage?.setItem(KEY, id);
  } catch {
    // A full or blocked storage keeps the level for this session only.
  }
}

function safeStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}
