import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './errors';
import { provisionCommand } from './provision';
import { fixtureBundle, readTree } from '../provisioning/testFixtures';
import { runAisre } from '../../test/aisre';

describe('aisre provision', () => {
  let work: string;
  let teams: string;
  let dashboards: string;
  let out: string;
  let stdout: jest.SpyInstance;

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'aisre-provision-cli-'));
    teams = join(work, 'teams.yaml');
    dashboards = join(work, 'dashboards');
    out = join(work, 'out');
    mkdirSync(dashboards);
    for (const { file, dashboard } of fixtureBundle()) {
      writeFileSync(join(dashboards, file), JSON.stringify(dashboard, null, 2));
    }
    writeFileSync(teams, 'teams:\n  - name: search\n    title: Search\n  - name: assistants\n    title: Assistants\n');
    mkdirSync(join(work, 'alerting'));
    writeFileSync(join(work, 'alerting', 'rules.yaml'), 'apiVersion: 1\ngroups: []\n');
    writeFileSync(join(work, 'alerting', 'notes.txt'), 'not provisioning');
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    stdout.mockRestore();
    rmSync(work, { recursive: true, force: true });
  });

  const run = (...extra: string[]) =>
    provisionCommand([
      '--teams',
      teams,
      '--out',
      out,
      '--dashboards',
      dashboards,
      '--alerting',
      join(work, 'alerting'),
      ...extra,
    ]);

  async function usageErrorOf(promise: Promise<void>): Promise<string> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e
    );
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }

  it('writes the preset or config as the app’s jsonData, and refuses an invalid one', async () => {
    await run('--preset', 'otel-genai');
    const app = readFileSync(join(out, 'plugins', 'aisre.yaml'), 'utf8');
    expect(app).toMatch(/jsonData:\n\s+preset: otel-genai/);
    const config = join(work, 'settings.json');
    writeFileSync(config, JSON.stringify({ preset: 'openlit', thresholds: { page: 0.01 } }));
    expect(await usageErrorOf(run('--config', config, '--force'))).toMatch(
      /thresholds\.page: The page relative regression/
    );
  });

  it('generates the dashboards and rules for --preset, Grafana-managed and Prometheus alike', async () => {
    await provisionCommand(['--teams', teams, '--out', out, '--preset', 'otel-genai']);
    const tree = readTree(out);
    expect(Object.keys(tree).filter((p) => p.startsWith('dashboards/Search/') || p.startsWith('prometheus/'))).toEqual([
      'dashboards/Search/agents-security.json',
      'dashboards/Search/model-slis.json',
      'prometheus/alert-rules.yaml',
      'prometheus/recording-rules.yaml',
    ]);
    const model = JSON.parse(tree['dashboards/Search/model-slis.json']);
    expect(model.title).toBe('AI Reliability (OpenTelemetry GenAI) / Model SLIs (Search)');
    expect(JSON.stringify(model)).toContain('gen_ai_client_operation_duration_seconds_count');
    expect(JSON.stringify(model)).not.toContain('llm_requests_total');
    expect(tree['alerting/alert-rules.yaml']).toContain('error_type');
    expect(tree['alerting/alert-rules.yaml']).not.toContain('llm_requests_total');
    expect(tree['prometheus/recording-rules.yaml']).toContain('team_job_endpoint_gen_ai_request_model');
    const printed = stdout.mock.calls.map((c) => String(c[0])).join('');
    expect(printed).toContain('dashboards: 2 generated for the otel-genai profile, one copy per team');
    expect(printed).toContain('prometheus rules: prometheus/recording-rules.yaml, prometheus/alert-rules.yaml');
  });

  it('writes the tree for two teams and says what it did', async () => {
    await run();
    expect(Object.keys(readTree(out))).toEqual([
      '.aisre-provision.json',
      'alerting/rules.yaml',
      'dashboards/Assistants/agents-security.json',
      'dashboards/Assistants/model-slis.json',
      'dashboards/Assistants/retrieval.json',
      'dashboards/Search/agents-security.json',
      'dashboards/Search/model-slis.json',
      'dashboards/Search/retrieval.json',
      'dashboards/aisre.yaml',
      'datasources/aisre.yaml',
      'plugins/aisre.yaml',
    ]);
    expect(stdout).toHaveBeenCalledWith(expect.stringContaining('2 team(s)'));
    expect(stdout).toHaveBeenCalledWith(expect.stringContaining('10 written, 0 unchanged, 0 removed'));
  });

  it('is idempotent: a second run leaves the same bytes', async () => {
    await run();
    const first = readTree(out);
    await run();
    expect(readTree(out)).toEqual(first);
    expect(stdout).toHaveBeenLastCalledWith(expect.stringContaining('0 written, 10 unchanged, 0 removed'));
  });

  it('removes the folder of a team dropped from the teams file', async () => {
    await run();
    writeFileSync(teams, 'teams:\n  - name: search\n    title: Search\n');
    await run();
    expect(existsSync(join(out, 'dashboards', 'Assistants'))).toBe(false);
    expect(existsSync(join(out, 'dashboards', 'Search', 'model-slis.json'))).toBe(true);
    expect(stdout).toHaveBeenCalledWith(
      expect.stringContaining('\n  removed   dashboards/Assistants/model-slis.json\n')
    );
  });

  it('passes the data source flags into the files', async () => {
    await run(
      '--datasource-url',
      'https://mimir.example/prometheus',
      '--datasource-uid',
      'mimir',
      '--scrape-interval',
      '30s'
    );
    const datasource = parseYaml(readTree(out)['datasources/aisre.yaml']).datasources[0];
    expect(datasource).toMatchObject({ uid: 'mimir', name: 'mimir', url: 'https://mimir.example/prometheus' });
    expect(datasource.jsonData.timeInterval).toBe('30s');
  });

  it('writes no data source with --existing-datasource', async () => {
    await run('--existing-datasource', '--datasource-uid', 'prod-prom');
    const tree = readTree(out);
    expect(tree['datasources/aisre.yaml']).toBeUndefined();
    expect(tree['dashboards/Search/retrieval.json']).toContain('"value": "prod-prom"');
  });

  it('reports a bad teams file as a usage error naming the problem', async () => {
    writeFileSync(teams, 'teams:\n  - name: Search\n');
    expect(await usageErrorOf(run())).toMatch(/teams\[0\]: name 'Search' is not a valid slug/);
    expect(existsSync(out)).toBe(false);
  });

  it('reports a missing teams file, dashboards directory or alerting directory', async () => {
    rmSync(teams);
    expect(await usageErrorOf(run())).toMatch(/teams file .* does not exist/);
    writeFileSync(teams, 'teams: [{ name: search }]\n');
    expect(
      await usageErrorOf(provisionCommand(['--teams', teams, '--out', out, '--dashboards', join(work, 'nope')]))
    ).toMatch(/dashboards directory .*nope does not exist/);
    rmSync(join(work, 'alerting'), { recursive: true });
    expect(await usageErrorOf(run())).toMatch(/--alerting directory .* does not exist/);
  });

  it('reports a dashboard it cannot copy', async () => {
    writeFileSync(join(dashboards, 'broken.json'), '{ "uid": ');
    expect(await usageErrorOf(run())).toMatch(/broken\.json: not valid JSON/);
  });

  it.each([
    [['--teams', 'x.yaml'], /--teams and --out are required/],
    [['--teams', 'x.yaml', '--out', 'o', '--bogus'], /Unknown option '--bogus'/],
    [['--teams', 'x.yaml', '--out', 'o', '--org-id', '0'], /--org-id must be a positive integer/],
    [['--teams', 'x.yaml', '--out', 'o', '--scrape-interval', 'soon'], /--scrape-interval must be a duration/],
    [['--teams', 'x.yaml', '--out', 'o', '--datasource-url', 'prometheus:9090'], /--datasource-url must be an http/],
    [['--teams', 'x.yaml', '--out', 'o', '--datasource-uid', 'has space'], /--datasource-uid must be/],
    [['--teams', 'x.yaml', '--out', 'o', '--grafana-path', 'relative'], /--grafana-path must be an absolute path/],
    [
      ['--teams', 'x.yaml', '--out', 'o', '--existing-datasource', '--datasource-url', 'http://p:9090'],
      /--existing-datasource writes no data source/,
    ],
  ])('rejects the command line %j', async (args, message) => {
    expect(await usageErrorOf(provisionCommand(args))).toMatch(message);
  });

  it('refuses credentials in --datasource-url without printing them', async () => {
    const url = 'http://reports:pa55-w0rd-never-printed@prometheus:9090';
    const message = await usageErrorOf(provisionCommand(['--teams', 'x.yaml', '--out', 'o', '--datasource-url', url]));
    expect(message).toMatch(/--datasource-url must not carry credentials.*use http:\/\/prometheus:9090 /);
    expect(message).not.toContain('pa55-w0rd-never-printed');
  });

  it('exits with 2 and the reason on stderr when run as `aisre provision`', () => {
    writeFileSync(teams, 'teams:\n  - name: search\n  - name: search\n');
    const root = resolve(__dirname, '../..');
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/aisre.ts', 'provision', '--teams', teams, '--out', out],
      {
        cwd: root,
        encoding: 'utf8',
      }
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`aisre provision: ${teams}: teams[0] and teams[1] are both named 'search'\n`);
    expect(existsSync(out)).toBe(false);
  }, 30_000);

  it("run from another directory with only --dashboards: the package's own alert rules are written, and every part is listed", async () => {
    const root = resolve(__dirname, '../..');
    const result = await runAisre(['provision', '--teams', teams, '--out', out, '--dashboards', dashboards], {
      cwd: work,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // The CLI under test is the package's bundle (test/aisre.ts), so its rules are the copies beside it.
    expect(result.stdout).toContain(`alert rules: alert-rules.yaml from ${join(root, 'cli', 'alerting', 'grafana')}`);
    expect(result.stdout).toContain('written   alerting/alert-rules.yaml');
    expect(result.stdout).toContain(`dashboards: 3 from ${dashboards}, one copy per team`);
    expect(existsSync(join(out, 'alerting', 'alert-rules.yaml'))).toBe(true);
  }, 30_000);

  it('prints its help', async () => {
    await provisionCommand(['--help']);
    expect(stdout).toHaveBeenCalledWith(
      expect.stringContaining('Usage: aisre provision --teams <teams.yaml> --out <dir>')
    );
  });
});
