/**
 * `npm run bench`: every benchmark of the project, one after the other, each printing its own figures.
 * Run one alone with `npm run bench -- <name>`.
 */
import { calibrationBenchmark } from './calibration';
import { dashboardsBenchmark } from './dashboards.bench';
import { exportBenchmark } from './export.bench';
import { impactBenchmark } from './impact.bench';
import { browserBenchmark } from '../../test/browser/browser.bench';
import { incidentsBenchmark } from '../../test/browser/incidents.bench';

type Benchmark = { name: string; run: () => Promise<void> };

const benchmarks: Benchmark[] = [
  impactBenchmark,
  calibrationBenchmark,
  exportBenchmark,
  dashboardsBenchmark,
  browserBenchmark,
  incidentsBenchmark,
];

async function main() {
  const only = process.argv.slice(2);
  for (const bench of benchmarks.filter((b) => only.length === 0 || only.includes(b.name))) {
    process.stdout.write(`\n## ${bench.name}\n`);
    await bench.run();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
