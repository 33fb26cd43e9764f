// Sync between devices and tabs: through the relay, peer to peer over WebRTC, and between tabs
// over BroadcastChannel; edits made apart converge with none lost, the relay can die and come
// back, and a wrong credential is refused with a message the user can act on.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from './fixtures.mjs';
import {
  createAccount,
  createWorkspace,
  editAccount,
  expectAccountFacts,
  expectAccounts,
  inviteLink,
  joinWorkspace,
  openAccount,
  openSyncSettings,
  syncedWithRelay,
  withDevices as test,
  workOffline,
} from './app.mjs';

const PHONE = '+33 1 23 45 67 89';

/** Device A creates a workspace with an account and device B joins it from A's invitation. */
async function twoDevices(a, newDevice) {
  await createWorkspace(a);
  await createAccount(a, 'Globex', { city: 'Lyon' });
  const link = await inviteLink(a);
  const b = await newDevice();
  await joinWorkspace(b, link, 'Bea Costa');
  await expectAccounts(b, ['Globex']);
  return { b, link };
}

/** Each device adds an account and changes a different field of Globex. */
async function editApart(a, b, label) {
  await createAccount(a, `${label} on A`);
  await editAccount(a, 'Globex', { city: 'Paris' });
  await createAccount(b, `${label} on B`);
  await editAccount(b, 'Globex', { phone: PHONE });
}

/** Both devices end with both accounts and both changes to Globex. */
async function expectConverged(devices, label, timeout = 15_000) {
  for (const device of devices) {
    await expectAccounts(device, ['Globex', `${label} on A`, `${label} on B`], timeout);
    await expectAccountFacts(device, 'Globex', ['Paris', PHONE], timeout);
  }
}

test('two devices join through an invitation, edit offline, and both end with every edit', async ({ page: a, newDevice }) => {
  const { b } = await twoDevices(a, newDevice);
  for (const device of [a, b]) {
    await syncedWithRelay(device);
    await workOffline(device, true);
    await device.context().setOffline(true);
    await expect(device.getByTestId('sync-status')).toContainText('Offline');
  }
  await editApart(a, b, 'Written offline');
  // Apart, each device has only its own edits.
  await expectAccounts(a, ['Globex', 'Written offline on A']);
  await expectAccountFacts(a, 'Globex', ['Paris']);
  await expect(a.getByTestId('facts')).not.toContainText(PHONE);
  await expectAccounts(b, ['Globex', 'Written offline on B']);
  await expectAccountFacts(b, 'Globex', ['Lyon', PHONE]);
  for (const device of [a, b]) {
    await device.context().setOffline(false);
    await workOffline(device, false);
  }
  await expectConverged([a, b], 'Written offline');
  await syncedWithRelay(a);
  await syncedWithRelay(b);
});

test('a field edited on two devices at once shows both values and who wrote them, and the one picked stays on both', async ({ page: a, newDevice }) => {
  const { b } = await twoDevices(a, newDevice);
  for (const device of [a, b]) {
    await syncedWithRelay(device);
    await workOffline(device, true);
  }
  await editAccount(a, 'Globex', { city: 'Paris' });
  await editAccount(b, 'Globex', { city: 'Marseille' });
  for (const device of [a, b]) {
    await workOffline(device, false);
  }
  for (const device of [a, b]) {
    await openAccount(device, 'Globex');
    const conflict = device.getByTestId('conflicts').locator('li[data-field="city"]');
    await expect(conflict.getByRole('button')).toHaveCount(2, { timeout: 15_000 });
    await expect(conflict.getByRole('button', { name: /Keep “Paris”/ })).toBeVisible();
    await expect(conflict.getByRole('button', { name: /Keep “Marseille”/ })).toBeVisible();
    // Both devices agree on the value shown meanwhile, and the history names both writers.
    const history = device.getByTestId('history');
    await expect(history).toContainText('Ana Silva changed city');
    await expect(history).toContainText('Bea Costa changed city');
  }
  const shown = await a.getByTestId('conflicts').getByRole('button', { name: /shown now/ }).textContent();
  await expect(b.getByTestId('conflicts').getByRole('button', { name: /shown now/ })).toHaveText(shown);

  await b.getByTestId('conflicts').getByRole('button', { name: /Keep “Marseille”/ }).click();
  for (const device of [a, b]) {
    await expect(device.getByTestId('conflicts')).toBeHidden({ timeout: 15_000 });
    await expect(device.getByTestId('facts')).toContainText('Marseille', { timeout: 15_000 });
    await expect(device.getByTestId('facts')).not.toContainText('Paris');
  }
});

test('two tabs of one device see each other\'s edits with the relay stopped', async ({ page, context, relay }) => {
  await createWorkspace(page);
  const second = await context.newPage();
  await second.goto(page.url());
  await expect(second.getByTestId('app-ready')).toBeVisible();
  await relay.stop();
  await createAccount(page, 'Globex');
  await expectAccounts(second, ['Globex']);
  await createAccount(second, 'Initech');
  await expectAccounts(page, ['Globex', 'Initech']);
  await editAccount(page, 'Globex', { city: 'Paris' });
  await editAccount(second, 'Globex', { phone: PHONE });
  for (const tab of [page, second]) await expectAccountFacts(tab, 'Globex', ['Paris', PHONE]);
});

