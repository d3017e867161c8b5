/**
 * The published CLI as a user gets it: `npm run build:cli`, `npm pack ./cli`, the tarball installed into an
 * empty directory with no network, and every command run there (outside the repository, so nothing can be
 * found through the working directory or the repository's node_modules).
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { version } from '../../package.json';
import { REPO_ROOT } from '../../test/aisre';
import { type FakeMetricsApi, startFakeMetricsApi } from '../../test/fakeMetricsApi';
import { runCommand, runOrThrow } from '../../test/processes';

jest.setTimeout(120_000);

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: Array<{ path: string }>;
}

describe('the @aisre/cli package, installed from its tarball', () => {
  let dir: string;
  let install: string;
  let packed: PackResult;
  let api: FakeMetricsApi;
  const aisre = (...args: string[]) =>
    runCommand(join(install, 'node_modules', '.bin', 'aisre'), args, { cwd: install, timeoutMs: 30_000 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aisre-package-'));
    install = join(dir, 'install');
    await mkdir(install);
    // cli/ was built by jest's global setup (tools/jest/globalSetup.js); rebuilding here would race other workers.
    const npm = ['--cache', join(dir, 'npm-cache'), '--no-audit', '--no-fund', '--loglevel=error'];
    const pack = await runOrThrow(
      'npm',
      ['pack', join(REPO_ROOT, 'cli'), '--pack-destination', dir, '--json', ...npm],
      {
        cwd: dir,
        timeoutMs: 60_000,
      }
    );
    [packed] = JSON.parse(pack.stdout) as PackResult[];
    await runOrThrow('npm', ['install', '--offline', join(dir, packed.filename), ...npm], {
      cwd: install,
      timeoutMs: 60_000,
    });
    api = await startFakeMetricsApi({
      kind: 'answer',
      json: {
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: { outcome: 'answered' }, value: [0, '500'] }] },
      },
    });
  }, 180_000);

  afterAll(async () => {
    await api?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('ships the bundle, the dashboards and the rules: no sources, tests, harness or images', () => {
    const paths = packed.files.map((f) => f.path).sort();
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'dist/aisre.js',
        'dashboards/model-slis.json',
        'alerting/grafana/alert-rules.yaml',
      ])
    );
    expect(paths.filter((p) => /\.(ts|tsx|png|map)$|test|testing|^src\//.test(p))).toEqual([]);
  });

  it('installs nothing but itself (no Grafana UI, no React, no tsx)', () => {
    expect(readdirSync(join(install, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual(['@aisre']);
  });

  it('--version and --help', async () => {
    expect(await aisre('--version')).toMatchObject({ code: 0, stdout: `aisre ${version}\n` });
    expect(await aisre('--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('Commands:') });
    for (const command of ['impact', 'doctor', 'simulate', 'provision']) {
      expect(await aisre(command, '--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage:') });
    }
    expect(await aisre('bogus')).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'bogus'") });
  });

  it('simulate writes samples and the truth', async () => {
    const result = await aisre(
      ...['simulate', '--from', '1714521600', '--to', '1714525200', '--rate', '0.1', '--out', 'samples.om'],
      ...['--truth', 'truth.json']
    );
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(await readFile(join(install, 'samples.om'), 'utf8')).toMatch(/^# TYPE [\s\S]*# EOF\n$/);
    expect(JSON.parse(await readFile(join(install, 'truth.json'), 'utf8'))).toHaveProperty('incidents');
  });

  it("provision writes the package's own dashboards and alert rules", async () => {
    await writeFile(join(install, 'teams.yaml'), 'teams:\n  - name: search\n    title: Search\n');
    const result = await aisre('provision', '--teams', 'teams.yaml', '--out', 'provisioning');
    expect(result.code).toBe(0);
    const packageDir = join(install, 'node_modules', '@aisre', 'cli');
    expect(result.stdout).toContain(`dashboards: 3 from ${join(packageDir, 'dashboards')}`);
    expect(result.stdout).toContain(`alert rules: alert-rules.yaml from ${join(packageDir, 'alerting', 'grafana')}`);
    expect(existsSync(join(install, 'provisioning', 'dashboards', 'Search', 'model-slis.json'))).toBe(true);
    expect(existsSync(join(install, 'provisioning', 'alerting', 'alert-rules.yaml'))).toBe(true);
  });

  it('impact queries a Prometheus API and writes the report', async () => {
    const result = await aisre(
      ...['impact', '--prometheus', api.url, '--from', '2026-01-10T01:00:00Z', '--to', '2026-01-10T02:00:00Z'],
      ...['--sli', 'refusal_rate']
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^## Impact[\s\S]*\| Refusals \|/);
    expect(api.requests.length).toBeGreaterThan(0);
  });
});
