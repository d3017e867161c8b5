/**
 * Builds the host bundle: the shared modules Grafana supplies to plugins, bundled for the browser with
 * esbuild, plus the host runtime (./host/main.tsx). Cached under node_modules/.cache/aisre-host/<key>/,
 * where the key hashes package-lock.json, the host's sources and esbuild's version: a dependency bump or
 * a change to the host rebuilds it, anything else reuses it.
 *
 * Two Grafana generations: `12` takes the shared modules from the repository's own node_modules (@grafana/* 12.4,
 * React 18); `13` from hosts/grafana-13 (@grafana/* 13, React 19), a small npm project of its own.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

import * as esbuild from 'esbuild';

import { REPO_ROOT } from '../aisre';

/**
 * How an AMD factory receives a shared module, following Grafana's SystemJS map
 * (public/app/features/plugins/loader/sharedDependencies.ts in grafana/grafana):
 * - `namespace`: the ES module namespace (`import * as`), as `() => import('react')` gives;
 * - `default`: the module's default export (Grafana marks lodash, moment and jquery `__useDefault`);
 * - `grafana-ui`: @grafana/ui's namespace with the plugin base classes re-exposed from @grafana/data
 *   (Grafana keeps the 6.4-era import paths working);
 * - `i18n-instance`: Grafana shares its i18next instance (@grafana/i18n's getI18nInstance()).
 */
type SharedForm = 'namespace' | 'default' | 'grafana-ui' | 'i18n-instance';

interface SharedModule {
  /** The name a plugin's `define([...])` asks for. */
  name: string;
  /** What the host imports to supply it. */
  from: string;
  form: SharedForm;
}

const SHARED_MODULES: SharedModule[] = [
  { name: 'react', from: 'react', form: 'namespace' },
  { name: 'react/jsx-runtime', from: 'react/jsx-runtime', form: 'namespace' },
  { name: 'react/jsx-dev-runtime', from: 'react/jsx-dev-runtime', form: 'namespace' },
  { name: 'react-dom', from: 'react-dom', form: 'namespace' },
  { name: 'react-dom/client', from: 'react-dom/client', form: 'namespace' },
  { name: '@grafana/data', from: '@grafana/data', form: 'namespace' },
  { name: '@grafana/data/unstable', from: '@grafana/data/unstable', form: 'namespace' },
  { name: '@grafana/ui', from: '@grafana/ui', form: 'grafana-ui' },
  { name: '@grafana/ui/unstable', from: '@grafana/ui/unstable', form: 'namespace' },
  { name: '@grafana/runtime', from: '@grafana/runtime', form: 'namespace' },
  { name: '@grafana/runtime/unstable', from: '@grafana/runtime/unstable', form: 'namespace' },
  { name: '@emotion/css', from: '@emotion/css', form: 'namespace' },
  { name: 'emotion', from: '@emotion/css', form: 'namespace' },
  { name: '@emotion/react', from: '@emotion/react', form: 'namespace' },
  { name: 'rxjs', from: 'rxjs', form: 'namespace' },
  { name: 'rxjs/operators', from: 'rxjs/operators', form: 'namespace' },
  // Grafana supplies react-router-dom-v5-compat under this name: react-router-dom v6's exports, which
  // include react-router's. One react-router instance for the host's Router and the plugin's Routes.
  { name: 'react-router', from: 'react-router-dom', form: 'namespace' },
  { name: 'i18next', from: 'i18next', form: 'i18n-instance' },
  { name: 'lodash', from: 'lodash', form: 'default' },
  { name: 'moment', from: 'moment', form: 'default' },
  { name: 'jquery', from: 'jquery', form: 'default' },
  { name: 'react-redux', from: 'react-redux', form: 'namespace' },
  { name: 'redux', from: 'redux', form: 'namespace' },
  { name: 'prismjs', from: 'prismjs', form: 'namespace' },
  { name: 'react-inlinesvg', from: 'react-inlinesvg', form: 'namespace' },
];

/** Names Grafana supplies in a form this host cannot reproduce, and why: a plugin asking for them fails here. */
export const REFUSED_MODULES: Record<string, string> = {
  'react-router-dom':
    'Grafana 12 supplies react-router-dom v5 under this name (v6 only as "react-router"); bundle react-router-dom v6 in the plugin instead of marking it external',
};

export interface HostBundle {
  dir: string;
  js: string;
  css: string | undefined;
  /** Module names the bundle supplies to plugins. */
  supplied: string[];
  /** True when this call built it (false: reused from the cache). */
  built: boolean;
  /** The Grafana version whose shared modules it holds (@grafana/data's), for the boot data's buildInfo. */
  grafanaVersion: string;
}

