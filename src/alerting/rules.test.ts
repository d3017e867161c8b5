/**
 * The rule files: promtool accepts them, the promtool unit tests (incident pages, 10% regression
 * investigates only, low-volume blip fires nothing, fast burn) pass, and the Grafana provisioning file
 * has the structure Grafana documents with the same thresholds as the Prometheus rules.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

import { runCommand } from '../../test/processes';
import { PRESETS } from '../core/profile';
import { ALERT_RULES_FILE, GRAFANA_ALERT_RULES_FILE, presetRulesFile, RECORDING_RULES_FILE } from './artifacts';
import { allRecordings } from './recordings';
import {
  alertSpecs,
  GRAFANA_DATASOURCE_UID,
  INVESTIGATE_REGRESSION,
  MIN_VOLUME_PER_SECOND,
  PAGE_REGRESSION,
} from './rules';

const ROOT = join(__dirname, '..', '..');
const TESTS_DIR = join(ROOT, 'alerting', 'prometheus', 'tests');

describe('Prometheus rule files', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'aisre-promtool-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('pass promtool check rules', async () => {
    const result = await runCommand(
      'promtool',
      PRESETS.flatMap((p) => [
        presetRulesFile(p.id, RECORDING_RULES_FILE),
        presetRulesFile(p.id, ALERT_RULES_FILE),
      ]).reduce((args, file) => [...args, join(ROOT, file)], ['check', 'rules']),
      {
        timeoutMs: 60_000,
      }
    );
    expect([result.code, result.stdout + result.stderr]).toEqual([0, expect.stringContaining('SUCCESS')]);
  }, 60_000);

  // One jest test per promtool test group (each run on its own): a failure names the scenario, and no single
  // test takes the whole file's minute on a busy machine.
  const groups = readdirSync(TESTS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((file) => {
      const path = join(TESTS_DIR, file);
      const { tests, ...header } = parse(readFileSync(path, 'utf8'));
      return (tests as Array<{ name: string }>).map((group) => ({ file, path, header, group }));
    });

  it('have promtool unit tests', () => {
    expect(groups.length).toBeGreaterThan(0);
  });

  it.each(groups.map((g) => [`${g.file}: ${g.group.name}`, g] as const))(
    'pass the promtool unit test %s',
    async (_name, { path, header, group }) => {
      const single = join(scratch, 'rules.test.yaml');
      const ruleFiles = (header.rule_files as string[]).map((rules) => resolve(dirname(path), rules));
      writeFileSync(single, stringify({ ...header, rule_files: ruleFiles, tests: [group] }));
      const result = await runCommand('promtool', ['test', 'rules', single], { timeoutMs: 100_000 });
      expect([result.code, result.stdout + result.stderr]).toEqual([0, expect.not.stringContaining('FAILED')]);
    },
    120_000
  );

  it('name recording rules level:metric:operations and alert on every SLI at both severities', () => {
    const recordings = allRecordings().map((r) => r.name);
    // The segment level, and the rollups by team and over everything (each with `le` or the split label).
    for (const name of recordings) {
      expect(name).toMatch(/^(team_service_endpoint_model(_[a-z]+)?|team_[a-z]+|[a-z]+):[a-z_]+:[a-z0-9_]+$/);
    }
    expect(new Set(recordings).size).toBe(recordings.length);
    const alerts = parse(readFileSync(join(ROOT, ALERT_RULES_FILE), 'utf8')).groups.flatMap(
      (g: { rules: unknown[] }) => g.rules
    );
    const specs = alertSpecs();
    const slis = new Set(specs.map((s) => s.sli));
    for (const sli of slis) {
      for (const severity of ['investigate', 'page']) {
        expect(
          alerts.some((a: { labels: Record<string, string> }) => a.labels.sli === sli && a.labels.severity === severity)
        ).toBe(true);
      }
    }
    for (const alert of alerts as Array<{ expr: string }>) {
      // Every alert carries the minimum-volume guard.
      expect(alert.expr).toMatch(new RegExp(`> ${MIN_VOLUME_PER_SECOND}$`));
    }
  });
});

describe('Grafana-managed alert rules', () => {
  const file = parse(readFileSync(join(ROOT, GRAFANA_ALERT_RULES_FILE), 'utf8'));
  const rules = file.groups.flatMap((g: { rules: unknown[] }) => g.rules) as Array<Record<string, any>>;

  it('follow the provisioning format (apiVersion 1, groups with folder and interval, A/B/C data)', () => {
    expect(file.apiVersion).toBe(1);
    for (const group of file.groups) {
      expect(group).toMatchObject({ orgId: 1, folder: expect.any(String), interval: expect.stringMatching(/^\d+m$/) });
    }
    const uids = rules.map((r) => r.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const rule of rules) {
      expect(rule.uid.length).toBeLessThanOrEqual(40);
      expect(rule).toMatchObject({ condition: 'C', noDataState: 'OK', execErrState: 'Error', for: expect.any(String) });
      expect(rule.data.map((d: { refId: string }) => d.refId)).toEqual(['A', 'B', 'C']);
      expect(rule.data[0]).toMatchObject({ datasourceUid: GRAFANA_DATASOURCE_UID, model: { instant: true } });
      expect(rule.data[1].model).toMatchObject({ type: 'reduce', expression: 'A' });
      expect(rule.data[2].model).toMatchObject({ type: 'threshold', expression: 'B' });
      // They must run without a ruler: no recording rule in their queries.
      expect(rule.data[0].model.expr).not.toMatch(/[a-z_]+:[a-z_]+:/);
    }
  });

  it('use the thresholds of the Prometheus rules', () => {
    const prometheus = parse(readFileSync(join(ROOT, ALERT_RULES_FILE), 'utf8')).groups.flatMap(
      (g: { rules: unknown[] }) => g.rules
    ) as Array<{ alert: string; expr: string; for: string; labels: Record<string, string> }>;
    expect(rules.map((r) => r.title).sort()).toEqual(prometheus.map((r) => r.alert).sort());
    for (const rule of rules) {
      const twin = prometheus.find((p) => p.alert === rule.title);
      expect([rule.for, rule.labels]).toEqual([twin?.for, twin?.labels]);
      const params: number[] = rule.data[2].model.conditions[0].evaluator.params;
      for (const threshold of params) {
        expect(twin?.expr).toContain(String(threshold));
      }
      const expected =
        rule.labels.severity === 'page'
          ? [1 + PAGE_REGRESSION, 1 - PAGE_REGRESSION]
          : [1 + INVESTIGATE_REGRESSION, 1 - INVESTIGATE_REGRESSION];
      if (!rule.title.includes('Budget')) {
        expect(params.every((p) => expected.some((e) => Math.abs(e - p) < 1e-9))).toBe(true);
      }
    }
  });
});
