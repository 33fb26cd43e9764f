// The in-browser benchmark, for `cargo xtask bench`.
// Usage: node bench-page.mjs URL
// Opens URL (the app's #/bench route) in headless Chromium, waits for the page to publish its
// results as `window.__quotaBench`, and prints them as JSON. QUOTA_BENCH_TIMEOUT_MS bounds the
// wait (default 10 minutes).
import { chromium } from '@playwright/test';
import { launchOptions } from '../../tests/e2e/chromium.mjs';

const [url] = process.argv.slice(2);
if (!url) {
  console.error('usage: node bench-page.mjs URL');
  process.exit(2);
}
const timeout = Number(process.env.QUOTA_BENCH_TIMEOUT_MS ?? 600_000);

const browser = await chromium.launch(launchOptions());
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`console error: ${message.text()}`);
  });
  await page.goto(url);
  const finished = await page
    .waitForFunction(() => window.__quotaBench !== undefined, null, { timeout, polling: 250 })
    .then(() => true, () => false);
  if (finished) {
    const results = await page.evaluate(() => window.__quotaBench);
    console.log(JSON.stringify(results, null, 2));
  } else {
    console.error(`the benchmark page at ${url} did not set window.__quotaBench within ${timeout} ms`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
}
