// The end-to-end harness. Specs import `test` and `expect` from here instead of from
// '@playwright/test'. Every test gets a fresh release relay on a free loopback port, with an empty
// data directory of its own and the built app (dist/) as its static directory, and `baseURL`
// pointing at it, so `page.goto('./')` opens the app.
//
// Fixtures:
//   relay        the test's relay: { url, port, dataDir, stop(), start(), restart(), log() }.
//                `null` under `test.use({ serveWith: 'static' })`.
//   spawnRelay   async (options?) => Relay: another relay (say, a second team's), stopped after
//                the test. Options: { dataDir, staticDir, env, port }.
//   staticServer under `test.use({ serveWith: 'static' })`: the app served by a plain static file
//                server with no sync endpoint, at the sub-path `basePath` (default '/'), as any
//                static host would. `baseURL` then points there.
// Options (set with `test.use`): serveWith: 'relay' | 'static', basePath: '/quota/app/'.
//
// Environment: QUOTA_RELAY_BIN (default target/release/quota-relay) and QUOTA_DIST_DIR (default
// dist/), which `cargo xtask test` sets.
import { test as base, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export { expect };

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const relayBin = process.env.QUOTA_RELAY_BIN ?? join(root, 'target', 'release', 'quota-relay');
export const distDir = process.env.QUOTA_DIST_DIR ?? join(root, 'dist');

const READY = /^quota-relay listening on (http:\/\/\S+)$/;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const KEPT_LOG_LINES = 200;

/** Parses the relay's ready line; returns its URL or null. */
export function parseReadyLine(line) {
  const match = READY.exec(line.trimEnd());
  return match ? match[1] : null;
}

/** A release relay process. `start()` it; `stop()` sends SIGINT and waits, as Ctrl-C would. */
export class Relay {
  constructor({ dataDir, staticDir = distDir, env = {}, port = 0 }) {
    this.dataDir = dataDir;
    this.staticDir = staticDir;
    this.env = env;
    this.port = port;
    this.url = null;
    this.process = null;
    this.lines = [];
  }

  /** Starts the relay and resolves once it prints its ready line. */
  async start() {
    if (this.process) throw new Error('the relay is already running');
    if (!existsSync(relayBin)) {
      throw new Error(`${relayBin} is missing: build it with \`cargo build --release -p quota-relay\``);
    }
    mkdirSync(this.dataDir, { recursive: true });
    const args = ['--listen', `127.0.0.1:${this.port}`, '--data-dir', this.dataDir, '--static-dir', this.staticDir];
    const child = spawn(relayBin, args, { env: relayEnv(this.env), stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    const exited = once(child, 'exit');
    this.exited = exited;
    createInterface({ input: child.stderr }).on('line', (line) => this.#keep(line));
    const ready = new Promise((resolveReady) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const url = parseReadyLine(line);
        if (url && !this.url) resolveReady(url);
        else this.#keep(line);
      });
    });
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no ready line within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    });
    const early = exited.then(([code, signal]) => {
      throw new Error(`exited before it was ready (code ${code}, signal ${signal})`);
    });
    try {
      this.url = await Promise.race([ready, timeout, early]);
    } catch (error) {
      child.kill('SIGKILL');
      this.process = null;
      throw new Error(`the relay did not start: ${error.message}\n${this.log()}`);
    } finally {
      clearTimeout(timer);
    }
    this.port = Number(new URL(this.url).port);
    return this;
  }

  /**
   * Stops the relay as Ctrl-C would and resolves to `{ code, signal }` once it has exited. A relay
   * still running after 15 s is killed and the promise rejects.
   */
  async stop() {
    const child = this.process;
    if (!child) throw new Error('the relay is not running');
    this.process = null;
    this.url = null;
    if (child.exitCode !== null || child.signalCode !== null) {
      return { code: child.exitCode, signal: child.signalCode };
    }
    child.kill('SIGINT');
    let timer;
    const late = new Promise((resolveLate) => {
      timer = setTimeout(() => resolveLate(null), STOP_TIMEOUT_MS);
    });
    const exit = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (!exit) {
      child.kill('SIGKILL');
      await this.exited;
      throw new Error(`the relay did not exit within ${STOP_TIMEOUT_MS} ms of SIGINT and was killed\n${this.log()}`);
    }
    const [code, signal] = exit;
    return { code, signal };
  }

  /** Stops the relay and starts it again on the same port with the same data. */
  async restart() {
    await this.stop();
    return this.start();
  }

  get running() {
    return this.process !== null;
  }

  /** The relay's recent output, for failure messages and attachments. */
  log() {
    return this.lines.join('\n');
  }

  #keep(line) {
    this.lines.push(line);
    if (this.lines.length > KEPT_LOG_LINES) this.lines.shift();
  }
}

/** The relay's environment: this process's, less any QUOTA_* settings that would change it. */
function relayEnv(extra) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('QUOTA_')));
  return { ...env, RUST_LOG: process.env.RUST_LOG ?? 'info', ...extra };
}

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `dir` under `basePath` on a free loopback port, as a plain static host would: files only,
 * `index.html` for the base path itself, 404 for anything else. Resolves to { url, close() }.
 */
export async function serveStatic({ dir = distDir, basePath = '/' } = {}) {
  const prefix = basePath.endsWith('/') ? basePath : `${basePath}/`;
  const rootDir = resolve(dir);
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    if (!path.startsWith(prefix) || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404).end();
      return;
    }
    const relative = path.slice(prefix.length) || 'index.html';
    const file = normalize(join(rootDir, relative));
    if (!file.startsWith(rootDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    response.writeHead(200, { 'content-type': type });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () => new Promise((done) => server.close(done)),
  };
}

export const test = base.extend({
  serveWith: ['relay', { option: true }],
  basePath: ['/', { option: true }],

  relay: async ({ serveWith }, use, testInfo) => {
    if (serveWith !== 'relay') {
      await use(null);
      return;
    }
    const relay = await new Relay({ dataDir: testInfo.outputPath('relay-data') }).start();
    await use(relay);
    try {
      if (relay.running) await relay.stop();
    } finally {
      await testInfo.attach('relay log', { body: relay.log(), contentType: 'text/plain' });
    }
  },

  spawnRelay: async ({}, use, testInfo) => {
    const started = [];
    await use(async (options = {}) => {
      const dataDir = options.dataDir ?? testInfo.outputPath(`relay-data-${started.length + 2}`);
      const relay = new Relay({ ...options, dataDir });
      started.push(relay);
      return relay.start();
    });
    for (const [i, relay] of started.entries()) {
      try {
        if (relay.running) await relay.stop();
      } finally {
        await testInfo.attach(`relay ${i + 2} log`, { body: relay.log(), contentType: 'text/plain' });
      }
    }
  },

  staticServer: async ({ serveWith, basePath }, use) => {
    if (serveWith !== 'static') {
      await use(null);
      return;
    }
    const server = await serveStatic({ basePath });
    await use(server);
    await server.close();
  },

  baseURL: async ({ serveWith, relay, staticServer }, use) => {
    await use(serveWith === 'static' ? staticServer.url : `${relay.url}/`);
  },
});
