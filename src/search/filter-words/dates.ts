// Date ranges that filter words name, relative to a given "now" (the parser's injectable clock), in the
// local time zone: "yesterday" is the user's yesterday, not UTC's. Ranges are inclusive in ms, from the
// first millisecond of the first day to the last millisecond of the last day.

export interface DayRange {
  from: number;
  to: number;
}

/** Months of a season, 0-based, first to last; a season may run over New Year (winter: 11 → 1). */
export interface SeasonMonths {
  first: number;
  last: number;
}

export type PeriodUnit = 'day' | 'week' | 'month' | 'year';

/** From the start of month `m0` of `y0` to the end of month `m1` of `y1` (months may overflow: 12 is January). */
function months(y0: number, m0: number, y1: number, m1: number): DayRange {
  return { from: new Date(y0, m0, 1).getTime(), to: new Date(y1, m1 + 1, 1).getTime() - 1 };
}

function startOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}

/** The day `offset` days from today (0 today, -1 yesterday). */
export function dayRange(now: Date, offset: number): DayRange {
  const day = startOfDay(now);
  const from = new Date(day.getFullYear(), day.getMonth(), day.getDate() + offset);
  const next = new Date(day.getFullYear(), day.getMonth(), day.getDate() + offset + 1);
  return { from: from.getTime(), to: next.getTime() - 1 };
}

/**
 * This (offset 0) or an earlier (offset -1, …) calendar week, month or year. Weeks start on `weekStart`
 * (0 Sunday … 6 Saturday), which is the language's convention.
 */
export function periodRange(now: Date, unit: PeriodUnit, offset: number, weekStart = 1): DayRange {
  const y = now.getFullYear();
  const m = now.getMonth();
  switch (unit) {
    case 'day':
      return dayRange(now, offset);
    case 'week': {
      const back = (now.getDay() - weekStart + 7) % 7;
      const first = new Date(y, m, now.getDate() - back + 7 * offset);
      const after = new Date(first.getFullYear(), first.getMonth(), first.getDate() + 7);
      return { from: first.getTime(), to: after.getTime() - 1 };
    }
    case 'month':
      return months(y, m + offset, y, m + offset);
    case 'year':
      return months(y + offset, 0, y + offset, 11);
  }
}

/** A whole calendar year. */
export function yearRange(year: number): DayRange {
  return months(year, 0, year, 11);
}

/** A month (0-based) of a year. */
export function monthRange(year: number, month: number): DayRange {
  return months(year, month, year, month);
}

/**
 * A month named without a year: the latest one that has begun, so a month still to come this year means
 * last year's ("voice notes from March", asked in January, is last March). With `ended`, the latest one
 * that is over ("last March", asked in March, is a year ago).
 */
export function latestMonth(now: Date, month: number, { ended = false } = {}): DayRange {
  const y = now.getFullYear();
  const thisYear = now.getMonth() > month || (!ended && now.getMonth() === month);
  return monthRange(thisYear ? y : y - 1, month);
}

/** The season of a year: a season that runs over New Year belongs to the year it begins in. */
export function seasonRange(year: number, season: SeasonMonths): DayRange {
  const wraps = season.last < season.first;
  return months(year, season.first, wraps ? year + 1 : year, season.last);
}

/**
 * A season named without a year. `ended`: the latest one that is over ("last summer" asked in August is
 * the summer a year ago; asked in October it is the one just gone). Otherwise the latest one that has
 * begun, which may be under way ("this summer", "from the summer").
 */
export function latestSeason(now: Date, season: SeasonMonths, { ended = false } = {}): DayRange {
  const t = now.getTime();
  for (let year = now.getFullYear(); year > now.getFullYear() - 3; year--) {
    const range = seasonRange(year, season);
    if (ended ? range.to < startOfDay(now).getTime() : range.from <= t) return range;
  }
  return seasonRange(now.getFullYear() - 1, season);
}
