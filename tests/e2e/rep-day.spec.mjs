// A sales rep's day through the real UI: a lead comes in and is converted into an account and a
// deal, the deal moves across the pipeline board by mouse, keyboard and finger, calls and visits
// are logged (the visit from a phone), the deal is won, and the rep's commission and the
// dashboard show it.
import { test, expect } from './fixtures.mjs';
import { createRecord, createWorkspace, day, fact, overflowsSideways, recordFact, saved, thisMonth, thisQuarter } from './app.mjs';

// The phone part of the day taps; a context either has touch or not, so the whole day has it.
test.use({ hasTouch: true });

const REP = 'Rita Reyes';
const DEAL = 'Lopez Logistics opportunity';

/** The deal's card on the board. */
function card(page) {
  return page.locator('.card', { hasText: DEAL });
}

/** A stage's column on the board. */
function column(page, stage) {
  return page.getByTestId(`column-${stage}`);
}

/** Drags the deal's card onto a column with the mouse, checking the column lights up first. */
async function dragWithMouse(page, stage) {
  const from = await card(page).boundingBox();
  const to = await column(page, stage).boundingBox();
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + 80, { steps: 10 });
  await expect(column(page, stage)).toHaveClass(/target/);
  await page.mouse.up();
}

/** Drags the deal's card by its handle with one finger to a point on the screen. */
async function dragWithFinger(page, to) {
  const handle = await card(page).locator('.drag-handle').boundingBox();
  const start = { x: handle.x + handle.width / 2, y: handle.y + handle.height / 2 };
  const cdp = await page.context().newCDPSession(page);
  const touch = (type, point) =>
    cdp.send('Input.dispatchTouchEvent', { type, touchPoints: point ? [{ x: point.x, y: point.y }] : [] });
  await touch('touchStart', start);
  for (let i = 1; i <= 10; i++) {
    await touch('touchMove', { x: start.x + ((to.x - start.x) * i) / 10, y: start.y + ((to.y - start.y) * i) / 10 });
  }
  await touch('touchEnd');
  await cdp.detach();
}

