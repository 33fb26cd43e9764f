// Interop: clients built on the JavaScript automerge-repo (its Repo and WebSocket client adapter,
// run here in the test process, no browser) sync documents with each other through the relay,
// in both directions, and the relay keeps what they sent across a restart. They present a
// workspace credential on the URL as the app does; the relay registers it on first use.
import { randomBytes } from 'node:crypto';
import { Repo } from '@automerge/automerge-repo';
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import { test, expect } from './fixtures.mjs';

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
