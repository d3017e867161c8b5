/**
 * Where this nested panel's lazy chunks are. The scaffold sets webpack's public path to the folder of the module
 * Grafana loaded (…/aisre-reliability-app/panels/impact/), but webpack writes every chunk at the root of dist/
 * (…/aisre-reliability-app/848.js). Without this, the panel's lazy import would ask for a file that is not there.
 * Imported first by module.tsx, after the scaffold's own public-path module and before any lazy import runs.
 */
declare let __webpack_public_path__: string;

const PANEL_FOLDER = 'panels/impact/';

if (typeof __webpack_public_path__ === 'string' && __webpack_public_path__.endsWith(PANEL_FOLDER)) {
  __webpack_public_path__ = __webpack_public_path__.slice(0, -PANEL_FOLDER.length);
}

export {};
