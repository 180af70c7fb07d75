// Words that are filters: "videos from last summer", "photos in 2023", "voice notes from March",
// "yesterday", "in folder Trips" become a medium, a date range and a folder, and the rest of the text is
// what is searched. The words come from a language table (language.ts, en.ts); the parser below knows
// only their roles. Each recogniser reads the words at one position and says how many it takes; the
// longest reading wins. Quoted phrases and -negative terms are never filters, so "from March" in quotes
// is searched as words.
//
// Places ("photos in Lisbon", "in Portugal"): only the place names the library's items have (which the
// caller passes as `places`) and only after a preposition, so "notes in English" stays words.
import type { SearchFilters } from '../query.ts';
import {
  dayRange,
  latestMonth,
  latestSeason,
  monthRange,
  periodRange,
  seasonRange,
  yearRange,
  type DayRange,
} from './dates.ts';
import { en } from './en.ts';
import type { FilterLanguage } from './language.ts';

export type FilterKind = 'media' | 'date' | 'folder' | 'place';

export interface ParsedFilter {
  kind: FilterKind;
  /** The chip's text, e.g. "Date: last summer (Jun 1 – Aug 31, 2025)". */
  label: string;
  /** The accessible name of the chip's remove button. */
  removeLabel: string;
  /** Where in the query text it was written, [start, end), with its leading preposition. */
  span: [number, number];
  /** What it adds to the search's filters (mergeFilters combines them). */
  filters: SearchFilters;
}

export interface ParsedQuery {
  /** The query without its filter words: what is searched. */
  text: string;
  filters: ParsedFilter[];
}

export interface ParseContext {
  /** Today, for relative dates (injectable for tests). */
  now: Date;
  language: FilterLanguage;
  /** The library's place names (cities, regions, countries), each as written: what "in …" may name. */
  places: readonly string[];
}

/** Filter tables by language tag; add a language by adding its table here. */
export const filterLanguages: Record<string, FilterLanguage> = { en };

interface Token {
  /** Lower case, without surrounding punctuation; '' for a token that can never be a filter word. */
  word: string;
  /** The text a name may take: a quoted phrase's content, or the token without punctuation. */
  name: string;
  start: number;
  end: number;
  quoted: boolean;
}

interface Reading {
  /** Token index after the last token taken. */
  end: number;
  kind: FilterKind;
  label: string;
  filters: SearchFilters;
}

type Recogniser = (tokens: Token[], at: number, context: ParseContext) => Reading | null;

export function parseFilters(
  text: string,
  { now = new Date(), language = en, places = [] }: Partial<ParseContext> = {},
): ParsedQuery {
  const context = { now, language, places };
  const tokens = tokenize(text);
  const filters: ParsedFilter[] = [];
  for (let i = 0; i < tokens.length;) {
    let best: Reading | null = null;
    for (const recognise of recognisers) {
      const reading = recognise(tokens, i, context);
      if (reading && (!best || reading.end > best.end)) best = reading;
    }
    if (!best) {
      i++;
      continue;
    }
    filters.push({
      kind: best.kind,
      label: best.label,
      removeLabel: language.labels.remove(best.label),
      span: [tokens[i]!.start, tokens[best.end - 1]!.end],
      filters: best.filters,
    });
    i = best.end;
  }
  return {
    text: without(
      text,
      filters.map((f) => f.span),
    ),
    filters,
  };
}

/** The query text with one parsed filter's words taken out (removing its chip). */
export function withoutFilter(text: string, filter: Pick<ParsedFilter, 'span'>): string {
  return without(text, [filter.span]);
}

/**
 * One set of filters from many: media add up (photos and videos), dates narrow each other (every date
 * chip applies), folders add up. Undefined when there are none.
 */
export function mergeFilters(parsed: Pick<ParsedFilter, 'filters'>[]): SearchFilters | undefined {
  if (parsed.length === 0) return undefined;
  const out: SearchFilters = {};
  for (const { filters: f } of parsed) {
    if (f.modalities?.length) out.modalities = [...new Set([...(out.modalities ?? []), ...f.modalities])];
    if (f.date) {
      const from = Math.max(out.date?.from ?? -Infinity, f.date.from ?? -Infinity);
      const to = Math.min(out.date?.to ?? Infinity, f.date.to ?? Infinity);
      out.date = {
        ...(Number.isFinite(from) ? { from } : {}),
        ...(Number.isFinite(to) ? { to } : {}),
      };
    }
    if (f.folderNamed)
      out.folderNamed = { names: [...new Set([...(out.folderNamed?.names ?? []), ...f.folderNamed.names])] };
    if (f.place) out.place = { names: [...new Set([...(out.place?.names ?? []), ...f.place.names])] };
  }
  return out;
}

