// Model settings saved in this browser (localStorage trove.models-override) can never lock the app out: an
// invalid part is dropped at start with a notice, and when the start fails anyway, the failure offers
// "Reset model settings".
import { expect, test, type Page } from '@playwright/test';
import { fixtureWorldConfig, serveFixtureModelsConfig } from './fixture-world';
import { MAX_PAGE_LOAD_TIME } from '../support/time-budgets.ts';

test.use({ serviceWorkers: 'block' });

const KEY = 'trove.models-override';
const stored = (page: Page) => page.evaluate((key) => localStorage.getItem(key), KEY);

test('invalid parts of the saved model settings are dropped with a notice; the valid part is kept', async ({
  page,
}) => {
  await serveFixtureModelsConfig(page);
  await page.goto('/');
  const override = {
    roles: { clip: { dtype: { wasm: 'q8f16' } }, text: { prefixes: { query: 'find: ' } } },
    llm: { host: 'http://models.example/', models: ['Qwen2.5-0.5B-Instruct'] },
    theme: 'dark',
  };
  await page.evaluate(({ key, value }) => localStorage.setItem(key, value), {
    key: KEY,
    value: JSON.stringify(override),
  });
  await page.reload();
  await expect(page.getByText(/^0 items$/)).toBeVisible({ timeout: MAX_PAGE_LOAD_TIME });
  await expect(page.getByRole('alert')).toHaveCount(0);
  const notice = page.getByRole('status').filter({ hasText: 'model settings' });
  await expect(notice).toHaveText(
    new RegExp(
      'Some model settings saved in this browser were invalid and were removed: ' +
        '"theme" is not a model setting; roles\\.clip\\.dtype\\.wasm must be one of .*\\(got "q8f16"\\); ' +
        'llm\\.host uses http:, which anyone on the network can tamper with',
    ),
  );
  expect(JSON.parse((await stored(page))!)).toEqual({ roles: { text: { prefixes: { query: 'find: ' } } } });

  // Cleaned once: the next start has nothing to say.
  await page.reload();
  await expect(page.getByText(/^0 items$/)).toBeVisible({ timeout: MAX_PAGE_LOAD_TIME });
  await expect(page.getByRole('status').filter({ hasText: 'model settings' })).toHaveCount(0);
});

test('a start that fails with model settings saved offers "Reset model settings", which clears them', async ({
  page,
}) => {
  // The first start fails (the model configuration cannot be read); the next, after the reset, succeeds.
  let failing = true;
  await page.route('**/models.json', (route) =>
    failing ? route.fulfill({ status: 503, body: 'down' }) : route.fulfill({ json: fixtureWorldConfig() }),
  );
  await page.goto('/');
  await page.evaluate(
    (key) => localStorage.setItem(key, JSON.stringify({ captions: { enabled: true } })),
    KEY,
  );
  await page.reload();
  const failure = page.getByRole('alert');
  await expect(failure).toContainText('Trove could not start.', { timeout: MAX_PAGE_LOAD_TIME });
  await expect(failure).toContainText('answered 503');

  failing = false;
  await failure.getByRole('button', { name: 'Reset model settings' }).click();
  await expect(page.getByText(/^0 items$/)).toBeVisible({ timeout: MAX_PAGE_LOAD_TIME });
  expect(await stored(page)).toBeNull();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('a failed start without saved model settings has nothing to reset', async ({ page }) => {
  await page.route('**/models.json', (route) => route.fulfill({ status: 503, body: 'down' }));
  await page.goto('/');
  await expect(page.getByRole('alert')).toContainText('Trove could not start.', {
    timeout: MAX_PAGE_LOAD_TIME,
  });
  await expect(page.getByRole('button', { name: 'Reset model settings' })).toHaveCount(0);
});
