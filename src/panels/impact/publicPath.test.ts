import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { appPublicPath, PANEL_DIR } from './publicPath';

describe('appPublicPath', () => {
  it.each([
    ['/public/plugins/aisre-impact-panel/', '/public/plugins/aisre-reliability-app/'],
    ['public/plugins/aisre-impact-panel/', 'public/plugins/aisre-reliability-app/'],
    ['/grafana/public/plugins/aisre-impact-panel/', '/grafana/public/plugins/aisre-reliability-app/'],
    ['/public/plugins/aisre-reliability-app/panels/impact/', '/public/plugins/aisre-reliability-app/'],
    [
      'https://cdn.example/aisre-reliability-app/0.1.0/public/plugins/aisre-reliability-app/panels/impact/',
      'https://cdn.example/aisre-reliability-app/0.1.0/public/plugins/aisre-reliability-app/',
    ],
  ])('chunks of a panel served from %s are under %s', (served, chunks) => {
    expect(appPublicPath(served)).toBe(chunks);
  });

  it('leaves a path it does not know as it is', () => {
    expect(appPublicPath('/somewhere/else/')).toBe('/somewhere/else/');
  });

  it('names the folder the app includes the panel from', () => {
    const app = JSON.parse(readFileSync(join(__dirname, '..', '..', 'plugin.json'), 'utf8'));
    expect(app.includes).toContainEqual(expect.objectContaining({ type: 'panel', path: `${PANEL_DIR}plugin.json` }));
  });
});
