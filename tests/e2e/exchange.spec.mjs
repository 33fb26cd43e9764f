// Offline exchange with no server at all: one device saves a workspace file, another merges it.
// The app is served by a plain static server, so there is no relay to sync through.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, expect } from './fixtures.mjs';
import { createAccount, createWorkspace, listedAccounts, saved } from './app.mjs';

test.use({ serveWith: 'static' });

/** The invitation link the settings page offers for the open workspace. */
async function inviteLink(page) {
  await page.goto('./#/settings/sync');
  const link = page.getByTestId('invite-link');
  await expect(link).toHaveValue(/#\/settings\/join\?k=/);
  return link.inputValue();
}

/** Saves the open workspace to a file (optionally only changes since a date) and returns its path. */
async function saveWorkspaceFile(page, dir, name) {
  await page.goto('./#/settings/data');
  const download = page.waitForEvent('download');
  await page.getByTestId('export-file').click();
  const path = join(dir, name);
  await (await download).saveAs(path);
  await expect(page.getByTestId('exchange-result')).toContainText('Saved');
  return path;
}

async function mergeWorkspaceFile(page, path) {
  await page.goto('./#/settings/data');
  await page.getByTestId('import-file').setInputFiles(path);
}

test('a workspace file carries edits to another device with no server between them', async ({ browser, page }, info) => {
  await createWorkspace(page);
  const invite = await inviteLink(page);

  const other = await (await browser.newContext()).newPage();
  await other.goto(invite);
  await other.getByLabel('Your name').fill('Bruno Costa');
  await other.getByTestId('join').click();
  await expect(other.getByTestId('app-ready')).toBeVisible();

  await createAccount(page, 'Carried by file', { city: 'Porto' });
  const file = await saveWorkspaceFile(page, info.outputDir, 'workspace.quota');

  await mergeWorkspaceFile(other, file);
  await expect(other.getByTestId('exchange-result')).toHaveText(/Merged [1-9]\d* new changes from workspace\.quota\./);
  await saved(other);
  expect(await listedAccounts(other)).toEqual(['Carried by file']);

  // Merging the same file again adds nothing, and the edit survives a reload.
  await mergeWorkspaceFile(other, file);
  await expect(other.getByTestId('exchange-result')).toHaveText('Merged 0 new changes from workspace.quota.');
  await other.reload();
  expect(await listedAccounts(other)).toEqual(['Carried by file']);

  // Edits go both ways: the second device's edit comes back to the first in a file of its own.
  await createAccount(other, 'Sent back');
  const reply = await saveWorkspaceFile(other, info.outputDir, 'reply.quota');
  await mergeWorkspaceFile(page, reply);
  await expect(page.getByTestId('exchange-result')).toContainText('Merged');
  expect((await listedAccounts(page)).sort()).toEqual(['Carried by file', 'Sent back']);
});

test('a damaged or foreign workspace file is refused whole and changes nothing', async ({ browser, page }, info) => {
  await createWorkspace(page, 'Acme Sales');
  await createAccount(page, 'Already here');
  const good = await saveWorkspaceFile(page, info.outputDir, 'good.quota');

  // The same file cut short.
  const bytes = await readFile(good);
  const truncated = join(info.outputDir, 'truncated.quota');
  await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await mergeWorkspaceFile(page, truncated);
  await expect(page.getByTestId('exchange-result')).toHaveText(/^Nothing was merged: /);

  // A file from another team's workspace.
  const stranger = await (await browser.newContext()).newPage();
  await createWorkspace(stranger, 'Other Team');
  await createAccount(stranger, 'Not ours');
  const foreign = await saveWorkspaceFile(stranger, info.outputDir, 'foreign.quota');
  await mergeWorkspaceFile(page, foreign);
  await expect(page.getByTestId('exchange-result')).toHaveText(/^Nothing was merged: .*another workspace/);

  expect(await listedAccounts(page)).toEqual(['Already here']);
});
