import {
  modelOrigins,
  resolveHost,
  roles,
  type Device,
  type ModelsConfig,
  type Role,
} from '../models/config';
import { EncoderClient, type WorkerFactory } from './encoder-client';
import { DownloadProgress } from './progress';

export type Encoders = Record<Role, EncoderClient> & { progress: DownloadProgress; terminate(): void };

/** One worker per role, configured from models.json; none of them starts until it is first used. */
export function createEncoders(
  config: ModelsConfig,
  options: { appUrl?: string; prefer?: Device | 'auto'; makeWorker?: WorkerFactory } = {},
): Encoders {
  const appUrl = options.appUrl ?? location.href;
  const allowedOrigins = [new URL(appUrl).origin, ...modelOrigins(config, appUrl)];
  const progress = new DownloadProgress();
  const clients = Object.fromEntries(
    roles.map((role) => {
      const rc = config.roles[role];
      const host = resolveHost(config, role, appUrl);
      const client = new EncoderClient(
        {
          role,
          model: rc.model,
          revision: rc.revision ?? 'main',
          dtype: rc.dtype,
          dim: rc.dim,
          remoteHost: host.remoteHost,
          remotePathTemplate: host.remotePathTemplate,
          allowedOrigins,
          prefer: options.prefer ?? 'auto',
          prefixes: rc.prefixes,
        },
        options.makeWorker,
      );
      client.addEventListener('progress', (e) => progress.update((e as CustomEvent).detail));
      return [role, client];
    }),
  ) as Record<Role, EncoderClient>;
  return {
    ...clients,
    progress,
    terminate: () => roles.forEach((r) => clients[r].terminate()),
  };
}
