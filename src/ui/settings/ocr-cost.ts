// What reading text in pictures costs per picture, as Settings states it. Measured by `npm run bench -- ocr`
// and, for Florence-2-base at real size, `npm run bench -- ocr-realsize` (bench/RESULTS.md), on this
// project's 2-core machine without a GPU; update both together.
export const OCR_COST = {
  /** The text test on pixels already decoded: all a photo without text pays. */
  withoutText: 'about 1 ms more (a quick test finds no text, and the model is not run)',
  /** A Florence-2 <OCR> run. */
  withText:
    'one run of the caption model, Florence-2: about 15 s, and up to a minute for a page full of text, on a 2-core laptop without a GPU',
} as const;
