/**
 * Saved panels, brought to this version's options. Grafana calls a panel plugin's migration handler when the
 * panel's stored `pluginVersion` differs from the plugin's version, then stores the plugin's version on the panel
 * (grafana/grafana public/app/features/dashboard/state/PanelModel.ts, `pluginLoaded`; the same in scenes'
 * VizPanel `_pluginLoaded`, packages/scenes/src/components/VizPanel/VizPanel.tsx). A panel added in the editor is
 * stamped with the version at once (PanelModel `changePlugin`), so only panels written without one reach here
 * unstamped.
 */
import { type PanelModel } from '@grafana/data';
import { percentOf } from '../../core/settings';
import { type ImpactPanelOptions } from './types';

/**
 * The version whose options the bundled dashboards hold (written as their impact panels' `pluginVersion`).
 * Every version since holds the relative thresholds in percent (5 = 5%).
 */
export const OPTIONS_VERSION = '0.1.0';

/** The relative thresholds, stored as fractions (0.05 = 5%) by panels written before the percent options. */
const FRACTION_OPTIONS = ['investigate', 'page'] as const;

/**
 * The options of a saved panel as this version reads them. A panel without a `pluginVersion` was written before
 * the thresholds were percentages (the earlier bundled dashboards, hand-written JSON): its fractions become
 * percentages, once, so its verdicts stay the same. Panels stamped with any version are already in percent.
 */
export function migrateOptions(panel: PanelModel<Partial<ImpactPanelOptions>>): Partial<ImpactPanelOptions> {
  const options = { ...panel.options };
  if (panel.pluginVersion) {
    return options;
  }
  for (const key of FRACTION_OPTIONS) {
    const value = options[key];
    if (typeof value === 'number' && Number.isFinite(value)) {
      options[key] = percentOf(value);
    }
  }
  return options;
}
