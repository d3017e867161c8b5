/**
 * Writes the generated rule files and dashboards: `npx tsx src/alerting/generate.ts`.
 * Run it after changing the metrics contract, the thresholds or a panel; a test fails until you do.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { format } from 'prettier';

import { generatedArtifacts } from './artifacts';

async function main() {
  const root = resolve(__dirname, '..', '..');
  for (const [path, content] of generatedArtifacts()) {
    const file = join(root, path);
    // Dashboards are written the way the repository's prettier formats JSON, so a lint:fix changes nothing.
    const text = path.endsWith('.json') ? await format(content, { filepath: file }) : content;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    process.stdout.write(`wrote ${path}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`generate failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
