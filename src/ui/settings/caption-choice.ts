// The user's choices to caption pictures and to read their text at ingest, kept in the models override
// Settings saves in this browser (src/models/load-config.ts), applied over models.json when Trove starts.
import { readModelsOverride, saveModelsOverride } from '../../models/load-config.ts';

/** The saved choice; undefined when the user never chose (models.json decides). */
export function savedCaptionChoice(): boolean | undefined {
  return readModelsOverride()?.captions?.enabled;
}

export function saveCaptionChoice(enabled: boolean): void {
  const override = readModelsOverride() ?? {};
  saveModelsOverride({ ...override, captions: { ...override.captions, enabled } });
}

/** The saved choice to read text in pictures (OCR); undefined when the user never chose. */
export function savedOcrChoice(): boolean | undefined {
  return readModelsOverride()?.captions?.ocr;
}

export function saveOcrChoice(ocr: boolean): void {
  const override = readModelsOverride() ?? {};
  saveModelsOverride({ ...override, captions: { ...override.captions, ocr } });
}
