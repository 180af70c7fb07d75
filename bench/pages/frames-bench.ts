// The browser side of the frame-extraction benchmark: the real ffmpeg worker extracting frames (BMP for
// the encoder + JPEG thumbnails) from a clip the section generated. bench/sections/frames.ts calls it.
import { FfmpegClient } from '../../src/ingest/video/ffmpeg-client.ts';
import { probeVideo, videoAudioTrack, videoFrames } from '../../src/ingest/video/extract-video.ts';

export interface FramesRun {
  frames: number;
  /** probe + every frame window, with the core already loaded. */
  extractMs: number;
  audioMs: number;
  loadMs: number;
}

const client = new FfmpegClient();

async function run(url: string, intervalS: number): Promise<FramesRun> {
  const t0 = performance.now();
  await client.load();
  const loadMs = performance.now() - t0;
  const blob = await (await fetch(url)).blob();
  const file = new File([blob], url.slice(url.lastIndexOf('/') + 1));
  const t1 = performance.now();
  const probe = await probeVideo(client, file);
  let frames = 0;
  for await (const batch of videoFrames(client, file, probe, { intervalS })) frames += batch.length;
  const extractMs = performance.now() - t1;
  const t2 = performance.now();
  await videoAudioTrack(client, file, probe);
  const audioMs = performance.now() - t2;
  return { frames, extractMs, audioMs, loadMs };
}

declare global {
  interface Window {
    framesBench: { run: typeof run };
  }
}
window.framesBench = { run };
