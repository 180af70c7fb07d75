/// <reference lib="webworker" />
// The real ffmpeg worker, except that a file ending in STALL_MARKER makes it hang: the worker spins and
// answers nothing, as ffmpeg stuck in a loop inside its wasm would, and only terminating it ends that.
import * as Comlink from 'comlink';
import type { FfmpegWorkerApi } from '../../src/ingest/video/ffmpeg-protocol.ts';
import { ffmpegWorkerApi as real } from '../../workers/ffmpeg-api.ts';
import { STALL_CHANNEL, STALL_MARKER } from './stall-marker.ts';

async function stallIfMarked(file: File): Promise<void> {
  if ((await file.slice(-STALL_MARKER.length).text()) !== STALL_MARKER) return;
  new BroadcastChannel(STALL_CHANNEL).postMessage(file.name);
  const spinning = () => true;
  while (spinning()) {
    // Never returns: a hung decoder.
  }
}

const stalling: FfmpegWorkerApi = {
  load: real.load,
  probe: async (file) => (await stallIfMarked(file), real.probe(file)),
  scan: async (file, request) => (await stallIfMarked(file), real.scan(file, request)),
  frames: async (file, request) => (await stallIfMarked(file), real.frames(file, request)),
  audio: async (file, request) => (await stallIfMarked(file), real.audio(file, request)),
};

Comlink.expose(stalling);
