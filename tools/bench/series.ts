/**
 * Many series from one simulation: the simulator's segments copied under numbered service names
 * (`chat-api` -> `chat-api-0`, `chat-api-1`, …), so a Prometheus holds thousands to hundreds of thousands of
 * series with the simulator's shapes. The copies are streamed to OpenMetrics files a bounded number of copies
 * at a time (promtool reads a whole file, and 200,000 series of a day would not fit on disk as one).
 */
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { AISRE_BUNDLE, REPO_ROOT, runAisre } from '../../test/aisre';
import { runOrThrow } from '../../test/processes';

/** `aisre simulate` (the CLI as it ships, built first if needed) into `file` as OpenMetrics. */
export async function simulateOpenMetrics(
  file: string,
  options: { from: number; to: number; step: number; seed?: number }
): Promise<void> {
  if (!existsSync(AISRE_BUNDLE)) {
    await runOrThrow(process.execPath, [join(REPO_ROOT, 'cli', 'build.mjs')], { cwd: REPO_ROOT });
  }
  const args = ['simulate', '--from', String(options.from), '--to', String(options.to), '--step', String(options.step)];
  if (options.seed !== undefined) {
    args.push('--seed', String(options.seed));
  }
  const result = await runAisre([...args, '--out', file, '--format', 'openmetrics'], { timeoutMs: 1_800_000 });
  if (result.code !== 0) {
    throw new Error(`aisre ${args.join(' ')} failed: ${result.stderr.slice(-2000)}`);
  }
}

/** One metric family: its `# TYPE`/`# HELP` lines and its sample lines split around the service value's end. */
interface Family {
  header: string;
  /** Per sample line: the text up to the end of the service value, and the rest (with its newline). */
  copied: Array<[string, string]>;
  /** Sample lines with no service label: written once, not copied. */
  shared: string;
}

export interface BaseExposition {
  families: Family[];
  /** Distinct series that carry a service label (copied) and that do not (written once). */
  copiedSeries: number;
  sharedSeries: number;
  sampleLines: number;
}

const SERVICE = 'service="';

function seriesOf(line: string): string {
  const brace = line.lastIndexOf('}');
  return brace >= 0 ? line.slice(0, brace + 1) : line.slice(0, line.indexOf(' '));
}

export interface ReadOptions {
  /** Unix seconds: drop the samples before it (a dataset that needs only the recent hours). */
  since?: number;
  /**
   * Seconds: keep only each series' first sample and those on multiples of it (series that must exist but
   * whose samples nothing reads).
   */
  every?: number;
  /** The file is copy 0 of `writeCopies` (its service values end in `-0`): read it as the copies' base. */
  copyZero?: boolean;
}

/** Reads the simulator's OpenMetrics output (or another file of its shape), keeping each family's lines together. */
export async function readExposition(file: string, options: ReadOptions = {}): Promise<BaseExposition> {
  const zeroSuffix = options.copyZero ? copySuffix(0) : '';
  const families: Family[] = [];
  const copiedSeries = new Set<string>();
  const sharedSeries = new Set<string>();
  let family: Family | undefined;
  let inHeader = false;
  let sampleLines = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line.startsWith('# EOF')) {
      break;
    }
    if (line.startsWith('#')) {
      if (!inHeader || family === undefined) {
        family = { header: '', copied: [], shared: '' };
        families.push(family);
        inHeader = true;
      }
      family.header += `${line}\n`;
      continue;
    }
    if (!line.trim()) {
      continue;
    }
    if (family === undefined) {
      throw new Error(`${file}: a sample before any # TYPE line: ${line.slice(0, 200)}`);
    }
    inHeader = false;
    const time = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (options.since !== undefined && time < options.since) {
      continue;
    }
    const series = seriesOf(line);
    if (options.every && time % options.every !== 0 && (copiedSeries.has(series) || sharedSeries.has(series))) {
      continue;
    }
    sampleLines++;
    const at = line.indexOf(SERVICE);
    const end = at < 0 ? -1 : line.indexOf('"', at + SERVICE.length);
    if (end < 0) {
      family.shared += `${line}\n`;
      sharedSeries.add(series);
    } else {
      const head = line.slice(0, end);
      if (!head.endsWith(zeroSuffix)) {
        throw new Error(`${file}: a service value without the copy suffix ${zeroSuffix}: ${line.slice(0, 200)}`);
      }
      family.copied.push([head.slice(0, head.length - zeroSuffix.length), `${line.slice(end)}\n`]);
      copiedSeries.add(series);
    }
  }
  return { families, copiedSeries: copiedSeries.size, sharedSeries: sharedSeries.size, sampleLines };
}

/** What copy `n` appends to each service value. */
const copySuffix = (n: number) => `-${n}`;

/** How many copies make about `target` series. */
export function copiesFor(base: BaseExposition, target: number): number {
  return Math.max(1, Math.round((target - base.sharedSeries) / base.copiedSeries));
}

/** Series in a dataset of `copies` copies. */
export function seriesCount(base: BaseExposition, copies: number): number {
  return base.copiedSeries * copies + base.sharedSeries;
}

/**
 * Writes copies [first, last) of every family to `file` as OpenMetrics (families contiguous, as the format
 * requires); the shared series go with copy 0. Streamed, waiting for the disk when it falls behind.
 */
export async function writeCopies(base: BaseExposition, first: number, last: number, file: string): Promise<void> {
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) {
      await once(out, 'drain');
    }
  };
  for (const family of base.families) {
    await write(family.header);
    if (first === 0) {
      await write(family.shared);
    }
    for (let copy = first; copy < last; copy++) {
      const suffix = copySuffix(copy);
      // About 1 MB per write: large enough to be cheap, small enough to keep memory flat.
      let chunk = '';
      for (const [head, tail] of family.copied) {
        chunk += head + suffix + tail;
        if (chunk.length > 1 << 20) {
          await write(chunk);
          chunk = '';
        }
      }
      await write(chunk);
    }
  }
  await write('# EOF\n');
  out.end();
  await once(out, 'finish');
}
