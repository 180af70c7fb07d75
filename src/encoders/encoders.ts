import {
  captionsEnabled,
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
import { DownloadProgress } from './progress';

export type Encoders = Record<Role, EncoderClient> & {
  /** The caption role's worker, present only when captions are turned on (see captionsEnabled). */
  caption?: EncoderClient;
  progress: DownloadProgress;
  terminate(): void;
};

/** One worker per role, configured from models.json; none of them starts until it is first used. */
export function createEncoders(
  config: ModelsConfig,
  options: { appUrl?: string; prefer?: Device | 'auto'; makeWorker?: WorkerFactory } = {},
): Encoders {
  const appUrl = options.appUrl ?? location.href;
  const allowedOrigins = [new URL(appUrl).origin, ...modelOrigins(config, appUrl)];
  const progress = new DownloadProgress();
  const client = (role: AnyRole) => {
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
        ...(role === 'caption'
          ? { captionTask: config.captions?.task, captionOcr: config.captions?.ocr ?? false }
          : {}),
      },
      options.makeWorker,
    );
    c.addEventListener('progress', (e) => progress.update((e as CustomEvent).detail));
    return c;
  };
  const clients = Object.fromEntries(roles.map((role) => [role, client(role)])) as Record<
    Role,
    EncoderClient
  >;
  const caption = captionsEnabled(config) ? client('caption') : undefined;
  return {
    ...clients,
    ...(caption ? { caption } : {}),
    progress,
    terminate: () => {
      roles.forEach((r) => clients[r].terminate());
      caption?.terminate();
    },
  };
}
