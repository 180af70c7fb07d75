// Bytes a test appends to a media file to make the stalling ffmpeg worker (stalling-ffmpeg.worker.ts) hang
// on it, as a decoder stuck in a loop would.
export const STALL_MARKER = 'TROVE-STALL-FFMPEG';
