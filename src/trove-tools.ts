// What the UI uses of the other modules besides the open Trove: the browser's storage, the model cache,
// reading a file for the viewer or for a query. Re-exported here so that the UI depends on the facade alone
// (README.md → Architecture); each comes from the module that owns it.
export { requestPersistence, roomFor, storageReport } from './library/storage.ts';
export { isIgnoredName } from './library/folders.ts';
export { openOriginal } from './library/originals.ts';
export { deleteCachedModel, listCachedModels, type CachedModel } from './encoders/model-cache.ts';
export type { RuntimeInfo } from './encoders/protocol.ts';
export type { QueryRole } from './encoders/encoders.ts';
export { decodeAudioFile, MAX_WHOLE_AUDIO_BYTES } from './ingest/audio/decode-audio.ts';
export { checkPixelLimits } from './ingest/image/pixel-limit.ts';
export { documentReader } from './ingest/text/document-reader.ts';
export type { TextPage } from './ingest/chunk-text.ts';
