// Context fusion: turns the top search results into the numbered source list the model answers from.
// Every source keeps what a citation needs to open the right place (segment, item, times, page), and
// the list fits a token budget.
import type { MediaKind } from '../ingest/detect-type.ts';
import type { SegmentKind } from '../library/records.ts';
import { formatRange } from './time-format.ts';
import { estimateTokens, truncateToTokens } from './tokens.ts';

/**
 * The part of a search result that answers need. Search's own result type is adapted to this, so the
 * answer code does not depend on how search ranks or groups.
 */
export interface RetrievedSegment {
  segmentId: string;
  itemId: string;
  itemName: string;
  modality: MediaKind;
  segmentKind: SegmentKind;
  /** Seconds, for frames (t0 only), audio windows and transcript spans. */
  t0?: number;
  t1?: number;
  /** 1-based page of a document chunk. */
  page?: number;
  /** Character range of a document chunk in its page's text, used to spot overlapping chunks. */
  charStart?: number;
  charEnd?: number;
  /** The chunk's or transcript span's full text. */
  text?: string;
  /** A shorter text, used when `text` is absent. */
  snippet?: string;
  /** What a captioner said the image or frame shows. */
  caption?: string;
  /** When the photo or video was taken, in ms since the epoch. */
  capturedAt?: number;
  /** Higher is more relevant; only the order matters here. */
  score: number;
  /** What matched, in words (e.g. `its picture matches "red"`); a default per kind is used otherwise. */
  matched?: string;
}

/** One numbered source: what the model reads as [n], and what citation [n] opens. */
export interface Source {
  n: number;
  /** The best-matching segment; the citation opens it. */
  segmentId: string;
  /** Every segment merged into this source (adjacent frames or windows of one item, say). */
  segmentIds: string[];
  itemId: string;
  itemName: string;
  modality: MediaKind;
  segmentKind: SegmentKind;
  t0?: number;
  t1?: number;
  /** Where a citation opens the item: the start of the best-matching segment (t0 is the merged range's). */
  openAt?: number;
  page?: number;
  score: number;
  /** Where the source is, for people and the model: `podcast-kite.wav [0:02–0:08], transcript`. */
  label: string;
  /** What the source says or shows, as given to the model. */
  body: string;
  /** The body was cut to fit the budget. */
  truncated: boolean;
}

export interface ContextOptions {
  /** Budget for the whole numbered list, in estimated tokens. */
  maxTokens: number;
  /** At most this many sources, however small. */
  maxSources?: number;
  /** Segments of one item and kind closer than this (seconds) become one source. */
  mergeGapS?: number;
  /** "relevance" (answers) or "time" (summaries: the item's story in order). */
  order?: 'relevance' | 'time';
  /** The number of the first source (summaries number their chunks globally). */
  firstNumber?: number;
  /** A source whose text cannot keep at least this many tokens is left out rather than cut to a stub. */
  minBodyTokens?: number;
}

export interface BuiltContext {
  sources: Source[];
  /** The numbered list, one source per line, as the prompt shows it. */
  text: string;
  tokens: number;
  /** Candidates left out for the budget or the source cap. */
  omitted: number;
}

interface Group {
  first: RetrievedSegment;
  members: RetrievedSegment[];
  t0?: number;
  t1?: number;
  score: number;
  rank: number;
}

const timed = new Set<SegmentKind>(['frame', 'audio-window', 'transcript']);

export function buildContext(results: RetrievedSegment[], options: ContextOptions): BuiltContext {
  const { maxTokens, maxSources = 12, mergeGapS = 2, order = 'relevance', firstNumber = 1 } = options;
  const minBody = options.minBodyTokens ?? 24;
  const groups = order === 'time' ? sortByPlace(fuse(results, mergeGapS)) : fuse(results, mergeGapS);

  const sources: Source[] = [];
  const lines: string[] = [];
  let tokens = 0;
  let omitted = 0;
  for (const g of groups) {
    if (sources.length >= maxSources) {
      omitted++;
      continue;
    }
    const n = firstNumber + sources.length;
    const source = toSource(g, n);
    let line = formatSource(source);
    let cost = estimateTokens(line) + (lines.length ? 1 : 0);
    if (tokens + cost > maxTokens) {
      const head = estimateTokens(formatSource({ ...source, body: '' })) + (lines.length ? 1 : 0);
      const room = maxTokens - tokens - head;
      const body = isText(source) && room >= minBody ? truncateToTokens(source.body, room) : '';
      if (!body) {
        omitted++;
        continue;
      }
      source.body = body;
      source.truncated = true;
      line = formatSource(source);
      cost = estimateTokens(line) + (lines.length ? 1 : 0);
    }
    sources.push(source);
    lines.push(line);
    tokens += cost;
  }
  return { sources, text: lines.join('\n'), tokens, omitted };
}

/** `[n] label: body`, the line the model reads. */
export function formatSource(s: Pick<Source, 'n' | 'label' | 'body'>): string {
  return s.body ? `[${s.n}] ${s.label}: ${s.body}` : `[${s.n}] ${s.label}`;
}

