import { createRequire } from 'node:module';
import type * as OnnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { externaliseWeights, WEIGHTS_FILE } from '../../src/encoders/external-weights.ts';
import { encodeModel, floatTensor } from '../../scripts/fixtures/models/onnx.ts';

const { onnx } = createRequire(import.meta.url)('onnx-proto') as typeof OnnxProto;

const big = floatTensor(
  'W',
  [16, 32],
  Array.from({ length: 512 }, (_, i) => Math.sin(i)),
);
const small = floatTensor(
  'b',
  [32],
  Array.from({ length: 32 }, (_, i) => i / 7),
);
const model = encodeModel({
  name: 'g',
  inputs: [{ name: 'x', type: 'float', dims: ['n', 16] }],
  outputs: [{ name: 'y', type: 'float', dims: ['n', 32] }],
  initializers: [big, small],
  nodes: [
    { op: 'MatMul', inputs: ['x', 'W'], outputs: ['h'] },
    { op: 'Add', inputs: ['h', 'b'], outputs: ['y'] },
  ],
});

const bytesOf = (a: Float32Array) => [...new Uint8Array(a.buffer, a.byteOffset, a.byteLength)];

describe('externaliseWeights', () => {
  it('moves large initializers out, pointing at their own bytes in the model, and keeps the rest as it was', () => {
    const graph = externaliseWeights(model, 1024)!;
    expect(graph.length).toBeLessThan(model.length - 2048 + 200);
    const before = onnx.ModelProto.decode(model);
    const after = onnx.ModelProto.decode(graph);
    const W = after.graph!.initializer!.find((t) => t.name === 'W')!;
    expect(W.rawData?.length ?? 0).toBe(0);
    expect(W.dataLocation).toBe(onnx.TensorProto.DataLocation.EXTERNAL);
    const ext = Object.fromEntries(W.externalData!.map((e) => [e.key, e.value]));
    expect(ext.location).toBe(WEIGHTS_FILE);
    const [offset, length] = [Number(ext.offset), Number(ext.length)];
    expect(length).toBe(512 * 4);
    expect([...model.subarray(offset, offset + length)]).toEqual(bytesOf(big.data as Float32Array));
    expect(W.dims!.map(Number)).toEqual([16, 32]);
    expect(W.dataType).toBe(onnx.TensorProto.DataType.FLOAT);
    // Below the threshold: inline, untouched.
    const b = after.graph!.initializer!.find((t) => t.name === 'b')!;
    expect(b.externalData ?? []).toEqual([]);
    expect([...b.rawData!]).toEqual(bytesOf(small.data as Float32Array));
    // Everything else is the same model.
    expect(after.graph!.node).toEqual(before.graph!.node);
    expect(after.graph!.input).toEqual(before.graph!.input);
    expect(after.graph!.output).toEqual(before.graph!.output);
    expect(after.opsetImport).toEqual(before.opsetImport);
    expect(Number(after.irVersion)).toBe(Number(before.irVersion));
  });

  it('moves nothing when every initializer is below the threshold, or the weights are outside already', () => {
    expect(externaliseWeights(model, 1 << 20)).toBeNull();
    const once = externaliseWeights(model, 1)!;
    expect(once).not.toBeNull();
    expect(externaliseWeights(once, 1)).toBeNull();
  });

  it('refuses a truncated model with a clear error instead of writing a broken graph', () => {
    expect(() => externaliseWeights(model.subarray(0, model.length - 100), 1)).toThrow(/ends inside/);
  });
});
