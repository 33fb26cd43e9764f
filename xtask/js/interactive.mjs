// Time from navigation to an interactive app, for `cargo xtask size`.
// Usage: node interactive.mjs URL RUNS [SETUP_URL]
// For each run, a cold load (a new browser profile: empty cache and storage) and then a warm one
// (a reload in that profile). With SETUP_URL, each new profile first visits it and waits for the
// page to set `window.__quotaBench` (the benchmark page storing a workspace), so the cold load
// opens that stored workspace with the app's files already cached. "Interactive" is the moment
// an element [data-interactive] first appears, read from the page's own clock (milliseconds
// since navigation started). Prints {"cold":[ms...],"warm":[ms...]} on stdout.
import { chromium } from '@playwright/test';
import { launchOptions } from '../../tests/e2e/chromium.mjs';

const [url, runsArg = '7', setupUrl] = process.argv.slice(2);
const runs = Number(runsArg);
if (!url || !(runs > 0)) {
  console.error('usage: node interactive.mjs URL RUNS [SETUP_URL]');
  process.exit(2);
}
const TIMEOUT_MS = 120_000;

function recordReadyTime() {
  const seen = () => {
    if (window.__quotaReadyAt === undefined && document.querySelector('[data-interactive]')) {
      window.__quotaReadyAt = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
}

async function timeToReady(page, navigate) {
  await navigate();
  await page.waitForFunction(() => window.__quotaReadyAt !== undefined, null, { timeout: TIMEOUT_MS });
  return page.evaluate(() => window.__quotaReadyAt);
}

const browser = await chromium.launch(launchOptions());
const cold = [];
const warm = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    await context.addInitScript(recordReadyTime);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    if (setupUrl) {
      await page.goto(setupUrl);
      await page.waitForFunction(() => window.__quotaBench !== undefined, null, { timeout: TIMEOUT_MS });
      const outcome = await page.evaluate(() => window.__quotaBench);
      if (outcome.error) throw new Error(`setting up at ${setupUrl} failed: ${outcome.error}`);
    }
    cold.push(await timeToReady(page, () => page.goto(url, { waitUntil: 'commit' })));
    warm.push(await timeToReady(page, () => page.reload({ waitUntil: 'commit' })));
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ cold, warm }));
