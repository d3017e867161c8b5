/**
 * Prometheus data for the benchmarks, as a long-running Prometheus holds it: backfilled once, compacted by
 * Prometheus itself, and cached under ~/.cache/aisre-bench/<name>-<content hash>/ so a second run skips the
 * generation. A benchmark serves a hard-linked copy of the cached blocks (Prometheus never rewrites a block's
 * files, it only writes new blocks and deletes old ones), so timing never runs over uncompacted backfill.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

import { httpRequest, waitFor } from '../../test/http';
import { runOrThrow } from '../../test/processes';
import { startPrometheusServer } from '../../test/prometheus';

const CACHE_ROOT = process.env.AISRE_BENCH_CACHE ?? join(homedir(), '.cache', 'aisre-bench');
/** A TSDB block's directory name (a ULID); a block being written has a `.tmp-…` suffix. */
const BLOCK_DIR = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** Prometheus starts compacting a minute after it opens the TSDB (tsdb/db.go, DB.run). */
const COMPACTION_TIMEOUT_MS = 30 * 60_000;

/** A short content hash of everything a cached artefact is made from. */
export function contentKey(...parts: Array<string | Buffer>): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(part);
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The cached directory `<name>`, built by `build` into a fresh directory and renamed into the cache only
 * once complete, so an interrupted run leaves nothing half-made behind.
 */
export async function cached(
  name: string,
  build: (dir: string) => Promise<void>
): Promise<{ dir: string; built: boolean }> {
  const dir = join(CACHE_ROOT, name);
  if (existsSync(dir)) {
    return { dir, built: false };
  }
  await mkdir(CACHE_ROOT, { recursive: true });
  const building = await mkdtemp(join(CACHE_ROOT, `.${name}-`));
  try {
    await build(building);
    await rename(building, dir);
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    throw error;
  }
  return { dir, built: true };
}

export interface BlockMeta {
  dir: string;
  minTime: number;
  maxTime: number;
  numSeries: number;
  numSamples: number;
}

/** The complete blocks in a TSDB directory, oldest first. */
export async function listBlocks(dataDir: string): Promise<BlockMeta[]> {
  const blocks: BlockMeta[] = [];
  for (const entry of await readdir(dataDir)) {
    const metaFile = join(dataDir, entry, 'meta.json');
    if (BLOCK_DIR.test(entry) && existsSync(metaFile)) {
      const meta = JSON.parse(await readFile(metaFile, 'utf8')) as {
        minTime: number;
        maxTime: number;
        stats?: { numSeries?: number; numSamples?: number };
      };
      blocks.push({
        dir: entry,
        minTime: meta.minTime,
        maxTime: meta.maxTime,
        numSeries: meta.stats?.numSeries ?? 0,
        numSamples: meta.stats?.numSamples ?? 0,
      });
    }
  }
  return blocks.sort((a, b) => a.minTime - b.minTime);
}

function overlapping(blocks: BlockMeta[]): boolean {
  return blocks.some((b, i) => i > 0 && b.minTime < blocks[i - 1].maxTime);
}

interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

/** A Prometheus on a free loopback port serving `dataDir` (no scrapes; retention long enough for fixed data). */
async function startPrometheusOn(dataDir: string, readyTimeoutMs = 600_000): Promise<RunningPrometheus> {
  const configFile = join(dataDir, '..', 'prometheus.yml');
  const { url, server } = await startPrometheusServer({
    configFile,
    dataDir,
    timeoutMs: readyTimeoutMs,
    // The raw form of a dashboard at 200,000 series reads more samples than the default 50 million.
    extraArgs: ['--query.max-samples=500000000'],
  });
  return { url, stop: () => server.stop() };
}