function without(text: string, spans: [number, number][]): string {
  let out = '';
  let at = 0;
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
    out += text.slice(at, start) + ' ';
    at = end;
  }
  return (out + text.slice(at)).replace(/\s+/g, ' ').trim();
}

const tokenPattern = /-?"[^"]*"?|\S+/g;

function tokenize(text: string): Token[] {
  return [...text.matchAll(tokenPattern)].map((m) => {
    const raw = m[0];
    const start = m.index;
    const quoted = raw.startsWith('"') || raw.startsWith('-"');
    // A negative term is a word to avoid, never a filter.
    const negative = raw.startsWith('-');
    const bare = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    const name = quoted ? raw.replace(/^-?"|"$/g, '').trim() : bare;
    return {
      word: quoted || negative ? '' : bare.normalize('NFC').toLowerCase(),
      name,
      start,
      end: start + raw.length,
      quoted: quoted && !negative,
    };
  });
}

/** The token index after `phrase` when the words at `at` are it, else -1. */
function phraseAt(tokens: Token[], at: number, phrase: string): number {
  const words = phrase.split(' ');
  for (let k = 0; k < words.length; k++) if (tokens[at + k]?.word !== words[k]) return -1;
  return at + words.length;
}

/** The longest of `phrases` at `at`, as its end index, or -1. */
function longestAt(tokens: Token[], at: number, phrases: Iterable<string>): number {
  let end = -1;
  for (const p of phrases) end = Math.max(end, phraseAt(tokens, at, p));
  return end;
}

/**
 * Where a phrase's own words may begin: right at `at`, or after a preposition and any articles. A
 * preposition alone before nothing it leads is left as text.
 */
function starts(tokens: Token[], at: number, language: FilterLanguage): { at: number; led: boolean }[] {
  const out = [{ at, led: false }];
  let after = longestAt(tokens, at, language.prepositions);
  if (after < 0) return out;
  while (language.articles.includes(tokens[after]?.word ?? '')) after++;
  out.push({ at: after, led: true });
  return out;
}

function yearAt(tokens: Token[], at: number): number | null {
  const w = tokens[at]?.word ?? '';
  return /^(1[89]|2[01])\d\d$/.test(w) ? Number(w) : null;
}

/** A year after a month or season, with or without "of": the index after it and the year. */
function trailingYear(tokens: Token[], at: number, language: FilterLanguage): [number, number] | null {
  const direct = yearAt(tokens, at);
  if (direct !== null) return [at + 1, direct];
  if (language.yearLinks.includes(tokens[at]?.word ?? '')) {
    const linked = yearAt(tokens, at + 1);
    if (linked !== null) return [at + 2, linked];
  }
  return null;
}

const media: Recogniser = (tokens, at, { language }) => {
  for (const { phrases, modality } of language.media) {
    const end = longestAt(tokens, at, phrases);
    if (end > 0) {
      const label = `${language.labels.kind.media}: ${language.labels.media[modality]}`;
      return { end, kind: 'media', label, filters: { modalities: [modality] } };
    }
  }
  return null;
};

const date: Recogniser = (tokens, at, context) => {
  const { language } = context;
  let best: { end: number; range: DayRange; exact: boolean; wordsAt: number } | null = null;
  for (const start of starts(tokens, at, language)) {
    const found = dateWords(tokens, start.at, start.led, context);
    if (found && (!best || found.end > best.end)) best = { ...found, wordsAt: start.at };
  }
  if (!best) return null;
  // The label repeats the words as written (without the preposition) and, for a relative date, the days
  // they came to: "Date: last summer (Jun 1 – Aug 31, 2025)".
  const words = tokens
    .slice(best.wordsAt, best.end)
    .map((t) => t.name)
    .join(' ');
  const days = formatRange(best.range, language.tag);
  const label = `${language.labels.kind.date}: ${best.exact ? words : `${words} (${days})`}`;
  return { end: best.end, kind: 'date', label, filters: { date: { ...best.range } } };
};