test('two tabs of one device working offline still share their edits', async ({ page, context }) => {
  await createWorkspace(page);
  const second = await context.newPage();
  await second.goto(page.url());
  await expect(second.getByTestId('app-ready')).toBeVisible();
  for (const tab of [page, second]) await workOffline(tab, true);
  await createAccount(page, 'Globex');
  await expectAccounts(second, ['Globex']);
  await createAccount(second, 'Initech');
  await expectAccounts(page, ['Globex', 'Initech']);
});

test('the sync switches stay as they were set across a reload', async ({ page }) => {
  await createWorkspace(page);
  await syncedWithRelay(page);
  await page.getByTestId('relay-enabled').uncheck();
  await page.reload();
  await openSyncSettings(page);
  await expect(page.getByTestId('relay-enabled')).not.toBeChecked();
  await expect(page.getByTestId('relay-state')).toHaveText(/turned off/);
  await page.getByTestId('relay-enabled').check();
  await expect(page.getByTestId('relay-state')).toHaveText('Connected');

  // Working offline on purpose stays so until the person goes back online.
  await workOffline(page, true);
  await page.reload();
  await openSyncSettings(page);
  await expect(page.getByTestId('toggle-offline')).toHaveText('Go back online');
  await expect(page.getByTestId('sync-status')).toContainText('Working offline');
  await workOffline(page, false);
  await page.reload();
  await syncedWithRelay(page);
});

test('two devices converge peer to peer over WebRTC with sync through the relay turned off', async ({ page: a, newDevice }) => {
  const { b } = await twoDevices(a, newDevice);
  for (const device of [a, b]) {
    await openSyncSettings(device);
    await device.getByTestId('relay-enabled').uncheck();
    await expect(device.getByTestId('relay-state')).toHaveText(/turned off/);
  }
  // Each device now reaches the other directly, and nothing else.
  await expect(a.getByTestId('peers')).toHaveText('Bea Costa (peer to peer)');
  await expect(b.getByTestId('peers')).toHaveText('Ana Silva (peer to peer)');
  await expect(a.getByTestId('sync-status')).toContainText('peer to peer');
  await editApart(a, b, 'Sent directly');
  await expectConverged([a, b], 'Sent directly');
});

test('the relay killed mid-sync and restarted: devices reconnect, lose nothing, and a new device gets everything', async ({ page: a, newDevice, relay }) => {
  const { b, link } = await twoDevices(a, newDevice);
  // The account is still on its way to the relay when the relay dies.
  await createAccount(a, 'Sent as the relay died');
  relay.process.kill('SIGKILL');
  await relay.stop();
  for (const device of [a, b]) {
    await openSyncSettings(device);
    await expect(device.getByTestId('relay-state')).toHaveText(/^Not connected .*; retrying/);
  }
  await editApart(a, b, 'While the relay was down');
  await relay.start();
  for (const device of [a, b]) await expectAccounts(device, ['Globex', 'Sent as the relay died', 'While the relay was down on A', 'While the relay was down on B'], 45_000);
  for (const device of [a, b]) {
    await expectAccountFacts(device, 'Globex', ['Paris', PHONE]);
    await syncedWithRelay(device);
  }
  // Everything is on the relay's disk: with both devices gone, a restarted relay serves it all.
  await a.context().close();
  await b.context().close();
  await relay.restart();
  const c = await newDevice();
  await joinWorkspace(c, link, 'Carl Diaz');
  await expectAccounts(c, ['Globex', 'Sent as the relay died', 'While the relay was down on A', 'While the relay was down on B']);
  await expectAccountFacts(c, 'Globex', ['Paris', PHONE]);
});

test('an invitation whose key was tampered with is refused before joining', async ({ page: a, newDevice, relay }) => {
  await createWorkspace(a);
  const link = await inviteLink(a);
  await syncedWithRelay(a);
  const tampered = link.replace(/([?&]k=)(.)/, (_, prefix, digit) => prefix + (digit === '0' ? '1' : '0'));
  expect(tampered).not.toBe(link);
  const b = await newDevice();
  await b.goto(tampered);
  await b.getByLabel('Your name').fill('Mallory');
  await b.getByTestId('join').click();
  await expect(b.getByRole('alert')).toHaveText(/This invitation was changed or is incomplete/);
  await expect(b.getByTestId('app-ready')).toHaveCount(0);
  // No second, empty workspace was started on the relay under the changed key.
  expect(readdirSync(join(relay.dataDir, 'workspaces'))).toHaveLength(1);
});

test('a device whose credential the relay does not accept is told so and stops retrying', async ({ page, relay }) => {
  await createWorkspace(page);
  await syncedWithRelay(page);
  // The relay now holds another credential for this workspace, as if someone else had claimed it.
  await relay.stop();
  const [workspace] = readdirSync(join(relay.dataDir, 'workspaces'));
  writeFileSync(join(relay.dataDir, 'workspaces', workspace, 'credential'), 'ab'.repeat(32));
  await relay.start();
  await expect(page.getByTestId('relay-state')).toHaveText(
    'The relay refused this workspace: invalid workspace credential.',
    { timeout: 20_000 },
  );
  await expect(page.getByTestId('sync-status')).toContainText('refused');
  // Edits stay on the device.
  await createAccount(page, 'Kept on this device');
  await openSyncSettings(page);
  await expect(page.getByTestId('relay-state')).toHaveText(/refused/);
});
