// How the end-to-end tests and the browser measurements start Chromium: the machine's own build
// (Playwright downloads none here), headless, and without the background traffic that a closed
// network refuses. WebRTC offers plain host addresses, loopback included, instead of mDNS names, so
// two browser contexts on one machine connect peer to peer with no outside server.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--allow-loopback-in-peer-connection',
];

/** The Chromium executable: $QUOTA_CHROMIUM, else the first of the usual names on PATH. */
export function chromiumPath() {
  if (process.env.QUOTA_CHROMIUM) return process.env.QUOTA_CHROMIUM;
  const names = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of names) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not here; keep looking.
      }
    }
  }
  throw new Error('Chromium was not found on PATH: install chromium (`cargo xtask test` does) or set QUOTA_CHROMIUM');
}

/** Options for Playwright's `chromium.launch` and for `use.launchOptions`. */
export function launchOptions() {
  return { executablePath: chromiumPath(), args: chromiumArgs };
}
