// The import's reader of the vector sections: per space, the segment ids (each must be a segment of the
// file that lists the space) and then the raw little-endian float32 rows, staged a batch of rows at a time.
import type { ImportStaging } from '../library/library.ts';
import type { Space, VectorRecord } from '../library/records.ts';
import { BATCH_BYTES, BATCH_RECORDS } from './batches.ts';
import { BackupError, invalid, malformed } from './errors.ts';
import { spaceBit, type References } from './import-records.ts';
import { expectCount, type SectionReader } from './import-reader.ts';
import { SPACES, sections, type ExportManifest } from './records.ts';

/** Reads every space's vectors; returns how many each had. */
export async function readVectors(
  reader: SectionReader,
  manifest: ExportManifest,
  refs: References,
  staging: ImportStaging,
  limits: { expectedDims?: Partial<Record<Space, number>>; fileSize: number },
): Promise<Partial<Record<Space, number>>> {
  const vectors: Partial<Record<Space, number>> = {};
  for (const space of SPACES) {
    const entry = manifest.spaces[space];
    if (!entry) continue;
    const expected = limits.expectedDims?.[space];
    if (expected !== undefined && expected !== entry.dim)
      throw new BackupError(
        'wrong-dimension',
        `This library was made with a different ${space.toUpperCase()} model: its vectors have ${entry.dim} numbers, this Trove's model makes ${expected}. Set the same models (Settings → Models) before importing.`,
      );
    if (entry.count * entry.dim * 4 > limits.fileSize)
      throw malformed(`the manifest claims more ${space} vectors than the file can hold`);
    const ids = await readIds(reader, space, entry.count, refs);
    await stageRows(reader, space, entry.dim, ids, refs, staging);
    vectors[space] = ids.length;
  }
  return vectors;
}

/** A space's segment ids, in the order of its rows. */
async function readIds(reader: SectionReader, space: Space, count: number, refs: References) {
  const ids: string[] = [];
  const seen = new Set<string>();
  await reader.jsonSection(sections.vectorIds(space), (v, i) => {
    if (typeof v !== 'string') throw invalid(`${space} vector ${i + 1} has no segment id`);
    if (i >= count) throw malformed(`the manifest says ${count} ${space} vector ids but the file holds more`);
    if (seen.has(v)) throw invalid(`${space} vector of segment "${v}" appears twice`);
    const ref = refs.segmentRefs.get(v);
    if (ref === undefined)
      throw invalid(`a ${space} vector belongs to segment "${v}", which the file does not have`);
    if (!(ref & spaceBit(space)))
      throw invalid(`segment "${v}" has a ${space} vector but does not list ${space} among its spaces`);
    seen.add(v);
    ids.push(v);
  });
  expectCount(`${space} vector ids`, ids.length, count);
  return ids;
}

/** Reads a space's rows into vector records, a batch of rows at a time. */
async function stageRows(
  reader: SectionReader,
  space: Space,
  dim: number,
  ids: string[],
  refs: References,
  staging: ImportStaging,
): Promise<void> {
  const rowBytes = dim * 4;
  const expected = ids.length * rowBytes;
  const rowsPerBatch = Math.min(ids.length, BATCH_RECORDS, Math.max(1, Math.floor(BATCH_BYTES / rowBytes)));
  const buffer = new Uint8Array(rowsPerBatch * rowBytes);
  let filled = 0;
  let row = 0;
  let total = 0;
  const flush = async () => {
    const rows = filled / rowBytes;
    const values = fromLittleEndian(new Float32Array(buffer.buffer.slice(0, filled)));
    const batch: VectorRecord[] = [];
    for (let r = 0; r < rows; r++) {
      const segmentId = ids[row + r]!;
      const vector = values.slice(r * dim, (r + 1) * dim);
      checkRow(space, segmentId, vector);
      batch.push({ segmentId, space, itemId: refs.itemOfSegment(segmentId), vector });
    }
    await staging.addVectors(batch);
    row += rows;
    filled = 0;
  };
  await reader.section(sections.vectors(space), async (chunk) => {
    if (total + chunk.length > expected)
      throw malformed(`the ${space} vectors hold more bytes than ${ids.length} × ${dim} numbers`);
    total += chunk.length;
    for (let at = 0; at < chunk.length;) {
      const k = Math.min(chunk.length - at, buffer.length - filled);
      buffer.set(chunk.subarray(at, at + k), filled);
      filled += k;
      at += k;
      if (filled === buffer.length) await flush();
    }
  });
  if (total !== expected) throw malformed(`the ${space} vectors hold ${total} bytes, expected ${expected}`);
  if (filled) await flush();
}

function checkRow(space: Space, segmentId: string, vector: Float32Array): void {
  let norm = 0;
  for (const v of vector) {
    if (!Number.isFinite(v))
      throw invalid(`the ${space} vector of segment "${segmentId}" holds a number that is not finite`);
    norm += v * v;
  }
  if (norm === 0) throw invalid(`the ${space} vector of segment "${segmentId}" is all zeros`);
}

function fromLittleEndian(values: Float32Array): Float32Array {
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] === 1) return values;
  const view = new DataView(values.buffer);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  return values;
}
