/**
 * The browser harness' own costs, so a slow browser test can be told apart from a slow plugin: building
 * (or reusing) the host bundle, opening the host page until Grafana's runtime is set up, and loading the
 * built app through its AMD module to the Incidents page on screen.
 */
import { performance } from 'node:perf_hooks';

import { startBrowserHarness } from './browser';
import { ensureHostBundle } from './hostBundle';
import { ensureBuiltPlugin } from './pluginDist';

const RUNS = 5;
const APP_PATH = '/a/aisre-reliability-app/incidents';

function summary(label: string, timings: number[]): string {
  const sorted = [...timings].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `${label}, median of ${sorted.length}: ${median.toFixed(0)} ms (min ${sorted[0].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms)`;
}

async function run() {
  await ensureBuiltPlugin();
  const bundleStart = performance.now();
  const bundle = await ensureHostBundle();
  process.stdout.write(
    `host bundle ${bundle.built ? 'built' : 'reused from the cache'}: ${(performance.now() - bundleStart).toFixed(0)} ms\n`
  );
  const harness = await startBrowserHarness();
  try {
    const hostReady: number[] = [];
    const pageShown: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await harness.browser.newContext();
      const page = await context.newPage();
      const start = performance.now();
      await page.goto(`${harness.grafana.url}${APP_PATH}`);
      await page.waitForFunction(() => window.aisreHostReady !== undefined, undefined, { timeout: 120_000 });
      const ready = performance.now();
      await page.evaluate(
        (path) => window.aisreHost!.renderAppPage({ pluginId: 'aisre-reliability-app', path }),
        APP_PATH
      );
      await page.getByTestId('data-testid incidents-container').waitFor({ timeout: 120_000 });
      hostReady.push(ready - start);
      pageShown.push(performance.now() - ready);
      await context.close();
    }
    process.stdout.write(
      [
        summary('fresh page to Grafana runtime ready (host bundle parsed and run)', hostReady),
        summary('app module.js + lazy page chunk to the Incidents page on screen', pageShown),
        '',
      ].join('\n')
    );
  } finally {
    await harness.close();
  }
}

export const browserBenchmark = { name: 'browser', run };
