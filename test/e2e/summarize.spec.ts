// "Summarize" in the viewer: a recording's transcript goes through the page's answer engine, and the
// summary appears as text with citations of its moments. With an engine that writes (a TEST DOUBLE, not a
// language model: test/support/scripted-chat-engine.ts, through the app's test seam and the same
// chat-completions adapter as WebLLM) the summary is the engine's; with the real WebLLM engine and no
// reachable model host, the viewer says why and quotes the transcript instead, labelled as such.
import { expect, test, type Page } from '@playwright/test';
import { watchPage } from './network-guard';
import { media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import { installScriptedChatEngine, scriptedCalls } from '../support/scripted-chat-engine';
import { MAX_ANSWER_TIME, MAX_INGEST_TIME } from '../support/time-budgets.ts';

test.use({ serviceWorkers: 'block' });

async function openPodcast(page: Page) {
  await page.goto('/');
  await expect(page.getByText('0 items', { exact: true })).toBeVisible();
  await page.getByLabel('Add files').setInputFiles(media('audio/podcast-kite.wav'));
  await expect(page.getByText('1 item', { exact: true })).toBeVisible({ timeout: MAX_INGEST_TIME });
  await expect(page.getByRole('heading', { name: 'Adding files' })).toBeHidden({ timeout: MAX_INGEST_TIME });
  await page.getByRole('button', { name: 'Open podcast-kite.wav' }).click();
  const viewer = page.getByRole('dialog', { name: 'podcast-kite.wav' });
  await expect(viewer).toBeVisible();
  return viewer;
}

test('Summarize a recording: its transcript, summarized by the answer engine, with cited moments', async ({
  page,
  baseURL,
}) => {
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  await installScriptedChatEngine(page);
  await serveFixtureModelsConfig(page);
  const viewer = await openPodcast(page);

  const summary = viewer.getByRole('region', { name: 'Summary' });
  await summary.getByRole('button', { name: 'Summarize' }).click();
  await expect(summary.getByRole('button', { name: 'Summarize again' })).toBeVisible({
    timeout: MAX_ANSWER_TIME,
  });

  // The engine was asked to summarize the item's two spoken sentences, numbered in time order.
  const calls = await scriptedCalls(page);
  expect(calls).toHaveLength(1);
  const prompt = calls[0]!.find((m) => m.role === 'user')!.content;
  expect(prompt).toMatch(/^\[1\] podcast-kite\.wav \[0:0\d–0:0\d\], transcript: .*plumber said the valve/m);
  expect(prompt).toMatch(/^\[2\] podcast-kite\.wav \[0:0\d–0:0\d\], transcript: .*red kite was flying/m);
  // Its summary is shown as written, as text with its citations as buttons; no fallback, no notice.
  const text = summary.locator('.summary-text');
  await expect(text).toContainText('The plumber said the valve under');
  await expect(text).toContainText('A red kite was flying over');
  await expect(summary.getByRole('status')).toHaveCount(0);
  await expect(summary).not.toContainText('Extractive');
  await expect(text.getByRole('button', { name: /^Source 2: podcast-kite\.wav/ })).toHaveText('2');

  // A citation opens that moment of the recording.
  await text.getByRole('button', { name: /^Source 2: / }).click();
  await expect
    .poll(() =>
      viewer.locator('audio').evaluate((a: HTMLAudioElement) => (a.readyState >= 1 ? a.currentTime : -1)),
    )
    .toBeGreaterThan(5.5);

  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});

test('Summarize with the real engine and no reachable model host: says why, and quotes the transcript', async ({
  page,
  baseURL,
}) => {
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  // No double: the answer model's host is the fixture host, which has no weights (fixture-world.ts).
  await serveFixtureModelsConfig(page);
  const viewer = await openPodcast(page);

  const summary = viewer.getByRole('region', { name: 'Summary' });
  await summary.getByRole('button', { name: 'Summarize' }).click();
  await expect(summary.getByRole('button', { name: 'Summarize again' })).toBeVisible({
    timeout: MAX_ANSWER_TIME,
  });
  await expect(summary.getByRole('status').first()).toContainText(
    /Could not load the answer model|no WebGPU/,
  );
  await expect(summary).toContainText('Extractive answer: the most relevant passages, quoted.');
  const text = summary.locator('.summary-text');
  await expect(text).toContainText('valve');
  await expect(text).toContainText('kite');
  await expect(text.getByRole('button', { name: /^Source 1: podcast-kite\.wav/ })).toBeVisible();

  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});
