// Bytes a test appends to a media file to make the stalling ffmpeg worker (stalling-ffmpeg.worker.ts) hang
// on it, as a decoder stuck in a loop would; the worker says on STALL_CHANNEL when it starts to hang.
export const STALL_MARKER = 'TROVE-STALL-FFMPEG';
export const STALL_CHANNEL = 'trove-test-ffmpeg-stall';
