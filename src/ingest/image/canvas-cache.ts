// Small 2D canvases kept for reuse, one per size. Making a canvas and its context for every photo cost more
// than the drawing on it (about 10 % of photo ingest throughput in paired runs). Sharing one per size is
// safe because every use is synchronous: drawImage then transferToImageBitmap, or drawImage then
// convertToBlob, which copies the canvas when it is called.
//
// Contexts ask for willReadFrequently, which keeps the canvas in memory rather than on the GPU: everything
// drawn here is small and read back at once (encoded to JPEG, or handed to the encoder's worker, which
// reads its pixels), so a GPU round trip would only add a readback.

const bySize = new Map<string, OffscreenCanvasRenderingContext2D>();
/** Photos come in a few sizes; a library of odd sizes should not keep a canvas for each. */
const maxKept = 16;

/** A cleared 2D context on a canvas of exactly this size, for synchronous use. */
export function canvasOfSize(width: number, height: number): OffscreenCanvasRenderingContext2D {
  const key = `${width}x${height}`;
  let ctx = bySize.get(key);
  if (ctx) {
    bySize.delete(key);
    // Only what the last user may have left: pixels (a PNG keeps transparency) and the smoothing setting.
    ctx.clearRect(0, 0, width, height);
    ctx.imageSmoothingQuality = 'low';
  } else {
    const made = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (!made) throw new Error('No 2D canvas context for image resizing');
    ctx = made;
    if (bySize.size >= maxKept) bySize.delete(bySize.keys().next().value!);
  }
  // Most recently used last, so the oldest goes first.
  bySize.set(key, ctx);
  return ctx;
}
