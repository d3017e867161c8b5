import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { UsageError } from './errors';
import { parseSimulationTime, simulateCommand } from './simulate';

describe('aisre simulate', () => {
  let directory: string;
  let stdout: jest.SpyInstance;
  let stderr: jest.SpyInstance;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'aisre-simulate-'));
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(async () => {
    stdout.mockRestore();
    stderr.mockRestore();
    await rm(directory, { recursive: true, force: true });
  });

  it('prints its usage for --help', async () => {
    await simulateCommand(['--help']);
    expect(String(stdout.mock.calls[0][0])).toMatch(/--from <time>[\s\S]*--serve <port>/);
  });

  it.each([
    [['--from', '2024-05-01T00:00:00Z', '--to', '2024-05-01T01:00:00Z'], /missing --out/],
    [['--from', 'yesterday', '--to', '2024-05-01T01:00:00Z', '--out', 'x'], /--from: 'yesterday' is not a time/],
    [['--from', '2024-02-30T00:00:00Z', '--to', '2024-05-01T01:00:00Z', '--out', 'x'], /not a date that exists/],
    [
      ['--from', '1714521600', '--to', '1714525200', '--out', 'x', '--truth', 'x'],
      /--truth and --out are the same file/,
    ],
    [
      ['--from', '1714521600', '--to', '1714525200', '--out', 'x', '--truth', './x'],
      /--truth and --out are the same file/,
    ],
    [['--from', '1714521600', '--to', '1714525200', '--out', '-', '--truth', '-'], /would both write to stdout/],
    [['--from', '2024-05-01T01:00:00Z', '--to', '2024-05-01T00:00:00Z', '--out', 'x'], /must be after --from/],
    [['--from', '1714521600', '--to', '1714521630', '--out', 'x'], /whole number of --step/],
    [['--from', '1714521600', '--to', '1714525200', '--out', 'x', '--step', '0'], /--step must be at least 1/],
    [['--from', '1714521600', '--to', '1714525200', '--out', 'x', '--format', 'csv'], /--format must be one of/],
    [['--from', '1714521600', '--to', '1714525200', '--out', 'x', '--scenario', 'toString'], /--scenario must be/],
    [['--from', '1714521600', '--to', '1714525200', '--out', 'x', '--seed=-1'], /--seed must be/],
    [['--from', '1714521600', '--to', '1714525200', '--out', 'x', '--speed', '2'], /--speed cannot be used/],
    [['--serve', '9999', '--out', 'x'], /--out cannot be used with --serve/],
    [['--serve', 'http'], /--serve must be an integer/],
    [['--frmo', '1'], /Unknown option '--frmo'/],
    [['--from', '0', '--to', '86400000', '--out', 'x'], /too many/],
    [['--from', '1714521600', '--to', '1714525200', '--out', 'x', '--preset', 'otel'], /--preset must be one of/],
    [['--from', '1714521600', '--to', '1714525200', '--out', 'x', '--unsuffixed'], /--unsuffixed is for the otel/],
    [['--from', '1714521600', '--to', '1714525200', '--out', 'x', '--config', '/nonexistent.json'], /cannot be read/],
    [['--serve', '0', '--preset', 'openlit', '--unsuffixed', '--config', '/nonexistent.json'], /cannot be read/],
  ])('rejects %j as a usage error', async (args, message) => {
    const run = simulateCommand(args);
    await expect(run).rejects.toThrow(message);
    await expect(run).rejects.toBeInstanceOf(UsageError);
  });

  it('writes the truth to stdout for --truth -, and the samples only to --out', async () => {
    const out = join(directory, 'out.om');
    await simulateCommand([
      '--from',
      '1714521600',
      '--to',
      '1714525200',
      '--scenario',
      'compressed',
      '--rate',
      '0.1',
      '--out',
      out,
      '--truth',
      '-',
    ]);
    const truth = JSON.parse(stdout.mock.calls.map((call) => String(call[0])).join(''));
    expect(truth).toHaveProperty('incidents');
    expect(await readFile(out, 'utf8')).toMatch(/# EOF\n$/);
    await expect(readFile(join(process.cwd(), '-'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('writes an OpenMetrics file and its ground truth', async () => {
    const out = join(directory, 'out.om');
    const truthFile = join(directory, 'truth.json');
    await simulateCommand([
      '--from',
      '2024-05-01T00:00:00Z',
      '--to',
      '2024-05-01T01:00:00Z',
      '--scenario',
      'compressed',
      '--seed',
      '3',
      '--rate',
      '0.1',
      '--out',
      out,
      '--truth',
      truthFile,
    ]);
    const text = await readFile(out, 'utf8');
    expect(text.startsWith('# TYPE llm_requests counter\n')).toBe(true);
    expect(text.endsWith('# EOF\n')).toBe(true);
    const truth = JSON.parse(await readFile(truthFile, 'utf8'));
    expect(truth).toMatchObject({
      seed: 3,
      scenario: 'compressed',
      from: '2024-05-01T00:00:00Z',
      to: '2024-05-01T01:00:00Z',
      stepSeconds: 60,
      preset: 'contract',
      labels: { team: 'team', service: 'service', endpoint: 'endpoint', model: 'model' },
    });
    expect(Object.keys(truth).sort()).toEqual(
      [
        'counterResets',
        'from',
        'incidents',
        'labels',
        'noise',
        'preset',
        'rateMultiplier',
        'scenario',
        'seed',
        'segments',
        'stepSeconds',
        'to',
        'windows',
        'zeroTraffic',
      ].sort()
    );
    // The first compressed incident (+2 min) has no full baseline; the next ones do.
    expect(truth.incidents.map((i: { id: string }) => i.id)).toEqual([
      'data-retrieval-1',
      'model-degradation-1',
      'security-surface-1',
    ]);
    expect(String(stderr.mock.calls.map((c) => c[0]).join(''))).toMatch(/1 of 4 scheduled incidents/);
  });

  it('writes the same bytes twice for the same seed', async () => {
    const args = (out: string) => [
      '--from',
      '1714521600',
      '--to',
      '1714523400',
      '--rate',
      '0.1',
      '--format',
      'prometheus',
      '--out',
      out,
    ];
    await simulateCommand(args(join(directory, 'a.prom')));
    await simulateCommand(args(join(directory, 'b.prom')));
    const [a, b] = await Promise.all([
      readFile(join(directory, 'a.prom'), 'utf8'),
      readFile(join(directory, 'b.prom'), 'utf8'),
    ]);
    expect(a.length).toBeGreaterThan(1000);
    expect(a === b).toBe(true);
    expect(a).toMatch(/ 1714523400000\n/);
  });
});

describe('parseSimulationTime', () => {
  const now = Date.UTC(2024, 4, 1, 12, 34, 56);

  it('reads RFC 3339, unix seconds and now-relative times', () => {
    expect(parseSimulationTime('from', '2024-05-01T02:00:00+02:00', 60, now)).toBe(Date.UTC(2024, 4, 1) / 1000);
    expect(parseSimulationTime('from', '1714521600', 60, now)).toBe(1714521600);
    expect(parseSimulationTime('from', 'now', 60, now)).toBe(Date.UTC(2024, 4, 1, 12, 34) / 1000);
    expect(parseSimulationTime('from', 'now-2h', 300, now)).toBe(Date.UTC(2024, 4, 1, 10, 30) / 1000);
  });

  it('refuses times that are not whole seconds', () => {
    expect(() => parseSimulationTime('to', '1714521600.5', 60, now)).toThrow(/whole second/);
    expect(() => parseSimulationTime('to', '2024-05-01T00:00:00.250Z', 60, now)).toThrow(/whole second/);
  });
});
