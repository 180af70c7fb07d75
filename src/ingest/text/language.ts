// The language of a passage of text, on the device: franc-min (trigram profiles of the 82 languages with
// 8 million speakers or more; about 100 KB of data, loaded only by the document worker). Short or mixed text
// is "und" (undetermined), and then no language is recorded rather than a guess.
import { franc } from 'franc-min';

/** Below this many characters franc's guesses are unreliable. */
export const MIN_LANGUAGE_CHARS = 40;
/**
 * A chunk's language is judged from its first characters: franc's cost grows with the text (about 7 ms for
 * a whole 1,500-character chunk here, 2 ms for 400), and a few sentences tell a language as well as a page.
 */
export const LANGUAGE_SAMPLE_CHARS = 400;

/** The ISO 639-3 code of the text's language (e.g. "fra", "deu", "eng"), or undefined when unsure. */
export function detectLanguage(text: string): string | undefined {
  if (text.trim().length < MIN_LANGUAGE_CHARS) return undefined;
  const code = franc(text.slice(0, LANGUAGE_SAMPLE_CHARS), { minLength: MIN_LANGUAGE_CHARS });
  return code === 'und' ? undefined : code;
}
