// Accounts, the first vertical slice: created, found, edited, deleted and undone, and still
// there after a reload, in two tabs at once, and when the disk is full.
import { test, expect } from './fixtures.mjs';
import { createAccount, createWorkspace, listedAccounts, saved } from './app.mjs';

test('an account created in the app is still there after a reload', async ({ page }) => {
  await createWorkspace(page);
  await createAccount(page, 'Globex Corporation', { city: 'Lyon', email: 'sales@globex.example' });
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Globex Corporation' })).toBeVisible();
  await expect(page.getByTestId('facts')).toContainText('sales@globex.example');
  expect(await listedAccounts(page)).toEqual(['Globex Corporation']);
});

test('two tabs edit different accounts and after reloading both show both edits', async ({ page, context }) => {
  await createWorkspace(page);
  const second = await context.newPage();
  await second.goto(page.url());
  await expect(second.getByTestId('app-ready')).toBeVisible();
  await createAccount(page, 'Written in tab one');
  await createAccount(second, 'Written in tab two');
  for (const tab of [page, second]) {
    await tab.reload();
    await expect(tab.getByTestId('app-ready')).toBeVisible();
    expect((await listedAccounts(tab)).sort()).toEqual(['Written in tab one', 'Written in tab two']);
  }
});

test('a form explains bad values next to the field and keeps what was typed', async ({ page }) => {
  await createWorkspace(page);
  await page.goto('./#/accounts/new');
  await page.locator('#field-name').fill('Initech');
  await page.locator('#field-email').fill('not-an-email');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.locator('[data-field=email] .field-error')).toHaveText(/email address/);
  await expect(page.getByRole('alert').filter({ hasText: 'Fix the problem' })).toBeVisible();
  // A reload keeps the draft, including the value that does not validate.
  await page.waitForTimeout(400);
  await page.reload();
  await expect(page.locator('#field-email')).toHaveValue('not-an-email');
  await expect(page.locator('#field-name')).toHaveValue('Initech');
  await page.locator('#field-email').fill('sales@initech.example');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Initech' })).toBeVisible();
});

test('the list searches, sorts and moves with the keyboard', async ({ page }) => {
  await createWorkspace(page);
  for (const [name, city] of [['Umbrella', 'Berlin'], ['Acme', 'Paris'], ['Soylent', 'Lyon']]) {
    await createAccount(page, name, { city });
  }
  expect(await listedAccounts(page)).toEqual(['Acme', 'Soylent', 'Umbrella']);
  await page.getByTestId('sort').selectOption({ label: 'Sort: City' });
  await expect(page.locator('.tbody .tr .td:first-child')).toHaveText(['Umbrella', 'Soylent', 'Acme']);
  await page.getByTestId('search').fill('ly');
  await expect(page.locator('.tbody .tr .td:first-child')).toHaveText(['Soylent']);
  await expect(page.getByTestId('count')).toHaveText('1 of 3');
  await page.getByTestId('search').fill('');
  await page.getByTestId('table-body').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Soylent' })).toBeVisible();
});

test('the list narrows by a field, keeps the filter in its link, and clears it', async ({ page }) => {
  await createWorkspace(page);
  for (const [name, status] of [['Acme', 'Customer'], ['Initech', 'Prospect'], ['Umbrella', 'Customer']]) {
    await page.goto('./#/accounts/new');
    await page.locator('#field-name').fill(name);
    await page.locator('#field-status').selectOption({ label: status });
    await page.getByRole('button', { name: 'Create' }).click();
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  }
  await saved(page);
  await page.goto('./#/accounts');
  await page.getByTestId('filters').locator('summary').click();
  await page.getByTestId('filter-status').selectOption({ label: 'Customer' });
  await expect(page.locator('.tbody .tr .td:first-child')).toHaveText(['Acme', 'Umbrella']);
  await expect(page.getByTestId('count')).toHaveText('2 of 3');
  await expect(page.getByTestId('filters').locator('summary')).toHaveText('Filters (1 on)');
  // The filter is part of the page's address: a reload (or a shared link) shows the same list.
  expect(page.url()).toContain('f.status=customer');
  await page.reload();
  await expect(page.locator('.tbody .tr .td:first-child')).toHaveText(['Acme', 'Umbrella']);
  await expect(page.getByTestId('filter-status')).toHaveValue('customer');
  // Filters combine with search.
  await page.getByTestId('search').fill('umb');
  await expect(page.locator('.tbody .tr .td:first-child')).toHaveText(['Umbrella']);
  await page.getByTestId('search').fill('');
  await page.getByTestId('clear-filters').click();
  await expect(page.getByTestId('count')).toHaveText('3 of 3');
  expect(page.url()).not.toContain('f.status');
});

test('a deleted account comes back with undo, and its history shows every change', async ({ page }) => {
  await createWorkspace(page);
  await createAccount(page, 'Hooli');
  await page.getByTestId('edit').click();
  await page.locator('#field-city').fill('Palo Alto');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('history')).toContainText('changed city');
  await page.getByTestId('delete').click();
  await expect(page.getByText('Deleted “Hooli”.')).toBeVisible();
  expect(await listedAccounts(page)).toEqual([]);
  await page.getByTestId('notice-undo').click();
  await expect(page.locator('.tbody .tr .td:first-child')).toHaveText(['Hooli']);
  await saved(page);
  await page.reload();
  expect(await listedAccounts(page)).toEqual(['Hooli']);
});

test('a full storage quota says so and keeps the edits in the tab', async ({ page, context, relay }) => {
  // Chromium applies a quota override only to an origin whose storage is not open yet, so the
  // disk is "full" from the first visit: nothing the workspace writes can be stored.
  const session = await context.newCDPSession(page);
  const origin = new URL(relay.url).origin;
  await session.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1 });
  await createWorkspace(page);
  await expect(page.getByRole('alert').filter({ hasText: 'Storage is full' })).toBeVisible();
  await createAccountUnsaved(page, 'Kept in memory');
  await expect(page.getByTestId('save-status')).toHaveText('Not saved');
  await page.goto('./#/accounts');
  await expect(page.locator('.tbody .tr .td:first-child')).toHaveText(['Kept in memory']);
  // Once there is room again, the next edit saves everything, the earlier edits included.
  await session.send('Storage.overrideQuotaForOrigin', { origin });
  await createAccount(page, 'After the disk was freed');
  await page.reload();
  await expect(page.getByTestId('workspace-name')).toHaveText('Acme Sales');
  expect((await listedAccounts(page)).sort()).toEqual(['After the disk was freed', 'Kept in memory']);
});

async function createAccountUnsaved(page, name) {
  await page.goto('./#/accounts/new');
  await page.locator('#field-name').fill(name);
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

test('a page deep in the app opens again on reload', async ({ page }) => {
  await createWorkspace(page);
  await createAccount(page, 'Deep link');
  const url = page.url();
  expect(url).toContain('#/accounts/');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Deep link' })).toBeVisible();
});
