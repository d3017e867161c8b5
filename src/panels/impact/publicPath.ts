/**
 * Where this nested panel's lazy chunks are. Webpack writes every chunk to the app's root (dist/), but the
 * panel's own runtime takes its public path from the URL its module.js was served at (grafana-public-path),
 * which is the nested plugin's folder (grafana/plugin-tools#2172). Grafana serves that module either
 *  - under the panel's own id: `public/plugins/aisre-impact-panel/module.js`, or
 *  - under the app, local or on the plugins CDN: `…/public/plugins/aisre-reliability-app/panels/impact/module.js`
 * (pkg/plugins/manager/loader/assetpath/assetpath.go, Module/Base with a parent). Either way the chunks are in
 * the app's folder, which this gives.
 */
import appJson from '../../plugin.json';
import panelJson from './plugin.json';

/** The panel's folder inside the app (its include path without `plugin.json`). */
export const PANEL_DIR = 'panels/impact/';

export function appPublicPath(panelPath: string): string {
  if (panelPath.endsWith(`/${PANEL_DIR}`)) {
    return panelPath.slice(0, -PANEL_DIR.length);
  }
  const ownId = `${panelJson.id}/`;
  if (panelPath === ownId || panelPath.endsWith(`/${ownId}`)) {
    return `${panelPath.slice(0, -ownId.length)}${appJson.id}/`;
  }
  return panelPath;
}
