// The "captions" section of models.json: whether images and video frames are captioned at ingest (by the
// optional "caption" role, a Florence-2 model), with which task, and whether their text is read (OCR).
// The two passes are independent: either can run without the other. Each costs a generative model run per
// picture, so both are off unless a deployment or the user turns them on; OCR runs only on pictures that
// pass a cheap text test (src/ingest/image/text-test.ts).

/** Florence-2 tasks that describe a picture in words, shortest first. */
export const captionTasks = ['<CAPTION>', '<DETAILED_CAPTION>', '<MORE_DETAILED_CAPTION>'] as const;
export type CaptionTask = (typeof captionTasks)[number];

/** Florence-2 tasks the caption role runs: the caption tasks and plain OCR. */
export type PictureTask = CaptionTask | '<OCR>';

export interface CaptionSettings {
  /** Caption images and video frames at ingest. Needs roles.caption. */
  enabled: boolean;
  /** Which description to make (default '<MORE_DETAILED_CAPTION>', the most words to search). */
  task?: CaptionTask;
  /**
   * Read the text in pictures (Florence-2's '<OCR>', a run per picture that may hold text), with or
   * without captions. Default false.
   */
  ocr?: boolean;
}

/**
 * New tokens allowed per task. Florence-2-base's detailed captions run to about 100 tokens (the beetle
 * example in transformers.js's tests is 95 words); OCR of a page of text can be longer.
 */
export const maxNewTokens: Readonly<Record<PictureTask, number>> = {
  '<CAPTION>': 40,
  '<DETAILED_CAPTION>': 120,
  '<MORE_DETAILED_CAPTION>': 200,
  '<OCR>': 256,
};

export const DEFAULT_CAPTION_TASK: CaptionTask = '<MORE_DETAILED_CAPTION>';

export function validateCaptionSettings(value: unknown, fail: (msg: string) => never): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail('"captions" must be an object');
  const c = value as Record<string, unknown>;
  if (typeof c.enabled !== 'boolean') fail('captions.enabled must be true or false');
  if (c.task !== undefined && !captionTasks.includes(c.task as CaptionTask))
    fail(`captions.task must be one of ${captionTasks.join(', ')} (got ${JSON.stringify(c.task)})`);
  if (c.ocr !== undefined && typeof c.ocr !== 'boolean') fail('captions.ocr must be true or false');
}

export function mergeCaptionSettings(
  base: CaptionSettings | undefined,
  override: Partial<CaptionSettings> | undefined,
): CaptionSettings | undefined {
  if (!override) return base;
  return { enabled: false, ...base, ...override };
}
