/**
 * The standard option editors and field config options Grafana registers at boot (public/app/app.ts:
 * `standardEditorsRegistry.setInit(getAllOptionEditors)` and
 * `standardFieldConfigEditorRegistry.setInit(getAllStandardFieldConfigs)`, both listed in
 * public/app/core/components/OptionsUI/registry.tsx). applyFieldOverrides applies a panel's field defaults and
 * overrides only through this registry: without it colour schemes (`palette-classic`), fixed-colour overrides,
 * units and thresholds do nothing. The processors are @grafana/data's, as Grafana's; this host draws no options
 * pane, so every editor renders nothing.
 */
import {
  booleanOverrideProcessor,
  dataLinksOverrideProcessor,
  displayNameOverrideProcessor,
  FieldColorModeId,
  type FieldConfig,
  type FieldConfigOptionsRegistry,
  type FieldConfigPropertyItem,
  FieldType,
  identityOverrideProcessor,
  numberOverrideProcessor,
  PanelPlugin,
  standardEditorsRegistry,
  standardFieldConfigEditorRegistry,
  stringOverrideProcessor,
  ThresholdsMode,
  thresholdsOverrideProcessor,
  valueMappingsOverrideProcessor,
} from '@grafana/data';

export function NoOptionEditor() {
  return null;
}

/** The ids of getAllOptionEditors: a panel's options builder looks each one up, so `plugin.defaults` needs them. */
const STANDARD_EDITOR_IDS = [
  'actions',
  'boolean',
  'color',
  'dashboard-uid',
  'field-name',
  'fieldColor',
  'links',
  'mappings',
  'multi-select',
  'number',
  'radio',
  'select',
  'slider',
  'stats-picker',
  'strings',
  'text',
  'thresholds',
  'timezone',
  'unit',
];

type Process = FieldConfigPropertyItem['process'];
type Applies = FieldConfigPropertyItem['shouldApply'];

const always: Applies = () => true;
const numbers: Applies = (field) => field.type === FieldType.number;

function option(id: string, process: Process, shouldApply: Applies = always): FieldConfigPropertyItem {
  return { id, path: id, name: id, editor: NoOptionEditor, override: NoOptionEditor, process, shouldApply };
}

/** getAllStandardFieldConfigs, in its order, with its processors and defaults (actions left out: not exported). */
function standardFieldConfigs(): FieldConfigPropertyItem[] {
  return [
    option('unit', stringOverrideProcessor),
    option('min', numberOverrideProcessor, numbers),
    option('max', numberOverrideProcessor, numbers),
    option('fieldMinMax', booleanOverrideProcessor, numbers),
    option('decimals', numberOverrideProcessor, numbers),
    option('displayName', displayNameOverrideProcessor),
    option('color', identityOverrideProcessor),
    option('noValue', stringOverrideProcessor),
    option('links', dataLinksOverrideProcessor),
    {
      ...option('mappings', valueMappingsOverrideProcessor, (field) => field.type !== FieldType.time),
      defaultValue: [],
    },
    {
      ...option('thresholds', thresholdsOverrideProcessor),
      defaultValue: {
        mode: ThresholdsMode.Absolute,
        steps: [
          { value: -Infinity, color: 'green' },
          { value: 80, color: 'red' },
        ],
      },
    },
    option('filterable', booleanOverrideProcessor),
  ];
}

export function registerStandardOptions(): void {
  standardEditorsRegistry.setInit(() => STANDARD_EDITOR_IDS.map((id) => ({ id, name: id, editor: NoOptionEditor })));
  standardFieldConfigEditorRegistry.setInit(standardFieldConfigs);
}

/**
 * The time series panel's field defaults (grafana/grafana public/app/plugins/panel/timeseries/config.ts,
 * defaultGraphConfig, and the registry defaults of its custom options), beneath the panel's own.
 */
const TIME_SERIES_CUSTOM_DEFAULTS = {
  drawStyle: 'line',
  lineInterpolation: 'linear',
  lineWidth: 1,
  fillOpacity: 0,
  gradientMode: 'none',
  barAlignment: 0,
  showPoints: 'auto',
  pointSize: 5,
  stacking: { mode: 'none', group: 'A' },
  axisPlacement: 'auto',
  axisLabel: '',
  axisGridShow: true,
  axisCenteredZero: false,
  axisBorderShow: false,
  axisColorMode: 'text',
  scaleDistribution: { type: 'linear' },
  hideFrom: { legend: false, tooltip: false, viz: false },
  spanNulls: false,
  insertNulls: false,
  thresholdsStyle: { mode: 'off' },
};

/**
 * The time series panel's field config registry: the standard options plus its custom ones (`custom.stacking`,
 * `custom.fillOpacity`, ...), as its module's `useFieldConfig` builds it. applyFieldOverrides applies only the
 * options this registry lists, so without them stacking and fills would be dropped. Built on first use: the
 * standard options are registered at the host's boot.
 */
let timeSeriesRegistry: FieldConfigOptionsRegistry | undefined;
export function timeSeriesFieldConfigRegistry(): FieldConfigOptionsRegistry {
  timeSeriesRegistry ??= new PanelPlugin(NoOptionEditor).useFieldConfig({
    useCustomConfig: (builder) => {
      for (const path of Object.keys(TIME_SERIES_CUSTOM_DEFAULTS)) {
        builder.addCustomEditor({
          id: path,
          path,
          name: path,
          editor: NoOptionEditor,
          override: NoOptionEditor,
          process: identityOverrideProcessor,
          shouldApply: () => true,
        });
      }
    },
  }).fieldConfigRegistry;
  return timeSeriesRegistry;
}

/** A time series panel's field defaults beneath the panel's own, as the panel's module supplies them. */
export function timeSeriesDefaults(defaults: FieldConfig): FieldConfig {
  return {
    // The time series panel's colour default (timeseries/config.ts, getGraphFieldConfig: standardOptions.color).
    color: { mode: FieldColorModeId.PaletteClassic },
    ...defaults,
    custom: { ...TIME_SERIES_CUSTOM_DEFAULTS, ...(defaults.custom ?? {}) },
  };
}

/**
 * The bar chart panel's field defaults beneath the panel's own: its colour default is the classic palette
 * (grafana/grafana public/app/plugins/panel/barchart/module.tsx, `standardOptions[FieldConfigProperty.Color]`), and
 * each bar takes its field's series colour (barchart/utils.ts, prepConfig: `getFieldSeriesColor(field, theme)`).
 */
export function barChartDefaults(defaults: FieldConfig): FieldConfig {
  return { color: { mode: FieldColorModeId.PaletteClassic }, ...defaults };
}
