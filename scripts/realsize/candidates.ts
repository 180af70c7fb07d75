// The models measured against today's defaults for the presets (issue 20, part 4), with what is published
// about their quality and licence. `npm run realsize:models -- --presets` writes random-weight copies of the
// real architecture and size to .cache/realsize-presets/; `npm run bench -- presets` times them beside the
// defaults. A candidate a preset may use needs a Hub repo transformers.js 4.3.1 loads and a licence that
// allows a product.
import type { Role } from '../../src/models/config.ts';

export interface QualityFigure {
  /** What was measured, e.g. "ImageNet zero-shot top-1". */
  metric: string;
  value: string;
  source: string;
}

export interface Candidate {
  /** The folder under the world's root and, where it exists, the Hub repo transformers.js loads. */
  model: string;
  role: Role;
  label: string;
  /** Which transformers.js classes load it (the bench's model-only worker picks them by this). */
  family: 'clip' | 'siglip' | 'bert' | 'whisper' | 'moonshine';
  /** Side of the square the image tower takes. */
  imageSize?: number;
  /** Text the model expects before a query (bge: an instruction). */
  queryPrefix?: string;
  licence: { name: string; product: boolean; source: string };
  /** Whether transformers.js 4.3.1 loads the Hub repo, and how; or why not. */
  loads: string;
  quality: QualityFigure[];
  /** The default this candidate is compared with (same role), or null for a default itself. */
  against: string | null;
  /** Why the generated copy's cost may differ from the real one. */
  caveat?: string;
}

const CLIP_PAPER = 'https://github.com/openai/CLIP/issues/24';
const MOBILECLIP_CARD =
  'https://huggingface.co/apple/MobileCLIP-S2-OpenCLIP/blob/1592e814b733ca152cb5fdfa36cd396f6fc3a2d3/README.md';
const AMLR =
  'https://huggingface.co/apple/MobileCLIP-S0/discussions/2 (Apple relicensed the MobileCLIP weights to apple-amlr: "for the sole purpose of scientific research", https://huggingface.co/apple/MobileCLIP2-S3/commit/7793fd3dc61d30c444fcfbf99f758e86974e8556)';
const SIGLIP2 =
  'https://gr.tbb.rip/models/google/siglip2-base-patch16-256 (quoting the SigLIP 2 paper, arXiv 2502.14786, Table 1)';

export const DEFAULTS: Candidate[] = [
  {
    model: 'Xenova/clip-vit-base-patch32',
    role: 'clip',
    label: 'CLIP ViT-B/32 (default)',
    family: 'clip',
    imageSize: 224,
    licence: { name: 'MIT', product: true, source: 'https://github.com/openai/CLIP/blob/main/LICENSE' },
    loads: 'yes: CLIPTextModelWithProjection / CLIPVisionModelWithProjection',
    quality: [{ metric: 'ImageNet zero-shot top-1', value: '63.2 %', source: CLIP_PAPER }],
    against: null,
  },
  {
    model: 'Xenova/multilingual-e5-small',
    role: 'text',
    label: 'multilingual-e5-small (default)',
    family: 'bert',
    queryPrefix: 'query: ',
    licence: { name: 'MIT', product: true, source: 'https://huggingface.co/intfloat/multilingual-e5-small' },
    loads: 'yes: feature-extraction (mean pooling)',
    quality: [],
    against: null,
  },
  {
    model: 'Xenova/whisper-base',
    role: 'speech',
    label: 'whisper-base (default)',
    family: 'whisper',
    licence: { name: 'Apache-2.0', product: true, source: 'https://huggingface.co/openai/whisper-base' },
    loads: 'yes: automatic-speech-recognition, with timestamps',
    quality: [],
    against: null,
  },
];

