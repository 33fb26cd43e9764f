// The reference automerge-repo sync server, for `cargo xtask bench` to measure the relay against.
// Usage: node automerge-repo-server.mjs DATA_DIR [PORT]
// A Repo with the WebSocket server adapter and file storage in DATA_DIR, listening on loopback
// (PORT 0, the default, picks a free port). It prints one line when it is ready:
// `automerge-repo server listening on ws://127.0.0.1:PORT`, and exits on SIGINT or SIGTERM.
// Like the sync server automerge-repo publishes, it takes any client without a credential and
// announces no documents (it answers what clients ask for).
import { once } from 'node:events';
import { Repo } from '@automerge/automerge-repo';
import { WebSocketServerAdapter } from '@automerge/automerge-repo-network-websocket';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { WebSocketServer } from 'ws';

const [dataDir, port = '0'] = process.argv.slice(2);
if (!dataDir) {
  console.error('usage: node automerge-repo-server.mjs DATA_DIR [PORT]');
  process.exit(2);
}

const server = new WebSocketServer({ host: '127.0.0.1', port: Number(port) });
await once(server, 'listening');
const repo = new Repo({
  network: [new WebSocketServerAdapter(server)],
  storage: new NodeFSStorageAdapter(dataDir),
  peerId: `reference-server-${process.pid}`,
  sharePolicy: async () => false,
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    // Pending writes reach the disk before the process ends, as they would on a clean stop.
    await repo.flush();
    server.close();
    process.exit(0);
  });
}
console.log(`automerge-repo server listening on ws://127.0.0.1:${server.address().port}`);