test('a rep converts a lead, works the deal across the board, logs the day and wins it, and the commission and dashboard show the win', async ({ page }) => {
  test.setTimeout(180_000);
  await createWorkspace(page);

  await test.step('the manager has put the rep on a 5% commission plan', async () => {
    await createRecord(page, 'organisation/people', { name: REP, role: 'Sales rep' }, REP);
    await createRecord(page, 'commissions/plans', { name: 'Field sales', pay_period: 'Monthly', base_rate_bp: '5' }, 'Field sales');
    await page.getByLabel('Add a person').selectOption({ label: REP });
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByRole('region', { name: 'Members' }).getByRole('listitem')).toHaveText([`${REP} Remove`]);
    await saved(page);
  });

  await test.step('before the win the rep has earned nothing this quarter', async () => {
    await page.goto('./#/reports/commissions');
    await expect(page.getByTestId('period-current')).toHaveText(thisQuarter());
    await expect(fact(page, 'Payouts')).toHaveText('0.00 EUR');
  });

  await test.step('a lead is entered and converted into an account, a contact and a deal', async () => {
    await createRecord(
      page,
      'leads',
      { name: 'Maria Lopez', company: 'Lopez Logistics', email: 'maria@lopez.example', owner: REP, estimated_value: '12000' },
      'Maria Lopez',
    );
    await page.getByTestId('convert').click();
    await expect(page.getByLabel('Account')).toHaveValue('');
    await expect(page.getByLabel('Deal name')).toHaveAttribute('placeholder', DEAL);
    await page.getByTestId('convert-confirm').click();
    await expect(page.getByRole('heading', { level: 1, name: DEAL })).toBeVisible();
    // The deal takes the lead's owner and estimated value, and starts in the first stage.
    await expect(recordFact(page, 'Account')).toHaveText('Lopez Logistics');
    await expect(recordFact(page, 'Contact')).toHaveText('Maria Lopez');
    await expect(recordFact(page, 'Stage')).toHaveText('Lead in');
    await expect(recordFact(page, 'Value')).toHaveText('12,000.00 EUR');
    await expect(recordFact(page, 'Owner')).toHaveText(REP);
    await page.goto('./#/leads');
    await expect(page.locator('.tbody .tr').filter({ hasText: 'Maria Lopez' })).toContainText('Converted');
  });

  await test.step('the deal is dragged with the mouse from Lead in to Qualified', async () => {
    await page.goto('./#/deals/board');
    await expect(column(page, 'Lead in')).toContainText(DEAL);
    // 12,000.00 at Lead in's 10% weighs 1,200.00.
    await expect(column(page, 'Lead in').locator('header')).toContainText('Lead in · 1 deal12,000.00 EUR · weighted 1,200.00 EUR');
    await dragWithMouse(page, 'Qualified');
    await expect(column(page, 'Qualified')).toContainText(DEAL);
    await expect(column(page, 'Lead in').locator('.card')).toHaveCount(0);
    // Qualified weighs 25%: 12,000.00 × 25% = 3,000.00.
    await expect(column(page, 'Qualified').locator('header')).toContainText('weighted 3,000.00 EUR');
  });

  await test.step('the deal moves on with the arrow keys, keeping focus, to Negotiation', async () => {
    await card(page).focus();
    await page.keyboard.press('ArrowRight');
    await expect(column(page, 'Proposal')).toContainText(DEAL);
    await expect(card(page)).toBeFocused();
    await expect(page.locator('#board-announcer')).toHaveText(`Moved “${DEAL}” to Proposal.`);
    await page.keyboard.press('ArrowRight');
    await expect(column(page, 'Negotiation')).toContainText(DEAL);
    await expect(card(page)).toBeFocused();
    // Negotiation weighs 75%: 12,000.00 × 75% = 9,000.00, which is the whole board's weight.
    await expect(page.locator('.board-page .count')).toHaveText('Open: 12,000.00 EUR · weighted 9,000.00 EUR');
    await saved(page);
  });

  await test.step('the dashboard shows the open deal and nothing won yet', async () => {
    await page.getByTestId('nav-dashboard').click();
    const team = page.getByTestId('team-view');
    await expect(fact(page, 'Open deals', team)).toHaveText('1');
    await expect(fact(page, 'Open pipeline', team)).toHaveText('12,000.00 EUR');
    await expect(fact(page, 'Weighted', team)).toHaveText('9,000.00 EUR');
    await expect(fact(page, `Won in ${thisQuarter()}`, team)).toHaveText('0.00 EUR');
    await page.goto('./#/deals/board');
  });

  await test.step('a call is logged from the deal with a follow-up due today, which is then done', async () => {
    await card(page).getByRole('link', { name: DEAL }).click();
    await page.getByRole('link', { name: 'Log an activity' }).click();
    await expect(page.getByLabel('Deal')).toHaveValue(/.+/);
    await expect(page.getByRole('button', { name: 'Call' })).toHaveAttribute('aria-pressed', 'true');
    await page.getByLabel('Subject').fill('Called Maria about the budget');
    await page.getByLabel('Outcome').fill('Budget approved');
    await page.getByLabel('Next step (optional)').fill('Send the proposal');
    await page.getByLabel('Next step on').fill(day(0));
    await page.getByTestId('log-submit').click();
    await expect(page.getByText('Logged.')).toBeVisible();
    await page.getByTestId('tab-today').click();
    const item = page.getByTestId('agenda').locator('.agenda-item', { hasText: 'Send the proposal' });
    await expect(item).toContainText(`Task · ${day(0)} · ${DEAL}`);
    await item.getByRole('checkbox', { name: 'Done: Send the proposal' }).click();
    await expect(page.getByTestId('agenda')).toHaveText('Nothing here.');
  });

  await test.step('on a phone the rep logs a visit with a few taps', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto('./#/dashboard');
    await page.getByRole('button', { name: 'Menu' }).tap();
    await page.getByTestId('nav-activities').tap();
    await page.getByTestId('tab-log').tap();
    await expect(page.getByRole('heading', { level: 1, name: 'Log a call or visit' })).toBeVisible();
    await page.getByRole('button', { name: 'Visit' }).tap();
    await expect(page.getByRole('button', { name: 'Visit' })).toHaveAttribute('aria-pressed', 'true');
    await page.getByLabel('Account').selectOption({ label: 'Lopez Logistics' });
    await page.getByLabel('Deal').selectOption({ label: DEAL });
    await page.getByLabel('Subject').fill('Visited the warehouse');
    await page.getByLabel('Next step (optional)').fill('Send the revised quote');
    // The follow-up's date defaults to a week ahead.
    await expect(page.getByLabel('Next step on')).toHaveValue(day(7));
    expect(await overflowsSideways(page)).toBe(false);
    await page.getByTestId('log-submit').tap();
    await expect(page.getByText('Logged.')).toBeVisible();
    await expect(page.getByLabel('Subject')).toHaveValue('');
    await page.getByTestId('tab-upcoming').tap();
    await expect(page.getByTestId('agenda').locator('.agenda-item')).toHaveText([
      new RegExp(`Send the revised quote.*Task · ${day(7)} · ${DEAL}`),
    ]);
  });

  await test.step('on the phone the deal is won by dragging its handle into the Won column', async () => {
    await page.goto('./#/deals/board');
    await expect(column(page, 'Negotiation')).toContainText(DEAL);
    // A column is most of the screen wide; with Negotiation in view the Won column shows at
    // the right edge, where the finger takes the card.
    await column(page, 'Negotiation').evaluate((el) => el.scrollIntoView({ inline: 'start', block: 'nearest' }));
    const won = await column(page, 'Won').boundingBox();
    const target = { x: Math.min(won.x + 20, 350), y: won.y + 100 };
    await dragWithFinger(page, target);
    await expect(column(page, 'Won')).toContainText(DEAL);
    await expect(page.locator('.board-page .count')).toHaveText('Open: 0.00 EUR · weighted 0.00 EUR');
    expect(await overflowsSideways(page)).toBe(false);
    await saved(page);
  });

  await test.step("the deal's page says it was won, with both activities", async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await card(page).getByRole('link', { name: DEAL }).click();
    await expect(page.locator('.panel.outcome')).toContainText(`Won on ${day(0)}`);
    await expect(recordFact(page, 'Stage')).toHaveText('Won');
    // A won deal has no loss reason, and says none.
    await expect(page.getByTestId('facts')).not.toContainText('Loss reason');
    const activities = page.getByRole('region', { name: 'Activities' });
    await expect(activities).toContainText('Called Maria about the budget');
    await expect(activities).toContainText('Visited the warehouse');
    await expect(activities).toContainText(`Task · ${day(0)} · done`);
  });

  await test.step("the rep's commission is 5% of the won deal", async () => {
    await page.goto('./#/reports/commissions');
    // 5% of 12,000.00 is 600.00; with no target every euro earns the base rate.
    await expect(fact(page, 'Revenue')).toHaveText('12,000.00 EUR');
    await expect(fact(page, 'Payouts')).toHaveText('600.00 EUR');
    // The plan pays monthly: the whole payout falls in this month's line.
    await expect(page.getByTestId('data-table').getByRole('row', { name: `${REP}, ${thisMonth()}` })).toContainText('600.00');
  });

  await test.step('the dashboard counts the win and empties the pipeline', async () => {
    await page.getByTestId('nav-dashboard').click();
    const team = page.getByTestId('team-view');
    await expect(fact(page, `Won in ${thisQuarter()}`, team)).toHaveText('12,000.00 EUR');
    await expect(fact(page, 'Open deals', team)).toHaveText('0');
    await expect(fact(page, 'Open pipeline', team)).toHaveText('0.00 EUR');
  });
});
