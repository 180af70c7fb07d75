// Language detection and the pipeline's first chunk look at the same 30 s window. transformers.js 4.3 has
// no way to hand its automatic-speech-recognition pipeline the features or the encoder output it already
// has: WhisperForConditionalGeneration.generate takes `encoder_outputs`, but the pipeline passes its options
// to every chunk and to every seek pass within one, so they would be reused where they are wrong. This shares
// them instead through two calls of the pipeline's own objects, hooked once per pipeline:
//  - its processor, asked for the features of exactly the samples detection used (the same subarray of the
//    recording: same buffer, offset and length), returns detection's features;
//  - its encoder's ONNX session, asked to encode features equal to detection's (compared value by value),
//    returns detection's output.
// Each is used at most once per recording, and `clear` forgets both. A hit needs the same input, so it can
// only ever return what the call would have computed. Should the objects differ in another transformers.js
// version, nothing is hooked and the window is computed twice: slower, never wrong.

/** A tensor as ONNX Runtime hands it to a session: only CPU data is compared. */
interface OrtTensorLike {
  readonly location?: string;
  readonly data?: unknown;
}
type SessionRun = (feeds: Record<string, OrtTensorLike>, ...rest: unknown[]) => Promise<unknown>;

/** The parts of transformers.js's pipeline that are used: its processor (callable) and encoder session. */
export interface ShareablePipeline {
  processor?: unknown;
  model?: { sessions?: Record<string, { run?: SessionRun } | undefined> } | null;
}
type Processor = ((audio: Float32Array) => Promise<unknown>) & {
  _call?: (...args: unknown[]) => Promise<unknown>;
};

/** The encoder session's input (transformers.js names Whisper's encoder sessions `model`). */
const ENCODER_SESSION = 'model';
const ENCODER_INPUT = 'input_features';

export class FirstWindowShare {
  private window?: Float32Array;
  private features?: unknown;
  private featureData?: Float32Array;
  private encoded?: unknown;
  private recording = false;
  /** How many computations were skipped since this share was made (for tests and benchmarks). */
  reused = 0;

  constructor(
    private readonly computeFeatures: (window: Float32Array) => Promise<unknown>,
    readonly hooked: boolean,
  ) {}

  /**
   * Computes the window's features, runs `use` on them (which encodes them), and keeps both results for the
   * pipeline's first chunk. `featuresOf` picks the encoder input out of the processor's result.
   */
  async detect<T>(
    window: Float32Array,
    featuresOf: (processed: unknown) => Float32Array | undefined,
    use: (processed: unknown) => Promise<T>,
  ): Promise<T> {
    this.clear();
    const processed = await this.computeFeatures(window);
    if (this.hooked) {
      this.window = window;
      this.features = processed;
      this.featureData = featuresOf(processed);
    }
    this.recording = this.hooked;
    try {
      return await use(processed);
    } finally {
      this.recording = false;
    }
  }

  /** Forgets what detection computed (after the recording is transcribed, or when it failed). */
  clear(): void {
    this.window = this.features = this.featureData = this.encoded = undefined;
  }

  /** The processor's hook: detection's features for detection's window, once. */
  processed(audio: unknown): unknown {
    const w = this.window;
    if (
      !w ||
      !(audio instanceof Float32Array) ||
      audio.buffer !== w.buffer ||
      audio.byteOffset !== w.byteOffset ||
      audio.length !== w.length
    )
      return undefined;
    const features = this.features;
    this.window = this.features = undefined;
    this.reused++;
    return features;
  }

  /** The encoder session's hook: detection's encoder output for detection's features, once. */
  encodedFor(feeds: Record<string, OrtTensorLike>): unknown {
    if (!this.encoded || !sameData(feeds[ENCODER_INPUT], this.featureData)) return undefined;
    const encoded = this.encoded;
    this.encoded = this.featureData = undefined;
    this.reused++;
    return encoded;
  }

  /** The encoder session's hook: keeps what it computed for detection's features. */
  keep(feeds: Record<string, OrtTensorLike>, output: unknown): void {
    if (this.recording && sameData(feeds[ENCODER_INPUT], this.featureData)) this.encoded = output;
  }
}

function sameData(tensor: OrtTensorLike | undefined, data: Float32Array | undefined): boolean {
  if (!tensor || !data || (tensor.location && tensor.location !== 'cpu')) return false;
  const other = tensor.data;
  if (!(other instanceof Float32Array) || other.length !== data.length) return false;
  if (other === data) return true;
  for (let i = 0; i < data.length; i++) if (other[i] !== data[i]) return false;
  return true;
}

const shares = new WeakMap<object, FirstWindowShare>();

/**
 * The share of a pipeline, hooking its processor and encoder session the first time it is asked for;
 * undefined when the pipeline has no processor to compute features with.
 */
export function firstWindowShare(asr: ShareablePipeline & object): FirstWindowShare | undefined {
  if (shares.has(asr)) return shares.get(asr);
  const processor = typeof asr.processor === 'function' ? (asr.processor as Processor) : undefined;
  if (!processor) return undefined;
  const session = asr.model?.sessions?.[ENCODER_SESSION];
  const process = processor._call?.bind(processor);
  const run = session?.run?.bind(session);
  const share = new FirstWindowShare((window) => processor(window), Boolean(process && run));
  shares.set(asr, share);
  if (!process || !run || !session) return share;
  processor._call = (audio: unknown, ...rest: unknown[]) => {
    const features = share.processed(audio);
    return features !== undefined ? Promise.resolve(features) : process(audio, ...rest);
  };
  session.run = async (feeds, ...rest) => {
    const encoded = share.encodedFor(feeds);
    if (encoded !== undefined) return encoded;
    const output = await run(feeds, ...rest);
    share.keep(feeds, output);
    return output;
  };
  return share;
}
