// Screenshots of the sample company, at laptop and at phone width, of every area's page, a detail
// page of every record type, every report and the main forms, saved to results/screens/ for people
// to look at. Each page must show its heading, and on a phone nothing may be wider than the screen.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from './fixtures.mjs';
import { AREAS, overflowsSideways, sampleCompany } from './app.mjs';

const SCREENS = join(dirname(fileURLToPath(import.meta.url)), 'results', 'screens');

const VIEWPORTS = [
  { name: 'laptop', width: 1280, height: 800 },
  { name: 'phone', width: 360, height: 740 },
];

// The list of every record type the app shows; the first record of each opens its detail page.
const LISTS = [
  'leads',
  'accounts',
  'contacts',
  'deals/list',
  'activities/all',
  'service',
  'products/products',
  'products/categories',
  'products/price-lists',
  'market/segments',
  'market/niches',
  'market/entry-plans',
  'channels/channels',
  'channels/partners',
  'channels/conditions',
  'channels/incentives',
  'channels/log',
  'channels/invoices',
  'channels/payments',
  'channels/ratings',
  'channels/evaluations',
  'organisation/people',
  'organisation/units',
  'organisation/territories',
  'organisation/assignments',
  'targets',
  'commissions',
  'recruiting/candidates',
  'recruiting/training',
  'recruiting/evaluations',
  'costs/costs',
  'costs/budgets',
  'settings/members',
];

const REPORTS = [
  'pipeline',
  'forecast',
  'plan-actual',
  'partners',
  'commissions',
  'costs',
  'win-loss',
  'growth',
  'productivity',
  'products',
  'segments',
];

// Pages beyond the areas' first pages: other tabs and the forms a rep uses most.
const MORE = [
  'activities/log',
  'activities/upcoming',
  'recruiting/onboarding',
  'settings/pipelines',
  'settings/data',
  'settings/sync',
  'accounts/new',
  'deals/list/new',
];

test.describe.configure({ mode: 'default' });
let sample;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(60_000);
  mkdirSync(SCREENS, { recursive: true });
  sample = await sampleCompany(browser);
});

test.afterAll(async () => {
  await sample?.close();
});

/** Checks the page now shown and saves its screenshot as `<name>-<viewport>.png`. */
async function look(page, viewport, name) {
  const heading = page.locator('main h1').first();
  await expect(heading).toBeVisible();
  await expect(heading).not.toHaveText('Not found');
  // Opening a page focuses it, which may scroll; the picture starts at the top.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENS, `${name}-${viewport.name}.png`), fullPage: true });
  // Soft, so that one run names every page that is too wide and still saves the rest.
  if (viewport.width < 500) {
    expect.soft(await overflowsSideways(page), `${name} is wider than a ${viewport.width} px screen`).toBe(false);
  }
}

for (const viewport of VIEWPORTS) {
  test(`at ${viewport.width} px every area's page shows its heading and fits the screen`, async () => {
    const { page } = sample;
    await page.setViewportSize(viewport);
    for (const area of AREAS) {
      await page.goto(`./#/${area}`);
      await look(page, viewport, area);
    }
    for (const path of MORE) {
      await page.goto(`./#/${path}`);
      await look(page, viewport, path.replaceAll('/', '-'));
    }
  });

  test(`at ${viewport.width} px a record of every type opens on a page that fits the screen`, async () => {
    test.setTimeout(90_000);
    const { page } = sample;
    await page.setViewportSize(viewport);
    for (const list of LISTS) {
      await page.goto(`./#/${list}`);
      const first = page.locator('.tbody .tr .td:first-child a').first();
      await expect(first, `the sample has records in ${list}`).toBeVisible();
      await first.click();
      await expect(page.locator('.detail-page h1')).toBeVisible();
      await look(page, viewport, `detail-${list.replaceAll('/', '-')}`);
    }
  });

  test(`at ${viewport.width} px every report shows its figures and fits the screen`, async () => {
    const { page } = sample;
    await page.setViewportSize(viewport);
    for (const report of REPORTS) {
      await page.goto(`./#/reports/${report}`);
      await expect(page.getByTestId(`report-page-${report}`)).toBeVisible();
      await expect(page.locator('.report-figures figure').first()).toBeVisible();
      await look(page, viewport, `report-${report}`);
    }
  });
}
