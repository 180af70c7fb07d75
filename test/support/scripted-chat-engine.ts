// TEST DOUBLE. This is not a language model. WebLLM cannot load weights on the test machines, so
// end-to-end tests put this scripted stand-in on the page as `window.__troveTestChatEngine` (the app's test
// seam, src/answer/test-chat-engine.ts). It has the MLCEngine interface the app uses:
// `chat.completions.create({ stream: true, messages })` resolving to an async iterable of OpenAI-style
// chunks, and `interruptGenerate()`. Its reply is scriptedReply() from scripted-answer-engine.ts, run in
// the test process (an exposed function), so it depends on the sources in the prompt: it quotes the first
// sentence of the sources that share a word with the question, each cited as [n], and a summary quotes the
// opening words of each numbered part. It streams the reply in small pieces with a pause between them, so a
// test can see the answer grow.
import type { Page } from '@playwright/test';
import type { ChatMessage } from '../../src/answer/engine.ts';
import { SCRIPTED_MODEL, scriptedReply } from './scripted-answer-engine.ts';

export interface ScriptedChatEngineOptions {
  /** Characters per streamed chunk. */
  chunkChars?: number;
  /** Pause before each chunk. */
  chunkDelayMs?: number;
}

/** Every conversation the double was asked to continue, in order (read by the test). */
export type ScriptedCalls = ChatMessage[][];

/** Puts the double on the page (and on every page load after it) before the app starts. */
export async function installScriptedChatEngine(
  page: Page,
  options: ScriptedChatEngineOptions = {},
): Promise<ScriptedCalls> {
  const calls: ScriptedCalls = [];
  await page.exposeFunction('__troveScriptedReply', (messages: ChatMessage[]) => {
    calls.push(messages);
    return scriptedReply(messages);
  });
  await page.addInitScript(installInPage, {
    model: SCRIPTED_MODEL,
    chunkChars: options.chunkChars ?? 6,
    chunkDelayMs: options.chunkDelayMs ?? 80,
  });
  return calls;
}

/** Runs in the page, before its scripts; self-contained, since Playwright sends it as source text. */
function installInPage(o: { model: string; chunkChars: number; chunkDelayMs: number }) {
  type Chunk = { choices: { delta: { content: string }; finish_reason: string | null }[] };
  const w = window as unknown as Record<string, unknown> & {
    __troveScriptedReply(messages: unknown[]): Promise<string>;
  };
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
          const reply = await w.__troveScriptedReply(request.messages);
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
