// The contract between the page and an encoder worker (one worker per role).
import type { AnyRole, Device, Dtype } from '../models/config';
import type { CaptionTask } from '../models/caption-config';
import type { ProgressInfo, TranscriptSpan } from './roles/types';

export type { ProgressInfo, TranscriptSpan };

export interface EncoderInit {
  role: AnyRole;
  model: string;
  revision: string;
  dtype: Record<Device, Dtype>;
  /** Expected vector dimension; outputs of any other size are an error. */
  dim?: number;
  remoteHost: string;
  remotePathTemplate: string;
  /** Origins the worker may fetch from: the app's and the configured model hosts. */
  allowedOrigins: string[];
  /** SHA-256 (hex) the role's files must have, keyed by URL (roles.<role>.sha256 in models.json). */
  sha256?: Record<string, string>;
  prefer: Device | 'auto';
  /** Text the model expects before queries and passages. */
  prefixes?: { query?: string; passage?: string };
  /** Why this worker was started on the device it is on (after a WebGPU failure). */
  note?: string;
  /** The caption role's task (captions.task in models.json). */
  captionTask?: CaptionTask;
  /** The language the speech role transcribes in (ISO 639-1); absent: Whisper detects it per recording. */
  speechLanguage?: string;
  /** Whether ingest asks the caption role to describe pictures (captions.enabled); default true. */
  captionDescribe?: boolean;
  /** Whether ingest asks the caption role to read text (captions.ocr in models.json). */
  captionOcr?: boolean;
  /** WASM threads for ORT in this worker; absent: as many as runtime.ts allows. */
  wasmThreads?: number;
}

export type TextPurpose = 'query' | 'passage';

export interface RuntimeInfo {
  role: AnyRole;
  model: string;
  device: Device;
  dtype: Dtype;
  /** Why the role is not on WebGPU, when it is not. */
  note?: string;
  /** ORT's WASM build in the worker: 'webgpu' carries the WebGPU provider, 'wasm' runs WASM only. */
  build?: Device;
  /** ORT's WASM threads in the worker. */
  wasmThreads?: number;
}

export interface EncoderWorkerApi {
  init(init: EncoderInit, onProgress: (p: ProgressInfo) => void): Promise<RuntimeInfo>;
  runtime(): Promise<RuntimeInfo>;
  embedTexts(texts: string[], purpose?: TextPurpose): Promise<Float32Array[]>;
  embedImages(images: (Blob | ImageBitmap)[]): Promise<Float32Array[]>;
  embedAudio(windows: Float32Array[]): Promise<Float32Array[]>;
  transcribe(audio16k: Float32Array): Promise<TranscriptSpan[]>;
  /** A caption per picture, with the configured caption task. */
  caption(images: Blob[]): Promise<string[]>;
  /** The text read in each picture (OCR), '' where there is none. */
  readText(images: Blob[]): Promise<string[]>;
  /** Every URL this worker has fetched (its resource timing entries), for the privacy checks. */
  fetchedUrls(): Promise<string[]>;
  /** Destroys ORT's GPUDevice, as a driver reset or a lost device would; diagnostics and tests use it. */
  loseWebGPUDevice(): Promise<boolean>;
  /** Throws an uncaught error inside the worker, as a crash would; diagnostics and tests use it. */
  crash(): Promise<never>;
}

export class EncoderError extends Error {
  override name = 'EncoderError';
}

/**
 * A model file did not match the SHA-256 models.json gives for it; nothing of it was used or cached. Its
 * name survives the trip from the worker (Comlink keeps an error's name), so the page can branch on it.
 */
export class ModelIntegrityFailure extends EncoderError {
  override name = 'ModelIntegrityError';
}
