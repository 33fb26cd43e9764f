// CSV through the real UI: a file of accounts with broken rows imports its good rows and reports
// each bad one with its line and reason; importing again updates the matching account instead of
// duplicating it; the export downloads a file that imports back with no changes and whose formula
// cell a spreadsheet would not run.
import { readFileSync, writeFileSync } from 'node:fs';
import { test, expect } from './fixtures.mjs';
import { createWorkspace, listedAccounts, saved } from './app.mjs';

const FORMULA = '=HYPERLINK("http://evil.example","Click me")';

// Line 1 is the header; lines 3 to 5 are broken: a bad email, no name, and one value too many.
// Line 6 holds a formula, which is text like any other until it is exported.
const FIRST_FILE = [
  'Name,Email,City,Notes',
  'Acme Tools,sales@acme.example,Paris,Key account',
  'Blue Harbor,not-an-email,Lyon,',
  ',nobody@example.com,Berlin,',
  'Cobalt Labs,info@cobalt.example,Madrid,Lab,extra',
  `Delta Foods,hello@delta.example,Rome,"${FORMULA.replaceAll('"', '""')}"`,
  'Evergreen Farms,farm@evergreen.example,Oslo,',
].join('\n');

// Acme Tools again, matched by its name, with a new city; and one new account.
const SECOND_FILE = ['Name,Email,City', 'Acme Tools,sales@acme.example,Marseille', 'Fresh Start,new@fresh.example,Nice'].join('\n');

/** Picks a file in the CSV panel and waits for its column mapping. */
async function pick(page, path) {
  await page.getByTestId('csv-file').setInputFiles(path);
  await expect(page.getByTestId('csv-mapping')).toBeVisible();
}

/** An account's notes on its page. */
function notes(page) {
  return page.locator('.panel').filter({ has: page.getByRole('heading', { name: 'Notes' }) }).locator('.notes');
}

/** Runs the import and returns the summary line once it is done. */
async function runImport(page) {
  await page.getByTestId('csv-import').click();
  const summary = page.getByTestId('csv-summary');
  await expect(summary).toBeVisible();
  await saved(page);
  return summary;
}

test('a CSV of accounts imports its good rows and lists each broken row with its line and reason', async ({ page }, testInfo) => {
  const file = testInfo.outputPath('accounts.csv');
  writeFileSync(file, FIRST_FILE);
  await createWorkspace(page);
  await page.goto('./#/settings/data');
  await expect(page.getByTestId('csv-kind')).toHaveValue('accounts');
  await expect(page.getByTestId('csv-panel')).toContainText('An account with the same name (ignoring case and spaces), else the same email, is updated.');
  await pick(page, file);

  // Every column is matched to the field of the same name.
  for (const [column, field] of [['Name', 'name'], ['Email', 'email'], ['City', 'city'], ['Notes', 'notes']]) {
    await expect(page.getByLabel(`Field for column ${column}`)).toHaveValue(field);
  }
  // The preview shows every row as it would import, the bad ones marked with why.
  const preview = page.getByTestId('csv-preview').locator('li');
  await expect(preview).toHaveCount(6);
  await expect(preview.nth(0)).toHaveText('Line 2: Acme Tools · sales@acme.example · Paris · Key account — new');
  await expect(preview.nth(1)).toHaveClass(/error/);
  await expect(preview.nth(1)).toContainText('Line 3:');
  await expect(preview.nth(2)).toHaveClass(/error/);
  await expect(preview.nth(3)).toHaveClass(/error/);
  await expect(preview.nth(4)).toContainText(`Line 6: Delta Foods · hello@delta.example · Rome · ${FORMULA} — new`);

  const summary = await runImport(page);
  await expect(summary).toHaveText('Imported accounts.csv: 3 created, 0 updated, 0 unchanged, 3 rows with problems.');
  await expect(page.getByTestId('csv-progress')).toHaveAttribute('value', '3');
  const errors = page.getByTestId('csv-errors');
  await expect(errors.locator('summary')).toHaveText('3 rows were not imported');
  await expect(errors.locator('li')).toHaveText([
    /^line 3, column "Email": .*email/i,
    /^line 4, column "Name": .*name/i,
    /^line 5: This line has 5 values but the header has 4 columns/,
  ]);
  expect(await listedAccounts(page)).toEqual(['Acme Tools', 'Delta Foods', 'Evergreen Farms']);
  // The formula is kept as the text it was, not run.
  await page.getByRole('link', { name: 'Delta Foods' }).click();
  await expect(notes(page)).toHaveText(FORMULA);
});

