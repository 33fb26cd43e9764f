// Playwright's configuration for the end-to-end tests: every spec in this directory, in the
// machine's headless Chromium, each test against its own relay (see fixtures.mjs).
import { defineConfig } from '@playwright/test';
import { launchOptions } from './chromium.mjs';

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.mjs',
  outputDir: './results',
  // Two cores: one worker per core, each with its own browser and relays.
  workers: 2,
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  // A test that needs a retry to pass is a failing test.
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 720 },
    launchOptions: launchOptions(),
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [{ name: 'chromium' }],
});
