import { buildDashboards } from '../../src/dashboards/build';
import { dashboardVariables } from './dashboardVariables';

describe('dashboardVariables', () => {
  it('gives every bundled dashboard its data source, All with its .* and saved values as saved', () => {
    for (const { uid, json } of buildDashboards()) {
      const variables = dashboardVariables(json);
      expect([uid, variables.find((v) => v.name === 'datasource')]).toEqual([
        uid,
        { name: 'datasource', type: 'datasource', value: 'aisre-prometheus' },
      ]);
      expect([uid, variables.find((v) => v.name === 'team')]).toEqual([
        uid,
        { name: 'team', type: 'query', value: '$__all', allValue: '.*' },
      ]);
    }
    const slis = buildDashboards().find((d) => d.uid === 'aisre-model-slis')!;
    expect(dashboardVariables(slis.json).find((v) => v.name === 'similarity_threshold')).toEqual({
      name: 'similarity_threshold',
      type: 'query',
      value: '0.5',
    });
  });

  it('has no variables for a dashboard without templating', () => {
    expect(dashboardVariables({})).toEqual([]);
  });
});
