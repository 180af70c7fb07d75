// Export and import of the whole library as one versioned file (format.ts describes the file).
export { BackupError, type BackupErrorCode } from './errors.ts';
export {
  exportFileName,
  exportLibrary,
  exportLibraryBlob,
  type ExportOptions,
  type ExportPlan,
} from './export-library.ts';
export { importLibrary, type ImportOptions, type ImportReport } from './import-library.ts';
