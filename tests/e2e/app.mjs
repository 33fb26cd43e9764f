// Steps through the real UI that many specs share: creating a workspace, adding records, joining
// it from a second device and watching sync.
import { expect, test } from './fixtures.mjs';

/**
 * The harness's `test` with `newDevice`: async () => Page, a page in a browser context of its own
 * (another device, with its own storage and network switch) on the same relay, closed after the
 * test.
 */
export const withDevices = test.extend({
  newDevice: async ({ browser, baseURL }, use) => {
    const contexts = [];
    await use(async () => {
      const context = await browser.newContext({ baseURL });
      contexts.push(context);
      return context.newPage();
    });
    for (const context of contexts) await context.close();
  },
});

/** Opens the app on a fresh device and creates a workspace. */
export async function createWorkspace(page, name = 'Acme Sales', me = 'Ana Silva') {
  await page.goto('./');
  await page.getByLabel('Workspace name').fill(name);
  await page.getByLabel('Your name').fill(me);
  await page.getByTestId('create-workspace').click();
  await expect(page.getByTestId('app-ready')).toBeVisible();
  await expect(page.getByTestId('workspace-name')).toHaveText(name);
}

/** Waits until every edit is on this device's disk. */
export async function saved(page) {
  await expect(page.getByTestId('save-status')).toHaveText(/Saved/);
}

/** Creates an account through its form and waits for its page. */
export async function createAccount(page, name, fields = {}) {
  await page.goto('./#/accounts/new');
  await page.locator('#field-name').fill(name);
  for (const [field, value] of Object.entries(fields)) {
    await page.locator(`#field-${field}`).fill(value);
  }
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await saved(page);
}

/** The names in the account list, in order. */
export async function listedAccounts(page) {
  await page.goto('./#/accounts');
  await expect(page.getByTestId('table-body')).toBeVisible();
  return page.locator('.tbody .tr .td:first-child').allTextContents();
}

/** Opens the "Sync & sharing" settings page. */
export async function openSyncSettings(page) {
  await page.goto('./#/settings/sync');
  await expect(page.getByTestId('sync-panel')).toBeVisible();
}

/** The invitation link from the sync settings, once the relay is known. */
export async function inviteLink(page) {
  await openSyncSettings(page);
  const link = page.getByTestId('invite-link');
  await expect(link).toHaveValue(/#\/settings\/join\?.*&r=/);
  return link.inputValue();
}

/** Opens an invitation link on a fresh device and joins the workspace under `me`. */
export async function joinWorkspace(page, link, me) {
  await page.goto(link);
  await page.getByLabel('Your name').fill(me);
  await page.getByTestId('join').click();
  await expect(page.getByTestId('app-ready')).toBeVisible();
}

/** Waits until the sync settings show the relay connected with nothing waiting to sync. */
export async function syncedWithRelay(page, timeout = 10_000) {
  await openSyncSettings(page);
  await expect(page.getByTestId('relay-state')).toHaveText('Connected', { timeout });
  await expect(page.getByTestId('pending')).toHaveText('Nothing', { timeout });
}

/** Turns the app's "Work offline" switch on (`true`) or off (`false`) from the sync settings. */
export async function workOffline(page, offline) {
  await openSyncSettings(page);
  const toggle = page.getByTestId('toggle-offline');
  await expect(toggle).toHaveText(offline ? 'Work offline' : 'Go back online');
  await toggle.click();
  await expect(toggle).toHaveText(offline ? 'Go back online' : 'Work offline');
}

/** Opens an account's page from the list. */
export async function openAccount(page, name) {
  await page.goto('./#/accounts');
  await page.locator('.tbody .tr .td:first-child', { hasText: name }).first().click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

/** Changes some fields of an account through its edit form and waits until they are saved. */
export async function editAccount(page, name, fields) {
  await openAccount(page, name);
  await page.getByTestId('edit').click();
  for (const [field, value] of Object.entries(fields)) {
    await page.locator(`#field-${field}`).fill(value);
  }
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await saved(page);
}

/**
 * Waits until the account list shows exactly `names` (in list order, by name), however long sync
 * takes up to `timeout`.
 */
export async function expectAccounts(page, names, timeout = 15_000) {
  await page.goto('./#/accounts');
  await expect(page.locator('.tbody .tr .td:first-child')).toHaveText(names, { timeout });
}

/** Waits until an account's page shows every one of `texts` among its facts. */
export async function expectAccountFacts(page, name, texts, timeout = 15_000) {
  await openAccount(page, name);
  for (const text of texts) {
    await expect(page.getByTestId('facts')).toContainText(text, { timeout });
  }
}
