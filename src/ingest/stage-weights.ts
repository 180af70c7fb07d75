// How much of a file's ingest time each stage takes, roughly, per kind: turns (stage, fraction within it)
// into one fraction for the file, so a progress bar moves evenly instead of jumping at the slow stage.
import type { MediaKind } from './detect-type.ts';
import type { IngestStage } from './queue-events.ts';

type Weights = Partial<Record<IngestStage, number>>;

const weights: Record<MediaKind | 'unknown', Weights> = {
  image: { reading: 0.05, decoding: 0.35, embedding: 0.4, writing: 0.15, indexing: 0.05 },
  video: {
    reading: 0.01,
    decoding: 0.04,
    frames: 0.55,
    audio: 0.15,
    transcribing: 0.2,
    writing: 0.04,
    indexing: 0.01,
  },
  audio: { reading: 0.02, decoding: 0.13, audio: 0.3, transcribing: 0.5, writing: 0.04, indexing: 0.01 },
  text: { reading: 0.05, decoding: 0.3, embedding: 0.55, writing: 0.08, indexing: 0.02 },
  unknown: { reading: 0.5, writing: 0.5 },
};

const order: IngestStage[] = [
  'queued',
  'intake',
  'reading',
  'decoding',
  'frames',
  'audio',
  'transcribing',
  'embedding',
  'writing',
  'indexing',
];

/** The whole file's fraction done, given the stage it is in and how far into that stage it is. */
export function fileFraction(kind: MediaKind | 'unknown', stage: IngestStage, stageFraction: number): number {
  const w = weights[kind];
  const total = Object.values(w).reduce((a, b) => a + b, 0);
  let before = 0;
  for (const s of order) {
    if (s === stage) break;
    before += w[s] ?? 0;
  }
  const f = (before + (w[stage] ?? 0) * Math.min(1, Math.max(0, stageFraction))) / total;
  return Math.min(1, f);
}
