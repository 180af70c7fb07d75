// Search results over the fixture world (test/fixtures/media), in the shape answers consume. Texts and
// times are read from the media manifest, so they match what ingest and Whisper produce for these files.
import { readFileSync } from 'node:fs';
import type { RetrievedSegment } from '../../src/answer/context.ts';

interface ManifestFile {
  path: string;
  facts: { timeline?: { start: number; end: number; text: string }[]; pages?: string[] };
}

const manifest = JSON.parse(readFileSync('test/fixtures/media/MANIFEST.json', 'utf8')) as {
  files: ManifestFile[];
};
const facts = (path: string) => manifest.files.find((f) => f.path === path)!.facts;

export const podcastSpans = facts('audio/podcast-kite.wav').timeline!;
export const breadPages = facts('text/bread-recipe.pdf').pages!;

/** A mixed result list for a question about the leak and the kite, in no particular order. */
export function fixtureResults(): RetrievedSegment[] {
  return [
    {
      segmentId: 'podcast#t0',
      itemId: 'podcast',
      itemName: 'podcast-kite.wav',
      modality: 'audio',
      segmentKind: 'transcript',
      t0: podcastSpans[0]!.start,
      t1: podcastSpans[0]!.end,
      text: podcastSpans[0]!.text,
      score: 0.91,
    },
    {
      segmentId: 'bread#p2',
      itemId: 'bread',
      itemName: 'bread-recipe.pdf',
      modality: 'text',
      segmentKind: 'text-chunk',
      page: 2,
      charStart: 0,
      charEnd: breadPages[1]!.length,
      text: breadPages[1]!,
      score: 0.42,
    },
    {
      segmentId: 'red#img',
      itemId: 'red',
      itemName: 'red-square.png',
      modality: 'image',
      segmentKind: 'image',
      capturedAt: Date.UTC(2024, 4, 17, 14, 3),
      score: 0.55,
      matched: 'its picture is red',
    },
    {
      segmentId: 'video#f1',
      itemId: 'video',
      itemName: 'timeline.mp4',
      modality: 'video',
      segmentKind: 'frame',
      t0: 1,
      caption: 'a plain red picture',
      score: 0.6,
    },
    {
      segmentId: 'podcast#t1',
      itemId: 'podcast',
      itemName: 'podcast-kite.wav',
      modality: 'audio',
      segmentKind: 'transcript',
      t0: podcastSpans[1]!.start,
      t1: podcastSpans[1]!.end,
      text: podcastSpans[1]!.text,
      score: 0.8,
    },
    {
      segmentId: 'hum#w0',
      itemId: 'hum',
      itemName: 'low-hum.wav',
      modality: 'audio',
      segmentKind: 'audio-window',
      t0: 0,
      t1: 3,
      score: 0.3,
    },
  ];
}
