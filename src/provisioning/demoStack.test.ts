/**
 * The demo stack as files: docker-compose.yaml, docker/prometheus.yml and the aisre image, checked for the
 * wiring that `docker compose up` depends on, and validated by Debian's docker-compose (v1) where installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_GRAFANA_PROVISIONING_PATH } from './plan';
import { readTree } from './testFixtures';
import packageJson from '../../package.json';

const ROOT = resolve(__dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Service {
  extends?: { file: string; service: string };
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  image?: string;
  command?: string[];
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
}

const compose = parseYaml(read('docker-compose.yaml')) as { services: Record<string, Service>; volumes?: object };
const { grafana, provision, prometheus, simulator } = compose.services;

/** `source:target[:mode]` of a short-syntax volume. */
function mount(volume: string) {
  const [source, target, mode] = volume.split(':');
  return { source, target, mode };
}

/** The aisre image's ENTRYPOINT, exec form. */
function entrypoint(): string[] {
  const line = /^ENTRYPOINT (\[.*\])$/m.exec(read('docker/aisre.Dockerfile'));
  return line ? (JSON.parse(line[1]) as string[]) : [];
}

function flag(command: string[] | undefined, name: string): string | undefined {
  const index = command?.indexOf(name) ?? -1;
  return index >= 0 ? command?.[index + 1] : undefined;
}

describe('docker-compose.yaml', () => {
  it('runs Grafana, the provisioning generator, Prometheus and the simulator', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['grafana', 'prometheus', 'provision', 'simulator']);
  });

  it("keeps the scaffold's Grafana service, on a Grafana 12 image", () => {
    expect(grafana.extends).toEqual({ file: '.config/docker-compose-base.yaml', service: 'grafana' });
    expect(grafana.build?.args?.grafana_image).toMatch(/^\$\{GRAFANA_IMAGE:-grafana\}$/);
    expect(grafana.build?.args?.grafana_version).toMatch(/^\$\{GRAFANA_VERSION:-12\.\d+\.\d+\}$/);
  });

  it('gives Grafana the provisioning that the generator writes, after it has written it', () => {
    const provisioningMount = grafana.volumes?.map(mount).find((m) => m.target === DEFAULT_GRAFANA_PROVISIONING_PATH);
    expect(provisioningMount).toBeDefined();
    const out = flag(provision.command, '--out');
    const generatorMount = provision.volumes?.map(mount).find((m) => m.target === out);
    expect(generatorMount?.source).toBe(provisioningMount?.source);
    expect(Object.keys(compose.volumes ?? {})).toContain(provisioningMount?.source);
    // The provider path in the generated files is where Grafana sees them.
    expect(flag(provision.command, '--grafana-path') ?? DEFAULT_GRAFANA_PROVISIONING_PATH).toBe(
      provisioningMount?.target
    );
    expect(grafana.depends_on).toMatchObject({ provision: { condition: 'service_completed_successfully' } });
  });

  it('generates from the sample teams file and points the data source at the Prometheus service', () => {
    expect(provision.command?.[0]).toBe('provision');
    const teams = flag(provision.command, '--teams');
    expect(provision.volumes?.map(mount)).toContainEqual({
      source: `./${teams}`,
      target: `/app/${teams}`,
      mode: 'ro',
    });
    const url = new URL(flag(provision.command, '--datasource-url') ?? '');
    expect(url.hostname).toBe('prometheus');
    expect(prometheus.ports).toContain(`${url.port}:${url.port}/tcp`);
  });

  it('lets the simulator listen beyond the container loopback', () => {
    expect(flag(simulator.command, '--host')).toBe('0.0.0.0');
  });

  it('scrapes the simulator on the port it serves, and loads the rules that are mounted', () => {
    const config = parseYaml(read('docker/prometheus.yml'));
    const port = flag(simulator.command, '--serve');
    expect(simulator.command?.[0]).toBe('simulate');
    const targets = config.scrape_configs.flatMap((job: { static_configs: Array<{ targets: string[] }> }) =>
      job.static_configs.flatMap((c) => c.targets)
    );
    expect(targets).toContain(`simulator:${port}`);
    expect(simulator.ports).toContain(`${port}:${port}/tcp`);

    const mounts = prometheus.volumes?.map(mount) ?? [];
    const configMount = mounts.find((m) => m.source === './docker/prometheus.yml');
    expect(configMount?.target).toBe('/etc/prometheus/prometheus.yml');
    expect(prometheus.command).toContain(`--config.file=${configMount?.target}`);
    const rulesMount = mounts.find((m) => m.source === './alerting/prometheus');
    expect(rulesMount).toBeDefined();
    expect(config.rule_files.every((glob: string) => glob.startsWith(`${rulesMount?.target}/`))).toBe(true);
    expect(prometheus.image).toMatch(/^prom\/prometheus:/);
  });

  it('builds the aisre image from the repository for the simulator and the generator', () => {
    for (const service of [provision, simulator]) {
      expect(service.build).toEqual({ context: '.', dockerfile: 'docker/aisre.Dockerfile' });
    }
    const dockerfile = read('docker/aisre.Dockerfile');
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev/m);
    expect(entrypoint()).toEqual(['node', '--import', 'tsx', 'src/cli/aisre.ts']);
    const ignore = read('docker/aisre.Dockerfile.dockerignore').split('\n');
    for (const needed of ['!package.json', '!package-lock.json', '!src/']) {
      expect(ignore).toContain(needed);
    }
  });

  it('mounts only paths that are in the repository (dist/ is built by npm run server first)', () => {
    const sources = Object.values(compose.services)
      .flatMap((service) => service.volumes ?? [])
      .map((volume) => mount(volume).source)
      .filter((source) => source.startsWith('.'));
    expect(sources.length).toBeGreaterThan(0);
    const missing = sources.filter((source) => !existsSync(join(ROOT, source)));
    expect(missing).toEqual([]);
  });

  it('is what `npm run server` starts, after building the plugin', () => {
    expect(packageJson.scripts.server).toBe('npm run build && docker compose up --build');
  });
});

