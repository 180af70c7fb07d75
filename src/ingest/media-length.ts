// How long a media file is: as its container states it, or, when it states nothing, as measured by reading
// it packet by packet (FfmpegClient.scan). The length limit holds either way, before anything is decoded.
import { MediaDecodeError } from './media-error.ts';
import type { FfmpegClient, JobControl } from './video/ffmpeg-client.ts';
import type { MediaProbe } from './video/ffmpeg-protocol.ts';

/**
 * The length of a probed file: as its container states it, or measured by a scan when it states none;
 * refused with 'too-long' past `maxDurationS` either way.
 */
export async function mediaLength(
  ffmpeg: FfmpegClient,
  file: File,
  probe: MediaProbe,
  maxDurationS: number,
  what: 'video' | 'audio',
  control: JobControl = {},
): Promise<number> {
  const stated = probe.durationS;
  const durationS = stated ?? (await ffmpeg.scan(file, maxDurationS, control));
  if (durationS > maxDurationS) {
    const limit = formatDuration(maxDurationS);
    throw new MediaDecodeError(
      'too-long',
      stated !== null
        ? `The ${what} is ${formatDuration(stated)} long; the limit is ${limit}`
        : `The ${what} runs longer than the limit of ${limit} (its file does not state its length; Trove ` +
            'measured it)',
    );
  }
  if (!(durationS > 0)) throw new MediaDecodeError('corrupt-data', `The ${what} holds no playable media`);
  return durationS;
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
