// What a language's filter words are: tables, not patterns, so another language is another table (see
// en.ts) and the parser (parse-filters.ts) stays the same. Every word and phrase is written in lower case;
// phrases are words separated by single spaces.
import type { Modality } from '../query.ts';
import type { PeriodUnit, SeasonMonths } from './dates.ts';

export interface FilterLanguage {
  /** BCP 47 tag, for formatting dates in chip labels. */
  tag: string;
  /** Words naming a medium ("videos", "voice notes"), each a phrase of one or more words. */
  media: { phrases: string[]; modality: Modality }[];
  /**
   * Words that may lead a date or folder phrase and belong to it ("from", "in", "taken in"); removing the
   * filter removes them too. A month, a bare season or a year counts as a date only after one of these
   * (or, for a month or season, before a year): "may" and "march" are verbs too.
   */
  prepositions: string[];
  /** Words skipped between a preposition and what it leads ("from the summer of 2023"). */
  articles: string[];
  /** Whole days: "today" 0, "yesterday" -1. */
  days: Record<string, number>;
  /** "last" -1, "this" 0: in front of a period, a season or a month. */
  modifiers: Record<string, number>;
  /** The word after a season or month that leads its year ("summer of 2023"). */
  yearLinks: string[];
  periods: Record<string, PeriodUnit>;
  /** Month names and abbreviations → 0-based month. */
  months: Record<string, number>;
  /** Season names → their months (northern hemisphere in en.ts). */
  seasons: Record<string, SeasonMonths>;
  /** First day of the week, 0 Sunday … 6 Saturday. */
  weekStart: number;
  /** Words for a folder: "in folder Trips", "in the Trips folder". */
  folderWords: string[];
  /** Chip labels. */
  labels: {
    media: Record<Modality, string>;
    kind: { media: string; date: string; folder: string; place: string };
    /** The remove button's accessible name for a chip labelled `label`. */
    remove(label: string): string;
  };
}
