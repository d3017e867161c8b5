/** Where the incident pages link: each other, the runbooks page, and the bundled dashboards at an incident's window. */
import { ROUTES } from '../../constants';
import { prefixRoute } from '../../utils/utils.routing';

/**
 * The incident page of one annotation. The window rides along in the URL so the page can find the annotation in
 * that range on a Grafana without `GET /api/annotations/:id`, and so a shared link says which window it is.
 */
export function incidentPath(incident: { id: number; time: number; timeEnd: number }): string {
  return `${prefixRoute(ROUTES.Incidents)}/${incident.id}?from=${Math.floor(incident.time)}&to=${Math.ceil(incident.timeEnd)}`;
}

export { runbookPath } from '../../core/runbooks';

/** A bundled dashboard at the incident's window, pinned to its team when it has one. */
export function dashboardPath(uid: string, window: { time: number; timeEnd: number }, team?: string): string {
  const params = new URLSearchParams({ from: String(Math.floor(window.time)), to: String(Math.ceil(window.timeEnd)) });
  if (team) {
    params.set('var-team', team);
  }
  return `/d/${encodeURIComponent(uid)}?${params.toString()}`;
}
