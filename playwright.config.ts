import type { PluginOptions } from '@grafana/plugin-e2e';
import { defineConfig, devices } from '@playwright/test';

/**
 * @grafana/plugin-e2e specs against a running Grafana: the demo stack of `npm run server`, or any Grafana at
 * GRAFANA_URL with this plugin and the provisioning of docs/provisioning.md. Without a reachable Grafana every
 * spec skips and says why (tests/grafana.ts). CHROMIUM_PATH runs a system Chromium instead of Playwright's.
 * See https://playwright.dev/docs/test-configuration.
 */
const chromiumPath = process.env.CHROMIUM_PATH;

export default defineConfig<PluginOptions>({
  testDir: './tests',
  /* Run tests in files in parallel */
  fullyParallel: true,
  /* Fail the build on CI if you accidentally left test.only in the source code. */
  forbidOnly: !!process.env.CI,
  /* Retry on CI only */
  retries: process.env.CI ? 2 : 0,
  /* The list says on the console why specs were skipped; the HTML report is kept for failures, never opened. */
  reporter: [['list'], ['html', { open: 'never' }]],
  /* Shared settings for all the projects below. See https://playwright.dev/docs/api/class-testoptions. */
  use: {
    /* Base URL to use in actions like `await page.goto('/')`. */
    baseURL: process.env.GRAFANA_URL || 'http://localhost:3000',

    /* Collect trace when retrying the failed test. See https://playwright.dev/docs/trace-viewer */
    trace: 'on-first-retry',

    ...(chromiumPath
      ? {
          launchOptions: {
            executablePath: chromiumPath,
            args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
          },
        }
      : {}),
  },

  /* Configure projects for major browsers */
  projects: [
    // 1. Login to Grafana and store the cookie on disk for use in other tests (skips without a Grafana).
    {
      name: 'auth',
      testMatch: /auth\.setup\.ts$/,
    },
    // 2. Run tests in Google Chrome. Every test will start authenticated as admin user.
    {
      name: 'chromium',
      testMatch: /.*\.spec\.ts$/,
      use: {
        ...devices['Desktop Chrome'],
        storageState: 'playwright/.auth/admin.json',
      },
      dependencies: ['auth'],
    },
  ],
});
