// "Ask" with an answer engine that writes: WebLLM cannot load weights here, so the page gets a TEST DOUBLE
// (test/support/scripted-chat-engine.ts, not a language model) through the app's test seam. It has the
// chat-completions streaming interface of WebLLM's engine and goes through the same adapter; search, the
// numbered sources, the prompt, citation parsing and rendering are the app's own. The answer streams into
// "Answer", and citation [1] opens the cited moment of a recording in the viewer.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { watchPage } from './network-guard';
import { media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import { installScriptedChatEngine, scriptedCalls } from '../support/scripted-chat-engine';
import { recordAnswerGrowth } from '../support/answer-growth';
import { MAX_ANSWER_TIME, MAX_INGEST_TIME } from '../support/time-budgets.ts';
import { searchBox } from './search-page.ts';

test.use({ serviceWorkers: 'block' });

interface Spoken {
  start: number;
  end: number;
  text: string;
}
const podcastTimeline = (
  JSON.parse(readFileSync(media('MANIFEST.json'), 'utf8')) as {
    files: { path: string; facts: { timeline?: Spoken[] } }[];
  }
).files.find((f) => f.path === 'audio/podcast-kite.wav')!.facts.timeline!;
const kiteSentence = podcastTimeline.find((s) => s.text.includes('kite'))!;

test('the answer streams into "Answer", and citation [1] opens the cited moment of the recording', async ({
  page,
  baseURL,
}, info) => {
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  await installScriptedChatEngine(page);
  await serveFixtureModelsConfig(page);
  await page.goto('/');
  await expect(page.getByText('0 items', { exact: true })).toBeVisible();
  // The podcast says two sentences (the plumber, then the kite); the rest is background for search.
  const files = [
    'audio/podcast-kite.wav',
    'text/plumbing-notes.md',
    'audio/low-hum.wav',
    'image/red-square.png',
  ];
  await page.getByLabel('Add files').setInputFiles(files.map(media));
  await expect(page.getByText(`${files.length} items`, { exact: true })).toBeVisible({
    timeout: MAX_INGEST_TIME,
  });
  await expect(page.getByRole('heading', { name: 'Adding files' })).toBeHidden({ timeout: MAX_INGEST_TIME });

  const growth = await recordAnswerGrowth(page);
  await searchBox(page).fill('what was the kite flying over');
  await page.getByRole('button', { name: 'Ask' }).click();
  const answer = page.getByRole('region', { name: 'Answer' });
  const sources = answer.getByRole('list', { name: 'Sources' });
  await expect(sources.getByRole('listitem').first()).toContainText('podcast-kite.wav', {
    timeout: MAX_INGEST_TIME,
  });
  await expect(answer.getByRole('button', { name: 'New conversation' })).toBeVisible({
    timeout: MAX_ANSWER_TIME,
  });

  // A written answer: no notice, no "extractive" label; it quotes the cited sentence and cites [1].
  await expect(answer.getByRole('status')).toHaveCount(0);
  await expect(answer).not.toContainText('Extractive answer');
  const text = answer.locator('.answer-text');
  await expect(text).toContainText('A red kite was flying over the field');
  // The double answered the app's prompt, which numbered the podcast's moment as source 1.
  const calls = await scriptedCalls(page);
  expect(calls).toHaveLength(1);
  expect(calls[0]!.find((m) => m.role === 'user')!.content).toMatch(/^\[1\] podcast-kite\.wav \[/m);

  // It streamed: the text grew several times while the answer was still being written.
  const steps = await growth();
  const final = (await text.textContent())!.length;
  const whileBusy = steps.filter((s) => s.busy && s.length < final);
  expect(whileBusy.length, JSON.stringify(steps)).toBeGreaterThanOrEqual(3);
  expect(steps.at(-1)!.length).toBe(final);

  await page.screenshot({ path: info.outputPath('streamed-answer.png') });
  await info.attach('streamed answer', {
    path: info.outputPath('streamed-answer.png'),
    contentType: 'image/png',
  });

  const citation = text.getByRole('button', { name: /^Source 1: podcast-kite\.wav/ });
  await expect(citation).toHaveText('1');
  await citation.click();
  const viewer = page.getByRole('dialog', { name: 'podcast-kite.wav' });
  await expect(viewer).toBeVisible();
  const player = viewer.locator('audio');
  // Opened at the kite sentence (the transcript span's start, within Whisper's timing), not at 0.
  await expect
    .poll(() => player.evaluate((a: HTMLAudioElement) => (a.readyState >= 1 ? a.currentTime : -1)), {
      timeout: 15_000,
    })
    .toBeGreaterThan(kiteSentence.start - 0.5);
  const at = await player.evaluate((a: HTMLAudioElement) => {
    a.pause();
    return a.currentTime;
  });
  expect(at).toBeLessThan(kiteSentence.end);
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();

  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});
