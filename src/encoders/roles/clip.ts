import {
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  RawImage,
  Tensor,
} from '@huggingface/transformers';
import { normalisedRows } from '../vectors';
import { outputSize, pixelPlan, pixelValues, type PixelPlan } from '../image-pixels';
import { twoTowers } from './two-towers';
import { disposeAll, type RoleEncoder, type RoleLoadOptions } from './types';

export function loadClip(o: RoleLoadOptions): RoleEncoder {
  const towers = twoTowers(o, CLIPTextModelWithProjection, CLIPVisionModelWithProjection);
  const { processor, textModel, mediaModel: visionModel } = towers;

  return {
    embedTexts: towers.embedTexts,
    async embedImages(images) {
      const [proc, model] = await Promise.all([processor(), visionModel()]);
      const config = (proc as unknown as { image_processor?: { config?: Record<string, unknown> } })
        .image_processor?.config;
      const plan = config ? pixelPlan(config) : null;
      // Ingest hands over decoded bitmaps; queries may bring files. Both take the same path, so a query
      // image and a stored one are preprocessed alike.
      const bitmaps = await Promise.all(
        images.map((i) => (i instanceof Blob ? createImageBitmap(i, { imageOrientation: 'from-image' }) : i)),
      );
      try {
        if (!plan) {
          const raw = bitmaps.map((b) => rawImage(b));
          const { image_embeds } = await model(await proc(raw));
          return normalisedRows(image_embeds.data, images.length, image_embeds.dims.at(-1));
        }
        const out: Float32Array[] = new Array(bitmaps.length);
        for (const group of sameSize(bitmaps, plan)) {
          const { data, height, width } = pixelValues(
            group.map((g) => g.bitmap),
            plan,
          );
          const pixel_values = new Tensor('float32', data, [group.length, 3, height, width]);
          const { image_embeds } = await model({ pixel_values });
          const rows = normalisedRows(image_embeds.data, group.length, image_embeds.dims.at(-1));
          group.forEach((g, i) => (out[g.index] = rows[i]!));
        }
        return out;
      } finally {
        for (const b of bitmaps) b.close();
      }
    },
    dispose: () => disposeAll([textModel, visionModel]),
  };
}

/** Batches of images that preprocess to the same size (all of them, with a centre crop). */
function sameSize(bitmaps: ImageBitmap[], plan: PixelPlan): { bitmap: ImageBitmap; index: number }[][] {
  const groups = new Map<string, { bitmap: ImageBitmap; index: number }[]>();
  bitmaps.forEach((bitmap, index) => {
    const { width, height } = outputSize(plan, bitmap.width, bitmap.height);
    const key = `${width}x${height}`;
    groups.set(key, [...(groups.get(key) ?? []), { bitmap, index }]);
  });
  return [...groups.values()];
}

function rawImage(bitmap: ImageBitmap): RawImage {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  return new RawImage(
    ctx.getImageData(0, 0, bitmap.width, bitmap.height).data,
    bitmap.width,
    bitmap.height,
    4,
  );
}
