// Takes a Trove export file apart into named sections and puts one back together (with valid checksums),
// so a test can make a file that is well-framed but wrong in one precise way.
import { FrameWriter, header, readFrames } from '../../src/backup/format.ts';

export interface Section {
  name: string;
  bytes: Uint8Array;
}

export async function decodeSections(file: Blob): Promise<Section[]> {
  const out: Section[] = [];
  let parts: Uint8Array[] = [];
  for await (const e of readFrames(file.stream())) {
    if (e.type === 'section') parts = [];
    else if (e.type === 'data') parts.push(e.bytes.slice());
    else if (e.type === 'end') out.push({ name: e.name, bytes: concat(parts) });
  }
  return out;
}

export async function encodeSections(sections: Section[], version?: number): Promise<Blob> {
  const w = await FrameWriter.create();
  const parts: Uint8Array[] = [header(version)];
  for (const s of sections) {
    parts.push(w.section(s.name));
    for (const d of w.data(s.bytes)) parts.push(d.slice());
    parts.push(w.end());
  }
  parts.push(w.finish());
  return new Blob(parts as BlobPart[]);
}

export function jsonLines(section: Section): unknown[] {
  return new TextDecoder()
    .decode(section.bytes)
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as unknown);
}

export function toJsonLines(values: unknown[]): Uint8Array {
  return new TextEncoder().encode(values.map((v) => `${JSON.stringify(v)}\n`).join(''));
}

/** Returns a copy of the sections with one section's JSON lines changed by `edit`. */
export function editJson(
  sections: Section[],
  name: string,
  edit: (values: unknown[]) => unknown[],
): Section[] {
  return sections.map((s) => (s.name === name ? { name, bytes: toJsonLines(edit(jsonLines(s))) } : s));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
