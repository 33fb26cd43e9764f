// Steps through the real UI that many specs share: creating a workspace, adding records, joining
// it from a second device and watching sync.
import { expect, serveStatic, test } from './fixtures.mjs';

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

/** A day as `YYYY-MM-DD`, `offset` days from today, by the UTC calendar the app uses. */
export function day(offset = 0) {
  const date = new Date(Date.now() + offset * 86_400_000);
  return date.toISOString().slice(0, 10);
}

/** This quarter as the app writes it (`2026-Q2`), by the UTC calendar. */
export function thisQuarter() {
  const now = new Date();
  return `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
}

/** This year, by the UTC calendar. */
export function thisYear() {
  return new Date().getUTCFullYear();
}

/**
 * Fills a record form: `fields` maps a field name (the `name` in `#field-<name>`) to a value.
 * Text is typed; a select picks the option with that label; a checkbox takes `true`/`false`.
 */
export async function fillRecordForm(page, fields) {
  for (const [name, value] of Object.entries(fields)) {
    const control = page.locator(`#field-${name}`);
    const kind = await control.evaluate((el) => (el.tagName === 'SELECT' ? 'select' : el.type));
    if (kind === 'select') await control.selectOption({ label: value });
    else if (kind === 'checkbox') await control.setChecked(value === true || value === 'true');
    else await control.fill(value);
  }
}

/**
 * Creates a record through the form at `#/<path>/new` and waits for its page, whose heading is
 * `title`.
 */
export async function createRecord(page, path, fields, title) {
  await page.goto(`./#/${path}/new`);
  await expect(page.getByTestId('record-form')).toBeVisible();
  await fillRecordForm(page, fields);
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
}

/**
 * The value shown beside a label among key figures (`dl.report-facts`), on the page or within
 * `scope` (a locator).
 */
export function fact(page, label, scope = page) {
  const term = page.locator('dt', { hasText: new RegExp(`^${escape(label)}$`) });
  return scope.locator('.report-fact').filter({ has: term }).locator('dd');
}

/** The value beside a label on a record's page (`dl.facts`). */
export function recordFact(page, label) {
  return page.getByTestId('facts').locator(`dt:text-is("${label}") + dd`);
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether anything on the page is wider than the window (a phone would scroll sideways). */
export async function overflowsSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

/** Opens the welcome page on a fresh device and creates the sample company. */
export async function openSample(page) {
  await page.goto('./');
  await page.getByTestId('create-sample').click();
  await expect(page.getByTestId('app-ready')).toBeVisible({ timeout: 30_000 });
  await saved(page);
}

/** Every area's main page, as `#/<path>`, in the order the navigation lists them. */
export const AREAS = [
  'dashboard',
  'leads',
  'accounts',
  'contacts',
  'deals',
  'activities',
  'service',
  'products',
  'market',
  'channels',
  'organisation',
  'targets',
  'commissions',
  'recruiting',
  'costs',
  'reports',
  'review',
  'settings',
];

/**
 * The sample company on a device of its own, for specs that only look at it: the built app from a
 * plain static server (no relay needed to look), in a new browser context with `options`.
 * Resolves to { page, close() }.
 */
export async function sampleCompany(browser, options = {}) {
  const server = await serveStatic();
  const context = await browser.newContext({ ...options, baseURL: server.url });
  const page = await context.newPage();
  await openSample(page);
  return {
    page,
    close: async () => {
      await context.close();
      await server.close();
    },
  };
}

/** This month as the app writes it (`2026-05`), by the UTC calendar. */
export function thisMonth() {
  return day(0).slice(0, 7);
}
