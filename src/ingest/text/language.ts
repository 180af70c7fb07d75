// The language of a passage of text, on the device: franc-min (trigram profiles of the 82 languages with
// 8 million speakers or more; about 100 KB of data, loaded only by the document worker). Short or mixed text
// is "und" (undetermined), and then no language is recorded rather than a guess.
import { franc } from 'franc-min';

/** Below this many characters franc's guesses are unreliable. */
export const MIN_LANGUAGE_CHARS = 40;

/** The ISO 639-3 code of the text's language (e.g. "fra", "deu", "eng"), or undefined when unsure. */
export function detectLanguage(text: string): string | undefined {
  if (text.trim().length < MIN_LANGUAGE_CHARS) return undefined;
  const code = franc(text, { minLength: MIN_LANGUAGE_CHARS });
  return code === 'und' ? undefined : code;
}
