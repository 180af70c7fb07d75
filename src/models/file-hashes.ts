// Optional SHA-256 digests of model files in models.json ("sha256": { "<file>": "<64 hex digits>" }). The
// workers' fetch guard checks each downloaded file that has one, so a changed or substituted file fails
// the load instead of running.

export type FileHashes = Record<string, string>;

const HEX64 = /^[0-9a-f]{64}$/i;

/** Checks a "sha256" map; `fail` throws with the file's name in front (see validateModelsConfig). */
export function validateFileHashes(value: unknown, at: string, fail: (msg: string) => never): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(`${at} must map file names to SHA-256 digests`);
  for (const [file, digest] of Object.entries(value as Record<string, unknown>)) {
    if (!file || file.startsWith('/') || file.split('/').some((part) => part === '..' || part === ''))
      fail(`${at}: ${JSON.stringify(file)} must be a file path inside the model folder`);
    if (typeof digest !== 'string' || !HEX64.test(digest))
      fail(`${at}[${JSON.stringify(file)}] must be a SHA-256 digest (64 hex digits)`);
  }
}

/** The digests keyed by absolute URL, lowercased, as the fetch guard looks them up. */
export function hashesByUrl(hashes: FileHashes | undefined, base: string): FileHashes {
  const out: FileHashes = {};
  for (const [file, digest] of Object.entries(hashes ?? {}))
    out[new URL(file, base).href] = digest.toLowerCase();
  return out;
}