const HOST_DIR = join(__dirname, 'host');
const CACHE_ROOT = join(REPO_ROOT, 'node_modules', '.cache', 'aisre-host');

export type GrafanaGeneration = 12 | 13;

/** Where each generation's shared modules are installed. */
export const HOST_ROOTS: Record<GrafanaGeneration, string> = {
  12: REPO_ROOT,
  13: join(REPO_ROOT, 'hosts', 'grafana-13'),
};

const INSTALL_HINT: Record<GrafanaGeneration, string> = {
  12: 'run `npm ci`',
  13: 'run `npm run test:hosts` (after `rm -rf hosts/grafana-13/node_modules` if an install was cut short)',
};

/**
 * Throws, naming the fix, unless every package the generation's package.json depends on is installed in its own
 * node_modules. Node's and esbuild's resolution walk up to the repository's node_modules, so without this a missing
 * or partial hosts/grafana-13 install would quietly bundle the repository's React 18 as "Grafana 13".
 */
export function assertHostInstalled(generation: GrafanaGeneration, root: string = HOST_ROOTS[generation]): void {
  const manifest = join(root, 'package.json');
  const declared = existsSync(manifest)
    ? Object.keys((JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: object }).dependencies ?? {})
    : [];
  const missing = declared.filter((pkg) => !existsSync(join(root, 'node_modules', pkg, 'package.json')));
  if (declared.length === 0 || missing.length > 0) {
    const what = declared.length === 0 ? `${manifest} declares no dependencies` : `missing ${missing.join(', ')}`;
    throw new Error(
      `the Grafana ${generation} host's modules are not installed in ${root} (${what}): ${INSTALL_HINT[generation]}`
    );
  }
}

/** Whether `specifier` resolves inside the generation's own node_modules (not one found by walking up). */
function isInstalled(specifier: string, root: string): boolean {
  const inRoot = (path: string) => path.startsWith(join(root, 'node_modules') + sep);
  try {
    return inRoot(require.resolve(specifier, { paths: [root] }));
  } catch {
    // Subpath exports (react-dom/client, @grafana/ui/unstable) resolve through their package.json.
    try {
      const pkg = specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/');
      return inRoot(require.resolve(`${pkg}/package.json`, { paths: [root] }));
    } catch {
      return false;
    }
  }
}

/**
 * The bundled files that came from outside the generation's own node_modules and the host's sources: for the
 * Grafana 13 host, a package esbuild found by walking up to the repository's (Grafana 12) node_modules.
 */
export function foreignInputs(inputs: string[], root: string): string[] {
  const allowed = [join(root, 'node_modules') + sep, HOST_DIR + sep];
  return inputs
    .map((input) => resolve(input))
    .filter((path) => path.includes(`${sep}node_modules${sep}`) && !allowed.some((dir) => path.startsWith(dir)));
}

/** A file inside a package, bypassing its `exports` map (for setters Grafana's shell uses but does not export). */
function packageFile(root: string, pkg: string, file: string): string {
  const path = join(root, 'node_modules', pkg, file);
  if (!existsSync(path)) {
    throw new Error(`${pkg}: ${file} not found; the host bundle needs it (did ${pkg} change its layout?)`);
  }
  return path;
}

function entrySource(modules: SharedModule[], root: string): string {
  const lines: string[] = [];
  const sources = [...new Set(modules.map((m) => m.from))];
  sources.forEach((from, i) => lines.push(`import * as m${i} from ${JSON.stringify(from)};`));
  lines.push(`import * as grafanaData from '@grafana/data';`);
  lines.push(
    `import { setPluginPage } from ${JSON.stringify(packageFile(root, '@grafana/runtime', 'dist/esm/components/PluginPage.mjs'))};`
  );
  lines.push(
    `import { setPanelRenderer } from ${JSON.stringify(packageFile(root, '@grafana/runtime', 'dist/esm/components/PanelRenderer.mjs'))};`
  );
  lines.push(
    `import { initializeI18n, getI18nInstance } from ${JSON.stringify(packageFile(root, '@grafana/i18n', 'dist/esm/i18n.mjs'))};`
  );
  lines.push(`import { startHost } from ${JSON.stringify(join(HOST_DIR, 'main.tsx'))};`);
  lines.push('const modules = {};');
  for (const module of modules) {
    const ns = `m${sources.indexOf(module.from)}`;
    const value = {
      namespace: ns,
      default: `(${ns}.default ?? ${ns})`,
      'grafana-ui': `{ ...${ns}, PanelPlugin: grafanaData.PanelPlugin, DataSourcePlugin: grafanaData.DataSourcePlugin, AppPlugin: grafanaData.AppPlugin, DataSourceApi: grafanaData.DataSourceApi }`,
      'i18n-instance': 'getI18nInstance()',
    }[module.form];
    lines.push(`modules[${JSON.stringify(module.name)}] = ${value};`);
  }
  lines.push(
    `startHost({ modules, refusals: ${JSON.stringify(REFUSED_MODULES)}, setPluginPage, setPanelRenderer, initializeI18n });`
  );
  return `${lines.join('\n')}\n`;
}

