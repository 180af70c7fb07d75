// What reading text in pictures costs per picture, as Settings states it. Measured by `npm run bench --
// ingest` (bench/RESULTS.md, "OCR"), on this project's 2-core machine without a GPU; update both together.
export const OCR_COST = {
  /** The text test on pixels already decoded: all a photo without text pays. */
  withoutText: 'about 1 ms more (a quick test finds no text, and the model is not run)',
  /** A Florence-2 <OCR> run. */
  withText: 'one run of the caption model, Florence-2 (seconds on a laptop without a GPU)',
} as const;
