// The search the user is composing and its results: the text, at most one image and one audio clip with
// their weights, and the last response.
import { tick } from 'svelte';
import { checkPixelLimits, decodeAudioFile, MAX_WHOLE_AUDIO_BYTES } from '../../trove-tools.ts';
import { detectFileType } from '../../ingest/detect-type.ts';
import type { SearchQuery } from '../../search/query.ts';
import type { ItemResult, SearchResponse } from '../../search/results.ts';
import {
  mergeFilters,
  parseFilters,
  withoutFilter,
  type ParsedFilter,
} from '../../search/filter-words/parse-filters.ts';
import { resultLabel } from '../search/result-label.ts';
import type { SearchService } from './search-service.ts';
import { messageOf } from './library-state.svelte.ts';
import {
  LEVELS,
  cutFor,
  saveStrictness,
  savedStrictness,
  type StrictnessLevel,
} from '../search/strictness.ts';

/** A query clip is decoded whole on the page; more than this could be hours of audio (decode-audio.ts). */
const MAX_QUERY_AUDIO_BYTES = 4 * MAX_WHOLE_AUDIO_BYTES;

export interface ImageChip {
  kind: 'image';
  name: string;
  blob: Blob;
  /** Share of the query next to the text, 0..1. */
  weight: number;
}

export interface AudioChip {
  kind: 'audio';
  name: string;
  recorded: boolean;
  durationS: number;
  pcm48k: Float32Array;
  pcm16k: Float32Array;
  weight: number;
}

export type Attachment = ImageChip | AudioChip;

export class SearchState {
  text = $state('');
  image = $state.raw<ImageChip | null>(null);
  audio = $state.raw<AudioChip | null>(null);
  status = $state<'idle' | 'searching' | 'done' | 'failed'>('idle');
  response = $state.raw<SearchResponse | null>(null);
  error = $state('');
  /** Decoding an attached or recorded clip. */
  preparing = $state(false);
  /** What the shown results were asked with, so the list can say "Results for …". */
  askedFor = $state('');
  /** How sure a result must be to be shown (Settings). */
  strictness = $state<StrictnessLevel>(savedStrictness());
  /** With "no good match": whether the closest items are shown anyway. */
  showingClosest = $state(false);
  /** The query of the shown results, so a new strictness can ask it again. */
  lastQuery = $state.raw<SearchQuery | null>(null);
  /** The filters the words of the shown results' query named, one chip each. */
  filters = $state.raw<ParsedFilter[]>([]);
  /** The text those filters were read from (their spans point into it). */
  private parsedText = '';
  /** Whether the shown results are "More like this" of a result, not a search for words. */
  like = $state(false);
  /** The segment the shown "More like this" results search by. */
  private likeOf: { key: number; itemId: string } | null = null;

  readonly attachments = $derived([this.image, this.audio].filter((a): a is Attachment => a !== null));
  readonly results = $derived<ItemResult[]>(this.response?.items ?? []);
  readonly canSearch = $derived(this.text.trim().length > 0 || this.attachments.length > 0);

  private service: SearchService | null = null;
  private generation = 0;
  private runWhenReady = false;

  /** `now` is the clock relative dates are read by ("last summer"); tests may pass another. */
  // A clock reading, read once per search and never mutated or watched: not reactive state.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  constructor(private readonly now: () => Date = () => new Date()) {}

  attach(service: SearchService): void {
    this.service = service;
    // A search asked for while the app was still opening runs now, rather than being dropped.
    if (this.runWhenReady) {
      this.runWhenReady = false;
      void this.run();
    }
  }

  /**
   * Takes an image as part of the query, once its header shows it is an image within the pixel limit: the
   * encoders decode it whole, as ingest would (pixel-limit.ts).
   */
  async attachImage(file: File): Promise<void> {
    this.preparing = true;
    this.error = '';
    try {
      const detected = await detectFileType(file);
      if (!detected.ok) throw new Error(detected.message);
      if (detected.type.kind !== 'image') throw new Error(`it is ${detected.type.kind}, not an image`);
      await checkPixelLimits(file, detected.type.format);
      this.image = { kind: 'image', name: file.name || 'image', blob: file, weight: this.defaultWeight() };
    } catch (error) {
      this.error = `Could not use ${file.name || 'the file'} as an image: ${messageOf(error)}`;
    } finally {
      this.preparing = false;
    }
  }

  /** Decodes the clip on the page (decodeAudioData resamples to 48 and 16 kHz). */
  async attachAudio(file: File, recorded = false): Promise<void> {
    this.preparing = true;
    this.error = '';
    try {
      if (file.size > MAX_QUERY_AUDIO_BYTES)
        throw new Error(
          `it is ${(file.size / 2 ** 20).toFixed(1)} MB; a clip to search with may be ${MAX_QUERY_AUDIO_BYTES / 2 ** 20} MB at most`,
        );
      const decoded = await decodeAudioFile(file, { maxWebAudioBytes: MAX_QUERY_AUDIO_BYTES });
      this.audio = {
        kind: 'audio',
        name: file.name || 'recording',
        recorded,
        durationS: decoded.durationS,
        pcm48k: decoded.pcm48k,
        pcm16k: decoded.pcm16k,
        weight: this.defaultWeight(),
      };
    } catch (error) {
      this.error = `Could not read ${file.name || 'the recording'} as audio: ${messageOf(error)}`;
    } finally {
      this.preparing = false;
    }
  }

  setWeight(kind: Attachment['kind'], weight: number): void {
    if (kind === 'image' && this.image) this.image = { ...this.image, weight };
    if (kind === 'audio' && this.audio) this.audio = { ...this.audio, weight };
  }

