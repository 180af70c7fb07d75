// The picture a captioner sees of a still image. The image encoder's copy (224 px) is too small: Florence-2
// looks at 768 × 768 and reads text (OCR) only where it can see it. The original can be far larger than
// that (a 48-megapixel photo decodes to 190 MB of pixels in the worker), so large ones are sent scaled
// down, upright, as PNG; small ones are sent as they are.

/** Longest side sent to the captioner: above Florence-2's 768, so its own resize still has detail to use. */
export const CAPTION_MAX_SIDE = 1024;

export async function pictureForCaption(file: Blob, maxSide = CAPTION_MAX_SIDE): Promise<Blob> {
  const upright = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    const scale = maxSide / Math.max(upright.width, upright.height);
    if (scale >= 1) return file;
    const width = Math.max(1, Math.round(upright.width * scale));
    const height = Math.max(1, Math.round(upright.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('No 2D canvas context to scale the picture for captions');
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(upright, 0, 0, width, height);
    return await canvas.convertToBlob({ type: 'image/png' });
  } finally {
    upright.close();
  }
}
