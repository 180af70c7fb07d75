// Named time budgets for the browser and e2e tiers, as transformers.js names its own (MAX_MODEL_LOAD_TIME,
// MAX_TEST_EXECUTION_TIME). A step that outgrows its budget fails its test: slowness is a bug to find, never
// a timeout to raise. Measured on the 2-core machine with the correctness tiers' V8 flags (test/README.md).

/** The whole of one test, in every tier. Nothing may ask for more. */
export const MAX_TEST_EXECUTION_TIME = 120_000;
/** A Vitest hook (beforeAll and the like), which may load the fixture models. */
export const MAX_HOOK_TIME = 60_000;
/** The built app opening (and restoring its library) until its first state shows. */
export const MAX_PAGE_LOAD_TIME = 30_000;
/** Adding an e2e spec's set of fixture files, the first model loads included, until every one is ready. */
export const MAX_INGEST_TIME = 90_000;
/** One search, the first of a session included (it loads the query encoders). */
export const MAX_QUERY_TIME = 45_000;
/** An answer or a summary, from the click until it has finished streaming. */
export const MAX_ANSWER_TIME = 45_000;
