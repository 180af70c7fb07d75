// A language's English name from its code (ISO 639-1 "fr" or 639-3 "fra"), for labels; the code itself
// when the browser does not know it.
const names = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

export function languageName(code: string): string {
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}
