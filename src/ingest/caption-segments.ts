// Captions and text at ingest: the caption role (Florence-2) describes each picture, a still image or a
// video frame at t seconds, in words (captions.enabled), and reads the text in it (OCR, captions.ocr): two
// independent passes. OCR runs only on pictures the cheap text test (image/text-test.ts) lets through, so
// photos without text cost nothing extra. The words are embedded by the text embedder and become
// text-space segments at the picture's time, so a photo is found by what it shows and by the text it
// holds, and a video moment by what is on screen.
//
// Neighbouring frames often get the same caption; those become one segment spanning their times, so a
// still shot is one result, not one per frame.
import type { EncoderClient } from '../encoders/encoder-client.ts';
import type { SegmentRecord } from '../library/records.ts';
import type { ResultsBuilder } from './item-results.ts';

export interface CaptionDeps {
  caption: Pick<EncoderClient, 'caption' | 'readText'> &
    Partial<Pick<EncoderClient, 'readsText' | 'describes'>>;
  text: Pick<EncoderClient, 'embedTexts'>;
}

export interface CaptionOptions {
  /**
   * Describe each picture. Default: what the caption worker was configured with (captions.enabled in
   * models.json), else true.
   */
  describe?: boolean;
  /**
   * Read the text in each picture that may hold some (a model run per such picture). Default: what the
   * caption worker was configured with (captions.ocr in models.json), else false.
   */
  ocr?: boolean;
  signal?: AbortSignal;
}

export interface Picture {
  image: Blob;
  /** Seconds into the video; absent for a still image. */
  t?: number;
  /** The cheap text test's verdict; false skips OCR for this picture. Unknown (absent) is read. */
  mayHaveText?: boolean;
}

/** A segment to add to the item's results, in the text space. */
export interface CaptionSegment {
  draft: Pick<SegmentRecord, 'kind' | 't0' | 't1' | 'text'> & { kind: 'caption' | 'ocr'; text: string };
  vector: Float32Array;
}

type Draft = CaptionSegment['draft'];

/** Collects the captions of an item's pictures, given in time order and in as many batches as convenient. */
export class CaptionCollector {
  private readonly drafts: Draft[] = [];
  private readonly last: Partial<Record<Draft['kind'], Draft>> = {};

  constructor(
    private readonly deps: CaptionDeps,
    private readonly options: CaptionOptions = {},
  ) {}

  /** Whether the captions are on. */
  get describes(): boolean {
    return this.options.describe ?? this.deps.caption.describes ?? true;
  }

  /** Whether text is read. */
  get reads(): boolean {
    return this.options.ocr ?? this.deps.caption.readsText ?? false;
  }

  /** Whether a picture needs the model at all: a caption, or text that the text test says may be there. */
  wants(picture: Pick<Picture, 'mayHaveText'>): boolean {
    return this.describes || (this.reads && picture.mayHaveText !== false);
  }

  async add(pictures: Picture[]): Promise<void> {
    if (pictures.length === 0) return;
    const captions = this.describes ? await this.deps.caption.caption(pictures.map((p) => p.image)) : [];
    this.options.signal?.throwIfAborted();
    const toRead = this.reads ? pictures.filter((p) => p.mayHaveText !== false) : [];
    const read = toRead.length ? await this.deps.caption.readText(toRead.map((p) => p.image)) : [];
    const texts = new Map(toRead.map((p, i) => [p, read[i]]));
    this.options.signal?.throwIfAborted();
    pictures.forEach((p, i) => {
      this.push('caption', captions[i], p.t);
      this.push('ocr', texts.get(p), p.t);
    });
  }

  /** Embeds the collected words and adds them to the item's results, in the text space. */
  async addTo(builder: ResultsBuilder): Promise<void> {
    for (const { draft, vector } of await this.segments()) builder.add(draft, 'text', vector);
  }

  /** The collected words embedded in the text space, each distinct text once. */
  async segments(): Promise<CaptionSegment[]> {
    const distinct = [...new Set(this.drafts.map((d) => d.text))];
    const vectors = await this.deps.text.embedTexts(distinct, 'passage');
    const byText = new Map(distinct.map((t, i) => [t, vectors[i]!]));
    return this.drafts.map((draft) => ({ draft, vector: byText.get(draft.text)! }));
  }

  private push(kind: Draft['kind'], words: string | undefined, t: number | undefined): void {
    const text = words?.trim();
    if (!text) return;
    const previous = this.last[kind];
    if (t !== undefined && previous?.t1 !== undefined && previous.text === text) {
      previous.t1 = t;
      return;
    }
    const draft: Draft = t === undefined ? { kind, text } : { kind, text, t0: t, t1: t };
    this.drafts.push(draft);
    this.last[kind] = draft;
  }
}

/**
 * The pipeline's caption step: a collector when captions or OCR are on (the encoders have a caption worker,
 * which createEncoders makes only then), otherwise undefined and the item gets neither.
 */
export function captionStep(
  encoders: { caption?: CaptionDeps['caption']; text: CaptionDeps['text'] },
  options: CaptionOptions = {},
): CaptionCollector | undefined {
  return encoders.caption
    ? new CaptionCollector({ caption: encoders.caption, text: encoders.text }, options)
    : undefined;
}

/** The caption segments of a batch of pictures (a still image: one picture without a time). */
export async function captionSegments(
  pictures: Picture[],
  deps: CaptionDeps,
  options: CaptionOptions = {},
): Promise<CaptionSegment[]> {
  const collector = new CaptionCollector(deps, options);
  await collector.add(pictures);
  return collector.segments();
}
