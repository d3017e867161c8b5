/**
 * The "AI impact" panel plugin (aisre-impact-panel), nested in the AI Reliability app. Grafana loads this module
 * only on dashboards that show the panel, never with the app's preloaded module. It holds the options only: the
 * panel itself is a lazy chunk, shared with the app's pages, loaded from the app's folder (see publicPath.ts).
 */
import { PanelPlugin, type PanelProps, type SelectableValue } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';
import React, { lazy, Suspense } from 'react';
import type * as Metrics from '../../core/metrics';
import { type SliId } from '../../core/metrics';
import { DataSourceOptionEditor } from './DataSourceOptionEditor';
import { migrateOptions } from './migration';
import { appPublicPath } from './publicPath';
import { type BaselineMode, DEFAULT_OPTIONS, type ImpactPanelOptions } from './types';

declare let __webpack_public_path__: string;
// Only under webpack (jest imports this module for the options, without a webpack runtime).
if (typeof __webpack_public_path__ === 'string') {
  __webpack_public_path__ = appPublicPath(__webpack_public_path__);
}

const LazyImpactPanel = lazy(() => import('./ImpactPanel'));

function ImpactPanel(props: PanelProps<ImpactPanelOptions>) {
  return (
    <Suspense fallback={<LoadingPlaceholder text="" />}>
      <LazyImpactPanel {...props} />
    </Suspense>
  );
}

/**
 * addMultiSelect types its settings' options as arrays of the stored value (SelectableValue<T[]>); each is one T.
 * Read from the metrics contract when the options pane asks, so the contract stays out of this module.
 */
function multiSelectOptions<T>(
  pick: (metrics: typeof Metrics) => Array<SelectableValue<T>>
): () => Promise<Array<SelectableValue<T[]>>> {
  return () => import('../../core/metrics').then((metrics) => pick(metrics) as unknown as Array<SelectableValue<T[]>>);
}

const WHAT = 'What to report on';
const THRESHOLDS = 'Verdict thresholds';
const BASELINE = 'Baseline';

export const plugin = new PanelPlugin<ImpactPanelOptions>(ImpactPanel)
  .setMigrationHandler(migrateOptions)
  .setPanelOptions((builder) =>
    builder
      .addCustomEditor({
        id: 'datasource',
        path: 'datasource',
        name: 'Data source',
        description: 'A Prometheus-compatible data source; by default the dashboard’s ${datasource} variable.',
        category: [WHAT],
        editor: DataSourceOptionEditor,
        defaultValue: DEFAULT_OPTIONS.datasource,
      })
      .addMultiSelect({
        path: 'slis',
        name: 'SLIs',
        description: 'Leave empty for every SLI of the metrics contract.',
        category: [WHAT],
        defaultValue: DEFAULT_OPTIONS.slis,
        settings: {
          options: [],
          getOptions: multiSelectOptions<SliId>((m) => m.SLI_DEFINITIONS.map((d) => ({ value: d.id, label: d.title }))),
        },
      })
      .addMultiSelect({
        path: 'groupBy',
        name: 'Split by',
        description: 'Labels to split findings by (one finding per value). Empty: one finding per SLI.',
        category: [WHAT],
        defaultValue: DEFAULT_OPTIONS.groupBy,
        settings: {
          options: [],
          getOptions: multiSelectOptions<string>((m) => m.COMMON_LABELS.map((label) => ({ value: label, label }))),
          allowCustomValue: true,
        },
      })
      .addTextInput({
        path: 'selector',
        name: 'Selector',
        description:
          'PromQL label matchers for every query, e.g. team="search",endpoint=~"$endpoint". Empty: built from the team, service, endpoint and model variables.',
        category: [WHAT],
        defaultValue: DEFAULT_OPTIONS.selector,
      })
      .addNumberInput({
        path: 'investigate',
        name: 'Investigate at',
        description: 'Relative regression in the bad direction that asks for a look, in percent (5 = 5%).',
        category: [THRESHOLDS],
        defaultValue: DEFAULT_OPTIONS.investigate,
        settings: { min: 0, step: 1 },
      })
      .addNumberInput({
        path: 'page',
        name: 'Page at',
        description: 'Relative regression in the bad direction that pages, in percent (30 = 30%).',
        category: [THRESHOLDS],
        defaultValue: DEFAULT_OPTIONS.page,
        settings: { min: 0, step: 5 },
      })
      .addNumberInput({
        path: 'psiInvestigate',
        name: 'Investigate at PSI',
        description: 'Distribution shift (population stability index) that asks for a look.',
        category: [THRESHOLDS],
        defaultValue: DEFAULT_OPTIONS.psiInvestigate,
        settings: { min: 0, step: 0.05 },
      })
      .addNumberInput({
        path: 'psiPage',
        name: 'Page at PSI',
        category: [THRESHOLDS],
        defaultValue: DEFAULT_OPTIONS.psiPage,
        settings: { min: 0, step: 0.05 },
      })
      .addNumberInput({
        path: 'minVolume',
        name: 'Minimum volume',
        description: 'Fewest requests or observations in window and baseline for a verdict.',
        category: [THRESHOLDS],
        defaultValue: DEFAULT_OPTIONS.minVolume,
        settings: { min: 0, integer: true },
      })
      .addRadio<BaselineMode, { options: Array<{ value: BaselineMode; label: string }> }>({
        path: 'baselineMode',
        name: 'Compare with',
        description: 'Other incidents’ windows are always left out of the baseline.',
        category: [BASELINE],
        defaultValue: DEFAULT_OPTIONS.baselineMode,
        settings: {
          options: [
            { value: 'preceding', label: 'Preceding interval' },
            { value: 'days_earlier', label: 'N days earlier' },
            { value: 'fixed', label: 'Fixed range' },
          ],
        },
      })
      .addNumberInput({
        path: 'baselineDays',
        name: 'Days earlier',
        category: [BASELINE],
        defaultValue: DEFAULT_OPTIONS.baselineDays,
        settings: { min: 1, integer: true },
        showIf: (options) => options.baselineMode === 'days_earlier',
      })
      .addTextInput({
        path: 'baselineFrom',
        name: 'Baseline from',
        description: 'RFC 3339 with a zone (2026-11-24T14:00:00Z), Unix seconds, or now-7d.',
        category: [BASELINE],
        defaultValue: DEFAULT_OPTIONS.baselineFrom,
        showIf: (options) => options.baselineMode === 'fixed',
      })
      .addTextInput({
        path: 'baselineTo',
        name: 'Baseline to',
        category: [BASELINE],
        defaultValue: DEFAULT_OPTIONS.baselineTo,
        showIf: (options) => options.baselineMode === 'fixed',
      })
  );
