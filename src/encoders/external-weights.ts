// An ONNX model's weights, handed to onnxruntime-web as external data instead of inside the graph.
// Why: ORT copies a model's bytes into its WASM heap, parses them into a protobuf (a second copy of every
// weight) and then makes tensors from it (a third). WASM memory never shrinks, so a worker keeps about three
// times its model file for as long as it lives (CLIP text q8, a 61 MB file: 212 MB of worker memory; CLAP
// text q8, 120 MB: 358 MB). Weights given as external data are copied once, from JS straight into their
// tensors (119 MB and 179 MB; docs/design-notes.md, "Model weights as external data").
// No copy is made in JS either: the model's own bytes are the external file. The graph is rewritten with
// each large initializer's raw_data replaced by its offset and length in those bytes.

/** The name the rewritten graph gives its external file; ORT looks it up among the session's externalData. */
export const WEIGHTS_FILE = 'model-weights.bin';

// Field numbers of onnx.proto.
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_RAW_DATA = 9;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const LOCATION_EXTERNAL = 1;
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;

const VARINT = 0;
const FIXED64 = 1;
const BYTES = 2;
const FIXED32 = 5;

class Reader {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
  ) {}

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new Error('the model file ends inside a number');
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw new Error('the model file has a malformed number');
  }
}

interface Field {
  number: number;
  wireType: number;
  /** Where the field starts (its key) and ends. */
  start: number;
  end: number;
  /** For length-delimited fields: where the payload starts. */
  payload: number;
}

/** The fields of the message in buf[start, end), in order. */
function* fields(buf: Uint8Array, start: number, end: number): Generator<Field> {
  const r = new Reader(buf, start);
  while (r.pos < end) {
    const at = r.pos;
    const key = r.varint();
    const wireType = key & 7;
    const number = Math.floor(key / 8);
    let payload = r.pos;
    if (wireType === VARINT) r.varint();
    else if (wireType === FIXED64) r.pos += 8;
    else if (wireType === FIXED32) r.pos += 4;
    else if (wireType === BYTES) {
      const length = r.varint();
      payload = r.pos;
      r.pos += length;
    } else throw new Error(`the model file has an unknown protobuf wire type ${wireType}`);
    if (r.pos > end) throw new Error('the model file ends inside a field');
    yield { number, wireType, start: at, end: r.pos, payload };
  }
}

function varintBytes(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}

const encoder = new TextEncoder();

/** A length-delimited field: key, length and the payload's parts. */
function lengthDelimited(number: number, parts: Uint8Array[]): Uint8Array[] {
  const length = parts.reduce((n, p) => n + p.length, 0);
  return [Uint8Array.from([...varintBytes(number * 8 + BYTES), ...varintBytes(length)]), ...parts];
}

function entry(key: string, value: string): Uint8Array[] {
  return lengthDelimited(TENSOR_EXTERNAL_DATA, [
    ...lengthDelimited(ENTRY_KEY, [encoder.encode(key)]),
    ...lengthDelimited(ENTRY_VALUE, [encoder.encode(value)]),
  ]);
}

/** A tensor's fields with its raw_data moved out, or null when it keeps its data inline. */
function rewriteTensor(buf: Uint8Array, start: number, end: number, minBytes: number): Uint8Array[] | null {
  const all = [...fields(buf, start, end)];
  const raw = all.find((f) => f.number === TENSOR_RAW_DATA && f.wireType === BYTES);
  if (!raw || raw.end - raw.payload < minBytes) return null;
  if (all.some((f) => f.number === TENSOR_DATA_LOCATION || f.number === TENSOR_EXTERNAL_DATA)) return null;
  const kept = all.filter((f) => f !== raw).map((f) => buf.subarray(f.start, f.end));
  return [
    ...kept,
    ...entry('location', WEIGHTS_FILE),
    ...entry('offset', String(raw.payload)),
    ...entry('length', String(raw.end - raw.payload)),
    Uint8Array.from([...varintBytes(TENSOR_DATA_LOCATION * 8 + VARINT), LOCATION_EXTERNAL]),
  ];
}

/** The fields of the message in buf[start, end), with the ones `rewrite` answers for replaced. */
function rewriteMessage(
  buf: Uint8Array,
  start: number,
  end: number,
  rewrite: (f: Field) => Uint8Array[] | null,
): { parts: Uint8Array[]; changed: boolean } {
  const parts: Uint8Array[] = [];
  let changed = false;
  for (const f of fields(buf, start, end)) {
    const inner = f.wireType === BYTES ? rewrite(f) : null;
    if (inner) {
      parts.push(...lengthDelimited(f.number, inner));
      changed = true;
    } else parts.push(buf.subarray(f.start, f.end));
  }
  return { parts, changed };
}

/**
 * The model's graph with every initializer of at least `minBytes` of raw data moved out to WEIGHTS_FILE,
 * which is `model` itself; null when nothing would move (a model that already keeps its weights outside).
 */
export function externaliseWeights(model: Uint8Array, minBytes = 1024): Uint8Array | null {
  const tensor = (f: Field) => rewriteTensor(model, f.payload, f.end, minBytes);
  const graph = (f: Field) => {
    if (f.number !== MODEL_GRAPH) return null;
    const g = rewriteMessage(model, f.payload, f.end, (i) =>
      i.number === GRAPH_INITIALIZER ? tensor(i) : null,
    );
    return g.changed ? g.parts : null;
  };
  const { parts, changed } = rewriteMessage(model, 0, model.length, graph);
  if (!changed) return null;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
