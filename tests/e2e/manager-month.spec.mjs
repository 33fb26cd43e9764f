// A sales manager's month through the real UI: targets for a channel and a partner, a won deal
// through the partner, the partner's invoice shown overdue and then paid, plan against actual and
// the scorecard following along, and the annual review: next year's plan drafted as a version,
// compared with this year, adjusted, adopted and then live.
import { test, expect } from './fixtures.mjs';
import { createAccount, createRecord, createWorkspace, day, fact, saved, thisQuarter, thisYear } from './app.mjs';

const PARTNER = 'Northwind Traders';
const CHANNEL = 'Dealers';

/** The row of a list page that mentions `text`. */
function listRow(page, text) {
  return page.locator('.tbody .tr', { hasText: text });
}

/** The amount of a draft's revenue target for a subject and period. */
function draftTarget(page, subject, period) {
  return page.getByTestId('draft-targets').getByLabel(`Target for ${subject}, ${period}`);
}

test("a manager sets targets, chases a partner's overdue invoice until paid, and adopts next year's plan", async ({ page }) => {
  test.setTimeout(90_000);
  await createWorkspace(page, 'Acme Sales', 'Marta Manager');

  await test.step('a channel and a partner in it', async () => {
    await createRecord(page, 'channels/channels', { name: CHANNEL, kind: 'Dealers' }, CHANNEL);
    await createRecord(page, 'channels/partners', { name: PARTNER, channel: CHANNEL }, PARTNER);
    await createAccount(page, 'Harbor Foods');
  });

  await test.step("this quarter's targets are set for the channel and the partner", async () => {
    const quarter = thisQuarter();
    await createRecord(
      page,
      'targets/list',
      { subject: `Channel: ${CHANNEL}`, period: quarter, metric: 'Revenue (won deals)', amount: '50000' },
      `Target ${quarter}`,
    );
    await createRecord(
      page,
      'targets/list',
      { subject: `Partner: ${PARTNER}`, period: quarter, metric: 'Revenue (won deals)', amount: '40000' },
      `Target ${quarter}`,
    );
    await page.goto('./#/targets');
    await expect(listRow(page, PARTNER)).toContainText('40,000.00 EUR');
    await expect(listRow(page, CHANNEL)).toContainText('50,000.00 EUR');
  });

  await test.step('a deal won through the partner counts against both plans', async () => {
    await createRecord(
      page,
      'deals/list',
      { name: 'Harbor Foods restock', account: 'Harbor Foods', stage: 'Won', amount: '10000', channel: CHANNEL, partner: PARTNER },
      'Harbor Foods restock',
    );
    await saved(page);
    await page.goto('./#/reports/plan-actual?by=partner');
    // 10,000.00 won against the partner's 40,000.00 is 25%.
    await expect(fact(page, 'Plan')).toHaveText('40,000.00 EUR');
    await expect(fact(page, 'Actual')).toHaveText('10,000.00 EUR');
    await expect(fact(page, 'Attainment')).toHaveText('25%');
    await page.getByTestId('report-by').selectOption('channel');
    // And against the channel's 50,000.00 it is 20%.
    await expect(fact(page, 'Plan')).toHaveText('50,000.00 EUR');
    await expect(fact(page, 'Attainment')).toHaveText('20%');
  });

  await test.step("the partner's invoice, due ten days ago and unpaid, shows as overdue", async () => {
    await createRecord(
      page,
      'channels/invoices',
      { partner: PARTNER, number: 'INV-1042', issued: day(-40), due: day(-10), amount: '2500' },
      'Invoice INV-1042',
    );
    await page.goto('./#/channels/invoices');
    await expect(listRow(page, 'INV-1042')).toHaveClass(/overdue/);
    await expect(listRow(page, 'INV-1042').locator('.td').last()).toHaveText('2,500.00 EUR');
    await page.goto('./#/reports/partners');
    await expect(fact(page, 'Overdue')).toHaveText('2,500.00 EUR');
    await expect(fact(page, 'Sales through partners')).toHaveText('10,000.00 EUR');
  });

  await test.step('once the payment is recorded nothing is overdue', async () => {
    await createRecord(
      page,
      'channels/payments',
      { partner: PARTNER, invoice: 'INV-1042', date: day(0), amount: '2500', reference: 'Bank transfer 7781' },
      'Payment 2,500.00 EUR',
    );
    await page.goto('./#/channels/invoices');
    await expect(listRow(page, 'INV-1042').locator('.td').last()).toHaveText('0.00 EUR');
    await expect(listRow(page, 'INV-1042')).not.toHaveClass(/overdue/);
    await page.goto('./#/reports/partners');
    await expect(fact(page, 'Overdue')).toHaveText('0.00 EUR');
  });

  const next = thisYear() + 1;
  await test.step("next year's plan is drafted from this year's results with 10% growth", async () => {
    await page.getByTestId('nav-review').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Annual review' })).toBeVisible();
    const partners = page.getByTestId('review-Partners');
    // One quarter's target is no plan for the year (the other quarters have none), so the year
    // shows the partner's actual only: subject, plan, actual, variance, attained.
    await expect(partners.locator('tr', { hasText: PARTNER }).locator('td')).toHaveText([PARTNER, '—', '10,000.00 EUR', '—', '—']);
    await page.getByTestId('start-version').click();
    await expect(page.getByRole('heading', { level: 1, name: `Plan ${next}` })).toBeVisible();
    await page.getByLabel('Growth (%)').fill('10');
    await page.getByTestId('seed').click();
    await expect(page.getByText(/^Drafted \d+ targets and \d+ budgets from last year's results\.$/)).toBeVisible();
    // 10,000.00 won this year, grown by 10%, is 11,000.00 for next year.
    await expect(draftTarget(page, PARTNER, next)).toHaveValue('11000.00');
  });

  await test.step('the manager raises the partner to 15,000.00 and compares the version with this year', async () => {
    await draftTarget(page, PARTNER, next).fill('15000');
    await draftTarget(page, PARTNER, next).blur();
    // The version's column beside this year's actual: 15,000.00 is 50% up on 10,000.00.
    const row = page.getByTestId('review-Partners').locator('tr', { hasText: PARTNER });
    await expect(row).toContainText('15,000.00 EUR 50%');
    // The live targets are untouched while the plan is a draft.
    await page.goto('./#/targets');
    await expect(page.locator('.tbody .tr', { hasText: String(next) })).toHaveCount(0);
    await page.goBack();
    await expect(page.getByRole('heading', { level: 1, name: `Plan ${next}` })).toBeVisible();
  });

  await test.step('adopting the plan makes its targets live', async () => {
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByTestId('adopt').click();
    await expect(page.getByText(/^Plan adopted: \d+ changes merged into the live plan\.$/)).toBeVisible();
    await expect(page.getByText(`Plan for ${next} · Adopted`)).toBeVisible();
    await expect(page.getByTestId('adopt')).toHaveCount(0);
    await saved(page);
    await page.reload();
    await page.goto('./#/targets');
    const adopted = page.locator('.tbody .tr', { hasText: PARTNER }).filter({ hasText: String(next) });
    await expect(adopted).toContainText('15,000.00 EUR');
    await expect(page.locator('.tbody .tr', { hasText: CHANNEL }).filter({ hasText: String(next) })).toContainText('11,000.00 EUR');
  });
});
