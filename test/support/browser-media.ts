// Loads fixture media in the browser tier, from the Vitest server.
export const mediaUrl = (path: string) => `/test/fixtures/media/${path}`;

export async function fetchBlob(path: string): Promise<Blob> {
  const res = await fetch(mediaUrl(path));
  if (!res.ok) throw new Error(`fixture ${path}: ${res.status}`);
  return res.blob();
}

/** Decodes a fixture to mono PCM at `rate` Hz with the browser's own decoder. */
export async function decodeAudio(path: string, rate: number): Promise<Float32Array> {
  const bytes = await (await fetchBlob(path)).arrayBuffer();
  const decoded = await new OfflineAudioContext(1, 1, rate).decodeAudioData(bytes);
  const ctx = new OfflineAudioContext(1, Math.ceil(decoded.duration * rate), rate);
  const src = ctx.createBufferSource();
  src.buffer = decoded;
  src.connect(ctx.destination);
  src.start();
  return (await ctx.startRendering()).getChannelData(0);
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Indices of `candidates` from most to least similar to `query`. */
export function rank(query: Float32Array, candidates: Float32Array[]): number[] {
  return candidates
    .map((c, i) => [cosine(query, c), i] as const)
    .sort((x, y) => y[0] - x[0])
    .map(([, i]) => i);
}
