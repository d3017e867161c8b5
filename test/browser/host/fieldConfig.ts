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
  type FieldConfigPropertyItem,
  FieldType,
  identityOverrideProcessor,
  numberOverrideProcessor,
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
