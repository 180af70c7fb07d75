// Every ONNX Runtime session of this context is made with its weights as external data
// (external-weights.ts): transformers.js creates sessions through ORT's InferenceSession.create and has no
// hook of its own for it, so the one static method is wrapped, once per context.
import { InferenceSession } from 'onnxruntime-web/webgpu';
import { externaliseWeights, WEIGHTS_FILE } from './external-weights';

type Create = (model: unknown, ...rest: unknown[]) => Promise<InferenceSession>;

let installed = false;

export function createSessionsWithExternalWeights(): void {
  if (installed) return;
  installed = true;
  const holder = InferenceSession as unknown as { create: Create };
  const create = holder.create.bind(InferenceSession) as Create;
  holder.create = (model, ...rest) => {
    const options = rest[0] as InferenceSession.SessionOptions | undefined;
    // Only the form transformers.js uses: the model's bytes and options, with no external data of its own.
    if (model instanceof Uint8Array && rest.length <= 1 && !options?.externalData) {
      const graph = externaliseWeights(model);
      if (graph) return create(graph, { ...options, externalData: [{ path: WEIGHTS_FILE, data: model }] });
    }
    return create(model, ...rest);
  };
}
