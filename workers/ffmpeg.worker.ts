/// <reference lib="webworker" />
// The ffmpeg worker: one ffmpeg.wasm core, one command at a time (see ffmpeg-api.ts).
import * as Comlink from 'comlink';
import { ffmpegWorkerApi } from './ffmpeg-api.ts';

Comlink.expose(ffmpegWorkerApi);
