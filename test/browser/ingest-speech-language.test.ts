// Issue 23, the spoken language, through the whole ingest path (Trove: detection, ffmpeg.wasm, the speech
// worker running the fixture Whisper in transformers.js's real pipeline, IndexedDB): without a language
// chosen in Settings Whisper detects it, transcribes in it and records it on every transcript span (the
// French voice note "fr", the English recording "en"); a language chosen in Settings wins over detection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trove } from '../../src/trove.ts';
import type { SegmentRecord } from '../../src/library/records.ts';
import { destroyTrove, freshNames, openTestTrove, type TroveNames } from '../support/trove-harness.ts';
import { fixtureFile } from '../support/media-files.ts';
import { MAX_TEST_EXECUTION_TIME } from '../support/time-budgets.ts';
import { frenchSpeech, speech } from '../../scripts/fixtures/world.ts';

const french = `audio/${frenchSpeech.file}`;
const english = `audio/${speech.file}`;

/** Adds the files to a fresh Trove and returns each file's transcript spans. */
async function transcripts(trove: Trove, files: string[]): Promise<Map<string, SegmentRecord[]>> {
  await trove.addFiles(await Promise.all(files.map((f) => fixtureFile(f))));
  await trove.queue.whenIdle();
  const byName = new Map(files.map((f) => [f.slice(f.indexOf('/') + 1), f]));
  const spans = new Map<string, SegmentRecord[]>();
  for (const { item, segments } of await trove.allSegments()) {
    expect(item.status, `${item.name}: ${item.error?.message}`).toBe('ready');
    spans.set(
      byName.get(item.name)!,
      segments.filter((s) => s.kind === 'transcript'),
    );
  }
  expect([...spans.keys()].sort()).toEqual([...files].sort());
  return spans;
}

describe('without a language chosen in Settings', () => {
  const names: TroveNames = freshNames('speech-language');
  let trove: Trove | null = null;
  let spans: Map<string, SegmentRecord[]>;

  beforeAll(async () => {
    trove = await openTestTrove(names, { transcriptionLanguage: 'auto' });
    spans = await transcripts(trove, [french, english]);
  }, MAX_TEST_EXECUTION_TIME);
  afterAll(() => destroyTrove(trove, names));

  it(`detects French in ${frenchSpeech.file}: transcribed in French, "fr" on every span`, () => {
    const got = spans.get(french)!;
    expect(got.map((s) => s.text)).toEqual([frenchSpeech.text]);
    for (const s of got) expect(s.language).toBe(frenchSpeech.language);
  });

  it(`detects English in ${speech.file}: "en" on every span`, () => {
    const got = spans.get(english)!;
    expect(got.map((s) => s.text)).toEqual([speech.text]);
    for (const s of got) expect(s.language).toBe('en');
  });
});

describe('with a language chosen in Settings', () => {
  const names: TroveNames = freshNames('speech-language-chosen');
  let trove: Trove | null = null;
  let spans: Map<string, SegmentRecord[]>;

  beforeAll(async () => {
    trove = await openTestTrove(names, { transcriptionLanguage: 'en' });
    spans = await transcripts(trove, [french]);
  }, MAX_TEST_EXECUTION_TIME);
  afterAll(() => destroyTrove(trove, names));

  it('transcribes the French voice note in the chosen language, and records that one', () => {
    const got = spans.get(french)!;
    // Told it is English, the fixture says its English script, as a real Whisper would try to.
    expect(got.map((s) => s.text)).toEqual([speech.text]);
    for (const s of got) expect(s.language).toBe('en');
  });
});