export const CANDIDATES: Candidate[] = [
  {
    model: 'Xenova/mobileclip_s0',
    role: 'clip',
    label: 'MobileCLIP-S0',
    family: 'clip',
    imageSize: 256,
    licence: { name: 'apple-amlr (research only)', product: false, source: AMLR },
    loads: 'yes: the CLIP classes (config.json is {"model_type": "clip"})',
    quality: [{ metric: 'ImageNet zero-shot top-1', value: '67.8 %', source: MOBILECLIP_CARD }],
    against: 'Xenova/clip-vit-base-patch32',
    caveat:
      "built with S2's 12-layer text tower (63M parameters); S0's own MCt text tower (42M) is not in open_clip 3.3 or timm",
  },
  {
    model: 'Xenova/mobileclip_s2',
    role: 'clip',
    label: 'MobileCLIP-S2',
    family: 'clip',
    imageSize: 256,
    licence: { name: 'apple-amlr (research only)', product: false, source: AMLR },
    loads: 'yes: the CLIP classes',
    quality: [{ metric: 'ImageNet zero-shot top-1', value: '74.4 %', source: MOBILECLIP_CARD }],
    against: 'Xenova/clip-vit-base-patch32',
  },
  {
    model: 'onnx-community/siglip2-base-patch16-256-ONNX',
    role: 'clip',
    label: 'SigLIP 2 B/16-256',
    family: 'siglip',
    imageSize: 256,
    licence: {
      name: 'Apache-2.0',
      product: true,
      source: 'https://huggingface.co/google/siglip2-base-patch16-256',
    },
    loads:
      'yes: SiglipTextModel / SiglipVisionModel (pooler_output; text padded to 64 tokens); the app needs a SigLIP path in its clip role',
    quality: [
      { metric: 'ImageNet zero-shot top-1', value: '79.1 %', source: SIGLIP2 },
      { metric: 'COCO text→image R@1', value: '53.2', source: SIGLIP2 },
    ],
    against: 'Xenova/clip-vit-base-patch32',
    caveat: "Unigram tokenizer of Gemma's 256k size in place of Gemma's byte-fallback BPE",
  },
  {
    model: 'realsize/siglip2-base-patch32-256',
    role: 'clip',
    label: 'SigLIP 2 B/32-256',
    family: 'siglip',
    imageSize: 256,
    licence: {
      name: 'Apache-2.0',
      product: true,
      source: 'https://huggingface.co/google/siglip2-base-patch32-256',
    },
    loads: 'no Hub repo in transformers.js layout was found (no ONNX export): cost reference only',
    quality: [],
    against: 'Xenova/clip-vit-base-patch32',
  },
  {
    model: 'onnx-community/moonshine-base-ONNX',
    role: 'speech',
    label: 'moonshine-base (English)',
    family: 'moonshine',
    licence: {
      name: 'MIT',
      product: true,
      source: 'https://huggingface.co/onnx-community/moonshine-base-ONNX/discussions',
    },
    loads:
      'yes: MoonshineForConditionalGeneration through automatic-speech-recognition, but text only (no timestamps), which the app needs for transcript segments',
    quality: [
      {
        metric: 'WER, English (Open ASR sets, average)',
        value: '10.07 %',
        source: 'https://mintlify.wiki/moonshine-ai/moonshine/concepts/models (quoting the Moonshine README)',
      },
    ],
    against: 'Xenova/whisper-base',
    caveat:
      'random weights rarely end a transcript, so it decodes to the pipeline cap of 6 tokens/s (real speech: about 3-4): an upper bound',
  },
  {
    model: 'Xenova/all-MiniLM-L6-v2',
    role: 'text',
    label: 'all-MiniLM-L6-v2 (English)',
    family: 'bert',
    licence: {
      name: 'Apache-2.0',
      product: true,
      source:
        'https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/blob/97ef89b0452be49b401bb722c776152b035909e7/README.md',
    },
    loads: 'yes: feature-extraction, mean pooling, no prefixes (as the app embeds text today)',
    quality: [
      {
        metric: 'MTEB (English), per task',
        value: 'model-index in the card',
        source:
          'https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/blob/97ef89b0452be49b401bb722c776152b035909e7/README.md',
      },
    ],
    against: 'Xenova/multilingual-e5-small',
  },
  {
    model: 'Xenova/bge-small-en-v1.5',
    role: 'text',
    label: 'bge-small-en-v1.5 (English)',
    family: 'bert',
    queryPrefix: 'Represent this sentence for searching relevant passages: ',
    licence: { name: 'MIT', product: true, source: 'https://huggingface.co/BAAI/bge-small-en-v1.5' },
    loads:
      'yes: feature-extraction; but it is trained for [CLS] pooling, which the app does not do (mean only)',
    quality: [],
    against: 'Xenova/multilingual-e5-small',
  },
];

/** Every model the presets world holds, by id. */
export function candidate(model: string): Candidate | undefined {
  return [...DEFAULTS, ...CANDIDATES].find((c) => c.model === model);
}
