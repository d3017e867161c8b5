/**
 * Two jest runs started at once each run the global setup's CLI build. The build moves finished files into place,
 * so neither breaks the other (it once failed with `EEXIST mkdir cli/dashboards`), nor a test running the bundle.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { AISRE_BUNDLE, REPO_ROOT } from '../../test/aisre';
import { runCommand } from '../../test/processes';

const SETUP = join(__dirname, 'globalSetup.js');
const TIMEOUT_MS = 90_000;

/** One jest run's global setup, in a process of its own, as jest runs it. */
const globalSetup = () =>
  runCommand(process.execPath, ['-e', `require(${JSON.stringify(SETUP)})()`], {
    cwd: REPO_ROOT,
    timeoutMs: TIMEOUT_MS / 3,
  });

test(
  'three global setups at once all build, and the bundle runs throughout',
  async () => {
    let building = true;
    const setups = Promise.all([globalSetup(), globalSetup(), globalSetup()]).finally(() => {
      building = false;
    });
    // A test already running the CLI while another run rebuilds it: every start must find a whole bundle.
    const runs: Array<{ code: number | null; stderr: string }> = [];
    while (building) {
      runs.push(await runCommand(process.execPath, [AISRE_BUNDLE, '--help'], { timeoutMs: TIMEOUT_MS / 3 }));
    }
    const results = await setups;

    expect(results.map((r) => ({ code: r.code, stderr: r.stderr }))).toEqual(
      results.map(() => ({ code: 0, stderr: '' }))
    );
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.filter((r) => r.code !== 0)).toEqual([]);
    expect(readdirSync(join(REPO_ROOT, 'cli', 'dashboards')).sort()).toEqual(
      readdirSync(join(REPO_ROOT, 'src', 'dashboards'))
        .filter((f) => f.endsWith('.json'))
        .sort()
    );
    // No staging folder is left behind.
    expect(readdirSync(join(REPO_ROOT, 'cli')).filter((f) => f.startsWith('.build-'))).toEqual([]);
  },
  TIMEOUT_MS
);
