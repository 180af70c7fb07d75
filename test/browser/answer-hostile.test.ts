// An answer whose text is HTML is shown as text. The answer engine here is the scripted test double (no
// model weights exist on this machine); it writes its answer from the sources' first sentences, so a source
// made of markup gives an answer made of markup, as a model echoing a hostile document would. This page has
// no CSP, so a payload rendered as HTML would run and set window.__pwned.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnswerEngine } from '../../src/answer/engine.ts';
import type { ItemResult } from '../../src/search/results.ts';
import { AnswerState } from '../../src/ui/state/answer-state.svelte.ts';
import type { AppState } from '../../src/ui/state/app-state.svelte.ts';
import AnswerHarness from '../support/AnswerHarness.svelte';
import { ScriptedAnswerEngine } from '../support/scripted-answer-engine.ts';

const payload = `Zanzibar harbour <img src=x onerror="window.__pwned='img'"><script>window.__pwned='script'</script> opens at nine`;

function hostileResult(): ItemResult {
  const item = {
    id: 'note',
    name: '<b onmouseover="window.__pwned=1">notes</b>.md',
    folderPath: '',
    kind: 'text' as const,
    mime: 'text/markdown',
    size: 1,
    mtime: 0,
    status: 'ready' as const,
    addedAt: 0,
    updatedAt: 0,
  };
  const best = {
    key: 1,
    segment: {
      id: 'note:0',
      itemId: 'note',
      kind: 'text-chunk' as const,
      spaces: ['text' as const],
      page: 1,
      charStart: 0,
      charEnd: payload.length,
      text: `${payload}. Second sentence.`,
    },
    modality: 'text' as const,
    score: 5,
    range: { kind: 'whole' as const },
    matched: [{ source: 'lexical' as const, raw: 3, z: 5, passed: true }],
  };
  return { item, modality: 'text', score: 5, best, others: [], spaces: ['lexical'] } as unknown as ItemResult;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
  delete (window as { __pwned?: unknown }).__pwned;
});

describe('an answer made of markup', () => {
  it('is streamed into the answer panel as text, with its citation, and nothing in it runs', async () => {
    const answer = new AnswerState(() => undefined);
    const engine: AnswerEngine = new ScriptedAnswerEngine();
    (answer as unknown as { engine: Promise<AnswerEngine | null> }).engine = Promise.resolve(engine);
    const opened: unknown[] = [];
    const app = { answer, openSource: async (s: unknown) => void opened.push(s) } as unknown as AppState;
    const target = document.createElement('div');
    document.body.append(target);
    const panel = mount(AnswerHarness, { target, props: { app } });
    cleanups.push(() => {
      void unmount(panel); // settles at once: no outro was asked for
      target.remove();
    });

    await answer.ask({ text: 'when does the zanzibar harbour open' }, [hostileResult()]);
    flushSync();
    expect(answer.result?.kind).toBe('generated');
    const text = target.querySelector('.answer-text')!;
    // The model's words, markup and all, are the text of the answer, followed by the citation button.
    expect(text.textContent).toContain(
      `<img src=x onerror="window.__pwned='img'"><script>window.__pwned='script'</script>`,
    );
    expect(text.querySelector('img, script, b')).toBeNull();
    const cite = text.querySelector('button.cite') as HTMLButtonElement;
    expect(cite.getAttribute('aria-label')).toContain('<b onmouseover="window.__pwned=1">notes</b>.md');
    cite.click();
    expect(opened).toHaveLength(1);
    // The source list shows the hostile file name as text too.
    expect(target.querySelector('ol.sources')!.textContent).toContain('<b onmouseover');
    expect(target.querySelector('[onerror], [onmouseover]')).toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    expect((window as { __pwned?: unknown }).__pwned).toBeUndefined();
  });
});
