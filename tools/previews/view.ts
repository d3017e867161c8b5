/**
 * What a preview shows of a dashboard: the time ranges, the dashboard's and the one the impact panel reports on.
 */
import { type DashboardPanelModel, type HostTimeRange } from '../../test/browser/protocol';

/** A dashboard range (epoch seconds) and the simulated incident the impact panel shows. */
export interface PreviewView {
  from: number;
  to: number;
  incident: string;
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
