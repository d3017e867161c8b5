import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${pluginJson.id}`;

export enum ROUTES {
  Incidents = 'incidents',
  /** One incident annotation: `incidents/<annotation id>?from=<ms>&to=<ms>` (see incidentPath). */
  Incident = 'incidents/:id',
  Runbooks = 'runbooks',
}
