// Model presets offered in Settings: named choices of encoder models, applied as the models override saved in
// this browser (load-config.ts), so models.json stays the deployment's default. They were chosen from the cost
// table of `npm run bench -- presets` (bench/RESULTS.md) and the published quality and licence of each model;
// README.md → "Model presets" says why each exists. Every model a preset names must be in hub-manifest.json
// with the files it needs, or say here why it is not (test/unit/presets.test.ts checks both).
import type { ModelsOverride, Role, RoleConfig } from './config.ts';

export const presetIds = ['fast', 'balanced', 'multilingual'] as const;
export type PresetId = (typeof presetIds)[number];

/** The encoder roles a preset sets; the others (clap, caption) and the answer model stay as they are. */
export const presetRoles = ['clip', 'text', 'speech'] as const satisfies readonly Role[];
type PresetRole = (typeof presetRoles)[number];

export interface Preset {
  id: PresetId;
  name: string;
  /** One line for Settings. */
  summary: string;
  /**
   * The roles this preset changes from models.json, whole (model, revision, dtype, dim, prefixes). A role not
   * named keeps models.json's setting: "balanced" names none, so it is exactly the deployment's default.
   */
  roles: Partial<Record<PresetRole, RoleConfig>>;
  /** Set when the preset cannot be chosen in this build, with the reason shown beside it. */
  unavailable?: string;
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'fast',
    name: 'Fast',
    summary:
      'English documents and transcripts: a 6-layer text model (all-MiniLM-L6-v2) in place of multilingual-e5-small, for quicker text search and a smaller download. Pictures, sounds and speech as in Balanced.',
    roles: {
      // The recorded listing pins onnx/ at cb3d680 but the root files only at a short hash (48a5a37), so the
      // role stays on main, as clap does in models.json.
      text: {
        model: 'Xenova/all-MiniLM-L6-v2',
        dtype: { webgpu: 'fp16', wasm: 'q8' },
        dim: 384,
        // Trained without instructions: no "query: " / "passage: " as e5 has.
        prefixes: {},
      },
    },
  },
  {
    id: 'balanced',
    name: 'Balanced',
    summary:
      'The default of this deployment (models.json): CLIP ViT-B/32 for pictures, multilingual-e5-small for text, whisper-base for speech.',
    roles: {},
  },
  {
    id: 'multilingual',
    name: 'Multilingual',
    summary:
      'Search pictures in any language: SigLIP 2 (B/16, 256 px) in place of CLIP, whose text side is English only. Slower to add pictures and a larger download.',
    roles: {
      clip: {
        model: 'onnx-community/siglip2-base-patch16-256-ONNX',
        dtype: { webgpu: 'fp16', wasm: 'q8' },
        dim: 768,
      },
    },
    unavailable:
      "Not in this version: Trove's picture encoder reads CLIP's outputs only, and the Hub listing of this model's ONNX files has not been recorded, so its files cannot be checked.",
  },
];

export function presetById(id: PresetId): Preset {
  const p = PRESETS.find((x) => x.id === id);
  if (!p) throw new Error(`no preset "${id}"`);
  return p;
}

/**
 * The saved override with `preset` applied: the preset's roles set whole, every other encoder role's override
 * removed (so models.json decides it), and everything else in the override (captions, answer model, host,
 * other roles) kept.
 */
export function overrideWithPreset(saved: ModelsOverride | null, preset: Preset): ModelsOverride | null {
  const roles: NonNullable<ModelsOverride['roles']> = { ...saved?.roles };
  for (const role of presetRoles) {
    const rc = preset.roles[role];
    if (rc) roles[role] = { ...rc };
    else delete roles[role];
  }
  const next: ModelsOverride = { ...saved, roles };
  if (Object.keys(roles).length === 0) delete next.roles;
  return Object.keys(next).length ? next : null;
}

/** Which preset the saved override selects (by the models it names); 'custom' for any other override. */
export function presetOfOverride(saved: ModelsOverride | null): PresetId | 'custom' {
  const named = (role: PresetRole) => saved?.roles?.[role]?.model;
  for (const p of PRESETS) {
    if (presetRoles.every((role) => named(role) === p.roles[role]?.model)) return p.id;
  }
  return 'custom';
}
