/**
 * The impact panel's options (what `setPanelOptions` edits and the dashboard JSON stores) and their defaults.
 * Threshold defaults are the core's, so a panel left as is judges exactly as `aisre impact` does. The relative
 * thresholds are percentages (5 = 5%), as the Configuration page takes them; the request turns them into fractions.
 */
import { type SliId } from '../../core/metrics';
import { DEFAULT_THRESHOLDS } from '../../core/report';
import { percentOf } from '../../core/settings';

export type BaselineMode = 'preceding' | 'days_earlier' | 'fixed';

export interface ImpactPanelOptions {
  /** Data source uid, or a dashboard variable such as `${datasource}`. */
  datasource: string;
  /** SLIs to report on; empty means every SLI of the metrics contract. */
  slis: SliId[];
  /** Labels to split findings by (`endpoint`, `model`, …); empty means one segment. */
  groupBy: string[];
  /** PromQL label matchers for every query; empty means built from the team/service/endpoint/model variables. */
  selector: string;
  /** Relative regressions that ask for a look / page, in percent (5 = 5%). */
  investigate: number;
  page: number;
  psiInvestigate: number;
  psiPage: number;
  /** Fewest requests/observations in window and baseline for a verdict. */
  minVolume: number;
  baselineMode: BaselineMode;
  /** For `days_earlier`: the same window this many days before. */
  baselineDays: number;
  /** For `fixed`: RFC 3339 with a zone, Unix seconds, or Grafana time (`now-7d`). */
  baselineFrom: string;
  baselineTo: string;
}

export const DATASOURCE_VARIABLE = '${datasource}';

export const DEFAULT_OPTIONS: ImpactPanelOptions = {
  datasource: DATASOURCE_VARIABLE,
  slis: [],
  groupBy: [],
  selector: '',
  investigate: percentOf(DEFAULT_THRESHOLDS.investigate),
  page: percentOf(DEFAULT_THRESHOLDS.page),
  psiInvestigate: DEFAULT_THRESHOLDS.psiInvestigate,
  psiPage: DEFAULT_THRESHOLDS.psiPage,
  minVolume: DEFAULT_THRESHOLDS.minVolume,
  baselineMode: 'preceding',
  baselineDays: 7,
  baselineFrom: '',
  baselineTo: '',
};

/** Options as stored, with anything missing (a panel saved by an older version) taken from the defaults. */
export function withDefaults(options: Partial<ImpactPanelOptions> | undefined): ImpactPanelOptions {
  const merged = { ...DEFAULT_OPTIONS };
  for (const [key, value] of Object.entries(options ?? {})) {
    if (value !== undefined && value !== null) {
      (merged as Record<string, unknown>)[key] = value;
    }
  }
  return merged;
}
