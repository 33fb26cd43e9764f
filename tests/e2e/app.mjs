// Steps through the real UI that many specs share: creating a workspace, adding records.
import { expect, serveStatic } from './fixtures.mjs';

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
