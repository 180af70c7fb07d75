// TEST DOUBLE. This is not a language model. WebLLM cannot load weights on the test machines, so
// end-to-end tests put this scripted stand-in on the page as `window.__troveTestChatEngine` (the app's test
// seam, src/answer/test-chat-engine.ts). It has the MLCEngine interface the app uses:
// `chat.completions.create({ stream: true, messages })` resolving to an async iterable of OpenAI-style
// chunks, and `interruptGenerate()`. Its reply is the scripted reply of scripted-answer-engine.ts, run in
// the page, so it depends on the sources in the prompt: it quotes the first sentence of the sources that
// share a word with the question, each cited as [n], and a summary quotes the opening words of each
// numbered part. It streams the reply in small pieces with a pause between them, so a test can see the
// answer grow. Every conversation it is given is kept on the page, for scriptedCalls().
import type { Page } from '@playwright/test';
import type { ChatMessage } from '../../src/answer/engine.ts';
import { NOT_IN_SOURCES } from '../../src/answer/prompt.ts';
import { makeScriptedReplier, SCRIPTED_MODEL } from './scripted-answer-engine.ts';

export interface ScriptedChatEngineOptions {
  /** Characters per streamed chunk. */
  chunkChars?: number;
  /** Pause before each chunk. */
  chunkDelayMs?: number;
}

/** Puts the double on the page (and on every page load after it) before the app starts. */
export async function installScriptedChatEngine(page: Page, options: ScriptedChatEngineOptions = {}) {
  // The reply writer goes as source text: init scripts cannot close over the test's functions.
  await page.addInitScript({
    content: `window.__troveScriptedReply = (${makeScriptedReplier.toString()})(${JSON.stringify(NOT_IN_SOURCES)});`,
  });
  await page.addInitScript(installInPage, {
    model: SCRIPTED_MODEL,
    chunkChars: options.chunkChars ?? 6,
    chunkDelayMs: options.chunkDelayMs ?? 80,
  });
}

/** Every conversation the double was asked to continue on this page load, in order. */
export function scriptedCalls(page: Page): Promise<ChatMessage[][]> {
  return page.evaluate(
    () => (window as unknown as { __troveScriptedCalls?: ChatMessage[][] }).__troveScriptedCalls ?? [],
  );
}

/** Runs in the page, before its scripts; self-contained, since Playwright sends it as source text. */
function installInPage(o: { model: string; chunkChars: number; chunkDelayMs: number }) {
  type Chunk = { choices: { delta: { content: string }; finish_reason: string | null }[] };
  const w = window as unknown as Record<string, unknown> & {
    __troveScriptedReply(messages: unknown[]): string;
    __troveScriptedCalls: unknown[][];
  };
  w.__troveScriptedCalls = [];
  let interrupted = false;
  const chunk = (content: string, finish: string | null): Chunk => ({
    choices: [{ delta: { content }, finish_reason: finish }],
  });
  w.__troveTestChatEngine = {
    model: o.model,
    contextWindow: 4096,
    chat: {
      completions: {
        async create(request: { messages: unknown[]; stream: boolean }) {
          if (!request.stream) throw new Error('the scripted double only streams');
          interrupted = false;
          w.__troveScriptedCalls.push(request.messages);
          const reply = w.__troveScriptedReply(request.messages);
          return (async function* () {
            for (let i = 0; i < reply.length; i += o.chunkChars) {
              await new Promise((r) => setTimeout(r, o.chunkDelayMs));
              if (interrupted) {
                yield chunk('', 'abort');
                return;
              }
              yield chunk(reply.slice(i, i + o.chunkChars), null);
            }
            yield chunk('', 'stop');
          })();
        },
      },
    },
    interruptGenerate() {
      interrupted = true;
    },
  };
}
