// COOP + COEP make the page crossOriginIsolated, which lets onnxruntime-web and ffmpeg.wasm use WASM
// threads (measured 3x faster on a 2-core machine). Every server that hosts Trove must send them.
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
