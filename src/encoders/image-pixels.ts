// CLIP-style image preprocessing straight from an ImageBitmap: one canvas draw does the resize and the
// centre crop, one pass over the pixels rescales, normalises and lays them out as CHW floats. transformers.js
// does the same work in several JavaScript passes (RGBA to RGB, back to a canvas to resize, crop, rescale,
// normalise), which cost more than the fixture model itself; the ingest benchmark measures the difference.
// Configurations this does not cover (null plan) go through the model's own processor.

export interface PixelPlan {
  /** Resize so the shorter side is this long, or to an exact size. */
  resize: { shortestEdge: number } | { width: number; height: number };
  /** Centre crop to this size after resizing; null keeps the resized image. */
  crop: { width: number; height: number } | null;
  rescale: number;
  mean: [number, number, number];
  std: [number, number, number];
}

type Config = Record<string, unknown>;

/** The plan for an image processor's config (preprocessor_config.json), or null if it needs the processor. */
export function pixelPlan(config: Config): PixelPlan | null {
  const size = config.size as
    { shortest_edge?: number; width?: number; height?: number } | number | undefined;
  const crop = config.crop_size as { width?: number; height?: number } | number | undefined;
  const mean = config.image_mean as number[] | undefined;
  const std = config.image_std as number[] | undefined;
  if (config.do_resize === false || !size) return null;
  // Processors with extra steps (padding, thumbnails, longest-edge caps) keep their own code.
  for (const key of ['do_pad', 'do_thumbnail', 'do_flip_channel_order', 'max_size'])
    if (config[key]) return null;
  let resize: PixelPlan['resize'];
  if (typeof size === 'number') resize = { shortestEdge: size };
  else if (size.shortest_edge && !('longest_edge' in size)) resize = { shortestEdge: size.shortest_edge };
  else if (size.width && size.height) resize = { width: size.width, height: size.height };
  else return null;
  let cropSize: PixelPlan['crop'] = null;
  if (config.do_center_crop) {
    if (typeof crop === 'number') cropSize = { width: crop, height: crop };
    else if (crop?.width && crop.height) cropSize = { width: crop.width, height: crop.height };
    else return null;
  }
  const normalise = config.do_normalize !== false;
  if (normalise && (mean?.length !== 3 || std?.length !== 3)) return null;
  return {
    resize,
    crop: cropSize,
    rescale: config.do_rescale === false ? 1 : Number(config.rescale_factor ?? 1 / 255),
    mean: normalise ? [mean![0]!, mean![1]!, mean![2]!] : [0, 0, 0],
    std: normalise ? [std![0]!, std![1]!, std![2]!] : [1, 1, 1],
  };
}

/** The output size of one image under a plan. */
export function outputSize(
  plan: PixelPlan,
  width: number,
  height: number,
): { width: number; height: number } {
  if (plan.crop) return plan.crop;
  if ('shortestEdge' in plan.resize) {
    const scale = plan.resize.shortestEdge / Math.min(width, height);
    return { width: Math.round(width * scale), height: Math.round(height * scale) };
  }
  return { width: plan.resize.width, height: plan.resize.height };
}

/**
 * `pixel_values` for a batch: [n, 3, H, W] float32, row-major. Every image of a batch must come out the same
 * size (always so with a centre crop). Bitmaps are read, not closed.
 */
export function pixelValues(
  bitmaps: ImageBitmap[],
  plan: PixelPlan,
): { data: Float32Array; height: number; width: number } {
  const first = bitmaps[0];
  if (!first) throw new Error('pixelValues needs at least one image');
  const { width, height } = outputSize(plan, first.width, first.height);
  const area = width * height;
  const data = new Float32Array(bitmaps.length * 3 * area);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('No 2D canvas context for image preprocessing');
  // The canvas's default (bilinear) smoothing, as transformers.js resizes in browsers; ingest has already
  // scaled large photos down with high quality when it decoded them.
  ctx.imageSmoothingEnabled = true;
  const [m0, m1, m2] = plan.mean;
  const [s0, s1, s2] = plan.std;
  const k0 = plan.rescale / s0;
  const k1 = plan.rescale / s1;
  const k2 = plan.rescale / s2;
  bitmaps.forEach((bitmap, n) => {
    const out = outputSize(plan, bitmap.width, bitmap.height);
    if (out.width !== width || out.height !== height)
      throw new Error(
        `Images of one batch must give one size (${width}×${height}, not ${out.width}×${out.height})`,
      );
    let rw: number;
    let rh: number;
    if ('shortestEdge' in plan.resize) {
      const scale = plan.resize.shortestEdge / Math.min(bitmap.width, bitmap.height);
      rw = Math.round(bitmap.width * scale);
      rh = Math.round(bitmap.height * scale);
    } else {
      rw = plan.resize.width;
      rh = plan.resize.height;
    }
    const left = Math.floor((rw - width) / 2);
    const top = Math.floor((rh - height) / 2);
    // Transparent areas read as black, as a processor dropping the alpha channel gives.
    ctx.clearRect(0, 0, width, height);
    ctx.drawImage(bitmap, -left, -top, rw, rh);
    const rgba = ctx.getImageData(0, 0, width, height).data;
    const base = n * 3 * area;
    for (let p = 0, q = 0; p < area; p++, q += 4) {
      data[base + p] = rgba[q]! * k0 - m0 / s0;
      data[base + area + p] = rgba[q + 1]! * k1 - m1 / s1;
      data[base + 2 * area + p] = rgba[q + 2]! * k2 - m2 / s2;
    }
  });
  return { data, height, width };
}
