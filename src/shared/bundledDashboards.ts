/**
 * The dashboards the app bundles, as plugin.json declares them (its `includes`, each with its own uid and title),
 * and which telemetry convention each set reads: `dashboards/presets/<preset>/…` for a preset's set, the
 * contract's otherwise. plugin.json is the one list (Grafana imports the dashboards from it).
 */
import pluginJson from '../plugin.json';
import { type PresetId } from '../core/settings';

export interface BundledDashboard {
  uid: string;
  title: string;
  preset: PresetId;
}

interface Include {
  type: string;
  name: string;
  path?: string;
  uid?: string;
}

const PRESET_PATH = /^dashboards\/presets\/([^/]+)\//;

const BUNDLED_DASHBOARD_SETS: readonly BundledDashboard[] = (pluginJson.includes as Include[])
  .filter((include) => include.type === 'dashboard' && include.uid && include.path)
  .map((include) => ({
    uid: include.uid!,
    title: include.name,
    preset: (PRESET_PATH.exec(include.path!)?.[1] ?? 'contract') as PresetId,
  }));

/** The bundled dashboards that read `preset`'s names. */
export function dashboardsOf(preset: PresetId): BundledDashboard[] {
  return BUNDLED_DASHBOARD_SETS.filter((d) => d.preset === preset);
}