/** Groups results in relevance order: duplicates dropped, neighbouring moments of one item merged. */
function fuse(results: RetrievedSegment[], mergeGapS: number): Group[] {
  const ranked = results
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.score - a.r.score || a.i - b.i)
    .map(({ r }) => r);
  const groups: Group[] = [];
  const seenSegments = new Set<string>();
  const seenText = new Set<string>();
  for (const r of ranked) {
    if (seenSegments.has(r.segmentId)) continue;
    seenSegments.add(r.segmentId);
    const words = normalise(textOf(r));
    if (words && r.segmentKind !== 'transcript' && seenText.has(words)) continue;
    const near =
      timed.has(r.segmentKind) && r.t0 !== undefined
        ? groups.find((g) => touches(g, r, mergeGapS))
        : undefined;
    if (near) {
      near.members.push(r);
      near.t0 = Math.min(near.t0!, r.t0!);
      near.t1 = Math.max(near.t1!, r.t1 ?? r.t0!);
      continue;
    }
    if (r.segmentKind === 'text-chunk' && groups.some((g) => overlapsChunk(g.first, r))) continue;
    if (words) seenText.add(words);
    groups.push({ first: r, members: [r], t0: r.t0, t1: r.t1 ?? r.t0, score: r.score, rank: groups.length });
  }
  return groups;
}

function touches(g: Group, r: RetrievedSegment, gap: number): boolean {
  if (g.first.itemId !== r.itemId || g.first.segmentKind !== r.segmentKind || g.t0 === undefined)
    return false;
  const r0 = r.t0!;
  const r1 = r.t1 ?? r0;
  return r0 <= g.t1! + gap && r1 >= g.t0 - gap;
}

function overlapsChunk(a: RetrievedSegment, b: RetrievedSegment): boolean {
  if (a.segmentKind !== 'text-chunk' || a.itemId !== b.itemId || a.page !== b.page) return false;
  if (
    a.charStart === undefined ||
    a.charEnd === undefined ||
    b.charStart === undefined ||
    b.charEnd === undefined
  )
    return false;
  return a.charStart < b.charEnd && b.charStart < a.charEnd;
}

function sortByPlace(groups: Group[]): Group[] {
  const place = (g: Group) => [g.t0 ?? 0, g.first.page ?? 0, g.first.charStart ?? 0] as const;
  return [...groups].sort((a, b) => {
    const pa = place(a);
    const pb = place(b);
    return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2] || a.rank - b.rank;
  });
}

function toSource(g: Group, n: number): Source {
  const r = g.first;
  const source: Source = {
    n,
    segmentId: r.segmentId,
    segmentIds: g.members.map((m) => m.segmentId),
    itemId: r.itemId,
    itemName: r.itemName,
    modality: r.modality,
    segmentKind: r.segmentKind,
    score: g.score,
    label: '',
    body: '',
    truncated: false,
  };
  if (g.t0 !== undefined) {
    source.t0 = g.t0;
    source.t1 = g.t1;
    source.openAt = r.t0;
  }
  if (r.page !== undefined) source.page = r.page;
  source.label = labelOf(source);
  source.body = bodyOf(g);
  return source;
}

function labelOf(s: Source): string {
  const at = s.t0 !== undefined ? ` [${formatRange(s.t0, s.t1)}]` : '';
  switch (s.segmentKind) {
    case 'text-chunk':
      return s.page !== undefined ? `${s.itemName}, p. ${s.page}` : s.itemName;
    case 'transcript':
      return `${s.itemName}${at}, transcript`;
    case 'frame':
      return `${s.itemName}${at}, video frame`;
    case 'audio-window':
      return `${s.itemName}${at}, ${s.modality === 'video' ? "video's sound" : 'sound'}`;
    case 'image':
      return `${s.itemName}, image`;
    case 'caption':
      return `${s.itemName}${at}, caption`;
    case 'ocr':
      return `${s.itemName}${at}, text in the picture`;
  }
}

function bodyOf(g: Group): string {
  const r = g.first;
  if (r.segmentKind === 'transcript') {
    // Merged spans read in time order, whatever order they matched in.
    const spans = [...g.members].sort((a, b) => (a.t0 ?? 0) - (b.t0 ?? 0));
    return oneLine([...new Set(spans.map(textOf).filter(Boolean))].join(' '));
  }
  if (r.segmentKind === 'text-chunk' || r.segmentKind === 'caption' || r.segmentKind === 'ocr')
    return oneLine(textOf(r));
  const caption = g.members.find((m) => m.caption)?.caption;
  if (caption) return `shows ${oneLine(caption)}`;
  const facts = [
    r.segmentKind === 'audio-window' ? 'no transcript' : 'no caption',
    r.capturedAt !== undefined ? `taken ${isoDate(r.capturedAt)}` : '',
    `matched because ${r.matched ?? defaultMatch(r.segmentKind)}`,
  ];
  return facts.filter(Boolean).join('; ');
}

function defaultMatch(kind: SegmentKind): string {
  return kind === 'audio-window' ? 'its sound is like the query' : 'its picture is like the query';
}

function isText(s: Source): boolean {
  return s.segmentKind === 'text-chunk' || s.segmentKind === 'transcript';
}

function textOf(r: RetrievedSegment): string {
  return r.text ?? r.snippet ?? '';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function normalise(text: string): string {
  return oneLine(text).toLowerCase();
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
