import type { Device, Dtype } from '../../models/config';
import type { PictureTask } from '../../models/caption-config';

export interface ProgressInfo {
  status: string;
  file?: string;
  loaded?: number;
  total?: number;
  progress?: number;
}

export interface RoleLoadOptions {
  model: string;
  revision: string;
  device: Device;
  dtype: Dtype;
  progress: (info: ProgressInfo) => void;
  /** Speech only: the language to transcribe in (ISO 639-1); absent, Whisper detects it per recording. */
  language?: string;
}

export interface TranscriptSpan {
  text: string;
  start: number;
  end: number;
  /** The language it was transcribed in (ISO 639-1): chosen in Settings, or detected by Whisper. */
  language?: string;
}

/** A loaded role. Every embedding it returns is L2-normalised. Sub-models load on first use. */
export interface RoleEncoder {
  embedTexts?(texts: string[]): Promise<Float32Array[]>;
  /** Files, or decoded bitmaps (upright); bitmaps are closed after use. */
  embedImages?(images: (Blob | ImageBitmap)[]): Promise<Float32Array[]>;
  embedAudio?(windows: Float32Array[]): Promise<Float32Array[]>;
  transcribe?(audio: Float32Array): Promise<TranscriptSpan[]>;
  /** One answer per picture: a caption, or the text read in it ('' when there is none). */
  describe?(images: Blob[], task: PictureTask): Promise<string[]>;
  dispose(): Promise<void>;
}

/** transformers.js's shared options for from_pretrained / pipeline. */
export function pretrainedOptions(o: RoleLoadOptions) {
  return { revision: o.revision, device: o.device, dtype: o.dtype, progress_callback: o.progress };
}

/** A lazily loaded sub-model: made on first call, retried after a failure; `loaded` never starts a load. */
export interface Lazy<T> {
  (): Promise<T>;
  loaded(): Promise<T | undefined>;
}

export function once<T>(make: () => Promise<T>): Lazy<T> {
  let p: Promise<T> | undefined;
  const get = () => {
    p ??= make().catch((err) => {
      p = undefined;
      throw err;
    });
    return p;
  };
  // A load that failed left nothing to dispose; its error went to the call that asked for it.
  return Object.assign(get, { loaded: () => (p ? p.catch(() => undefined) : Promise.resolve(undefined)) });
}

/** Releases the ORT sessions of the sub-models that were loaded. */
export async function disposeAll(models: Lazy<{ dispose(): Promise<unknown> }>[]): Promise<void> {
  for (const m of models) await (await m.loaded())?.dispose();
}
