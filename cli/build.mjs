// Builds the publishable `@aisre/cli` package in this directory: the command line bundled by esbuild into
// one JavaScript file (yaml and the statistics inlined: no runtime dependencies, no TypeScript at run time),
// and the dashboards and alert rules `aisre provision` copies, found beside dist/ (src/provisioning/sources.ts).
// Run from the repository: `npm run build:cli`; then `npm pack ./cli`. (src/cli/aisre.ts carries the shebang.)
import { build } from 'esbuild';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (pkg.version !== rootPkg.version) {
  throw new Error(`cli/package.json is ${pkg.version}, package.json ${rootPkg.version}: one version for both`);
}

// Built into a staging folder, then moved into place file by file: a rename over a file is atomic, so two builds
// at once (two jest runs' global setups) cannot break each other, nor a test running the previous bundle.
const OUTPUTS = ['dist', 'dashboards', 'alerting'];
const staging = mkdtempSync(join(here, '.build-'));
try {
  await build({
    entryPoints: [join(root, 'src/cli/aisre.ts')],
    outfile: join(staging, 'dist/aisre.js'),
    bundle: true,
    platform: 'node',
    target: `node${pkg.engines.node.replace(/^>=/, '')}`,
    format: 'cjs',
    minify: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  mkdirSync(join(staging, 'dashboards'));
  for (const file of readdirSync(join(root, 'src/dashboards')).filter((f) => f.endsWith('.json'))) {
    cpSync(join(root, 'src/dashboards', file), join(staging, 'dashboards', file));
  }
  cpSync(join(root, 'alerting/grafana'), join(staging, 'alerting/grafana'), { recursive: true });
  writeFileSync(join(staging, 'LICENSE'), readFileSync(join(root, 'LICENSE')));

  const built = new Set(['LICENSE', ...OUTPUTS.flatMap((dir) => filesUnder(staging, dir))]);
  for (const file of built) {
    mkdirSync(dirname(join(here, file)), { recursive: true });
    renameSync(join(staging, file), join(here, file));
  }
  // What an earlier build wrote that this one did not (a dashboard since removed).
  for (const file of OUTPUTS.flatMap((dir) => filesUnder(here, dir)).filter((f) => !built.has(f))) {
    rmSync(join(here, file), { force: true });
  }
} finally {
  rmSync(staging, { recursive: true, force: true });
}

/** The files under `base`/`dir`, as paths relative to `base`; none when it does not exist. */
function filesUnder(base, dir) {
  if (!existsSync(join(base, dir))) {
    return [];
  }
  return readdirSync(join(base, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(base, join(entry.parentPath ?? entry.path, entry.name)));
}