/** One of Prometheus' own metrics, from its /metrics page. */
export async function prometheusMetric(url: string, name: string): Promise<number | undefined> {
  const body = (await httpRequest(`${url}/metrics`)).body;
  const line = body.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

/**
 * Lets Prometheus compact `dataDir` as it would in service: opens it, waits for the compaction that starts a
 * minute later to merge the overlapping backfilled blocks, and stops once the blocks on disk no longer overlap
 * and are the ones it has loaded.
 */
export async function compactTsdb(dataDir: string): Promise<void> {
  const prometheus = await startPrometheusOn(dataDir);
  try {
    let state = '';
    await waitFor(
      async () => {
        const triggered = (await prometheusMetric(prometheus.url, 'prometheus_tsdb_compactions_triggered_total')) ?? 0;
        const loaded = await prometheusMetric(prometheus.url, 'prometheus_tsdb_blocks_loaded');
        const blocks = await listBlocks(dataDir);
        state = `${blocks.length} blocks on disk, ${loaded} loaded, ${triggered} compactions triggered`;
        return triggered >= 1 && !overlapping(blocks) && loaded === blocks.length;
      },
      COMPACTION_TIMEOUT_MS,
      () => `Prometheus did not finish compacting ${dataDir} within ${COMPACTION_TIMEOUT_MS / 60_000} min: ${state}`,
      2000
    );
  } finally {
    await prometheus.stop();
  }
  // Only the blocks are data; the server's write-ahead log and query log of an empty head are not worth keeping.
  for (const entry of await readdir(dataDir)) {
    if (!BLOCK_DIR.test(entry)) {
      await rm(join(dataDir, entry), { recursive: true, force: true });
    }
  }
}

export interface ServedTsdb extends RunningPrometheus {
  blocks: BlockMeta[];
}

/** Serves hard-linked copies of a cached TSDB's blocks (the cache itself stays as it is). */
export async function serveCopy(cachedDataDir: string): Promise<ServedTsdb> {
  const dir = await mkdtemp(join(tmpdir(), 'aisre-bench-tsdb-'));
  const dataDir = join(dir, 'data');
  try {
    const blocks = await listBlocks(cachedDataDir);
    await mkdir(dataDir);
    await runOrThrow('cp', ['-al', ...blocks.map((b) => join(cachedDataDir, b.dir)), dataDir]);
    const prometheus = await startPrometheusOn(dataDir);
    return {
      url: prometheus.url,
      blocks,
      stop: async () => {
        await prometheus.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * `promtool tsdb create-blocks-from openmetrics`, by default with blocks as large as Prometheus compacts to
 * (31 days); `'2h'` gives promtool's default, the many small blocks a fresh backfill is served from.
 */
export async function backfillOpenMetrics(file: string, dataDir: string, maxBlockDuration = '744h'): Promise<void> {
  await runOrThrow(
    'promtool',
    ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', `--max-block-duration=${maxBlockDuration}`, file, dataDir],
    { timeoutMs: 3_600_000 }
  );
}

/**
 * Backfills recording rules with `promtool tsdb create-blocks-from rules`, level by level: promtool reads the
 * server's data as it was when the run started, so a rule that reads another rule's series waits for the
 * level below it to be written and the server restarted on it.
 */
export async function backfillRules(
  dataDir: string,
  levels: string[],
  span: { from: number; to: number }
): Promise<void> {
  for (const [level, rulesYaml] of levels.entries()) {
    const work = await mkdtemp(join(tmpdir(), 'aisre-bench-rules-'));
    let prometheus: RunningPrometheus | undefined;
    try {
      const rulesFile = join(work, `level-${level}.yaml`);
      const out = join(work, 'blocks');
      await writeFile(rulesFile, rulesYaml);
      prometheus = await startPrometheusOn(dataDir);
      await runOrThrow(
        'promtool',
        [
          'tsdb',
          'create-blocks-from',
          'rules',
          '--quiet',
          `--start=${span.from}`,
          `--end=${span.to}`,
          `--url=${prometheus.url}`,
          `--output-dir=${out}`,
          rulesFile,
        ],
        { timeoutMs: 3_600_000 }
      );
      await prometheus.stop();
      prometheus = undefined;
      for (const block of existsSync(out) ? await readdir(out) : []) {
        await rename(join(out, block), join(dataDir, block));
      }
    } finally {
      await prometheus?.stop();
      await rm(work, { recursive: true, force: true });
    }
  }
}

/** `{__name__="x", a="b"} 0.5 1700000000000`: one sample of `promtool tsdb dump`. */
const DUMP_LINE = /^\{__name__="([^"]+)"(?:, (.*))?\} (\S+) (-?\d+)$/;

/**
 * The samples of the series `match` selects, as OpenMetrics (`promtool tsdb dump`, each family's lines made
 * contiguous as the format requires, times in seconds), so recorded series can be copied and backfilled as the
 * raw ones are. `dataDir` must be a copy: promtool opens it as a database and writes its `wal` directory.
 */
export async function dumpOpenMetrics(dataDir: string, match: string, file: string): Promise<number> {
  await mkdir(join(dataDir, 'wal'), { recursive: true });
  const dump = spawn('promtool', ['tsdb', 'dump', `--match=${match}`, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  dump.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = once(dump, 'close') as Promise<[number | null]>;
  const families = new Map<string, string[]>();
  let samples = 0;
  for await (const line of createInterface({ input: dump.stdout, crlfDelay: Infinity })) {
    const m = DUMP_LINE.exec(line);
    if (!m) {
      throw new Error(`promtool tsdb dump: unexpected line ${line.slice(0, 200)}`);
    }
    const [, name, labels, value, ms] = m;
    // The dump separates labels with ", "; OpenMetrics takes none (values are quoted, so a comma inside stays).
    const compact = labels ? `{${labels.replace(/("(?:[^"\\]|\\.)*"), /g, '$1,')}}` : '';
    const lines = families.get(name) ?? [];
    lines.push(`${name}${compact} ${value} ${Number(ms) / 1000}\n`);
    families.set(name, lines);
    samples++;
  }
  const [code] = await exited;
  if (code !== 0) {
    throw new Error(`promtool tsdb dump ${dataDir} exited with ${code}: ${stderr}`);
  }
  const out = createWriteStream(file);
  for (const [name, lines] of families) {
    out.write(`# TYPE ${name} gauge\n${lines.join('')}`);
  }
  out.end('# EOF\n');
  await once(out, 'finish');
  return samples;
}
