import {
  captionsEnabled,
  ocrEnabled,
  modelFileHashes,
  modelOrigins,
  resolveHost,
  roles,
  type AnyRole,
  type Device,
  type ModelsConfig,
  type Role,
} from '../models/config';
import { EncoderClient, type WorkerFactory } from './encoder-client';
import type { TextPurpose, TranscriptSpan } from './protocol';
import { DownloadProgress } from './progress';
import { QueryGate } from './query-gate';

/** The roles a text query reaches. */
export const queryRoles = ['clip', 'clap', 'text'] as const;
export type QueryRole = (typeof queryRoles)[number];

/**
 * ORT threads of each query worker. A text query runs all three text encoders at once; with two threads each,
 * six threads on a 2-core machine waited on one another: a query's p50 with the real-size models was 149 ms
 * with two threads each and 69 ms with one (docs/design-notes.md, "The first query after a reload").
 */
const QUERY_WASM_THREADS = 1;

/** Ingest's workers, let go after this long without work (issue 20: ingest-only models leave memory). */
export const INGEST_IDLE_RELEASE_MS = 60_000;

export type Encoders = Record<Role, EncoderClient> & {
  /** The caption role's worker, present only when captions or OCR are on (captionsEnabled, ocrEnabled). */
  caption?: EncoderClient;
  /**
   * The text encoders of queries, each in a worker of its own that stays: a query never waits behind
   * ingest's batches, and its models stay loaded while ingest's are let go.
   */
  query: Record<QueryRole, EncoderClient>;
  /** What a search calls (fan-out.ts QueryEncoders): words to `query`, files urgently to the role's worker. */
  forQueries: ReturnType<typeof queryView>;
  progress: DownloadProgress;
  terminate(): void;
};

/** What a search calls; every call holds ingest's next jobs (query-gate.ts) until it is done. */
function queryView(
  ingest: Record<Role, EncoderClient> & { caption?: EncoderClient },
  query: Record<QueryRole, EncoderClient>,
  gate: QueryGate,
  config: ModelsConfig,
) {
  const words = (role: QueryRole) => (t: string[], p?: TextPurpose) =>
    gate.during(() => query[role].embedTexts(t, p ?? 'query'));
  return {
    clip: {
      embedTexts: words('clip'),
      modelKey: modelKey(config, 'clip'),
      embedImages: (b: Blob[]) => gate.during(() => ingest.clip.embedImages(b, 'urgent')),
    },
    clap: {
      embedTexts: words('clap'),
      modelKey: modelKey(config, 'clap'),
      embedAudio: (w: Float32Array[]) => gate.during(() => ingest.clap.embedAudio(w, 'urgent')),
    },
    text: { embedTexts: words('text'), modelKey: modelKey(config, 'text') },
    speech: {
      transcribe: (a: Float32Array): Promise<TranscriptSpan[]> =>
        gate.during(() => ingest.speech.transcribe(a, 'urgent')),
    },
    // An image query is captioned only where pictures are (captions on), not where their text alone is read.
    ...(ingest.caption?.describes
      ? { caption: { caption: (b: Blob[]) => gate.during(() => ingest.caption!.caption(b, 'urgent')) } }
      : {}),
  };
}

/** Names a role's model as configured: what its query-side products (reference banks) are kept under. */
function modelKey(config: ModelsConfig, role: QueryRole): string {
  const rc = config.roles[role]!;
  return `${role}:${rc.model}@${rc.revision ?? 'main'}:${rc.dtype.wasm}/${rc.dtype.webgpu}`;
}

/**
 * One worker per role for ingest, and one per query role for queries, configured from models.json; none
 * of them starts until it is first used. `idleReleaseMs` (tests) overrides INGEST_IDLE_RELEASE_MS.
 */
export function createEncoders(
  config: ModelsConfig,
  options: {
    appUrl?: string;
    prefer?: Device | 'auto';
    makeWorker?: WorkerFactory;
    idleReleaseMs?: number;
    /** The language speech is transcribed in (ISO 639-1); absent or 'auto': Whisper detects it. */
    speechLanguage?: string;
  } = {},
): Encoders {
  const appUrl = options.appUrl ?? location.href;
  const allowedOrigins = [new URL(appUrl).origin, ...modelOrigins(config, appUrl)];
  const progress = new DownloadProgress();
  const gate = new QueryGate();
  const client = (role: AnyRole, idleReleaseMs?: number, hold?: QueryGate, wasmThreads?: number) => {
    const rc = config.roles[role]!;
    const host = resolveHost(config, role, appUrl);
    const c = new EncoderClient(
      {
        role,
        model: rc.model,
        revision: rc.revision ?? 'main',
        dtype: rc.dtype,
        dim: rc.dim,
        remoteHost: host.remoteHost,
        remotePathTemplate: host.remotePathTemplate,
        allowedOrigins,
        sha256: modelFileHashes(config, role, appUrl),
        prefer: options.prefer ?? 'auto',
        prefixes: rc.prefixes,
        ...(wasmThreads ? { wasmThreads } : {}),
        ...(role === 'speech' && options.speechLanguage && options.speechLanguage !== 'auto'
          ? { speechLanguage: options.speechLanguage }
          : {}),
        ...(role === 'caption'
          ? {
              captionTask: config.captions?.task,
              captionDescribe: captionsEnabled(config),
              captionOcr: ocrEnabled(config),
            }
          : {}),
      },
      options.makeWorker,
      { idleReleaseMs, hold },
    );
    c.addEventListener('progress', (e) => progress.update((e as CustomEvent).detail));
    return c;
  };
  const release = options.idleReleaseMs ?? INGEST_IDLE_RELEASE_MS;
  const clients = Object.fromEntries(roles.map((role) => [role, client(role, release, gate)])) as Record<
    Role,
    EncoderClient
  >;
  const caption =
    captionsEnabled(config) || ocrEnabled(config) ? client('caption', release, gate) : undefined;
  const query = Object.fromEntries(
    queryRoles.map((role) => [role, client(role, undefined, undefined, QUERY_WASM_THREADS)]),
  ) as Record<QueryRole, EncoderClient>;
  const ingest = { ...clients, ...(caption ? { caption } : {}) };
  return {
    ...ingest,
    query,
    forQueries: queryView(ingest, query, gate, config),
    progress,
    terminate: () => {
      roles.forEach((r) => clients[r].terminate());
      caption?.terminate();
      queryRoles.forEach((r) => query[r].terminate());
    },
  };
}