/** The image's WORKDIR mirrors the repository root, so the services' command lines run here as they do there. */
describe("the services' command lines, run by the real CLI", () => {
  // The image's entrypoint with this machine's node: what `docker compose up` runs, minus the container.
  const [node, ...entry] = entrypoint();
  const aisre = (args: string[]) => [...entry, ...args];
  beforeAll(() => expect(node).toBe('node'));

  it('provision: writes the tree Grafana mounts', () => {
    const out = mkdtempSync(join(tmpdir(), 'aisre-demo-provisioning-'));
    try {
      const args = [...(provision.command ?? [])];
      args[args.indexOf('--out') + 1] = out;
      const result = spawnSync(process.execPath, aisre(args), { cwd: ROOT, encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const tree = Object.keys(readTree(out));
      expect(tree).toEqual(
        expect.arrayContaining(['datasources/aisre.yaml', 'plugins/aisre.yaml', 'dashboards/aisre.yaml'])
      );
      expect(tree.filter((path) => /^dashboards\/[^/]+\/[^/]+\.json$/.test(path)).length).toBeGreaterThanOrEqual(3);
      expect(parseYaml(readFileSync(join(out, 'datasources/aisre.yaml'), 'utf8')).datasources[0].url).toBe(
        flag(provision.command, '--datasource-url')
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('simulator: serves Prometheus metrics on the address it is given', async () => {
    const args = [...(simulator.command ?? [])];
    args[args.indexOf('--serve') + 1] = '0';
    const child = spawn(process.execPath, aisre(args), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`no 'serving' line within 30 s: ${output}`)), 30_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /serving (http:\/\/\S+)\/metrics/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolveUrl(match[1]);
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`simulator exited with ${code}: ${output}`));
        });
      });
      expect(new URL(url).hostname).toBe('0.0.0.0');
      const response = await fetch(`${url.replace('0.0.0.0', '127.0.0.1')}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toMatch(/^llm_requests_total\{/m);
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill();
        await exited;
      }
    }
  }, 60_000);
});

const hasPromtool = spawnSync('promtool', ['--version']).status === 0;

(hasPromtool ? it : it.skip)(
  `Prometheus of the demo loads its config and every mounted rule file${hasPromtool ? '' : ' (skipped: promtool is not installed)'}`,
  () => {
    const rulesMount = prometheus.volumes?.map(mount).find((m) => m.source === './alerting/prometheus');
    const dir = mkdtempSync(join(tmpdir(), 'aisre-demo-prometheus-'));
    try {
      // The config as the container sees it, with the rules mount pointed back at the repository.
      const config = read('docker/prometheus.yml')
        .split(`${rulesMount?.target}/`)
        .join(`${join(ROOT, 'alerting/prometheus')}/`);
      writeFileSync(join(dir, 'prometheus.yml'), config);
      const result = spawnSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8' });
      const output = `${result.stdout}${result.stderr}`;
      expect(output).not.toMatch(/FAILED/);
      expect(result.status).toBe(0);
      const found = /SUCCESS: (\d+) rule files found/.exec(output);
      expect(Number(found?.[1])).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
);

const dockerCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
const hasDockerCompose = dockerCompose.status === 0;

(hasDockerCompose ? describe : describe.skip)(
  `docker-compose config${hasDockerCompose ? '' : ' (skipped: docker-compose is not installed; apt-get install docker-compose)'}`,
  () => {
    const result = spawnSync('docker-compose', ['-f', 'docker-compose.yaml', 'config'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, GRAFANA_VERSION: '', GRAFANA_IMAGE: '', PROMETHEUS_VERSION: '' },
    });

    it('validates the file without a Docker engine', () => {
      expect(result.stderr).not.toMatch(/ERROR/);
      expect(result.status).toBe(0);
    });

    it("merges the scaffold's Grafana service with this file's overrides", () => {
      const resolved = parseYaml(result.stdout) as {
        services: Record<
          string,
          { build: { context: string; args: Record<string, string> }; volumes: string[]; ports: object[] }
        >;
      };
      const merged = resolved.services.grafana;
      expect(merged.build.context).toBe(join(ROOT, '.config'));
      expect(merged.build.args).toMatchObject({ grafana_image: 'grafana', anonymous_auth_enabled: 'true' });
      expect(merged.build.args.grafana_version).toMatch(/^12\.\d+\.\d+$/);
      // The override replaces the base file's ./provisioning mount rather than adding a second one.
      const targets = merged.volumes.map((volume) => mount(volume).target);
      expect(targets.filter((target) => target === DEFAULT_GRAFANA_PROVISIONING_PATH)).toHaveLength(1);
      expect(merged.volumes).toContain('aisre-provisioning:/etc/grafana/provisioning:ro');
      expect(merged.volumes).toContain(`${join(ROOT, 'dist')}:/var/lib/grafana/plugins/aisre-reliability-app:rw`);
      expect(merged.ports).toContainEqual({ protocol: 'tcp', published: 3000, target: 3000 });
    });
  }
);
