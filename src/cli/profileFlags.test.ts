import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { UsageError } from './errors';
import { profileFromFlags } from './profileFlags';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'aisre-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('--preset and --config', () => {
  test('the config is the app’s jsonData (bare, or under jsonData as in provisioning); --preset overrides its preset', () => {
    const bare = file('bare.json', JSON.stringify({ preset: 'openlit', thresholds: { minVolume: 10 } }));
    expect(profileFromFlags({ config: bare }).profile).toMatchObject({
      preset: 'openlit',
      thresholds: { minVolume: 10 },
    });
    const provisioned = file('prov.json', JSON.stringify({ jsonData: { labelNames: { team: 'owner' } } }));
    expect(profileFromFlags({ config: provisioned, preset: 'otel-genai' }).profile).toMatchObject({
      preset: 'otel-genai',
      labels: { team: 'owner', model: 'gen_ai_request_model' },
    });
  });

  test('an unreadable, non-JSON or invalid config, or an unknown preset, is a usage error that says why', () => {
    expect(() => profileFromFlags({ config: join(dir, 'missing.json') })).toThrow(/cannot be read: ENOENT/);
    expect(() => profileFromFlags({ config: file('bad.json', '{ preset: ') })).toThrow(/is not JSON/);
    expect(() => profileFromFlags({ config: file('list.json', '[]') })).toThrow(/must hold a JSON object/);
    const invalid = file(
      'invalid.json',
      JSON.stringify({ thresholds: { page: 0.01 }, metricNames: { agent_steps: 'a b' } })
    );
    expect(() => profileFromFlags({ config: invalid })).toThrow(UsageError);
    expect(() => profileFromFlags({ config: invalid })).toThrow(
      /metricNames\.agent_steps: 'a b' is not a valid[\s\S]*\nthresholds\.page: The page relative regression \(1%\)/
    );
    expect(() => profileFromFlags({ preset: 'otel' })).toThrow(
      /--preset must be one of contract, otel-genai, openlit, not 'otel'/
    );
  });
});
