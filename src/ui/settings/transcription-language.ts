// The language speech is transcribed in, chosen in Settings and kept in this browser: 'auto' lets Whisper
// detect it per recording (encoders/roles/whisper-transcribe.ts), a code fixes it. Either way it is
// recorded on every transcript span. Read when Trove starts; the speech worker is made with it.

const KEY = 'trove.transcription-language';

/** Whisper's languages most people will want, by ISO 639-1 code (Whisper knows 99). */
export const transcriptionLanguages = [
  'en',
  'fr',
  'de',
  'es',
  'it',
  'pt',
  'nl',
  'pl',
  'sv',
  'tr',
  'ru',
  'uk',
  'ar',
  'hi',
  'zh',
  'ja',
  'ko',
] as const;

export function savedTranscriptionLanguage(): string {
  try {
    const value = localStorage.getItem(KEY);
    return value && (transcriptionLanguages as readonly string[]).includes(value) ? value : 'auto';
  } catch {
    return 'auto';
  }
}

export function saveTranscriptionLanguage(language: string): void {
  if (language === 'auto') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, language);
}