  remove(kind: Attachment['kind']): void {
    if (kind === 'image') this.image = null;
    else this.audio = null;
  }

  async run(): Promise<void> {
    if (!this.canSearch) return;
    const typed = this.text.trim();
    const askedFor = () =>
      [typed && `“${typed}”`, ...this.attachments.map((a) => a.name)].filter(Boolean).join(' + ');
    if (!this.service) {
      this.runWhenReady = true;
      this.askedFor = askedFor();
      this.status = 'searching';
      return;
    }
    const parsed = await this.readFilters(typed);
    this.like = false;
    this.likeOf = null;
    const filters = mergeFilters(parsed.filters);
    const query: SearchQuery = { text: parsed.text || undefined, limit: 30, ...(filters ? { filters } : {}) };
    const hasText = !!query.text;
    // Without text an attachment is the whole query; the slider only shares it with the words.
    if (this.image) query.image = { blob: this.image.blob, weight: hasText ? this.image.weight : 1 };
    if (this.audio)
      query.audio = {
        pcm48k: this.audio.pcm48k,
        pcm16k: this.audio.pcm16k,
        weight: hasText ? this.audio.weight : 1,
      };
    this.askedFor = askedFor();
    await this.ask(query);
  }

  /** Words that are filters ("photos from last summer") become chips; the rest is what is searched. */
  private async readFilters(typed: string): Promise<ReturnType<typeof parseFilters>> {
    // A place filter names only places the library has ("in Lisbon"); a failed read just leaves it out.
    const places = (await this.service?.placeNames().catch(() => [])) ?? [];
    const parsed = parseFilters(typed, { now: this.now(), places });
    this.filters = parsed.filters;
    this.parsedText = typed;
    return parsed;
  }

  /**
   * Removes one filter chip: its words leave the search field, and what is shown is asked again without it
   * (the search for the words, or "More like this" of the same result).
   */
  async removeFilter(filter: ParsedFilter): Promise<void> {
    this.text = withoutFilter(this.parsedText, filter);
    this.filters = this.filters.filter((f) => f !== filter);
    if (this.like && this.likeOf) {
      await this.readFilters(this.text.trim());
      await this.askLike(this.likeOf);
    } else if (this.canSearch) await this.run();
    else this.clearResults();
  }

  /**
   * "More like this": searches by the stored vectors of a result's best segment, leaving its item out,
   * within the filters whose chips are shown: "photos from last summer", then More like this on one of them,
   * asks for photos from last summer like it, not for anything like it from any time. The chips stay, so
   * what still narrows the results is in view, and removing one widens them.
   */
  async moreLike(result: ItemResult): Promise<void> {
    if (!this.service) return;
    this.like = true;
    this.likeOf = { key: result.best.key, itemId: result.item.id };
    this.askedFor = resultLabel(result);
    await this.askLike(this.likeOf);
  }

  private askLike(like: { key: number; itemId: string }): Promise<void> {
    const filters = mergeFilters(this.filters);
    return this.ask({ like, limit: 30, ...(filters ? { filters } : {}) });
  }

  /** Saves a new strictness, and asks the shown results' query again with it. */
  async setStrictness(level: StrictnessLevel): Promise<void> {
    this.strictness = level;
    saveStrictness(level);
    if (this.lastQuery && this.status === 'done') await this.ask(this.lastQuery);
  }

  /**
   * How many items the last query finds at each strictness level (one search that counts at every level's
   * cut), or null when nothing has been searched yet.
   */
  async previewStrictness(): Promise<{ level: StrictnessLevel; items: number }[] | null> {
    if (!this.service || !this.lastQuery) return null;
    const cuts = LEVELS.map((l) => cutFor(l.id));
    const response = await this.service.search({ ...this.lastQuery, preview: cuts });
    return LEVELS.map((l, i) => ({ level: l.id, items: response.preview?.[i]?.items ?? 0 }));
  }

  /**
   * `refresh`: the same question asked again for a fuller answer (the keyword matches of a search answered
   * while the catalog was still loading), without the "Searching…" state in between.
   */
  private async ask(asked: SearchQuery, refresh = false): Promise<void> {
    const service = this.service;
    if (!service) return;
    const generation = ++this.generation;
    const query = { ...asked, cut: cutFor(this.strictness) };
    this.lastQuery = asked;
    const started = performance.now();
    if (!refresh) this.status = 'searching';
    this.error = '';
    try {
      const response = await service.search(query);
      if (generation !== this.generation) return;
      this.response = response;
      if (!refresh) this.showingClosest = false;
      this.status = 'done';
      if (response.pending)
        void service.whenLoaded().then(() => {
          if (generation === this.generation) return this.ask(asked, true);
        });
      await tick();
      // Asked → results in the page, with the stages inside; the benches (bench/sections/realsize.ts) and
      // the browser's performance panel read it. One entry per search, kept short.
      // A refresh (keyword matches filled in) is measured apart, so the first answer's entry stays.
      const name = refresh ? 'trove:search:refresh' : 'trove:search';
      performance.clearMeasures(name);
      performance.measure(name, { start: started, detail: response.timings });
    } catch (error) {
      if (generation !== this.generation) return;
      this.status = 'failed';
      this.error = messageOf(error);
    }
  }

  clearResults(): void {
    this.generation++;
    this.response = null;
    this.lastQuery = null;
    this.filters = [];
    this.like = false;
    this.likeOf = null;
    this.status = 'idle';
  }

  private defaultWeight(): number {
    return 0.5;
  }
}
