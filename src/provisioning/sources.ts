/** Reads the generator's inputs from disk: the teams file, the bundled dashboards, the alert rule files. Node-only. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { assertDashboard, DashboardSourceError } from './dashboard';
import { type AlertingFile, type BundledDashboard } from './plan';
import { parseTeamsFile, TeamsFileError, type Team } from './teams';

/**
 * The product's own dashboards and alert rules, found next to this code, never from the working directory:
 * in the repository src/dashboards and alerting/grafana, in the installed CLI package the copies its build
 * puts beside dist/ (see cli/build.mjs).
 */
function bundled(...candidates: string[][]): string {
  const paths = candidates.map((parts) => join(__dirname, ...parts));
  return paths.find(isDirectory) ?? paths[0];
}

export const DEFAULT_DASHBOARDS_DIR = bundled(['..', 'dashboards']);
export const DEFAULT_ALERTING_DIR = bundled(['..', 'alerting', 'grafana'], ['..', '..', 'alerting', 'grafana']);

export function readTeamsFile(path: string): Team[] {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new TeamsFileError(`teams file ${path} does not exist`);
  }
  return parseTeamsFile(readFileSync(path, 'utf8'), path);
}

/** Every `*.json` directly in `dir`, in file-name order. */
export function readDashboards(dir: string): BundledDashboard[] {
  if (!isDirectory(dir)) {
    throw new DashboardSourceError(`dashboards directory ${dir} does not exist`);
  }
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort();
  if (files.length === 0) {
    throw new DashboardSourceError(`dashboards directory ${dir} has no *.json dashboards`);
  }
  return files.map((file) => {
    const source = join(dir, file);
    let dashboard: unknown;
    try {
      dashboard = JSON.parse(readFileSync(source, 'utf8'));
    } catch (error) {
      throw new DashboardSourceError(`${source}: not valid JSON: ${error instanceof Error ? error.message : error}`);
    }
    assertDashboard(dashboard, source);
    return { file, dashboard };
  });
}

/** The Grafana alerting provisioning files (`*.yaml`, `*.yml`, `*.json`) directly in `dir`, or none when it is absent. */
export function readAlerting(dir: string): AlertingFile[] {
  if (!isDirectory(dir)) {
    return [];
  }
  return readdirSync(dir)
    .filter((file) => /\.(ya?ml|json)$/.test(file) && statSync(join(dir, file)).isFile())
    .sort()
    .map((file) => ({ file, content: readFileSync(join(dir, file), 'utf8') }));
}

export function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
