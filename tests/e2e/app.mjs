// Steps through the real UI that many specs share: creating a workspace, adding records.
import { expect } from './fixtures.mjs';

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
