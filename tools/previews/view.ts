/**
 * What a preview shows of a dashboard: its variables at their defaults (as a first visit to the dashboard sets
 * them) and the time ranges, the dashboard's and the one the impact panel reports on.
 */
import {
  DEFAULT_DATA_SOURCES,
  type DashboardPanelModel,
  type HostTimeRange,
  type HostVariable,
} from '../../test/browser/protocol';

/** A dashboard range (epoch seconds) and the simulated incident the impact panel shows. */
export interface PreviewView {
  from: number;
  to: number;
  incident: string;
}

interface TemplateVariable {
  name: string;
  type: string;
  current?: { value?: string | string[]; text?: string | string[] };
  allValue?: string | null;
}

/**
 * The dashboard's variables at their saved selection: a data source variable names the harness's Prometheus,
 * All keeps the custom all value (the dashboards' `.*`).
 */
export function dashboardVariables(json: { templating?: unknown }): HostVariable[] {
  const list = (json.templating as { list?: TemplateVariable[] } | undefined)?.list ?? [];
  return list.map((variable): HostVariable => {
    if (variable.type === 'datasource') {
      return { name: variable.name, type: 'datasource', value: DEFAULT_DATA_SOURCES[0].uid };
    }
    const value = variable.current?.value ?? '';
    const all = (Array.isArray(value) ? value : [value]).includes('$__all');
    return {
      name: variable.name,
      type: variable.type === 'custom' ? 'custom' : 'query',
      value: all ? '$__all' : value,
      ...(all && variable.allValue ? { allValue: variable.allValue } : {}),
    };
  });
}

/**
 * The dashboard's range, and the incident's window for each impact panel (its time override): the panel then
 * reports on that incident as an SRE who picked it would see it.
 */
export function previewTimeRanges(
  panels: DashboardPanelModel[],
  view: PreviewView,
  incidents: Array<{ id: string; from: number; to: number }>
): { dashboard: HostTimeRange; panels: Record<number, HostTimeRange> } {
  const incident = incidents.find((i) => i.id === view.incident);
  if (!incident) {
    throw new Error(
      `the simulated range has no incident ${view.incident} (it has ${incidents.map((i) => i.id).join(', ')})`
    );
  }
  const window = { from: incident.from * 1000, to: incident.to * 1000 };
  const impactPanels = panels.filter((p) => p.type === 'aisre-impact-panel' && p.id !== undefined);
  return {
    dashboard: { from: view.from * 1000, to: view.to * 1000 },
    panels: Object.fromEntries(impactPanels.map((p) => [p.id!, window])),
  };
}
