// The installed app with no network: after the first visit it reloads from its service worker,
// edits made offline are kept, and they reach the team once the network is back.
import { expect } from './fixtures.mjs';
import {
  createAccount,
  createWorkspace,
  editAccount,
  expectAccountFacts,
  expectAccounts,
  inviteLink,
  joinWorkspace,
  syncedWithRelay,
  withDevices as test,
} from './app.mjs';

test('the app reloads with no network, keeps an edit made offline, and syncs it once back online', async ({ page, context, newDevice }) => {
  await createWorkspace(page);
  await createAccount(page, 'Globex', { city: 'Lyon' });
  const link = await inviteLink(page);
  await syncedWithRelay(page);
  // The service worker has cached the app once it controls the page.
  await expect.poll(() => page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    return navigator.serviceWorker.controller !== null;
  })).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('app-ready')).toBeVisible();
  await expect(page.getByTestId('sync-status')).toContainText('Offline');
  await editAccount(page, 'Globex', { city: 'Changed offline' });
  await createAccount(page, 'Created offline');
  await page.reload();
  await expect(page.getByTestId('app-ready')).toBeVisible();
  await expectAccounts(page, ['Created offline', 'Globex']);
  await expectAccountFacts(page, 'Globex', ['Changed offline']);

  await context.setOffline(false);
  await expect(page.getByTestId('sync-status')).not.toContainText('Offline');
  await expectAccountFacts(page, 'Globex', ['Changed offline']);
  await syncedWithRelay(page, 20_000);
  const other = await newDevice();
  await joinWorkspace(other, link, 'Bea Costa');
  await expectAccounts(other, ['Created offline', 'Globex']);
  await expectAccountFacts(other, 'Globex', ['Changed offline']);
});
