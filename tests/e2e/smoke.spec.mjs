// The smallest end-to-end check: the release app loads from a real relay and mounts, and the relay
// is healthy and stops cleanly.
import { test, expect } from './fixtures.mjs';

test('the app loads with the title Quota and mounts without script errors', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('./');
  await expect(page).toHaveTitle('Quota');
  // index.html's body holds only a <noscript>; anything else visible was rendered by the wasm app.
  await expect(page.locator('body > :not(noscript):not(script)').first()).toBeVisible();
  expect(errors).toEqual([]);
});

test('the relay answers its health check', async ({ request, relay }) => {
  const response = await request.get(`${relay.url}/healthz`);
  expect(response.status()).toBe(200);
});

test('the relay stops cleanly when interrupted', async ({ relay }) => {
  expect(await relay.stop()).toEqual({ code: 0, signal: null });
});

test('the benchmark page runs in a fresh browser without creating a workspace', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('./#/bench');
  await expect(page.getByTestId('bench-status')).toHaveText('Done.', { timeout: 60_000 });
  const results = await page.evaluate(() => window.__quotaBench);
  // The sample is generated, stored and opened from its caches; `cargo xtask bench` adds the
  // large workspace's seed beside the app, which a test build does not have.
  expect(results.error).toBeUndefined();
  expect(results.sample_ready).toBeGreaterThan(0);
  expect(Object.keys(results)).toContain('large_skipped');
  // Nothing was left behind: the next visit still welcomes a new user.
  await page.goto('./#/');
  await page.reload();
  await expect(page.getByRole('button', { name: 'Create workspace' })).toBeVisible();
  expect(errors).toEqual([]);
});