const generationOf = (root: string) => (root === HOST_ROOTS[13] ? 13 : 12);

async function cacheKey(modules: SharedModule[], root: string): Promise<string> {
  const hash = createHash('sha256');
  hash.update(root);
  hash.update(await readFile(join(root, 'package-lock.json')));
  hash.update(JSON.stringify(modules));
  hash.update(esbuild.version);
  for (const dir of [HOST_DIR, __dirname]) {
    for (const name of (await readdir(dir)).sort()) {
      if (/\.tsx?$/.test(name) && !name.endsWith('.test.ts')) {
        hash.update(name).update(await readFile(join(dir, name)));
      }
    }
  }
  return `${generationOf(root)}-${hash.digest('hex').slice(0, 16)}`;
}

/**
 * The host's own sources import the shared modules by name: resolve those from the generation's root, so the host
 * and the plugin share one React and one @grafana/runtime (its setters are module state).
 */
function fromRoot(root: string): esbuild.Plugin {
  return {
    name: 'aisre-host-root',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === root || !args.importer.startsWith(HOST_DIR)) {
          return undefined;
        }
        const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: root, pluginData: root });
        return resolved.errors.length > 0 ? undefined : resolved;
      });
    },
  };
}

/** Returns the cached host bundle, building it first when package-lock.json or the host changed. */
export async function ensureHostBundle(generation: GrafanaGeneration = 12): Promise<HostBundle> {
  const root = HOST_ROOTS[generation];
  assertHostInstalled(generation, root);
  const modules = SHARED_MODULES.filter((m) => isInstalled(m.from, root));
  const supplied = modules.map((m) => m.name);
  const grafanaVersion = (
    JSON.parse(await readFile(packageFile(root, '@grafana/data', 'package.json'), 'utf8')) as { version: string }
  ).version;
  const key = await cacheKey(modules, root);
  const dir = join(CACHE_ROOT, key);
  const js = join(dir, 'host.js');
  const cssPath = join(dir, 'host.css');
  if (existsSync(js)) {
    return { dir, js, css: existsSync(cssPath) ? cssPath : undefined, supplied, built: false, grafanaVersion };
  }
  // Build into a private dir and rename: two jest workers may build at once.
  const staging = `${dir}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const result = await esbuild.build({
    stdin: { contents: entrySource(modules, root), resolveDir: root, sourcefile: 'aisre-host-entry.js', loader: 'js' },
    plugins: [fromRoot(root)],
    bundle: true,
    platform: 'browser',
    // ESM with splitting keeps @grafana/ui's lazy imports lazy (monaco-editor alone is megabytes to run).
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    target: 'es2020',
    outdir: staging,
    entryNames: 'host',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    loader: {
      '.svg': 'dataurl',
      '.png': 'dataurl',
      '.gif': 'dataurl',
      '.woff': 'dataurl',
      '.woff2': 'dataurl',
      '.ttf': 'dataurl',
    },
    logLevel: 'silent',
    legalComments: 'none',
    // Minified: every page parses this bundle, and an 18 MB script takes Chromium seconds to parse here.
    minify: true,
    metafile: true,
  });
  if (result.errors.length > 0) {
    throw new Error(`host bundle: ${result.errors.map((e) => e.text).join('\n')}`);
  }
  const foreign = foreignInputs(Object.keys(result.metafile.inputs), root);
  if (foreign.length > 0) {
    await rm(staging, { recursive: true, force: true });
    throw new Error(
      `the Grafana ${generation} host would bundle ${foreign.length} file(s) from outside ${root}/node_modules ` +
        `(e.g. ${foreign.slice(0, 3).join(', ')}): ${INSTALL_HINT[generation]}`
    );
  }
  await rename(staging, dir).catch(async (error: NodeJS.ErrnoException) => {
    // Another worker finished first: use its build.
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(js)) {
      throw error;
    }
  });
  // Older builds are dead weight in the cache (each generation keeps its own).
  for (const name of await readdir(CACHE_ROOT)) {
    if (name.startsWith(`${generation}-`) && name !== key && !name.includes('.tmp-')) {
      await rm(resolve(CACHE_ROOT, name), { recursive: true, force: true });
    }
  }
  return { dir, js, css: existsSync(cssPath) ? cssPath : undefined, supplied, built: true, grafanaVersion };
}
