// TEST DOUBLE. This is not a language model. WebLLM's weights cannot be downloaded on the test machines,
// so tests that need an answer engine use this scripted stand-in. It implements the same AnswerEngine
// interface as the WebLLM engine and writes a deterministic reply from what the prompt gives it:
// - an answer prompt: the first sentence of each source (at most two) that shares a word with the
//   question, each cited as [n]; "The sources don't say." when none does;
// - a summary prompt: the opening words of each numbered part, cited;
// - a combining prompt: the section summaries joined, their citations kept.
// It streams in 3-character pieces, so citations arrive split across chunks ("[", "2]") as they can
// from a real model, and honours maxTokens, interrupt() and unload().
import {
  AnswerEngineError,
  type AnswerChunk,
  type AnswerEngine,
  type ChatMessage,
  type EngineInfo,
  type GenerateOptions,
  type LoadProgress,
} from '../../src/answer/engine.ts';
import { NOT_IN_SOURCES } from '../../src/answer/prompt.ts';
import { estimateTokens } from '../../src/answer/tokens.ts';

export const SCRIPTED_MODEL = 'scripted test double (not a language model)';

export interface ScriptedEngineOptions {
  contextWindow?: number;
  /** load() fails with this message (stands for an unreachable model host). */
  failLoad?: string;
  /** The stream throws after this many characters (stands for a lost GPU device). */
  failAfterChars?: number;
  /** Pause between chunks, so a test can interrupt mid-stream. */
  chunkDelayMs?: number;
}

export class ScriptedAnswerEngine implements AnswerEngine {
  /** Every conversation the engine was asked to continue, in order. */
  readonly calls: ChatMessage[][] = [];
  loaded = false;
  loads = 0;
  private interrupted = false;

  constructor(private readonly options: ScriptedEngineOptions = {}) {}

  async info(): Promise<EngineInfo> {
    return {
      model: SCRIPTED_MODEL,
      contextWindow: this.options.contextWindow ?? 4096,
      reason: 'test double',
    };
  }

  async load(onProgress?: (p: LoadProgress) => void): Promise<EngineInfo> {
    if (!this.loaded) {
      this.loads++;
      for (const fraction of [0, 0.5, 1]) {
        await Promise.resolve();
        onProgress?.({ fraction, text: `scripted load ${fraction * 100}%` });
      }
      if (this.options.failLoad) throw new AnswerEngineError('load-failed', this.options.failLoad);
      this.loaded = true;
    }
    return this.info();
  }

  async *stream(messages: ChatMessage[], options: GenerateOptions = {}): AsyncIterable<AnswerChunk> {
    await this.load();
    this.calls.push(messages);
    this.interrupted = false;
    const reply = scriptedReply(messages);
    let sent = '';
    for (let i = 0; i < reply.length; i += 3) {
      if (this.options.chunkDelayMs) await new Promise((r) => setTimeout(r, this.options.chunkDelayMs));
      else await Promise.resolve();
      if (this.interrupted) {
        yield { text: '', finishReason: 'abort' };
        return;
      }
      if (this.options.failAfterChars !== undefined && sent.length >= this.options.failAfterChars)
        throw new AnswerEngineError('generation-failed', 'scripted failure: the GPU device was lost');
      const piece = reply.slice(i, i + 3);
      if (options.maxTokens !== undefined && estimateTokens(sent + piece) > options.maxTokens) {
        yield { text: '', finishReason: 'length' };
        return;
      }
      sent += piece;
      yield { text: piece };
    }
    yield { text: '', finishReason: 'stop' };
  }

  interrupt(): void {
    this.interrupted = true;
  }

  async unload(): Promise<void> {
    this.loaded = false;
  }
}

/**
 * The reply writer, self-contained (no imports, no outer names) so that its source text can also run in a
 * page: the e2e double (scripted-chat-engine.ts) sends it with page.addInitScript.
 */
export function makeScriptedReplier(notInSources: string): (messages: ChatMessage[]) => string {
  interface PromptSource {
    n: number;
    label: string;
    body: string;
  }
  const stop = new Set(
    'a an and are as at be by did do does for from had has have how i in is it its of on or so that the this to was were what when where which who why with you your none written say sources tell about things like attachment'.split(
      ' ',
    ),
  );
  const sourcesIn = (text: string): PromptSource[] =>
    [...text.matchAll(/^\[(\d+)\] (.*?)(?:: (.*))?$/gm)].map((m) => ({
      n: Number(m[1]),
      label: m[2]!,
      body: m[3] ?? '',
    }));
  const firstSentence = (text: string): string => {
    const s = /^.*?[.!?](?=\s|$)/.exec(text.replace(/^[“"]|[”"]$/g, ''))?.[0] ?? text;
    return s.replace(/[.!?]$/, '');
  };
  const openingWords = (text: string, n: number): string =>
    text
      .split(/\s+/)
      .slice(0, n)
      .join(' ')
      .replace(/[.,;:!?]+$/, '');
  const contentWords = (text: string): Set<string> =>
    new Set(
      (text.toLowerCase().match(/\p{L}[\p{L}\p{N}'-]*/gu) ?? []).filter((w) => !stop.has(w) && w.length > 2),
    );

  return (messages) => {
    const system = messages.find((m) => m.role === 'system')?.content ?? '';
    const user = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    if (/summarize/i.test(system)) {
      const sections = [...user.matchAll(/^Section \d+: (.*)$/gm)].map((m) => m[1]!);
      if (sections.length) return sections.join(' ');
      const parts = sourcesIn(user);
      return parts.map((p) => `${openingWords(p.body, 6)} [${p.n}].`).join(' ');
    }
    const sources = sourcesIn(user);
    const question = /^Question: (.*)$/m.exec(user)?.[1] ?? '';
    const spoken = [...user.matchAll(/Its speech says: "([^"]*)"/g)].map((m) => m[1]).join(' ');
    const terms = contentWords(`${question} ${spoken}`);
    const matching = terms.size
      ? sources.filter((s) => [...contentWords(`${s.label} ${s.body}`)].some((w) => terms.has(w)))
      : sources.slice(0, 1);
    if (!matching.length) return notInSources;
    return matching
      .slice(0, 2)
      .map((s) => `${firstSentence(s.body)} [${s.n}]`)
      .join(' ');
  };
}

export const scriptedReply: (messages: ChatMessage[]) => string = makeScriptedReplier(NOT_IN_SOURCES);
