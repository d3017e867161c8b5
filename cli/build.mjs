// Builds the publishable `@aisre/cli` package in this directory: the command line bundled by esbuild into
// one JavaScript file (yaml and the statistics inlined: no runtime dependencies, no TypeScript at run time),
// and the dashboards and alert rules `aisre provision` copies, found beside dist/ (src/provisioning/sources.ts).
// Run from the repository: `npm run build:cli`; then `npm pack ./cli`. (src/cli/aisre.ts carries the shebang.)
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (pkg.version !== rootPkg.version) {
  throw new Error(`cli/package.json is ${pkg.version}, package.json ${rootPkg.version}: one version for both`);
}

for (const dir of ['dist', 'dashboards', 'alerting']) {
  rmSync(join(here, dir), { recursive: true, force: true });
}
await build({
  entryPoints: [join(root, 'src/cli/aisre.ts')],
  outfile: join(here, 'dist/aisre.js'),
  bundle: true,
  platform: 'node',
  target: `node${pkg.engines.node.replace(/^>=/, '')}`,
  format: 'cjs',
  minify: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

mkdirSync(join(here, 'dashboards'));
for (const file of readdirSync(join(root, 'src/dashboards')).filter((f) => f.endsWith('.json'))) {
  cpSync(join(root, 'src/dashboards', file), join(here, 'dashboards', file));
}
cpSync(join(root, 'alerting/grafana'), join(here, 'alerting/grafana'), { recursive: true });
writeFileSync(join(here, 'LICENSE'), readFileSync(join(root, 'LICENSE')));
