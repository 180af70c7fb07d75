// The other ways in: files dropped anywhere on the page, and a query recorded from the microphone. The
// microphone is Chromium's fake capture device playing a fixture WAV (a real MediaRecorder recording of
// it), so the recorded query must find the same sound in the library.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { correctnessTierArgs, chromiumPath } from '../../scripts/chromium-path.js';
import { watchPage } from './network-guard';
import { media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import { MAX_INGEST_TIME } from '../support/time-budgets.ts';
import { results } from './search-page.ts';

test.use({
  serviceWorkers: 'block',
  permissions: ['microphone'],
  launchOptions: {
    executablePath: chromiumPath() ?? undefined,
    args: [
      ...correctnessTierArgs,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${media('audio/low-hum.wav')}`,
    ],
  },
});

/** Drops files on the page the way a file manager does: dragenter, dragover and drop with a DataTransfer. */
async function dropFiles(page: Page, paths: string[]) {
  const files = paths.map((p) => ({
    name: p.split('/').pop()!,
    base64: readFileSync(media(p)).toString('base64'),
  }));
  const data = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const f of files) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name));
    }
    return dt;
  }, files);
  const main = page.locator('main');
  await main.dispatchEvent('dragenter', { dataTransfer: data });
  await main.dispatchEvent('dragover', { dataTransfer: data });
  await expect(page.getByText('Drop files or folders to add them to your library')).toBeVisible();
  await main.dispatchEvent('drop', { dataTransfer: data });
  await expect(page.getByText('Drop files or folders to add them to your library')).toBeHidden();
}

test('dropped files are added, and a query recorded from the microphone finds the sound it heard', async ({
  page,
  baseURL,
}) => {
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  await serveFixtureModelsConfig(page);
  await page.goto('/');
  await expect(page.getByText('0 items', { exact: true })).toBeVisible();

  await dropFiles(page, ['image/red-square.png', 'audio/low-hum.wav', 'audio/high-beep.wav']);
  await expect(page.getByText('3 items', { exact: true })).toBeVisible({ timeout: MAX_INGEST_TIME });

  const record = page.getByRole('button', { name: 'Record from the microphone' });
  await record.click();
  const stop = page.getByRole('button', { name: /^Stop recording/ });
  await expect(stop).toHaveAttribute('aria-pressed', 'true');
  await page.waitForTimeout(2500);
  await stop.click();
  const chip = page.getByRole('list', { name: 'Attachments' }).getByRole('listitem');
  await expect(chip).toContainText(/recording\.(webm|ogg|m4a)/);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: /results? for recording/ })).toBeVisible({
    timeout: MAX_INGEST_TIME,
  });
  await expect(results(page).first()).toHaveAccessibleName(/^low-hum\.wav, audio at 0:0/);
  await expect(results(page).filter({ hasText: 'high-beep.wav' })).toHaveCount(0);

  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});
