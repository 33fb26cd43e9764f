// Accessibility: every area's main page of the sample company, checked with axe-core at laptop
// width, has no serious or critical violations.
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures.mjs';
import { AREAS, sampleCompany } from './app.mjs';

// One sample company serves every check (the checks only look); a failure does not stop the rest.
test.describe.configure({ mode: 'default' });
let sample;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(60_000);
  sample = await sampleCompany(browser, { viewport: { width: 1280, height: 800 } });
});

test.afterAll(async () => {
  await sample?.close();
});

/** The serious and critical violations on the page, one line each, naming a few offenders. */
async function violations(page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}`);
}

test('the welcome page has no serious or critical accessibility violations', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: sample.page.url().replace(/#.*$/, '') });
  const page = await context.newPage();
  await page.goto('./');
  await expect(page.getByTestId('welcome')).toBeVisible();
  expect(await violations(page)).toEqual([]);
  await context.close();
});

for (const area of AREAS) {
  test(`the ${area} page of the sample company has no serious or critical accessibility violations`, async () => {
    const { page } = sample;
    await page.goto(`./#/${area}`);
    await expect(page.locator('main h1').first()).toBeVisible();
    // Charts and lists fill in as the documents load; wait until the page has settled.
    await expect(page.getByTestId('save-status')).toHaveText(/Saved/);
    expect(await violations(page)).toEqual([]);
  });
}