test('importing again updates the matching account instead of adding a second one', async ({ page }, testInfo) => {
  const first = testInfo.outputPath('accounts.csv');
  const second = testInfo.outputPath('accounts-update.csv');
  writeFileSync(first, FIRST_FILE);
  writeFileSync(second, SECOND_FILE);
  await createWorkspace(page);
  await page.goto('./#/settings/data');
  await pick(page, first);
  await runImport(page);

  await pick(page, second);
  const preview = page.getByTestId('csv-preview').locator('li');
  await expect(preview).toHaveText([
    'Line 2: Acme Tools · sales@acme.example · Marseille — updates city',
    'Line 3: Fresh Start · new@fresh.example · Nice — new',
  ]);
  const summary = await runImport(page);
  await expect(summary).toHaveText('Imported accounts-update.csv: 1 created, 1 updated, 0 unchanged, 0 rows with problems.');
  await expect(page.getByTestId('csv-errors')).toHaveCount(0);
  expect(await listedAccounts(page)).toEqual(['Acme Tools', 'Delta Foods', 'Evergreen Farms', 'Fresh Start']);
  await expect(page.locator('.tbody .tr', { hasText: 'Acme Tools' })).toContainText('Marseille');
});

test('the export downloads a file that imports back unchanged, with its formula cell neutralised', async ({ page }, testInfo) => {
  const first = testInfo.outputPath('accounts.csv');
  writeFileSync(first, FIRST_FILE);
  await createWorkspace(page);
  await page.goto('./#/settings/data');
  await pick(page, first);
  await runImport(page);

  const downloading = page.waitForEvent('download');
  await page.getByTestId('csv-export').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^accounts-\d{4}-\d{2}-\d{2}\.csv$/);
  const exported = testInfo.outputPath(download.suggestedFilename());
  await download.saveAs(exported);
  const text = readFileSync(exported, 'utf8').replace(/^\uFEFF/, '');
  const lines = text.split('\r\n').filter((line) => line !== '');
  expect(lines[0]).toMatch(/^Name,/);
  // Rows come in the records' order, which for records made in one import is not their names'.
  expect(lines.slice(1).map((line) => line.split(',')[0]).sort()).toEqual(['Acme Tools', 'Delta Foods', 'Evergreen Farms']);
  // A spreadsheet runs a cell starting with `=`; the export writes it with a leading quote mark.
  const delta = lines.find((line) => line.startsWith('Delta Foods'));
  expect(delta).toContain(`"'=HYPERLINK(""http://evil.example"",""Click me"")"`);
  expect(lines.some((line) => /(^|,)"?=/.test(line))).toBe(false);

  // Importing the export back finds every account as it is.
  await pick(page, exported);
  await expect(page.getByTestId('csv-preview').locator('li')).toHaveText([/— unchanged$/, /— unchanged$/, /— unchanged$/]);
  const summary = await runImport(page);
  await expect(summary).toHaveText(`Imported ${download.suggestedFilename()}: 0 created, 0 updated, 3 unchanged, 0 rows with problems.`);
  expect(await listedAccounts(page)).toEqual(['Acme Tools', 'Delta Foods', 'Evergreen Farms']);
  await page.getByRole('link', { name: 'Delta Foods' }).click();
  await expect(notes(page)).toHaveText(FORMULA);
});
