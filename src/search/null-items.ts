// What a picture that shows nothing and a sound that says nothing embed to: a plain grey image through the
// image encoder, silence through the audio encoder, once per encoder. They are the item-side counterpart of
// the empty text: in a model that puts every item in a cone they point along the cone, where plain,
// low-content items (grey photos, blank scans, room tone) sit. An image or sound query is searched with that
// direction taken out, so such items do not score high on every picture or sound.

/** An 8×8 mid-grey PNG (rgb 128,128,128). */
const BLANK_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAD0lEQVQI12NowAEYhpYEAILzYAGUMxmUAAAAAElFTkSuQmCC';
/** One second at 48 kHz. */
const SILENCE_SAMPLES = 48_000;

export function blankImage(): Blob {
  const bytes = Uint8Array.from(atob(BLANK_PNG), (c) => c.charCodeAt(0));
  return new Blob([bytes], { type: 'image/png' });
}

export function silence(): Float32Array {
  return new Float32Array(SILENCE_SAMPLES);
}

const kept = new WeakMap<object, Promise<Float32Array>>();

/** `embed` applied once per encoder (`role`), and kept while that encoder lives. */
export function nullItem(role: object, embed: () => Promise<Float32Array[]>): Promise<Float32Array> {
  let found = kept.get(role);
  if (!found) {
    found = embed().then((v) => v[0]!);
    found.catch(() => kept.delete(role));
    kept.set(role, found);
  }
  return found;
}

/** `query` with its component along `away` taken out (null when nothing is left). */
export function without(query: Float32Array, away: Float32Array): Float32Array | null {
  const length = norm(away);
  if (!(length > 0)) return query;
  let along = 0;
  for (let i = 0; i < query.length; i++) along += (query[i]! * away[i]!) / length;
  const out = new Float32Array(query.length);
  for (let i = 0; i < query.length; i++) out[i] = query[i]! - (along * away[i]!) / length;
  return norm(out) > 1e-6 ? out : null;
}

export function norm(v: ArrayLike<number>): number {
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += v[i]! * v[i]!;
  return Math.sqrt(sq);
}
