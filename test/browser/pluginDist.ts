/**
 * The built plugin as Grafana sees it: every `plugin.json` under dist/ (the app and its nested plugins),
 * each served from its own directory under `/public/plugins/<id>/`, and the shared modules each
 * `module.js` asks the host for in its AMD `define([...])`.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

import { REPO_ROOT } from '../aisre';
import { runCommand } from '../processes';

/** The built plugin the browser tests load: dist/, or AISRE_DIST_DIR (e.g. an unpacked release zip). */
const DIST_DIR = process.env.AISRE_DIST_DIR ?? join(REPO_ROOT, 'dist');
const SRC_DIR = join(REPO_ROOT, 'src');

export interface DistPlugin {
  id: string;
  type: string;
  name: string;
  /** The directory holding its plugin.json and module.js. */
  dir: string;
  /** That directory relative to the dist root: '' for the app, `panels/impact` for a nested panel. */
  folder: string;
  /** Its plugin.json, as built (placeholders replaced). */
  json: Record<string, unknown>;
  /** The module names its module.js `define([...])` asks for. */
  amdDependencies: string[];
}

async function findPluginJsons(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...(await findPluginJsons(path)));
    } else if (entry.name === 'plugin.json') {
      found.push(path);
    }
  }
  return found;
}

/** The dependency list of a webpack AMD library: `define(["a","b"],(e,t)=>...)` (optionally named). */
export function amdDependencies(source: string, file = 'module.js'): string[] {
  const match = source.match(/\bdefine\(\s*(?:"[^"]*"\s*,\s*)?(\[[^\]]*\])/);
  if (!match) {
    throw new Error(`${file}: no AMD define([...]) found; is it a Grafana plugin module built by create-plugin?`);
  }
  return JSON.parse(match[1]) as string[];
}

export async function readDistPlugins(distDir = DIST_DIR): Promise<DistPlugin[]> {
  if (!existsSync(join(distDir, 'plugin.json'))) {
    throw new Error(`${distDir} has no plugin.json: run \`npm run build\` first`);
  }
  const plugins: DistPlugin[] = [];
  for (const jsonPath of await findPluginJsons(distDir)) {
    const json = JSON.parse(await readFile(jsonPath, 'utf8')) as Record<string, unknown>;
    const dir = dirname(jsonPath);
    const modulePath = join(dir, 'module.js');
    const deps = existsSync(modulePath)
      ? amdDependencies(await readFile(modulePath, 'utf8'), relative(REPO_ROOT, modulePath))
      : [];
    const folder = relative(distDir, dir);
    plugins.push({
      id: String(json.id),
      type: String(json.type),
      name: String(json.name),
      dir,
      folder,
      json,
      amdDependencies: deps,
    });
  }
  return plugins;
}

/** Fails, naming each one, when a built module asks for a shared module the host does not supply. */
export function assertHostSupplies(plugins: DistPlugin[], supplied: string[], refused: Record<string, string>): void {
  const builtIn = new Set(['module', 'exports', 'require']);
  const problems: string[] = [];
  for (const plugin of plugins) {
    for (const dep of plugin.amdDependencies) {
      if (builtIn.has(dep) || supplied.includes(dep)) {
        continue;
      }
      const why =
        refused[dep] ??
        'not supplied by the test host (add it to SHARED_MODULES in test/browser/hostBundle.ts if Grafana supplies it)';
      problems.push(`${relative(REPO_ROOT, join(plugin.dir, 'module.js'))} needs '${dep}': ${why}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`the built plugin needs modules the host page does not supply:\n${problems.join('\n')}`);
  }
}

function newestMtime(dir: string, skip: (path: string) => boolean): Promise<number> {
  return (async function walk(current: string): Promise<number> {
    let newest = 0;
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (skip(path)) {
        continue;
      }
      newest = Math.max(newest, entry.isDirectory() ? await walk(path) : statSync(path).mtimeMs);
    }
    return newest;
  })(dir);
}

/** Why dist/ needs a rebuild (missing, or older than a source the bundle is built from), or undefined. */
async function distStaleness(): Promise<string | undefined> {
  if (!existsSync(join(DIST_DIR, 'module.js'))) {
    return 'dist/module.js does not exist';
  }
  // Webpack leaves files whose content did not change untouched, so "built" is the newest file in dist/
  // (it rewrites plugin.json on every build).
  const built = await newestMtime(DIST_DIR, () => false);
  // Tests, the CLI, the simulator and this harness are not in the bundle: editing them needs no rebuild.
  const notBundled = (path: string) =>
    /\.test\.tsx?$/.test(path) ||
    ['cli', 'testing', 'simulator', 'bench'].some((d) => path.startsWith(join(SRC_DIR, d)));
  const newestSource = await newestMtime(SRC_DIR, notBundled);
  return newestSource > built ? 'src/ changed after dist/ was built' : undefined;
}

/**
 * Builds the plugin (`npm run build`) when dist/ is missing or older than src/. Browser tests call this in
 * beforeAll, so `npm test` needs no separate build step; CI builds first anyway (`npm run build` in .ci/run).
 */
export async function ensureBuiltPlugin(): Promise<{ rebuilt: boolean; reason?: string }> {
  // A plugin built elsewhere is tested as it is.
  if (process.env.AISRE_DIST_DIR || !(await distStaleness())) {
    return { rebuilt: false };
  }
  // Jest runs test files in parallel workers: one builds, the others wait and then find dist/ fresh.
  return withLock(BUILD_LOCK, async () => {
    const reason = await distStaleness();
    if (!reason) {
      return { rebuilt: false };
    }
    const result = await runCommand('npm', ['run', 'build'], { cwd: REPO_ROOT, timeoutMs: 300_000 });
    if (result.code !== 0) {
      throw new Error(`npm run build (${reason}) failed:\n${`${result.stdout}\n${result.stderr}`.slice(-4000)}`);
    }
    return { rebuilt: true, reason };
  });
}

const BUILD_LOCK = join(REPO_ROOT, 'node_modules', '.cache', 'aisre-host-build.lock');
/** A lock left by a killed run is taken over after this long (a build takes well under it). */
const STALE_LOCK_MS = 10 * 60_000;

async function withLock<T>(lockDir: string, work: () => Promise<T>): Promise<T> {
  await mkdir(dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
      const age = Date.now() - (statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) {
        await rm(lockDir, { recursive: true, force: true });
      } else {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}
