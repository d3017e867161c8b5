/**
 * The README's walk-through, run as written: its `aisre simulate` line, its prometheus.yml (checked by
 * promtool), a backfill into a real Prometheus, and its `aisre impact` line, whose output must be the README's
 * block byte for byte. `UPDATE_README=1 npx jest src/cli/readme.integration.test.ts` rewrites the block.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { REPO_ROOT, runAisre } from '../../test/aisre';
import { runOrThrow } from '../../test/processes';
import { type StartedEngine, startPrometheus } from '../../test/prometheus';

jest.setTimeout(120_000);

const README = join(REPO_ROOT, 'README.md');
const OUTPUT_MARK = "<!-- The block below is the command's output, verbatim";

/** A console block's `$ ` commands as argument lists: single quotes and backslash-newline, as sh reads them. */
function commands(block: string): string[][] {
  const joined = block.replace(/\\\n\s*/g, ' ');
  return joined
    .split('\n')
    .filter((line) => line.startsWith('$ '))
    .map((line) =>
      [
        ...line
          .slice(2)
          .replace(/\s+&$/, '')
          .matchAll(/'([^']*)'|(\S+)/g),
      ].map((m) => m[1] ?? m[2])
    );
}

function section(readme: string) {
  const start = readme.indexOf('### `aisre impact`');
  const text = readme.slice(start, readme.indexOf('### The JSON report', start));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(text)?.[1];
  const console = /```console\n([\s\S]*?)```/.exec(text)?.[1];
  const output = /````markdown\n([\s\S]*?\n)````/.exec(text.slice(text.indexOf(OUTPUT_MARK)));
  if (!yaml || !console || !output) {
    throw new Error('README: the aisre impact section lost its prometheus.yml, its commands or its output block');
  }
  return { yaml, steps: commands(console), output: output[1] };
}

describe("the README's aisre impact walk-through", () => {
  let dir: string;
  let prometheus: StartedEngine;
  let readme: string;
  let walkThrough: ReturnType<typeof section>;

  beforeAll(async () => {
    readme = await readFile(README, 'utf8');
    walkThrough = section(readme);
    dir = await mkdtemp(join(tmpdir(), 'aisre-readme-'));
    const simulate = walkThrough.steps.find((args) => args[0] === 'aisre' && args[1] === 'simulate')!;
    const inDir = (arg: string) => (/\.(om|json)$/.test(arg) ? join(dir, arg) : arg);
    const result = await runAisre(simulate.slice(1).map(inDir), { timeoutMs: 100_000 });
    expect(result.code).toBe(0);
    prometheus = await startPrometheus({ openMetricsFile: join(dir, 'day.om'), readyTimeoutMs: 90_000 });
  }, 300_000);

  afterAll(async () => {
    await prometheus?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('has a prometheus.yml that promtool accepts, and the commands it is used with', async () => {
    await writeFile(join(dir, 'prometheus.yml'), walkThrough.yaml);
    await runOrThrow('promtool', ['check', 'config', join(dir, 'prometheus.yml')], { timeoutMs: 30_000 });
    expect(walkThrough.steps.map((args) => args.slice(0, 2).join(' '))).toEqual([
      'aisre simulate',
      'promtool tsdb',
      'prometheus --config.file=prometheus.yml',
      'aisre impact',
    ]);
  });

  it('prints exactly the output the README shows', async () => {
    const impact = walkThrough.steps.find((args) => args[0] === 'aisre' && args[1] === 'impact')!;
    const args = impact.slice(1).map((arg) => (arg === 'http://127.0.0.1:9090' ? prometheus.url : arg));
    expect(args).toContain(prometheus.url);
    const result = await runAisre(args);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    if (process.env.UPDATE_README === '1' && result.stdout !== walkThrough.output) {
      await writeFile(README, readme.replace(walkThrough.output, result.stdout));
      return;
    }
    expect(result.stdout).toBe(walkThrough.output);
  });
});