/** The date words at `at` ("last summer", "March 2023", "2023"); `led` when a preposition came before. */
function dateWords(
  tokens: Token[],
  at: number,
  led: boolean,
  { now, language }: ParseContext,
): { end: number; range: DayRange; exact: boolean } | null {
  const word = tokens[at]?.word ?? '';
  if (word in language.days) return { end: at + 1, range: dayRange(now, language.days[word]!), exact: false };
  const year = yearAt(tokens, at);
  if (year !== null) return led ? { end: at + 1, range: yearRange(year), exact: true } : null;

  const modifier = language.modifiers[word];
  const named = modifier === undefined ? at : at + 1;
  const next = tokens[named]?.word ?? '';
  const unit = language.periods[next];
  if (modifier !== undefined && unit)
    return { end: named + 1, range: periodRange(now, unit, modifier, language.weekStart), exact: false };

  const season = language.seasons[next];
  const month = language.months[next];
  if (season === undefined && month === undefined) return null;
  const withYear = modifier === undefined ? trailingYear(tokens, named + 1, language) : null;
  if (withYear) {
    const [end, y] = withYear;
    return { end, range: season ? seasonRange(y, season) : monthRange(y, month!), exact: true };
  }
  // Without a year, a bare month or season needs a preposition or "last"/"this": "may" is also a verb.
  if (modifier === undefined && !led) return null;
  const ended = (modifier ?? 0) < 0;
  const range = season
    ? latestSeason(now, season, { ended })
    : modifier === 0
      ? monthRange(now.getFullYear(), month!)
      : latestMonth(now, month!, { ended });
  return { end: named + 1, range, exact: false };
}

const folder: Recogniser = (tokens, at, { language }) => {
  const isName = (t: Token | undefined) =>
    !!t &&
    (t.quoted || t.word !== '') &&
    !language.folderWords.includes(t.word) &&
    !language.prepositions.includes(t.word) &&
    t.name !== '';
  let best: { end: number; name: string } | null = null;
  for (const start of starts(tokens, at, language)) {
    const p = start.at;
    // "folder Trips", "in folder Trips"
    if (language.folderWords.includes(tokens[p]?.word ?? '') && isName(tokens[p + 1])) {
      if (!best || p + 2 > best.end) best = { end: p + 2, name: tokens[p + 1]!.name };
    }
    // "in the Trips folder", "in Trips folder"
    if (
      start.led &&
      isName(tokens[p]) &&
      language.folderWords.includes(tokens[p + 1]?.word ?? '') &&
      (!best || p + 2 > best.end)
    )
      best = { end: p + 2, name: tokens[p]!.name };
  }
  if (!best) return null;
  return {
    end: best.end,
    kind: 'folder',
    label: `${language.labels.kind.folder}: ${best.name}`,
    filters: { folderNamed: { names: [best.name] } },
  };
};

/** The longest place name of the library's that follows a preposition at `at`. */
const place: Recogniser = (tokens, at, { language, places }) => {
  if (places.length === 0) return null;
  const byWords = new Map(places.map((p) => [p.normalize('NFC').toLowerCase(), p]));
  let best: { end: number; name: string } | null = null;
  for (const start of starts(tokens, at, language)) {
    if (!start.led) continue;
    for (let end = start.at + 1; end <= Math.min(tokens.length, start.at + 4); end++) {
      const words = tokens.slice(start.at, end);
      if (words.some((t) => t.word === '')) break;
      const name = byWords.get(words.map((t) => t.word).join(' '));
      if (name && (!best || end > best.end)) best = { end, name };
    }
  }
  if (!best) return null;
  return {
    end: best.end,
    kind: 'place',
    label: `${language.labels.kind.place}: ${best.name}`,
    filters: { place: { names: [best.name] } },
  };
};

/** Every recogniser, tried at each word; a new kind of filter adds its own. */
const recognisers: Recogniser[] = [media, date, folder, place];

function formatRange(range: DayRange, tag: string): string {
  const format = new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'short', day: 'numeric' });
  const from = new Date(range.from);
  const to = new Date(range.to);
  const text = from.toDateString() === to.toDateString() ? format.format(from) : format.formatRange(from, to);
  // ICU puts thin and no-break spaces around the dash; a label is plain text with plain spaces.
  return text.replace(/\s+/gu, ' ');
}
