// The user's choice to caption pictures at ingest, kept in the models override Settings saves in this
// browser (src/models/load-config.ts), which is applied over models.json when Trove starts.
import { readModelsOverride, saveModelsOverride } from '../../models/load-config.ts';

/** The saved choice; undefined when the user never chose (models.json decides). */
export function savedCaptionChoice(): boolean | undefined {
  return readModelsOverride()?.captions?.enabled;
}

export function saveCaptionChoice(enabled: boolean): void {
  const override = readModelsOverride() ?? {};
  saveModelsOverride({ ...override, captions: { ...override.captions, enabled } });
}
