// Interop: clients built on the JavaScript automerge-repo (its Repo and WebSocket client adapter,
// run here in the test process, no browser) sync documents with each other through the relay,
// in both directions, and the relay keeps what they sent across a restart; and such a client
// and the app in the browser edit the same record, each seeing the other's edit. They present a
// workspace credential on the URL as the app does; the relay registers it on first use.
import { createHash, randomBytes } from 'node:crypto';
import { Repo, stringifyAutomergeUrl } from '@automerge/automerge-repo';
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import { test, expect } from './fixtures.mjs';
import { createAccount, createWorkspace, editAccount, syncedWithRelay } from './app.mjs';

/** A fresh workspace credential: 32 hex digits of id and 64 of token, as the app derives them. */
function credential() {
  return { workspace: randomBytes(16).toString('hex'), token: randomBytes(32).toString('hex') };
}

function syncUrl(relay, { workspace, token }) {
  return `${relay.url.replace(/^http/, 'ws')}/sync?workspace=${workspace}&token=${token}`;
}

/** An automerge-repo client with no storage of its own, connected to the relay. */
function client(relay, workspace) {
  return new Repo({ network: [new WebSocketClientAdapter(syncUrl(relay, workspace))], sharePolicy: async () => true });
}

/** Whether the relay has said it holds every change of the handle's document. */
function relayHasAll(repo, handle) {
  const [relayPeer] = repo.peers;
  const storageId = relayPeer && repo.getStorageIdOfPeer(relayPeer);
  const info = storageId && handle.getSyncInfo(storageId);
  return Boolean(info) && [...info.lastHeads].sort().join() === [...handle.heads()].sort().join();
}

test.describe('automerge-repo clients through the relay', () => {
  const repos = [];
  const connect = (relay, workspace) => {
    const repo = client(relay, workspace);
    repos.push(repo);
    return repo;
  };
  test.afterEach(async () => {
    await Promise.all(repos.splice(0).map((repo) => repo.shutdown()));
  });

  test('a document one client creates reaches another, and the second one’s edits come back', async ({ relay }) => {
    const workspace = credential();
    const ann = connect(relay, workspace);
    const made = ann.create({ title: 'Q3 plan', stage: 'lead' });
    await expect.poll(() => relayHasAll(ann, made), { timeout: 15_000 }).toBe(true);

    const ben = connect(relay, workspace);
    const found = await ben.find(made.url);
    expect(found.doc()).toEqual({ title: 'Q3 plan', stage: 'lead' });

    found.change((doc) => {
      doc.stage = 'won';
    });
    await expect.poll(() => made.doc().stage, { timeout: 15_000 }).toBe('won');
    made.change((doc) => {
      doc.owner = 'Ann';
    });
    await expect.poll(() => found.doc().owner, { timeout: 15_000 }).toBe('Ann');
  });

  test('concurrent edits from two clients converge on the same document', async ({ relay }) => {
    const workspace = credential();
    const ann = connect(relay, workspace);
    const made = ann.create({ notes: {} });
    await expect.poll(() => relayHasAll(ann, made), { timeout: 15_000 }).toBe(true);
    const ben = connect(relay, workspace);
    const found = await ben.find(made.url);

    for (let i = 0; i < 20; i += 1) {
      made.change((doc) => {
        doc.notes[`ann-${i}`] = i;
        doc.last = `ann-${i}`;
      });
      found.change((doc) => {
        doc.notes[`ben-${i}`] = i;
        doc.last = `ben-${i}`;
      });
    }
    const sameHeads = () => [...made.heads()].sort().join() === [...found.heads()].sort().join();
    await expect.poll(sameHeads, { timeout: 15_000 }).toBe(true);
    expect(Object.keys(made.doc().notes)).toHaveLength(40);
    expect(found.doc()).toEqual(made.doc());
  });

  test('a document survives a relay restart and is served to a client that arrives later', async ({ relay }) => {
    const workspace = credential();
    const ann = connect(relay, workspace);
    const made = ann.create({ title: 'Kept across restarts' });
    await expect.poll(() => relayHasAll(ann, made), { timeout: 15_000 }).toBe(true);
    await Promise.all(repos.splice(0).map((repo) => repo.shutdown()));

    await relay.restart();
    const ben = connect(relay, workspace);
    const found = await ben.find(made.url);
    expect(found.doc()).toEqual({ title: 'Kept across restarts' });
  });

  test('a client with another workspace’s id and the wrong token gets nothing', async ({ relay }) => {
    const workspace = credential();
    const ann = connect(relay, workspace);
    const made = ann.create({ secret: 'margins' });
    await expect.poll(() => relayHasAll(ann, made), { timeout: 15_000 }).toBe(true);

    const mallory = connect(relay, { workspace: workspace.workspace, token: credential().token });
    await expect(mallory.find(made.url, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
  });
});

/**
 * What the app derives from a workspace key (see `WorkspaceKey` in the core crate), computed here
 * independently: SHA-256 of `quota/<purpose>/` and the key's bytes.
 */
function derived(keyHex) {
  const key = Buffer.from(keyHex, 'hex');
  const derive = (purpose) => createHash('sha256').update(`quota/${purpose}/`).update(key).digest();
  return {
    credential: { workspace: derive('workspace-id').subarray(0, 16).toString('hex'), token: derive('relay-token').toString('hex') },
    url: (doc) => stringifyAutomergeUrl(new Uint8Array(derive(`doc/${doc}`).subarray(0, 16))),
  };
}

test('the app and an automerge-repo client edit the same account through the relay, each seeing the other', async ({
  page,
  relay,
}) => {
  await createWorkspace(page);
  await createAccount(page, 'Interop Ltd');
  const accountId = page.url().split('/').pop();
  await syncedWithRelay(page);
  const [entry] = await page.evaluate(() => JSON.parse(localStorage.getItem('quota.workspaces')));
  const { credential: workspace, url } = derived(entry.key);

  const repo = new Repo({ network: [new WebSocketClientAdapter(syncUrl(relay, workspace))], sharePolicy: async () => true });
  try {
    // Accounts are spread over four documents; the one holding this account is the one that has it.
    let handle;
    for (let shard = 0; shard < 4 && !handle; shard += 1) {
      const found = await repo.find(url(`accounts/${shard}`)).catch(() => undefined);
      if (found?.doc()?.[accountId]) handle = found;
    }
    expect(handle, 'the account reached the client through the relay').toBeDefined();
    // The app stores short text as plain strings; this client reads them as immutable strings.
    expect(String(handle.doc()[accountId].name)).toBe('Interop Ltd');

    // The client renames it; the open account page shows the new name without a reload.
    await page.goto(`./#/accounts/${accountId}`);
    await expect(page.getByRole('heading', { level: 1, name: 'Interop Ltd' })).toBeVisible();
    handle.change((doc) => {
      doc[accountId].name = 'Interop Group';
    });
    await expect(page.getByRole('heading', { level: 1, name: 'Interop Group' })).toBeVisible({ timeout: 15_000 });

    // The app adds a city; the client's copy of the document gets it.
    await editAccount(page, 'Interop Group', { city: 'Lisbon' });
    await expect.poll(() => String(handle.doc()[accountId].city), { timeout: 15_000 }).toBe('Lisbon');
    expect(String(handle.doc()[accountId].name)).toBe('Interop Group');
  } finally {
    await repo.shutdown();
  }
});
