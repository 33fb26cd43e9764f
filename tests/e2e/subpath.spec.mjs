// The app served by a plain static host from a sub-path, with no relay: routes still work on
// reload and data still persists.
import { test, expect } from './fixtures.mjs';
import { createAccount, createWorkspace } from './app.mjs';

test.use({ serveWith: 'static', basePath: '/team/quota/' });

test('from a sub-path of a static host, routes work on reload', async ({ page, baseURL }) => {
  expect(baseURL).toContain('/team/quota/');
  await createWorkspace(page);
  await expect(page.getByTestId('sync-status')).toContainText(/this device/);
  await createAccount(page, 'Served from a sub-path');
  expect(new URL(page.url()).pathname).toBe('/team/quota/');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Served from a sub-path' })).toBeVisible();
  await page.goto('./#/settings/pipelines');
  await page.reload();
  await expect(page.getByTestId('pipeline-editor')).toBeVisible();
});
