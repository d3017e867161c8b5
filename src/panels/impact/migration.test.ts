import { type PanelModel } from '@grafana/data';
import { version } from '../../../package.json';
import { DEFAULT_THRESHOLDS } from '../../core/report';
import bundled from '../../dashboards/model-slis.json';
import { OPTIONS_VERSION } from './migration';
import { plugin } from './module';
import { impactRequestOf } from './scope';
import { DEFAULT_OPTIONS, type ImpactPanelOptions, withDefaults } from './types';

type SavedPanel = PanelModel<Partial<ImpactPanelOptions>>;

/** The handler the plugin registers; saved JSON may lack any option, so it is typed as partial here. */
const migrate = (panel: SavedPanel) =>
  plugin.onPanelMigration?.(panel as PanelModel<ImpactPanelOptions>) as Partial<ImpactPanelOptions> | undefined;

/**
 * What Grafana does with a saved panel when the plugin loads (public/app/features/dashboard/state/PanelModel.ts,
 * `pluginLoaded`): call the migration handler when the stored pluginVersion is not the plugin's, then stamp it.
 */
function loadSaved(panel: SavedPanel): SavedPanel {
  const migrated = version !== panel.pluginVersion ? migrate(panel) : undefined;
  if (migrated) {
    return { ...panel, options: migrated, pluginVersion: version };
  }
  return panel;
}

/** The impact panel of the bundled Model SLIs dashboard as the generator wrote it before the options were percent. */
const BEFORE_PERCENT: SavedPanel = {
  id: 1,
  type: 'aisre-impact-panel',
  fieldConfig: { defaults: {}, overrides: [] },
  options: {
    datasource: '${datasource}',
    slis: [],
    groupBy: ['endpoint'],
    selector: '',
    investigate: 0.05,
    page: 0.3,
    psiInvestigate: 0.1,
    psiPage: 0.25,
    minVolume: 100,
    baselineMode: 'preceding',
    baselineDays: 7,
    baselineFrom: '',
    baselineTo: '',
  },
};

/** The thresholds the panel asks the core to judge with. */
const judgedWith = (options: Partial<ImpactPanelOptions>) =>
  impactRequestOf(withDefaults(options), { from: 0, to: 3600 }, { selector: '' }, undefined).thresholds;

describe('saved panels from before the percent options', () => {
  test('their fractions become percentages once, everything else as saved', () => {
    const loaded = loadSaved(BEFORE_PERCENT);
    expect(loaded.options).toEqual({ ...BEFORE_PERCENT.options, investigate: 5, page: 30 });
    expect(loaded.pluginVersion).toBe(version);
    // Once stamped, loading it again changes nothing.
    expect(loadSaved(loaded)).toEqual(loaded);
  });

  test('the verdict thresholds are the ones the panel was saved with', () => {
    const custom: SavedPanel = {
      ...BEFORE_PERCENT,
      options: { ...BEFORE_PERCENT.options, investigate: 0.07, page: 0.45 },
    };
    const loaded = loadSaved(custom).options;
    // No float noise: 7 and 45, not 7.000000000000001.
    expect([loaded.investigate, loaded.page]).toEqual([7, 45]);
    expect(judgedWith(loaded)).toEqual({ ...judgedWith(custom.options), investigate: 0.07, page: 0.45 });
    expect(judgedWith(loadSaved(BEFORE_PERCENT).options)).toMatchObject({
      investigate: DEFAULT_THRESHOLDS.investigate,
      page: DEFAULT_THRESHOLDS.page,
      psiInvestigate: DEFAULT_THRESHOLDS.psiInvestigate,
      psiPage: DEFAULT_THRESHOLDS.psiPage,
      minVolume: DEFAULT_THRESHOLDS.minVolume,
    });
  });

  test('options the panel never set keep the defaults, in percent', () => {
    const sparse: SavedPanel = { ...BEFORE_PERCENT, options: { groupBy: ['model'] } };
    expect(withDefaults(loadSaved(sparse).options)).toEqual({ ...DEFAULT_OPTIONS, groupBy: ['model'] });
    expect([DEFAULT_OPTIONS.investigate, DEFAULT_OPTIONS.page]).toEqual([5, 30]);
  });
});

describe('panels saved in percent', () => {
  test('a panel stamped with a version keeps its percentages, under a later plugin version too', () => {
    const stamped: SavedPanel = { ...BEFORE_PERCENT, pluginVersion: '0.1.0', options: { investigate: 10, page: 50 } };
    expect(migrate(stamped)).toEqual({ investigate: 10, page: 50 });
  });

  test('the bundled dashboards carry the options’ version, so Grafana leaves their percentages as written', () => {
    const panel = bundled.panels.find((p) => p.type === 'aisre-impact-panel') as unknown as SavedPanel;
    expect(panel.pluginVersion).toBe(OPTIONS_VERSION);
    expect([panel.options.investigate, panel.options.page]).toEqual([5, 30]);
    expect(loadSaved(panel).options).toEqual(panel.options);
    expect(migrate(panel)).toEqual(panel.options);
  });
});
