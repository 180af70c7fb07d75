// An ffmpeg client whose worker hangs on marked files (stalling-ffmpeg.worker.ts), for the watchdog tests.
import { STALL_CHANNEL, STALL_MARKER } from './stall-marker.ts';
import { fetchBlob } from './browser-media.ts';

export function spawnStallingFfmpeg(): Worker {
  return new Worker(new URL('./stalling-ffmpeg.worker.ts', import.meta.url), {
    type: 'module',
    name: 'ffmpeg-stalling',
  });
}

/** A fixture with the marker appended under a new name: still the same kind of media, but it hangs ffmpeg. */
export async function stallingFixture(path: string, name: string): Promise<File> {
  return new File([await fetchBlob(path), STALL_MARKER], name, { lastModified: 1_700_000_000_000 });
}

/** Resolves with the file's name when a stalling worker starts to hang on it. */
export function nextStall(): Promise<string> {
  const channel = new BroadcastChannel(STALL_CHANNEL);
  return new Promise((resolve) => {
    channel.onmessage = (event: MessageEvent<string>) => {
      channel.close();
      resolve(event.data);
    };
  });
}
