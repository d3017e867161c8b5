/**
 * Every file generated from the metrics contract by this folder and src/dashboards/build.ts: the rule
 * files and the dashboards, by path from the repository root.
 */
import { buildDashboards } from '../dashboards/build';
import { alertRulesYaml, grafanaAlertRulesYaml, recordingRulesYaml } from './rules';

export const RECORDING_RULES_FILE = 'alerting/prometheus/recording-rules.yaml';
export const ALERT_RULES_FILE = 'alerting/prometheus/alert-rules.yaml';
export const GRAFANA_ALERT_RULES_FILE = 'alerting/grafana/alert-rules.yaml';

export function generatedArtifacts(): Map<string, string> {
  const files = new Map<string, string>([
    [RECORDING_RULES_FILE, recordingRulesYaml()],
    [ALERT_RULES_FILE, alertRulesYaml()],
    [GRAFANA_ALERT_RULES_FILE, grafanaAlertRulesYaml()],
  ]);
  for (const dashboard of buildDashboards('raw')) {
    files.set(`src/dashboards/${dashboard.file}`, `${JSON.stringify(dashboard.json, null, 2)}\n`);
  }
  // The same dashboards reading the recording rules: provision these instead once the rules are loaded.
  for (const dashboard of buildDashboards('recorded')) {
    files.set(`src/dashboards/recorded/${dashboard.file}`, `${JSON.stringify(dashboard.json, null, 2)}\n`);
  }
  return files;
}
